//! The user prompt of a request: what the user said last, as aibridge records it.
//!
//! A request's prompt is its last message when that message is the user's and holds text.
//! A request whose last message is a tool result (an agent's follow-up) has no prompt of its
//! own: repeating an earlier question would count it once per tool round. The rule is the
//! same for all three APIs, whose tool results differ in shape (an Anthropic user message of
//! `tool_result` blocks, a Chat `tool` message, a Responses `function_call_output` item).

use serde_json::Value;

use crate::decode::str_at;
use crate::turn::Api;

/// The prompt of `request` for `api`, or `None` when its last message is no user text.
pub fn of(api: Api, request: &Value) -> Option<String> {
    match api {
        Api::AnthropicMessages | Api::OpenaiChat => messages(request),
        Api::OpenaiResponses => responses_input(request),
    }
}

/// Anthropic and Chat: the last message, if it is `role: user`; its string content, or the
/// text of its last `text` part.
fn messages(request: &Value) -> Option<String> {
    let last = request["messages"].as_array()?.last()?;
    if str_at(last, "role") != Some("user") {
        return None;
    }
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

/// Responses: a string `input`, or the last input item, if it is the user's: its string
/// content, or its `input_text` parts joined with `\n`.
fn responses_input(request: &Value) -> Option<String> {
    let items = match &request["input"] {
        Value::String(text) => return Some(text.clone()),
        Value::Array(items) => items,
        _ => return None,
    };
    let last = items.last()?;
    let is_user_message = str_at(last, "role") == Some("user")
        && matches!(str_at(last, "type"), None | Some("message"));
    if !is_user_message {
        return None;
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn last_user_text() {
        let chat = json!({"messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}]});
        assert_eq!(of(Api::OpenaiChat, &chat).as_deref(), Some("hi"));
        let parts = json!({"messages": [{"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "image"}, {"type": "text", "text": "b"}]}]});
        assert_eq!(of(Api::AnthropicMessages, &parts).as_deref(), Some("b"));
        let items = json!({"input": [{"role": "user", "content": [{"type": "input_text", "text": "a"}, {"type": "input_text", "text": "b"}]}]});
        assert_eq!(of(Api::OpenaiResponses, &items).as_deref(), Some("a\nb"));
    }

    #[test]
    fn follow_ups_after_tool_results_have_none() {
        let anthropic = json!({"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": []},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t", "content": "42"}]}]});
        assert_eq!(of(Api::AnthropicMessages, &anthropic), None);
        let chat = json!({"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "tool_calls": []},
            {"role": "tool", "tool_call_id": "t", "content": "42"}]});
        assert_eq!(of(Api::OpenaiChat, &chat), None);
        let responses = json!({"input": [{"role": "user", "content": "q"}, {"type": "function_call", "call_id": "c"},
            {"type": "function_call_output", "call_id": "c", "output": "42"}]});
        assert_eq!(of(Api::OpenaiResponses, &responses), None);
    }
}
