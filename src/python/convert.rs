//! Python int <-> [`Natural`], the binding's hot path.
//!
//! A call from Python spends more time converting its arguments than computing a small gcd,
//! so ints of up to 128 bits are read without allocating and without ever raising (a failed
//! `extract::<i64>()` builds an `OverflowError`: ~100 ns). Bigger ints are converted in O(size)
//! to and from [`UBig`].

use crate::natural::Natural;
use dashu_int::{UBig, Word};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use pyo3::{ffi, intern, IntoPyObjectExt};
use std::sync::atomic::{AtomicBool, Ordering};

/// An integer argument: its sign and magnitude.
pub struct Integer {
    pub negative: bool,
    pub magnitude: Natural,
}

/// Set at module import when the interpreter stores ints as 30-bit digits in `u32`s (the
/// CPython default; `sys.int_info` tells), enabling [`read_digits`].
static DIGITS_30_BIT: AtomicBool = AtomicBool::new(false);

pub fn init(py: Python<'_>) -> PyResult<()> {
    let info = py.import("sys")?.getattr("int_info")?;
    let bits: u32 = info.getattr("bits_per_digit")?.extract()?;
    let size: u32 = info.getattr("sizeof_digit")?.extract()?;
    DIGITS_30_BIT.store(bits == 30 && size == 4, Ordering::Relaxed);
    Ok(())
}

/// `operator.index(obj)`, then its value. A `TypeError` names the function and argument;
/// any other error from `__index__` propagates unchanged, as with `math.gcd`.
pub fn to_integer(obj: &Bound<'_, PyAny>, func: &str, arg: &str) -> PyResult<Integer> {
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
                    let named = PyTypeError::new_err(format!("{func}() argument '{arg}': {why}"));
                    named.set_cause(py, Some(err));
                    named
                } else {
                    err
                }
            },
        )?
    };
    if let Some((negative, magnitude)) = to_u128_magnitude(&index) {
        let magnitude = Natural::Small(magnitude);
        return Ok(Integer {
            negative,
            magnitude,
        });
    }
    let (negative, magnitude) = to_big(&index)?;
    Ok(Integer {
        negative,
        magnitude: Natural::from_big(magnitude),
    })
}

/// Sign and magnitude of an int of any size.
fn to_big(int: &Bound<'_, PyAny>) -> PyResult<(bool, UBig)> {
    #[cfg(not(any(Py_LIMITED_API, PyPy, GraalPy, Py_3_12)))]
    if DIGITS_30_BIT.load(Ordering::Relaxed) {
        // SAFETY: `int` is an int on CPython < 3.12, whose layout `read_big_digits` reads.
        return Ok(unsafe { read_big_digits(int.as_ptr()) });
    }
    // Any other interpreter: through int's public methods, still O(size).
    let py = int.py();
    let negative = int.lt(0)?;
    let magnitude = int.abs()?;
    let bits: usize = magnitude
        .call_method0(intern!(py, "bit_length"))?
        .extract()?;
    let bytes = magnitude.call_method1(
        intern!(py, "to_bytes"),
        (bits.div_ceil(8), intern!(py, "little")),
    )?;
    Ok((
        negative,
        UBig::from_le_bytes(bytes.cast::<PyBytes>()?.as_bytes()),
    ))
}

/// Sign and magnitude of a CPython < 3.12 int, repacking its 30-bit digits into words.
///
/// # Safety
/// `int` must point to a live `int` object of CPython < 3.12 with 30-bit digits.
#[cfg(not(any(Py_LIMITED_API, PyPy, GraalPy, Py_3_12)))]
unsafe fn read_big_digits(int: *mut ffi::PyObject) -> (bool, UBig) {
    let size = unsafe { (*int.cast::<ffi::PyVarObject>()).ob_size };
    let count = size.unsigned_abs();
    let digits = unsafe {
        int.cast::<u8>()
            .add(size_of::<ffi::PyVarObject>())
            .cast::<u32>()
    };
    let mut words: Vec<Word> = Vec::with_capacity((count * 30).div_ceil(Word::BITS as usize));
    let (mut pending, mut pending_bits) = (0u128, 0u32);
    for i in 0..count {
        pending |= u128::from(unsafe { digits.add(i).read() }) << pending_bits;
        pending_bits += 30;
        if pending_bits >= Word::BITS {
            words.push(pending as Word);
            pending >>= Word::BITS;
            pending_bits -= Word::BITS;
        }
    }
    if pending_bits > 0 {
        words.push(pending as Word);
    }
    (size < 0, UBig::from_words(&words))
}

/// Sign and magnitude of an int whose magnitude fits in 128 bits; `None` for bigger ones.
/// Never leaves an exception set.
fn to_u128_magnitude(int: &Bound<'_, PyAny>) -> Option<(bool, u128)> {
    #[cfg(not(any(Py_LIMITED_API, PyPy, GraalPy, Py_3_12)))]
    if DIGITS_30_BIT.load(Ordering::Relaxed) {
        // SAFETY: `int` is an int on CPython < 3.12, whose layout `read_digits` reads.
        return unsafe { read_digits(int.as_ptr()) };
    }
    let mut overflow = 0;
    // SAFETY: `int` is an int, so this cannot fail; out-of-range sets `overflow`, not an error.
    let word = unsafe { ffi::PyLong_AsLongLongAndOverflow(int.as_ptr(), &mut overflow) };
    if overflow == 0 {
        return Some((word < 0, u128::from(word.unsigned_abs())));
    }
    to_i128(int).map(|wide| (wide < 0, wide.unsigned_abs()))
}

/// Reads a CPython < 3.12 int in place: `ob_size` is the signed digit count, followed by
/// 30-bit digits, least significant first. Five digits hold 150 bits: accept up to 128.
///
/// # Safety
/// `int` must point to a live `int` object of CPython < 3.12 with 30-bit digits.
#[cfg(not(any(Py_LIMITED_API, PyPy, GraalPy, Py_3_12)))]
unsafe fn read_digits(int: *mut ffi::PyObject) -> Option<(bool, u128)> {
    let size = unsafe { (*int.cast::<ffi::PyVarObject>()).ob_size };
    let count = size.unsigned_abs();
    if count > 5 {
        return None;
    }
    // `digit ob_digit[]` follows the variable-size object header.
    let digits = unsafe {
        int.cast::<u8>()
            .add(size_of::<ffi::PyVarObject>())
            .cast::<u32>()
    };
    let mut magnitude = 0u128;
    for i in (0..count).rev() {
        let digit = unsafe { digits.add(i).read() };
        if magnitude >> (128 - 30) != 0 {
            return None;
        }
        magnitude = (magnitude << 30) | u128::from(digit);
    }
    Some((size < 0, magnitude))
}

/// The int's value if it fits in an `i128`. PyO3's own `extract::<i128>()` would also do, but
/// it re-runs `__index__` and raises `OverflowError` for bigger ints; this returns `None`.
#[cfg(not(Py_3_13))]
fn to_i128(int: &Bound<'_, PyAny>) -> Option<i128> {
    let mut bytes = [0u8; 16];
    // SAFETY: `int` is an int; `bytes` has room for the 16 bytes asked for.
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

/// A result as a Python int: machine-word conversions where they fit.
pub fn natural_to_py(py: Python<'_>, value: Natural) -> PyResult<Py<PyAny>> {
    match value {
        Natural::Small(s) => match u64::try_from(s) {
            Ok(word) => word.into_py_any(py),
            Err(_) => s.into_py_any(py),
        },
        Natural::Big(b) => big_to_py(py, &b),
    }
}

fn big_to_py(py: Python<'_>, big: &UBig) -> PyResult<Py<PyAny>> {
    let bytes = big.to_le_bytes();
    // SAFETY: the pointer and length describe `bytes`, alive for the call; both functions
    // return a new reference or NULL with an exception set.
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
