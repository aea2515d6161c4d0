//! pyo3-stub-gen: build the crate's generator bin in a target folder of pyrs's own, run it,
//! and take what it wrote. Its output folder is compiled in (`CARGO_MANIFEST_DIR`), so it
//! writes into the project: a snapshot of the `.pyi` files finds what it wrote and puts the
//! tree back, so every write goes through `pyrs` (only changed bytes, atomically).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use anyhow::{bail, Context, Result};

use super::snapshot::Snapshot;
use super::StubFile;
use crate::interpreter::Interpreter;
use crate::process;
use crate::project::Project;

pub fn generate(project: &Project, interpreter: &Interpreter, bin: &str) -> Result<Vec<StubFile>> {
    let executable = build(project, interpreter, bin)?;
    run_built(project, &executable, bin)
}

/// Runs the generator `executable` (built from the current sources) and takes what it wrote.
pub fn run_built(project: &Project, executable: &Path, bin: &str) -> Result<Vec<StubFile>> {
    let crate_dir = project.krate.manifest.parent().unwrap_or(&project.root).to_path_buf();
    let mut roots = vec![project.root.clone()];
    if !crate_dir.starts_with(&project.root) {
        roots.push(crate_dir.clone());
    }
    let snapshot = Snapshot::take(&roots, std::slice::from_ref(&project.krate.target_directory))?;
    let ran = run(project, executable, &crate_dir, bin);
    let written = snapshot.written();
    // Put back before anything else: the tree is only ever written by `pyrs` itself.
    snapshot.restore()?;
    ran?;
    written
}

/// `cargo rustc --bin <bin>` into `<target>/pyrs-stubs`; the executable built.
fn build(project: &Project, interpreter: &Interpreter, bin: &str) -> Result<PathBuf> {
    let mut command = process::command("cargo", &project.root, &project.interpreter);
    command
        .args(["rustc", "--message-format", "json-render-diagnostics", "--bin", bin])
        .arg("--manifest-path")
        .arg(&project.krate.manifest)
        .env("CARGO_TARGET_DIR", super::state::folder(project))
        // Set by maturin for extension builds; the generator is a program, it must link.
        .env_remove("PYO3_BUILD_EXTENSION_MODULE");
    let features = features(project, bin);
    if !features.is_empty() {
        command.arg("--features").arg(features.join(","));
    }
    let link = link_args(interpreter);
    if !link.is_empty() {
        command.arg("--").args(link);
    }
    eprintln!("pyrs: building the stub generator (cargo rustc --bin {bin})");
    command.stdout(Stdio::piped());
    let mut child = command.spawn().context("cannot run cargo")?;
    let stdout = child.stdout.take().context("cargo's output")?;
    let mut executable = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.context("cargo's output")?;
        if let Some(found) = executable_of(&line, bin) {
            executable = Some(found);
        }
    }
    let status = child.wait().context("cargo")?;
    if !status.success() {
        bail!("building the stub generator `{bin}` failed ({status})");
    }
    executable.with_context(|| format!("cargo built no executable named {bin}"))
}

/// The generator bin's required features and the crate's own features maturin enables
/// (features of dependencies, `pyo3/extension-module`, are the extension's business).
fn features(project: &Project, bin: &str) -> Vec<String> {
    let required = project.krate.bins.iter().filter(|b| b.name == bin);
    let mut found: Vec<String> = required.flat_map(|b| b.required_features.clone()).collect();
    for feature in &project.pyproject.maturin.features {
        if !feature.contains('/') && !found.contains(feature) {
            found.push(feature.clone());
        }
    }
    found
}

/// The generator runs Python, so it needs libpython, which pyo3 leaves out with its
/// `extension-module` feature (and abi3); naming it on the bin's link line works for every
/// crate (pyo3-stub-gen issue #184), and the rpath finds it when the bin runs.
pub fn link_args(interpreter: &Interpreter) -> Vec<String> {
    if cfg!(windows) || !interpreter.shared_libpython {
        return Vec::new();
    }
    let (Some(libdir), Some(ldversion)) = (&interpreter.libdir, &interpreter.ldversion) else {
        return Vec::new();
    };
    vec![
        "-L".to_owned(),
        format!("native={}", libdir.display()),
        "-l".to_owned(),
        format!("dylib=python{ldversion}"),
        "-C".to_owned(),
        format!("link-arg=-Wl,-rpath,{}", libdir.display()),
    ]
}

/// The executable of a cargo `compiler-artifact` message for `bin`.
fn executable_of(line: &str, bin: &str) -> Option<PathBuf> {
    if !line.starts_with('{') {
        return None;
    }
    let message: serde_json::Value = serde_json::from_str(line).ok()?;
    if message.get("reason")?.as_str()? != "compiler-artifact" {
        return None;
    }
    if message.get("target")?.get("name")?.as_str()? != bin {
        return None;
    }
    message.get("executable")?.as_str().map(PathBuf::from)
}

fn run(project: &Project, executable: &Path, crate_dir: &Path, bin: &str) -> Result<()> {
    let mut command = process::command(executable, crate_dir, &project.interpreter);
    // As `cargo run` sets it: pyo3-stub-gen reads it at run time too.
    command.env("CARGO_MANIFEST_DIR", crate_dir);
    let output =
        command.output().with_context(|| format!("cannot run {}", executable.display()))?;
    if !output.status.success() {
        eprint!("{}", String::from_utf8_lossy(&output.stderr));
        bail!("the stub generator `{bin}` failed ({})", output.status);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_bin_in_cargo_messages() {
        let line = r#"{"reason":"compiler-artifact","target":{"name":"stub_gen"},"executable":"/t/debug/stub_gen"}"#;
        assert_eq!(executable_of(line, "stub_gen"), Some(PathBuf::from("/t/debug/stub_gen")));
        assert_eq!(executable_of(line, "other"), None);
        let lib =
            r#"{"reason":"compiler-artifact","target":{"name":"stub_gen"},"executable":null}"#;
        assert_eq!(executable_of(lib, "stub_gen"), None);
        assert_eq!(executable_of("Compiling x", "stub_gen"), None);
    }
}
