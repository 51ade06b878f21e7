//! What a turn holds beyond its texts, bounded: a run keeps every turn until it is threaded,
//! and the texts go to a temporary file (`run::held`) while the rest stays, so a name of
//! megabytes, or tens of thousands of tool calls, would be held for every turn that has
//! one and summed over the inputs. Real names are under a hundred characters and real
//! responses make a handful of calls; past [`MAX_NAME`] and [`MAX_NUMBERED`] the rest is
//! cut, and a warning says how much there was. Applied to every turn a capture gives, and
//! again to every turn read back from JSONL (which may have been written by anything).
//!
//! What a request says is bounded where many turns answer it ([`cut_shared`]): held once,
//! it is printed with every turn.

use std::borrow::Cow;
use std::io;
use std::sync::Arc;

use serde_json::Value;

use crate::decode::numbered::MAX_NUMBERED;
use crate::redact;
use crate::request::{RequestRead, RequestSummary, ToolResult};
use crate::turn::Turn;
use crate::warning::{MAX_NAME, Warning};

/// Cuts `turn`'s names to [`MAX_NAME`] bytes (model names, its id, its stop reason,
/// its tool calls' names and ids, how it was served, the Responses conversation it names)
/// and its tool calls to [`MAX_NUMBERED`], with a warning for each kind cut; drops an
/// error type that is no identifier ([`is_identifier`]).
pub fn bound(turn: &mut Turn) {
    // An error's type is an identifier (`rate_limit_error`, `throttlingException`);
    // anything else is no type, and may be anything (a Bedrock frame's header).
    if let Some(error) = turn.error.as_mut() {
        error.kind = error.kind.take().filter(|kind| is_identifier(kind));
    }
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
    // A request read back (a capture's is cut as it is read, [`bound_request`]).
    let request = turn.request.as_mut();
    let long_id = |r: &&mut Arc<RequestSummary>| {
        (r.previous_response_id.as_ref()).is_some_and(|id| id.len() > MAX_NAME)
    };
    if let Some(request) = request.filter(long_id) {
        let bytes = bound_request(Arc::make_mut(request));
        turn.warnings.extend(bytes);
    }
    for (what, bytes) in cut {
        turn.warnings.push(Warning::LongName { what, bytes });
    }
}

/// Cuts the names a request summary carries (its `previous_response_id`) to [`MAX_NAME`]
/// bytes, saying so. The tools it offers are not cut: each turn holds the summary of its
/// request, shared with the turns answering the same request, and prints it whole, so
/// they are held once and printed as often as the request was answered (see
/// [`cut_shared`] for requests answered many times).
pub fn bound_request(summary: &mut RequestSummary) -> Option<Warning> {
    let bytes = summary.previous_response_id.as_mut().and_then(cut_long)?;
    Some(Warning::LongName {
        what: "previous response id",
        bytes,
    })
}

/// How many turns answering one request (a txtar's sections) print what it says whole. A
/// fixture answers its request a few times (streaming, blocking, each with its tool-call
/// follow-up); a txtar of thousands of sections each printing a megabyte's prompt, tool
/// results, tools list or tool choice would print gigabytes from one megabyte.
pub const SHARED_WHOLE: usize = 8;

/// What the turns answering one request past the first [`SHARED_WHOLE`] hold of it: its
/// `prompt` and `read`, with the prompt, the tool results, the tools offered and the tool
/// choice each cut to [`MAX_NAME`] bytes, and a warning for each cut. The rest is kept:
/// the count of messages, the parameters, and the digests threading links by (of at most
/// [`crate::request::history::KEPT_REPLAYS`] messages). Made once for all of those
/// turns, which share it.
pub fn cut_shared(
    prompt: Option<&Arc<str>>,
    read: &RequestRead,
) -> (Option<Arc<str>>, RequestRead, Vec<Warning>) {
    let mut warnings = Vec::new();
    let mut said = |what, bytes| {
        warnings.push(Warning::SharedRequestCut {
            whole: SHARED_WHOLE,
            what,
            bytes,
        })
    };
    let prompt = prompt.map(|prompt| match redact::cut_end(prompt, MAX_NAME) {
        Some(end) => {
            said("prompt", prompt.len());
            Arc::from([&prompt[..end], redact::CUT].concat())
        }
        None => Arc::clone(prompt),
    });
    let results = read.tool_results.iter();
    let bytes: usize = results
        .map(|r| r.call_id.len() + json_len(&r.content))
        .sum();
    let tool_results = match bytes > MAX_NAME {
        true => {
            said("tool results", bytes);
            Arc::from(cut_results(&read.tool_results))
        }
        false => Arc::clone(&read.tool_results),
    };
    let whole = &read.summary;
    let mut summary = None;
    if let Some(tools) = &whole.tools {
        let bytes = json_len(&serde_json::json!(tools));
        if bytes > MAX_NAME {
            said("tools list", bytes);
            let mut left = MAX_NAME;
            let kept = tools.iter().map_while(|name| {
                left = left.checked_sub(name.len() + 3)?;
                Some(name.clone())
            });
            let cut = summary.get_or_insert_with(|| Box::new(lean(whole)));
            cut.tools = Some(kept.collect());
        }
    }
    if let Some(choice) = &whole.tool_choice {
        let bytes = json_len(choice);
        if bytes > MAX_NAME {
            said("tool choice", bytes);
            let cut = summary.get_or_insert_with(|| Box::new(lean(whole)));
            cut.tool_choice = Some(fit(choice, MAX_NAME));
        }
    }
    let read = RequestRead {
        summary: summary.map_or_else(|| Arc::clone(whole), |cut| Arc::new(*cut)),
        tool_results,
        conversation: read.conversation.clone(),
        history: Arc::clone(&read.history),
    };
    (prompt, read, warnings)
}

/// `whole` without its tools and tool choice, which are cut apart.
fn lean(whole: &RequestSummary) -> RequestSummary {
    RequestSummary {
        tools: None,
        tool_choice: None,
        params: whole.params.clone(),
        previous_response_id: whole.previous_response_id.clone(),
        ..*whole
    }
}

/// The first of `results` that fit in [`MAX_NAME`] bytes, the content of the last cut to
/// fit ([`fit`]).
fn cut_results(results: &[ToolResult]) -> Vec<ToolResult> {
    // What a result prints besides its id and content: their names, quotes, `is_error`.
    const AROUND: usize = 16;
    let mut left = MAX_NAME;
    let kept = results.iter().map_while(|result| {
        let room = left.checked_sub(result.call_id.len() + AROUND)?;
        let content = fit(&result.content, room);
        left = room.saturating_sub(json_len(&content));
        Some(ToolResult {
            call_id: result.call_id.clone(),
            content,
            is_error: result.is_error,
        })
    });
    kept.collect()
}

/// `value` if its JSON text fits in `max` bytes, else that text (a string's own text) cut
/// to fit, as a string ending in `…`.
fn fit(value: &Value, max: usize) -> Value {
    if json_len(value) <= max {
        return value.clone();
    }
    let text = match value {
        Value::String(text) => Cow::Borrowed(text.as_str()),
        value => {
            // Written until `max` bytes are: the rest is not needed.
            let mut prefix = Prefix(Vec::with_capacity(max), max);
            let _ = serde_json::to_writer(&mut prefix, value);
            let bytes = prefix.0;
            let valid = match std::str::from_utf8(&bytes) {
                Ok(_) => bytes.len(),
                Err(err) => err.valid_up_to(),
            };
            Cow::Owned(String::from_utf8_lossy(&bytes[..valid]).into_owned())
        }
    };
    // It does not fit as it is, so it is cut, whatever the text's length (a prefix may
    // end before `max` bytes, at the last whole character).
    let mut end = max.saturating_sub(redact::CUT.len()).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Value::String([&text[..end], redact::CUT].concat())
}

/// How many bytes `value`'s JSON text takes, counted, not written.
fn json_len(value: &Value) -> usize {
    let mut count = Count(0);
    // Counting cannot fail.
    let _ = serde_json::to_writer(&mut count, value);
    count.0
}

/// A writer that counts what is written to it.
struct Count(usize);

impl io::Write for Count {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0 += bytes.len();
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A writer that keeps the first `.1` bytes written to it, then fails, which stops the
/// writing.
struct Prefix(Vec<u8>, usize);

impl io::Write for Prefix {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let room = self.1 - self.0.len();
        if room == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        let taken = bytes.len().min(room);
        self.0.extend_from_slice(&bytes[..taken]);
        Ok(taken)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
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
fn is_identifier(text: &str) -> bool {
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

    #[test]
    fn a_value_too_long_is_cut_to_its_text_at_a_character() {
        let small = serde_json::json!({"type": "auto"});
        assert_eq!(fit(&small, MAX_NAME), small);
        let text = Value::String("é".repeat(300));
        let cut = fit(&text, MAX_NAME);
        let cut = cut.as_str().unwrap();
        assert!(cut.len() <= MAX_NAME && cut.ends_with('…') && cut.starts_with("éé"));
        // Not a string: its JSON text, cut wherever a character ends.
        let blocks = serde_json::json!([{"type": "text", "text": "é".repeat(300)}]);
        let cut = fit(&blocks, MAX_NAME);
        let cut = cut.as_str().unwrap();
        assert!(cut.len() <= MAX_NAME, "{}", cut.len());
        assert!(cut.starts_with(r#"[{"text":"éé"#) || cut.starts_with(r#"[{"type""#));
        assert!(cut.ends_with("é…"), "{cut}");
    }

    #[test]
    fn a_shared_request_small_enough_is_shared_as_it_is() {
        let read = crate::request::read(
            crate::turn::Api::OpenaiChat,
            &serde_json::json!({"model": "m", "tools": [{"type": "function",
                "function": {"name": "f"}}], "tool_choice": "auto",
                "messages": [{"role": "tool", "tool_call_id": "c", "content": "ok"}]}),
        );
        let prompt: Arc<str> = Arc::from("hi");
        let (kept, cut, warnings) = cut_shared(Some(&prompt), &read);
        assert!(Arc::ptr_eq(&kept.unwrap(), &prompt));
        assert!(Arc::ptr_eq(&cut.summary, &read.summary));
        assert!(Arc::ptr_eq(&cut.tool_results, &read.tool_results));
        assert!(warnings.is_empty());
    }
}
