//! The extension's stub: generated (pyo3-stub-gen or PyO3 introspection), or written by
//! hand and checked. `refresh` is what `pyrs dev` calls after a build.

use anyhow::Result;

use crate::interpreter::Interpreter;
use crate::project::Project;

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
pub fn refresh(_project: &Project, _interpreter: &Interpreter) -> Result<Refreshed> {
    Ok(Refreshed::NotGenerated)
}
