//! OpenAI Responses (`/v1/responses`): the typed event stream and the blocking body.
//!
//! Output items are kept by `output_index`. Deltas build an item while it streams; an
//! item's `output_item.done`, and the terminal event's `output`, restate it whole and win.
//! A `response.failed` whose `output` is empty keeps what already streamed.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use serde_json::Value;

use super::builder::{Builder, count_at, error_from, openai_usage, str_at};
use super::lenient::{Index, Lenient};
use crate::frame::sse::SseEvent;
use crate::turn::{ThoughtSource, ToolKind, Usage};

/// Provider-run tool items: name is the type without `_call`.
const SERVER_ITEMS: [&str; 6] = [
    "web_search_call",
    "file_search_call",
    "code_interpreter_call",
    "image_generation_call",
    "mcp_call",
    "tool_search_call",
];

/// Built-in tools the client runs, whose arguments are an `action` object.
const CLIENT_ITEMS: [&str; 4] = [
    "computer_call",
    "local_shell_call",
    "shell_call",
    "apply_patch_call",
];

/// Items that carry nothing a turn reports.
const QUIET_ITEMS: [&str; 4] = [
    "mcp_list_tools",
    "mcp_approval_request",
    "compaction",
    "item_reference",
];

/// One output item: its last full statement, plus what deltas added since.
#[derive(Default, Debug)]
struct Item {
    value: Value,
    /// Whether `value` is final (`output_item.done` or the terminal `output`).
    done: bool,
    text: BTreeMap<u64, String>,
    refusal: BTreeMap<u64, String>,
    summary: BTreeMap<u64, String>,
    reasoning: BTreeMap<u64, String>,
    arguments: String,
}

/// The texts of an item's `key` array (e.g. `content` parts of type `output_text`).
fn part_texts(item: &Value, key: &str, kind: &str, field: &str) -> Vec<String> {
    item[key]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|part| str_at(part, "type") == Some(kind))
        .filter_map(|part| str_at(part, field).map(str::to_string))
        .collect()
}

impl Item {
    /// Streamed parts when the item never finished, else the final value's.
    fn texts(
        &self,
        streamed: &BTreeMap<u64, String>,
        key: &str,
        kind: &str,
        field: &str,
    ) -> Vec<String> {
        let stated = part_texts(&self.value, key, kind, field);
        if self.done && !stated.is_empty() || streamed.is_empty() {
            stated
        } else {
            streamed.values().cloned().collect()
        }
    }

    fn finish(self, b: &mut Builder) {
        let value = &self.value;
        // Deltas for an item whose `output_item.added` the capture lacks: the deltas say
        // what it was.
        let kind =
            str_at(value, "type").unwrap_or(if !self.text.is_empty() || !self.refusal.is_empty() {
                "message"
            } else if !self.summary.is_empty() || !self.reasoning.is_empty() {
                "reasoning"
            } else if !self.arguments.is_empty() {
                "function_call"
            } else {
                ""
            });
        let name = || str_at(value, "name").unwrap_or_default().to_string();
        let call_id = || {
            str_at(value, "call_id")
                .or_else(|| str_at(value, "id"))
                .map(str::to_string)
        };
        let streamed_or = |key: &str| {
            let stated = str_at(value, key).unwrap_or_default();
            if self.done || self.arguments.is_empty() {
                stated.to_string()
            } else {
                self.arguments.clone()
            }
        };
        match kind {
            "message" => {
                let text = self
                    .texts(&self.text, "content", "output_text", "text")
                    .concat();
                if str_at(value, "phase") == Some("commentary") {
                    if !text.is_empty() {
                        b.push_thought(ThoughtSource::Commentary, text);
                    }
                } else if !text.is_empty() {
                    b.push_text(&text);
                }
                let refusal = self
                    .texts(&self.refusal, "content", "refusal", "refusal")
                    .concat();
                if !refusal.is_empty() {
                    b.push_refusal(&refusal);
                }
            }
            "reasoning" => {
                for text in self.texts(&self.summary, "summary", "summary_text", "text") {
                    b.push_thought(ThoughtSource::ReasoningSummary, text);
                }
                for text in self.texts(&self.reasoning, "content", "reasoning_text", "text") {
                    b.push_thought(ThoughtSource::ReasoningContent, text);
                }
            }
            "function_call" => b.push_tool_json(
                call_id(),
                name(),
                ToolKind::Function,
                &streamed_or("arguments"),
            ),
            "custom_tool_call" => {
                let input = Value::String(streamed_or("input"));
                b.push_tool(call_id(), name(), ToolKind::Custom, input);
            }
            "mcp_call" => b.push_tool_json(
                call_id(),
                name(),
                ToolKind::Server,
                &streamed_or("arguments"),
            ),
            server if SERVER_ITEMS.contains(&server) => {
                let mut arguments = value
                    .get("action")
                    .filter(|a| !a.is_null())
                    .or_else(|| value.get("queries").filter(|q| !q.is_null()))
                    .cloned()
                    .unwrap_or_else(|| Value::Object(Default::default()));
                // A web search's `action` also lists the pages it found: results, not what
                // the model asked for.
                if let Value::Object(fields) = &mut arguments {
                    fields.remove("sources");
                }
                let name = server.trim_end_matches("_call").to_string();
                b.push_tool(
                    str_at(value, "id").map(str::to_string),
                    name,
                    ToolKind::Server,
                    arguments,
                );
            }
            client if CLIENT_ITEMS.contains(&client) => {
                let arguments = value
                    .get("action")
                    .or_else(|| value.get("operation"))
                    .filter(|a| !a.is_null())
                    .cloned()
                    .unwrap_or_else(|| Value::Object(Default::default()));
                let name = client.trim_end_matches("_call").to_string();
                b.push_tool(call_id(), name, ToolKind::Function, arguments);
            }
            quiet if QUIET_ITEMS.contains(&quiet) => {}
            other => b.unknown(format!("output item type {other:?}")),
        }
    }
}

fn usage(value: &Value) -> Usage {
    openai_usage(
        count_at(value, "input_tokens"),
        value["input_tokens_details"]
            .get("cached_tokens")
            .and_then(Value::as_u64),
        count_at(value, "output_tokens"),
        value["output_tokens_details"]
            .get("reasoning_tokens")
            .and_then(Value::as_u64),
    )
}

/// Output items by `output_index`, also found by `item_id`.
#[derive(Default)]
struct Items {
    by_index: BTreeMap<u64, Item>,
    index_of: HashMap<String, u64>,
}

impl Items {
    fn set(&mut self, index: u64, value: &Value, done: bool) {
        if let Some(id) = str_at(value, "id") {
            self.index_of.insert(id.to_string(), index);
        }
        let item = self.by_index.entry(index).or_default();
        item.value = value.clone();
        item.done = done;
    }

    /// The item an event is about, by `output_index`, else by `item_id`.
    fn of(&mut self, (output_index, item_id): (Option<u64>, Option<&str>)) -> &mut Item {
        let index = output_index
            .or_else(|| item_id.and_then(|id| self.index_of.get(id).copied()))
            .unwrap_or(0);
        self.by_index.entry(index).or_default()
    }

    /// Applies the response object's own statement of its output, where it gives one.
    fn restate(&mut self, response: &Value) {
        for (index, item) in response["output"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            self.set(index as u64, item, true);
        }
    }

    fn finish(self, b: &mut Builder) {
        for item in self.by_index.into_values() {
            item.finish(b);
        }
    }
}

/// Takes what a response object says of itself: id, model, status, usage, error.
fn response_object(response: &Value, b: &mut Builder, mid_stream: bool) {
    b.identify(response, "id");
    if let Some(u) = response.get("usage").filter(|u| u.is_object()) {
        b.merge_usage(usage(u));
    }
    if let Some(error) = response.get("error").filter(|e| e.is_object()) {
        b.error = Some(error_from(error, None, mid_stream));
    }
}

/// The typed view of a stream event: deltas, the hot path, are read without building a
/// JSON tree; items and response objects (rare, and restated whole) stay trees.
#[derive(Deserialize)]
struct Event<'a> {
    #[serde(rename = "type", borrow, default)]
    kind: Lenient<'a>,
    #[serde(default)]
    output_index: Index,
    #[serde(default)]
    content_index: Index,
    #[serde(default)]
    summary_index: Index,
    #[serde(borrow, default)]
    item_id: Lenient<'a>,
    #[serde(borrow, default)]
    delta: Lenient<'a>,
    #[serde(borrow, default)]
    text: Lenient<'a>,
    #[serde(borrow, default)]
    refusal: Lenient<'a>,
    #[serde(borrow, default)]
    arguments: Lenient<'a>,
    #[serde(borrow, default)]
    input: Lenient<'a>,
    item: Option<Value>,
    response: Option<Value>,
}

/// Which of an item's texts a text event writes.
#[derive(Clone, Copy)]
enum Part {
    Text,
    Refusal,
    Summary,
    Reasoning,
}

/// The part a text event (`*.delta` or `*.done`) is about, and whether it is the `done`.
fn text_event(kind: &str) -> Option<(Part, bool)> {
    let (stem, done) = match kind.strip_suffix(".delta") {
        Some(stem) => (stem, false),
        None => (kind.strip_suffix(".done")?, true),
    };
    let part = match stem {
        "response.output_text" => Part::Text,
        "response.refusal" => Part::Refusal,
        "response.reasoning_summary_text" => Part::Summary,
        "response.reasoning_text" => Part::Reasoning,
        _ => return None,
    };
    Some((part, done))
}

impl Item {
    fn part(&mut self, part: Part) -> &mut BTreeMap<u64, String> {
        match part {
            Part::Text => &mut self.text,
            Part::Refusal => &mut self.refusal,
            Part::Summary => &mut self.summary,
            Part::Reasoning => &mut self.reasoning,
        }
    }
}

pub fn stream(events: &[SseEvent], b: &mut Builder) {
    let mut items = Items::default();
    for event in events {
        let Some(data) = b.event::<Event>(event) else {
            continue;
        };
        let kind = data.kind.as_str().unwrap_or(&event.event);
        let item = || items_key(&data);
        if let Some((part, done)) = text_event(kind) {
            let index = match part {
                Part::Summary => data.summary_index.0,
                _ => data.content_index.0,
            }
            .unwrap_or(0);
            let texts = items.of(item()).part(part);
            if done {
                // The `done` states the whole text: it wins over the deltas joined.
                let field = if let Part::Refusal = part {
                    &data.refusal
                } else {
                    &data.text
                };
                texts.insert(index, field.as_str().unwrap_or_default().to_string());
            } else {
                texts
                    .entry(index)
                    .or_default()
                    .push_str(data.delta.as_str().unwrap_or_default());
            }
            continue;
        }
        match kind {
            "response.created" | "response.in_progress" | "response.queued" => {
                response_object(&data.response.unwrap_or_default(), b, true)
            }
            "response.completed" | "response.incomplete" | "response.failed" => {
                let response = data.response.unwrap_or_default();
                response_object(&response, b, true);
                items.restate(&response);
                let status = str_at(&response, "status")
                    .unwrap_or_else(|| kind.trim_start_matches("response."));
                b.stop_reason = Some(status.to_string());
                b.complete = true;
            }
            "response.output_item.added" | "response.output_item.done" => {
                let done = kind.ends_with(".done");
                let value = data.item.unwrap_or_default();
                items.set(data.output_index.0.unwrap_or(0), &value, done);
            }
            "response.function_call_arguments.delta"
            | "response.custom_tool_call_input.delta"
            | "response.mcp_call_arguments.delta" => {
                items
                    .of(item())
                    .arguments
                    .push_str(data.delta.as_str().unwrap_or_default());
            }
            "response.function_call_arguments.done" | "response.custom_tool_call_input.done" => {
                let whole = data
                    .arguments
                    .as_str()
                    .or(data.input.as_str())
                    .unwrap_or_default();
                items.of(item()).arguments = whole.to_string();
            }
            // The error's shape varies (flat `code`/`message`, or a nested `error`): read it
            // from the whole tree.
            "error" => {
                if let Some(whole) = b.event_json(event) {
                    b.error = Some(error_from(&whole, None, true));
                }
            }
            known if is_progress_event(known) => {}
            other => b.unknown_event(other),
        }
    }
    items.finish(b);
}

/// How an event names its item: `output_index`, else `item_id`.
fn items_key<'e>(event: &'e Event) -> (Option<u64>, Option<&'e str>) {
    (event.output_index.0, event.item_id.as_str())
}

/// Events that report progress or annotations, with nothing a turn keeps.
fn is_progress_event(kind: &str) -> bool {
    const EXACT: [&str; 7] = [
        "response.content_part.added",
        "response.content_part.done",
        "response.reasoning_summary_part.added",
        "response.reasoning_summary_part.done",
        "response.output_text.annotation.added",
        "response.mcp_call_arguments.done",
        "keepalive",
    ];
    const TOOL_PROGRESS: [&str; 8] = [
        "response.web_search_call.",
        "response.file_search_call.",
        "response.code_interpreter_call.",
        "response.code_interpreter_call_code.",
        "response.image_generation_call.",
        "response.mcp_call.",
        "response.mcp_list_tools.",
        "response.custom_tool_call.",
    ];
    EXACT.contains(&kind) || TOOL_PROGRESS.iter().any(|prefix| kind.starts_with(prefix))
}

/// Rebuilds a blocking `{"object": "response", ...}` body.
pub fn body(response: &Value, b: &mut Builder) {
    response_object(response, b, false);
    b.stop_reason = str_at(response, "status").map(str::to_string);
    let mut items = Items::default();
    items.restate(response);
    items.finish(b);
}
