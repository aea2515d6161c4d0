//! Generating the stub: the project's generator run without touching the tree, giving each
//! file it makes and where that file belongs.

use std::path::PathBuf;

use anyhow::{bail, Result};

use super::{introspection, stub_gen};
use crate::interpreter::Interpreter;
use crate::project::stub_source::StubSource;
use crate::project::Project;

/// One generated stub file: where it belongs in the project, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StubFile {
    pub path: PathBuf,
    pub contents: Vec<u8>,
}

/// The stub files the Rust source gives, sorted by path; nothing in the project is changed.
pub fn generate(project: &Project, interpreter: &Interpreter) -> Result<Vec<StubFile>> {
    let mut files = match &project.stub_source {
        StubSource::StubGen { bin } => stub_gen::generate(project, interpreter, bin)?,
        StubSource::Introspection => introspection::generate(project)?,
        StubSource::Hand => {
            bail!("{} is written by hand: nothing generates it", project.display(&project.stub))
        }
        StubSource::Missing => return Err(missing(project)),
    };
    if files.is_empty() {
        bail!("the generator ({}) wrote no stub", project.stub_source.describe());
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// No stub and no generator: how to get one.
pub fn missing(project: &Project) -> anyhow::Error {
    anyhow::anyhow!(
        "{} has no stub and nothing generates one: enable pyo3's `experimental-inspect` \
         feature (for a declarative `#[pymodule] mod {}`), or add pyo3-stub-gen with a \
         generator bin (src/bin/stub_gen.rs), or write {} by hand",
        project.module(),
        project.layout.basename(),
        project.display(&project.stub)
    )
}
