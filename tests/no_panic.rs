//! Bad input never panics: every fixture (the project's, the validate suite's, the inputs'),
//! cut short and mangled byte by byte and line by line, goes through the whole `inspect`
//! pipeline (frame, rebuild, render) and through `validate`, in-process; every line
//! `validate` names is a line of the file; and the two commands agree on what each variant
//! holds. Gateway dump pairs go through with either half mangled, and mangled captures
//! through the binary's table, CSV and markdown printers.

use std::path::{Path, PathBuf};
use std::process::Command;

use aibridge_trace::diagnostic::Finding;
use aibridge_trace::run::{FileReport, turns_from_bytes, turns_from_dump};
use aibridge_trace::validate::validate_bytes;
use aibridge_trace::warning::{EventFault, Warning};

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
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mangled_bytes(data: &[u8], rng: &mut Rng) -> Vec<Vec<u8>> {
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

/// Versions of `data` broken the ways captures and hand edits break: cut at many points
/// (inside characters too), and lines dropped, repeated, swapped, blanked, joined or
/// given other line ends, which is what grammar and pairing rules are made of.
fn mangled_lines(data: &[u8], rng: &mut Rng) -> Vec<Vec<u8>> {
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
fn mangled_inputs_never_panic_agree_and_lines_stay_in_the_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all = Vec::new();
    files(&root.join("fixtures"), &mut all);
    files(&root.join("tests/data"), &mut all);
    assert!(all.len() > 60, "inputs found: {}", all.len());
    let mut rng = Rng(7);
    let (mut turns, mut findings) = (0, 0);
    let mut compared = Compared::default();
    for path in &all {
        let data = std::fs::read(path).unwrap();
        let mut variants = vec![data.clone()];
        variants.extend(mangled_bytes(&data, &mut rng));
        variants.extend(mangled_lines(&data, &mut rng));
        for (i, variant) in variants.iter().enumerate() {
            let name = format!("{}#{i}", path.display());
            let report = turns_from_bytes(&name, variant, true);
            for turn in &report.turns {
                serde_json::to_string(turn).unwrap();
            }
            turns += report.turns.len();
            let lines = variant
                .iter()
                .filter(|&&b| b == b'\n' || b == b'\r')
                .count()
                + 1;
            let found = validate_bytes(variant);
            agree(&name, &report, &found, &mut compared);
            for f in found {
                findings += 1;
                if let Some(line) = f.line {
                    assert!(
                        (1..=lines).contains(&line),
                        "{name}: line {line} of {lines}: {f:?}"
                    );
                }
            }
        }
    }
    assert!(turns > 1000, "mangled inputs still yield turns: {turns}");
    assert!(findings > 1000, "mangled inputs give findings: {findings}");
    assert!(compared.unknown > 50, "unknown types: {}", compared.unknown);
    assert!(
        compared.truncated > 500,
        "truncated: {}",
        compared.truncated
    );
    assert!(compared.bad_json > 500, "bad JSON: {}", compared.bad_json);
    assert!(
        compared.bad_counts > 100,
        "bad counts: {}",
        compared.bad_counts
    );
}

/// The types of the stream events, deltas, content blocks and output items a text calls
/// unknown (`unknown event type "x" (3 times)` gives `event type "x"`).
fn unknown_types<'t>(texts: impl Iterator<Item = &'t str>) -> std::collections::BTreeSet<String> {
    const KINDS: [&str; 4] = [
        "event type",
        "delta type",
        "content block type",
        "output item type",
    ];
    texts
        .filter_map(|text| text.split_once("unknown ").map(|(_, rest)| rest))
        .filter(|rest| KINDS.iter().any(|kind| rest.starts_with(kind)))
        .map(|mut what| {
            // Drop what follows the type: a count, a line in a decoded body.
            while let Some((before, note)) = what.rsplit_once(" (") {
                match note.contains("times") || note.contains("decoded body") {
                    true => what = before,
                    false => break,
                }
            }
            what.to_string()
        })
        .collect()
}

/// What [`agree`] compared, counted, so the test knows the variants exercise it.
#[derive(Default)]
struct Compared {
    unknown: usize,
    truncated: usize,
    bad_json: usize,
    bad_counts: usize,
}

/// `inspect` and `validate` read every capture through one decoder, so they agree on what
/// it holds: the types `inspect` warns are unknown are the types `validate` reports
/// (`stream-unknown-event`), an event `inspect` skips as no JSON is a `parse-event-json`
/// finding, a usage count `inspect` leaves out as bad is a `usage-invalid` one, and a
/// stream `inspect` calls incomplete (with no error the stream recorded to explain it) is
/// one `validate` calls truncated.
fn agree(name: &str, report: &FileReport, findings: &[Finding], compared: &mut Compared) {
    let rule = |id: &'static str| findings.iter().filter(move |f| f.rule == id);
    // A blocking body cut short is `parse-body-json` to validate, which checks no more of
    // it; inspect shows what the mended body holds.
    let whole = report.turns.iter().filter(|t| t.streaming || t.complete);
    let rendered: Vec<String> = whole
        .flat_map(|t| &t.warnings)
        .map(|w| w.to_string())
        .collect();
    let inspect_unknown = unknown_types(rendered.iter().map(String::as_str));
    let validate_unknown = unknown_types(rule("stream-unknown-event").map(|f| f.message.as_str()));
    assert_eq!(
        inspect_unknown, validate_unknown,
        "{name}: unknown types, inspect vs validate"
    );
    compared.unknown += inspect_unknown.len();

    let skipped_events = report
        .turns
        .iter()
        .flat_map(|t| &t.warnings)
        .filter(|w| {
            matches!(
                w,
                Warning::EventSkipped {
                    fault: EventFault::Shape | EventFault::NotJson,
                    ..
                }
            )
        })
        .count();
    assert_eq!(
        skipped_events,
        rule("parse-event-json").count(),
        "{name}: events that are no JSON, inspect vs validate"
    );
    compared.bad_json += skipped_events;

    let bad_counts = report
        .turns
        .iter()
        .filter(|t| t.streaming || t.complete)
        .flat_map(|t| &t.warnings)
        .filter(|w| matches!(w, Warning::BadCount { .. }))
        .count();
    assert_eq!(
        bad_counts,
        rule("usage-invalid").count(),
        "{name}: bad usage counts, inspect vs validate"
    );
    compared.bad_counts += bad_counts;

    let cut = report
        .turns
        .iter()
        // An HTTP error status alone, with no error the stream recorded, explains nothing:
        // the stream is cut short all the same.
        .filter(|t| t.streaming && !t.complete)
        .filter(|t| {
            t.error
                .as_ref()
                .is_none_or(|e| e.message.is_none() && !e.mid_stream)
        })
        .count();
    assert_eq!(
        cut,
        rule("stream-truncated").count(),
        "{name}: incomplete streams, inspect vs validate"
    );
    compared.truncated += cut;
}

/// Every dump pair below `dir`: the response (or request-error) half, and the request half.
fn dump_pairs(dir: &Path) -> Vec<(PathBuf, PathBuf)> {
    let mut all = Vec::new();
    files(dir, &mut all);
    all.iter()
        .filter_map(|path| {
            let name = path.to_str()?;
            let stem = name.strip_suffix(".req.txt")?;
            [".resp.txt", ".req_error.txt"]
                .iter()
                .map(|end| PathBuf::from(format!("{stem}{end}")))
                .find(|answer| answer.exists())
                .map(|answer| (answer, path.clone()))
        })
        .collect()
}

#[test]
fn mangled_dump_pairs_never_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut pairs = dump_pairs(&root.join("fixtures/dumps"));
    pairs.extend(dump_pairs(&root.join("tests/data")));
    assert!(pairs.len() >= 6, "pairs found: {}", pairs.len());
    let mut rng = Rng(13);
    let mut turns = 0;
    for (answer_path, request_path) in &pairs {
        let answer = std::fs::read(answer_path).unwrap();
        let request = std::fs::read(request_path).unwrap();
        let mut cases: Vec<(Option<Vec<u8>>, Vec<u8>)> = Vec::new();
        for variant in mangled_bytes(&answer, &mut rng)
            .into_iter()
            .chain(mangled_lines(&answer, &mut rng))
        {
            cases.push((Some(request.clone()), variant));
        }
        for variant in mangled_bytes(&request, &mut rng)
            .into_iter()
            .chain(mangled_lines(&request, &mut rng))
        {
            cases.push((Some(variant), answer.clone()));
        }
        cases.push((None, answer.clone()));
        for (request, answer) in &cases {
            let report = turns_from_dump(answer_path, request.as_deref(), answer);
            for turn in &report.turns {
                serde_json::to_string(turn).unwrap();
            }
            turns += report.turns.len();
        }
    }
    assert!(turns > 500, "mangled pairs still yield turns: {turns}");
}

#[test]
fn mangled_inputs_never_panic_the_printers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all = Vec::new();
    files(&root.join("fixtures"), &mut all);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("no_panic-printers");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut rng = Rng(21);
    let mut written = 0;
    for (n, path) in all.iter().enumerate() {
        let data = std::fs::read(path).unwrap();
        let mut variants = mangled_bytes(&data, &mut rng);
        variants.extend(mangled_lines(&data, &mut rng));
        // Every eighth variant keeps the run short; the seed makes it the same each time.
        for (i, variant) in variants.iter().enumerate().filter(|(i, _)| i % 8 == n % 8) {
            std::fs::write(dir.join(format!("{n:03}-{i:03}")), variant).unwrap();
            written += 1;
        }
    }
    assert!(written > 500, "variants written: {written}");
    let shown = dir.to_str().unwrap();
    let runs: [&[&str]; 7] = [
        &[
            "inspect", "--format", "table", "--view", "all", "--width", "80",
        ],
        &[
            "inspect", "--format", "table", "--view", "all", "--width", "160", "--full",
        ],
        &["inspect", "--format", "markdown", "--view", "all"],
        &["inspect", "--format", "csv", "--view", "turns"],
        &["inspect", "--format", "csv", "--view", "tools"],
        &["inspect", "--format", "csv", "--view", "thoughts"],
        &["summary", "--by", "tool"],
    ];
    for args in runs {
        let out = Command::new(env!("CARGO_BIN_EXE_aibridge-trace"))
            .args(args)
            .arg(shown)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            matches!(out.status.code(), Some(0 | 1)) && !stderr.contains("panicked"),
            "{args:?}: {:?}\n{stderr}",
            out.status
        );
        assert!(!out.stdout.is_empty(), "{args:?} printed nothing");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
