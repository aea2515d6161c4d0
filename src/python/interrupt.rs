//! Long computations: off the GIL, and interruptible by Ctrl-C.
//!
//! Python runs signal handlers only in the main thread, between bytecodes; a computation
//! inside one C call never gives it the chance. So the work runs on a worker thread while
//! the calling thread, with the GIL released, waits for it and polls `check_signals` every
//! few milliseconds. On `KeyboardInterrupt` (or any error a handler raises) the call returns
//! at once; the worker is told to stop and gives up at its next checkpoint.
//!
//! Each calling thread keeps its own worker for later calls: two Python threads still compute
//! in parallel, and a worker's warm memory saves the ~0.7 ms of page faults that a fresh thread
//! (with a fresh malloc arena) costs at `fib(10**6)`.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, SendError, Sender};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

/// How often a waiting call looks for pending signals.
const SIGNAL_POLL: Duration = Duration::from_millis(10);

type Job = Box<dyn FnOnce() + Send>;

thread_local! {
    /// This thread's worker; dropping the sender (the thread ends) ends the worker.
    static WORKER: RefCell<Option<Sender<Job>>> = const { RefCell::new(None) };
}

/// Hands `job` to this thread's worker, starting one if there is none (or it died).
fn submit(job: Job) -> PyResult<()> {
    WORKER.with(|slot| {
        let mut slot = slot.borrow_mut();
        let job = match slot.as_ref() {
            Some(worker) => match worker.send(job) {
                Ok(()) => return Ok(()),
                Err(SendError(job)) => job, // the worker died: start another
            },
            None => job,
        };
        let (sender, jobs) = mpsc::channel::<Job>();
        thread::Builder::new()
            .name("py_run_rs-worker".into())
            .spawn(move || jobs.into_iter().for_each(|job| job()))
            .map_err(|err| {
                PyRuntimeError::new_err(format!("cannot start a worker thread: {err}"))
            })?;
        sender
            .send(job)
            .map_err(|_| PyRuntimeError::new_err("py_run_rs worker thread failed"))?;
        *slot = Some(sender);
        Ok(())
    })
}

/// Runs `work` on a worker thread, the GIL released, returning its result or the error a
/// signal handler raised. `work` receives a check that turns true once the call is abandoned.
pub fn run_interruptible<T, F>(py: Python<'_>, work: F) -> PyResult<T>
where
    T: Send + 'static,
    F: FnOnce(&dyn Fn() -> bool) -> T + Send + 'static,
{
    let abandoned = Arc::new(AtomicBool::new(false));
    let (sender, receiver) = mpsc::sync_channel(1);
    let worker_abandoned = Arc::clone(&abandoned);
    submit(Box::new(move || {
        let result = work(&|| worker_abandoned.load(Ordering::Relaxed));
        // The receiver is gone if the call was abandoned: nothing left to do.
        let _ = sender.send(result);
    }))?;
    py.detach(move || loop {
        match receiver.recv_timeout(SIGNAL_POLL) {
            Ok(result) => return Ok(result),
            Err(RecvTimeoutError::Timeout) => {
                if let Err(err) = Python::attach(|py| py.check_signals()) {
                    abandoned.store(true, Ordering::Relaxed);
                    return Err(err);
                }
            }
            Err(RecvTimeoutError::Disconnected) => {
                return Err(PyRuntimeError::new_err("py_run_rs worker thread failed"));
            }
        }
    })
}
