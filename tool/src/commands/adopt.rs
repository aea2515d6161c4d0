//! `pyrs adopt`.

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::AdoptArgs;
use crate::project::Project;

pub fn run(_project: &Project, _args: &AdoptArgs) -> Result<ExitCode> {
    anyhow::bail!("not implemented yet")
}
