//! Anthropic Messages (`/v1/messages`): what its stream events and content blocks are.
//!
//! Every event is read once, through the typed, borrowing [`Event`]: deltas, the hot path,
//! without building a JSON tree; the rare objects (`message`, `content_block`, `usage`,
//! `error`) stay trees. Which event, delta and block types exist, and which delta fills which
//! block, is written down here and nowhere else.

use serde::Deserialize;
use serde_json::Value;

use super::lenient::{Index, Lenient};
use super::{BadCount, count_at, str_at};
use crate::turn::{Service, ToolKind, Usage};

/// The event that ends a whole stream.
pub const TERMINAL: &str = "message_stop";

/// The typed view of a stream event.
#[derive(Deserialize)]
pub struct Event<'a> {
    #[serde(rename = "type", borrow, default)]
    pub kind: Lenient<'a>,
    #[serde(default)]
    pub index: Index,
    #[serde(borrow)]
    pub delta: Option<Delta<'a>>,
    // The objects are trees, built within the base budget: a `message` may carry anything.
    #[serde(default, deserialize_with = "crate::bounded_json::optional")]
    pub message: Option<Box<Value>>,
    #[serde(default, deserialize_with = "crate::bounded_json::optional")]
    pub content_block: Option<Box<Value>>,
    #[serde(default, deserialize_with = "crate::bounded_json::optional")]
    pub usage: Option<Box<Value>>,
    #[serde(default, deserialize_with = "crate::bounded_json::optional")]
    pub error: Option<Box<Value>>,
}

/// A `content_block_delta`'s or `message_delta`'s `delta`.
#[derive(Deserialize, Default)]
pub struct Delta<'a> {
    #[serde(rename = "type", borrow, default)]
    pub kind: Lenient<'a>,
    #[serde(borrow, default)]
    pub text: Lenient<'a>,
    #[serde(borrow, default)]
    pub thinking: Lenient<'a>,
    #[serde(borrow, default)]
    pub partial_json: Lenient<'a>,
    #[serde(borrow, default)]
    pub stop_reason: Lenient<'a>,
}

/// The stream event types the API documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    MessageStart,
    ContentBlockStart,
    ContentBlockDelta,
    ContentBlockStop,
    MessageDelta,
    MessageStop,
    Ping,
    Error,
}

impl EventKind {
    pub fn of(kind: &str) -> Option<EventKind> {
        Some(match kind {
            "message_start" => EventKind::MessageStart,
            "content_block_start" => EventKind::ContentBlockStart,
            "content_block_delta" => EventKind::ContentBlockDelta,
            "content_block_stop" => EventKind::ContentBlockStop,
            "message_delta" => EventKind::MessageDelta,
            "message_stop" => EventKind::MessageStop,
            "ping" => EventKind::Ping,
            "error" => EventKind::Error,
            _ => return None,
        })
    }

    /// Whether a stream holding this event is surely Anthropic's (pings and errors are
    /// not: other APIs send events of those names).
    pub fn tells_api(self) -> bool {
        !matches!(self, EventKind::Ping | EventKind::Error)
    }
}

/// The content block types the API documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Text,
    Thinking,
    RedactedThinking,
    /// A tool call: `tool_use` (the client runs it), `server_tool_use` and `mcp_tool_use`
    /// (the provider runs it). Its input streams as `input_json_delta`.
    Tool(ToolKind),
    /// Content that is no turn field: the results of tools the provider ran (every
    /// `*_tool_result`, a family that grows), container uploads and documents.
    Other,
}

impl BlockKind {
    pub fn of(kind: &str) -> Option<BlockKind> {
        Some(match kind {
            "text" => BlockKind::Text,
            "thinking" => BlockKind::Thinking,
            "redacted_thinking" => BlockKind::RedactedThinking,
            "tool_use" => BlockKind::Tool(ToolKind::Function),
            "server_tool_use" | "mcp_tool_use" => BlockKind::Tool(ToolKind::Server),
            "container_upload" | "document" => BlockKind::Other,
            result if result.ends_with("_tool_result") => BlockKind::Other,
            _ => return None,
        })
    }
}

/// The delta types the API documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeltaKind {
    Text,
    Thinking,
    InputJson,
    Signature,
    Citations,
}

impl DeltaKind {
    pub fn of(kind: &str) -> Option<DeltaKind> {
        Some(match kind {
            "text_delta" => DeltaKind::Text,
            "thinking_delta" => DeltaKind::Thinking,
            "input_json_delta" => DeltaKind::InputJson,
            "signature_delta" => DeltaKind::Signature,
            "citations_delta" => DeltaKind::Citations,
            _ => return None,
        })
    }

    /// Whether a delta of this type may fill a block of `block`'s type.
    pub fn fills(self, block: BlockKind) -> bool {
        matches!(
            (self, block),
            (DeltaKind::Text | DeltaKind::Citations, BlockKind::Text)
                | (
                    DeltaKind::Thinking | DeltaKind::Signature,
                    BlockKind::Thinking
                )
                | (DeltaKind::InputJson, BlockKind::Tool(_))
        )
    }
}

/// The usage object's counts (`message_start`'s `message.usage`, `message_delta`'s `usage`,
/// a blocking body's `usage`). Counts are cumulative: a later statement replaces an earlier.
///
/// `cache_creation` splits the cache write into 5-minute and 1-hour parts (priced apart);
/// `cache_write` stays the total. `output_tokens_details.thinking_tokens` is the thinking
/// inside `output`. `server_tool_use` counts the searches and fetches the API ran.
pub fn usage(value: &Value) -> Usage {
    let split = value.get("cache_creation").filter(|c| c.is_object());
    let part = |key| split.and_then(|c| count_at(c, key));
    let (five, hour) = (
        part("ephemeral_5m_input_tokens"),
        part("ephemeral_1h_input_tokens"),
    );
    let parts = match (five, hour) {
        (None, None) => None,
        _ => Some(five.unwrap_or(0).saturating_add(hour.unwrap_or(0))),
    };
    let server_tools = |key| value.get("server_tool_use").and_then(|s| count_at(s, key));
    Usage {
        input: count_at(value, INPUT_TOKENS),
        output: count_at(value, OUTPUT_TOKENS),
        cache_read: count_at(value, "cache_read_input_tokens"),
        cache_write: count_at(value, "cache_creation_input_tokens").or(parts),
        reasoning: value
            .get("output_tokens_details")
            .and_then(|d| count_at(d, "thinking_tokens")),
        cache_write_1h: hour,
        web_search_requests: server_tools("web_search_requests"),
        web_fetch_requests: server_tools("web_fetch_requests"),
        provider_usd: None,
    }
}

/// Where the usage object has counts, as [`usage`] reads them.
const COUNTS: [&str; 9] = [
    INPUT_TOKENS,
    OUTPUT_TOKENS,
    "cache_read_input_tokens",
    "cache_creation_input_tokens",
    "cache_creation.ephemeral_5m_input_tokens",
    "cache_creation.ephemeral_1h_input_tokens",
    "output_tokens_details.thinking_tokens",
    "server_tool_use.web_search_requests",
    "server_tool_use.web_fetch_requests",
];

/// The counts [`usage`] leaves out because they are there but no whole, non-negative count.
pub fn bad_counts(value: &Value) -> Vec<BadCount> {
    super::bad_counts(value, &COUNTS)
}

/// How the response was served, as its usage says (`service_tier`, `inference_geo`,
/// `speed`).
pub fn service(usage: &Value) -> Service {
    let text = |key| str_at(usage, key).map(str::to_string);
    Service {
        tier: text("service_tier"),
        inference_geo: text("inference_geo"),
        speed: text("speed"),
    }
}

/// The usage key of the prompt's uncached tokens.
pub const INPUT_TOKENS: &str = "input_tokens";
/// The usage key of the generated tokens.
pub const OUTPUT_TOKENS: &str = "output_tokens";

/// A content block's `type`, `id` and `name`, as a block object states them.
pub fn block_fields(block: &Value) -> (&str, Option<&str>, &str) {
    (
        str_at(block, "type").unwrap_or_default(),
        str_at(block, "id"),
        str_at(block, "name").unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cache_creation_splits_the_write_and_keeps_the_total() {
        let u = usage(&json!({"input_tokens": 10, "output_tokens": 5,
            "cache_creation_input_tokens": 300,
            "cache_creation": {"ephemeral_5m_input_tokens": 200, "ephemeral_1h_input_tokens": 100}}));
        assert_eq!((u.cache_write, u.cache_write_1h), (Some(300), Some(100)));
        // Without the total, the parts give it: 200 + 100.
        let u = usage(&json!({"cache_creation":
            {"ephemeral_5m_input_tokens": 200, "ephemeral_1h_input_tokens": 100}}));
        assert_eq!((u.cache_write, u.cache_write_1h), (Some(300), Some(100)));
        // No split said: nothing is 1-hour.
        let u = usage(&json!({"cache_creation_input_tokens": 300}));
        assert_eq!((u.cache_write, u.cache_write_1h), (Some(300), None));
    }

    #[test]
    fn thinking_tokens_and_server_tools() {
        let u = usage(&json!({"output_tokens": 500,
            "output_tokens_details": {"thinking_tokens": 200},
            "server_tool_use": {"web_search_requests": 2, "web_fetch_requests": 1}}));
        assert_eq!(u.output, Some(500));
        assert_eq!(u.reasoning, Some(200));
        assert_eq!(u.web_search_requests, Some(2));
        assert_eq!(u.web_fetch_requests, Some(1));
    }
}
