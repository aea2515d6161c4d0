//! Build script: (1) exposes PyO3's `Py_3_*` cfgs, so the binding can pick the C API that
//! converts ints without raising on the running Python version; (2) bakes in the source
//! fingerprint and folder, so `import pyrs` can warn when the build is older than the sources.

#[path = "src/source_hash.rs"]
#[allow(dead_code)]
mod source_hash;

use std::path::Path;

fn main() {
    #[cfg(feature = "python")]
    pyo3_build_config::use_pyo3_cfgs();

    // Read at run time: `env!` would freeze the folder the build script was first compiled
    // in, and cargo reuses that compiled script after the checkout moves.
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest);
    let hash = source_hash::source_hash(root).expect("cannot read the crate's sources");
    println!("cargo:rustc-env=PYRS_SOURCE_HASH={hash:016x}");
    println!("cargo:rustc-env=PYRS_SOURCE_ROOT={}", root.display());
    for path in ["src", "Cargo.toml", "Cargo.lock", "build.rs"] {
        println!("cargo:rerun-if-changed={path}");
    }
}
