//! Gateway dump pairs: the response half is checked as any capture file is, answering the
//! request half; the error text a failed upstream call left in its place (`.req_error.txt`)
//! must say something. The request half is checked too (a well-formed head, a JSON body),
//! but only when the pair is LLM traffic: a passthrough `GET /v1/models` has no body to
//! check. It is a file of its own, so its findings name it, with its line, in the message.

use super::Checked;
use super::decoded_lines::DecodedLines;
use super::file::{self, Asked, Claim};
use super::lines::Lines;
use super::parse::{self, HeadShape};
use crate::diagnostic::Findings;
use crate::diagnostic::rules::PARSE_REQUEST_JSON;
use crate::frame::dump::{self, Answer};

/// Checks a pair: `request` is the request half (named `request_name`) when it was found,
/// `answer` the response half, or the error text when `request_error`.
pub fn check(
    request: Option<&[u8]>,
    answer: &[u8],
    request_error: bool,
    request_name: &str,
) -> Checked {
    let mut request_f = Findings::default();
    let decoded = request.and_then(|data| match DecodedLines::of(data) {
        Ok(decoded) => Some(decoded),
        Err(why) => {
            request_f.add(&PARSE_REQUEST_JSON, None, why);
            None
        }
    });
    let asked = decoded.as_ref().map(|decoded| {
        let lines = Lines::new(&decoded.data);
        parse::http_head(&decoded.data, &lines, &mut request_f);
        let body = crate::frame::request(&decoded.data).body;
        Asked {
            data: &decoded.data,
            body: Some(parse::request(body, &lines, &mut request_f)),
        }
    });
    if let Some(decoded) = &decoded {
        decoded.restore(&mut request_f.0);
    }
    let mut checked = match request_error {
        true => error_half(answer, asked.as_ref()),
        false => file::check_stored(answer, asked.as_ref()),
    };
    if checked.skipped.is_none() {
        let named = request_f.0.into_iter().map(|finding| {
            let place = match finding.line {
                Some(line) => format!("{request_name}:{line}"),
                None => request_name.to_string(),
            };
            finding.within(&place)
        });
        checked.findings.splice(0..0, named);
    }
    checked
}

/// The error text left in place of a response, answering `asked`.
fn error_half(text: &[u8], asked: Option<&Asked>) -> Checked {
    let mut f = Findings::default();
    let mut checked = Checked::default();
    let request = asked.and_then(|a| a.body.as_ref());
    let lines = Lines::new(text);
    // An error half frames to its one exchange, whatever it holds.
    let exchanges = dump::exchanges(asked.map(|a| a.data), Answer::RequestError(text), None);
    for exchange in exchanges.iter().flatten() {
        let claim = Claim::Capture;
        if let Err(why) =
            file::check_exchange(exchange, request, HeadShape::None, claim, &lines, &mut f)
        {
            checked.skipped = Some(why);
        }
    }
    checked.findings = f.0;
    checked
}
