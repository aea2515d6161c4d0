//! Build script: exposes PyO3's `Py_3_*` cfgs to this crate, so the binding can pick the
//! C API that converts 128-bit ints without raising on the running Python version.

fn main() {
    #[cfg(feature = "python")]
    pyo3_build_config::use_pyo3_cfgs();
}
