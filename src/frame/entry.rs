//! One request/response entry of an archive of them: a HAR entry, a VCR cassette's
//! interaction, a claude-trace log line. Each format reads its own shape into an [`Entry`]
//! (owned parts, bodies decoded); the entry then gives an exchange like any other capture's.
//! Header values are looked at only for content type and coding, here and in every format,
//! and for credentials, kept apart to be cut from what repeats them ([`Credentials`]).

use super::coding::{self, Undecodable};
use super::credentials::{Credentials, percent_decoded};
use super::{Exchange, Request, Response, response};
use crate::turn::{Api, Timing};
use crate::warning::{Held, Warning};

/// One entry's parts, bodies decoded, ready to be framed.
#[derive(Debug, Default)]
pub struct Entry {
    /// The request URL's path and query.
    pub target: Option<String>,
    pub request_body: Option<Vec<u8>>,
    pub status: Option<u16>,
    pub content_type: Option<String>,
    pub response_body: Vec<u8>,
    pub timing: Option<Timing>,
    /// The model the URL names (Bedrock's `/model/{id}/invoke…`), for when the request
    /// body does not (a Bedrock body never does).
    pub model: Option<String>,
    pub warnings: Vec<Warning>,
    /// The credentials both messages' headers, cookies and URL carry; the format reads
    /// them where it keeps them.
    pub credentials: Credentials,
}

/// A response's status as an archive stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Absent,
    Number(u64),
    /// Something that is no whole number (`-1`, `500.0`, `"OK"`).
    NoNumber,
}

impl Status {
    /// The status a JSON archive stores (a HAR's `status`, a claude-trace `status_code`).
    pub fn of_json(value: &serde_json::Value) -> Status {
        match value {
            serde_json::Value::Null => Status::Absent,
            value => value.as_u64().map_or(Status::NoNumber, Status::Number),
        }
    }
}

/// Why an entry gives no exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// An image, a page, a script: counted, not reported one by one.
    NotApi,
    /// A body that says it is compressed but does not decompress: a failure.
    Undecodable(Undecodable),
}

impl Entry {
    /// The entry, warning that its archive's JSON held `escapes`, lone surrogate escapes
    /// read as U+FFFD ([`super::surrogates`]).
    pub fn held(mut self, escapes: &[[u8; 6]]) -> Entry {
        (self.warnings).extend(Warning::lone_surrogates(Held::Entry, escapes));
        self
    }

    /// An entry's head, as every format reads it: the request `url` (its credentials
    /// kept), the response's content type and status as the format stores them. `Err` when the content type says
    /// plainly that it is no API traffic; else the entry to fill in with bodies and times.
    pub fn head(
        url: Option<&str>,
        content_type: Option<&str>,
        status: Status,
    ) -> Result<Entry, Skip> {
        let target = url.map(path_of);
        let content_type = content_type
            .map(str::to_ascii_lowercase)
            .filter(|t| !t.is_empty());
        if content_type
            .as_deref()
            .is_some_and(|kind| is_not_api(kind, target.as_deref()))
        {
            return Err(Skip::NotApi);
        }
        let mut credentials = Credentials::default();
        credentials.url(url.unwrap_or_default());
        let mut warnings = Vec::new();
        let status = match status {
            // A HAR's 0 is a request the browser aborted: no response came.
            Status::Absent | Status::Number(0) => None,
            Status::Number(code @ 100..600) => Some(code as u16),
            // Said, not dropped silently (hostile run 66), as a raw head's is.
            Status::Number(_) | Status::NoNumber => {
                warnings.push(Warning::StatusNotHttp);
                None
            }
        };
        Ok(Entry {
            credentials,
            model: target.as_deref().and_then(bedrock_model),
            target,
            status,
            content_type,
            warnings,
            ..Entry::default()
        })
    }

    /// The exchange this entry holds, borrowing its bodies. A request whose body the
    /// capture did not keep still has its URL, which tells the API.
    pub fn exchange(&self) -> Exchange<'_> {
        let request = match (&self.target, self.request_body.as_deref()) {
            (None, None) => None,
            (target, body) => Some(Request {
                target: target.clone(),
                body,
                credentials: Credentials::default(),
            }),
        };
        let response = Response {
            credentials: self.credentials.clone(),
            ..response(
                self.status,
                self.content_type.as_deref(),
                &self.response_body,
            )
        };
        Exchange {
            request,
            warnings: self.warnings.clone(),
            timing: self.timing.clone(),
            model: self.model.clone(),
            ..Exchange::of(response)
        }
    }
}

/// Response types that never carry an LLM API body.
const NOT_API: [&str; 9] = [
    "image/",
    "font/",
    "audio/",
    "video/",
    "text/css",
    "text/html",
    "javascript",
    "application/wasm",
    "application/octet-stream",
];

/// Whether an entry is plainly no API traffic, by its response's content type (lowercased)
/// and the request's path: such entries are skipped unread. A path of an API (or of
/// Bedrock's runtime) keeps the entry whatever its type says.
pub fn is_not_api(content_type: &str, target: Option<&str>) -> bool {
    let api_path =
        target.is_some_and(|t| Api::from_path(t).is_some() || bedrock_model(t).is_some());
    !api_path && NOT_API.iter().any(|n| content_type.contains(n))
}

/// A URL's path and query (`https://api.anthropic.com/v1/messages?beta=true` →
/// `/v1/messages?beta=true`).
pub fn path_of(url: &str) -> String {
    match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |at| &rest[at..]).to_string(),
        None => url.to_string(),
    }
}

/// The model id a Bedrock runtime path names, percent-decoded and kept as Bedrock spells
/// it (`/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke-with-response-stream`
/// → `us.anthropic.claude-sonnet-4-5-20250929-v1:0`).
pub fn bedrock_model(target: &str) -> Option<String> {
    let path = target.split(['?', '#']).next()?;
    let (id, action) = path.strip_prefix("/model/")?.split_once('/')?;
    if !action.starts_with("invoke") || id.is_empty() {
        return None;
    }
    Some(percent_decoded(id))
}

/// A body with its `Content-Encoding` (the header's value, when there is one) undone. A
/// body that is text already (the recorder decoded it and left the header) is kept.
pub fn decoded(
    body: Vec<u8>,
    encodings: Option<&str>,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<u8>, Undecodable> {
    Ok(coding::content(&body, encodings, warnings)?.unwrap_or(body))
}

/// A body the capture says is base64 (`side` is `request` or `response`): its bytes. Text
/// that opens as JSON or an event stream is plainly no base64 (a recorder kept the text
/// and the mark): read as it is, with a warning. Any other text that does not decode is
/// base64 cut short or changed: a failure that says so, not a body read as text (hostile
/// run 59: its entry was passed over as a body of no API).
pub fn base64_body(
    text: Vec<u8>,
    side: &'static str,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<u8>, Undecodable> {
    match base64_bytes(text) {
        Ok(bytes) => Ok(bytes),
        Err((text, err)) if plainly_text(&text) => {
            warnings.push(Warning::NotBase64 {
                side,
                detail: err.to_string(),
            });
            Ok(text)
        }
        Err((_, err)) => Err(Undecodable::Base64 {
            side,
            detail: err.to_string(),
        }),
    }
}

/// Whether a body opens as JSON or an event stream does: no base64 text does.
fn plainly_text(text: &[u8]) -> bool {
    let text = text.trim_ascii_start();
    matches!(text.first(), Some(b'{' | b'[')) || super::starts_like_sse(text)
}

/// The bytes a recorded body's base64 text stands for. Recorders differ in how they
/// write it: wrapped in lines, and with or without the `=` padding at its end.
///
/// The text is decoded in its own buffer, which the bytes never outgrow (three for every
/// four): a body may be a hundred megabytes and more, and a compacted copy of it plus the
/// decoded bytes beside it cost twice its size. A text that is no base64 is read once to
/// find so, and given back untouched with the error.
pub fn base64_bytes(text: Vec<u8>) -> Result<Vec<u8>, (Vec<u8>, base64::DecodeError)> {
    let mut bytes = text;
    if let Err(err) = base64_chunks(&mut bytes, false) {
        return Err((bytes, err));
    }
    match base64_chunks(&mut bytes, true) {
        Ok(len) => bytes.truncate(len),
        // The second reading decodes what the first found sound: never met.
        Err(err) => return Err((bytes, err)),
    }
    bytes.shrink_to_fit();
    Ok(bytes)
}

/// Symbols decoded at a time: a multiple of four, so that only the last group may be short
/// or padded.
const BASE64_CHUNK: usize = 4096;

/// Decodes the base64 text in `bytes` a chunk at a time, white space passed over, and, when
/// `write`, puts the bytes at the front of `bytes` as it goes (they never overtake what is
/// still to be read). Returns how many bytes the text stands for. Error offsets count
/// symbols, white space not, as a decoder of the whole compacted text would.
fn base64_chunks(bytes: &mut [u8], write: bool) -> Result<usize, base64::DecodeError> {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    use base64::{DecodeError, DecodeSliceError, Engine, alphabet};
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let mut symbols = [0u8; BASE64_CHUNK];
    let mut out = [0u8; BASE64_CHUNK / 4 * 3];
    let (mut read, mut written, mut before) = (0, 0, 0);
    loop {
        let mut len = 0;
        while len < BASE64_CHUNK && read < bytes.len() {
            let byte = bytes[read];
            read += 1;
            if !byte.is_ascii_whitespace() {
                symbols[len] = byte;
                len += 1;
            }
        }
        while read < bytes.len() && bytes[read].is_ascii_whitespace() {
            read += 1;
        }
        let last = read == bytes.len();
        let chunk = &symbols[..len];
        // Padding ends the text: in a full chunk with more to come it is out of place.
        if !last {
            if let Some(at) = chunk.iter().position(|&b| b == b'=') {
                return Err(DecodeError::InvalidByte(before + at, b'='));
            }
        }
        let n = LENIENT
            .decode_slice(chunk, &mut out)
            .map_err(|err| match err {
                DecodeSliceError::DecodeError(err) => match err {
                    DecodeError::InvalidByte(at, byte) => {
                        DecodeError::InvalidByte(before + at, byte)
                    }
                    DecodeError::InvalidLength(n) => DecodeError::InvalidLength(before + n),
                    DecodeError::InvalidLastSymbol {
                        offset,
                        symbol,
                        symbol_value,
                    } => DecodeError::InvalidLastSymbol {
                        offset: before + offset,
                        symbol,
                        symbol_value,
                    },
                    DecodeError::InvalidPadding => DecodeError::InvalidPadding,
                },
                // Three bytes for every four symbols fit `out` always.
                DecodeSliceError::OutputSliceTooSmall => DecodeError::InvalidLength(before + len),
            })?;
        if write {
            bytes[written..written + n].copy_from_slice(&out[..n]);
        }
        written += n;
        before += len;
        if last {
            return Ok(written);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_with_or_without_padding_and_line_breaks() {
        let decode = |text: &str| base64_bytes(text.as_bytes().to_vec());
        assert_eq!(decode("aGk=").unwrap(), b"hi");
        assert_eq!(decode("aGk").unwrap(), b"hi");
        assert_eq!(decode("aGVs\nbG8=\n").unwrap(), b"hello");
        assert_eq!(decode("").unwrap(), b"");
        assert_eq!(decode(" \n").unwrap(), b"");
        let (text, _) = decode("not base64!").unwrap_err();
        assert_eq!(text, b"not base64!", "given back untouched");
    }

    /// A body of many chunks, wrapped in lines as recorders write it, decodes in place to
    /// what a decoder of the whole text makes; and every error a whole decoder finds, this
    /// one finds too, at the same offset.
    #[test]
    fn base64_in_chunks_decodes_as_the_whole_text_does() {
        use base64::Engine;
        use base64::engine::general_purpose::STANDARD;
        let data: Vec<u8> = (0..20_000u32).map(|i| (i * 7 % 251) as u8).collect();
        for len in [0, 1, 2, 3, 3071, 3072, 3073, 6144, 20_000] {
            let text = STANDARD.encode(&data[..len]);
            let wrapped: Vec<u8> = text
                .as_bytes()
                .chunks(76)
                .flat_map(|line| line.iter().copied().chain(*b"\r\n"))
                .collect();
            assert_eq!(base64_bytes(wrapped).unwrap(), &data[..len], "{len} bytes");
            let bare = text.trim_end_matches('=').as_bytes().to_vec();
            assert_eq!(
                base64_bytes(bare).unwrap(),
                &data[..len],
                "{len} bytes, no padding"
            );
        }
        let text = STANDARD.encode(&data[..9000]);
        let mut bad_texts = Vec::new();
        for (at, byte) in [
            (0, b'!'),
            (4095, b'*'),
            (4095, b'='),
            (4096, b'='),
            (4100, b'='),
        ] {
            let mut bad = text.clone().into_bytes();
            bad[at] = byte;
            bad_texts.push(bad);
        }
        bad_texts.push(format!("{text}A").into_bytes());
        bad_texts.push(format!("{}B=", &text[..text.len() - 4]).into_bytes());
        for bad in bad_texts {
            let (given, err) = base64_bytes(bad.clone()).unwrap_err();
            assert_eq!(given, bad, "given back untouched");
            assert_eq!(Err(err), STANDARD.decode(&bad));
        }
    }

    #[test]
    fn paths_and_bedrock_models() {
        assert_eq!(path_of("https://h.test"), "/");
        assert_eq!(path_of("/v1/responses"), "/v1/responses");
        assert_eq!(
            bedrock_model(
                "/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke-with-response-stream"
            )
            .as_deref(),
            Some("us.anthropic.claude-sonnet-4-5-20250929-v1:0")
        );
        assert_eq!(
            bedrock_model("/model/anthropic.claude-3-haiku-20240307-v1:0/invoke").as_deref(),
            Some("anthropic.claude-3-haiku-20240307-v1:0")
        );
        assert_eq!(bedrock_model("/model/x/converse-stream"), None);
        assert_eq!(bedrock_model("/v1/messages"), None);
        assert_eq!(percent_decoded("a%3"), "a%3");
        assert_eq!(percent_decoded("%ff%3A"), "%ff%3A");
    }

    #[test]
    fn a_compressed_body_is_decoded_and_text_kept() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(b"{\"a\":1}").unwrap();
        let body = gz.finish().unwrap();
        let mut warnings = Vec::new();
        assert_eq!(
            decoded(body, Some("gzip"), &mut warnings).unwrap(),
            b"{\"a\":1}"
        );
        assert_eq!(
            decoded(b"{}".to_vec(), Some("gzip"), &mut warnings).unwrap(),
            b"{}"
        );
        assert!(decoded(vec![0x1f, 0x8b, 8, 0, 1, 2], Some("gzip"), &mut warnings).is_err());
    }
}
