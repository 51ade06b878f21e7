//! Every threading value below is worked out by hand from the turns each test lists.

use super::*;
use crate::request::{self, Answer, history};
use crate::turn::{Source, ToolCall, ToolKind, Turn, TurnError};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

fn link(path: &'static str) -> Link<'static> {
    Link {
        api: Api::AnthropicMessages,
        path,
        section: None,
        entry: None,
        started_at: None,
        response_id: None,
        previous_response_id: None,
        conversation: None,
        call_ids: vec![],
        result_ids: vec![],
        replayed: &[],
        replies: &[],
        tail: None,
        answer: None,
        failed: false,
    }
}

fn entry(entry: usize, started_at: &'static str) -> Link<'static> {
    Link {
        entry: Some(entry),
        started_at: Some(started_at),
        ..link("agent.har")
    }
}

fn calls(ids: &[&'static str]) -> Vec<Option<&'static str>> {
    ids.iter().map(|id| Some(*id)).collect()
}

/// (session, step, previous, via) of every turn, in input order.
fn places(threads: &Threads) -> Vec<(usize, usize, Option<usize>, Option<Via>)> {
    threads
        .turns
        .iter()
        .map(|t| (t.session, t.step, t.previous, t.via))
        .collect()
}

fn carried(turn: usize, index: usize) -> Option<Carried> {
    Some(Carried { turn, index })
}

/// A digest standing for one distinct conversation.
fn digest(n: u64) -> Digest {
    (0..n).fold(Digest::EMPTY, |acc, _| acc.then(Digest::EMPTY))
}

/// The digests of an answer standing for one distinct answer.
fn said(n: u64) -> Answer {
    Answer {
        exact: digest(n),
        loose: digest(n).then(digest(1)),
    }
}

/// The answer `answer` replayed after the conversation `before`.
fn replay(before: Digest, answer: Answer) -> Replayed {
    Replayed {
        before,
        exact: before.then(answer.exact),
        loose: before.then(answer.loose),
    }
}

/// Two agents in one HAR, their requests interleaved; agent A calls two tools at once and
/// gets both results in one request, then ends waiting on a last call's result.
#[test]
fn interleaved_sessions_by_tool_results() {
    let links = vec![
        Link {
            call_ids: calls(&["toolu_a1"]),
            ..entry(0, "2025-05-01T10:00:00.000Z")
        },
        Link {
            call_ids: calls(&["toolu_b1"]),
            ..entry(1, "2025-05-01T10:00:00.500Z")
        },
        Link {
            result_ids: vec!["toolu_a1"],
            call_ids: calls(&["toolu_a2", "toolu_a3"]),
            ..entry(2, "2025-05-01T10:00:02.000Z")
        },
        Link {
            result_ids: vec!["toolu_b1"],
            ..entry(3, "2025-05-01T10:00:03.000Z")
        },
        Link {
            result_ids: vec!["toolu_a2", "toolu_a3"],
            call_ids: calls(&["toolu_a4"]),
            ..entry(4, "2025-05-01T10:00:04.000Z")
        },
    ];
    let threads = thread(&links);
    let tool = Some(Via::ToolResult);
    assert_eq!(
        places(&threads),
        [
            (0, 1, None, None),
            (1, 1, None, None),
            (0, 2, Some(0), tool),
            (1, 2, Some(1), tool),
            (0, 3, Some(2), tool),
        ]
    );
    let results: Vec<_> = threads.turns.iter().map(|t| t.results.clone()).collect();
    assert_eq!(
        results,
        [
            vec![carried(2, 0)],
            vec![carried(3, 0)],
            vec![carried(4, 0), carried(4, 1)],
            vec![],
            vec![None],
        ]
    );
    let sessions: Vec<_> = threads.sessions.iter().map(|s| s.turns.clone()).collect();
    assert_eq!(sessions, [vec![0, 2, 4], vec![1, 3]]);
    assert_eq!(threads.sessions[0].id, session_id(&links[0]));
    assert_eq!(threads.sessions[1].id, session_id(&links[1]));
    assert_ne!(threads.sessions[0].id, threads.sessions[1].id);
}

/// The HAR lists entries as they finished; threading goes by when they started.
#[test]
fn time_order_before_input_order() {
    let links = vec![
        Link {
            result_ids: vec!["call_1"],
            ..entry(0, "2025-05-01T10:00:05.000Z")
        },
        Link {
            call_ids: calls(&["call_1"]),
            ..entry(1, "2025-05-01T10:00:01.000Z")
        },
    ];
    let threads = thread(&links);
    assert_eq!(
        places(&threads),
        [(0, 2, Some(1), Some(Via::ToolResult)), (0, 1, None, None)]
    );
    assert_eq!(threads.turns[1].results, [carried(0, 0)]);
    assert_eq!(threads.sessions[0].turns, [1, 0]);
    assert_eq!(threads.sessions[0].id, session_id(&links[1]));
}

#[test]
fn untimed_turns_keep_their_place() {
    let links = vec![
        entry(0, "2025-05-01T10:00:09.000Z"),
        link("a.txtar"),
        entry(1, "2025-05-01T10:00:01.000Z"),
        link("b.sse"),
        entry(2, "2025-05-01T10:00:05.000Z"),
    ];
    assert_eq!(order(&links), [2, 1, 4, 3, 0]);
}

/// A Responses chain by `previous_response_id`, and a request naming a response the
/// capture does not hold.
#[test]
fn responses_chain() {
    let responses = |id| Link {
        api: Api::OpenaiResponses,
        response_id: Some(id),
        ..link("chain.har")
    };
    let links = vec![
        Link {
            entry: Some(0),
            call_ids: calls(&["call_ls"]),
            ..responses("resp_1")
        },
        Link {
            entry: Some(1),
            previous_response_id: Some("resp_1"),
            result_ids: vec!["call_ls"],
            ..responses("resp_2")
        },
        Link {
            entry: Some(2),
            previous_response_id: Some("resp_elsewhere"),
            ..responses("resp_x")
        },
        Link {
            entry: Some(3),
            previous_response_id: Some("resp_2"),
            ..responses("resp_3")
        },
    ];
    let threads = thread(&links);
    let named = Some(Via::PreviousResponseId);
    assert_eq!(
        places(&threads),
        [
            (0, 1, None, None),
            (0, 2, Some(0), named),
            (1, 1, None, None),
            (0, 3, Some(1), named),
        ]
    );
    assert_eq!(threads.turns[0].results, [carried(1, 0)]);
}

/// A txtar fixture: each `*/tool-call` section continues its plain section; the injected
/// tool's result is not in the file.
#[test]
fn txtar_tool_call_sections() {
    let section = |name| Link {
        section: Some(name),
        ..link("fixtures/injected_tool.txtar")
    };
    let links = vec![
        Link {
            call_ids: calls(&["toolu_s"]),
            ..section("streaming")
        },
        Link {
            call_ids: calls(&["toolu_n"]),
            ..section("non-streaming")
        },
        section("streaming/tool-call"),
        section("non-streaming/tool-call"),
    ];
    let threads = thread(&links);
    let follow = Some(Via::ToolCallSection);
    assert_eq!(
        places(&threads),
        [
            (0, 1, None, None),
            (1, 1, None, None),
            (0, 2, Some(0), follow),
            (1, 2, Some(1), follow),
        ]
    );
    assert_eq!(threads.turns[0].results, [None]);
    assert_eq!(threads.turns[1].results, [None]);
}

/// A txtar fixture's `streaming` section failed; its `non-streaming` section, answering
/// the same request, is another capture of that exchange, not a retry of it.
#[test]
fn sections_of_one_fixture_are_no_retries() {
    let section = |name, failed| Link {
        section: Some(name),
        tail: Some(digest(1)),
        failed,
        ..link("fixtures/mid_stream_error.txtar")
    };
    let links = vec![section("streaming", true), section("non-streaming", true)];
    let threads = thread(&links);
    assert_eq!(places(&threads), [(0, 1, None, None), (1, 1, None, None)]);
    // The same two requests as separate files: a retry.
    let files = vec![
        Link {
            failed: true,
            tail: Some(digest(1)),
            ..link("a.json")
        },
        Link {
            tail: Some(digest(1)),
            ..link("b.json")
        },
    ];
    assert_eq!(
        places(&thread(&files)),
        [(0, 1, None, None), (0, 2, Some(0), Some(Via::Retry))]
    );
}

/// A request that failed (overloaded) and its retry with the same conversation; the first
/// request to carry the result gives it.
#[test]
fn retry_after_a_failure() {
    let links = vec![
        Link {
            call_ids: calls(&["toolu_1"]),
            tail: Some(digest(1)),
            ..entry(0, "2025-05-01T10:00:00.000Z")
        },
        Link {
            result_ids: vec!["toolu_1"],
            tail: Some(digest(2)),
            failed: true,
            ..entry(1, "2025-05-01T10:00:01.000Z")
        },
        Link {
            result_ids: vec!["toolu_1"],
            tail: Some(digest(2)),
            ..entry(2, "2025-05-01T10:00:03.000Z")
        },
    ];
    let threads = thread(&links);
    assert_eq!(
        places(&threads),
        [
            (0, 1, None, None),
            (0, 2, Some(0), Some(Via::ToolResult)),
            (0, 3, Some(1), Some(Via::Retry)),
        ]
    );
    assert_eq!(threads.turns[0].results, [carried(1, 0)]);
}

/// The same first request sent twice, both answered: two sessions (nothing failed, so
/// neither is a retry). The same follow-up sent twice: two branches of one session, both
/// at step 2.
#[test]
fn repeats_and_branches() {
    let first = |n| Link {
        tail: Some(digest(1)),
        answer: Some(said(10)),
        call_ids: calls(&[["call_a", "call_b"][n]]),
        ..entry(n, "2025-05-01T10:00:00.000Z")
    };
    let links = vec![
        first(0),
        first(1),
        Link {
            result_ids: vec!["call_a"],
            ..entry(2, "2025-05-01T10:00:01.000Z")
        },
        Link {
            result_ids: vec!["call_a"],
            ..entry(3, "2025-05-01T10:00:02.000Z")
        },
    ];
    let threads = thread(&links);
    let tool = Some(Via::ToolResult);
    assert_eq!(
        places(&threads),
        [
            (0, 1, None, None),
            (1, 1, None, None),
            (0, 2, Some(0), tool),
            (0, 2, Some(0), tool),
        ]
    );
    assert_eq!(threads.turns[0].results, [carried(2, 0)]);
    assert_eq!(threads.turns[1].results, [None]);
    assert_eq!(threads.sessions[0].turns, [0, 2, 3]);
}

/// A turn missing from the capture: the next one continues the closest ancestor the
/// capture holds, by replay, though its results answer calls nobody saw.
#[test]
fn closest_ancestor_when_a_turn_is_missing() {
    let replayed_1 = [replay(digest(1), said(10))];
    let replayed_3 = [
        replay(digest(1), said(10)),
        replay(digest(1).then(digest(10)).then(digest(2)), said(20)),
    ];
    let links = vec![
        Link {
            tail: Some(digest(1)),
            answer: Some(said(10)),
            call_ids: calls(&["toolu_1"]),
            ..link("a.har")
        },
        // The request after it (results of toolu_1, answer calling toolu_2) is lost.
        Link {
            replayed: &replayed_3,
            result_ids: vec!["toolu_2"],
            ..link("a.har")
        },
        Link {
            replayed: &replayed_1,
            ..link("b.har")
        },
    ];
    let threads = thread(&links);
    assert_eq!(
        places(&threads),
        [
            (0, 1, None, None),
            (0, 2, Some(0), Some(Via::Replay)),
            (0, 2, Some(0), Some(Via::Replay)),
        ]
    );
    assert_eq!(threads.turns[0].results, [None]);
}

/// The latest of the turns the rules find wins; where two rules find the same turn, the
/// more direct one is named.
#[test]
fn latest_candidate_wins() {
    let replayed = [replay(digest(1), said(10))];
    let links = vec![
        Link {
            tail: Some(digest(1)),
            answer: Some(said(10)),
            call_ids: calls(&["toolu_1"]),
            ..link("a.har")
        },
        Link {
            call_ids: calls(&["toolu_9"]),
            ..link("b.har")
        },
        Link {
            replayed: &replayed,
            result_ids: vec!["toolu_1", "toolu_9"],
            ..link("c.har")
        },
        Link {
            replayed: &replayed,
            result_ids: vec!["toolu_1"],
            ..link("d.har")
        },
    ];
    let threads = thread(&links);
    assert_eq!(threads.turns[2].previous, Some(1));
    assert_eq!(threads.turns[2].via, Some(Via::ToolResult));
    assert_eq!(threads.turns[3].previous, Some(0));
    assert_eq!(threads.turns[3].via, Some(Via::ToolResult));
    assert_eq!(threads.turns[0].results, [carried(2, 0)]);
    assert_eq!(threads.turns[1].results, [carried(2, 1)]);
}

/// The same conversation in two HAR files, recorded at the same times: each file's
/// follow-up continues its own file's turn, though the other file's is as good a match.
#[test]
fn same_content_prefers_the_same_file() {
    let replayed = [replay(digest(1), said(10))];
    let turn = |path, at| Link {
        tail: Some(digest(1)),
        answer: Some(said(10)),
        ..Link {
            entry: Some(0),
            started_at: Some(at),
            ..link(path)
        }
    };
    let follow_up = |path, at| Link {
        replayed: &replayed,
        entry: Some(1),
        started_at: Some(at),
        ..link(path)
    };
    let links = vec![
        turn("monday.har", "2025-05-01T10:00:00.000Z"),
        follow_up("monday.har", "2025-05-01T10:00:05.000Z"),
        turn("tuesday.har", "2025-05-01T10:00:00.000Z"),
        follow_up("tuesday.har", "2025-05-01T10:00:05.000Z"),
    ];
    let replay = Some(Via::Replay);
    assert_eq!(
        places(&thread(&links)),
        [
            (0, 1, None, None),
            (0, 2, Some(0), replay),
            (1, 1, None, None),
            (1, 2, Some(2), replay),
        ]
    );
}

/// A crewAI ReAct agent (worked out from tests/data/real/crewai-image-tool-and-format-nudge.yaml's
/// shape): the first answer asks for an image, which comes back in a user message of its
/// own after the first conversation, the answer left out; the second answer ignores the
/// format, and crewAI sends its conversation again with a correction, that answer left out
/// too; the third answer is replayed. A failed turn gave no answer to reply to.
#[test]
fn replies_to_answers_not_sent_back() {
    let (replies_1, replies_2, replies_5) = ([digest(1)], [digest(1), digest(2)], [digest(5)]);
    let replayed = [replay(digest(3), said(12))];
    let links = vec![
        Link {
            tail: Some(digest(1)),
            answer: Some(said(10)),
            ..entry(0, "2025-05-01T10:00:00.000Z")
        },
        Link {
            tail: Some(digest(2)),
            replies: &replies_1,
            answer: Some(said(11)),
            ..entry(1, "2025-05-01T10:00:01.000Z")
        },
        Link {
            tail: Some(digest(3)),
            replies: &replies_2,
            answer: Some(said(12)),
            ..entry(2, "2025-05-01T10:00:02.000Z")
        },
        Link {
            tail: Some(digest(4)),
            replayed: &replayed,
            replies: &replies_2,
            answer: Some(said(13)),
            ..entry(3, "2025-05-01T10:00:03.000Z")
        },
        Link {
            tail: Some(digest(5)),
            failed: true,
            ..entry(4, "2025-05-01T10:00:04.000Z")
        },
        Link {
            tail: Some(digest(6)),
            replies: &replies_5,
            answer: Some(said(14)),
            ..entry(5, "2025-05-01T10:00:05.000Z")
        },
    ];
    let reply = Some(Via::Reply);
    assert_eq!(
        places(&thread(&links)),
        [
            (0, 1, None, None),
            (0, 2, Some(0), reply),
            (0, 3, Some(1), reply),
            (0, 4, Some(2), Some(Via::Replay)),
            (1, 1, None, None),
            (2, 1, None, None),
        ]
    );
}

/// Ids and digests link turns of one API only.
#[test]
fn apis_kept_apart() {
    let links = vec![
        Link {
            api: Api::OpenaiChat,
            call_ids: calls(&["call_1"]),
            ..link("client.har")
        },
        Link {
            api: Api::AnthropicMessages,
            result_ids: vec!["call_1"],
            ..link("upstream.har")
        },
    ];
    let threads = thread(&links);
    assert_eq!(places(&threads), [(0, 1, None, None), (1, 1, None, None)]);
    assert_eq!(threads.turns[0].results, [None]);
}

/// A recording (a HAR, a cassette) is continued only from inside it: two cassettes of a
/// test suite asking the same question with the same scrubbed ids stay apart, the second
/// no retry of the first's failure. Files of one exchange each link across files.
#[test]
fn recordings_keep_to_themselves() {
    let replayed = [replay(digest(1), said(10))];
    let links = vec![
        Link {
            tail: Some(digest(1)),
            failed: true,
            response_id: Some("resp_01"),
            call_ids: calls(&["call_1"]),
            ..entry(0, "2025-05-01T10:00:00.000Z")
        },
        Link {
            tail: Some(digest(1)),
            previous_response_id: Some("resp_01"),
            result_ids: vec!["call_1"],
            entry: Some(0),
            ..link("other.har")
        },
        Link {
            tail: Some(digest(1)),
            answer: Some(said(10)),
            ..link("one.sse")
        },
        Link {
            replayed: &replayed,
            ..link("two.sse")
        },
        Link {
            replayed: &replayed,
            entry: Some(1),
            ..link("other.har")
        },
    ];
    let threads = thread(&links);
    assert_eq!(
        places(&threads),
        [
            (0, 1, None, None),
            (1, 1, None, None),
            (2, 1, None, None),
            (2, 2, Some(2), Some(Via::Replay)),
            (3, 1, None, None),
        ]
    );
    assert_eq!(threads.turns[0].results, [None]);
}

/// Within a recording, a turn of another API is continued when no turn of the same API
/// is (a framework switching models, or falling back to another provider); a turn of the
/// same API is preferred.
#[test]
fn another_api_within_a_recording() {
    let replayed = [replay(digest(1), said(10))];
    let at = |n: usize, api| Link {
        api,
        entry: Some(n),
        ..link("fallback.yaml")
    };
    let links = vec![
        Link {
            call_ids: calls(&["call_1"]),
            ..at(0, Api::OpenaiResponses)
        },
        Link {
            result_ids: vec!["call_1"],
            tail: Some(digest(1)),
            answer: Some(said(10)),
            ..at(1, Api::AnthropicMessages)
        },
        Link {
            tail: Some(digest(1)),
            answer: Some(said(10)),
            ..at(2, Api::OpenaiChat)
        },
        Link {
            replayed: &replayed,
            ..at(3, Api::AnthropicMessages)
        },
        Link {
            replayed: &replayed,
            ..at(4, Api::OpenaiResponses)
        },
    ];
    let threads = thread(&links);
    let (tool, replay) = (Some(Via::ToolResult), Some(Via::Replay));
    assert_eq!(
        places(&threads),
        [
            (0, 1, None, None),
            (0, 2, Some(0), tool),
            (1, 1, None, None),
            (0, 3, Some(1), replay),
            (1, 2, Some(2), replay),
        ]
    );
    assert_eq!(threads.turns[0].results, [carried(1, 0)]);
}

#[test]
fn responses_conversation() {
    let turn = |entry| Link {
        api: Api::OpenaiResponses,
        conversation: Some("conv_1"),
        entry: Some(entry),
        ..link("conv.har")
    };
    let threads = thread(&[turn(0), turn(1), turn(2)]);
    let conv = Some(Via::Conversation);
    assert_eq!(
        places(&threads),
        [
            (0, 1, None, None),
            (0, 2, Some(0), conv),
            (0, 3, Some(1), conv)
        ]
    );
}

#[test]
fn session_ids_are_stable_and_unique() {
    // FNV-1a 64 of "agent.har" 0xff "" 0xff "0" 0xff, mixed, top 48 bits (worked out with a
    // separate implementation).
    assert_eq!(session_id(&entry(0, "x")), "ses_f71bc5c653dc");
    assert_eq!(session_id(&link("a.sse")), session_id(&link("a.sse")));
    assert_ne!(session_id(&entry(1, "x")), session_id(&entry(0, "x")));
    let mut taken = HashMap::new();
    assert_eq!(unique("ses_1".into(), &mut taken), "ses_1");
    assert_eq!(unique("ses_1".into(), &mut taken), "ses_1-2");
    assert_eq!(unique("ses_1".into(), &mut taken), "ses_1-3");
    // The same file given twice starts two sessions with two ids.
    let threads = thread(&[link("a.sse"), link("a.sse")]);
    assert_eq!(threads.sessions[0].id, session_id(&link("a.sse")));
    assert_eq!(
        threads.sessions[1].id,
        format!("{}-2", session_id(&link("a.sse")))
    );
}

#[test]
fn nothing_to_thread() {
    assert_eq!(
        thread(&[]),
        Threads {
            turns: vec![],
            sessions: vec![]
        }
    );
}

// From request bodies and rebuilt turns, as the pipeline will wire it.

/// A rebuilt turn of `agent.har` entry `entry`, with its request read as the pipeline
/// reads it.
fn exchange(api: Api, entry: usize, request: Value, response: Turn) -> Turn {
    let mut turn = response;
    turn.api = api;
    turn.source = Source {
        path: "agent.har".into(),
        entry: Some(entry),
        ..Source::default()
    };
    turn.set_request(request::read(api, &request));
    turn
}

fn answer(id: &str, text: Option<&str>, calls: &[(&str, &str, Value)]) -> Turn {
    Turn {
        streaming: true,
        id: Some(id.to_string()),
        complete: true,
        text: text.map(str::to_string),
        tool_calls: calls
            .iter()
            .map(|(id, name, arguments)| ToolCall {
                id: Some(id.to_string()),
                name: name.to_string(),
                kind: ToolKind::Function,
                arguments: arguments.clone(),
                injected: false,
                thoughts_before: Default::default(),
                result: None,
            })
            .collect(),
        ..Turn::empty(Api::AnthropicMessages)
    }
}

/// An Anthropic agent loop from its bodies: a parallel call whose second result is an
/// error, both answered in one request.
#[test]
fn anthropic_loop_from_bodies() {
    let tools = json!([{"name": "read_file", "input_schema": {"type": "object"}}]);
    let ask = json!({"role": "user", "content": "Compare a.txt and b.txt"});
    let calls_made = json!({"role": "assistant", "content": [
        {"type": "text", "text": "Reading both."},
        {"type": "tool_use", "id": "toolu_a", "name": "read_file", "input": {"path": "a.txt"}},
        {"type": "tool_use", "id": "toolu_b", "name": "read_file", "input": {"path": "b.txt"}}
    ]});
    let exchanges = vec![
        exchange(
            Api::AnthropicMessages,
            0,
            json!({"model": "claude-sonnet-4-5", "max_tokens": 1024, "tools": tools, "messages": [ask]}),
            answer(
                "msg_1",
                Some("Reading both."),
                &[
                    ("toolu_a", "read_file", json!({"path": "a.txt"})),
                    ("toolu_b", "read_file", json!({"path": "b.txt"})),
                ],
            ),
        ),
        exchange(
            Api::AnthropicMessages,
            1,
            json!({"model": "claude-sonnet-4-5", "max_tokens": 1024, "tools": tools, "messages": [
                ask, calls_made,
                {"role": "user", "content": [
                    {"type": "tool_result", "tool_use_id": "toolu_a", "content": "alpha"},
                    {"type": "tool_result", "tool_use_id": "toolu_b", "content": "ENOENT", "is_error": true}
                ]}
            ]}),
            answer("msg_2", Some("b.txt does not exist."), &[]),
        ),
    ];
    let links = links(&exchanges);
    let threads = thread(&links);
    assert_eq!(
        places(&threads),
        [(0, 1, None, None), (0, 2, Some(0), Some(Via::ToolResult))]
    );
    assert_eq!(threads.turns[0].results, [carried(1, 0), carried(1, 1)]);
    let second = &exchanges[1].tool_results;
    assert_eq!(second[0].is_error, Some(false));
    assert_eq!(second[1].is_error, Some(true));
    assert_eq!(second[1].content, json!("ENOENT"));
    // The replay rule agrees: the request replays the first turn's answer.
    let key = exchanges[0]
        .threading
        .history
        .answered(history::answer(&exchanges[0]).unwrap().exact);
    let last = exchanges[1].threading.history.replayed.last().unwrap();
    assert_eq!(key, Some(last.exact));
}

/// A Chat conversation without tools, continued by replay, interleaved with another
/// that starts with the same question. The client re-sends the history in another shape
/// (string content as a text part, its `cache_control` moved to the newest message).
#[test]
fn chat_conversation_by_replay() {
    let system = json!({"role": "system", "content": "You are a helpful assistant."});
    let ephemeral = json!({"type": "ephemeral"});
    let exchanges = vec![
        exchange(
            Api::OpenaiChat,
            0,
            json!({"model": "gpt-4.1", "messages": [system,
                {"role": "user", "content": [{"type": "text", "text": "Name a prime.", "cache_control": ephemeral}]}]}),
            answer("chatcmpl-1", Some("7"), &[]),
        ),
        exchange(
            Api::OpenaiChat,
            1,
            json!({"model": "gpt-4.1", "messages": [system,
                {"role": "user", "content": "Name a prime."}]}),
            answer("chatcmpl-2", Some("13"), &[]),
        ),
        exchange(
            Api::OpenaiChat,
            2,
            json!({"model": "gpt-4.1", "messages": [system,
                {"role": "user", "content": "Name a prime."},
                {"role": "assistant", "content": "7"},
                {"role": "user", "content": [{"type": "text", "text": "A bigger one?", "cache_control": ephemeral}]}]}),
            answer("chatcmpl-3", Some("101"), &[]),
        ),
        exchange(
            Api::OpenaiChat,
            3,
            json!({"model": "gpt-4.1", "messages": [system,
                {"role": "user", "content": [{"type": "text", "text": "Name a prime."}]},
                {"role": "assistant", "content": [{"type": "text", "text": "7"}]},
                {"role": "user", "content": [{"type": "text", "text": "A bigger one?"}]},
                {"role": "assistant", "content": "101"},
                {"role": "user", "content": "Thanks!"}]}),
            answer("chatcmpl-4", Some("You're welcome."), &[]),
        ),
    ];
    let links = links(&exchanges);
    let threads = thread(&links);
    let replay = Some(Via::Replay);
    assert_eq!(
        places(&threads),
        [
            (0, 1, None, None),
            (1, 1, None, None),
            (0, 2, Some(0), replay),
            (0, 3, Some(2), replay),
        ]
    );
    let sessions: Vec<_> = threads.sessions.iter().map(|s| s.turns.clone()).collect();
    assert_eq!(sessions, [vec![0, 2, 3], vec![1]]);
}

/// A Responses loop carrying its whole history (no `previous_response_id`): linked by the
/// function call's result, and by replay.
#[test]
fn responses_full_history_from_bodies() {
    let ask = json!({"role": "user", "content": "What time is it in Tokyo?"});
    let exchanges = vec![
        exchange(
            Api::OpenaiResponses,
            0,
            json!({"model": "gpt-5", "input": [ask], "store": false}),
            answer(
                "resp_1",
                None,
                &[("call_t", "get_time", json!({"tz": "Asia/Tokyo"}))],
            ),
        ),
        exchange(
            Api::OpenaiResponses,
            1,
            json!({"model": "gpt-5", "store": false, "input": [ask,
                {"type": "reasoning", "id": "rs_1", "summary": [], "encrypted_content": "gAAAA"},
                {"type": "function_call", "id": "fc_1", "call_id": "call_t", "name": "get_time", "arguments": "{\"tz\":\"Asia/Tokyo\"}"},
                {"type": "function_call_output", "call_id": "call_t", "output": "21:04"}]}),
            answer("resp_2", Some("It is 21:04 in Tokyo."), &[]),
        ),
    ];
    let links = links(&exchanges);
    let threads = thread(&links);
    assert_eq!(
        places(&threads),
        [(0, 1, None, None), (0, 2, Some(0), Some(Via::ToolResult))]
    );
    assert_eq!(threads.turns[0].results, [carried(1, 0)]);
    assert_eq!(exchanges[1].tool_results[0].content, json!("21:04"));
    let key = exchanges[0]
        .threading
        .history
        .answered(history::answer(&exchanges[0]).unwrap().exact);
    let last = exchanges[1].threading.history.replayed.last().unwrap();
    assert_eq!(key, Some(last.exact));
}

/// A failed turn gives no answer to replay, so the next request (a retry) continues it
/// by its conversation.
#[test]
fn failed_turn_from_bodies() {
    let body = json!({"model": "claude-haiku-4-5", "max_tokens": 64,
        "messages": [{"role": "user", "content": "hi"}]});
    let mut overloaded = answer("msg_x", None, &[]);
    overloaded.error = Some(TurnError {
        status: Some(529),
        kind: Some("overloaded_error".into()),
        message: Some("Overloaded".into()),
        mid_stream: false,
    });
    let exchanges = vec![
        exchange(Api::AnthropicMessages, 0, body.clone(), overloaded),
        exchange(
            Api::AnthropicMessages,
            1,
            body,
            answer("msg_y", Some("Hello!"), &[]),
        ),
    ];
    let links = links(&exchanges);
    assert_eq!(links[0].answer, None);
    assert_eq!(
        places(&thread(&links)),
        [(0, 1, None, None), (0, 2, Some(0), Some(Via::Retry))]
    );
}

/// Clients rewrite the answers they send back: here a client folds the model's reasoning
/// into the text in `<think>` tags, and gives an id to a call that came without one.
#[test]
fn rewritten_answers_replay_loosely() {
    let ask = json!({"role": "user", "content": "What time is it?"});
    let exchanges = vec![
        exchange(
            Api::OpenaiChat,
            0,
            json!({"model": "gpt-oss-120b", "messages": [ask]}),
            answer("chatcmpl-1", Some("Noon."), &[]),
        ),
        exchange(
            Api::OpenaiChat,
            1,
            json!({"model": "gpt-oss-120b", "messages": [ask,
                {"role": "assistant", "content": "<think>\nThe user wants the time.\n</think>\n\nNoon."},
                {"role": "user", "content": "And tomorrow?"}]}),
            answer(
                "chatcmpl-2",
                None,
                &[("", "get_time", json!({"day": "tomorrow"}))],
            ),
        ),
        exchange(
            Api::OpenaiChat,
            2,
            json!({"model": "gpt-oss-120b", "messages": [ask,
                {"role": "assistant", "content": "<think>\nThe user wants the time.\n</think>\n\nNoon."},
                {"role": "user", "content": "And tomorrow?"},
                {"role": "assistant", "tool_calls": [{"id": "client_7f3a", "type": "function",
                    "function": {"name": "get_time", "arguments": "{\"day\":\"tomorrow\"}"}}]},
                {"role": "tool", "tool_call_id": "client_7f3a", "content": "Noon too."}]}),
            answer("chatcmpl-3", Some("Noon again."), &[]),
        ),
    ];
    let links = links(&exchanges);
    let replay = Some(Via::Replay);
    assert_eq!(
        places(&thread(&links)),
        [
            (0, 1, None, None),
            (0, 2, Some(0), replay),
            (0, 3, Some(1), replay)
        ]
    );
}

/// A provider refused a malformed tool call with an error; the client sends the call back
/// mended, with its validation error as the result. The failed turn is continued.
#[test]
fn a_request_mending_a_failed_turn() {
    let ask = json!({"role": "user", "content": "Look up the user named Ada."});
    let mut refused = answer("", None, &[]);
    refused.id = None;
    refused.error = Some(TurnError {
        status: Some(400),
        kind: Some("invalid_request_error".into()),
        message: Some("Tool call validation failed".into()),
        mid_stream: false,
    });
    let exchanges = vec![
        exchange(
            Api::OpenaiChat,
            0,
            json!({"model": "openai/gpt-oss-120b", "messages": [ask]}),
            refused,
        ),
        exchange(
            Api::OpenaiChat,
            1,
            json!({"model": "openai/gpt-oss-120b", "messages": [ask,
                {"role": "assistant", "tool_calls": [{"id": "client_1", "type": "function",
                    "function": {"name": "find_user", "arguments": "{\"nme\":\"Ada\"}"}}]},
                {"role": "tool", "tool_call_id": "client_1", "content": "1 validation error: name: Field required"}]}),
            answer("chatcmpl-2", Some("Found Ada."), &[]),
        ),
    ];
    let links = links(&exchanges);
    assert_eq!(
        places(&thread(&links)),
        [(0, 1, None, None), (0, 2, Some(0), Some(Via::Retry))]
    );
}

/// 100,000 turns: 25,000 agent runs of four steps, interleaved, linked by tool results
/// and replay digests. Linear threading takes a fraction of a second; the bound leaves
/// room for an unoptimized build on a busy machine.
#[test]
fn hundred_thousand_turns_in_linear_time() {
    const RUNS: usize = 25_000;
    const STEPS: usize = 4;
    let ids: Vec<Vec<String>> = (0..RUNS)
        .map(|run| {
            (0..STEPS)
                .map(|step| format!("toolu_{run}_{step}"))
                .collect()
        })
        .collect();
    let answers: Vec<Answer> = (0..97).map(said).collect();
    let replayed: Vec<Vec<Vec<Replayed>>> = (0..RUNS)
        .map(|run| {
            (0..STEPS)
                .map(|step| {
                    (0..step)
                        .map(|s| replay(digest(2), answers[(run * STEPS + s) % 97]))
                        .collect()
                })
                .collect()
        })
        .collect();
    let mut links = Vec::with_capacity(RUNS * STEPS);
    // Round-robin: step 1 of every run, then step 2 of every run, …
    for step in 0..STEPS {
        for run in 0..RUNS {
            links.push(Link {
                entry: Some(links.len()),
                call_ids: vec![Some(ids[run][step].as_str())],
                result_ids: if step == 0 {
                    vec![]
                } else {
                    vec![ids[run][step - 1].as_str()]
                },
                replayed: &replayed[run][step],
                tail: Some(digest(1)),
                ..link("big.har")
            });
        }
    }
    let started = Instant::now();
    let threads = thread(&links);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "threading took {took:?}");
    assert_eq!(threads.sessions.len(), RUNS);
    for run in [0, 1, RUNS / 2, RUNS - 1] {
        let turns: Vec<usize> = (0..STEPS).map(|step| step * RUNS + run).collect();
        assert_eq!(threads.sessions[run].turns, turns);
        for (step, &turn) in turns.iter().enumerate() {
            assert_eq!(threads.turns[turn].step, step + 1);
            assert_eq!(threads.turns[turn].session, run);
            let next = turns.get(step + 1).map(|&t| Carried { turn: t, index: 0 });
            assert_eq!(threads.turns[turn].results, [next]);
        }
    }
}
