//! Event streams, whatever the API: framing defects, event data that is no JSON, how the
//! stream ends, events after its end, and event types the grammar does not know. Each API
//! supplies only its grammar (a [`Grammar`]); this driver applies everything they share.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Findings;
use super::lines::{json_error, str_at};
use super::rules::{
    PARSE_EVENT_JSON, SSE_FINAL_BLANK_LINE, SSE_FRAMING, STREAM_TRUNCATED, STREAM_UNKNOWN_EVENT,
};
use super::{Rule, anthropic, chat, responses};
use crate::frame::sse::{DefectKind, SseStream};
use crate::turn::Api;

/// One event, with its line in the file and its data parsed once for every check.
pub struct Ev<'a> {
    pub line: usize,
    /// The `event:` field (`message` when there was none).
    pub name: &'a str,
    pub data: &'a str,
    /// The data as JSON; `None` for `[DONE]` and for data that is no JSON.
    pub json: Option<Value>,
}

impl Ev<'_> {
    /// The event's type: its data's `type`, else its `event:` field.
    pub fn kind(&self) -> &str {
        self.json
            .as_ref()
            .and_then(|j| str_at(j, "type"))
            .unwrap_or(self.name)
    }

    pub fn is_done(&self) -> bool {
        self.data.trim() == "[DONE]"
    }
}

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
    /// Unknown type → (first line, count): reported once per type, so ten thousand unknown
    /// events make one finding, not ten thousand.
    unknown: BTreeMap<String, (usize, usize)>,
}

impl Cx<'_> {
    /// Notes something of a type the grammar does not know (`what` says which kind of thing).
    pub fn unknown(&mut self, what: String, line: usize) {
        self.unknown.entry(what).or_insert((line, 0)).1 += 1;
    }
}

/// One API's stream grammar.
pub trait Grammar {
    /// The rule its ordering findings belong to.
    const RULE: Rule;
    /// Its terminal event, as findings name it.
    const TERMINAL: &'static str;
    /// Checks one event (with JSON data, or `[DONE]`) and says what it is to the stream's end.
    fn event(&mut self, ev: &Ev, cx: &mut Cx) -> Role;
    /// Checks what only the whole stream shows, once the last event is read.
    fn finish(self, end: &End, cx: &mut Cx);
    /// Whether the events read make a whole stream without a terminal event (a log of
    /// JSON lines has no room for Chat's `[DONE]`).
    fn complete_without_terminal(&self) -> bool {
        false
    }
}

/// Checks a stream whose body starts at `first_line` of the file.
pub fn check(
    stream: &SseStream,
    first_line: usize,
    api: Api,
    request: Option<&Value>,
    f: &mut Findings,
) {
    // Framing numbers events by their line in the file already.
    let at = |line: usize| line.max(first_line);
    for defect in &stream.defects {
        let message = match defect.kind {
            DefectKind::StrayLine => {
                "a line that is no SSE field or comment: SSE parsers ignore it"
            }
            DefectKind::NoData => "an event with no `data:` line: SSE parsers never dispatch it",
            DefectKind::JoinedLine => {
                "a data line split in two: this line continues the data line before it"
            }
            DefectKind::InvalidUtf8 => "invalid UTF-8",
        };
        f.add(&SSE_FRAMING, Some(at(defect.line)), message);
    }
    let mut events: Vec<Ev> = Vec::with_capacity(stream.events.len());
    let mut bad_json = Vec::new();
    for event in &stream.events {
        let json = match serde_json::from_str::<Value>(&event.data) {
            Ok(json) => Some(json),
            Err(_) if event.data.trim() == "[DONE]" => None,
            Err(err) => {
                bad_json.push((at(event.line), json_error(&err)));
                None
            }
        };
        events.push(Ev {
            line: at(event.line),
            name: &event.event,
            data: &event.data,
            json,
        });
    }
    // A last event with no blank line after it was cut off when its data is no whole JSON:
    // that is the stream's truncation, reported once as such, not as bad JSON as well.
    let mut cut = None;
    if let (true, Some(last)) = (stream.truncated, events.last()) {
        if last.json.is_none() && !last.is_done() {
            cut = Some(last.line);
            bad_json.retain(|(line, _)| Some(*line) != cut);
            events.pop();
        } else {
            f.add(
                &SSE_FINAL_BLANK_LINE,
                Some(last.line),
                "the last event has no blank line after it",
            );
        }
    }
    for (line, err) in bad_json {
        f.add(
            &PARSE_EVENT_JSON,
            Some(line),
            format!("the event's data is not valid JSON ({err})"),
        );
    }
    let events = &events[..];
    let last = events.last().map_or(first_line, |e| e.line);
    match api {
        Api::AnthropicMessages => drive(anthropic::Stream::default(), events, cut, last, f),
        Api::OpenaiChat => drive(
            chat::Stream::new(request, stream.json_lines),
            events,
            cut,
            last,
            f,
        ),
        Api::OpenaiResponses => drive(responses::Stream::default(), events, cut, last, f),
    }
}

fn drive<G: Grammar>(
    mut grammar: G,
    events: &[Ev],
    cut: Option<usize>,
    last: usize,
    f: &mut Findings,
) {
    let mut cx = Cx {
        f,
        unknown: BTreeMap::new(),
    };
    let mut end = End::default();
    let mut after_end_reported = false;
    for ev in events.iter().filter(|ev| ev.json.is_some() || ev.is_done()) {
        let data_kind = ev.json.as_ref().and_then(|j| str_at(j, "type"));
        if let Some(kind) = data_kind.filter(|k| ev.name != "message" && *k != ev.name) {
            cx.f.add(
                &G::RULE,
                Some(ev.line),
                format!("`event: {}` carries data of type {kind:?}", ev.name),
            );
        }
        let role = grammar.event(ev, &mut cx);
        // After the terminal event nothing may follow; after an error, only the terminal
        // event (Chat proxies send `[DONE]` after an error chunk).
        let ended = match (end.terminal, end.error) {
            (Some(line), _) => Some((line, G::TERMINAL)),
            (None, Some(line)) if role != Role::Terminal => Some((line, "the error")),
            _ => None,
        };
        if let (Some((line, what)), false) = (ended, after_end_reported) {
            after_end_reported = true;
            cx.f.add(
                &G::RULE,
                Some(ev.line),
                format!("an event after {what} at line {line}"),
            );
        }
        match role {
            Role::Terminal => {
                end.terminal.get_or_insert(ev.line);
            }
            Role::Error => {
                end.error.get_or_insert(ev.line);
            }
            Role::Other => {}
        }
    }
    if end.terminal.is_none() && end.error.is_none() && grammar.complete_without_terminal() {
        end.terminal = Some(last);
    }
    if end.terminal.is_none() && end.error.is_none() {
        let message = match cut {
            Some(_) => format!(
                "the stream is cut off inside its last event: no {} and no error",
                G::TERMINAL
            ),
            None if events.is_empty() => "the stream holds no event".to_string(),
            None => format!(
                "the stream ends without {} and without an error: the capture looks truncated",
                G::TERMINAL
            ),
        };
        cx.f.add(&STREAM_TRUNCATED, Some(cut.unwrap_or(last)), message);
    }
    grammar.finish(&end, &mut cx);
    for (what, (line, count)) in std::mem::take(&mut cx.unknown) {
        let times = match count {
            1 => String::new(),
            n => format!(" ({n} times, first here)"),
        };
        cx.f.add(
            &STREAM_UNKNOWN_EVENT,
            Some(line),
            format!("unknown {what}{times}"),
        );
    }
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
                f.add(
                    rule,
                    Some(line),
                    format!("{what} {value:?} differs from {first:?} at line {first_line}"),
                );
            }
            Some(_) => {}
        }
    }
}
