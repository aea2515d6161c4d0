//! `pyrs new`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::NewArgs;

pub fn run(_args: &NewArgs, _python: Option<&Path>) -> Result<ExitCode> {
    anyhow::bail!("not implemented yet")
}
