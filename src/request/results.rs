//! The tool results a request brings back: the turn's `tool_results`.
//!
//! Only the new ones: the results after the request's last assistant message (or last
//! Responses output item), which answer the calls of the turn this request continues. The
//! older results in the replayed history were new in an earlier request and belong to
//! that turn; listing them again on every later turn would repeat each result once per
//! remaining step, and hide which ones this request added. A Responses request that
//! continues by `previous_response_id` replays no output, so all its results are new.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{new_items, str_at};
use crate::turn::Api;

/// One tool result, as the request carried it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ToolResult {
    /// The id of the tool call it answers (Anthropic `tool_use_id`, Chat `tool_call_id`,
    /// Responses `call_id`).
    pub call_id: String,
    /// The result exactly as carried: a string, or an array of content blocks; null when
    /// the request gave none.
    #[serde(deserialize_with = "crate::bounded_json::value")]
    pub content: Value,
    /// Anthropic `is_error` (false when absent); `None` for APIs with no such flag.
    pub is_error: Option<bool>,
}

/// The new tool results of `body`, a request of `api`, in request order.
pub fn of(api: Api, body: &Value) -> Vec<ToolResult> {
    let new = new_items(api, body);
    match api {
        Api::AnthropicMessages => new
            .iter()
            .filter(|m| str_at(m, "role") == Some("user"))
            .filter_map(|m| m["content"].as_array())
            .flatten()
            .filter(|block| str_at(block, "type") == Some("tool_result"))
            .map(|block| ToolResult {
                call_id: id(block, "tool_use_id"),
                content: block.get("content").cloned().unwrap_or(Value::Null),
                is_error: Some(block["is_error"].as_bool().unwrap_or(false)),
            })
            .collect(),
        Api::OpenaiChat => new
            .iter()
            .filter(|m| str_at(m, "role") == Some("tool"))
            .map(|m| ToolResult {
                call_id: id(m, "tool_call_id"),
                content: m.get("content").cloned().unwrap_or(Value::Null),
                is_error: None,
            })
            .collect(),
        Api::OpenaiResponses => new
            .iter()
            .filter(|item| str_at(item, "type").is_some_and(|t| t.ends_with("_call_output")))
            .map(|item| ToolResult {
                // `local_shell_call_output` names its call by `id`.
                call_id: str_at(item, "call_id").map_or_else(|| id(item, "id"), str::to_string),
                content: item.get("output").cloned().unwrap_or(Value::Null),
                is_error: None,
            })
            .collect(),
    }
}

fn id(value: &Value, key: &str) -> String {
    str_at(value, key).unwrap_or_default().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn anthropic_results_in_the_last_user_turn() {
        let body = json!({"messages": [
            {"role": "user", "content": "list and read"},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_old", "name": "ls", "input": {}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_old", "content": "a.txt"}]},
            {"role": "assistant", "content": [
                {"type": "text", "text": "Reading both."},
                {"type": "tool_use", "id": "toolu_a", "name": "read", "input": {"path": "a.txt"}},
                {"type": "tool_use", "id": "toolu_b", "name": "read", "input": {"path": "b.txt"}}
            ]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_a", "content": [{"type": "text", "text": "alpha"}], "cache_control": {"type": "ephemeral"}},
                {"type": "tool_result", "tool_use_id": "toolu_b", "content": "ENOENT: no such file", "is_error": true},
                {"type": "text", "text": "keep going"}
            ]}
        ]});
        assert_eq!(
            of(Api::AnthropicMessages, &body),
            vec![
                ToolResult {
                    call_id: "toolu_a".into(),
                    content: json!([{"type": "text", "text": "alpha"}]),
                    is_error: Some(false),
                },
                ToolResult {
                    call_id: "toolu_b".into(),
                    content: json!("ENOENT: no such file"),
                    is_error: Some(true),
                },
            ]
        );
    }

    #[test]
    fn chat_tool_messages() {
        let body = json!({"messages": [
            {"role": "user", "content": "weather in Oslo and Rome?"},
            {"role": "assistant", "content": null, "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "w", "arguments": "{\"city\":\"Oslo\"}"}},
                {"id": "call_2", "type": "function", "function": {"name": "w", "arguments": "{\"city\":\"Rome\"}"}}
            ]},
            {"role": "tool", "tool_call_id": "call_1", "content": "4°C"},
            {"role": "tool", "tool_call_id": "call_2", "content": [{"type": "text", "text": "19°C"}]}
        ]});
        assert_eq!(
            of(Api::OpenaiChat, &body),
            vec![
                ToolResult {
                    call_id: "call_1".into(),
                    content: json!("4°C"),
                    is_error: None
                },
                ToolResult {
                    call_id: "call_2".into(),
                    content: json!([{"type": "text", "text": "19°C"}]),
                    is_error: None
                },
            ]
        );
    }

    #[test]
    fn responses_output_items() {
        let body = json!({"previous_response_id": "resp_1", "input": [
            {"type": "function_call_output", "call_id": "call_f", "output": "{\"ok\":true}"},
            {"type": "custom_tool_call_output", "call_id": "call_c", "output": "patched"},
            {"type": "local_shell_call_output", "id": "lsh_1", "output": "ok"}
        ]});
        let results = of(Api::OpenaiResponses, &body);
        let ids: Vec<&str> = results.iter().map(|r| r.call_id.as_str()).collect();
        assert_eq!(ids, ["call_f", "call_c", "lsh_1"]);
        assert_eq!(results[0].content, json!("{\"ok\":true}"));
        assert_eq!(results[1].is_error, None);
        // Full history: only what follows the replayed calls is new.
        let full = json!({"input": [
            {"role": "user", "content": "go"},
            {"type": "function_call", "call_id": "call_old", "name": "f", "arguments": "{}"},
            {"type": "function_call_output", "call_id": "call_old", "output": "1"},
            {"type": "function_call", "call_id": "call_new", "name": "f", "arguments": "{}"},
            {"type": "function_call_output", "call_id": "call_new", "output": "2"}
        ]});
        let ids: Vec<String> = of(Api::OpenaiResponses, &full)
            .into_iter()
            .map(|r| r.call_id)
            .collect();
        assert_eq!(ids, ["call_new"]);
    }

    #[test]
    fn no_results_in_a_first_request() {
        let body = json!({"messages": [{"role": "user", "content": "hi"}]});
        assert!(of(Api::AnthropicMessages, &body).is_empty());
        assert!(of(Api::OpenaiResponses, &json!({"input": "hi"})).is_empty());
    }
}
