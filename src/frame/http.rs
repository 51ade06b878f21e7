//! Raw HTTP message heads: a request or status line, header lines, a blank line.
//!
//! Header values are read only for the few headers framing needs (content type, transfer
//! and content codings), and the credentials among them, kept apart to be cut from what
//! repeats them ([`Credentials`]): captures hold credentials, and nothing here may carry
//! them into output.

use super::credentials::Credentials;

/// The start line of an HTTP message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartLine {
    Request { target: String },
    Response { status: u16 },
}

/// A parsed head; the body is what follows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub start: StartLine,
    /// The `Content-Type` value, lower-cased: read for the kind of body it names, never
    /// shown (see [`super::MediaKind`]).
    pub content_type: Option<String>,
    /// The `Transfer-Encoding` value, lower-cased: `chunked` bodies are de-chunked.
    pub transfer_encoding: Option<String>,
    /// The `Content-Encoding` value, lower-cased: compressed bodies are decompressed.
    pub content_encoding: Option<String>,
    /// The `Content-Length` value, when it is a number: where a request's body ends in a
    /// file that holds its response after it.
    pub content_length: Option<usize>,
    /// Lines the head took, blank line included, so body lines can be numbered in the file.
    pub lines: usize,
    /// The credentials its header fields and request target carry.
    pub credentials: Credentials,
}

/// Whether `data` starts like an HTTP message (status line or request line).
pub fn looks_like_http(data: &[u8]) -> bool {
    let first = first_line(data);
    parse_start_line(first).is_some()
}

/// Whether `data` starts with a response's status line (`HTTP/1.1 200 OK`).
pub fn starts_with_status_line(data: &[u8]) -> bool {
    data.starts_with(b"HTTP/")
        && matches!(
            parse_start_line(first_line(data)),
            Some(StartLine::Response { .. })
        )
}

fn first_line(data: &[u8]) -> &[u8] {
    let end = memchr::memchr(b'\n', data).unwrap_or(data.len());
    let line = &data[..end];
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn parse_start_line(line: &[u8]) -> Option<StartLine> {
    let line = std::str::from_utf8(line).ok()?;
    let mut parts = line.splitn(3, ' ');
    let first = parts.next()?;
    let second = parts.next()?;
    if first.starts_with("HTTP/") {
        let status = second.parse().ok().filter(|s| (100..600).contains(s))?;
        return Some(StartLine::Response { status });
    }
    let version = parts.next()?;
    let is_method = !first.is_empty() && first.bytes().all(|b| b.is_ascii_uppercase());
    (is_method && version.starts_with("HTTP/")).then(|| StartLine::Request {
        target: second.to_string(),
    })
}

/// Splits an HTTP message into its head and body. `None` when it has no start line.
/// A head with no blank line after it (a capture cut inside the headers) has an empty body.
///
/// Blank lines before the head (a txtar section that starts with one) and interim responses
/// before the final one (`100 Continue`, a proxy's `200 Connection established`, as
/// `curl -i` writes them) are passed over; `Head::lines` counts them, so body lines keep
/// their numbers in the file, and `Head::credentials` holds theirs (a proxy's
/// `Proxy-Authorization` echoed: hostile run 55), within one message's bounds.
pub fn split(data: &[u8]) -> Option<(Head, &[u8])> {
    let text = data.trim_ascii_start();
    let blank = memchr::memchr_iter(b'\n', &data[..data.len() - text.len()]).count();
    let (mut head, mut body) = split_one(text, Credentials::default())?;
    head.lines += blank;
    loop {
        let interim = match head.start {
            StartLine::Response { status } => (100..200).contains(&status) || status == 200,
            StartLine::Request { .. } => false,
        };
        // A 200 is interim only when another status line follows it (CONNECT).
        if !interim || !starts_with_status_line(body) {
            return Some((head, body));
        }
        let credentials = std::mem::take(&mut head.credentials);
        let Some((next, rest)) = split_one(body, credentials) else {
            return Some((head, body));
        };
        let lines = head.lines + next.lines;
        (head, body) = (next, rest);
        head.lines = lines;
    }
}

/// One head, its credentials added to `credentials` (an interim head's before it).
fn split_one(data: &[u8], mut credentials: Credentials) -> Option<(Head, &[u8])> {
    let start = parse_start_line(first_line(data))?;
    if let StartLine::Request { target } = &start {
        credentials.url(target);
    }
    let mut head = Head {
        start,
        content_type: None,
        transfer_encoding: None,
        content_encoding: None,
        content_length: None,
        lines: 1,
        credentials,
    };
    let mut fields = Fields::after_start(data);
    while let Some(field) = fields.next() {
        let text = match field {
            Some(text) => text,
            None => {
                head.lines += fields.lines;
                return Some((head, &data[fields.pos..]));
            }
        };
        let (name, value) = text.split_once(':').unwrap_or((&text, ""));
        let name = name.trim();
        head.credentials.header(name, value);
        let slot = if name.eq_ignore_ascii_case("content-type") {
            Some(&mut head.content_type)
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            Some(&mut head.transfer_encoding)
        } else if name.eq_ignore_ascii_case("content-encoding") {
            Some(&mut head.content_encoding)
        } else {
            None
        };
        let value = value.trim().to_ascii_lowercase();
        match slot {
            // A content type is one value: the last field says it. Codings given in several
            // fields are one list, in order (`gzip`, then `br`).
            Some(slot) if name.eq_ignore_ascii_case("content-type") => *slot = Some(value),
            // Appended in place: a head of 200,000 such fields copied the whole list for each
            // (42 s; hostile run 36).
            Some(Some(list)) => {
                list.push_str(", ");
                list.push_str(&value);
            }
            Some(slot) => *slot = Some(value),
            None if name.eq_ignore_ascii_case("content-length") => {
                head.content_length = content_length(&value);
            }
            None => {}
        }
    }
    head.lines += fields.lines;
    Some((head, &data[data.len()..]))
}

/// The header fields after a start line, each unfolded: a line that starts with a space or
/// a tab goes on the field before it (obsolete line folding, which recipients must still
/// read: a credential's value on its own line went unkept; hostile run 55), unless it reads
/// as a field of its own (a head indented whole, as a log quotes it). `Some(None)` for the
/// blank line that ends the head.
struct Fields<'a> {
    data: &'a [u8],
    /// Where the next line starts.
    pos: usize,
    /// Lines read after the start line.
    lines: usize,
}

impl<'a> Fields<'a> {
    fn after_start(data: &'a [u8]) -> Self {
        let pos = memchr::memchr(b'\n', data).map_or(data.len(), |i| i + 1);
        Fields {
            data,
            pos,
            lines: 0,
        }
    }

    /// The line from `pos`, its line end off, and where the next starts.
    fn line(&self) -> (&'a [u8], usize) {
        let data = self.data;
        let end = memchr::memchr(b'\n', &data[self.pos..]).map_or(data.len(), |i| self.pos + i + 1);
        let line = data[self.pos..end]
            .strip_suffix(b"\n")
            .unwrap_or(&data[self.pos..end]);
        (line.strip_suffix(b"\r").unwrap_or(line), end)
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = Option<std::borrow::Cow<'a, str>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.data.len() {
            return None;
        }
        let (line, end) = self.line();
        self.pos = end;
        self.lines += 1;
        if line.is_empty() {
            return Some(None);
        }
        let mut field = String::from_utf8_lossy(line);
        while self.pos < self.data.len() && matches!(self.data[self.pos], b' ' | b'\t') {
            let (more, end) = self.line();
            let more = more.trim_ascii();
            if more.is_empty() || is_field(more) {
                break;
            }
            let field = field.to_mut();
            field.push(' ');
            field.push_str(&String::from_utf8_lossy(more));
            self.pos = end;
            self.lines += 1;
        }
        Some(Some(field))
    }
}

/// Whether `line` is a header field: a name (no space in it), then a colon.
pub(super) fn is_field(line: &[u8]) -> bool {
    let name = (line.iter()).take_while(|&&b| b.is_ascii_graphic() && b != b':');
    let name = name.count();
    name > 0 && line.get(name) == Some(&b':')
}

/// The credentials of a message whose start line is malformed (two spaces, a space in its
/// target), so that no head is split off it: its header lines are read all the same, up to
/// the first blank line, since what follows may still be read, and echo them (hostile run
/// 52). Empty for a text that does not open like an HTTP message.
pub fn loose_credentials(data: &[u8]) -> Credentials {
    let mut credentials = Credentials::default();
    let start = first_line(data);
    let method = start.iter().take_while(|b| b.is_ascii_uppercase()).count();
    let opens = start.starts_with(b"HTTP/") || (method > 0 && start.get(method) == Some(&b' '));
    if !opens {
        return credentials;
    }
    let start = String::from_utf8_lossy(start);
    for word in start
        .split_ascii_whitespace()
        .filter(|w| w.contains(['?', '@']))
    {
        credentials.url(word);
    }
    for field in Fields::after_start(data).map_while(|field| field) {
        if let Some((name, value)) = field.split_once(':') {
            credentials.header(name, value);
        }
    }
    credentials
}

/// A `Content-Length`: one number, or a list of the same number (`42, 42`), as a proxy
/// joining repeated fields writes it; anything else says nothing.
fn content_length(value: &str) -> Option<usize> {
    let mut numbers = value.split(',').map(|n| n.trim().parse::<usize>().ok());
    let first = numbers.next()??;
    numbers.all(|n| n == Some(first)).then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_head() {
        let (head, body) =
            split(b"HTTP/2.0 400 Bad Request\r\nContent-Type: Application/JSON\r\nX-Api-Key: sk-secret\r\n\r\n{}").unwrap();
        assert_eq!(head.start, StartLine::Response { status: 400 });
        assert_eq!(head.content_type.as_deref(), Some("application/json"));
        assert_eq!(head.lines, 4);
        assert_eq!(body, b"{}");
        assert!(!format!("{head:?}").contains("sk-secret"));
    }

    #[test]
    fn codings_in_several_fields_are_one_list_and_a_length_may_repeat() {
        let (head, _) = split(
            b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Type: a\r\n\
              Content-Encoding: BR\r\nContent-Type: b\r\nContent-Length: 7, 7\r\n\r\n",
        )
        .unwrap();
        assert_eq!(head.content_encoding.as_deref(), Some("gzip, br"));
        assert_eq!(head.content_type.as_deref(), Some("b"));
        assert_eq!(head.content_length, Some(7));
        for length in ["7, 8", "7,", "x"] {
            let text = format!("HTTP/1.1 200 OK\r\nContent-Length: {length}\r\n\r\n");
            assert_eq!(split(text.as_bytes()).unwrap().0.content_length, None);
        }
    }

    #[test]
    fn request_line() {
        let (head, body) = split(b"POST /v1/messages HTTP/1.1\nHost: x\n\n{\"a\":1}").unwrap();
        assert_eq!(
            head.start,
            StartLine::Request {
                target: "/v1/messages".into()
            }
        );
        assert_eq!(body, b"{\"a\":1}");
    }

    #[test]
    fn interim_heads_and_leading_blank_lines_are_passed_over() {
        let data = b"\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 529 Overloaded\r\nContent-Type: application/json\r\n\r\n{}";
        let (head, body) = split(data).unwrap();
        assert_eq!(head.start, StartLine::Response { status: 529 });
        assert_eq!(head.lines, 6);
        assert_eq!(body, b"{}");
        let connect = b"HTTP/1.1 200 Connection established\r\n\r\nHTTP/2 200\r\n\r\ndata: {}\n\n";
        assert_eq!(split(connect).unwrap().1, b"data: {}\n\n");
        let plain = b"HTTP/1.1 200 OK\r\n\r\n{\"a\":1}";
        assert_eq!(split(plain).unwrap().1, b"{\"a\":1}");
    }

    #[test]
    fn a_folded_field_is_one_and_an_indented_head_is_many() {
        let (head, body) = split(
            b"HTTP/1.1 401 x\r\nX-Api-Key:\r\n ZQXSECRETq7Lm2w\r\n\tmore\r\n \
              Content-Type: text/plain\r\n\r\nbody",
        )
        .unwrap();
        assert_eq!(body, b"body");
        assert_eq!(head.lines, 6);
        assert_eq!(head.content_type.as_deref(), Some("text/plain"));
        let mut echoed = "User ZQXSECRETq7Lm2w more".to_string();
        head.credentials.cut(&mut echoed);
        assert_eq!(echoed, "User …");
    }

    #[test]
    fn not_http() {
        assert!(split(b"data: {}\n\n").is_none());
        assert!(split(b"{\"HTTP/1.1\": 1}").is_none());
        assert!(!looks_like_http(b"HTTP/1.1 abc\n"));
    }
}
