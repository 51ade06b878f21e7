//! `text/event-stream` framing for captures.
//!
//! Framing goes through eventsource-stream, but never hands it the capture as it is: as a
//! plain stream parser it panics on a leading BOM, loses a last event that ends in `\r`,
//! stops at invalid UTF-8, and re-parses its whole buffer per chunk (quadratic on one big
//! chunk). So this module splits the body into lines itself and feeds it whole lines, about
//! one event per chunk (`CHUNK`), which keeps its buffer small and the cost linear, and it
//! mends what a capture gets wrong: the BOM is dropped, invalid UTF-8 becomes U+FFFD, a lone
//! `\r` line end becomes `\n`, a line that continues the `data:` line before it is joined to
//! it, and a last event with no blank line after it is kept with a warning.
//!
//! A framed stream is its body and a way to read it: its events are handed over one at a
//! time ([`SseStream::each`]), borrowing their text from the body wherever the body holds it
//! as it is (see [`SseEvent`]), and are never held all at once. A stream costs its body and
//! one event, whatever its number of events: a list of them cost 56 bytes an event before
//! any was read, seven times a body of 8-byte events.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::ops::ControlFlow;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use eventsource_stream::{Event, EventStream};
use futures_core::Stream;

use super::eventstream;
use crate::warning::{Repeats, Warning};

/// One dispatched event. Its fields borrow from the body wherever the body holds them as
/// they are (nearly always): copies of every event's data would double what reading a
/// capture costs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent<'a> {
    /// The `event:` field, or `message` when the stream had none.
    pub event: Cow<'a, str>,
    /// The `data:` lines joined with `\n`.
    pub data: Cow<'a, str>,
    /// 1-based line of the event's first line in the file (the body starts at the
    /// `first_line` the framer was given).
    pub line: usize,
}

/// A body to frame into events: `text/event-stream`, a log of JSON lines, or a Bedrock
/// event stream. Made without reading it through; [`SseStream::each`] reads it.
#[derive(Debug, Clone)]
pub struct SseStream<'a> {
    source: Source<'a>,
    /// The line the body starts on in the file.
    first_line: usize,
}

#[derive(Debug, Clone)]
enum Source<'a> {
    /// `text/event-stream`, as text (owned when invalid UTF-8 had to be replaced, with the
    /// line of the first bad byte).
    Sse {
        text: Cow<'a, str>,
        invalid_utf8: Option<usize>,
    },
    /// One JSON event per line.
    JsonLines(Cow<'a, str>),
    /// Binary AWS event-stream frames.
    Bedrock(&'a [u8]),
}

/// What framing found besides the events: known once every event was handed over.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Framing {
    /// What framing had to mend, with line numbers.
    pub warnings: Vec<Warning>,
    /// The line of the last event, when the body ended inside it (no blank line after it,
    /// or in an event log, no line end after a last line whose JSON is unfinished).
    pub truncated: Option<usize>,
    /// Read from a log of one JSON event per line, which has no room for a non-JSON
    /// terminator such as Chat's `data: [DONE]`.
    pub json_lines: bool,
    /// What framing tolerated, one entry per offending line, in line order. Framing mends
    /// these silently or with a warning; `validate` reports each, so the defects are kept
    /// as data rather than only as warning text. Past [`REPORTED`](crate::warning::REPORTED)
    /// of a kind, the rest are one entry with their count.
    pub defects: Vec<FramingDefect>,
}

impl Framing {
    /// The warning for a stream whose body ended inside its last event, if it did.
    pub fn truncation_warning(&self) -> Option<Warning> {
        Some(Warning::StreamCut {
            line: self.truncated?,
            json_lines: self.json_lines,
        })
    }
}

impl<'a> SseStream<'a> {
    /// A Bedrock event stream's frames, read by [`eventstream`].
    pub(super) fn bedrock(data: &'a [u8], first_line: usize) -> SseStream<'a> {
        SseStream {
            source: Source::Bedrock(data),
            first_line,
        }
    }

    /// Whether the body is a log of JSON lines (see [`Framing::json_lines`]).
    pub fn json_lines(&self) -> bool {
        matches!(self.source, Source::JsonLines(_))
    }

    /// Whether the body is a binary AWS event stream (Bedrock's).
    pub fn aws(&self) -> bool {
        matches!(self.source, Source::Bedrock(_))
    }

    /// Frames the body, handing each event to `each` in order until it breaks, and says
    /// what framing found. A stream is framed again each time this is called.
    pub fn each<'s>(&'s self, mut each: impl FnMut(SseEvent<'s>) -> ControlFlow<()>) -> Framing {
        match &self.source {
            Source::Sse { text, invalid_utf8 } => {
                let mut framing = frame_text(text, self.first_line, &mut each);
                if let Some(line) = *invalid_utf8 {
                    framing.warnings.insert(0, Warning::InvalidUtf8);
                    framing.defects.insert(
                        0,
                        FramingDefect {
                            line,
                            kind: DefectKind::InvalidUtf8,
                        },
                    );
                    framing.defects.sort_by_key(|d| d.line);
                }
                framing
            }
            Source::JsonLines(text) => json_lines_of(text, self.first_line, &mut each),
            Source::Bedrock(data) => eventstream::each_event(data, self.first_line, &mut each),
        }
    }

    /// Every event at once, and what framing found: for tests and tools that want a
    /// stream's events side by side. Reading holds one event at a time ([`Self::each`]).
    pub fn collect(&self) -> (Vec<SseEvent<'_>>, Framing) {
        let mut events = Vec::new();
        let framing = self.each(|event| {
            events.push(event);
            ControlFlow::Continue(())
        });
        (events, framing)
    }
}

/// Something in a body that no clean `text/event-stream` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FramingDefect {
    /// 1-based line, counted in the framed body like [`SseEvent::line`].
    pub line: usize,
    pub kind: DefectKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefectKind {
    /// A line that is neither a comment nor a `data`, `event`, `id` or `retry` field, and
    /// continues no data line: an SSE parser ignores it, so whatever it held is lost.
    StrayLine,
    /// An event with an `event:` line but no `data:` line: an SSE parser never dispatches it.
    NoData,
    /// A line joined to the `data:` line before it (a capture split one line in two).
    JoinedLine,
    /// An event that starts with no blank line before it: a `data:` line after one whose
    /// value is a whole JSON object, or a second `event:` line after a `data:` line. By the
    /// SSE rules both events are one, whose data no client reads; it is read as two.
    NoBlankLine,
    /// Bytes that are not UTF-8 (the first such line; they were replaced with U+FFFD).
    InvalidUtf8,
    /// A binary event-stream frame that is whole but wrong, a CRC or its headers (its
    /// `line` is the frame's number): the stream is read up to it.
    CorruptFrame {
        /// What is wrong with it: a CRC, or headers that do not fit.
        why: &'static str,
    },
    /// A binary event-stream frame whose CRCs hold but whose payload holds no readable
    /// event (a chunk that is no JSON, or no base64): it is skipped.
    UnreadableFrame,
    /// `count` more stray lines past the [`REPORTED`](crate::warning::REPORTED) reported one by one; the defect's
    /// line is the first of them.
    MoreStrayLines { count: usize },
    /// `count` more joined lines past the [`REPORTED`](crate::warning::REPORTED) reported one by one.
    MoreJoinedLines { count: usize },
    /// `count` more events with no blank line before them past the ones reported one by one.
    MoreNoBlankLines { count: usize },
    /// `count` more events with no data past the [`REPORTED`](crate::warning::REPORTED) reported one by one.
    MoreNoData { count: usize },
    /// `count` more unreadable event-stream frames past the ones reported one by one.
    MoreUnreadableFrames { count: usize },
}

impl DefectKind {
    /// How many defects this one counts, when it is a count of them.
    pub fn count(self) -> Option<usize> {
        match self {
            DefectKind::MoreStrayLines { count }
            | DefectKind::MoreJoinedLines { count }
            | DefectKind::MoreNoBlankLines { count }
            | DefectKind::MoreNoData { count }
            | DefectKind::MoreUnreadableFrames { count } => Some(count),
            _ => None,
        }
    }
}

/// Whole lines are handed to eventsource-stream in chunks of about one event: its cost per
/// chunk (a copy into a fresh `String`, a poll) is then paid once per event rather than once
/// per line. A chunk of many events would be worse, not better: the parser copies what
/// follows each line it reads, so its time grows with the square of a chunk's lines. Lines
/// of one event are cut into chunks of this size when they run longer.
const CHUNK: usize = 16 << 10;

/// The most lines handed over in one chunk: the parser's work on a chunk grows with its
/// lines times its length, so a chunk of thousands of short lines (`event: x` over and
/// over) would cost a thousand times its size.
const CHUNK_LINES: usize = 32;

/// A `data:` line longer than this is not handed to eventsource-stream whole, only its field
/// name: the parser copies a line three times over (into a `String`, into its buffer, into
/// the event), which for a 200 MB line is 600 MB on top of the body. Its value is taken
/// from the body instead, as the parser would read it (after `data:` and one space).
const HUGE_LINE: usize = 1 << 20;

/// The chunks handed to eventsource-stream, shared with the driver that fills them.
type Queue<'a> = Rc<RefCell<VecDeque<Chunk<'a>>>>;

/// A stream that yields whatever the driver queued, and is pending when the queue is empty
/// until the driver marks the end.
struct Feed<'a> {
    queue: Queue<'a>,
    ended: Rc<RefCell<bool>>,
}

impl<'a> Stream for Feed<'a> {
    type Item = Result<Chunk<'a>, Infallible>;

    fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match self.queue.borrow_mut().pop_front() {
            Some(chunk) => Poll::Ready(Some(Ok(chunk))),
            None if *self.ended.borrow() => Poll::Ready(None),
            None => Poll::Pending,
        }
    }
}

/// Wraps `Cow<str>` so eventsource-stream can take it as bytes.
struct Chunk<'a>(Cow<'a, str>);

impl AsRef<[u8]> for Chunk<'_> {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// Splits `text` into lines at LF, CRLF or a lone CR. Each item is the line with its end,
/// and the line without it.
fn lines(text: &str) -> impl Iterator<Item = (&str, &str)> {
    let bytes = text.as_bytes();
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= bytes.len() {
            return None;
        }
        let start = pos;
        match memchr::memchr2(b'\n', b'\r', &bytes[start..]) {
            None => {
                pos = bytes.len();
                Some((&text[start..], &text[start..]))
            }
            Some(i) => {
                let end = start + i;
                let ending_len = if bytes[end] == b'\r' && bytes.get(end + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                pos = end + ending_len;
                Some((&text[start..pos], &text[start..end]))
            }
        }
    })
}

/// The 1-based line that follows `text`, counting line ends as [`lines`] does.
fn line_of(text: &[u8]) -> usize {
    let mut line = 1;
    let mut i = 0;
    while let Some(at) = memchr::memchr2(b'\n', b'\r', &text[i..]) {
        let end = i + at;
        // CRLF is one line end; a CR at the very end may be the first half of one.
        if text[end] == b'\r' && text.get(end + 1) == Some(&b'\n') {
            i = end + 2;
        } else {
            i = end + 1;
        }
        line += 1;
    }
    line
}

/// The field name of an SSE line: everything before the first colon. Every line is asked
/// (most twice, as a line and as the one after the line before), and the names read are
/// short: their colon is looked for among the first bytes before the whole line is searched.
fn field_name(line: &str) -> &str {
    let bytes = line.as_bytes();
    let head = &bytes[..bytes.len().min(FIELD_HEAD)];
    let colon = match head.iter().position(|&b| b == b':') {
        Some(at) => Some(at),
        None => memchr::memchr(b':', &bytes[head.len()..]).map(|at| head.len() + at),
    };
    colon.map_or(line, |at| &line[..at])
}

/// How far [`field_name`] looks byte by byte for a colon: past the longest field name this
/// module reads (`retry`, `event`) and its colon.
const FIELD_HEAD: usize = 8;

/// Whether an event's data is whole: one JSON value, or Chat's `[DONE]` marker. A last
/// event whose data is not was cut off.
pub fn is_whole_event(data: &str) -> bool {
    let data = data.trim();
    data == "[DONE]" || serde_json::from_str::<serde::de::IgnoredAny>(data).is_ok()
}

/// Whether a `data:` line's value is whole JSON (or the `[DONE]` marker).
fn is_json(line: &str) -> bool {
    let value = line["data".len()..].trim_start_matches(':').trim();
    is_whole_event(value)
}

fn is_known_field(line: &str) -> bool {
    matches!(field_name(line), "data" | "event" | "id" | "retry")
}

/// `body` as text, invalid UTF-8 replaced with U+FFFD, and the line of the first bad byte.
/// Valid input (nearly all of it) is borrowed; `from_utf8` checks it several times faster
/// than the lossy decoder walks it.
fn utf8(body: &[u8], first_line: usize) -> (Cow<'_, str>, Option<usize>) {
    match std::str::from_utf8(body) {
        Ok(text) => (Cow::Borrowed(text), None),
        Err(err) => (
            String::from_utf8_lossy(body),
            Some(line_of(&body[..err.valid_up_to()]) + first_line - 1),
        ),
    }
}

/// A log of one JSON event per line (NDJSON), as SDK test suites and some gateways record
/// streams: each non-blank line is one event's data.
pub fn from_json_lines(body: &[u8], first_line: usize) -> SseStream<'_> {
    SseStream {
        source: Source::JsonLines(utf8(body, first_line).0),
        first_line,
    }
}

fn json_lines_of<'t>(
    text: &'t str,
    first_line: usize,
    each: &mut impl FnMut(SseEvent<'t>) -> ControlFlow<()>,
) -> Framing {
    let mut out = Framing {
        json_lines: true,
        ..Framing::default()
    };
    let mut last = None;
    for (index, (_, line)) in lines(text).enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        last = Some((line, index + first_line));
        let event = SseEvent {
            event: Cow::Borrowed(MESSAGE),
            data: Cow::Borrowed(line),
            line: index + first_line,
        };
        if each(event).is_break() {
            return out;
        }
    }
    // A last line with no line end whose JSON is unfinished was cut off: it is no whole
    // event, and the reconstructor leaves it out on this word.
    if let Some((data, line)) = last {
        if !text.ends_with(['\n', '\r']) && !is_whole_event(data) {
            out.truncated = Some(line);
        }
    }
    out
}

/// The event type of an event with no `event:` field.
const MESSAGE: &str = "message";

/// A `text/event-stream` body (HTTP head already removed), to frame.
pub fn parse(body: &[u8], first_line: usize) -> SseStream<'_> {
    let (text, invalid_utf8) = utf8(body, first_line);
    SseStream {
        source: Source::Sse { text, invalid_utf8 },
        first_line,
    }
}

/// The value of a `data` line (field name `data`), as an SSE parser reads it: after the
/// colon and one space, if any.
fn data_value(line: &str) -> &str {
    let rest = &line["data".len()..];
    let rest = rest.strip_prefix(':').unwrap_or(rest);
    rest.strip_prefix(' ').unwrap_or(rest)
}

/// The value of an `event` line, read as [`data_value`] reads a data line.
fn event_value(line: &str) -> &str {
    let rest = &line["event".len()..];
    let rest = rest.strip_prefix(':').unwrap_or(rest);
    rest.strip_prefix(' ').unwrap_or(rest)
}

/// The values of one event's `data` lines, as far as framing needs them: one alone can be
/// borrowed from the body; several are kept joined, as the event's data, only for an event
/// with a line too long to hand over ([`HUGE_LINE`]) and the parser's data is used
/// otherwise. Kept joined, not as a list: an event of millions of bare `data` lines would
/// cost a list entry (24 bytes) for each line of 5.
#[derive(Default)]
enum Values<'t> {
    #[default]
    None,
    One(Cow<'t, str>),
    Many(String),
}

impl<'t> Values<'t> {
    fn push(&mut self, value: Cow<'t, str>) {
        *self = match std::mem::take(self) {
            Values::None => Values::One(value),
            Values::One(first) => {
                let mut all = first.into_owned();
                all.push('\n');
                all.push_str(&value);
                Values::Many(all)
            }
            Values::Many(mut all) => {
                all.push('\n');
                all.push_str(&value);
                Values::Many(all)
            }
        };
    }
}

/// Drives eventsource-stream over one body's text and keeps, for the event being built, what
/// the body holds of it, so a dispatched event can borrow its text instead of owning it.
struct Framer<'t, 'e, E> {
    text: &'t str,
    stream: EventStream<Feed<'t>>,
    queue: Queue<'t>,
    ended: Rc<RefCell<bool>>,
    out: Framing,
    /// Takes each event as it is dispatched.
    each: &'e mut E,
    /// `each` asked for no more events.
    stopped: bool,
    /// How many events were dispatched.
    dispatched: usize,
    /// Whole, unmended lines not yet handed over: a range of `text`.
    pending: std::ops::Range<usize>,
    /// How many lines `pending` holds.
    pending_lines: usize,
    /// Whether any line of the event being built was handed over: if none was, its blank
    /// line has nothing to dispatch, and is not handed over either.
    fed: bool,
    /// Reports of lines that repeat without limit in a hostile body, each bounded.
    stray: Repeats,
    joined: Repeats,
    unparted: Repeats,
    indented: Repeats,
    no_data: Repeats,
    /// The first line of the event being built, if any line of it has been fed.
    event_start: Option<usize>,
    /// The values of the event's `data` lines as the body holds them (owned where a line
    /// was joined).
    values: Values<'t>,
    /// Whether one of them was too long to hand over ([`HUGE_LINE`]).
    bypassed: bool,
    /// The value of the event's last `event` line.
    name: Option<&'t str>,
}

impl<'t, 'e, E: FnMut(SseEvent<'t>) -> ControlFlow<()>> Framer<'t, 'e, E> {
    fn new(text: &'t str, each: &'e mut E) -> Framer<'t, 'e, E> {
        let queue: Queue = Rc::default();
        let ended = Rc::new(RefCell::new(false));
        let feed = Feed {
            queue: Rc::clone(&queue),
            ended: Rc::clone(&ended),
        };
        Framer {
            text,
            stream: EventStream::new(feed),
            queue,
            ended,
            out: Framing::default(),
            each,
            stopped: false,
            dispatched: 0,
            pending: 0..0,
            pending_lines: 0,
            fed: false,
            stray: Repeats::default(),
            joined: Repeats::default(),
            unparted: Repeats::default(),
            indented: Repeats::default(),
            no_data: Repeats::default(),
            event_start: None,
            values: Values::None,
            bypassed: false,
            name: None,
        }
    }

    /// Queues the whole line that starts at `start` behind the pending ones.
    fn push_whole(&mut self, start: usize, whole: &str) {
        debug_assert!(self.pending.is_empty() || self.pending.end == start);
        if self.pending.is_empty() {
            self.pending = start..start;
        }
        self.pending.end = start + whole.len();
        self.pending_lines += 1;
        self.fed = true;
        if self.pending.len() >= CHUNK || self.pending_lines >= CHUNK_LINES {
            self.flush();
        }
    }

    /// Hands the pending lines over, then `chunk`, and takes what was dispatched.
    fn push(&mut self, chunk: Cow<'t, str>) {
        self.fed = true;
        self.flush_pending();
        self.queue.borrow_mut().push_back(Chunk(chunk));
        self.drain();
    }

    /// Hands the pending lines over and takes what was dispatched.
    fn flush(&mut self) {
        self.flush_pending();
        self.drain();
    }

    fn flush_pending(&mut self) {
        self.pending_lines = 0;
        if !self.pending.is_empty() {
            let lines = &self.text[std::mem::replace(&mut self.pending, 0..0)];
            self.queue
                .borrow_mut()
                .push_back(Chunk(Cow::Borrowed(lines)));
        }
    }

    fn drain(&mut self) {
        let mut cx = Context::from_waker(Waker::noop());
        while let Poll::Ready(Some(next)) = Pin::new(&mut self.stream).poll_next(&mut cx) {
            match next {
                Ok(event) => {
                    let event = self.borrowed(event);
                    self.dispatched += 1;
                    if !self.stopped {
                        self.stopped = (self.each)(event).is_break();
                    }
                }
                // Only a parser error is possible on whole lines, and every whole line parses
                // (the SSE grammar accepts any line); keep going all the same.
                Err(err) => self.out.warnings.push(Warning::SseParser {
                    detail: err.to_string(),
                }),
            }
        }
        debug_assert!(self.queue.borrow().is_empty());
    }

    /// The event eventsource-stream dispatched, its text borrowed from the body where the
    /// body holds it as it is (one data line), else as the parser built it.
    fn borrowed(&mut self, event: Event) -> SseEvent<'t> {
        let data = match (std::mem::take(&mut self.values), self.bypassed) {
            // The parser saw no value for the long line: the data is built here, as the
            // parser would have built it.
            (Values::One(one), true) => one,
            (Values::Many(all), true) => Cow::Owned(all),
            (Values::One(one), false) if one == event.data => one,
            _ => Cow::Owned(event.data),
        };
        self.bypassed = false;
        let name = match self.name.take() {
            _ if event.event == MESSAGE => Cow::Borrowed(MESSAGE),
            Some(name) if name == event.event => Cow::Borrowed(name),
            _ => Cow::Owned(event.event),
        };
        SseEvent {
            event: name,
            data,
            line: self.event_start.unwrap_or(0),
        }
    }

    /// The end of an event (a blank line was handed over): what was kept of it is dropped.
    fn event_end(&mut self) {
        self.event_start = None;
        self.fed = false;
        self.values = Values::None;
        self.bypassed = false;
        self.name = None;
    }

    /// Whether the line, a field `field` of the event being built (which `has_data`), starts
    /// another event, its blank line missing (hostile run 60: a Chat stream of `data:` lines
    /// alone was one event, "of no API"). Every event of the APIs read holds one JSON
    /// object or `[DONE]`, so a second data line after one that is a whole object starts
    /// the next event; so does a second `event:` line after data. Each line's JSON is
    /// parsed once at most: only an event's first value is, when a second line comes.
    fn starts_event(&self, field: &str, line: &str, has_data: bool) -> bool {
        match field {
            "data" => {
                let Values::One(first) = &self.values else {
                    return false;
                };
                let next = data_value(line).trim_start();
                let opens = next.starts_with('{') || next.trim_end() == "[DONE]";
                let first = first.trim();
                opens && (first == "[DONE]" || first.starts_with('{') && is_whole_event(first))
            }
            "event" => has_data && self.name.is_some(),
            _ => false,
        }
    }

    /// A framing defect at `line`, reported on its own while `kind`'s tally allows.
    fn defect(&mut self, line: usize, kind: DefectKind) -> bool {
        let tally = match kind {
            DefectKind::StrayLine => &mut self.stray,
            DefectKind::JoinedLine => &mut self.joined,
            DefectKind::NoBlankLine => &mut self.unparted,
            DefectKind::NoData => &mut self.no_data,
            _ => return true,
        };
        let reported = tally.report(line);
        if reported {
            self.out.defects.push(FramingDefect { line, kind });
        }
        reported
    }

    /// Reports what each tally counted past the ones reported on their own.
    fn report_counted(&mut self) {
        if let Some((first, count)) = self.stray.counted() {
            self.out
                .warnings
                .push(Warning::MoreStrayLines { first, count });
            self.out.defects.push(FramingDefect {
                line: first,
                kind: DefectKind::MoreStrayLines { count },
            });
        }
        if let Some((first, count)) = self.joined.counted() {
            self.out
                .warnings
                .push(Warning::MoreSplitDataLines { first, count });
            self.out.defects.push(FramingDefect {
                line: first,
                kind: DefectKind::MoreJoinedLines { count },
            });
        }
        if let Some((first, count)) = self.unparted.counted() {
            self.out
                .warnings
                .push(Warning::MoreNoBlankLines { first, count });
            self.out.defects.push(FramingDefect {
                line: first,
                kind: DefectKind::MoreNoBlankLines { count },
            });
        }
        if let Some((first, count)) = self.indented.counted() {
            self.out
                .warnings
                .push(Warning::MoreIndentedFields { first, count });
        }
        if let Some((first, count)) = self.no_data.counted() {
            self.out.defects.push(FramingDefect {
                line: first,
                kind: DefectKind::MoreNoData { count },
            });
        }
    }
}

fn frame_text<'t>(
    text: &'t str,
    first_line: usize,
    each: &mut impl FnMut(SseEvent<'t>) -> ControlFlow<()>,
) -> Framing {
    // Every leading BOM, not just one: eventsource-stream slices one off a first chunk that
    // starts with a BOM, at a byte that is no character boundary when another follows.
    let text = text.trim_start_matches(super::bom::CHAR);
    let mut f = Framer::new(text, each);

    // The line of the event's `event:` field, while the event has no `data:` line.
    let mut named_without_data: Option<usize> = None;
    let mut has_data = false;

    let mut all = lines(text).enumerate().peekable();
    while let Some((index, (mut whole, mut line))) = all.next() {
        if f.stopped {
            return f.out;
        }
        let number = index + first_line;
        let start = whole.as_ptr() as usize - text.as_ptr() as usize;
        // A field indented by a space or tab (seen where a body was cut out of a log by
        // hand) would be ignored by the SSE rules, losing its event: read it as the field.
        let indented = match line.as_bytes().first() {
            Some(b' ' | b'\t') => line.trim_start_matches([' ', '\t']),
            _ => line,
        };
        let mended = indented.len() < line.len() && is_known_field(indented);
        if mended && f.indented.report(number) {
            f.out.warnings.push(Warning::IndentedField {
                line: number,
                field: field_name(indented).to_string(),
            });
        }
        if mended {
            whole = &whole[line.len() - indented.len()..];
            line = indented;
        }
        if line.is_empty() {
            // A blank line ends an event; with no line of one handed over, the parser has
            // nothing to dispatch, so a body of blank lines costs no chunk per line.
            if f.fed {
                match whole.ends_with('\n') {
                    true => f.push_whole(start, whole),
                    false => f.push(Cow::Borrowed("\n")),
                }
                f.flush();
            }
            f.event_end();
            if let Some(at) = named_without_data.take().filter(|_| !has_data) {
                f.defect(at, DefectKind::NoData);
            }
            has_data = false;
            continue;
        }
        let field = field_name(line);
        if f.starts_event(field, line, has_data) {
            if f.defect(number, DefectKind::NoBlankLine) {
                f.out.warnings.push(Warning::NoBlankLine { line: number });
            }
            f.push(Cow::Borrowed("\n"));
            f.event_end();
            named_without_data = None;
            has_data = false;
        }
        f.event_start.get_or_insert(number);
        match field {
            "data" => has_data = true,
            "event" => {
                named_without_data.get_or_insert(number);
                f.name = Some(event_value(line));
            }
            _ if line.starts_with(':') || is_known_field(line) => {}
            _ => {
                if f.defect(number, DefectKind::StrayLine) {
                    f.out.warnings.push(Warning::StrayLine { line: number });
                }
            }
        }
        let mut joined: Option<String> = None;
        // A capture sometimes wraps a long `data:` line: the next line is not a field of its
        // own but the rest of the JSON. Joining it back is the only way to keep the event;
        // only a data line whose JSON is unfinished is joined, so a stray line (a comment
        // someone typed without its colon) is left to the SSE rules, which ignore it.
        let continues =
            |next: &str| !(next.is_empty() || next.starts_with(':') || is_known_field(next));
        // Parsing the line as JSON is the costly part: only a data line followed by one that
        // is no field can need joining, so only then is it asked.
        if field == "data"
            && all.peek().is_some_and(|(_, (_, next))| continues(next))
            && !is_json(line)
        {
            while let Some((_, (_, next))) = all.peek() {
                if !continues(next) {
                    break;
                }
                let (next_index, (_, next)) = all.next().unwrap_or_default();
                joined
                    .get_or_insert_with(|| line.to_string())
                    .push_str(next);
                let at = next_index + first_line;
                if f.defect(at, DefectKind::JoinedLine) {
                    f.out.warnings.push(Warning::SplitDataLine { line: at });
                }
            }
        }
        match joined {
            Some(mut joined) => {
                f.values.push(Cow::Owned(data_value(&joined).to_string()));
                joined.push('\n');
                f.push(Cow::Owned(joined));
            }
            None if field == "data" && line.len() > HUGE_LINE => {
                f.values.push(Cow::Borrowed(data_value(line)));
                f.bypassed = true;
                f.push(Cow::Borrowed("data:\n"));
            }
            // Comments, `id` and `retry` fields and lines the SSE rules ignore add nothing to
            // what is read of an event (its name and data): they are not handed over, so a
            // body of them costs no parsing.
            None if !matches!(field, "data" | "event") => f.flush_pending(),
            None => {
                if field == "data" {
                    f.values.push(Cow::Borrowed(data_value(line)));
                }
                // LF and CRLF ends are complete for the parser; a lone CR (or none) is not,
                // since it waits to see whether an LF follows.
                if whole.ends_with('\n') && !mended {
                    f.push_whole(start, whole);
                } else if whole.ends_with('\n') {
                    f.push(Cow::Borrowed(whole));
                } else {
                    f.push(Cow::Borrowed(line));
                    f.push(Cow::Borrowed("\n"));
                }
            }
        }
    }
    f.flush();
    if let Some(at) = named_without_data.filter(|_| !has_data) {
        f.defect(at, DefectKind::NoData);
    }
    f.report_counted();
    if f.fed {
        let before = f.dispatched;
        f.push(Cow::Borrowed("\n"));
        if f.dispatched > before {
            f.out.truncated = f.event_start;
        }
    }
    *f.ended.borrow_mut() = true;
    f.drain();
    f.out.defects.sort_by_key(|d| d.line);
    f.out
}

/// A stream's events and what framing found, owned, side by side: what tests compare.
#[cfg(test)]
#[derive(Debug)]
pub(crate) struct Framed {
    pub events: Vec<SseEvent<'static>>,
    pub warnings: Vec<Warning>,
    pub truncated: Option<usize>,
    pub defects: Vec<FramingDefect>,
}

#[cfg(test)]
impl SseStream<'_> {
    pub(crate) fn framed(&self) -> Framed {
        let (events, framing) = self.collect();
        Framed {
            events: events
                .into_iter()
                .map(|e| SseEvent {
                    event: Cow::Owned(e.event.into_owned()),
                    data: Cow::Owned(e.data.into_owned()),
                    line: e.line,
                })
                .collect(),
            warnings: framing.warnings,
            truncated: framing.truncated,
            defects: framing.defects,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::warning::REPORTED;

    fn events(body: &str) -> Vec<(String, String, usize)> {
        parse(body.as_bytes(), 1)
            .framed()
            .events
            .into_iter()
            .map(|e| (e.event.into_owned(), e.data.into_owned(), e.line))
            .collect()
    }

    #[test]
    fn plain_events_with_lines() {
        let got = events("event: a\ndata: {\"x\":1}\n\n: comment\n\ndata: two\n\n");
        assert_eq!(
            got,
            vec![
                ("a".into(), "{\"x\":1}".into(), 1),
                ("message".into(), "two".into(), 6)
            ]
        );
    }

    #[test]
    fn crlf_cr_and_bom() {
        let got = events("\u{feff}data: a\r\n\r\ndata: b\r\rdata: c\r");
        assert_eq!(
            got.iter().map(|e| e.1.as_str()).collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
    }

    #[test]
    fn repeated_leading_boms_do_not_panic() {
        let got = events("\u{feff}\u{feff}\u{feff}data: a\n\n");
        assert_eq!(got, vec![("message".into(), "a".into(), 1)]);
    }

    #[test]
    fn last_event_without_blank_line_is_kept_and_flagged() {
        let s = parse(b"data: a\n\ndata: b\n", 1).framed();
        assert_eq!(s.events.len(), 2);
        assert_eq!(s.truncated, Some(3));
        let (_, framing) = parse(b"data: a\n\ndata: b\n", 1).collect();
        assert_eq!(
            framing.truncation_warning(),
            Some(Warning::StreamCut {
                line: 3,
                json_lines: false
            })
        );
    }

    #[test]
    fn invalid_utf8_is_replaced() {
        let s = parse(b"data: a\xff\n\ndata: b\n\n", 1).framed();
        assert_eq!(s.events[0].data, "a\u{fffd}");
        assert_eq!(s.events[1].data, "b");
        assert_eq!(s.truncated, None);
        assert_eq!(s.warnings.len(), 1);
    }

    #[test]
    fn multi_line_data_joins_with_newline() {
        assert_eq!(events("data: a\ndata: b\n\n")[0].1, "a\nb");
    }

    #[test]
    fn an_event_with_no_blank_line_before_it_is_read_as_its_own() {
        // Hostile run 60: a Chat stream of `data:` lines alone was one event, "of no API".
        let s = parse(b"data: {\"a\":1}\ndata: {\"b\":2}\r\ndata: [DONE]\n\n", 1).framed();
        let data: Vec<_> = s.events.iter().map(|e| e.data.as_ref()).collect();
        assert_eq!(data, ["{\"a\":1}", "{\"b\":2}", "[DONE]"]);
        assert_eq!(s.events[2].line, 3);
        let said = [2, 3].map(|line| Warning::NoBlankLine { line });
        assert_eq!(s.warnings, said);
        assert_eq!(s.defects.len(), 2);
        assert_eq!(s.defects[0].kind, DefectKind::NoBlankLine);
        // A second `event:` after data starts an event too, and keeps its name.
        let s = parse(b"event: a\ndata: 1\nevent: b\ndata: 2\n\n", 1).framed();
        let got: Vec<_> = (s.events.iter())
            .map(|e| (e.event.as_ref(), e.data.as_ref()))
            .collect();
        assert_eq!(got, [("a", "1"), ("b", "2")]);
        assert_eq!(s.warnings, [Warning::NoBlankLine { line: 3 }]);
    }

    #[test]
    fn data_lines_that_make_one_value_stay_one_event() {
        for body in [
            // JSON pretty-printed over data lines, and plain lines.
            "data: {\ndata: \"a\": {\"b\": 1}\ndata: }\n\n",
            "data: a\ndata: {}\n\n",
            "data: {}\ndata: 1\n\n",
            // The SSE rules allow a field after `data:`, a name among them.
            "data: {}\nevent: x\n\n",
        ] {
            let s = parse(body.as_bytes(), 1).framed();
            assert_eq!(s.events.len(), 1, "{body}");
            assert_eq!(s.warnings, [], "{body}");
        }
    }

    #[test]
    fn events_with_no_blank_line_past_the_first_twenty_are_counted_in_one_report() {
        let body = "data: {}\n".repeat(30);
        let s = parse(body.as_bytes(), 1).framed();
        assert_eq!(s.events.len(), 30);
        assert_eq!(s.warnings.len(), REPORTED + 1);
        assert_eq!(
            s.warnings[20],
            Warning::MoreNoBlankLines {
                first: 22,
                count: 9
            }
        );
    }

    #[test]
    fn wrapped_data_line_is_joined() {
        let s = parse(b"data: {\"type\":\"x\",\"te\nxt\":\"hi\"}\n\n", 1).framed();
        assert_eq!(s.events[0].data, "{\"type\":\"x\",\"text\":\"hi\"}");
        assert_eq!(s.warnings, [Warning::SplitDataLine { line: 2 }]);
    }

    fn defects(body: &str) -> Vec<(usize, DefectKind)> {
        parse(body.as_bytes(), 1)
            .framed()
            .defects
            .into_iter()
            .map(|d| (d.line, d.kind))
            .collect()
    }

    #[test]
    fn clean_stream_has_no_defects() {
        assert_eq!(
            defects("event: a\ndata: x\n\n: comment\n\nid: 1\nretry: 5\n\ndata: y\n"),
            []
        );
    }

    #[test]
    fn indented_fields_are_read_with_a_warning() {
        let s = parse(b" data: {\"a\":1}\n\n\tdata: {\"b\":2}\r\n\r\n", 1).framed();
        let data: Vec<&str> = s.events.iter().map(|e| e.data.as_ref()).collect();
        assert_eq!(data, ["{\"a\":1}", "{\"b\":2}"]);
        assert_eq!(s.warnings.len(), 2);
        assert_eq!(
            s.warnings[0],
            Warning::IndentedField {
                line: 1,
                field: "data".into()
            }
        );
    }

    #[test]
    fn framing_defects_carry_their_lines() {
        assert_eq!(
            defects("event: a\ndata: {\"x\nyz\"}\n\nstray line\n\nevent: b\n\nevent: c\n"),
            [
                (3, DefectKind::JoinedLine),
                (5, DefectKind::StrayLine),
                (7, DefectKind::NoData),
                (9, DefectKind::NoData),
            ]
        );
        let invalid = parse(b"data: a\r\n\r\ndata: b\xff\n\n", 1).framed().defects;
        assert_eq!(
            invalid,
            [FramingDefect {
                line: 3,
                kind: DefectKind::InvalidUtf8
            }]
        );
    }

    /// Fails when `f` takes over a minute: linear work here takes well under a second, even
    /// on a debug build beside other jobs, while the quadratic feed this guards against
    /// (eventsource-stream given one big chunk) takes many minutes. A tight deadline failed
    /// under load although the work was linear.
    fn within_a_minute(f: impl FnOnce()) {
        let start = std::time::Instant::now();
        f();
        assert!(start.elapsed().as_secs() < 60, "took {:?}", start.elapsed());
    }

    #[test]
    fn many_events_in_one_body_is_linear() {
        let one = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"hello\"}}\n\n";
        let body = one.repeat(50_000);
        within_a_minute(|| assert_eq!(parse(body.as_bytes(), 1).framed().events.len(), 50_000));
    }

    #[test]
    fn huge_single_line() {
        let body = format!("data: {{\"x\":\"{}\"}}\n\n", "a".repeat(10 << 20));
        within_a_minute(|| assert_eq!(parse(body.as_bytes(), 1).framed().events.len(), 1));
    }

    #[test]
    fn events_borrow_their_text_from_the_body() {
        let stream = parse(b"event: a\ndata: {\"x\":1}\n\ndata: two\r\n\r\n", 1);
        let (events, _) = stream.collect();
        assert!(events.iter().all(|e| matches!(e.data, Cow::Borrowed(_))));
        assert!(events.iter().all(|e| matches!(e.event, Cow::Borrowed(_))));
        let stream = from_json_lines(b"{\"a\":1}\n{\"b\":2}\n", 1);
        let (lines, _) = stream.collect();
        assert!(lines.iter().all(|e| matches!(e.data, Cow::Borrowed(_))));
        // Only text the body does not hold as it is gets copied: two data lines joined.
        let stream = parse(b"data: a\ndata: b\n\n", 1);
        let (two, _) = stream.collect();
        assert_eq!(two[0].data, Cow::<str>::Owned("a\nb".into()));
    }

    #[test]
    fn a_data_line_too_long_for_the_parser_is_read_from_the_body() {
        let long = "x".repeat(HUGE_LINE + 1);
        let body = format!("event: big\ndata: {long}\n\ndata:{long}\ndata: b\n\ndata: c\n\n");
        let stream = parse(body.as_bytes(), 1);
        let (events, _) = stream.collect();
        let got: Vec<(&str, usize, usize)> = events
            .iter()
            .map(|e| (e.event.as_ref(), e.data.len(), e.line))
            .collect();
        assert_eq!(
            got,
            [
                ("big", HUGE_LINE + 1, 1),
                ("message", HUGE_LINE + 3, 4),
                ("message", 1, 7)
            ]
        );
        assert!(matches!(events[0].data, Cow::Borrowed(_)));
        assert_eq!(events[0].data, long);
        assert_eq!(events[1].data, format!("{long}\nb"));
    }

    #[test]
    fn stray_lines_past_the_first_twenty_are_counted_in_one_report() {
        let body = format!("{}data: a\n\n", "x\n".repeat(25));
        let s = parse(body.as_bytes(), 1).framed();
        assert_eq!(s.events.len(), 1);
        assert_eq!(s.warnings.len(), REPORTED + 1);
        assert_eq!(s.warnings[19], Warning::StrayLine { line: 20 });
        assert_eq!(
            s.warnings[20],
            Warning::MoreStrayLines {
                first: 21,
                count: 5
            }
        );
        assert_eq!(s.defects.len(), REPORTED + 1);
        assert_eq!(
            s.defects[20],
            FramingDefect {
                line: 21,
                kind: DefectKind::MoreStrayLines { count: 5 }
            }
        );
    }

    #[test]
    fn unknown_fields_are_stray_lines_counted_the_same_way() {
        let body = format!("data: a\n\n{}", "foo: bar\n".repeat(30));
        let s = parse(body.as_bytes(), 1).framed();
        assert_eq!(s.events.len(), 1);
        assert_eq!(s.truncated, None);
        assert_eq!(
            s.warnings.last(),
            Some(&Warning::MoreStrayLines {
                first: 23,
                count: 10
            })
        );
    }

    #[test]
    fn joined_lines_past_the_first_twenty_are_counted_in_one_report() {
        let body = format!("data: {{\"a\":\"\n{}\"}}\n\n", "x\n".repeat(25));
        let s = parse(body.as_bytes(), 1).framed();
        assert_eq!(
            s.events[0].data,
            format!("{{\"a\":\"{}\"}}", "x".repeat(25))
        );
        // Lines 2 to 27 are joined: 20 reported, 6 counted from line 22.
        assert_eq!(s.warnings.len(), REPORTED + 1);
        assert_eq!(
            s.warnings[20],
            Warning::MoreSplitDataLines {
                first: 22,
                count: 6
            }
        );
        assert_eq!(
            s.defects[20],
            FramingDefect {
                line: 22,
                kind: DefectKind::MoreJoinedLines { count: 6 }
            }
        );
    }

    #[test]
    fn events_without_data_past_the_first_twenty_are_counted_in_one_report() {
        let body = "event: a\n\n".repeat(25);
        let s = parse(body.as_bytes(), 1).framed();
        assert!(s.events.is_empty());
        assert_eq!(s.defects.len(), REPORTED + 1);
        assert_eq!(
            s.defects[19],
            FramingDefect {
                line: 39,
                kind: DefectKind::NoData
            }
        );
        assert_eq!(
            s.defects[20],
            FramingDefect {
                line: 41,
                kind: DefectKind::MoreNoData { count: 5 }
            }
        );
    }

    #[test]
    fn indented_fields_past_the_first_twenty_are_counted_in_one_warning() {
        let body = format!("{}data: a\n\n", " id: 1\n".repeat(25));
        let s = parse(body.as_bytes(), 1).framed();
        assert_eq!(s.events.len(), 1);
        assert_eq!(s.warnings.len(), REPORTED + 1);
        assert_eq!(
            s.warnings[20],
            Warning::MoreIndentedFields {
                first: 21,
                count: 5
            }
        );
    }

    #[test]
    fn blank_lines_and_ignored_lines_around_events_change_nothing_read() {
        let body = format!(
            "{}event: a\n: c\nid: 1\nretry: 5\ndata: x\n: c\ndata: y\n{}\r\rdata: z\r",
            "\n".repeat(1000),
            "\n".repeat(1000)
        );
        assert_eq!(
            events(&body),
            [
                ("a".into(), "x\ny".into(), 1001),
                ("message".into(), "z".into(), 2010)
            ]
        );
        assert_eq!(parse(body.as_bytes(), 1).framed().truncated, Some(2010));
        assert_eq!(parse(b"x\n\n\n: c\n", 1).framed().truncated, None);
    }

    #[test]
    fn many_blank_and_ignored_lines_are_linear() {
        let blank = "\n".repeat(4 << 20);
        within_a_minute(|| assert!(parse(blank.as_bytes(), 1).framed().events.is_empty()));
        let ids = "event: x\nid: 1\n: c\n".repeat(200_000);
        within_a_minute(|| assert!(parse(ids.as_bytes(), 1).framed().events.is_empty()));
    }
}
