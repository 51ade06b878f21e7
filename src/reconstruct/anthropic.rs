//! Anthropic Messages (`/v1/messages`): the accumulator of the event stream and the
//! blocking body.
//!
//! Both shapes come down to a list of content blocks; the stream builds them from
//! `content_block_start` and deltas, the blocking body states them whole. What the events
//! and blocks are is [`crate::decode::anthropic`]'s to say.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::builder::Builder;
use crate::decode::anthropic::{
    BlockKind, Delta, DeltaKind, Event, EventKind, bad_counts, service, usage,
};
use crate::decode::{self, str_at};
use crate::quote::quotable;
use crate::turn::{ThoughtSource, ToolKind};
use crate::warning::{Unknown, Warning};

#[derive(Debug)]
enum Block {
    Text(String),
    Thinking(String),
    Redacted,
    Tool {
        id: Option<String>,
        name: String,
        kind: ToolKind,
        /// The input a block started with (whole in a blocking body), or `None` for `{}`,
        /// which every streamed block starts with: a stream of a million tool calls keeps
        /// no tree for each.
        input: Option<Box<Value>>,
        /// Streamed `input_json_delta` fragments, joined.
        json: String,
    },
    Ignored,
}

impl Block {
    fn from_value(block: &Value, b: &mut Builder) -> Block {
        let text = |key| str_at(block, key).unwrap_or_default().to_string();
        let kind = str_at(block, "type").unwrap_or_default();
        match BlockKind::of(kind) {
            Some(BlockKind::Text) => Block::Text(text("text")),
            Some(BlockKind::Thinking) => Block::Thinking(text("thinking")),
            Some(BlockKind::RedactedThinking) => Block::Redacted,
            Some(BlockKind::Tool(kind)) => Block::Tool {
                id: str_at(block, "id").map(str::to_string),
                name: text("name"),
                kind,
                input: match block.get("input") {
                    Some(Value::Object(empty)) if empty.is_empty() => None,
                    input => Some(Box::new(input.cloned().unwrap_or(Value::Null))),
                },
                json: String::new(),
            },
            Some(BlockKind::Other) => Block::Ignored,
            None => {
                b.unknown(Unknown::ContentBlock(kind.to_string()));
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
    /// The index and place in `list` of the block the last delta went to: deltas come in
    /// runs for one block, so most find it here instead of hashing their index (twice per
    /// delta, that was 1% of a run).
    last: Option<(u64, usize)>,
}

impl Blocks {
    fn start(&mut self, index: u64, block: Block) {
        self.by_index.insert(index, self.list.len());
        self.last = None;
        self.list.push(block);
    }

    /// The place in `list` of the block at `index`, if one started.
    fn place(&mut self, index: u64) -> Option<usize> {
        match self.last {
            Some((last, at)) if last == index => Some(at),
            _ => {
                let at = *self.by_index.get(&index)?;
                self.last = Some((index, at));
                Some(at)
            }
        }
    }

    fn delta(&mut self, index: u64, delta: &Delta, b: &mut Builder, line: usize) {
        let name = delta.kind.as_str().unwrap_or_default();
        let kind = DeltaKind::of(name);
        // A delta for a block that never started (a capture that lost lines): start the
        // block it implies rather than drop the content.
        let at = match self.place(index) {
            Some(at) => at,
            None => {
                let implied = match kind {
                    Some(DeltaKind::Text) => Block::Text(String::new()),
                    Some(DeltaKind::Thinking) => Block::Thinking(String::new()),
                    _ => Block::Ignored,
                };
                b.warnings.push(Warning::DeltaBeforeStart { line, index });
                self.start(index, implied);
                self.list.len() - 1
            }
        };
        let block = &mut self.list[at];
        match (kind, block) {
            (Some(DeltaKind::Text), Block::Text(text)) => {
                text.push_str(delta.text.as_str().unwrap_or_default())
            }
            (Some(DeltaKind::Thinking), Block::Thinking(text)) => {
                text.push_str(delta.thinking.as_str().unwrap_or_default())
            }
            (Some(DeltaKind::InputJson), Block::Tool { json, .. }) => {
                json.push_str(delta.partial_json.as_str().unwrap_or_default())
            }
            (Some(DeltaKind::Signature | DeltaKind::Citations), _) => {}
            (Some(_), _) => b.odd(
                line,
                Warning::DeltaMismatch {
                    line,
                    delta: quotable(name).to_string(),
                    index,
                },
            ),
            (None, _) => b.unknown(Unknown::Delta(name.to_string())),
        }
    }

    fn finish(self, b: &mut Builder) {
        let tools = self
            .list
            .iter()
            .filter(|block| matches!(block, Block::Tool { .. }));
        b.reserve_tools(tools.count());
        for block in self.list {
            match block {
                Block::Text(text) => b.push_text(text),
                // A thinking block with no text is thinking whose display was omitted
                // (`"display": "omitted"`: only a signature comes back): it happened, but
                // there is nothing to read, as with a redacted one.
                Block::Thinking(text) if text.is_empty() => b.redacted_thoughts += 1,
                Block::Thinking(text) => b.push_thought(ThoughtSource::Thinking, text),
                Block::Redacted => b.redacted_thoughts += 1,
                Block::Tool {
                    id,
                    name,
                    kind,
                    input,
                    json,
                } => {
                    let input = input.map_or_else(|| Value::Object(Map::new()), |input| *input);
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

/// The accumulator of a stream. `message_delta` usage is cumulative: merging keeps the
/// last value of each field, never a sum.
#[derive(Default)]
pub struct Accumulator {
    blocks: Blocks,
}

impl Accumulator {
    pub fn event(&mut self, event: &decode::Event, data: &Event, b: &mut Builder) {
        let kind = data.kind.as_str().unwrap_or(event.name);
        let index = data.index.get().unwrap_or(0);
        let Some(known) = EventKind::of(kind) else {
            return b.unknown_event(kind);
        };
        match known {
            EventKind::MessageStart => {
                if let Some(message) = &data.message {
                    b.identify(message);
                    if let Some(u) = message.get("usage").filter(|u| u.is_object()) {
                        b.merge_usage(usage(u));
                        b.bad_counts(Some(event.line), bad_counts(u));
                        b.merge_service(service(u));
                    }
                }
            }
            EventKind::ContentBlockStart => {
                let block =
                    Block::from_value(data.content_block.as_deref().unwrap_or(&Value::Null), b);
                self.blocks.start(index, block);
            }
            EventKind::ContentBlockDelta => {
                let delta = data.delta.as_ref();
                self.blocks
                    .delta(index, delta.unwrap_or(&Delta::default()), b, event.line)
            }
            EventKind::ContentBlockStop | EventKind::Ping => {}
            EventKind::MessageDelta => {
                if let Some(reason) = data.delta.as_ref().and_then(|d| d.stop_reason.as_str()) {
                    b.stop_reason = Some(reason.to_string());
                }
                if let Some(u) = data.usage.as_deref().filter(|u| u.is_object()) {
                    b.merge_usage(usage(u));
                    b.bad_counts(Some(event.line), bad_counts(u));
                    b.merge_service(service(u));
                }
            }
            EventKind::MessageStop => b.complete = true,
            EventKind::Error => {
                let error = data.error.as_deref().cloned().unwrap_or_default();
                b.error = Some(decode::error::nested(&error, true));
            }
        }
    }

    pub fn finish(self, b: &mut Builder) {
        self.blocks.finish(b);
    }
}

/// Rebuilds a blocking `{"type": "message", ...}` body.
pub fn body(message: &Value, b: &mut Builder) {
    b.identify(message);
    b.stop_reason = str_at(message, "stop_reason").map(str::to_string);
    if let Some(u) = message.get("usage").filter(|u| u.is_object()) {
        b.merge_usage(usage(u));
        b.bad_counts(None, bad_counts(u));
        b.merge_service(service(u));
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
