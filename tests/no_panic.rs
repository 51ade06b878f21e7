//! Bad input never panics: every fixture, cut short and mangled in many ways, goes through
//! the whole pipeline (frame, rebuild, render) in-process.

use std::path::{Path, PathBuf};

use aibridge_trace::run::turns_from_bytes;

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mangled(data: &[u8], rng: &mut Rng) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    // Cut short at many points, including inside multi-byte characters.
    for i in 0..40 {
        out.push(data[..data.len() * i / 40].to_vec());
    }
    for _ in 0..40 {
        let mut copy = data.to_vec();
        let at = rng.below(copy.len());
        match rng.below(7) {
            0 => copy[at] = rng.next() as u8,
            1 => {
                copy.remove(at);
            }
            2 => copy.insert(
                at,
                [b'\n', b'\r', b'{', b'"', b'}', 0xff, b':'][rng.below(7)],
            ),
            3 => {
                let end = (at + rng.below(200)).min(copy.len());
                copy.drain(at..end);
            }
            4 => {
                let end = (at + rng.below(200)).min(copy.len());
                let dup = copy[at..end].to_vec();
                copy.splice(at..at, dup);
            }
            5 => {
                copy = copy
                    .iter()
                    .flat_map(|&b| if b == b'\n' { vec![b'\r'] } else { vec![b] })
                    .collect()
            }
            _ => {
                copy.splice(0..0, *b"\xef\xbb\xbf");
            }
        }
        out.push(copy);
    }
    out
}

#[test]
fn mangled_fixtures_never_panic() {
    let mut all = Vec::new();
    files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
        &mut all,
    );
    assert!(all.len() > 20, "fixtures found: {}", all.len());
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut turns = 0;
    for path in &all {
        let data = std::fs::read(path).unwrap();
        for (i, variant) in mangled(&data, &mut rng).iter().enumerate() {
            let name = format!("{}#{i}", path.display());
            let report = turns_from_bytes(&name, variant, true);
            for turn in &report.turns {
                serde_json::to_string(turn).unwrap();
            }
            turns += report.turns.len();
        }
    }
    assert!(turns > 1000, "mangled inputs still yield turns: {turns}");
}
