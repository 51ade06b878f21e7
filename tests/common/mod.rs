//! Helpers shared by the integration tests: run the built binary, parse its JSONL, and check
//! turns against hand-computed expectations.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};

/// The project root, so tests can name fixtures relative to it.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh scratch folder for one test, named after its test binary and itself, under
/// cargo's scratch space in `target/`: test binaries running side by side never share one,
/// and a rerun replaces the last run's folder instead of leaving another behind in `/tmp`.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(env!("CARGO_CRATE_NAME"))
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the binary with `args` from the project root and returns its raw output.
pub fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aibridge-trace"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the binary runs")
}

/// Runs the binary with `args` from the project root, reads the first line it prints, then
/// closes the pipe, as `| head -1` does: that line, and the run's output (stderr, status).
pub fn first_line_then_closed(args: &[&str]) -> (String, Output) {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_aibridge-trace"))
        .args(args)
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader (and its pipe end) is dropped here.
    (first, child.wait_with_output().unwrap())
}

/// `inspect --format jsonl PATH...`: every turn as a JSON value, plus stderr and the exit code.
pub fn inspect(paths: &[&str]) -> (Vec<Value>, String, i32) {
    let mut args = vec!["inspect", "--format", "jsonl"];
    args.extend_from_slice(paths);
    let out = run(&args);
    let stdout = String::from_utf8(out.stdout).expect("stdout is UTF-8");
    let turns = stdout
        .lines()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|e| panic!("bad JSONL line {line:?}: {e}"))
        })
        .collect();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (turns, stderr, out.status.code().unwrap_or(-1))
}

/// The turns of one fixture file, asserting the run succeeded.
pub fn turns_of(fixture: &str) -> Vec<Value> {
    assert!(root().join(fixture).exists(), "missing fixture {fixture}");
    let (turns, stderr, code) = inspect(&[fixture]);
    assert_eq!(code, 0, "inspect {fixture} failed: {stderr}");
    turns
}

/// The one turn of `turns` that came from txtar section `name`.
pub fn section<'a>(turns: &'a [Value], name: &str) -> &'a Value {
    let found: Vec<&Value> = turns
        .iter()
        .filter(|t| t["source"]["section"] == name)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one turn from section {name:?}, got {}",
        found.len()
    );
    found[0]
}

/// `path` exists below the project root.
pub fn exists(path: impl AsRef<Path>) -> bool {
    root().join(path).exists()
}

// ------------------------------------------------------------------ turn assertions

/// Every schema field a full expectation must state (besides `source`, checked by
/// [`turns_in_order`] / [`raw_turn`], and `warnings`, checked by [`assert_no_warnings`] /
/// [`assert_warning_contains`]). Fields added to the schema later (such as `refusal`) may be
/// stated where they matter; [`expect_turn`] does not demand them.
pub const FIELDS: [&str; 15] = [
    "api",
    "streaming",
    "model",
    "request_model",
    "id",
    "stop_reason",
    "complete",
    "usage",
    "prompt",
    "text",
    "thoughts",
    "tool_calls",
    "error",
    "events",
    "redacted_thoughts",
];

/// `path#section` of a turn (just `path` for a raw capture), for failure messages.
pub fn turn_name(turn: &Value) -> String {
    let path = turn["source"]["path"].as_str().unwrap_or("?");
    match turn["source"]["section"].as_str() {
        Some(section) => format!("{path}#{section}"),
        None => path.to_string(),
    }
}

/// Collects where `actual` fails to match `expected`, each as `json.path: what is wrong`.
///
/// The schema's contract: every key `expected` names must be present in `actual` and match
/// (keys `actual` has beyond `expected` are allowed, as the schema may add fields); arrays must
/// have the same length and match element by element; scalars must be equal. A tool call's
/// `arguments` is data, not schema: it must equal the expected value exactly, extra keys and all.
pub fn mismatches(actual: &Value, expected: &Value, path: &str, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(exp), Value::Object(act)) => {
            for (key, want) in exp {
                let here = format!("{path}.{key}");
                match act.get(key) {
                    None => out.push(format!("{here}: missing (expected {want})")),
                    Some(got) if key == "arguments" => {
                        if got != want {
                            out.push(format!("{here}: expected exactly {want}, got {got}"));
                        }
                    }
                    Some(got) => mismatches(got, want, &here, out),
                }
            }
        }
        (Value::Array(exp), Value::Array(act)) => {
            if exp.len() != act.len() {
                out.push(format!(
                    "{path}: expected {} elements, got {}: {actual}",
                    exp.len(),
                    act.len()
                ));
                return;
            }
            for (i, (want, got)) in exp.iter().zip(act).enumerate() {
                mismatches(got, want, &format!("{path}[{i}]"), out);
            }
        }
        _ => {
            if actual != expected {
                out.push(format!("{path}: expected {expected}, got {actual}"));
            }
        }
    }
}

/// Asserts `actual` matches `expected` as [`mismatches`] defines it; `what` names it in the message.
pub fn assert_matches(actual: &Value, expected: &Value, what: &str) {
    let mut out = Vec::new();
    mismatches(actual, expected, "$", &mut out);
    assert!(out.is_empty(), "{what}: mismatch:\n  {}", out.join("\n  "));
}

/// Checks `turn` against a full expectation: `expected` must name every field of [`FIELDS`]
/// but those in `skip` (left unchecked on purpose), and every field it names must match.
pub fn expect_turn_except(turn: &Value, expected: Value, skip: &[&str]) {
    let exp = expected.as_object().expect("expectation is an object");
    for field in FIELDS {
        if !skip.contains(&field) {
            assert!(
                exp.contains_key(field),
                "test bug: expectation for {} lacks field `{field}`",
                turn_name(turn)
            );
        }
    }
    for field in skip {
        assert!(
            !exp.contains_key(*field),
            "test bug: expectation for {} both skips and states `{field}`",
            turn_name(turn)
        );
    }
    assert_matches(turn, &expected, &turn_name(turn));
}

/// Checks `turn` against a full expectation naming every field of [`FIELDS`].
pub fn expect_turn(turn: &Value, expected: Value) {
    expect_turn_except(turn, expected, &[]);
}

fn warnings(turn: &Value) -> &Vec<Value> {
    turn["warnings"]
        .as_array()
        .unwrap_or_else(|| panic!("{}: warnings is not a list: {turn}", turn_name(turn)))
}

pub fn assert_no_warnings(turn: &Value) {
    assert!(
        warnings(turn).is_empty(),
        "{}: unexpected warnings {}",
        turn_name(turn),
        turn["warnings"]
    );
}

pub fn assert_warning_contains(turn: &Value, word: &str) {
    assert!(
        warnings(turn)
            .iter()
            .any(|w| w.as_str().is_some_and(|w| w.contains(word))),
        "{}: no warning mentions {word:?}: {}",
        turn_name(turn),
        turn["warnings"]
    );
}

// ------------------------------------------------------------------ fixture turns

/// The turns of a txtar fixture, asserting they come one per response section named in
/// `sections`, in that order, each with `source.path` the fixture and `source.entry` null.
pub fn turns_in_order(fixture: &str, sections: &[&str]) -> Vec<Value> {
    let turns = turns_of(fixture);
    let got: Vec<&Value> = turns.iter().map(|t| &t["source"]["section"]).collect();
    assert_eq!(got, sections, "sections of {fixture}");
    for t in &turns {
        assert_eq!(
            t["source"]["path"],
            fixture,
            "source.path of {}",
            turn_name(t)
        );
        assert_eq!(
            t["source"]["entry"],
            Value::Null,
            "source.entry of {}",
            turn_name(t)
        );
    }
    turns
}

/// The one turn of a raw (non-txtar) capture, asserting its source is `{path, null, null}`.
pub fn raw_turn(path: &str) -> Value {
    let turns = turns_of(path);
    assert_eq!(turns.len(), 1, "one turn from {path}");
    let turn = turns.into_iter().next().unwrap();
    // Only the fields a single capture fills: later schema additions (dump ids) stay null.
    for (key, want) in [
        ("path", json!(path)),
        ("section", json!(null)),
        ("entry", json!(null)),
    ] {
        assert_eq!(turn["source"][key], want, "source.{key} of {path}");
    }
    turn
}

/// The turns of one run over every fixture in `paths`, asserting each exists and the run succeeded.
pub fn turns_of_all(paths: &[&str]) -> Vec<Value> {
    for p in paths {
        assert!(exists(p), "missing fixture {p}");
    }
    let (turns, stderr, code) = inspect(paths);
    assert_eq!(code, 0, "inspect failed: {stderr}");
    turns
}

// ------------------------------------------------------------------ expectation values

/// A `usage` object. Each count may be null (`Value::Null`) where the capture does not say.
pub fn usage(
    input: u64,
    output: u64,
    cache_read: impl Into<Value>,
    cache_write: impl Into<Value>,
    reasoning: impl Into<Value>,
) -> Value {
    json!({
        "input": input,
        "output": output,
        "cache_read": cache_read.into(),
        "cache_write": cache_write.into(),
        "reasoning": reasoning.into(),
    })
}

/// A stream's `events` object: `total` events read, none of an unknown type.
pub fn events(total: u64) -> Value {
    json!({"total": total, "unknown": 0})
}

/// Runs the binary, failing the test (instead of hanging it) when it takes over 20 s.
pub fn run_within(args: &[&str]) -> (String, String, i32) {
    use std::time::{Duration, Instant};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_aibridge-trace"))
        .args(args)
        .current_dir(root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("{args:?} still runs after 20 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}
