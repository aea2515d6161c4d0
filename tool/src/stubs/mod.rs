//! The extension's stub: generated (pyo3-stub-gen or PyO3 introspection), or written by
//! hand and checked. `refresh` is what `pyrs dev` calls after a build.

pub mod diff;
pub mod files;
pub mod generate;
mod introspection;
mod snapshot;
pub mod state;
mod stub_gen;
pub mod stubtest;
pub mod truth;
pub mod write;

use anyhow::Result;

use crate::interpreter::Interpreter;
use crate::project::Project;

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

/// Regenerates the stub when its inputs changed since it was last generated (for `dev`).
pub fn refresh(project: &Project, interpreter: &Interpreter) -> Result<Refreshed> {
    if !project.stub_source.is_generated() {
        return Ok(Refreshed::NotGenerated);
    }
    let inputs = state::inputs_digest(project, interpreter)?;
    let recorded = state::State::load(project);
    if recorded.as_ref().is_some_and(|s| s.is_current(&inputs)) {
        return Ok(Refreshed::Current);
    }
    let generated = generate(project, interpreter)?;
    let mut rewritten = false;
    for file in &generated {
        rewritten |= write::write_if_changed(&file.path, &file.contents)?;
    }
    state::State::record(&inputs, &generated).save(project)?;
    Ok(if rewritten { Refreshed::Rewritten } else { Refreshed::Unchanged })
}
