//! A turn of many thoughts and many tool calls is rebuilt in memory linear in its size
//! (issue 13, defect 2): each call holds how many thoughts came before it, not their list.

mod common;
use common::*;

use std::time::{Duration, Instant};

/// An Anthropic body of `n` thinking blocks each followed by a tool_use block.
fn thoughts_and_calls(n: usize) -> String {
    let mut content = Vec::with_capacity(2 * n);
    for i in 0..n {
        content.push(format!(
            r#"{{"type":"thinking","thinking":"t{i}","signature":"s"}}"#
        ));
        content.push(format!(
            r#"{{"type":"tool_use","id":"c{i}","name":"f","input":{{}}}}"#
        ));
    }
    format!(
        r#"{{"type":"message","id":"m","model":"claude-x","role":"assistant","content":[{}],"stop_reason":"tool_use","usage":{{"input_tokens":1,"output_tokens":1}}}}"#,
        content.join(",")
    )
}

#[test]
fn twenty_thousand_thoughts_and_calls_rebuild_in_linear_memory() {
    let dir = std::env::temp_dir().join(format!(
        "aibridge-trace-thoughts-linear-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("many.json");
    std::fs::write(&file, thoughts_and_calls(20_000)).unwrap();
    let path = file.to_str().unwrap();
    // Held as lists, the 400M indices took over 2 GB and aborted; as counts, this is a
    // 2 MB body. The bound is generous: a debug build on a loaded 2-core machine.
    for args in [vec!["summary", path], vec!["validate", path]] {
        let start = Instant::now();
        let out = run(&args);
        let took = start.elapsed();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {:?} {stderr}",
            out.status
        );
        assert!(!stderr.contains("memory"), "{args:?}: {stderr}");
        assert!(took < Duration::from_secs(60), "{args:?} took {took:?}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn thoughts_before_still_prints_as_the_list_of_earlier_thoughts() {
    let dir = std::env::temp_dir().join(format!(
        "aibridge-trace-thoughts-list-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("three.json");
    std::fs::write(&file, thoughts_and_calls(3)).unwrap();
    let (turns, stderr, code) = inspect(&[file.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let lists: Vec<&serde_json::Value> = turns[0]["tool_calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|call| &call["thoughts_before"])
        .collect();
    // Call i comes after thoughts 0..=i.
    assert_eq!(
        lists,
        [
            &serde_json::json!([0]),
            &serde_json::json!([0, 1]),
            &serde_json::json!([0, 1, 2])
        ]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
