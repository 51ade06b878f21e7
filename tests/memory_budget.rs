//! Peak memory within budget (issue 13): a capture may take about three times its own size,
//! plus a fixed base, whichever command reads it. Measured with a counting global allocator,
//! so the figures are heap bytes, exact and the same under any load. They count a growing
//! `String`'s whole capacity (up to twice what it holds), where resident memory counts only
//! the pages written; so each case states the most it may allocate beyond its input, per
//! byte of input, from what it must hold:
//! - many small events: the events borrow their data from the body, and the turn's text is
//!   a fraction of it (a copy of every event's data would be one more input);
//! - one huge data line: its text once, in the turn (eventsource-stream's three copies of
//!   the line, or the block's text copied into the turn, would be three or one more);
//! - long tool-call arguments: the accumulator's text of them and the tree parsed from it,
//!   and `validate`'s own text of them, each text growing by doubling.

mod counting;
use counting::{Counting, extra_peak, serial};

use aibridge_trace::render::TurnPrinter;
use aibridge_trace::render::jsonl::Jsonl;

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// A fixed base any input may take: tables, buffers, a turn's small fields.
const BASE: usize = 2 << 20;

/// Asserts that `inspect` (rebuilt and printed as JSONL; `summary` rebuilds the same) and
/// `validate` each allocate at most `per_byte` times `data`'s size beyond `data` itself,
/// plus the base.
fn within_budget(name: &str, data: &[u8], per_byte: f64) {
    let budget = (per_byte * data.len() as f64) as usize + BASE;
    let inspect = extra_peak(|| {
        let report = aibridge_trace::run::turns_from_bytes(name, data, true);
        assert_eq!(report.turns.len(), 1, "{name}: {:?}", report.notes);
        let mut printer = Jsonl;
        for turn in &report.turns {
            printer.turn(&mut std::io::sink(), turn).unwrap();
        }
    });
    let validate = extra_peak(|| {
        aibridge_trace::validate::validate_bytes(data);
    });
    let mb = |n: usize| n as f64 / 1e6;
    eprintln!(
        "{name}: input {:.1} MB, inspect +{:.1} MB, validate +{:.1} MB, budget +{:.1} MB",
        mb(data.len()),
        mb(inspect),
        mb(validate),
        mb(budget)
    );
    assert!(
        inspect <= budget,
        "{name}: inspect took {inspect} bytes over its input"
    );
    assert!(
        validate <= budget,
        "{name}: validate took {validate} bytes over its input"
    );
}

#[test]
fn a_chat_stream_of_many_small_chunks_stays_within_budget() {
    let _one = serial();
    let chunk = r#"data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"tok "},"finish_reason":null}]}"#;
    let mut body = format!("{chunk}\n\n").repeat(40_000);
    body.push_str(
        r#"data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#,
    );
    body.push_str("\n\ndata: [DONE]\n\n");
    within_budget("chat.sse", body.as_bytes(), 1.0);
}

#[test]
fn one_huge_data_line_stays_within_budget() {
    let _one = serial();
    let text = "a".repeat(6 << 20);
    let body = format!(
        "event: message_start\ndata: {{\"type\":\"message_start\",\"message\":{{\"id\":\"m\",\"model\":\"x\",\"content\":[],\"usage\":{{\"input_tokens\":1}}}}}}\n\n\
         event: content_block_start\ndata: {{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{{\"type\":\"text\",\"text\":\"\"}}}}\n\n\
         event: content_block_delta\ndata: {{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{{\"type\":\"text_delta\",\"text\":\"{text}\"}}}}\n\n\
         event: content_block_stop\ndata: {{\"type\":\"content_block_stop\",\"index\":0}}\n\n\
         event: message_delta\ndata: {{\"type\":\"message_delta\",\"delta\":{{\"stop_reason\":\"end_turn\"}},\"usage\":{{\"output_tokens\":5}}}}\n\n\
         event: message_stop\ndata: {{\"type\":\"message_stop\"}}\n\n"
    );
    within_budget("line.sse", body.as_bytes(), 1.2);
}

#[test]
fn long_tool_call_arguments_stay_within_budget() {
    let _one = serial();
    let mut body = String::from(
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"x\",\"content\":[],\"usage\":{\"input_tokens\":1}}}\n\n\
         event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"f\",\"input\":{}}}\n\n",
    );
    let delta = |part: &str| {
        format!(
            "event: content_block_delta\ndata: {{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{{\"type\":\"input_json_delta\",\"partial_json\":{}}}}}\n\n",
            serde_json::to_string(part).unwrap()
        )
    };
    body.push_str(&delta("{\"content\": \""));
    let piece = delta(&"x".repeat(1000));
    for _ in 0..5000 {
        body.push_str(&piece);
    }
    body.push_str(&delta("\"}"));
    body.push_str(
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n\
         event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":5}}\n\n\
         event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
    );
    within_budget("tools.sse", body.as_bytes(), 3.5);
}

/// A Responses stream that announces many small output items: each item is kept as the
/// few fields a turn reads, not as its JSON tree (about 800 bytes an item, 10x the input).
#[test]
fn a_responses_stream_of_many_output_items_stays_within_budget() {
    let _one = serial();
    let mut body = String::new();
    for i in 0..20_000 {
        body.push_str(&format!(
            "event: response.output_item.added\ndata: {{\"type\":\"response.output_item.added\",\"output_index\":{i},\"item\":{{\"type\":\"function_call\",\"id\":\"fc_{i}\",\"call_id\":\"c{i}\",\"name\":\"f\",\"arguments\":\"\"}}}}\n\n"
        ));
    }
    within_budget("items.sse", body.as_bytes(), 3.0);
}

/// What a tree of JSON may cost before it is refused: [`bounded_json::BASE_NODES`] values
/// (and the text's share, within `per_byte`), at a `Value` each, doubled for the capacity a
/// growing array holds.
fn tree_base() -> usize {
    2 * aibridge_trace::bounded_json::BASE_NODES * std::mem::size_of::<serde_json::Value>()
}

/// `inspect`'s and `validate`'s peaks beyond `data`, and the notes of the rebuild.
fn peaks(name: &str, data: &[u8]) -> (usize, usize, usize, Vec<String>) {
    let mut turns = 0;
    let mut notes = Vec::new();
    let inspect = extra_peak(|| {
        let report = aibridge_trace::run::turns_from_bytes(name, data, true);
        let mut printer = Jsonl;
        for turn in &report.turns {
            printer.turn(&mut std::io::sink(), turn).unwrap();
        }
        turns = report.turns.len();
        notes = report.notes.iter().map(|n| format!("{n:?}")).collect();
    });
    let validate = extra_peak(|| {
        aibridge_trace::validate::validate_bytes(data);
    });
    let mb = |n: usize| n as f64 / 1e6;
    eprintln!(
        "{name}: input {:.1} MB, inspect +{:.1} MB, validate +{:.1} MB",
        mb(data.len()),
        mb(inspect),
        mb(validate),
    );
    (turns, inspect, validate, notes)
}

/// Four million zeros: 8 MB of text, some 300 MB as a tree.
fn zeros() -> String {
    format!("[{}0]", "0,".repeat(3_999_999))
}

/// A blocking Anthropic body holding `junk`.
fn body_with(junk: &str) -> String {
    format!(
        r#"{{"id":"m","type":"message","role":"assistant","model":"x","junk":{junk},"content":[{{"type":"text","text":"hi"}}],"stop_reason":"end_turn","usage":{{"input_tokens":1,"output_tokens":1}}}}"#
    )
}

#[test]
fn a_body_of_millions_of_small_values_is_refused_within_budget() {
    let _one = serial();
    let data = body_with(&zeros());
    let (turns, inspect, validate, notes) = peaks("zeros.json", data.as_bytes());
    assert_eq!(turns, 0);
    assert!(
        notes
            .iter()
            .any(|n| n.contains("holds too many JSON values")),
        "{notes:?}"
    );
    let budget = data.len() + tree_base();
    assert!(inspect <= budget, "inspect took {inspect}");
    assert!(validate <= budget, "validate took {validate}");
}

#[test]
fn a_json_body_of_no_api_is_passed_over_without_its_tree() {
    let _one = serial();
    let data = format!(r#"{{"object":"list","data":{},"model":"e"}}"#, zeros());
    let (turns, inspect, validate, notes) = peaks("embeddings.json", data.as_bytes());
    assert_eq!(turns, 0, "{notes:?}");
    assert!(inspect <= BASE, "inspect took {inspect}");
    assert!(validate <= BASE, "validate took {validate}");
}

#[test]
fn a_stream_event_holding_millions_of_small_values_stays_within_budget() {
    let _one = serial();
    let data = format!(
        "event: message_start\ndata: {{\"type\":\"message_start\",\"message\":{{\"id\":\"m\",\"model\":\"x\",\"junk\":{},\"usage\":{{\"input_tokens\":1}}}}}}\n\n\
         event: message_stop\ndata: {{\"type\":\"message_stop\"}}\n\n",
        zeros()
    );
    let (turns, inspect, validate, _) = peaks("zeros.sse", data.as_bytes());
    assert_eq!(turns, 1);
    let budget = data.len() + tree_base();
    assert!(inspect <= budget, "inspect took {inspect}");
    assert!(validate <= budget, "validate took {validate}");
}

#[test]
fn a_claude_trace_request_of_millions_of_small_values_stays_within_budget() {
    let _one = serial();
    let data = format!(
        r#"{{"request":{{"timestamp":1,"url":"https://api.anthropic.com/v1/messages","headers":{{}},"body":{{"model":"x","messages":[],"junk":{}}}}},"response":{{"timestamp":2,"status_code":200,"headers":{{"content-type":"application/json"}},"body":{}}}}}"#,
        zeros(),
        body_with("[]")
    );
    let (turns, inspect, validate, _) = peaks("log-1.jsonl", data.as_bytes());
    assert_eq!(turns, 1);
    // The line read, and the request body's copy of it, within three times the line.
    let budget = 3 * data.len() + tree_base();
    assert!(inspect <= budget, "inspect took {inspect}");
    assert!(validate <= budget, "validate took {validate}");
}

/// A HAR entry: the request and response bodies as strings, in JSON.
fn har_entry(response: &str) -> String {
    format!(
        r#"{{"request":{{"method":"POST","url":"https://api.anthropic.com/v1/messages","headers":[],"postData":{{"mimeType":"application/json","text":"{{}}"}}}},"response":{{"status":200,"headers":[],"content":{{"mimeType":"application/json","text":{}}}}}}}"#,
        serde_json::to_string(response).unwrap()
    )
}

#[test]
fn a_har_entry_of_millions_of_small_values_costs_that_entry_alone() {
    let _one = serial();
    let data = format!(
        r#"{{"log":{{"entries":[{{"junk":{}}},{}]}}}}"#,
        zeros(),
        har_entry(&body_with("[]"))
    );
    let (turns, inspect, validate, _) = peaks("zeros.har", data.as_bytes());
    assert_eq!(turns, 1);
    let budget = data.len() + tree_base();
    assert!(inspect <= budget, "inspect took {inspect}");
    assert!(validate <= budget, "validate took {validate}");
}

#[test]
fn a_har_holding_one_long_string_stays_within_budget() {
    let _one = serial();
    let text = "a".repeat(6 << 20);
    let data = format!(
        r#"{{"log":{{"entries":[{}]}}}}"#,
        har_entry(&body_with(&format!("\"{text}\"")))
    );
    let (turns, inspect, validate, _) = peaks("long.har", data.as_bytes());
    assert_eq!(turns, 1);
    // serde_json's buffer for the escaped string, the string (moved into the body, once
    // copied), and the response tree's copy of it: 3.3 times the input, where copying the
    // body out of the entry made it 4.3.
    let budget = 7 * data.len() / 2 + BASE;
    assert!(inspect <= budget, "inspect took {inspect}");
    assert!(validate <= budget, "validate took {validate}");
}

#[test]
fn a_har_body_in_base64_is_decoded_in_place() {
    let _one = serial();
    use base64::Engine;
    let text = "a".repeat(6 << 20);
    let body = base64::engine::general_purpose::STANDARD.encode(body_with(&format!("\"{text}\"")));
    let entry = har_entry("").replace(
        r#""text":"""#,
        &format!(r#""encoding":"base64","text":"{body}""#),
    );
    let data = format!(r#"{{"log":{{"entries":[{entry}]}}}}"#);
    let (turns, inspect, validate, _) = peaks("base64.har", data.as_bytes());
    assert_eq!(turns, 1);
    // serde_json's buffer for the string (its capacity up to twice the string) and the
    // string: 3.5 times the input, the body decoded in the string's own bytes. A compacted
    // copy and the decoded bytes beside the string made it 5.7 (hostile run 46: 3.7 times
    // the file in resident memory, which counts only the pages written).
    let budget = 4 * data.len() + BASE;
    assert!(inspect <= budget, "inspect took {inspect}");
    assert!(validate <= budget, "validate took {validate}");
}

#[test]
fn a_chat_chunk_of_a_million_choices_stays_within_budget() {
    let _one = serial();
    let choices = format!("[{}{{}}]", "{},".repeat(999_999));
    let data = format!(
        "data: {{\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":{choices}}}\n\n\
         data: {{\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"hi\"}},\"finish_reason\":\"stop\"}}]}}\n\n\
         data: [DONE]\n\n"
    );
    let (turns, inspect, validate, _) = peaks("choices.sse", data.as_bytes());
    assert_eq!(turns, 1);
    let budget = 3 * data.len() + tree_base();
    assert!(inspect <= budget, "inspect took {inspect}");
    assert!(validate <= budget, "validate took {validate}");
}

/// One Bedrock event-stream frame: string `headers`, `payload`, both CRCs right.
fn frame(headers: &[(&str, &str)], payload: &[u8]) -> Vec<u8> {
    let mut block = Vec::new();
    for (name, value) in headers {
        block.push(name.len() as u8);
        block.extend(name.as_bytes());
        block.push(7);
        block.extend((value.len() as u16).to_be_bytes());
        block.extend(value.as_bytes());
    }
    let total = (16 + block.len() + payload.len()) as u32;
    let mut out = total.to_be_bytes().to_vec();
    out.extend((block.len() as u32).to_be_bytes());
    out.extend(crc32fast::hash(&out).to_be_bytes());
    out.extend(block);
    out.extend(payload);
    out.extend(crc32fast::hash(&out).to_be_bytes());
    out
}

#[test]
fn streams_of_tiny_events_cost_no_list_of_events() {
    let _one = serial();
    // A stream is framed as its events are read: a list of them cost 56 bytes an event,
    // seven times a body of 8-byte events, before any was read.
    let start = "data: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"x\"}}\n\n";
    let tiny = format!("{start}{}", "data:x\n\n".repeat(500_000));
    within_budget("tiny.sse", tiny.as_bytes(), 0.5);
    // Nor a Bedrock stream a list of its frames and their events.
    let chunk = br#"{"bytes":"eyJ0eXBlIjoibWVzc2FnZV9zdGFydCIsIm1lc3NhZ2UiOnsiaWQiOiJtIiwibW9kZWwiOiJ4In19"}"#;
    let mut frames = frame(&[(":event-type", "chunk")], chunk);
    frames.extend(frame(&[], br#"{"bytes":"e30="}"#).repeat(125_000));
    within_budget("tiny.bin", &frames, 0.5);
    // Nor one event of a million bare `data` lines a list entry for each.
    let lines = format!("event: message_start\n{}\n", "data\n".repeat(1_000_000));
    within_budget("lines.sse", lines.as_bytes(), 1.5);
}

#[test]
fn a_bedrock_frame_of_millions_of_small_values_stays_within_budget() {
    let _one = serial();
    // A frame's JSON (a chunk payload, the event it holds, an exception's) was built whole:
    // one 16 MB frame of `[0,0,…]` beside its `bytes` took 1 GB (hostile run 25). It is
    // built within the budget of its length, as every capture's JSON is.
    let start = br#"{"bytes":"eyJ0eXBlIjoibWVzc2FnZV9zdGFydCIsIm1lc3NhZ2UiOnsiaWQiOiJtIiwibW9kZWwiOiJ4In19"}"#;
    let mut frames = frame(&[(":event-type", "chunk")], start);
    let junk = format!(r#"{{"bytes":"e30=","x":{}}}"#, zeros());
    frames.extend(frame(&[(":event-type", "chunk")], junk.as_bytes()));
    let (turns, inspect, validate, _) = peaks("junk.bin", &frames);
    assert_eq!(turns, 1);
    let budget = frames.len() + tree_base();
    assert!(inspect <= budget, "inspect took {inspect}");
    assert!(validate <= budget, "validate took {validate}");
}

#[test]
fn streams_opening_millions_of_numbered_things_stay_within_budget() {
    let _one = serial();
    // Each 75-byte delta names a new output item: the accumulator's and the checker's state
    // for each cost ten times the event (1.3 GB for 104 MB). Past 10,000 such things a
    // stream opens, the events opening more are left out, counted.
    let deltas: String = (0..300_000)
        .map(|i| {
            format!(
                "data:{{\"type\":\"response.output_text.delta\",\"output_index\":{i},\"delta\":\"s\"}}\n\n"
            )
        })
        .collect();
    within_budget("items.sse", deltas.as_bytes(), 0.5);
    let calls: String = (0..300_000)
        .map(|i| {
            format!(
                "data:{{\"choices\":[{{\"delta\":{{\"tool_calls\":[{{\"index\":{i},\"id\":\"c{i}\",\"function\":{{\"name\":\"f\"}}}}]}}}}]}}\n\n"
            )
        })
        .collect();
    within_budget("calls.sse", calls.as_bytes(), 1.0);
    let report = aibridge_trace::run::turns_from_bytes("calls.sse", calls.as_bytes(), true);
    let turn = &report.turns[0];
    // The choice is one of the 10,000 things; each call another.
    assert_eq!(turn.tool_calls.len(), 9_999);
    // Nor by opening them again and again at one index: a new call id at index 0 each
    // event, a `content_block_start` of index 0 each event.
    let again: String = (0..300_000)
        .map(|i| {
            format!(
                "data:{{\"choices\":[{{\"delta\":{{\"tool_calls\":[{{\"index\":0,\"id\":\"c{i}\"}}]}}}}]}}\n\n"
            )
        })
        .collect();
    within_budget("again.sse", again.as_bytes(), 1.0);
    let start = "data:{\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"x\"}}\n\n";
    let blocks: String = (0..300_000)
        .map(|i| {
            format!(
                "data:{{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{{\"type\":\"tool_use\",\"id\":\"t{i}\",\"name\":\"f\",\"input\":{{}}}}}}\n\n"
            )
        })
        .collect();
    within_budget("restarts.sse", format!("{start}{blocks}").as_bytes(), 1.0);
    let warnings: Vec<String> = turn.warnings.iter().map(|w| w.to_string()).collect();
    assert!(
        warnings.iter().any(
            |w| w.starts_with("line 19999: the stream opens more than 10,000")
                && w.contains("290,001 events opening more")
        ),
        "{warnings:?}"
    );
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut encoder, data).unwrap();
    encoder.finish().unwrap()
}

/// A body of `mib` MiB that decodes to an Anthropic error, gzipped.
fn packed_error(mib: usize) -> Vec<u8> {
    let mut body = vec![b' '; mib << 20];
    body.extend(br#"{"type":"error","error":{"type":"overloaded_error","message":"m"}}"#);
    gzip(&body)
}

#[test]
fn compressed_bodies_are_decoded_one_at_a_time_or_refused() {
    use base64::Engine;
    let _one = serial();
    let mib = |n: usize| n as f64 / (1 << 20) as f64;
    // A YAML cassette of 12 compressed bodies of 4 MiB each: decoded as each interaction
    // is handed on, not all while the cassette is parsed (48 MiB held at once).
    let body = base64::engine::general_purpose::STANDARD.encode(packed_error(4));
    let interaction = format!(
        "- request:\n    uri: https://api.anthropic.com/v1/messages\n    body:\n      string: '{{}}'\n  \
         response:\n    status:\n      code: 529\n    headers:\n      Content-Type:\n      - application/json\n      \
         Content-Encoding:\n      - gzip\n    body:\n      string: !!binary |\n        {body}\n"
    );
    let cassette = format!("interactions:\n{}version: 1\n", interaction.repeat(12));
    let (turns, inspect, validate, notes) = peaks("bodies.yaml", cassette.as_bytes());
    assert_eq!(turns, 12, "{notes:?}");
    assert!(
        inspect < 16 << 20 && validate < 16 << 20,
        "{} / {} MiB",
        mib(inspect),
        mib(validate)
    );
    // A txtar whose sections decode to more than it may hold at once (24 MiB and its own
    // size) is refused, having held no more than that (as a vector's capacity, up to
    // twice) and one body.
    let mut txtar = b"-- request --\n{}\n".to_vec();
    for i in 0..12 {
        txtar.extend(
            format!("-- s{i} --\nHTTP/1.1 529 Overloaded\r\nContent-Encoding: gzip\r\n\r\n")
                .bytes(),
        );
        txtar.extend(packed_error(4));
        txtar.push(b'\n');
    }
    let (_, inspect, validate, notes) = peaks("bodies.txtar", &txtar);
    assert!(
        notes
            .iter()
            .any(|n| n.contains("decode to over 24 MiB together")),
        "{notes:?}"
    );
    assert!(
        inspect < 56 << 20 && validate < 56 << 20,
        "{} / {} MiB",
        mib(inspect),
        mib(validate)
    );
    // A request then its response, the request's body compressed: the decoded body is
    // moved into the file's decoded text, not copied (the decoder's vector, up to twice the
    // body, and the request read: a copy would be 24 MiB more).
    let request = [
        &b"POST /v1/messages HTTP/1.1\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n\r\n"[..],
        &gzip(&[&b"{\"model\":\"m\",\"x\":\""[..], &vec![b'a'; 24 << 20], b"\"}"].concat()),
        b"\r\n",
    ]
    .concat();
    let exchange = [
        &request[..],
        b"HTTP/1.1 529 Overloaded\r\nContent-Type: application/json\r\n\r\n{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"m\"}}",
    ]
    .concat();
    let (turns, inspect, _, notes) = peaks("exchange.http", &exchange);
    assert_eq!(turns, 1, "{notes:?}");
    assert!(inspect < 64 << 20, "{} MiB", mib(inspect));
}

#[test]
fn an_error_message_of_millions_of_lines_is_redacted_within_budget() {
    let _one = serial();
    // Each line is looked at for a credential's name, and the lines near one are cut: a
    // verdict per line held for the whole text took 24 bytes a line (a 57 MB message of
    // `\r`s peaked at 844 MB).
    let message = format!("api_key: x{}", "\\r".repeat(4 << 20));
    within_budget("error.json", error_body(&message).as_bytes(), 3.0);
}

#[test]
fn an_error_message_of_one_letter_values_is_redacted_within_budget() {
    let _one = serial();
    // On a suspect line each quoted word is cut: `'a'` as `'…'` grew the text by 5/3, and
    // the growing copy was reallocated beside the text and the first pass's copy (a 71 MB
    // message peaked at 364 MB). A value shorter than the cut now stays.
    let message = format!("password {}", "'a'".repeat(2 << 20));
    within_budget("quoted.json", error_body(&message).as_bytes(), 3.0);
}

/// An Anthropic error body whose message is `message` (JSON-escaped already).
fn error_body(message: &str) -> String {
    format!(
        r#"{{"type":"error","error":{{"type":"invalid_request_error","message":"{message}"}}}}"#
    )
}

#[test]
fn a_txtar_of_many_sections_holds_its_shared_request_once() {
    let _one = serial();
    // Each section's turn held its own copy of the request's prompt, tools and model (a
    // 1.2 MB txtar of a thousand sections peaked at 1.9 GB); they are shared now, and a
    // model name cut to 256 bytes gives back the rest.
    let prompt = "p".repeat(256 << 10);
    let model = "m".repeat(256 << 10);
    let request = format!(
        r#"{{"model":"{model}","max_tokens":1,"messages":[{{"role":"user","content":"{prompt}"}}],"tools":[{{"name":"{prompt}","input_schema":{{}}}}]}}"#
    );
    let answer = r#"{"id":"m","type":"message","role":"assistant","content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":1}}"#;
    let mut data = format!("-- request --\n{request}\n");
    for _ in 0..200 {
        data.push_str(&format!("-- non-streaming --\n{answer}\n"));
    }
    let (turns, inspect, validate, notes) = peaks("shared.txtar", data.as_bytes());
    assert_eq!(turns, 200, "{notes:?}");
    let budget = 3 * data.len() + tree_base();
    assert!(inspect <= budget, "inspect took {inspect}");
    assert!(validate <= budget, "validate took {validate}");
}

/// The most a run of the files in `dir` allocates on `threads` threads, read, threaded and
/// each turn handed whole to `each` in turn, as a printer takes them.
fn threaded_peak(
    dir: &std::path::Path,
    threads: usize,
    mut each: impl FnMut(aibridge_trace::turn::Turn),
) -> usize {
    run_peak(dir, threads, |threaded| {
        for turn in threaded.into_turns() {
            each(turn.unwrap());
        }
    })
}

/// The most a run of the files in `dir` allocates on `threads` threads, read, threaded and
/// every turn handed at once to `all`, as the views of the whole run take them (sessions,
/// transcripts, traces).
fn whole_peak(
    dir: &std::path::Path,
    threads: usize,
    all: impl FnOnce(&aibridge_trace::run::Whole),
) -> usize {
    run_peak(dir, threads, |threaded| {
        all(&threaded.into_whole().unwrap())
    })
}

/// The most a run of the files in `dir` allocates on `threads` threads, read, threaded and
/// handed to `then`.
fn run_peak(
    dir: &std::path::Path,
    threads: usize,
    then: impl FnOnce(aibridge_trace::run::Threaded),
) -> usize {
    let inputs = aibridge_trace::config::Inputs {
        paths: vec![dir.to_path_buf()],
        filter: Default::default(),
        quiet: true,
        threads,
        progress: false,
        stdin_closed: false,
    };
    let prices = aibridge_trace::cost::PriceTable::embedded();
    extra_peak(|| {
        let (threaded, _) =
            aibridge_trace::run::threaded(&inputs, &prices, &mut std::io::sink(), |_| {}).unwrap();
        then(threaded);
    })
}

#[test]
fn a_run_holds_its_turns_texts_out_of_memory_once_they_add_up() {
    let _one = serial();
    // Threading needs every turn before any is printed; it reads none of their texts, so
    // past 4 MiB of them the rest wait in a temporary file (a 1 GiB folder of generated
    // streams peaked at 165 MB, 66 MB of it the turns' texts). 1,000 turns of 20 KB of text
    // and 4 KB of tool-call arguments: 24 MB, in 1,000 files, read 256 at a time.
    let dir = std::env::temp_dir().join(format!("aibridge-held-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = "word ".repeat(4_000);
    let content = r"x = 1;\n".repeat(500);
    for n in 0..1_000 {
        let body = format!(
            r#"{{"id":"m{n}","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{{"type":"text","text":"{text}{n}"}},{{"type":"tool_use","id":"c{n}","name":"write","input":{{"path":"a.rs","content":"{content}"}}}}],"stop_reason":"tool_use","usage":{{"input_tokens":1,"output_tokens":1}}}}"#
        );
        std::fs::write(dir.join(format!("{n:04}.json")), body).unwrap();
    }
    let mut printed = 0;
    let peak = threaded_peak(&dir, 1, |turn| {
        assert!(turn.text.as_ref().unwrap().starts_with("word word"));
        Jsonl.turn(&mut std::io::sink(), &turn).unwrap();
        printed += 1;
    });
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(printed, 1_000);
    eprintln!("1,000 turns of 24 KB: +{:.1} MB", peak as f64 / 1e6);
    // Held whole, they took 26 MB; then 4 MiB of texts, the 256 inputs of a batch on their
    // way (6 MB) and the rest of each turn: 13 MB; now that each input's texts go out on
    // the worker that read it, 7 MB.
    assert!(peak < 10 << 20, "a run of 24 MB of texts took {peak} bytes");
}

#[test]
fn small_files_that_expand_to_big_answers_hold_their_texts_out_of_memory() {
    let _one = serial();
    // Hostile run 17, D2: a batch of inputs was weighed by the files' sizes (and a name
    // ending in `.gz`), and held its turns whole until it was handed on: 200 gzip files of
    // 6 KB named `.sse`, or txtars whose body is `Content-Encoding: gzip`, each a 3 MB
    // answer, peaked at 670 MB. Each input's texts now go out on the worker that read it.
    let dir = std::env::temp_dir().join(format!("aibridge-expand-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let event = |data: String| format!("event: x\ndata: {data}\n\n");
    let mut stream = event(
        r#"{"type":"message_start","message":{"id":"m","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"usage":{"input_tokens":1,"output_tokens":1}}}"#.into(),
    );
    stream += &event(
        r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#
            .into(),
    );
    let words = "word ".repeat(800);
    for _ in 0..250 {
        stream += &event(format!(
            r#"{{"type":"content_block_delta","index":0,"delta":{{"type":"text_delta","text":"{words}"}}}}"#
        ));
    }
    stream += &event(r#"{"type":"message_stop"}"#.into());
    let packed = gzip(stream.as_bytes());
    let request = r#"{"model":"claude-sonnet-4-5","max_tokens":5,"stream":true,"messages":[{"role":"user","content":"hi"}]}"#;
    let coded = [
        format!("-- request --\n{request}\n-- streaming --\nHTTP/1.1 200 OK\nContent-Type: text/event-stream\nContent-Encoding: gzip\n\n").into_bytes(),
        packed.clone(),
    ]
    .concat();
    for n in 0..60 {
        std::fs::write(dir.join(format!("{n:03}a.sse")), &packed).unwrap();
        std::fs::write(dir.join(format!("{n:03}b.txtar")), &coded).unwrap();
    }
    let mut printed = 0;
    let peak = threaded_peak(&dir, 2, |turn| {
        assert_eq!(turn.text.unwrap().len(), words.len() * 250);
        printed += 1;
    });
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(printed, 120);
    eprintln!(
        "120 files of {} KB, each a 1 MB answer: +{:.1} MB",
        packed.len() >> 10,
        peak as f64 / 1e6
    );
    // 120 MB of answers. Now 4 MiB of texts kept, and each of the two workers' input on its
    // way (a stream, its events' text and the answer: 1 MB each).
    assert!(peak < 24 << 20, "120 MB of answers took {peak} bytes");
}

#[test]
fn tool_call_arguments_count_as_texts_held() {
    let _one = serial();
    // Hostile run 18, D2: arguments went out with the other texts but were not counted, so
    // turns whose only text is a call writing a file (responses recorded alone) kept them
    // all: 200 calls of 3 MB, 600 MB.
    let dir = std::env::temp_dir().join(format!("aibridge-arguments-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let content = r"fn main() {}\n".repeat(80_000);
    for n in 0..60 {
        let body = format!(
            r#"{{"id":"m{n}","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{{"type":"tool_use","id":"c{n}","name":"Write","input":{{"path":"a.rs","content":"{content}"}}}}],"stop_reason":"tool_use","usage":{{"input_tokens":1,"output_tokens":1}}}}"#
        );
        std::fs::write(dir.join(format!("{n:03}.json")), gzip(body.as_bytes())).unwrap();
    }
    let mut calls = 0;
    let peak = threaded_peak(&dir, 2, |turn| {
        let written = &turn.tool_calls[0].arguments["content"];
        assert_eq!(written.as_str().map(str::len), Some(13 * 80_000));
        calls += 1;
    });
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(calls, 60);
    eprintln!("60 calls of 1.1 MB: +{:.1} MB", peak as f64 / 1e6);
    // 67 MB of arguments; now 4 MiB of them kept, and two inputs on their way.
    assert!(peak < 24 << 20, "67 MB of arguments took {peak} bytes");
}

/// `n` Anthropic `tool_use` blocks of tools `n0`, `n1`…, comma-separated.
fn tool_uses(n: usize) -> String {
    let calls: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"type":"tool_use","id":"t{i}","name":"n{i}","input":{{}}}}"#))
        .collect();
    calls.join(",")
}

#[test]
fn a_turn_of_thousands_of_tools_is_summed_by_tool_in_linear_memory() {
    let _one = serial();
    // Hostile run 12, D7: every tool's group listed every tool of the turns it counted, so
    // a turn of 2,000 tools made 4 million entries (745 MB, 10 s for a 120 KB body).
    let body = format!(
        r#"{{"id":"m","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{}],"stop_reason":"tool_use","usage":{{"input_tokens":1,"output_tokens":1}}}}"#,
        tool_uses(2_000)
    );
    let report = aibridge_trace::run::turns_from_bytes("tools.json", body.as_bytes(), true);
    let turn = &report.turns[0];
    assert_eq!(turn.tool_calls.len(), 2_000);
    let by = Some(aibridge_trace::config::GroupBy::Tool);
    let mut summary = aibridge_trace::aggregate::Summary::new(by);
    let peak = extra_peak(|| summary.add_turn(turn, by));
    eprintln!("2,000 tool groups: +{:.1} MB", peak as f64 / 1e6);
    assert!(peak < 4 << 20, "2,000 tool groups took {peak} bytes");
    assert_eq!(summary.groups.len(), 2_000);
    assert_eq!(summary.all.tools.iter().count(), 2_000);
    for (name, group) in &summary.groups {
        let tools: Vec<&str> = group.tools.iter().map(|(tool, _)| tool).collect();
        assert_eq!(tools, [name], "a tool's group lists that tool alone");
        assert_eq!(group.tool_calls, 2_000, "its turns' calls are all counted");
    }
}

#[test]
fn a_turn_in_many_tool_groups_shares_its_names_and_counts_its_thoughts_once() {
    let _one = serial();
    // Hostile run 47: each tool group a turn counted in held its own copy of the turn's
    // model and stop reason (400 turns of 1,000 tools and 250-byte names: 455 MB), and
    // counted its thoughts' characters again (a turn of 10,000 tools and 16 MB of
    // thinking: 6 s, 0.1 s without `--by`).
    let calls = tool_uses(1_000);
    let thinking = "a thought ".repeat(100_000);
    let turns: Vec<_> = (0..20)
        .map(|t| {
            let body = format!(
                r#"{{"id":"m","type":"message","role":"assistant","model":"{t:03}{model}","content":[{{"type":"thinking","thinking":"{thinking}","signature":"s"}},{calls}],"stop_reason":"{t:03}{model}","usage":{{"input_tokens":1,"output_tokens":1}}}}"#,
                model = "m".repeat(247),
            );
            let report = aibridge_trace::run::turns_from_bytes("tools.json", body.as_bytes(), true);
            report.turns.into_iter().next().unwrap()
        })
        .collect();
    assert_eq!(turns[0].tool_calls.len(), 1_000);
    assert_eq!(turns[0].model.as_ref().map(String::len), Some(250));
    let summed = |by| {
        let mut summary = aibridge_trace::aggregate::Summary::new(by);
        let start = std::time::Instant::now();
        let peak = extra_peak(|| turns.iter().for_each(|turn| summary.add_turn(turn, by)));
        (summary, peak, start.elapsed())
    };
    let (_, _, alone) = summed(None);
    let (summary, peak, by_tool) = summed(Some(aibridge_trace::config::GroupBy::Tool));
    eprintln!(
        "20 turns of 1,000 tools: +{:.1} MB, {by_tool:?} (without --by: {alone:?})",
        peak as f64 / 1e6
    );
    // Some 20,000 entries of each breakdown, a pointer and a count each; a copy of each
    // name made it 21 MB.
    assert!(peak < 12 << 20, "took {peak} bytes");
    // Counting 20 MB of thinking again in each of 1,000 groups took seconds.
    assert!(
        by_tool < alone * 20 + std::time::Duration::from_millis(500),
        "{by_tool:?} against {alone:?}"
    );
    let group = &summary.groups["n7"];
    assert_eq!(group.models.iter().count(), 20);
    assert_eq!(
        group.thought_sources.iter().next().unwrap().1.chars,
        20 * 1_000_000
    );
}

#[test]
fn the_tools_a_request_offers_are_held_out_of_memory_as_texts_are() {
    let _one = serial();
    // Hostile run 21, D3: each turn held its request's list of tools offered, whole: 300
    // gzip files, each a request offering 76,923 tools, peaked at 1.3 GB. The names go to
    // the temporary file with the turn's texts, counted at what a short name costs.
    let dir = std::env::temp_dir().join(format!("aibridge-offered-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let tools = vec![r#"{"name":"a","input_schema":{}}"#; 10_000].join(",");
    let request = format!(
        r#"{{"model":"claude-x","max_tokens":5,"stream":true,"tools":[{tools}],"messages":[{{"role":"user","content":"hi"}}]}}"#
    );
    let stream = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-x\",\"content\":[],\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    let packed = gzip(format!("-- request --\n{request}\n-- streaming --\n{stream}").as_bytes());
    for n in 0..200 {
        std::fs::write(dir.join(format!("{n:03}.txtar.gz")), &packed).unwrap();
    }
    let mut printed = 0;
    let peak = threaded_peak(&dir, 2, |turn| {
        let tools = turn.request.as_ref().and_then(|r| r.tools.as_ref());
        assert_eq!(tools.map(Vec::len), Some(10_000));
        printed += 1;
    });
    // Hostile run 33, D2: the views of the whole run read every turn back at once, the
    // names with them (4,000 turns offering 1,000 one-letter tools: 248 MB). None of them
    // prints the names, which now stay in the file.
    let whole = whole_peak(&dir, 2, |whole| {
        let turns = &whole.turns;
        assert_eq!(turns.len(), 200);
        let offered =
            |t: &aibridge_trace::turn::Turn| t.request.as_ref()?.tools.as_ref().map(Vec::len);
        assert!(turns.iter().filter_map(offered).all(|n| n == 10_000));
    });
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(printed, 200);
    eprintln!(
        "200 requests offering 10,000 tools: +{:.1} MB a turn at a time, +{:.1} MB all at once",
        peak as f64 / 1e6,
        whole as f64 / 1e6
    );
    // 2 million names held whole cost 100 MB. Now 4 MiB of texts kept, and each of
    // the two workers' input on its way (a 310 KB body, its tree and the list).
    assert!(
        peak < 40 << 20,
        "200 requests of 10,000 tools took {peak} bytes"
    );
    assert!(
        whole < 24 << 20,
        "200 requests of 10,000 tools, held at once, took {whole} bytes"
    );
}

#[test]
fn the_whole_run_views_read_arguments_and_results_back_a_turn_at_a_time() {
    use aibridge_trace::render::WholeRun;
    let _one = serial();
    // Hostile run 40: the views of the whole run held every turn's calls' arguments and
    // results' contents at once, as `Value` trees (a 271-byte object of 30 keys: 4.8 KB):
    // 40 answers of 2,000 such calls peaked at 452 MB in `--view sessions` (jsonl: 142 MB,
    // the 4 MiB of texts kept counted as text, 70 MB as trees). Each turn's come back as
    // it is printed, and what is kept is counted as trees: 85 MB in both.
    let dir = std::env::temp_dir().join(format!("aibridge-arguments-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let arguments = (0..30)
        .map(|k| format!(r#""k{k}":{k}"#))
        .collect::<Vec<_>>();
    let arguments = format!("{{{}}}", arguments.join(","));
    for n in 0..40 {
        let calls: Vec<String> = (0..2_000)
            .map(|i| {
                format!(
                    r#"{{"type":"tool_use","id":"toolu_{n}_{i}","name":"t","input":{arguments}}}"#
                )
            })
            .collect();
        let body = format!(
            r#"{{"id":"msg_{n}","type":"message","role":"assistant","model":"claude-x","content":[{}],"stop_reason":"tool_use","usage":{{"input_tokens":1,"output_tokens":1}}}}"#,
            calls.join(",")
        );
        std::fs::write(dir.join(format!("{n:02}.json")), body).unwrap();
    }
    let mut calls = 0;
    let peak = whole_peak(&dir, 2, |whole| {
        for index in 0..whole.turns.len() {
            let turn = whole.turn(index).unwrap();
            assert!(turn.tool_calls.iter().all(|c| c.arguments["k29"] == 29));
            calls += turn.tool_calls.len();
        }
    });
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(calls, 80_000);
    eprintln!(
        "80,000 calls of 30 keys, held at once: +{:.1} MB",
        peak as f64 / 1e6
    );
    // Each worker's input as it is read (its body, tree and turn: 20 MB), a turn's trees
    // as it is printed (9.6 MB), the 4 MiB kept, and the calls' other fields (80,000 x
    // 200 bytes): 76 MB measured.
    assert!(
        peak < 100 << 20,
        "80,000 calls held at once took {peak} bytes"
    );
}

#[test]
fn warnings_read_back_go_out_with_the_texts() {
    let _one = serial();
    // Hostile run 41, D3: read-back turns keep up to 16 KiB of warnings each, which stayed
    // in memory for the whole run (40,000 such turns: 575 MB, 118 MB now).
    let dir = std::env::temp_dir().join(format!("aibridge-warnings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let seed = r#"{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn","usage":{"input_tokens":5,"output_tokens":2}}"#;
    let report = aibridge_trace::run::turns_from_bytes("seed.json", seed.as_bytes(), true);
    let mut turn = serde_json::to_value(&report.turns[0]).unwrap();
    let warning = "a warning of some length ".repeat(120);
    turn["warnings"] = serde_json::json!([warning, warning, warning, warning]);
    // Unpriced usage would make the last warning the pricing one, said again when priced.
    turn["usage"] = serde_json::Value::Null;
    let line = format!("{turn}\n");
    // Small files, so that what the workers read at once stays small beside the warnings.
    for n in 0..150 {
        std::fs::write(dir.join(format!("{n:03}.jsonl")), line.repeat(10)).unwrap();
    }
    let mut printed = 0;
    let peak = threaded_peak(&dir, 2, |turn| {
        assert_eq!(turn.warnings.len(), 4);
        assert_eq!(turn.warnings[3].to_string(), warning);
        printed += 1;
    });
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(printed, 1_500);
    eprintln!(
        "1,500 turns of 12 KB of warnings: +{:.1} MB",
        peak as f64 / 1e6
    );
    // Held, they took 21 MB; now 7 MB: the 4 MiB kept, and the rest of each turn.
    assert!(peak < 12 << 20, "1,500 turns of warnings took {peak} bytes");
}
