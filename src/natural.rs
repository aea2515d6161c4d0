//! A non-negative integer in the narrowest representation that holds it exactly.

use dashu_int::ops::BitTest;
use dashu_int::{UBig, Word};

/// Bits per digit of [`Natural::from_digits`]: CPython's int digits (`sys.int_info`).
pub const DIGIT_BITS: u32 = 30;

/// Machine-width while the value fits in 128 bits, a big integer only beyond.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Natural {
    Small(u128),
    Big(UBig),
}

impl Natural {
    /// Narrows a big integer back to `Small` when it fits, so callers can take the fast path.
    pub fn from_big(big: UBig) -> Self {
        match u128::try_from(&big) {
            Ok(small) => Natural::Small(small),
            Err(_) => Natural::Big(big),
        }
    }

    /// The value of `digits` in base 2^30, least significant first (each below 2^30), as
    /// CPython stores an int's magnitude: `Small` without allocating when it fits.
    pub fn from_digits(digits: &[u32]) -> Self {
        if let Some(small) = small_from_digits(digits) {
            return Natural::Small(small);
        }
        let bits = digits.len() * DIGIT_BITS as usize;
        let mut words: Vec<Word> = Vec::with_capacity(bits.div_ceil(Word::BITS as usize));
        let (mut pending, mut pending_bits) = (0u128, 0u32);
        for &digit in digits {
            pending |= u128::from(digit) << pending_bits;
            pending_bits += DIGIT_BITS;
            if pending_bits >= Word::BITS {
                words.push(pending as Word);
                pending >>= Word::BITS;
                pending_bits -= Word::BITS;
            }
        }
        if pending_bits > 0 {
            words.push(pending as Word);
        }
        Natural::Big(UBig::from_words(&words))
    }

    /// Number of significant bits (0 for zero).
    pub fn bits(&self) -> u64 {
        match self {
            Natural::Small(s) => u64::from(u128::BITS - s.leading_zeros()),
            Natural::Big(b) => b.bit_len() as u64,
        }
    }

    pub fn into_big(self) -> UBig {
        match self {
            Natural::Small(s) => UBig::from(s),
            Natural::Big(b) => b,
        }
    }
}

/// The value of `digits` (base 2^30, least significant first) if it fits in 128 bits: the
/// allocation-free part of [`Natural::from_digits`], inlined into the binding's fast paths.
#[inline(always)]
pub fn small_from_digits(digits: &[u32]) -> Option<u128> {
    // Five digits hold 150 bits: accept them while the top 30 bits are still free.
    if digits.len() > 5 {
        return None;
    }
    let mut small = 0u128;
    for &digit in digits.iter().rev() {
        if small >> (u128::BITS - DIGIT_BITS) != 0 {
            return None;
        }
        small = (small << DIGIT_BITS) | u128::from(digit);
    }
    Some(small)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_big_narrows_exactly_at_128_bits() {
        let max = UBig::from(u128::MAX);
        assert_eq!(Natural::from_big(max.clone()), Natural::Small(u128::MAX));
        let over = max + UBig::ONE;
        assert_eq!(Natural::from_big(over.clone()), Natural::Big(over));
    }

    /// `value` as base-2^30 digits, least significant first.
    fn digits_of(mut value: UBig) -> Vec<u32> {
        let mut digits = Vec::new();
        let mask = UBig::from((1u32 << DIGIT_BITS) - 1);
        while value != UBig::ZERO {
            digits.push(u32::try_from(&(&value & &mask)).unwrap());
            value >>= DIGIT_BITS as usize;
        }
        digits
    }

    #[test]
    fn from_digits_is_exact_and_small_exactly_below_2_pow_128() {
        for bits in 0..=400usize {
            let power = UBig::ONE << bits;
            let thirds = (&power - UBig::ONE) / UBig::from(3u8) + UBig::ONE; // 0101...
            for value in [power.clone() - UBig::ONE, power, thirds] {
                let natural = Natural::from_digits(&digits_of(value.clone()));
                match u128::try_from(&value) {
                    Ok(small) => assert_eq!(natural, Natural::Small(small), "{bits} bits"),
                    Err(_) => assert_eq!(natural, Natural::Big(value), "{bits} bits"),
                }
            }
        }
    }

    #[test]
    fn from_digits_reads_past_five_digits() {
        // Six digits: more than the small path reads, however small the lower five.
        let mut digits = vec![0u32; 6];
        digits[5] = 1;
        assert_eq!(
            Natural::from_digits(&digits).into_big(),
            UBig::ONE << 150usize
        );
    }

    #[test]
    fn bits_counts_significant_bits() {
        assert_eq!(Natural::Small(0).bits(), 0);
        assert_eq!(Natural::Small(1).bits(), 1);
        assert_eq!(Natural::Small(u128::MAX).bits(), 128);
        assert_eq!(Natural::Big(UBig::ONE << 200).bits(), 201);
    }
}
