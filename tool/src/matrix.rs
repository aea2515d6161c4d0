//! `pyrs test --matrix`: the project's tests on every claimed CPython found, each in a venv of
//! its own with a release wheel built for it, as users will install it.
//!
//! Which tests: `[tool.pyrs] matrix-tests` (paths), else the project's pytest test paths.
//! With what: the project's test requirements, pinned from its `uv.lock` when it has one
//! (`uv export` of the `test` dependency group, else `dev`, else the `test`/`tests` extra),
//! else as the group or extra lists them. The tests see the wheel under test as `PYRS_WHEEL`
//! (a downstream-consumer test installs it elsewhere instead of building its own).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use toml::{Table, Value};

use crate::commands::test::Outcome;
use crate::interpreter::{venv_python, venv_tool};
use crate::pins;
use crate::project::Project;
use crate::pythons::{self, FoundPython};

/// The variable naming the wheel under test, for the tests the matrix runs.
pub const WHEEL_VARIABLE: &str = "PYRS_WHEEL";
const TESTS_KEY: &str = "tool.pyrs.matrix-tests";

pub fn run(project: &Project, require_all: bool) -> Result<Outcome> {
    let Some(paths) = matrix_tests(project)? else {
        return Ok(Outcome::NotRun("no tests to run on each version".into()));
    };
    let venv = crate::venv::ensure(&project.interpreter, &[pins::MATURIN, pins::UV])?;
    let uv = crate::venv::uv(&venv).context("the matrix needs uv")?;
    let folder = project.krate.target_directory.join("pyrs-matrix");
    let requirements = test_requirements(project, &uv, &folder)?;
    println!("test requirements: {}", requirements.describe(project));
    let found = pythons::discover(Some(&uv));
    let claimed = claimed_versions(project, found.keys().copied().collect());
    let mut rows = Vec::new();
    let mut missing = Vec::new();
    for version in &claimed {
        match found.get(version) {
            Some(python) => {
                let (major, minor, patch) = python.version;
                println!("matrix: CPython {major}.{minor}.{patch} ({}) ...", python.path.display());
                let version =
                    Version { project, uv: &uv, maturin_venv: &venv, python, folder: &folder };
                rows.push(version.run(&requirements, &paths));
            }
            None => missing.push(format!("{}.{}", version.0, version.1)),
        }
    }
    println!("\n{:<8} {:<6} {:>8}  result", "CPython", "from", "time");
    let mut failed = 0;
    for row in &rows {
        let (major, minor, patch) = row.python.version;
        let verdict = match &row.result {
            Ok(summary) => summary.clone(),
            Err(error) => {
                failed += 1;
                format!("FAILED: {error:#}")
            }
        };
        let version = format!("{major}.{minor}.{patch}");
        println!("{version:<8} {:<6} {:>6.1} s  {verdict}", row.python.source, row.seconds);
    }
    for version in &missing {
        println!("{version:<8} {:<6} {:>8}  claimed, not found on this machine", "-", "-");
    }
    if failed > 0 {
        return Ok(Outcome::Failed(format!("{failed} version(s) failed")));
    }
    if !missing.is_empty() && require_all {
        return Ok(Outcome::Failed(format!(
            "claimed but not found: {} (install them: pyenv, uv python install)",
            missing.join(", ")
        )));
    }
    if rows.is_empty() {
        return Ok(Outcome::NotRun("no claimed CPython found".into()));
    }
    Ok(Outcome::Passed)
}

/// The tests each version runs: `[tool.pyrs] matrix-tests`, else the pytest test paths.
fn matrix_tests(project: &Project) -> Result<Option<Vec<PathBuf>>> {
    let configured = project.pyproject.string_list(TESTS_KEY);
    if configured.is_empty() {
        return Ok(crate::suite::test_paths(project));
    }
    let paths: Vec<PathBuf> = configured.iter().map(|p| project.root.join(p)).collect();
    if let Some(absent) = paths.iter().find(|p| !p.exists()) {
        bail!(
            "{}: [tool.pyrs] matrix-tests names {}, which does not exist",
            project.pyproject.path.display(),
            absent.display()
        );
    }
    Ok(Some(paths))
}

/// The versions the project claims: its `Python :: 3.N` classifiers, or, without them,
/// every version found that `requires-python` allows (none can then be missing).
fn claimed_versions(project: &Project, found: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    if !project.pyproject.claimed_pythons.is_empty() {
        return project.pyproject.claimed_pythons.clone();
    }
    let lowest = project.pyproject.requires_python.as_deref().and_then(lower_bound);
    found.into_iter().filter(|v| lowest.is_none_or(|low| *v >= low)).collect()
}

/// The lower bound of a `>=3.N` specifier.
fn lower_bound(spec: &str) -> Option<(u32, u32)> {
    let bound = spec.split(',').find_map(|part| part.trim().strip_prefix(">="))?;
    let mut parts = bound.trim().split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// Where the project declares its test requirements.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Declared {
    Group(&'static str),
    Extra(&'static str),
}

/// The first of the `test` and `dev` dependency groups, then the `test` and `tests` extras.
fn declared(pyproject: &Table) -> Option<Declared> {
    let groups = pyproject.get("dependency-groups").and_then(Value::as_table);
    if let Some(group) =
        ["test", "dev"].into_iter().find(|g| groups.is_some_and(|t| t.contains_key(*g)))
    {
        return Some(Declared::Group(group));
    }
    let extras = pyproject
        .get("project")
        .and_then(|p| p.get("optional-dependencies"))
        .and_then(Value::as_table);
    ["test", "tests"]
        .into_iter()
        .find(|e| extras.is_some_and(|t| t.contains_key(*e)))
        .map(Declared::Extra)
}

/// A dependency group's requirement strings, its `{ include-group = ... }` entries expanded
/// (PEP 735); a group including itself, directly or not, stops there.
fn group_requirements(groups: &Table, name: &str, visiting: &mut Vec<String>) -> Vec<String> {
    if visiting.iter().any(|v| v == name) {
        return Vec::new();
    }
    visiting.push(name.to_owned());
    let mut found = Vec::new();
    for item in groups.get(name).and_then(Value::as_array).into_iter().flatten() {
        match item {
            Value::String(requirement) => found.push(requirement.clone()),
            Value::Table(entry) => {
                if let Some(included) = entry.get("include-group").and_then(Value::as_str) {
                    found.extend(group_requirements(groups, included, visiting));
                }
            }
            _ => {}
        }
    }
    visiting.pop();
    found
}

/// The test requirements each version's venv gets.
#[derive(Debug)]
enum Requirements {
    /// Pinned from uv.lock, in a requirements file (`uv export`).
    Locked { file: PathBuf, declared: Declared },
    /// As the project lists them (no lock to pin them).
    Listed(Vec<String>),
}

impl Requirements {
    fn describe(&self, project: &Project) -> String {
        match self {
            Requirements::Locked { declared, .. } => {
                format!("{} from {}", declared.describe(), project.root.join("uv.lock").display())
            }
            Requirements::Listed(specs) if specs.is_empty() => "pytest alone".into(),
            Requirements::Listed(specs) => specs.join(" "),
        }
    }

    /// The arguments of `uv pip install` that install them, pytest included.
    fn install_args(&self) -> Result<Vec<String>> {
        let (mut args, listed) = match self {
            Requirements::Locked { file, .. } => {
                let text = std::fs::read_to_string(file)
                    .with_context(|| format!("cannot read {}", file.display()))?;
                let names: Vec<String> = text.lines().filter_map(requirement_name).collect();
                (vec!["-r".to_owned(), file.display().to_string()], names)
            }
            Requirements::Listed(specs) => {
                (specs.clone(), specs.iter().filter_map(|s| requirement_name(s)).collect())
            }
        };
        if !listed.iter().any(|name| name == pins::PYTEST.name) {
            args.push(pins::PYTEST.spec.to_owned());
        }
        Ok(args)
    }
}

impl Declared {
    fn describe(&self) -> String {
        match self {
            Declared::Group(group) => format!("dependency group {group}"),
            Declared::Extra(extra) => format!("extra {extra}"),
        }
    }
}

/// The normalised distribution name a requirement line starts with (`None` for comments,
/// options and blank lines).
fn requirement_name(line: &str) -> Option<String> {
    let line = line.trim();
    let end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(line.len());
    let name = &line[..end];
    // A name starts with a letter or digit: `-r`, `--hash`, `-e .` are options.
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return None;
    }
    Some(name.to_ascii_lowercase().replace(['_', '.'], "-"))
}

fn test_requirements(project: &Project, uv: &Path, folder: &Path) -> Result<Requirements> {
    let Some(declared) = declared(&project.pyproject.table) else {
        return Ok(Requirements::Listed(Vec::new()));
    };
    if project.root.join("uv.lock").is_file() {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
        let file = folder.join("test-requirements.txt");
        let mut export = Command::new(uv);
        export
            .current_dir(&project.root)
            .args(["export", "--frozen", "--quiet", "--no-hashes", "--no-emit-project"])
            .args(["--no-header", "--no-annotate"]);
        match &declared {
            Declared::Group(group) => export.args(["--only-group", group]),
            Declared::Extra(extra) => export.args(["--no-default-groups", "--extra", extra]),
        };
        export.arg("--output-file").arg(&file);
        run_step(export, "uv export (the test requirements from uv.lock)")?;
        return Ok(Requirements::Locked { file, declared });
    }
    Ok(Requirements::Listed(match declared {
        Declared::Group(group) => {
            let groups = project.pyproject.get("dependency-groups").and_then(Value::as_table);
            groups.map(|g| group_requirements(g, group, &mut Vec::new())).unwrap_or_default()
        }
        Declared::Extra(extra) => {
            project.pyproject.string_list(&format!("project.optional-dependencies.{extra}"))
        }
    }))
}

/// One version's run: its wheel, its venv, its tests.
struct Version<'a> {
    project: &'a Project,
    uv: &'a Path,
    /// The project's venv, whose maturin builds the wheels.
    maturin_venv: &'a Path,
    python: &'a FoundPython,
    folder: &'a Path,
}

struct Row {
    python: FoundPython,
    seconds: f64,
    /// pytest's summary line, or why the version failed.
    result: Result<String>,
}

impl Version<'_> {
    fn run(&self, requirements: &Requirements, paths: &[PathBuf]) -> Row {
        let started = Instant::now();
        let result = self.build_and_test(requirements, paths);
        Row { python: self.python.clone(), seconds: started.elapsed().as_secs_f64(), result }
    }

    fn build_and_test(&self, requirements: &Requirements, paths: &[PathBuf]) -> Result<String> {
        let (major, minor) = self.python.minor();
        // A target folder per version: pyo3 is built for one interpreter, so a shared one
        // would rebuild it at every switch.
        let folder = self.folder.join(format!("{major}.{minor}"));
        let wheel = self.build_wheel(&folder)?;
        let test_venv = folder.join("venv");
        if !venv_python(&test_venv).is_file() {
            let mut create = Command::new(self.uv);
            create.args(["venv", "--quiet", "--python"]).arg(&self.python.path).arg(&test_venv);
            run_step(create, "uv venv")?;
        }
        let mut install = Command::new(self.uv);
        install
            .args(["pip", "install", "--quiet", "--python"])
            .arg(venv_python(&test_venv))
            .args(requirements.install_args()?)
            .args(["--reinstall-package", &self.project.pyproject.name])
            .arg(&wheel);
        run_step(install, "installing the wheel and the test requirements")?;
        let mut pytest = Command::new(venv_python(&test_venv));
        pytest
            .current_dir(&self.project.root)
            .args(["-m", "pytest", "-p", "no:cacheprovider", "-q"])
            .args(paths)
            .env("VIRTUAL_ENV", &test_venv)
            .env(WHEEL_VARIABLE, &wheel)
            .env_remove("PYTHONPATH");
        let output = pytest.output().context("cannot run pytest")?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let summary = stdout.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or_default();
        let summary = summary.trim_matches(|c: char| c == '=' || c.is_whitespace()).to_owned();
        if !output.status.success() {
            print!("{stdout}");
            eprint!("{}", String::from_utf8_lossy(&output.stderr));
            bail!("pytest: {summary}");
        }
        Ok(summary)
    }

    /// `maturin build --release` for this version; the wheel's path.
    fn build_wheel(&self, folder: &Path) -> Result<PathBuf> {
        let wheels = folder.join("wheels");
        let _ = std::fs::remove_dir_all(&wheels);
        let mut build = Command::new(venv_tool(self.maturin_venv, pins::MATURIN.executable));
        build
            .current_dir(&self.project.root)
            .args(["build", "--release", "--quiet", "--interpreter"])
            .arg(&self.python.path)
            .arg("--out")
            .arg(&wheels)
            .env("CARGO_TARGET_DIR", folder.join("target"))
            .env("PYO3_PYTHON", &self.python.path)
            .env_remove("VIRTUAL_ENV");
        run_step(build, "maturin build")?;
        let built = std::fs::read_dir(&wheels)
            .with_context(|| format!("cannot read {}", wheels.display()))?
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|e| e == "whl"));
        built.context("maturin built no wheel")
    }
}

fn run_step(mut command: Command, what: &str) -> Result<()> {
    let status = command.status().with_context(|| format!("cannot run {what}"))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        text.parse().expect("test TOML parses")
    }

    #[test]
    fn the_test_group_comes_first_then_dev_then_the_extras() {
        let both = table("[dependency-groups]\ndev = []\ntest = []\n");
        assert_eq!(declared(&both), Some(Declared::Group("test")));
        let dev = table("[dependency-groups]\ndev = []\n");
        assert_eq!(declared(&dev), Some(Declared::Group("dev")));
        let extra = table("[project.optional-dependencies]\ntests = ['pytest']\n");
        assert_eq!(declared(&extra), Some(Declared::Extra("tests")));
        assert_eq!(declared(&table("[project]\nname = 'x'\n")), None);
    }

    #[test]
    fn included_groups_are_expanded_once() {
        let groups = table(
            "test = ['pytest==9.2.0', 'numpy']\n\
             dev = [{ include-group = 'test' }, 'ruff', { include-group = 'dev' }]\n",
        );
        let found = group_requirements(&groups, "dev", &mut Vec::new());
        assert_eq!(found, ["pytest==9.2.0", "numpy", "ruff"]);
    }

    #[test]
    fn requirement_names_are_normalised() {
        assert_eq!(requirement_name("pytest==9.2.0"), Some("pytest".into()));
        assert_eq!(
            requirement_name("Typing_Extensions==4.16.0 ; python_version < '3.11'"),
            Some("typing-extensions".into())
        );
        assert_eq!(requirement_name("pyright[nodejs]==1.1"), Some("pyright".into()));
        assert_eq!(requirement_name("# a comment"), None);
        assert_eq!(requirement_name("-e ."), None);
        assert_eq!(requirement_name("   "), None);
    }

    #[test]
    fn pytest_is_added_only_when_the_project_does_not_list_it() {
        let listed = Requirements::Listed(vec!["pytest>=8".into(), "numpy".into()]);
        assert_eq!(listed.install_args().expect("listed"), ["pytest>=8", "numpy"]);
        let bare = Requirements::Listed(vec!["numpy".into()]);
        assert_eq!(bare.install_args().expect("listed"), ["numpy", pins::PYTEST.spec]);
    }

    #[test]
    fn the_lower_bound_of_requires_python() {
        assert_eq!(lower_bound(">=3.10"), Some((3, 10)));
        assert_eq!(lower_bound("<4, >= 3.9.2"), Some((3, 9)));
        assert_eq!(lower_bound("~=3.11"), None);
    }
}
