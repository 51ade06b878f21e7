//! VCR cassettes (fixtures/cassettes/), claude-trace logs (fixtures/claude-trace/) and
//! Bedrock event streams (fixtures/bedrock/): every LLM interaction, line or stream becomes a
//! turn like a HAR entry's, with `source.entry` its index; other traffic is skipped and
//! counted; `validate` reads them as `inspect` does; no header value reaches any output.
//! Expected values were worked out by hand from the fixtures.

mod common;
use common::*;

use serde_json::{Value, json};

fn entries(turns: &[Value]) -> Vec<Value> {
    turns.iter().map(|t| t["source"]["entry"].clone()).collect()
}

/// The turns of `paths`, asserting the run succeeded.
fn ok_turns(paths: &[&str]) -> (Vec<Value>, String) {
    let (turns, stderr, code) = inspect(paths);
    assert_eq!(code, 0, "{stderr}");
    (turns, stderr)
}

#[test]
fn a_vcrpy_cassette_tool_loop_telemetry_gzip_error_and_bedrock() {
    let path = "fixtures/cassettes/anthropic-tool-loop.yaml";
    let (turns, stderr) = ok_turns(&[path]);
    // 1 is a telemetry call between the LLM calls.
    assert_eq!(entries(&turns), [0, 2, 3, 4]);
    assert!(
        stderr.contains("anthropic-tool-loop.yaml: skipped 1 entry: a JSON body of no API"),
        "{stderr}"
    );
    // An SSE body as a literal block string; the request body a quoted JSON string.
    expect_turn(
        &turns[0],
        json!({
            "api": "anthropic-messages", "streaming": true,
            "model": "claude-sonnet-4-5-20250929", "request_model": "claude-sonnet-4-5",
            "id": "msg_01VcrOsloRain", "stop_reason": "tool_use", "complete": true,
            "usage": usage(310, 38, 0, 0, Value::Null),
            "prompt": "Is it raining in Oslo?", "text": null, "thoughts": [],
            "tool_calls": [{"id": "toolu_01VcrOsloWx", "name": "get_weather", "kind": "function",
                "arguments": {"city": "Oslo"}, "injected": false, "thoughts_before": 0}],
            "error": null,
            // message_start, block start, ping, one delta, block stop, message_delta, stop
            "events": events(7), "redacted_thoughts": 0, "timing": null
        }),
    );
    assert_no_warnings(&turns[0]);
    // The request a parsed_body mapping; the answer a `!!binary` gzip'd JSON body.
    expect_turn(
        &turns[1],
        json!({
            "api": "anthropic-messages", "streaming": false,
            "model": "claude-sonnet-4-5-20250929", "request_model": "claude-sonnet-4-5",
            "id": "msg_01VcrOsloAnswer", "stop_reason": "end_turn", "complete": true,
            "usage": usage(402, 17, 0, 0, Value::Null),
            // The last user message holds only a tool result: no prompt of its own.
            "prompt": null,
            "text": "Yes: light rain in Oslo, 7°C. Take an umbrella.", "thoughts": [],
            "tool_calls": [], "error": null, "events": null, "redacted_thoughts": 0,
            "tool_results": [{"call_id": "toolu_01VcrOsloWx", "content": "Light rain, 7°C", "is_error": false}],
            "session": {"step": 2, "previous": {"path": path, "entry": 0}}
        }),
    );
    assert_no_warnings(&turns[1]);
    // An HTTP 529 from the cassette's status code.
    expect_turn(
        &turns[2],
        json!({
            "api": "anthropic-messages", "streaming": false,
            "model": "claude-sonnet-4-5", "request_model": "claude-sonnet-4-5",
            "id": null, "stop_reason": null, "complete": true, "usage": null,
            "prompt": "And in Bergen?", "text": null, "thoughts": [], "tool_calls": [],
            "error": {"status": 529, "type": "overloaded_error", "message": "Overloaded", "mid_stream": false},
            "events": null, "redacted_thoughts": 0
        }),
    );
    // A Bedrock event stream as `!!binary`: text, then a modelStreamErrorException.
    expect_turn(
        &turns[3],
        json!({
            "api": "anthropic-messages", "streaming": true,
            "model": "claude-sonnet-4-5-20250929",
            "request_model": "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "id": "msg_bdrk_01Fjord7Wq", "stop_reason": null, "complete": false,
            "usage": usage(120, 2, 0, 0, Value::Null),
            "prompt": "When is high tide in Bergen over the next two days?",
            "text": "Checking the tide ", "thoughts": [], "tool_calls": [],
            "error": {"status": null, "type": "modelStreamErrorException",
                "message": "The model stream failed", "mid_stream": true},
            "events": events(4), "redacted_thoughts": 0
        }),
    );
}

#[test]
fn a_go_vcr_cassette_gzipped_on_disk() {
    let (turns, _) = ok_turns(&["fixtures/cassettes/openai-chat-go-vcr.yaml.gz"]);
    assert_eq!(entries(&turns), [0]);
    expect_turn(
        &turns[0],
        json!({
            "api": "openai-chat", "streaming": false,
            "model": "gpt-4o-mini-2024-07-18", "request_model": "gpt-4o-mini",
            "id": "chatcmpl-GoVcr42", "stop_reason": "tool_calls", "complete": true,
            "usage": usage(52, 15, Value::Null, Value::Null, Value::Null),
            "prompt": "Convert 12 km to miles.", "text": null, "thoughts": [],
            "tool_calls": [{"id": "call_GoVcrKm", "name": "convert", "kind": "function",
                "arguments": {"km": 12}, "injected": false, "thoughts_before": 0}],
            "error": null, "events": null, "redacted_thoughts": 0
        }),
    );
}

#[test]
fn a_claude_trace_log_line_by_line_with_timing_and_threading() {
    let path = "fixtures/claude-trace/log-2025-10-01-06-26-40.jsonl";
    let (turns, _) = ok_turns(&[path]);
    assert_eq!(entries(&turns), [0, 1, 2, 3]);
    // A small blocking call (a title), its body JSON the recorder parsed. Sent at
    // 1759300000.125 s, head at .655 (530 ms), logged at 06:26:40.700 (575 ms).
    expect_turn(
        &turns[0],
        json!({
            "api": "anthropic-messages", "streaming": false,
            "model": "claude-haiku-4-5-20251001", "request_model": "claude-haiku-4-5-20251001",
            "id": "msg_01TraceTitle", "stop_reason": "end_turn", "complete": true,
            "usage": usage(28, 6, 0, 0, Value::Null),
            "prompt": "Write a 3-word title for: fix the flaky test", "text": "Fix Flaky Test",
            "thoughts": [], "tool_calls": [], "error": null, "events": null, "redacted_thoughts": 0,
            "timing": {"started_at": "2025-10-01T06:26:40.125Z", "duration_ms": 575.0, "wait_ms": 530.0},
            "session": {"step": 1, "previous": null}
        }),
    );
    // The main loop, streamed (`body_raw`): a thought, then a Bash call.
    expect_turn(
        &turns[1],
        json!({
            "api": "anthropic-messages", "streaming": true,
            "model": "claude-sonnet-4-5-20250929", "request_model": "claude-sonnet-4-5-20250929",
            "id": "msg_01TraceLoop1", "stop_reason": "tool_use", "complete": true,
            "usage": usage(9, 64, 12000, 1800, Value::Null),
            "prompt": "fix the flaky test in tests/io.rs", "text": null,
            "thoughts": [{"source": "thinking", "text": "Run the test a few times first."}],
            "tool_calls": [{"id": "toolu_01TraceBash", "name": "Bash", "kind": "function",
                "arguments": {"command": "cargo test io -- --test-threads=1"},
                "injected": false, "thoughts_before": 1}],
            "error": null, "events": events(10), "redacted_thoughts": 0,
            "timing": {"started_at": "2025-10-01T06:26:41.000Z", "duration_ms": 3250.0, "wait_ms": 500.0},
            "session": {"step": 1, "previous": null}
        }),
    );
    // Its follow-up replays the call and answers it: the session's second step.
    expect_turn(
        &turns[2],
        json!({
            "api": "anthropic-messages", "streaming": true,
            "model": "claude-sonnet-4-5-20250929", "request_model": "claude-sonnet-4-5-20250929",
            "id": "msg_01TraceLoop2", "stop_reason": "end_turn", "complete": true,
            "usage": usage(40, 19, 13800, 150, Value::Null),
            "prompt": null,
            "text": "The test passes on its own; it races on a shared temp dir.",
            "thoughts": [], "tool_calls": [], "error": null, "events": events(6),
            "redacted_thoughts": 0,
            "tool_results": [{"call_id": "toolu_01TraceBash", "content": "test io::read ... ok", "is_error": false}],
            "timing": {"started_at": "2025-10-01T06:26:50.000Z", "duration_ms": 2000.0, "wait_ms": 750.0},
            "session": {"step": 2, "previous": {"path": path, "entry": 1}}
        }),
    );
    // An HTTP 429 with the error body the recorder parsed.
    expect_turn(
        &turns[3],
        json!({
            "api": "anthropic-messages", "streaming": false,
            "model": "claude-sonnet-4-5-20250929", "request_model": "claude-sonnet-4-5-20250929",
            "id": null, "stop_reason": null, "complete": true, "usage": null,
            "prompt": "thanks", "text": null, "thoughts": [], "tool_calls": [],
            "error": {"status": 429, "type": "rate_limit_error",
                "message": "Number of requests has exceeded your rate limit", "mid_stream": false},
            "events": null, "redacted_thoughts": 0,
            "timing": {"started_at": "2025-10-01T06:27:00.000Z", "duration_ms": 300.0, "wait_ms": 250.0}
        }),
    );
}

/// Fields of a turn that say what was answered, not where or when it was captured.
fn answer(turn: &Value) -> Value {
    let mut turn = turn.clone();
    let map = turn.as_object_mut().unwrap();
    for key in [
        "source",
        "timing",
        "request_model",
        "request",
        "prompt",
        "threading",
        "session",
        "cost",
    ] {
        map.remove(key);
    }
    turn
}

#[test]
fn a_bedrock_stream_rebuilds_the_turn_of_its_sse_form() {
    let (sse, _) = ok_turns(&["fixtures/bedrock/tool-call.sse"]);
    let (http, _) = ok_turns(&["fixtures/bedrock/tool-call.http"]);
    let (har, _) = ok_turns(&["fixtures/bedrock/invoke-stream.har"]);
    assert_eq!(answer(&http[0]), answer(&sse[0]));
    assert_eq!(answer(&har[0]), answer(&sse[0]));
    expect_turn(
        &har[0],
        json!({
            "api": "anthropic-messages", "streaming": true,
            "model": "claude-sonnet-4-5-20250929",
            // The model id of the Bedrock URL, kept as Bedrock spells it.
            "request_model": "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "id": "msg_bdrk_01Fjord7Wq", "stop_reason": "tool_use", "complete": true,
            "usage": usage(120, 41, 0, 0, Value::Null),
            "prompt": "When is high tide in Bergen over the next two days?",
            "text": "Checking the tide tables for Bergen.", "thoughts": [],
            "tool_calls": [{"id": "toolu_bdrk_01Tide", "name": "get_tides", "kind": "function",
                "arguments": {"port": "Bergen", "days": 2}, "injected": false, "thoughts_before": 0}],
            "error": null, "events": events(11), "redacted_thoughts": 0,
            "timing": {"started_at": "2025-10-01T08:15:30.250Z", "duration_ms": 1530.5, "wait_ms": 420.0}
        }),
    );
    assert_no_warnings(&har[0]);
}

#[test]
fn a_bedrock_exception_is_the_turn_error_and_a_bad_crc_keeps_the_frames_before_it() {
    let (turns, _) = ok_turns(&["fixtures/bedrock/throttled-mid-stream.bin"]);
    assert_eq!(turns[0]["text"], "Checking the tide ");
    assert_eq!(
        turns[0]["error"],
        json!({"status": null, "type": "throttlingException",
            "message": "Too many requests, please wait before trying again.", "mid_stream": true})
    );
    let (turns, _) = ok_turns(&["tests/data/inputs/bedrock-corrupt-frame.bin"]);
    // Frames 1 and 2 (message_start, the text block's start) were read; frame 3 starts
    // at byte 748, the two frames' lengths.
    assert_eq!(turns[0]["events"], events(2));
    assert_eq!(turns[0]["id"], "msg_bdrk_01Fjord7Wq");
    assert_eq!(turns[0]["complete"], false);
    assert_warning_contains(
        &turns[0],
        "event-stream frame 3 at byte 748: its message CRC does not match; \
         the 2 frames before it were read",
    );
    let out = run(&["validate", "tests/data/inputs/bedrock-corrupt-frame.bin"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(
            "bedrock-corrupt-frame.bin:3: error[sse-framing]: an event-stream frame that is \
             corrupt (its message CRC does not match)"
        ),
        "{stdout}"
    );
}

#[test]
fn validate_reads_the_new_formats_as_inspect_does() {
    let out = run(&[
        "validate",
        "fixtures/cassettes",
        "fixtures/claude-trace",
        "fixtures/bedrock",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("checked 7 files: all valid"), "{stdout}");
    // A request claude-trace logged with no response (the process ended mid-call): inspect
    // skips it, validate says the capture holds no answer.
    let orphan = "tests/data/inputs/claude-trace-orphan.jsonl";
    let (turns, stderr) = ok_turns(&[orphan]);
    assert!(turns.is_empty());
    assert!(
        stderr.contains("claude-trace-orphan.jsonl: skipped 1 entry: a request, with no response"),
        "{stderr}"
    );
    let out = run(&["validate", orphan]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("error[parse-body-json]: entry 0: the response body is empty"),
        "{stdout}"
    );
}

#[test]
fn no_header_value_of_any_new_format_reaches_any_output() {
    // Every header value in these fixtures holds PLANTED (keys, cookies, AWS signatures
    // and session tokens, request ids); none is a body's.
    for args in [
        &["inspect", "--format", "jsonl"][..],
        &["inspect", "--format", "json", "--view", "sessions"],
        &["inspect", "--format", "csv", "--view", "turns"],
        &["inspect", "--format", "markdown", "--view", "all"],
        &["inspect", "--format", "table", "--view", "all", "--full"],
        &["inspect", "--format", "otlp"],
        &["summary", "--format", "json", "--by", "day"],
        &["validate"],
    ] {
        let mut all = args.to_vec();
        all.extend([
            "fixtures/cassettes",
            "fixtures/claude-trace",
            "fixtures/bedrock",
        ]);
        let out = run(&all);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!text.is_empty(), "{args:?}");
        assert!(!text.contains("PLANTED"), "{args:?}: a header value leaked");
    }
}
