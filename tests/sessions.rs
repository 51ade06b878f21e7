//! Sessions end to end: `inspect` over `tests/data/sessions/` (whose README works out every
//! link by hand) threads each turn into its session, and gives each tool call the result a
//! later request carried. Every value below is stated by hand from that README.

mod common;

use serde_json::{Value, json};

const DIR: &str = "tests/data/sessions/";
const AGENTS: &str = "tests/data/sessions/two-agents.har";
const CHAIN: &str = "tests/data/sessions/responses-chain.har";
const REPLAY: &str = "tests/data/sessions/chat-replay.har";
const CHAT: &str = "tests/data/sessions/dumps/openai/gpt-4.1/";
const CODEX: &str = "tests/data/sessions/dumps/openai/gpt-5-codex/";

/// The dump files of one folder, by their unix-millis prefix.
fn dump(folder: &str, millis: &str) -> String {
    let entries = std::fs::read_dir(common::root().join(folder)).unwrap();
    let mut found: Vec<String> = entries
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with(millis) && name.ends_with(".resp.txt"))
        .collect();
    assert_eq!(found.len(), 1, "{folder}{millis}");
    format!("{folder}{}", found.remove(0))
}

/// Where a turn is: a HAR entry, or a dump file.
#[derive(Debug, Clone, PartialEq)]
enum At {
    Entry(&'static str, u64),
    Dump(String),
}

impl At {
    fn matches(&self, source: &Value) -> bool {
        match self {
            At::Entry(path, entry) => source["path"] == *path && source["entry"] == *entry,
            At::Dump(path) => source["path"] == path.as_str() && source["entry"].is_null(),
        }
    }
}

fn turn<'a>(turns: &'a [Value], at: &At) -> &'a Value {
    let found: Vec<&Value> = turns.iter().filter(|t| at.matches(&t["source"])).collect();
    assert_eq!(found.len(), 1, "one turn at {at:?}");
    found[0]
}

/// One call's expected result: carried by the turn at `by`, with `is_error`.
type Result = Option<(At, Value)>;

/// Checks a turn's session place and each call's id and result.
fn expect(
    turns: &[Value],
    at: &At,
    session: &str,
    step: u64,
    previous: Option<&At>,
    calls: &[(&str, Result)],
) {
    let t = turn(turns, at);
    let place = &t["session"];
    assert_eq!(place["id"], session, "{at:?}");
    assert_eq!(place["step"], step, "{at:?}");
    match previous {
        None => assert!(place["previous"].is_null(), "{at:?}: {place}"),
        Some(previous) => assert!(previous.matches(&place["previous"]), "{at:?}: {place}"),
    }
    let made = t["tool_calls"].as_array().unwrap();
    assert_eq!(made.len(), calls.len(), "{at:?}");
    for (call, (id, result)) in made.iter().zip(calls) {
        assert_eq!(call["id"], *id, "{at:?}");
        match result {
            None => assert!(call["result"].is_null(), "{at:?} {id}: {}", call["result"]),
            Some((by, is_error)) => {
                assert!(by.matches(&call["result"]["source"]), "{at:?} {id}");
                assert_eq!(call["result"]["is_error"], *is_error, "{at:?} {id}");
            }
        }
    }
}

fn all_turns() -> Vec<Value> {
    let (turns, stderr, code) = common::inspect(&[DIR]);
    assert_eq!(code, 0, "{stderr}");
    turns
}

#[test]
fn two_agents_interleaved_in_one_har() {
    let turns = all_turns();
    let e = |n| At::Entry(AGENTS, n);
    let (a, b) = ("ses_bc24da75f572", "ses_edea796153ca");
    let ok = |n| Some((e(n), json!(false)));
    expect(
        &turns,
        &e(0),
        a,
        1,
        None,
        &[("toolu_01A1RunTests8xQ", ok(2))],
    );
    expect(
        &turns,
        &e(1),
        b,
        1,
        None,
        &[("toolu_01B1GrepTodo3Hs", ok(3))],
    );
    expect(
        &turns,
        &e(2),
        a,
        2,
        Some(&e(0)),
        &[
            ("toolu_01A2ReadLexer4Tm", ok(5)),
            ("toolu_01A2ReadTests7Pw", Some((e(5), json!(true)))),
        ],
    );
    // B ends waiting on a tool result.
    expect(
        &turns,
        &e(3),
        b,
        2,
        Some(&e(1)),
        &[("toolu_01B2ReadAst6Kc", None)],
    );
    expect(
        &turns,
        &e(5),
        a,
        3,
        Some(&e(2)),
        &[("toolu_01A3EditPeek2Vn", ok(6))],
    );
    expect(&turns, &e(6), a, 4, Some(&e(5)), &[]);
    // Entry 4 is telemetry: no turn.
    assert!(!turns.iter().any(|t| e(4).matches(&t["source"])));

    // The parallel results come back in one request, as it carried them.
    let results = &turn(&turns, &e(5))["tool_results"];
    assert_eq!(results.as_array().unwrap().len(), 2);
    assert_eq!(results[0]["call_id"], "toolu_01A2ReadLexer4Tm");
    assert!(results[0]["content"].is_array());
    assert_eq!(results[0]["is_error"], false);
    assert_eq!(results[1]["call_id"], "toolu_01A2ReadTests7Pw");
    assert_eq!(results[1]["is_error"], true);
    assert!(
        results[1]["content"]
            .as_str()
            .unwrap()
            .starts_with("<tool_use_error>File does not exist")
    );
    let call = &turn(&turns, &e(2))["tool_calls"][1];
    assert_eq!(call["result"]["content"], results[1]["content"]);
    assert_eq!(turn(&turns, &e(0))["tool_results"], json!([]));
    assert_eq!(
        turn(&turns, &e(0))["request"]["tools"],
        json!(["Bash", "Read", "Edit"])
    );
}

#[test]
fn a_chat_agent_loop_in_a_dump_folder() {
    let turns = all_turns();
    let d = |millis| At::Dump(dump(CHAT, millis));
    let s = "ses_374402fb7038";
    let by = |millis| Some((d(millis), Value::Null));
    expect(
        &turns,
        &d("1749024000250"),
        s,
        1,
        None,
        &[
            ("call_Wx7Oslo2kQ9v", by("1749024002810")),
            ("call_Wx7Rome5mT3a", by("1749024002810")),
        ],
    );
    expect(
        &turns,
        &d("1749024002810"),
        s,
        2,
        Some(&d("1749024000250")),
        &[],
    );
    // Linked by replaying step 2's answer: the user asks again.
    expect(
        &turns,
        &d("1749024031400"),
        s,
        3,
        Some(&d("1749024002810")),
        &[("call_Wx7Madr8pL1c", by("1749024033075"))],
    );
    expect(
        &turns,
        &d("1749024033075"),
        s,
        4,
        Some(&d("1749024031400")),
        &[],
    );
    let request = &turn(&turns, &d("1749024000250"))["request"];
    assert_eq!(request["params"]["parallel_tool_calls"], true);
    assert_eq!(request["params"]["temperature"], 0.2);
}

#[test]
fn a_codex_loop_replaying_its_whole_history() {
    let turns = all_turns();
    let d = |millis| At::Dump(dump(CODEX, millis));
    let s = "ses_5a8865b5a8e2";
    let by = |millis| Some((d(millis), Value::Null));
    let first = d("1755861600100");
    expect(
        &turns,
        &first,
        s,
        1,
        None,
        &[("call_K1tests0aZ9", by("1755861643900"))],
    );
    expect(&turns, &d("1755861643900"), s, 2, Some(&first), &[]);
    expect(
        &turns,
        &d("1755861702450"),
        s,
        3,
        Some(&d("1755861643900")),
        &[("call_K3commit7Qw", by("1755861705010"))],
    );
    expect(
        &turns,
        &d("1755861705010"),
        s,
        4,
        Some(&d("1755861702450")),
        &[],
    );
}

#[test]
fn a_responses_chain_by_previous_response_id() {
    let turns = all_turns();
    let e = |n| At::Entry(CHAIN, n);
    let s = "ses_e8af561fa7e7";
    let by = |n| Some((e(n), Value::Null));
    expect(&turns, &e(0), s, 1, None, &[("call_Ls9sQ2vB7nXe", by(1))]);
    expect(
        &turns,
        &e(1),
        s,
        2,
        Some(&e(0)),
        &[("call_Wc3kP8tR1mYa", by(2))],
    );
    expect(&turns, &e(2), s, 3, Some(&e(1)), &[]);
    expect(&turns, &e(3), s, 4, Some(&e(2)), &[]);
    let second = turn(&turns, &e(1));
    let id = &turn(&turns, &e(0))["id"];
    assert_eq!(&second["request"]["previous_response_id"], id);
    assert_eq!(second["tool_results"][0]["call_id"], "call_Ls9sQ2vB7nXe");
    assert_eq!(second["tool_results"][0]["is_error"], Value::Null);
}

#[test]
fn a_chat_conversation_continued_by_replay() {
    let turns = all_turns();
    let e = |n| At::Entry(REPLAY, n);
    let s = "ses_0e5001e23bd5";
    expect(&turns, &e(0), s, 1, None, &[]);
    // The title request: the same question, no history, a session of its own.
    expect(&turns, &e(1), "ses_cb4b545b1954", 1, None, &[]);
    expect(&turns, &e(2), s, 2, Some(&e(0)), &[]);
    expect(&turns, &e(3), s, 3, Some(&e(2)), &[]);
}

/// A txtar's `*/tool-call` section continues its plain section; the injected call's result
/// is not in the file, and the follow-up has no request of its own.
#[test]
fn txtar_tool_call_sections_continue_their_plain_section() {
    let path = "fixtures/anthropic-messages/injected_tool.txtar";
    let turns = common::turns_of(path);
    let section = |name: &str| common::section(&turns, name);
    for plain in ["streaming", "non-streaming"] {
        let first = section(plain);
        let follow = section(&format!("{plain}/tool-call"));
        assert_eq!(first["session"]["step"], 1);
        assert!(first["session"]["previous"].is_null());
        assert!(first["request"].is_object());
        assert!(first["tool_calls"][0]["result"].is_null());
        assert_eq!(follow["session"]["id"], first["session"]["id"]);
        assert_eq!(follow["session"]["step"], 2);
        assert_eq!(follow["session"]["previous"]["path"], path);
        assert_eq!(follow["session"]["previous"]["section"], plain);
        assert!(follow["request"].is_null());
        assert_eq!(follow["tool_results"], json!([]));
    }
    assert_ne!(
        section("streaming")["session"]["id"],
        section("non-streaming")["session"]["id"]
    );
}

/// Threading is over the whole run, not per file: the same folder given file by file in
/// another order gives every turn the same place.
#[test]
fn threading_spans_inputs_and_keeps_input_order() {
    let (forward, _, _) = common::inspect(&[AGENTS, CHAIN]);
    let (backward, _, _) = common::inspect(&[CHAIN, AGENTS]);
    assert_eq!(forward.len(), 10);
    assert_eq!(forward[0]["source"]["path"], AGENTS);
    assert_eq!(backward[0]["source"]["path"], CHAIN);
    let key = |t: &Value| (t["source"].to_string(), t["session"].to_string());
    let mut f: Vec<_> = forward.iter().map(key).collect();
    let mut b: Vec<_> = backward.iter().map(key).collect();
    f.sort();
    b.sort();
    assert_eq!(f, b);
}

#[test]
fn one_object_per_session() {
    let out = common::run(&["inspect", "--view", "sessions", "--format", "jsonl", DIR]);
    assert_eq!(out.status.code(), Some(0));
    let sessions: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // In the input order of their first turns (the folder walked in sorted order).
    let ids: Vec<&str> = sessions.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "ses_0e5001e23bd5",
            "ses_cb4b545b1954",
            "ses_374402fb7038",
            "ses_5a8865b5a8e2",
            "ses_e8af561fa7e7",
            "ses_bc24da75f572",
            "ses_edea796153ca",
        ]
    );
    let a = &sessions[5];
    let entries: Vec<&Value> = a["turns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["entry"])
        .collect();
    assert_eq!(entries, [&json!(0), &json!(2), &json!(5), &json!(6)]);
    assert_eq!(a["steps"], 4);
    assert_eq!(a["tool_calls"], 4);
    assert_eq!(a["failed_tool_calls"], 1);
    assert_eq!(a["errors"], 0);
    assert_eq!(a["ended"], "answer");
    assert_eq!(a["prompt"], "Why does `cargo test` fail in crates/parser?");
    let b = &sessions[6];
    assert_eq!((&b["steps"], &b["tool_calls"]), (&json!(2), &json!(2)));
    assert_eq!(b["ended"], "waiting_on_tool");
    // The title request is one step.
    assert_eq!(sessions[1]["steps"], 1);
    assert_eq!(sessions[1]["turns"][0]["entry"], 1);
    // The Responses chain's four gpt-5 turns, priced together ($/M: input 1.25, output 10,
    // cache read 0.125): 906 * 1.25 + 303 * 10 + 1,792 * 0.125 = 1,132.5 + 3,030 + 224
    // = 4,386.5 millionths of a dollar.
    let chain = &sessions[4];
    assert_eq!(chain["id"], "ses_e8af561fa7e7");
    assert_eq!(chain["cost_usd"], json!(0.0043865));
    assert_eq!(chain["unpriced_turns"], 0);
}

#[test]
fn summary_by_session_and_tool_results() {
    let out = common::run(&["summary", "--format", "json", "--by", "session", DIR]);
    assert_eq!(out.status.code(), Some(0));
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["group_by"], "session");
    let groups = summary["groups"].as_object().unwrap();
    assert_eq!(groups.len(), 7);
    assert_eq!(groups["ses_bc24da75f572"]["turns"], 4);
    assert_eq!(groups["ses_edea796153ca"]["turns"], 2);
    assert_eq!(groups["ses_cb4b545b1954"]["turns"], 1);
    // Read: A's two parallel reads (one failed) and B's unanswered one.
    let read = &summary["tools"]["Read"];
    assert_eq!(
        (&read["calls"], &read["results"], &read["errors"]),
        (&json!(3), &json!(2), &json!(1))
    );
    assert_eq!(read["error_rate"], 0.5);
    // Chat results carry no error flag: seen, none counted as errors.
    let weather = &summary["tools"]["get_weather"];
    assert_eq!(
        (&weather["calls"], &weather["results"], &weather["errors"]),
        (&json!(3), &json!(3), &json!(0))
    );
    assert_eq!(weather["error_rate"], 0.0);
    // Grep's result came back, Edit's too; nothing failed.
    assert_eq!(summary["tools"]["Edit"]["error_rate"], 0.0);
}

/// How a session ended, from its last turn: an error, a stream cut short, a call left
/// unanswered.
#[test]
fn how_sessions_end() {
    let ended = |fixture: &str| -> Vec<String> {
        let out = common::run(&["inspect", "--view", "sessions", "-f", "jsonl", fixture]);
        assert_eq!(out.status.code(), Some(0), "{fixture}");
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap()["ended"].to_string())
            .collect()
    };
    let cut = ended("fixtures/anthropic-messages/truncated_tool_call.txtar");
    assert_eq!(cut, ["\"cut_off\""]);
    let failed = ended("fixtures/anthropic-messages/http_error_400.txtar");
    assert!(failed.iter().all(|e| e == "\"error\""), "{failed:?}");
    // One call each, no later request in the file: both sections wait on a tool result.
    let waiting = ended("fixtures/anthropic-messages/single_tool.txtar");
    assert_eq!(waiting, ["\"waiting_on_tool\"", "\"waiting_on_tool\""]);
}

/// An Anthropic stream answering with `text` (if any), then two `read` calls of step `k`.
fn agent_stream(k: usize, text: &str) -> String {
    let mut events = vec![
        json!({"type": "message_start", "message": {"id": format!("msg_{k}"),
        "model": "claude-sonnet-4-5", "usage": {"input_tokens": 1, "output_tokens": 1}}}),
    ];
    let mut index = 0;
    let mut block = |start: Value, delta: Value| {
        events.push(json!({"type": "content_block_start", "index": index, "content_block": start}));
        events.push(json!({"type": "content_block_delta", "index": index, "delta": delta}));
        events.push(json!({"type": "content_block_stop", "index": index}));
        index += 1;
    };
    if !text.is_empty() {
        block(
            json!({"type": "text", "text": ""}),
            json!({"type": "text_delta", "text": text}),
        );
    }
    for t in 0..2 {
        block(
            json!({"type": "tool_use", "id": format!("c{k}_{t}"), "name": "read", "input": {}}),
            json!({"type": "input_json_delta", "partial_json": json!({"i": k, "t": t}).to_string()}),
        );
    }
    events.push(
        json!({"type": "message_delta", "delta": {"stop_reason": "tool_use"},
        "usage": {"output_tokens": 1}}),
    );
    events.push(json!({"type": "message_stop"}));
    events
        .iter()
        .map(|e| format!("event: {}\ndata: {e}\n\n", e["type"].as_str().unwrap()))
        .collect()
}

#[test]
fn results_whose_turns_went_to_the_temporary_file_still_reach_their_calls() {
    // A 5 MB answer first fills the 4 MiB of texts kept in memory: every later turn's
    // texts and tool results go to the temporary file, and each call's result is read
    // from there, from the later turn that carried it, before that turn is read back.
    let dir = common::scratch("held_results");
    let txtar = |request: &Value, stream: &str| {
        format!("-- request --\n{request}\n-- streaming --\n{stream}")
    };
    let other = json!({"model": "claude-sonnet-4-5", "max_tokens": 5, "stream": true,
        "messages": [{"role": "user", "content": "other"}]});
    std::fs::write(
        dir.join("000.txtar"),
        txtar(&other, &agent_stream(99, &"x".repeat(5 << 20))),
    )
    .unwrap();
    let content =
        |k: usize, t: usize| json!([{"type": "text", "text": format!("R{k}.{t} ").repeat(500)}]);
    let mut messages = vec![json!({"role": "user", "content": "start"})];
    for k in 0..12 {
        let request = json!({"model": "claude-sonnet-4-5", "max_tokens": 5, "stream": true,
            "messages": messages});
        std::fs::write(
            dir.join(format!("{:03}.txtar", k + 1)),
            txtar(&request, &agent_stream(k, "")),
        )
        .unwrap();
        messages.push(json!({"role": "assistant", "content": (0..2).map(|t|
            json!({"type": "tool_use", "id": format!("c{k}_{t}"), "name": "read", "input": {"i": k, "t": t}}))
            .collect::<Vec<_>>()}));
        messages.push(json!({"role": "user", "content": (0..2).map(|t|
            json!({"type": "tool_result", "tool_use_id": format!("c{k}_{t}"), "content": content(k, t)}))
            .collect::<Vec<_>>()}));
    }
    let (turns, stderr, code) = common::inspect(&[dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(turns.len(), 13);
    for (k, turn) in turns[1..].iter().enumerate() {
        assert_eq!(turn["session"]["step"], k + 1);
        for (t, call) in turn["tool_calls"].as_array().unwrap().iter().enumerate() {
            match k {
                11 => assert_eq!(
                    call["result"],
                    Value::Null,
                    "nothing answered the last calls"
                ),
                _ => assert_eq!(call["result"]["content"], content(k, t), "call c{k}_{t}"),
            }
        }
        if k > 0 {
            let carried: Vec<Value> = (0..2).map(|t| content(k - 1, t)).collect();
            let results = turn["tool_results"].as_array().unwrap();
            assert_eq!(
                results
                    .iter()
                    .map(|r| r["content"].clone())
                    .collect::<Vec<_>>(),
                carried
            );
        }
    }
}
