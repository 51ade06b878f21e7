//! Provider errors, in every shape the three APIs record them:
//! `{"type":"error","error":{"type","message"}}` (Anthropic), `{"error":{"message","type","code"}}`
//! (OpenAI), `{"error":"text"}`, `{"type":"error","code","message"}` (a Responses error
//! event), `{"code","message"}` (a Responses `response.error`).

use serde_json::Value;

use super::str_at;
use crate::turn::TurnError;

/// The error `value` records, as a turn shows it.
pub fn turn_error(value: &Value, status: Option<u16>, mid_stream: bool) -> TurnError {
    let inner = match value.get("error") {
        Some(inner @ Value::Object(_)) => inner,
        Some(Value::String(message)) => {
            return TurnError {
                status,
                kind: None,
                message: Some(message.clone()),
                mid_stream,
            };
        }
        _ => value,
    };
    let kind = str_at(inner, "type")
        .filter(|t| *t != "error")
        .or_else(|| str_at(inner, "code"))
        .map(str::to_string)
        .or_else(|| {
            inner
                .get("code")
                .and_then(Value::as_i64)
                .map(|c| c.to_string())
        });
    TurnError {
        status,
        kind,
        message: str_at(inner, "message").map(str::to_string),
        mid_stream,
    }
}

/// The error nested in an event or chunk (`{"error": ...}` around `error`), as a turn shows it.
pub fn nested(error: &Value, mid_stream: bool) -> TurnError {
    turn_error(&serde_json::json!({ "error": error }), None, mid_stream)
}

/// The message of an error in any of the shapes above; `None` when it says nothing.
pub fn message(value: &Value) -> Option<&str> {
    match value.get("error") {
        Some(inner @ Value::Object(_)) => str_at(inner, "message"),
        Some(Value::String(text)) => Some(text.as_str()),
        _ => str_at(value, "message"),
    }
    .filter(|m| says_something(m))
}

/// Whether a message holds a character to read: not only white space, control characters
/// (a NUL), invisible ones (a zero-width space) or bytes that are no UTF-8 (read as
/// U+FFFD), which say nothing (hostile run 66: they passed for a message).
pub fn says_something(text: &str) -> bool {
    text.chars()
        .any(|c| !c.is_whitespace() && !c.is_control() && !SAYS_NOTHING.contains(&c))
}

/// Characters that show nothing: zero-width spaces and joiners, marks of direction, word
/// joiners, a byte order mark, a soft hyphen, and what stands for a byte that is no UTF-8.
const SAYS_NOTHING: [char; 13] = [
    '\u{200b}', '\u{200c}', '\u{200d}', '\u{200e}', '\u{200f}', '\u{2060}', '\u{2061}', '\u{2062}',
    '\u{2063}', '\u{2064}', '\u{feff}', '\u{00ad}', '\u{fffd}',
];
