//! What the fuzz targets share: conversions between py_run_rs's big integers (dashu-int) and the
//! model's (num-bigint), Euclid as the model's gcd, and the cutting of an input into operands.

use dashu_int::UBig;
use num_bigint::BigUint;

pub fn to_ubig(x: &BigUint) -> UBig {
    UBig::from_le_bytes(&x.to_bytes_le())
}

pub fn from_ubig(x: UBig) -> BigUint {
    BigUint::from_bytes_le(&x.to_le_bytes())
}

/// The simplest possible model of gcd: Euclid by remainders.
pub fn euclid(mut a: BigUint, mut b: BigUint) -> BigUint {
    while b != BigUint::ZERO {
        let r = &a % &b;
        a = std::mem::replace(&mut b, r);
    }
    a
}

/// The two-operand input layout `[ctl, split_a, split_b, bytes...]`: `ctl`, and the bytes cut
/// into three parts `x`, `y`, `c` at `split_a` and `split_b` (as fractions of their length).
pub struct Parts<'a> {
    pub ctl: u8,
    pub x: &'a [u8],
    pub y: &'a [u8],
    pub c: &'a [u8],
}

/// The parts of `data`; None when it is too short to have a header.
pub fn operand_parts(data: &[u8]) -> Option<Parts<'_>> {
    let [ctl, split_a, split_b, rest @ ..] = data else {
        return None;
    };
    let (x, rest) = split(rest, *split_a);
    let (y, c) = split(rest, *split_b);
    Some(Parts { ctl: *ctl, x, y, c })
}

/// Splits `data` at `at / 256` of its length.
fn split(data: &[u8], at: u8) -> (&[u8], &[u8]) {
    data.split_at(data.len() * usize::from(at) / 256)
}
