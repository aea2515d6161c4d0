//! `pyrs test`: everything CI should run for a project, each step reported, all run even
//! after a failure: cargo's tests, the extension built, the stub drift and truth checks,
//! the six type checkers, the project's pytest suite; with `--matrix`, that suite on every
//! claimed CPython found.

use std::process::{Command, ExitCode};
use std::time::Instant;

use anyhow::{Context, Result};

use crate::cli::{TestArgs, TestStep};
use crate::interpreter::Interpreter;
use crate::project::Project;
use crate::{matrix, pins, process, suite, venv};

pub fn run(project: &Project, args: &TestArgs) -> Result<ExitCode> {
    let mut steps = Steps { only: args.only.clone(), results: Vec::new() };
    steps.run(TestStep::CargoTest, "cargo test", || cargo_test(project));
    steps.run(TestStep::Dev, "pyrs dev", || pyrs(project, &["dev"]));
    steps.run(TestStep::Stubs, "pyrs stubs --check", || pyrs(project, &["stubs", "--check"]));
    steps.run(TestStep::Typecheck, "type checkers", || typecheck(project));
    steps.run(TestStep::Pytest, "pytest", || pytest(project));
    // --matrix adds the step to the others; `--only matrix` runs it alone.
    if args.matrix || args.only.contains(&TestStep::Matrix) {
        steps.run_always("matrix", || matrix::run(project, args.require_all));
    }
    Ok(steps.finish())
}

/// How a step ended.
pub enum Outcome {
    Passed,
    Failed(String),
    /// Nothing to run (said why): neither a pass nor a failure.
    NotRun(String),
}

struct Steps {
    /// The steps asked for (empty: all).
    only: Vec<TestStep>,
    results: Vec<(&'static str, Outcome, f64)>,
}

impl Steps {
    fn run(&mut self, which: TestStep, name: &'static str, step: impl FnOnce() -> Result<Outcome>) {
        if self.only.is_empty() || self.only.contains(&which) {
            self.run_always(name, step);
        }
    }

    fn run_always(&mut self, name: &'static str, step: impl FnOnce() -> Result<Outcome>) {
        println!("\n== pyrs test: {name}");
        let started = Instant::now();
        let outcome = step().unwrap_or_else(|error| Outcome::Failed(format!("{error:#}")));
        self.results.push((name, outcome, started.elapsed().as_secs_f64()));
    }

    fn finish(self) -> ExitCode {
        println!("\n== pyrs test: summary");
        let mut failed = 0;
        let mut passed = 0;
        for (name, outcome, seconds) in &self.results {
            let verdict = match outcome {
                Outcome::Passed => {
                    passed += 1;
                    "passed".to_owned()
                }
                Outcome::Failed(why) => {
                    failed += 1;
                    format!("FAILED: {why}")
                }
                Outcome::NotRun(why) => format!("not run: {why}"),
            };
            println!("  {name:<20} {seconds:6.1} s  {verdict}");
        }
        // The plain closing line CI reads.
        println!("{passed} passed, {failed} failed");
        if failed == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    }
}

fn exit_outcome(status: std::process::ExitStatus, what: &str) -> Outcome {
    if status.success() {
        Outcome::Passed
    } else {
        Outcome::Failed(format!("{what} exited with {status}"))
    }
}

/// `pyrs <args>` for the same project and interpreter: one code path per step.
fn pyrs(project: &Project, args: &[&str]) -> Result<Outcome> {
    let exe = std::env::current_exe().context("cannot find the pyrs executable")?;
    let mut command = Command::new(exe);
    command.arg("--project").arg(&project.root);
    command.arg("--python").arg(&project.interpreter.python);
    command.args(args);
    let status = process::status(command)?;
    Ok(exit_outcome(status, &format!("pyrs {}", args.join(" "))))
}

/// `cargo test` of the extension's crate. A crate with pyo3's `extension-module` feature
/// does not link libpython, so its test binaries would not link: they get libpython on
/// their link line, in a target folder of their own (other flags, other builds).
fn cargo_test(project: &Project) -> Result<Outcome> {
    let mut command = process::command("cargo", &project.root, &project.interpreter);
    command.arg("test").arg("--manifest-path").arg(&project.krate.manifest);
    let needs_libpython = project.krate.pyo3.as_ref().is_some_and(|p| p.has("extension-module"));
    if needs_libpython {
        venv::ensure(&project.interpreter, &[])?;
        let python = project.interpreter.query()?;
        command.env("RUSTFLAGS", libpython_flags(&python)?);
        command.env("CARGO_TARGET_DIR", project.krate.target_directory.join("pyrs-test"));
    }
    Ok(exit_outcome(process::status(command)?, "cargo test"))
}

/// rustc flags that link libpython (the interpreter's shared library).
pub fn libpython_flags(python: &Interpreter) -> Result<String> {
    let (Some(libdir), Some(ldversion)) = (&python.libdir, &python.ldversion) else {
        anyhow::bail!("{} names no libpython to link", python.executable.display());
    };
    let libdir = libdir.display();
    Ok(format!("-L native={libdir} -l dylib=python{ldversion} -C link-arg=-Wl,-rpath,{libdir}"))
}

/// The six checkers on the project's files, each with its own configuration: at the Python
/// version it configures, and at the newest CPython the project claims (a construct only a
/// newer Python has, or one it removed, fails at one end of the range).
fn typecheck(project: &Project) -> Result<Outcome> {
    // The tests import pytest: installed first, so the checkers resolve it.
    let mut needed = pins::CHECKERS.to_vec();
    if suite::test_paths(project).is_some() {
        needed.push(pins::PYTEST);
    }
    venv::ensure(&project.interpreter, &needed)?;
    let newest = project.pyproject.claimed_pythons.last().map(|(a, b)| format!("{a}.{b}"));
    let mut failed = Vec::new();
    for version in std::iter::once(None).chain(newest.as_deref().map(Some)) {
        let files = suite::checked_paths(project);
        for report in crate::checkers::run_all(project, &files, version) {
            let problems: Vec<_> = report.problems().collect();
            let verdict = if problems.is_empty() {
                "clean".to_owned()
            } else {
                format!("{} problem(s)", problems.len())
            };
            let at = version.map_or_else(|| "configured".to_owned(), |v| format!("Python {v}"));
            let seconds = report.elapsed.as_secs_f64();
            println!("{:<13} {at:<12} {verdict:<16} {seconds:5.1} s", report.checker);
            for problem in &problems {
                println!("    {problem}");
            }
            if !problems.is_empty() {
                failed.push(format!("{} ({at})", report.checker));
            }
        }
    }
    Ok(if failed.is_empty() {
        Outcome::Passed
    } else {
        Outcome::Failed(format!("problems reported by {}", failed.join(", ")))
    })
}

/// The project's pytest suite in its venv.
fn pytest(project: &Project) -> Result<Outcome> {
    let Some(paths) = suite::test_paths(project) else {
        return Ok(Outcome::NotRun(
            "no tests found (no tests/ folder, no pytest testpaths)".into(),
        ));
    };
    venv::ensure(&project.interpreter, &[pins::PYTEST])?;
    let mut command =
        process::command(&project.interpreter.python, &project.root, &project.interpreter);
    command.args(["-m", "pytest", "-p", "no:cacheprovider"]).args(&paths);
    let status = process::status(command)?;
    Ok(match status.code() {
        Some(5) => Outcome::NotRun("pytest collected no tests".into()),
        _ => exit_outcome(status, "pytest"),
    })
}
