//! The Python binding: argument conversion in, result conversion out, nothing else.
//!
//! Arguments are taken as `&PyAny` and converted by hand so that (1) any object with
//! `__index__` is accepted, exactly like `math.gcd`, (2) the common small-int case never builds
//! a Python exception (a failed `extract::<i64>()` costs ~100 ns), and (3) errors name the
//! argument. Long computations run with the GIL released.

mod convert;
mod interrupt;
mod staleness;

use crate::fib::{self, FibError};
use crate::gcd;
use crate::natural::Natural;
use convert::{natural_to_py, to_integer};
use pyo3::exceptions::{PyOverflowError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3_stub_gen::derive::gen_stub_pyfunction;

/// Operands above this many bits are worked on with the GIL released: below it, the work is
/// shorter than the cost of releasing and re-taking the GIL.
const DETACH_BITS: u64 = 4096;
/// `fib(n)` has about `0.694 * n` bits: this is `fib`'s equivalent of [`DETACH_BITS`].
const DETACH_FIB_N: u64 = 6_000;
/// From here on (about a millisecond of work) `fib` runs on the calling thread's worker (see
/// `interrupt.rs`) so that Ctrl-C interrupts it; the hand-off costs microseconds.
const INTERRUPTIBLE_FIB_N: u64 = 300_000;

/// `fib(0..=186)` as Python ints, built once: returning one is a reference-count increment
/// instead of a 128-bit conversion and an allocation.
static SMALL_FIBS: PyOnceLock<Vec<Py<PyAny>>> = PyOnceLock::new();

fn small_fib(py: Python<'_>, n: u64) -> PyResult<Option<Py<PyAny>>> {
    let table = SMALL_FIBS.get_or_try_init(py, || {
        fib::FIB_U128
            .iter()
            .map(|&f| natural_to_py(py, Natural::Small(f)))
            .collect::<PyResult<Vec<_>>>()
    })?;
    let found = usize::try_from(n).ok().and_then(|i| table.get(i));
    Ok(found.map(|int| int.clone_ref(py)))
}

/// Return the n-th Fibonacci number, exactly: fib(0) == 0, fib(1) == 1.
///
/// Any n >= 0 up to 1_000_000_000 is computed exactly, however many bits the result has.
/// Raises ValueError if n is negative, OverflowError if n is above 1_000_000_000 (the result
/// would need more than ~87 MB), and TypeError if n is not an integer (floats are refused,
/// objects with __index__ are accepted, as with math.gcd).
#[gen_stub_pyfunction]
#[gen_stub(override_return_type(type_repr = "int"))]
#[pyfunction(name = "fib", signature = (n, /))]
fn fib_py(
    py: Python<'_>,
    #[gen_stub(override_type(type_repr = "typing.SupportsIndex", imports = ("typing")))] n: &Bound<
        '_,
        PyAny,
    >,
) -> PyResult<Py<PyAny>> {
    let n = to_integer(n, "fib", "n")?;
    if n.negative {
        return Err(PyValueError::new_err("fib() argument 'n' must be >= 0"));
    }
    let too_large = || {
        PyOverflowError::new_err(format!(
            "fib() argument 'n' must be <= {}: the result would be too large",
            fib::MAX_N
        ))
    };
    let n = match n.magnitude {
        Natural::Small(n) => u64::try_from(n).map_err(|_| too_large())?,
        Natural::Big(_) => return Err(too_large()),
    };
    if let Some(cached) = small_fib(py, n)? {
        return Ok(cached);
    }
    let result = if n <= DETACH_FIB_N {
        fib::fib(n)
    } else if n < INTERRUPTIBLE_FIB_N {
        py.detach(|| fib::fib(n))
    } else {
        interrupt::run_interruptible(py, move |stop| fib::fib_until(n, stop))?
    };
    match result {
        Ok(value) => natural_to_py(py, value),
        Err(FibError::TooLarge) => Err(too_large()),
        // Only an abandoned call stops early, and its result is never read.
        Err(FibError::Stopped) => Err(PyRuntimeError::new_err("fib() was stopped")),
    }
}

/// Return the greatest common divisor of a and b, exactly like math.gcd.
///
/// The result is always >= 0; gcd(0, 0) == 0 and gcd(a, 0) == abs(a). Arguments may be
/// negative and of any size. Raises TypeError if an argument is not an integer (floats are
/// refused, bool and objects with __index__ are accepted).
#[gen_stub_pyfunction]
#[gen_stub(override_return_type(type_repr = "int"))]
#[pyfunction(name = "gcd", signature = (a, b, /))]
fn gcd_py(
    py: Python<'_>,
    #[gen_stub(override_type(type_repr = "typing.SupportsIndex", imports = ("typing")))] a: &Bound<
        '_,
        PyAny,
    >,
    #[gen_stub(override_type(type_repr = "typing.SupportsIndex", imports = ("typing")))] b: &Bound<
        '_,
        PyAny,
    >,
) -> PyResult<Py<PyAny>> {
    let a = to_integer(a, "gcd", "a")?.magnitude;
    let b = to_integer(b, "gcd", "b")?.magnitude;
    let result = if a.bits().max(b.bits()) <= DETACH_BITS {
        gcd::gcd(a, b)
    } else {
        py.detach(|| gcd::gcd(a, b))
    };
    natural_to_py(py, result)
}

/// The module docstring, written once for both the runtime (`pyrs.__doc__`) and the stub.
macro_rules! module_doc {
    () => {
        "Exact Fibonacci and GCD for every Python int, compiled from Rust."
    };
}
pyo3_stub_gen::module_doc!("pyrs", "{}", module_doc!());

#[doc = module_doc!()]
#[pymodule]
fn pyrs(m: &Bound<'_, PyModule>) -> PyResult<()> {
    convert::init(m.py())?;
    staleness::warn_if_stale(m)?;
    m.add_function(wrap_pyfunction!(fib_py, m)?)?;
    m.add_function(wrap_pyfunction!(gcd_py, m)?)?;
    Ok(())
}
