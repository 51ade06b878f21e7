//! One input, start to end: opened here (decompressed, counted towards progress), walked
//! by [`crate::capture::walk`] (the one way in, shared with `validate`), rebuilt into
//! turns. Single captures (and VCR cassettes) are read whole; a HAR and a claude-trace log
//! are streamed an entry at a time; a gateway dump pair is read from its two files.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::io;
use std::path::Path;
use std::sync::Arc;

use super::progress;
use super::{FileReport, Note};
use crate::capture::{self, Content, Failure, Part, Place, SNIFF, Visitor, Walked};
use crate::cost::{Cost, PriceTable, Service, TokenCounts};
use crate::discover::{Found, Input, display_beside, io_message};
use crate::frame::dump::{self, Meta};
use crate::frame::{Exchange, FrameError};
use crate::frame::{claude_trace, har};
use crate::number::thousands;
use crate::quote::clip;
use crate::read::{self, Opened};
use crate::reconstruct::{Outcome, ParsedRequest, reconstruct_observed};
use crate::turn::{Source, Turn, Usage};
use crate::warning::{REPORTED, Warning};

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

/// Reads one input: what every command then walks ([`capture::walk`]).
pub fn open(input: &Input) -> Result<Content<'static>, OpenError> {
    if is_dump(input) {
        return open_dump(input);
    }
    let failure = |error: io::Error| OpenError {
        path: input.display.clone(),
        error,
    };
    let streamed =
        |head: &[u8]| har::looks_like_har(head) || claude_trace::looks_like_claude_trace(head);
    match read::open(&input.path, SNIFF, streamed, progress::tick).map_err(failure)? {
        Opened::Whole(data) => Ok(Content::Whole(Cow::Owned(data))),
        Opened::Streamed(head, reader) if har::looks_like_har(&head) => Ok(Content::Har(reader)),
        Opened::Streamed(_, reader) => Ok(Content::ClaudeTrace(reader)),
    }
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
        Ok(content) => {
            // This tool's own JSONL turns (a shard's output) are read back, not rebuilt.
            if let Content::Whole(data) = &content {
                if let Some(report) = super::rejoin::read_back(&input.display, data) {
                    return report;
                }
            }
            // A dump half is a capture by its name.
            let claimed = input.claimed || matches!(content, Content::Dump { .. });
            rebuild(&input.display, content, claimed)
        }
    }
}

/// Rebuilds every turn in one capture's bytes. Pure: `display` names the input in turns
/// and notes; `claimed` says whether the user named it or its name says it is a capture
/// (else an unrecognized file is skipped rather than failed: see [`Input::claimed`]).
pub fn turns_from_bytes(display: &str, data: &[u8], claimed: bool) -> FileReport {
    rebuild(display, Content::Whole(Cow::Borrowed(data)), claimed)
}

/// Rebuilds the turn of a gateway dump pair from its halves' bytes. Pure: `path` (the
/// response or `.req_error.txt` half) gives the turn's provider, model and time, and says
/// whether `answer` is an upstream call's error text.
pub fn turns_from_dump(path: &Path, request: Option<&[u8]>, answer: &[u8]) -> FileReport {
    let content = Content::Dump {
        request: request.map(Cow::Borrowed),
        answer: Cow::Borrowed(answer),
        request_error: dump::is_request_error(path),
        meta: Meta::of(path),
    };
    rebuild(&crate::discover::path_text(path), content, true)
}

/// Walks `content` and rebuilds a turn from each exchange.
fn rebuild(display: &str, content: Content, claimed: bool) -> FileReport {
    let mut rebuild = Rebuild {
        display,
        path: Arc::from(display),
        claimed,
        report: FileReport::default(),
        skipped: BTreeMap::new(),
        sections_skipped: 0,
        more_sections: BTreeMap::new(),
        unreadable: None,
        failures: 0,
    };
    let walked = capture::walk(content, &mut rebuild);
    rebuild.finish(walked)
}

/// `inspect`'s consumer of an input's parts.
struct Rebuild<'d> {
    display: &'d str,
    /// `display`, shared by every turn of the input: a path may be 4 KB, and a log
    /// 100,000 turns (hostile run 35).
    path: Arc<str>,
    claimed: bool,
    report: FileReport,
    /// Archive entries that gave no turn, by why: one note per reason, not one per entry.
    skipped: BTreeMap<String, usize>,
    /// Sections that gave no turn: the first [`REPORTED`] are named, the rest counted by why.
    sections_skipped: usize,
    more_sections: BTreeMap<String, usize>,
    /// Why an archive could not be read to its end: said after the entries' notes.
    unreadable: Option<Failure>,
    /// Parts that failed: the first [`REPORTED`] are named, the rest counted.
    failures: usize,
}

impl Visitor for Rebuild<'_> {
    fn part(&mut self, part: &Part<'_>) {
        let display = self.display;
        let exchanges = match part.exchanges {
            Ok(exchanges) => exchanges,
            Err(FrameError::Unrecognized) if !self.claimed => {
                return self
                    .report
                    .skip(format!("{display}: skipped: not a capture"));
            }
            Err(why @ FrameError::NoResponseSection) => {
                return self.report.skip(format!("{display}: skipped: {why}"));
            }
            Err(err) => return self.fail(format!("{display}: {err}")),
        };
        let entry = match part.place {
            Place::Entry(index) => Some(index),
            Place::File | Place::RequestHalf => None,
        };
        let source = Source {
            path: Arc::clone(&self.path),
            entry,
            interception_id: part.meta.and_then(|m| m.interception_id.clone()),
            provider: part.meta.and_then(|m| m.provider.clone()),
            ..Source::default()
        };
        // The exchanges of a part may answer one request (a txtar's sections share its
        // `-- request --`, and a section may bring its own): a body that several answer is
        // parsed once for all of them, which then share what it says (`ParsedRequest`).
        let key = |body: &[u8]| (body.as_ptr(), body.len());
        let mut answering: HashMap<(*const u8, usize), usize> = HashMap::new();
        for body in exchanges.iter().filter_map(Exchange::request_body) {
            *answering.entry(key(body)).or_default() += 1;
        }
        let mut shared = HashMap::new();
        for exchange in exchanges {
            let own;
            let parsed = match exchange.request_body() {
                Some(body) if answering.get(&key(body)) > Some(&1) => Some(
                    &*shared
                        .entry(key(body))
                        .or_insert_with(|| ParsedRequest::of(body)),
                ),
                body => {
                    own = body.map(ParsedRequest::of);
                    own.as_ref()
                }
            };
            let source = Source {
                // Redacted with the turn's other names (`bounds::bound`).
                section: exchange.section.map(str::to_string),
                ..source.clone()
            };
            // The capture's own credentials are cut from what it says of itself, as from
            // its turn (`reconstruct`).
            let credentials = exchange.credentials();
            let name = match (entry, exchange.section) {
                (Some(index), _) => format!("{display} [entry {index}]"),
                (None, Some(section)) => {
                    let mut section = section.to_string();
                    credentials.cut(&mut section);
                    format!("{display} [{}]", clip(&section))
                }
                (None, None) => display.to_string(),
            };
            if let Some(why) = &exchange.undecodable {
                self.fail(format!("{name}: {why}"));
                continue;
            }
            match reconstruct_observed(exchange, parsed, source, &mut ()) {
                Outcome::Turn(mut turn) => {
                    let mut said = part.warnings.to_vec();
                    for warning in &mut said {
                        warning.texts_mut(|text| credentials.cut(text));
                    }
                    turn.warnings.extend(said);
                    turn.warnings.iter_mut().for_each(Warning::shrink);
                    crate::turn::bound_captured_warnings(&mut turn.warnings);
                    self.report.turns.push(*turn);
                }
                // Archive entries that are no LLM traffic are counted, not named one by one.
                Outcome::Skipped(why) if entry.is_some() => {
                    *self.skipped.entry(why.to_string()).or_default() += 1
                }
                Outcome::Skipped(why) if self.sections_skipped >= REPORTED => {
                    *self.more_sections.entry(why.to_string()).or_default() += 1
                }
                Outcome::Skipped(why) => {
                    self.sections_skipped += 1;
                    self.report.skip(format!("{name}: skipped: {why}"))
                }
                Outcome::Failed(why) => self.fail(format!("{name}: {why}")),
            }
        }
    }

    fn failed(&mut self, place: Place, failure: Failure) {
        let display = self.display;
        match (place, failure) {
            // Said after the entries read before the trouble.
            (
                Place::File,
                failure @ (Failure::Har(_) | Failure::Cassette(_) | Failure::LogCut(_)),
            ) => self.unreadable = Some(failure),
            (Place::File, failure) => self.fail(format!("{display}: {failure}")),
            // Already a count of the lines past the first few the log named.
            (Place::Entry(index), failure @ Failure::MoreLogLines { .. }) => {
                let said = format!("{display} [entry {index}]: {failure}");
                self.report.notes.push(Note::Failed(said))
            }
            (Place::RequestHalf, failure) => {
                self.fail(format!("{display}: the request: {failure}"))
            }
            (Place::Entry(index), failure) => {
                self.fail(format!("{display} [entry {index}]: {failure}"))
            }
        }
    }

    fn passed_over(&mut self, _index: usize) {
        *self.skipped.entry(NOT_API.to_string()).or_default() += 1;
    }
}

impl Rebuild<'_> {
    /// Says that a part of the input failed: the first [`REPORTED`] by name, the rest
    /// counted (a log of 100,000 bad lines made 100,000 lines of notes; hostile run 36).
    fn fail(&mut self, message: String) {
        if self.failures < REPORTED {
            self.report.notes.push(Note::Failed(message));
        }
        self.failures += 1;
    }

    fn finish(mut self, walked: Walked) -> FileReport {
        let display = self.display;
        for (why, count) in std::mem::take(&mut self.skipped) {
            self.report.skipped += count;
            let entries = if count == 1 { "entry" } else { "entries" };
            self.report.notes.push(Note::Skipped(format!(
                "{display}: skipped {count} {entries}: {why}"
            )));
        }
        for (why, count) in std::mem::take(&mut self.more_sections) {
            self.report.skipped += count;
            self.report.notes.push(Note::Skipped(format!(
                "{display}: skipped {} more sections: {why}",
                thousands(count as u64)
            )));
        }
        let more = self.failures.saturating_sub(REPORTED);
        if more > 0 {
            self.report.notes.push(Note::Failed(format!(
                "{display}: {} more failures past the first {REPORTED}, not named one by one",
                thousands(more as u64)
            )));
        }
        if let Some(failure) = self.unreadable.take() {
            self.report
                .notes
                .push(Note::Failed(format!("{display}: {failure}")));
        }
        if let Walked::Entries {
            archive,
            entries: Some(0),
        } = walked
        {
            let archive = archive.name();
            self.report
                .skip(format!("{display}: skipped: {archive} with no entries"));
        }
        self.report
    }
}

/// The whole content of `path`, decompressed, counted towards progress.
fn read_counted(path: &Path) -> io::Result<Vec<u8>> {
    match read::open(path, SNIFF, |_| false, progress::tick)? {
        Opened::Whole(data) => Ok(data),
        // Not asked for; read whole all the same.
        Opened::Streamed(_, mut reader) => {
            let mut data = Vec::new();
            io::Read::read_to_end(&mut reader, &mut data)?;
            Ok(data)
        }
    }
}

/// Why most archive entries are skipped.
const NOT_API: &str = "no LLM API traffic";

/// A gateway dump: a response (or request-error) half, with its request half when found.
fn is_dump(input: &Input) -> bool {
    input.request.is_some()
        || dump::is_request_error(&input.path)
        || Meta::of(&input.path).is_some_and(|_| dump::is_response(&input.path))
}

/// Both halves of a dump pair (the request half when there is one).
fn open_dump(input: &Input) -> Result<Content<'static>, OpenError> {
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
        request: request.map(Cow::Owned),
        answer: Cow::Owned(answer),
        request_error: dump::is_request_error(&input.path),
        meta: Meta::of(&input.path),
    })
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
        turn.cost = Some(Box::new(Cost::provider(usd)));
        return;
    }
    let served = turn.service.as_deref().cloned().unwrap_or_default();
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
        Ok(cost) => turn.cost = Some(Box::new(cost)),
        // Pricing's warning comes last, after all of reconstruction's: `rejoin` relies on it.
        Err(unpriced) => turn.warnings.push(Warning::Unpriced(unpriced)),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_turns_of_one_input_share_its_path() {
        // Each turn held its own copy: a 3.8 KB path and a log of 100,000 turns took
        // 370 MB more than a short path (hostile run 35).
        let data = std::fs::read("fixtures/anthropic-messages/cache_tokens.txtar").unwrap();
        let report = turns_from_bytes("some/folder/cache_tokens.txtar", &data, true);
        let paths: Vec<&Arc<str>> = report.turns.iter().map(|t| &t.source.path).collect();
        assert!(paths.len() >= 2, "{:?}", report.notes);
        assert!(paths.iter().all(|p| Arc::ptr_eq(p, paths[0])));
        assert_eq!(&**paths[0], "some/folder/cache_tokens.txtar");
    }
}
