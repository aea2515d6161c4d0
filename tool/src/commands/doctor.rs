//! `pyrs doctor`: why the editor is red, and the command or configuration line that fixes
//! each problem. Exit 0 when all is good, 1 when a problem was found.

use std::process::ExitCode;

use anyhow::Result;

use crate::project::Project;

pub fn run(project: &Project) -> Result<ExitCode> {
    Ok(if crate::doctor::run(project)? { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
