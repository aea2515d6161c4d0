//! The slow path: `maturin develop` builds a wheel and installs it (with uv when there is
//! one), into the same pyrs-owned target folder as the in-place builds, so that each reuses
//! what the other compiled.

use std::path::Path;

use anyhow::Result;

use super::build::Profile;
use crate::interpreter::venv_tool;
use crate::project::Project;

/// Runs `maturin develop`; whether it succeeded (its messages are on the terminal).
pub fn run(project: &Project, venv: &Path, profile: &Profile, target_dir: &Path) -> Result<bool> {
    let maturin = venv_tool(venv, crate::pins::MATURIN.executable);
    let mut command = crate::process::command(&maturin, &project.root, &project.interpreter);
    command.arg("develop");
    if crate::venv::uv(venv).is_some() {
        command.arg("--uv");
    }
    command.args(profile.args());
    command.env("CARGO_TARGET_DIR", target_dir).env_remove("CARGO");
    Ok(crate::process::status(command)?.success())
}
