//! One file, start to end: decode its HTTP bodies and frame it as `inspect` does, then
//! check each response in it, and for a txtar fixture how its sections fit together.
//! [`check_exchange`] is what every response gets, wherever it stands (a file, a txtar
//! section, a HAR entry, a dump pair).

use serde_json::Value;

use super::decoded::Decoded;
use super::lines::{Doc, Lines, json_error};
use super::parse::Head;
use super::rules::{PARSE_BODY_JSON, PARSE_CAPTURE};
use super::{Checked, Findings, anthropic, chat, errors, parse, responses, stream, txtar};
use crate::frame::dump::{self, Answer};
use crate::frame::{self, Body, Exchange, FrameError};
use crate::reconstruct::{Outcome, api_from_path, reconstruct};
use crate::turn::{Api, Source, Turn};

const BOM: &[u8] = b"\xef\xbb\xbf";

/// A request that stands outside the file answering it: a dump pair's request half.
pub struct Asked<'a> {
    /// The half, its HTTP codings undone.
    pub data: &'a [u8],
    /// Its body, when that is JSON.
    pub body: Option<Value>,
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
    let decoded = match Decoded::of(data) {
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
    } else if let Some((comment, sections)) = frame::txtar::parse(body) {
        txtar_file(data, comment, &sections, &lines, &mut f, &mut checked);
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
        Err(FrameError::Unrecognized) if head != Head::None => {}
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
    data: &[u8],
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
    let exchanges = match frame::frame(data) {
        Ok(exchanges) => exchanges,
        Err(err) => return f.add(&PARSE_CAPTURE, None, err.to_string()),
    };
    // Every exchange answers the same request: check it once.
    let request = exchanges
        .first()
        .and_then(|x| x.request.as_ref())
        .and_then(|r| parse::request(r.body, lines, f));
    let mut answers = Vec::new();
    let mut skipped = None;
    // Framing makes one exchange per response section, in section order.
    let responses = sections.iter().filter(|s| s.name != "request");
    for (section, exchange) in responses.zip(&exchanges) {
        let head = parse::http_head(section.body, lines, f);
        match check_exchange(exchange, request.as_ref(), head, Claim::Capture, lines, f) {
            Ok(Some(turn)) => answers.push(txtar::Answer { section, turn }),
            Ok(None) => {}
            Err(why) => skipped = Some(why),
        }
    }
    txtar::answers(&answers, f);
    if answers.is_empty() && f.is_empty() {
        checked.skipped = skipped;
    }
}

/// Checks one response, which starts with `head`; `request` is the request's body, when it
/// is JSON. `Ok` with the rebuilt turn (when there is one); `Err` with the reason when the
/// response is no LLM traffic this tool reads (nothing to check).
pub fn check_exchange(
    exchange: &Exchange,
    request: Option<&Value>,
    head: Head,
    claim: Claim,
    lines: &Lines,
    f: &mut Findings,
) -> Result<Option<Turn>, String> {
    let response = &exchange.response;
    // The rebuilt turn says which API the response is (and is what pairs are compared on).
    let (api, turn, skipped) = match reconstruct(exchange, Source::default()) {
        Outcome::Turn(turn) => (Some(turn.api), Some(*turn), String::new()),
        Outcome::Skipped(why) => (None, None, why),
        Outcome::Failed(why) => (None, None, why),
    };
    let api_path = exchange
        .request
        .as_ref()
        .and_then(|r| r.target.as_deref())
        .is_some_and(|target| api_from_path(target).is_some());
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
    let error_status = response.status.filter(|s| *s >= 400);
    match &response.body {
        Body::Stream(s) => match api {
            Some(api) => stream::check(s, response.first_line, api, request, f),
            None => return Err(skipped),
        },
        Body::Json(text) => match serde_json::from_slice::<Value>(text) {
            Err(err) => f.add(
                &PARSE_BODY_JSON,
                lines.of_json_error(text, &err),
                format!("the response body is not valid JSON ({})", json_error(&err)),
            ),
            Ok(value) => {
                let doc = Doc {
                    text,
                    value: &value,
                    lines,
                };
                if error_status.is_some() || errors::is_error_body(&value) {
                    errors::check_body(&doc, error_status, f);
                } else {
                    match api {
                        Some(Api::AnthropicMessages) => anthropic::body(&doc, f),
                        Some(Api::OpenaiChat) => chat::body(&doc, f),
                        Some(Api::OpenaiResponses) => responses::body(&doc, f),
                        None => return Err(skipped),
                    }
                }
            }
        },
        // An HTTP error may answer with a plain-text page, or nothing: it records the error.
        Body::Text(text) if error_status.is_none() => f.add(
            &PARSE_BODY_JSON,
            lines.of_slice(text),
            "the response body is neither JSON nor an event stream",
        ),
        Body::Empty if error_status.is_none() && head != Head::Broken => f.add(
            &PARSE_BODY_JSON,
            Some(response.first_line),
            "the response body is empty",
        ),
        Body::Text(_) | Body::Empty => {}
    }
    Ok(turn)
}
