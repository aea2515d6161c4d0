//! `pyrs show`: the project as pyrs reads it, for people and for tests.

use std::process::ExitCode;

use anyhow::Result;

use crate::project::Project;

pub fn run(project: &Project) -> Result<ExitCode> {
    println!("{}", serde_json::to_string_pretty(&project.to_json())?);
    Ok(ExitCode::SUCCESS)
}
