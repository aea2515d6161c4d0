//! The stub truth check: the stub compared with the module it describes, imported by the
//! project's interpreter. Its runtime side is Python (`truth.py`, shipped inside pyrs): it
//! is the one part of pyrs that must run inside the project's Python.

use std::io::Write;

use anyhow::{bail, Context, Result};

use super::files::stub_modules;
use crate::process;
use crate::project::Project;

/// The runtime side, run by the project's interpreter.
pub const SCRIPT: &str = include_str!("truth.py");

/// Runs the check on every file of the stub, its lines on stdout; whether the stub tells
/// the truth. An error when the module cannot be imported.
pub fn check(project: &Project) -> Result<bool> {
    if !project.stub.is_file() {
        bail!("{} does not exist: run `pyrs stubs`", project.display(&project.stub));
    }
    let modules = stub_modules(project);
    let mut script = tempfile::Builder::new()
        .prefix("pyrs-stub-truth-")
        .suffix(".py")
        .tempfile()
        .context("cannot write the stub truth script")?;
    script.write_all(SCRIPT.as_bytes()).context("cannot write the stub truth script")?;
    let mut command =
        process::command(&project.interpreter.python, &project.root, &project.interpreter);
    command.arg("-B").arg(script.path());
    for stub in &modules {
        command.arg("--stub").arg(&stub.path).arg(&stub.module).arg(project.display(&stub.path));
    }
    for stub in modules.iter().skip(1) {
        command.arg("--submodule").arg(&stub.module);
    }
    let status = process::status(command)?;
    match status.code() {
        Some(0) => Ok(true),
        Some(1) => Ok(false),
        Some(2) => bail!(
            "{} cannot be imported by {}: build it first (`pyrs dev`)",
            super::files::native_module(project),
            project.interpreter.python.display()
        ),
        _ => bail!("the stub truth check failed to run ({status})"),
    }
}
