//! The one way in: any input, whatever its format, read the same way by every command.
//!
//! [`walk`] takes what an input holds ([`Content`]: a whole capture, a HAR to stream, a
//! gateway dump pair) and yields its *parts*, each framed once into located exchanges: a
//! capture file (its HTTP codings undone and, for a txtar fixture, split once into its
//! sections), a HAR entry, a dump pair. Each [`Part`] carries its exchanges, the text they
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

use crate::frame::dump::{self, Meta};
use crate::frame::har::{self, Entry, HarError, Skip};
use crate::frame::txtar::Section;
use crate::frame::{self, Exchange, FrameError};

/// What one input holds, as read from its source: decompressed, a HAR left to be read an
/// entry at a time. HTTP codings are not undone yet: that is [`walk`]'s first step.
pub enum Content<'a> {
    /// A HAR archive, streamed.
    Har(Box<dyn BufRead + Send + 'a>),
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
    /// Entry `n` of a HAR's `log.entries`.
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
    /// A HAR entry: its parts stood apart in the archive's JSON, so it has no lines of the
    /// file.
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
    /// `Content-Encoding`): every exchange's concern.
    pub warnings: &'a [String],
}

/// Why a part of an input could not be read.
#[derive(Debug)]
pub enum Failure {
    /// A body says it is compressed but does not decompress.
    Undecodable(Undecodable),
    /// A HAR could not be read to its end (its entries before the trouble were yielded).
    Har(HarError),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Undecodable(why) => why.fmt(f),
            Failure::Har(why) => why.fmt(f),
        }
    }
}

/// The consumer of an input's parts.
pub trait Visitor {
    /// One framed part, in input order.
    fn part(&mut self, part: &Part<'_>);
    /// A part that could not be read. The rest of the input is still walked.
    fn failed(&mut self, place: Place, failure: Failure);
    /// A HAR entry that is plainly no API traffic (an image, a page), passed over unread.
    fn passed_over(&mut self, _index: usize) {}
}

/// What the input turned out to be, once walked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Walked {
    /// A capture file or a dump pair.
    File,
    /// A HAR with this many entries; none when it could not be read to its end (the
    /// visitor was told why).
    Har { entries: Option<usize> },
}

/// Frames every part of `content` once and hands each to `visitor`, in order.
pub fn walk(content: Content<'_>, visitor: &mut impl Visitor) -> Walked {
    match content {
        Content::Whole(data) if har::looks_like_har(&data) => har_entries(&data[..], visitor),
        Content::Har(reader) => har_entries(reader, visitor),
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
    warnings: &[String],
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
            frame::frame_single(&stored.data),
        ),
    };
    if half.is_some() || meta.is_some() {
        let request = half.as_ref().map(|h| &h.stored.data[..]);
        if let Ok(exchanges) = &mut exchanges {
            dump::answering(exchanges, request, meta);
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
        warnings,
    });
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
    let request_lines = request.as_ref().map(|r| Lines::new(&r.data));
    let half = || {
        Some(RequestHalf {
            stored: request.as_ref()?,
            lines: request_lines.as_ref()?,
        })
    };
    let request_warnings = request.as_ref().map_or(&[][..], |r| &r.warnings[..]);
    if !request_error {
        match Stored::of(answer) {
            Ok(stored) => {
                let warnings = [request_warnings, &stored.warnings].concat();
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
        warnings: request_warnings,
    });
}

/// Every entry of a HAR, an entry in memory at a time.
fn har_entries(reader: impl std::io::Read, visitor: &mut impl Visitor) -> Walked {
    let result = har::for_each_entry(reader, |index, value| match Entry::of(&value) {
        Err(Skip::NotApi) => visitor.passed_over(index),
        Err(Skip::Undecodable(why)) => {
            visitor.failed(Place::Entry(index), Failure::Undecodable(Undecodable(why)))
        }
        Ok(entry) => {
            let lines = Lines::new(&entry.response_body);
            let exchanges = Ok(vec![entry.exchange()]);
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
    });
    match result {
        Ok(entries) => Walked::Har {
            entries: Some(entries),
        },
        Err(err) => {
            visitor.failed(Place::File, Failure::Har(err));
            Walked::Har { entries: None }
        }
    }
}
