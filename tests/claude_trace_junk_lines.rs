//! Lines of a claude-trace log that are no pair are named for their first 20, then counted in
//! one note at the first counted line (hostile run 18, D3). Each made a note of its own,
//! held and printed: 3,000,000 two-byte junk lines took 288–510 MB and printed 3,000,000
//! lines. The input still fails, and `validate` still counts every one.

mod common;
use common::*;

const PAIR: &str = r#"{"request":{"timestamp":1759300000.1,"method":"POST","url":"https://api.anthropic.com/v1/messages","headers":{},"body":{"model":"claude-haiku-4-5","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}},"response":{"timestamp":1759300000.6,"status_code":200,"headers":{"content-type":"application/json"},"body":{"id":"msg_1","type":"message","role":"assistant","model":"claude-haiku-4-5","content":[{"type":"text","text":"ok"}],"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":1}}},"logged_at":"2025-10-01T06:26:40.700Z"}"#;

const JUNK: usize = 100_000;

/// The log in a scratch folder named `name`: tests run side by side.
fn junk_log(name: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    let file = dir.join("log.jsonl");
    std::fs::write(&file, format!("{PAIR}\n{}", "x\n".repeat(JUNK))).unwrap();
    file
}

#[test]
fn junk_lines_of_a_log_are_named_twenty_times_then_counted() {
    let file = junk_log("inspect");
    let (turns, stderr, code) = inspect(&[file.to_str().unwrap()]);
    assert_eq!((turns.len(), code), (1, 1), "{stderr}");
    assert_eq!(turns[0]["text"], "ok");
    let notes: Vec<&str> = stderr.lines().filter(|l| l.contains("[entry ")).collect();
    assert_eq!(notes.len(), 21, "{stderr}");
    assert!(
        notes[0].ends_with("log.jsonl [entry 1]: not JSON at column 1"),
        "{stderr}"
    );
    assert!(
        notes[20].ends_with(
            "log.jsonl [entry 21]: and 99,980 more lines that are no claude-trace pair, from \
             this one on (this one: not JSON at column 1); counted, not listed one by one"
        ),
        "{stderr}"
    );
    assert!(stderr.lines().count() < 30, "{stderr}");
}

#[test]
fn validate_still_counts_every_junk_line() {
    let file = junk_log("validate");
    let out = run(&["validate", file.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.lines().count() < 30, "{stdout}");
    assert!(stdout.contains(&format!("({JUNK} errors")), "{stdout}");
}
