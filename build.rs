//! Build script: (1) exposes PyO3's `Py_3_*` cfgs, so the binding reads ints the way the
//! running CPython version lays them out; (2) bakes in the source fingerprint and folder, so
//! `import` can warn when the build is older than the sources; (3) stages the generated stub
//! for the wheel.

#[path = "src/source_hash.rs"]
#[allow(dead_code)]
mod source_hash;

use std::fs;
use std::path::Path;

fn main() {
    #[cfg(feature = "python")]
    pyo3_build_config::use_pyo3_cfgs();

    // Read at run time: `env!` would freeze the folder the build script was first compiled
    // in, and cargo reuses that compiled script after the checkout moves.
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest);
    let hash = source_hash::source_hash(root).expect("cannot read the crate's sources");
    println!("cargo:rustc-env=KIT_SOURCE_HASH={hash:016x}");
    println!("cargo:rustc-env=KIT_SOURCE_ROOT={}", root.display());
    for path in ["src", "Cargo.toml", "Cargo.lock", "build.rs", "stubs"] {
        println!("cargo:rerun-if-changed={path}");
    }

    let out_dir = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
    stage_stubs(&root.join("stubs"), Path::new(&out_dir)).expect("cannot stage the stubs");
}

/// Copies each generated `stubs/<module>.pyi` to `OUT_DIR/<module>/__init__.pyi`, beside an
/// empty `py.typed`: laid out as in the wheel, where `[tool.maturin] include` (pyproject.toml)
/// takes them from. maturin's own route, a `<module>.pyi` beside Cargo.toml, would need a
/// second copy or a symlink in the checkout; `stubs/` stays the only place the stub lives.
fn stage_stubs(stubs: &Path, out_dir: &Path) -> std::io::Result<()> {
    for entry in fs::read_dir(stubs)? {
        let path = entry?.path();
        if path.extension().is_some_and(|ext| ext == "pyi") {
            let package = out_dir.join(path.file_stem().expect("a .pyi file has a stem"));
            fs::create_dir_all(&package)?;
            fs::copy(&path, package.join("__init__.pyi"))?;
            fs::write(package.join("py.typed"), "")?;
        }
    }
    Ok(())
}
