//! OpenTelemetry export: the run as one OTLP/JSON `ExportTraceServiceRequest` (the protobuf
//! JSON mapping: `resourceSpans` → `scopeSpans` → `spans`, ids as hex, times as Unix
//! nanoseconds in strings), which the Collector's file receivers and vendors' importers read.
//!
//! One trace per session, one `chat` span per turn, one `execute_tool` child span per tool
//! call, named and attributed per the OpenTelemetry GenAI semantic conventions (the
//! `gen_ai.*` registry, `error.type`). What the conventions do not name is this tool's own,
//! under `aibridge_trace.*`. The mapping, attribute by attribute, is in the man page of
//! `inspect` (`--format otlp`) and in [`crate::cli`].
//!
//! Deterministic: ids are hashes of the session id and the turn's `source`, and turns
//! without timing get placeholder times worked out from their place in the session, so the
//! same captures export the same document every time.

use std::collections::HashMap;
use std::io::{self, Write};

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::WholeRun;
use crate::frame::timestamp::parse_rfc3339;
use crate::session::Session;
use crate::turn::{Api, Source, ToolCall, ToolKind, Turn};

/// Where placeholder times start: 2000-01-01T00:00:00Z, far from any real capture, so
/// that a placeholder is never taken for a real time.
const PLACEHOLDER_EPOCH_NS: u64 = 946_684_800 * NS_PER_S;
/// Placeholder turns of a session start a second apart and last half a second.
const PLACEHOLDER_STEP_NS: u64 = NS_PER_S;
const PLACEHOLDER_TURN_NS: u64 = NS_PER_S / 2;
const NS_PER_S: u64 = 1_000_000_000;
const NS_PER_MS: f64 = 1_000_000.0;

/// OTLP `Span.SpanKind` and `Status.StatusCode` values (the JSON mapping writes enums as
/// their numbers).
const KIND_INTERNAL: u8 = 1;
const KIND_CLIENT: u8 = 3;
const STATUS_ERROR: u8 = 2;

/// Writes every session of `turns` as one OTLP/JSON document, then a newline. `content`
/// adds the texts (prompt, answer, thoughts, tool arguments and results), which are
/// sensitive and left out otherwise.
///
/// Each span is written as soon as it is made, not gathered into one document first: a
/// span's JSON tree is some 30 KB, so a run of 100,000 turns held them as gigabytes.
pub fn print(
    out: &mut dyn Write,
    run: &(impl WholeRun + ?Sized),
    sessions: &[Session],
    content: bool,
) -> io::Result<()> {
    let turns = run.held();
    let (head, tail) = frame();
    out.write_all(head.as_bytes())?;
    let starts = Starts::of(turns, sessions);
    let mut first = true;
    let mut write = |span: Value| -> io::Result<()> {
        if !std::mem::take(&mut first) {
            out.write_all(b",")?;
        }
        serde_json::to_writer(&mut *out, &span).map_err(io::Error::from)
    };
    for session in sessions {
        let trace_id = trace_id(&session.id);
        for &index in &session.turns {
            let turn = run.turn(index)?;
            let turn = &*turn;
            let time = starts.times[index];
            let span_id = span_id(&session.id, &turn.source);
            write(turn_span(turn, &trace_id, &span_id, time, content))?;
            for (call_index, call) in turn.tool_calls.iter().enumerate() {
                let end = call
                    .result
                    .as_ref()
                    .and_then(|r| starts.carried(&r.source))
                    .filter(|&end| end >= time.end);
                write(tool_span(
                    call, &trace_id, &span_id, call_index, time.end, end, content,
                ))?;
            }
        }
    }
    out.write_all(tail.as_bytes())?;
    out.write_all(b"\n")
}

/// The `ExportTraceServiceRequest` for the run around its spans: its JSON before the spans
/// (ending in `"spans":[`) and after them (starting with `]`).
fn frame() -> (String, String) {
    let empty = json!({
        "resourceSpans": [{
            "resource": {"attributes": [
                string("service.name", "aibridge-trace"),
            ]},
            "scopeSpans": [{
                "scope": {"name": "aibridge-trace", "version": env!("CARGO_PKG_VERSION")},
                "spans": [],
            }],
        }],
    })
    .to_string();
    let at = empty
        .find(r#""spans":[]"#)
        .expect("the document holds its empty list of spans")
        + r#""spans":["#.len();
    let (head, tail) = empty.split_at(at);
    (head.to_string(), tail.to_string())
}

/// A turn's span times, in Unix nanoseconds, and how they were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct SpanTime {
    start: u64,
    end: u64,
    /// The value of `aibridge_trace.timing`: `captured`, `start_only`, `placeholder`.
    kind: &'static str,
}

/// Every turn's span time, and the start of each turn by its `source`, for tool spans
/// that end when the request carrying their result went out.
struct Starts<'a> {
    /// Indexed like the turns.
    times: Vec<SpanTime>,
    by_source: HashMap<&'a Source, u64>,
}

impl<'a> Starts<'a> {
    fn of(turns: &'a [Turn], sessions: &[Session]) -> Starts<'a> {
        let mut times = vec![
            SpanTime {
                start: 0,
                end: 0,
                kind: "placeholder"
            };
            turns.len()
        ];
        for session in sessions {
            for (position, &index) in session.turns.iter().enumerate() {
                times[index] = span_time(&turns[index], position as u64);
            }
        }
        let by_source = turns
            .iter()
            .zip(&times)
            .map(|(turn, time)| (&turn.source, time.start))
            .collect();
        Starts { times, by_source }
    }

    fn carried(&self, source: &Source) -> Option<u64> {
        self.by_source.get(source).copied()
    }
}

/// When a turn ran: from its timing, else a placeholder from its place in its session.
fn span_time(turn: &Turn, position: u64) -> SpanTime {
    let timing = turn.timing.as_ref();
    let started = timing
        .and_then(|t| t.started_at.as_deref())
        .and_then(parse_rfc3339)
        .and_then(|millis| u64::try_from(millis).ok())
        .and_then(|millis| millis.checked_mul(1_000_000));
    match started {
        Some(start) => {
            // An end past what Unix nanoseconds hold (a start in year 2554 and a second
            // more) is no end: the span is its start alone.
            let end = timing
                .and_then(|t| t.duration_ms)
                .filter(|ms| ms.is_finite() && *ms >= 0.0 && ms * NS_PER_MS < u64::MAX as f64)
                .and_then(|ms| start.checked_add((ms * NS_PER_MS) as u64));
            match end {
                Some(end) => SpanTime {
                    start,
                    end,
                    kind: "captured",
                },
                None => SpanTime {
                    start,
                    end: start,
                    kind: "start_only",
                },
            }
        }
        None => {
            let start = PLACEHOLDER_EPOCH_NS + position * PLACEHOLDER_STEP_NS;
            SpanTime {
                start,
                end: start + PLACEHOLDER_TURN_NS,
                kind: "placeholder",
            }
        }
    }
}

/// The `chat` span of one turn.
fn turn_span(turn: &Turn, trace_id: &str, own_id: &str, time: SpanTime, content: bool) -> Value {
    let mut attributes = vec![
        string("gen_ai.operation.name", "chat"),
        string("gen_ai.provider.name", provider(turn.api)),
    ];
    let mut add_string = |key: &str, value: Option<&str>| {
        if let Some(value) = value {
            attributes.push(string(key, value));
        }
    };
    add_string("gen_ai.request.model", turn.request_model.as_deref());
    add_string("gen_ai.response.model", turn.model.as_deref());
    add_string("gen_ai.response.id", turn.id.as_deref());
    if let Some(session) = &turn.session {
        attributes.push(string("gen_ai.conversation.id", &session.id));
    }
    if let Some(stop) = &turn.stop_reason {
        attributes.push(attribute(
            "gen_ai.response.finish_reasons",
            json!({"arrayValue": {"values": [{"stringValue": stop}]}}),
        ));
    }
    if let Some(usage) = &turn.usage {
        // The conventions count cached tokens inside the input; this tool's `input` leaves
        // cache reads and writes out, so they are added back.
        let parts = [usage.input, usage.cache_read, usage.cache_write];
        if parts.iter().any(Option::is_some) {
            let whole: u128 = parts.iter().flatten().map(|&n| u128::from(n)).sum();
            attributes.extend(int("gen_ai.usage.input_tokens", whole));
        }
        let counts = [
            ("gen_ai.usage.output_tokens", usage.output),
            ("gen_ai.usage.cache_read.input_tokens", usage.cache_read),
            (
                "gen_ai.usage.cache_creation.input_tokens",
                usage.cache_write,
            ),
            ("gen_ai.usage.reasoning.output_tokens", usage.reasoning),
        ];
        for (key, count) in counts {
            if let Some(count) = count {
                attributes.extend(int(key, count));
            }
        }
    }
    if let Some(request) = &turn.request {
        let params = &request.params;
        if let Some(temperature) = params.temperature {
            attributes.push(attribute(
                "gen_ai.request.temperature",
                json!({"doubleValue": temperature}),
            ));
        }
        if let Some(max) = params.max_tokens {
            attributes.extend(int("gen_ai.request.max_tokens", max));
        }
        if let Some(stream) = params.stream {
            attributes.push(attribute(
                "gen_ai.request.stream",
                json!({"boolValue": stream}),
            ));
        }
    }
    let mut status = json!({});
    if let Some(error) = &turn.error {
        attributes.push(string("error.type", &error_type(error)));
        status = json!({"code": STATUS_ERROR});
        if let Some(message) = &error.message {
            status["message"] = json!(message);
        }
    }
    // This tool's own.
    attributes.push(string("aibridge_trace.api", turn.api.as_str()));
    attributes.extend(source_attributes("aibridge_trace.source", &turn.source));
    if let Some(session) = &turn.session {
        attributes.extend(int("aibridge_trace.session.step", session.step as u64));
    }
    attributes.push(attribute(
        "aibridge_trace.complete",
        json!({"boolValue": turn.complete}),
    ));
    if let Some(cost) = &turn.cost {
        attributes.push(attribute(
            "aibridge_trace.cost_usd",
            json!({"doubleValue": cost.usd}),
        ));
    }
    attributes.push(string("aibridge_trace.timing", time.kind));
    if content {
        attributes.extend(messages(turn));
    }
    let name = match turn.request_model.as_deref().or(turn.model.as_deref()) {
        Some(model) => format!("chat {model}"),
        None => "chat".to_string(),
    };
    let mut span = json!({
        "traceId": trace_id,
        "spanId": own_id,
        "name": name,
        "kind": KIND_CLIENT,
        "startTimeUnixNano": time.start.to_string(),
        "endTimeUnixNano": time.end.to_string(),
        "attributes": attributes,
        "status": status,
    });
    if let Some((session, previous)) = turn
        .session
        .as_ref()
        .and_then(|s| Some((&s.id, s.previous.as_ref()?)))
    {
        span["links"] = json!([{
            "traceId": trace_id,
            "spanId": span_id(session, previous),
            "attributes": [string("aibridge_trace.link", "previous_step")],
        }]);
    }
    span
}

/// The `execute_tool` span of a call: from the end of the turn that made it to the start
/// of the turn whose request carried its result (`end`), when both are known; a span of
/// no length at the call otherwise.
fn tool_span(
    call: &ToolCall,
    trace_id: &str,
    parent: &str,
    index: usize,
    start: u64,
    end: Option<u64>,
    content: bool,
) -> Value {
    let mut attributes = vec![
        string("gen_ai.operation.name", "execute_tool"),
        string("gen_ai.tool.name", &call.name),
        string(
            "gen_ai.tool.type",
            match call.kind {
                ToolKind::Function | ToolKind::Custom => "function",
                ToolKind::Server => "extension",
            },
        ),
    ];
    if let Some(id) = &call.id {
        attributes.push(string("gen_ai.tool.call.id", id));
    }
    let mut status = json!({});
    if let Some(result) = &call.result {
        if result.is_error == Some(true) {
            attributes.push(string("error.type", "tool_error"));
            status = json!({"code": STATUS_ERROR});
        }
    }
    attributes.push(string(
        "aibridge_trace.tool.kind",
        match call.kind {
            ToolKind::Function => "function",
            ToolKind::Custom => "custom",
            ToolKind::Server => "server",
        },
    ));
    if call.injected {
        attributes.push(attribute(
            "aibridge_trace.tool.injected",
            json!({"boolValue": true}),
        ));
    }
    if let Some(result) = &call.result {
        attributes.extend(source_attributes(
            "aibridge_trace.tool.result.source",
            &result.source,
        ));
    }
    if content {
        attributes.push(owned_string(
            "gen_ai.tool.call.arguments",
            json_text(&call.arguments),
        ));
        if let Some(result) = &call.result {
            attributes.push(owned_string(
                "gen_ai.tool.call.result",
                json_text(&result.content),
            ));
        }
    }
    json!({
        "traceId": trace_id,
        "spanId": hex64(crate::stable_hash::of_parts(&[parent, &index.to_string()], b't')),
        "parentSpanId": parent,
        "name": format!("execute_tool {}", call.name),
        "kind": KIND_INTERNAL,
        "startTimeUnixNano": start.to_string(),
        "endTimeUnixNano": end.unwrap_or(start).to_string(),
        "attributes": attributes,
        "status": status,
    })
}

/// `gen_ai.input.messages` and `gen_ai.output.messages`, as JSON text (the conventions'
/// structured form, which OTLP attributes on spans may carry as a string): what the user
/// said last and the tool results the request brought, then what the model said. Written
/// from the turn's own values, borrowed: a request of 55,000 tool results was copied into a
/// tree first (147 MB, where JSONL of it takes 87).
fn messages(turn: &Turn) -> Vec<Value> {
    let mut input = Vec::new();
    if !turn.tool_results.is_empty() {
        let parts = (turn.tool_results.iter())
            .map(|r| Part::ToolCallResponse {
                id: &r.call_id,
                response: &r.content,
            })
            .collect();
        input.push(Message::new("tool", parts));
    }
    if let Some(prompt) = &turn.prompt {
        input.push(Message::new("user", vec![Part::Text { content: prompt }]));
    }
    let mut parts: Vec<Part> = (turn.thoughts.iter())
        .map(|t| Part::Reasoning { content: &t.text })
        .collect();
    if let Some(text) = &turn.text {
        parts.push(Part::Text { content: text });
    }
    for call in &turn.tool_calls {
        parts.push(Part::ToolCall {
            id: call.id.as_deref(),
            name: &call.name,
            arguments: &call.arguments,
        });
    }
    let output = Message {
        finish_reason: turn.stop_reason.as_deref(),
        ..Message::new("assistant", parts)
    };
    let mut attributes = Vec::new();
    if !input.is_empty() {
        attributes.push(owned_string("gen_ai.input.messages", to_text(&input)));
    }
    if turn.error.is_none() {
        attributes.push(owned_string("gen_ai.output.messages", to_text(&[output])));
    }
    attributes
}

/// A message of the GenAI conventions' structured form.
#[derive(Serialize)]
struct Message<'a> {
    role: &'static str,
    parts: Vec<Part<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    finish_reason: Option<&'a str>,
}

impl<'a> Message<'a> {
    fn new(role: &'static str, parts: Vec<Part<'a>>) -> Message<'a> {
        Message {
            role,
            parts,
            finish_reason: None,
        }
    }
}

/// A part of a [`Message`], `type` first.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Part<'a> {
    ToolCallResponse {
        id: &'a str,
        response: &'a Value,
    },
    Text {
        content: &'a str,
    },
    Reasoning {
        content: &'a str,
    },
    ToolCall {
        id: Option<&'a str>,
        name: &'a str,
        arguments: &'a Value,
    },
}

/// Values this module builds serialize without fail (string keys only).
fn to_text(value: &impl Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// `error.type`: the provider's error type, else the HTTP status, else `_OTHER` (the
/// conventions' value for an error of no known type).
fn error_type(error: &crate::turn::TurnError) -> String {
    match (&error.kind, error.status) {
        (Some(kind), _) => kind.clone(),
        (None, Some(status)) => status.to_string(),
        (None, None) => "_OTHER".to_string(),
    }
}

/// `gen_ai.provider.name` by the API spoken: the conventions' `anthropic` and `openai`.
/// Gateways and OpenAI-compatible providers speak these APIs too; the API is what the
/// capture says for sure.
fn provider(api: Api) -> &'static str {
    match api {
        Api::AnthropicMessages => "anthropic",
        Api::OpenaiChat | Api::OpenaiResponses => "openai",
    }
}

/// A `source` object as attributes under `prefix`: `.path`, and `.section`, `.entry`,
/// `.interception_id`, `.provider` where said.
fn source_attributes(prefix: &str, source: &Source) -> Vec<Value> {
    let mut attributes = vec![string(&format!("{prefix}.path"), &source.path)];
    if let Some(section) = &source.section {
        attributes.push(string(&format!("{prefix}.section"), section));
    }
    if let Some(entry) = source.entry {
        attributes.extend(int(&format!("{prefix}.entry"), entry as u64));
    }
    if let Some(id) = &source.interception_id {
        attributes.push(string(&format!("{prefix}.interception_id"), id));
    }
    if let Some(provider) = &source.provider {
        attributes.push(string(&format!("{prefix}.provider"), provider));
    }
    attributes
}

fn attribute(key: &str, value: Value) -> Value {
    // Built by hand: `json!` would copy `value` (it serializes what it is given).
    let mut attribute = Map::new();
    attribute.insert("key".to_string(), Value::String(key.to_string()));
    attribute.insert("value".to_string(), value);
    Value::Object(attribute)
}

fn string(key: &str, value: &str) -> Value {
    attribute(key, json!({"stringValue": value}))
}

/// A `stringValue` of a text made for it, not copied.
fn owned_string(key: &str, value: String) -> Value {
    let mut string = Map::new();
    string.insert("stringValue".to_string(), Value::String(value));
    attribute(key, Value::Object(string))
}

/// An `intValue` (a 64-bit signed integer, which the JSON mapping writes as a string), or
/// none when the count does not fit: a count clamped to 2^63−1 would be a wrong count that
/// looks right.
fn int(key: &str, value: impl Into<u128>) -> Option<Value> {
    let value = i64::try_from(value.into()).ok()?;
    Some(attribute(key, json!({"intValue": value.to_string()})))
}

/// A string as itself, anything else as its JSON text.
fn json_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The trace id of a session: 16 bytes, hex.
pub fn trace_id(session: &str) -> String {
    format!(
        "{}{}",
        hex64(crate::stable_hash::of_parts(&[session], b'T')),
        hex64(crate::stable_hash::of_parts(&[session], b'U'))
    )
}

/// The span id of a turn: 8 bytes, hex, from its session and its `source`.
fn span_id(session: &str, source: &Source) -> String {
    let entry = source.entry.map(|e| e.to_string()).unwrap_or_default();
    let parts = [
        session,
        &source.path,
        source.section.as_deref().unwrap_or_default(),
        entry.as_str(),
    ];
    hex64(crate::stable_hash::of_parts(&parts, b'S'))
}

/// 16 hex digits; never all zeros, which OTLP takes for no id.
fn hex64(hash: u64) -> String {
    format!("{:016x}", hash.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::turn::Timing;

    #[test]
    fn times_from_timing_else_placeholders() {
        let mut turn = Turn::empty(Api::OpenaiChat);
        assert_eq!(
            span_time(&turn, 2),
            SpanTime {
                start: 946_684_802_000_000_000,
                end: 946_684_802_500_000_000,
                kind: "placeholder"
            }
        );
        turn.timing = Some(Timing {
            started_at: Some("2025-05-01T21:30:00.123Z".into()),
            duration_ms: Some(1.5),
            wait_ms: None,
        });
        // 2025-05-01 is day 20209 of the Unix epoch: 20209 * 86400 + 21.5 h.
        let start = (20_209 * 86_400 + 77_400) * NS_PER_S + 123_000_000;
        assert_eq!(
            span_time(&turn, 2),
            SpanTime {
                start,
                end: start + 1_500_000,
                kind: "captured"
            }
        );
        turn.timing.as_mut().unwrap().duration_ms = None;
        assert_eq!(span_time(&turn, 2).kind, "start_only");
        // Hostile run 29, D5: an end past what u64 nanoseconds hold was cut to the limit
        // and still called captured.
        turn.timing = Some(Timing {
            started_at: Some("2554-07-21T23:34:33.709Z".into()),
            duration_ms: Some(1000.5),
            wait_ms: None,
        });
        let time = span_time(&turn, 2);
        assert_eq!((time.kind, time.end), ("start_only", time.start));
    }

    #[test]
    fn ids_are_stable_hex_of_the_right_length() {
        let id = trace_id("ses_0123456789ab");
        assert_eq!(id.len(), 32);
        assert_eq!(id, trace_id("ses_0123456789ab"));
        assert_ne!(id, trace_id("ses_0123456789ac"));
        let source = Source {
            path: "a.har".into(),
            entry: Some(3),
            ..Source::default()
        };
        let span = span_id("ses_x", &source);
        assert_eq!(span.len(), 16);
        let other = Source {
            entry: Some(4),
            ..source.clone()
        };
        assert_ne!(span, span_id("ses_x", &other));
    }
}
