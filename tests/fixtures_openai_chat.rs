//! OpenAI Chat Completions fixtures (fixtures/openai-chat/*.txtar, fixtures/raw/openai-chat-*):
//! every expected value below was computed by hand from the fixture text.
//! Token arithmetic: `input` = prompt_tokens - prompt_tokens_details.cached_tokens.

mod common;
use common::*;

use serde_json::{Value, json};

// ------------------------------------------------------------------ plain text

#[test]
fn plain_text() {
    let f = "fixtures/openai-chat/plain_text.txtar";
    let turns = turns_in_order(f, &["streaming", "non-streaming"]);
    let text = "Bread goes stale mainly because its starch molecules recrystallize and squeeze out moisture, a process called retrogradation.";
    let prompt = "Why does bread go stale?";

    let s = section(&turns, "streaming");
    expect_turn(
        s,
        json!({
            "api": "openai-chat", "streaming": true,
            "model": "gpt-4.1-mini-2025-04-14", "request_model": "gpt-4.1-mini",
            "id": "chatcmpl-CTv4kQm8RzW1pXe7NbY2aLd9HfU3s",
            "stop_reason": "stop", "complete": true,
            "usage": usage(41, 22, 0, Value::Null, 0),
            "prompt": prompt, "text": text, "thoughts": [], "tool_calls": [], "error": null,
            // role chunk + 19 content chunks + finish chunk + usage chunk + [DONE]
            "events": events(23),
            "redacted_thoughts": 0
        }),
    );
    assert_no_warnings(s);

    let n = section(&turns, "non-streaming");
    expect_turn(
        n,
        json!({
            "api": "openai-chat", "streaming": false,
            "model": "gpt-4.1-mini-2025-04-14", "request_model": "gpt-4.1-mini",
            "id": "chatcmpl-CTv4mA0bTqG6sJx2YcVn8KeR5oPw1",
            "stop_reason": "stop", "complete": true,
            "usage": usage(41, 22, 0, Value::Null, 0),
            "prompt": prompt, "text": text, "thoughts": [], "tool_calls": [], "error": null,
            "events": null, "redacted_thoughts": 0
        }),
    );
    assert_no_warnings(n);
}

// ------------------------------------------------------------------ DeepSeek reasoning_content

#[test]
fn reasoning_content_deepseek() {
    let f = "fixtures/openai-chat/reasoning_content.txtar";
    let turns = turns_in_order(f, &["streaming", "non-streaming"]);
    let thought = "The user asks whether 221 is prime. Small primes first: not even, digit sum 5, 221 / 13 = 17. So 221 = 13 × 17, composite.";
    let text = "No. 221 is not prime: 221 = 13 × 17.";

    let s = section(&turns, "streaming");
    expect_turn(
        s,
        json!({
            "api": "openai-chat", "streaming": true,
            "model": "deepseek-reasoner", "request_model": "deepseek-reasoner",
            "id": "5b0c3a7e-2f41-4d8e-9a6c-1e7f0d9b4c23",
            "stop_reason": "stop", "complete": true,
            // usage rides in the finish chunk: 142 prompt - 128 cached = 14
            "usage": usage(14, 61, 128, Value::Null, 38),
            "prompt": "Is 221 a prime number?", "text": text,
            "thoughts": [{"source": "reasoning_content", "text": thought}],
            "tool_calls": [], "error": null,
            // role chunk + 11 reasoning + 13 content + finish/usage chunk + [DONE]
            "events": events(27),
            "redacted_thoughts": 0
        }),
    );
    assert_no_warnings(s);

    let n = section(&turns, "non-streaming");
    expect_turn(
        n,
        json!({
            "api": "openai-chat", "streaming": false,
            "model": "deepseek-reasoner", "request_model": "deepseek-reasoner",
            "id": "e3d1f6a2-94b7-4c0e-8f25-7a9c3b1d6e48",
            "stop_reason": "stop", "complete": true,
            "usage": usage(14, 57, 128, Value::Null, 34),
            "prompt": "Is 221 a prime number?", "text": text,
            "thoughts": [{"source": "reasoning_content", "text": thought}],
            "tool_calls": [], "error": null, "events": null, "redacted_thoughts": 0
        }),
    );
    assert_no_warnings(n);
}

// ------------------------------------------------------------------ OpenRouter `reasoning`

#[test]
fn reasoning_openrouter() {
    let f = "fixtures/openai-chat/reasoning_openrouter.txtar";
    let turns = turns_in_order(f, &["streaming", "non-streaming"]);
    // delta.reasoning only: reasoning_details repeats the same text and must not double it
    let thought = "The user wants a haiku: five, seven, five syllables. Images: wet asphalt, neon, umbrellas.";
    let text = "Neon on wet streets\numbrellas bloom and drift past\nthe gutters hum low";
    let prompt = "Write a haiku about autumn rain in a city.";

    let s = section(&turns, "streaming");
    expect_turn(
        s,
        json!({
            "api": "openai-chat", "streaming": true,
            "model": "anthropic/claude-sonnet-4", "request_model": "anthropic/claude-sonnet-4",
            "id": "gen-1761298577-Xk3vP9qLmN2bR7tY1wZc",
            // the usage chunk after the finish chunk has finish_reason null: stop must survive
            "stop_reason": "stop", "complete": true,
            "usage": usage(38, 95, 0, Value::Null, 52),
            "prompt": prompt, "text": text,
            "thoughts": [{"source": "reasoning_content", "text": thought}],
            "tool_calls": [], "error": null,
            // 7 reasoning + 8 content + finish + usage + [DONE]; the two `:` comments are not events
            "events": events(18),
            "redacted_thoughts": 0
        }),
    );
    assert_no_warnings(s);

    let n = section(&turns, "non-streaming");
    expect_turn(
        n,
        json!({
            "api": "openai-chat", "streaming": false,
            "model": "anthropic/claude-sonnet-4", "request_model": "anthropic/claude-sonnet-4",
            "id": "gen-1761298612-Qa8sDf2GhJ5kL0zXcV4b",
            "stop_reason": "stop", "complete": true,
            "usage": usage(38, 91, 0, Value::Null, 48),
            "prompt": prompt, "text": text,
            "thoughts": [{"source": "reasoning_content", "text": thought}],
            "tool_calls": [], "error": null, "events": null, "redacted_thoughts": 0
        }),
    );
    assert_no_warnings(n);
}

// ------------------------------------------------------------------ o-series: cached + reasoning tokens

#[test]
fn o_series_cached_and_reasoning_tokens() {
    let f = "fixtures/openai-chat/o_series_usage.txtar";
    let turns = turns_in_order(f, &["streaming", "non-streaming"]);
    let text =
        r"Use `^\d{4}-\d{2}-\d{2}$` — four digits, a hyphen, two digits, a hyphen and two digits.";
    let prompt = "Give me a regex that matches ISO 8601 dates like 2025-03-14.";

    let s = section(&turns, "streaming");
    expect_turn(
        s,
        json!({
            "api": "openai-chat", "streaming": true,
            "model": "o4-mini-2025-04-16", "request_model": "o4-mini",
            "id": "chatcmpl-CTvB2hXw9LqT4mRz6KpN0sYe8DjA7",
            "stop_reason": "stop", "complete": true,
            // 2318 prompt - 2176 cached = 142
            "usage": usage(142, 412, 2176, Value::Null, 384),
            "prompt": prompt, "text": text, "thoughts": [], "tool_calls": [], "error": null,
            // role + 20 content + finish + usage + [DONE]
            "events": events(24),
            "redacted_thoughts": 0
        }),
    );
    assert_no_warnings(s);

    let n = section(&turns, "non-streaming");
    expect_turn(
        n,
        json!({
            "api": "openai-chat", "streaming": false,
            "model": "o4-mini-2025-04-16", "request_model": "o4-mini",
            "id": "chatcmpl-CTvB9sPq1MwE3nTy7ZkV5bHr2GxL4",
            "stop_reason": "stop", "complete": true,
            // 2318 prompt - 2304 cached = 14
            "usage": usage(14, 348, 2304, Value::Null, 320),
            "prompt": prompt, "text": text, "thoughts": [], "tool_calls": [], "error": null,
            "events": null, "redacted_thoughts": 0
        }),
    );
    assert_no_warnings(n);
}

// ------------------------------------------------------------------ one tool call

#[test]
fn tool_call() {
    let f = "fixtures/openai-chat/tool_call.txtar";
    let turns = turns_in_order(f, &["streaming", "non-streaming"]);
    let prompt = "What's the weather in Lyon right now, in celsius?";
    let args = json!({"city": "Lyon", "unit": "celsius"});

    let s = section(&turns, "streaming");
    expect_turn(
        s,
        json!({
            "api": "openai-chat", "streaming": true,
            "model": "gpt-4.1-2025-04-14", "request_model": "gpt-4.1",
            "id": "chatcmpl-CTvD7uYb3KsP9xQa2MfW6nLr1TeH8",
            "stop_reason": "tool_calls", "complete": true,
            "usage": usage(78, 19, 0, Value::Null, 0),
            "prompt": prompt, "text": null, "thoughts": [],
            "tool_calls": [{"id": "call_Qm3vX8pLz2RtY7nWk4sB9dHa", "name": "get_weather", "kind": "function",
                            "arguments": args, "injected": false}],
            "error": null,
            // header chunk + 11 argument fragments + finish + usage + [DONE]
            "events": events(15),
            "redacted_thoughts": 0
        }),
    );
    assert_no_warnings(s);

    let n = section(&turns, "non-streaming");
    expect_turn(
        n,
        json!({
            "api": "openai-chat", "streaming": false,
            "model": "gpt-4.1-2025-04-14", "request_model": "gpt-4.1",
            "id": "chatcmpl-CTvD9kRf0NwG5hTz3LbX8yPc6QaJ2",
            "stop_reason": "tool_calls", "complete": true,
            "usage": usage(78, 19, 0, Value::Null, 0),
            "prompt": prompt, "text": null, "thoughts": [],
            "tool_calls": [{"id": "call_Hs7eW2qN5zKb0YxT3mLv8RgC", "name": "get_weather", "kind": "function",
                            "arguments": args, "injected": false}],
            "error": null, "events": null, "redacted_thoughts": 0
        }),
    );
    assert_no_warnings(n);
}

// ------------------------------------------------------------------ parallel tool calls (sequential)

#[test]
fn parallel_tool_calls() {
    let f = "fixtures/openai-chat/parallel_tool_calls.txtar";
    let turns = turns_in_order(f, &["streaming", "non-streaming"]);
    // last user message has two text parts: the prompt is the last one
    let prompt =
        "Compare today's weather in Oslo and Madrid, and tell me the air quality in Madrid.";
    let calls = |ids: [&str; 3]| {
        json!([
            {"id": ids[0], "name": "get_weather", "kind": "function", "arguments": {"city": "Oslo"}, "injected": false},
            {"id": ids[1], "name": "get_weather", "kind": "function", "arguments": {"city": "Madrid"}, "injected": false},
            {"id": ids[2], "name": "get_air_quality", "kind": "function", "arguments": {"city": "Madrid"}, "injected": false}
        ])
    };

    let s = section(&turns, "streaming");
    expect_turn(
        s,
        json!({
            "api": "openai-chat", "streaming": true,
            "model": "gpt-4.1-2025-04-14", "request_model": "gpt-4.1",
            "id": "chatcmpl-CTvF1aZc6QpL8wNs3VyT0kRm5HbE9",
            "stop_reason": "tool_calls", "complete": true,
            "usage": usage(131, 68, 0, Value::Null, 0),
            "prompt": prompt, "text": null, "thoughts": [],
            "tool_calls": calls(["call_Ab4nT8wQ1zLx6PcR9mVy2KsD", "call_Ck7pY3sM0vWq5RtB8xNz1LgF", "call_Dm2rU6hJ9bXe4QwK7yTa0NvG"]),
            "error": null,
            // role + 3 x (header + 3 fragments) + finish + usage + [DONE]
            "events": events(16),
            "redacted_thoughts": 0
        }),
    );
    assert_no_warnings(s);

    let n = section(&turns, "non-streaming");
    expect_turn(
        n,
        json!({
            "api": "openai-chat", "streaming": false,
            "model": "gpt-4.1-2025-04-14", "request_model": "gpt-4.1",
            "id": "chatcmpl-CTvF4dLe9XsN2qPt7BwH5mYk0RcU3",
            "stop_reason": "tool_calls", "complete": true,
            "usage": usage(131, 68, 0, Value::Null, 0),
            "prompt": prompt, "text": null, "thoughts": [],
            "tool_calls": calls(["call_Ep5sV1kL4cYf7RxN0zWb3MtH", "call_Fq8tW4nP7dZg0SyQ3aXc6NuJ", "call_Gr1uX7qS0eAh3TzR6bYd9PvK"]),
            "error": null, "events": null, "redacted_thoughts": 0
        }),
    );
    assert_no_warnings(n);
}

// ------------------------------------------------------------------ parallel tool calls interleaved by index

#[test]
fn parallel_tool_calls_interleaved() {
    let f = "fixtures/openai-chat/parallel_interleaved.txtar";
    let turns = turns_in_order(f, &["streaming", "non-streaming"]);
    let prompt = "How is retry backoff configured? Check the docs and src/retry.rs.";
    let calls = |a: &str, b: &str| {
        json!([
            {"id": a, "name": "search_docs", "kind": "function", "arguments": {"query": "retry backoff", "limit": 5}, "injected": false},
            {"id": b, "name": "read_file", "kind": "function", "arguments": {"path": "src/retry.rs"}, "injected": false}
        ])
    };
    // prompt_tokens_details null, no completion_tokens_details: both unknown
    let u = usage(356, 55, Value::Null, Value::Null, Value::Null);

    let s = section(&turns, "streaming");
    expect_turn(
        s,
        json!({
            "api": "openai-chat", "streaming": true,
            "model": "Qwen/Qwen3-32B", "request_model": "Qwen/Qwen3-32B",
            "id": "chatcmpl-8f3a9c1e5b7d4a2f9e6c0b3d8a1f7e42",
            "stop_reason": "tool_calls", "complete": true,
            "usage": u,
            "prompt": prompt, "text": null, "thoughts": [],
            "tool_calls": calls("chatcmpl-tool-4c1d7e9a2b5f48e3a6d0c9b1e7f3a582", "chatcmpl-tool-9e2b6a4d1c8f47b0b3e5d7a9c2f1e604"),
            "error": null,
            // role + 7 tool-call chunks + finish + usage + [DONE]
            "events": events(11),
            "redacted_thoughts": 0
        }),
    );
    // A self-hosted model no price table knows: unpriced, said once, never $0.
    let unpriced = ["unpriced model Qwen/Qwen3-32B: not in the price table"];
    assert_eq!(s["warnings"], json!(unpriced));
    assert_eq!(s["cost"], Value::Null);

    let n = section(&turns, "non-streaming");
    expect_turn(
        n,
        json!({
            "api": "openai-chat", "streaming": false,
            "model": "Qwen/Qwen3-32B", "request_model": "Qwen/Qwen3-32B",
            "id": "chatcmpl-2b7e4d9f1a6c43e8b0d5f2a7c9e1b364",
            "stop_reason": "tool_calls", "complete": true,
            "usage": u,
            "prompt": prompt, "text": null, "thoughts": [],
            "tool_calls": calls("chatcmpl-tool-6a3f8d2c1e9b4075a4c7e0d3b8f2a196", "chatcmpl-tool-0d5c9e3b7a1f46e2b8d4a6c0e9f3b721"),
            "error": null, "events": null, "redacted_thoughts": 0
        }),
    );
    assert_eq!(n["warnings"], json!(unpriced));
    assert_eq!(n["cost"], Value::Null);
}

// ------------------------------------------------------------------ injected bmcp_ tool + follow-ups

#[test]
fn injected_tool() {
    let f = "fixtures/openai-chat/injected_tool.txtar";
    let turns = turns_in_order(
        f,
        &[
            "streaming",
            "streaming/tool-call",
            "non-streaming",
            "non-streaming/tool-call",
        ],
    );
    let prompt = "Which pull requests are open on acme/widgets?";
    let args = json!({"owner": "acme", "repo": "widgets", "state": "open"});
    let follow = "There are 2 open pull requests on acme/widgets: #118 \u{201c}Fix race in cache eviction\u{201d} and #121 \u{201c}Bump serde to 1.0.219\u{201d}.";

    let s = section(&turns, "streaming");
    expect_turn(
        s,
        json!({
            "api": "openai-chat", "streaming": true,
            "model": "gpt-4.1-2025-04-14", "request_model": "gpt-4.1",
            "id": "chatcmpl-CTvH6mKd2WqR9zYs4BpL7tNx0VeF5",
            "stop_reason": "tool_calls", "complete": true,
            "usage": usage(96, 31, 0, Value::Null, 0),
            "prompt": prompt, "text": null, "thoughts": [],
            "tool_calls": [{"id": "call_Jw5kP0zT8mQx3RcN6yLb1VsH", "name": "bmcp_github_list_pull_requests",
                            "kind": "function", "arguments": args, "injected": true}],
            "error": null,
            // header + 13 fragments + finish + usage + [DONE]
            "events": events(17),
            "redacted_thoughts": 0
        }),
    );
    assert_no_warnings(s);

    let st = section(&turns, "streaming/tool-call");
    expect_turn(
        st,
        json!({
            "api": "openai-chat", "streaming": true,
            "model": "gpt-4.1-2025-04-14", "request_model": "gpt-4.1",
            "id": "chatcmpl-CTvH8pNg5YtU2cBv7EsO0wQa3ZhI8",
            "stop_reason": "stop", "complete": true,
            // 1342 prompt - 1152 cached = 190
            "usage": usage(190, 42, 1152, Value::Null, 0),
            "prompt": null, "text": follow, "thoughts": [], "tool_calls": [], "error": null,
            // role + 24 content + finish + usage + [DONE]
            "events": events(28),
            "redacted_thoughts": 0
        }),
    );
    assert_no_warnings(st);

    let n = section(&turns, "non-streaming");
    expect_turn(
        n,
        json!({
            "api": "openai-chat", "streaming": false,
            "model": "gpt-4.1-2025-04-14", "request_model": "gpt-4.1",
            "id": "chatcmpl-CTvHAqOh6ZuV3dCw8FtP1xRb4AiJ9",
            "stop_reason": "tool_calls", "complete": true,
            "usage": usage(96, 31, 0, Value::Null, 0),
            "prompt": prompt, "text": null, "thoughts": [],
            "tool_calls": [{"id": "call_Lx8mR3bW1nSz6TeP9aQc4XuK", "name": "bmcp_github_list_pull_requests",
                            "kind": "function", "arguments": args, "injected": true}],
            "error": null, "events": null, "redacted_thoughts": 0
        }),
    );
    assert_no_warnings(n);

    let nt = section(&turns, "non-streaming/tool-call");
    expect_turn(
        nt,
        json!({
            "api": "openai-chat", "streaming": false,
            "model": "gpt-4.1-2025-04-14", "request_model": "gpt-4.1",
            "id": "chatcmpl-CTvHCrPi7AvW4eDx9GuQ2ySc5BjK0",
            "stop_reason": "stop", "complete": true,
            "usage": usage(190, 42, 1152, Value::Null, 0),
            "prompt": null, "text": follow, "thoughts": [], "tool_calls": [], "error": null,
            "events": null, "redacted_thoughts": 0
        }),
    );
    assert_no_warnings(nt);
}

// ------------------------------------------------------------------ HTTP 4xx

#[test]
fn error_http_4xx() {
    let f = "fixtures/openai-chat/error_http_4xx.txtar";
    let turns = turns_in_order(f, &["streaming", "non-streaming"]);
    let message = "Unsupported value: 'temperature' does not support 0.2 with this model. Only the default (1) value is supported.";
    for name in ["streaming", "non-streaming"] {
        let t = section(&turns, name);
        expect_turn(
            t,
            json!({
                "api": "openai-chat",
                // a JSON error response, even in the `streaming` section, is not an event stream
                "streaming": false,
                // the response names no model: fall back to the request's
                "model": "o3-mini", "request_model": "o3-mini",
                "id": null, "stop_reason": null, "complete": true, "usage": null,
                "prompt": "List three uses of a paperclip.", "text": null, "thoughts": [], "tool_calls": [],
                "error": {"status": 400, "type": "invalid_request_error", "message": message, "mid_stream": false},
                "events": null, "redacted_thoughts": 0
            }),
        );
        assert_no_warnings(t);
    }
}

// ------------------------------------------------------------------ mid-stream error

#[test]
fn error_mid_stream() {
    let f = "fixtures/openai-chat/error_mid_stream.txtar";
    let turns = turns_in_order(f, &["streaming", "non-streaming"]);
    let message = "The server had an error while processing your request. Sorry about that!";
    let prompt = "Write a limerick about a cat who learns to code.";

    let s = section(&turns, "streaming");
    expect_turn(
        s,
        json!({
            "api": "openai-chat", "streaming": true,
            "model": "gpt-4o-2024-08-06", "request_model": "gpt-4o",
            "id": "chatcmpl-CTvJ3nLf8XrS1aZt6CqM9uPy2DgW7",
            // no finish_reason ever came, and no [DONE]
            "stop_reason": null, "complete": false,
            // every chunk said "usage": null and no usage chunk came
            "usage": null,
            "prompt": prompt, "text": "There once was a cat named Lou,\nwho",
            "thoughts": [], "tool_calls": [],
            "error": {"status": null, "type": "server_error", "message": message, "mid_stream": true},
            // role + 9 content + the error chunk
            "events": events(11),
            "redacted_thoughts": 0
        }),
    );
    // warnings deliberately unchecked here: the schema does not say whether a stream that ends
    // on an error chunk (without [DONE]) also warns.

    let n = section(&turns, "non-streaming");
    expect_turn(
        n,
        json!({
            "api": "openai-chat", "streaming": false,
            "model": "gpt-4o", "request_model": "gpt-4o",
            "id": null, "stop_reason": null, "complete": true, "usage": null,
            "prompt": prompt, "text": null, "thoughts": [], "tool_calls": [],
            "error": {"status": 500, "type": "server_error", "message": message, "mid_stream": false},
            "events": null, "redacted_thoughts": 0
        }),
    );
    assert_no_warnings(n);
}

// ------------------------------------------------------------------ truncated stream

#[test]
fn truncated_stream() {
    let f = "fixtures/openai-chat/truncated_stream.txtar";
    let turns = turns_in_order(f, &["streaming"]);
    let s = section(&turns, "streaming");
    expect_turn(
        s,
        json!({
            "api": "openai-chat", "streaming": true,
            "model": "gpt-4.1-mini-2025-04-14", "request_model": "gpt-4.1-mini",
            "id": "chatcmpl-CTvL8qRb4ZwX7eCy0HuN3vTz6EiK1",
            "stop_reason": null, "complete": false, "usage": null,
            "prompt": "Create notes/todo.md with a checklist: buy milk, call Sam.",
            "text": "I'll create the file now.", "thoughts": [],
            // the argument text gathered before the cut does not parse: kept raw
            "tool_calls": [{"id": "call_Mt9nS4cX2oTa7UfQ0bRd5YvL", "name": "create_file", "kind": "function",
                            "arguments": r##"{"path":"notes/todo.md","content":"# TODO\n- [ ] buy"##,
                            "injected": false}],
            "error": null,
            // role + 6 content + header + 10 fragments; the half-written final data line is not a
            // dispatched event (no blank line ended it) and is not counted
            "events": events(18),
            "redacted_thoughts": 0
        }),
    );
    assert_warning_contains(s, "truncated");
}

// ------------------------------------------------------------------ tool-call index starting at 1

#[test]
fn tool_index_from_one() {
    let f = "fixtures/openai-chat/tool_index_from_one.txtar";
    let turns = turns_in_order(f, &["streaming", "non-streaming"]);
    let text = "Let me look up order W-20417 for you.";
    let prompt = "Where is my order W-20417?";
    // 1790 prompt - 1536 cached = 254; completion_tokens_details null -> reasoning unknown
    let u = usage(254, 64, 1536, Value::Null, Value::Null);

    let s = section(&turns, "streaming");
    expect_turn(
        s,
        json!({
            "api": "openai-chat", "streaming": true,
            "model": "claude-sonnet-4-5-20250929", "request_model": "claude-sonnet-4-5",
            "id": "chatcmpl-3f6b2d9e-41a7-4c85-b0e2-7d9a1c5f8e36",
            "stop_reason": "tool_calls", "complete": true,
            "usage": u,
            "prompt": prompt, "text": text, "thoughts": [],
            // exactly one call: no phantom entry for the missing index 0
            "tool_calls": [{"id": "toolu_01Vb7XkQ2mNs9RtY4cLp8WzD", "name": "lookup_order", "kind": "function",
                            "arguments": {"order_id": "W-20417"}, "injected": false}],
            "error": null,
            // 9 content + header + 3 fragments + finish + usage + [DONE]
            "events": events(16),
            "redacted_thoughts": 0
        }),
    );
    assert_no_warnings(s);

    let n = section(&turns, "non-streaming");
    expect_turn(
        n,
        json!({
            "api": "openai-chat", "streaming": false,
            "model": "claude-sonnet-4-5-20250929", "request_model": "claude-sonnet-4-5",
            "id": "chatcmpl-8c1e5a3d-92f4-4b67-a0d8-3e6f2b9c7a15",
            "stop_reason": "tool_calls", "complete": true,
            "usage": u,
            "prompt": prompt, "text": text, "thoughts": [],
            "tool_calls": [{"id": "toolu_01Hc3RmT6pXa0WvK8bNy5QsE", "name": "lookup_order", "kind": "function",
                            "arguments": {"order_id": "W-20417"}, "injected": false}],
            "error": null, "events": null, "redacted_thoughts": 0
        }),
    );
    assert_no_warnings(n);
}

// ------------------------------------------------------------------ usage inside the finish chunk

#[test]
fn usage_in_finish_chunk() {
    let f = "fixtures/openai-chat/usage_in_finish_chunk.txtar";
    let turns = turns_in_order(f, &["streaming", "non-streaming"]);
    let text = "Red, green and blue. Mixed together they make white light.";
    let prompt = "Name the three primary colors of light.";
    // no details objects: cache_read and reasoning unknown, input = prompt_tokens
    let u = usage(10, 17, Value::Null, Value::Null, Value::Null);

    let s = section(&turns, "streaming");
    expect_turn(
        s,
        json!({
            "api": "openai-chat", "streaming": true,
            "model": "gemini-2.5-flash", "request_model": "gemini-2.5-flash",
            "id": "hQb7aJ2kLdKd1PIP6xq9mQo",
            "stop_reason": "stop", "complete": true,
            "usage": u,
            "prompt": prompt, "text": text, "thoughts": [], "tool_calls": [], "error": null,
            // 3 content chunks (the last with finish_reason + usage) + [DONE]
            "events": events(4),
            "redacted_thoughts": 0
        }),
    );
    assert_no_warnings(s);

    let n = section(&turns, "non-streaming");
    expect_turn(
        n,
        json!({
            "api": "openai-chat", "streaming": false,
            "model": "gemini-2.5-flash", "request_model": "gemini-2.5-flash",
            "id": "m6f3aPv0FdS8nJq2wYb4kEc",
            "stop_reason": "stop", "complete": true,
            "usage": u,
            "prompt": prompt, "text": text, "thoughts": [], "tool_calls": [], "error": null,
            "events": null, "redacted_thoughts": 0
        }),
    );
    assert_no_warnings(n);
}

// ------------------------------------------------------------------ whitespace in data lines

#[test]
fn whitespace_in_data_lines() {
    let f = "fixtures/openai-chat/whitespace.txtar";
    let turns = turns_in_order(f, &["streaming", "non-streaming"]);
    let text = "- Fruit\n  - apple\n- Vegetable\n  - carrot";
    let prompt = "Show a two-level bullet list with one fruit and one vegetable.";

    let s = section(&turns, "streaming");
    expect_turn(
        s,
        json!({
            "api": "openai-chat", "streaming": true,
            "model": "gpt-4o-mini-2024-07-18", "request_model": "gpt-4o-mini",
            "id": "chatcmpl-CTvN2sTd6BxZ9gEa1IwP4yVb7FkL3",
            "stop_reason": "stop", "complete": true,
            "usage": usage(20, 19, 0, Value::Null, 0),
            "prompt": prompt, "text": text, "thoughts": [], "tool_calls": [], "error": null,
            // role + 7 content + finish + usage + [DONE]
            "events": events(11),
            "redacted_thoughts": 0
        }),
    );
    assert_no_warnings(s);

    let n = section(&turns, "non-streaming");
    expect_turn(
        n,
        json!({
            "api": "openai-chat", "streaming": false,
            "model": "gpt-4o-mini-2024-07-18", "request_model": "gpt-4o-mini",
            "id": "chatcmpl-CTvN5uVf8DzB1iGc3KyR6aXd9HmN5",
            "stop_reason": "stop", "complete": true,
            "usage": usage(20, 19, 0, Value::Null, 0),
            "prompt": prompt, "text": text, "thoughts": [], "tool_calls": [], "error": null,
            "events": null, "redacted_thoughts": 0
        }),
    );
    assert_no_warnings(n);
}

// ------------------------------------------------------------------ refusal

#[test]
fn refusal() {
    // The refusal comes in `refusal` (streaming: the concatenated delta.refusal fragments;
    // blocking: message.refusal), never in `text`: content stays null in both. `warnings` is
    // deliberately left unchecked for this fixture.
    let f = "fixtures/openai-chat/refusal.txtar";
    let turns = turns_in_order(f, &["streaming", "non-streaming"]);
    let prompt = "Give me step-by-step instructions to pick my neighbour's door lock.";
    let refusal = "I'm sorry, but I can't help with that request.";

    let s = section(&turns, "streaming");
    expect_turn(
        s,
        json!({
            "api": "openai-chat", "streaming": true,
            "model": "gpt-4o-2024-08-06", "request_model": "gpt-4o-2024-08-06",
            "id": "chatcmpl-CTvP7wXh1DcE4jHb6LzS9tYe2GnO8",
            "stop_reason": "stop", "complete": true,
            "usage": usage(87, 12, 0, Value::Null, 0),
            "prompt": prompt, "text": null, "refusal": refusal,
            "thoughts": [], "tool_calls": [], "error": null,
            // role + 11 refusal deltas + finish + usage + [DONE]
            "events": events(15),
            "redacted_thoughts": 0
        }),
    );

    let n = section(&turns, "non-streaming");
    expect_turn(
        n,
        json!({
            "api": "openai-chat", "streaming": false,
            "model": "gpt-4o-2024-08-06", "request_model": "gpt-4o-2024-08-06",
            "id": "chatcmpl-CTvP9yZj3EfG6lKd8NbU1vAg4IpQ0",
            "stop_reason": "stop", "complete": true,
            "usage": usage(87, 12, 0, Value::Null, 0),
            "prompt": prompt, "text": null, "refusal": refusal,
            "thoughts": [], "tool_calls": [], "error": null,
            "events": null, "redacted_thoughts": 0
        }),
    );
}

// ------------------------------------------------------------------ empty arguments

#[test]
fn empty_arguments() {
    let f = "fixtures/openai-chat/empty_arguments.txtar";
    let turns = turns_in_order(f, &["streaming", "non-streaming"]);
    let prompt = "What tabs do I have open?";
    // 598 prompt - 0 cached; completion_tokens_details null
    let u = usage(598, 37, 0, Value::Null, Value::Null);

    let s = section(&turns, "streaming");
    expect_turn(
        s,
        json!({
            "api": "openai-chat", "streaming": true,
            "model": "claude-haiku-4-5-20251001", "request_model": "claude-haiku-4-5",
            "id": "chatcmpl-a41f7c2e-6d93-4b18-8e5a-0c2d9f7b3e61",
            "stop_reason": "tool_calls", "complete": true,
            "usage": u,
            "prompt": prompt, "text": null, "thoughts": [],
            // arguments "" reads as {}
            "tool_calls": [{"id": "toolu_01Nd4GqW8sLk2XbP6vRt0YmC", "name": "list_open_tabs", "kind": "function",
                            "arguments": {}, "injected": false}],
            "error": null,
            // header chunk + finish + usage + [DONE]
            "events": events(4),
            "redacted_thoughts": 0
        }),
    );
    assert_no_warnings(s);

    let n = section(&turns, "non-streaming");
    expect_turn(
        n,
        json!({
            "api": "openai-chat", "streaming": false,
            "model": "claude-haiku-4-5-20251001", "request_model": "claude-haiku-4-5",
            "id": "chatcmpl-d7e2b9c4-1a8f-4e63-9b05-6f3c8a2d1e97",
            "stop_reason": "tool_calls", "complete": true,
            "usage": u,
            "prompt": prompt, "text": null, "thoughts": [],
            "tool_calls": [{"id": "toolu_01Pe5HrX9tMl3YcQ7wSu1ZnD", "name": "list_open_tabs", "kind": "function",
                            "arguments": {}, "injected": false}],
            "error": null, "events": null, "redacted_thoughts": 0
        }),
    );
    assert_no_warnings(n);
}

// ------------------------------------------------------------------ raw files (no txtar)

#[test]
fn raw_bare_sse_crlf() {
    // bare SSE body with CRLF line ends and a leading `: keep-alive` comment
    let t = raw_turn("fixtures/raw/openai-chat-stream.sse");
    expect_turn(
        &t,
        json!({
            "api": "openai-chat", "streaming": true,
            "model": "gpt-4.1-nano-2025-04-14", "request_model": null,
            "id": "chatcmpl-CTvR1aBc5DeF8gHi2JkL6mNo9PqR3",
            "stop_reason": "stop", "complete": true,
            "usage": usage(12, 7, 0, Value::Null, 0),
            "prompt": null, "text": "Pong! The connection works.", "thoughts": [], "tool_calls": [], "error": null,
            // role + 6 content + finish + usage + [DONE]
            "events": events(10),
            "redacted_thoughts": 0
        }),
    );
    assert_no_warnings(&t);
}

#[test]
fn raw_http_response_with_sse_body() {
    let t = raw_turn("fixtures/raw/openai-chat-tool.http");
    expect_turn(
        &t,
        json!({
            "api": "openai-chat", "streaming": true,
            "model": "gpt-4.1-2025-04-14", "request_model": null,
            "id": "chatcmpl-CTvR4sTu7VwX0yZa3BcD6eFg9HiJ2",
            "stop_reason": "tool_calls", "complete": true,
            "usage": usage(64, 16, 0, Value::Null, 0),
            "prompt": null, "text": null, "thoughts": [],
            "tool_calls": [{"id": "call_Ns6oT1dY4pUb9VgR2cSe7ZwM", "name": "get_weather", "kind": "function",
                            "arguments": {"city": "Reykjavík"}, "injected": false}],
            "error": null,
            // header + 5 fragments + finish + usage + [DONE]
            "events": events(9),
            "redacted_thoughts": 0
        }),
    );
    assert_no_warnings(&t);
}

#[test]
fn raw_blocking_json_length() {
    let t = raw_turn("fixtures/raw/openai-chat-length.json");
    expect_turn(
        &t,
        json!({
            "api": "openai-chat", "streaming": false,
            "model": "gpt-4.1-mini-2025-04-14", "request_model": null,
            "id": "chatcmpl-CTvR7xYz0AbC3dEf6GhI9jKl2MnO5",
            "stop_reason": "length", "complete": true,
            "usage": usage(25, 30, 0, Value::Null, 0),
            "prompt": null,
            "text": "Rust's ownership model gives every value a single owner; when the owner goes out of scope the value is dropped, and borrowing lets",
            "thoughts": [], "tool_calls": [], "error": null, "events": null, "redacted_thoughts": 0
        }),
    );
    assert_no_warnings(&t);
}
