//! Helpers shared by the integration tests: run the built binary, parse its JSONL.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The project root, so tests can name fixtures relative to it.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary with `args` from the project root and returns its raw output.
pub fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aibridge-trace"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the binary runs")
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
