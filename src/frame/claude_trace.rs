//! claude-trace logs (`.claude-trace/log-*.jsonl`): one request/response pair per line,
//! `{"request": {timestamp, method, url, headers, body}, "response": {timestamp,
//! status_code, headers, body | body_raw}, "logged_at"}`.
//!
//! `body` is JSON the recorder parsed (the request, a blocking answer); `body_raw` the text
//! of any other answer, an event stream above all. Timestamps are Unix seconds: the
//! request's when it was sent, the response's when its head came (so their difference is
//! the wait for the first byte), and `logged_at` (RFC 3339) when the body was read to its
//! end. A line's 0-based index is its turn's `source.entry`.
//!
//! The HTML report claude-trace writes beside the log is not read: it embeds the same pairs
//! base64-encoded inside its script bundle, in a layout that changes with its versions, and
//! by default only the pairs of longer conversations, while the `.jsonl` always holds them
//! all.

use std::io::{self, BufRead};

use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use super::credentials::{self, Credentials};
use super::entry::{self, Entry, Skip};
use super::{bom, surrogates, timestamp};
use crate::bounded_json;
use crate::turn::Timing;
use crate::warning::{Held, Warning};

/// Whether a file's first bytes open a claude-trace log: a JSON object whose first key is
/// `request`. (The first line may be far longer than the bytes sniffed, so the rest of it
/// is not asked for.)
pub fn looks_like_claude_trace(head: &[u8]) -> bool {
    let Some(rest) = bom::strip(head).trim_ascii_start().strip_prefix(b"{") else {
        return false;
    };
    let Some(rest) = rest.trim_ascii_start().strip_prefix(b"\"request\"") else {
        return false;
    };
    rest.trim_ascii_start().starts_with(b":")
}

/// What became of one line.
#[derive(Debug)]
pub enum Line {
    Entry(Entry),
    /// No exchange: its reason (an image, an undecodable body).
    Skipped(Skip),
    /// Not a pair: no JSON object, or none with a `request`. A failure for the line.
    Unreadable(LineError),
}

/// Why a log line is no claude-trace pair. It says where, never what (serde's words may
/// quote the line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineError {
    NotJson {
        column: usize,
    },
    /// JSON, but of no pair's shape where the reader stopped (a key given twice, a field
    /// of the wrong type).
    NotAPair {
        column: usize,
    },
    NoRequest,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LineError::NotJson { column } => write!(f, "not JSON at column {column}"),
            // serde's own words would quote the capture's values: say what is wrong instead.
            LineError::NotAPair { column } => write!(
                f,
                "JSON, but not a claude-trace pair at column {column} (a key given twice, or \
                 a field of the wrong type)"
            ),
            LineError::NoRequest => f.write_str("no `request` object: not a claude-trace pair"),
        }
    }
}

impl std::error::Error for LineError {}

/// Calls `each` with the 0-based index and reading of every non-blank line, one line in
/// memory at a time. Returns how many lines were read, or the I/O error that stopped it.
pub fn for_each_line(
    mut reader: impl BufRead,
    mut each: impl FnMut(usize, Line),
) -> io::Result<usize> {
    let mut buf = Vec::new();
    let mut index = 0;
    loop {
        buf.clear();
        if reader.read_until(b'\n', &mut buf)? == 0 {
            return Ok(index);
        }
        let line = buf.trim_ascii();
        let line = bom::strip(line);
        if line.is_empty() {
            // A blank line is no pair, but it keeps its place: indices are line numbers
            // less one, so a reader can find the line again.
            index += 1;
            continue;
        }
        each(index, read_line(line));
        index += 1;
    }
}

/// A line as read: each part kept as its JSON text, so a body (which may be megabytes of
/// JSON the recorder parsed) is handed on as it is, never built into a tree and written
/// out again.
#[derive(Deserialize)]
struct RawPair<'a> {
    #[serde(borrow, default)]
    request: Option<&'a RawValue>,
    #[serde(borrow, default)]
    response: Option<&'a RawValue>,
    #[serde(borrow, default)]
    logged_at: Option<&'a RawValue>,
}

/// A request or response object: its bodies as JSON text, the rest small values.
#[derive(Deserialize)]
struct RawPart<'a> {
    #[serde(borrow, default)]
    url: Option<&'a RawValue>,
    #[serde(borrow, default)]
    timestamp: Option<&'a RawValue>,
    #[serde(borrow, default)]
    status_code: Option<&'a RawValue>,
    #[serde(borrow, default)]
    headers: Option<&'a RawValue>,
    #[serde(borrow, default)]
    body: Option<&'a RawValue>,
    #[serde(borrow, default)]
    body_raw: Option<&'a RawValue>,
}

/// One line's reading.
pub fn read_line(line: &[u8]) -> Line {
    // claude-trace writes its log with JavaScript's `JSON.stringify`.
    let mended = surrogates::mended(line);
    let line = mended.as_ref().map_or(line, |(line, _)| &line[..]);
    let pair: RawPair = match serde_json::from_slice(line) {
        // A struct reads from an array too, by position: only an object is a pair.
        Ok(pair) if line.starts_with(b"{") => pair,
        Ok(_) => RawPair {
            request: None,
            response: None,
            logged_at: None,
        },
        Err(err) => {
            let column = err.column();
            return Line::Unreadable(match err.classify() {
                serde_json::error::Category::Data => LineError::NotAPair { column },
                _ => LineError::NotJson { column },
            });
        }
    };
    let Some(request) = pair.request.and_then(object) else {
        return Line::Unreadable(LineError::NoRequest);
    };
    let response = pair.response.and_then(object);
    let logged_at = small(pair.logged_at);
    match parts(&request, response.as_ref(), &logged_at) {
        Ok(mut entry) => {
            if let Some((_, escapes)) = mended {
                (entry.warnings).extend(Warning::lone_surrogates(Held::LogLine, &escapes));
            }
            Line::Entry(entry)
        }
        Err(skip) => Line::Skipped(skip),
    }
}

/// The part `raw` holds, if it is an object.
fn object<'a>(raw: &'a RawValue) -> Option<RawPart<'a>> {
    let text = raw.get();
    match text.starts_with('{') {
        true => serde_json::from_str(text).ok(),
        false => None,
    }
}

/// A small field (a timestamp, a status, the headers) as a value: built within the budget
/// of its text, null when absent or beyond it.
fn small(raw: Option<&RawValue>) -> Value {
    raw.and_then(|raw| bounded_json::from_str(raw.get()).ok())
        .unwrap_or(Value::Null)
}

/// The parts of one pair.
fn parts(request: &RawPart, response: Option<&RawPart>, logged_at: &Value) -> Result<Entry, Skip> {
    let headers = members(response.and_then(|r| r.headers));
    let content_type = header(&headers, "content-type");
    let status = entry::Status::of_json(&small(response.and_then(|r| r.status_code)));
    let url = small(request.url);
    let mut parts = Entry::head(url.as_str(), content_type, status)?;
    credentials(&members(request.headers), &mut parts.credentials);
    credentials(&headers, &mut parts.credentials);
    let stamps = [
        small(request.timestamp),
        small(response.and_then(|r| r.timestamp)),
    ];
    parts.timing = timing(&stamps[0], &stamps[1], logged_at, &mut parts.warnings);
    // claude-trace logs a request with no response when the process ends mid-call: the
    // turn has no answer to rebuild, and says why.
    if response.is_none() {
        parts.warnings.push(Warning::NoResponseLogged);
    }
    parts.request_body = body(request.body);
    let answer = response.and_then(|r| body(r.body).or_else(|| body(r.body_raw)));
    if let Some(answer) = answer {
        let encoding = header(&headers, "content-encoding");
        parts.response_body =
            entry::decoded(answer, encoding, &mut parts.warnings).map_err(Skip::Undecodable)?;
    }
    Ok(parts)
}

/// A body's bytes: a string as it is, JSON the recorder parsed as its JSON text.
fn body(raw: Option<&RawValue>) -> Option<Vec<u8>> {
    let text = raw?.get();
    match text.as_bytes()[0] {
        b'n' => None,
        b'"' => serde_json::from_str::<String>(text)
            .ok()
            .map(String::into_bytes),
        _ => Some(text.as_bytes().to_vec()),
    }
}

/// A headers object's members, in order and a name given twice twice ([`bounded_json::members`]);
/// none when absent, no object, or beyond its budget.
fn members(raw: Option<&RawValue>) -> Vec<(String, Value)> {
    raw.and_then(|raw| bounded_json::members(raw.get()).ok())
        .unwrap_or_default()
}

/// A header's first value by name (any case) in a headers object. Used only for content
/// type and coding; credentials are read apart ([`credentials`]), and no other value is.
fn header<'v>(headers: &'v [(String, Value)], name: &str) -> Option<&'v str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .and_then(|(_, v)| v.as_str())
}

/// The credentials among a headers object's values: every text and number in a value, be
/// it one, a list of them, or an object holding them (`{"scheme": …, "token": …}`: hostile
/// run 63).
fn credentials(headers: &[(String, Value)], credentials: &mut Credentials) {
    for (name, value) in headers {
        credentials::each_text(value, &mut |text| credentials.header(name, text));
    }
}

/// A timestamp in milliseconds since the epoch: Unix seconds (a number), or RFC 3339 text.
fn millis(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n
            .as_f64()
            .filter(|s| s.is_finite() && *s >= 0.0 && *s < 1e11)
            .map(|s| (s * 1000.0).round() as i64),
        Value::String(text) => timestamp::parse_rfc3339(text),
        _ => None,
    }
}

/// The pair's timing: sent at the request's timestamp; the wait until the response's head;
/// the duration until `logged_at`, when the body had been read.
fn timing(
    sent: &Value,
    answered: &Value,
    logged_at: &Value,
    warnings: &mut Vec<Warning>,
) -> Option<Timing> {
    let start = millis(sent);
    if start.is_none() && !sent.is_null() {
        warnings.push(Warning::TimestampNoTime);
    }
    let since = |end: Option<i64>| {
        let (start, end) = (start?, end?);
        (end >= start).then(|| (end - start) as f64)
    };
    let wait_ms = since(millis(answered));
    let duration_ms = since(millis(logged_at))
        .filter(|d| wait_ms.is_none_or(|w| *d >= w))
        .or(wait_ms);
    let timing = Timing {
        started_at: start.and_then(timestamp::format_millis),
        duration_ms,
        wait_ms,
    };
    (timing != Timing::default()).then_some(timing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry_of(value: Value) -> Entry {
        match read_line(value.to_string().as_bytes()) {
            Line::Entry(entry) => entry,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_streamed_pair() {
        let entry = entry_of(json!({
            "request": {"timestamp": 1756897384.5, "method": "POST",
                "url": "https://api.anthropic.com/v1/messages?beta=true",
                "headers": {"authorization": "Bearer sk-ant-o...WXYZ"},
                "body": {"model": "claude-sonnet-4-5", "stream": true}},
            "response": {"timestamp": 1756897385.25, "status_code": 200,
                "headers": {"Content-Type": "text/event-stream; charset=utf-8"},
                "body_raw": "event: ping\ndata: {\"type\":\"ping\"}\n\n"},
            "logged_at": "2025-09-03T11:03:07.000Z"
        }));
        assert_eq!(entry.target.as_deref(), Some("/v1/messages?beta=true"));
        assert_eq!(
            entry.request_body.as_deref(),
            Some(&br#"{"model":"claude-sonnet-4-5","stream":true}"#[..])
        );
        assert_eq!(
            entry.response_body,
            b"event: ping\ndata: {\"type\":\"ping\"}\n\n"
        );
        assert_eq!(entry.status, Some(200));
        let timing = entry.timing.clone().unwrap();
        // 1756897384.5 s is 2025-09-03T11:03:04.500Z; the head came 750 ms later, the
        // body was logged at 11:03:07.000, 2500 ms after sending.
        assert_eq!(
            timing.started_at.as_deref(),
            Some("2025-09-03T11:03:04.500Z")
        );
        assert_eq!(timing.wait_ms, Some(750.0));
        assert_eq!(timing.duration_ms, Some(2500.0));
        assert!(!format!("{entry:?}").contains("sk-ant"));
    }

    #[test]
    fn sniffing_and_odd_lines() {
        assert!(looks_like_claude_trace(b"{\"request\":{\"timestamp\":1"));
        assert!(looks_like_claude_trace(b"\xef\xbb\xbf { \"request\" : {"));
        assert!(!looks_like_claude_trace(b"{\"log\": {}}"));
        assert!(!looks_like_claude_trace(b"{\"type\":\"request\"}"));
        let data = b"{\"request\":{\"url\":\"https://x.test/v1/messages\"},\"response\":null}\n\n{oops\n[1]\n";
        let mut seen = Vec::new();
        let n = for_each_line(&data[..], |i, line| seen.push((i, format!("{line:?}")))).unwrap();
        assert_eq!(n, 4);
        assert_eq!(seen.len(), 3);
        assert!(seen[0].1.contains("NoResponseLogged"), "{seen:?}");
        assert!(
            seen[1].0 == 2 && seen[1].1 == "Unreadable(NotJson { column: 2 })",
            "{seen:?}"
        );
        assert_eq!(seen[2].1, "Unreadable(NoRequest)");
        assert!(matches!(
            read_line(br#"{"request":{},"request":{}}"#),
            Line::Unreadable(LineError::NotAPair { .. })
        ));
    }

    #[test]
    fn lone_surrogate_escapes_become_replacement_characters() {
        let mend = |line: &str| {
            surrogates::mended(line.as_bytes()).map(|(line, escapes)| {
                let first = String::from_utf8(escapes[0].to_vec()).unwrap();
                (String::from_utf8(line).unwrap(), escapes.len(), first)
            })
        };
        assert!(mend(r#"{"a":"\ud83d\ude00 \\ud83d \u00e9"}"#).is_none());
        assert_eq!(
            mend(r#"{"a":"\ud83d","b":"\uDC00x\ud83d\n\ud83d\ud83d\ude00"}"#),
            Some((
                r#"{"a":"\ufffd","b":"\ufffdx\ufffd\n\ufffd\ud83d\ude00"}"#.to_string(),
                4,
                r"\ud83d".to_string()
            ))
        );
        assert_eq!(
            mend(r#"["\ud83d"#).map(|m| m.0),
            Some(r#"["\ufffd"#.to_string())
        );
        // A cut escape at the very end is left to the parser to name.
        assert!(mend(r#"["\ud8"#).is_none());
        // A backslash ending the line (found by fuzzing: it read past the end).
        assert!(mend(r#"["\ud83d\"#).is_some());
        assert!(mend(r#"["\ud8\"#).is_none());
    }

    #[test]
    fn a_line_holding_a_lone_surrogate_keeps_its_entry() {
        let line = r#"{"request":{"url":"https://api.anthropic.com/v1/messages","body":{"model":"m\udc00"}},"response":{"status_code":200,"headers":{},"body_raw":"data: {\"a\":\"\\ud83d\"}\u00e9\ud83d"}}"#;
        let Line::Entry(entry) = read_line(line.as_bytes()) else {
            panic!("{:?}", read_line(line.as_bytes()));
        };
        assert_eq!(
            entry.request_body.as_deref(),
            Some(&br#"{"model":"m\ufffd"}"#[..])
        );
        assert_eq!(
            String::from_utf8(entry.response_body).unwrap(),
            "data: {\"a\":\"\\ud83d\"}\u{e9}\u{fffd}"
        );
        assert_eq!(
            entry.warnings,
            [Warning::LoneSurrogates {
                held: Held::LogLine,
                count: 2,
                first: r"\udc00".to_string()
            }]
        );
    }

    #[test]
    fn a_blocking_pair_with_a_parsed_body() {
        let entry = entry_of(json!({
            "request": {"timestamp": 10.0, "url": "https://api.anthropic.com/v1/messages", "body": "{\"model\":\"m\"}"},
            "response": {"timestamp": 9.0, "status_code": 429, "headers": {},
                "body": {"type": "error", "error": {"type": "rate_limit_error"}}},
            "logged_at": "not a time"
        }));
        assert_eq!(
            entry.request_body.as_deref(),
            Some(&b"{\"model\":\"m\"}"[..])
        );
        assert_eq!(
            entry.response_body,
            br#"{"type":"error","error":{"type":"rate_limit_error"}}"#
        );
        assert_eq!(entry.status, Some(429));
        // A response stamped before its request says nothing about waiting.
        let timing = entry.timing.unwrap();
        assert_eq!(timing.wait_ms, None);
        assert_eq!(timing.duration_ms, None);
        assert_eq!(
            timing.started_at.as_deref(),
            Some("1970-01-01T00:00:10.000Z")
        );
    }
}
