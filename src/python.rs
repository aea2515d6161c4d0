//! The Python binding: argument conversion in, result conversion out, nothing else.
//!
//! Arguments are taken as `&PyAny` and converted by hand so that (1) any object with
//! `__index__` is accepted, exactly like `math.gcd`, (2) the common small-int case never builds
//! a Python exception (a failed `extract::<i64>()` costs ~100 ns), and (3) errors name the
//! argument. Long computations run with the GIL released.

use crate::fib::{self, FibError};
use crate::gcd;
use crate::natural::Natural;
use num_bigint::{BigInt, Sign};
use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::{ffi, IntoPyObjectExt};
use pyo3_stub_gen::derive::gen_stub_pyfunction;
use std::os::raw::c_int;

/// Operands above this many bits are worked on with the GIL released: below it, the work is
/// shorter than the cost of releasing and re-taking the GIL.
const DETACH_BITS: u64 = 4096;
/// `fib(n)` has about `0.694 * n` bits: this is `fib`'s equivalent of [`DETACH_BITS`].
const DETACH_FIB_N: u64 = 6_000;

/// A Python int, read without raising for the common sizes.
enum PyInteger {
    /// Fits in an `i64`: one C call, no allocation.
    Word(i64),
    /// Fits in an `i128`: the combo workload's 77- and 84-bit Fibonacci numbers.
    Wide(i128),
    /// Any other size.
    Big(BigInt),
}

impl PyInteger {
    fn is_negative(&self) -> bool {
        match self {
            PyInteger::Word(w) => *w < 0,
            PyInteger::Wide(w) => *w < 0,
            PyInteger::Big(b) => b.sign() == Sign::Minus,
        }
    }

    fn magnitude(self) -> Natural {
        match self {
            PyInteger::Word(w) => Natural::Small(u128::from(w.unsigned_abs())),
            PyInteger::Wide(w) => Natural::Small(w.unsigned_abs()),
            PyInteger::Big(b) => Natural::from_big(b.into_parts().1),
        }
    }
}

/// `operator.index(obj)`, then its value; a `TypeError` names the function and argument.
fn to_integer(obj: &Bound<'_, PyAny>, func: &str, arg: &str) -> PyResult<PyInteger> {
    let py = obj.py();
    // SAFETY: `obj` is a live object; PyLong_Check only reads its type.
    let index = if unsafe { ffi::PyLong_Check(obj.as_ptr()) } != 0 {
        obj.clone()
    } else {
        // SAFETY: PyNumber_Index returns a new reference or NULL with an exception set.
        unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyNumber_Index(obj.as_ptr())) }.map_err(
            |err| {
                if err.is_instance_of::<PyTypeError>(py) {
                    let why = err.value(py).to_string();
                    let named = PyTypeError::new_err(format!("{func}() argument '{arg}': {why}"));
                    named.set_cause(py, Some(err));
                    named
                } else {
                    err
                }
            },
        )?
    };
    let mut overflow: c_int = 0;
    // SAFETY: `index` is an int, so this cannot fail; out-of-range sets `overflow`, not an error.
    let word = unsafe { ffi::PyLong_AsLongLongAndOverflow(index.as_ptr(), &mut overflow) };
    if overflow == 0 {
        return Ok(PyInteger::Word(word));
    }
    if let Some(wide) = to_i128(&index) {
        return Ok(PyInteger::Wide(wide));
    }
    Ok(PyInteger::Big(index.extract::<BigInt>()?))
}

/// The int's value if it fits in an `i128`. PyO3's own `extract::<i128>()` would also do, but
/// it re-runs `__index__` and raises `OverflowError` for bigger ints; this returns `None`.
#[cfg(not(Py_3_13))]
fn to_i128(int: &Bound<'_, PyAny>) -> Option<i128> {
    let mut bytes = [0u8; 16];
    // SAFETY: `int` is an int (checked by the caller); `bytes` has room for the 16 bytes asked.
    let status = unsafe {
        ffi::_PyLong_AsByteArray(int.as_ptr().cast(), bytes.as_mut_ptr(), bytes.len(), 1, 1)
    };
    if status < 0 {
        // Too big for 128 bits: drop the OverflowError and take the big-integer path.
        drop(PyErr::take(int.py()));
        return None;
    }
    Some(i128::from_le_bytes(bytes))
}

/// The int's value if it fits in an `i128` (Python 3.13+: asks the size, never raises).
#[cfg(Py_3_13)]
fn to_i128(int: &Bound<'_, PyAny>) -> Option<i128> {
    let mut bytes = [0u8; 16];
    // SAFETY: `int` is an int; the buffer holds the 16 bytes passed as its size. Flags -1:
    // native byte order, signed.
    let needed =
        unsafe { ffi::PyLong_AsNativeBytes(int.as_ptr(), bytes.as_mut_ptr().cast(), 16, -1) };
    if needed < 0 {
        drop(PyErr::take(int.py()));
        return None;
    }
    (needed <= 16).then(|| i128::from_ne_bytes(bytes))
}

fn natural_to_py(py: Python<'_>, value: Natural) -> PyResult<Py<PyAny>> {
    match value {
        Natural::Small(s) => match u64::try_from(s) {
            Ok(word) => word.into_py_any(py),
            Err(_) => s.into_py_any(py),
        },
        Natural::Big(b) => b.into_py_any(py),
    }
}

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
#[pyfunction(name = "fib")]
fn fib_py(
    py: Python<'_>,
    #[gen_stub(override_type(type_repr = "typing.SupportsIndex", imports = ("typing")))] n: &Bound<
        '_,
        PyAny,
    >,
) -> PyResult<Py<PyAny>> {
    let n = to_integer(n, "fib", "n")?;
    if n.is_negative() {
        return Err(PyValueError::new_err("fib() argument 'n' must be >= 0"));
    }
    let too_large = || {
        PyOverflowError::new_err(format!(
            "fib() argument 'n' must be <= {}: the result would be too large",
            fib::MAX_N
        ))
    };
    let n = match n {
        PyInteger::Word(w) => w.unsigned_abs(),
        PyInteger::Wide(_) | PyInteger::Big(_) => return Err(too_large()),
    };
    if let Some(cached) = small_fib(py, n)? {
        return Ok(cached);
    }
    let result = if n <= DETACH_FIB_N {
        fib::fib(n)
    } else {
        py.detach(|| fib::fib(n))
    };
    match result {
        Ok(value) => natural_to_py(py, value),
        Err(FibError::TooLarge) => Err(too_large()),
    }
}

/// Return the greatest common divisor of a and b, exactly like math.gcd.
///
/// The result is always >= 0; gcd(0, 0) == 0 and gcd(a, 0) == abs(a). Arguments may be
/// negative and of any size. Raises TypeError if an argument is not an integer (floats are
/// refused, bool and objects with __index__ are accepted).
#[gen_stub_pyfunction]
#[gen_stub(override_return_type(type_repr = "int"))]
#[pyfunction(name = "gcd")]
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
    let a = to_integer(a, "gcd", "a")?.magnitude();
    let b = to_integer(b, "gcd", "b")?.magnitude();
    let result = if a.bits().max(b.bits()) <= DETACH_BITS {
        gcd::gcd(a, b)
    } else {
        py.detach(|| gcd::gcd(a, b))
    };
    natural_to_py(py, result)
}

/// Exact Fibonacci and GCD for every Python int, compiled from Rust.
#[pymodule]
fn pyrs(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(fib_py, m)?)?;
    m.add_function(wrap_pyfunction!(gcd_py, m)?)?;
    Ok(())
}
