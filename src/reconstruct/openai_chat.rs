//! OpenAI Chat Completions (`/v1/chat/completions`): `chat.completion.chunk` streams and
//! blocking `chat.completion` bodies. Only the first choice (`index` 0) is rebuilt; others
//! are reported.

use std::collections::HashMap;

use serde_json::Value;

use super::builder::{Builder, count_at, error_from, openai_usage, str_at};
use crate::frame::sse::SseEvent;
use crate::turn::{ThoughtSource, ToolKind, Usage};

/// A tool call being streamed.
struct Call {
    id: Option<String>,
    name: String,
    kind: ToolKind,
    arguments: String,
}

/// What one choice says across chunks.
#[derive(Default)]
struct Choice {
    reasoning: Option<String>,
    calls: Vec<Call>,
    /// Which call a tool-call `index` currently names.
    by_index: HashMap<u64, usize>,
    other_choices: bool,
}

impl Choice {
    /// Applies a `delta` (streaming) or a `message` (blocking): both carry the same fields.
    fn apply(&mut self, delta: &Value, b: &mut Builder) {
        if let Some(text) = str_at(delta, "content") {
            b.push_text(text);
        }
        if let Some(text) = str_at(delta, "refusal") {
            b.push_refusal(text);
        }
        // DeepSeek, vLLM and others say `reasoning_content`; OpenRouter says `reasoning`.
        // Some send both with the same text, so one is taken, never the two.
        let reasoning = str_at(delta, "reasoning_content").or_else(|| str_at(delta, "reasoning"));
        if let Some(text) = reasoning {
            self.reasoning
                .get_or_insert_with(String::new)
                .push_str(text);
        }
        for (position, call) in delta["tool_calls"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            self.apply_call(call, position as u64);
        }
    }

    fn apply_call(&mut self, call: &Value, position: u64) {
        // `index` need not start at 0, and a blocking body may leave it out.
        let index = count_at(call, "index").unwrap_or(position);
        let custom = call.get("custom").filter(|c| c.is_object());
        let (kind, fields, args_key) = match custom {
            Some(custom) => (ToolKind::Custom, custom, "input"),
            None => (ToolKind::Function, &call["function"], "arguments"),
        };
        let id = str_at(call, "id").filter(|id| !id.is_empty());
        // Some providers send every parallel call at the same index: a new id there is a new call.
        let existing = self.by_index.get(&index).copied().filter(|&at| {
            let known = self.calls[at].id.as_deref();
            id.is_none() || known.is_none() || known == id
        });
        let at = match existing {
            Some(at) => at,
            None => {
                self.calls.push(Call {
                    id: None,
                    name: String::new(),
                    kind,
                    arguments: String::new(),
                });
                self.by_index.insert(index, self.calls.len() - 1);
                self.calls.len() - 1
            }
        };
        let entry = &mut self.calls[at];
        if let Some(id) = id {
            entry.id.get_or_insert_with(|| id.to_string());
        }
        if let Some(name) = str_at(fields, "name") {
            // Names arrive whole in the first delta. A few providers stream them in pieces
            // (append), others restate the whole name on every delta (Novita's kimi-k2).
            if entry.name != name {
                entry.name.push_str(name);
            }
        }
        if let Some(args) = str_at(fields, args_key) {
            entry.arguments.push_str(args);
        }
    }

    fn finish(self, b: &mut Builder) {
        if let Some(text) = self.reasoning {
            b.push_thought(ThoughtSource::ReasoningContent, text);
        }
        for call in self.calls {
            match call.kind {
                ToolKind::Custom => {
                    b.push_tool(call.id, call.name, call.kind, Value::String(call.arguments))
                }
                _ => b.push_tool_json(call.id, call.name, call.kind, &call.arguments),
            }
        }
        if self.other_choices {
            b.warnings
                .push("the response has several choices; only choice 0 is shown".to_string());
        }
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

/// Choice 0 of a chunk or body; other choices are only noted.
fn first_choice<'a>(object: &'a Value, choice: &mut Choice) -> Option<&'a Value> {
    let all = object["choices"].as_array()?;
    let index = |c: &Value| count_at(c, "index").unwrap_or(0);
    if all.iter().any(|c| index(c) != 0) {
        choice.other_choices = true;
    }
    all.iter().find(|c| index(c) == 0)
}

pub fn stream(events: &[SseEvent], b: &mut Builder) {
    let mut choice = Choice::default();
    for event in events {
        if event.data.trim() == "[DONE]" {
            b.complete = true;
            continue;
        }
        let Some(chunk) = b.event_json(event) else {
            continue;
        };
        let mut known = false;
        if let Some(error) = chunk.get("error").filter(|e| !e.is_null()) {
            b.error = Some(error_from(
                &serde_json::json!({ "error": error }),
                None,
                true,
            ));
            known = true;
        }
        if chunk.get("choices").is_some()
            || str_at(&chunk, "object") == Some("chat.completion.chunk")
        {
            known = true;
            b.identify(&chunk, "id");
            if let Some(c) = first_choice(&chunk, &mut choice) {
                choice.apply(&c["delta"], b);
                if let Some(reason) = str_at(c, "finish_reason") {
                    b.stop_reason = Some(reason.to_string());
                }
            }
        }
        if let Some(u) = chunk.get("usage").filter(|u| u.is_object()) {
            known = true;
            b.merge_usage(usage(u));
        }
        if !known {
            let kind = str_at(&chunk, "object").unwrap_or("chunk without choices");
            b.unknown_event(kind);
        }
    }
    choice.finish(b);
}

pub fn body(completion: &Value, b: &mut Builder) {
    b.identify(completion, "id");
    let mut choice = Choice::default();
    if let Some(c) = first_choice(completion, &mut choice) {
        choice.apply(&c["message"], b);
        b.stop_reason = str_at(c, "finish_reason").map(str::to_string);
    }
    if let Some(u) = completion.get("usage").filter(|u| u.is_object()) {
        b.merge_usage(usage(u));
    }
    if let Some(error) = completion.get("error").filter(|e| !e.is_null()) {
        b.error = Some(error_from(
            &serde_json::json!({ "error": error }),
            None,
            false,
        ));
    }
    choice.finish(b);
}
