//! OpenAI Chat Completions (`/v1/chat/completions`): the accumulator of
//! `chat.completion.chunk` streams and blocking `chat.completion` bodies. Only the first
//! choice (`index` 0) is rebuilt; others are reported. A chunk's `delta` and a body's
//! `message` carry the same fields, so one `apply` serves both; what a chunk is, is
//! [`crate::decode::chat`]'s to say.

use serde::Deserialize;
use serde_json::Value;

use super::builder::Builder;
use crate::decode;
use crate::decode::chat::{Call, Chunk, ChunkKind, Message, bad_counts, usage};
use crate::decode::chat_calls::{ChatCalls, Delta};
use crate::decode::lenient::Flex;
use crate::quote::quotable;
use crate::turn::{ThoughtSource, ToolKind};
use crate::warning::Warning;

/// What `inspect` keeps beside a streamed call.
struct CallExtra {
    kind: ToolKind,
    /// Arguments a body gave as a JSON value rather than as text. Boxed: a stream never
    /// gives one, and a stream of a million calls keeps no room for it in each.
    value: Option<Box<Value>>,
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
            Flex::Str(text) => b.push_text(&**text),
            Flex::Other(other) => match &**other {
                Value::Array(parts) => self.apply_parts(parts, b),
                other => b.odd(
                    0,
                    Warning::ContentShape {
                        kind: kind_of(other),
                    },
                ),
            },
        }
        if let Some(text) = delta.refusal.as_str() {
            b.push_refusal(text);
        }
        if let Some(text) = delta.reasoning() {
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
                (other, _) => b.odd(
                    0,
                    Warning::ContentPartKept {
                        part: other.map(|part| quotable(part).to_string()),
                    },
                ),
            }
        }
    }

    fn apply_call(&mut self, call: &Call, position: u64, b: &mut Builder) {
        // `index` need not start at 0, and a blocking body may leave it out.
        let index = call.index.get().unwrap_or(position);
        let (custom, fields) = call.fields();
        let kind = if custom {
            ToolKind::Custom
        } else {
            ToolKind::Function
        };
        let delta = Delta {
            index,
            id: call.id.as_str(),
            name: fields.name.as_str(),
            arguments: fields.piece(custom),
        };
        let (at, _) = self.calls.apply(delta, || CallExtra { kind, value: None });
        let entry = &mut self.calls.calls[at];
        match &fields.arguments {
            Flex::Other(value) if matches!(**value, Value::Object(_) | Value::Array(_)) => {
                entry.extra.value = Some(value.clone())
            }
            // The name as far as a message quotes it: a call's name may be of megabytes,
            // and each chunk may warn.
            Flex::Other(other) => b.odd(
                0,
                Warning::ArgumentsShape {
                    name: quotable(&entry.name).to_string(),
                    kind: kind_of(other),
                },
            ),
            _ => {}
        }
    }

    /// Applies choice 0 of `chunk`; other choices are only noted.
    fn apply_chunk(&mut self, chunk: &Chunk, streaming: bool, b: &mut Builder) {
        let mut zero = None;
        for (index, choice) in chunk.choices() {
            match index {
                0 => zero = zero.or(Some(choice)),
                _ => self.other_choices = true,
            }
        }
        let Some(choice) = zero else {
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
        b.reserve_tools(self.calls.calls.len());
        for call in self.calls.calls {
            let CallExtra { kind, value } = call.extra;
            match (kind, value) {
                (ToolKind::Custom, _) => {
                    b.push_tool(call.id, call.name, kind, Value::String(call.arguments))
                }
                (_, Some(value)) if call.arguments.is_empty() => {
                    b.push_tool(call.id, call.name, kind, *value)
                }
                _ => b.push_tool_json(call.id, call.name, kind, &call.arguments),
            }
        }
        if self.other_choices {
            b.warnings.push(Warning::OtherChoices);
        }
    }
}

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

/// What a chunk or body says besides its choices: id, model, usage, error.
/// `line` is the chunk's in a stream, none for a blocking body.
fn apply_envelope(chunk: &Chunk, line: Option<usize>, b: &mut Builder) {
    let mid_stream = line.is_some();
    b.identify_as(chunk.id.as_str(), chunk.model.as_str());
    // Every chunk of a stream restates the tier: taken once, not copied per chunk.
    let tier = chunk.service_tier.as_str();
    if tier.is_some() && b.service.as_ref().and_then(|s| s.tier.as_deref()) != tier {
        b.merge_service(decode::openai_service(tier));
    }
    if let Some(u) = chunk.usage() {
        b.merge_usage(usage(u));
        b.bad_counts(line, bad_counts(u));
    }
    if let Some(error) = chunk.error() {
        b.error = Some(decode::error::nested(error, mid_stream));
    }
}

/// The accumulator of a stream.
pub struct Accumulator {
    choice: Choice,
    /// Read from a log of JSON lines, which has no room for `[DONE]`.
    json_lines: bool,
}

impl Accumulator {
    pub fn new(json_lines: bool) -> Accumulator {
        Accumulator {
            choice: Choice::default(),
            json_lines,
        }
    }

    pub fn event(&mut self, line: usize, chunk: &Chunk, b: &mut Builder) {
        apply_envelope(chunk, Some(line), b);
        match chunk.kind() {
            ChunkKind::Unknown(object) => {
                b.unknown_event(object.unwrap_or(decode::chat::UNNAMED_CHUNK))
            }
            // An error chunk may carry choices too: what they say is kept.
            ChunkKind::Chunk | ChunkKind::Error => self.choice.apply_chunk(chunk, true, b),
        }
    }

    pub fn finish(self, b: &mut Builder) {
        self.choice.finish(b);
        if decode::chat::ends_without_done(self.json_lines, b.stop_reason.is_some()) {
            b.complete = true;
        }
    }
}

pub fn body(completion: &Value, b: &mut Builder) {
    let chunk = match Chunk::deserialize(completion) {
        Ok(chunk) => chunk,
        Err(err) => {
            b.warnings.push(Warning::CompletionShape {
                detail: crate::quote::json_error(&err),
            });
            return;
        }
    };
    apply_envelope(&chunk, None, b);
    let mut choice = Choice::default();
    choice.apply_chunk(&chunk, false, b);
    choice.finish(b);
}
