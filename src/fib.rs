//! Exact Fibonacci numbers: a `u128` table for small `n`, fast doubling on big integers beyond.
//!
//! Plain Rust, no pyo3: the binding layer in `python/` only converts arguments.

use crate::natural::Natural;
use dashu_int::UBig;

/// Largest `n` whose Fibonacci number fits in a `u128` (`fib(186)` < 2^128 <= `fib(187)`).
pub const MAX_U128_N: u64 = 186;

/// Largest `n` accepted by [`fib`]. `fib(n)` has about `0.694 * n` bits, so this caps a
/// result at roughly 87 MB: a request beyond it is refused up front instead of running for
/// hours or exhausting memory.
pub const MAX_N: u64 = 1_000_000_000;

/// `fib(0..=186)`, computed at compile time.
pub static FIB_U128: [u128; MAX_U128_N as usize + 1] = build_table();

const fn build_table() -> [u128; MAX_U128_N as usize + 1] {
    let mut table = [0u128; MAX_U128_N as usize + 1];
    table[1] = 1;
    let mut i = 2;
    while i <= MAX_U128_N as usize {
        table[i] = table[i - 1] + table[i - 2];
        i += 1;
    }
    table
}

/// Why [`fib`] refused an `n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FibError {
    /// `n > MAX_N`: the result would be too large to compute in reasonable memory and time.
    TooLarge,
    /// The caller's `stop` check asked to give up (e.g. on Ctrl-C).
    Stopped,
}

/// `fib(n)` from the table when it fits in a `u128`.
pub fn fib_u128(n: u64) -> Option<u128> {
    FIB_U128.get(usize::try_from(n).ok()?).copied()
}

/// The exact `n`-th Fibonacci number (`fib(0) = 0`, `fib(1) = 1`).
pub fn fib(n: u64) -> Result<Natural, FibError> {
    fib_until(n, &|| false)
}

/// [`fib`], giving up with [`FibError::Stopped`] if `stop()` returns true; it is called
/// between the O(log n) doubling steps.
pub fn fib_until(n: u64, stop: &dyn Fn() -> bool) -> Result<Natural, FibError> {
    if let Some(small) = fib_u128(n) {
        return Ok(Natural::Small(small));
    }
    if n > MAX_N {
        return Err(FibError::TooLarge);
    }
    fib_big(n, stop).map(Natural::Big)
}

/// `(F(n-1), F(n))`, the pair an iteration steps on from (`F(-1) == 1`, so the pair of 0 is
/// `(1, 0)`); like [`fib_until`], giving up if `stop()` returns true.
pub fn fib_pair_until(n: u64, stop: &dyn Fn() -> bool) -> Result<(Natural, Natural), FibError> {
    if let Some(cur) = fib_u128(n) {
        let prev = match n.checked_sub(1) {
            Some(before) => FIB_U128[before as usize],
            None => 1,
        };
        return Ok((Natural::Small(prev), Natural::Small(cur)));
    }
    if n > MAX_N {
        return Err(FibError::TooLarge);
    }
    let (prev, cur, _) = double_up(n, 0, stop)?;
    Ok((Natural::from_big(prev), Natural::Big(cur)))
}

/// Doubling on the pair `(F(k-1), F(k))`, seeded from the table: O(log n) big squarings.
///
/// Each step needs two squarings where textbook fast doubling needs two squarings and a
/// multiplication (squaring is the cheaper operation):
/// `F(2k+1) = 4F(k)^2 - F(k-1)^2 + 2(-1)^k`, `F(2k-1) = F(k)^2 + F(k-1)^2`,
/// `F(2k) = F(2k+1) - F(2k-1)`.
/// The last step, the most expensive, computes only `F(n)`, with one multiplication:
/// `F(2k) = F(k) (F(k) + 2F(k-1))`, `F(2k+1) = (2F(k) + F(k-1)) (2F(k) - F(k-1)) + 2(-1)^k`.
fn fib_big(n: u64, stop: &dyn Fn() -> bool) -> Result<UBig, FibError> {
    let (prev, cur, k) = double_up(n, 1, stop)?;
    let two = UBig::from(2u8);
    // Last step: bit 0 of n.
    Ok(if n & 1 == 0 {
        let lucas = &cur + (&prev << 1); // L(k) = F(k) + 2F(k-1)
        cur * lucas
    } else {
        let twice = &cur << 1;
        let product = (&twice + &prev) * (twice - prev);
        if k % 2 == 0 {
            product + two
        } else {
            product - two
        }
    })
}

/// `(F(k-1), F(k), k)` for `k = n >> last` (n beyond the table, `last` 0 or 1): the doubling
/// steps of [`fib_big`] over the bits of n down to bit `last`, with `stop()` checked before
/// each step and once after the last.
fn double_up(n: u64, last: u32, stop: &dyn Fn() -> bool) -> Result<(UBig, UBig, u64), FibError> {
    // Start from the longest prefix k of n's bits with F(k) in the table (k >= 1).
    let mut shift = u64::BITS - n.leading_zeros();
    while shift > 0 && (n >> (shift - 1)) <= MAX_U128_N {
        shift -= 1;
    }
    let mut k = n >> shift;
    let mut prev = UBig::from(FIB_U128[k as usize - 1]); // F(k-1)
    let mut cur = UBig::from(FIB_U128[k as usize]); // F(k)
    let two = UBig::from(2u8);
    for i in (last..shift).rev() {
        if stop() {
            return Err(FibError::Stopped);
        }
        let prev_sq = prev.sqr();
        let cur_sq = cur.sqr();
        let mut next_odd = (&cur_sq << 2) - &prev_sq; // F(2k+1), before the +-2
        if k % 2 == 0 {
            next_odd += &two;
        } else {
            next_odd -= &two;
        }
        let next_prev_odd = cur_sq + prev_sq; // F(2k-1)
        let next_even = &next_odd - &next_prev_odd; // F(2k)
        if (n >> i) & 1 == 0 {
            (prev, cur, k) = (next_prev_odd, next_even, 2 * k);
        } else {
            (prev, cur, k) = (next_even, next_odd, 2 * k + 1);
        }
    }
    if stop() {
        return Err(FibError::Stopped);
    }
    Ok((prev, cur, k))
}

#[cfg(test)]
mod tests {
    use super::*;
    use dashu_int::ops::BitTest;

    /// The simplest possible model: add, one step at a time.
    fn fib_by_addition(n: u64) -> UBig {
        let (mut a, mut b) = (UBig::ZERO, UBig::ONE);
        for _ in 0..n {
            let next = &a + &b;
            a = std::mem::replace(&mut b, next);
        }
        a
    }

    fn as_big(f: Natural) -> UBig {
        f.into_big()
    }

    #[test]
    fn first_values() {
        let expected = [0u128, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55];
        for (n, want) in expected.iter().enumerate() {
            assert_eq!(fib(n as u64), Ok(Natural::Small(*want)));
        }
    }

    #[test]
    fn table_boundary() {
        assert!(matches!(fib(MAX_U128_N), Ok(Natural::Small(_))));
        // fib(187) overflows u128 and must come back big and exact, not wrapped.
        let f187 = as_big(fib(MAX_U128_N + 1).unwrap());
        assert!(f187.bit_len() > 128);
        assert_eq!(f187, fib_by_addition(187));
    }

    #[test]
    fn matches_addition_model_across_the_switch() {
        for n in 0..1200 {
            assert_eq!(as_big(fib(n).unwrap()), fib_by_addition(n), "n = {n}");
        }
    }

    #[test]
    fn large_n_matches_model_and_known_digits() {
        let f = as_big(fib(10_000).unwrap());
        assert_eq!(f, fib_by_addition(10_000));
        let digits = f.to_string();
        assert_eq!(digits.len(), 2090);
        assert!(digits.starts_with("33644764876431783266"));
    }

    #[test]
    fn stop_is_honoured_between_steps() {
        assert_eq!(fib_until(100_000, &|| true), Err(FibError::Stopped));
        // Table values need no steps, so there is nothing to stop.
        assert_eq!(
            fib_until(MAX_U128_N, &|| true),
            Ok(Natural::Small(FIB_U128[186]))
        );
        let calls = std::cell::Cell::new(0);
        let stop_on_third = || {
            calls.set(calls.get() + 1);
            calls.get() == 3
        };
        assert_eq!(fib_until(100_000, &stop_on_third), Err(FibError::Stopped));
        assert_eq!(calls.get(), 3);
    }

    #[test]
    fn too_large_is_refused_up_front() {
        assert_eq!(fib(MAX_N + 1), Err(FibError::TooLarge));
        assert_eq!(fib(u64::MAX), Err(FibError::TooLarge));
    }

    #[test]
    fn pairs_are_consecutive_values_across_the_switch() {
        assert_eq!(
            fib_pair_until(0, &|| false),
            Ok((Natural::Small(1), Natural::Small(0)))
        );
        for n in 1..1200 {
            let (prev, cur) = fib_pair_until(n, &|| false).unwrap();
            assert_eq!(prev.into_big(), fib_by_addition(n - 1), "n = {n}");
            assert_eq!(cur.into_big(), fib_by_addition(n), "n = {n}");
        }
        // Narrowest representation: F(186) is small even as the first of the pair of 187.
        let (prev, _) = fib_pair_until(MAX_U128_N + 1, &|| false).unwrap();
        assert_eq!(prev, Natural::Small(FIB_U128[186]));
        assert_eq!(
            fib_pair_until(MAX_N + 1, &|| false),
            Err(FibError::TooLarge)
        );
        assert_eq!(fib_pair_until(100_000, &|| true), Err(FibError::Stopped));
    }

    mod properties {
        use super::*;
        use dashu_int::IBig;
        use proptest::prelude::*;

        fn signed(n: u64) -> IBig {
            IBig::from(fib(n).unwrap().into_big())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(64))]

            #[test]
            fn matches_addition_model(n in 0u64..3000) {
                prop_assert_eq!(fib(n).unwrap().into_big(), fib_by_addition(n));
            }

            /// Cassini: F(n-1) F(n+1) - F(n)^2 = (-1)^n, each term computed on its own.
            #[test]
            fn cassini_identity(n in 1u64..300_000) {
                let lhs = signed(n - 1) * signed(n + 1) - signed(n).sqr();
                let want = if n % 2 == 0 { IBig::ONE } else { -IBig::ONE };
                prop_assert_eq!(lhs, want);
            }

            /// F(m + n) = F(m) F(n + 1) + F(m - 1) F(n): mixes table and doubling results.
            #[test]
            fn addition_identity(m in 1u64..100_000, n in 0u64..100_000) {
                let lhs = fib(m + n).unwrap().into_big();
                let rhs = fib(m).unwrap().into_big() * fib(n + 1).unwrap().into_big()
                    + fib(m - 1).unwrap().into_big() * fib(n).unwrap().into_big();
                prop_assert_eq!(lhs, rhs);
            }
        }
    }
}
