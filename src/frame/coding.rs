//! HTTP transfer and content codings. A raw HTTP message's body is de-chunked
//! (`Transfer-Encoding: chunked`), then decompressed (`Content-Encoding`: gzip, deflate, br,
//! zstd), before framing reads it. Captures are often decoded already while their headers
//! still say otherwise (a proxy or a converter undid the coding), so a body that does not
//! parse as chunked, or that is text already, is taken as it is.

use std::borrow::Cow;

use super::http;
use crate::read::decompress::{self, Codec};
use crate::warning::Warning;

/// A body whose `Content-Encoding` says it is compressed, but that does not decompress,
/// or that says a coding this tool does not undo while the body is no text as it is, or
/// that lists more codings than it undoes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undecodable {
    Coding {
        /// The coding that failed (`gzip`, `brotli`, …); one registered for HTTP that this
        /// tool does not undo (`compress`); [`UNNAMED`] for any other name, as a header's
        /// value never reaches output; [`NO_CODING`] for a header that names none.
        coding: &'static str,
        /// What the decompressor said.
        detail: String,
    },
    /// A body an archive says is base64 (`side` is `request` or `response`) whose text does
    /// not decode (see [`super::entry::base64_body`]).
    Base64 { side: &'static str, detail: String },
    /// A body compressed under the codings its headers name (or with none named), by
    /// `coding`, that does not decode, or holds more than [`MAX_CODINGS`] layers in all.
    Unnamed {
        coding: &'static str,
        detail: String,
    },
    /// `count` codings to undo, more than [`MAX_CODINGS`]: not undone at all. Counted over
    /// both headers that list them (transfer codings besides `chunked` are undone as
    /// content codings are), so said of the headers, not of one (hostile run 45).
    TooManyCodings { count: usize },
    /// The bodies of one file (a txtar's sections) decode to more than `limit` bytes
    /// together, which would all be held at once.
    TooMuchDecoded { limit: usize },
    /// A txtar's `request` section, which every response section answers, does not
    /// decode. (A response section that does not fails alone.)
    RequestSection(Box<Undecodable>),
}

impl std::fmt::Display for Undecodable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            // Said of the headers, not of one: a transfer coding is undone as a content
            // coding is (hostile run 62: `Transfer-Encoding: compress` was called a
            // Content-Encoding).
            Undecodable::Coding {
                coding: NO_CODING,
                detail,
            } => write!(
                f,
                "the headers name a coding list that names none, and the body does not \
                 decode: {detail}"
            ),
            Undecodable::Coding { coding, detail } => write!(
                f,
                "the headers name the coding {coding}, but the body does not decode: {detail}"
            ),
            Undecodable::Base64 { side, detail } => write!(
                f,
                "the {side} body says base64 but does not decode ({detail}): not read"
            ),
            Undecodable::Unnamed { coding, detail } => write!(
                f,
                "the body holds {coding} data its headers do not name, and {detail}"
            ),
            Undecodable::TooManyCodings { count } => write!(
                f,
                "the body's headers list {count} codings, more than the {MAX_CODINGS} this \
                 tool undoes one after another: not read"
            ),
            Undecodable::TooMuchDecoded { limit } => write!(
                f,
                "the file's compressed bodies decode to over {} MiB together, more than \
                 this tool holds of one file at once (24 MiB and the file's size): not read",
                limit >> 20
            ),
            Undecodable::RequestSection(why) => write!(f, "the request section: {why}"),
        }
    }
}

impl std::error::Error for Undecodable {}

/// Stands for a coding's name that is not shown (see [`Undecodable::coding`]).
pub const UNNAMED: &str = "…";
/// Stands for the codings of a `Content-Encoding` that names none (` , `).
pub const NO_CODING: &str = "(none)";

/// The most codings one body's `Content-Encoding` may list for this tool to undo. A real
/// response carries one, two when a proxy compressed it again. Each layer undone costs
/// about the body's size, so a long chain of real layers would reach the decompression
/// bound ([`decompress::RATIO`] times the input) and be called a bomb, which it is not:
/// below that ratio, layers alone never reach the bound, and a chain past this fails as
/// what it is.
pub const MAX_CODINGS: usize = 16;

/// Content codings registered for HTTP (IANA's registry) that this tool does not undo:
/// named when a body says one, as no credential can hide in them.
const NOT_UNDONE: [&str; 7] = [
    "compress",
    "x-compress",
    "aes128gcm",
    "exi",
    "pack200-gzip",
    "dcb",
    "dcz",
];

/// One HTTP message with its body decoded; anything else as it is. (A txtar's sections
/// are each one: [`crate::capture::Stored`] decodes them.)
pub fn message<'a>(
    data: &'a [u8],
    warnings: &mut Vec<Warning>,
) -> Result<Cow<'a, [u8]>, Undecodable> {
    let Some((head, body)) = http::split(data) else {
        return Ok(Cow::Borrowed(data));
    };
    let transfer = head.transfer_encoding.as_deref().unwrap_or_default();
    let chunked = transfer.contains("chunked");
    let mut trailer = &[][..];
    let dechunked = match chunked.then(|| dechunk(body)).flatten() {
        Some(plain) => {
            let detail = match plain.ending {
                ChunksEnd::Whole => None,
                ChunksEnd::Cut => Some("the chunked body is cut short".to_string()),
                ChunksEnd::Broken(at) => Some(format!(
                    "the chunked body's framing is broken at byte {at} of the body (a chunk \
                     longer than its size line says, or a size line that is no hex number)"
                )),
            };
            warnings.extend(detail.map(|detail| Warning::BodyCutShort { detail }));
            trailer = plain.trailer;
            Cow::Owned(plain.data)
        }
        None => Cow::Borrowed(body),
    };
    // A transfer coding besides `chunked` (`gzip, chunked`) was applied after the content
    // codings, so it is undone first: after them in one list (hostile run 38).
    let transfer_codings = transfer
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty() && !t.eq_ignore_ascii_case("chunked"));
    let codings: Vec<&str> = (head.content_encoding.as_deref().into_iter())
        .chain(transfer_codings)
        .collect();
    let codings = (!codings.is_empty()).then(|| codings.join(", "));
    let decoded = content(&dechunked, codings.as_deref(), warnings)?;
    // Nothing undone though a coding is named: the body is text already. Said of any
    // coding, one this tool does not undo too (hostile run 60: `compress` on a JSON body
    // passed as valid); a registered one named before a name that is not shown.
    let named = (codings.iter().flat_map(|c| coding_names(c)))
        .filter(|name| !name.eq_ignore_ascii_case("identity"))
        .map(shown)
        .reduce(|first, next| if first == UNNAMED { next } else { first });
    if let Some(coding) = named.filter(|_| decoded.is_none() && !dechunked.is_empty()) {
        warnings.push(Warning::CodingNotApplied { coding });
    }
    if decoded.is_none() && matches!(dechunked, Cow::Borrowed(_)) {
        return Ok(Cow::Borrowed(data));
    }
    // The head goes in front of the decoded body, which is moved, not copied: it may be as
    // large as the decompression bound allows. The trailer's credential fields go in the
    // head, before its blank line, so that framing keeps them as it keeps the head's
    // (hostile run 55: a trailer's token, echoed in the body, was not cut).
    let mut out = decoded.unwrap_or_else(|| dechunked.into_owned());
    let head = &data[..data.len() - body.len()];
    let fields = secret_fields(trailer);
    if fields.is_empty() {
        out.splice(0..0, head.iter().copied());
    } else {
        let blank = head
            .strip_suffix(b"\r\n")
            .or_else(|| head.strip_suffix(b"\n"));
        let fields_end = blank.map_or(head.len(), <[u8]>::len);
        let whole = head[..fields_end]
            .iter()
            .chain(&fields)
            .chain(&head[fields_end..]);
        out.splice(0..0, whole.copied());
    }
    Ok(Cow::Owned(out))
}

/// The fields of a chunked body's trailer whose names are a credential's, each ending in
/// CRLF.
fn secret_fields(trailer: &[u8]) -> Vec<u8> {
    let mut fields = Vec::new();
    for line in trailer.split(|&b| b == b'\n').map(<[u8]>::trim_ascii) {
        let name = line.split(|&b| b == b':').next().unwrap_or_default();
        if http::is_field(line) && crate::redact::names_a_secret(name) {
            fields.extend_from_slice(line);
            fields.extend_from_slice(b"\r\n");
        }
    }
    fields
}

/// The codings a `Content-Encoding` list names, in order. A coding takes no parameters,
/// but `gzip;q=1` (an `Accept-Encoding` echoed) still says gzip.
fn coding_names(list: &str) -> impl Iterator<Item = &str> {
    (list.split(','))
        .map(|token| token.split(';').next().unwrap_or_default().trim())
        .filter(|name| !name.is_empty())
}

/// How a coding's name is shown: as this tool names it when it undoes it, or when it is
/// registered for HTTP ([`NOT_UNDONE`]); any other name is a header's value, not shown.
fn shown(name: &str) -> &'static str {
    match Codec::from_token(name) {
        Some(codec) => codec.name(),
        None => (NOT_UNDONE.into_iter())
            .find(|known| known.eq_ignore_ascii_case(name))
            .unwrap_or(UNNAMED),
    }
}

/// A chunked body de-chunked.
pub struct Dechunked<'a> {
    pub data: Vec<u8>,
    pub ending: ChunksEnd,
    /// What follows the last chunk: trailer fields, if any.
    pub trailer: &'a [u8],
}

/// How a chunked body's chunks end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChunksEnd {
    /// With its last chunk.
    Whole,
    /// Before its last chunk: inside a chunk, or with none after the last whole one
    /// (hostile run 55: a fragment of an error was shown as the whole of it).
    Cut,
    /// Where (a byte of the body) its chunks stop making sense though a last chunk follows
    /// (hostile run 62: such a body was said to be cut short): read up to there.
    Broken(usize),
}

/// A chunked body's data. `None` when the body is not chunked after all (its first line is
/// no chunk size). A body cut inside a chunk keeps what it holds.
pub fn dechunk(body: &[u8]) -> Option<Dechunked<'_>> {
    let mut out = Vec::with_capacity(body.len());
    let mut pos = 0;
    while pos < body.len() {
        let end = memchr::memchr(b'\n', &body[pos..]).map_or(body.len(), |i| pos + i);
        let size = match chunk_size(&body[pos..end]) {
            Some(size) => size,
            None if pos == 0 => return None,
            // Junk after the last whole chunk: a capture cut there, or chunks that do not
            // add up, when a last chunk follows.
            None => return Some(broken_or_cut(out, body, pos)),
        };
        if size == 0 {
            return Some(Dechunked {
                data: out,
                ending: ChunksEnd::Whole,
                trailer: body.get(end + 1..).unwrap_or_default(),
            });
        }
        let start = (end + 1).min(body.len());
        let stop = start.saturating_add(size).min(body.len());
        out.extend_from_slice(&body[start..stop]);
        pos = stop;
        // The line end after a chunk's data.
        let line_end = pos;
        if body.get(pos) == Some(&b'\r') {
            pos += 1;
        }
        if body.get(pos) == Some(&b'\n') {
            pos += 1;
        }
        if pos == line_end && pos < body.len() {
            return Some(broken_or_cut(out, body, pos));
        }
    }
    Some(Dechunked {
        data: out,
        ending: ChunksEnd::Cut,
        trailer: &[],
    })
}

/// A chunked body whose chunks stop at `pos`: broken there when a last chunk follows, else
/// cut there.
fn broken_or_cut(data: Vec<u8>, body: &[u8], pos: usize) -> Dechunked<'_> {
    let rest = body[pos..].trim_ascii_end();
    let ending = match ends_in_last_chunk(rest) {
        true => ChunksEnd::Broken(pos),
        false => ChunksEnd::Cut,
    };
    Dechunked {
        data,
        ending,
        trailer: &[],
    }
}

/// Whether a chunked `body` (its line ends after it taken off) ends in the last chunk, a
/// chunk of size 0, and its trailer fields, if any.
pub fn ends_in_last_chunk(body: &[u8]) -> bool {
    let mut lines = body.split(|&b| b == b'\n').map(<[u8]>::trim_ascii);
    // Trailer fields come after the last chunk: `Name: value` lines.
    let mut lines = lines.by_ref().rev().skip_while(|line| http::is_field(line));
    lines.next().is_some_and(|line| chunk_size(line) == Some(0))
}

/// A chunk-size line's size: hex digits, then an optional `;extension`.
fn chunk_size(line: &[u8]) -> Option<usize> {
    let line = std::str::from_utf8(line).ok()?;
    let size = line.split(';').next()?.trim();
    if size.is_empty() || size.len() > 16 {
        return None;
    }
    usize::from_str_radix(size, 16).ok()
}

/// Text already, not compressed data: valid UTF-8 (a character cut at the end aside) with
/// no control characters but tabs and line ends, in its first kilobyte.
fn is_text(body: &[u8]) -> bool {
    let head = &body[..body.len().min(1024)];
    let valid = match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(err) => err.error_len().is_none() && head.len() == 1024,
    };
    valid
        && head
            .iter()
            .all(|&b| b >= 0x20 || matches!(b, b'\t' | b'\n' | b'\r'))
}

/// A body decoded by its `Content-Encoding` (the header's value, when there is one; codings
/// listed in the order applied, so undone last to first), and then by any layer of gzip or
/// zstd its headers do not name. `None` when there is nothing to undo. Its layers share one
/// decompression budget: the input's, or one based on the body's size.
pub fn content(
    body: &[u8],
    encodings: Option<&str>,
    warnings: &mut Vec<Warning>,
) -> Result<Option<Vec<u8>>, Undecodable> {
    decompress::within(body.len(), || content_within(body, encodings, warnings))
}

fn content_within(
    body: &[u8],
    encodings: Option<&str>,
    warnings: &mut Vec<Warning>,
) -> Result<Option<Vec<u8>>, Undecodable> {
    let mut codecs = Vec::new();
    // The first coding this tool does not undo, as it may be named.
    let mut not_undone = None;
    let mut named = false;
    for name in coding_names(encodings.unwrap_or_default()) {
        named = true;
        match Codec::from_token(name) {
            Some(codec) => codecs.push(codec),
            None if name.eq_ignore_ascii_case("identity") => {}
            // Header values never reach output, an unknown coding's name included.
            None => {
                not_undone.get_or_insert_with(|| shown(name));
            }
        }
    }
    if body.is_empty() || is_text(body) {
        return Ok(None);
    }
    // A coding not undone leaves a body no reader can read: a failure that says why, not
    // an event stream of no API passed over (a mislabelled body that is text is read above).
    let empty = encodings.is_some() && !named;
    if let Some(coding) = not_undone.or(empty.then_some(NO_CODING)) {
        return Err(Undecodable::Coding {
            coding,
            detail: "this tool does not undo that coding, and the body is not text as it is".into(),
        });
    }
    if codecs.len() > MAX_CODINGS {
        return Err(Undecodable::TooManyCodings {
            count: codecs.len(),
        });
    }
    let mut layers = Layers {
        undone: 0,
        cut: false,
        warnings,
    };
    let mut data = Cow::Borrowed(body);
    for codec in codecs.into_iter().rev() {
        // Text after a layer undone, with more named: a header said twice (`gzip, gzip`,
        // or one line repeated, which joins so), or a layer decoded and its name kept. Read
        // as it is and said, as a body with no layer undone is (hostile run 61: it failed
        // as corrupt gzip).
        if layers.undone > 0 && is_text(&data) {
            layers.warnings.push(Warning::ExtraCoding {
                coding: codec.name(),
            });
            break;
        }
        data = Cow::Owned(
            layers
                .undo(codec, &data)
                .map_err(|detail| Undecodable::Coding {
                    coding: codec.name(),
                    detail,
                })?,
        );
    }
    // A layer the headers do not name: a proxy that compressed again and said so once, a
    // recorder that kept the body and dropped the header. Read as a compressed file is
    // (no text starts with gzip's or zstd's magic number), and said (hostile run 39: such
    // a body was passed over as "an event stream of no API"). Said once, of the first.
    let named = layers.undone;
    while let Some(codec) = Codec::sniff(&data) {
        let unnamed = |detail| Undecodable::Unnamed {
            coding: codec.name(),
            detail,
        };
        if layers.undone == MAX_CODINGS {
            return Err(unnamed(format!(
                "it holds more than the {MAX_CODINGS} layers this tool undoes"
            )));
        }
        if layers.undone == named {
            layers.warnings.push(Warning::UnnamedCoding {
                coding: codec.name(),
            });
        }
        let plain = layers
            .undo(codec, &data)
            .map_err(|detail| unnamed(format!("it does not decode: {detail}")))?;
        data = Cow::Owned(plain);
    }
    Ok(match data {
        Cow::Owned(data) => Some(data),
        Cow::Borrowed(_) => None,
    })
}

/// The layers of one body undone so far.
struct Layers<'w> {
    undone: usize,
    /// Whether a layer was cut short (said once, where found first).
    cut: bool,
    warnings: &'w mut Vec<Warning>,
}

impl Layers<'_> {
    /// `data` with one layer of `codec` undone; what the decoder said when it fails.
    fn undo(&mut self, codec: Codec, data: &[u8]) -> Result<Vec<u8>, String> {
        self.undone += 1;
        match decompress::decode_all(codec, data) {
            Ok(plain) => Ok(plain),
            // What a layer cut short holds is the next layer's start, undone in turn (a body
            // of `gzip, gzip` missing the outer trailer holds the whole answer; hostile run
            // 38): one warning says where the cut was found first.
            Err((partial, err))
                if err.kind() == std::io::ErrorKind::UnexpectedEof && !partial.is_empty() =>
            {
                if !self.cut {
                    self.warnings.push(Warning::BodyCutShort {
                        detail: err.to_string(),
                    });
                }
                self.cut = true;
                Ok(partial)
            }
            Err((_, err)) => Err(err.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::decompress::gzip;

    /// The coding an error names.
    fn coding(err: &Undecodable) -> &'static str {
        match err {
            Undecodable::Coding { coding, .. } => coding,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn chunked_then_gzip() {
        let packed = gzip(b"{\"type\":\"message\"}");
        let mut body = format!("{:x}\r\n", 5).into_bytes();
        body.extend_from_slice(&packed[..5]);
        body.extend_from_slice(format!("\r\n{:x};ext=1\r\n", packed.len() - 5).as_bytes());
        body.extend_from_slice(&packed[5..]);
        body.extend_from_slice(b"\r\n0\r\n\r\n");
        let mut data =
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n"
                .to_vec();
        data.extend_from_slice(&body);
        let mut warnings = Vec::new();
        let decoded = message(&data, &mut warnings).unwrap();
        assert!(decoded.ends_with(b"\r\n\r\n{\"type\":\"message\"}"));
        assert!(warnings.is_empty());
    }

    #[test]
    fn a_transfer_coding_besides_chunked_is_undone_too() {
        // Hostile run 38: `Transfer-Encoding: gzip, chunked` was de-chunked and left gzip.
        let packed = gzip(b"{\"type\":\"message\"}");
        let mut data = format!(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n{:x}\r\n",
            packed.len()
        )
        .into_bytes();
        data.extend_from_slice(&packed);
        data.extend_from_slice(b"\r\n0\r\n\r\n");
        let mut warnings = Vec::new();
        let decoded = message(&data, &mut warnings).unwrap();
        assert!(decoded.ends_with(b"\r\n\r\n{\"type\":\"message\"}"));
        assert!(warnings.is_empty());
    }

    #[test]
    fn the_layers_under_one_cut_short_are_undone() {
        // Hostile run 38: `gzip, gzip` missing the outer trailer holds the whole answer,
        // and was left undecoded under the cut layer.
        let text = b"{\"type\":\"message\"}";
        let twice = gzip(&gzip(text));
        let cut = &twice[..twice.len() - 4];
        let mut warnings = Vec::new();
        let decoded = content(cut, Some("gzip, gzip"), &mut warnings)
            .unwrap()
            .unwrap();
        assert_eq!(decoded, text);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(matches!(warnings[0], Warning::BodyCutShort { .. }));
    }

    #[test]
    fn already_decoded_bodies_stay() {
        let data = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\ndata: {}\n\n";
        assert!(matches!(
            message(data, &mut Vec::new()).unwrap(),
            Cow::Borrowed(_)
        ));
        assert!(dechunk(b"data: {}\n\n").is_none());
        assert!(dechunk(b"{\"a\":1}").is_none());
    }

    #[test]
    fn a_chunk_cut_short_keeps_its_bytes() {
        let cut = dechunk(b"a\r\n0123456789\r\n10\r\nabc").unwrap();
        assert_eq!(cut.data, b"0123456789abc");
        assert_eq!(cut.ending, ChunksEnd::Cut);
        // Chunks that do not add up, with a last chunk after them: broken, not cut
        // (hostile run 62).
        let longer = dechunk(b"5\r\n{\"id\"\r\n5\r\n:\"x\"}GARBAGE\r\n0\r\n\r\n").unwrap();
        assert_eq!(
            (longer.data.as_slice(), longer.ending),
            (&b"{\"id\":\"x\"}"[..], ChunksEnd::Broken(18))
        );
        let no_hex = dechunk(b"5\r\n{\"id\"\r\nzz\r\n:\"x\"}\r\n0\r\n\r\n").unwrap();
        assert_eq!(no_hex.ending, ChunksEnd::Broken(10));
        let whole = dechunk(b"a\r\n0123456789\r\n0\r\nX-Api-Key: k\r\n\r\n").unwrap();
        assert_eq!(whole.data, b"0123456789");
        assert_eq!(whole.ending, ChunksEnd::Whole);
        assert_eq!(whole.trailer, b"X-Api-Key: k\r\n\r\n");
    }

    #[test]
    fn undecodable_and_unknown_codings() {
        let mut warnings = Vec::new();
        let err = content(&[0x1f, 0x8b, 0, 0xff, 0xfe], Some("gzip"), &mut warnings).unwrap_err();
        assert_eq!(coding(&err), "gzip");
        assert!(err.to_string().contains("the coding gzip,"), "{err}");
        // A mislabelled body that is text already is read as it is: said of a whole
        // message (below), not of an archive's body, whose text is decoded by its format.
        let mut warnings = Vec::new();
        assert_eq!(
            content(b"data: {}\n\n", Some("snappy"), &mut warnings).unwrap(),
            None
        );
        assert_eq!(warnings, []);
    }

    #[test]
    fn any_coding_named_on_a_message_whose_body_is_text_is_said_once() {
        // Hostile run 60: `compress` or an unknown coding on a JSON body passed as valid.
        let said = |encodings: &str| {
            let data = format!("HTTP/1.1 200 OK\r\nContent-Encoding: {encodings}\r\n\r\n{{}}");
            let mut warnings = Vec::new();
            assert_eq!(
                message(data.as_bytes(), &mut warnings).unwrap(),
                data.as_bytes()
            );
            warnings
        };
        let not_applied = |coding| vec![Warning::CodingNotApplied { coding }];
        assert_eq!(said("gzip"), not_applied("gzip"));
        assert_eq!(said("Compress"), not_applied("compress"));
        assert_eq!(said("aes128gcm"), not_applied("aes128gcm"));
        assert_eq!(said("sk-ant-SECRET"), not_applied(UNNAMED));
        // A registered name is said rather than one not shown; however many are listed,
        // once (hostile run 43: 100,000 of them made as many warnings).
        assert_eq!(said("snappy, compress"), not_applied("compress"));
        assert_eq!(
            said(&vec!["x-snappy"; 1000].join(", ")),
            not_applied(UNNAMED)
        );
        assert_eq!(said("identity"), []);
        assert_eq!(said(" , "), []);
    }

    #[test]
    fn a_coding_not_undone_on_a_body_that_is_no_text_fails_naming_only_registered_codings() {
        let packed = gzip(b"data: {}\n\n");
        let failed =
            |encodings: &str| content(&packed, Some(encodings), &mut Vec::new()).unwrap_err();
        let err = failed("Compress");
        assert_eq!(coding(&err), "compress");
        assert_eq!(
            err.to_string(),
            "the headers name the coding compress, but the body does not decode: this tool does not \
             undo that coding, and the body is not text as it is"
        );
        assert_eq!(coding(&failed("aes128gcm")), "aes128gcm");
        // Undoing gzip would still leave compress's data.
        assert_eq!(coding(&failed("compress, gzip")), "compress");
        // Any other name is a header's value: not shown.
        let err = failed("sk-ant-SECRET");
        assert_eq!(coding(&err), UNNAMED);
        assert!(!err.to_string().contains("SECRET"), "{err}");
        // A header that names no coding.
        assert_eq!(coding(&failed(" , ")), NO_CODING);
        assert_eq!(coding(&failed("")), NO_CODING);
        // `identity` is no coding to undo, but gzip data is gzip whatever the header says
        // (hostile run 39: passed over as "an event stream of no API"): undone, and said.
        let mut warnings = Vec::new();
        let decoded = content(&packed, Some("identity"), &mut warnings).unwrap();
        assert_eq!(decoded.unwrap(), b"data: {}\n\n");
        assert_eq!(warnings, [Warning::UnnamedCoding { coding: "gzip" }]);
    }

    #[test]
    fn layers_the_headers_do_not_name_are_undone_and_said_once() {
        // Hostile run 39: a body gzipped twice and labelled once, or gzipped with no header.
        let text = b"data: {}\n\n";
        let twice = gzip(&gzip(text));
        let mut warnings = Vec::new();
        let decoded = content(&twice, Some("gzip"), &mut warnings).unwrap();
        assert_eq!(decoded.unwrap(), text);
        assert_eq!(warnings, [Warning::UnnamedCoding { coding: "gzip" }]);
        let mut warnings = Vec::new();
        let decoded = content(&gzip(&twice), None, &mut warnings).unwrap();
        assert_eq!(decoded.unwrap(), text);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        // As a whole HTTP message with no Content-Encoding.
        let data = [&b"HTTP/1.1 200 OK\r\n\r\n"[..], &gzip(text)].concat();
        let mut warnings = Vec::new();
        assert!(message(&data, &mut warnings).unwrap().ends_with(text));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        // Data that opens as gzip but is none fails saying whose the layer is.
        let err = content(b"\x1f\x8b\x08junkjunkjunk", None, &mut Vec::new()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the body holds gzip data its headers do not name, and it does not decode: the \
             gzip data is corrupt (invalid gzip header)"
        );
        // Layers past the bound are not undone one after another without end.
        let mut deep = text.to_vec();
        for _ in 0..=MAX_CODINGS {
            deep = gzip(&deep);
        }
        let err = content(&deep, None, &mut Vec::new()).unwrap_err();
        assert!(
            err.to_string()
                .ends_with("it holds more than the 16 layers this tool undoes")
        );
        // Text is read as it is, whatever the header says.
        assert_eq!(content(text, None, &mut Vec::new()).unwrap(), None);
    }

    #[test]
    fn a_body_coded_once_under_two_codings_is_read_and_said() {
        // Hostile run 61: `gzip, gzip` (a header line repeated joins so) over one layer
        // failed as corrupt gzip.
        let text = b"{\"a\":1}";
        for list in ["gzip, gzip", "br, gzip", "deflate, gzip"] {
            let mut warnings = Vec::new();
            let decoded = content(&gzip(text), Some(list), &mut warnings).unwrap();
            assert_eq!(decoded.unwrap(), text, "{list}");
            let coding = Codec::from_token(list.split(',').next().unwrap())
                .unwrap()
                .name();
            assert_eq!(warnings, [Warning::ExtraCoding { coding }], "{list}");
        }
        // Two layers, both named: no warning.
        let mut warnings = Vec::new();
        let decoded = content(&gzip(&gzip(text)), Some("gzip, gzip"), &mut warnings).unwrap();
        assert_eq!((decoded.unwrap(), warnings), (text.to_vec(), vec![]));
    }

    #[test]
    fn a_coding_with_parameters_is_the_coding() {
        let packed = gzip(b"data: {}\n\n");
        let mut warnings = Vec::new();
        assert_eq!(
            content(&packed, Some("gzip;q=1"), &mut warnings)
                .unwrap()
                .unwrap(),
            b"data: {}\n\n"
        );
        assert!(warnings.is_empty());
    }
}
