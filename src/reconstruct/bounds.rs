//! What a turn holds beyond its texts, bounded: a run keeps every turn until it is threaded,
//! and the texts go to a temporary file (`run::held`) while the rest stays, so a name of
//! megabytes, or tens of thousands of tool calls, would be held for every turn that has
//! one and summed over the inputs. Real names are under a hundred characters and real
//! responses make a handful of calls; past [`MAX_NAME`] and [`MAX_NUMBERED`] the rest is
//! cut, and a warning says how much there was. Applied to every turn a capture gives, and
//! again to every turn read back from JSONL (which may have been written by anything).

use crate::decode::numbered::MAX_NUMBERED;
use crate::redact;
use crate::turn::Turn;
use crate::warning::{MAX_NAME, Warning};

/// Cuts `turn`'s names to [`MAX_NAME`] bytes (model names, its id, its stop reason,
/// its tool calls' names and ids, how it was served, the Responses conversation it names)
/// and its tool calls to [`MAX_NUMBERED`], with a warning for each kind cut.
pub fn bound(turn: &mut Turn) {
    let mut cut: Vec<(&'static str, usize)> = Vec::new();
    let mut name = |what, name: Option<&mut String>| {
        if let Some(bytes) = name.and_then(cut_long) {
            // One warning a kind: a turn of 10,000 long tool names says so once.
            if !cut.iter().any(|(kind, _)| *kind == what) {
                cut.push((what, bytes));
            }
        }
    };
    name("model name", turn.model.as_mut());
    name("requested model name", turn.request_model.as_mut());
    name("response id", turn.id.as_mut());
    name("stop reason", turn.stop_reason.as_mut());
    name(
        "Responses conversation",
        turn.threading.conversation.as_mut(),
    );
    if let Some(service) = turn.service.as_deref_mut() {
        name("service tier", service.tier.as_mut());
        name("inference region", service.inference_geo.as_mut());
        name("speed", service.speed.as_mut());
    }
    if turn.tool_calls.len() > MAX_NUMBERED {
        let count = turn.tool_calls.len();
        turn.tool_calls.truncate(MAX_NUMBERED);
        turn.tool_calls.shrink_to_fit();
        turn.warnings.push(Warning::TooManyToolCalls {
            count,
            max: MAX_NUMBERED,
        });
    }
    for call in &mut turn.tool_calls {
        name("tool name", Some(&mut call.name));
        name("tool call id", call.id.as_mut());
    }
    for (what, bytes) in cut {
        turn.warnings.push(Warning::LongName { what, bytes });
    }
}

/// Cuts `name` to [`MAX_NAME`] bytes, the last of them `…`, when it is longer: how many
/// it had. Bytes, not characters: names of 4-byte characters would hold four times as
/// much. A name cut once is not cut again when this tool's JSONL is read back.
fn cut_long(name: &mut String) -> Option<usize> {
    redact::cut_to(name, MAX_NAME)
}

/// Whether `text` could be an error type's name: a short word of ASCII letters, digits and
/// the punctuation type names use (`invalid_request_error`, `aws.ThrottlingException`,
/// `com.amazon#ValidationException`).
pub fn is_identifier(text: &str) -> bool {
    (1..=100).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-.:#/".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::turn::{Api, Service, ToolCall, ToolKind};

    fn call(name: &str, id: &str) -> ToolCall {
        ToolCall {
            id: Some(id.into()),
            name: name.into(),
            kind: ToolKind::Function,
            arguments: serde_json::json!({}),
            injected: false,
            thoughts_before: Default::default(),
            result: None,
        }
    }

    #[test]
    fn long_names_are_cut_and_said_once_a_kind() {
        let long = "n".repeat(MAX_NAME + 10);
        let mut turn = Turn::empty(Api::AnthropicMessages);
        turn.model = Some("claude-sonnet-4-5".into());
        turn.stop_reason = Some(long.clone());
        turn.service = Some(Box::new(Service {
            tier: Some(long.clone()),
            ..Service::default()
        }));
        turn.tool_calls = vec![call(&long, "a"), call(&long, &long), call("Read", "b")];
        bound(&mut turn);
        let cut = format!("{}…", &long[..MAX_NAME - 3]);
        assert_eq!(turn.model.as_deref(), Some("claude-sonnet-4-5"));
        assert_eq!(turn.stop_reason.as_deref(), Some(cut.as_str()));
        assert_eq!(
            turn.service.as_ref().unwrap().tier.as_deref(),
            Some(cut.as_str())
        );
        assert_eq!(turn.tool_calls[1].name, cut);
        assert_eq!(turn.tool_calls[1].id.as_deref(), Some(cut.as_str()));
        assert_eq!(turn.tool_calls[2].name, "Read");
        let said: Vec<String> = turn.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(said.len(), 4, "{said:?}");
        assert!(said[0].starts_with("the stop reason is 266 bytes long"));
        assert!(said[2].starts_with("the tool name is 266"), "{said:?}");
        // Read back, what was cut is not cut again.
        let again = turn.tool_calls[1].clone();
        turn.warnings.clear();
        bound(&mut turn);
        assert_eq!(turn.tool_calls[1], again);
        assert!(turn.warnings.is_empty());
    }

    #[test]
    fn tool_calls_past_the_most_a_stream_opens_are_left_out() {
        let mut turn = Turn::empty(Api::AnthropicMessages);
        turn.tool_calls = (0..MAX_NUMBERED + 5)
            .map(|n| call("Read", &n.to_string()))
            .collect();
        bound(&mut turn);
        assert_eq!(turn.tool_calls.len(), MAX_NUMBERED);
        assert_eq!(
            turn.warnings[0].to_string(),
            "the response makes 10,005 tool calls: past the first 10,000 they are left out"
        );
    }
}
