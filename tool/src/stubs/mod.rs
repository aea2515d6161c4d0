//! The extension's stub: generated (pyo3-stub-gen or PyO3 introspection), or written by
//! hand and checked. `check` and `regenerate` are what `pyrs dev` calls around its build.

pub mod diff;
pub mod files;
pub mod generate;
pub mod introspection;
mod snapshot;
pub mod state;
mod stub_gen;
pub mod stubtest;
pub mod truth;
pub mod write;

use std::path::Path;

use anyhow::Result;

use crate::interpreter::Interpreter;
use crate::project::stub_source::StubSource;
use crate::project::Project;

pub use stub_gen::link_args;

pub use generate::{generate, StubFile};

/// What `refresh` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refreshed {
    /// Nothing it reads changed since the stub was last generated.
    Current,
    /// Regenerated, same bytes.
    Unchanged,
    /// Regenerated and rewritten.
    Rewritten,
    /// Not generated: written by hand, or no generator.
    NotGenerated,
}

/// Whether the stub needs generating, seen before a build starts: the inputs are read then,
/// so an edit made while the build runs makes the next run regenerate, never a stale state.
#[derive(Debug)]
pub enum Check {
    NotGenerated,
    Current,
    Stale(Stale),
}

/// The stub's inputs changed since it was last generated.
#[derive(Debug)]
pub struct Stale {
    inputs: String,
}

pub fn check(project: &Project, interpreter: &Interpreter) -> Result<Check> {
    if !project.stub_source.is_generated() {
        return Ok(Check::NotGenerated);
    }
    let inputs = state::inputs_digest(project, interpreter)?;
    let recorded = state::State::load(project);
    if recorded.as_ref().is_some_and(|s| s.is_current(&inputs)) {
        return Ok(Check::Current);
    }
    Ok(Check::Stale(Stale { inputs }))
}

/// Generates the stub and writes the files whose bytes changed. `generator`: the
/// pyo3-stub-gen executable when the caller already built it (`pyrs dev` links it in the
/// extension's own build); otherwise the generator is built here.
pub fn regenerate(
    project: &Project,
    interpreter: &Interpreter,
    stale: Stale,
    generator: Option<&Path>,
) -> Result<Refreshed> {
    let generated = match (generator, &project.stub_source) {
        (Some(executable), StubSource::StubGen { bin }) => {
            stub_gen::run_built(project, executable, bin)?
        }
        _ => generate(project, interpreter)?,
    };
    let mut rewritten = false;
    for file in &generated {
        rewritten |= write::write_if_changed(&file.path, &file.contents)?;
    }
    state::State::record(&stale.inputs, &generated).save(project)?;
    Ok(if rewritten { Refreshed::Rewritten } else { Refreshed::Unchanged })
}
