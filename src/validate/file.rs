//! One file, start to end: frame it as `inspect` does, then check each response in it, and
//! for a txtar fixture how its sections fit together.

use serde_json::Value;

use super::lines::{Doc, Lines, json_error};
use super::parse::Head;
use super::rules::{PARSE_BODY_JSON, PARSE_CAPTURE};
use super::{Checked, Findings, anthropic, chat, errors, parse, responses, stream, txtar};
use crate::frame::{self, Body, Exchange, FrameError};
use crate::reconstruct::{Outcome, reconstruct};
use crate::turn::{Api, Source, Turn};

const BOM: &[u8] = b"\xef\xbb\xbf";

/// Checks one file's bytes.
pub fn check_file(data: &[u8]) -> Checked {
    let lines = Lines::new(data);
    let mut f = Findings::default();
    let mut checked = Checked::default();
    let body = data.strip_prefix(BOM).unwrap_or(data);
    if body.trim_ascii().is_empty() {
        f.add(&PARSE_CAPTURE, None, "the file is empty");
    } else if let Some((comment, sections)) = frame::txtar::parse(body) {
        txtar_file(data, comment, &sections, &lines, &mut f, &mut checked);
    } else {
        single_file(data, body, &lines, &mut f, &mut checked);
    }
    // A section that ends the file empty starts on a line the file does not have: point at
    // the file's end instead.
    checked.findings = f.0;
    for finding in &mut checked.findings {
        finding.line = finding.line.map(|line| line.min(lines.last()));
    }
    checked
}

/// A file holding one response: an HTTP response, an event stream or a JSON body.
fn single_file(data: &[u8], body: &[u8], lines: &Lines, f: &mut Findings, checked: &mut Checked) {
    let head = parse::http_head(body, lines, f);
    match frame::frame(data) {
        // A malformed HTTP head is the reason the file is unreadable: that is the finding.
        Err(FrameError::Unrecognized) if head != Head::None => {}
        Err(FrameError::Unrecognized) => {
            checked.unrecognized = true;
            f.add(&PARSE_CAPTURE, None, FrameError::Unrecognized.to_string());
        }
        Err(err) => f.add(&PARSE_CAPTURE, None, err.to_string()),
        Ok(exchanges) => {
            for exchange in &exchanges {
                if let Err(why) = check_exchange(exchange, None, head, lines, f) {
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
        match check_exchange(exchange, request.as_ref(), head, lines, f) {
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

/// Checks one response, which starts with `head`. `Ok` with the rebuilt turn (when there is
/// one); `Err` with the reason when the response is no LLM traffic this tool reads (nothing
/// to check).
fn check_exchange(
    exchange: &Exchange,
    request: Option<&Value>,
    head: Head,
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
