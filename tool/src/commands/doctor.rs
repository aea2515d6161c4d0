//! `pyrs doctor`: why the editor is red, and the command or configuration line that fixes
//! each problem. Exit 0 when all is good, 1 when a problem was found.

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::DoctorArgs;
use crate::project::Project;

pub fn run(project: &Project, args: &DoctorArgs) -> Result<ExitCode> {
    let all_good = crate::doctor::run(project, args.fresh)?;
    Ok(if all_good { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
