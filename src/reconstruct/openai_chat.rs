//! OpenAI Chat Completions (`/v1/chat/completions`): `chat.completion.chunk` streams and
//! blocking `chat.completion` bodies. Only the first choice (`index` 0) is rebuilt; others
//! are reported.
//!
//! Chunks and bodies are read through one typed, borrowing view (`Chunk`): a chunk's
//! `delta` and a body's `message` carry the same fields, so one `apply` serves both.

use serde::Deserialize;
use serde_json::Value;

use super::builder::{Builder, count_at, error_from, openai_usage};
use super::chat_calls::{ChatCalls, Delta};
use super::lenient::{Flex, Index, Lenient};
use crate::frame::sse::SseEvent;
use crate::turn::{ThoughtSource, ToolKind, Usage};

/// A `chat.completion.chunk`, or a whole `chat.completion` body.
#[derive(Deserialize)]
struct Chunk<'a> {
    #[serde(borrow, default)]
    id: Lenient<'a>,
    #[serde(borrow, default)]
    model: Lenient<'a>,
    #[serde(borrow, default)]
    object: Lenient<'a>,
    #[serde(borrow)]
    choices: Option<Vec<ChoiceView<'a>>>,
    usage: Option<Value>,
    error: Option<Value>,
}

#[derive(Deserialize)]
struct ChoiceView<'a> {
    #[serde(default)]
    index: Index,
    #[serde(borrow)]
    delta: Option<Message<'a>>,
    #[serde(borrow)]
    message: Option<Message<'a>>,
    #[serde(borrow, default)]
    finish_reason: Lenient<'a>,
}

/// A chunk's `delta` or a body's `message`.
#[derive(Deserialize, Default)]
struct Message<'a> {
    /// A string, or (Mistral and others) an array of `text` and `thinking` parts.
    #[serde(borrow, default)]
    content: Flex<'a>,
    #[serde(borrow, default)]
    refusal: Lenient<'a>,
    #[serde(borrow, default)]
    reasoning_content: Lenient<'a>,
    #[serde(borrow, default)]
    reasoning: Lenient<'a>,
    #[serde(borrow)]
    tool_calls: Option<Vec<CallView<'a>>>,
}

#[derive(Deserialize)]
struct CallView<'a> {
    #[serde(default)]
    index: Index,
    #[serde(borrow, default)]
    id: Lenient<'a>,
    #[serde(borrow)]
    function: Option<Fields<'a>>,
    #[serde(borrow)]
    custom: Option<Fields<'a>>,
}

/// A function call's `name` and `arguments`, or a custom tool call's `name` and `input`.
#[derive(Deserialize, Default)]
struct Fields<'a> {
    #[serde(borrow, default)]
    name: Lenient<'a>,
    /// JSON text, or (some providers' blocking bodies) the arguments as an object.
    #[serde(borrow, default)]
    arguments: Flex<'a>,
    #[serde(borrow, default)]
    input: Lenient<'a>,
}

/// What `inspect` keeps beside a streamed call.
struct CallExtra {
    kind: ToolKind,
    /// Arguments a body gave as a JSON value rather than as text.
    value: Option<Value>,
}

/// What one choice says across chunks.
#[derive(Default)]
struct Choice {
    reasoning: Option<String>,
    calls: ChatCalls<CallExtra>,
    other_choices: bool,
}

impl Choice {
    /// Applies a `delta` (streaming) or a `message` (blocking): both carry the same fields.
    fn apply(&mut self, delta: &Message, b: &mut Builder) {
        match &delta.content {
            Flex::Absent => {}
            Flex::Str(text) => b.push_text(text),
            Flex::Other(Value::Array(parts)) => self.apply_parts(parts, b),
            Flex::Other(other) => b.warnings.push(format!(
                "message content of an unexpected shape, kept out of the text: {}",
                kind_of(other)
            )),
        }
        if let Some(text) = delta.refusal.as_str() {
            b.push_refusal(text);
        }
        // DeepSeek, vLLM and others say `reasoning_content`; OpenRouter says `reasoning`.
        // Some send both with the same text, so one is taken, never the two.
        let reasoning = delta
            .reasoning_content
            .as_str()
            .or(delta.reasoning.as_str());
        if let Some(text) = reasoning {
            self.reasoning
                .get_or_insert_with(String::new)
                .push_str(text);
        }
        for (position, call) in delta.tool_calls.iter().flatten().enumerate() {
            self.apply_call(call, position as u64, b);
        }
    }

    /// Content given as parts: `text` parts are the answer, `thinking` parts (Mistral's
    /// Magistral: a string or parts of their own) are reasoning.
    fn apply_parts(&mut self, parts: &[Value], b: &mut Builder) {
        for part in parts {
            match (part.get("type").and_then(Value::as_str), part) {
                (Some("text"), _) => b.push_text(part["text"].as_str().unwrap_or_default()),
                (Some("thinking" | "reasoning"), _) => {
                    let text = match &part["thinking"] {
                        Value::String(text) => text.clone(),
                        Value::Array(inner) => {
                            inner.iter().filter_map(|p| p["text"].as_str()).collect()
                        }
                        _ => part["text"].as_str().unwrap_or_default().to_string(),
                    };
                    self.reasoning
                        .get_or_insert_with(String::new)
                        .push_str(&text);
                }
                (_, Value::String(text)) => b.push_text(text),
                (other, _) => b.warnings.push(format!(
                    "content part of type {:?} kept out of the text",
                    other.unwrap_or("(none)")
                )),
            }
        }
    }

    fn apply_call(&mut self, call: &CallView, position: u64, b: &mut Builder) {
        // `index` need not start at 0, and a blocking body may leave it out.
        let index = call.index.0.unwrap_or(position);
        let (kind, fields) = match &call.custom {
            Some(custom) => (ToolKind::Custom, custom),
            None => (
                ToolKind::Function,
                call.function.as_ref().unwrap_or(&NO_FIELDS),
            ),
        };
        let piece = match (kind, &fields.arguments) {
            (ToolKind::Custom, _) => fields.input.as_str(),
            (_, Flex::Str(text)) => Some(text.as_ref()),
            _ => None,
        };
        let delta = Delta {
            index,
            id: call.id.as_str(),
            name: fields.name.as_str(),
            arguments: piece,
        };
        let (at, _) = self.calls.apply(delta, || CallExtra { kind, value: None });
        let entry = &mut self.calls.calls[at];
        match &fields.arguments {
            Flex::Other(value @ (Value::Object(_) | Value::Array(_))) => {
                entry.extra.value = Some(value.clone())
            }
            Flex::Other(other) => b.warnings.push(format!(
                "tool call {:?}: arguments of an unexpected shape ({})",
                entry.name,
                kind_of(other)
            )),
            _ => {}
        }
    }

    /// Applies choice 0 of `chunk`; other choices are only noted.
    fn apply_chunk(&mut self, chunk: &Chunk, streaming: bool, b: &mut Builder) {
        let all = chunk.choices.as_deref().unwrap_or_default();
        if all.iter().any(|c| c.index.0.unwrap_or(0) != 0) {
            self.other_choices = true;
        }
        let Some(choice) = all.iter().find(|c| c.index.0.unwrap_or(0) == 0) else {
            return;
        };
        let message = if streaming {
            &choice.delta
        } else {
            &choice.message
        };
        if let Some(message) = message {
            self.apply(message, b);
        }
        if let Some(reason) = choice.finish_reason.as_str() {
            b.stop_reason = Some(reason.to_string());
        }
    }

    fn finish(self, b: &mut Builder) {
        if let Some(text) = self.reasoning {
            b.push_thought(ThoughtSource::ReasoningContent, text);
        }
        for call in self.calls.calls {
            let CallExtra { kind, value } = call.extra;
            match (kind, value) {
                (ToolKind::Custom, _) => {
                    b.push_tool(call.id, call.name, kind, Value::String(call.arguments))
                }
                (_, Some(value)) if call.arguments.is_empty() => {
                    b.push_tool(call.id, call.name, kind, value)
                }
                _ => b.push_tool_json(call.id, call.name, kind, &call.arguments),
            }
        }
        if self.other_choices {
            b.warnings
                .push("the response has several choices; only choice 0 is shown".to_string());
        }
    }
}

const NO_FIELDS: Fields<'static> = Fields {
    name: Lenient(None),
    arguments: Flex::Absent,
    input: Lenient(None),
};

/// A JSON value's kind, for a warning (never the value itself).
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn usage(value: &Value) -> Usage {
    // DeepSeek reports cache hits as `prompt_cache_hit_tokens` instead of the details object.
    let cached = value["prompt_tokens_details"]
        .get("cached_tokens")
        .and_then(Value::as_u64)
        .or_else(|| count_at(value, "prompt_cache_hit_tokens"));
    openai_usage(
        count_at(value, "prompt_tokens"),
        cached,
        count_at(value, "completion_tokens"),
        value["completion_tokens_details"]
            .get("reasoning_tokens")
            .and_then(Value::as_u64),
    )
}

/// What a chunk or body says besides its choices: id, model, usage, error.
fn apply_envelope(chunk: &Chunk, mid_stream: bool, b: &mut Builder) {
    b.identify_as(chunk.id.as_str(), chunk.model.as_str());
    if let Some(u) = chunk.usage.as_ref().filter(|u| u.is_object()) {
        b.merge_usage(usage(u));
    }
    if let Some(error) = chunk.error.as_ref().filter(|e| !e.is_null()) {
        b.error = Some(error_from(
            &serde_json::json!({ "error": error }),
            None,
            mid_stream,
        ));
    }
}

pub fn stream(events: &[SseEvent], b: &mut Builder) {
    let mut choice = Choice::default();
    for event in events {
        if event.data.trim() == "[DONE]" {
            b.complete = true;
            continue;
        }
        let Some(chunk) = b.event::<Chunk>(event) else {
            continue;
        };
        let is_chunk =
            chunk.choices.is_some() || chunk.object.as_str() == Some("chat.completion.chunk");
        let known =
            is_chunk || chunk.usage.is_some() || chunk.error.as_ref().is_some_and(|e| !e.is_null());
        apply_envelope(&chunk, true, b);
        if is_chunk {
            choice.apply_chunk(&chunk, true, b);
        }
        if !known {
            let kind = chunk.object.as_str().unwrap_or("chunk without choices");
            b.unknown_event(kind);
        }
    }
    choice.finish(b);
}

pub fn body(completion: &Value, b: &mut Builder) {
    let chunk = match Chunk::deserialize(completion) {
        Ok(chunk) => chunk,
        Err(err) => {
            b.warnings.push(format!(
                "the completion body has an unexpected shape ({err})"
            ));
            return;
        }
    };
    apply_envelope(&chunk, false, b);
    let mut choice = Choice::default();
    choice.apply_chunk(&chunk, false, b);
    choice.finish(b);
}
