//! Writes the type stub `stubs/py_run_rs.pyi` from the `#[gen_stub_*]` annotations in `src/`.
//!
//! Usage: `cargo run --bin stub_gen [-- OUTPUT_DIR]` (default: `stubs/` beside Cargo.toml).
//! The drift check passes a temporary OUTPUT_DIR and diffs the result with the committed stub.

use std::path::PathBuf;

fn main() -> pyo3_stub_gen::Result<()> {
    let mut stub = py_run_rs::stub_info()?;
    // pyo3-stub-gen has no setting for the output folder; `python_root` is where it writes.
    stub.python_root = match std::env::args_os().nth(1) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("stubs"),
    };
    std::fs::create_dir_all(&stub.python_root)?;
    stub.generate()?;
    Ok(())
}
