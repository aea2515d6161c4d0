//! The Python binding: argument conversion in, result conversion out, nothing else.
//!
//! Arguments are taken as objects and converted by hand so that (1) any object with
//! `__index__` is accepted, exactly like `math.gcd`, (2) the common small-int case never builds
//! a Python exception (a failed `extract::<i64>()` costs ~100 ns), and (3) errors name the
//! argument. Long computations run with the GIL released.
//!
//! `fib`, `gcd` and `lcm` are called as CPython's own builtins are (`fastcall.rs`): they are
//! the hot path. The class and the exception are plain pyo3 (`fibonacci.rs`, `fib.rs`).

mod convert;
mod fastcall;
mod fib;
mod fibonacci;
mod gcd;
mod honest_enum;
mod interrupt;
mod staleness;

use pyo3::prelude::*;
// The attribute of the `#[pyfunction]`s added to this file the README's way ("Adding Rust
// code"; tests/devloop adds one): the payload's own functions are hand-registered instead.
#[allow(unused_imports)]
use pyo3_stub_gen::derive::gen_stub_pyfunction;

/// Operands above this many bits are worked on with the GIL released: below it, the work is
/// shorter than the cost of releasing and re-taking the GIL.
const DETACH_BITS: u64 = 4096;

/// The module docstring, written once for both the runtime (`py_run_rs.__doc__`) and the stub.
macro_rules! module_doc {
    () => {
        "Exact Fibonacci, GCD and LCM for every Python int, compiled from Rust."
    };
}
pyo3_stub_gen::module_doc!("py_run_rs", "{}", module_doc!());

#[doc = module_doc!()]
#[pymodule]
fn py_run_rs(m: &Bound<'_, PyModule>) -> PyResult<()> {
    convert::init(m.py())?;
    fib::init(m.py())?;
    staleness::warn_if_stale(m)?;
    fib::FIB.add_to(m)?;
    gcd::GCD.add_to(m)?;
    gcd::LCM.add_to(m)?;
    m.add_class::<fibonacci::Fibonacci>()?;
    m.add(
        "FibOverflowError",
        m.py().get_type::<fib::FibOverflowError>(),
    )?;
    Ok(())
}
