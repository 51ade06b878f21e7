//! What a turn holds beyond its texts, bounded: a run keeps every turn until it is threaded,
//! and the texts go to a temporary file (`run::held`) while the rest stays, so a name of
//! megabytes, or tens of thousands of tool calls, would be held for every turn that has
//! one and summed over the inputs. Real names are under a hundred characters and real
//! responses make a handful of calls; past [`MAX_NAME`] and [`MAX_NUMBERED`] the rest is
//! cut, and a warning says how much there was. Applied to every turn a capture gives, and
//! again to every turn read back from JSONL (which may have been written by anything).
//!
//! What a request says is bounded the same way, once, as it is read ([`bound_read`]); and
//! where many turns answer one request it is cut further for all but the first few
//! ([`cut_shared`]): held once, it is printed with every turn.

use std::borrow::Cow;
use std::io;
use std::sync::Arc;

use serde_json::Value;

use crate::decode::numbered::MAX_NUMBERED;
use crate::redact;
use crate::request::history::KEPT_REPLAYS;
use crate::request::{Reasoning, RequestRead, RequestSummary, ToolResult};
use crate::turn::Turn;
use crate::warning::{Listed, MAX_NAME, Warning};

/// Cuts `turn`'s names to [`MAX_NAME`] bytes (model names, its id, its stop reason,
/// its tool calls' names and ids, how it was served, the Responses conversation it names)
/// and its tool calls to [`MAX_NUMBERED`], with a warning for each kind cut; redacts the
/// capture's own words it carries (a txtar section's name, an interception id, a provider's
/// name); keeps an error type only when it is an identifier ([`is_identifier`]), redacted.
/// A capture's turn and one read back from JSONL both pass here. A request a turn
/// read back carries is bounded as a capture's is when it is read ([`bound_read`]).
pub fn bound(turn: &mut Turn) {
    // An error's type is an identifier (`rate_limit_error`, `throttlingException`);
    // anything else is no type, and may be anything (a Bedrock frame's header). An
    // identifier may still be shaped like a key (`ghp_…`, `AKIA…`): it is redacted as the
    // message is, and kept if it is still one (cut at its end), as it is read back.
    if let Some(error) = turn.error.as_mut() {
        error.kind = (error.kind.take())
            .filter(|kind| is_identifier(kind))
            .map(|kind| redact::redacted(&kind))
            .filter(|kind| is_identifier(kind));
    }
    let mut cuts = Cuts::default();
    cuts.words("txtar section name", turn.source.section.as_mut());
    cuts.words("interception id", turn.source.interception_id.as_mut());
    cuts.words("provider name", turn.source.provider.as_mut());
    cuts.name("model name", turn.model.as_mut());
    cuts.name("requested model name", turn.request_model.as_mut());
    cuts.name("response id", turn.id.as_mut());
    cuts.name("stop reason", turn.stop_reason.as_mut());
    cuts.name(
        "Responses conversation",
        turn.threading.conversation.as_mut(),
    );
    if let Some(service) = turn.service.as_deref_mut() {
        cuts.name("service tier", service.tier.as_mut());
        cuts.name("inference region", service.inference_geo.as_mut());
        cuts.name("speed", service.speed.as_mut());
    }
    if let Some(warning) = keep_numbered(&mut turn.thoughts, Listed::Thoughts) {
        turn.warnings.push(warning);
    }
    if let Some(warning) = keep_numbered(&mut turn.tool_calls, Listed::ToolCalls) {
        turn.warnings.push(warning);
    }
    for call in &mut turn.tool_calls {
        cuts.name("tool name", Some(&mut call.name));
        cuts.name("tool call id", call.id.as_mut());
    }
    // Read back, a turn's history is its own, and holds what JSONL gave: a capture's keeps
    // the last few replayed answers and replies.
    let history = &turn.threading.history;
    if history.replayed.len() > KEPT_REPLAYS || history.replies.len() > KEPT_REPLAYS {
        let history = Arc::make_mut(&mut turn.threading.history);
        // The last ones, made anew: drained, the lists would keep their room.
        let extra = history.replayed.len().saturating_sub(KEPT_REPLAYS);
        history.replayed = history.replayed.split_off(extra);
        let extra = history.replies.len().saturating_sub(KEPT_REPLAYS);
        history.replies = history.replies.split_off(extra);
    }
    // Read back, a turn's request is its own: made anew only when something is cut.
    if let Some(request) = turn.request.as_mut().filter(|r| !is_bounded(r)) {
        bound_summary(Arc::make_mut(request), &mut cuts);
    }
    let results = &turn.tool_results;
    if results.len() > MAX_NUMBERED || results.iter().any(|r| r.call_id.len() > MAX_NAME) {
        turn.tool_results = bound_results(results, &mut cuts);
    }
    turn.warnings.extend(cuts.warnings());
}

/// Bounds what a capture's request says as it is read, once for all the turns that
/// answer it: the names it carries are cut to [`MAX_NAME`] bytes (the tools it offers,
/// its reasoning level, its `previous_response_id` and `conversation`, the ids of the
/// tool results it carries), its tool choice to the same when it is more than a small
/// object, and the tools it offers and its tool results to [`MAX_NUMBERED`]. Each turn
/// holds what its request says until the run is threaded (the tools' names, in the
/// temporary file with its texts, see `run::held`; the results' ids, which threading
/// links by), so that what a request of megabytes says of itself does not stay, for
/// every request of the run.
pub fn bound_read(read: &mut RequestRead) -> Vec<Warning> {
    let mut cuts = Cuts::default();
    cuts.name("Responses conversation", read.conversation.as_mut());
    if !is_bounded(&read.summary) {
        bound_summary(Arc::make_mut(&mut read.summary), &mut cuts);
    }
    let results = &read.tool_results;
    if results.len() > MAX_NUMBERED || results.iter().any(|r| r.call_id.len() > MAX_NAME) {
        read.tool_results = bound_results(results, &mut cuts);
    }
    cuts.warnings().collect()
}

/// The most values a tool choice may hold and stay as the request gave it: a real one is
/// a word, or an object of two or three (`{"type": "tool", "name": "Read"}`).
const CHOICE_VALUES: usize = 16;

/// Whether `summary` has nothing [`bound_summary`] would cut.
fn is_bounded(summary: &RequestSummary) -> bool {
    let short = |name: &String| name.len() <= MAX_NAME;
    let level = match &summary.params.reasoning {
        Some(Reasoning::Level(level)) => short(level),
        _ => true,
    };
    level
        && summary.previous_response_id.as_ref().is_none_or(short)
        && summary
            .tools
            .as_ref()
            .is_none_or(|tools| tools.len() <= MAX_NUMBERED)
        && summary.tools.iter().flatten().all(short)
        && summary.tool_choice.as_ref().is_none_or(is_small)
}

fn bound_summary(summary: &mut RequestSummary, cuts: &mut Cuts) {
    cuts.name(
        "previous response id",
        summary.previous_response_id.as_mut(),
    );
    if let Some(Reasoning::Level(level)) = summary.params.reasoning.as_mut() {
        cuts.name("reasoning level", Some(level));
    }
    let offered = summary.tools.as_mut();
    if let Some(warning) = offered.and_then(|tools| keep_numbered(tools, Listed::OfferedTools)) {
        cuts.warnings.push(warning);
    }
    for tool in summary.tools.iter_mut().flatten() {
        cuts.name("offered tool's name", Some(tool));
    }
    if let Some(choice) = summary.tool_choice.as_mut().filter(|c| !is_small(c)) {
        cuts.cut("tool choice", json_len(choice));
        *choice = fit(choice, MAX_NAME);
    }
}

/// Keeps the first [`MAX_NUMBERED`] of `list`, giving back the room of the rest; when it
/// held more, the warning saying how many.
fn keep_numbered<T>(list: &mut Vec<T>, what: Listed) -> Option<Warning> {
    too_many(list.len(), what).inspect(|_| {
        list.truncate(MAX_NUMBERED);
        list.shrink_to_fit();
    })
}

/// The warning that a list of `count` things is cut to [`MAX_NUMBERED`], if it is.
fn too_many(count: usize, what: Listed) -> Option<Warning> {
    let max = MAX_NUMBERED;
    (count > max).then_some(Warning::TooMany { what, count, max })
}

/// The first [`MAX_NUMBERED`] of `results`, their ids cut to [`MAX_NAME`] bytes as the
/// calls' are (so that they still match).
fn bound_results(results: &[ToolResult], cuts: &mut Cuts) -> Arc<[ToolResult]> {
    cuts.warnings
        .extend(too_many(results.len(), Listed::ToolResults));
    let kept = results.iter().take(MAX_NUMBERED).map(|result| {
        let mut result = result.clone();
        cuts.name("tool result id", Some(&mut result.call_id));
        result
    });
    kept.collect()
}

/// Whether a tool choice is held as the request gave it: a string of at most [`MAX_NAME`]
/// bytes (what [`fit`] leaves is one), or a value of at most [`CHOICE_VALUES`] values
/// written in at most [`MAX_NAME`] bytes. A tree costs some 30 times its text.
fn is_small(choice: &Value) -> bool {
    match choice {
        Value::String(text) => text.len() <= MAX_NAME,
        choice => values_within(choice, CHOICE_VALUES) && json_len(choice) <= MAX_NAME,
    }
}

/// Whether `value` holds at most `max` values, itself included; stops counting past it.
fn values_within(value: &Value, max: usize) -> bool {
    let mut pending = vec![value];
    let mut seen = 0;
    while let Some(value) = pending.pop() {
        seen += 1;
        if seen > max {
            return false;
        }
        match value {
            Value::Array(items) => pending.extend(items),
            Value::Object(entries) => pending.extend(entries.values()),
            _ => {}
        }
    }
    true
}

/// The names a turn or a request had cut, one warning a kind: a turn of 10,000 long tool
/// names says so once.
#[derive(Default)]
struct Cuts {
    cut: Vec<(&'static str, usize)>,
    warnings: Vec<Warning>,
}

impl Cuts {
    /// Cuts `name`, a `what`, to [`MAX_NAME`] bytes when it is longer.
    fn name(&mut self, what: &'static str, name: Option<&mut String>) {
        if let Some(bytes) = name.and_then(cut_long) {
            self.cut(what, bytes);
        }
    }

    /// A capture's own words, shown in every output: redacted, and cut as a name is
    /// ([`redact::redacted_within`]).
    fn words(&mut self, what: &'static str, words: Option<&mut String>) {
        if let Some(words) = words {
            let (shown, cut) = redact::redacted_within(words, MAX_NAME);
            *words = shown;
            if let Some(bytes) = cut {
                self.cut(what, bytes);
            }
        }
    }

    fn cut(&mut self, what: &'static str, bytes: usize) {
        if !self.cut.iter().any(|(kind, _)| *kind == what) {
            self.cut.push((what, bytes));
        }
    }

    fn warnings(self) -> impl Iterator<Item = Warning> {
        let names = (self.cut.into_iter()).map(|(what, bytes)| Warning::LongName { what, bytes });
        self.warnings.into_iter().chain(names)
    }
}

/// How many turns answering one request (a txtar's sections) print what it says whole. A
/// fixture answers its request a few times (streaming, blocking, each with its tool-call
/// follow-up); a txtar of thousands of sections each printing a megabyte's prompt, tool
/// results or tools list would print gigabytes from one megabyte.
pub const SHARED_WHOLE: usize = 8;

/// What the turns answering one request past the first [`SHARED_WHOLE`] hold of it: its
/// `prompt` and `read`, with the prompt, the tool results and the tools offered each cut
/// to [`MAX_NAME`] bytes, and a warning for each cut. The rest is kept: the count of
/// messages, the parameters and the tool choice (all bounded, [`bound_read`]), and the
/// digests threading links by (of at most [`crate::request::history::KEPT_REPLAYS`]
/// messages). Made once for all of those turns, which share it.
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
    let read = RequestRead {
        summary: summary.map_or_else(|| Arc::clone(whole), |cut| Arc::new(*cut)),
        tool_results,
        conversation: read.conversation.clone(),
        history: Arc::clone(&read.history),
    };
    (prompt, read, warnings)
}

/// `whole` without its tools, which are cut apart.
fn lean(whole: &RequestSummary) -> RequestSummary {
    RequestSummary {
        tools: None,
        tool_choice: whole.tool_choice.clone(),
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
    let fits = match value {
        Value::String(text) => text.len() <= max,
        value => json_len(value) <= max,
    };
    if fits {
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
/// `com.amazon#ValidationException`), or one that redaction cut at its end (`ghp_…`,
/// `x-api-key:…`), so that a turn read back keeps the type it was printed with.
fn is_identifier(text: &str) -> bool {
    let text = text.strip_suffix(redact::CUT).unwrap_or(text);
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
    fn a_captures_own_words_are_redacted_and_cut_as_they_read_back() {
        // Cut to its most bytes, `password 8491 attempts` ends `password 8491 a…`: the
        // number is no count any more, and goes too, so read back the name is as it was.
        let mut turn = Turn::empty(Api::AnthropicMessages);
        let kept = "password 8491 a";
        let x = "x ".repeat((MAX_NAME - redact::CUT.len() - kept.len()) / 2);
        let long = format!("{x}password 8491 attempts");
        turn.source.section = Some("keyP=ab191=ire".into());
        turn.source.provider = Some(long);
        bound(&mut turn);
        assert_eq!(turn.source.section.as_deref(), Some("keyP=…=…"));
        let provider = turn.source.provider.clone().unwrap();
        assert_eq!(provider, format!("{x}password … a…"));
        let said: Vec<String> = turn.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(said.len(), 1, "{said:?}");
        let again = turn.clone();
        turn.warnings.clear();
        bound(&mut turn);
        assert_eq!(turn.source, again.source);
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
