//! Framing rules: the request and response bodies parse, raw HTTP heads are well-formed.
//! (SSE framing defects are found by [`crate::frame::sse`] and reported by [`super::stream`].)

use super::locate::{json_error_line, unreadable_json};
use crate::capture::Lines;
use crate::diagnostic::Findings;
use crate::diagnostic::rules::{HTTP_CONTENT_TYPE, HTTP_HEAD, PARSE_REQUEST_JSON};
use crate::frame::http::{self, StartLine};
use crate::frame::{self, Body};
use crate::reconstruct::ParsedRequest;

/// Lines of `data`, each without its line end (`\n` or `\r\n`).
fn text_lines(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    let data = data.strip_suffix(b"\n").unwrap_or(data);
    data.split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
}

/// Whether a line starts an HTTP message as a capture would: a status line, or a request
/// line (`METHOD target HTTP/x`). Used to tell a malformed head from no head at all.
fn starts_like_http(line: &[u8]) -> bool {
    let mut words = line.split(|&b| b == b' ');
    let first = words.next().unwrap_or_default();
    first.starts_with(b"HTTP/")
        || (!first.is_empty()
            && first.iter().all(u8::is_ascii_uppercase)
            && line.windows(6).any(|w| w == b" HTTP/"))
}

/// A header name: one token, no spaces or separators.
fn is_header_name(name: &[u8]) -> bool {
    !name.is_empty()
        && name
            .iter()
            .all(|&b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b))
}

/// What a response or request starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadShape {
    /// No HTTP head.
    None,
    /// A head, with a blank line after it.
    Whole,
    /// A head that is malformed or cut short: its findings are made, and an empty body
    /// after it is no finding of its own.
    Broken,
}

/// Checks the HTTP head `raw` starts with, if it starts like one (`raw` is a slice of the
/// file), and that its body is what its `Content-Type` says ([`content_type`]; `response`
/// is the body framing made of a response's).
pub fn http_head(
    raw: &[u8],
    response: Option<&Body>,
    lines: &Lines,
    f: &mut Findings,
) -> HeadShape {
    let shape = head_shape(raw, lines, f);
    content_type(raw, response, lines, f);
    shape
}

/// The shape of the head `raw` starts with, its faults found.
fn head_shape(raw: &[u8], lines: &Lines, f: &mut Findings) -> HeadShape {
    let Some(first_line) = lines.of_slice(raw) else {
        return HeadShape::None;
    };
    let mut all = text_lines(raw).enumerate();
    let Some((_, start)) = all.next() else {
        return HeadShape::None;
    };
    if !starts_like_http(start) {
        return HeadShape::None;
    }
    if !http::looks_like_http(raw) {
        // Never quote the line: a request target carries query strings (`?key=…`), and a
        // broken status line can hold anything. Say what is wrong instead.
        let what = match start.starts_with(b"HTTP/") {
            true => "a malformed status line: its status is not a number from 100 to 599",
            false => {
                "a malformed request line: not `METHOD target HTTP/version` with one space between each"
            }
        };
        f.add(&HTTP_HEAD, Some(first_line), what);
        return HeadShape::Broken;
    }
    let mut last = first_line;
    let mut head = HeadShape::Whole;
    for (i, line) in all {
        last = first_line + i;
        if line.is_empty() {
            return head;
        }
        let name = line.split(|&b| b == b':').next().unwrap_or_default();
        if name.len() == line.len() || !is_header_name(name) {
            // Never quote the line: a header value may be a secret.
            f.add(
                &HTTP_HEAD,
                Some(last),
                "a header line that is not `Name: value`",
            );
            head = HeadShape::Broken;
        }
    }
    f.add(
        &HTTP_HEAD,
        Some(last),
        "the head has no blank line after it: the body is missing (the capture was cut inside the head)",
    );
    HeadShape::Broken
}

/// Checks that the body of the raw HTTP message `raw` (a slice of the file) is what its
/// `Content-Type` says ([`frame::mislabelled`]): a response's as framing made it
/// (`response`), a request's when it is JSON, as every API's request is. The finding
/// stands on the `Content-Type` line.
fn content_type(raw: &[u8], response: Option<&Body>, lines: &Lines, f: &mut Findings) {
    let Some((head, rest)) = http::split(raw) else {
        return;
    };
    let Some(label) = head.content_type.as_deref() else {
        return;
    };
    let asked;
    let (whose, body) = match (&head.start, response) {
        (StartLine::Response { .. }, Some(body)) => ("response", body),
        (StartLine::Request { .. }, _) => {
            let rest = rest.trim_ascii();
            if !matches!(rest.first(), Some(b'{' | b'[')) {
                return;
            }
            asked = Body::Json(rest);
            ("request", &asked)
        }
        (StartLine::Response { .. }, None) => return,
    };
    // The last field says the type, as framing reads it.
    let named = |line: &[u8]| {
        let name = line.split(|&b| b == b':').next().unwrap_or_default();
        name.len() < line.len() && name.trim_ascii().eq_ignore_ascii_case(b"content-type")
    };
    let line = text_lines(raw)
        .take(head.lines)
        .enumerate()
        .filter(|(_, line)| named(line))
        .last()
        .and_then(|(i, _)| Some(lines.of_slice(raw)? + i));
    mislabelled(whose, body, label, line, f);
}

/// The `http-content-type` finding, at `line`, of a `whose` (request or response) body that
/// is not what its `Content-Type` `label` says, if it is not.
pub fn mislabelled(whose: &str, body: &Body, label: &str, line: Option<usize>, f: &mut Findings) {
    let Some(what) = frame::mislabelled(label, body) else {
        return;
    };
    let said = frame::MediaKind::of(label).words();
    f.add(&HTTP_CONTENT_TYPE, line, || {
        format!(
            "the {whose} body is {what}, but its `Content-Type` says {said} (read as what it \
             holds; a client replaying the capture goes by the type)"
        )
    });
}

/// Parses a request body (a slice of the file), once for every exchange that answers it,
/// reporting where it is not JSON.
pub fn request(body: &[u8], lines: &Lines, f: &mut Findings) -> ParsedRequest {
    let parsed = ParsedRequest::of(body);
    if body.trim_ascii().is_empty() {
        f.add(
            &PARSE_REQUEST_JSON,
            lines.of_slice(body),
            "the request body is empty",
        );
    } else if let Some(err) = &parsed.error {
        f.add(
            &PARSE_REQUEST_JSON,
            json_error_line(lines, body, err),
            unreadable_json("the request body", err),
        );
    }
    parsed
}
