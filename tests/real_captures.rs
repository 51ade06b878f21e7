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
fn crewai_httpx_content_and_a_react_loop_in_user_messages() {
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
    // A ReAct loop without tool calls: the second request carries the first answer back
    // in a *user* message, the answer as given (it ends in `Observation:`, where the
    // model stopped) followed by crewAI's `\nObservation: Dummy result for: test query`.
    // That message hands the answer back: the second turn continues the first.
    assert_eq!(
        turns[1]["session"],
        json!({"id": turns[0]["session"]["id"], "step": 2, "previous": source(
            "tests/data/real/crewai-agent-task-with-tool.yaml", 0)})
    );
    // ReAct actions are no tool calls: no call to carry a result, no result with an id.
    assert_eq!(turns[0]["tool_calls"], json!([]));
    assert_eq!(turns[1]["tool_results"], json!([]));
}

fn source(path: &str, entry: u64) -> Value {
    json!({"path": path, "section": null, "entry": entry, "interception_id": null,
        "provider": null})
}

/// A five-step crewAI ReAct loop (gpt-4.1-mini, told to keep calling `get_final_answer`).
/// Each answer imagines its observations and writes on; crewAI keeps each answer up to its
/// first `Observation:` line, appends the real one, and sends it back as an assistant
/// message after the earlier ones. Worked out from the cassette's five request bodies:
/// request N+1 is request N's messages plus answer N so rewritten (request 4 adds, after
/// answer 3, the same message again with crewAI's "Now it's time you MUST give your
/// absolute best final answer" appended).
#[test]
fn crewai_a_react_loop_threads_by_its_rewritten_answers() {
    let path = "tests/data/real/crewai-react-max-rpm.yaml";
    let turns = turns(path);
    let ids: Vec<&str> = turns.iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "chatcmpl-CjDrrrgAaAx6ENTW3h36anbv4QldA",
            "chatcmpl-CjDrsEPJ3KNdyXFid7twr8fy3G06V",
            "chatcmpl-CjDrt9g2kG7uMAay3Wu7htfXxLIV4",
            "chatcmpl-CjDruAcQemSGwCHelNgfLpproHYbu",
            "chatcmpl-CjDruKtrseo97et9qYW43wKr6BHAn",
        ]
    );
    // The first answer goes on past its action with two observations it made up; the
    // second request replays it cut before the first of them, then "Observation: 42".
    let first = turns[0]["text"].as_str().unwrap();
    assert!(first.starts_with(
        "```\nThought: I need to use the tool get_final_answer repeatedly to gather the \
         information as instructed.\nAction: get_final_answer\nAction Input: {}\n\
         Observation: The final answer content is ready but not to be given yet.\n```"
    ));
    let id = &turns[0]["session"]["id"];
    assert_eq!(
        turns[0]["session"],
        json!({"id": id, "step": 1, "previous": null})
    );
    for (n, turn) in turns.iter().enumerate().skip(1) {
        let want = json!({"id": id, "step": n + 1, "previous": source(path, n as u64 - 1)});
        assert_eq!(turn["session"], want, "turn {n}");
        assert_eq!(turn["tool_results"], json!([]));
    }
    assert_eq!(
        turns[4]["text"],
        "```\nThought: I now know the final answer\nFinal Answer: 42\n```"
    );
    let (sessions, stderr, code) = inspect_sessions(path);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0]["id"], *id);
    assert_eq!(sessions[0]["steps"], 5);
}

/// A three-step crewAI ReAct agent (gpt-4o) that neither request sends its answer back
/// to: worked out from the cassette's request bodies. Request 2 (entry 2; entry 1 is
/// crewAI's telemetry) is request 0's two messages, byte for byte, and then the output of
/// the "Add image to content" action answer 0 asked for: a user message holding the
/// action's text and the image. Answer 2 describes the image but is not in the ReAct
/// format, so request 3 is request 2's three messages and then crewAI's correction, "I
/// did it wrong. Invalid Format: I missed the 'Action:' after 'Thought:'…". Answer 3 is
/// the final answer.
#[test]
fn crewai_replies_to_answers_it_does_not_send_back() {
    let path = "tests/data/real/crewai-image-tool-and-format-nudge.yaml";
    let turns = turns(path);
    let ids: Vec<&str> = turns.iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "chatcmpl-AiuIfzzcje5KdvKIG5CkFeORroiKk",
            "chatcmpl-AiuIiqT33ROFMdw1gNmqH9jiw6PfF",
            "chatcmpl-AiuInuYNldaQVo6B1EsEquT1VFMN7",
        ]
    );
    assert!(turns[0]["text"].as_str().unwrap().starts_with(
        "Action: Add image to content\nAction Input: {\"image_url\": \
         \"https://media.istockphoto.com/id/946087016/"
    ));
    assert_eq!(
        turns[1]["prompt"],
        "Analyze the provided image and describe what you see in detail."
    );
    assert!(
        turns[2]["prompt"].as_str().unwrap().starts_with(
            "I did it wrong. Invalid Format: I missed the 'Action:' after 'Thought:'."
        )
    );
    let id = &turns[0]["session"]["id"];
    assert_eq!(
        turns[0]["session"],
        json!({"id": id, "step": 1, "previous": null})
    );
    assert_eq!(
        turns[1]["session"],
        json!({"id": id, "step": 2, "previous": source(path, 0)})
    );
    assert_eq!(
        turns[2]["session"],
        json!({"id": id, "step": 3, "previous": source(path, 2)})
    );
    assert!(turns[2]["text"].as_str().unwrap().starts_with(
        "Thought: I now can give a great answer\nFinal Answer: The image is an aerial view \
         of Lower Manhattan"
    ));
    let (sessions, _, code) = inspect_sessions(path);
    assert_eq!(code, 0);
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0]["steps"], 3);
    assert_eq!(sessions[0]["ended"], "answer");
}

fn inspect_sessions(path: &str) -> (Vec<Value>, String, i32) {
    let out = run(&["inspect", "--format", "jsonl", "--view", "sessions", path]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let rows = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (rows, stderr, out.status.code().unwrap_or(-1))
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
