//! proptest strategies shared by the core's property tests.

use dashu_int::UBig;
use proptest::prelude::*;

/// Naturals of up to 512 bits, biased toward word boundaries: any words, `2^k` and `2^k - 1`
/// for every k up to 519, and any `u128` (where the representation switches).
pub fn natural() -> impl Strategy<Value = UBig> {
    prop_oneof![
        prop::collection::vec(any::<u64>(), 0..8).prop_map(|w| UBig::from_words(&w)),
        (0u32..520, any::<bool>()).prop_map(|(bits, minus_one)| {
            let power = UBig::ONE << bits as usize;
            if minus_one && bits > 0 {
                power - UBig::ONE
            } else {
                power
            }
        }),
        any::<u128>().prop_map(UBig::from),
    ]
}
