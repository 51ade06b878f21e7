//! Anthropic Messages (`/v1/messages`) fixtures: every field of every turn, computed by hand
//! from the fixture files in fixtures/anthropic-messages/ and fixtures/raw/anthropic-*.
//!
//! Token arithmetic reminder: Anthropic `input_tokens` already excludes cache reads and writes,
//! so `usage.input` is `input_tokens` as is; message_delta usage is cumulative, so the final value
//! of each field is the last one seen (never a sum).

mod common;
use common::*;

use serde_json::{Value, json};

#[test]
fn simple() {
    let path = "fixtures/anthropic-messages/simple.txtar";
    let turns = turns_in_order(path, &["streaming", "non-streaming"]);
    let text = "HTTP 409 Conflict means the request could not be completed because it conflicts with the current state of the target resource, such as an edit based on a stale version.";
    let prompt = "In one sentence, what does the HTTP 409 status code mean?";

    let s = section(&turns, "streaming");
    expect_turn(
        s,
        json!({
            "source": {"path": path, "section": "streaming", "entry": null},
            "api": "anthropic-messages",
            "streaming": true,
            "model": "claude-sonnet-4-5-20250929",
            "request_model": "claude-sonnet-4-5",
            "id": "msg_01u8jzPde0IgxLd6GncfBAep",
            "stop_reason": "end_turn",
            "complete": true,
            "usage": usage(31, 32, 0, 0, Value::Null),
            "prompt": prompt,
            "text": text,
            "thoughts": [],
            "tool_calls": [],
            "error": null,
            // message_start, content_block_start, ping, 4 x text_delta, content_block_stop,
            // message_delta, message_stop
            "events": events(10),
            "redacted_thoughts": 0,
        }),
    );
    assert_no_warnings(s);

    let n = section(&turns, "non-streaming");
    expect_turn(
        n,
        json!({
            "source": {"path": path, "section": "non-streaming", "entry": null},
            "api": "anthropic-messages",
            "streaming": false,
            "model": "claude-sonnet-4-5-20250929",
            "request_model": "claude-sonnet-4-5",
            "id": "msg_01fJBd0Kh8oOOL8dKLzdocJ2",
            "stop_reason": "end_turn",
            "complete": true,
            "usage": usage(31, 34, 0, 0, Value::Null),
            "prompt": prompt,
            "text": text,
            "thoughts": [],
            "tool_calls": [],
            "error": null,
            "events": null,
            "redacted_thoughts": 0,
        }),
    );
    assert_no_warnings(n);
}

#[test]
fn thinking_interleaved() {
    let path = "fixtures/anthropic-messages/thinking_interleaved.txtar";
    let turns = turns_in_order(path, &["streaming", "non-streaming"]);
    // The user message has two text parts; the prompt is the last one.
    let prompt = "Is the checkout service healthy in production? Check before you answer.";
    let thought = "The user wants to know whether the checkout service is healthy in production. I shouldn't guess; the get_deployment_status tool can tell me. I'll call it with service=checkout and environment=production.";
    let text = "I'll check the current deployment status of the checkout service in production.";
    let args = json!({"service": "checkout", "environment": "production"});

    let s = section(&turns, "streaming");
    expect_turn(
        s,
        json!({
            "source": {"path": path, "section": "streaming", "entry": null},
            "api": "anthropic-messages",
            "streaming": true,
            "model": "claude-sonnet-4-5-20250929",
            "request_model": "claude-sonnet-4-5",
            "id": "msg_01isAjIhKtJ0RlgLKOmxgJTe",
            "stop_reason": "tool_use",
            "complete": true,
            "usage": usage(412, 146, 0, 0, Value::Null),
            "prompt": prompt,
            "text": text,
            "thoughts": [{"source": "thinking", "text": thought}],
            "tool_calls": [{
                "id": "toolu_01rEqmSM9wCZ7Uw9xfogoEmv",
                "name": "get_deployment_status",
                "kind": "function",
                "arguments": args,
                "injected": false,
            }],
            "error": null,
            // message_start, block 0 start, ping, 3 thinking_delta, signature_delta, stop (8);
            // block 1 start, 2 text_delta, stop (4); block 2 start, 3 input_json_delta, stop (5);
            // message_delta, message_stop (2)
            "events": events(19),
            "redacted_thoughts": 0,
        }),
    );
    assert_no_warnings(s);

    let n = section(&turns, "non-streaming");
    expect_turn(
        n,
        json!({
            "source": {"path": path, "section": "non-streaming", "entry": null},
            "api": "anthropic-messages",
            "streaming": false,
            "model": "claude-sonnet-4-5-20250929",
            "request_model": "claude-sonnet-4-5",
            "id": "msg_01KdNnFRIBXuDL7DxtpYlSXp",
            "stop_reason": "tool_use",
            "complete": true,
            "usage": usage(412, 151, 0, 0, Value::Null),
            "prompt": prompt,
            "text": text,
            "thoughts": [{"source": "thinking", "text": thought}],
            "tool_calls": [{
                "id": "toolu_01nEN5N1aE6PwZPf1Qh6yYTW",
                "name": "get_deployment_status",
                "kind": "function",
                "arguments": args,
                "injected": false,
            }],
            "error": null,
            "events": null,
            "redacted_thoughts": 0,
        }),
    );
    assert_no_warnings(n);
}

#[test]
fn single_tool() {
    let path = "fixtures/anthropic-messages/single_tool.txtar";
    let turns = turns_in_order(path, &["streaming", "non-streaming"]);
    let prompt = "What's the weather like in Lisbon right now, in celsius?";
    let text = "I'll look up the current weather in Lisbon for you.";
    let args = json!({"location": "Lisbon, Portugal", "unit": "celsius"});

    let s = section(&turns, "streaming");
    expect_turn(
        s,
        json!({
            "source": {"path": path, "section": "streaming", "entry": null},
            "api": "anthropic-messages",
            "streaming": true,
            "model": "claude-haiku-4-5-20251001",
            "request_model": "claude-haiku-4-5",
            "id": "msg_01fKtHF4vUCsMehGAkWvj7FA",
            "stop_reason": "tool_use",
            "complete": true,
            "usage": usage(602, 71, 0, 0, Value::Null),
            "prompt": prompt,
            "text": text,
            "thoughts": [],
            "tool_calls": [{
                "id": "toolu_01mE4lBYOvfZ8UzDzV8fUkki",
                "name": "get_weather",
                "kind": "function",
                "arguments": args,
                "injected": false,
            }],
            "error": null,
            // message_start, text start, ping, text_delta, stop (5); tool start, 4 input_json_delta,
            // stop (6); message_delta, message_stop (2)
            "events": events(13),
            "redacted_thoughts": 0,
        }),
    );
    assert_no_warnings(s);

    let n = section(&turns, "non-streaming");
    expect_turn(
        n,
        json!({
            "source": {"path": path, "section": "non-streaming", "entry": null},
            "api": "anthropic-messages",
            "streaming": false,
            "model": "claude-haiku-4-5-20251001",
            "request_model": "claude-haiku-4-5",
            "id": "msg_01c9QeWJKY40uvSwMFLZDe1f",
            "stop_reason": "tool_use",
            "complete": true,
            "usage": usage(602, 71, 0, 0, Value::Null),
            "prompt": prompt,
            "text": text,
            "thoughts": [],
            "tool_calls": [{
                "id": "toolu_01bjL5DZPjN0MEQ7wjJJibaZ",
                "name": "get_weather",
                "kind": "function",
                "arguments": args,
                "injected": false,
            }],
            "error": null,
            "events": null,
            "redacted_thoughts": 0,
        }),
    );
    assert_no_warnings(n);
}

#[test]
fn parallel_tools() {
    let path = "fixtures/anthropic-messages/parallel_tools.txtar";
    let turns = turns_in_order(path, &["streaming", "non-streaming"]);
    let prompt = "Compare the root Cargo.toml with crates/core/Cargo.toml, and list what other crates are in crates/.";
    let text = "I'll read both manifests and list the crates directory at the same time.";
    let call = |id: &str, name: &str, file: &str| json!({"id": id, "name": name, "kind": "function", "arguments": {"path": file}, "injected": false});

    let s = section(&turns, "streaming");
    expect_turn(
        s,
        json!({
            "source": {"path": path, "section": "streaming", "entry": null},
            "api": "anthropic-messages",
            "streaming": true,
            "model": "claude-opus-4-1-20250805",
            "request_model": "claude-opus-4-1",
            "id": "msg_018rESQedUStPKR0CsTy4Qwb",
            "stop_reason": "tool_use",
            "complete": true,
            "usage": usage(1284, 164, 0, 0, Value::Null),
            "prompt": prompt,
            "text": text,
            "thoughts": [],
            "tool_calls": [
                call("toolu_01UPgHV7iB3m03nbqnsGpWLu", "read_file", "Cargo.toml"),
                call("toolu_01qIA1id6Vw5DQL05HA064Gi", "read_file", "crates/core/Cargo.toml"),
                call("toolu_01IjHGb3CXlMaXZjljENUhJd", "list_directory", "crates"),
            ],
            "error": null,
            // message_start, text start, ping, 2 text_delta, stop (6); tool 1: start, 2 deltas,
            // stop (4); tool 2: start, 3 deltas, stop (5); tool 3: start, 2 deltas, stop (4);
            // message_delta, message_stop (2)
            "events": events(21),
            "redacted_thoughts": 0,
        }),
    );
    assert_no_warnings(s);

    let n = section(&turns, "non-streaming");
    expect_turn(
        n,
        json!({
            "source": {"path": path, "section": "non-streaming", "entry": null},
            "api": "anthropic-messages",
            "streaming": false,
            "model": "claude-opus-4-1-20250805",
            "request_model": "claude-opus-4-1",
            "id": "msg_018DwkNhFdnXsiVpzz63FfkC",
            "stop_reason": "tool_use",
            "complete": true,
            "usage": usage(1284, 161, 0, 0, Value::Null),
            "prompt": prompt,
            "text": text,
            "thoughts": [],
            "tool_calls": [
                call("toolu_01uRHHJEYXg4JdpmrcXgGCJb", "read_file", "Cargo.toml"),
                call("toolu_01W56eCuNGMGmSrCGIZEG8pS", "read_file", "crates/core/Cargo.toml"),
                call("toolu_01H4487q7J58m1CiAhzCueQp", "list_directory", "crates"),
            ],
            "error": null,
            "events": null,
            "redacted_thoughts": 0,
        }),
    );
    assert_no_warnings(n);
}

#[test]
fn injected_tool() {
    let path = "fixtures/anthropic-messages/injected_tool.txtar";
    let turns = turns_in_order(
        path,
        &[
            "streaming",
            "non-streaming",
            "streaming/tool-call",
            "non-streaming/tool-call",
        ],
    );
    let prompt = "Which open issues in acme/billing-api are labelled bug?";
    let text = "Let me list the open bug issues in acme/billing-api.";
    let args = json!({"owner": "acme", "repo": "billing-api", "state": "open", "labels": ["bug"]});
    let answer = "There are 2 open issues labelled bug in acme/billing-api:\n\n1. #482 — Invoice totals round half-cents incorrectly\n2. #491 — Webhook retries send duplicate receipts";

    let s = section(&turns, "streaming");
    expect_turn(
        s,
        json!({
            "source": {"path": path, "section": "streaming", "entry": null},
            "api": "anthropic-messages",
            "streaming": true,
            "model": "claude-sonnet-4-5-20250929",
            "request_model": "claude-sonnet-4-5",
            "id": "msg_01zJr4i0B3JrTAwR4y9ojflj",
            "stop_reason": "tool_use",
            "complete": true,
            "usage": usage(1137, 97, 0, 0, Value::Null),
            "prompt": prompt,
            "text": text,
            "thoughts": [],
            "tool_calls": [{
                "id": "toolu_01Xq9vLmT3cRbN7eWk2pHs4D",
                "name": "bmcp_github_list_issues",
                "kind": "function",
                "arguments": args,
                "injected": true,
            }],
            "error": null,
            // message_start, text start, ping, 2 text_delta, stop (6); tool start, 3 deltas,
            // stop (5); message_delta, message_stop (2)
            "events": events(13),
            "redacted_thoughts": 0,
        }),
    );
    assert_no_warnings(s);

    let n = section(&turns, "non-streaming");
    expect_turn(
        n,
        json!({
            "source": {"path": path, "section": "non-streaming", "entry": null},
            "api": "anthropic-messages",
            "streaming": false,
            "model": "claude-sonnet-4-5-20250929",
            "request_model": "claude-sonnet-4-5",
            "id": "msg_01oQoaF1LlqsajAIxNKu8iS2",
            "stop_reason": "tool_use",
            "complete": true,
            "usage": usage(1137, 97, 0, 0, Value::Null),
            "prompt": prompt,
            "text": text,
            "thoughts": [],
            "tool_calls": [{
                "id": "toolu_01Fj2sWc8YpQk5nRz3LbV7aT",
                "name": "bmcp_github_list_issues",
                "kind": "function",
                "arguments": args,
                "injected": true,
            }],
            "error": null,
            "events": null,
            "redacted_thoughts": 0,
        }),
    );
    assert_no_warnings(n);

    // Follow-ups after the gateway ran the tool: no prompt (section named */tool-call), but the
    // request section is shared, so request_model is still the request's model.
    let st = section(&turns, "streaming/tool-call");
    expect_turn(
        st,
        json!({
            "source": {"path": path, "section": "streaming/tool-call", "entry": null},
            "api": "anthropic-messages",
            "streaming": true,
            "model": "claude-sonnet-4-5-20250929",
            "request_model": "claude-sonnet-4-5",
            "id": "msg_01G8NPRVdD53X83RZJzzzzgE",
            "stop_reason": "end_turn",
            "complete": true,
            "usage": usage(1682, 43, 0, 0, Value::Null),
            "prompt": null,
            "text": answer,
            "thoughts": [],
            "tool_calls": [],
            "error": null,
            // message_start, text start, ping, 3 text_delta, stop, message_delta, message_stop
            "events": events(9),
            "redacted_thoughts": 0,
        }),
    );
    assert_no_warnings(st);

    let nt = section(&turns, "non-streaming/tool-call");
    expect_turn(
        nt,
        json!({
            "source": {"path": path, "section": "non-streaming/tool-call", "entry": null},
            "api": "anthropic-messages",
            "streaming": false,
            "model": "claude-sonnet-4-5-20250929",
            "request_model": "claude-sonnet-4-5",
            "id": "msg_01OzdmenCkhvMdgaKjIg8xNb",
            "stop_reason": "end_turn",
            "complete": true,
            "usage": usage(1682, 43, 0, 0, Value::Null),
            "prompt": null,
            "text": answer,
            "thoughts": [],
            "tool_calls": [],
            "error": null,
            "events": null,
            "redacted_thoughts": 0,
        }),
    );
    assert_no_warnings(nt);
}

#[test]
fn http_error_400() {
    let path = "fixtures/anthropic-messages/http_error_400.txtar";
    let turns = turns_in_order(path, &["streaming", "non-streaming"]);
    let message = "max_tokens: 200000 > 64000, which is the maximum allowed number of output tokens for claude-sonnet-4-5-20250929";
    for name in ["streaming", "non-streaming"] {
        let t = section(&turns, name);
        // An HTTP error with a JSON body is not an event stream, even in the streaming section.
        // The response names no model and no message id (request_id is not a message id).
        expect_turn(
            t,
            json!({
                "source": {"path": path, "section": name, "entry": null},
                "api": "anthropic-messages",
                "streaming": false,
                "model": "claude-sonnet-4-5",
                "request_model": "claude-sonnet-4-5",
                "id": null,
                "stop_reason": null,
                "complete": true,
                "usage": null,
                "prompt": "Write the full migration guide from v2 to v3 of our SDK.",
                "text": null,
                "thoughts": [],
                "tool_calls": [],
                "error": {
                    "status": 400,
                    "type": "invalid_request_error",
                    "message": message,
                    "mid_stream": false,
                },
                "events": null,
                "redacted_thoughts": 0,
            }),
        );
        assert_no_warnings(t);
    }
}

#[test]
fn mid_stream_error() {
    let path = "fixtures/anthropic-messages/mid_stream_error.txtar";
    let turns = turns_in_order(path, &["streaming", "non-streaming"]);
    let prompt = "Write a short haiku about database migrations.";

    let s = section(&turns, "streaming");
    expect_turn(
        s,
        json!({
            "source": {"path": path, "section": "streaming", "entry": null},
            "api": "anthropic-messages",
            "streaming": true,
            "model": "claude-opus-4-1-20250805",
            "request_model": "claude-opus-4-1",
            "id": "msg_01e3nNyjOq9wMxEhh2FDEEtf",
            // No message_delta ever came.
            "stop_reason": null,
            // The terminal event for Anthropic is message_stop; `event: error` is not it.
            "complete": false,
            // Only message_start's usage: output_tokens 1.
            "usage": usage(19, 1, 0, 0, Value::Null),
            "prompt": prompt,
            "text": "Schema shifts at night—\nold columns fade",
            "thoughts": [],
            "tool_calls": [],
            "error": {
                "status": null,
                "type": "overloaded_error",
                "message": "Overloaded",
                "mid_stream": true,
            },
            // message_start, content_block_start, ping, 2 text_delta, error
            "events": events(6),
            "redacted_thoughts": 0,
        }),
    );
    // Warnings deliberately not asserted here: whether the missing message_stop after an
    // error event also earns a warning is left to the implementation.

    let n = section(&turns, "non-streaming");
    expect_turn(
        n,
        json!({
            "source": {"path": path, "section": "non-streaming", "entry": null},
            "api": "anthropic-messages",
            "streaming": false,
            "model": "claude-opus-4-1",
            "request_model": "claude-opus-4-1",
            "id": null,
            "stop_reason": null,
            "complete": true,
            "usage": null,
            "prompt": prompt,
            "text": null,
            "thoughts": [],
            "tool_calls": [],
            "error": {
                "status": 529,
                "type": "overloaded_error",
                "message": "Overloaded",
                "mid_stream": false,
            },
            "events": null,
            "redacted_thoughts": 0,
        }),
    );
    assert_no_warnings(n);
}

#[test]
fn truncated_tool_call() {
    let path = "fixtures/anthropic-messages/truncated_tool_call.txtar";
    let turns = turns_in_order(path, &["streaming"]);

    let s = section(&turns, "streaming");
    expect_turn(
        s,
        json!({
            "source": {"path": path, "section": "streaming", "entry": null},
            "api": "anthropic-messages",
            "streaming": true,
            "model": "claude-sonnet-4-5-20250929",
            "request_model": "claude-sonnet-4-5",
            "id": "msg_01jgVvVqE1SkHbn88HxjSI6b",
            "stop_reason": null,
            "complete": false,
            "usage": usage(540, 3, 0, 0, Value::Null),
            "prompt": "Book a 30 minute sync with Priya and Tomás tomorrow at 10:00 called \"Q4 roadmap\".",
            "text": "I'll create that event.",
            "thoughts": [],
            "tool_calls": [{
                "id": "toolu_01Tg6hRk2MvXb9QsLp4NcW8e",
                "name": "create_calendar_event",
                "kind": "function",
                // The argument text received before the cut does not parse: kept as the raw string.
                "arguments": r#"{"title": "Q4 roadmap", "start": "2025-10-15T10:00"#,
                "injected": false,
            }],
            "error": null,
            // message_start, text start, ping, text_delta, stop (5); tool start, 3 input_json_delta
            // (4). The final event, cut in the middle of its data line and never ended by a blank
            // line, is not a dispatched event (WHATWG: an incomplete event at EOF is discarded).
            "events": events(9),
            "redacted_thoughts": 0,
        }),
    );
    assert_warning_contains(s, "truncated");
}

#[test]
fn redacted_thinking() {
    let path = "fixtures/anthropic-messages/redacted_thinking.txtar";
    let turns = turns_in_order(path, &["streaming", "non-streaming"]);
    let prompt = "Explain briefly why salting password hashes defeats rainbow tables.";
    let thought = "A rainbow table is a precomputed map from hashes back to common passwords. A per-user random salt changes every hash, so one table can't cover them all.";
    let text = "Rainbow tables only work when the same password always hashes to the same value. A unique random salt per password breaks that: an attacker would need a separate table for every salt, which is no cheaper than brute-forcing each hash directly.";

    let s = section(&turns, "streaming");
    expect_turn(
        s,
        json!({
            "source": {"path": path, "section": "streaming", "entry": null},
            "api": "anthropic-messages",
            "streaming": true,
            "model": "claude-3-7-sonnet-20250219",
            "request_model": "claude-3-7-sonnet-latest",
            "id": "msg_01WHtP3fS2qHx6kwXoIIXGvO",
            "stop_reason": "end_turn",
            "complete": true,
            "usage": usage(58, 187, 0, 0, Value::Null),
            "prompt": prompt,
            "text": text,
            // The redacted block is only counted, never shown as a thought.
            "thoughts": [{"source": "thinking", "text": thought}],
            "tool_calls": [],
            "error": null,
            // message_start, thinking start, ping, 2 thinking_delta, signature_delta, stop (7);
            // redacted_thinking start, stop (2); text start, 2 text_delta, stop (4);
            // message_delta, message_stop (2)
            "events": events(15),
            "redacted_thoughts": 1,
        }),
    );
    assert_no_warnings(s);

    let n = section(&turns, "non-streaming");
    expect_turn(
        n,
        json!({
            "source": {"path": path, "section": "non-streaming", "entry": null},
            "api": "anthropic-messages",
            "streaming": false,
            "model": "claude-3-7-sonnet-20250219",
            "request_model": "claude-3-7-sonnet-latest",
            "id": "msg_01oNZYW2mZp0zVZomHFwUbbY",
            "stop_reason": "end_turn",
            "complete": true,
            "usage": usage(58, 181, 0, 0, Value::Null),
            "prompt": prompt,
            "text": text,
            "thoughts": [{"source": "thinking", "text": thought}],
            "tool_calls": [],
            "error": null,
            "events": null,
            "redacted_thoughts": 1,
        }),
    );
    assert_no_warnings(n);
}

#[test]
fn web_search() {
    let path = "fixtures/anthropic-messages/web_search.txtar";
    let turns = turns_in_order(path, &["streaming", "non-streaming"]);
    let prompt = "What is the latest stable release of the Rust compiler?";
    // Four text blocks, concatenated with no separator (the web_search_tool_result block and the
    // citation are not text).
    let text = "I'll search for the latest Rust release.Based on the official Rust blog, the latest stable release is Rust 1.90.0, published on September 18, 2025.";
    let args = json!({"query": "latest stable Rust release"});

    let s = section(&turns, "streaming");
    expect_turn(
        s,
        json!({
            "source": {"path": path, "section": "streaming", "entry": null},
            "api": "anthropic-messages",
            "streaming": true,
            "model": "claude-sonnet-4-5-20250929",
            "request_model": "claude-sonnet-4-5",
            "id": "msg_01Rb7nQx4WcE2vLk9HsT3pYd",
            "stop_reason": "end_turn",
            "complete": true,
            // message_start says input_tokens 2318; message_delta repeats it with the final 9874
            // (search results are input): the last value wins, no sum.
            "usage": usage(9874, 112, 0, 0, Value::Null),
            "prompt": prompt,
            "text": text,
            "thoughts": [],
            "tool_calls": [{
                "id": "srvtoolu_01BenQtYh5Xj8TPQxjq4i9Do",
                "name": "web_search",
                "kind": "server",
                "arguments": args,
                "injected": false,
            }],
            "error": null,
            // message_start, text start, ping, text_delta, stop (5); server_tool_use start,
            // 3 input_json_delta, stop (5); web_search_tool_result start, stop (2); text start,
            // text_delta, stop (3); text start, citations_delta, text_delta, stop (4); text start,
            // text_delta, stop (3); message_delta, message_stop (2)
            "events": events(24),
            "redacted_thoughts": 0,
        }),
    );
    assert_no_warnings(s);

    let n = section(&turns, "non-streaming");
    expect_turn(
        n,
        json!({
            "source": {"path": path, "section": "non-streaming", "entry": null},
            "api": "anthropic-messages",
            "streaming": false,
            "model": "claude-sonnet-4-5-20250929",
            "request_model": "claude-sonnet-4-5",
            "id": "msg_01Hc5tVw8KzN3qPb6LmX2jRf",
            "stop_reason": "end_turn",
            "complete": true,
            "usage": usage(9874, 109, 0, 0, Value::Null),
            "prompt": prompt,
            "text": text,
            "thoughts": [],
            "tool_calls": [{
                "id": "srvtoolu_01PzK4mW7yQd9XcR2vTb5nLh",
                "name": "web_search",
                "kind": "server",
                "arguments": args,
                "injected": false,
            }],
            "error": null,
            "events": null,
            "redacted_thoughts": 0,
        }),
    );
    assert_no_warnings(n);
}

#[test]
fn cache_tokens() {
    let path = "fixtures/anthropic-messages/cache_tokens.txtar";
    let turns = turns_in_order(path, &["streaming", "non-streaming"]);
    let prompt = "Now add a unit test for the parse_duration function.";
    let text = "Here's a test covering the unit suffixes and an invalid input:\n\n```rust\n#[test]\nfn parses_durations() {\n    assert_eq!(parse_duration(\"90s\"), Ok(Duration::from_secs(90)));\n    assert_eq!(parse_duration(\"2m\"), Ok(Duration::from_secs(120)));\n    assert!(parse_duration(\"ten\").is_err());\n}\n```";

    let s = section(&turns, "streaming");
    expect_turn(
        s,
        json!({
            "source": {"path": path, "section": "streaming", "entry": null},
            "api": "anthropic-messages",
            "streaming": true,
            "model": "claude-sonnet-4-5-20250929",
            "request_model": "claude-sonnet-4-5",
            "id": "msg_01Ja8cVn4XqT7wPd2KsM5hRb",
            "stop_reason": "end_turn",
            "complete": true,
            // input_tokens 6 already excludes the cache; message_delta repeats 6 / 1893 / 24517,
            // which must not double them (12 / 3786 / 49034 would be the summing bug).
            "usage": usage(6, 118, 24517, 1893, Value::Null),
            "prompt": prompt,
            "text": text,
            "thoughts": [],
            "tool_calls": [],
            "error": null,
            // message_start, text start, ping, 3 text_delta, stop, message_delta, message_stop
            "events": events(9),
            "redacted_thoughts": 0,
        }),
    );
    assert_no_warnings(s);

    let n = section(&turns, "non-streaming");
    expect_turn(
        n,
        json!({
            "source": {"path": path, "section": "non-streaming", "entry": null},
            "api": "anthropic-messages",
            "streaming": false,
            "model": "claude-sonnet-4-5-20250929",
            "request_model": "claude-sonnet-4-5",
            "id": "msg_01Pw3kYs9NbR6tVx2JqC8mLa",
            "stop_reason": "end_turn",
            "complete": true,
            // The blocking call came second and read everything from the cache.
            "usage": usage(6, 118, 26410, 0, Value::Null),
            "prompt": prompt,
            "text": text,
            "thoughts": [],
            "tool_calls": [],
            "error": null,
            "events": null,
            "redacted_thoughts": 0,
        }),
    );
    assert_no_warnings(n);
}

#[test]
fn no_input_tool() {
    let path = "fixtures/anthropic-messages/no_input_tool.txtar";
    let turns = turns_in_order(path, &["streaming", "non-streaming"]);
    let prompt = "What time is it on the server?";

    let s = section(&turns, "streaming");
    expect_turn(
        s,
        json!({
            "source": {"path": path, "section": "streaming", "entry": null},
            "api": "anthropic-messages",
            "streaming": true,
            "model": "claude-haiku-4-5-20251001",
            "request_model": "claude-haiku-4-5",
            "id": "msg_01Dk4wRt8NcY2pLs6VbQ9xHe",
            "stop_reason": "tool_use",
            "complete": true,
            "usage": usage(573, 38, 0, 0, Value::Null),
            "prompt": prompt,
            "text": null,
            "thoughts": [],
            "tool_calls": [{
                "id": "toolu_01Lm7cQe3VbT9xRk5NwP2sHd",
                "name": "get_current_time",
                "kind": "function",
                // The only input_json_delta is "": the empty argument text parses as {}.
                "arguments": {},
                "injected": false,
            }],
            "error": null,
            // message_start, tool start, ping, input_json_delta, stop, message_delta, message_stop
            "events": events(7),
            "redacted_thoughts": 0,
        }),
    );
    assert_no_warnings(s);

    let n = section(&turns, "non-streaming");
    expect_turn(
        n,
        json!({
            "source": {"path": path, "section": "non-streaming", "entry": null},
            "api": "anthropic-messages",
            "streaming": false,
            "model": "claude-haiku-4-5-20251001",
            "request_model": "claude-haiku-4-5",
            "id": "msg_01Vt6nHq2WsK8cRb4YpL7mXa",
            "stop_reason": "tool_use",
            "complete": true,
            "usage": usage(573, 38, 0, 0, Value::Null),
            "prompt": prompt,
            "text": null,
            "thoughts": [],
            "tool_calls": [{
                "id": "toolu_01Zb5pNs7KrW3dXq9MhT4cVe",
                "name": "get_current_time",
                "kind": "function",
                "arguments": {},
                "injected": false,
            }],
            "error": null,
            "events": null,
            "redacted_thoughts": 0,
        }),
    );
    assert_no_warnings(n);
}

#[test]
fn raw_crlf_sse() {
    let path = "fixtures/raw/anthropic-crlf.sse";
    let t = &raw_turn(path);
    expect_turn(
        t,
        json!({
            "source": {"path": path, "section": null, "entry": null},
            "api": "anthropic-messages",
            "streaming": true,
            "model": "claude-sonnet-4-20250514",
            "request_model": null,
            "id": "msg_01Ns5qTb8VxK2wMc7RdL4pYh",
            "stop_reason": "end_turn",
            "complete": true,
            "usage": usage(24, 41, 0, 0, Value::Null),
            "prompt": null,
            // The JSON escape \n is a real newline in the text; the CRLF line ends of the stream are not.
            "text": "Use `git switch -c feature/login` to create the branch and check it out.\nOn Git older than 2.23, use `git checkout -b feature/login` instead.",
            "thoughts": [],
            "tool_calls": [],
            "error": null,
            // message_start, content_block_start, ping, 3 text_delta, stop, message_delta, message_stop
            "events": events(9),
            "redacted_thoughts": 0,
        }),
    );
    assert_no_warnings(t);
}

#[test]
fn raw_http_stream() {
    let path = "fixtures/raw/anthropic-stream.http";
    let t = &raw_turn(path);
    expect_turn(
        t,
        json!({
            "source": {"path": path, "section": null, "entry": null},
            "api": "anthropic-messages",
            "streaming": true,
            "model": "claude-sonnet-4-5-20250929",
            "request_model": null,
            "id": "msg_01Tq8mVb3NwX6cKp9RsD2hLe",
            "stop_reason": "tool_use",
            "complete": true,
            "usage": usage(3, 62, 18233, 412, Value::Null),
            "prompt": null,
            "text": null,
            "thoughts": [],
            "tool_calls": [{
                "id": "toolu_01Rw4xKc9TbN2vMq7LpS5dHy",
                "name": "Read",
                "kind": "function",
                "arguments": {"file_path": "/home/dev/app/src/config.rs"},
                "injected": false,
            }],
            "error": null,
            // message_start, tool start, ping, 2 input_json_delta, stop, message_delta, message_stop
            "events": events(8),
            "redacted_thoughts": 0,
        }),
    );
    assert_no_warnings(t);
}

#[test]
fn raw_blocking_json() {
    let path = "fixtures/raw/anthropic-message.json";
    let t = &raw_turn(path);
    expect_turn(
        t,
        json!({
            "source": {"path": path, "section": null, "entry": null},
            "api": "anthropic-messages",
            "streaming": false,
            "model": "claude-opus-4-1-20250805",
            "request_model": null,
            "id": "msg_01Xy3bLq7VcN5tWd8KmR2pZs",
            "stop_reason": "end_turn",
            "complete": true,
            "usage": usage(87, 156, 0, 1024, Value::Null),
            "prompt": null,
            "text": "The second train catches up at 12:00, 240 km from the station.",
            "thoughts": [{
                "source": "thinking",
                "text": "Two trains: one leaves at 9:00 going 80 km/h, the other at 10:00 going 120 km/h on the same track. At 10:00 the first is 80 km ahead; the gap closes at 40 km/h, so two hours later, at 12:00.",
            }],
            "tool_calls": [],
            "error": null,
            "events": null,
            "redacted_thoughts": 0,
        }),
    );
    assert_no_warnings(t);
}

/// All Anthropic fixtures in one run: one turn per response section / raw file, in input order.
#[test]
fn all_fixtures_in_one_run() {
    let paths = [
        "fixtures/anthropic-messages/simple.txtar",
        "fixtures/anthropic-messages/injected_tool.txtar",
        "fixtures/anthropic-messages/truncated_tool_call.txtar",
        "fixtures/raw/anthropic-crlf.sse",
        "fixtures/raw/anthropic-stream.http",
        "fixtures/raw/anthropic-message.json",
    ];
    let turns = turns_of_all(&paths);
    let order: Vec<(String, Value)> = turns
        .iter()
        .map(|t| {
            (
                t["source"]["path"].as_str().unwrap().to_string(),
                t["source"]["section"].clone(),
            )
        })
        .collect();
    let expected: Vec<(String, Value)> = [
        (paths[0], json!("streaming")),
        (paths[0], json!("non-streaming")),
        (paths[1], json!("streaming")),
        (paths[1], json!("non-streaming")),
        (paths[1], json!("streaming/tool-call")),
        (paths[1], json!("non-streaming/tool-call")),
        (paths[2], json!("streaming")),
        (paths[3], Value::Null),
        (paths[4], Value::Null),
        (paths[5], Value::Null),
    ]
    .into_iter()
    .map(|(p, s)| (p.to_string(), s))
    .collect();
    assert_eq!(order, expected);
    assert!(turns.iter().all(|t| t["api"] == "anthropic-messages"));
}
