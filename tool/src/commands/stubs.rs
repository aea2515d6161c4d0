//! `pyrs stubs`: write the stub the Rust source gives (only files whose bytes change), or
//! with `--check` compare it with the committed one and check that it tells the truth.

use std::process::ExitCode;

use anyhow::{bail, Result};

use crate::cli::StubsArgs;
use crate::interpreter::Interpreter;
use crate::project::stub_source::StubSource;
use crate::project::Project;
use crate::stubs::{self, diff, state, stubtest, truth, write, StubFile};

pub fn run(project: &Project, args: &StubsArgs) -> Result<ExitCode> {
    if project.stub_source == StubSource::Missing {
        return Err(stubs::generate::missing(project));
    }
    if !project.interpreter.exists() {
        bail!(
            "{} does not exist: run `pyrs dev` first (it makes the venv and builds the extension)",
            project.interpreter.python.display()
        );
    }
    let interpreter = project.interpreter.query()?;
    let mut ok = true;
    if project.stub_source == StubSource::Hand {
        let label = project.display(&project.stub);
        println!("{label} is written by hand: pyrs checks it against the runtime, never writes it");
        ok &= truth::check(project)?;
        if args.check {
            ok &= stubtest::check(project)?;
        }
    } else if args.check {
        let generated = stubs::generate(project, &interpreter)?;
        ok &= report_drift(project, &generated);
        if project.stub.is_file() {
            ok &= truth::check(project)?;
        }
    } else {
        write_generated(project, &interpreter)?;
    }
    note_py_typed(project);
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// Writes each generated file whose bytes changed, and records what it was made from.
fn write_generated(project: &Project, interpreter: &Interpreter) -> Result<()> {
    let inputs = state::inputs_digest(project, interpreter)?;
    let generated = stubs::generate(project, interpreter)?;
    for file in &generated {
        let label = project.display(&file.path);
        if write::write_if_changed(&file.path, &file.contents)? {
            println!("wrote {label}");
        } else {
            println!("{label} unchanged");
        }
    }
    state::State::record(&inputs, &generated).save(project)?;
    if project.stub_source == StubSource::Introspection {
        note_old_form(project, &generated);
        if project.krate.pyo3.as_ref().is_some_and(|p| p.version < semver::Version::new(0, 29, 0)) {
            println!("note: pyo3 before 0.29 writes no docstrings into the stub");
        }
    }
    Ok(())
}

/// Prints the diff of each generated file against the committed one; whether all match.
fn report_drift(project: &Project, generated: &[StubFile]) -> bool {
    let mut stale = Vec::new();
    for file in generated {
        let label = project.display(&file.path);
        let committed = std::fs::read(&file.path).ok();
        let committed_text = committed.as_deref().map(String::from_utf8_lossy).unwrap_or_default();
        let fresh = String::from_utf8_lossy(&file.contents);
        let found = diff::unified(&label, &committed_text, &fresh);
        if committed.is_none() {
            print!("{found}");
            stale.push(format!("{label} is missing"));
        } else if !found.is_empty() {
            print!("{found}");
            stale.push(format!("{label} is stale"));
        } else {
            println!("{label} matches the Rust source");
        }
    }
    for line in &stale {
        eprintln!("pyrs: {line}: run `pyrs stubs`");
    }
    stale.is_empty()
}

/// A stub that became a stub package (submodules appeared) leaves the old single file.
fn note_old_form(project: &Project, generated: &[StubFile]) {
    let old = &project.stub;
    if old.is_file() && !generated.iter().any(|f| &f.path == old) {
        println!(
            "note: the stub is now a package; {} is no longer generated: delete it",
            project.display(old)
        );
    }
}

/// Mixed layout: mypy ignores the stub of an installed package without `py.typed`.
fn note_py_typed(project: &Project) {
    if let Some(py_typed) = project.py_typed() {
        if !py_typed.exists() {
            println!(
                "note: {} is missing: mypy ignores the package's stub without it (an empty file)",
                project.display(&py_typed)
            );
        }
    }
}
