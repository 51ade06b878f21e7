//! `inspect --format otlp`: the output decodes with the official OTLP protobuf definitions
//! (`opentelemetry-proto`'s serde support for the OTLP/JSON mapping: hex ids, times and
//! 64-bit integers as strings, camelCase keys), and every attribute of a fixture session is
//! the one worked out by hand from its capture.

mod common;

use std::collections::BTreeMap;

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, any_value::Value as Any};
use opentelemetry_proto::tonic::trace::v1::Span;
use serde_json::Value;

/// The attribute names the GenAI semantic conventions' registry holds that the export
/// uses, with `error.type` from the general registry; every other name must be this
/// tool's own (`aibridge_trace.*`) or the resource's `service.name`.
const REGISTERED: &[&str] = &[
    "gen_ai.operation.name",
    "gen_ai.provider.name",
    "gen_ai.request.model",
    "gen_ai.response.model",
    "gen_ai.response.id",
    "gen_ai.response.finish_reasons",
    "gen_ai.conversation.id",
    "gen_ai.usage.input_tokens",
    "gen_ai.usage.output_tokens",
    "gen_ai.usage.cache_read.input_tokens",
    "gen_ai.usage.cache_creation.input_tokens",
    "gen_ai.usage.reasoning.output_tokens",
    "gen_ai.request.temperature",
    "gen_ai.request.max_tokens",
    "gen_ai.request.stream",
    "gen_ai.input.messages",
    "gen_ai.output.messages",
    "gen_ai.tool.name",
    "gen_ai.tool.type",
    "gen_ai.tool.call.id",
    "gen_ai.tool.call.arguments",
    "gen_ai.tool.call.result",
    "error.type",
];

/// Runs `inspect --format otlp` and decodes its output with the official definitions;
/// also checks that every key of the JSON survives the decoding (the decoder ignores
/// unknown keys, so a misspelt one would otherwise pass unseen).
fn export(args: &[&str]) -> ExportTraceServiceRequest {
    let mut all = vec!["inspect", "--format", "otlp"];
    all.extend_from_slice(args);
    let out = common::run(&all);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1, "one document, one line");
    let request: ExportTraceServiceRequest =
        serde_json::from_str(&text).expect("decodes as an ExportTraceServiceRequest");
    let ours: Value = serde_json::from_str(&text).unwrap();
    let again = serde_json::to_value(&request).unwrap();
    keys_kept(&ours, &again, "$");
    request
}

fn keys_kept(ours: &Value, decoded: &Value, at: &str) {
    match (ours, decoded) {
        (Value::Object(ours), Value::Object(decoded)) => {
            for (key, value) in ours {
                let path = format!("{at}.{key}");
                let Some(kept) = decoded.get(key) else {
                    // Empty messages (a status with no code) may be left out when written
                    // back; anything with content must be there.
                    assert!(value == &serde_json::json!({}), "{path} is unknown to OTLP");
                    continue;
                };
                keys_kept(value, kept, &path);
            }
        }
        (Value::Array(ours), Value::Array(decoded)) => {
            assert_eq!(ours.len(), decoded.len(), "{at}");
            for (i, (a, b)) in ours.iter().zip(decoded).enumerate() {
                keys_kept(a, b, &format!("{at}[{i}]"));
            }
        }
        _ => {}
    }
}

fn spans(request: &ExportTraceServiceRequest) -> Vec<&Span> {
    assert_eq!(request.resource_spans.len(), 1);
    let resource = &request.resource_spans[0];
    let scope = &resource.scope_spans;
    assert_eq!(scope.len(), 1);
    assert_eq!(scope[0].scope.as_ref().unwrap().name, "aibridge-trace");
    scope[0].spans.iter().collect()
}

/// A span's attributes as `key → value`, each value written as text (`i:` an integer,
/// `b:` a boolean, `d:` a double, `[…]` an array of strings).
fn attributes(span: &Span) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for kv in &span.attributes {
        let value = show(kv.value.as_ref().expect("a value"));
        assert!(
            map.insert(kv.key.clone(), value).is_none(),
            "{} twice",
            kv.key
        );
    }
    map
}

fn show(value: &AnyValue) -> String {
    match value.value.as_ref().expect("a value") {
        Any::StringValue(s) => s.clone(),
        Any::IntValue(i) => format!("i:{i}"),
        Any::BoolValue(b) => format!("b:{b}"),
        Any::DoubleValue(d) => format!("d:{d}"),
        Any::ArrayValue(a) => format!(
            "[{}]",
            a.values.iter().map(show).collect::<Vec<_>>().join(",")
        ),
        other => panic!("unexpected {other:?}"),
    }
}

fn expect(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

const AGENTS: &str = "tests/data/sessions/two-agents.har";

/// Agent B of `two-agents.har` (entries 1 and 3, see tests/data/sessions/README.md): two
/// streamed `claude-haiku-4-5` turns, each calling one tool; the Grep's result comes back
/// in entry 3's request, the Read's never does.
#[test]
fn a_session_is_a_trace_and_every_attribute_is_as_worked_out() {
    let request = export(&[AGENTS]);
    let all = spans(&request);
    let of_b = |span: &&Span| {
        attributes(span)
            .get("gen_ai.conversation.id")
            .is_some_and(|id| id == "ses_edea796153ca")
    };
    let turns: Vec<&Span> = all.iter().copied().filter(of_b).collect();
    assert_eq!(turns.len(), 2, "two turns in session B");
    let (first, second) = (turns[0], turns[1]);
    let tools: Vec<&Span> = all
        .iter()
        .copied()
        .filter(|s| s.parent_span_id == first.span_id || s.parent_span_id == second.span_id)
        .collect();
    assert_eq!(tools.len(), 2);

    // One trace: every span of the session shares the trace id, no other span has it.
    let trace = &first.trace_id;
    assert_eq!(trace.len(), 16);
    assert!(tools.iter().chain([&second]).all(|s| &s.trace_id == trace));
    assert_eq!(all.iter().filter(|s| &s.trace_id == trace).count(), 4);
    assert_eq!(first.span_id.len(), 8);
    assert!(first.parent_span_id.is_empty() && second.parent_span_id.is_empty());

    // Entry 1: started 2025-06-03T09:15:01.045Z, HAR `time` 1480.2 ms. 2025-06-03 is day
    // 20242 since 1970-01-01: 20242 * 86400 + 9 h 15 min 1 s = 1748942101 s.
    assert_eq!(first.name, "chat claude-haiku-4-5");
    assert_eq!(first.kind, 3, "CLIENT");
    assert_eq!(first.start_time_unix_nano, 1_748_942_101_045_000_000);
    assert_eq!(first.end_time_unix_nano, 1_748_942_102_525_200_000);
    assert_eq!(first.status.as_ref().map_or(0, |s| s.code), 0);
    let path = AGENTS;
    assert_eq!(
        attributes(first),
        expect(&[
            ("gen_ai.operation.name", "chat"),
            ("gen_ai.provider.name", "anthropic"),
            ("gen_ai.request.model", "claude-haiku-4-5"),
            ("gen_ai.response.model", "claude-haiku-4-5-20251001"),
            ("gen_ai.response.id", "msg_01B1SessionsAgentB1x"),
            ("gen_ai.conversation.id", "ses_edea796153ca"),
            ("gen_ai.response.finish_reasons", "[tool_use]"),
            // input_tokens 602 + cache reads 0 + cache writes 0.
            ("gen_ai.usage.input_tokens", "i:602"),
            ("gen_ai.usage.output_tokens", "i:61"),
            ("gen_ai.usage.cache_read.input_tokens", "i:0"),
            ("gen_ai.usage.cache_creation.input_tokens", "i:0"),
            ("gen_ai.request.max_tokens", "i:4096"),
            ("gen_ai.request.stream", "b:true"),
            ("aibridge_trace.api", "anthropic-messages"),
            ("aibridge_trace.source.path", path),
            ("aibridge_trace.source.entry", "i:1"),
            ("aibridge_trace.session.step", "i:1"),
            ("aibridge_trace.complete", "b:true"),
            // Haiku 4.5 at $1 in / $5 out per million: 602 + 61 * 5 = 907 millionths.
            ("aibridge_trace.cost_usd", "d:0.000907"),
            ("aibridge_trace.timing", "captured"),
        ])
    );

    // Entry 3: 09:15:05.610, 1702.7 ms; it continues entry 1 (a span link).
    assert_eq!(second.start_time_unix_nano, 1_748_942_105_610_000_000);
    assert_eq!(second.end_time_unix_nano, 1_748_942_107_312_700_000);
    assert_eq!(second.links.len(), 1);
    assert_eq!(second.links[0].span_id, first.span_id);
    assert_eq!(second.links[0].trace_id, *trace);
    let second_attributes = attributes(second);
    let differ: BTreeMap<&str, &str> = [
        ("gen_ai.response.id", "msg_01B2SessionsAgentB2x"),
        ("gen_ai.usage.input_tokens", "i:771"),
        ("gen_ai.usage.output_tokens", "i:58"),
        ("aibridge_trace.source.entry", "i:3"),
        ("aibridge_trace.session.step", "i:2"),
        // 771 + 58 * 5 = 1061 millionths.
        ("aibridge_trace.cost_usd", "d:0.001061"),
    ]
    .into();
    let mut want = attributes(first);
    for (key, value) in &differ {
        want.insert(key.to_string(), value.to_string());
    }
    assert_eq!(second_attributes, want);

    // The Grep call: from the end of entry 1 to the start of entry 3, whose request
    // carried its result.
    let grep = tools[0];
    assert_eq!(grep.parent_span_id, first.span_id);
    assert_eq!(grep.name, "execute_tool Grep");
    assert_eq!(grep.kind, 1, "INTERNAL");
    assert_eq!(grep.start_time_unix_nano, first.end_time_unix_nano);
    assert_eq!(grep.end_time_unix_nano, second.start_time_unix_nano);
    assert_eq!(
        attributes(grep),
        expect(&[
            ("gen_ai.operation.name", "execute_tool"),
            ("gen_ai.tool.name", "Grep"),
            ("gen_ai.tool.type", "function"),
            ("gen_ai.tool.call.id", "toolu_01B1GrepTodo3Hs"),
            ("aibridge_trace.tool.kind", "function"),
            ("aibridge_trace.tool.result.source.path", path),
            ("aibridge_trace.tool.result.source.entry", "i:3"),
        ])
    );
    // The Read: no result ever came back; a span of no length at the call.
    let read = tools[1];
    assert_eq!(read.parent_span_id, second.span_id);
    assert_eq!(read.start_time_unix_nano, second.end_time_unix_nano);
    assert_eq!(read.end_time_unix_nano, read.start_time_unix_nano);
    assert_eq!(
        attributes(read),
        expect(&[
            ("gen_ai.operation.name", "execute_tool"),
            ("gen_ai.tool.name", "Read"),
            ("gen_ai.tool.type", "function"),
            ("gen_ai.tool.call.id", "toolu_01B2ReadAst6Kc"),
            ("aibridge_trace.tool.kind", "function"),
        ])
    );

    // Deterministic: the same captures give the same document.
    assert_eq!(export(&[AGENTS]), request);
}

/// The conventions count cached tokens inside `gen_ai.usage.input_tokens`; this tool's
/// `usage.input` leaves them out. `cache_tokens.txtar` streams `input_tokens: 6`,
/// `cache_read_input_tokens: 24517`, `cache_creation_input_tokens: 1893`.
#[test]
fn input_tokens_include_the_cache_and_failed_turns_are_errors() {
    let request = export(&[
        "fixtures/anthropic-messages/cache_tokens.txtar",
        "fixtures/anthropic-messages/http_error_400.txtar",
    ]);
    let all = spans(&request);
    let streamed = attributes(all[0]);
    assert_eq!(streamed["aibridge_trace.source.section"], "streaming");
    assert_eq!(streamed["gen_ai.usage.input_tokens"], "i:26416"); // 6 + 24517 + 1893
    assert_eq!(streamed["gen_ai.usage.cache_read.input_tokens"], "i:24517");
    assert_eq!(
        streamed["gen_ai.usage.cache_creation.input_tokens"],
        "i:1893"
    );
    // No timing in a txtar: placeholder times from 2000-01-01, marked as such.
    assert_eq!(streamed["aibridge_trace.timing"], "placeholder");
    assert_eq!(all[0].start_time_unix_nano, 946_684_800_000_000_000);
    assert_eq!(all[0].end_time_unix_nano, 946_684_800_500_000_000);

    // The 400: error.type is the provider's error type, and the span's status is ERROR
    // with the provider's message.
    let failed = all
        .iter()
        .find(|s| attributes(s).contains_key("error.type"))
        .expect("an error span");
    let failed_attributes = attributes(failed);
    assert_eq!(failed_attributes["error.type"], "invalid_request_error");
    assert!(!failed_attributes.contains_key("gen_ai.usage.input_tokens"));
    let status = failed.status.as_ref().unwrap();
    assert_eq!(status.code, 2, "ERROR");
    assert!(status.message.starts_with("max_tokens: 200000 > 64000"));

    for span in &all {
        for key in attributes(span).keys() {
            assert!(
                REGISTERED.contains(&key.as_str()) || key.starts_with("aibridge_trace."),
                "{key} is neither in the GenAI registry nor this tool's own"
            );
        }
        assert_eq!(hex(&span.trace_id).len(), 32);
    }
}

/// Texts go out only with `--otel-content`, as the conventions' content attributes.
#[test]
fn texts_only_with_otel_content() {
    let plain = export(&[AGENTS]);
    let keys = |request: &ExportTraceServiceRequest| -> Vec<String> {
        spans(request)
            .iter()
            .flat_map(|s| attributes(s).into_keys())
            .collect()
    };
    let content_keys = [
        "gen_ai.input.messages",
        "gen_ai.output.messages",
        "gen_ai.tool.call.arguments",
        "gen_ai.tool.call.result",
    ];
    assert!(
        keys(&plain)
            .iter()
            .all(|k| !content_keys.contains(&k.as_str()))
    );

    let with = export(&["--otel-content", AGENTS]);
    let all = spans(&with);
    let entry = |n: &str| {
        *all.iter()
            .find(|s| {
                let a = attributes(s);
                a.get("aibridge_trace.source.entry").map(String::as_str) == Some(n)
                    && a["gen_ai.operation.name"] == "chat"
            })
            .unwrap()
    };
    let first = attributes(entry("i:1"));
    let input: Value = serde_json::from_str(&first["gen_ai.input.messages"]).unwrap();
    assert_eq!(input[0]["role"], "user");
    assert_eq!(input[0]["parts"][0]["type"], "text");
    let output: Value = serde_json::from_str(&first["gen_ai.output.messages"]).unwrap();
    assert_eq!(output[0]["role"], "assistant");
    assert_eq!(output[0]["finish_reason"], "tool_use");
    let call = output[0]["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["type"] == "tool_call")
        .unwrap();
    assert_eq!(call["id"], "toolu_01B1GrepTodo3Hs");
    assert_eq!(call["name"], "Grep");
    // Entry 3's request carries the Grep's output as a tool_call_response.
    let third = attributes(entry("i:3"));
    let input: Value = serde_json::from_str(&third["gen_ai.input.messages"]).unwrap();
    assert_eq!(input[0]["role"], "tool");
    assert_eq!(input[0]["parts"][0]["type"], "tool_call_response");
    assert_eq!(input[0]["parts"][0]["id"], "toolu_01B1GrepTodo3Hs");
    let grep = all
        .iter()
        .find(|s| s.name == "execute_tool Grep")
        .map(|s| attributes(s))
        .unwrap();
    assert!(grep.contains_key("gen_ai.tool.call.arguments"));
    assert!(grep.contains_key("gen_ai.tool.call.result"));
}

/// Every bundled capture exports, decodes, and uses only attribute names of the GenAI
/// registry or this tool's own, each of which `inspect --help` documents.
#[test]
fn the_bundled_captures_export_with_known_names_only() {
    let request = export(&["--otel-content", "fixtures/", "tests/data/sessions/"]);
    let all = spans(&request);
    assert!(all.len() > 150, "{}", all.len());
    let help = String::from_utf8(common::run(&["inspect", "--help"]).stdout).unwrap();
    let mut own = std::collections::BTreeSet::new();
    for span in &all {
        assert_eq!(span.trace_id.len(), 16);
        assert_eq!(span.span_id.len(), 8);
        assert!(span.start_time_unix_nano <= span.end_time_unix_nano);
        let keys = attributes(span).into_keys();
        let links = span
            .links
            .iter()
            .flat_map(|l| &l.attributes)
            .map(|kv| kv.key.clone());
        for key in keys.chain(links) {
            if !REGISTERED.contains(&key.as_str()) {
                assert!(key.starts_with("aibridge_trace."), "{key}");
                own.insert(key);
            }
        }
    }
    for key in &own {
        assert!(
            help.contains(&format!("`{key}`")),
            "{key} is not in inspect --help"
        );
    }
    assert!(own.len() >= 15, "{own:?}");
    // Span ids are unique across the document.
    let mut ids: Vec<&Vec<u8>> = all.iter().map(|s| &s.span_id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), all.len());
}

#[test]
fn otel_content_and_views_are_for_otlp_only() {
    let out = common::run(&["inspect", "--otel-content", "--format", "jsonl", AGENTS]);
    assert_eq!(out.status.code(), Some(2));
    let out = common::run(&["inspect", "--format", "otlp", "--view", "tools", AGENTS]);
    assert_eq!(out.status.code(), Some(2));
}
