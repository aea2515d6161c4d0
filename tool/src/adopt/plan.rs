//! The managed configuration the model wants, as new contents of each file: the checkers'
//! tables and pyrs as a dev dependency in `pyproject.toml`, pyo3's introspection feature in
//! `Cargo.toml`, `py.typed`, the editor's `.vscode/` files, `.gitignore` lines and the stub
//! check in CI. Every content is computed before anything is written.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use jsonc_parser::cst::CstInputValue;
use serde_json::{json, Value};

use super::gitignore;
use super::jsonc;
use super::stub_route::{self, Decision, Route};
use super::toml_merge::{self, Want, WantKind};
use super::FileChange;
use crate::project::layout::Kind;
use crate::project::Project;

/// The version of the managed configuration this pyrs writes.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The workflow adopt adds beside the project's own.
pub const WORKFLOW: &str = ".github/workflows/pyrs-stubs.yml";

/// Every file adopt would change, and what it found set differently (kept).
#[derive(Debug, Default)]
pub struct Plan {
    pub changes: Vec<FileChange>,
    pub differing: Vec<String>,
    pub notes: Vec<String>,
}

impl Plan {
    fn add(&mut self, path: PathBuf, before: Option<String>, after: String, reasons: Vec<String>) {
        if before.as_deref() != Some(after.as_str()) {
            self.changes.push(FileChange { path, before, after, reasons });
        }
    }
}

pub fn compute(project: &Project, decision: &Decision) -> Result<Plan> {
    let mut plan = Plan::default();
    pyproject(project, &mut plan)?;
    cargo(project, decision, &mut plan)?;
    py_typed(project, &mut plan);
    vscode(project, &mut plan)?;
    ignore(project, &mut plan);
    workflow(project, &mut plan);
    Ok(plan)
}

fn read(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

/// The folder a checker must search for the stub and the Python package: the python
/// source of a mixed layout, the stub's folder of a pure one ("." for the project's own).
fn search_folder(project: &Project) -> String {
    let folder = match &project.layout.kind {
        Kind::Mixed { python_source } => Some(python_source.clone()),
        Kind::Pure => crate::stubs::files::search_root(&project.stub, project.module()),
    };
    let folder = folder.map(|f| project.display(&f).replace('\\', "/"));
    match folder.as_deref() {
        None | Some("") => ".".to_owned(),
        Some(f) if Path::new(f).is_absolute() => ".".to_owned(),
        Some(f) => f.to_owned(),
    }
}

/// The venv pyright's CLI reads, relative to the project (`.venv` unless the chosen venv
/// lies elsewhere inside the project).
fn venv_name(project: &Project) -> String {
    let inside = project
        .interpreter
        .venv
        .as_ref()
        .and_then(|v| v.strip_prefix(&project.root).ok())
        .map(|v| v.display().to_string().replace('\\', "/"))
        .filter(|v| !v.is_empty());
    inside.unwrap_or_else(|| ".venv".to_owned())
}

/// The Python ty checks at: the lowest `requires-python` allows (a library must not use
/// what its oldest Python lacks), else the venv's.
fn python_version(project: &Project) -> Option<String> {
    let lowest = project.pyproject.requires_python.as_deref().and_then(|requires| {
        let bound = requires.split(',').find_map(|c| c.trim().strip_prefix(">="))?;
        let parts: Vec<&str> = bound.trim().split('.').take(2).collect();
        (parts.len() == 2).then(|| parts.join("."))
    });
    lowest.or_else(|| {
        let found = project.interpreter.query().ok()?;
        Some(format!("{}.{}", found.version.0, found.version.1))
    })
}

fn string(value: &str) -> WantKind {
    WantKind::Value(value.into())
}

fn pyproject(project: &Project, plan: &mut Plan) -> Result<()> {
    let path = project.root.join("pyproject.toml");
    let text = read(&path).context("cannot read pyproject.toml")?;
    let folder = search_folder(project);
    let stub_folder = (project.layout.kind == Kind::Pure && folder != ".").then(|| folder.clone());
    let own = |name: &str| project.root.join(name).is_file();
    let mut wants = Vec::new();
    if own("pyrightconfig.json") {
        plan.notes
            .push("pyrightconfig.json configures pyright and basedpyright: left to you".into());
    } else {
        wants.push(Want {
            table: &["tool", "pyright"],
            key: "typeCheckingMode",
            kind: string("strict"),
        });
        wants.push(Want { table: &["tool", "pyright"], key: "venvPath", kind: string(".") });
        wants.push(Want {
            table: &["tool", "pyright"],
            key: "venv",
            kind: string(&venv_name(project)),
        });
        if let Some(folder) = stub_folder.clone().filter(|f| f != "typings") {
            wants.push(Want {
                table: &["tool", "pyright"],
                key: "stubPath",
                kind: string(&folder),
            });
        }
    }
    if own("mypy.ini") || own(".mypy.ini") {
        plan.notes.push("mypy.ini configures mypy and zuban: left to you".into());
    } else {
        wants.push(Want {
            table: &["tool", "mypy"],
            key: "strict",
            kind: WantKind::Value(true.into()),
        });
        if folder != "." && !mypy_path_has(project, &folder) {
            wants.push(Want { table: &["tool", "mypy"], key: "mypy_path", kind: string(&folder) });
        }
    }
    if own("ty.toml") {
        plan.notes.push("ty.toml configures ty: left to you".into());
    } else {
        wants.push(Want { table: &["tool", "ty", "rules"], key: "all", kind: string("error") });
        if let Some(version) = python_version(project) {
            let kind = string(&version);
            wants.push(Want { table: &["tool", "ty", "environment"], key: "python-version", kind });
        }
        if let Some(folder) = &stub_folder {
            let kind = WantKind::Member { item: folder.clone(), replaces: None };
            wants.push(Want { table: &["tool", "ty", "environment"], key: "extra-paths", kind });
        }
    }
    if own("pyrefly.toml") {
        plan.notes.push("pyrefly.toml configures pyrefly: left to you".into());
    } else {
        wants.push(Want { table: &["tool", "pyrefly"], key: "preset", kind: string("strict") });
        let kind = WantKind::Member { item: folder.clone(), replaces: None };
        wants.push(Want { table: &["tool", "pyrefly"], key: "search-path", kind });
    }
    // No pin of pyrs in [dependency-groups]: the name `pyrs` on PyPI is another project's, so
    // a pin would make `uv lock` fail (no such version) or resolve someone else's code. The
    // managed version below is what `adopt --check` compares.
    wants.push(Want {
        table: &["tool", "pyrs"],
        key: "managed",
        kind: WantKind::Owned(VERSION.into()),
    });
    let merged = toml_merge::merge("pyproject.toml", &text, &wants)?;
    plan.differing.extend(merged.differing);
    let reasons = merged.added;
    plan.add(path, Some(text), merged.text, reasons);
    Ok(())
}

/// Whether `[tool.mypy] mypy_path` already lists `folder` (a comma or colon list).
fn mypy_path_has(project: &Project, folder: &str) -> bool {
    project.pyproject.string_list("tool.mypy.mypy_path").iter().any(|entry| {
        entry.split([',', ':']).map(str::trim).any(|e| {
            let e = e.replace("$MYPY_CONFIG_FILE_DIR/", "");
            e.trim_end_matches('/') == folder
        })
    })
}

fn cargo(project: &Project, decision: &Decision, plan: &mut Plan) -> Result<()> {
    if !matches!(decision.route, Route::Introspection { .. }) {
        return Ok(());
    }
    let path = project.krate.manifest.clone();
    let name = project.display(&path);
    let text = read(&path).with_context(|| format!("cannot read {name}"))?;
    if let Some(after) = toml_merge::add_pyo3_feature(&name, &text, stub_route::INSPECT)? {
        let reason =
            format!("pyo3 feature \"{}\" (the stub from PyO3 introspection)", stub_route::INSPECT);
        plan.add(path, Some(text), after, vec![reason]);
    }
    Ok(())
}

fn py_typed(project: &Project, plan: &mut Plan) {
    if let Some(path) = project.py_typed().filter(|p| !p.exists()) {
        let reason = "marks the package typed (mypy ignores its stub without it)".to_owned();
        plan.add(path, None, String::new(), vec![reason]);
    }
}

fn vscode(project: &Project, plan: &mut Plan) -> Result<()> {
    let folder = project.root.join(".vscode");
    // No interpreter path: the Python extension finds the project's `.venv` by itself, and a
    // path would hold one OS's venv layout in a file every OS shares. rust-analyzer builds in
    // a target folder of its own: its checks never wait on, nor rebuild, `pyrs dev`'s pyo3.
    let mut settings: Vec<(&str, Value)> = vec![("rust-analyzer.cargo.targetDir", json!(true))];
    let manifest = project.display(&project.krate.manifest).replace('\\', "/");
    if manifest != "Cargo.toml" {
        settings.push(("rust-analyzer.linkedProjects", json!([manifest])));
    }
    let path = folder.join("settings.json");
    let before = read(&path);
    let merged = jsonc::merge_settings(".vscode/settings.json", before.as_deref(), &settings)?;
    plan.differing.extend(merged.differing);
    plan.add(path, before, merged.text, merged.added);

    let tasks = [
        task("dev", Some(("build", true)), false),
        task("watch", None, true),
        task("test", Some(("test", true)), false),
        task("doctor", None, false),
    ];
    let path = folder.join("tasks.json");
    let before = read(&path);
    let merged = jsonc::merge_tasks(".vscode/tasks.json", before.as_deref(), &tasks)?;
    plan.add(path, before, merged.text, merged.added);

    let extensions = [
        "ms-python.python",
        "ms-python.vscode-pylance",
        "rust-lang.rust-analyzer",
        "tamasfe.even-better-toml",
    ];
    let path = folder.join("extensions.json");
    let before = read(&path);
    let merged =
        jsonc::merge_recommendations(".vscode/extensions.json", before.as_deref(), &extensions)?;
    plan.differing.extend(merged.differing);
    plan.add(path, before, merged.text, merged.added);

    let ignore = read(&project.root.join(".gitignore")).unwrap_or_default();
    if gitignore::ignores(&ignore, ".vscode/settings.json") {
        plan.notes.push(
            ".gitignore ignores .vscode/: the editor files stay on this machine (drop that line \
             to share them)"
                .into(),
        );
    }
    Ok(())
}

/// A VS Code task running `pyrs <command>`, the pyrs on PATH (`uv tool install`, pipx, or
/// the venv's when it is active), on every OS (keys in the order a person writes them).
fn task(command: &str, group: Option<(&str, bool)>, background: bool) -> CstInputValue {
    let mut task: Vec<(String, CstInputValue)> = vec![
        ("label".into(), format!("pyrs {command}").into()),
        ("type".into(), "process".into()),
        ("command".into(), "pyrs".into()),
        ("args".into(), vec![command].into()),
    ];
    if let Some((kind, default)) = group {
        let group: Vec<(String, CstInputValue)> =
            vec![("kind".into(), kind.into()), ("isDefault".into(), default.into())];
        task.push(("group".into(), group.into()));
    }
    if background {
        task.push(("isBackground".into(), true.into()));
        task.push(("problemMatcher".into(), CstInputValue::Array(Vec::new())));
    } else {
        task.push(("problemMatcher".into(), vec!["$rustc"].into()));
    }
    task.into()
}

fn ignore(project: &Project, plan: &mut Plan) {
    let path = project.root.join(".gitignore");
    let before = read(&path);
    let mut wanted = vec![gitignore::Wanted { sample: "target/".into(), line: "/target/".into() }];
    if let Some(dir) = project.layout.package_dir() {
        let dir = project.display(&dir).replace('\\', "/");
        let base = project.layout.basename();
        for suffix in ["so", "pyd"] {
            wanted.push(gitignore::Wanted {
                sample: format!("{dir}/{base}.{suffix}"),
                line: format!("/{dir}/*.{suffix}"),
            });
        }
    }
    if let Some((after, added)) = gitignore::merge(before.as_deref(), &wanted) {
        let reasons = added.iter().map(|l| format!("ignore {l} (build output)")).collect();
        plan.add(path, before, after, reasons);
    }
}

/// The stub check in CI: a workflow of its own beside the project's (their YAML stays as
/// written), when the project has GitHub workflows and none runs it yet (`pyrs new`'s
/// workflow runs `pyrs test`, which checks the stub).
fn workflow(project: &Project, plan: &mut Plan) {
    let folder = project.root.join(".github").join("workflows");
    let Ok(entries) = std::fs::read_dir(&folder) else { return };
    let workflows: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    let ours = project.root.join(WORKFLOW);
    let others_check = workflows
        .iter()
        .filter(|p| **p != ours)
        .any(|p| read(p).is_some_and(|t| runs_stub_check(&t)));
    if workflows.is_empty() || others_check {
        return;
    }
    let before = read(&ours);
    let reason =
        "CI: the committed stub matches the Rust source and the module (pyrs stubs --check)";
    plan.add(ours, before, workflow_text(), vec![reason.to_owned()]);
}

/// Whether a workflow's text runs the stub check: `pyrs stubs --check`, or `pyrs test`
/// with every step or `--only stubs` among its steps. Comment lines do not count.
fn runs_stub_check(workflow: &str) -> bool {
    workflow.lines().filter(|line| !line.trim_start().starts_with('#')).any(|line| {
        if line.contains("pyrs stubs --check") {
            return true;
        }
        line.match_indices("pyrs test").any(|(at, word)| {
            let rest = &line[at + word.len()..];
            let whole_word = !rest.starts_with(|c: char| c.is_alphanumeric() || "-_".contains(c));
            whole_word && (!rest.contains("--only") || rest.contains("--only stubs"))
        })
    })
}

fn workflow_text() -> String {
    format!(
        r#"# Added by `pyrs adopt`: the committed stub must match the Rust source and tell the
# truth about the built module. Actions are pinned by commit (the version in a comment).
name: stubs

on:
  push:
    branches: [main, master]
  pull_request:

permissions: {{}}

concurrency:
  group: ${{{{ github.workflow }}}}-${{{{ github.ref }}}}
  cancel-in-progress: ${{{{ github.event_name == 'pull_request' }}}}

jobs:
  stubs:
    name: stub current and true
    runs-on: ubuntu-latest
    permissions:
      contents: read # to check out the code
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
        with:
          persist-credentials: false
      - uses: actions/setup-python@5fda3b95a4ea91299a34e894583c3862153e4b97 # v7.0.0
        with:
          python-version: "3.x"
      # pyrs from PyPI, at the version that wrote this workflow.
      - name: Install pyrs
        run: |
          python -m venv .venv
          .venv/bin/python -m pip install "pyrs=={VERSION}"
      - name: Build the extension
        run: .venv/bin/pyrs dev
      - name: Check the stub
        run: .venv/bin/pyrs stubs --check
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_run_pyrs() {
        let merged = jsonc::merge_tasks(
            "tasks.json",
            None,
            &[task("dev", Some(("build", true)), false), task("watch", None, true)],
        )
        .unwrap();
        let dev = merged.text.find("\"label\": \"pyrs dev\"").unwrap();
        assert!(dev < merged.text.find("\"args\": [\"dev\"]").unwrap());
        assert!(merged.text.contains("\"isBackground\": true"));
    }

    #[test]
    fn a_workflow_running_pyrs_test_checks_the_stub() {
        assert!(runs_stub_check("      - run: .venv/bin/pyrs stubs --check\n"));
        assert!(runs_stub_check("        run: pyrs test\n"));
        assert!(runs_stub_check("  run: pyrs test --only dev --only stubs\n"));
        assert!(!runs_stub_check("  run: pyrs test --only pytest\n"));
        assert!(!runs_stub_check("# pyrs test would check it\n  run: make\n"));
        assert!(!runs_stub_check("  run: pyrs dev\n"));
        assert!(runs_stub_check("  run: pyrs test\r\n"));
        assert!(!runs_stub_check("  run: pyrs tests-of-mine\n"));
    }

    #[test]
    fn the_workflow_pins_this_pyrs() {
        assert!(workflow_text().contains(&format!("pyrs=={VERSION}")));
        assert!(workflow_text().contains("pyrs stubs --check"));
    }
}
