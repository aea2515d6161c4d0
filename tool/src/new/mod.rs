//! `pyrs new NAME`: a folder NAME holding a small typed extension project that passes its
//! own `pyrs test` as made. The template is rendered into a hidden folder beside it and
//! moved into place whole (a refused or failed render leaves nothing), then built once with
//! `pyrs dev` (which makes `.venv` and writes the stub from the extension's introspection),
//! and committed.

mod git;
mod name;
mod template;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::cli::NewLayout;
use crate::error::ConfigError;
use crate::interpreter::{venv_python, InterpreterChoice};
use crate::project::Project;
use template::{File, Spec};

/// What `create` made.
pub struct Created {
    pub root: PathBuf,
    /// `pyrs dev` built it and wrote the stub (false: the build failed; the project is there).
    pub built: bool,
    /// The first commit was made (false: git is missing or failed; said why on stderr).
    pub committed: bool,
}

/// Makes the project `name` in `parent`. A refused name or folder is a `ConfigError` (exit
/// 2) naming every reason, and nothing is written.
pub fn create(
    parent: &Path,
    name: &str,
    layout: NewLayout,
    python: Option<&Path>,
) -> Result<Created> {
    let root = parent.join(name);
    refuse_if_wrong(name, &root, python)?;
    let spec = Spec { name, layout, year: template::year_of(unix_now()) };
    write_all(parent, &root, &spec)?;
    format_rust(&root.join("src").join("lib.rs"));
    let mut project = Project::load(&root, python)?;
    if python.is_none() {
        // The project's own `.venv`, even when another project's venv is active.
        let venv = root.join(".venv");
        project.interpreter =
            InterpreterChoice { python: venv_python(&venv), venv: Some(venv), origin: ".venv" };
    }
    let built = crate::dev::run_and_report(&project, false, false)?;
    // A failed build leaves no stub: nothing is committed until `pyrs dev` has made one.
    let committed = built
        && match git::commit_all(&root, "A new typed Rust extension (pyrs new)") {
            Ok(()) => true,
            Err(error) => {
                eprintln!("pyrs: the project is not committed: {error:#}");
                false
            }
        };
    Ok(Created { root, built, committed })
}

/// Every reason the name or the folder cannot be used, at once.
fn refuse_if_wrong(name: &str, root: &Path, python: Option<&Path>) -> Result<(), ConfigError> {
    let mut problems = name::rule_problems(name);
    let probe = python.map(Path::to_path_buf).or_else(default_python);
    if let Some(python) = probe {
        problems.extend(name::interpreter_problems(name, &python));
    }
    let occupied = std::fs::read_dir(root).is_ok_and(|mut entries| entries.next().is_some());
    if occupied || (root.exists() && !root.is_dir()) {
        problems.push(format!("{} exists and is not an empty folder", root.display()));
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(ConfigError::new(
        Path::new(name),
        format!("cannot be the new project's name: {}", problems.join("; ")),
    ))
}

/// The Python the name is checked against when no `--python` is given: the one a new venv
/// would be made from.
fn default_python() -> Option<PathBuf> {
    let names: &[&str] = if cfg!(windows) { &["python", "py"] } else { &["python3", "python"] };
    names.iter().find_map(|n| crate::venv::find_on_path(n))
}

/// Renders every file into a hidden folder beside `root`, then moves it into place: the
/// project appears whole or not at all.
fn write_all(parent: &Path, root: &Path, spec: &Spec) -> Result<()> {
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{}.pyrs-new-", spec.name))
        .tempdir_in(parent)
        .with_context(|| format!("cannot write in {}", parent.display()))?;
    for file in &template::project_files(spec) {
        write(staging.path(), file)?;
    }
    // The managed configuration comes from adopt's own code path: a new project and an
    // adopted one can never differ.
    let staged = Project::load(staging.path(), None)?;
    crate::adopt::configure(&staged)?;
    if root.is_dir() {
        // An empty folder (checked above) is taken over.
        std::fs::remove_dir(root).with_context(|| format!("cannot replace {}", root.display()))?;
    }
    let staged = staging.keep();
    std::fs::rename(&staged, root).with_context(|| format!("cannot make {}", root.display()))
}

fn write(base: &Path, file: &File) -> Result<()> {
    let path = base.join(&file.path);
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("cannot make {}", folder.display()))?;
    }
    let mut contents = if file.append {
        std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?
    } else {
        String::new()
    };
    contents.push_str(&file.contents);
    std::fs::write(&path, contents).with_context(|| format!("cannot write {}", path.display()))
}

/// rustfmt's layout for the rendered Rust, where a long name would overflow a line; the
/// template is already formatted for usual names, so a missing rustfmt changes nothing.
fn format_rust(file: &Path) {
    let _ = std::process::Command::new("rustfmt")
        .args(["--edition", "2021"])
        .arg(file)
        .stderr(std::process::Stdio::null())
        .status();
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}
