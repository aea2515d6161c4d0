//! `Fibonacci(start=0, stop=None, *, step=1)`: an iterator over `fib(n)` for `n` in
//! `range(start, stop, step)`, around the pure-Rust [`FibRange`].

use super::convert::{natural_to_py, to_integer, Arg};
use super::fib::{self, FibOverflowError, DETACH_FIB_N, INTERRUPTIBLE_FIB_N};
use super::interrupt;
use crate::fib::{FibError, MAX_N};
use crate::fib_range::FibRange;
use crate::natural::Natural;
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3_stub_gen::derive::{gen_stub_pyclass, gen_stub_pymethods};

/// Iterator over fib(n) for n in range(start, stop, step), exactly.
///
/// Fibonacci(3, 10, step=2) yields fib(3), fib(5), fib(7), fib(9); with stop=None it goes on
/// until an index passes 1_000_000_000, where it raises FibOverflowError. Each value after the
/// first is stepped from the previous one (linear in its size), not recomputed.
///
/// Arguments follow range and fib: start >= 0 and step >= 1 (ValueError otherwise; a negative
/// step would walk to negative indices, where fib is not defined), stop may be anything up to
/// 1_000_000_001 (a stop at or before start gives no values), any index above 1_000_000_000 is
/// refused with FibOverflowError, and non-integers with TypeError (objects with __index__ are
/// accepted).
///
/// Like a generator, it is its own iterator: iterating consumes it (make a new one to start
/// over), len() counts the values left (TypeError when stop is None), and next_index is the
/// index of the next value. It is not meant to be shared by threads while it computes: a
/// concurrent next() raises RuntimeError.
#[gen_stub_pyclass]
#[pyclass(module = "py_run_rs")]
pub struct Fibonacci {
    range: FibRange,
}

/// The error for an index argument above its bound.
fn over(what: Arg<'_>, bound: u64, why: &str) -> PyErr {
    FibOverflowError::new_err(format!("{what} must be <= {bound}: {why}"))
}

/// An index argument as a `u64` in `min..=max`; `why` says what is wrong above `max`.
fn index_arg(obj: &Bound<'_, PyAny>, name: &str, min: u64, max: u64, why: &str) -> PyResult<u64> {
    let what = Arg::Named("Fibonacci", name);
    let value = to_integer(obj, what)?;
    let too_small = || PyValueError::new_err(format!("{what} must be >= {min}"));
    match value.magnitude {
        _ if value.negative => Err(too_small()),
        Natural::Small(small) if small < u128::from(min) => Err(too_small()),
        Natural::Small(small) if small <= u128::from(max) => Ok(small as u64),
        _ => Err(over(what, max, why)),
    }
}

fn start_arg(obj: &Bound<'_, PyAny>) -> PyResult<u64> {
    index_arg(obj, "start", 0, MAX_N, "fib(start) would be too large")
}

fn stop_arg(obj: &Bound<'_, PyAny>) -> PyResult<Option<u64>> {
    if obj.is_none() {
        return Ok(None);
    }
    let what = Arg::Named("Fibonacci", "stop");
    let value = to_integer(obj, what)?;
    let bound = MAX_N + 1;
    match value.magnitude {
        // Like range's: a stop at or below start (below 0 included) leaves nothing to yield.
        _ if value.negative => Ok(Some(0)),
        Natural::Small(small) if small <= u128::from(bound) => Ok(Some(small as u64)),
        _ => Err(over(
            what,
            bound,
            "fib(n) of any n above 1000000000 would be too large",
        )),
    }
}

fn step_arg(obj: &Bound<'_, PyAny>) -> PyResult<u64> {
    index_arg(
        obj,
        "step",
        1,
        MAX_N,
        "fib(start + step) would be too large",
    )
}

#[gen_stub_pymethods]
#[pymethods]
impl Fibonacci {
    /// Iterate over fib(n) for n in range(start, stop, step).
    #[new]
    #[pyo3(signature = (start=0, stop=None, *, step=1))]
    fn new(
        #[pyo3(from_py_with = start_arg)]
        #[gen_stub(override_type(type_repr = "typing.SupportsIndex", imports = ("typing")))]
        start: u64,
        #[pyo3(from_py_with = stop_arg)]
        #[gen_stub(override_type(type_repr = "typing.SupportsIndex | None", imports = ("typing")))]
        stop: Option<u64>,
        #[pyo3(from_py_with = step_arg)]
        #[gen_stub(override_type(type_repr = "typing.SupportsIndex", imports = ("typing")))]
        step: u64,
    ) -> Self {
        Fibonacci {
            range: FibRange::new(start, stop, step),
        }
    }

    /// Return the iterator itself.
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    /// Return the next Fibonacci number of the range.
    ///
    /// Raises StopIteration at stop, and FibOverflowError when the index passes 1_000_000_000.
    // pyo3 turns `None` into StopIteration: the values themselves are never None (the stub
    // generated without the override says `int | None`).
    #[gen_stub(override_return_type(type_repr = "int"))]
    fn __next__(&mut self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        let n = self.range.next_index();
        let outcome = if self.range.next_needs_doubling() && n >= INTERRUPTIBLE_FIB_N {
            // Long: on this thread's worker, interruptible by Ctrl-C, as fib(n) is. The range
            // goes with it and comes back; an interrupted call leaves it where it was.
            let stay = self.range.without_values();
            let mut range = std::mem::replace(&mut self.range, stay);
            let (range, outcome) = interrupt::run_interruptible(py, move |stop| {
                let outcome = range.next_until(stop);
                (range, outcome)
            })?;
            self.range = range;
            outcome
        } else if n > DETACH_FIB_N && !self.range.is_exhausted() {
            let range = &mut self.range;
            py.detach(|| range.next_until(&|| false))
        } else {
            self.range.next_until(&|| false)
        };
        match outcome {
            Ok(None) => Ok(None),
            Ok(Some(value)) => match fib::cached(py, n) {
                Some(int) => Ok(Some(int.unbind())),
                None => natural_to_py(py, value).map(Some),
            },
            Err(FibError::TooLarge) => Err(FibOverflowError::new_err(format!(
                "Fibonacci index {n} is above {MAX_N}: the value would be too large"
            ))),
            // Only an abandoned call stops early, and its result is never read.
            Err(FibError::Stopped) => Err(PyRuntimeError::new_err("Fibonacci was stopped")),
        }
    }

    /// Return the number of values left; TypeError when stop is None.
    fn __len__(&self) -> PyResult<usize> {
        let remaining = self
            .range
            .remaining()
            .ok_or_else(|| PyTypeError::new_err("Fibonacci with stop=None has no len()"))?;
        // At most 1_000_000_001 (stop <= 1_000_000_001): fits a usize of 32 bits or more.
        Ok(remaining as usize)
    }

    /// Return repr(self): the call that makes an iterator over the values left.
    fn __repr__(&self) -> String {
        let stop = self
            .range
            .stop()
            .map_or_else(|| "None".to_string(), |stop| stop.to_string());
        format!(
            "Fibonacci(start={}, stop={stop}, step={})",
            self.range.next_index(),
            self.range.step()
        )
    }

    /// The index n of the next value, fib(n).
    #[getter]
    fn next_index(&self) -> u64 {
        self.range.next_index()
    }
}
