//! The user prompt of a request: the last user message's text.

use serde_json::Value;

use super::builder::str_at;
use crate::turn::Api;

/// The prompt of `request` for `api`, or `None` when the last user message has no text.
pub fn of(api: Api, request: &Value) -> Option<String> {
    match api {
        Api::AnthropicMessages | Api::OpenaiChat => messages(request),
        Api::OpenaiResponses => responses_input(request),
    }
}

/// Anthropic and Chat: the last `role: user` message; its string content, or its last text part.
fn messages(request: &Value) -> Option<String> {
    let last = request["messages"]
        .as_array()?
        .iter()
        .rev()
        .find(|m| str_at(m, "role") == Some("user"))?;
    match &last["content"] {
        Value::String(text) => Some(text.clone()),
        Value::Array(parts) => parts
            .iter()
            .rev()
            .find(|p| str_at(p, "type") == Some("text"))
            .and_then(|p| str_at(p, "text"))
            .map(str::to_string),
        _ => None,
    }
}

/// Responses: a string `input`, or the last user item's `input_text` parts joined with `\n`.
fn responses_input(request: &Value) -> Option<String> {
    let items = match &request["input"] {
        Value::String(text) => return Some(text.clone()),
        Value::Array(items) => items,
        _ => return None,
    };
    let last = items.iter().rev().find(|item| {
        str_at(item, "role") == Some("user")
            && matches!(str_at(item, "type"), None | Some("message"))
    })?;
    match &last["content"] {
        Value::String(text) => Some(text.clone()),
        Value::Array(parts) => {
            let texts: Vec<&str> = parts
                .iter()
                .filter(|p| str_at(p, "type") == Some("input_text"))
                .filter_map(|p| str_at(p, "text"))
                .collect();
            (!texts.is_empty()).then(|| texts.join("\n"))
        }
        _ => None,
    }
}
