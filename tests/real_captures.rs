//! Real VCR cassettes from agent-framework test suites (tests/data/real/, sources in its
//! SOURCES.md): recorded by vcrpy against the live APIs, so they hold what no hand-written
//! fixture does (PyYAML's folding of long JSON strings, `parsed_body` mappings, a gzip'd
//! `!!binary` body, httpx's `content`, real cookies). Every value below was read off the
//! cassette by hand (the gzip'd body decoded with `base64 -d | gunzip`).

mod common;
use common::*;

use serde_json::{Value, json};

fn turns(path: &str) -> Vec<Value> {
    let (turns, stderr, code) = inspect(&[path]);
    assert_eq!(code, 0, "{stderr}");
    turns
}

#[test]
fn crewai_a_chat_stream_then_a_gzipped_binary_body() {
    let turns = turns("tests/data/real/crewai-agent-execution.yaml");
    assert_eq!(turns.len(), 2);
    // 26 chunks and `data: [DONE]`, inside a single-quoted YAML string PyYAML folded.
    let stream = &turns[0];
    assert_eq!(stream["streaming"], true);
    assert_eq!(stream["id"], "chatcmpl-8rhqV7v2vJn9mItSSNAgGlWjFjunr");
    assert_eq!(stream["model"], "gpt-4-0613");
    assert_eq!(stream["request_model"], "gpt-4");
    assert_eq!(
        stream["text"],
        "Thought: Do I need to use a tool? No\nFinal Answer: 1 + 1 equals 2."
    );
    assert_eq!(stream["stop_reason"], "stop");
    assert_eq!(stream["events"], events(27));
    assert_no_warnings(stream);
    // The summary call's answer: `Content-Encoding: gzip`, the body base64 in `!!binary`.
    let gzipped = &turns[1];
    assert_eq!(gzipped["streaming"], false);
    assert_eq!(gzipped["id"], "chatcmpl-8rhqXjdfA2RlIVNmEtFpEcHWgJ6pw");
    assert_eq!(gzipped["usage"]["input"], 156);
    assert_eq!(gzipped["usage"]["output"], 27);
    assert_eq!(
        gzipped["text"],
        "The human asks the AI to calculate 1 + 1, and the AI responds that 1 + 1 equals 2."
    );
    // Two conversations: the agent's, then a summary of it.
    assert_eq!(gzipped["session"]["previous"], Value::Null);
}

#[test]
fn crewai_httpx_content_and_a_react_loop_that_does_not_thread() {
    let turns = turns("tests/data/real/crewai-agent-task-with-tool.yaml");
    let got: Vec<(Value, Value, Value)> = turns
        .iter()
        .map(|t| {
            (
                t["id"].clone(),
                t["usage"]["input"].clone(),
                t["usage"]["output"].clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                json!("chatcmpl-AARydRDFzcD2NUmMGzemsV0dp6kkG"),
                json!(295),
                json!(35)
            ),
            (
                json!("chatcmpl-AARyetCGaZezXJxRa6LAmYL8UMQiI"),
                json!(343),
                json!(9)
            ),
        ]
    );
    assert_eq!(
        turns[1]["text"],
        "Final Answer: Dummy result for: test query"
    );
    // The second request carries the first answer back as a *user* message (the ReAct
    // loop's "Observation"), so nothing in it is an assistant turn to thread onto.
    assert_eq!(turns[1]["session"]["step"], 1);
}

#[test]
fn pydantic_ai_an_anthropic_tool_loop_with_thinking() {
    let path = "tests/data/real/pydantic-ai-anthropic-tool-with-thinking.yaml";
    let turns = turns(path);
    assert_eq!(turns.len(), 2);
    let first = &turns[0];
    assert_eq!(first["id"], "msg_01WvueFjZVbHcj4H4zUzeGv2");
    assert_eq!(first["model"], "claude-sonnet-4-20250514");
    assert_eq!(first["request_model"], "claude-sonnet-4-0");
    assert_eq!(first["stop_reason"], "tool_use");
    assert_eq!(
        first["prompt"],
        "What is the largest city in the user country?"
    );
    assert_eq!(first["usage"]["input"], 398);
    assert_eq!(first["usage"]["output"], 155);
    let thought = first["thoughts"][0]["text"].as_str().unwrap();
    assert!(
        thought.starts_with("The user is asking about the largest city in \"the user country\".")
    );
    assert!(thought.ends_with("\n\nLet me call the get_user_country function first."));
    let call = &first["tool_calls"][0];
    assert_eq!(call["id"], "toolu_01YGzqpRE16Vricda3Aqcejo");
    assert_eq!(call["name"], "get_user_country");
    assert_eq!(call["arguments"], json!({}));
    assert_eq!(call["result"]["content"], "Mexico");
    let second = &turns[1];
    assert_eq!(second["id"], "msg_01SZ8KP8HhB1TxP6Ybbv6iKz");
    assert_eq!(second["usage"]["input"], 566);
    assert_eq!(second["usage"]["output"], 126);
    assert!(second["text"].as_str().unwrap().starts_with(
        "Based on the information that you're from Mexico, the largest city in your country is **Mexico City**"
    ));
    assert_eq!(
        second["session"],
        json!({"id": first["session"]["id"], "step": 2, "previous": {"path": path,
            "section": null, "entry": 0, "interception_id": null, "provider": null}})
    );
}

#[test]
fn pydantic_ai_an_anthropic_stream_and_a_responses_tool_loop() {
    let stream = &turns("tests/data/real/pydantic-ai-anthropic-thinking-stream.yaml")[0];
    assert_eq!(stream["id"], "msg_01ALwQ87pTS7hH1PjSdC9wJD");
    assert_eq!(stream["streaming"], true);
    assert_eq!(stream["complete"], true);
    assert_eq!(stream["stop_reason"], "end_turn");
    assert_eq!(stream["usage"]["input"], 43);
    assert_eq!(stream["usage"]["output"], 282);
    assert_eq!(stream["thoughts"][0]["source"], "thinking");
    assert_eq!(stream["events"]["unknown"], 0);

    let path = "tests/data/real/pydantic-ai-responses-tool-call.yaml";
    let turns = turns(path);
    assert_eq!(
        turns[0]["id"],
        "resp_04907f5d3de791830068fbaa19bb908195a91378279dba0f14"
    );
    assert_eq!(turns[0]["model"], "gpt-4o-2024-08-06");
    assert_eq!(turns[0]["prompt"], "What is the capital of PotatoLand?");
    let call = &turns[0]["tool_calls"][0];
    assert_eq!(call["id"], "call_YfwRsW8sUxDKipwyhWTzOXCA");
    assert_eq!(call["name"], "get_capital");
    assert_eq!(call["arguments"], json!({"country": "PotatoLand"}));
    assert_eq!(call["result"]["content"], "Potato City");
    assert_eq!(
        turns[1]["text"],
        "The capital of PotatoLand is Potato City."
    );
    assert_eq!(turns[1]["usage"]["input"], 67);
    assert_eq!(turns[1]["usage"]["output"], 11);
    assert_eq!(turns[1]["session"]["step"], 2);
    assert_eq!(turns[1]["session"]["previous"]["entry"], 0);
}

#[test]
fn no_header_value_of_a_real_cassette_reaches_any_output() {
    // Cookies, Cloudflare ids, request ids and an organization from the crewAI cassettes.
    let secrets = [
        "_cfuvid",
        "__cf_bm",
        "8c76b07cac90a658",
        "req_4528f488",
        "crewai-iuxna1",
    ];
    for args in [
        &["inspect", "--format", "jsonl"][..],
        &["inspect", "--format", "markdown", "--view", "all"],
        &["inspect", "--format", "table", "--view", "transcript"],
        &["inspect", "--format", "otlp"],
        &["summary", "--format", "json"],
        &["validate"],
    ] {
        let mut all = args.to_vec();
        all.push("tests/data/real");
        let out = run(&all);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        for secret in secrets {
            assert!(!text.contains(secret), "{args:?}: {secret} leaked");
        }
    }
}
