//! Least common multiple of two non-negative integers of any size.
//!
//! Plain Rust, no pyo3. Signs are the binding's business: `lcm(a, b) == lcm(|a|, |b|)`, and,
//! as with `math.lcm`, the result is 0 as soon as either operand is 0.

use crate::gcd::{gcd_u128, gcd_u64};
use crate::natural::Natural;
use dashu_int::ops::Gcd;
use dashu_int::UBig;

/// lcm on machine words; `None` when the result does not fit in 128 bits.
pub fn lcm_u128(a: u128, b: u128) -> Option<u128> {
    if a == 0 || b == 0 {
        return Some(0);
    }
    // Divide before multiplying: the quotient is exact, and the product is the result itself,
    // so it overflows only when the result does.
    let g = match (u64::try_from(a), u64::try_from(b)) {
        (Ok(x), Ok(y)) => u128::from(gcd_u64(x, y)),
        _ => gcd_u128(a, b),
    };
    (a / g).checked_mul(b)
}

/// The least common multiple; `lcm(0, b) == 0`.
pub fn lcm(a: Natural, b: Natural) -> Natural {
    match (a, b) {
        (Natural::Small(x), Natural::Small(y)) => match lcm_u128(x, y) {
            Some(small) => Natural::Small(small),
            // Both non-zero here (a zero gives Some(0)): an exact quotient times the other.
            None => Natural::Big(UBig::from(x / gcd_u128(x, y)) * UBig::from(y)),
        },
        (Natural::Big(big), Natural::Small(small)) | (Natural::Small(small), Natural::Big(big)) => {
            if small == 0 {
                return Natural::Small(0);
            }
            // The gcd divides `small`: one big remainder, then machine words; the division is
            // of the small operand, the multiplication big by small.
            let g = gcd_u128(&big % small, small);
            Natural::Big(big * UBig::from(small / g))
        }
        // Both non-zero (a `Big` never is), as dashu's gcd requires.
        (Natural::Big(x), Natural::Big(y)) => {
            let g = (&x).gcd(&y);
            let (smaller, larger) = if x <= y { (x, y) } else { (y, x) };
            Natural::Big(smaller / g * larger)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gcd::gcd;

    /// The definition: the product divided by the gcd (0 if either is 0).
    fn model(a: &UBig, b: &UBig) -> UBig {
        if *a == UBig::ZERO || *b == UBig::ZERO {
            return UBig::ZERO;
        }
        let g = gcd(Natural::from_big(a.clone()), Natural::from_big(b.clone())).into_big();
        a * b / g
    }

    fn lcm_big(a: &UBig, b: &UBig) -> Natural {
        lcm(Natural::from_big(a.clone()), Natural::from_big(b.clone()))
    }

    #[test]
    fn zeros_and_ones_follow_math_lcm() {
        assert_eq!(lcm_u128(0, 0), Some(0));
        assert_eq!(lcm_u128(0, 7), Some(0));
        assert_eq!(lcm_u128(7, 0), Some(0));
        assert_eq!(lcm_u128(1, 7), Some(7));
        assert_eq!(lcm_u128(u128::MAX, 1), Some(u128::MAX));
        let huge = UBig::from(3u8).pow(300);
        assert_eq!(lcm_big(&huge, &UBig::ZERO), Natural::Small(0));
        assert_eq!(lcm_big(&UBig::ZERO, &huge), Natural::Small(0));
        assert_eq!(lcm_big(&huge, &UBig::ONE), Natural::Big(huge.clone()));
        assert_eq!(lcm_big(&huge, &huge), Natural::Big(huge));
    }

    #[test]
    fn small_values_match_the_model() {
        for a in 0..120u64 {
            for b in 0..120u64 {
                let want = model(&UBig::from(a), &UBig::from(b));
                assert_eq!(
                    lcm(Natural::Small(a.into()), Natural::Small(b.into())).into_big(),
                    want
                );
            }
        }
    }

    #[test]
    fn overflow_of_128_bits_goes_big() {
        // Coprime operands near 2^64 and 2^127: the product needs more than 128 bits.
        let a = (1u128 << 64) + 1;
        let b = (1u128 << 127) - 1;
        assert_eq!(lcm_u128(a, b), None);
        let got = lcm(Natural::Small(a), Natural::Small(b));
        assert_eq!(got, Natural::Big(UBig::from(a) * UBig::from(b)));
        // ... but not when they share enough: 2^127 and 2^126 * 3.
        assert_eq!(lcm_u128(1 << 127, 3 << 126), None);
        assert_eq!(lcm_u128(1 << 126, 3 << 125), Some(3 << 126));
    }

    mod properties {
        use super::*;
        use crate::strategies::natural;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn lcm_u128_matches_the_model(a: u128, b: u128) {
                let want = model(&UBig::from(a), &UBig::from(b));
                match lcm_u128(a, b) {
                    Some(got) => prop_assert_eq!(UBig::from(got), want),
                    None => prop_assert!(u128::try_from(&want).is_err()),
                }
            }

            #[test]
            fn lcm_matches_the_model_at_any_size(a in natural(), b in natural(), k in natural()) {
                // A common factor, so the gcd is rarely 1.
                let (a, b) = (a * &k, b * &k);
                let got = lcm_big(&a, &b);
                prop_assert_eq!(&got, &Natural::from_big(model(&a, &b)));
                // Narrowest representation, as the binding expects.
                prop_assert_eq!(got.clone(), Natural::from_big(got.into_big()));
            }

            #[test]
            fn lcm_times_gcd_is_the_product(a in natural(), b in natural()) {
                let l = lcm_big(&a, &b).into_big();
                let g = gcd(Natural::from_big(a.clone()), Natural::from_big(b.clone())).into_big();
                prop_assert_eq!(l * g, &a * &b);
            }
        }
    }
}
