//! One file, start to end: decode its HTTP bodies and frame it as `inspect` does, then
//! check each response in it, and for a txtar fixture how its sections fit together.
//! [`check_exchange`] is what every response gets, wherever it stands (a file, a txtar
//! section, a HAR entry, a dump pair).

use serde_json::Value;

use super::decoded_lines::DecodedLines;
use super::lines::{Doc, Lines, json_error};
use super::parse::HeadShape;
use super::stream::StreamCheck;
use super::{Checked, anthropic, chat, errors, parse, responses, txtar};
use crate::decode::{Event, Events};
use crate::diagnostic::Findings;
use crate::diagnostic::rules::{PARSE_BODY_JSON, PARSE_CAPTURE};
use crate::frame::dump::{self, Answer};
use crate::frame::sse::SseStream;
use crate::frame::{self, Body, Exchange, FrameError};
use crate::reconstruct::{Observer, Outcome, ParsedRequest, reconstruct_observed};
use crate::turn::{Api, Source, Turn};

const BOM: &[u8] = b"\xef\xbb\xbf";

/// A request that stands outside the file answering it: a dump pair's request half.
pub struct Asked<'a> {
    /// The half, its HTTP codings undone.
    pub data: &'a [u8],
    /// Its body, parsed.
    pub body: Option<ParsedRequest>,
}

/// Whether a response that shows no API of its own is checked all the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// A file given as a capture: an empty or plain-text body is a defect of the capture.
    Capture,
    /// One exchange among others (a HAR entry): only LLM traffic is checked, told by its
    /// content or its request path; pages, telemetry and other APIs are passed over.
    Traffic,
}

/// Checks one capture file as stored: its HTTP bodies decoded first, as `inspect` reads
/// them, the findings' lines then put back onto the file. `asked` is the request it
/// answers, when that lies elsewhere.
pub fn check_stored(data: &[u8], asked: Option<&Asked>) -> Checked {
    let decoded = match DecodedLines::of(data) {
        Ok(decoded) => decoded,
        Err(why) => {
            let mut f = Findings::default();
            f.add(&PARSE_CAPTURE, None, why);
            return Checked {
                findings: f.0,
                ..Checked::default()
            };
        }
    };
    let mut checked = check_file(&decoded.data, asked);
    decoded.restore(&mut checked.findings);
    checked
}

/// Checks one file's bytes (HTTP bodies decoded already).
fn check_file(data: &[u8], asked: Option<&Asked>) -> Checked {
    let lines = Lines::new(data);
    let mut f = Findings::default();
    let mut checked = Checked::default();
    let body = data.strip_prefix(BOM).unwrap_or(data);
    if body.trim_ascii().is_empty() {
        f.add(&PARSE_CAPTURE, None, "the file is empty");
    } else if let Some((comment, sections)) = frame::txtar_of(body) {
        txtar_file(comment, &sections, &lines, &mut f, &mut checked);
    } else {
        single_file(data, body, asked, &lines, &mut f, &mut checked);
    }
    // A section that ends the file empty starts on a line the file does not have: point at
    // the file's end instead.
    checked.findings = f.0;
    for finding in &mut checked.findings {
        finding.line = finding.line.map(|line| line.min(lines.last()));
    }
    checked
}

/// A file holding one response: an HTTP response, an event stream or a JSON body. It is
/// framed as a dump's response half is, so the request `asked` answers it when there is one.
fn single_file(
    data: &[u8],
    body: &[u8],
    asked: Option<&Asked>,
    lines: &Lines,
    f: &mut Findings,
    checked: &mut Checked,
) {
    let head = parse::http_head(body, lines, f);
    let request = asked.and_then(|a| a.body.as_ref());
    match dump::exchanges(asked.map(|a| a.data), Answer::Response(data), None) {
        // A malformed HTTP head is the reason the file is unreadable: that is the finding.
        Err(FrameError::Unrecognized) if head != HeadShape::None => {}
        Err(FrameError::Unrecognized) => {
            checked.unrecognized = true;
            f.add(&PARSE_CAPTURE, None, FrameError::Unrecognized.to_string());
        }
        Err(err) => f.add(&PARSE_CAPTURE, None, err.to_string()),
        Ok(exchanges) => {
            for exchange in &exchanges {
                if let Err(why) = check_exchange(exchange, request, head, Claim::Capture, lines, f)
                {
                    checked.skipped.get_or_insert(why);
                }
            }
        }
    }
    if !f.is_empty() {
        checked.skipped = None;
    }
}

fn txtar_file(
    comment: &[u8],
    sections: &[frame::txtar::Section],
    lines: &Lines,
    f: &mut Findings,
    checked: &mut Checked,
) {
    txtar::sections(comment, sections, lines, f);
    if let Some(request) = sections.iter().find(|s| s.name == "request") {
        parse::http_head(request.body, lines, f);
    }
    let exchanges = match frame::frame_txtar(comment, sections) {
        Ok(exchanges) => exchanges,
        Err(err) => return f.add(&PARSE_CAPTURE, None, err.to_string()),
    };
    // Every exchange answers the same request: check it once.
    let request = exchanges
        .first()
        .and_then(|x| x.request.as_ref())
        .map(|r| parse::request(r.body, lines, f));
    let mut answers = Vec::new();
    let mut skipped = None;
    // Framing makes one exchange per response section, in section order.
    let responses = sections.iter().filter(|s| s.name != "request");
    for (section, exchange) in responses.zip(&exchanges) {
        let head = parse::http_head(section.body, lines, f);
        match check_exchange(exchange, request.as_ref(), head, Claim::Capture, lines, f) {
            Ok(Some(turn)) => answers.push(txtar::SectionTurn { section, turn }),
            Ok(None) => {}
            Err(why) => skipped = Some(why),
        }
    }
    txtar::answers(&answers, f);
    if answers.is_empty() && f.is_empty() {
        checked.skipped = skipped;
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
) -> Result<Option<Turn>, String> {
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
        Outcome::Turn(turn) => (Some(turn.api), Some(*turn), String::new()),
        Outcome::Skipped(why) => (None, None, why),
        Outcome::Failed(why) => (None, None, why),
    };
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
    if unread {
        return Err(skipped);
    }
    f.0.extend(found.0);
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
    fn stream(&mut self, api: Api, stream: &SseStream, events: &Events) {
        let check = StreamCheck::start(
            api,
            stream,
            events,
            self.first_line,
            self.request,
            &mut self.f,
        );
        self.stream = Some(check);
    }

    fn event(&mut self, event: &Event) {
        if let Some(check) = &mut self.stream {
            check.event(event, &mut self.f);
        }
    }

    fn stream_end(&mut self) {
        if let Some(check) = self.stream.take() {
            check.finish(&mut self.f);
        }
    }

    fn body(&mut self, api: Option<Api>, text: &[u8], parsed: Result<&Value, &serde_json::Error>) {
        let value = match parsed {
            Ok(value) => value,
            Err(err) => {
                return self.f.add(
                    &PARSE_BODY_JSON,
                    self.lines.of_json_error(text, err),
                    format!("the response body is not valid JSON ({})", json_error(err)),
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
