//! Running the project's tools: its venv first on PATH and active, and `PYO3_PYTHON` naming
//! its interpreter, so cargo and maturin build pyo3 for the same Python and never rebuild it
//! for each other.

use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, ExitStatus};

use anyhow::{Context, Result};

use crate::interpreter::InterpreterChoice;

/// A command in the project's environment, run from `cwd`.
pub fn command(
    program: impl AsRef<std::ffi::OsStr>,
    cwd: &Path,
    interpreter: &InterpreterChoice,
) -> Command {
    let mut command = Command::new(program);
    command.current_dir(cwd);
    command.env_remove("PYTHONHOME").env_remove("CONDA_PREFIX");
    command.env("PYO3_PYTHON", &interpreter.python);
    if let Some(venv) = &interpreter.venv {
        command.env("VIRTUAL_ENV", venv);
        if let Some(bin) = interpreter.python.parent() {
            let mut path = OsString::from(bin);
            if let Some(old) = std::env::var_os("PATH") {
                path.push(if cfg!(windows) { ";" } else { ":" });
                path.push(old);
            }
            command.env("PATH", path);
        }
    }
    command
}

/// Runs to the end with inherited output; the status.
pub fn status(mut command: Command) -> Result<ExitStatus> {
    command.status().with_context(|| format!("cannot run {:?}", command.get_program()))
}
