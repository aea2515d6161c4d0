//! Functions called the way CPython calls its own builtins (`METH_FASTCALL`, `METH_O`), for the
//! hot functions: a `#[pyfunction]` costs ~10 ns more per call, and one with `*args` ~25 ns more
//! (pyo3 0.30 collects `*args` into a new tuple), on calls that take ~20 ns in all.
//!
//! pyo3 has no public way to build such a function, so this module is the small amount of FFI
//! it takes (measured and reviewed in the pyo3 lab's report):
//!
//! * [`FastFunction`]: a `static` `ffi::PyMethodDef` whose `ml_doc` starts with the text
//!   signature (`"gcd(*integers)\n--\n\n..."`), so `inspect.signature` and stubtest see it.
//! * [`FastFunction::add_to`]: `PyCFunction_NewEx(def, module, package)`, which sets
//!   `__self__` and `__module__` (to the package's name, see there).
//! * [`call`] / [`call_one`]: the body of each `extern "C"` entry point: they run a safe Rust
//!   function under `catch_unwind` (a panic becomes `pyo3_runtime.PanicException`, as in pyo3's
//!   own trampolines), raise its `Err`, and hand its result back as a new reference.
//! * [`attached`]: the slow path of a body. CPython calls the entry point attached, but pyo3
//!   does not know it (its trampolines count attachments, this shim does not), so a `Py<T>` or
//!   a `PyErr` dropped here would be queued in pyo3's deferred-decref pool until the next pyo3
//!   call instead of released. A fast path therefore works in `Borrowed`/`Bound` only and
//!   creates no error; anything else (conversions that can fail, big numbers, errors) runs
//!   inside `attached`, where pyo3 counts the thread as attached and drops are immediate.
//!
//! Each function's stub entry is written next to it with [`stub_function!`]: pyo3-stub-gen only
//! sees `#[pyfunction]`s.

use pyo3::ffi;
use pyo3::panic::PanicException;
use pyo3::prelude::*;
use pyo3::types::{PyCFunction, PyString};
use std::any::Any;
use std::cell::UnsafeCell;
use std::ffi::CStr;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

/// The positional arguments of one `METH_FASTCALL` call: CPython's argument array, borrowed for
/// the duration of the call (`'a`).
#[derive(Clone, Copy)]
pub struct FastArgs<'a, 'py> {
    py: Python<'py>,
    args: &'a [*mut ffi::PyObject],
}

impl<'a, 'py> FastArgs<'a, 'py> {
    pub fn py(&self) -> Python<'py> {
        self.py
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = Borrowed<'a, 'py, PyAny>> {
        let py = self.py;
        // SAFETY: every entry is a valid, non-NULL object that the caller keeps alive for the
        // whole call, which `'a` does not outlive (see `call`).
        self.args
            .iter()
            .map(move |&obj| unsafe { Borrowed::from_ptr(py, obj) })
    }
}

/// The body of a `METH_FASTCALL` function: its arguments in, a new object or an error out. The
/// higher-ranked lifetimes keep the borrowed arguments from escaping the call.
pub type VarargsBody = for<'a, 'py> fn(FastArgs<'a, 'py>) -> PyResult<Bound<'py, PyAny>>;

/// The body of a `METH_O` function (exactly one positional argument).
pub type OneBody = for<'a, 'py> fn(Borrowed<'a, 'py, PyAny>) -> PyResult<Bound<'py, PyAny>>;

/// Runs `body` for a `METH_FASTCALL` entry point; the C protocol's result.
///
/// # Safety
/// Call only from an `extern "C"` function that CPython invokes through a `METH_FASTCALL`
/// `PyMethodDef`, passing its `args` and `nargs` unchanged. CPython then guarantees that (1)
/// the thread is attached (holds the GIL), and (2) `args[..nargs]` are valid borrowed
/// references that outlive the call (`args` may be NULL when `nargs == 0`; `nargs` comes with
/// `PY_VECTORCALL_ARGUMENTS_OFFSET` already masked off).
#[inline(always)]
pub unsafe fn call(
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    body: VarargsBody,
) -> *mut ffi::PyObject {
    // SAFETY: (1); the token is only used inside this call.
    let py = unsafe { Python::assume_attached() };
    let args: &[*mut ffi::PyObject] = match usize::try_from(nargs) {
        // SAFETY: (2); the slice does not escape this call.
        Ok(n) if n > 0 => unsafe { std::slice::from_raw_parts(args, n) },
        _ => &[],
    };
    // AssertUnwindSafe: after a panic nothing captured here is looked at again, the contract
    // of pyo3's own trampolines.
    finish(
        py,
        catch_unwind(AssertUnwindSafe(|| body(FastArgs { py, args }))),
    )
}

/// Runs `body` for a `METH_O` entry point; the C protocol's result.
///
/// # Safety
/// Call only from an `extern "C"` function that CPython invokes through a `METH_O`
/// `PyMethodDef`, passing its argument unchanged: a valid borrowed reference for the call, the
/// thread attached.
#[inline(always)]
pub unsafe fn call_one(arg: *mut ffi::PyObject, body: OneBody) -> *mut ffi::PyObject {
    // SAFETY: as in `call`.
    let py = unsafe { Python::assume_attached() };
    // SAFETY: a valid, non-NULL borrowed reference for the call, which `arg` does not outlive.
    let arg = unsafe { Borrowed::from_ptr(py, arg) };
    finish(py, catch_unwind(AssertUnwindSafe(|| body(arg))))
}

#[inline(always)]
fn finish(
    py: Python<'_>,
    outcome: std::thread::Result<PyResult<Bound<'_, PyAny>>>,
) -> *mut ffi::PyObject {
    match outcome {
        Ok(Ok(result)) => result.into_ptr(),
        // `restore` moves the exception into CPython's error indicator: nothing is dropped.
        Ok(Err(err)) => {
            err.restore(py);
            ptr::null_mut()
        }
        Err(payload) => {
            panic_to_pyerr(payload).restore(py);
            ptr::null_mut()
        }
    }
    // A panic while dropping the payload or restoring the error cannot unwind into CPython:
    // unwinding out of an `extern "C"` fn aborts the process (Rust >= 1.81), the guarantee of
    // pyo3's `PanicTrap`.
}

/// Same message extraction as pyo3's (crate-private) `PanicException::from_panic_payload`.
#[cold]
fn panic_to_pyerr(payload: Box<dyn Any + Send + 'static>) -> PyErr {
    if let Some(msg) = payload.downcast_ref::<String>() {
        PanicException::new_err((msg.clone(),))
    } else if let Some(msg) = payload.downcast_ref::<&str>() {
        PanicException::new_err((msg.to_string(),))
    } else {
        PanicException::new_err(("panic from Rust code",))
    }
}

/// The slow path of a fast function, run as pyo3 itself runs a `#[pyfunction]`: attached in
/// pyo3's own count, so every `Py<T>` and `PyErr` dropped inside is released at once (see the
/// module documentation). Costs ~13 ns (`PyGILState_Ensure`); only the rare cases pay it.
#[cold]
pub fn attached<'py>(
    py: Python<'py>,
    slow: impl FnOnce(Python<'_>) -> PyResult<Py<PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    Python::attach(slow).map(|result| result.into_bound(py))
}

/// A `static` `PyMethodDef` of a function registered by hand.
///
/// `UnsafeCell` because `PyCFunction_NewEx` takes `*mut PyMethodDef`; CPython never writes
/// through it for module-level functions (the same wrapper pyo3 uses, `PyFunctionDef`).
pub struct FastFunction(UnsafeCell<ffi::PyMethodDef>);

// SAFETY: the definition is immutable after construction; only CPython reads it.
unsafe impl Sync for FastFunction {}

impl FastFunction {
    /// A `METH_FASTCALL` function: positional arguments only, any number of them. `doc` starts
    /// with `"name(signature)\n--\n\n"` (the `__text_signature__`).
    pub const fn varargs(
        name: &'static CStr,
        meth: ffi::PyCFunctionFast,
        doc: &'static CStr,
    ) -> Self {
        Self(UnsafeCell::new(ffi::PyMethodDef {
            ml_name: name.as_ptr(),
            ml_meth: ffi::PyMethodDefPointer {
                PyCFunctionFast: meth,
            },
            ml_flags: ffi::METH_FASTCALL,
            ml_doc: doc.as_ptr(),
        }))
    }

    /// A `METH_O` function: exactly one positional argument (CPython checks the count and
    /// refuses keywords before the entry point runs).
    pub const fn one(name: &'static CStr, meth: ffi::PyCFunction, doc: &'static CStr) -> Self {
        Self(UnsafeCell::new(ffi::PyMethodDef {
            ml_name: name.as_ptr(),
            ml_meth: ffi::PyMethodDefPointer { PyCFunction: meth },
            ml_flags: ffi::METH_O,
            ml_doc: doc.as_ptr(),
        }))
    }

    /// Creates the function object bound to `module` and adds it (and to `__all__`, as
    /// `add_function` does for a `#[pyfunction]`). Its `__module__` is the package users
    /// import (`py_run_rs`, not the extension's own `py_run_rs.py_run_rs`), as for the classes: CPython's
    /// messages then say `py_run_rs.gcd() takes no keyword arguments`, as `math.gcd()`'s do.
    pub fn add_to(&'static self, module: &Bound<'_, PyModule>) -> PyResult<()> {
        let py = module.py();
        let full_name = module.name()?;
        let package = full_name.to_str()?.split('.').next().unwrap_or_default();
        let package = PyString::new(py, package);
        // SAFETY: `self` is `'static`, so the definition outlives the function object; `module`
        // and `package` are live objects (PyCFunction_NewEx takes new references to both:
        // `__self__` and `__module__`); it returns a new reference or NULL with an exception set.
        let function = unsafe {
            Bound::from_owned_ptr_or_err(
                py,
                ffi::PyCFunction_NewEx(self.0.get(), module.as_ptr(), package.as_ptr()),
            )?
        };
        module.add_function(function.cast_into::<PyCFunction>()?)
    }
}

/// `c"..."` from a `concat!` of string literals (which cannot build a `c""` literal): the
/// argument must end with exactly one NUL; checked at compile time.
pub const fn cstr(with_nul: &'static str) -> &'static CStr {
    match CStr::from_bytes_with_nul(with_nul.as_bytes()) {
        Ok(s) => s,
        Err(_) => panic!("docstring must end with exactly one NUL"),
    }
}

/// The stub entry of a hand-registered function (pyo3-stub-gen only sees `#[pyfunction]`s):
/// `def name(params) -> int` with the docstring `doc` (the same macro as the runtime's
/// `ml_doc`, so the two cannot drift), every parameter typed `typing.SupportsIndex` (what
/// `operator.index` accepts). Parameter kinds are pyo3-stub-gen's `ParameterKind` variants:
///
/// ```text
/// stub_function!("gcd", [integers: VarPositional], gcd_doc!());
/// ```
///
/// The struct is pyo3-stub-gen's own (=0.23.2, pinned); a version that changes its fields
/// fails to compile here rather than writing a wrong stub.
macro_rules! stub_function {
    ($name:literal, [$($param:ident: $kind:ident),*], $doc:expr) => {
        pyo3_stub_gen::inventory::submit! {
            pyo3_stub_gen::type_info::PyFunctionInfo {
                name: $name,
                parameters: &[$(pyo3_stub_gen::type_info::ParameterInfo {
                    name: stringify!($param),
                    kind: pyo3_stub_gen::type_info::ParameterKind::$kind,
                    type_info: || {
                        pyo3_stub_gen::TypeInfo::with_module("typing.SupportsIndex", "typing".into())
                    },
                    default: pyo3_stub_gen::type_info::ParameterDefault::None,
                }),*],
                r#return: || pyo3_stub_gen::TypeInfo::unqualified("int"),
                doc: $doc,
                module: None, // the default module: the package's
                is_async: false,
                deprecated: None,
                type_ignored: None,
                is_overload: false,
                file: file!(),
                line: line!(),
                column: column!(),
                index: 0,
            }
        }
    };
}
pub(crate) use stub_function;
