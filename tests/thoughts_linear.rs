//! A turn of many thoughts and many tool calls is rebuilt, and printed in every format, in
//! memory and output linear in its size (issue 13, defect 2; hostile run M0): each call holds
//! how many thoughts came before it, not their list, and the tools and thoughts views show
//! each thought once.

mod common;
use common::*;

use std::time::{Duration, Instant};

/// An Anthropic body of `blocks`: `t:NAME` a thinking block, `c:NAME` a tool_use block.
fn body(blocks: &[String]) -> String {
    let content: Vec<String> = blocks
        .iter()
        .enumerate()
        .map(|(i, block)| match block.split_once(':') {
            Some(("t", text)) => {
                format!(r#"{{"type":"thinking","thinking":"{text}","signature":"s"}}"#)
            }
            Some(("c", name)) => {
                format!(r#"{{"type":"tool_use","id":"c{i}","name":"{name}","input":{{}}}}"#)
            }
            _ => panic!("no block {block}"),
        })
        .collect();
    format!(
        r#"{{"type":"message","id":"m","model":"claude-x","role":"assistant","content":[{}],"stop_reason":"tool_use","usage":{{"input_tokens":1,"output_tokens":1}}}}"#,
        content.join(",")
    )
}

/// `n` thinking blocks each followed by a tool_use block.
fn thoughts_and_calls(n: usize) -> String {
    let blocks: Vec<String> = (0..n)
        .flat_map(|i| [format!("t:t{i}"), "c:f".into()])
        .collect();
    body(&blocks)
}

/// Writes `content` as `name` in a scratch folder for `test`, returning its path.
fn write(test: &str, name: &str, content: &str) -> String {
    let file = scratch(test).join(name);
    std::fs::write(&file, content).unwrap();
    file.to_str().unwrap().to_string()
}

fn stdout(args: &[&str]) -> String {
    let out = run(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{args:?}: {stderr}"
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn twenty_thousand_thoughts_and_calls_rebuild_in_linear_memory() {
    let path = write("thoughts-linear", "many.json", &thoughts_and_calls(20_000));
    // Held as lists, the 400M indices took over 2 GB and aborted; as counts, this is a
    // 2 MB body. The bound is generous: a debug build on a loaded 2-core machine.
    for args in [vec!["summary", &path], vec!["validate", &path]] {
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
}

#[test]
fn every_format_prints_thoughts_and_calls_in_linear_size() {
    // 5,000 of each, 0.6 MB: listing every earlier thought on every call gave 58 MB of
    // JSONL and 195 MB of csv tools view. Each format now prints each thought and call a
    // bounded number of times: well under 20 bytes of output per byte of input.
    let input = thoughts_and_calls(5_000);
    let path = write("thoughts-linear-formats", "many.json", &input);
    let formats: [&[&str]; 11] = [
        &["-f", "jsonl"],
        &["-f", "json"],
        &["-f", "csv", "--view", "tools"],
        &["-f", "csv", "--view", "thoughts"],
        &["-f", "table", "--view", "all", "--full"],
        &["-f", "markdown", "--view", "all", "--full"],
        &["-f", "markdown", "--view", "transcript"],
        &["-f", "table", "--view", "transcript"],
        &["-f", "table", "--view", "sessions"],
        &["-f", "otlp"],
        &["-f", "otlp", "--otel-content"],
    ];
    for format in formats {
        let mut args = vec!["inspect"];
        args.extend_from_slice(format);
        args.push(&path);
        let start = Instant::now();
        let printed = stdout(&args).len();
        let took = start.elapsed();
        assert!(
            printed < 20 * input.len(),
            "{format:?}: {printed} bytes from {}",
            input.len()
        );
        assert!(took < Duration::from_secs(60), "{format:?} took {took:?}");
    }
}

#[test]
fn thoughts_before_prints_as_the_count_of_earlier_thoughts() {
    let path = write("thoughts-count", "three.json", &thoughts_and_calls(3));
    let (turns, stderr, code) = inspect(&[&path]);
    assert_eq!(code, 0, "{stderr}");
    let counts: Vec<&serde_json::Value> = turns[0]["tool_calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|call| &call["thoughts_before"])
        .collect();
    // Call i comes after thoughts 0..=i.
    assert_eq!(counts, [1, 2, 3]);
}

#[test]
fn thoughts_before_reads_back_from_the_count_and_from_the_old_list() {
    let path = write("thoughts-read-back", "three.json", &thoughts_and_calls(3));
    let jsonl = stdout(&["inspect", "-f", "jsonl", &path]);
    assert!(jsonl.contains(r#""thoughts_before":3"#), "{jsonl}");
    // JSONL printed by earlier versions lists the indices.
    let old = jsonl.replace(r#""thoughts_before":3"#, r#""thoughts_before":[0,1,2]"#);
    for (name, text) in [("new.jsonl", &jsonl), ("old.jsonl", &old)] {
        let file = scratch(&format!("thoughts-read-back-{name}")).join(name);
        std::fs::write(&file, text).unwrap();
        let (turns, stderr, code) = inspect(&[file.to_str().unwrap()]);
        assert_eq!(code, 0, "{name}: {stderr}");
        let calls = turns[0]["tool_calls"].as_array().unwrap();
        let counts: Vec<&serde_json::Value> =
            calls.iter().map(|call| &call["thoughts_before"]).collect();
        assert_eq!(counts, [1, 2, 3], "{name}");
    }
}

/// Thoughts t0 and t1, parallel calls a and b, thought t2, call c.
fn parallel() -> String {
    let blocks = ["t:t0", "t:t1", "c:a", "c:b", "t:t2", "c:c"];
    body(&blocks.map(String::from))
}

#[test]
fn tools_view_shows_each_thought_once_on_the_first_call_after_it() {
    let path = write("thoughts-tools-view", "parallel.json", &parallel());
    let csv = stdout(&["inspect", "-f", "csv", "--view", "tools", &path]);
    let rows: Vec<&str> = csv.split("\r\n").collect();
    let tail = |row: &str| row.split_once(",no,{},").unwrap().1.to_string();
    assert_eq!(
        tail(rows[1]),
        "\"thinking: t0\nthinking: t1\n(shared by 2 parallel calls)\""
    );
    // b shares a's thoughts: they are not listed again.
    assert_eq!(tail(rows[2]), "");
    // c came after t2 only since b.
    assert_eq!(tail(rows[3]), "thinking: t2");
    let table = stdout(&["inspect", "-f", "table", "--view", "tools", "--wide", &path]);
    let lines: Vec<&str> = table.lines().collect();
    assert!(
        lines[3].ends_with("thinking: t0 · thinking: t1 · (shared by 2 parallel calls)"),
        "{table}"
    );
    assert!(lines[4].ends_with("same as above"), "{table}");
    assert!(lines[5].ends_with("thinking: t2"), "{table}");
}

#[test]
fn thoughts_view_names_each_call_once_after_the_thought_right_before_it() {
    let path = write("thoughts-thoughts-view", "parallel.json", &parallel());
    let csv = stdout(&["inspect", "-f", "csv", "--view", "thoughts", &path]);
    let rows: Vec<&str> = csv.split("\r\n").skip(1).collect();
    let followed: Vec<&str> = rows
        .iter()
        .filter_map(|row| row.split_once(",2,").map(|(_, rest)| rest))
        .collect();
    assert_eq!(followed, ["t0,", "t1,\"a, b\"", "t2,c"], "{csv}");
}
