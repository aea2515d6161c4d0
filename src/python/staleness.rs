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

/// Warns if the sources in the folder this extension was built from changed since. Silenced
/// by `<MODULE>_SKIP_SOURCE_CHECK=1` (e.g. a deployment that keeps the source folder); the
/// kit's Python side (`kit/project.py`) derives the same variable name from the module's.
pub fn warn_if_stale(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    // `py_run_rs.py_run_rs` when maturin's package loads it: the package's name is the one users see.
    let full_name = module.name()?;
    let name = full_name.to_str()?.split('.').next().unwrap_or_default();
    let skip_variable = format!("{}_SKIP_SOURCE_CHECK", name.to_uppercase());
    if std::env::var_os(&skip_variable).is_some_and(|value| value == "1") {
        return Ok(());
    }
    let root = Path::new(env!("KIT_SOURCE_ROOT"));
    // A wheel installed away from the folder it was built in has nothing to compare with.
    if !root.join("Cargo.toml").is_file() {
        return Ok(());
    }
    let Ok(current) = source_hash(root) else {
        return Ok(());
    };
    if format!("{current:016x}") == env!("KIT_SOURCE_HASH") {
        return Ok(());
    }
    let message = format!(
        "{name}: stale build: the Rust sources in {} changed after this extension was built; \
         rebuild with `make dev` there (or `maturin develop`). Set {skip_variable}=1 to \
         silence this check.",
        root.display()
    );
    let message = CString::new(message).expect("the message has no NUL byte");
    PyErr::warn(py, &py.get_type::<PyRuntimeWarning>(), &message, 1)
}
