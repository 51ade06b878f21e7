//! OpenAI Responses (`/v1/responses`): the accumulator of the typed event stream and the
//! blocking body.
//!
//! Output items are kept by `output_index`. Deltas build an item while it streams; an
//! item's `output_item.done`, and the terminal event's `output`, restate it whole and win.
//! A `response.failed` whose `output` is empty keeps what already streamed. What the events
//! and items are is [`crate::decode::responses`]'s to say.

use std::collections::BTreeMap;

use serde_json::Value;

use super::builder::Builder;
use crate::decode::by_index::{ByIndex, IdIndex};
use crate::decode::responses::{
    Event, EventKind, ItemKind, Part, Phase, Statement, bad_counts, output_items, service, usage,
};
use crate::decode::{self, str_at};
use crate::turn::{ThoughtSource, ToolKind};
use crate::warning::Unknown;

/// One output item: its last full statement, plus what deltas added since.
#[derive(Default, Debug)]
struct Item {
    stated: Statement,
    /// Whether `stated` is final (`output_item.done` or the terminal `output`).
    done: bool,
    /// What deltas built, when any came: most items are stated whole.
    streamed: Option<Box<Streamed>>,
}

/// What deltas built for an item.
#[derive(Default, Debug)]
struct Streamed {
    /// Texts, by part and part index.
    parts: BTreeMap<Part, BTreeMap<u64, String>>,
    /// Arguments (or a custom tool call's input).
    arguments: String,
}

impl Item {
    fn streamed(&mut self) -> &mut Streamed {
        self.streamed.get_or_insert_default()
    }

    /// Streamed parts when the item never finished, else the final statement's.
    fn texts(&self, part: Part) -> Vec<String> {
        let mut stated = self.stated.texts(part).peekable();
        match self.streamed.as_ref().and_then(|s| s.parts.get(&part)) {
            Some(streamed) if !self.done || stated.peek().is_none() => {
                streamed.values().cloned().collect()
            }
            _ => stated.map(str::to_string).collect(),
        }
    }

    /// Adds what the item holds to the turn; true when it was a provider-run web search.
    fn finish(self, b: &mut Builder) -> bool {
        let stated = &self.stated;
        let streamed = self.streamed.as_deref();
        let has_part = |part: Part| streamed.is_some_and(|s| s.parts.contains_key(&part));
        let arguments = streamed.map_or("", |s| s.arguments.as_str());
        // Deltas for an item whose `output_item.added` the capture lacks: the deltas say
        // what it was.
        let kind =
            stated
                .kind
                .as_deref()
                .unwrap_or(if has_part(Part::Text) || has_part(Part::Refusal) {
                    "message"
                } else if has_part(Part::Summary) || has_part(Part::Reasoning) {
                    "reasoning"
                } else if !arguments.is_empty() {
                    "function_call"
                } else {
                    ""
                });
        let names = &stated.names;
        let name = || names.name().unwrap_or_default().to_string();
        let call_id = || names.call_id().or(names.id()).map(str::to_string);
        let streamed_or_stated = || {
            if self.done || arguments.is_empty() {
                stated.texts(Part::Arguments).next().unwrap_or_default()
            } else {
                arguments
            }
        };
        let action = || {
            stated
                .action
                .as_deref()
                .cloned()
                .unwrap_or_else(|| Value::Object(Default::default()))
        };
        let Some(item) = ItemKind::of(kind) else {
            // An item that states no type, and that no delta filled, holds nothing to show.
            if !kind.is_empty() {
                b.unknown(Unknown::OutputItem(kind.to_string()));
            }
            return false;
        };
        match item {
            ItemKind::Message => {
                let text = self.texts(Part::Text).concat();
                if stated.commentary {
                    if !text.is_empty() {
                        b.push_thought(ThoughtSource::Commentary, text);
                    }
                } else if !text.is_empty() {
                    b.push_text(text);
                }
                let refusal = self.texts(Part::Refusal).concat();
                if !refusal.is_empty() {
                    b.push_refusal(refusal);
                }
            }
            ItemKind::Reasoning => {
                for text in self.texts(Part::Summary) {
                    b.push_thought(ThoughtSource::ReasoningSummary, text);
                }
                for text in self.texts(Part::Reasoning) {
                    b.push_thought(ThoughtSource::ReasoningContent, text);
                }
            }
            ItemKind::FunctionCall => {
                b.push_tool_json(call_id(), name(), ToolKind::Function, streamed_or_stated())
            }
            ItemKind::CustomToolCall => {
                let input = Value::String(streamed_or_stated().to_string());
                b.push_tool(call_id(), name(), ToolKind::Custom, input);
            }
            ItemKind::McpCall => {
                b.push_tool_json(call_id(), name(), ToolKind::Server, streamed_or_stated())
            }
            ItemKind::Server(server) => {
                let mut arguments = action();
                // A web search's `action` also lists the pages it found: results, not what
                // the model asked for.
                if let Value::Object(fields) = &mut arguments {
                    fields.remove("sources");
                }
                b.push_tool(
                    names.id().map(str::to_string),
                    server.to_string(),
                    ToolKind::Server,
                    arguments,
                );
            }
            ItemKind::Client(client) => {
                b.push_tool(call_id(), client.to_string(), ToolKind::Function, action());
            }
            ItemKind::Quiet => {}
        }
        item.is_web_search()
    }
}

/// Output items by `output_index`, also found by `item_id`.
#[derive(Default)]
struct Items {
    by_index: ByIndex<Item>,
    index_of: IdIndex,
}

impl Items {
    fn set(&mut self, index: u64, value: &Value, done: bool) {
        let stated = Statement::of(value);
        if let Some(id) = stated.names.id() {
            self.index_of.note(id, index);
        }
        let item = self.by_index.entry(index);
        item.stated = stated;
        item.done = done;
    }

    /// The item an event is about, by `output_index`, else by `item_id`.
    fn of(&mut self, (output_index, item_id): (Option<u64>, Option<&str>)) -> &mut Item {
        let by_index = &self.by_index;
        let ids = || {
            let ids = by_index.iter();
            ids.filter_map(|(index, item)| Some((item.stated.names.id()?, index)))
        };
        let index = output_index
            .or_else(|| item_id.and_then(|id| self.index_of.get(id, ids)))
            .unwrap_or(0);
        self.by_index.entry(index)
    }

    /// Applies the response object's own statement of its output, where it gives one.
    fn restate(&mut self, response: &Value) {
        for (index, item) in output_items(response).iter().enumerate() {
            self.set(index as u64, item, true);
        }
    }

    fn finish(self, b: &mut Builder) {
        let mut web_searches = 0;
        for item in self.by_index.into_values() {
            web_searches += u64::from(item.finish(b));
        }
        b.count_web_searches(web_searches);
    }
}

/// Takes what a response object says of itself: id, model, status, usage, error.
/// `line` is the event's in a stream, none for a blocking body.
fn response_object(response: &Value, b: &mut Builder, line: Option<usize>) {
    let mid_stream = line.is_some();
    b.identify(response);
    b.merge_service(service(response));
    if let Some(u) = response.get("usage").filter(|u| u.is_object()) {
        b.merge_usage(usage(u));
        b.bad_counts(line, bad_counts(u));
    }
    if let Some(error) = response.get("error").filter(|e| e.is_object()) {
        b.error = Some(decode::error::turn_error(error, None, mid_stream));
    }
}

/// The accumulator of a stream.
#[derive(Default)]
pub struct Accumulator {
    items: Items,
}

impl Accumulator {
    pub fn event(&mut self, event: &decode::Event, data: &Event, b: &mut Builder) {
        let kind = data.kind.as_str().unwrap_or(event.name);
        let items = &mut self.items;
        let item = (data.output_index.get(), data.item_id.as_str());
        let Some(known) = EventKind::of(kind) else {
            return b.unknown_event(kind);
        };
        match known {
            EventKind::Created | EventKind::Progress => response_object(
                data.response.as_deref().unwrap_or(&Value::Null),
                b,
                Some(event.line),
            ),
            EventKind::Terminal(status) => {
                let response = data.response.as_deref().unwrap_or(&Value::Null);
                response_object(response, b, Some(event.line));
                items.restate(response);
                let status = str_at(response, "status").unwrap_or(status);
                b.stop_reason = Some(status.to_string());
                b.complete = true;
            }
            EventKind::ItemAdded | EventKind::ItemDone => {
                let value = data.item.as_deref().unwrap_or(&Value::Null);
                let done = known == EventKind::ItemDone;
                items.set(data.output_index.get().unwrap_or(0), value, done);
            }
            EventKind::Item {
                part: Some(Part::Arguments),
                phase,
                ..
            } => {
                let arguments = &mut items.of(item).streamed().arguments;
                match phase {
                    Phase::Delta => arguments.push_str(data.delta.as_str().unwrap_or_default()),
                    // The `done` states the whole text: it wins over the deltas joined.
                    Phase::Done => *arguments = data.stated().unwrap_or_default().to_string(),
                    Phase::Other => {}
                }
            }
            EventKind::Item {
                part: Some(part),
                phase,
                ..
            } => {
                let index = data.part_index(part).get().unwrap_or(0);
                let texts = items.of(item).streamed().parts.entry(part).or_default();
                match phase {
                    Phase::Delta => texts
                        .entry(index)
                        .or_default()
                        .push_str(data.delta.as_str().unwrap_or_default()),
                    Phase::Done => {
                        texts.insert(index, data.stated().unwrap_or_default().to_string());
                    }
                    Phase::Other => {}
                }
            }
            EventKind::Error => {
                b.error = Some(decode::error::turn_error(&data.error_value(), None, true))
            }
            EventKind::Item { part: None, .. } | EventKind::Keepalive => {}
        }
    }

    pub fn finish(self, b: &mut Builder) {
        self.items.finish(b);
    }
}

/// Rebuilds a blocking `{"object": "response", ...}` body.
pub fn body(response: &Value, b: &mut Builder) {
    response_object(response, b, None);
    b.stop_reason = str_at(response, "status").map(str::to_string);
    let mut items = Items::default();
    items.restate(response);
    items.finish(b);
}
