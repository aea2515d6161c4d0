//! `fib(n, /)`, called as CPython's own one-argument builtins are (`METH_O`, see
//! `fastcall.rs`), and `FibOverflowError`, what it raises for an `n` too large.

use super::convert::{natural_to_py, small_int, to_integer, Arg};
use super::fastcall::{self, stub_function, FastFunction};
use super::interrupt;
use crate::fib::{self, FibError, MAX_N};
use crate::natural::Natural;
use pyo3::exceptions::{PyOverflowError, PyRuntimeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

/// `fib(n)` has about `0.694 * n` bits: from here on it is computed with the GIL released
/// (the equivalent of `DETACH_BITS`).
pub const DETACH_FIB_N: u64 = 6_000;
/// From here on (about a millisecond of work) `fib` runs on the calling thread's worker (see
/// `interrupt.rs`) so that Ctrl-C interrupts it; the hand-off costs microseconds.
pub const INTERRUPTIBLE_FIB_N: u64 = 300_000;

// pyo3_stub_gen's version of pyo3's macro also writes the class into the stub. The first
// argument is the module `__module__` names: the package users import.
pyo3_stub_gen::create_exception!(
    py_run_rs,
    FibOverflowError,
    PyOverflowError,
    "Raised when a Fibonacci index is above 1_000_000_000: the number would need more than\n\
     ~87 MB. A subclass of OverflowError, raised by fib(n) and by Fibonacci."
);

/// fib's docstring, for the runtime's `__doc__` and the stub alike.
macro_rules! fib_doc {
    () => {
        "Return the n-th Fibonacci number, exactly: fib(0) == 0, fib(1) == 1.

Any n >= 0 up to 1_000_000_000 is computed exactly, however many bits the result has.
Raises ValueError if n is negative, FibOverflowError (an OverflowError) if n is above
1_000_000_000 (the result would need more than ~87 MB), and TypeError if n is not an
integer (floats are refused, objects with __index__ are accepted, as with math.gcd)."
    };
}

pub static FIB: FastFunction = FastFunction::one(
    c"fib",
    fib_entry,
    fastcall::cstr(concat!("fib(n, /)\n--\n\n", fib_doc!(), "\0")),
);
stub_function!("fib", [n: PositionalOnly], fib_doc!());

/// `fib(0..=186)` as Python ints, built at import: returning one is a reference-count increment
/// instead of a 128-bit conversion and an allocation.
static SMALL_FIBS: PyOnceLock<Vec<Py<PyAny>>> = PyOnceLock::new();

/// Builds [`SMALL_FIBS`]; called at import, so that `fib`'s fast path always finds it.
pub fn init(py: Python<'_>) -> PyResult<()> {
    SMALL_FIBS.get_or_try_init(py, || {
        fib::FIB_U128
            .iter()
            .map(|&f| natural_to_py(py, Natural::Small(f)))
            .collect::<PyResult<Vec<_>>>()
    })?;
    Ok(())
}

/// `fib(n)` from the table of Python ints when `n` is one (in `0..=186`), else `None`.
#[inline(always)]
pub fn cached(py: Python<'_>, n: u64) -> Option<Bound<'_, PyAny>> {
    let table = SMALL_FIBS.get(py)?;
    let int = table.get(usize::try_from(n).ok()?)?;
    Some(int.bind(py).clone())
}

/// The error for an `n` above [`MAX_N`]; `what` names it (`fib() argument 'n'`, ...).
pub fn too_large(what: impl std::fmt::Display) -> PyErr {
    FibOverflowError::new_err(format!(
        "{what} must be <= {MAX_N}: the result would be too large"
    ))
}

unsafe extern "C" fn fib_entry(
    _module: *mut ffi::PyObject,
    n: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: only CPython calls this, through FIB (METH_O), its argument unchanged.
    unsafe { fastcall::call_one(n, fib_fast) }
}

/// An exact int in the table's range: a reference-count increment. Anything else: [`fib_slow`].
fn fib_fast<'py>(n: Borrowed<'_, 'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let py = n.py();
    if let Some((false, index)) = small_int(n) {
        if let Some(value) = u64::try_from(index).ok().and_then(|i| cached(py, i)) {
            return Ok(value);
        }
    }
    fastcall::attached(py, |_| fib_slow(n))
}

fn fib_slow(n: Borrowed<'_, '_, PyAny>) -> PyResult<Py<PyAny>> {
    let py = n.py();
    let what = Arg::Named("fib", "n");
    let n = to_integer(&n, what)?;
    if n.negative {
        return Err(PyValueError::new_err(format!("{what} must be >= 0")));
    }
    let n = match n.magnitude {
        Natural::Small(n) => u64::try_from(n).map_err(|_| too_large(what))?,
        Natural::Big(_) => return Err(too_large(what)),
    };
    if let Some(value) = cached(py, n) {
        return Ok(value.unbind());
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
        Err(FibError::TooLarge) => Err(too_large(what)),
        // Only an abandoned call stops early, and its result is never read.
        Err(FibError::Stopped) => Err(PyRuntimeError::new_err("fib() was stopped")),
    }
}
