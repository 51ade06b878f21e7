//! HAR archives (fixtures/har/): every LLM entry becomes a turn with `source.entry` its
//! index in `log.entries` and `timing` from the entry; pages, images, model listings and
//! telemetry are skipped and counted; HAR 1.1 and gzip'd HARs load; header values never
//! reach any output. Expected values were worked out by hand from the fixtures.

mod common;
use common::*;

use serde_json::{Value, json};

/// The turns of `har`, asserting the run succeeded and each turn points at `har`.
fn har_turns(har: &str) -> (Vec<Value>, String) {
    let (turns, stderr, code) = inspect(&[har]);
    assert_eq!(code, 0, "{stderr}");
    for t in &turns {
        assert_eq!(t["source"]["path"], har);
        assert_eq!(t["source"]["section"], Value::Null);
        assert_eq!(t["source"]["interception_id"], Value::Null);
    }
    (turns, stderr)
}

fn entries(turns: &[Value]) -> Vec<u64> {
    turns
        .iter()
        .map(|t| t["source"]["entry"].as_u64().unwrap())
        .collect()
}

#[test]
fn browser_har_every_llm_entry_and_nothing_else() {
    let (turns, stderr) = har_turns("fixtures/har/browser.har");
    // 0 page, 1 image, 2 /v1/models, 6 telemetry: skipped; 3, 4, 5, 7: LLM traffic.
    assert_eq!(entries(&turns), [3, 4, 5, 7]);
    assert!(
        stderr.contains("browser.har: skipped 2 entries: no LLM API traffic"),
        "{stderr}"
    );
    assert!(
        stderr.contains("browser.har: skipped 2 entries: a JSON body"),
        "{stderr}"
    );

    // Anthropic stream: thinking, text, one tool call; the request URL has a query.
    expect_turn(
        &turns[0],
        json!({
            "api": "anthropic-messages", "streaming": true,
            "model": "claude-sonnet-4-5-20250929", "request_model": "claude-sonnet-4-5",
            "id": "msg_01HarBrowserLisbon7Qx2", "stop_reason": "tool_use", "complete": true,
            "usage": usage(512, 96, 2048, 0, Value::Null),
            "prompt": "Will I need an umbrella in Lisbon this weekend?",
            "text": "Let me check the forecast for Lisbon.",
            "thoughts": [{"source": "thinking",
                "text": "The user asks about rain in Lisbon for the weekend; I should fetch a 3-day forecast."}],
            "tool_calls": [{"id": "toolu_01LisbonForecast9Kd", "name": "get_forecast", "kind": "function",
                "arguments": {"city": "Lisbon", "days": 3}, "injected": false, "thoughts_before": 1}],
            "error": null,
            // message_start, thinking (start, 2 deltas, signature, stop), ping, text (3),
            // tool (start, 3 deltas, stop), message_delta, message_stop
            "events": events(17), "redacted_thoughts": 0,
            // startedDateTime 23:30:00.123+02:00, time, timings.wait
            "timing": {"started_at": "2025-05-01T21:30:00.123Z", "duration_ms": 2413.75, "wait_ms": 612.5}
        }),
    );
    assert_no_warnings(&turns[0]);

    // Chat blocking, its body base64-encoded in the HAR.
    expect_turn(
        &turns[1],
        json!({
            "api": "openai-chat", "streaming": false,
            "model": "gpt-4.1-mini-2025-04-14", "request_model": "gpt-4.1-mini",
            "id": "chatcmpl-HarBrowserPrimes01", "stop_reason": "stop", "complete": true,
            "usage": usage(24, 9, 0, Value::Null, 0),
            "prompt": "Name three prime numbers above 100.", "text": "101, 103 and 107.",
            "thoughts": [], "tool_calls": [], "error": null, "events": null, "redacted_thoughts": 0,
            "timing": {"started_at": "2025-05-01T21:31:01.000Z", "duration_ms": 733.0, "wait_ms": 701.4}
        }),
    );

    // HTTP 529 from the response status.
    expect_turn(
        &turns[2],
        json!({
            "api": "anthropic-messages", "streaming": false,
            "model": "claude-sonnet-4-5", "request_model": "claude-sonnet-4-5",
            "id": null, "stop_reason": null, "complete": true, "usage": null,
            "prompt": "Will I need an umbrella in Lisbon this weekend?", "text": null,
            "thoughts": [], "tool_calls": [],
            "error": {"status": 529, "type": "overloaded_error", "message": "Overloaded", "mid_stream": false},
            "events": null, "redacted_thoughts": 0,
            "timing": {"started_at": "2025-05-01T21:31:30.500Z", "duration_ms": 180.0, "wait_ms": 170.0}
        }),
    );

    // Responses stream: a reasoning summary, then a function call; no `time`-less gaps.
    expect_turn(
        &turns[3],
        json!({
            "api": "openai-responses", "streaming": true,
            "model": "gpt-5-mini-2025-08-07", "request_model": "gpt-5-mini",
            "id": "resp_68a0HarBrowserSrcList01", "stop_reason": "completed", "complete": true,
            // 180 input tokens, 64 of them cached
            "usage": usage(116, 52, 64, Value::Null, 32),
            "prompt": "What is in the src folder?", "text": null,
            "thoughts": [{"source": "reasoning_summary", "text": "**Listing the folder**\n\nI will list src first."}],
            "tool_calls": [{"id": "call_HarListSrc7", "name": "list_files", "kind": "function",
                "arguments": {"dir": "src"}, "injected": false, "thoughts_before": 1}],
            "error": null,
            // created, in_progress, reasoning (5), function call (5), completed
            "events": events(13), "redacted_thoughts": 0,
            "timing": {"started_at": "2025-05-01T21:32:00.250Z", "duration_ms": 1904.0, "wait_ms": 1203.6}
        }),
    );
}

#[test]
fn har_1_1_with_a_body_kept_gzip_compressed() {
    let (turns, stderr) = har_turns("fixtures/har/mitmproxy-1.1.har");
    assert!(stderr.is_empty(), "{stderr}");
    assert_eq!(entries(&turns), [0, 1]);
    // The stream's bytes are base64 of gzip, as the `Content-Encoding: gzip` header says.
    expect_turn(
        &turns[0],
        json!({
            "api": "openai-chat", "streaming": true, "model": "gpt-4.1", "request_model": "gpt-4.1",
            "id": "chatcmpl-HarMitmHaiku01", "stop_reason": "stop", "complete": true,
            "usage": usage(30, 7, 0, Value::Null, 0),
            "prompt": "A haiku about autumn, first line only.", "text": "Autumn leaves drift down",
            "thoughts": [], "tool_calls": [], "error": null,
            // role, 3 text chunks, finish, usage, [DONE]
            "events": events(7), "redacted_thoughts": 0,
            "timing": {"started_at": "2024-04-24T23:06:40.000Z", "duration_ms": 1520.0, "wait_ms": 700.0}
        }),
    );
    assert_no_warnings(&turns[0]);
    expect_turn(
        &turns[1],
        json!({
            "api": "openai-responses", "streaming": false,
            "model": "gpt-4.1-2025-04-14", "request_model": "gpt-4.1",
            "id": "resp_HarMitmBlocking01", "stop_reason": "completed", "complete": true,
            "usage": usage(14, 3, 0, Value::Null, 0),
            "prompt": "Capital of France? One word.", "text": "Paris.",
            "thoughts": [], "tool_calls": [], "error": null, "events": null, "redacted_thoughts": 0,
            "timing": {"started_at": "2024-04-24T23:07:00.000Z", "duration_ms": 402.0, "wait_ms": 400.0}
        }),
    );
}

#[test]
fn a_gzipped_har_reads_as_what_it_holds() {
    let (turns, _) = har_turns("fixtures/har/proxyman.har.gz");
    assert_eq!(entries(&turns), [0]);
    expect_turn(
        &turns[0],
        json!({
            "api": "anthropic-messages", "streaming": false,
            "model": "claude-haiku-4-5-20251001", "request_model": "claude-haiku-4-5",
            "id": "msg_01HarProxymanSky3", "stop_reason": "end_turn", "complete": true,
            "usage": usage(21, 17, 0, 0, Value::Null),
            "prompt": "Why is the sky blue?",
            "text": "Air molecules scatter short blue wavelengths of sunlight far more than red ones.",
            "thoughts": [], "tool_calls": [], "error": null, "events": null, "redacted_thoughts": 0,
            // 09:14:01.250+09:00 is 00:14:01.250 UTC
            "timing": {"started_at": "2025-06-02T00:14:01.250Z", "duration_ms": 954.0, "wait_ms": 870.0}
        }),
    );
}

#[test]
fn no_header_value_of_any_har_reaches_any_output() {
    for args in [
        &["inspect", "--format", "jsonl"][..],
        &["inspect", "--format", "json"],
        &["inspect", "--format", "csv", "--view", "turns"],
        &["inspect", "--format", "markdown", "--view", "all"],
        &["inspect", "--format", "table", "--view", "all", "--full"],
        &["summary", "--format", "json", "--by", "day"],
        &["validate"],
    ] {
        let mut all = args.to_vec();
        all.push("fixtures/har");
        let out = run(&all);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        for secret in ["FAKE-har", "sk-ant", "sk-proj", "org-FAKE"] {
            assert!(!text.contains(secret), "{args:?}: {secret} leaked");
        }
    }
}

#[test]
fn summary_latency_and_days_from_har_timing() {
    let out = run(&["summary", "--format", "json", "--by", "day", "fixtures/har"]);
    assert_eq!(out.status.code(), Some(0));
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    let days: Vec<&String> = s["groups"].as_object().unwrap().keys().collect();
    assert_eq!(days, ["2024-04-24", "2025-05-01", "2025-06-02"]);
    // Seven timed turns; durations 180, 402, 733, 954, 1520, 1904, 2413.75.
    let latency = &s["latency"];
    assert_eq!(latency["turns"], 7);
    assert_eq!(
        latency["duration_ms"],
        json!({"p50": 954.0, "p95": 2413.75, "max": 2413.75})
    );
    // Waits 170, 400, 612.5, 700, 701.4, 870, 1203.6.
    assert_eq!(
        latency["wait_ms"],
        json!({"p50": 700.0, "p95": 1203.6, "max": 1203.6})
    );
    assert_eq!(s["groups"]["2025-05-01"]["latency"]["turns"], 4);
}

#[test]
fn an_api_entry_without_its_request_body_still_gives_its_error() {
    // A recorder that dropped `postData` (browsers do for large bodies) still kept the
    // URL: the path tells the API, so a gateway's HTML 502 is that call's error.
    let dir = scratch("har-no-post-data");
    let har = dir.join("no-post-data.har");
    let entry = json!({
        "startedDateTime": "2025-01-01T00:00:00Z",
        "time": 1,
        "request": {"method": "POST", "url": "https://api.anthropic.com/v1/messages", "headers": []},
        "response": {
            "status": 502,
            "headers": [{"name": "content-type", "value": "text/html"}],
            "content": {"mimeType": "text/html", "text": "<html><h1>502 Bad Gateway</h1></html>"}
        }
    });
    let doc = json!({"log": {"version": "1.2", "entries": [entry]}});
    std::fs::write(&har, doc.to_string()).unwrap();
    let (turns, stderr, code) = inspect(&[har.to_str().unwrap()]);
    assert_eq!((turns.len(), code), (1, 0), "{stderr}");
    assert_eq!(turns[0]["api"], "anthropic-messages");
    assert_eq!(turns[0]["error"]["status"], 502);
    assert_eq!(turns[0]["request"], Value::Null);
    assert_warning_contains(&turns[0], "kept no request body");
}
