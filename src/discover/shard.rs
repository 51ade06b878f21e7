//! `--shard K/N`: one of N parts of a run's inputs, so that N jobs (a Kubernetes indexed
//! Job, a Spark task per part, GNU parallel over hosts) each read one part and the union
//! of what they print is the whole run.
//!
//! An input belongs to the part its display path (as the user wrote it, joined with the
//! walked relative path) hashes to. The display path, not the file system path: N
//! machines that mount a corpus in different places but are given the same relative
//! paths split it the same way. The hash is [`crate::stable_hash::of_parts`], the same on
//! every build, platform and run. A HAR is one input, as is a gateway dump pair (both
//! halves go to the part of the response half); a path that cannot be read fails in one
//! part only.

use std::fmt;

/// Part `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// Reads `K/N` with 1 ≤ K ≤ N.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let bad = || format!("`{text}` is no shard: write K/N, e.g. 2/8 (1 ≤ K ≤ N)");
        let (index, count) = text.split_once('/').ok_or_else(bad)?;
        let index: u64 = index.trim().parse().map_err(|_| bad())?;
        let count: u64 = count.trim().parse().map_err(|_| bad())?;
        if count == 0 || index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// Whether the input shown as `display` is in this part.
    pub fn takes(&self, display: &str) -> bool {
        part_of(display, self.count) == self.index
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The part (1-based) of `count` that `display` falls in.
pub fn part_of(display: &str, count: u64) -> u64 {
    crate::stable_hash::of_parts(&[display], b'P') % count + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k_of_n() {
        assert_eq!(Shard::parse("2/8"), Ok(Shard { index: 2, count: 8 }));
        assert_eq!(Shard::parse("1/1"), Ok(Shard { index: 1, count: 1 }));
        for bad in ["0/3", "4/3", "1/0", "1", "a/b", "-1/3", "1/3/4"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_input_is_in_exactly_one_part() {
        for count in [1, 2, 7] {
            for n in 0..200 {
                let display = format!("corpus/{n:03}.har");
                let parts: Vec<u64> = (1..=count)
                    .filter(|&index| Shard { index, count }.takes(&display))
                    .collect();
                assert_eq!(parts.len(), 1, "{display} of {count}");
            }
        }
        // Stable: the same path falls in the same part on every build and machine.
        assert_eq!(part_of("fixtures/raw/x.sse", 1), 1);
        assert_eq!(part_of("a", 7), part_of("a", 7));
    }
}
