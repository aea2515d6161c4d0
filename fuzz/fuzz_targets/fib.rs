//! `py_run_rs::fib` (dashu-int inside) against the addition model on num-bigint's `BigUint` for `n`
//! up to a few thousand, and against the Fibonacci identities (fast doubling, Cassini, addition
//! formula), computed with num-bigint, for `n` up to 2^15.
//!
//! Input layout: `[n_lo, n_hi, m_lo, m_hi, stop_after, wide (8 bytes)]`, zero-padded:
//! - `n = u16(n_lo, n_hi) % (MODEL_N + 1)` is checked against the model;
//! - `m` (14 bits) and `n` are checked against the identities (which also reach `2m + 1`);
//! - `fib_until(n + m, stop)` with `stop` turning true at its `stop_after`-th call must give
//!   up with `Stopped` or return the right value, never a wrong one;
//! - `wide`, any `u64`, checks the table (`fib_u128`) and the refusal above `MAX_N`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use num_bigint::BigUint;
use py_run_rs::fib::{fib, fib_u128, fib_until, FibError, MAX_N, MAX_U128_N};
use py_run_rs::natural::Natural;
use py_run_rs_fuzz::from_ubig;
use std::cell::Cell;
use std::sync::OnceLock;

/// Largest `n` checked against the addition model.
const MODEL_N: u16 = 5_000;

/// `F(0..=MODEL_N)` by the simplest possible model: add, one step at a time (built once).
fn model() -> &'static [BigUint] {
    static MODEL: OnceLock<Vec<BigUint>> = OnceLock::new();
    MODEL.get_or_init(|| {
        let mut table = vec![BigUint::ZERO, BigUint::from(1u8)];
        for i in 2..=usize::from(MODEL_N) {
            let next = &table[i - 1] + &table[i - 2];
            table.push(next);
        }
        table
    })
}

/// A `fib` result as a num-bigint, after checking its representation.
fn checked(n: u64, value: Natural) -> BigUint {
    // The result comes back in its narrowest representation, as the binding expects.
    assert_eq!(
        matches!(value, Natural::Small(_)),
        n <= MAX_U128_N,
        "fib({n}) has the wrong representation"
    );
    from_ubig(value.into_big())
}

fn big_fib(n: u64) -> BigUint {
    let value = fib(n).unwrap_or_else(|e| panic!("fib({n}) refused: {e:?}"));
    checked(n, value)
}

/// F(2k), F(2k+1), Cassini at k, and F(m+k) = F(m)F(k+1) + F(m-1)F(k).
fn check_identities(k: u64, m: u64) {
    let (fk, fk1) = (big_fib(k), big_fib(k + 1));
    assert_eq!(
        big_fib(2 * k),
        &fk * ((&fk1 << 1u32) - &fk),
        "F(2k), k = {k}"
    );
    assert_eq!(
        big_fib(2 * k + 1),
        &fk * &fk + &fk1 * &fk1,
        "F(2k+1), k = {k}"
    );
    if k >= 1 {
        // F(k-1) F(k+1) - F(k)^2 = (-1)^k, in naturals.
        let (lhs, rhs) = (big_fib(k - 1) * &fk1, &fk * &fk);
        if k % 2 == 0 {
            assert_eq!(lhs, rhs + 1u8, "Cassini, k = {k}");
        } else {
            assert_eq!(lhs + 1u8, rhs, "Cassini, k = {k}");
        }
    }
    if m >= 1 {
        let want = big_fib(m) * &fk1 + big_fib(m - 1) * &fk;
        assert_eq!(big_fib(m + k), want, "F(m+k), m = {m}, k = {k}");
    }
}

/// `fib_until` with a stop check that turns true at its `stop_after`-th call (never if 0).
fn check_stop(n: u64, stop_after: u8) {
    let calls = Cell::new(0u32);
    let stop = || {
        calls.set(calls.get() + 1);
        stop_after != 0 && calls.get() >= u32::from(stop_after)
    };
    match fib_until(n, &stop) {
        Ok(value) => assert_eq!(
            checked(n, value),
            big_fib(n),
            "fib_until({n}) after a stop check"
        ),
        Err(FibError::Stopped) => {
            assert!(
                stop_after != 0,
                "fib_until({n}) stopped without being asked"
            );
            assert!(n > MAX_U128_N, "fib_until({n}) stopped on a table value");
        }
        Err(FibError::TooLarge) => panic!("fib_until({n}) refused"),
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = [0u8; 13];
    let len = data.len().min(input.len());
    input[..len].copy_from_slice(&data[..len]);
    let [n_lo, n_hi, m_lo, m_hi, stop_after, wide @ ..] = input;

    let n = u16::from_le_bytes([n_lo, n_hi]) % (MODEL_N + 1);
    assert_eq!(big_fib(u64::from(n)), model()[usize::from(n)], "fib({n})");

    let m = u64::from(u16::from_le_bytes([m_lo, m_hi]) & 0x3fff);
    check_identities(u64::from(n), m);
    check_identities(m, u64::from(n));
    check_stop(u64::from(n) + m, stop_after);

    let w = u64::from_le_bytes(wide);
    match fib_u128(w) {
        Some(small) => {
            assert!(w <= MAX_U128_N, "fib_u128({w}) should not fit");
            assert_eq!(fib(w), Ok(Natural::Small(small)));
            assert_eq!(BigUint::from(small), model()[w as usize], "fib_u128({w})");
        }
        None => assert!(w > MAX_U128_N, "fib_u128({w}) should fit"),
    }
    if w > MAX_N {
        assert_eq!(fib(w), Err(FibError::TooLarge), "fib({w}) must be refused");
        assert_eq!(fib_until(w, &|| true), Err(FibError::TooLarge));
    }
});
