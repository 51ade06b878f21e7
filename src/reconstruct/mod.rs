//! Reconstruction: one framed exchange in, one normalized [`Turn`] out.
//!
//! Pure by design: no I/O, no printing. The API is told from the response first (event
//! types, object shapes), then the request path, then the request body.

mod anthropic;
mod builder;
pub mod chat_calls;
mod lenient;
mod openai_chat;
mod openai_responses;
pub mod partial_json;
mod prompt;

use serde_json::Value;

use crate::frame::sse::{self, SseStream};
use crate::frame::{Body, Exchange, Response};
use crate::turn::{Api, Source, Turn, TurnError};
use builder::{Builder, error_from, str_at};

/// What became of one exchange.
#[derive(Debug)]
pub enum Outcome {
    Turn(Box<Turn>),
    /// Not LLM traffic this tool reads (a `/v1/models` listing, say): not a failure.
    Skipped(String),
    /// Unreadable: a failure for the file.
    Failed(String),
}

/// Rebuilds the turn of `exchange`; `source` says where it came from.
pub fn reconstruct(exchange: &Exchange, source: Source) -> Outcome {
    let mut warnings = exchange.warnings.clone();
    let request: Option<Value> = exchange.request.as_ref().and_then(|r| {
        partial_json::parse_lenient(r.body)
            .map(|(value, mended)| {
                if mended {
                    warnings.push("the request body is cut short".to_string());
                }
                value
            })
            .or_else(|| {
                warnings.push("the request body is not JSON".to_string());
                None
            })
    });
    let target = exchange.request.as_ref().and_then(|r| r.target.as_deref());
    let hint = target
        .and_then(api_from_path)
        .or_else(|| request.as_ref().and_then(api_from_request));
    let rebuilt = match exchange.request_error {
        Some(text) => request_failed(text, hint),
        None => rebuild(&exchange.response, hint),
    };
    let mut b = match rebuilt {
        Ok(b) => b,
        Err(outcome) => return outcome,
    };
    b.warnings.splice(0..0, warnings);
    assemble(b, exchange, request.as_ref(), source)
}

fn skipped(why: &str) -> Outcome {
    Outcome::Skipped(why.to_string())
}

/// Rebuilds what the response says; `hint` is the API the request path or body suggests.
fn rebuild(response: &Response, hint: Option<Api>) -> Result<Builder, Outcome> {
    let status = response.status;
    let text = match &response.body {
        Body::Stream(stream) => {
            let api = stream_api(stream)
                .or(hint)
                .ok_or_else(|| skipped("an event stream of no API this tool reads"))?;
            return Ok(rebuild_stream(api, stream));
        }
        Body::Json(text) => text,
        Body::Text(text) => {
            return http_error(status, None, text, hint)
                .ok_or_else(|| skipped("a response body of no API this tool reads"));
        }
        Body::Empty => {
            return http_error(status, None, b"", hint).ok_or_else(|| skipped("an empty response"));
        }
    };
    let Some((value, mended)) = partial_json::parse_lenient(text) else {
        return http_error(status, None, text, hint)
            .ok_or_else(|| Outcome::Failed("the response body is not valid JSON".into()));
    };
    let Some(api) = body_api(&value, hint) else {
        let why = if api_from_request(&value).is_some() && value.get("model").is_some() {
            "a request body, with no response"
        } else {
            "a JSON body of no API this tool reads"
        };
        return http_error(status, Some(&value), text, hint).ok_or_else(|| skipped(why));
    };
    let mut b = Builder::new(api);
    if is_error_body(&value) {
        // A 2xx status (a HAR entry always has one) is no error status.
        b.error = Some(error_from(&value, status.filter(|s| *s >= 400), false));
    } else {
        match api {
            Api::AnthropicMessages => anthropic::body(&value, &mut b),
            Api::OpenaiChat => openai_chat::body(&value, &mut b),
            Api::OpenaiResponses => openai_responses::body(&value, &mut b),
        }
        if let Some(status) = status.filter(|s| *s >= 400) {
            b.error
                .get_or_insert_with(|| error_from(&value, Some(status), false))
                .status = Some(status);
        }
        if mended {
            b.warnings
                .push("the response body is cut short; showing what it holds".into());
        }
    }
    b.complete = !mended;
    Ok(b)
}

/// A request whose upstream call failed before any response came (a gateway dump's
/// `.req_error.txt`): the turn is that error, its text the message.
fn request_failed(text: &[u8], hint: Option<Api>) -> Result<Builder, Outcome> {
    let api = hint.ok_or_else(|| skipped("a failed request of no API this tool reads"))?;
    let mut b = Builder::new(api);
    b.complete = true;
    b.error = Some(TurnError {
        status: None,
        kind: None,
        message: Some(String::from_utf8_lossy(text).trim().to_string()).filter(|m| !m.is_empty()),
        mid_stream: false,
    });
    Ok(b)
}

/// An HTTP error response whose body says nothing an API reconstructor reads: the turn is
/// the error. `None` when there is no error status, or no way to tell the API.
fn http_error(
    status: Option<u16>,
    body: Option<&Value>,
    text: &[u8],
    hint: Option<Api>,
) -> Option<Builder> {
    let status = status.filter(|s| *s >= 400)?;
    let mut b = Builder::new(hint?);
    b.complete = true;
    b.error = Some(match body {
        Some(value) => error_from(value, Some(status), false),
        None => TurnError {
            status: Some(status),
            kind: None,
            message: Some(String::from_utf8_lossy(text).trim().to_string())
                .filter(|m| !m.is_empty()),
            mid_stream: false,
        },
    });
    Some(b)
}

fn rebuild_stream(api: Api, stream: &SseStream) -> Builder {
    let mut events = stream.events.as_slice();
    // A last event with no blank line after it matters only when it was cut mid-line: then
    // it is no whole event (its half JSON is not an unknown event either) and framing's
    // warning stands. When it parses, the missing blank line lost nothing.
    let mut cut_last = false;
    if let (true, Some((last, rest))) = (stream.truncated, events.split_last()) {
        if !sse::is_whole_event(&last.data) {
            events = rest;
            cut_last = true;
        }
    }
    let mut b = Builder::for_stream(api, events.len());
    let framing = stream.warnings.iter();
    b.warnings.extend(
        framing
            .filter(|w| cut_last || !w.contains(sse::TRUNCATED))
            .cloned(),
    );
    match api {
        Api::AnthropicMessages => anthropic::stream(events, &mut b),
        Api::OpenaiChat => openai_chat::stream(events, &mut b),
        Api::OpenaiResponses => openai_responses::stream(events, &mut b),
    }
    // An event log of JSON lines cannot hold Chat's `[DONE]`: there, the finish reason
    // is the last word.
    if stream.json_lines && api == Api::OpenaiChat && b.stop_reason.is_some() {
        b.complete = true;
    }
    // An error event explains its own early end.
    if !b.complete && b.error.is_none() && !cut_last {
        b.warnings
            .push("the stream ended without its final event; the capture looks truncated".into());
    }
    b
}

/// Joins what the request says to what the response said.
fn assemble(b: Builder, exchange: &Exchange, request: Option<&Value>, source: Source) -> Outcome {
    // A dump's folder names the model the request asked for, should its body not say.
    let request_model = request
        .and_then(|r| str_at(r, "model"))
        .map(str::to_string)
        .or_else(|| exchange.model.clone());
    let prompt = match (exchange.follow_up, request) {
        (false, Some(request)) => prompt::of(b.api, request),
        _ => None,
    };
    let mut turn = b.finish(source, request_model, prompt);
    turn.timing = exchange.timing.clone();
    Outcome::Turn(Box::new(turn))
}

/// The API a request path names.
pub fn api_from_path(path: &str) -> Option<Api> {
    let path = path.split(['?', '#']).next().unwrap_or(path);
    if path.ends_with("/chat/completions") {
        Some(Api::OpenaiChat)
    } else if path.ends_with("/responses") {
        Some(Api::OpenaiResponses)
    } else if path.ends_with("/messages") {
        Some(Api::AnthropicMessages)
    } else {
        None
    }
}

/// The API a request body is shaped for.
fn api_from_request(request: &Value) -> Option<Api> {
    if request.get("input").is_some() || request.get("instructions").is_some() {
        return Some(Api::OpenaiResponses);
    }
    let messages = request.get("messages")?.as_array()?;
    let model = str_at(request, "model").unwrap_or_default();
    let anthropic_only_blocks = messages.iter().any(|m| {
        m["content"].as_array().is_some_and(|parts| {
            parts.iter().any(|p| {
                matches!(
                    str_at(p, "type"),
                    Some("tool_use" | "tool_result" | "thinking" | "redacted_thinking")
                )
            })
        })
    });
    let anthropic = request.get("system").is_some()
        || request.get("anthropic_version").is_some()
        || request.get("thinking").is_some()
        || model.starts_with("claude")
        || model.contains("anthropic")
        || anthropic_only_blocks
        || request["tools"]
            .as_array()
            .is_some_and(|tools| tools.iter().any(|t| t.get("input_schema").is_some()));
    Some(if anthropic {
        Api::AnthropicMessages
    } else {
        Api::OpenaiChat
    })
}

const ANTHROPIC_EVENTS: [&str; 6] = [
    "message_start",
    "content_block_start",
    "content_block_delta",
    "content_block_stop",
    "message_delta",
    "message_stop",
];

/// The API of a stream, from the first event that tells.
fn stream_api(stream: &SseStream) -> Option<Api> {
    for event in &stream.events {
        if ANTHROPIC_EVENTS.contains(&event.event.as_str()) {
            return Some(Api::AnthropicMessages);
        }
        if event.event.starts_with("response.") {
            return Some(Api::OpenaiResponses);
        }
        let Ok(data) = serde_json::from_str::<Value>(&event.data) else {
            continue;
        };
        match str_at(&data, "type") {
            Some(t) if ANTHROPIC_EVENTS.contains(&t) => return Some(Api::AnthropicMessages),
            Some(t) if t.starts_with("response.") => return Some(Api::OpenaiResponses),
            _ => {}
        }
        if data.get("choices").is_some() || str_at(&data, "object") == Some("chat.completion.chunk")
        {
            return Some(Api::OpenaiChat);
        }
    }
    // Only errors and pings: the error's shape tells Anthropic (`{"type":"error","error":{}}`)
    // from a Chat error chunk (`{"error":{}}`) and a Responses error event (`{"type":"error","code"}`).
    let data: Value = stream
        .events
        .iter()
        .find_map(|e| serde_json::from_str(&e.data).ok())?;
    match (
        str_at(&data, "type"),
        data.get("error").is_some_and(Value::is_object),
    ) {
        (Some("error"), true) => Some(Api::AnthropicMessages),
        (None, true) => Some(Api::OpenaiChat),
        (Some("error"), false) => Some(Api::OpenaiResponses),
        _ => None,
    }
}

/// A body that is only an error: `{"type":"error","error":{..}}` or `{"error":{..}}`.
pub fn is_error_body(value: &Value) -> bool {
    value
        .get("error")
        .is_some_and(|e| e.is_object() || e.is_string())
        && value.get("choices").is_none()
        && value.get("content").is_none()
        && value.get("output").is_none()
}

/// The API of a blocking body; for an error body, what the hint says.
fn body_api(value: &Value, hint: Option<Api>) -> Option<Api> {
    let kind = str_at(value, "type");
    let object = str_at(value, "object");
    if kind == Some("message")
        || (value.get("content").is_some_and(Value::is_array) && value.get("role").is_some())
    {
        return Some(Api::AnthropicMessages);
    }
    if object == Some("chat.completion") || value.get("choices").is_some_and(Value::is_array) {
        return Some(Api::OpenaiChat);
    }
    if object == Some("response") || value.get("output").is_some_and(Value::is_array) {
        return Some(Api::OpenaiResponses);
    }
    if is_error_body(value) {
        if kind == Some("error") {
            return Some(Api::AnthropicMessages);
        }
        return hint
            .or(Some(Api::OpenaiChat))
            .filter(|_| hint.is_some() || value["error"].get("message").is_some());
    }
    None
}
