//! Framing: one file's bytes in, the request/response exchanges it holds out.
//!
//! A file is a txtar fixture (one exchange per response section), or a single response:
//! a raw HTTP response, an event stream, or a JSON body. Formats are sniffed from the
//! content, never trusted from the file name. Archives of request/response entries (HAR
//! [`har`], VCR cassettes [`vcr`], claude-trace logs [`claude_trace`]) hold many exchanges,
//! each read into an [`entry::Entry`]; gateway dump pairs ([`dump`]) split one over two
//! files; they build the same [`Exchange`] from their parts. A binary Bedrock event stream
//! ([`eventstream`]) is one more kind of response body.

pub mod bom;
pub mod claude_trace;
pub mod coding;
pub mod credentials;
pub mod dump;
pub mod entry;
pub mod eventstream;
pub mod har;
pub mod http;
pub mod sse;
pub mod surrogates;
pub mod timestamp;
pub mod txtar;
pub mod vcr;
pub mod yaml;

use credentials::Credentials;
use http::{Head, StartLine};
use sse::SseStream;

use crate::number::thousands;
use crate::read::decompress;
use crate::turn::Timing;
use crate::warning::Warning;

/// The section names aibridge's fixtures use; others are kept, with a warning.
pub const KNOWN_SECTIONS: [&str; 5] = [
    "request",
    "streaming",
    "non-streaming",
    "streaming/tool-call",
    "non-streaming/tool-call",
];

/// A request as captured: its body, and the target path when an HTTP request line or an
/// archive's URL said it.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub target: Option<String>,
    /// `None` when the capture kept the request's URL but no body (a HAR entry without
    /// `postData`): the path still tells the API.
    pub body: Option<&'a [u8]>,
    /// What its head or its archive's entry carried.
    pub credentials: Credentials,
}

/// What a response body turned out to be.
#[derive(Debug, Clone)]
pub enum Body<'a> {
    Stream(SseStream<'a>),
    Json(&'a [u8]),
    /// Neither JSON nor a stream: a plain-text error page, say.
    Text(&'a [u8]),
    Empty,
}

#[derive(Debug, Clone)]
pub struct Response<'a> {
    /// The HTTP status, when the capture kept the status line.
    pub status: Option<u16>,
    pub body: Body<'a>,
    /// The `Content-Type` the capture gives the body, lower-cased: what a client replaying
    /// it goes by (see [`mislabelled`]).
    pub content_type: Option<String>,
    /// 1-based line of the body's first line in the file.
    pub first_line: usize,
    /// What its head carried (an archive's entry: both messages').
    pub credentials: Credentials,
}

/// One request/response pair of a file.
#[derive(Debug, Clone)]
pub struct Exchange<'a> {
    /// The txtar section the response came from.
    pub section: Option<&'a str>,
    /// A follow-up answer (`*/tool-call` section): its request is not its own.
    pub follow_up: bool,
    pub request: Option<Request<'a>>,
    pub response: Response<'a>,
    pub warnings: Vec<Warning>,
    /// When it happened, where the capture says (HAR entries, dump file names).
    pub timing: Option<Timing>,
    /// The model the capture's path names (a gateway dump's folder), for when the request
    /// does not say.
    pub model: Option<String>,
    /// The error text a failed upstream call left in place of a response (a dump's
    /// `.req_error.txt`): the turn is that error.
    pub request_error: Option<&'a [u8]>,
    /// Why its txtar section's body could not be decoded (cut short before any byte came
    /// out, corrupt): the exchange is that failure, its response unread.
    pub undecodable: Option<coding::Undecodable>,
}

impl<'a> Exchange<'a> {
    /// An exchange of `response` alone; the other parts are filled in by whoever knows them.
    pub fn of(response: Response<'a>) -> Exchange<'a> {
        Exchange {
            section: None,
            follow_up: false,
            request: None,
            response,
            warnings: Vec::new(),
            timing: None,
            model: None,
            request_error: None,
            undecodable: None,
        }
    }

    /// The credentials both messages' heads carry (an archive's entry: its own).
    pub fn credentials(&self) -> Credentials {
        let mut credentials = self.response.credentials.clone();
        if let Some(request) = &self.request {
            credentials.extend(&request.credentials);
        }
        credentials
    }

    /// The request's body, when the capture kept one.
    pub fn request_body(&self) -> Option<&'a [u8]> {
        self.request.as_ref()?.body
    }
}

/// Why a file yields no exchange at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    Empty,
    /// Not a format this tool reads.
    Unrecognized,
    /// A txtar fixture with no response section (only a request, say): nothing to
    /// rebuild, which is no failure.
    NoResponseSection,
    /// A txtar file of more than [`txtar::MAX_SECTIONS`] sections: no fixture; the line of
    /// the first section past them.
    TooManySections {
        line: usize,
    },
    /// Recognisably an AWS event stream, but its first frame, starting at byte `offset` of
    /// the file, is unreadable for `why`: a failure, not a skip.
    UnreadableEventStream {
        offset: usize,
        why: &'static str,
    },
}

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FrameError::Empty => f.write_str("the file is empty"),
            FrameError::Unrecognized => f.write_str(
                "not a capture this tool reads (expected a txtar fixture, an HTTP response, \
                 an event stream or a JSON body)",
            ),
            FrameError::NoResponseSection => {
                f.write_str("the txtar fixture has no response section")
            }
            FrameError::TooManySections { line } => write!(
                f,
                "a txtar file of more than {max} sections (section {} starts at line {line}); \
                 this tool reads at most {max}, a fixture has a handful",
                thousands(txtar::MAX_SECTIONS as u64 + 1),
                max = thousands(txtar::MAX_SECTIONS as u64)
            ),
            FrameError::UnreadableEventStream { offset, why } => write!(
                f,
                "an AWS event stream whose first frame, at byte {offset}, is unreadable: {why}"
            ),
        }
    }
}

/// The exchanges `data` holds.
pub fn frame(data: &[u8]) -> Result<Vec<Exchange<'_>>, FrameError> {
    let data = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
    if data.trim_ascii().is_empty() {
        return Err(FrameError::Empty);
    }
    if let Some((comment, sections)) = txtar_of(data) {
        return frame_txtar(comment, &sections);
    }
    frame_single(data)
}

/// The exchange of a file that is no txtar: one response, with or without its HTTP head,
/// or a request and then its response ([`request_then_response`]).
pub fn frame_single(data: &[u8]) -> Result<Vec<Exchange<'_>>, FrameError> {
    frame_split(data, request_then_response(data))
}

/// Whether `data` is an HTTP request with no response after it: its body is the request's,
/// not a response's (hostile run 50: a broken one was called a broken response). A status
/// line in its body is a response after a request [`request_then_response`] could not
/// split off (one cut short): read as before, so that it is not lost.
fn is_request_alone(data: &[u8]) -> bool {
    let Some((head, body)) = http::split(data) else {
        return false;
    };
    matches!(head.start, StartLine::Request { .. })
        && !std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', body).map(|end| end + 1))
            .any(|at| http::starts_with_status_line(&body[at..]))
}

/// [`frame_single`] of a file already split into a request and its response, if it holds
/// both (a stored file's bodies are decoded, and split where the file said: see
/// [`crate::capture::Stored::request_then_response`]).
pub fn frame_split<'a>(
    data: &'a [u8],
    split: Option<(&'a [u8], &'a [u8])>,
) -> Result<Vec<Exchange<'a>>, FrameError> {
    if data.trim_ascii().is_empty() {
        return Err(FrameError::Empty);
    }
    let (request, answer) = match split {
        Some((asked, answer)) => (Some(request(line_ends_after(asked).0)), answer),
        None if is_request_alone(data) => {
            let after = 1 + memchr::memchr_iter(b'\n', data).count();
            let none = Response {
                status: None,
                body: Body::Empty,
                content_type: None,
                first_line: after,
                credentials: Credentials::default(),
            };
            return Ok(vec![Exchange {
                request: Some(request(data)),
                ..Exchange::of(none)
            }]);
        }
        None => (None, data),
    };
    let before = data.len() - answer.len();
    if let Some(err) = unreadable_eventstream(answer, before) {
        return Err(err);
    }
    let response = frame_response(answer, 1 + skipped_lines(data, answer));
    if let Body::Text(_) = response.body {
        if response.status.is_none() {
            return Err(FrameError::Unrecognized);
        }
    }
    Ok(vec![Exchange {
        request,
        ..Exchange::of(response)
    }])
}

/// A file holding an HTTP request and then its response, as a proxy or a terminal session
/// saves one exchange: the two messages, split where the response's status line starts.
/// `None` for any other file.
///
/// Where the response starts is where the request's `Content-Length` ends it; without one,
/// the first status line after a whole request: one whose body (its codings undone) is
/// JSON, as every API this tool reads takes, or nothing. A JSON body cannot hide a status
/// line (its strings hold no line break), but a text body can: splitting there would make
/// the real response, its headers and all, the text of a made-up one.
pub fn request_then_response(data: &[u8]) -> Option<(&[u8], &[u8])> {
    let (head, body) = http::split(data)?;
    if !matches!(head.start, StartLine::Request { .. }) {
        return None;
    }
    let start = data.len() - body.len();
    if let Some(length) = head.content_length.filter(|&n| n <= body.len()) {
        let after = &body[length..];
        let gap = after.iter().take_while(|b| b.is_ascii_whitespace()).count();
        if http::starts_with_status_line(&after[gap..]) {
            return Some(data.split_at(start + length + gap));
        }
    }
    // The candidates' bodies are decoded only to be looked at: within a budget of their
    // own, all of them together.
    decompress::apart(data.len(), || {
        std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', body).map(|end| end + 1))
            .filter(|&at| http::starts_with_status_line(&body[at..]))
            .take(MAX_SPLITS)
            .find(|&at| is_whole_request(&data[..start + at]))
    })
    .map(|at| data.split_at(start + at))
}

/// `message` without the line ends after it, and those line ends: what stands between a
/// request and its response is no part of the request's body (a compressed body would not
/// decompress with them).
pub fn line_ends_after(message: &[u8]) -> (&[u8], &[u8]) {
    let ends = message
        .iter()
        .rev()
        .take_while(|b| matches!(b, b'\r' | b'\n'))
        .count();
    message.split_at(message.len() - ends)
}

/// The most status lines tried as the start of a request's response: a text body of
/// millions of them costs no more than this many checks of the request.
const MAX_SPLITS: usize = 16;

/// Whether `request` (a head and a body) is a whole request: a chunked body ends in its
/// last chunk (`0`), and a compressed body decompresses to its end, neither cut short nor
/// followed by other bytes: either says where the body ends whatever it holds (a chunk or
/// compressed data cut short keeps what it holds, which may be JSON with the rest of the
/// request still to come). Any other body is empty or one JSON value.
fn is_whole_request(request: &[u8]) -> bool {
    let (request, _) = line_ends_after(request);
    if let Some((head, body)) = http::split(request) {
        let chunked = head.transfer_encoding.as_deref();
        if chunked.is_some_and(|te| te.contains("chunked")) {
            return coding::ends_in_last_chunk(body);
        }
    }
    let mut warnings = Vec::new();
    let Ok(decoded) = coding::message(request, &mut warnings) else {
        return false;
    };
    // Compressed data cut short, as a request is when a line of its response's is taken
    // for its end, holds only the start of the request.
    if warnings
        .iter()
        .any(|w| matches!(w, Warning::BodyCutShort { .. }))
    {
        return false;
    }
    // A decoded body is a new vector; one left as it was is the request itself.
    let undone = matches!(decoded, std::borrow::Cow::Owned(_));
    let body = http::split(&decoded).map_or(&[][..], |(_, body)| body.trim_ascii());
    undone || body.is_empty() || serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok()
}

/// `data` split as a txtar fixture, when it is one. A body that opens with an SSE field is a
/// stream, whatever markers it holds further down: no need to scan it all for them (a txtar
/// opens with its comment or a marker). One that opens with an HTTP message's head is that
/// message unless a marker names a section aibridge's fixtures use ([`KNOWN_SECTIONS`]): a
/// proxy's page, a log or an SQL text in its body may hold a `-- details --` line, and the
/// body, read as a txtar's comment, could even allow a rule away (hostile run 68).
pub fn txtar_of(data: &[u8]) -> Option<(&[u8], Vec<txtar::Section<'_>>)> {
    if starts_like_sse(data) {
        return None;
    }
    let (comment, sections) = txtar::parse(data)?;
    let fixture = !http::looks_like_http(data.trim_ascii_start())
        || sections.iter().any(|s| KNOWN_SECTIONS.contains(&s.name));
    fixture.then_some((comment, sections))
}

/// The exchanges of a txtar fixture already split into its comment and sections.
pub fn frame_txtar<'a>(
    comment: &'a [u8],
    sections: &[txtar::Section<'a>],
) -> Result<Vec<Exchange<'a>>, FrameError> {
    if let Some(past) = sections.get(txtar::MAX_SECTIONS) {
        let line = past.first_line.saturating_sub(1);
        return Err(FrameError::TooManySections { line });
    }
    let mut shared_warnings = Vec::new();
    let request = match sections.iter().find(|s| s.name == "request") {
        Some(section) => Some(request(section.body)),
        // Fixtures edited by hand sometimes lose the `-- request --` line, which leaves the
        // request body in the comment: take it, and say so.
        None if comment.trim_ascii_start().starts_with(b"{") => {
            shared_warnings.push(Warning::RequestInComment);
            Some(Request {
                target: None,
                body: Some(comment),
                credentials: Credentials::default(),
            })
        }
        None => None,
    };
    let exchanges: Vec<Exchange> = sections
        .iter()
        .filter(|s| s.name != "request")
        .map(|s| {
            let mut warnings = shared_warnings.clone();
            if !KNOWN_SECTIONS.contains(&s.name) {
                warnings.push(Warning::UnknownSection {
                    name: s.name.to_string(),
                });
            }
            // A section may hold its own request and then the response, as a file may.
            let split = match s.answer_at {
                Some(at) => Some(s.body.split_at(at)),
                None => request_then_response(s.body),
            };
            let (request, answer) = match split {
                Some((asked, answer)) => (Some(self::request(line_ends_after(asked).0)), answer),
                None => (request.clone(), s.body),
            };
            let first_line = s.first_line + skipped_lines(s.body, answer);
            Exchange {
                section: Some(s.name),
                follow_up: s.name.ends_with("/tool-call"),
                request,
                warnings,
                ..Exchange::of(frame_response(answer, first_line))
            }
        })
        .collect();
    if exchanges.is_empty() {
        return Err(FrameError::NoResponseSection);
    }
    Ok(every_heads_credentials(
        exchanges,
        request.as_ref(),
        comment,
    ))
}

/// The most heads read in a txtar's comment for their credentials.
const COMMENT_HEADS: usize = 16;

/// Gives every exchange of a txtar the credentials of every head in it: an error in one
/// section may echo the `request` section's key though the section brings a request of its
/// own, or a sibling section's (hostile run 67), or those of a head in the comment (a
/// request whose marker was lost; hostile run 68). One set, shared, not one copy a section.
fn every_heads_credentials<'a>(
    mut exchanges: Vec<Exchange<'a>>,
    request: Option<&Request>,
    comment: &[u8],
) -> Vec<Exchange<'a>> {
    let mut all = request.map(|r| r.credentials.clone()).unwrap_or_default();
    let lines = std::iter::once(0).chain(memchr::memchr_iter(b'\n', comment).map(|end| end + 1));
    let heads = lines.filter(|&at| {
        let line = comment[at..]
            .split(|&b| b == b'\n')
            .next()
            .unwrap_or_default();
        memchr::memmem::find(line, b"HTTP/").is_some()
    });
    for at in heads.take(COMMENT_HEADS) {
        all.extend(&http::loose_credentials(&comment[at..]));
    }
    for exchange in &exchanges {
        all.extend(&exchange.credentials());
    }
    for exchange in &mut exchanges {
        exchange.response.credentials = all.clone();
        if let Some(request) = &mut exchange.request {
            request.credentials = all.clone();
        }
    }
    exchanges
}

/// A request: a JSON body, or a raw HTTP request whose line names the path.
pub fn request(data: &[u8]) -> Request<'_> {
    let data = bom::strip(data);
    match http::split(data) {
        Some((
            Head {
                start: StartLine::Request { target, .. },
                credentials,
                ..
            },
            body,
        )) => Request {
            target: Some(target),
            body: Some(body),
            credentials,
        },
        _ => Request {
            target: None,
            body: Some(data),
            credentials: http::loose_credentials(data),
        },
    }
}

/// Why `data` (a response, its HTTP head and all, `before` bytes into its file),
/// recognisably a binary event stream, is unreadable from its first frame, naming the byte
/// of the file where that frame starts.
fn unreadable_eventstream(data: &[u8], before: usize) -> Option<FrameError> {
    let (content_type, body) = match http::split(data) {
        Some((head, body)) => (head.content_type, body),
        None => (None, data),
    };
    let broken = eventstream::first_frame_unreadable(body, content_type.as_deref())?;
    Some(FrameError::UnreadableEventStream {
        offset: before + data.len() - body.len() + broken.offset,
        why: broken.why,
    })
}

/// A response: an optional HTTP head, then a body sniffed from its content.
fn frame_response(data: &[u8], first_line: usize) -> Response<'_> {
    let (status, content_type, body, first_line, credentials) = match http::split(data) {
        Some((head, body)) => {
            let status = match head.start {
                StartLine::Response { status } => Some(status),
                StartLine::Request { .. } => None,
            };
            let line = first_line + head.lines;
            (status, head.content_type, body, line, head.credentials)
        }
        None => (None, None, data, first_line, http::loose_credentials(data)),
    };
    Response {
        status,
        body: classify(body, content_type.as_deref(), status, first_line),
        content_type,
        first_line,
        credentials,
    }
}

/// A response whose status and content type the capture gives apart from its body (a HAR
/// entry): the body is sniffed as [`frame`] sniffs one.
pub fn response<'a>(
    status: Option<u16>,
    content_type: Option<&str>,
    body: &'a [u8],
) -> Response<'a> {
    Response {
        status,
        body: classify(body, content_type, status, 1),
        content_type: content_type.map(str::to_ascii_lowercase),
        first_line: 1,
        credentials: Credentials::default(),
    }
}

/// Whether a body's first non-blank line is an SSE field or comment.
fn starts_like_sse(body: &[u8]) -> bool {
    let first = body
        .split(|&b| b == b'\n' || b == b'\r')
        .find(|line| !line.trim_ascii().is_empty())
        .unwrap_or_default();
    is_sse_line(first)
}

/// Whether any line of a body is an SSE field or comment: one its type calls a stream that
/// holds none (an image, a proxy's page) is no stream (hostile run 66: it was passed over as
/// a stream of no API). A stream's first line nearly always is one.
fn holds_sse_line(body: &[u8]) -> bool {
    body.split(|&b| b == b'\n' || b == b'\r').any(is_sse_line)
}

fn is_sse_line(line: &[u8]) -> bool {
    line.starts_with(b":")
        || [&b"data:"[..], b"event:", b"id:", b"retry:"]
            .iter()
            .any(|field| line.starts_with(field))
}

/// Lines `body` has before `rest`, a slice of its end.
fn skipped_lines(body: &[u8], rest: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', &body[..body.len() - rest.len()]).count()
}

/// One JSON object per line, more than one line: an event log, not one body. (A
/// pretty-printed body's first line is a lone `{`, which is no whole object.) The line
/// after the first opens an object too: a whole body followed by a line of something else
/// (a chunked body's last-chunk `0` a recorder kept, a line a proxy added) is that body,
/// with text after it (hostile run 68: its answer was lost to a stream of one event).
fn is_json_lines(body: &[u8]) -> bool {
    let Some(end) = memchr::memchr(b'\n', body) else {
        return false;
    };
    let first = body[..end].trim_ascii();
    first.starts_with(b"{")
        && body[end..].trim_ascii_start().starts_with(b"{")
        && serde_json::from_slice::<serde::de::IgnoredAny>(first).is_ok()
}

fn classify<'a>(
    body: &'a [u8],
    content_type: Option<&str>,
    status: Option<u16>,
    first_line: usize,
) -> Body<'a> {
    // A file's BOMs are dropped before it is framed, but a body cut out of one (a txtar
    // section, say) can start with them too, which would hide its first line from sniffing.
    let body = bom::strip(body);
    // A binary event stream (Bedrock) is told by its first frame's CRC, whatever the
    // content type says; one of another AWS API is a body of no API this tool reads.
    if eventstream::looks_like_eventstream(body) {
        return match eventstream::to_sse(body, first_line) {
            Some(stream) => Body::Stream(stream),
            None => Body::Text(body),
        };
    }
    let trimmed = body.trim_ascii_start();
    if trimmed.is_empty() {
        return Body::Empty;
    }
    // The content decides; the content type only claims a body that looks like neither. A
    // capture's headers can be wrong (a proxy relabels, a converter re-serializes a stream
    // into one JSON body), and no event stream opens with `{`.
    if is_json_lines(trimmed) {
        return Body::Stream(sse::from_json_lines(
            trimmed,
            first_line + skipped_lines(body, trimmed),
        ));
    }
    // White space after a JSON body is no part of it: a line end a txtar gives a section
    // (or a decoded one gets back) would be read into a string cut short, and named as a
    // control character on a line the body does not have (hostile run 61).
    if matches!(trimmed[0], b'{' | b'[') {
        return Body::Json(trimmed.trim_ascii_end());
    }
    let is_stream =
        content_type.is_some_and(|t| t.contains("text/event-stream")) && holds_sse_line(trimmed);
    // An error's page labelled as no stream may open with a colon (`: upstream failed`),
    // which is all an SSE comment is: a stream opens so only when its type says it is one
    // (hostile run 50: a 500 read as a stream of no event lost its status).
    let error_page =
        status.is_some_and(|s| s >= 400) && content_type.is_some() && trimmed.starts_with(b":");
    if is_stream || starts_like_sse(trimmed) && !error_page {
        return Body::Stream(sse::parse(body, first_line));
    }
    Body::Text(body)
}

/// What `body` is, in words, when `content_type` (lower-cased, as [`http::Head`] keeps it)
/// says it is something else. [`classify`] goes by what a body holds, but a client
/// replaying the capture goes by its type and fails on it (hostile run 58: an event stream
/// labelled `application/json`, or `image/png`, passed `validate`). A type that claims
/// nothing in particular (`text/plain`, `application/octet-stream`) is no mismatch, nor is
/// a text body or an empty one: an error page may come under any type.
pub fn mislabelled(content_type: &str, body: &Body) -> Option<&'static str> {
    let kind = MediaKind::of(content_type);
    if kind == MediaKind::Open {
        return None;
    }
    let (what, fits) = match body {
        Body::Json(_) => ("a JSON document", kind == MediaKind::Json),
        Body::Stream(stream) if stream.json_lines() => (
            "JSON lines",
            matches!(kind, MediaKind::Json | MediaKind::JsonLines),
        ),
        Body::Stream(stream) if stream.aws() => {
            ("an AWS event stream", kind == MediaKind::AwsEventStream)
        }
        Body::Stream(_) => ("an event stream", kind == MediaKind::EventStream),
        Body::Text(_) | Body::Empty => return None,
    };
    (!fits).then_some(what)
}

/// The kind of body a `Content-Type` names: all that is ever said of the header, whose
/// value never reaches output (hostile run 60).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    /// A type that claims nothing in particular ([`OPEN_TYPES`]).
    Open,
    Json,
    JsonLines,
    EventStream,
    AwsEventStream,
    Html,
    Xml,
    Text,
    Image,
    Audio,
    Video,
    Font,
    Multipart,
    Form,
    Other,
}

impl MediaKind {
    /// The kind `content_type` (lower-cased, as [`http::Head`] keeps it) names.
    pub fn of(content_type: &str) -> MediaKind {
        let essence = content_type.split(';').next().unwrap_or_default().trim();
        let (top, sub) = essence.split_once('/').unwrap_or((essence, ""));
        match (top, sub) {
            _ if OPEN_TYPES.contains(&essence) => MediaKind::Open,
            _ if essence == "application/json" || sub.ends_with("+json") => MediaKind::Json,
            _ if JSON_LINES_TYPES.contains(&essence) => MediaKind::JsonLines,
            ("text", "event-stream") => MediaKind::EventStream,
            ("application", "vnd.amazon.eventstream") => MediaKind::AwsEventStream,
            ("text", "html") => MediaKind::Html,
            ("text", "xml") | ("application", "xml") => MediaKind::Xml,
            ("text", _) => MediaKind::Text,
            ("image", _) => MediaKind::Image,
            ("audio", _) => MediaKind::Audio,
            ("video", _) => MediaKind::Video,
            ("font", _) => MediaKind::Font,
            ("multipart", _) => MediaKind::Multipart,
            ("application", "x-www-form-urlencoded") => MediaKind::Form,
            _ => MediaKind::Other,
        }
    }

    /// The kind in words, for a message.
    pub fn words(self) -> &'static str {
        match self {
            MediaKind::Open => "any type",
            MediaKind::Json => "JSON",
            MediaKind::JsonLines => "JSON lines",
            MediaKind::EventStream => "an event stream",
            MediaKind::AwsEventStream => "an AWS event stream",
            MediaKind::Html => "HTML",
            MediaKind::Xml => "XML",
            MediaKind::Text => "text",
            MediaKind::Image => "an image",
            MediaKind::Audio => "audio",
            MediaKind::Video => "video",
            MediaKind::Font => "a font",
            MediaKind::Multipart => "a multipart body",
            MediaKind::Form => "a form",
            MediaKind::Other => "another type",
        }
    }
}

/// Media types that say nothing of what a body holds.
const OPEN_TYPES: [&str; 5] = [
    "",
    "*/*",
    "text/plain",
    "application/octet-stream",
    "binary/octet-stream",
];

/// Media types of a body of one JSON value per line (Ollama's streams, say).
const JSON_LINES_TYPES: [&str; 4] = [
    "application/x-ndjson",
    "application/jsonl",
    "application/jsonlines",
    "application/x-jsonlines",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn txtar_exchanges_share_the_request() {
        let data = b"c\n-- request --\n{\"model\":\"m\"}\n-- streaming --\ndata: {}\n\n-- non-streaming --\n{}\n-- streaming/tool-call --\ndata: {}\n\n-- extra --\n{}\n";
        let ex = frame(data).unwrap();
        assert_eq!(ex.len(), 4);
        assert!(
            ex.iter()
                .all(|e| e.request.as_ref().unwrap().body == Some(b"{\"model\":\"m\"}\n"))
        );
        assert!(matches!(ex[0].response.body, Body::Stream(_)));
        assert!(matches!(ex[1].response.body, Body::Json(_)));
        assert!(ex[2].follow_up && !ex[1].follow_up);
        assert_eq!(
            ex[3].warnings,
            [Warning::UnknownSection {
                name: "extra".into()
            }]
        );
    }

    #[test]
    fn a_body_is_mislabelled_when_its_type_names_another_kind() {
        let sse = "data: {}\n\n";
        let body = |text: &'static str| classify(text.as_bytes(), None, Some(200), 1);
        let cases = [
            (
                "application/json; charset=utf-8",
                sse,
                Some("an event stream"),
            ),
            ("image/png", sse, Some("an event stream")),
            ("text/event-stream", "{}", Some("a JSON document")),
            ("text/html", "{}", Some("a JSON document")),
            ("text/event-stream; charset=utf-8", sse, None),
            ("application/problem+json", "{}", None),
            ("application/x-ndjson", "{\"a\":1}\n{\"b\":2}\n", None),
            ("text/plain", sse, None),
            ("application/octet-stream", "{}", None),
            // An error page may come under any type.
            ("application/json", "<html>502</html>", None),
        ];
        for (label, text, said) in cases {
            assert_eq!(mislabelled(label, &body(text)), said, "{label} {text:?}");
        }
        // A type is said by its kind, never quoted (hostile run 60).
        let words = |label| MediaKind::of(label).words();
        assert_eq!(words("image/q7w3e9r2t5y8u1i4"), "an image");
        assert_eq!(words("application/q7w3e9r2t5y8u1i4"), "another type");
        assert_eq!(words("application/problem+json; charset=x"), "JSON");
    }

    /// Hostile run 55: each section held its own copy of the request's credentials, all at
    /// once: 128 keys of 16 KB and 300 sections took 614 MB.
    #[test]
    fn txtar_exchanges_share_the_requests_credentials_not_copies() {
        let key = "k".repeat(16 * 1024);
        let sections = "-- non-streaming --\n{}\n".repeat(3);
        let data = format!(
            "-- request --\nPOST /v1/x HTTP/1.1\r\nX-Api-Key: {key}\r\n\r\n{{}}\n{sections}"
        );
        let ex = frame(data.as_bytes()).unwrap();
        assert_eq!(ex.len(), 3);
        let first = &ex[0].request.as_ref().unwrap().credentials;
        assert!(!first.is_empty());
        for e in &ex {
            assert!(e.request.as_ref().unwrap().credentials.shares(first));
            assert!(e.credentials().shares(first));
        }
    }

    /// A request body that holds a status line of its own is not cut there when its coding
    /// says it goes on: a chunked body ends at its last chunk, compressed data at its end.
    #[test]
    fn a_coded_request_ends_where_its_coding_says() {
        let response = b"HTTP/1.1 200 OK\r\nX-Request-Id: r\r\n\r\n{}";
        let head = b"POST /v1/messages HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
        let inner = b"{\"model\":\"m\"}\nHTTP/1.1 500 Oops\n\nupstream died\n";
        let chunked = [
            &head[..],
            format!("{:x}\r\n", inner.len()).as_bytes(),
            inner,
            b"\r\n0\r\n\r\n",
            response,
        ]
        .concat();
        let (_, answer) = request_then_response(&chunked).unwrap();
        assert_eq!(answer, response);
        let head = b"POST /v1/messages HTTP/1.1\r\nContent-Encoding: gzip\r\n\r\n";
        // Two gzip members, the second stored, so the status line stands in its bytes.
        let stored = |data: &[u8]| {
            let mut out = Vec::new();
            let mut encoder = flate2::write::GzEncoder::new(&mut out, flate2::Compression::none());
            std::io::Write::write_all(&mut encoder, data).unwrap();
            encoder.finish().unwrap();
            out
        };
        let body = [
            stored(b"{\"model\":\"m\"}\n"),
            stored(b"HTTP/1.1 500 Oops\n\nno\n"),
        ]
        .concat();
        let gzipped = [&head[..], &body, b"\r\n", response].concat();
        let (_, answer) = request_then_response(&gzipped).unwrap();
        assert_eq!(answer, response);
    }

    #[test]
    fn a_txtar_section_may_hold_a_request_and_then_its_response() {
        let data = b"c\n-- request --\n{\"model\":\"shared\"}\n-- streaming --\nPOST /v1/messages HTTP/1.1\r\nContent-Type: application/json\r\n\r\n{\"model\":\"own\"}\r\nHTTP/1.1 401 Unauthorized\r\n\r\nno\n";
        let ex = frame(data).unwrap();
        assert_eq!(ex.len(), 1);
        let request = ex[0].request.as_ref().unwrap();
        assert_eq!(request.target.as_deref(), Some("/v1/messages"));
        assert_eq!(request.body, Some(&b"{\"model\":\"own\"}"[..]));
        assert_eq!(ex[0].response.status, Some(401));
        // The response body's line in the file.
        assert_eq!(ex[0].response.first_line, 11);
    }

    #[test]
    fn http_error_response() {
        let ex = frame(b"HTTP/1.1 529 Overloaded\r\ncontent-type: application/json\r\n\r\n{\"type\":\"error\"}").unwrap();
        assert_eq!(ex[0].response.status, Some(529));
        assert_eq!(ex[0].response.first_line, 4);
        assert!(matches!(
            ex[0].response.body,
            Body::Json(b"{\"type\":\"error\"}")
        ));
    }

    #[test]
    fn an_error_page_opening_with_a_colon_is_text_unless_labelled_a_stream() {
        let body = |head: &str| {
            let data = format!("HTTP/1.1 {head}\r\n\r\n: upstream failed\n");
            let ex = frame(data.as_bytes()).unwrap();
            matches!(ex[0].response.body, Body::Text(_))
        };
        assert!(body(
            "500 Internal Server Error\r\nContent-Type: text/plain"
        ));
        assert!(!body(
            "500 Internal Server Error\r\nContent-Type: text/event-stream"
        ));
        // A stream with no error status, or no type to say what it is, is sniffed as before.
        assert!(!body("200 OK\r\nContent-Type: text/plain"));
        assert!(!body("500 Internal Server Error"));
    }

    #[test]
    fn content_wins_over_a_wrong_content_type() {
        let ex = frame(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n{\"type\":\"message\"}",
        )
        .unwrap();
        assert!(matches!(ex[0].response.body, Body::Json(_)));
    }

    #[test]
    fn an_event_stream_with_a_corrupt_first_frame_is_unreadable_at_its_byte() {
        let mut bytes = eventstream::build::chunk("{\"type\":\"ping\"}");
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        assert_eq!(
            frame(&bytes).unwrap_err(),
            FrameError::UnreadableEventStream {
                offset: 0,
                why: "its message CRC does not match"
            }
        );
        assert_eq!(
            frame(&bytes).unwrap_err().to_string(),
            "an AWS event stream whose first frame, at byte 0, is unreadable: its message CRC \
             does not match"
        );
        let head = b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.amazon.eventstream\r\n\r\n";
        let mut wrapped = head.to_vec();
        bytes[0] ^= 0x40;
        wrapped.extend(&bytes);
        let err = frame_single(&wrapped).unwrap_err().to_string();
        assert!(
            err.contains(&format!(
                "at byte {}, is unreadable: its prelude",
                head.len()
            )),
            "{err}"
        );
    }

    #[test]
    fn a_section_body_opening_with_boms_is_sniffed_as_without_them() {
        let data = b"x\n-- request --\n\xef\xbb\xbf{\"model\":\"m\"}\n-- streaming --\n\xef\xbb\xbf\xef\xbb\xbfdata: {}\n\n-- non-streaming --\n\xef\xbb\xbf{}\n";
        let ex = frame(data).unwrap();
        assert_eq!(
            ex[0].request.as_ref().unwrap().body,
            Some(&b"{\"model\":\"m\"}\n"[..])
        );
        let Body::Stream(stream) = &ex[0].response.body else {
            panic!("{:?}", ex[0].response.body);
        };
        let (events, _) = stream.collect();
        assert_eq!(events[0].data, "{}");
        assert_eq!(events[0].line, 5);
        assert!(matches!(ex[1].response.body, Body::Json(b"{}")));
    }

    #[test]
    fn garbage_and_empty() {
        assert_eq!(
            frame(b"\x00\x01binary").unwrap_err(),
            FrameError::Unrecognized
        );
        assert_eq!(frame(b"  \n").unwrap_err(), FrameError::Empty);
        assert_eq!(
            frame(b"-- request --\n{}\n").unwrap_err(),
            FrameError::NoResponseSection
        );
    }
}
