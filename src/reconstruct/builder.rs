//! The parts of a turn every reconstructor fills the same way, so the three APIs share one
//! notion of text, thoughts, tool calls, unknown events and warnings.

use std::borrow::Cow;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use serde_json::Value;

use crate::decode::lenient::{JsonFault, MAX_DEPTH};
use crate::decode::str_at;
use crate::redact;
use crate::turn::{
    Api, EventCounts, INJECTED_TOOL_PREFIX, Service, Source, Thought, ThoughtSource,
    ThoughtsBefore, ToolCall, ToolKind, Turn, Usage,
};
use crate::warning::{BadCount, EventFault, Repeats, TooDeep, TypeTally, Unknown, Warning};

/// A turn under construction. It derefs to the [`Turn`] it fills, so reconstructors set
/// fields directly; the helpers below keep the three APIs' shared rules in one place.
#[derive(Debug)]
pub struct Builder {
    turn: Turn,
    /// Unknown event, block and item types, with how often each was seen: reported once
    /// each, so a stream of ten thousand unknown events gives one warning, not ten thousand.
    unknown: TypeTally<Unknown>,
    /// Events whose data could not be read: the first few warned about one by one, the
    /// rest counted, so a body of millions of them gives no million warnings.
    skipped: Repeats,
    /// Events whose usage holds bad counts.
    bad_counts: Repeats,
    /// Events of a shape kept out of the turn (content or arguments of an odd shape, a
    /// delta for a block of another type).
    odd: Repeats,
}

impl Deref for Builder {
    type Target = Turn;
    fn deref(&self) -> &Turn {
        &self.turn
    }
}

impl DerefMut for Builder {
    fn deref_mut(&mut self) -> &mut Turn {
        &mut self.turn
    }
}

impl Builder {
    /// A turn of `api` from a blocking body.
    pub fn new(api: Api) -> Self {
        Builder {
            turn: Turn::empty(api),
            unknown: TypeTally::default(),
            skipped: Repeats::default(),
            bad_counts: Repeats::default(),
            odd: Repeats::default(),
        }
    }

    /// A turn of `api` from a stream.
    pub fn for_stream(api: Api) -> Self {
        let mut b = Builder::new(api);
        b.streaming = true;
        b.events = Some(EventCounts::default());
        b
    }

    /// Records how many events the stream held, once they are read.
    pub fn count_events(&mut self, total: usize) {
        if let Some(events) = &mut self.events {
            events.total = total as u64;
        }
    }

    /// Appends to the text; a `String` is moved in, not copied, when it is the first.
    pub fn push_text<'t>(&mut self, text: impl Into<Cow<'t, str>>) {
        push_opt(&mut self.text, text.into());
    }

    pub fn push_refusal<'t>(&mut self, text: impl Into<Cow<'t, str>>) {
        push_opt(&mut self.refusal, text.into());
    }

    pub fn push_thought(&mut self, source: ThoughtSource, text: String) {
        self.thoughts.push(Thought { source, text });
    }

    /// Warns of an event whose data could not be read, or counts it past the first few.
    pub fn skip_event(&mut self, line: usize, fault: EventFault, detail: impl FnOnce() -> String) {
        if self.skipped.report(line) {
            let detail = detail();
            self.turn.warnings.push(Warning::EventSkipped {
                line,
                fault,
                detail,
            });
        }
    }

    /// Adds a tool call whose arguments are JSON text (streamed deltas joined, or a
    /// blocking body's string). Empty text is a call without arguments: `{}`.
    pub fn push_tool_json(&mut self, id: Option<String>, name: String, kind: ToolKind, raw: &str) {
        let arguments = if raw.trim().is_empty() {
            Value::Object(Default::default())
        } else {
            match crate::bounded_json::from_str(raw) {
                Ok(value) => value,
                Err(err) => {
                    let (name, id) = (name.clone(), id.clone());
                    self.warnings.push(match JsonFault::of(&err) {
                        JsonFault::OverBudget(why) => Warning::ArgumentsNotBuilt { name, id, why },
                        JsonFault::TooDeep => Warning::ArgumentsNotBuilt {
                            name,
                            id,
                            why: TooDeep { limit: MAX_DEPTH }.to_string(),
                        },
                        _ => Warning::ArgumentsNotJson {
                            name,
                            id,
                            detail: crate::quote::json_error(&err),
                        },
                    });
                    Value::String(raw.to_string())
                }
            }
        };
        self.push_tool(id, name, kind, arguments);
    }

    /// Adds a tool call whose arguments are already a value.
    /// Makes room for `more` calls at once: a list grown call by call holds up to twice
    /// what it needs, and a stream of tiny calls is mostly its calls.
    pub fn reserve_tools(&mut self, more: usize) {
        self.tool_calls.reserve_exact(more);
    }

    pub fn push_tool(
        &mut self,
        id: Option<String>,
        name: String,
        kind: ToolKind,
        arguments: Value,
    ) {
        let injected = name.starts_with(INJECTED_TOOL_PREFIX);
        // Reconstructors add thoughts and calls in response order, so the thoughts so far
        // are the ones that came before this call.
        let thoughts_before = ThoughtsBefore {
            count: self.thoughts.len(),
        };
        self.tool_calls.push(ToolCall {
            id,
            name,
            kind,
            arguments,
            injected,
            thoughts_before,
            result: None,
        });
    }

    /// Notes something of a type this tool does not know. Events are counted in
    /// `events.unknown` by the caller.
    pub fn unknown(&mut self, what: Unknown) {
        self.unknown.add(what, None);
    }

    /// Counts an unknown event and notes its type.
    pub fn unknown_event(&mut self, kind: &str) {
        if let Some(events) = &mut self.events {
            events.unknown += 1;
        }
        self.unknown(Unknown::Event(kind.to_string()));
    }

    /// Records usage, keeping earlier values for the fields `update` does not say.
    pub fn merge_usage(&mut self, update: Usage) {
        let usage = self.usage.get_or_insert_with(Usage::default);
        let keep = |new: Option<u64>, old: Option<u64>| new.or(old);
        *usage = Usage {
            input: keep(update.input, usage.input),
            output: keep(update.output, usage.output),
            cache_read: keep(update.cache_read, usage.cache_read),
            cache_write: keep(update.cache_write, usage.cache_write),
            reasoning: keep(update.reasoning, usage.reasoning),
            cache_write_1h: keep(update.cache_write_1h, usage.cache_write_1h),
            web_search_requests: keep(update.web_search_requests, usage.web_search_requests),
            web_fetch_requests: keep(update.web_fetch_requests, usage.web_fetch_requests),
            provider_usd: update.provider_usd.or(usage.provider_usd),
        };
    }

    /// Warns of an event of a shape kept out of the turn (`line` is the event's; 0 for
    /// none): the first few one by one, then counted, as a stream may repeat it for each
    /// of a million events.
    pub fn odd(&mut self, line: usize, warning: Warning) {
        if self.odd.report(line) {
            self.turn.warnings.push(warning);
        }
    }

    /// Warns of the usage counts that were there but bad (`line` is the event's; none for a
    /// blocking body): never silently ignored, and in a stream listed for the first few
    /// events, then counted (a stream of a million events each with bad counts would
    /// otherwise hold a million warnings).
    pub fn bad_counts(&mut self, line: Option<usize>, bad: Vec<BadCount>) {
        if bad.is_empty() {
            return;
        }
        if let Some(line) = line {
            if !self.bad_counts.report(line) {
                return;
            }
        }
        for count in bad {
            self.turn.warnings.push(Warning::BadCount { line, count });
        }
    }

    /// Records how the response was served, keeping earlier values for the fields `update`
    /// does not say.
    pub fn merge_service(&mut self, update: Service) {
        Service::merge(&mut self.service, update);
    }

    /// Records the provider-run web searches a response's items show, where there were any
    /// (Responses lists them as items; its usage does not count them).
    pub fn count_web_searches(&mut self, count: u64) {
        if count > 0 {
            let usage = self.usage.get_or_insert_with(Usage::default);
            usage.web_search_requests = Some(count);
        }
    }

    /// Sets `id` and `model` from a response object, where it names them.
    pub fn identify(&mut self, object: &Value) {
        self.identify_as(str_at(object, "id"), str_at(object, "model"));
    }

    /// Keeps the first id a response gives and the last model it names (empty ones aside:
    /// Azure's first chunk has both empty).
    pub fn identify_as(&mut self, id: Option<&str>, model: Option<&str>) {
        if let Some(id) = id.filter(|s| !s.is_empty()) {
            self.id.get_or_insert_with(|| id.to_string());
        }
        if let Some(model) = model.filter(|s| !s.is_empty()) {
            if self.model.as_deref() != Some(model) {
                self.model = Some(model.to_string());
            }
        }
    }

    /// The finished turn: where it came from and what the request said joined to what the
    /// response said, unknown types folded into the warnings.
    pub fn finish(
        self,
        source: Source,
        request_model: Option<String>,
        prompt: Option<Arc<str>>,
    ) -> Turn {
        let Builder {
            mut turn,
            unknown,
            skipped,
            bad_counts,
            odd,
        } = self;
        if let Some((first, count)) = skipped.counted() {
            turn.warnings
                .push(Warning::MoreEventsSkipped { first, count });
        }
        if let Some((first, count)) = bad_counts.counted() {
            turn.warnings.push(Warning::MoreBadCounts { first, count });
        }
        if let Some((_, count)) = odd.counted() {
            turn.warnings.push(Warning::MoreOddShapes { count });
        }
        let (by_type, others) = unknown.into_parts();
        for (what, (_, count)) in by_type {
            turn.warnings.push(Warning::Unknown { what, count });
        }
        if let Some((_, count)) = others {
            turn.warnings.push(Warning::OtherUnknown { count });
        }
        // Whatever said the error (a provider's JSON, a proxy's page, an HTTP client), its
        // text may quote a credential.
        if let Some(error) = turn.error.as_mut() {
            if let Some(message) = error.message.as_mut() {
                let (shown, cut) = redact::redacted_message(message);
                *message = shown;
                if let Some(bytes) = cut {
                    turn.warnings.push(Warning::LongErrorMessage { bytes });
                }
            }
        }
        turn.source = source;
        turn.model = turn.model.or_else(|| request_model.clone());
        turn.request_model = request_model;
        super::bounds::bound(&mut turn);
        turn.prompt = prompt;
        // An empty string is "no text": chat streams open with `"content": ""`.
        turn.text = turn.text.filter(|t| !t.is_empty());
        turn.refusal = turn.refusal.filter(|t| !t.is_empty());
        fit(&mut turn);
        turn
    }
}

/// Gives back the room `turn`'s text grew into: a run holds every turn until it is
/// threaded, and text appended delta by delta holds up to twice its length (a third more
/// memory for a run of many turns, where the turns are all it keeps).
fn fit(turn: &mut Turn) {
    let texts = [&mut turn.text, &mut turn.refusal].into_iter().flatten();
    let thoughts = turn.thoughts.iter_mut().map(|t| &mut t.text);
    texts.chain(thoughts).for_each(String::shrink_to_fit);
    turn.thoughts.shrink_to_fit();
    turn.tool_calls.shrink_to_fit();
    turn.warnings.shrink_to_fit();
}

/// Appends `text` to `slot`: a block's whole text (which may be the size of the capture)
/// is moved in when it comes first, so it is never held twice.
fn push_opt(slot: &mut Option<String>, text: Cow<'_, str>) {
    match slot {
        Some(existing) => existing.push_str(&text),
        None => *slot = Some(text.into_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Arguments this tool does not build are named for the limit they meet, not called
    /// invalid JSON, and are kept as their text.
    #[test]
    fn arguments_past_a_limit_say_which() {
        let mut b = Builder::new(Api::OpenaiChat);
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        b.push_tool_json(Some("c1".into()), "f".into(), ToolKind::Function, &deep);
        // 500,000 values in about 1 MB: past 250,000 plus one per 128 bytes.
        let many = format!("[{}0]", "0,".repeat(2 * crate::bounded_json::BASE_NODES));
        b.push_tool_json(Some("c2".into()), "g".into(), ToolKind::Function, &many);
        b.push_tool_json(Some("c3".into()), "h".into(), ToolKind::Function, "{\"a\":");
        let said: Vec<String> = b.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(
            said[0],
            "tool call \"f\" (c1): arguments nests arrays and objects deeper than 128 levels, \
             the most this tool reads; kept as a string"
        );
        assert!(
            said[1].starts_with(
                "tool call \"g\" (c2): arguments holds too many JSON values to read: more than"
            ),
            "{}",
            said[1]
        );
        assert!(
            said[2].starts_with("tool call \"h\" (c3): arguments are not valid JSON"),
            "{}",
            said[2]
        );
        assert_eq!(b.tool_calls[0].arguments, Value::String(deep));
    }
}
