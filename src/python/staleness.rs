//! The import-time check that the extension was built from the current sources.
//!
//! Editing Rust and forgetting to rebuild is the classic way to debug code that is not the
//! code you are reading. The build bakes in a fingerprint of the sources and their folder;
//! import recomputes it there (about 0.1 ms) and warns once, naming the command to run.

use crate::source_hash::source_hash;
use pyo3::exceptions::PyRuntimeWarning;
use pyo3::prelude::*;
use std::ffi::CString;
use std::path::Path;

/// Set to 1 to skip the check (e.g. in a deployment that keeps the source folder).
const SKIP_VARIABLE: &str = "PYRS_SKIP_SOURCE_CHECK";

pub fn warn_if_stale(py: Python<'_>) -> PyResult<()> {
    if std::env::var_os(SKIP_VARIABLE).is_some_and(|value| value == "1") {
        return Ok(());
    }
    let root = Path::new(env!("PYRS_SOURCE_ROOT"));
    // A wheel installed away from the folder it was built in has nothing to compare with.
    if !root.join("Cargo.toml").is_file() {
        return Ok(());
    }
    let Ok(current) = source_hash(root) else {
        return Ok(());
    };
    if format!("{current:016x}") == env!("PYRS_SOURCE_HASH") {
        return Ok(());
    }
    let message = format!(
        "pyrs: stale build: the Rust sources in {} changed after this extension was built; \
         rebuild with `make dev` there (or `maturin develop`). Set {SKIP_VARIABLE}=1 to \
         silence this check.",
        root.display()
    );
    let message = CString::new(message).expect("the message has no NUL byte");
    PyErr::warn(py, &py.get_type::<PyRuntimeWarning>(), &message, 1)
}
