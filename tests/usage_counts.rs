//! Bad usage counts (issue 13, defect 10): a count that is no whole, non-negative number
//! within u64 (`1e400`, `-1`, `2^64`, `12.5`, `"12"`) costs only itself, never its event
//! or body; the earlier count is kept; `inspect` warns naming the field and the line, and
//! `validate` reports it under `usage-invalid` (it is there, so not `usage-missing`).

mod common;
use common::*;

use serde_json::{Value, json};

/// Writes `body` as the HTTP response `name` (an event stream when `stream`) in a scratch
/// folder, and returns its path.
fn capture(name: &str, stream: bool, body: &str) -> String {
    // Shared by this binary's tests, each writing its own names: not wiped per test.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("usage_counts");
    std::fs::create_dir_all(&dir).unwrap();
    let kind = if stream {
        "text/event-stream"
    } else {
        "application/json"
    };
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!("HTTP/1.1 200 OK\nContent-Type: {kind}\n\n{body}"),
    )
    .unwrap();
    path.to_str().unwrap().to_string()
}

fn one_turn(path: &str) -> Value {
    let (turns, stderr, code) = inspect(&[path]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(turns.len(), 1);
    turns[0].clone()
}

/// The warnings of `turn` about usage.
fn usage_warnings(turn: &Value) -> Vec<&str> {
    turn["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .filter(|w| w.contains("usage `"))
        .collect()
}

/// `validate`'s finding lines about usage counts (a blocking body starts on line 4, below
/// the HTTP head).
fn findings(path: &str) -> Vec<String> {
    let out = run(&["validate", path]);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains("error[usage-invalid]"))
        .map(|l| l.replace(path, "FILE"))
        .collect()
}

#[test]
fn anthropic_stream_keeps_the_stop_reason_and_earlier_counts_past_bad_counts() {
    let path = capture(
        "anthropic.http",
        true,
        "event: message_start\n\
         data: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"claude-x\",\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}\n\n\
         event: message_delta\n\
         data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":1e400,\"input_tokens\":-1}}\n\n\
         event: message_stop\n\
         data: {\"type\":\"message_stop\"}\n\n",
    );
    let turn = one_turn(&path);
    // The message_delta is kept: its stop reason too.
    assert_eq!(turn["stop_reason"], "end_turn");
    assert_eq!(turn["complete"], true);
    assert_eq!(
        (&turn["usage"]["input"], &turn["usage"]["output"]),
        (&json!(10), &json!(1))
    );
    assert_eq!(
        usage_warnings(&turn),
        [
            "line 7: usage `input_tokens` is -1, not a whole non-negative count; the earlier count is kept",
            "line 7: usage `output_tokens` is 1e400, not a whole non-negative count; the earlier count is kept",
        ]
    );
    assert_eq!(
        findings(&path),
        [
            "FILE:7: error[usage-invalid]: message_delta usage `input_tokens` is -1, not a whole non-negative count",
            "FILE:7: error[usage-invalid]: message_delta usage `output_tokens` is 1e400, not a whole non-negative count",
        ]
    );
}

#[test]
fn anthropic_body_leaves_out_bad_counts_and_keeps_the_rest() {
    let path = capture(
        "anthropic.json.http",
        false,
        r#"{"type":"message","id":"m","model":"claude-x","role":"assistant","content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn","usage":{"input_tokens":"12","output_tokens":2e999,"cache_read_input_tokens":12.5}}"#,
    );
    let turn = one_turn(&path);
    assert_eq!(turn["stop_reason"], "end_turn");
    assert_eq!(turn["text"], "hi");
    assert_eq!(
        (&turn["usage"]["input"], &turn["usage"]["output"]),
        (&Value::Null, &Value::Null)
    );
    assert_eq!(
        usage_warnings(&turn),
        [
            "usage `input_tokens` is \"12\", not a whole non-negative count; left out",
            "usage `output_tokens` is 2e999, not a whole non-negative count; left out",
            "usage `cache_read_input_tokens` is 12.5, not a whole non-negative count; left out",
        ]
    );
    assert_eq!(findings(&path).len(), 3, "{:?}", findings(&path));
}

#[test]
fn chat_stream_keeps_earlier_counts_past_bad_counts() {
    let path = capture(
        "chat.http",
        true,
        "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7}}\n\n\
         data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-x\",\"choices\":[],\"usage\":{\"prompt_tokens\":18446744073709551616,\"completion_tokens\":1e400,\"total_tokens\":7}}\n\n\
         data: [DONE]\n\n",
    );
    let turn = one_turn(&path);
    assert_eq!(turn["stop_reason"], "stop");
    assert_eq!(
        (&turn["usage"]["input"], &turn["usage"]["output"]),
        (&json!(5), &json!(2))
    );
    assert_eq!(
        usage_warnings(&turn),
        [
            "line 6: usage `prompt_tokens` is a count past 18,446,744,073,709,551,615, the largest one this tool holds; the earlier count is kept",
            "line 6: usage `completion_tokens` is 1e400, not a whole non-negative count; the earlier count is kept",
        ]
    );
    assert_eq!(findings(&path).len(), 2, "{:?}", findings(&path));
}

#[test]
fn chat_body_leaves_out_bad_counts_and_keeps_the_rest() {
    let path = capture(
        "chat.json.http",
        false,
        r#"{"id":"c","object":"chat.completion","model":"gpt-x","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":-1,"total_tokens":1e400,"prompt_tokens_details":{"cached_tokens":"2"}}}"#,
    );
    let turn = one_turn(&path);
    assert_eq!(turn["stop_reason"], "stop");
    assert_eq!(turn["text"], "hi");
    // The cached count is left out: the prompt's 5 are all uncached input.
    assert_eq!(
        (
            &turn["usage"]["input"],
            &turn["usage"]["output"],
            &turn["usage"]["cache_read"]
        ),
        (&json!(5), &Value::Null, &Value::Null)
    );
    assert_eq!(
        usage_warnings(&turn),
        [
            "usage `completion_tokens` is -1, not a whole non-negative count; left out",
            "usage `total_tokens` is 1e400, not a whole non-negative count; left out",
            "usage `prompt_tokens_details.cached_tokens` is \"2\", not a whole non-negative count; left out",
        ]
    );
    assert_eq!(findings(&path).len(), 3, "{:?}", findings(&path));
}

#[test]
fn responses_stream_keeps_the_terminal_event_and_earlier_counts_past_bad_counts() {
    let path = capture(
        "responses.http",
        true,
        "event: response.in_progress\n\
         data: {\"type\":\"response.in_progress\",\"response\":{\"id\":\"r\",\"model\":\"gpt-x\",\"status\":\"in_progress\",\"output\":[],\"usage\":{\"input_tokens\":5,\"output_tokens\":3}}}\n\n\
         event: response.completed\n\
         data: {\"type\":\"response.completed\",\"response\":{\"id\":\"r\",\"model\":\"gpt-x\",\"status\":\"completed\",\"output\":[{\"type\":\"message\",\"id\":\"m\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"hi\"}]}],\"usage\":{\"input_tokens\":5,\"output_tokens\":1e400,\"output_tokens_details\":{\"reasoning_tokens\":-1}}}}\n\n",
    );
    let turn = one_turn(&path);
    assert_eq!(turn["stop_reason"], "completed");
    assert_eq!(turn["complete"], true);
    assert_eq!(turn["text"], "hi");
    assert_eq!(
        (&turn["usage"]["input"], &turn["usage"]["output"]),
        (&json!(5), &json!(3))
    );
    assert_eq!(
        usage_warnings(&turn),
        [
            "line 7: usage `output_tokens` is 1e400, not a whole non-negative count; the earlier count is kept",
            "line 7: usage `output_tokens_details.reasoning_tokens` is -1, not a whole non-negative count; the earlier count is kept",
        ]
    );
    assert_eq!(findings(&path).len(), 2, "{:?}", findings(&path));
}

#[test]
fn responses_body_leaves_out_bad_counts_and_keeps_the_rest() {
    let path = capture(
        "responses.json.http",
        false,
        r#"{"id":"r","object":"response","model":"gpt-x","status":"completed","output":[{"type":"message","id":"m","role":"assistant","content":[{"type":"output_text","text":"hi"}]}],"usage":{"input_tokens":1e400,"output_tokens":4}}"#,
    );
    let turn = one_turn(&path);
    assert_eq!(turn["stop_reason"], "completed");
    assert_eq!(turn["text"], "hi");
    assert_eq!(
        (&turn["usage"]["input"], &turn["usage"]["output"]),
        (&Value::Null, &json!(4))
    );
    assert_eq!(
        usage_warnings(&turn),
        ["usage `input_tokens` is 1e400, not a whole non-negative count; left out"]
    );
    assert_eq!(
        findings(&path),
        [
            "FILE:4: error[usage-invalid]: the response usage `input_tokens` is 1e400, not a whole non-negative count"
        ]
    );
}

#[test]
fn bad_counts_in_many_events_are_listed_for_the_first_then_counted() {
    // Each event's bad counts were a warning apiece, held to the end of the run: an 80 MB
    // stream of them peaked at 403 MB (hostile run 11). Listed for the first 20 events now.
    let delta = "event: message_delta\n\
         data: {\"type\":\"message_delta\",\"delta\":{},\"usage\":{\"output_tokens\":-1,\"input_tokens\":\"x\"}}\n\n";
    let path = capture(
        "many_bad.http",
        true,
        &format!(
            "event: message_start\n\
             data: {{\"type\":\"message_start\",\"message\":{{\"id\":\"m\",\"model\":\"claude-x\",\"usage\":{{\"input_tokens\":10,\"output_tokens\":1}}}}}}\n\n\
             {}event: message_stop\ndata: {{\"type\":\"message_stop\"}}\n\n",
            delta.repeat(1_000)
        ),
    );
    let turn = one_turn(&path);
    let warnings = usage_warnings(&turn);
    assert_eq!(warnings.len(), 40, "{warnings:?}");
    let more: Vec<&str> = turn["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .filter(|w| w.starts_with("and "))
        .collect();
    assert_eq!(
        more,
        [
            "and 980 more events whose usage holds counts that are no whole non-negative counts \
          (the first at line 67); the earlier counts are kept"
        ]
    );
}

#[test]
fn a_bad_count_is_quoted_redacted() {
    // A count that is a string was quoted as the capture gave it (hostile run 11).
    let path = capture(
        "secret_count.json.http",
        false,
        r#"{"id":"m","type":"message","role":"assistant","model":"claude-x","content":[],"stop_reason":"end_turn","usage":{"input_tokens":"sk-ant-api03-ZQXN11abcdefghijklmnopqrstuv","output_tokens":{"api_key":"hunter2hunter2"}}}"#,
    );
    let turn = one_turn(&path);
    let text = format!("{:?} {:?}", usage_warnings(&turn), findings(&path));
    assert!(
        !text.contains("ZQXN11") && !text.contains("hunter2") && text.contains("sk-"),
        "{text}"
    );
}

/// A blocking Anthropic answer claiming counts near the top of u64, read three times.
fn huge_counts() -> String {
    capture(
        "huge_counts.http",
        false,
        r#"{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"x"}],"stop_reason":"end_turn","usage":{"input_tokens":9223372036854775807,"output_tokens":18446744073709551615}}"#,
    )
}

#[test]
fn totals_past_the_largest_u64_are_exact_not_stopped_at_it() {
    let path = huge_counts();
    let paths = [path.as_str(), path.as_str(), path.as_str()];
    // 3 × (2^63−1) and 3 × (2^64−1): both past 2^64−1, where a 64-bit sum would stop.
    let (input, output) = ("27670116110564327421", "55340232221128654845");

    let json = run(&[&["summary", "--format", "json"][..], &paths].concat());
    let json = String::from_utf8(json.stdout).unwrap();
    assert!(json.contains(&format!("\"input\": {input},")), "{json}");
    assert!(json.contains(&format!("\"output\": {output},")), "{json}");

    let table = run(&[&["summary"][..], &paths].concat());
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(table.contains("27,670,116,110,564,327,421"), "{table}");
    assert!(table.contains("55,340,232,221,128,654,845"), "{table}");

    let turns = run(&[&["inspect", "--format", "table", "--wide"][..], &paths].concat());
    let turns = String::from_utf8(turns.stdout).unwrap();
    let total = turns
        .lines()
        .find(|l| l.contains("total (3 turns)"))
        .unwrap();
    assert!(total.contains("27,670,116,110,564,327,421"), "{total}");

    let sessions = run(&[
        "inspect", "--view", "sessions", "--format", "csv", &path, &path,
    ]);
    let sessions = String::from_utf8(sessions.stdout).unwrap();
    assert!(
        sessions.contains("9223372036854775807,18446744073709551615"),
        "{sessions}"
    );
}

#[test]
fn an_otlp_count_past_its_signed_64_bits_is_left_out_not_clamped() {
    let path = huge_counts();
    let out = run(&["inspect", "--format", "otlp", &path]);
    let otlp = String::from_utf8(out.stdout).unwrap();
    // The input fits as it is; the output (2^64−1) does not fit an int64.
    assert!(
        otlp.contains(r#""gen_ai.usage.input_tokens","value":{"intValue":"9223372036854775807"}"#),
        "{otlp}"
    );
    assert!(!otlp.contains("gen_ai.usage.output_tokens"), "{otlp}");
}
