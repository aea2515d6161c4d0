//! `pyrs test --matrix`: the project's pytest suite on every claimed CPython found, each in a
//! venv of its own with a release wheel built for it, as users will install it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};

use crate::commands::test::Outcome;
use crate::interpreter::{venv_python, venv_tool};
use crate::pins;
use crate::project::Project;
use crate::pythons::{self, FoundPython};

pub fn run(project: &Project, require_all: bool) -> Result<Outcome> {
    let Some(paths) = crate::suite::test_paths(project) else {
        return Ok(Outcome::NotRun("no tests to run on each version".into()));
    };
    let venv = crate::venv::ensure(&project.interpreter, &[pins::MATURIN])?;
    let found = pythons::discover(crate::venv::uv(&venv).as_deref());
    let claimed = claimed_versions(project, found.keys().copied().collect());
    let mut rows = Vec::new();
    let mut missing = Vec::new();
    for version in &claimed {
        match found.get(version) {
            Some(python) => rows.push(run_version(project, &venv, python, &paths)),
            None => missing.push(format!("{}.{}", version.0, version.1)),
        }
    }
    println!("\n{:<8} {:<10} {:>8}  result", "CPython", "found in", "time");
    let mut failed = 0;
    for (python, seconds, result) in &rows {
        let (major, minor, patch) = python.version;
        let verdict = match result {
            Ok(()) => "passed".to_owned(),
            Err(error) => {
                failed += 1;
                format!("FAILED: {error:#}")
            }
        };
        println!(
            "{:<8} {:<10} {seconds:>6.1} s  {verdict}",
            format!("{major}.{minor}.{patch}"),
            python.source
        );
    }
    for version in &missing {
        println!("{version:<8} {:<10} {:>8}  claimed, not found on this machine", "-", "-");
    }
    if failed > 0 {
        return Ok(Outcome::Failed(format!("{failed} version(s) failed")));
    }
    if !missing.is_empty() && require_all {
        return Ok(Outcome::Failed(format!("claimed but not found: {}", missing.join(", "))));
    }
    if rows.is_empty() {
        return Ok(Outcome::NotRun("no claimed CPython found".into()));
    }
    Ok(Outcome::Passed)
}

/// The versions the project claims: its `Python :: 3.N` classifiers, or, without them,
/// every version found that `requires-python` allows (none can then be missing).
fn claimed_versions(project: &Project, found: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    if !project.pyproject.claimed_pythons.is_empty() {
        return project.pyproject.claimed_pythons.clone();
    }
    let lowest = project.pyproject.requires_python.as_deref().and_then(lower_bound);
    found.into_iter().filter(|v| lowest.is_none_or(|low| *v >= low)).collect()
}

/// The lower bound of a `>=3.N` specifier.
fn lower_bound(spec: &str) -> Option<(u32, u32)> {
    let bound = spec.split(',').find_map(|part| part.trim().strip_prefix(">="))?;
    let mut parts = bound.trim().split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

fn run_version(
    project: &Project,
    venv: &Path,
    python: &FoundPython,
    paths: &[PathBuf],
) -> (FoundPython, f64, Result<()>) {
    let started = Instant::now();
    let result = build_and_test(project, venv, python, paths);
    (python.clone(), started.elapsed().as_secs_f64(), result)
}

fn build_and_test(
    project: &Project,
    venv: &Path,
    python: &FoundPython,
    paths: &[PathBuf],
) -> Result<()> {
    let (major, minor) = python.minor();
    let folder =
        project.krate.target_directory.join("pyrs-matrix").join(format!("{major}.{minor}"));
    let wheels = folder.join("wheels");
    let _ = std::fs::remove_dir_all(&wheels);
    let mut build = Command::new(venv_tool(venv, pins::MATURIN.executable));
    build
        .current_dir(&project.root)
        .args(["build", "--release", "--quiet", "--interpreter"])
        .arg(&python.path)
        .arg("--out")
        .arg(&wheels)
        .env("CARGO_TARGET_DIR", folder.join("target"))
        .env("PYO3_PYTHON", &python.path)
        .env_remove("VIRTUAL_ENV");
    run_step(build, "maturin build")?;
    let wheel = std::fs::read_dir(&wheels)?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "whl"))
        .context("maturin built no wheel")?;
    let test_venv = folder.join("venv");
    if !venv_python(&test_venv).is_file() {
        let uv = crate::venv::uv(venv).context("the matrix needs uv")?;
        let mut create = Command::new(uv);
        create.args(["venv", "--quiet", "--python"]).arg(&python.path).arg(&test_venv);
        run_step(create, "uv venv")?;
    }
    let mut specs: Vec<String> = vec![pins::PYTEST.spec.to_owned()];
    specs.extend(test_requirements(project));
    specs.push(wheel.display().to_string());
    let uv = crate::venv::uv(venv).context("the matrix needs uv")?;
    let mut install = Command::new(uv);
    install
        .args([
            "pip",
            "install",
            "--quiet",
            "--reinstall-package",
            &project.pyproject.name,
            "--python",
        ])
        .arg(venv_python(&test_venv))
        .args(&specs);
    run_step(install, "installing the wheel and test requirements")?;
    let mut pytest = Command::new(venv_tool(&test_venv, "pytest"));
    pytest
        .current_dir(&project.root)
        .args(["-p", "no:cacheprovider", "-q"])
        .args(paths)
        .env("VIRTUAL_ENV", &test_venv)
        .env_remove("PYTHONPATH");
    run_step(pytest, "pytest")
}

/// The project's test requirements: the `test` (else `dev`) dependency group, else the
/// `test` / `tests` extra.
fn test_requirements(project: &Project) -> Vec<String> {
    for key in [
        "dependency-groups.test",
        "dependency-groups.dev",
        "project.optional-dependencies.test",
        "project.optional-dependencies.tests",
    ] {
        let found = project.pyproject.string_list(key);
        if !found.is_empty() {
            return found;
        }
    }
    Vec::new()
}

fn run_step(mut command: Command, what: &str) -> Result<()> {
    let status = command.status().with_context(|| format!("cannot run {what}"))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}
