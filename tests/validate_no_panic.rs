//! `validate` never panics, and every line it names is a line of the file: every fixture,
//! and every fixture of the validate suite, cut short and mangled line by line (events lost,
//! repeated, swapped, line ends changed) goes through `validate_bytes`.

use std::path::{Path, PathBuf};

use aibridge_trace::validate::validate_bytes;

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

/// A deterministic generator (splitmix64), so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) % n.max(1) as u64) as usize
    }
}

/// Versions of `data` broken the ways captures and hand edits break: cut at many points
/// (inside characters too), and lines dropped, repeated, swapped, blanked, joined or
/// given other line ends, which is what grammar and pairing rules are made of.
fn mangled(data: &[u8], rng: &mut Rng) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = (0..30)
        .map(|i| data[..data.len() * i / 30].to_vec())
        .collect();
    let lines: Vec<&[u8]> = data.split_inclusive(|&b| b == b'\n').collect();
    for _ in 0..40 {
        let mut copy: Vec<&[u8]> = lines.clone();
        let at = rng.below(copy.len());
        let other = rng.below(copy.len());
        let mut owned = None;
        match rng.below(7) {
            0 => {
                copy.remove(at);
            }
            1 => copy.insert(at, lines[other]),
            2 => copy.swap(at, other),
            3 => copy[at] = b"\n",
            4 => copy[at] = copy[at].strip_suffix(b"\n").unwrap_or(copy[at]),
            5 => {
                let end = (at + rng.below(12)).min(copy.len());
                copy.drain(at..end);
            }
            _ => {
                owned = Some(
                    data.iter()
                        .map(|&b| if b == b'\n' { b'\r' } else { b })
                        .collect(),
                )
            }
        }
        out.push(owned.unwrap_or_else(|| copy.concat()));
    }
    out
}

#[test]
fn mangled_inputs_never_panic_and_lines_stay_in_the_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all = Vec::new();
    files(&root.join("fixtures"), &mut all);
    files(&root.join("tests/data/validate"), &mut all);
    assert!(all.len() > 60, "inputs found: {}", all.len());
    let mut rng = Rng(7);
    let mut findings = 0;
    for path in &all {
        let data = std::fs::read(path).unwrap();
        for (i, variant) in mangled(&data, &mut rng).iter().enumerate() {
            let lines = variant
                .iter()
                .filter(|&&b| b == b'\n' || b == b'\r')
                .count()
                + 1;
            for f in validate_bytes(variant) {
                findings += 1;
                if let Some(line) = f.line {
                    assert!(
                        (1..=lines).contains(&line),
                        "{}#{i}: line {line} of {lines}: {f:?}",
                        path.display()
                    );
                }
            }
        }
    }
    assert!(findings > 1000, "mangled inputs give findings: {findings}");
}
