//! Python int <-> [`Natural`], the binding's hot path.
//!
//! A call from Python spends more time converting its arguments than computing a small gcd,
//! so ints are read straight from CPython's 30-bit digits: no allocation and no exception for
//! ints of up to 128 bits, one O(size) repacking into words beyond. Only the header in front
//! of the digits differs between versions (see [`layout`]); every branch runs in the version
//! matrix of `make test` (3.10 and 3.11 take one, 3.12 and 3.13 the other).

use crate::natural::{small_from_digits, Natural, DIGIT_BITS};
use dashu_int::UBig;
use pyo3::exceptions::{PyImportError, PyTypeError};
use pyo3::prelude::*;
use pyo3::{ffi, IntoPyObjectExt};
use std::fmt;

#[cfg(any(PyPy, GraalPy, Py_LIMITED_API))]
compile_error!("the binding reads CPython's int layout: build it for CPython, without abi3");

/// An integer argument: its sign and magnitude.
pub struct Integer {
    pub negative: bool,
    pub magnitude: Natural,
}

/// How an error message names an argument: `fib() argument 'n'`, `gcd() argument 2`.
#[derive(Clone, Copy)]
pub enum Arg<'a> {
    /// A function's (or class's) parameter by name.
    Named(&'a str, &'a str),
    /// The 1-based position of a `*args` argument, as CPython's own messages count them.
    Position(&'a str, usize),
}

impl fmt::Display for Arg<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Named(function, name) => write!(f, "{function}() argument '{name}'"),
            Arg::Position(function, position) => write!(f, "{function}() argument {position}"),
        }
    }
}

/// CPython's digit size (`sys.int_info`) must be [`DIGIT_BITS`] bits in a `u32`, as on every
/// official build; a `--enable-big-digits=15` build is refused at import, not read wrongly.
pub fn init(py: Python<'_>) -> PyResult<()> {
    let info = py.import("sys")?.getattr("int_info")?;
    let bits: u32 = info.getattr("bits_per_digit")?.extract()?;
    let size: u32 = info.getattr("sizeof_digit")?.extract()?;
    if (bits, size) != (DIGIT_BITS, 4) {
        return Err(PyImportError::new_err(format!(
            "this interpreter stores ints in {bits}-bit digits of {size} bytes; the extension \
             reads {DIGIT_BITS}-bit digits of 4 bytes (every official CPython build)"
        )));
    }
    Ok(())
}

/// Where an exact int keeps its sign and digits, per CPython version.
mod layout {
    use pyo3::ffi;

    /// Sign and digits (least significant first) of an exact int.
    ///
    /// # Safety
    /// `int` must point to a live, exact `int`; the slice must not outlive it.
    #[cfg(not(Py_3_12))]
    pub unsafe fn sign_and_digits<'a>(int: *mut ffi::PyObject) -> (bool, &'a [u32]) {
        // CPython < 3.12: `ob_size` of the variable-size header is the signed digit count,
        // `digit ob_digit[]` follows the header.
        let size = unsafe { (*int.cast::<ffi::PyVarObject>()).ob_size };
        let digits = unsafe { int.cast::<u8>().add(size_of::<ffi::PyVarObject>()) };
        let digits = unsafe { std::slice::from_raw_parts(digits.cast(), size.unsigned_abs()) };
        (size < 0, digits)
    }

    /// Sign and digits (least significant first) of an exact int.
    ///
    /// # Safety
    /// `int` must point to a live, exact `int`; the slice must not outlive it.
    #[cfg(Py_3_12)]
    pub unsafe fn sign_and_digits<'a>(int: *mut ffi::PyObject) -> (bool, &'a [u32]) {
        // CPython 3.12+: a plain object header, then `uintptr_t lv_tag` (the digit count
        // above 3 flag bits, the sign in the lowest two: 0 positive, 1 zero, 2 negative),
        // then `digit ob_digit[]`.
        let header = unsafe { int.cast::<u8>().add(size_of::<ffi::PyObject>()) };
        let tag = unsafe { header.cast::<usize>().read() };
        let digits = unsafe { header.add(size_of::<usize>()) };
        let count = if tag & 3 == 1 { 0 } else { tag >> 3 };
        let digits = unsafe { std::slice::from_raw_parts(digits.cast(), count) };
        (tag & 3 == 2, digits)
    }
}

/// Sign and magnitude of an exact int of up to 128 bits, read in place: no reference count
/// change, no allocation, no exception, and returned in registers once inlined (a result read
/// back through memory cost ~25 ns per call in the lab's first version). `None` for anything
/// else (another type, an int subclass, a bigger int): [`to_integer`]'s job.
#[inline(always)]
pub fn small_int(obj: Borrowed<'_, '_, PyAny>) -> Option<(bool, u128)> {
    // SAFETY: `obj` is a live object; PyLong_CheckExact only reads its type.
    if unsafe { ffi::PyLong_CheckExact(obj.as_ptr()) } == 0 {
        return None;
    }
    // SAFETY: `obj` is an exact int, alive for this call; the digits are read before it ends.
    let (negative, digits) = unsafe { layout::sign_and_digits(obj.as_ptr()) };
    small_from_digits(digits).map(|magnitude| (negative, magnitude))
}

/// `abs(obj)` if `obj` is an exact int of up to 128 bits: see [`small_int`].
#[inline(always)]
pub fn small_magnitude(obj: Borrowed<'_, '_, PyAny>) -> Option<u128> {
    small_int(obj).map(|(_, magnitude)| magnitude)
}

/// `operator.index(obj)`, then its value. A `TypeError` names the argument (`arg`); any other
/// error from `__index__` propagates unchanged, as with `math.gcd`.
pub fn to_integer(obj: &Bound<'_, PyAny>, arg: Arg<'_>) -> PyResult<Integer> {
    let py = obj.py();
    // Exact ints are read as they are. Anything else, int subclasses (and bool) included, goes
    // through PyNumber_Index, which returns an exact int (Python 3.10+): a subclass's
    // overridden methods can never change the value read, as with math.gcd.
    // SAFETY: `obj` is a live object; PyLong_CheckExact only reads its type.
    let index = if unsafe { ffi::PyLong_CheckExact(obj.as_ptr()) } != 0 {
        obj.clone()
    } else {
        // SAFETY: PyNumber_Index returns a new reference or NULL with an exception set.
        unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyNumber_Index(obj.as_ptr())) }.map_err(
            |err| {
                // Exactly TypeError: a subclass raised by __index__ keeps its class.
                if err.get_type(py).is(py.get_type::<PyTypeError>()) {
                    let why = err.value(py).to_string();
                    let named = PyTypeError::new_err(format!("{arg}: {why}"));
                    named.set_cause(py, Some(err));
                    named
                } else {
                    err
                }
            },
        )?
    };
    // SAFETY: `index` is an exact int, alive until the end of this function; the digits are
    // copied out before it is released.
    let (negative, digits) = unsafe { layout::sign_and_digits(index.as_ptr()) };
    Ok(Integer {
        negative,
        magnitude: Natural::from_digits(digits),
    })
}

/// A machine-word result as a Python int: CPython's cached small ints and one-word ints where
/// it fits 64 bits.
#[inline(always)]
pub fn u128_to_py(py: Python<'_>, value: u128) -> PyResult<Bound<'_, PyAny>> {
    match u64::try_from(value) {
        Ok(word) => word.into_bound_py_any(py),
        Err(_) => value.into_bound_py_any(py),
    }
}

/// A result as a Python int: machine-word conversions where they fit.
pub fn natural_to_py(py: Python<'_>, value: Natural) -> PyResult<Py<PyAny>> {
    match value {
        Natural::Small(small) => Ok(u128_to_py(py, small)?.unbind()),
        Natural::Big(big) => big_to_py(py, &big),
    }
}

fn big_to_py(py: Python<'_>, big: &UBig) -> PyResult<Py<PyAny>> {
    let bytes = big.to_le_bytes();
    // SAFETY: the pointer and length describe `bytes`, alive for the call; both functions
    // return a new reference or NULL with an exception set. pyo3 declares the private
    // `_PyLong_FromByteArray` only before 3.13, which added `PyLong_FromUnsignedNativeBytes`.
    #[cfg(not(Py_3_13))]
    let int = unsafe { ffi::_PyLong_FromByteArray(bytes.as_ptr(), bytes.len(), 1, 0) };
    #[cfg(Py_3_13)]
    let int = unsafe {
        ffi::PyLong_FromUnsignedNativeBytes(
            bytes.as_ptr().cast(),
            bytes.len(),
            ffi::Py_ASNATIVEBYTES_LITTLE_ENDIAN,
        )
    };
    Ok(unsafe { Bound::from_owned_ptr_or_err(py, int) }?.unbind())
}
