//! OpenAI Responses (`/v1/responses`): what its stream events and output items are.
//!
//! Every event is read once, through the typed, borrowing [`Event`]: deltas, the hot path,
//! without building a JSON tree; items and response objects (rare, and restated whole) stay
//! trees. Which event types exist ([`EventKind`]), how an event names its item, which item
//! types exist ([`ItemKind`]), where an item states its texts ([`part_texts`]) and which
//! events end a stream is written down here and nowhere else.

use serde::Deserialize;
use serde_json::Value;

use super::lenient::{Index, Lenient};
use super::str_at;
use crate::turn::{Service, Usage};

/// The typed view of a stream event.
#[derive(Deserialize)]
pub struct Event<'a> {
    #[serde(rename = "type", borrow, default)]
    pub kind: Lenient<'a>,
    #[serde(default)]
    pub sequence_number: Index,
    #[serde(default)]
    pub output_index: Index,
    #[serde(default)]
    pub content_index: Index,
    #[serde(default)]
    pub summary_index: Index,
    #[serde(borrow, default)]
    pub item_id: Lenient<'a>,
    #[serde(borrow, default)]
    pub delta: Lenient<'a>,
    #[serde(borrow, default)]
    pub text: Lenient<'a>,
    #[serde(borrow, default)]
    pub refusal: Lenient<'a>,
    #[serde(borrow, default)]
    pub arguments: Lenient<'a>,
    #[serde(borrow, default)]
    pub input: Lenient<'a>,
    #[serde(default, deserialize_with = "crate::bounded_json::optional")]
    pub item: Option<Value>,
    #[serde(default, deserialize_with = "crate::bounded_json::optional")]
    pub response: Option<Value>,
    /// An `error` event's fields: flat (`code`, `message`) or nested (`error`).
    #[serde(default, deserialize_with = "crate::bounded_json::optional")]
    pub code: Option<Value>,
    #[serde(borrow, default)]
    pub message: Lenient<'a>,
    #[serde(default, deserialize_with = "crate::bounded_json::optional")]
    pub error: Option<Value>,
}

impl Event<'_> {
    /// An `error` event's error, in the shape [`super::error`] reads.
    pub fn error_value(&self) -> Value {
        let mut fields = serde_json::Map::new();
        if let Some(code) = &self.code {
            fields.insert("code".into(), code.clone());
        }
        if let Some(message) = self.message.as_str() {
            fields.insert("message".into(), message.into());
        }
        if let Some(error) = &self.error {
            fields.insert("error".into(), error.clone());
        }
        Value::Object(fields)
    }

    /// The part index a text event writes: `summary_index` for summaries, else
    /// `content_index`.
    pub fn part_index(&self, part: Part) -> Index {
        match part {
            Part::Summary => self.summary_index,
            _ => self.content_index,
        }
    }

    /// The whole text a `*.done` event states.
    pub fn stated(&self) -> Option<&str> {
        self.text
            .as_str()
            .or(self.arguments.as_str())
            .or(self.input.as_str())
            .or(self.refusal.as_str())
    }
}

/// The statuses of the events that end a whole stream (`response.<status>`).
pub const TERMINAL_STATUSES: [&str; 3] = ["completed", "failed", "incomplete"];

/// How findings name the terminal events.
pub const TERMINAL: &str = "response.completed/failed/incomplete";

/// The stream event types the API documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind<'k> {
    /// `response.created`: the first event.
    Created,
    /// `response.in_progress`, `response.queued`: the response restated while it runs.
    Progress,
    /// `response.completed`, `response.failed`, `response.incomplete`, with the status
    /// the name says.
    Terminal(&'k str),
    Error,
    Keepalive,
    ItemAdded,
    ItemDone,
    /// An event about one output item's content: `response.<family>.<phase>`, e.g.
    /// `response.output_text.delta`. `part` is the text the family builds, if any.
    Item {
        family: &'k str,
        phase: Phase,
        part: Option<Part>,
    },
}

/// Where in an item's life an item event stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// A piece of text to append.
    Delta,
    /// The whole text, restated.
    Done,
    /// Anything else (`added`, `in_progress`, `searching`, …).
    Other,
}

/// A text an item builds from deltas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    /// A message's `output_text` parts.
    Text,
    /// A message's `refusal` parts.
    Refusal,
    /// A reasoning item's `summary_text` parts.
    Summary,
    /// A reasoning item's `reasoning_text` parts (open-weight models' raw reasoning).
    Reasoning,
    /// A call's arguments (or a custom tool call's input).
    Arguments,
}

impl Part {
    /// Every text an item builds.
    pub const ALL: [Part; 5] = [
        Part::Text,
        Part::Refusal,
        Part::Summary,
        Part::Reasoning,
        Part::Arguments,
    ];

    /// The event family that streams this text for an item of type `item_type`.
    pub fn family(self, item_type: &str) -> &'static str {
        match (self, item_type) {
            (Part::Text, _) => "output_text",
            (Part::Refusal, _) => "refusal",
            (Part::Summary, _) => "reasoning_summary_text",
            (Part::Reasoning, _) => "reasoning_text",
            (Part::Arguments, "custom_tool_call") => "custom_tool_call_input",
            (Part::Arguments, "mcp_call") => "mcp_call_arguments",
            (Part::Arguments, _) => "function_call_arguments",
        }
    }
}

/// The item event families the API documents, with the text each builds. Tool progress
/// families (`web_search_call`, …) report a provider-run tool's state and build nothing.
const FAMILIES: [(&str, Option<Part>); 18] = [
    ("output_text", Some(Part::Text)),
    ("refusal", Some(Part::Refusal)),
    ("reasoning_summary_text", Some(Part::Summary)),
    ("reasoning_text", Some(Part::Reasoning)),
    ("function_call_arguments", Some(Part::Arguments)),
    ("custom_tool_call_input", Some(Part::Arguments)),
    ("mcp_call_arguments", Some(Part::Arguments)),
    ("content_part", None),
    ("reasoning_summary_part", None),
    ("output_text.annotation", None),
    ("web_search_call", None),
    ("file_search_call", None),
    ("code_interpreter_call", None),
    ("code_interpreter_call_code", None),
    ("image_generation_call", None),
    ("mcp_call", None),
    ("mcp_list_tools", None),
    ("custom_tool_call", None),
];

impl<'k> EventKind<'k> {
    pub fn of(kind: &'k str) -> Option<EventKind<'k>> {
        Some(match kind {
            "error" => EventKind::Error,
            "keepalive" => EventKind::Keepalive,
            "response.created" => EventKind::Created,
            "response.in_progress" | "response.queued" => EventKind::Progress,
            "response.output_item.added" => EventKind::ItemAdded,
            "response.output_item.done" => EventKind::ItemDone,
            _ => {
                let name = kind.strip_prefix("response.")?;
                if TERMINAL_STATUSES.contains(&name) {
                    return Some(EventKind::Terminal(name));
                }
                let (family, phase) = name.rsplit_once('.')?;
                let (_, part) = FAMILIES.iter().find(|(f, _)| *f == family)?;
                let phase = match phase {
                    "delta" => Phase::Delta,
                    "done" => Phase::Done,
                    _ => Phase::Other,
                };
                EventKind::Item {
                    family,
                    phase,
                    part: *part,
                }
            }
        })
    }
}

/// The output item types the API documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind<'k> {
    Message,
    Reasoning,
    FunctionCall,
    CustomToolCall,
    McpCall,
    /// A tool the provider runs (`web_search_call`, …), named by its type without `_call`.
    Server(&'k str),
    /// A built-in tool the client runs (`computer_call`, …), whose arguments are an
    /// `action` (or `operation`) object; named by its type without `_call`.
    Client(&'k str),
    /// Items that carry nothing a turn reports.
    Quiet,
}

impl<'k> ItemKind<'k> {
    pub fn of(kind: &'k str) -> Option<ItemKind<'k>> {
        let name = || kind.trim_end_matches("_call");
        Some(match kind {
            "message" => ItemKind::Message,
            "reasoning" => ItemKind::Reasoning,
            "function_call" => ItemKind::FunctionCall,
            "custom_tool_call" => ItemKind::CustomToolCall,
            "mcp_call" => ItemKind::McpCall,
            "web_search_call"
            | "file_search_call"
            | "code_interpreter_call"
            | "image_generation_call"
            | "tool_search_call" => ItemKind::Server(name()),
            "computer_call" | "local_shell_call" | "shell_call" | "apply_patch_call" => {
                ItemKind::Client(name())
            }
            "mcp_list_tools" | "mcp_approval_request" | "compaction" | "item_reference" => {
                ItemKind::Quiet
            }
            _ => return None,
        })
    }

    /// Whether the item is a web search the provider ran, charged per call.
    pub fn is_web_search(self) -> bool {
        self == ItemKind::Server("web_search")
    }

    /// Whether the item's arguments are JSON text (`arguments`).
    pub fn json_arguments(self) -> bool {
        matches!(self, ItemKind::FunctionCall | ItemKind::McpCall)
    }

    /// Whether the client answers the call by its `call_id`.
    pub fn answered_by_client(self) -> bool {
        matches!(self, ItemKind::FunctionCall | ItemKind::CustomToolCall)
    }
}

/// The texts an item's final statement gives for `part`, one per content (or summary)
/// part: `None` when the item states none of that kind.
pub fn part_texts(item: &Value, part: Part) -> Vec<&str> {
    let (key, kind, field) = match part {
        Part::Text => ("content", "output_text", "text"),
        Part::Refusal => ("content", "refusal", "refusal"),
        Part::Summary => ("summary", "summary_text", "text"),
        Part::Reasoning => ("content", "reasoning_text", "text"),
        Part::Arguments => {
            let key = match str_at(item, "type") {
                Some("custom_tool_call") => "input",
                _ => "arguments",
            };
            return str_at(item, key).into_iter().collect();
        }
    };
    item[key]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| str_at(p, "type") == Some(kind))
        .filter_map(|p| str_at(p, field))
        .collect()
}

/// The output items a response object states (none when it states no `output` array).
pub fn output_items(response: &Value) -> &[Value] {
    response["output"].as_array().map_or(&[], Vec::as_slice)
}

/// The usage keys of the prompt and of the generated tokens.
pub const USAGE_KEYS: [&str; 2] = ["input_tokens", "output_tokens"];

/// OpenAI Responses usage. Web searches are output items, not usage: the accumulator
/// counts them ([`ItemKind::is_web_search`]).
pub fn usage(value: &Value) -> Usage {
    super::openai_usage(value, USAGE_KEYS)
}

/// The counts [`usage`] leaves out because they are there but no whole, non-negative count.
pub fn bad_counts(value: &Value) -> Vec<super::BadCount> {
    super::openai_bad_counts(value, USAGE_KEYS)
}

/// How a response object says it was served (its `service_tier`).
pub fn service(response: &Value) -> Service {
    super::openai_service(str_at(response, "service_tier"))
}
