//! OpenAI Responses (`/v1/responses`): what its stream events and output items are.
//!
//! Every event is read once, through the typed, borrowing [`Event`]: deltas, the hot path,
//! without building a JSON tree; items and response objects (rare, and restated whole) stay
//! trees. Which event types exist ([`EventKind`]), how an event names its item, which item
//! types exist ([`ItemKind`]), where an item states its texts ([`part_texts`]) and which
//! events end a stream is written down here and nowhere else.

use std::borrow::Cow;

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
    pub item: Option<Box<Value>>,
    #[serde(default, deserialize_with = "crate::bounded_json::optional")]
    pub response: Option<Box<Value>>,
    /// An `error` event's fields: flat (`code`, `message`) or nested (`error`).
    #[serde(default, deserialize_with = "crate::bounded_json::optional")]
    pub code: Option<Box<Value>>,
    #[serde(borrow, default)]
    pub message: Lenient<'a>,
    #[serde(default, deserialize_with = "crate::bounded_json::optional")]
    pub error: Option<Box<Value>>,
}

impl Event<'_> {
    /// An `error` event's error, in the shape [`super::error`] reads.
    pub fn error_value(&self) -> Value {
        let mut fields = serde_json::Map::new();
        if let Some(code) = &self.code {
            fields.insert("code".into(), Value::clone(code));
        }
        if let Some(message) = self.message.as_str() {
            fields.insert("message".into(), message.into());
        }
        if let Some(error) = &self.error {
            fields.insert("error".into(), Value::clone(error));
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

/// What an output item is to a turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    Message,
    Reasoning,
    FunctionCall,
    CustomToolCall,
    McpCall,
    /// A tool the provider runs (`web_search_call`, …), named by its type without `_call`.
    Server(&'static str),
    /// A built-in tool the client runs (`computer_call`, …), whose arguments are an
    /// `action` (or `operation`) object; named by its type without `_call`.
    Client(&'static str),
    /// Items that carry nothing a turn reports.
    Quiet,
}

/// The output item types the API documents, with what each is. One table, so that what an
/// item is ([`ItemKind::of`]) and how its type is kept ([`item_type`]) cannot disagree.
const ITEM_TYPES: [(&str, ItemKind); 18] = [
    ("message", ItemKind::Message),
    ("reasoning", ItemKind::Reasoning),
    ("function_call", ItemKind::FunctionCall),
    ("custom_tool_call", ItemKind::CustomToolCall),
    ("mcp_call", ItemKind::McpCall),
    ("web_search_call", ItemKind::Server("web_search")),
    ("file_search_call", ItemKind::Server("file_search")),
    (
        "code_interpreter_call",
        ItemKind::Server("code_interpreter"),
    ),
    (
        "image_generation_call",
        ItemKind::Server("image_generation"),
    ),
    ("tool_search_call", ItemKind::Server("tool_search")),
    ("computer_call", ItemKind::Client("computer")),
    ("local_shell_call", ItemKind::Client("local_shell")),
    ("shell_call", ItemKind::Client("shell")),
    ("apply_patch_call", ItemKind::Client("apply_patch")),
    ("mcp_list_tools", ItemKind::Quiet),
    ("mcp_approval_request", ItemKind::Quiet),
    ("compaction", ItemKind::Quiet),
    ("item_reference", ItemKind::Quiet),
];

/// An item's `type`, kept without an allocation when the API documents it: a stream may
/// announce hundreds of thousands of items.
pub fn item_type(kind: &str) -> Cow<'static, str> {
    match ITEM_TYPES.iter().find(|(name, _)| *name == kind) {
        Some((name, _)) => Cow::Borrowed(name),
        None => Cow::Owned(kind.to_string()),
    }
}

impl ItemKind {
    pub fn of(kind: &str) -> Option<ItemKind> {
        ITEM_TYPES
            .iter()
            .find(|(name, _)| *name == kind)
            .map(|(_, item)| *item)
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

/// An item's `id`, `call_id` and `name`, kept in one allocation rather than three: they are
/// what most items hold, and a stream may hold hundreds of thousands of items.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Names {
    /// The three joined, each present one after the other.
    text: Box<str>,
    /// Where each ends in `text`.
    ends: [usize; 3],
    /// Which of the three the item states, a bit each.
    stated: u8,
}

impl Names {
    pub fn new(id: Option<&str>, call_id: Option<&str>, name: Option<&str>) -> Names {
        let mut text = String::new();
        let mut stated = 0;
        let ends = [id, call_id, name].map(|part| {
            stated <<= 1;
            if let Some(part) = part {
                text.push_str(part);
                stated |= 1;
            }
            text.len()
        });
        Names {
            text: text.into_boxed_str(),
            ends,
            stated,
        }
    }

    fn get(&self, which: usize) -> Option<&str> {
        if self.stated & (0b100 >> which) == 0 {
            return None;
        }
        let start = which.checked_sub(1).map_or(0, |before| self.ends[before]);
        Some(&self.text[start..self.ends[which]])
    }

    pub fn id(&self) -> Option<&str> {
        self.get(0)
    }

    /// The id the client answers a call by.
    pub fn call_id(&self) -> Option<&str> {
        self.get(1)
    }

    pub fn name(&self) -> Option<&str> {
        self.get(2)
    }
}

/// What one statement of an output item says (`output_item.added` or `.done`, an entry of a
/// terminal event's `output`), in the fields its consumers read. A stream may hold
/// hundreds of thousands of items, and kept as JSON trees they cost about 800 bytes each.
#[derive(Debug, Default)]
pub struct Statement {
    /// Its `type`, when it states one.
    pub kind: Option<Cow<'static, str>>,
    pub names: Names,
    /// A message in the `commentary` phase: what the model says between tool calls.
    pub commentary: bool,
    /// The texts it states ([`part_texts`]), part by part, in order.
    texts: Box<[(Part, Box<str>)]>,
    /// A built-in tool's request (`action`, else `queries` or `operation`), for the items
    /// whose arguments are an object rather than a text.
    pub action: Option<Box<Value>>,
}

impl Statement {
    pub fn of(item: &Value) -> Statement {
        let kind = str_at(item, "type");
        let texts = Part::ALL
            .into_iter()
            .flat_map(|part| {
                part_texts(item, part)
                    .into_iter()
                    .map(move |text| (part, Box::from(text)))
            })
            .collect::<Vec<_>>()
            .into_boxed_slice();
        let present = |key| item.get(key).filter(|v| !v.is_null());
        let action = match kind.and_then(ItemKind::of) {
            Some(ItemKind::Server(_)) => present("action").or_else(|| present("queries")),
            Some(ItemKind::Client(_)) => present("action").or_else(|| present("operation")),
            _ => None,
        };
        Statement {
            kind: kind.map(item_type),
            names: Names::new(
                str_at(item, "id"),
                str_at(item, "call_id"),
                str_at(item, "name"),
            ),
            commentary: str_at(item, "phase") == Some("commentary"),
            texts,
            action: action.map(|a| Box::new(a.clone())),
        }
    }

    /// The texts it states for `part`; none when it states none of that kind.
    pub fn texts(&self, part: Part) -> impl Iterator<Item = &str> {
        self.texts
            .iter()
            .filter(move |(p, _)| *p == part)
            .map(|(_, text)| &**text)
    }

    /// Its `type`, or `""` when it states none.
    pub fn kind(&self) -> &str {
        self.kind.as_deref().unwrap_or_default()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_each_part_and_its_absence() {
        let all = Names::new(Some("fc_1"), Some("call_1"), Some("get"));
        assert_eq!(
            (all.id(), all.call_id(), all.name()),
            (Some("fc_1"), Some("call_1"), Some("get"))
        );
        let some = Names::new(None, Some(""), Some("é"));
        assert_eq!(
            (some.id(), some.call_id(), some.name()),
            (None, Some(""), Some("é"))
        );
        let none = Names::new(None, None, None);
        assert_eq!((none.id(), none.call_id(), none.name()), (None, None, None));
    }
}
