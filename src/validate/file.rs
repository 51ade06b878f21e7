//! One input, part by part: each part [`crate::capture::walk`] yields (a capture file, a
//! dump pair, a HAR entry) is checked here, as `inspect` reads it. [`check_exchange`] is
//! what every response gets, wherever it stands (a file, a txtar section, a HAR entry, a
//! dump pair); a txtar fixture is also checked for how its sections fit together, a dump's
//! request half for its head and body.
//!
//! Lines: findings are made on the decoded text the part's exchanges point into, then put
//! back onto the stored file's lines. A decoded body's lines are no lines of the file: a
//! finding inside one points at the body's first line and says which line of the decoded
//! body it means. Lines inside a HAR entry are lines of a JSON string, not of the file,
//! so entry findings carry none: they name the entry (`entry 3: …`, its index in
//! `log.entries`) instead; a dump's request half is a file of its own, so its findings
//! name it, with its line, in the message.

use serde_json::Value;

use super::Checked;
use super::locate::{Doc, json_error_line, unreadable_json};
use super::parse::{self, HeadShape};
use super::stream::StreamCheck;
use super::{anthropic, chat, errors, responses, txtar};
use crate::capture::{Failure, Layout, Lines, Part, Place, Stored, Visitor, Walked};
use crate::decode::{Event, StreamEnd};
use crate::diagnostic::rules::{
    ERROR_SHAPE, HTTP_CODING, HTTP_HEAD, PARSE_BODY_JSON, PARSE_CAPTURE, PARSE_REQUEST_JSON,
    REQUEST_API, TXTAR_UNKNOWN_RULE,
};
use crate::diagnostic::{Finding, Findings, RULES};
use crate::frame::credentials::Credentials;
use crate::frame::{self, Body, Exchange, FrameError};
use crate::quote::Quoted;
use crate::reconstruct::{
    NoTurn, Observer, Outcome, ParsedRequest, Unreadable, reconstruct_observed,
};
use crate::turn::{Api, Source, Turn};
use crate::warning::Warning;

/// Whether a response that shows no API of its own is checked all the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// A file given as a capture: an empty or plain-text body is a defect of the capture.
    Capture,
    /// One exchange among others (a HAR entry): only LLM traffic is checked, told by its
    /// content or its request path; pages, telemetry and other APIs are passed over.
    Traffic,
}

/// `validate`'s consumer of an input's parts.
#[derive(Default)]
pub struct Check {
    /// The input's findings, on the file's lines.
    findings: Findings,
    skipped: Option<String>,
    unrecognized: bool,
    /// Archive entries (HAR, cassette, log) that were LLM traffic, so were checked.
    entries_checked: usize,
    /// Rules a txtar fixture allows for itself, in its comment.
    pub allowed: Vec<String>,
    /// The findings of a dump's request half, on its own lines.
    request_half: Findings,
    /// The request half's file name, for its findings.
    pub request_name: String,
    /// The input's name says it holds a capture (`.sse`, `.txtar`, `.har`).
    named: bool,
}

impl Visitor for Check {
    fn part(&mut self, part: &Part<'_>) {
        match part.place {
            Place::Entry(index) => self.entry(part, index),
            Place::File | Place::RequestHalf => self.file(part),
        }
    }

    fn failed(&mut self, place: Place, failure: Failure) {
        match place {
            Place::File => self.findings.add(&PARSE_CAPTURE, None, failure.to_string()),
            Place::RequestHalf => {
                self.request_half
                    .add(&PARSE_REQUEST_JSON, None, failure.to_string())
            }
            Place::Entry(index) => {
                self.entries_checked += 1;
                let mut f = Findings::default();
                f.add_counted(&PARSE_CAPTURE, None, failure.to_string(), failure.count());
                self.take_within(f.into_vec(), &format!("entry {index}"));
            }
        }
    }
}

impl Check {
    /// Checks for one input; `request_name` names a dump's request half, if it has one.
    pub fn new(request_name: String, named: bool) -> Check {
        Check {
            request_name,
            named,
            ..Check::default()
        }
    }

    /// What the walk found, once it is over.
    pub fn finish(mut self, walked: Walked) -> Checked {
        if let Walked::Entries { archive, entries } = walked {
            match entries {
                Some(0) => self.skipped = Some(format!("{} with no entries", archive.name())),
                Some(entries) if self.entries_checked == 0 => {
                    self.skipped = Some(format!("no LLM API traffic in its {entries} entries"));
                }
                _ => {}
            }
        }
        // A dump's request half is a file of its own: its findings name it, and come first.
        // They count only when the pair is LLM traffic (a passthrough `GET /v1/models` has
        // no body to check).
        if self.skipped.is_none() {
            let name = &self.request_name;
            let named = self.request_half.into_vec().into_iter().map(|finding| {
                let place = match finding.line {
                    Some(line) => format!("{name}:{line}"),
                    None => name.clone(),
                };
                finding.within(&place)
            });
            let named: Vec<Finding> = named.collect();
            let rest = std::mem::take(&mut self.findings);
            self.findings.extend(named);
            self.findings.extend(rest.into_vec());
        }
        Checked {
            findings: self.findings.into_vec(),
            skipped: self.skipped,
            unrecognized: self.unrecognized,
        }
    }

    fn take_within(&mut self, findings: Vec<Finding>, place: &str) {
        let named = findings.into_iter().map(|f| f.within(place));
        self.findings.extend(named);
    }

    /// An archive's entry (HAR, cassette, log line): checked only when it is LLM traffic.
    fn entry(&mut self, part: &Part, index: usize) {
        let Ok(exchanges) = part.exchanges else {
            return;
        };
        let mut f = Findings::default();
        let mut traffic = false;
        body_faults(part, &mut f);
        for exchange in exchanges {
            let request = exchange
                .request_body()
                .map(|body| parse::request(body, part.lines, &mut f));
            let claim = Claim::Traffic;
            let head = HeadShape::None;
            traffic |=
                check_exchange(exchange, request.as_ref(), head, claim, part.lines, &mut f).is_ok();
        }
        if traffic {
            self.entries_checked += 1;
            let mut findings = f.into_vec();
            cut_credentials(part, &mut findings);
            self.take_within(findings, &format!("entry {index}"));
        }
    }

    /// A capture file, or a dump pair (its response half answering its request half).
    fn file(&mut self, part: &Part) {
        let mut f = Findings::default();
        let asked = part.request_half.as_ref().map(|half| {
            let mut request_f = Findings::default();
            parse::http_head(&half.stored.data, None, half.lines, &mut request_f);
            let body = frame::request(&half.stored.data).body.unwrap_or_default();
            let parsed = parse::request(body, half.lines, &mut request_f);
            let mut request_findings = request_f.into_vec();
            back_to_file(half.stored, &mut request_findings);
            self.request_half.extend(request_findings);
            parsed
        });
        let skipped = match part.layout {
            Layout::Txtar { comment, sections } => {
                self.allowed = inline_allows(comment, part.lines, &mut f);
                txtar_file(comment, sections, part, &mut f)
            }
            Layout::Single(text) => self.single_file(text, asked.as_ref(), part, &mut f),
            Layout::RequestError(_) => request_error(asked.as_ref(), part, &mut f),
            Layout::Entry => None,
        };
        let faulty = body_faults(part, &mut f);
        let mut findings = f.into_vec();
        cut_credentials(part, &mut findings);
        if let Some(stored) = part.stored {
            back_to_file(stored, &mut findings);
        }
        self.findings.extend(findings);
        self.skipped = skipped.filter(|_| !faulty);
    }

    /// A file holding one response: an HTTP response, an event stream or a JSON body, or
    /// a request and then its response. Framed as a dump's response half is, so `asked`
    /// answers it when there is one.
    fn single_file(
        &mut self,
        text: &[u8],
        asked: Option<&ParsedRequest>,
        part: &Part,
        f: &mut Findings,
    ) -> Option<String> {
        let lines = part.lines;
        let (own, text) = match part.stored.and_then(Stored::request_then_response) {
            Some((whole, response)) => {
                let request = frame::line_ends_after(whole).0;
                // A request with no body (a GET) asked nothing to check.
                let body = frame::request(request)
                    .body
                    .filter(|b| !b.trim_ascii().is_empty());
                // With none, the line ends before the response are the blank line after
                // its head (hostile run 65: said to be missing).
                let head = if body.is_some() { request } else { whole };
                parse::http_head(head, None, lines, f);
                (body.map(|body| parse::request(body, lines, f)), response)
            }
            None => (request_alone(part, lines, f), text),
        };
        let asked = asked.or(own.as_ref());
        let response = match part.exchanges.as_deref() {
            Ok([exchange]) => Some(&exchange.response.body),
            _ => None,
        };
        let head = parse::http_head(text, response, lines, f);
        let mut skipped = None;
        match part.exchanges {
            // A malformed HTTP head is the reason the file is unreadable: that is the finding.
            // A well-formed one is not (hostile run 65: a request whose body is no JSON hid
            // its response, and the file `inspect` fails passed).
            Err(FrameError::Unrecognized) if head == HeadShape::Broken => {}
            Err(FrameError::Unrecognized) => {
                self.unrecognized = true;
                f.add(&PARSE_CAPTURE, None, FrameError::Unrecognized.to_string());
            }
            Err(err) => f.add(&PARSE_CAPTURE, None, err.to_string()),
            Ok(exchanges) => {
                for exchange in exchanges {
                    match check_exchange(exchange, asked, head, Claim::Capture, lines, f) {
                        // A file its name says is a capture holds one (hostile run 66: a
                        // `.sse` of a request alone passed).
                        Err(Unchecked::NoTurn(NoTurn::RequestOnly)) if self.named => f.add(
                            &PARSE_CAPTURE,
                            None,
                            "a request with no response: the capture stopped before the \
                             answer, or holds none",
                        ),
                        // Nor does one holding a body of no API (hostile run 69: `{}` as
                        // `capture.har`, `[]` as `stream.sse` passed).
                        Err(Unchecked::NoTurn(
                            why @ (NoTurn::JsonOfNoApi | NoTurn::BodyOfNoApi),
                        )) if self.named => f.add(&PARSE_CAPTURE, None, no_capture(why)),
                        // A stream of keep-alives alone (comments, `[DONE]`) is a capture
                        // that caught no answer; one of other events is of no API.
                        Err(Unchecked::NoTurn(why @ NoTurn::StreamOfNoApi))
                            if self.named && !idle(&exchange.response.body) =>
                        {
                            f.add(&PARSE_CAPTURE, None, no_capture(why))
                        }
                        Err(why) => {
                            skipped.get_or_insert(why.to_string());
                        }
                        Ok(_) => {}
                    }
                }
            }
        }
        skipped.filter(|_| f.is_empty())
    }
}

/// Finds a body whose compressed data is cut short, or compressed by a coding its headers
/// do not name: what it held is read (and `inspect` warns), but the capture is not whole,
/// or a client replaying it would not read it (hostile runs 38 and 39: both passed
/// `validate`). The part's own warnings say it of a whole file; a txtar section's, a HAR
/// entry's or a cassette's body says it in its exchange's (hostile run 50: those passed).
/// Returns whether there was one.
fn body_faults(part: &Part, f: &mut Findings) -> bool {
    let mut found = said_of_body(part.warnings, None, f);
    for exchange in part.exchanges.iter().flatten() {
        let line = exchange.section.and_then(|name| section_line(part, name));
        found |= said_of_body(&exchange.warnings, line, f);
    }
    found
}

/// The first cut body and the first unnamed coding among `warnings`, as findings at `line`,
/// and the first coding named but not applied (hostile run 55: it passed as valid).
fn said_of_body(warnings: &[Warning], line: Option<usize>, f: &mut Findings) -> bool {
    let cut = (warnings.iter()).find(|w| matches!(w, Warning::BodyCutShort { .. }));
    let unnamed = (warnings.iter()).find(|w| matches!(w, Warning::UnnamedCoding { .. }));
    for warning in cut.iter().chain(&unnamed) {
        f.add(&PARSE_CAPTURE, line, warning.to_string());
    }
    // A coding or a base64 mark the body does not bear (hostile run 59: HAR's).
    let not_applied = (warnings.iter()).find(|w| {
        matches!(
            w,
            Warning::CodingNotApplied { .. }
                | Warning::ExtraCoding { .. }
                | Warning::NotBase64 { .. }
        )
    });
    if let Some(warning) = not_applied {
        f.add(&HTTP_CODING, line, warning.to_string());
    }
    // An archive's status out of HTTP's range, as a raw head's fails (hostile run 66).
    if let Some(warning) = warnings
        .iter()
        .find(|w| matches!(w, Warning::StatusNotHttp))
    {
        f.add(&HTTP_HEAD, line, warning.to_string());
    }
    cut.is_some() || unnamed.is_some()
}

/// The marker line of the txtar section an exchange names (by identity: two sections may
/// share a name).
fn section_line(part: &Part, name: &str) -> Option<usize> {
    let Layout::Txtar { sections, .. } = part.layout else {
        return None;
    };
    let section = sections.iter().find(|s| std::ptr::eq(s.name, name))?;
    Some(txtar::marker_line(section))
}

/// The request of a file that holds a request alone, checked as one: its exchange's request
/// body is a slice of the file (a dump's answered exchange's is its request half's).
fn request_alone(part: &Part, lines: &Lines, f: &mut Findings) -> Option<ParsedRequest> {
    let [exchange] = part.exchanges.as_deref().ok()? else {
        return None;
    };
    // A request with no body (a GET) asked nothing to check.
    let body = exchange
        .request_body()
        .filter(|b| !b.trim_ascii().is_empty())?;
    if !matches!(exchange.response.body, Body::Empty) || lines.of_slice(body).is_none() {
        return None;
    }
    Some(parse::request(body, lines, f))
}

/// Cuts from findings the credentials the part's heads carry, as a turn's warnings are
/// cut: a finding quotes names (an event's type, a txtar section's) that may repeat one
/// (hostile run 51).
fn cut_credentials(part: &Part, findings: &mut [Finding]) {
    let mut credentials = Credentials::default();
    for exchange in part.exchanges.iter().flatten() {
        credentials.extend(&exchange.credentials());
    }
    if credentials.is_empty() {
        return;
    }
    for finding in findings {
        credentials.cut(&mut finding.message);
    }
}

/// Puts the lines of findings made on `stored`'s decoded text back onto the file's.
fn back_to_file(stored: &Stored, findings: &mut [Finding]) {
    for finding in findings {
        let Some(line) = finding.line else { continue };
        let (line, in_body) = stored.file_line(line);
        finding.line = Some(line);
        if let Some(n) = in_body {
            finding
                .message
                .push_str(&format!(" (line {n} of the decoded body)"));
        }
    }
}

/// The error text a failed upstream call left in place of a dump's response, answering
/// `asked`: one exchange, whatever the text holds.
fn request_error(asked: Option<&ParsedRequest>, part: &Part, f: &mut Findings) -> Option<String> {
    let mut skipped = None;
    for exchange in part.exchanges.iter().flatten() {
        let head = HeadShape::None;
        if let Err(why) = check_exchange(exchange, asked, head, Claim::Capture, part.lines, f) {
            skipped = Some(why.to_string());
        }
    }
    skipped
}

/// A txtar fixture: its sections, then each response section's exchange, then how the
/// sections' turns agree.
fn txtar_file(
    comment: &[u8],
    sections: &[frame::txtar::Section],
    part: &Part,
    f: &mut Findings,
) -> Option<String> {
    let lines = part.lines;
    txtar::sections(comment, sections, lines, f);
    if let Some(request) = sections.iter().find(|s| s.name == "request") {
        parse::http_head(request.body, None, lines, f);
    }
    let exchanges = match part.exchanges {
        Ok(exchanges) => exchanges,
        Err(err) => {
            f.add(&PARSE_CAPTURE, None, err.to_string());
            return None;
        }
    };
    // Every exchange answers the same request: check it once (as one that was decoded).
    let request = exchanges
        .iter()
        .find(|e| e.undecodable.is_none())
        .and_then(Exchange::request_body)
        .map(|body| parse::request(body, lines, f));
    let mut answers = Vec::new();
    let mut skipped = None;
    // Framing makes one exchange per response section, in section order.
    let responses = sections.iter().filter(|s| s.name != "request");
    for (section, exchange) in responses.zip(exchanges) {
        if let Some(why) = &exchange.undecodable {
            // Its head still stands; its body, as stored, is no body to check.
            parse::http_head(section.body, None, lines, f);
            f.add(
                &PARSE_CAPTURE,
                Some(txtar::marker_line(section)),
                why.to_string(),
            );
            continue;
        }
        let head = parse::http_head(section.body, Some(&exchange.response.body), lines, f);
        match check_exchange(exchange, request.as_ref(), head, Claim::Capture, lines, f) {
            Ok(Some(turn)) => answers.push(txtar::SectionTurn { section, turn }),
            Ok(None) => {}
            // A response section with no response in it (hostile run 67: it passed, where a
            // fixture with no response section fails).
            Err(Unchecked::NoTurn(NoTurn::RequestOnly)) => f.add(
                &PARSE_CAPTURE,
                Some(txtar::marker_line(section)),
                "the section holds no response (nothing, or a request alone)",
            ),
            // Nor is a body of no API one (hostile run 69: `{}` and `[]` passed).
            Err(Unchecked::NoTurn(why @ (NoTurn::JsonOfNoApi | NoTurn::BodyOfNoApi))) => f.add(
                &PARSE_CAPTURE,
                Some(txtar::marker_line(section)),
                no_capture(why),
            ),
            Err(why) => skipped = Some(why.to_string()),
        }
    }
    txtar::answers(&answers, f);
    skipped.filter(|_| answers.is_empty() && f.is_empty())
}

/// Why what a capture's name or a fixture's section promises a response holds none: it
/// holds `why` (a JSON body of no API this tool reads).
fn no_capture(why: NoTurn) -> String {
    format!("{why}, where a response of one is due")
}

/// Whether `body` is a stream of keep-alives alone: its events hold no data but `[DONE]`,
/// and its framing found nothing wrong.
fn idle(body: &Body) -> bool {
    let Body::Stream(stream) = body else {
        return false;
    };
    let mut idle = true;
    let framing = stream.each(|event| {
        let data = event.data.trim();
        idle = data.is_empty() || data == crate::decode::chat::DONE;
        match idle {
            true => std::ops::ControlFlow::Continue(()),
            false => std::ops::ControlFlow::Break(()),
        }
    });
    idle && framing.defects.is_empty()
}

/// The words that open an inline allow in a txtar comment.
const ALLOW_DIRECTIVE: &str = "aibridge-trace: allow";

/// Rules a txtar fixture allows for itself, in a comment line such as
/// `aibridge-trace: allow stream-truncated`: a fixture that records a broken capture on
/// purpose says so where it stands, rather than every CI job passing `--allow`. The rule
/// ids come first; the words from the first that names no rule on are free text. A line
/// whose first word names no rule (a misspelt one) would allow nothing without a word: it
/// is a finding.
fn inline_allows(comment: &[u8], lines: &Lines, f: &mut Findings) -> Vec<String> {
    let mut allowed = Vec::new();
    for line in comment.split(|&b| b == b'\n') {
        let text = String::from_utf8_lossy(line);
        let Some((_, rest)) = text.split_once(ALLOW_DIRECTIVE) else {
            continue;
        };
        // `aibridge-trace: allowed …` is no directive.
        if rest.starts_with(|c: char| !c.is_whitespace()) {
            continue;
        }
        let mut words = rest
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|word| !word.is_empty());
        let first = words.clone().next();
        let named: Vec<_> = words
            .by_ref()
            .take_while(|word| RULES.iter().any(|r| r.id == *word))
            .map(str::to_string)
            .collect();
        if named.is_empty() {
            f.add(&TXTAR_UNKNOWN_RULE, lines.of_slice(line), || match first {
                Some(word) => format!(
                    "`{ALLOW_DIRECTIVE}` {}: no such rule (`validate --list-rules` lists them)",
                    Quoted(word)
                ),
                None => format!("`{ALLOW_DIRECTIVE}` names no rule"),
            });
        }
        allowed.extend(named);
    }
    allowed
}

/// Why an exchange was not checked: there is no turn of an API this tool reads to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unchecked {
    NoTurn(NoTurn),
    Unreadable(Unreadable),
    /// A turn was rebuilt, but the grammar checks could not read its response.
    Unread,
}

impl std::fmt::Display for Unchecked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unchecked::NoTurn(why) => why.fmt(f),
            Unchecked::Unreadable(why) => why.fmt(f),
            // Said as it always was: a skip with no words of its own.
            Unchecked::Unread => Ok(()),
        }
    }
}

/// Checks one response, which starts with `head`; `request` is the request's body, parsed.
/// `Ok` with the rebuilt turn (when there is one); `Err` with the reason when the response
/// is no LLM traffic this tool reads (nothing to check).
///
/// The response is rebuilt and checked in one pass: the checks ride along with
/// reconstruction as an [`Observer`], so every event and body is decoded once.
pub fn check_exchange(
    exchange: &Exchange,
    request: Option<&ParsedRequest>,
    head: HeadShape,
    claim: Claim,
    lines: &Lines,
    f: &mut Findings,
) -> Result<Option<Turn>, Unchecked> {
    let response = &exchange.response;
    let error_status = response.status.filter(|s| *s >= 400);
    let mut checker = Checker {
        // Only a request that is JSON as it stands says what it asked for.
        request: request
            .filter(|r| r.error.is_none())
            .and_then(|r| r.value.as_ref()),
        error_status,
        first_line: response.first_line,
        lines,
        f: Findings::default(),
        stream: None,
        unread: false,
    };
    let outcome = reconstruct_observed(exchange, request, Source::default(), &mut checker);
    // The rebuilt turn says which API the response is (and is what pairs are compared on).
    let (api, turn, skipped) = match outcome {
        Outcome::Turn(turn) => (Some(turn.api), Some(*turn), Unchecked::Unread),
        Outcome::Skipped(why) => (None, None, Unchecked::NoTurn(why)),
        Outcome::Failed(why) => (None, None, Unchecked::Unreadable(why)),
    };
    // A request answered in another API's shape (hostile run 63: a fixture's halves pasted
    // from two captures passed).
    let mut warnings = turn.iter().flat_map(|t| &t.warnings);
    if let Some(other) = warnings.find(|w| matches!(w, Warning::OtherApiAsked { .. })) {
        f.add(&REQUEST_API, None, other.to_string());
    }
    let api_path = exchange
        .request
        .as_ref()
        .and_then(|r| r.target.as_deref())
        .is_some_and(|target| Api::from_path(target).is_some());
    if api.is_none() && claim == Claim::Traffic && !api_path {
        return Err(skipped);
    }
    // A failed upstream call left its error text in place of a response: that text is the
    // recorded error.
    if let Some(text) = exchange.request_error {
        if api.is_none() {
            return Err(skipped);
        }
        errors::check_text(text, "the request error file", f);
        return Ok(turn);
    }
    let Checker {
        f: found, unread, ..
    } = checker;
    let unread = unread || matches!(response.body, Body::Stream(_)) && api.is_none();
    // A file holding a request alone has no response to check (its body is checked as a
    // request's by whoever framed it); an archive's entry with no response is an exchange
    // whose answer was not captured: its empty body is the finding.
    let request_alone = claim == Claim::Capture
        && matches!(skipped, Unchecked::NoTurn(NoTurn::RequestOnly))
        && matches!(response.body, Body::Empty);
    if unread || request_alone {
        return Err(skipped);
    }
    f.extend(found.into_vec());
    // An error status over a stream: the stream is to say the error, as a JSON body is
    // (hostile run 66: a 500 over a whole answer passed).
    if let (Body::Stream(_), Some(status)) = (&response.body, error_status) {
        let said = turn.as_ref().and_then(|t| t.error.as_ref());
        if said.is_none_or(|e| e.message.is_none()) {
            f.add(&ERROR_SHAPE, Some(response.first_line), || {
                format!("the HTTP {status} response's stream records no error with a message")
            });
        }
    }
    // A raw head's type is checked where its line is known; an archive's entry gives its
    // own (hostile run 59: a HAR's SSE body labelled JSON passed).
    if let (HeadShape::None, Some(label)) = (head, response.content_type.as_deref()) {
        parse::mislabelled("response", &response.body, label, None, f);
    }
    match &response.body {
        // An HTTP error may answer with a plain-text page, or nothing: it records the error.
        Body::Text(text) if error_status.is_none() => f.add(
            &PARSE_BODY_JSON,
            lines.of_slice(text),
            "the response body is neither JSON nor an event stream",
        ),
        Body::Empty if error_status.is_none() && head != HeadShape::Broken => f.add(
            &PARSE_BODY_JSON,
            Some(response.first_line),
            "the response body is empty",
        ),
        _ => {}
    }
    Ok(turn)
}

/// The checks of one response, as reconstruction hands over what it decodes.
struct Checker<'a> {
    request: Option<&'a Value>,
    error_status: Option<u16>,
    /// The line the response body starts on.
    first_line: usize,
    lines: &'a Lines<'a>,
    f: Findings,
    stream: Option<StreamCheck>,
    /// A JSON body of no API this tool reads, recording no error: nothing to check.
    unread: bool,
}

impl Observer for Checker<'_> {
    fn stream(&mut self, api: Api, json_lines: bool) {
        let check = StreamCheck::start(api, json_lines, self.first_line, self.request);
        self.stream = Some(check);
    }

    fn event(&mut self, event: &Event) {
        if let Some(check) = &mut self.stream {
            check.event(event, &mut self.f);
        }
    }

    fn stream_end(&mut self, end: &StreamEnd) {
        if let Some(check) = self.stream.take() {
            check.finish(end, &mut self.f);
        }
    }

    fn body(&mut self, api: Option<Api>, text: &[u8], parsed: Result<&Value, &serde_json::Error>) {
        let value = match parsed {
            Ok(value) => value,
            Err(err) => {
                return self.f.add(
                    &PARSE_BODY_JSON,
                    json_error_line(self.lines, text, err),
                    unreadable_json("the response body", err),
                );
            }
        };
        let doc = Doc {
            text,
            value,
            lines: self.lines,
        };
        let f = &mut self.f;
        if self.error_status.is_some() || errors::is_error_body(value) {
            return errors::check_body(&doc, self.error_status, f);
        }
        match api {
            Some(Api::AnthropicMessages) => anthropic::body(&doc, f),
            Some(Api::OpenaiChat) => chat::body(&doc, f),
            Some(Api::OpenaiResponses) => responses::body(&doc, f),
            None => self.unread = true,
        }
    }
}
