//! `py_run_rs::gcd` (dashu-int inside) against Euclid by remainders on num-bigint's `BigUint`, an
//! independent big-integer implementation, for operands of up to a few hundred bytes, biased towards zero, powers of two and the 64/128-bit word boundaries where the
//! implementation switches representation.
//!
//! Input layout: `[ctl, split_a, split_b, bytes...]`. The bytes are cut into three parts `x`,
//! `y`, `c` at `split_a` and `split_b` (as fractions of their length); the operands are
//! `a = shape(x) * c` and `b = shape(y) * c`, so that they share a non-trivial common factor.
//! `ctl` picks each operand's shape (raw little-endian bytes, `2^k + offset` near a word
//! boundary, or raw bytes shifted left by a word-boundary amount) and whether `c` is used.

#![no_main]

use libfuzzer_sys::fuzz_target;
use num_bigint::BigUint;
use py_run_rs::gcd::{gcd, gcd_u128, gcd_u64};
use py_run_rs::natural::Natural;
use py_run_rs_fuzz::{euclid, from_ubig, operand_parts, to_ubig, Parts};

/// Longest operand part, in bytes (before multiplying by the common factor).
const MAX_PART: usize = 320;

/// Exponents around which the implementation changes representation.
const EDGE_BITS: [u32; 12] = [0, 1, 31, 32, 63, 64, 65, 127, 128, 129, 192, 256];

/// One operand from its part of the input, in the shape `mode` (0..=3) asks for.
fn operand(mode: u8, part: &[u8]) -> BigUint {
    let part = &part[..part.len().min(MAX_PART)];
    let first = part.first().copied().unwrap_or(0);
    let second = part.get(1).copied().unwrap_or(0);
    let edge = EDGE_BITS[usize::from(first) % EDGE_BITS.len()];
    match mode & 3 {
        // 2^k + offset, offset in -128..=127 (clamped at zero): word-boundary values.
        1 => {
            let power = BigUint::from(1u8) << edge;
            let offset = i16::from(second as i8);
            if offset >= 0 {
                power + offset.unsigned_abs()
            } else if power >= BigUint::from(offset.unsigned_abs()) {
                power - offset.unsigned_abs()
            } else {
                BigUint::ZERO
            }
        }
        // Raw bytes times a power of two: many trailing zeros, lengths past a word boundary.
        2 => BigUint::from_bytes_le(part.get(1..).unwrap_or(&[])) << edge,
        // All ones of a boundary width (u64::MAX, u128::MAX, ...), or zero.
        3 if first & 0x80 != 0 => BigUint::ZERO,
        3 => (BigUint::from(1u8) << edge) - 1u8,
        _ => BigUint::from_bytes_le(part),
    }
}

fn check(a: &BigUint, b: &BigUint) {
    let want = euclid(a.clone(), b.clone());
    let (na, nb) = (Natural::from_big(to_ubig(a)), Natural::from_big(to_ubig(b)));
    assert_eq!(na.bits(), a.bits());
    let got = gcd(na.clone(), nb.clone());
    // The result comes back in its narrowest representation, as the binding expects.
    assert_eq!(
        got,
        Natural::from_big(got.clone().into_big()),
        "not narrowed"
    );
    assert_eq!(from_ubig(got.clone().into_big()), want, "gcd({a}, {b})");
    assert_eq!(gcd(nb, na), got, "gcd is not symmetric for ({a}, {b})");
    if let (Ok(x), Ok(y)) = (u128::try_from(a), u128::try_from(b)) {
        assert_eq!(BigUint::from(gcd_u128(x, y)), want, "gcd_u128({x}, {y})");
        if let (Ok(x), Ok(y)) = (u64::try_from(x), u64::try_from(y)) {
            assert_eq!(BigUint::from(gcd_u64(x, y)), want, "gcd_u64({x}, {y})");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some(Parts { ctl, x, y, c }) = operand_parts(data) else {
        return;
    };
    let a = operand(ctl, x);
    let b = operand(ctl >> 2, y);
    check(&a, &b);
    if ctl & 0x10 != 0 {
        let common = operand(ctl >> 5, c);
        if common != BigUint::ZERO {
            check(&(&a * &common), &(&b * &common));
        }
    }
});
