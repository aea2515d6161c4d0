//! `pyrs test`.

use std::process::ExitCode;

use anyhow::Result;

use crate::project::Project;

pub fn run(_project: &Project, _args: &crate::cli::TestArgs) -> Result<ExitCode> {
    anyhow::bail!("not implemented yet")
}
