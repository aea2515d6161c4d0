//! The new project's repository: `git init` and one commit of everything, by the user's
//! identity, or by `pyrs` when git has none configured (a commit must not fail for that).

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};

pub fn commit_all(root: &Path, message: &str) -> Result<()> {
    git(root, &["init", "--quiet"])?;
    git(root, &["add", "--all"])?;
    let mut commit: Vec<&str> = Vec::new();
    if !has_identity(root) {
        commit.extend(["-c", "user.name=pyrs", "-c", "user.email=pyrs@localhost"]);
    }
    commit.extend(["commit", "--quiet", "--message", message]);
    git(root, &commit)
}

/// Whether git would sign a commit here with a configured name and email.
fn has_identity(root: &Path) -> bool {
    ["user.name", "user.email"].iter().all(|key| {
        Command::new("git")
            .args(["config", "--get", key])
            .current_dir(root)
            .output()
            .is_ok_and(|o| o.status.success() && !o.stdout.trim_ascii().is_empty())
    })
}

fn git(root: &Path, args: &[&str]) -> Result<()> {
    let output =
        Command::new("git").args(args).current_dir(root).output().context("cannot run git")?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = stderr.lines().next().unwrap_or_default();
        bail!("git {} failed: {first}", args.join(" "));
    }
    Ok(())
}
