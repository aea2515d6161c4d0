//! `gcd(*integers)` and `lcm(*integers)`: `math.gcd` and `math.lcm` (Python 3.9+) exactly,
//! called as CPython's own builtins are (`METH_FASTCALL`, see `fastcall.rs`).
//!
//! As in CPython's `Modules/mathmodule.c`: `gcd() == 0`, `gcd(x) == abs(x)`; `lcm() == 1`,
//! `lcm(x) == abs(x)`, and `lcm(..., 0, ...) == 0`. Every argument goes through
//! `operator.index` even after the result is settled (gcd 1, lcm 0), so a bad later argument
//! still raises. Keyword arguments are refused by CPython itself.

use super::convert::{natural_to_py, small_magnitude, to_integer, u128_to_py, Arg};
use super::fastcall::{self, stub_function, FastArgs, FastFunction};
use super::DETACH_BITS;
use crate::gcd::{gcd, gcd_u128};
use crate::lcm::{lcm, lcm_u128};
use crate::natural::Natural;
use pyo3::ffi;
use pyo3::prelude::*;

/// gcd's docstring, for the runtime's `__doc__` and the stub alike.
macro_rules! gcd_doc {
    () => {
        "Return the greatest common divisor of the integers, exactly like math.gcd.

The result is always >= 0: gcd() == 0, gcd(x) == abs(x) and gcd(0, 0) == 0. Arguments may
be negative and of any size. Raises TypeError naming the argument if one is not an integer
(floats are refused, bool and objects with __index__ are accepted)."
    };
}

/// lcm's docstring, for the runtime's `__doc__` and the stub alike.
macro_rules! lcm_doc {
    () => {
        "Return the least common multiple of the integers, exactly like math.lcm.

The result is always >= 0: lcm() == 1, lcm(x) == abs(x), and it is 0 if any argument is 0.
Arguments may be negative and of any size. Raises TypeError naming the argument if one is
not an integer (floats are refused, bool and objects with __index__ are accepted)."
    };
}

pub static GCD: FastFunction = FastFunction::varargs(
    c"gcd",
    gcd_entry,
    fastcall::cstr(concat!("gcd(*integers)\n--\n\n", gcd_doc!(), "\0")),
);
stub_function!("gcd", [integers: VarPositional], gcd_doc!());

pub static LCM: FastFunction = FastFunction::varargs(
    c"lcm",
    lcm_entry,
    fastcall::cstr(concat!("lcm(*integers)\n--\n\n", lcm_doc!(), "\0")),
);
stub_function!("lcm", [integers: VarPositional], lcm_doc!());

unsafe extern "C" fn gcd_entry(
    _module: *mut ffi::PyObject,
    args: *mut *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
) -> *mut ffi::PyObject {
    // SAFETY: only CPython calls this, through GCD (METH_FASTCALL), arguments unchanged.
    unsafe { fastcall::call(args, nargs, gcd_fast) }
}

unsafe extern "C" fn lcm_entry(
    _module: *mut ffi::PyObject,
    args: *mut *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
) -> *mut ffi::PyObject {
    // SAFETY: only CPython calls this, through LCM (METH_FASTCALL), arguments unchanged.
    unsafe { fastcall::call(args, nargs, lcm_fast) }
}

/// Exact ints of up to 128 bits, on machine words; the first other argument hands the rest
/// of the work to [`gcd_slow`].
fn gcd_fast<'py>(args: FastArgs<'_, 'py>) -> PyResult<Bound<'py, PyAny>> {
    // gcd(0, x) == |x|: covers gcd() and gcd(x).
    let mut acc = 0u128;
    for (i, arg) in args.iter().enumerate() {
        let Some(x) = small_magnitude(arg) else {
            return fastcall::attached(args.py(), |_| gcd_slow(args, i, Natural::Small(acc)));
        };
        // Once the result is 1 it stays 1: the remaining arguments are only checked.
        if acc != 1 {
            acc = gcd_u128(acc, x);
        }
    }
    u128_to_py(args.py(), acc)
}

/// gcd of `acc` and the arguments from index `from` on, any kind and size.
fn gcd_slow(args: FastArgs<'_, '_>, from: usize, mut acc: Natural) -> PyResult<Py<PyAny>> {
    let py = args.py();
    for (i, arg) in args.iter().enumerate().skip(from) {
        let x = to_integer(&arg, Arg::Position("gcd", i + 1))?.magnitude;
        if acc != Natural::Small(1) {
            acc = if acc.bits().max(x.bits()) > DETACH_BITS {
                py.detach(move || gcd(acc, x))
            } else {
                gcd(acc, x)
            };
        }
    }
    natural_to_py(py, acc)
}

/// Exact ints of up to 128 bits while the result fits 128 bits; then [`lcm_slow`].
fn lcm_fast<'py>(args: FastArgs<'_, 'py>) -> PyResult<Bound<'py, PyAny>> {
    // lcm(1, x) == |x|: covers lcm() and lcm(x).
    let mut acc = 1u128;
    for (i, arg) in args.iter().enumerate() {
        // Once the result is 0 it stays 0 (lcm_u128(0, x) == 0): the rest are only checked.
        let Some(next) = small_magnitude(arg).and_then(|x| lcm_u128(acc, x)) else {
            return fastcall::attached(args.py(), |_| lcm_slow(args, i, Natural::Small(acc)));
        };
        acc = next;
    }
    u128_to_py(args.py(), acc)
}

/// lcm of `acc` and the arguments from index `from` on, any kind and size.
fn lcm_slow(args: FastArgs<'_, '_>, from: usize, mut acc: Natural) -> PyResult<Py<PyAny>> {
    let py = args.py();
    for (i, arg) in args.iter().enumerate().skip(from) {
        let x = to_integer(&arg, Arg::Position("lcm", i + 1))?.magnitude;
        if acc != Natural::Small(0) {
            acc = if acc.bits().max(x.bits()) > DETACH_BITS {
                py.detach(move || lcm(acc, x))
            } else {
                lcm(acc, x)
            };
        }
    }
    natural_to_py(py, acc)
}
