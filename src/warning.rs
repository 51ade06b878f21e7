//! Warnings: what reading a capture noticed short of failing it, as values.
//!
//! Framing, decompressing, rebuilding and pricing each say what they noticed as a
//! [`Warning`] carrying its data (a line, a type, a count); it becomes text only when
//! printed ([`std::fmt::Display`], and serde, which writes a turn's `warnings` as the
//! array of strings the JSONL schema promises). Code that needs to tell warnings apart
//! matches on the variant, never on the text. The type sits at the bottom of the layers,
//! beside the turn that holds it, so every layer that notices something can name it.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::cost::Unpriced;
use crate::number::thousands;
use crate::quote::{Quoted, clip, quotable};
use crate::redact::{self, MAX_MESSAGE};
use crate::turn::Api;

/// What JSON holding lone surrogate escapes was ([`Warning::LoneSurrogates`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    /// A claude-trace log line.
    LogLine,
    /// An archive's entry (a HAR's, a JSON cassette's).
    Entry,
    /// A stream's events.
    Events,
    /// The response body.
    Body,
}

impl fmt::Display for Held {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Held::LogLine => "the log line",
            Held::Entry => "the entry",
            Held::Events => "the stream's events",
            Held::Body => "the response body",
        })
    }
}

/// One thing noticed while reading one exchange.
#[derive(Debug, Clone, PartialEq)]
pub enum Warning {
    // Framing: SSE, AWS event streams, txtar, HAR, VCR, claude-trace logs, bodies.
    /// The stream's bytes are not all UTF-8; the bad ones were replaced.
    InvalidUtf8,
    /// The SSE parser reported a problem it recovered from.
    SseParser {
        detail: String,
    },
    /// An SSE field line indented by white space, read as the field it names.
    IndentedField {
        line: usize,
        field: String,
    },
    /// A line that is neither an SSE field nor a comment.
    StrayLine {
        line: usize,
    },
    /// A line that continues the data line before it (a capture that wrapped a long line).
    SplitDataLine {
        line: usize,
    },
    /// An event that starts at `line` with no blank line before it, read as an event of its
    /// own.
    NoBlankLine {
        line: usize,
    },
    /// `count` more events with no blank line before them than framing lists one by one.
    MoreNoBlankLines {
        first: usize,
        count: usize,
    },
    /// `count` more stray lines than framing lists one by one (it lists the first few of
    /// each kind, so a body of millions of them makes one warning); `first` is the first
    /// line counted.
    MoreStrayLines {
        first: usize,
        count: usize,
    },
    /// `count` more event-stream frames holding no readable event than are warned about one
    /// by one, from frame `frame` (1-based) on.
    MoreSkippedFrames {
        frame: usize,
        count: usize,
    },
    /// `count` more events whose data could not be read than are warned about one by one,
    /// from line `first` on.
    MoreEventsSkipped {
        first: usize,
        count: usize,
    },
    /// `count` more events with bad usage counts than are warned about one by one, from
    /// line `first` on.
    MoreBadCounts {
        first: usize,
        count: usize,
    },
    /// `count` more split data lines than framing lists one by one.
    MoreSplitDataLines {
        first: usize,
        count: usize,
    },
    /// `count` more indented fields than framing lists one by one.
    MoreIndentedFields {
        first: usize,
        count: usize,
    },
    /// The body ended inside its last event (or last NDJSON line).
    StreamCut {
        line: usize,
        json_lines: bool,
    },
    /// An AWS event-stream frame (1-based `frame`) that carries no event this tool reads.
    SkippedFrame {
        frame: usize,
        offset: usize,
        why: &'static str,
    },
    /// An AWS event-stream frame that could not be framed, ending the stream; `read` frames
    /// came before it.
    BrokenFrame {
        read: usize,
        offset: usize,
        why: &'static str,
    },
    /// A txtar fixture's request body stands in its comment.
    RequestInComment,
    /// A txtar section of a name this tool does not know.
    UnknownSection {
        name: String,
    },
    /// A body an archive says is base64 (a HAR's `encoding`, a cassette's `!!binary`) that
    /// is plainly text; `side` is `request` or `response`.
    NotBase64 {
        side: &'static str,
        detail: String,
    },
    /// A HAR entry's `startedDateTime` that is no RFC 3339 time.
    NotRfc3339 {
        /// Where: `startedDateTime` in a HAR, `timing.started_at` read back.
        field: &'static str,
        text: String,
    },
    /// A claude-trace request with no response logged.
    NoResponseLogged,
    /// A claude-trace request timestamp that is no time.
    TimestampNoTime,
    /// JSON holding `count` lone UTF-16 surrogate escapes, the first `first` (`\ud83d`),
    /// which JSON readers refuse: read as U+FFFD ([`crate::frame::surrogates`]).
    LoneSurrogates {
        held: Held,
        count: usize,
        first: String,
    },
    /// A name a turn carries (a model, an id, a stop reason, a tool) longer than
    /// [`MAX_NAME`] bytes (`bytes` of them): cut to [`MAX_NAME`], the last of them `…`,
    /// so no table, aggregate or session carries a name of megabytes.
    LongName {
        what: &'static str,
        bytes: usize,
    },
    /// A turn read back whose `source.path` is longer than [`MAX_PATH`] bytes (`bytes` of
    /// them): cut to [`MAX_PATH`], the last of them `…`. A turn holds its path for the
    /// whole run.
    LongPath {
        bytes: usize,
    },
    /// An error message longer than [`MAX_MESSAGE`] bytes (`bytes` of them, once
    /// redacted): cut to [`MAX_MESSAGE`], ending in `…`.
    LongErrorMessage {
        bytes: usize,
    },
    /// What a request that more than `whole` turns answer (a txtar's sections) says: its
    /// prompt, tool results, tools list or tool choice (`what`), `bytes` long, cut to
    /// [`MAX_NAME`] in the turns past the first `whole`.
    SharedRequestCut {
        whole: usize,
        what: &'static str,
        bytes: usize,
    },
    /// A body compressed by `coding` (gzip, zstd) although its headers do not say so:
    /// undone, and read.
    UnnamedCoding {
        coding: &'static str,
    },
    /// A body its headers say `coding` (gzip, br, zstd, deflate; `compress` or another
    /// this tool does not undo; `…` for a name not shown)
    /// coded that is text as it is: read as it is (`curl -i --compressed` writes such
    /// captures), but a client replaying it would fail to decode it.
    CodingNotApplied {
        coding: &'static str,
    },
    /// A body its headers say `coding` compressed once more than it was: text after the
    /// layers before it were undone, read as it is.
    ExtraCoding {
        coding: &'static str,
    },
    /// A compressed body cut short; what it holds is shown.
    BodyCutShort {
        detail: String,
    },

    // Rebuilding the turn.
    /// The request body is cut short (mended to read what it holds).
    RequestCutShort,
    RequestNotJson,
    /// The request was captured with no body (its head alone).
    RequestEmpty,
    /// An archive's entry gives its response a status that is no HTTP status (`99999`,
    /// `-1`): the turn has none.
    StatusNotHttp,
    /// `count` events, the first at `line`, opened more choices, tool calls, output items
    /// or content blocks than the `max` a stream may open: they were left out.
    TooManyNumbered {
        line: usize,
        count: u64,
        max: usize,
    },
    /// A turn's list of `what` held `count` things, more than the `max` kept (the first
    /// ones): a response's tool calls (as many as a stream may open, [`TooManyNumbered`])
    /// or thoughts, a request's offered tools or tool results (threading holds the ids of
    /// those it keeps).
    ///
    /// [`TooManyNumbered`]: Warning::TooManyNumbered
    TooMany {
        what: Listed,
        count: usize,
        max: usize,
    },
    /// The capture kept the request's URL but not its body (a HAR entry without
    /// `postData`): the turn says nothing of what was asked.
    RequestNotKept,
    /// The request is surely of another API than the response that answers it (a
    /// fixture's halves pasted from two captures; hostile run 63), as its path says
    /// (`by_path`) or its body's own fields do.
    OtherApiAsked {
        asked: Api,
        answered: Api,
        by_path: bool,
    },
    /// The request body's JSON holds more values than this tool builds for its size
    /// (`bounded_json`): the turn is rebuilt without what the request says.
    RequestOverBudget,
    /// An HTTP error's body is JSON too big or too deep to read (`why` says which, with
    /// the limit; hostile run 58: nothing said why). Its `error` member, read alone when it
    /// can be (`error_read`), says the error; else the body's text stands for it.
    ErrorBodyUnread {
        why: String,
        error_read: bool,
    },
    /// The blocking response body is cut short (mended to read what it holds).
    ResponseCutShort,
    /// A stream that ended without its final event, with no error to explain it.
    NoFinalEvent,
    /// An event whose data could not be read: it was skipped.
    EventSkipped {
        line: usize,
        fault: EventFault,
        detail: String,
    },
    /// Chat message content that is neither a string nor a list of parts.
    ContentShape {
        kind: &'static str,
    },
    /// Events of a shape kept out of the turn past the first [`REPORTED`] warned about
    /// ([`Warning::ContentShape`], [`Warning::ContentPartKept`], [`Warning::ArgumentsShape`],
    /// [`Warning::DeltaMismatch`]): `count` of them.
    MoreOddShapes {
        count: usize,
    },
    /// A Chat content part of a type that holds no text (`None`: no type at all).
    ContentPartKept {
        part: Option<String>,
    },
    /// A Chat tool call whose arguments are neither a string nor JSON structure.
    ArgumentsShape {
        name: String,
        kind: &'static str,
    },
    /// Arguments that are not valid JSON, kept as a string.
    ArgumentsNotJson {
        name: String,
        id: Option<String>,
        detail: String,
    },
    /// A tool call's arguments are JSON, maybe good, that this tool does not build: nested
    /// too deep, or holding more values than its budget (`why` says which limit).
    ArgumentsNotBuilt {
        name: String,
        id: Option<String>,
        why: String,
    },
    /// A Chat response with a choice besides choice 0 (asked `n` > 1, or numbered oddly):
    /// only choice 0 is read.
    OtherChoices,
    /// A Chat completion body that is not of a completion's shape.
    CompletionShape {
        detail: String,
    },
    /// An Anthropic delta for a content block that never started.
    DeltaBeforeStart {
        line: usize,
        index: u64,
    },
    /// An Anthropic delta (`delta` names its type) for a block of another type.
    DeltaMismatch {
        line: usize,
        delta: String,
        index: u64,
    },
    /// A usage count that is there but bad; `line` is its event's (none in a body).
    BadCount {
        line: Option<usize>,
        count: BadCount,
    },
    /// Something of a type this tool does not know, seen `count` times.
    Unknown {
        what: Unknown,
        count: u64,
    },
    /// Things of unknown types past the first [`REPORTED`] types, counted together.
    OtherUnknown {
        count: u64,
    },

    // Pricing.
    /// The turn has usage but no price.
    Unpriced(Unpriced),

    /// A warning read back from this tool's JSONL: its text as printed.
    Recorded(String),
}

impl Warning {
    /// That `held` held `escapes`, lone UTF-16 surrogate escapes read as U+FFFD; `None`
    /// when it held none.
    pub fn lone_surrogates(held: Held, escapes: &[[u8; 6]]) -> Option<Warning> {
        let first = escapes.first()?;
        Some(Warning::LoneSurrogates {
            held,
            count: escapes.len(),
            first: String::from_utf8_lossy(first).into_owned(),
        })
    }

    /// Lets go of what of a capture's text this warning holds past what it prints (see
    /// [`quotable`]): a run holds every turn's warnings until it is threaded, and a name a
    /// warning quotes may be of megabytes (20 unknown event types of 1 MB a stream, 100
    /// streams: 2 GB). A warning read back from JSONL is cut to [`MAX_MESSAGE`] bytes, as
    /// an error message is: none of this tool's is that long.
    pub fn shrink(&mut self) {
        fn quoted(text: &mut String) {
            let kept = quotable(text);
            if kept.len() < text.len() {
                *text = kept.to_string();
            }
        }
        match self {
            Warning::IndentedField { field: text, .. }
            | Warning::UnknownSection { name: text }
            | Warning::NotRfc3339 { text, .. }
            | Warning::ContentPartKept { part: Some(text) }
            | Warning::ArgumentsShape { name: text, .. }
            | Warning::DeltaMismatch { delta: text, .. } => quoted(text),
            Warning::ArgumentsNotJson { name, id, .. }
            | Warning::ArgumentsNotBuilt { name, id, .. } => {
                quoted(name);
                id.iter_mut().for_each(quoted);
            }
            Warning::BadCount { count, .. } => {
                quoted(&mut count.field);
                quoted(&mut count.value);
            }
            Warning::Unknown { what, .. } => match what {
                Unknown::ContentBlock(name)
                | Unknown::Delta(name)
                | Unknown::Event(name)
                | Unknown::OutputItem(name) => quoted(name),
            },
            Warning::Recorded(text) => {
                redact::cut_to(text, MAX_MESSAGE);
            }
            _ => {}
        }
    }

    /// Each text this warning holds that the capture gave, or a reader's words on it (a
    /// type or field name, a parser's detail, a timestamp, a warning read back): what must
    /// be cut where it repeats a credential of the capture's own heads.
    pub fn texts_mut(&mut self, mut f: impl FnMut(&mut String)) {
        match self {
            Warning::SseParser { detail: text }
            | Warning::IndentedField { field: text, .. }
            | Warning::UnknownSection { name: text }
            | Warning::NotBase64 { detail: text, .. }
            | Warning::NotRfc3339 { text, .. }
            | Warning::LoneSurrogates { first: text, .. }
            | Warning::BodyCutShort { detail: text }
            | Warning::EventSkipped { detail: text, .. }
            | Warning::ContentPartKept { part: Some(text) }
            | Warning::ArgumentsShape { name: text, .. }
            | Warning::CompletionShape { detail: text }
            | Warning::DeltaMismatch { delta: text, .. }
            | Warning::Recorded(text) => f(text),
            Warning::ArgumentsNotJson {
                name,
                id,
                detail: why,
            }
            | Warning::ArgumentsNotBuilt { name, id, why } => {
                f(name);
                id.iter_mut().for_each(&mut f);
                f(why);
            }
            Warning::BadCount { count, .. } => {
                f(&mut count.field);
                f(&mut count.value);
            }
            Warning::Unknown { what, .. } => match what {
                Unknown::ContentBlock(name)
                | Unknown::Delta(name)
                | Unknown::Event(name)
                | Unknown::OutputItem(name) => f(name),
            },
            _ => {}
        }
    }
}

/// The most bytes of a name a turn keeps ([`Warning::LongName`]), and of what a request
/// says past the first few turns that share it ([`Warning::SharedRequestCut`]).
/// Real ones are under a hundred.
pub const MAX_NAME: usize = 256;

/// The most bytes of a path a turn read back keeps ([`Warning::LongPath`]): Linux's
/// `PATH_MAX`, so a path a capture really had is never cut.
pub const MAX_PATH: usize = 4096;

/// How many reports of one kind (a framing defect, an unreadable event, ...) a stream keeps
/// one by one. A hostile body repeats a bad line millions of times, and a warning and a defect
/// per line take many times the body's size (and a `validate` report as much again); past
/// this many, the rest are counted and reported once, with the line of the first.
pub const REPORTED: usize = 20;

/// The reports of one kind made so far: the first [`REPORTED`] one by one, then a count.
#[derive(Debug, Default)]
pub struct Repeats {
    reported: usize,
    /// How many were counted past the first ones, and the line of the first of those.
    more: usize,
    first_more: usize,
}

impl Repeats {
    /// Whether the one at `line` is reported on its own; if not, it is counted.
    pub fn report(&mut self, line: usize) -> bool {
        if self.reported < REPORTED {
            self.reported += 1;
            return true;
        }
        if self.more == 0 {
            self.first_more = line;
        }
        self.more += 1;
        false
    }

    /// The line of the first counted, and how many were, when any were.
    pub fn counted(&self) -> Option<(usize, usize)> {
        (self.more > 0).then_some((self.first_more, self.more))
    }
}

/// Things of types this tool does not know, counted by type for the first [`REPORTED`]
/// types met; things of any later type are counted together. Never dropped, and bounded: a
/// stream that makes up a new type for each of a million events costs twenty entries.
#[derive(Debug)]
pub struct TypeTally<K> {
    by_type: BTreeMap<K, Tallied>,
    /// Things of the types past the first ones, all together.
    others: Option<Tallied>,
}

/// Where the first of some things was (where known), and how many there were.
pub type Tallied = (Option<usize>, u64);

impl<K> Default for TypeTally<K> {
    fn default() -> Self {
        TypeTally {
            by_type: BTreeMap::new(),
            others: None,
        }
    }
}

impl<K: Ord> TypeTally<K> {
    pub fn add(&mut self, kind: K, line: Option<usize>) {
        if let Some((_, count)) = self.by_type.get_mut(&kind) {
            *count += 1;
        } else if self.by_type.len() < REPORTED {
            self.by_type.insert(kind, (line, 1));
        } else {
            self.others.get_or_insert((line, 0)).1 += 1;
        }
    }

    /// The types counted one by one, in order, each with its first line and count; then
    /// what the rest came to.
    pub fn into_parts(self) -> (BTreeMap<K, Tallied>, Option<Tallied>) {
        (self.by_type, self.others)
    }
}

/// A turn's list that a capture may fill past what is kept ([`Warning::TooMany`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listed {
    ToolCalls,
    Thoughts,
    OfferedTools,
    ToolResults,
}

/// JSON nested deeper than `limit` levels, the most this tool reads: maybe good JSON, so
/// it is named for what it is, not called invalid. One sentence for an event, a body and a
/// finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooDeep {
    pub limit: usize,
}

impl fmt::Display for TooDeep {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "nests arrays and objects deeper than {} levels, the most this tool reads",
            self.limit
        )
    }
}

/// Why an event's data could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventFault {
    /// JSON, but of a shape no event of its API has.
    Shape,
    /// JSON nested deeper than this tool reads.
    TooDeep(TooDeep),
    /// JSON holding more values than this tool builds for its size.
    TooBig,
    NotJson,
}

/// A usage count that is there but is no whole non-negative number (`-3`, `12.5`, `"12"`,
/// `2^64`, `1e400`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadCount {
    /// Where it is in the usage object, e.g. `output_tokens`, `cache_creation.ephemeral_1h_input_tokens`.
    pub field: String,
    /// The value as the capture gave it, cut short when long.
    pub value: String,
    /// What the field holds when it is good.
    pub wanted: Wanted,
}

/// What a usage field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    /// A token count.
    Count,
    /// A token count that is whole and non-negative but past the largest one held
    /// (`u64::MAX`): JSON reads it as a float, so its value is not quoted (hostile run 61:
    /// 2^64 was said to be `1.8446744073709552e+19`, not a whole count).
    TooLarge,
    /// A cost the provider reported, from 0 to `max` US dollars.
    Dollars { max: u64 },
}

impl fmt::Display for BadCount {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let (field, value) = (clip(&self.field), clip(&self.value));
        match self.wanted {
            Wanted::Count => write!(
                f,
                "usage `{field}` is {value}, not a whole non-negative count"
            ),
            Wanted::TooLarge => write!(
                f,
                "usage `{field}` is a count past {}, the largest one this tool holds",
                thousands(u64::MAX)
            ),
            Wanted::Dollars { max } => write!(
                f,
                "usage `{field}` is {value}, not a cost in US dollars from 0 to {}",
                thousands(max)
            ),
        }
    }
}

/// A type this tool does not know, with the kind of thing it is the type of. Ordered as
/// the warnings list them: by kind, then name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Unknown {
    ContentBlock(String),
    Delta(String),
    Event(String),
    OutputItem(String),
}

impl fmt::Display for Unknown {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let (kind, name) = match self {
            Unknown::ContentBlock(name) => ("content block type", name),
            Unknown::Delta(name) => ("delta type", name),
            Unknown::Event(name) => ("event type", name),
            Unknown::OutputItem(name) => ("output item type", name),
        };
        write!(f, "{kind} {}", Quoted(name))
    }
}

impl fmt::Display for EventFault {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            EventFault::Shape => f.write_str("is JSON of a shape no event has"),
            EventFault::TooDeep(deep) => deep.fmt(f),
            EventFault::TooBig => f.write_str("is too big to read"),
            EventFault::NotJson => f.write_str("is not JSON"),
        }
    }
}

/// Printed redacted whole. A warning quotes a capture's words (a tool's name, a call's id),
/// each redacted alone, but beside the warning's own words a line may name a credential
/// (`tool call "password" (call_abc123…)`); and read back from JSONL, where a file of turns
/// may be anyone's, the text is redacted whole ([`Warning::Recorded`]). Printed so from the
/// start, a warning prints the same from a whole run and from its parts read back.
impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&redact::redacted(&Said(self).to_string()))
    }
}

/// A warning's text as its parts say it, before it is redacted whole.
struct Said<'a>(&'a Warning);

impl fmt::Display for Said<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self.0 {
            Warning::InvalidUtf8 => {
                f.write_str("the stream holds invalid UTF-8; replaced with U+FFFD")
            }
            Warning::SseParser { detail } => write!(f, "event stream: {detail}"),
            Warning::IndentedField { line, field } => write!(
                f,
                "line {line}: a field indented by white space; read as `{}:`",
                clip(field)
            ),
            Warning::StrayLine { line } => {
                write!(
                    f,
                    "line {line}: neither an SSE field nor a comment; ignored"
                )
            }
            Warning::SplitDataLine { line } => write!(
                f,
                "line {line}: joined to the data line before it (the capture split one line in two)"
            ),
            Warning::NoBlankLine { line } => write!(
                f,
                "line {line}: an event starts with no blank line before it; read as an event of \
                 its own (by the SSE rules it joins the one before)"
            ),
            Warning::MoreNoBlankLines { first, count } => write!(
                f,
                "and {} more events with no blank line before them (the first at line \
                 {first}); each read as an event of its own",
                thousands(*count as u64)
            ),
            Warning::MoreSkippedFrames { frame, count } => write!(
                f,
                "and {} more event-stream frames that hold no readable event (the first is \
                 frame {frame}); skipped",
                thousands(*count as u64)
            ),
            Warning::MoreEventsSkipped { first, count } => write!(
                f,
                "and {} more events whose data could not be read (the first at line {first}); \
                 skipped",
                thousands(*count as u64)
            ),
            Warning::MoreBadCounts { first, count } => write!(
                f,
                "and {} more events whose usage holds counts that are no whole non-negative \
                 counts (the first at line {first}); the earlier counts are kept",
                thousands(*count as u64)
            ),
            Warning::MoreStrayLines { first, count } => write!(
                f,
                "and {} more lines that are neither an SSE field nor a comment (the first at \
                 line {first}); ignored",
                thousands(*count as u64)
            ),
            Warning::MoreSplitDataLines { first, count } => write!(
                f,
                "and {} more lines joined to the data line before them (the first at line \
                 {first})",
                thousands(*count as u64)
            ),
            Warning::MoreIndentedFields { first, count } => write!(
                f,
                "and {} more fields indented by white space (the first at line {first}); read \
                 as the fields they name",
                thousands(*count as u64)
            ),
            Warning::StreamCut { line, json_lines } => {
                let what = match json_lines {
                    true => "the last line is cut off",
                    false => "the last event has no blank line after it",
                };
                write!(f, "line {line}: {what}; the capture looks truncated")
            }
            Warning::SkippedFrame { frame, offset, why } => write!(
                f,
                "event-stream frame {frame} at byte {offset}: {why}; skipped"
            ),
            Warning::BrokenFrame { read, offset, why } => {
                let before = match read {
                    1 => "the 1 frame before it was read".to_string(),
                    n => format!("the {n} frames before it were read"),
                };
                write!(
                    f,
                    "event-stream frame {} at byte {offset}: {why}; {before}",
                    read + 1
                )
            }
            Warning::RequestInComment => f.write_str(
                "the request body stands in the txtar comment: the `-- request --` line is missing",
            ),
            Warning::UnknownSection { name } => {
                write!(f, "unknown txtar section name {}", Quoted(name))
            }
            Warning::NotBase64 { side, detail } => write!(
                f,
                "the {side} body says base64 but is not ({detail}); read as it is"
            ),
            Warning::NotRfc3339 { field, text } => {
                write!(f, "{field} {} is no RFC 3339 time", Quoted(text))
            }
            Warning::NoResponseLogged => f.write_str("the log holds no response to this request"),
            Warning::TimestampNoTime => f.write_str("the request's timestamp is no time"),
            Warning::LoneSurrogates { held, count, first } => {
                let what = match count {
                    1 => format!("a lone UTF-16 surrogate escape ({first})"),
                    n => format!("{n} lone UTF-16 surrogate escapes (the first {first})"),
                };
                let holds = match held {
                    Held::Events => "hold",
                    _ => "holds",
                };
                write!(
                    f,
                    "{held} {holds} {what}: half a character, which JSON readers refuse; \
                     read as U+FFFD"
                )
            }
            Warning::LongName { what, bytes } => write!(
                f,
                "the {what} is {} bytes long, no real one is: cut to {MAX_NAME} bytes",
                thousands(*bytes as u64)
            ),
            Warning::LongPath { bytes } => write!(
                f,
                "the source path is {} bytes long, no real one is: cut to {} bytes",
                thousands(*bytes as u64),
                thousands(MAX_PATH as u64)
            ),
            Warning::LongErrorMessage { bytes } => write!(
                f,
                "the error message is {} bytes long: cut to {} bytes",
                thousands(*bytes as u64),
                thousands(MAX_MESSAGE as u64)
            ),
            Warning::SharedRequestCut { whole, what, bytes } => write!(
                f,
                "the {what} ({} bytes) printed whole in the {whole} sections before: cut \
                 to {MAX_NAME} bytes",
                thousands(*bytes as u64)
            ),
            Warning::UnnamedCoding { coding } => write!(
                f,
                "the body is {coding} data its headers do not name (a proxy that compressed \
                 it again, or a recorder that dropped the header); undone"
            ),
            Warning::CodingNotApplied { coding: "…" } => f.write_str(
                "the headers name a coding this tool does not know (not shown), but the body \
                 is plain text (a recorder that decoded it and kept the header); read as it is",
            ),
            Warning::CodingNotApplied { coding } => write!(
                f,
                "the headers name the coding {coding}, but the body is plain text (a \
                 recorder that decoded it and kept the header); read as it is"
            ),
            Warning::ExtraCoding { coding } => write!(
                f,
                "the headers name one coding more than the body holds ({coding}: the body is \
                 text once the layers after it are undone, as when a header is repeated or a \
                 layer was decoded and its name kept); read as it is"
            ),
            Warning::BodyCutShort { detail } => write!(f, "{detail}; showing what it holds"),
            Warning::RequestCutShort => f.write_str("the request body is cut short"),
            Warning::RequestNotJson => f.write_str("the request body is not JSON"),
            Warning::RequestEmpty => {
                f.write_str("the request has no body; what was asked is not known")
            }
            Warning::StatusNotHttp => f.write_str(
                "the response's status is no HTTP status (a whole number from 100 to 599): \
                 the turn has none",
            ),
            Warning::TooMany { what, count, max } => {
                let (whose, verb, noun) = match what {
                    Listed::ToolCalls => ("response", "makes", "tool calls"),
                    Listed::Thoughts => ("response", "gives", "thoughts"),
                    Listed::OfferedTools => ("request", "offers", "tools"),
                    Listed::ToolResults => ("request", "carries", "tool results"),
                };
                write!(
                    f,
                    "the {whose} {verb} {} {noun}: past the first {} they are left out",
                    thousands(*count as u64),
                    thousands(*max as u64)
                )
            }
            Warning::TooManyNumbered { line, count, max } => write!(
                f,
                "line {line}: the stream opens more than {} choices, tool calls, output items \
                 or content blocks; {} events opening more, from this line on, are left out",
                thousands(*max as u64),
                thousands(*count)
            ),
            Warning::RequestNotKept => {
                f.write_str("the capture kept no request body; what was asked is not known")
            }
            Warning::OtherApiAsked {
                asked,
                answered,
                by_path,
            } => write!(
                f,
                "the request is of the {asked} API (by its {}), but the response is of the \
                 {answered} API",
                if *by_path { "path" } else { "body's fields" },
                asked = asked.as_str(),
                answered = answered.as_str(),
            ),
            Warning::RequestOverBudget => f.write_str(
                "the request body holds too many JSON values to read for its size; its contents are left out",
            ),
            Warning::ResponseCutShort => {
                f.write_str("the response body is cut short; showing what it holds")
            }
            Warning::ErrorBodyUnread { why, error_read } => match error_read {
                true => write!(f, "{why}; the error is read from its `error` alone"),
                false => write!(f, "{why}; the error shows its text as it is"),
            },
            Warning::NoFinalEvent => {
                f.write_str("the stream ended without its final event; the capture looks truncated")
            }
            Warning::EventSkipped {
                line,
                fault,
                detail,
            } => write!(
                f,
                "line {line}: event data {fault} ({detail}); event skipped"
            ),
            Warning::ContentShape { kind } => write!(
                f,
                "message content of an unexpected shape, kept out of the text: {kind}"
            ),
            Warning::MoreOddShapes { count } => write!(
                f,
                "and {} more events of a shape kept out of the turn, past the first {REPORTED} \
                 warned about",
                thousands(*count as u64)
            ),
            Warning::ContentPartKept { part } => write!(
                f,
                "content part of type {} kept out of the text",
                Quoted(part.as_deref().unwrap_or("(none)"))
            ),
            Warning::ArgumentsShape { name, kind } => write!(
                f,
                "tool call {}: arguments of an unexpected shape ({kind})",
                Quoted(name)
            ),
            Warning::ArgumentsNotJson { name, id, detail } => write!(
                f,
                "tool call {} ({}): arguments are not valid JSON ({detail}); kept as a string",
                Quoted(name),
                clip(id.as_deref().unwrap_or("no id"))
            ),
            Warning::ArgumentsNotBuilt { name, id, why } => write!(
                f,
                "tool call {} ({}): arguments {why}; kept as a string",
                Quoted(name),
                clip(id.as_deref().unwrap_or("no id"))
            ),
            Warning::OtherChoices => {
                f.write_str("the response has choices besides choice 0; only choice 0 is shown")
            }
            Warning::CompletionShape { detail } => {
                write!(f, "the completion body has an unexpected shape ({detail})")
            }
            Warning::DeltaBeforeStart { line, index } => write!(
                f,
                "line {line}: delta for content block {index}, which never started"
            ),
            Warning::DeltaMismatch { line, delta, index } => write!(
                f,
                "line {line}: {} for content block {index}, which is of another type",
                clip(delta)
            ),
            Warning::BadCount {
                line: Some(line),
                count,
            } => write!(f, "line {line}: {count}; the earlier count is kept"),
            Warning::BadCount { line: None, count } => write!(f, "{count}; left out"),
            Warning::Unknown { what, count: 1 } => write!(f, "unknown {what}"),
            Warning::Unknown { what, count } => write!(f, "unknown {what} ({count} times)"),
            Warning::OtherUnknown { count } => write!(
                f,
                "and {} more events, blocks, deltas or items of unknown types, past the first \
                 {REPORTED} types named",
                thousands(*count)
            ),
            Warning::Unpriced(unpriced) => unpriced.fmt(f),
            Warning::Recorded(text) => f.write_str(text),
        }
    }
}

/// Printed as its text: the JSONL schema's `warnings` is an array of strings.
impl Serialize for Warning {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Read back as the text it was printed as.
impl<'de> Deserialize<'de> for Warning {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Warning::Recorded)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_shrunk_warning_says_what_it_said_and_holds_no_more_than_it_quotes() {
        let long = "x".repeat(1 << 20);
        let mut warnings = [
            Warning::Unknown {
                what: Unknown::Event(long.clone()),
                count: 2,
            },
            Warning::UnknownSection { name: long.clone() },
            Warning::NotRfc3339 {
                field: "startedDateTime",
                text: long.clone(),
            },
            Warning::UnknownSection {
                name: "streaming/x".into(),
            },
            Warning::Recorded(long.clone()),
        ];
        let said: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        for warning in &mut warnings {
            warning.shrink();
        }
        for (warning, said) in warnings.iter().zip(&said).take(4) {
            assert_eq!(&warning.to_string(), said);
            assert!(format!("{warning:?}").len() < 5_000);
        }
        assert_eq!(warnings[4].to_string().len(), MAX_MESSAGE);
    }

    use super::*;

    #[test]
    fn a_warning_prints_as_its_text_and_reads_back_as_it() {
        let warning = Warning::Unknown {
            what: Unknown::Event("response.output_audio.delta".into()),
            count: 3,
        };
        let json = serde_json::to_string(&warning).unwrap();
        assert_eq!(
            json,
            r#""unknown event type \"response.output_audio.delta\" (3 times)""#
        );
        let back: Warning = serde_json::from_str(&json).unwrap();
        assert_eq!(back.to_string(), warning.to_string());
        assert!(matches!(back, Warning::Recorded(_)));
    }

    #[test]
    fn a_warning_prints_redacted_whole_as_it_reads_back() {
        // Each part quoted is redacted alone and kept; beside the warning's words, the
        // tool's name makes the line name a credential, and the id beside it a value.
        let warning = Warning::ArgumentsNotJson {
            name: "password".into(),
            id: Some("call_abc123def456".into()),
            detail: "EOF while parsing a string".into(),
        };
        let said = warning.to_string();
        assert_eq!(
            said,
            "tool call \"password\" (…): arguments are not valid JSON (EOF while parsing a \
             string); kept as a string"
        );
        assert_eq!(Warning::Recorded(said.clone()).to_string(), said);
    }

    #[test]
    fn a_broken_frame_counts_the_frames_read_before_it() {
        let broken = |read| Warning::BrokenFrame {
            read,
            offset: 40,
            why: "bad CRC",
        };
        assert_eq!(
            broken(1).to_string(),
            "event-stream frame 2 at byte 40: bad CRC; the 1 frame before it was read"
        );
        assert_eq!(
            broken(0).to_string(),
            "event-stream frame 1 at byte 40: bad CRC; the 0 frames before it were read"
        );
    }
}
