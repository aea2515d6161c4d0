//! `pyrs dev`: build the extension into the project's venv (in place when it can), then
//! refresh the stub; one summary line. Exit 1 when the build failed (nothing replaced).

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::DevArgs;
use crate::project::Project;

pub fn run(project: &Project, args: &DevArgs) -> Result<ExitCode> {
    let ok = crate::dev::run_and_report(project, args.release, args.maturin)?;
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
