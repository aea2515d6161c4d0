//! The project's venv: made when missing (`uv venv`, else `python3 -m venv`), and given the
//! pinned tools a command needs when they are not there yet (a bare `uv venv` has none).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::interpreter::{venv_tool, InterpreterChoice};
use crate::pins::{Pin, UV};

/// Makes the venv if it does not exist, then installs each of `pins` whose executable it
/// lacks. Returns the venv folder.
pub fn ensure(interpreter: &InterpreterChoice, pins: &[Pin]) -> Result<PathBuf> {
    let Some(venv) = interpreter.venv.clone() else {
        bail!(
            "{} is not in a venv: pyrs installs tools only into a venv",
            interpreter.python.display()
        );
    };
    if !interpreter.python.is_file() {
        create(&venv)?;
    }
    let missing: Vec<&Pin> =
        pins.iter().filter(|p| !venv_tool(&venv, p.executable).is_file()).collect();
    if !missing.is_empty() {
        let specs: Vec<&str> = missing.iter().map(|p| p.spec).collect();
        eprintln!("pyrs: installing {} into {}", specs.join(" "), venv.display());
        install(&venv, &specs)?;
    }
    Ok(venv)
}

/// uv, from the venv, else from PATH.
pub fn uv(venv: &Path) -> Option<PathBuf> {
    let own = venv_tool(venv, UV.executable);
    if own.is_file() {
        return Some(own);
    }
    find_on_path(UV.executable)
}

pub fn find_on_path(name: &str) -> Option<PathBuf> {
    let file = if cfg!(windows) { format!("{name}.exe") } else { name.to_owned() };
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(&file))
        .find(|p| p.is_file())
}

fn create(venv: &Path) -> Result<()> {
    eprintln!("pyrs: creating {}", venv.display());
    let status = match find_on_path(UV.executable) {
        Some(uv) => Command::new(uv).args(["venv", "--quiet"]).arg(venv).status(),
        None => {
            let python = find_on_path("python3").unwrap_or_else(|| PathBuf::from("python3"));
            Command::new(python).args(["-m", "venv"]).arg(venv).status()
        }
    }
    .context("cannot create the venv")?;
    if !status.success() {
        bail!("creating {} failed ({status})", venv.display());
    }
    Ok(())
}

/// Installs pinned requirements into the venv: with uv when there is one, else pip.
pub fn install(venv: &Path, specs: &[&str]) -> Result<()> {
    let python = crate::interpreter::venv_python(venv);
    let status = match uv(venv) {
        Some(uv) => Command::new(uv)
            .args(["pip", "install", "--quiet", "--python"])
            .arg(&python)
            .args(specs)
            .status(),
        None => {
            ensure_pip(&python)?;
            Command::new(&python).args(["-m", "pip", "install", "--quiet"]).args(specs).status()
        }
    }
    .context("cannot run the installer")?;
    if !status.success() {
        bail!("installing {} failed ({status})", specs.join(" "));
    }
    Ok(())
}

/// pip in a venv made without it (`uv venv` makes none), from the interpreter's own bundled
/// wheel: nothing is downloaded.
fn ensure_pip(python: &Path) -> Result<()> {
    let has_pip = Command::new(python)
        .args(["-c", "import pip"])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if has_pip {
        return Ok(());
    }
    let status = Command::new(python)
        .args(["-m", "ensurepip", "--default-pip"])
        .stdout(std::process::Stdio::null())
        .status()
        .context("cannot run ensurepip")?;
    if !status.success() {
        bail!("{} has neither uv nor pip, and ensurepip failed ({status})", python.display());
    }
    Ok(())
}
