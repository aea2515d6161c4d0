//! `py_run_rs::lcm` (dashu-int inside) against the definition, `a * b / gcd(a, b)` (0 when either is
//! 0), computed with num-bigint's `BigUint`, an independent big-integer implementation, for
//! operands of up to a few hundred bytes, biased towards zero, one, word boundaries (where the
//! implementation switches from `u128` words to big integers, and where a `u128` result
//! overflows) and shared factors.
//!
//! Input layout: `[ctl, split_a, split_b, bytes...]`: the bytes are cut into three parts `x`,
//! `y`, `c` at `split_a` and `split_b` (as fractions of their length); the operands are
//! `a = shape(x) * c` and `b = shape(y) * c` when `ctl & 0x10`, else `shape(x)`, `shape(y)`.
//! `ctl` picks each operand's shape (raw little-endian bytes, `2^k + offset` near a word
//! boundary, or `2^k - 1`).

#![no_main]

use libfuzzer_sys::fuzz_target;
use num_bigint::BigUint;
use py_run_rs::lcm::{lcm, lcm_u128};
use py_run_rs::natural::Natural;
use py_run_rs_fuzz::{euclid, from_ubig, operand_parts, to_ubig, Parts};

/// Longest operand part, in bytes (before multiplying by the common factor).
const MAX_PART: usize = 200;

/// Exponents around which the implementation changes representation.
const EDGE_BITS: [u32; 10] = [0, 1, 32, 63, 64, 65, 127, 128, 129, 192];

/// The definition, on num-bigint.
fn model(a: &BigUint, b: &BigUint) -> BigUint {
    if *a == BigUint::ZERO || *b == BigUint::ZERO {
        return BigUint::ZERO;
    }
    a * b / euclid(a.clone(), b.clone())
}

/// One operand from its part of the input, in the shape `mode` (0..=3) asks for.
fn operand(mode: u8, part: &[u8]) -> BigUint {
    let part = &part[..part.len().min(MAX_PART)];
    let first = part.first().copied().unwrap_or(0);
    let second = part.get(1).copied().unwrap_or(0);
    let edge = EDGE_BITS[usize::from(first) % EDGE_BITS.len()];
    match mode & 3 {
        // 2^k + offset, offset in 0..=255: word-boundary values.
        1 => (BigUint::from(1u8) << edge) + second,
        // All ones of a boundary width (u64::MAX, u128::MAX, ...).
        2 => (BigUint::from(1u8) << edge) - 1u8,
        // Small values, 0 and 1 included.
        3 => BigUint::from(second % 8),
        _ => BigUint::from_bytes_le(part),
    }
}

fn check(a: &BigUint, b: &BigUint) {
    let want = model(a, b);
    let (na, nb) = (Natural::from_big(to_ubig(a)), Natural::from_big(to_ubig(b)));
    let got = lcm(na.clone(), nb.clone());
    // The result comes back in its narrowest representation, as the binding expects.
    assert_eq!(
        got,
        Natural::from_big(got.clone().into_big()),
        "not narrowed"
    );
    assert_eq!(from_ubig(got.clone().into_big()), want, "lcm({a}, {b})");
    assert_eq!(lcm(nb, na), got, "lcm is not symmetric for ({a}, {b})");
    if let (Ok(x), Ok(y)) = (u128::try_from(a), u128::try_from(b)) {
        match lcm_u128(x, y) {
            Some(small) => assert_eq!(BigUint::from(small), want, "lcm_u128({x}, {y})"),
            None => assert!(want.bits() > 128, "lcm_u128({x}, {y}) gave up on {want}"),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some(Parts { ctl, x, y, c }) = operand_parts(data) else {
        return;
    };
    let (mut a, mut b) = (operand(ctl, x), operand(ctl >> 2, y));
    if ctl & 0x10 != 0 {
        let common = operand(ctl >> 5, c);
        a *= &common;
        b *= &common;
    }
    check(&a, &b);
});
