//! Event streams, whatever the API: framing defects, event data that is no JSON, how the
//! stream ends, events after its end, and event types the grammar does not know. Each API
//! supplies only its grammar (a [`Grammar`]); this driver applies everything they share.
//!
//! The driver reads no event itself: it is handed each event as reconstruction decodes it
//! ([`crate::decode::Event`]), so inspecting and validating a stream read it once.

use std::borrow::Cow;

use serde_json::Value;

use super::{anthropic, chat, responses};
use crate::decode::lenient::{JsonFault, MAX_DEPTH};
use crate::decode::numbered::MAX_NUMBERED;
use crate::decode::{Data, Event, StreamEnd};
use crate::diagnostic::Findings;
use crate::diagnostic::Rule;
use crate::diagnostic::rules::{
    ANTHROPIC_GRAMMAR, CHAT_GRAMMAR, PARSE_EVENT_JSON, RESPONSES_GRAMMAR, SSE_FINAL_BLANK_LINE,
    SSE_FRAMING, STREAM_TRUNCATED, STREAM_UNKNOWN_EVENT,
};
use crate::frame::sse::DefectKind;
use crate::number::thousands;
use crate::quote::json_error;
use crate::quote::{Quoted, clip, quotable};
use crate::turn::Api;
use crate::warning::{REPORTED, Repeats, TooDeep, TypeTally};

/// What an event is to the stream's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Other,
    /// The API's terminal event.
    Terminal,
    /// A provider error: it ends the stream as well as a terminal event does.
    Error,
}

/// How a stream ended: the lines of its terminal event and of its error, if any.
#[derive(Debug, Default, Clone, Copy)]
pub struct End {
    pub terminal: Option<usize>,
    pub error: Option<usize>,
}

impl End {
    /// The terminal event's line, when the stream ended normally (no error): only then must
    /// everything the stream opened be closed and complete.
    pub fn clean(&self) -> Option<usize> {
        self.terminal.filter(|_| self.error.is_none())
    }
}

/// What every grammar gets besides the event: the findings, and a record of unknown types.
pub struct Cx<'f> {
    pub f: &'f mut Findings,
    unknown: Unknown,
}

impl Cx<'_> {
    /// Notes something of a type the grammar does not know: `what` says which kind of
    /// thing (`"event type"`), `kind` its type as the stream gives it.
    pub fn unknown(&mut self, what: &'static str, kind: &str, line: usize) {
        self.unknown.add(what, kind, Some(line));
    }
}

/// Things of types the API does not document, by type: each is reported once, with how
/// often it came, so ten thousand unknown events make one finding, not ten thousand; past
/// the first types, the rest make one finding together. The type is quoted only in the
/// report: quoting costs up to a window of the type's text, and a stream may repeat one
/// type a million times.
#[derive(Debug, Default)]
pub struct Unknown(TypeTally<(&'static str, String)>);

impl Unknown {
    /// Notes one, met at `line`: `what` says which kind of thing it is, `kind` its type,
    /// kept only as far as a quote reads it (types longer than that are all quoted `…`).
    pub fn add(&mut self, what: &'static str, kind: &str, line: Option<usize>) {
        self.0.add((what, quotable(kind).to_string()), line);
    }

    pub fn report(self, f: &mut Findings) {
        let (by_type, others) = self.0.into_parts();
        for ((what, kind), (line, count)) in by_type {
            let times = match count {
                1 => String::new(),
                n => format!(" ({n} times, first here)"),
            };
            f.add(&STREAM_UNKNOWN_EVENT, line, || {
                format!("unknown {what} {}{times}", Quoted(&kind))
            });
        }
        if let Some((line, count)) = others {
            f.add_counted(
                &STREAM_UNKNOWN_EVENT,
                line,
                || {
                    format!(
                        "and {} more events, blocks, deltas or items of unknown types, past the \
                     first {REPORTED} types named (the first here)",
                        thousands(count)
                    )
                },
                usize::try_from(count).unwrap_or(usize::MAX),
            );
        }
    }
}

/// One API's stream grammar.
pub trait Grammar {
    /// The rule its ordering findings belong to.
    const RULE: Rule;
    /// Its terminal event, as findings name it.
    const TERMINAL: &'static str;
    /// Checks one event (decoded, or `[DONE]`), which stands at `line`, and says what it is
    /// to the stream's end.
    fn event(&mut self, ev: &Event, line: usize, cx: &mut Cx) -> Role;
    /// Checks what only the whole stream shows, once the last event is read.
    fn finish(self, end: &End, cx: &mut Cx);
    /// Whether the events read make a whole stream without a terminal event (a log of
    /// JSON lines has no room for Chat's `[DONE]`).
    fn complete_without_terminal(&self) -> bool {
        false
    }
}

/// The grammar of the stream being checked.
enum Grammars {
    Anthropic(anthropic::StreamGrammar),
    Chat(chat::StreamGrammar),
    Responses(responses::StreamGrammar),
}

/// Checks one stream as its events go by: made when the stream starts, fed every event,
/// closed by [`StreamCheck::finish`].
pub struct StreamCheck {
    grammar: Grammars,
    /// The line the body starts on: no finding points above it.
    first_line: usize,
    end: End,
    after_end_reported: bool,
    unknown: Unknown,
    /// Events whose data could not be read: the first few are reported one by one, the
    /// rest counted (with the line of the first counted) and reported once, so a body of
    /// millions of bad events makes no million findings.
    unreadable: Repeats,
}

impl StreamCheck {
    /// Starts checking a stream of `api` whose body starts at `first_line` of the file;
    /// `request` is the request's body, when it is JSON.
    pub fn start(
        api: Api,
        json_lines: bool,
        first_line: usize,
        request: Option<&Value>,
    ) -> StreamCheck {
        let grammar = match api {
            Api::AnthropicMessages => Grammars::Anthropic(anthropic::StreamGrammar::default()),
            Api::OpenaiChat => Grammars::Chat(chat::StreamGrammar::new(request, json_lines)),
            Api::OpenaiResponses => Grammars::Responses(responses::StreamGrammar::default()),
        };
        StreamCheck {
            grammar,
            first_line,
            end: End::default(),
            after_end_reported: false,
            unknown: Unknown::default(),
            unreadable: Repeats::default(),
        }
    }

    /// Checks one decoded event.
    pub fn event(&mut self, ev: &Event, f: &mut Findings) {
        let line = ev.line.max(self.first_line);
        if let Data::Invalid(err) = &ev.body {
            // A terminal event too big to read still ends the stream.
            if ev.unread_terminal.is_some() {
                self.end.terminal.get_or_insert(line);
            }
            if !self.unreadable.report(line) {
                return;
            }
            // Named as `inspect`'s warning names it (`EventFault`), with serde's words
            // where they say more.
            let why = match JsonFault::of(err) {
                JsonFault::OverBudget(why) => why,
                JsonFault::TooDeep => TooDeep { limit: MAX_DEPTH }.to_string(),
                JsonFault::Shape => {
                    format!("is JSON of a shape no event has ({})", json_error(err))
                }
                _ => format!("is not valid JSON ({})", json_error(err)),
            };
            let message = match &ev.unread_terminal {
                Some(kind) => format!(
                    "the stream's terminal event, {kind}, is here, but its data {why}; what it \
                     restates (output, usage) is not checked"
                ),
                None => format!("the event's data {why}"),
            };
            return f.add(&PARSE_EVENT_JSON, Some(line), message);
        }
        let mut cx = Cx {
            f,
            unknown: std::mem::take(&mut self.unknown),
        };
        let reported = &mut self.after_end_reported;
        match &mut self.grammar {
            Grammars::Anthropic(g) => self.end.event(g, ev, line, reported, &mut cx),
            Grammars::Chat(g) => self.end.event(g, ev, line, reported, &mut cx),
            Grammars::Responses(g) => self.end.event(g, ev, line, reported, &mut cx),
        }
        self.unknown = cx.unknown;
    }

    /// Checks how the stream ended, and what only the whole stream shows.
    /// Closes the check once the stream ended as `stream_end` says: framing defects and the
    /// stream's end are reported here.
    pub fn finish(self, stream_end: &StreamEnd, f: &mut Findings) {
        let StreamCheck {
            grammar,
            first_line,
            end,
            unknown,
            unreadable,
            ..
        } = self;
        let at = |line: usize| line.max(first_line);
        let framing = &stream_end.framing;
        for defect in &framing.defects {
            let message = defect_message(defect.kind);
            let count = defect.kind.count().unwrap_or(1);
            f.add_counted(&SSE_FRAMING, Some(at(defect.line)), message, count);
        }
        // A last event with no blank line after it was cut off when its data is no whole
        // JSON: that is the stream's truncation, reported once as such. When it is whole,
        // only the blank line is missing.
        if let (Some(_), None, Some(last)) =
            (framing.truncated, stream_end.cut, stream_end.last_line)
        {
            f.add(
                &SSE_FINAL_BLANK_LINE,
                Some(at(last)),
                "the last event has no blank line after it",
            );
        }
        if let Some(left_out) = stream_end.left_out {
            let rule = match &grammar {
                Grammars::Anthropic(_) => &ANTHROPIC_GRAMMAR,
                Grammars::Chat(_) => &CHAT_GRAMMAR,
                Grammars::Responses(_) => &RESPONSES_GRAMMAR,
            };
            f.add_summing(rule, Some(at(left_out.line)), || {
                format!(
                    "the stream opens more than {} choices, tool calls, output items or content \
                     blocks; {} events opening more, from this one on, are not checked",
                    thousands(MAX_NUMBERED as u64),
                    thousands(left_out.count)
                )
            });
        }
        let cut = stream_end.cut.map(at);
        let last = at(stream_end.last_line.unwrap_or(first_line));
        let empty = stream_end.count == 0;
        if let Some((first, count)) = unreadable.counted() {
            f.add_counted(
                &PARSE_EVENT_JSON,
                Some(first),
                || {
                    format!(
                        "and {} more events whose data could not be read, from this one on",
                        thousands(count as u64)
                    )
                },
                count,
            );
        }
        let mut cx = Cx { f, unknown };
        match grammar {
            Grammars::Anthropic(g) => close(g, end, cut, last, empty, &mut cx),
            Grammars::Chat(g) => close(g, end, cut, last, empty, &mut cx),
            Grammars::Responses(g) => close(g, end, cut, last, empty, &mut cx),
        }
        cx.unknown.report(cx.f);
    }
}

impl End {
    /// Hands `ev` (at `line`) to `grammar`, and checks that nothing follows the stream's end:
    /// after the terminal event nothing may; after an error, only the terminal event (Chat
    /// proxies send `[DONE]` after an error chunk).
    fn event<G: Grammar>(
        &mut self,
        grammar: &mut G,
        ev: &Event,
        line: usize,
        after_end_reported: &mut bool,
        cx: &mut Cx,
    ) {
        if let Some(kind) = ev
            .data_kind()
            .filter(|k| ev.name != "message" && *k != ev.name)
        {
            cx.f.add(&G::RULE, Some(line), || {
                format!(
                    "`event: {}` carries data of type {}",
                    clip(ev.name),
                    Quoted(kind)
                )
            });
        }
        let role = grammar.event(ev, line, cx);
        let ended = match (self.terminal, self.error) {
            (Some(at), _) => Some((at, G::TERMINAL)),
            (None, Some(at)) if role != Role::Terminal => Some((at, "the error")),
            _ => None,
        };
        if let (Some((at, what)), false) = (ended, *after_end_reported) {
            *after_end_reported = true;
            cx.f.add(&G::RULE, Some(line), || {
                format!("an event after {what} at line {at}")
            });
        }
        match role {
            Role::Terminal => {
                self.terminal.get_or_insert(line);
            }
            Role::Error => {
                self.error.get_or_insert(line);
            }
            Role::Other => {}
        }
    }
}

/// What a framing defect's finding says. A count stands for the defects of its kind past
/// the ones framing reports one by one, from the finding's line on.
fn defect_message(kind: DefectKind) -> Cow<'static, str> {
    let more = |count: usize, what: &str| format!("and {} more {what}", thousands(count as u64));
    match kind {
        DefectKind::StrayLine => {
            "a line that is no SSE field or comment: SSE parsers ignore it".into()
        }
        DefectKind::NoData => "an event with no `data:` line: SSE parsers never dispatch it".into(),
        DefectKind::JoinedLine => {
            "a data line split in two: this line continues the data line before it".into()
        }
        DefectKind::NoBlankLine => "an event that starts with no blank line before it: SSE \
             parsers read it as part of the event before, whose data is then no JSON"
            .into(),
        DefectKind::InvalidUtf8 => "invalid UTF-8".into(),
        DefectKind::CorruptFrame { why } => {
            format!("an event-stream frame that is corrupt ({why}): the stream is read up to it")
                .into()
        }
        DefectKind::UnreadableFrame => "an event-stream frame that holds no readable event (its \
             chunk is no JSON or no base64): it is skipped"
            .into(),
        DefectKind::MoreStrayLines { count } => more(
            count,
            "lines that are no SSE field or comment, from this one on: SSE parsers ignore them",
        )
        .into(),
        DefectKind::MoreJoinedLines { count } => more(
            count,
            "lines, from this one on, that continue the data line before them",
        )
        .into(),
        DefectKind::MoreNoBlankLines { count } => more(
            count,
            "events, from this one on, that start with no blank line before them",
        )
        .into(),
        DefectKind::MoreUnreadableFrames { count } => more(
            count,
            "event-stream frames, from this one on, that hold no readable event: they are skipped",
        )
        .into(),
        DefectKind::MoreNoData { count } => more(
            count,
            "events with no `data:` line, from this one on: SSE parsers never dispatch them",
        )
        .into(),
    }
}

/// Checks how a stream of `grammar` ended, then what only the whole stream shows.
fn close<G: Grammar>(
    grammar: G,
    mut end: End,
    cut: Option<usize>,
    last: usize,
    empty: bool,
    cx: &mut Cx,
) {
    if end.terminal.is_none() && end.error.is_none() && grammar.complete_without_terminal() {
        end.terminal = Some(last);
    }
    if end.terminal.is_none() && end.error.is_none() {
        let message = match cut {
            Some(_) => format!(
                "the stream is cut off inside its last event: no {} and no error",
                G::TERMINAL
            ),
            None if empty => "the stream holds no event".to_string(),
            None => format!(
                "the stream ends without {} and without an error: the capture looks truncated",
                G::TERMINAL
            ),
        };
        cx.f.add(&STREAM_TRUNCATED, Some(cut.unwrap_or(last)), message);
    }
    grammar.finish(&end, cx);
}

/// Compares a value every event repeats (a Chat chunk's id or model) with its first
/// occurrence, reporting the first difference only.
#[derive(Debug, Default)]
pub struct Same {
    first: Option<(String, usize)>,
    reported: bool,
}

impl Same {
    pub fn check(
        &mut self,
        value: Option<&str>,
        line: usize,
        what: &str,
        rule: &Rule,
        f: &mut Findings,
    ) {
        // Azure opens with a chunk whose id and model are empty: empty says nothing.
        let Some(value) = value.filter(|v| !v.is_empty()) else {
            return;
        };
        match &self.first {
            None => self.first = Some((value.to_string(), line)),
            Some((first, first_line)) if first != value && !self.reported => {
                self.reported = true;
                f.add(rule, Some(line), || {
                    format!(
                        "{what} {} differs from {} at line {first_line}",
                        Quoted(value),
                        Quoted(first)
                    )
                });
            }
            Some(_) => {}
        }
    }
}
