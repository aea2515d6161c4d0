//! `pyrs new`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::cli::NewArgs;

pub fn run(args: &NewArgs, python: Option<&Path>) -> Result<ExitCode> {
    let parent = std::env::current_dir().context("no current folder")?;
    let created = crate::new::create(&parent, &args.name, args.layout, python)?;
    let folder = created.root.strip_prefix(&parent).unwrap_or(&created.root).display();
    if !created.built {
        eprintln!(
            "pyrs: {folder} is made but its first build failed: fix it, then run `pyrs dev` there"
        );
        return Ok(ExitCode::FAILURE);
    }
    let committed = if created.committed { ", committed" } else { "" };
    println!("pyrs: made {folder}{committed}. Next:\n  cd {folder}\n  pyrs test");
    Ok(ExitCode::SUCCESS)
}
