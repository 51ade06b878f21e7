//! Hashes that leave the process (threading digests in JSONL, OTLP trace and span ids,
//! `--shard` parts) must be the same on every build, platform and Rust release, which the
//! standard library's hasher does not promise. One place says how they are made.

/// A hasher for long texts (conversations): XXH64 with seed 0, a published algorithm. Write
/// numbers as little-endian bytes, not with `write_u64` and kin, whose bytes are the
/// platform's.
pub type Stable = twox_hash::XxHash64;

pub fn hasher() -> Stable {
    twox_hash::XxHash64::with_seed(0)
}

/// A hash of a few short strings (paths, ids) after a `domain` byte that keeps uses apart:
/// FNV-1a over the parts (each ended by a byte no UTF-8 text holds), then MurmurHash3's
/// finalizer to spread the bits.
pub fn of_parts(parts: &[&str], domain: u8) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |byte: u8| {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    };
    eat(domain);
    for part in parts {
        part.bytes().chain([0xff]).for_each(&mut eat);
    }
    for (shift, multiplier) in [(33, 0xff51_afd7_ed55_8ccd), (33, 0xc4ce_b9fe_1a85_ec53)] {
        hash ^= hash >> shift;
        hash = hash.wrapping_mul(multiplier);
    }
    hash ^ (hash >> 33)
}

#[cfg(test)]
mod tests {
    use std::hash::Hasher;

    use super::*;

    #[test]
    fn the_same_on_every_build() {
        // Published XXH64 test value: the empty input, seed 0.
        assert_eq!(hasher().finish(), 0xef46_db37_51d8_e999);
        let mut h = hasher();
        h.write(b"a");
        assert_ne!(h.finish(), hasher().finish());
        assert_ne!(of_parts(&["a", "b"], 1), of_parts(&["ab"], 1));
        assert_ne!(of_parts(&["a"], 1), of_parts(&["a"], 2));
    }
}
