//! How a request was set up: the turn's `request` object.
//!
//! Every field is `None` where the request does not say, so a reader can tell "the client
//! left it to the provider's default" from any value. The three APIs spell the same knobs
//! differently; this reads each spelling into one meaning.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{items, str_at};
use crate::bounded_json::First;
use crate::decode::numbered::MAX_NUMBERED;
use crate::turn::Api;

/// The request of a turn, summed up.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct RequestSummary {
    /// Messages (Anthropic, Chat: system messages included) or input items (Responses: a
    /// string `input` is one) the request carries.
    pub messages: Option<u64>,
    /// Whether the request gives a system prompt: Anthropic `system`, a Chat `system` or
    /// `developer` message, Responses `instructions` or a `system`/`developer` input item.
    /// `None` only for a body that is not a JSON object.
    pub system: Option<bool>,
    /// The names of the tools offered, in request order. Tools with no name (Responses
    /// built-ins such as `web_search`) are named by their type; a Responses MCP server as
    /// `mcp:<server_label>`. At most [`MAX_NUMBERED`] (past them, a warning says how many
    /// more there were; read back, they are left out).
    #[serde(default, deserialize_with = "read_tools")]
    pub tools: Option<Vec<String>>,
    /// `tool_choice` exactly as the request gave it (Chat: or the legacy `function_call`).
    #[serde(default, deserialize_with = "crate::bounded_json::optional_value")]
    pub tool_choice: Option<Value>,
    pub params: Params,
    /// Responses: the earlier response this one continues.
    pub previous_response_id: Option<String>,
}

/// The tools offered, read back: the first [`MAX_NUMBERED`].
fn read_tools<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    let read = Option::<First<String, MAX_NUMBERED>>::deserialize(d)?;
    Ok(read.map(|first| first.items))
}

/// Sampling and generation parameters, each as the request set it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Params {
    pub temperature: Option<f64>,
    /// Anthropic `max_tokens`; Chat `max_completion_tokens`, else `max_tokens`; Responses
    /// `max_output_tokens`.
    pub max_tokens: Option<u64>,
    pub reasoning: Option<Reasoning>,
    pub stream: Option<bool>,
    /// Chat and Responses `parallel_tool_calls`; Anthropic: the opposite of
    /// `tool_choice.disable_parallel_tool_use`.
    pub parallel_tool_calls: Option<bool>,
}

/// How much the model was asked to reason: a level or a budget in tokens.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Reasoning {
    /// A level as the request spells it: Chat `reasoning_effort`, Responses
    /// `reasoning.effort` (`minimal`, `low`, `medium`, `high`, …), Anthropic
    /// `output_config.effort`, or an Anthropic thinking type without a budget
    /// (`adaptive`, `disabled`).
    Level(String),
    /// A thinking budget: Anthropic `thinking.budget_tokens` (type `enabled`), or
    /// OpenRouter's Chat `reasoning.max_tokens`.
    Budget(u64),
}

/// The summary of `body`, a request of `api`.
pub fn of(api: Api, body: &Value) -> RequestSummary {
    if !body.is_object() {
        return RequestSummary::default();
    }
    let common = Params {
        temperature: body.get("temperature").and_then(Value::as_f64),
        stream: body.get("stream").and_then(Value::as_bool),
        ..Params::default()
    };
    match api {
        Api::AnthropicMessages => anthropic(body, common),
        Api::OpenaiChat => chat(body, common),
        Api::OpenaiResponses => responses(body, common),
    }
}

fn count(value: &Value, key: &str) -> Option<u64> {
    value.get(key).and_then(Value::as_u64)
}

fn level(value: Option<&str>) -> Option<Reasoning> {
    value.map(|level| Reasoning::Level(level.to_string()))
}

/// A system prompt that says something: a non-empty string or block list.
fn says_something(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::String(text)) => !text.is_empty(),
        Some(Value::Array(parts)) => !parts.is_empty(),
        Some(_) => true,
    }
}

/// Names of the tools in `body[key]`: each tool's `name`, or the name nested under its
/// type's own object (Chat `{"type": "function", "function": {"name"}}`), else its type.
fn tool_names(body: &Value, key: &str) -> Option<Vec<String>> {
    let tools = body.get(key)?.as_array()?;
    Some(
        tools
            .iter()
            .filter_map(|tool| {
                let kind = str_at(tool, "type");
                if let Some(name) = str_at(tool, "name") {
                    return Some(name.to_string());
                }
                if let Some(name) = kind
                    .and_then(|k| tool.get(k))
                    .and_then(|t| str_at(t, "name"))
                {
                    return Some(name.to_string());
                }
                if kind == Some("mcp") {
                    if let Some(label) = str_at(tool, "server_label") {
                        return Some(format!("mcp:{label}"));
                    }
                }
                kind.map(str::to_string)
            })
            .collect(),
    )
}

fn anthropic(body: &Value, common: Params) -> RequestSummary {
    let thinking = &body["thinking"];
    let reasoning = match (str_at(thinking, "type"), count(thinking, "budget_tokens")) {
        (Some("enabled"), Some(budget)) => Some(Reasoning::Budget(budget)),
        (kind, _) => level(str_at(&body["output_config"], "effort").or(kind)),
    };
    let tool_choice = body.get("tool_choice").filter(|c| !c.is_null());
    RequestSummary {
        messages: body["messages"].as_array().map(|m| m.len() as u64),
        system: Some(says_something(body.get("system"))),
        tools: tool_names(body, "tools"),
        tool_choice: tool_choice.cloned(),
        params: Params {
            max_tokens: count(body, "max_tokens"),
            reasoning,
            parallel_tool_calls: tool_choice
                .and_then(|c| c.get("disable_parallel_tool_use"))
                .and_then(Value::as_bool)
                .map(|disabled| !disabled),
            ..common
        },
        previous_response_id: None,
    }
}

fn chat(body: &Value, common: Params) -> RequestSummary {
    let messages = items(Api::OpenaiChat, body);
    let system = messages
        .iter()
        .any(|m| matches!(str_at(m, "role"), Some("system" | "developer")));
    // OpenRouter and other gateways take `reasoning: {effort | max_tokens}` on Chat too.
    let reasoning = level(str_at(body, "reasoning_effort"))
        .or_else(|| level(str_at(&body["reasoning"], "effort")))
        .or_else(|| count(&body["reasoning"], "max_tokens").map(Reasoning::Budget));
    RequestSummary {
        messages: body["messages"].as_array().map(|m| m.len() as u64),
        system: Some(system),
        tools: tool_names(body, "tools").or_else(|| tool_names(body, "functions")),
        tool_choice: ["tool_choice", "function_call"]
            .iter()
            .find_map(|key| body.get(*key).filter(|c| !c.is_null()))
            .cloned(),
        params: Params {
            max_tokens: count(body, "max_completion_tokens").or_else(|| count(body, "max_tokens")),
            reasoning,
            parallel_tool_calls: body.get("parallel_tool_calls").and_then(Value::as_bool),
            ..common
        },
        previous_response_id: None,
    }
}

fn responses(body: &Value, common: Params) -> RequestSummary {
    let messages = match &body["input"] {
        Value::String(_) => Some(1),
        Value::Array(items) => Some(items.len() as u64),
        _ => None,
    };
    let system = says_something(body.get("instructions"))
        || items(Api::OpenaiResponses, body)
            .iter()
            .any(|m| matches!(str_at(m, "role"), Some("system" | "developer")));
    RequestSummary {
        messages,
        system: Some(system),
        tools: tool_names(body, "tools"),
        tool_choice: body.get("tool_choice").filter(|c| !c.is_null()).cloned(),
        params: Params {
            max_tokens: count(body, "max_output_tokens"),
            reasoning: level(str_at(&body["reasoning"], "effort")),
            parallel_tool_calls: body.get("parallel_tool_calls").and_then(Value::as_bool),
            ..common
        },
        previous_response_id: str_at(body, "previous_response_id").map(str::to_string),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn anthropic_spellings() {
        let body = json!({
            "model": "claude-sonnet-4-5", "max_tokens": 8192, "temperature": 0.2, "stream": true,
            "system": [{"type": "text", "text": "You are terse.", "cache_control": {"type": "ephemeral"}}],
            "thinking": {"type": "enabled", "budget_tokens": 4000},
            "tools": [
                {"name": "read_file", "input_schema": {"type": "object"}},
                {"type": "web_search_20250305", "name": "web_search", "max_uses": 3},
                {"type": "bash_20250124", "name": "bash"}
            ],
            "tool_choice": {"type": "auto", "disable_parallel_tool_use": true},
            "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}, {"role": "user", "content": "bye"}]
        });
        let summary = of(Api::AnthropicMessages, &body);
        assert_eq!(summary.messages, Some(3));
        assert_eq!(summary.system, Some(true));
        assert_eq!(
            summary.tools,
            Some(vec!["read_file".into(), "web_search".into(), "bash".into()])
        );
        assert_eq!(
            summary.tool_choice,
            Some(json!({"type": "auto", "disable_parallel_tool_use": true}))
        );
        assert_eq!(
            summary.params,
            Params {
                temperature: Some(0.2),
                max_tokens: Some(8192),
                reasoning: Some(Reasoning::Budget(4000)),
                stream: Some(true),
                parallel_tool_calls: Some(false),
            }
        );
        assert_eq!(summary.previous_response_id, None);
    }

    #[test]
    fn anthropic_defaults_left_unsaid() {
        let body = json!({"model": "claude-haiku-4-5", "max_tokens": 1024, "system": "",
            "messages": [{"role": "user", "content": "hi"}]});
        let summary = of(Api::AnthropicMessages, &body);
        assert_eq!(summary.system, Some(false));
        assert_eq!(summary.tools, None);
        assert_eq!(summary.tool_choice, None);
        assert_eq!(
            summary.params,
            Params {
                max_tokens: Some(1024),
                ..Params::default()
            }
        );
        let adaptive =
            json!({"thinking": {"type": "adaptive"}, "output_config": {"effort": "high"}});
        assert_eq!(
            of(Api::AnthropicMessages, &adaptive).params.reasoning,
            Some(Reasoning::Level("high".into()))
        );
        let disabled = json!({"thinking": {"type": "disabled"}});
        assert_eq!(
            of(Api::AnthropicMessages, &disabled).params.reasoning,
            Some(Reasoning::Level("disabled".into()))
        );
        let parallel = json!({"tool_choice": {"type": "any", "disable_parallel_tool_use": false}});
        assert_eq!(
            of(Api::AnthropicMessages, &parallel)
                .params
                .parallel_tool_calls,
            Some(true)
        );
    }

    #[test]
    fn chat_spellings() {
        let body = json!({
            "model": "o4-mini", "max_tokens": 100, "max_completion_tokens": 2000,
            "reasoning_effort": "low", "parallel_tool_calls": false, "stream": false,
            "messages": [{"role": "developer", "content": "be brief"}, {"role": "user", "content": "hi"}],
            "tools": [
                {"type": "function", "function": {"name": "get_weather", "parameters": {}}},
                {"type": "custom", "custom": {"name": "apply_patch", "format": {"type": "text"}}}
            ],
            "tool_choice": "required"
        });
        let summary = of(Api::OpenaiChat, &body);
        assert_eq!(summary.messages, Some(2));
        assert_eq!(summary.system, Some(true));
        assert_eq!(
            summary.tools,
            Some(vec!["get_weather".into(), "apply_patch".into()])
        );
        assert_eq!(summary.tool_choice, Some(json!("required")));
        assert_eq!(
            summary.params,
            Params {
                temperature: None,
                max_tokens: Some(2000),
                reasoning: Some(Reasoning::Level("low".into())),
                stream: Some(false),
                parallel_tool_calls: Some(false),
            }
        );
    }

    #[test]
    fn chat_legacy_and_gateway_spellings() {
        let body = json!({"messages": [{"role": "user", "content": "hi"}], "max_tokens": 64,
            "functions": [{"name": "lookup"}], "function_call": {"name": "lookup"},
            "reasoning": {"max_tokens": 2048}});
        let summary = of(Api::OpenaiChat, &body);
        assert_eq!(summary.system, Some(false));
        assert_eq!(summary.tools, Some(vec!["lookup".into()]));
        assert_eq!(summary.tool_choice, Some(json!({"name": "lookup"})));
        assert_eq!(summary.params.max_tokens, Some(64));
        assert_eq!(summary.params.reasoning, Some(Reasoning::Budget(2048)));
        let effort = json!({"messages": [], "reasoning": {"effort": "high"}});
        assert_eq!(
            of(Api::OpenaiChat, &effort).params.reasoning,
            Some(Reasoning::Level("high".into()))
        );
    }

    #[test]
    fn responses_spellings() {
        let body = json!({
            "model": "gpt-5", "instructions": "You are a coding agent.", "input": "fix the bug",
            "max_output_tokens": 16000, "reasoning": {"effort": "medium", "summary": "auto"},
            "previous_response_id": "resp_abc", "temperature": 1, "stream": true,
            "parallel_tool_calls": true, "tool_choice": {"type": "function", "name": "shell"},
            "tools": [
                {"type": "function", "name": "shell", "parameters": {}},
                {"type": "custom", "name": "apply_patch"},
                {"type": "web_search"},
                {"type": "mcp", "server_label": "deepwiki", "server_url": "https://mcp.deepwiki.com/mcp"},
                {"type": "code_interpreter", "container": {"type": "auto"}}
            ]
        });
        let summary = of(Api::OpenaiResponses, &body);
        assert_eq!(summary.messages, Some(1));
        assert_eq!(summary.system, Some(true));
        assert_eq!(
            summary.tools,
            Some(vec![
                "shell".into(),
                "apply_patch".into(),
                "web_search".into(),
                "mcp:deepwiki".into(),
                "code_interpreter".into()
            ])
        );
        assert_eq!(
            summary.tool_choice,
            Some(json!({"type": "function", "name": "shell"}))
        );
        assert_eq!(
            summary.params,
            Params {
                temperature: Some(1.0),
                max_tokens: Some(16000),
                reasoning: Some(Reasoning::Level("medium".into())),
                stream: Some(true),
                parallel_tool_calls: Some(true),
            }
        );
        assert_eq!(summary.previous_response_id.as_deref(), Some("resp_abc"));
    }

    #[test]
    fn responses_items_and_developer_messages() {
        let body = json!({"input": [
            {"role": "developer", "content": "rules"},
            {"role": "user", "content": [{"type": "input_text", "text": "hi"}]}
        ]});
        let summary = of(Api::OpenaiResponses, &body);
        assert_eq!(summary.messages, Some(2));
        assert_eq!(summary.system, Some(true));
        assert_eq!(summary.tools, None);
        assert_eq!(summary.previous_response_id, None);
    }

    #[test]
    fn serializes_with_the_issue_field_names() {
        let body = json!({"model": "claude-haiku-4-5", "max_tokens": 512, "thinking": {"type": "enabled", "budget_tokens": 1024},
            "messages": [{"role": "user", "content": "hi"}]});
        let json = serde_json::to_value(of(Api::AnthropicMessages, &body)).unwrap();
        assert_eq!(
            json,
            json!({"messages": 1, "system": false, "tools": null, "tool_choice": null,
                "params": {"temperature": null, "max_tokens": 512, "reasoning": 1024, "stream": null,
                    "parallel_tool_calls": null},
                "previous_response_id": null})
        );
    }

    #[test]
    fn not_an_object_says_nothing() {
        assert_eq!(
            of(Api::OpenaiChat, &json!([1, 2])),
            RequestSummary::default()
        );
    }
}
