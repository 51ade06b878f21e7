//! Anthropic Messages (`/v1/messages`): the event stream and the blocking body.
//!
//! Both shapes come down to a list of content blocks; the stream builds them from
//! `content_block_start` and deltas, the blocking body states them whole.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;

use super::builder::{Builder, count_at, error_from, str_at};
use super::lenient::{Index, Lenient};
use crate::frame::sse::SseEvent;
use crate::turn::{ThoughtSource, ToolKind, Usage};

/// Block types the API documents whose content is not a turn field: the results of tools
/// the provider ran (every `*_tool_result`, a family that grows), container uploads and
/// documents. Known, so not reported as unknown.
fn is_result_block(kind: &str) -> bool {
    kind.ends_with("_tool_result") || matches!(kind, "container_upload" | "document")
}

/// The typed view of a stream event: deltas, the hot path, are read without building a
/// JSON tree; the rare objects (`message`, `content_block`, `usage`, `error`) stay trees.
#[derive(Deserialize)]
struct Event<'a> {
    #[serde(rename = "type", borrow, default)]
    kind: Lenient<'a>,
    #[serde(default)]
    index: Index,
    #[serde(borrow)]
    delta: Option<Delta<'a>>,
    message: Option<Value>,
    content_block: Option<Value>,
    usage: Option<Value>,
    error: Option<Value>,
}

/// A `content_block_delta`'s or `message_delta`'s `delta`.
#[derive(Deserialize, Default)]
struct Delta<'a> {
    #[serde(rename = "type", borrow, default)]
    kind: Lenient<'a>,
    #[serde(borrow, default)]
    text: Lenient<'a>,
    #[serde(borrow, default)]
    thinking: Lenient<'a>,
    #[serde(borrow, default)]
    partial_json: Lenient<'a>,
    #[serde(borrow, default)]
    stop_reason: Lenient<'a>,
}

#[derive(Debug)]
enum Block {
    Text(String),
    Thinking(String),
    Redacted,
    Tool {
        id: Option<String>,
        name: String,
        kind: ToolKind,
        /// The input a block started with (whole in a blocking body, `{}` in a stream).
        input: Value,
        /// Streamed `input_json_delta` fragments, joined.
        json: String,
    },
    Ignored,
}

impl Block {
    fn from_value(block: &Value, b: &mut Builder) -> Block {
        let text = |key| str_at(block, key).unwrap_or_default().to_string();
        let kind = str_at(block, "type").unwrap_or_default();
        let tool = |kind| Block::Tool {
            id: str_at(block, "id").map(str::to_string),
            name: text("name"),
            kind,
            input: block.get("input").cloned().unwrap_or(Value::Null),
            json: String::new(),
        };
        match kind {
            "text" => Block::Text(text("text")),
            "thinking" => Block::Thinking(text("thinking")),
            "redacted_thinking" => Block::Redacted,
            "tool_use" => tool(ToolKind::Function),
            "server_tool_use" | "mcp_tool_use" => tool(ToolKind::Server),
            known if is_result_block(known) => Block::Ignored,
            other => {
                b.unknown(format!("content block type {other:?}"));
                Block::Ignored
            }
        }
    }
}

/// Content blocks in stream order, found by their `index`.
#[derive(Default)]
struct Blocks {
    list: Vec<Block>,
    by_index: HashMap<u64, usize>,
}

impl Blocks {
    fn start(&mut self, index: u64, block: Block) {
        self.by_index.insert(index, self.list.len());
        self.list.push(block);
    }

    fn delta(&mut self, index: u64, delta: &Delta, b: &mut Builder, line: usize) {
        let kind = delta.kind.as_str().unwrap_or_default();
        // A delta for a block that never started (a capture that lost lines): start the
        // block it implies rather than drop the content.
        if !self.by_index.contains_key(&index) {
            let implied = match kind {
                "text_delta" => Block::Text(String::new()),
                "thinking_delta" => Block::Thinking(String::new()),
                _ => Block::Ignored,
            };
            b.warnings.push(format!(
                "line {line}: delta for content block {index}, which never started"
            ));
            self.start(index, implied);
        }
        let block = &mut self.list[self.by_index[&index]];
        match (kind, block) {
            ("text_delta", Block::Text(text)) => {
                text.push_str(delta.text.as_str().unwrap_or_default())
            }
            ("thinking_delta", Block::Thinking(text)) => {
                text.push_str(delta.thinking.as_str().unwrap_or_default())
            }
            ("input_json_delta", Block::Tool { json, .. }) => {
                json.push_str(delta.partial_json.as_str().unwrap_or_default())
            }
            ("signature_delta" | "citations_delta", _) => {}
            ("text_delta" | "thinking_delta" | "input_json_delta", _) => b.warnings.push(format!(
                "line {line}: {kind} for content block {index}, which is of another type"
            )),
            (other, _) => b.unknown(format!("delta type {other:?}")),
        }
    }

    fn finish(self, b: &mut Builder) {
        for block in self.list {
            match block {
                Block::Text(text) => b.push_text(&text),
                Block::Thinking(text) => b.push_thought(ThoughtSource::Thinking, text),
                Block::Redacted => b.redacted_thoughts += 1,
                Block::Tool {
                    id,
                    name,
                    kind,
                    input,
                    json,
                } => {
                    if json.trim().is_empty() && !input.is_null() {
                        b.push_tool(id, name, kind, input);
                    } else {
                        b.push_tool_json(id, name, kind, &json);
                    }
                }
                Block::Ignored => {}
            }
        }
    }
}

fn usage(value: &Value) -> Usage {
    Usage {
        input: count_at(value, "input_tokens"),
        output: count_at(value, "output_tokens"),
        cache_read: count_at(value, "cache_read_input_tokens"),
        cache_write: count_at(value, "cache_creation_input_tokens"),
        reasoning: None,
    }
}

/// Rebuilds a streamed message. `message_delta` usage is cumulative: merging keeps the
/// last value of each field, never a sum.
pub fn stream(events: &[SseEvent], b: &mut Builder) {
    let mut blocks = Blocks::default();
    for event in events {
        let Some(data) = b.event::<Event>(event) else {
            continue;
        };
        let kind = data.kind.as_str().unwrap_or(&event.event);
        let index = data.index.0.unwrap_or(0);
        match kind {
            "message_start" => {
                let message = data.message.unwrap_or_default();
                b.identify(&message, "id");
                if let Some(u) = message.get("usage").filter(|u| u.is_object()) {
                    b.merge_usage(usage(u));
                }
            }
            "content_block_start" => {
                let block = Block::from_value(&data.content_block.unwrap_or_default(), b);
                blocks.start(index, block);
            }
            "content_block_delta" => {
                blocks.delta(index, &data.delta.unwrap_or_default(), b, event.line)
            }
            "content_block_stop" | "ping" => {}
            "message_delta" => {
                if let Some(reason) = data.delta.as_ref().and_then(|d| d.stop_reason.as_str()) {
                    b.stop_reason = Some(reason.to_string());
                }
                if let Some(u) = data.usage.filter(|u| u.is_object()) {
                    b.merge_usage(usage(&u));
                }
            }
            "message_stop" => b.complete = true,
            "error" => {
                let error = data.error.unwrap_or_default();
                b.error = Some(error_from(
                    &serde_json::json!({ "error": error }),
                    None,
                    true,
                ));
            }
            other => b.unknown_event(other),
        }
    }
    blocks.finish(b);
}

/// Rebuilds a blocking `{"type": "message", ...}` body.
pub fn body(message: &Value, b: &mut Builder) {
    b.identify(message, "id");
    b.stop_reason = str_at(message, "stop_reason").map(str::to_string);
    if let Some(u) = message.get("usage").filter(|u| u.is_object()) {
        b.merge_usage(usage(u));
    }
    let mut blocks = Blocks::default();
    for (index, block) in message["content"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let block = Block::from_value(block, b);
        blocks.start(index as u64, block);
    }
    blocks.finish(b);
}
