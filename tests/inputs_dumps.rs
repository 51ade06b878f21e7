//! Gateway dump pairs (fixtures/dumps/, aibridge's apidump layout): `NAME.req.txt` and
//! `NAME.resp.txt` are one turn, `NAME.req_error.txt` a turn whose error is its text;
//! provider, interception id and start time come from the path. Expected values were
//! worked out by hand from the fixtures.

mod common;
use common::*;

use serde_json::{Value, json};

const SONNET: &str =
    "fixtures/dumps/anthropic/claude-sonnet-4-5/1746180000123-2b7e4c1a-93d5-4f0e-8a61-0c3b5d9e7f21";
/// A broken capture, so kept with the test data rather than the fixtures.
const HAIKU: &str = "tests/data/inputs/dumps/anthropic/claude-haiku-4-5/1746180060500-7c1f0e2d-5a4b-4c3d-9e8f-1a2b3c4d5e6f";
const DEEPSEEK: &str =
    "fixtures/dumps/openai/deepseek-chat/1746180120000-0e9d8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b";
const GPT5: &str = "fixtures/dumps/openai/gpt-5/1746180180250-4d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a";
const MINI: &str =
    "fixtures/dumps/openai/gpt-4o-mini/1746180240000-9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";

/// The source a dump turn must carry.
fn source(path: String, provider: &str) -> Value {
    let id = path.rsplit('/').next().unwrap().split_once('-').unwrap().1;
    let id = id.split('.').next().unwrap();
    json!({"path": path, "section": null, "entry": null, "interception_id": id, "provider": provider})
}

fn timing(started_at: &str) -> Value {
    json!({"started_at": started_at, "duration_ms": null, "wait_ms": null})
}

fn one(path: &str) -> Value {
    let (turns, stderr, code) = inspect(&[path]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(turns.len(), 1, "{path}: {stderr}");
    turns.into_iter().next().unwrap()
}

#[test]
fn a_pair_is_one_turn_in_walk_order() {
    let (turns, stderr, code) = inspect(&["fixtures/dumps"]);
    assert_eq!(code, 0, "{stderr}");
    let paths: Vec<&str> = turns
        .iter()
        .map(|t| t["source"]["path"].as_str().unwrap())
        .collect();
    let resp = |stem: &str| format!("{stem}.resp.txt");
    assert_eq!(
        paths,
        [
            resp(SONNET),
            resp(DEEPSEEK),
            resp(MINI),
            format!("{GPT5}.req_error.txt")
        ]
    );
    // The passthrough model listing is no turn.
    assert!(stderr.contains("passthrough/1746180300000-"), "{stderr}");
    assert!(stderr.contains("skipped"), "{stderr}");
}

#[test]
fn anthropic_stream_with_an_injected_tool() {
    let turn = one(&format!("{SONNET}.resp.txt"));
    assert_eq!(
        turn["source"],
        source(format!("{SONNET}.resp.txt"), "anthropic")
    );
    expect_turn(
        &turn,
        json!({
            "api": "anthropic-messages", "streaming": true,
            "model": "claude-sonnet-4-5-20250929", "request_model": "claude-sonnet-4-5",
            "id": "msg_01DumpSonnetWorkspaces", "stop_reason": "tool_use", "complete": true,
            "usage": usage(1432, 58, 0, 1200, Value::Null),
            "prompt": "Which of my workspaces are running?",
            "text": "I'll look up your workspaces.", "thoughts": [],
            "tool_calls": [{"id": "toolu_01DumpListWs4Hq", "name": "bmcp_coder_list_workspaces",
                "kind": "function", "arguments": {"owner": "me"}, "injected": true, "thoughts_before": 0}],
            "error": null,
            // message_start, text (3), ping, tool (start, 2 deltas, stop), message_delta, message_stop
            "events": events(11), "redacted_thoughts": 0,
            "timing": timing("2025-05-02T10:00:00.123Z")
        }),
    );
    assert_no_warnings(&turn);
}

#[test]
fn naming_the_request_half_reads_the_pair() {
    let turn = one(&format!("{SONNET}.req.txt"));
    assert_eq!(turn["source"]["path"], format!("{SONNET}.resp.txt"));
    assert_eq!(turn["prompt"], "Which of my workspaces are running?");
    // Both halves named: still one turn.
    let (turns, _, _) = inspect(&[&format!("{SONNET}.req.txt"), &format!("{SONNET}.resp.txt")]);
    assert_eq!(turns.len(), 1);
}

#[test]
fn a_response_cut_mid_stream_yields_what_it_holds() {
    let turn = one(&format!("{HAIKU}.resp.txt"));
    assert_eq!(
        turn["source"],
        source(format!("{HAIKU}.resp.txt"), "anthropic")
    );
    expect_turn(
        &turn,
        json!({
            "api": "anthropic-messages", "streaming": true,
            "model": "claude-haiku-4-5-20251001", "request_model": "claude-haiku-4-5",
            "id": "msg_01DumpHaikuCount", "stop_reason": null, "complete": false,
            // message_start's count; message_delta never came
            "usage": usage(18, 1, 0, 0, Value::Null),
            "prompt": "Count from one to ten in French.",
            "text": "un, deux, trois, quatre, cinq, six, ", "thoughts": [], "tool_calls": [],
            "error": null,
            // message_start, content_block_start, three whole deltas; the cut one is not counted
            "events": events(5), "redacted_thoughts": 0,
            "timing": timing("2025-05-02T10:01:00.500Z")
        }),
    );
    assert_warning_contains(&turn, "truncated");
}

#[test]
fn a_deflate_compressed_chat_stream() {
    let turn = one(&format!("{DEEPSEEK}.resp.txt"));
    assert_eq!(
        turn["source"],
        source(format!("{DEEPSEEK}.resp.txt"), "openai")
    );
    expect_turn(
        &turn,
        json!({
            "api": "openai-chat", "streaming": true,
            "model": "deepseek-chat", "request_model": "deepseek-chat",
            "id": "chatcmpl-DumpDeepseekPrime", "stop_reason": "stop", "complete": true,
            "usage": usage(12, 40, 0, Value::Null, 24),
            "prompt": "Is 221 prime?", "text": "No: 221 = 13 × 17.",
            "thoughts": [{"source": "reasoning_content", "text": "221 ends in 1; try 13: 13 × 17 = 221."}],
            "tool_calls": [], "error": null,
            // role, 2 reasoning, 2 text, finish, usage, [DONE]
            "events": events(8), "redacted_thoughts": 0,
            "timing": timing("2025-05-02T10:02:00.000Z")
        }),
    );
    assert_no_warnings(&turn);
}

#[test]
fn a_failed_upstream_call_is_a_turn_with_its_error() {
    let turn = one(&format!("{GPT5}.req_error.txt"));
    assert_eq!(
        turn["source"],
        source(format!("{GPT5}.req_error.txt"), "openai")
    );
    expect_turn(
        &turn,
        json!({
            "api": "openai-responses", "streaming": false,
            "model": "gpt-5", "request_model": "gpt-5",
            "id": null, "stop_reason": null, "complete": true, "usage": null,
            "prompt": "Summarise the release notes.", "text": null, "thoughts": [], "tool_calls": [],
            "error": {"status": null, "type": null, "mid_stream": false,
                "message": "Post \"https://api.openai.com/v1/responses\": dial tcp: lookup api.openai.com on 127.0.0.53:53: server misbehaving"},
            "events": null, "redacted_thoughts": 0,
            "timing": timing("2025-05-02T10:03:00.250Z")
        }),
    );
}

#[test]
fn an_http_400_from_upstream() {
    let turn = one(&format!("{MINI}.resp.txt"));
    expect_turn(
        &turn,
        json!({
            "api": "openai-chat", "streaming": false,
            "model": "gpt-4o-mini", "request_model": "gpt-4o-mini",
            "id": null, "stop_reason": null, "complete": true, "usage": null,
            "prompt": "hi", "text": null, "thoughts": [], "tool_calls": [],
            "error": {"status": 400, "type": "invalid_request_error", "mid_stream": false,
                "message": "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 3 instead."},
            "events": null, "redacted_thoughts": 0,
            "timing": timing("2025-05-02T10:04:00.000Z")
        }),
    );
}

#[test]
fn masked_header_values_never_reach_any_output() {
    for format in ["jsonl", "table", "markdown"] {
        let out = run(&[
            "inspect",
            "--format",
            format,
            "--view",
            "all",
            "fixtures/dumps",
        ]);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        for secret in ["sk-a...0031", "Bear...0032", "_cf...0033", "0031", "0032"] {
            assert!(!text.contains(secret), "{format}: {secret} leaked");
        }
    }
}

#[test]
fn summary_by_day_places_dumps_on_their_day() {
    let out = run(&[
        "summary",
        "--format",
        "json",
        "--by",
        "day",
        "fixtures/dumps",
    ]);
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s["groups"]["2025-05-02"]["turns"], 4);
    // Dumps carry a start time, no durations.
    assert_eq!(
        s["latency"],
        json!({"turns": 4, "duration_ms": null, "wait_ms": null})
    );
}

#[test]
fn a_compressed_half_pairs_as_a_plain_one() {
    // Hostile run 39: `NAME.resp.txt.gz` beside `NAME.req.txt` was read alone, and the
    // request half said to have no response.
    use std::io::Write;
    let gzip = |data: &[u8]| {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    };
    let plain = one(&format!("{SONNET}.resp.txt"));
    let name = SONNET.rsplit('/').next().unwrap();
    for (request, response) in [(".req.txt", ".resp.txt.gz"), (".req.txt.gz", ".resp.txt")] {
        let dir = scratch(&format!("dump-gz{request}"));
        let folder = dir.join("anthropic/claude-sonnet-4-5");
        std::fs::create_dir_all(&folder).unwrap();
        for (plain_suffix, suffix) in [(".req.txt", request), (".resp.txt", response)] {
            let data = std::fs::read(root().join(format!("{SONNET}{plain_suffix}"))).unwrap();
            let data = match suffix.ends_with(".gz") {
                true => gzip(&data),
                false => data,
            };
            std::fs::write(folder.join(format!("{name}{suffix}")), data).unwrap();
        }
        let (turns, stderr, code) = inspect(&[dir.to_str().unwrap()]);
        assert_eq!((code, turns.len()), (0, 1), "{stderr}");
        assert!(stderr.is_empty(), "{stderr}");
        let path = folder.join(format!("{name}{response}"));
        assert_eq!(turns[0]["source"]["path"], path.to_str().unwrap());
        let mut turn = turns[0].clone();
        turn["source"] = plain["source"].clone();
        turn["session"] = plain["session"].clone();
        assert_eq!(turn, plain);
        let checked = run(&["validate", dir.to_str().unwrap()]);
        let said = String::from_utf8_lossy(&checked.stdout);
        assert!(checked.status.success(), "{said}");
        assert!(!said.contains("skipped"), "{said}");
    }
}
