//! The request side of a turn: what the client asked for, read fully, per API.
//!
//! Pure like reconstruction: a parsed request body in, values out. Three readings:
//! - [`summary`]: how the request was set up (messages, system prompt, tools offered,
//!   tool choice, sampling and reasoning parameters, `previous_response_id`);
//! - [`results`]: the tool results the request brings back, as the request carried them;
//! - [`history`]: digests of the conversation the request replays, so that threading can
//!   tell which earlier turn a request continues without comparing bodies pairwise.

pub mod history;
pub mod results;
pub mod summary;

use std::sync::Arc;

use serde_json::Value;

use crate::turn::Api;
pub use history::{Answer, Digest, History, Replayed};
pub use results::ToolResult;
pub use summary::{Params, Reasoning, RequestSummary};

/// Everything a request says that a turn and threading use. Shared, not copied, by the
/// turns of exchanges that share one request (a txtar's sections): a request of megabytes
/// answered a thousand times is held once.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestRead {
    pub summary: Arc<RequestSummary>,
    /// The new tool results: those after the request's last assistant message.
    pub tool_results: Arc<[ToolResult]>,
    /// Responses: the `conversation` the request belongs to, when it names one.
    pub conversation: Option<String>,
    pub history: Arc<History>,
}

/// Reads the request body `body` of an `api` exchange.
pub fn read(api: Api, body: &Value) -> RequestRead {
    RequestRead {
        summary: Arc::new(summary::of(api, body)),
        tool_results: results::of(api, body).into(),
        conversation: conversation(api, body),
        history: Arc::new(history::of(api, body)),
    }
}

impl RequestRead {
    /// Each name the request gives that a turn prints (the tools it offers, the calls its
    /// results answer, the conversation and response it continues, its reasoning level,
    /// the strings of its `tool_choice`), for what must be cut where one repeats a
    /// credential of the capture's own heads. Only a reading not yet shared is changed.
    pub fn names_mut(&mut self, mut f: impl FnMut(&mut String)) {
        if let Some(summary) = Arc::get_mut(&mut self.summary) {
            summary.tools.iter_mut().flatten().for_each(&mut f);
            summary.previous_response_id.iter_mut().for_each(&mut f);
            if let Some(summary::Reasoning::Level(level)) = summary.params.reasoning.as_mut() {
                f(level);
            }
            if let Some(choice) = summary.tool_choice.as_mut() {
                strings_mut(choice, &mut f);
            }
        }
        if let Some(results) = Arc::get_mut(&mut self.tool_results) {
            results.iter_mut().for_each(|r| f(&mut r.call_id));
        }
        self.conversation.iter_mut().for_each(f);
    }
}

/// Each string in `value`, however deep.
fn strings_mut(value: &mut Value, f: &mut impl FnMut(&mut String)) {
    match value {
        Value::String(text) => f(text),
        Value::Array(items) => items.iter_mut().for_each(|v| strings_mut(v, f)),
        Value::Object(members) => members.values_mut().for_each(|v| strings_mut(v, f)),
        _ => {}
    }
}

/// Responses' `conversation`: an id string, or an object holding the id.
fn conversation(api: Api, body: &Value) -> Option<String> {
    if api != Api::OpenaiResponses {
        return None;
    }
    let value = &body["conversation"];
    value
        .as_str()
        .or_else(|| str_at(value, "id"))
        .filter(|id| !id.is_empty())
        .map(str::to_string)
}

fn str_at<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

/// The messages (Anthropic, Chat) or input items (Responses) a request carries, in order;
/// a string `input` is one user message, returned as no items here.
fn items(api: Api, body: &Value) -> &[Value] {
    let key = match api {
        Api::AnthropicMessages | Api::OpenaiChat => "messages",
        Api::OpenaiResponses => "input",
    };
    body[key].as_array().map(Vec::as_slice).unwrap_or_default()
}

/// Whether an item is the model's own words or actions replayed: an assistant message, or
/// a Responses output item (reasoning, a function or built-in tool call).
fn is_model_item(api: Api, item: &Value) -> bool {
    if str_at(item, "role") == Some("assistant") {
        return true;
    }
    api == Api::OpenaiResponses
        && str_at(item, "type").is_some_and(|t| {
            t.ends_with("_call")
                || matches!(t, "reasoning" | "mcp_list_tools" | "mcp_approval_request")
        })
}

/// The items after the request's last model item: what the client added since the answer
/// it replays (everything, when it replays none).
fn new_items(api: Api, body: &Value) -> &[Value] {
    let items = items(api, body);
    let start = items
        .iter()
        .rposition(|item| is_model_item(api, item))
        .map_or(0, |last| last + 1);
    &items[start..]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn conversation_id_as_string_or_object() {
        let read_conv = |body| read(Api::OpenaiResponses, &body).conversation;
        assert_eq!(
            read_conv(json!({"conversation": "conv_1", "input": "hi"})).as_deref(),
            Some("conv_1")
        );
        assert_eq!(
            read_conv(json!({"conversation": {"id": "conv_2"}, "input": "hi"})).as_deref(),
            Some("conv_2")
        );
        assert_eq!(read_conv(json!({"input": "hi"})), None);
        let chat = json!({"conversation": "conv_1", "messages": []});
        assert_eq!(read(Api::OpenaiChat, &chat).conversation, None);
    }

    #[test]
    fn new_items_follow_the_last_model_item() {
        let body = json!({"input": [
            {"role": "user", "content": "q"},
            {"type": "reasoning", "summary": []},
            {"type": "function_call", "call_id": "c1", "name": "f", "arguments": "{}"},
            {"type": "function_call_output", "call_id": "c1", "output": "1"},
            {"role": "user", "content": "and?"}
        ]});
        assert_eq!(new_items(Api::OpenaiResponses, &body).len(), 2);
        let first = json!({"messages": [{"role": "user", "content": "q"}]});
        assert_eq!(new_items(Api::OpenaiChat, &first).len(), 1);
        let prefill = json!({"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "A"}]});
        assert!(new_items(Api::AnthropicMessages, &prefill).is_empty());
    }
}
