//! mypy's stubtest on a hand-written stub (with the venv's mypy, installed at the pinned
//! version when missing): each error reported as a problem of the stub file, named.

use anyhow::{bail, Context, Result};

use super::files::{native_module, search_root};
use crate::pins;
use crate::process;
use crate::project::Project;

/// Runs `python -m mypy.stubtest <module>` on the project's stub; whether it passed.
pub fn check(project: &Project) -> Result<bool> {
    if project.interpreter.venv.is_some() {
        crate::venv::ensure(&project.interpreter, &[pins::MYPY])?;
    }
    // Its cache goes to a folder of its own, never into the project.
    let scratch = tempfile::tempdir().context("cannot make a temporary folder")?;
    let mut command =
        process::command(&project.interpreter.python, scratch.path(), &project.interpreter);
    let module = native_module(project);
    command.args(["-m", "mypy.stubtest", &module]);
    if let Some(root) = search_root(&project.stub, &module) {
        command.env("MYPYPATH", root);
    }
    let output = command.output().context("cannot run mypy.stubtest")?;
    let label = project.display(&project.stub);
    let text = String::from_utf8_lossy(&output.stdout);
    for line in report_lines(&label, &text) {
        println!("{line}");
    }
    match output.status.code() {
        Some(0) => Ok(true),
        Some(1) if text.contains("error: ") => Ok(false),
        _ => {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or_default();
            bail!("mypy.stubtest failed to run ({}): {}", output.status, last.trim())
        }
    }
}

/// stubtest's report with each error named as a problem of the stub file `label`.
fn report_lines(label: &str, text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for line in text.lines() {
        if let Some(error) = line.strip_prefix("error: ") {
            lines.push(format!("{label}: stubtest: {error}"));
        } else if line.starts_with("Success:") {
            lines.push(format!("{label}: stubtest: no issues"));
        } else if line.starts_with("Found ") || line.trim().is_empty() {
            continue;
        } else {
            lines.push(format!("    {line}"));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_named_by_the_stub_file() {
        let text = "error: m.f is inconsistent, stub does not have parameter \"x\"\nStub: in file /p/m.pyi:1\ndef ()\n\nFound 1 error (checked 1 module)\n";
        let lines = report_lines("src/m.pyi", text);
        assert_eq!(
            lines[0],
            "src/m.pyi: stubtest: m.f is inconsistent, stub does not have parameter \"x\""
        );
        assert_eq!(lines[1], "    Stub: in file /p/m.pyi:1");
        assert_eq!(lines.len(), 3);
    }
}
