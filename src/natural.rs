//! A non-negative integer in the narrowest representation that holds it exactly.

use dashu_int::ops::BitTest;
use dashu_int::UBig;

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

    #[test]
    fn bits_counts_significant_bits() {
        assert_eq!(Natural::Small(0).bits(), 0);
        assert_eq!(Natural::Small(1).bits(), 1);
        assert_eq!(Natural::Small(u128::MAX).bits(), 128);
        assert_eq!(Natural::Big(UBig::ONE << 200).bits(), 201);
    }
}
