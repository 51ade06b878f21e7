//! OpenAI Responses (`/v1/responses`) fixtures: every schema field of every turn, checked against
//! values worked out by hand from the captures in fixtures/openai-responses/ and fixtures/raw/.

mod common;
use common::*;
use serde_json::{Value, json};

fn fx(name: &str) -> String {
    format!("fixtures/openai-responses/{name}")
}

fn function(id: &str, name: &str, arguments: Value) -> Value {
    json!({"id": id, "name": name, "kind": "function", "arguments": arguments, "injected": name.starts_with("bmcp_")})
}

#[test]
fn simple() {
    let file = fx("simple.txtar");
    let turns = turns_in_order(&file, &["streaming", "non-streaming"]);
    let prompt = "Suggest a name for a Rust crate that parses HAR files. One line.";
    let text = "How about `harlequin`? It reads HAR files with style.";
    // created, in_progress, item added, part added, 14 deltas, text done, part done, item done, completed
    expect_turn(
        section(&turns, "streaming"),
        json!({
            "api": "openai-responses", "streaming": true,
            "model": "gpt-4.1-2025-04-14", "request_model": "gpt-4.1",
            "id": "resp_32f4319939a3ff78f534bb179cea074b5e264301446605f3",
            "stop_reason": "completed", "complete": true,
            "usage": usage(24, 14, 0, Value::Null, 0),
            "prompt": prompt, "text": text, "thoughts": [], "tool_calls": [], "error": null,
            "events": events(22), "redacted_thoughts": 0
        }),
    );
    expect_turn(
        section(&turns, "non-streaming"),
        json!({
            "api": "openai-responses", "streaming": false,
            "model": "gpt-4.1-2025-04-14", "request_model": "gpt-4.1",
            "id": "resp_2f1086bd1d6746953fe00366d6512f7abf6213407b629c8a",
            "stop_reason": "completed", "complete": true,
            "usage": usage(24, 14, 0, Value::Null, 0),
            "prompt": prompt, "text": text, "thoughts": [], "tool_calls": [], "error": null,
            "events": null, "redacted_thoughts": 0
        }),
    );
    for t in &turns {
        assert_no_warnings(t);
    }
}

#[test]
fn array_input_prompt_joins_input_text_parts() {
    let file = fx("array_input.txtar");
    let turns = turns_in_order(&file, &["streaming", "non-streaming"]);
    let prompt = "Now compare it with v2.4.\nKeep it under 40 words.";
    let text = "v2.4 adds HAR import and drops the legacy `--raw` flag; v2.3 only fixed bugs.";
    expect_turn(
        section(&turns, "streaming"),
        json!({
            "api": "openai-responses", "streaming": true,
            "model": "gpt-4.1-mini-2025-04-14", "request_model": "gpt-4.1-mini",
            "id": "resp_695064537a346ab2b1ffa47642ed27b380288e1268b26958",
            "stop_reason": "completed", "complete": true,
            "usage": usage(96, 17, 0, Value::Null, 0),
            "prompt": prompt, "text": text, "thoughts": [], "tool_calls": [], "error": null,
            "events": events(24), "redacted_thoughts": 0
        }),
    );
    expect_turn(
        section(&turns, "non-streaming"),
        json!({
            "api": "openai-responses", "streaming": false,
            "model": "gpt-4.1-mini-2025-04-14", "request_model": "gpt-4.1-mini",
            "id": "resp_5ff9ad9ff628c1b1d9960e570dd087da24294aff426cf031",
            "stop_reason": "completed", "complete": true,
            "usage": usage(96, 17, 0, Value::Null, 0),
            "prompt": prompt, "text": text, "thoughts": [], "tool_calls": [], "error": null,
            "events": null, "redacted_thoughts": 0
        }),
    );
    for t in &turns {
        assert_no_warnings(t);
    }
}

#[test]
fn reasoning_summary_two_parts() {
    let file = fx("reasoning_summary.txtar");
    let turns = turns_in_order(&file, &["streaming", "non-streaming"]);
    let prompt = "Is 2027 a prime number? Answer yes or no with a one-sentence reason.";
    let text = "Yes: 2027 is prime, since no prime up to its square root (about 45) divides it.";
    let thoughts = json!([
        {"source": "reasoning_summary",
         "text": "**Checking divisibility**\n\nOnly primes up to 45 matter, since 45² = 2025."},
        {"source": "reasoning_summary",
         "text": "**Confirming primality**\n\nNone of them divides 2027, so it is prime."}
    ]);
    // 3 lifecycle + reasoning (added, done, 2 x (part added, text done, part done) + 15 + 14 deltas = 37)
    // + message (21 deltas + 5) = 3 + 37 + 26 = 66
    expect_turn(
        section(&turns, "streaming"),
        json!({
            "api": "openai-responses", "streaming": true,
            "model": "o4-mini-2025-04-16", "request_model": "o4-mini",
            "id": "resp_71548efbc0d7f00d6bc741e6e463844b2b87a469fd770393",
            "stop_reason": "completed", "complete": true,
            "usage": usage(31, 412, 0, Value::Null, 320),
            "prompt": prompt, "text": text, "thoughts": thoughts, "tool_calls": [], "error": null,
            "events": events(66), "redacted_thoughts": 0
        }),
    );
    expect_turn(
        section(&turns, "non-streaming"),
        json!({
            "api": "openai-responses", "streaming": false,
            "model": "o4-mini-2025-04-16", "request_model": "o4-mini",
            "id": "resp_fb27fea743dd4450e8e08e64a899820273a3158d86a7cc5f",
            "stop_reason": "completed", "complete": true,
            "usage": usage(31, 398, 0, Value::Null, 320),
            "prompt": prompt, "text": text, "thoughts": thoughts, "tool_calls": [], "error": null,
            "events": null, "redacted_thoughts": 0
        }),
    );
    for t in &turns {
        assert_no_warnings(t);
    }
}

#[test]
fn single_tool_call() {
    let file = fx("single_tool.txtar");
    let turns = turns_in_order(&file, &["streaming", "non-streaming"]);
    let prompt = "What's the weather in Lyon right now, in celsius?";
    let args = json!({"city": "Lyon", "unit": "celsius"});
    // created, in_progress, item added, 11 argument deltas, arguments done, item done, completed
    expect_turn(
        section(&turns, "streaming"),
        json!({
            "api": "openai-responses", "streaming": true,
            "model": "gpt-4.1-2025-04-14", "request_model": "gpt-4.1",
            "id": "resp_035bde38aea4a8d9edf8b99cabd05000afb97665338b839c",
            "stop_reason": "completed", "complete": true,
            "usage": usage(71, 19, 0, Value::Null, 0),
            "prompt": prompt, "text": null, "thoughts": [],
            "tool_calls": [function("call_Lq8VfB3nWm2TzXa9cR4dYkPe", "get_weather", args.clone())],
            "error": null, "events": events(17), "redacted_thoughts": 0
        }),
    );
    expect_turn(
        section(&turns, "non-streaming"),
        json!({
            "api": "openai-responses", "streaming": false,
            "model": "gpt-4.1-2025-04-14", "request_model": "gpt-4.1",
            "id": "resp_cca96fa676705ff27e036d89114389f8b8ab26957b0553e0",
            "stop_reason": "completed", "complete": true,
            "usage": usage(71, 19, 0, Value::Null, 0),
            "prompt": prompt, "text": null, "thoughts": [],
            "tool_calls": [function("call_u7HcQ2rKp9LsE4wN1bXzA6oT", "get_weather", args)],
            "error": null, "events": null, "redacted_thoughts": 0
        }),
    );
    for t in &turns {
        assert_no_warnings(t);
    }
}

#[test]
fn parallel_tool_calls() {
    let file = fx("parallel_tools.txtar");
    let turns = turns_in_order(&file, &["streaming", "non-streaming"]);
    let prompt = "Compare the weather in Oslo and Lisbon today.";
    let oslo = json!({"city": "Oslo", "unit": "celsius"});
    let lisbon = json!({"city": "Lisbon", "unit": "celsius"});
    // 3 lifecycle + 2 x (added + 11 deltas + arguments done + item done) = 3 + 28 = 31
    // input: 1180 - 1024 cached = 156
    expect_turn(
        section(&turns, "streaming"),
        json!({
            "api": "openai-responses", "streaming": true,
            "model": "gpt-4.1-2025-04-14", "request_model": "gpt-4.1",
            "id": "resp_86778261f302b499749e3407aa3e919dab81bf970b4a2cdd",
            "stop_reason": "completed", "complete": true,
            "usage": usage(156, 46, 1024, Value::Null, 0),
            "prompt": prompt, "text": null, "thoughts": [],
            "tool_calls": [
                function("call_Ws1oGkD4eVh7NqZr2PbLm8Cx", "get_weather", oslo.clone()),
                function("call_Tn6jRy3AsXc0KfUe5HiQw9Bv", "get_weather", lisbon.clone())
            ],
            "error": null, "events": events(31), "redacted_thoughts": 0
        }),
    );
    // input: 1180 - 1152 cached = 28
    expect_turn(
        section(&turns, "non-streaming"),
        json!({
            "api": "openai-responses", "streaming": false,
            "model": "gpt-4.1-2025-04-14", "request_model": "gpt-4.1",
            "id": "resp_a4baf2ab233198f7025a2d251108e8bd36e0ebea33ca9111",
            "stop_reason": "completed", "complete": true,
            "usage": usage(28, 46, 1152, Value::Null, 0),
            "prompt": prompt, "text": null, "thoughts": [],
            "tool_calls": [
                function("call_Zp4mVb7NcEx2QaRk9LsUt1Hy", "get_weather", oslo),
                function("call_Gd8sHw3JqOf6YtCn0XeMi5Ar", "get_weather", lisbon)
            ],
            "error": null, "events": null, "redacted_thoughts": 0
        }),
    );
    for t in &turns {
        assert_no_warnings(t);
    }
}

#[test]
fn injected_tool_and_follow_ups() {
    let file = fx("injected_tool.txtar");
    let turns = turns_in_order(
        &file,
        &[
            "streaming",
            "streaming/tool-call",
            "non-streaming",
            "non-streaming/tool-call",
        ],
    );
    let prompt = "Which of my Coder workspaces are running?";
    let args = json!({"owner": "me", "status": "running"});
    let answer = "Two workspaces are running: `dev-api` and `docs-preview`.";
    // 3 lifecycle + added + 9 deltas + arguments done + item done = 15
    expect_turn(
        section(&turns, "streaming"),
        json!({
            "api": "openai-responses", "streaming": true,
            "model": "gpt-4.1-2025-04-14", "request_model": "gpt-4.1",
            "id": "resp_7b9dfc3317e842d6c01cf208e47d609a0bed45ddffcb549d",
            "stop_reason": "completed", "complete": true,
            "usage": usage(212, 24, 0, Value::Null, 0),
            "prompt": prompt, "text": null, "thoughts": [],
            "tool_calls": [{"id": "call_Hq2nXe8RtY4uVb6MzKc1LsJd", "name": "bmcp_coder_list_workspaces",
                            "kind": "function", "arguments": args.clone(), "injected": true}],
            "error": null, "events": events(15), "redacted_thoughts": 0
        }),
    );
    // 3 lifecycle + message (15 deltas + 5) = 23
    expect_turn(
        section(&turns, "streaming/tool-call"),
        json!({
            "api": "openai-responses", "streaming": true,
            "model": "gpt-4.1-2025-04-14", "request_model": "gpt-4.1",
            "id": "resp_05e7e20ba6f47d4cb4ff900d329fd6a625612841a6c0a84b",
            "stop_reason": "completed", "complete": true,
            "usage": usage(318, 15, 0, Value::Null, 0),
            "prompt": null, "text": answer, "thoughts": [], "tool_calls": [],
            "error": null, "events": events(23), "redacted_thoughts": 0
        }),
    );
    expect_turn(
        section(&turns, "non-streaming"),
        json!({
            "api": "openai-responses", "streaming": false,
            "model": "gpt-4.1-2025-04-14", "request_model": "gpt-4.1",
            "id": "resp_b037e2ce5030877dfeb2be3e394a08f3133647d50f84f73d",
            "stop_reason": "completed", "complete": true,
            "usage": usage(212, 24, 0, Value::Null, 0),
            "prompt": prompt, "text": null, "thoughts": [],
            "tool_calls": [{"id": "call_Pa5dFs9GhJ2kLq7WeRt3YuIo", "name": "bmcp_coder_list_workspaces",
                            "kind": "function", "arguments": args, "injected": true}],
            "error": null, "events": null, "redacted_thoughts": 0
        }),
    );
    expect_turn(
        section(&turns, "non-streaming/tool-call"),
        json!({
            "api": "openai-responses", "streaming": false,
            "model": "gpt-4.1-2025-04-14", "request_model": "gpt-4.1",
            "id": "resp_8a6e57f8ade92723f5419728f2630ff1b9d001aa88b3286e",
            "stop_reason": "completed", "complete": true,
            "usage": usage(318, 15, 0, Value::Null, 0),
            "prompt": null, "text": answer, "thoughts": [], "tool_calls": [],
            "error": null, "events": null, "redacted_thoughts": 0
        }),
    );
    for t in &turns {
        assert_no_warnings(t);
    }
}

#[test]
fn http_400_error() {
    let file = fx("http_error.txtar");
    let turns = turns_in_order(&file, &["streaming", "non-streaming"]);
    let expected = json!({
        "api": "openai-responses", "streaming": false,
        "model": "gpt-4.1", "request_model": "gpt-4.1",
        "id": null, "stop_reason": null, "complete": true, "usage": null,
        "prompt": "Hello there.", "text": null, "thoughts": [], "tool_calls": [],
        "error": {"status": 400, "type": "invalid_request_error",
                  "message": "Unsupported parameter: 'reasoning.effort' is not supported with this model.",
                  "mid_stream": false},
        "events": null, "redacted_thoughts": 0
    });
    expect_turn(section(&turns, "streaming"), expected.clone());
    expect_turn(section(&turns, "non-streaming"), expected.clone());
    for t in &turns {
        assert_no_warnings(t);
    }
}

#[test]
fn response_failed_after_text() {
    let file = fx("stream_failed.txtar");
    let turns = turns_in_order(&file, &["streaming", "non-streaming"]);
    let prompt = "Write a haiku about a flaky CI pipeline.";
    let text = "Green at midnight run,\nred by morning";
    let message = "An error occurred while processing your request. You can retry your request, or contact us \
                   through our help center at help.openai.com if the error persists.";
    // created, in_progress, reasoning added + done (empty summary), message added, part added,
    // 8 deltas, response.failed = 15. Neither event carries usage (null in both).
    expect_turn(
        section(&turns, "streaming"),
        json!({
            "api": "openai-responses", "streaming": true,
            "model": "gpt-5-2025-08-07", "request_model": "gpt-5",
            "id": "resp_747cdacafdfb068c9cfac69d83daf1a47b9c97d4c5695537",
            "stop_reason": "failed", "complete": true, "usage": null,
            "prompt": prompt, "text": text, "thoughts": [], "tool_calls": [],
            "error": {"status": null, "type": "server_error", "message": message, "mid_stream": true},
            "events": events(15), "redacted_thoughts": 0
        }),
    );
    expect_turn(
        section(&turns, "non-streaming"),
        json!({
            "api": "openai-responses", "streaming": false,
            "model": "gpt-5-2025-08-07", "request_model": "gpt-5",
            "id": "resp_e463b1f1dfb1c3d346668c83d3a30b394e4d2fa4dc5bc202",
            "stop_reason": "failed", "complete": true, "usage": null,
            "prompt": prompt, "text": text, "thoughts": [], "tool_calls": [],
            "error": {"status": null, "type": "server_error", "message": message, "mid_stream": false},
            "events": null, "redacted_thoughts": 0
        }),
    );
    for t in &turns {
        assert_no_warnings(t);
    }
}

#[test]
fn error_event_mid_stream() {
    let file = fx("stream_error_event.txtar");
    let turns = turns_in_order(&file, &["streaming", "non-streaming"]);
    let prompt = "List three uses for a SQLite database in a CLI tool.";
    // created, in_progress, item added, part added, 9 deltas, error = 14. The `error` event is not one of
    // response.completed/failed/incomplete, so the stream never said its status and is not complete.
    expect_turn(
        section(&turns, "streaming"),
        json!({
            "api": "openai-responses", "streaming": true,
            "model": "gpt-4.1-mini-2025-04-14", "request_model": "gpt-4.1-mini",
            "id": "resp_84340753c925e14fb6e11893a5a617a79e79f251e7048bc0",
            "stop_reason": null, "complete": false, "usage": null,
            "prompt": prompt, "text": "1. Caching API responses\n2. Storing", "thoughts": [], "tool_calls": [],
            "error": {"status": null, "type": "server_error",
                      "message": "The server had an error processing your request. Sorry about that! You can \
                                  retry your request, or contact us through our help center at help.openai.com \
                                  if you keep seeing this error.",
                      "mid_stream": true},
            "events": events(14), "redacted_thoughts": 0
        }),
    );
    expect_turn(
        section(&turns, "non-streaming"),
        json!({
            "api": "openai-responses", "streaming": false,
            "model": "gpt-4.1-mini", "request_model": "gpt-4.1-mini",
            "id": null, "stop_reason": null, "complete": true, "usage": null,
            "prompt": prompt, "text": null, "thoughts": [], "tool_calls": [],
            "error": {"status": 500, "type": "server_error",
                      "message": "The server had an error while processing your request. Sorry about that!",
                      "mid_stream": false},
            "events": null, "redacted_thoughts": 0
        }),
    );
    assert_no_warnings(section(&turns, "non-streaming"));
}

#[test]
fn truncated_in_tool_arguments() {
    let file = fx("truncated_tool_args.txtar");
    let turns = turns_in_order(&file, &["streaming"]);
    let t = section(&turns, "streaming");
    // 10 whole events (created, in_progress, item added, 7 argument deltas); the 11th is cut mid-JSON
    // and is not counted. The arguments so far do not parse: kept as the raw string.
    expect_turn(
        t,
        json!({
            "api": "openai-responses", "streaming": true,
            "model": "gpt-4.1-2025-04-14", "request_model": "gpt-4.1",
            "id": "resp_09de3ed0b3bfcc494283518269bbc524b1b3cdc9eb8f0fd9",
            "stop_reason": null, "complete": false, "usage": null,
            "prompt": "Weather in Reykjavik?", "text": null, "thoughts": [],
            "tool_calls": [function("call_Rk3vYb9XeW1mQz7TgNa5HcLu", "get_weather", json!("{\"city\":\"Reykjavik\",\""))],
            "error": null, "events": events(10), "redacted_thoughts": 0
        }),
    );
    assert_warning_contains(t, "truncated");
}

#[test]
fn incomplete_max_output_tokens() {
    let file = fx("incomplete.txtar");
    let turns = turns_in_order(&file, &["streaming", "non-streaming"]);
    let prompt = "Explain what a txtar archive is.";
    let text =
        "A txtar archive is a plain-text bundle of files: a free-form comment, then sections";
    // 3 lifecycle + reasoning (added, done) + message (18 deltas + 5) = 28
    expect_turn(
        section(&turns, "streaming"),
        json!({
            "api": "openai-responses", "streaming": true,
            "model": "gpt-5-mini-2025-08-07", "request_model": "gpt-5-mini",
            "id": "resp_0dc13e107c4706fc5d91308efbbf3bab9862923502c37a4e",
            "stop_reason": "incomplete", "complete": true,
            "usage": usage(14, 96, 0, Value::Null, 64),
            "prompt": prompt, "text": text, "thoughts": [], "tool_calls": [], "error": null,
            "events": events(28), "redacted_thoughts": 0
        }),
    );
    expect_turn(
        section(&turns, "non-streaming"),
        json!({
            "api": "openai-responses", "streaming": false,
            "model": "gpt-5-mini-2025-08-07", "request_model": "gpt-5-mini",
            "id": "resp_de3e0e80c680c3bccda641af2c924de227190fe354f84b79",
            "stop_reason": "incomplete", "complete": true,
            "usage": usage(14, 96, 0, Value::Null, 64),
            "prompt": prompt, "text": text, "thoughts": [], "tool_calls": [], "error": null,
            "events": null, "redacted_thoughts": 0
        }),
    );
    for t in &turns {
        assert_no_warnings(t);
    }
}

#[test]
fn commentary_is_a_thought_not_text() {
    let file = fx("commentary.txtar");
    let turns = turns_in_order(&file, &["streaming", "non-streaming"]);
    let prompt = "Run the tests and tell me if anything fails.";
    let thoughts = json!([
        {"source": "reasoning_summary", "text": "**Running the test suite**"},
        {"source": "commentary", "text": "Running `cargo test` in the workspace root."}
    ]);
    let args = json!({"command": "cargo test --workspace", "workdir": "/home/dev/trace"});
    // 3 lifecycle + reasoning (2 + part added, 5 deltas, text done, part done = 10)
    // + commentary message (8 deltas + 5 = 13) + function call (11 deltas + 3 = 14) = 40
    // input: 5120 - 4864 cached = 256
    expect_turn(
        section(&turns, "streaming"),
        json!({
            "api": "openai-responses", "streaming": true,
            "model": "gpt-5.3-codex", "request_model": "gpt-5.3-codex",
            "id": "resp_887b24e43be533b37cab2ecb9c5ad718a9f27210026e65ce",
            "stop_reason": "completed", "complete": true,
            "usage": usage(256, 118, 4864, Value::Null, 64),
            "prompt": prompt, "text": null, "thoughts": thoughts.clone(),
            "tool_calls": [function("call_Cm7xTq2WvB9nKe4RfYs1HdLo", "shell_command", args.clone())],
            "error": null, "events": events(40), "redacted_thoughts": 0
        }),
    );
    // input: 5120 - 4992 cached = 128
    expect_turn(
        section(&turns, "non-streaming"),
        json!({
            "api": "openai-responses", "streaming": false,
            "model": "gpt-5.3-codex", "request_model": "gpt-5.3-codex",
            "id": "resp_03566dbc28b75421e593952fbb7a88415385b936ce7a9c42",
            "stop_reason": "completed", "complete": true,
            "usage": usage(128, 121, 4992, Value::Null, 64),
            "prompt": prompt, "text": null, "thoughts": thoughts,
            "tool_calls": [function("call_Vb3nMq8ZxC1sDf6GhJk2LpWe", "shell_command", args)],
            "error": null, "events": null, "redacted_thoughts": 0
        }),
    );
    for t in &turns {
        assert_no_warnings(t);
    }
}

#[test]
fn final_answer_phase_is_text() {
    let file = fx("commentary_final_answer.txtar");
    let turns = turns_in_order(&file, &["streaming", "non-streaming"]);
    // The request replays reasoning, commentary, function_call and function_call_output after the user
    // message: its last item is a tool result, so this follow-up has no prompt of its own (as
    // aibridge records it; repeating the user's question would count it once per tool round).
    let prompt = serde_json::Value::Null;
    let text = "All 42 tests pass; nothing fails.";
    // 3 lifecycle + reasoning with empty summary (2) + message (8 deltas + 5) = 18
    // input: 5402 - 5120 cached = 282
    expect_turn(
        section(&turns, "streaming"),
        json!({
            "api": "openai-responses", "streaming": true,
            "model": "gpt-5.3-codex", "request_model": "gpt-5.3-codex",
            "id": "resp_641ff619c7cf29a4ef5d5234001566e24be69f3a920db7c3",
            "stop_reason": "completed", "complete": true,
            "usage": usage(282, 41, 5120, Value::Null, 0),
            "prompt": prompt, "text": text, "thoughts": [], "tool_calls": [], "error": null,
            "events": events(18), "redacted_thoughts": 0
        }),
    );
    expect_turn(
        section(&turns, "non-streaming"),
        json!({
            "api": "openai-responses", "streaming": false,
            "model": "gpt-5.3-codex", "request_model": "gpt-5.3-codex",
            "id": "resp_37b35d48a9533292f0fae4d2be7801c4fd1925d268e6f922",
            "stop_reason": "completed", "complete": true,
            "usage": usage(282, 41, 5120, Value::Null, 0),
            "prompt": prompt, "text": text, "thoughts": [], "tool_calls": [], "error": null,
            "events": null, "redacted_thoughts": 0
        }),
    );
    for t in &turns {
        assert_no_warnings(t);
    }
}

#[test]
fn custom_tool_call_keeps_raw_input() {
    let file = fx("custom_tool.txtar");
    let turns = turns_in_order(&file, &["streaming", "non-streaming"]);
    let prompt = "Rename the function `parse_sse` to `parse_event_stream` in src/sse.rs.";
    let patch = "*** Begin Patch\n*** Update File: src/sse.rs\n@@\n-pub fn parse_sse(body: &str) -> Vec<Event> {\n\
                 +pub fn parse_event_stream(body: &str) -> Vec<Event> {\n*** End Patch";
    // 3 lifecycle + reasoning (2) + custom tool call (added, 10 input deltas, input done, item done = 13) = 18
    expect_turn(
        section(&turns, "streaming"),
        json!({
            "api": "openai-responses", "streaming": true,
            "model": "gpt-5-2025-08-07", "request_model": "gpt-5",
            "id": "resp_b714df22abb2a7803fff7adc404b38261cfa28befa286e62",
            "stop_reason": "completed", "complete": true,
            "usage": usage(402, 187, 0, Value::Null, 128),
            "prompt": prompt, "text": null, "thoughts": [],
            "tool_calls": [{"id": "call_Ap9kXr2NvQ5mWt8JcLe3BsHy", "name": "apply_patch", "kind": "custom",
                            "arguments": patch, "injected": false}],
            "error": null, "events": events(18), "redacted_thoughts": 0
        }),
    );
    expect_turn(
        section(&turns, "non-streaming"),
        json!({
            "api": "openai-responses", "streaming": false,
            "model": "gpt-5-2025-08-07", "request_model": "gpt-5",
            "id": "resp_a1865267af28758a6bdb8973f0e30f50c381306a4bf2b502",
            "stop_reason": "completed", "complete": true,
            "usage": usage(402, 203, 0, Value::Null, 128),
            "prompt": prompt, "text": null, "thoughts": [],
            "tool_calls": [{"id": "call_Ke4sWd7YbN1xPq6ZtRm9GvCj", "name": "apply_patch", "kind": "custom",
                            "arguments": patch, "injected": false}],
            "error": null, "events": null, "redacted_thoughts": 0
        }),
    );
    for t in &turns {
        assert_no_warnings(t);
    }
}

#[test]
fn web_search_server_tool() {
    let file = fx("web_search.txtar");
    let turns = turns_in_order(&file, &["streaming", "non-streaming"]);
    let prompt = "When was Rust 1.80 released?";
    let text = "Rust 1.80.0 was released on July 25, 2024.";
    let action = json!({"type": "search", "query": "Rust 1.80 release date"});
    // 3 lifecycle + reasoning (2) + web_search_call (added, in_progress, searching, completed, done = 5)
    // + reasoning (2) + message (14 deltas + 5 = 19) = 31
    expect_turn(
        section(&turns, "streaming"),
        json!({
            "api": "openai-responses", "streaming": true,
            "model": "gpt-5-2025-08-07", "request_model": "gpt-5",
            "id": "resp_da31ada355a0511d42ded4de3a698d224406d168983c6651",
            "stop_reason": "completed", "complete": true,
            "usage": usage(8421, 142, 0, Value::Null, 64),
            "prompt": prompt, "text": text, "thoughts": [],
            "tool_calls": [{"id": "ws_84e8d481974006b7ddd4018d6fab4e382f54658cbffcc6b5", "name": "web_search",
                            "kind": "server", "arguments": action.clone(), "injected": false}],
            "error": null, "events": events(31), "redacted_thoughts": 0
        }),
    );
    expect_turn(
        section(&turns, "non-streaming"),
        json!({
            "api": "openai-responses", "streaming": false,
            "model": "gpt-5-2025-08-07", "request_model": "gpt-5",
            "id": "resp_769737933d45c5b3290c91b733252bac706faf7f995a4cdd",
            "stop_reason": "completed", "complete": true,
            "usage": usage(8398, 139, 0, Value::Null, 64),
            "prompt": prompt, "text": text, "thoughts": [],
            "tool_calls": [{"id": "ws_eac562588df3bad33ab02507af121c975ca758f009b70b1c", "name": "web_search",
                            "kind": "server", "arguments": action, "injected": false}],
            "error": null, "events": null, "redacted_thoughts": 0
        }),
    );
    for t in &turns {
        assert_no_warnings(t);
    }
}

#[test]
fn raw_sse_with_crlf() {
    let file = "fixtures/raw/openai-responses-text.sse";
    let t = &raw_turn(file);
    // 3 lifecycle + message (10 deltas + 5) = 18; no request, so no request model and no prompt
    expect_turn(
        t,
        json!({
            "source": {"path": file, "section": null, "entry": null},
            "api": "openai-responses", "streaming": true,
            "model": "gpt-4o-mini-2024-07-18", "request_model": null,
            "id": "resp_397c0b90c1d6eb15fdcf822bde8fb6e86fa69db57260b732",
            "stop_reason": "completed", "complete": true,
            "usage": usage(19, 10, 0, Value::Null, 0),
            "prompt": null, "text": "Use `cargo nextest` for faster test runs.", "thoughts": [], "tool_calls": [],
            "error": null, "events": events(18), "redacted_thoughts": 0
        }),
    );
    assert_no_warnings(t);
}

#[test]
fn raw_http_stream_with_text_then_tool() {
    let file = "fixtures/raw/openai-responses-tool.http";
    let t = &raw_turn(file);
    // 3 lifecycle + message (7 deltas + 5 = 12) + function call (10 deltas + 3 = 13) = 28
    // input: 1311 - 1024 cached = 287
    expect_turn(
        t,
        json!({
            "source": {"path": file, "section": null, "entry": null},
            "api": "openai-responses", "streaming": true,
            "model": "gpt-4.1-2025-04-14", "request_model": null,
            "id": "resp_5414adb70fa33e14a7b6ffcdab2230f572c2731ed265a832",
            "stop_reason": "completed", "complete": true,
            "usage": usage(287, 38, 1024, Value::Null, 0),
            "prompt": null, "text": "I'll check the forecast for Kyoto.", "thoughts": [],
            "tool_calls": [function("call_Fk2yTn8QwE5rXc1VbMz7HaJd", "get_forecast", json!({"city": "Kyoto", "days": 3}))],
            "error": null, "events": events(28), "redacted_thoughts": 0
        }),
    );
    assert_no_warnings(t);
}

#[test]
fn raw_json_go_sdk_union_fields() {
    // Every item carries every field of the Go SDK's output-item union (empty content/summary, action
    // null, arguments/input/name "" ...): only `type` says what an item is.
    let file = "fixtures/raw/openai-responses-go-sdk.json";
    let t = &raw_turn(file);
    // input: 233 - 128 cached = 105
    expect_turn(
        t,
        json!({
            "source": {"path": file, "section": null, "entry": null},
            "api": "openai-responses", "streaming": false,
            "model": "gpt-5-mini-2025-08-07", "request_model": null,
            "id": "resp_997ca029f22f6f24dd4fddc1b789bad79f26b24e020362ce",
            "stop_reason": "completed", "complete": true,
            "usage": usage(105, 85, 128, Value::Null, 64),
            "prompt": null, "text": "Checking the open incidents now.",
            "thoughts": [{"source": "reasoning_summary", "text": "**Listing open incidents**"}],
            "tool_calls": [function("call_In4cDt9RwS2eYu7JkPq1ZmXv", "list_incidents", json!({"status": "open", "limit": 5}))],
            "error": null, "events": null, "redacted_thoughts": 0
        }),
    );
    assert_no_warnings(t);
}

#[test]
fn all_fixtures_in_one_run() {
    let files = [
        "simple.txtar",
        "array_input.txtar",
        "reasoning_summary.txtar",
        "single_tool.txtar",
        "parallel_tools.txtar",
        "injected_tool.txtar",
        "http_error.txtar",
        "stream_failed.txtar",
        "stream_error_event.txtar",
        "truncated_tool_args.txtar",
        "incomplete.txtar",
        "commentary.txtar",
        "commentary_final_answer.txtar",
        "custom_tool.txtar",
        "web_search.txtar",
    ];
    let mut paths: Vec<String> = files.iter().map(|f| fx(f)).collect();
    paths.push("fixtures/raw/openai-responses-text.sse".into());
    paths.push("fixtures/raw/openai-responses-tool.http".into());
    paths.push("fixtures/raw/openai-responses-go-sdk.json".into());
    let args: Vec<&str> = paths.iter().map(String::as_str).collect();
    let turns = turns_of_all(&args);
    // two sections each, except injected_tool (4) and truncated_tool_args (1); one per raw file
    assert_eq!(turns.len(), 2 * 15 + 2 - 1 + 3);
    // turns come in input order
    let order: Vec<&str> = turns
        .iter()
        .map(|t| t["source"]["path"].as_str().unwrap())
        .collect();
    let mut expected = Vec::new();
    for (f, p) in files.iter().zip(&paths) {
        let n = match *f {
            "injected_tool.txtar" => 4,
            "truncated_tool_args.txtar" => 1,
            _ => 2,
        };
        expected.extend(std::iter::repeat_n(p.as_str(), n));
    }
    expected.extend(paths[15..].iter().map(String::as_str));
    assert_eq!(order, expected);
    assert!(turns.iter().all(|t| t["api"] == "openai-responses"));
}
