//! The one way in: any input, whatever its format, read the same way by every command.
//!
//! [`walk`] takes what an input holds ([`Content`]: a whole capture, a HAR or a
//! claude-trace log to stream, a gateway dump pair) and yields its *parts*, each framed
//! once into located exchanges: a capture file (its HTTP codings undone and, for a txtar
//! fixture, split once into its sections), an archive's entry (a HAR entry, a VCR
//! cassette's interaction, a claude-trace log line), a dump pair. Each [`Part`] carries its exchanges, the text they
//! point into with its line index, and the way back to the stored file's lines. Its
//! consumers are `inspect`'s rebuild (one turn per exchange) and `validate`'s checks
//! (findings per exchange, and per file for how a fixture's sections fit together): they
//! differ in what they make of an exchange, never in how they read one.
//!
//! Pure: bytes (or a HAR's reader) in, parts out; opening files is [`crate::run::open`].

pub mod lines;
pub mod stored;

use std::borrow::Cow;
use std::io::BufRead;

pub use lines::Lines;
pub use stored::{Stored, Undecodable};

use crate::frame::claude_trace::{self, Line};
use crate::frame::dump::{self, Meta};
use crate::frame::entry::{Entry, Skip};
use crate::frame::har::{self, HarError};
use crate::frame::txtar::Section;
use crate::frame::vcr;
use crate::frame::{self, Exchange, FrameError};
use crate::number::thousands;
use crate::warning::{Repeats, Warning};

/// What one input holds, as read from its source: decompressed, a HAR left to be read an
/// entry at a time. HTTP codings are not undone yet: that is [`walk`]'s first step.
pub enum Content<'a> {
    /// A HAR archive, streamed.
    Har(Box<dyn BufRead + Send + 'a>),
    /// A claude-trace log, streamed a line at a time.
    ClaudeTrace(Box<dyn BufRead + Send + 'a>),
    /// Any other capture, whole.
    Whole(Cow<'a, [u8]>),
    /// A gateway dump pair: the request half when it was found, and the response half, or
    /// the error text a failed upstream call left in its place (`request_error`); `meta` is
    /// what the pair's names say.
    Dump {
        request: Option<Cow<'a, [u8]>>,
        answer: Cow<'a, [u8]>,
        request_error: bool,
        meta: Option<Meta>,
    },
}

/// Where a part stands in its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The whole input (a capture file, or a dump pair's response half).
    File,
    /// A dump pair's request half.
    RequestHalf,
    /// Entry `n` of an archive: of a HAR's `log.entries`, of a cassette's `interactions`,
    /// line `n + 1` of a claude-trace log.
    Entry(usize),
}

/// How a part's text is laid out, for the checks that look at more than its exchanges.
pub enum Layout<'a> {
    /// One response (an HTTP message, an event stream, a JSON body): the text it was
    /// framed from.
    Single(&'a [u8]),
    /// A txtar fixture: its comment and sections, one exchange per response section in
    /// section order.
    Txtar {
        comment: &'a [u8],
        sections: &'a [Section<'a>],
    },
    /// An archive's entry: its parts stood apart in the archive (HAR JSON, cassette YAML,
    /// a log line), so it has no lines of the file.
    Entry,
    /// The error text a failed upstream call left in place of a dump pair's response.
    RequestError(&'a [u8]),
}

/// A dump pair's request half, a file of its own.
pub struct RequestHalf<'a> {
    pub stored: &'a Stored<'a>,
    pub lines: &'a Lines<'a>,
}

/// One framed part of an input.
pub struct Part<'a> {
    pub place: Place,
    /// Lines of the text the exchanges' slices point into.
    pub lines: &'a Lines<'a>,
    /// The stored file that text was decoded from: the way back to the file's lines. None
    /// for a HAR entry.
    pub stored: Option<&'a Stored<'a>>,
    pub layout: Layout<'a>,
    /// A dump pair's request half, when it was found and could be read.
    pub request_half: Option<RequestHalf<'a>>,
    /// What the pair's names say, for a dump.
    pub meta: Option<&'a Meta>,
    /// The part's exchanges, or why it has none.
    pub exchanges: &'a Result<Vec<Exchange<'a>>, FrameError>,
    /// Said of the whole part when its codings were undone (an unknown
    /// `Content-Encoding`): every exchange's concern. A txtar section's own are in its
    /// exchange's warnings instead; only the request section's are here.
    pub warnings: &'a [Warning],
}

/// Why a part of an input could not be read.
#[derive(Debug)]
pub enum Failure {
    /// A body says it is compressed but does not decompress.
    Undecodable(Undecodable),
    /// A HAR could not be read to its end (its entries before the trouble were yielded).
    Har(HarError),
    /// A cassette that is no YAML, or holds no list of interactions.
    Cassette(vcr::CassetteError),
    /// A claude-trace log line that is no pair.
    LogLine(claude_trace::LineError),
    /// `count` lines of a claude-trace log that are no pair, past the first
    /// [`REPORTED`](crate::warning::REPORTED) named one by one: counted in one failure at the
    /// first of them (`first` says why that one is no pair), so a log of millions of junk
    /// lines makes a few notes, not millions.
    MoreLogLines {
        first: claude_trace::LineError,
        count: usize,
    },
    /// A claude-trace log that could not be read to its end (its lines before were).
    LogCut(std::io::Error),
}

impl Failure {
    /// How many failures this one stands for: 1, or the lines a count stands for, so a
    /// tally of them stays whole.
    pub fn count(&self) -> usize {
        match self {
            Failure::MoreLogLines { count, .. } => *count,
            _ => 1,
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Undecodable(why) => why.fmt(f),
            Failure::Har(why) => why.fmt(f),
            Failure::Cassette(why) => why.fmt(f),
            Failure::LogLine(why) => why.fmt(f),
            Failure::MoreLogLines { first, count } => write!(
                f,
                "and {} more lines that are no claude-trace pair, from this one on (this one: \
                 {first}); counted, not listed one by one",
                thousands(*count as u64)
            ),
            Failure::LogCut(err) => write!(f, "the log could not be read to its end: {err}"),
        }
    }
}

/// The consumer of an input's parts.
pub trait Visitor {
    /// One framed part, in input order.
    fn part(&mut self, part: &Part<'_>);
    /// A part that could not be read. The rest of the input is still walked.
    fn failed(&mut self, place: Place, failure: Failure);
    /// An archive's entry that is plainly no API traffic (an image, a page), passed over
    /// unread.
    fn passed_over(&mut self, _index: usize) {}
}

/// What the input turned out to be, once walked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Walked {
    /// A capture file or a dump pair.
    File,
    /// An archive with this many entries; none when it could not be read to its end (the
    /// visitor was told why).
    Entries {
        archive: Archive,
        entries: Option<usize>,
    },
}

/// The kinds of archive of request/response entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Archive {
    Har,
    Cassette,
    ClaudeTrace,
}

impl Archive {
    /// The archive as a message names it: `a HAR with no entries`.
    pub fn name(self) -> &'static str {
        match self {
            Archive::Har => "a HAR",
            Archive::Cassette => "a cassette",
            Archive::ClaudeTrace => "a claude-trace log",
        }
    }
}

/// Bytes looked at to tell an archive from other captures.
pub const SNIFF: usize = 512;

/// Frames every part of `content` once and hands each to `visitor`, in order.
pub fn walk(content: Content<'_>, visitor: &mut impl Visitor) -> Walked {
    match content {
        Content::Whole(data) if har::looks_like_har(&data) => har_entries(&data[..], visitor),
        Content::Har(reader) => har_entries(reader, visitor),
        Content::Whole(data) if vcr::looks_like_cassette(&data[..data.len().min(SNIFF)]) => {
            cassette(&data, visitor)
        }
        Content::Whole(data) if claude_trace::looks_like_claude_trace(&data) => {
            log_lines(&data[..], visitor)
        }
        Content::ClaudeTrace(reader) => log_lines(reader, visitor),
        Content::Whole(data) => {
            match Stored::of(&data) {
                Ok(stored) => file(&stored, None, None, &stored.warnings, visitor),
                Err(why) => visitor.failed(Place::File, Failure::Undecodable(why)),
            }
            Walked::File
        }
        Content::Dump {
            request,
            answer,
            request_error,
            meta,
        } => {
            dump_pair(
                request.as_deref(),
                &answer,
                request_error,
                meta.as_ref(),
                visitor,
            );
            Walked::File
        }
    }
}

/// A capture file, or a dump pair's response half answering `half`.
fn file(
    stored: &Stored,
    half: Option<RequestHalf>,
    meta: Option<&Meta>,
    warnings: &[Warning],
    visitor: &mut impl Visitor,
) {
    let lines = Lines::new(&stored.data);
    let split = stored.txtar();
    let (layout, mut exchanges) = match &split {
        Some((comment, sections)) => (
            Layout::Txtar { comment, sections },
            frame::frame_txtar(comment, sections),
        ),
        None => (
            Layout::Single(&stored.data),
            frame::frame_split(&stored.data, stored.request_then_response()),
        ),
    };
    if half.is_some() || meta.is_some() {
        let request = half.as_ref().map(|h| &h.stored.data[..]);
        if let Ok(exchanges) = &mut exchanges {
            dump::answering(exchanges, request, meta);
        }
    }
    let mut warnings = Cow::Borrowed(warnings);
    if let (Some((_, sections)), Ok(exchanges)) = (&split, &mut exchanges) {
        for said in sections_own(stored, sections, exchanges) {
            warnings.to_mut().extend_from_slice(said);
        }
    }
    visitor.part(&Part {
        place: Place::File,
        lines: &lines,
        stored: Some(stored),
        layout,
        request_half: half,
        meta,
        exchanges: &exchanges,
        warnings: &warnings,
    });
}

/// Gives each txtar section's decoding warnings, and why its body did not decode if it did
/// not, to the exchange framed from it, so that a section's cut body is said of its own
/// turn alone (and N sections make N warnings, not N²), and a body that does not decode
/// fails its section alone. Returns the warnings of the sections that gave no exchange (the
/// request): the concern of every exchange that shares it.
///
/// Exchanges come one per response section, in section order, and each names its section
/// by the very name `sections` hold: paired by that identity, since two sections may share
/// a name.
fn sections_own<'s>(
    stored: &'s Stored,
    sections: &[Section],
    exchanges: &mut [Exchange],
) -> Vec<&'s [Warning]> {
    let mut shared = Vec::new();
    let mut exchanges = exchanges.iter_mut().peekable();
    let said = stored.section_warnings().zip(stored.section_failures());
    for (section, (said, failure)) in sections.iter().zip(said) {
        let own = exchanges.next_if(|e| {
            e.section
                .is_some_and(|name| std::ptr::eq(name, section.name))
        });
        match own {
            Some(exchange) => {
                exchange.warnings.splice(0..0, said.iter().cloned());
                exchange.undecodable = failure.cloned();
            }
            None if said.is_empty() => {}
            None => shared.push(said),
        }
    }
    shared
}

fn dump_pair(
    request: Option<&[u8]>,
    answer: &[u8],
    request_error: bool,
    meta: Option<&Meta>,
    visitor: &mut impl Visitor,
) {
    let request = match request.map(Stored::of).transpose() {
        Ok(request) => request,
        Err(why) => {
            visitor.failed(Place::RequestHalf, Failure::Undecodable(why));
            None
        }
    };
    // A request half gives no turn of its own to fail: a section of it that did not
    // decode (one written as a txtar) is said of the half, as its warnings are.
    let mut failed = request.iter().flat_map(Stored::section_failures).flatten();
    if let Some(why) = failed.next() {
        visitor.failed(Place::RequestHalf, Failure::Undecodable(why.clone()));
    }
    let request_lines = request.as_ref().map(|r| Lines::new(&r.data));
    let half = || {
        Some(RequestHalf {
            stored: request.as_ref()?,
            lines: request_lines.as_ref()?,
        })
    };
    let request_warnings = request
        .as_ref()
        .map_or_else(Vec::new, Stored::every_warning);
    if !request_error {
        match Stored::of(answer) {
            Ok(stored) => {
                let warnings = [&request_warnings[..], &stored.warnings].concat();
                file(&stored, half(), meta, &warnings, visitor);
            }
            Err(why) => visitor.failed(Place::File, Failure::Undecodable(why)),
        }
        return;
    }
    // An error half is one exchange, whatever its text holds.
    let mut exchanges = vec![dump::request_error(answer)];
    let request_data = request.as_ref().map(|r| &r.data[..]);
    dump::answering(&mut exchanges, request_data, meta);
    visitor.part(&Part {
        place: Place::File,
        lines: &Lines::new(answer),
        stored: None,
        layout: Layout::RequestError(answer),
        request_half: half(),
        meta,
        exchanges: &Ok(exchanges),
        warnings: &request_warnings,
    });
}

/// Every entry of a HAR, an entry in memory at a time.
fn har_entries(reader: impl std::io::Read, visitor: &mut impl Visitor) -> Walked {
    let result = har::for_each_entry(reader, |index, value, lone| {
        entry(index, Entry::of(value).map(|e| e.held(lone)), visitor)
    });
    let entries = match result {
        Ok(entries) => Some(entries),
        Err(err) => {
            visitor.failed(Place::File, Failure::Har(err));
            None
        }
    };
    Walked::Entries {
        archive: Archive::Har,
        entries,
    }
}

/// Every interaction of a VCR cassette (read whole: YAML has no entry boundaries to
/// stream by).
fn cassette(data: &[u8], visitor: &mut impl Visitor) -> Walked {
    let read = vcr::interactions(data, |index, interaction| {
        entry(index, interaction, visitor)
    });
    let entries = match read {
        Ok(count) => Some(count),
        Err(why) => {
            visitor.failed(Place::File, Failure::Cassette(why));
            None
        }
    };
    Walked::Entries {
        archive: Archive::Cassette,
        entries,
    }
}

/// Every line of a claude-trace log, a line in memory at a time. Lines that are no pair are
/// named for their first [`REPORTED`](crate::warning::REPORTED), then counted in one
/// failure: a log of junk lines would otherwise make a note (with the input's path) per
/// line of two bytes, held and printed.
fn log_lines(reader: impl BufRead, visitor: &mut impl Visitor) -> Walked {
    let mut unreadable = Repeats::default();
    let mut first_counted = None;
    let result = claude_trace::for_each_line(reader, |index, line| match line {
        Line::Entry(parts) => entry(index, Ok(parts), visitor),
        Line::Skipped(skip) => entry(index, Err(skip), visitor),
        Line::Unreadable(why) if unreadable.report(index) => {
            visitor.failed(Place::Entry(index), Failure::LogLine(why))
        }
        Line::Unreadable(why) => {
            first_counted.get_or_insert(why);
        }
    });
    if let (Some((index, count)), Some(first)) = (unreadable.counted(), first_counted) {
        visitor.failed(Place::Entry(index), Failure::MoreLogLines { first, count });
    }
    let entries = match result {
        Ok(entries) => Some(entries),
        Err(err) => {
            visitor.failed(Place::File, Failure::LogCut(err));
            None
        }
    };
    Walked::Entries {
        archive: Archive::ClaudeTrace,
        entries,
    }
}

/// One archive entry, as its format read it, handed over as a part.
fn entry(index: usize, parts: Result<Entry, Skip>, visitor: &mut impl Visitor) {
    match parts {
        Err(Skip::NotApi) => visitor.passed_over(index),
        Err(Skip::Undecodable(why)) => {
            visitor.failed(Place::Entry(index), Failure::Undecodable(why))
        }
        Ok(parts) => {
            let lines = Lines::new(&parts.response_body);
            let exchanges = Ok(vec![parts.exchange()]);
            visitor.part(&Part {
                place: Place::Entry(index),
                lines: &lines,
                stored: None,
                layout: Layout::Entry,
                request_half: None,
                meta: None,
                exchanges: &exchanges,
                warnings: &[],
            });
        }
    }
}
