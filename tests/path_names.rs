//! File names that are no UTF-8 are shown with their invalid bytes escaped (`\xFF`), not
//! as `�`, in every output and message (issue 13, item 13; hostile run C3): two names that
//! differ only in such bytes stay told apart.
#![cfg(unix)]

mod common;
use common::*;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

const BODY: &str = r#"{"type":"message","id":"m","model":"claude-x","role":"assistant","content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":1}}"#;

#[test]
fn names_that_are_no_utf8_show_their_bytes_escaped_everywhere() {
    let dir = scratch("path-names");
    for name in [&b"\xff\xfe-latin\xe9.json"[..], b"\xfe\xff-latin\xe9.json"] {
        std::fs::write(dir.join(OsStr::from_bytes(name)), BODY).unwrap();
    }
    std::fs::write(dir.join(OsStr::from_bytes(b"empty\xff.json")), "").unwrap();
    let dir = dir.to_str().unwrap();
    let first = r"\xFF\xFE-latin\xE9.json";
    let second = r"\xFE\xFF-latin\xE9.json";
    for args in [
        vec!["inspect", "-f", "jsonl", dir],
        vec!["inspect", "-f", "csv", dir],
        vec!["inspect", "-f", "markdown", "--view", "all", dir],
        vec!["inspect", "-f", "table", "--view", "all", "--wide", dir],
        vec!["inspect", "-f", "otlp", dir],
        vec!["validate", dir],
    ] {
        let out = run(&args);
        let stdout = String::from_utf8(out.stdout).unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(!stdout.contains('\u{fffd}'), "{args:?}: {stdout}");
        assert!(!stderr.contains('\u{fffd}'), "{args:?}: {stderr}");
        // JSON writes a backslash as `\\`.
        let shown =
            |name: &str| stdout.contains(name) || stdout.contains(&name.replace('\\', r"\\"));
        if args[0] == "inspect" {
            assert!(shown(first) && shown(second), "{args:?}: {stdout}");
        }
        // The empty file is named on stderr (inspect) or in the report (validate).
        assert!(
            format!("{stdout}{stderr}").contains(r"empty\xFF.json"),
            "{args:?}: {stdout} {stderr}"
        );
    }
}
