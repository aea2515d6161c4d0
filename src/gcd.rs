//! Greatest common divisor of two non-negative integers of any size.
//!
//! Plain Rust, no pyo3. Signs are the binding's business: `gcd(a, b) == gcd(|a|, |b|)`.

use crate::natural::Natural;
use dashu_int::ops::Gcd;

/// Binary (Stein's) gcd on machine words: no division, `gcd(0, b) == b`.
///
/// Branch-free inner step: with both odd, `gcd(u, v) == gcd(min(u, v), |u - v|)` and
/// `|u - v|` is even, so its factors of two can go. Mispredicted swaps, not arithmetic, are
/// what a textbook loop spends its time on.
pub fn gcd_u64(a: u64, b: u64) -> u64 {
    if a == 0 || b == 0 {
        return a | b;
    }
    let shift = (a | b).trailing_zeros();
    let mut u = a >> a.trailing_zeros();
    let mut v = b >> b.trailing_zeros();
    while u != v {
        let diff = u.abs_diff(v);
        u = u.min(v);
        v = diff >> diff.trailing_zeros();
    }
    u << shift
}

/// gcd on 128-bit words; drops to [`gcd_u64`] as soon as both operands fit in 64 bits.
pub fn gcd_u128(a: u128, b: u128) -> u128 {
    let (big, small) = if a >= b { (a, b) } else { (b, a) };
    // One Euclid step turns a wide/narrow pair into two narrow ones at once.
    if let Ok(narrow) = u64::try_from(small) {
        if narrow == 0 {
            return big;
        }
        return u128::from(gcd_u64((big % small) as u64, narrow));
    }
    let shift = (a | b).trailing_zeros();
    let mut u = a >> a.trailing_zeros();
    let mut v = b >> b.trailing_zeros();
    while u != v {
        if let (Ok(x), Ok(y)) = (u64::try_from(u), u64::try_from(v)) {
            return u128::from(gcd_u64(x, y)) << shift;
        }
        let diff = u.abs_diff(v);
        u = u.min(v);
        v = diff >> diff.trailing_zeros();
    }
    u << shift
}

/// The greatest common divisor; `gcd(0, 0) == 0`.
pub fn gcd(a: Natural, b: Natural) -> Natural {
    match (a, b) {
        (Natural::Small(x), Natural::Small(y)) => Natural::Small(gcd_u128(x, y)),
        (Natural::Big(big), Natural::Small(small)) | (Natural::Small(small), Natural::Big(big)) => {
            if small == 0 {
                return Natural::Big(big);
            }
            // big mod small fits in 128 bits: one big division, then machine words.
            Natural::Small(gcd_u128(big % small, small))
        }
        // Both non-zero (a `Big` never is), as dashu's gcd requires. Lehmer's algorithm.
        (Natural::Big(x), Natural::Big(y)) => Natural::from_big((&x).gcd(&y)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dashu_int::UBig;

    /// The simplest possible model: Euclid by remainders.
    fn euclid(mut a: UBig, mut b: UBig) -> UBig {
        while b != UBig::ZERO {
            let r = &a % &b;
            a = std::mem::replace(&mut b, r);
        }
        a
    }

    fn big(n: u128) -> UBig {
        UBig::from(n)
    }

    #[test]
    fn zeros_follow_math_gcd() {
        assert_eq!(gcd_u64(0, 0), 0);
        assert_eq!(gcd_u64(0, 5), 5);
        assert_eq!(gcd_u64(5, 0), 5);
        assert_eq!(gcd_u128(0, 0), 0);
        assert_eq!(gcd_u128(0, u128::MAX), u128::MAX);
        assert_eq!(gcd(Natural::Small(0), Natural::Small(0)), Natural::Small(0));
        let huge = UBig::from(3u8).pow(300);
        assert_eq!(
            gcd(Natural::Small(0), Natural::Big(huge.clone())),
            Natural::Big(huge)
        );
    }

    #[test]
    fn small_values_match_euclid() {
        for a in 0..200u64 {
            for b in 0..200u64 {
                assert_eq!(
                    big(u128::from(gcd_u64(a, b))),
                    euclid(big(a.into()), big(b.into()))
                );
            }
        }
    }

    #[test]
    fn word_boundaries_match_euclid() {
        let edges = [
            1u128,
            2,
            3,
            (1 << 63) - 1,
            1 << 63,
            (1 << 64) - 1,
            1 << 64,
            (1 << 64) + 1,
            (1 << 127) - 1,
            1 << 127,
            u128::MAX,
            123_456_789,
            987_654_321,
            // fib(111) and fib(123), the combo workload's operands.
            70_492_524_767_089_125_814_114,
            22_698_374_052_006_863_956_975_682,
        ];
        for &a in &edges {
            for &b in &edges {
                assert_eq!(big(gcd_u128(a, b)), euclid(big(a), big(b)), "{a} {b}");
            }
        }
    }

    #[test]
    fn mixed_and_big_operands_match_euclid() {
        let x = UBig::from(2u8).pow(200) * UBig::from(15u8);
        let y = UBig::from(2u8).pow(150) * UBig::from(35u8);
        let want = euclid(x.clone(), y.clone());
        assert_eq!(
            gcd(Natural::Big(x.clone()), Natural::Big(y)),
            Natural::from_big(want)
        );
        assert_eq!(
            gcd(Natural::Big(x.clone()), Natural::Small(90)),
            Natural::Small(30)
        );
        assert_eq!(
            gcd(Natural::Small(1 << 100), Natural::Big(x)),
            Natural::Small(1 << 100)
        );
    }

    mod properties {
        use super::*;
        use crate::strategies::natural;
        use proptest::prelude::*;

        fn euclid_u128(mut a: u128, mut b: u128) -> u128 {
            while b != 0 {
                (a, b) = (b, a % b);
            }
            a
        }

        proptest! {
            #[test]
            fn gcd_u64_matches_euclid(a: u64, b: u64) {
                prop_assert_eq!(u128::from(gcd_u64(a, b)), euclid_u128(a.into(), b.into()));
            }

            #[test]
            fn gcd_u128_matches_euclid(a: u128, b: u128) {
                prop_assert_eq!(gcd_u128(a, b), euclid_u128(a, b));
            }

            #[test]
            fn gcd_matches_euclid_at_any_size(a in natural(), b in natural(), k in natural()) {
                // Multiply by a common factor so the answer is rarely 1.
                let (a, b) = (a * &k, b * &k);
                let want = euclid(a.clone(), b.clone());
                let got = gcd(Natural::from_big(a), Natural::from_big(b));
                prop_assert_eq!(got, Natural::from_big(want));
            }
        }
    }
}
