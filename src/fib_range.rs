//! The state of an iteration over `fib(n)` for `n` in `range(start, stop, step)`: what the
//! Python class `Fibonacci` iterates with.
//!
//! Plain Rust, no pyo3. Values in the `u128` table are looked up; beyond it, the iteration
//! keeps the pair `(F(k-1), F(k))` of the last value and steps it forward with the addition
//! formulas (linear in the size of the numbers) instead of recomputing each value by
//! doubling. A step too long for that to pay recomputes by doubling.

use crate::fib::{self, FibError, MAX_N, MAX_U128_N};
use crate::natural::Natural;
use dashu_int::UBig;

/// Stepping the pair from `k` to `k + s` costs four multiplications of an `F(k)`-sized number
/// by an `F(s)`-sized one; doubling from scratch costs a few squarings of `F(k + s)/2`-sized
/// ones. Stepping wins while `s` is well below `k`: up to `k / STEP_RATIO`, and always for steps
/// whose constants are table values. Measured (6 values, steps of 10^3 to 5 * 10^4): at
/// `k / 16` an iteration took 0.8 to 1.25 times as long as `fib` of each index, at `k / 32`
/// 0.65 to 0.93 times, at `k / 64` 0.5 to 0.75 times.
const STEP_RATIO: u64 = 32;

/// `fib(n)` for `n = start, start + step, ...` while `n < stop` (forever when `stop` is None).
#[derive(Clone, Debug)]
pub struct FibRange {
    /// Index of the next value.
    next: u64,
    stop: Option<u64>,
    step: u64,
    /// `(k, F(k-1), F(k))` of the last value computed beyond the table.
    last: Option<(u64, UBig, UBig)>,
    /// `(F(step-1), F(step), F(step+1))`, computed the first time a step of the pair needs it.
    step_constants: Option<[UBig; 3]>,
}

impl FibRange {
    /// The iteration from `start`; `step` must be at least 1.
    pub fn new(start: u64, stop: Option<u64>, step: u64) -> Self {
        assert!(step >= 1, "a step of 0 never advances");
        FibRange {
            next: start,
            stop,
            step,
            last: None,
            step_constants: None,
        }
    }

    /// Index of the next value (once exhausted, the first index at or past `stop`).
    pub fn next_index(&self) -> u64 {
        self.next
    }

    pub fn stop(&self) -> Option<u64> {
        self.stop
    }

    pub fn step(&self) -> u64 {
        self.step
    }

    pub fn is_exhausted(&self) -> bool {
        self.stop.is_some_and(|stop| self.next >= stop)
    }

    /// Number of values left; None when unbounded.
    pub fn remaining(&self) -> Option<u64> {
        self.stop
            .map(|stop| stop.saturating_sub(self.next).div_ceil(self.step))
    }

    /// Whether the next value is computed by doubling from scratch (the slow case, worth
    /// handing to a worker thread when the index is large); false when exhausted.
    pub fn next_needs_doubling(&self) -> bool {
        let n = self.next;
        !self.is_exhausted() && n > MAX_U128_N && n <= MAX_N && !self.can_step_to(n)
    }

    /// The same iteration, without the values kept for stepping (cheap to copy).
    pub fn without_values(&self) -> Self {
        FibRange {
            last: None,
            step_constants: None,
            ..*self
        }
    }

    /// `fib(next_index)`, then moves on by `step`; `Ok(None)` once exhausted. A refused index
    /// (above [`MAX_N`]) or a stop request leaves the iteration where it was.
    pub fn next_until(&mut self, stop: &dyn Fn() -> bool) -> Result<Option<Natural>, FibError> {
        if self.is_exhausted() {
            return Ok(None);
        }
        let n = self.next;
        let value = if let Some(small) = fib::fib_u128(n) {
            Natural::Small(small)
        } else {
            if n > MAX_N {
                return Err(FibError::TooLarge);
            }
            if self.can_step_to(n) || self.step_pays(n.saturating_add(self.step)) {
                let (prev, cur) = if self.can_step_to(n) {
                    self.step_pair()
                } else {
                    let (prev, cur) = fib::fib_pair_until(n, stop)?;
                    (prev.into_big(), cur.into_big())
                };
                let value = Natural::Big(cur.clone());
                self.last = Some((n, prev, cur));
                value
            } else {
                // The next value will be recomputed anyway: F(n) alone is cheaper than the
                // pair (one multiplication instead of two squarings at the last step).
                self.last = None;
                fib::fib_until(n, stop)?
            }
        };
        self.next = n.saturating_add(self.step);
        Ok(Some(value))
    }

    /// Whether `(F(n-1), F(n))` is one step of the last pair, and stepping to it pays.
    fn can_step_to(&self, n: u64) -> bool {
        let s = self.step;
        self.step_pays(n) && matches!(self.last, Some((k, _, _)) if k.checked_add(s) == Some(n))
    }

    /// Whether reaching index `n` by a step beats doubling: the step is short next to `n`.
    fn step_pays(&self, n: u64) -> bool {
        let s = self.step;
        s <= MAX_U128_N || s.saturating_mul(STEP_RATIO) <= n
    }

    /// The last pair `(F(k-1), F(k))` stepped to `(F(k+s-1), F(k+s))` (see `can_step_to`).
    fn step_pair(&mut self) -> (UBig, UBig) {
        let s = self.step;
        let (_, prev, cur) = self.last.take().expect("can_step_to checked the pair");
        if s == 1 {
            let next = &prev + &cur;
            return (cur, next);
        }
        let [before, at, after] = &*self.step_constants.get_or_insert_with(|| {
            // (F(s), F(s+1)) then F(s-1) = F(s+1) - F(s); s <= MAX_N here (s <= n / 32).
            let (at, after) = fib::fib_pair_until(s + 1, &|| false).expect("s <= MAX_N");
            let (at, after) = (at.into_big(), after.into_big());
            [&after - &at, at, after]
        });
        // F(k+s-1) = F(k) F(s) + F(k-1) F(s-1), F(k+s) = F(k) F(s+1) + F(k-1) F(s).
        (&cur * at + &prev * before, &cur * after + &prev * at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(range: &mut FibRange, count: usize) -> Vec<Natural> {
        (0..count)
            .map_while(|_| range.next_until(&|| false).unwrap())
            .collect()
    }

    fn expected(start: u64, step: u64, count: usize) -> Vec<Natural> {
        (0..count as u64)
            .map(|i| fib::fib(start + i * step).unwrap())
            .collect()
    }

    #[test]
    fn bounded_like_range() {
        let mut range = FibRange::new(3, Some(10), 2);
        assert_eq!(range.remaining(), Some(4));
        let got = values(&mut range, 10);
        assert_eq!(got, [2u128, 5, 13, 34].map(Natural::Small));
        assert!(range.is_exhausted());
        assert_eq!(range.remaining(), Some(0));
        assert_eq!(range.next_index(), 11);
        // Exhausted stays exhausted, without moving.
        assert_eq!(range.next_until(&|| false), Ok(None));
        assert_eq!(range.next_index(), 11);
        // Empty from the start: stop at or before start.
        assert_eq!(FibRange::new(5, Some(5), 1).remaining(), Some(0));
        assert_eq!(values(&mut FibRange::new(5, Some(0), 3), 3), []);
    }

    #[test]
    fn unbounded_has_no_length() {
        let mut range = FibRange::new(0, None, 1);
        assert_eq!(range.remaining(), None);
        assert_eq!(values(&mut range, 400), expected(0, 1, 400));
    }

    #[test]
    fn every_short_step_across_the_table_boundary() {
        for step in 1..=200 {
            for start in [0, 1, 150, 185, 186, 187, 1000] {
                let mut range = FibRange::new(start, None, step);
                assert_eq!(
                    values(&mut range, 12),
                    expected(start, step, 12),
                    "{start} {step}"
                );
            }
        }
    }

    #[test]
    fn long_steps_use_big_constants_or_doubling() {
        // 32 * 1000 <= 40_000: stepped with big constants; 5000: recomputed by doubling.
        for (start, step) in [(40_000, 1000), (20_000, 5000), (0, 3000), (1, 100_000)] {
            let mut range = FibRange::new(start, None, step);
            assert_eq!(
                values(&mut range, 6),
                expected(start, step, 6),
                "{start} {step}"
            );
        }
    }

    #[test]
    fn doubling_is_needed_only_without_a_pair_to_step_from() {
        let mut range = FibRange::new(500, Some(600), 10);
        assert!(range.next_needs_doubling());
        range.next_until(&|| false).unwrap();
        assert!(!range.next_needs_doubling());
        // A copy without values starts over by doubling, with the same results.
        let mut copy = range.without_values();
        assert!(copy.next_needs_doubling());
        assert_eq!(values(&mut copy, 20), values(&mut range, 20));
        // Table values never need it.
        assert!(!FibRange::new(0, None, 1).next_needs_doubling());
        // Nor an exhausted range.
        assert!(!FibRange::new(500, Some(500), 1).next_needs_doubling());
        // A step too long to pay: always doubling.
        let mut long = FibRange::new(1000, None, 900);
        long.next_until(&|| false).unwrap();
        assert!(long.next_needs_doubling());
    }

    #[test]
    fn refusals_leave_the_iteration_in_place() {
        let mut range = FibRange::new(MAX_N, None, 1);
        assert_eq!(range.next_until(&|| true), Err(FibError::Stopped));
        assert_eq!(range.next_index(), MAX_N);
        let mut beyond = FibRange::new(MAX_N + 1, None, 1);
        assert_eq!(beyond.next_until(&|| false), Err(FibError::TooLarge));
        assert_eq!(beyond.next_until(&|| false), Err(FibError::TooLarge));
        assert_eq!(beyond.next_index(), MAX_N + 1);
        // A step past the last index saturates instead of wrapping around.
        let mut huge = FibRange::new(5, None, u64::MAX);
        assert_eq!(values(&mut huge, 1), [Natural::Small(5)]);
        assert_eq!(huge.next_index(), u64::MAX);
        assert_eq!(huge.next_until(&|| false), Err(FibError::TooLarge));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(64))]

            #[test]
            fn values_are_fib_of_each_index(start in 0u64..5000, step in 1u64..700, count in 0usize..8) {
                let stop = start + step * count as u64;
                let mut range = FibRange::new(start, Some(stop), step);
                prop_assert_eq!(range.remaining(), Some(count as u64));
                prop_assert_eq!(values(&mut range, count + 2), expected(start, step, count));
                prop_assert!(range.is_exhausted());
            }

            #[test]
            fn remaining_counts_what_is_left(start in 0u64..1000, stop in 0u64..1000, step in 1u64..50) {
                let range = FibRange::new(start, Some(stop), step);
                let want = (start..stop).step_by(step as usize).count() as u64;
                prop_assert_eq!(range.remaining(), Some(want));
            }
        }
    }
}
