//! One input, start to end: read (decompressed, HTTP codings undone), framed, rebuilt.
//! Single captures are read whole; a HAR is streamed an entry at a time; a gateway dump
//! pair is read from its two files. Reading ([`open`]) is shared with `validate`, so both
//! commands see the same content of every input.

use std::collections::BTreeMap;
use std::io::{self, BufRead, Read};
use std::path::Path;

use super::progress;
use super::{FileReport, Note};
use crate::cost::{Cost, PriceTable, Service, TokenCounts};
use crate::discover::{Found, Input, display_beside, io_message};
use crate::frame::dump::{self, Answer, Meta};
use crate::frame::har::{self, Entry, Skip};
use crate::frame::{self, Exchange, FrameError, coding};
use crate::read;
use crate::reconstruct::{Outcome, reconstruct};
use crate::turn::{Source, Turn, Usage};

/// Bytes looked at to tell a HAR from other captures before deciding how to read a file.
const SNIFF: usize = 512;

/// What one input holds, read as every command reads it: decompressed, counted towards
/// progress, a HAR left to be read an entry at a time. HTTP codings are not undone yet:
/// that is the first step of framing each capture or dump half ([`coding::decode`]).
pub enum Content {
    /// A HAR archive, for [`har::for_each_entry`].
    Har(Box<dyn BufRead + Send>),
    /// Any other capture, whole.
    Whole(Vec<u8>),
    /// A gateway dump pair: the request half when it was found, and the response half, or
    /// the error text a failed upstream call left in its place (`request_error`).
    Dump {
        request: Option<Vec<u8>>,
        answer: Vec<u8>,
        request_error: bool,
    },
}

/// Why an input could not be read: the file that failed (the input, or the request half of
/// its dump pair), as the user would name it, and what went wrong.
#[derive(Debug)]
pub struct OpenError {
    pub path: String,
    pub error: io::Error,
}

impl OpenError {
    /// What went wrong, in words (the path aside).
    pub fn reason(&self) -> String {
        io_message(&self.error)
    }
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.reason())
    }
}

impl std::error::Error for OpenError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// Reads one input.
pub fn open(input: &Input) -> Result<Content, OpenError> {
    if is_dump(input) {
        return open_dump(input);
    }
    let failure = |error: io::Error| OpenError {
        path: input.display.clone(),
        error,
    };
    let reader = counted_source(&input.path)
        .and_then(read::decompressed)
        .map_err(failure)?;
    let (head, mut reader) = read::peek(reader, SNIFF).map_err(failure)?;
    if har::looks_like_har(&head) {
        return Ok(Content::Har(reader));
    }
    let mut data = Vec::new();
    reader.read_to_end(&mut data).map_err(failure)?;
    Ok(Content::Whole(data))
}

/// Reads one found input and rebuilds its turns.
pub fn turns_of(found: &Found) -> FileReport {
    let input = match found {
        Found::Input(input) => input,
        Found::Error { display, message } => {
            return FileReport::failure(format!("{display}: {message}"));
        }
        Found::Skipped { display, message } => {
            let mut report = FileReport::default();
            report.skip(format!("{display}: skipped: {message}"));
            return report;
        }
    };
    match open(input) {
        Err(err) => FileReport::failure(err.to_string()),
        Ok(Content::Har(reader)) => har_turns(&input.display, reader),
        Ok(Content::Whole(data)) => super::rejoin::read_back(&input.display, &data)
            .unwrap_or_else(|| turns_from_bytes(&input.display, &data, input.explicit)),
        Ok(Content::Dump {
            request,
            answer,
            request_error,
        }) => dump_turns(
            &input.display,
            &input.path,
            request.as_deref(),
            &answer,
            request_error,
        ),
    }
}

/// Rebuilds every turn in one capture's bytes. Pure: `display` names the input in turns
/// and notes; `explicit` says whether the user named it (else it was found in a folder,
/// and an unrecognized file is skipped rather than failed).
pub fn turns_from_bytes(display: &str, data: &[u8], explicit: bool) -> FileReport {
    if har::looks_like_har(data) {
        return har_turns(display, data);
    }
    let source = Source {
        path: display.to_string(),
        ..Source::default()
    };
    let decoded = match coding::decode(data) {
        Ok(decoded) => decoded,
        Err(why) => return FileReport::failure(format!("{display}: {why}")),
    };
    let mut report = FileReport::default();
    match frame::frame(&decoded.data) {
        Ok(exchanges) => add_exchanges(&mut report, &exchanges, &source, &decoded.warnings),
        Err(err) => frame_failure(&mut report, display, err, explicit),
    }
    report
}

/// The raw bytes of `path`, counted towards progress as they are read.
fn counted_source(path: &std::path::Path) -> io::Result<impl Read + Send + use<>> {
    struct Counted<R>(R);
    impl<R: Read> Read for Counted<R> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.0.read(buf)?;
            progress::tick(n as u64);
            Ok(n)
        }
    }
    Ok(Counted(read::source(path)?))
}

/// The whole content of `path`, decompressed, counted towards progress.
fn read_counted(path: &std::path::Path) -> io::Result<Vec<u8>> {
    let mut data = Vec::new();
    read::decompressed(counted_source(path)?)?.read_to_end(&mut data)?;
    Ok(data)
}

/// Every LLM exchange of a HAR, read an entry at a time. Entries that are no LLM traffic
/// are counted, with one note per reason, not one per entry.
fn har_turns(display: &str, reader: impl Read) -> FileReport {
    let mut report = FileReport::default();
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    let result = har::for_each_entry(reader, |index, value| {
        let name = format!("{display} [entry {index}]");
        let source = Source {
            path: display.to_string(),
            entry: Some(index),
            ..Source::default()
        };
        match Entry::of(&value) {
            Err(Skip::NotApi) => *skipped.entry(NOT_API.to_string()).or_default() += 1,
            Err(Skip::Undecodable(why)) => {
                report.notes.push(Note::Failed(format!("{name}: {why}")))
            }
            Ok(entry) => match reconstruct(&entry.exchange(), source) {
                Outcome::Turn(turn) => report.turns.push(*turn),
                Outcome::Skipped(why) => *skipped.entry(why).or_default() += 1,
                Outcome::Failed(why) => report.notes.push(Note::Failed(format!("{name}: {why}"))),
            },
        }
    });
    for (why, count) in skipped {
        report.skipped += count;
        let entries = if count == 1 { "entry" } else { "entries" };
        report.notes.push(Note::Skipped(format!(
            "{display}: skipped {count} {entries}: {why}"
        )));
    }
    match result {
        Ok(0) => report.skip(format!("{display}: skipped: a HAR with no entries")),
        Ok(_) => {}
        Err(err) => report.notes.push(Note::Failed(format!("{display}: {err}"))),
    }
    report
}

/// Why most HAR entries are skipped.
const NOT_API: &str = "no LLM API traffic";

/// A gateway dump: a response (or request-error) half, with its request half when found.
fn is_dump(input: &Input) -> bool {
    input.request.is_some()
        || dump::is_request_error(&input.path)
        || Meta::of(&input.path)
            .is_some_and(|_| input.path.to_string_lossy().ends_with(dump::RESPONSE))
}

/// Both halves of a dump pair (the request half when there is one).
fn open_dump(input: &Input) -> Result<Content, OpenError> {
    let request = match &input.request {
        Some(path) => Some(read_counted(path).map_err(|error| OpenError {
            path: display_beside(&input.display, path),
            error,
        })?),
        None => None,
    };
    let answer = read_counted(&input.path).map_err(|error| OpenError {
        path: input.display.clone(),
        error,
    })?;
    Ok(Content::Dump {
        request,
        answer,
        request_error: dump::is_request_error(&input.path),
    })
}

/// Rebuilds the turn of a gateway dump pair from its halves' bytes. Pure: `path` (the
/// response or `.req_error.txt` half) gives the turn's provider, model and time, and says
/// whether `answer` is an upstream call's error text.
pub fn turns_from_dump(path: &Path, request: Option<&[u8]>, answer: &[u8]) -> FileReport {
    let display = path.display().to_string();
    let request_error = dump::is_request_error(path);
    dump_turns(&display, path, request, answer, request_error)
}

fn dump_turns(
    display: &str,
    path: &Path,
    request: Option<&[u8]>,
    answer: &[u8],
    request_error: bool,
) -> FileReport {
    let decode = |data: &[u8]| coding::decode(data).map(|d| (d.data.into_owned(), d.warnings));
    let (request, mut warnings) = match request.map(decode).transpose() {
        Ok(Some((data, warnings))) => (Some(data), warnings),
        Ok(None) => (None, Vec::new()),
        Err(why) => return FileReport::failure(format!("{display}: the request: {why}")),
    };
    let decoded;
    let answer = if request_error {
        Answer::RequestError(answer)
    } else {
        decoded = match coding::decode(answer) {
            Ok(decoded) => decoded,
            Err(why) => return FileReport::failure(format!("{display}: {why}")),
        };
        warnings.extend(decoded.warnings.iter().cloned());
        Answer::Response(&decoded.data)
    };
    let meta = Meta::of(path);
    let source = Source {
        path: display.to_string(),
        interception_id: meta.as_ref().and_then(|m| m.interception_id.clone()),
        provider: meta.as_ref().and_then(|m| m.provider.clone()),
        ..Source::default()
    };
    let mut report = FileReport::default();
    match dump::exchanges(request.as_deref(), answer, meta.as_ref()) {
        Ok(exchanges) => add_exchanges(&mut report, &exchanges, &source, &warnings),
        Err(err) => frame_failure(&mut report, display, err, true),
    }
    report
}

/// Why a file framed to nothing, as a note: an unrecognized file found in a folder is
/// skipped, named on the command line it fails.
fn frame_failure(report: &mut FileReport, display: &str, err: FrameError, explicit: bool) {
    match err {
        FrameError::Unrecognized if !explicit => {
            report.skip(format!("{display}: skipped: not a capture"));
        }
        FrameError::NothingToDo(why) => report.skip(format!("{display}: skipped: {why}")),
        err => report.notes.push(Note::Failed(format!("{display}: {err}"))),
    }
}

/// Rebuilds each exchange of one file into `report`; `warnings` (from decoding the file)
/// go onto every turn.
fn add_exchanges(
    report: &mut FileReport,
    exchanges: &[Exchange],
    source: &Source,
    warnings: &[String],
) {
    for exchange in exchanges {
        let source = Source {
            section: exchange.section.map(str::to_string),
            ..source.clone()
        };
        let name = match exchange.section {
            Some(section) => format!("{} [{section}]", source.path),
            None => source.path.clone(),
        };
        match reconstruct(exchange, source) {
            Outcome::Turn(mut turn) => {
                turn.warnings.extend(warnings.iter().cloned());
                report.turns.push(*turn);
            }
            Outcome::Skipped(why) => report.skip(format!("{name}: skipped: {why}")),
            Outcome::Failed(why) => report.notes.push(Note::Failed(format!("{name}: {why}"))),
        }
    }
}

/// Reads one found input, rebuilds its turns and prices each from `prices`, the run's one
/// table (loaded once, with the command line's overrides, when the run was configured).
pub fn priced_turns_of(found: &Found, prices: &PriceTable) -> FileReport {
    let mut report = turns_of(found);
    report.turns.iter_mut().for_each(|turn| price(turn, prices));
    report
}

/// Sets a turn's `cost`: what the provider said it charged, else the table's price of its
/// usage. A turn without usage has nothing to price; a model the table cannot price gets a
/// warning that names it, and no cost (never $0).
pub fn price(turn: &mut Turn, prices: &PriceTable) {
    let Some(usage) = turn.usage else {
        return;
    };
    if let Some(usd) = usage.provider_usd {
        turn.cost = Some(Cost::provider(usd));
        return;
    }
    let served = turn.service.clone().unwrap_or_default();
    let service = Service {
        tier: served.tier.as_deref(),
        inference_geo: served.inference_geo.as_deref(),
        speed: served.speed.as_deref(),
    };
    let priced = prices.cost(
        turn.model.as_deref(),
        turn.request_model.as_deref(),
        &service,
        &token_counts(&usage),
    );
    match priced {
        Ok(cost) => turn.cost = Some(cost),
        Err(unpriced) => turn.warnings.push(unpriced.to_string()),
    }
}

/// A turn's usage in the units prices are quoted in. A count the capture does not say is
/// none; the 1-hour writes are the part of `cache_write` that `cache_write_1h` says, the
/// rest 5-minute writes.
fn token_counts(usage: &Usage) -> TokenCounts {
    let count = |n: Option<u64>| n.unwrap_or(0);
    let cache_write = count(usage.cache_write);
    let hour = count(usage.cache_write_1h).min(cache_write);
    TokenCounts {
        input: count(usage.input),
        output: count(usage.output),
        cache_read: count(usage.cache_read),
        cache_write_5m: cache_write - hour,
        cache_write_1h: hour,
        web_search_requests: count(usage.web_search_requests),
        web_fetch_requests: count(usage.web_fetch_requests),
    }
}
