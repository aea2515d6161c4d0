//! `pyrs stubs`.

use std::process::ExitCode;

use anyhow::Result;

use crate::project::Project;

pub fn run(_project: &Project, _args: &crate::cli::StubsArgs) -> Result<ExitCode> {
    anyhow::bail!("not implemented yet")
}
