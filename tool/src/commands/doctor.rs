//! `pyrs doctor`.

use std::process::ExitCode;

use anyhow::Result;

use crate::project::Project;

pub fn run(_project: &Project) -> Result<ExitCode> {
    anyhow::bail!("not implemented yet")
}
