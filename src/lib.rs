//! py_run_rs: exact Fibonacci and GCD for Python.
//!
//! The algorithms live in [`fib`], [`fib_range`], [`gcd`] and [`lcm`], plain Rust with no pyo3
//! import, tested with `cargo test`. [`python`] is the thin binding layer: argument conversion only.

pub mod fib;
pub mod fib_range;
pub mod gcd;
pub mod lcm;
pub mod natural;
#[cfg(feature = "python")]
mod python;
pub mod source_hash;
#[cfg(test)]
mod strategies;

#[cfg(feature = "python")]
pyo3_stub_gen::define_stub_info_gatherer!(stub_info);
