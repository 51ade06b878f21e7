//! AWS event streams (`application/vnd.amazon.eventstream`), as Bedrock's
//! `InvokeModelWithResponseStream` answers: binary frames, each one message.
//!
//! A frame is `total length (u32 BE) | headers length (u32 BE) | prelude CRC32 | headers |
//! payload | message CRC32`, the first CRC over the two lengths, the second over all bytes
//! before it. A header is `name length (u8) | name | type (u8) | value`. A `chunk` event's
//! payload is JSON `{"bytes": base64}` holding one Anthropic Messages event, so a Bedrock
//! stream is turned into the [`SseStream`] the same events would make as SSE, and the same
//! decoder and accumulator rebuild the same turn. Exceptions (`:message-type` `exception`)
//! become an Anthropic `error` event, which a stream reports as any error event.
//!
//! The framing is small and fixed, so it is read here (CRC32 by crc32fast, already used by
//! the gzip decoder) rather than through the AWS SDK's event-stream crate and its runtime.
//! An event's `line` is its frame's number (the body's first line counting as frame 1):
//! a binary body has no lines, and the frame is what a reader can find again.

use std::borrow::Cow;
use std::ops::ControlFlow;

use base64::Engine;
use serde_json::{Value, json};

use super::sse::{DefectKind, Framing, FramingDefect, SseEvent, SseStream};
use crate::bounded_json;
use crate::warning::{Repeats, Warning};

/// The prelude: two lengths and their CRC.
const PRELUDE: usize = 12;
/// The smallest frame: a prelude and a message CRC, no headers, no payload.
const MIN_FRAME: usize = PRELUDE + 4;
/// The largest frame the AWS framing allows (16 MiB of payload and 128 KiB of headers).
const MAX_FRAME: usize = 16 * 1024 * 1024 + 128 * 1024 + MIN_FRAME;

/// Whether `data` opens with an event-stream frame: a prelude whose lengths are possible
/// and whose CRC matches. Four bytes of CRC over eight make a chance match one in four
/// billion, so no text or JSON body passes for one.
pub fn looks_like_eventstream(data: &[u8]) -> bool {
    prelude(data).is_ok()
}

/// The total and header lengths a frame's prelude gives, when they are possible and the
/// prelude CRC matches.
fn prelude(data: &[u8]) -> Result<(usize, usize), &'static str> {
    if data.len() < PRELUDE {
        return Err("cut short inside its prelude");
    }
    let total = be32(&data[0..4]) as usize;
    let headers = be32(&data[4..8]) as usize;
    if crc32fast::hash(&data[0..8]) != be32(&data[8..12]) {
        return Err("its prelude CRC does not match");
    }
    if !(MIN_FRAME..=MAX_FRAME).contains(&total) || headers > total - MIN_FRAME {
        return Err("its prelude gives impossible lengths");
    }
    Ok((total, headers))
}

/// Why `body`, recognisably an event stream, gives not even its first frame; `None` when
/// it is no event stream or its first frame reads. Recognisable: its first prelude is
/// whole and right, or it opens with binary bytes and either its content type says so or
/// an event stream's header names stand in its first bytes. A bit flip anywhere in the
/// first frame leaves one of these, so the file is not taken for some other text.
pub fn first_frame_unreadable(body: &[u8], content_type: Option<&str>) -> Option<Broken> {
    let start = &body[..body.len().min(256)];
    let binary = start
        .iter()
        .take(PRELUDE)
        .any(|&b| b < b'\t' || (0x0e..0x20).contains(&b));
    let claimed = content_type.is_some_and(|t| t.contains("vnd.amazon.eventstream"));
    let named = [&b":message-type"[..], b":event-type", b":exception-type"]
        .iter()
        .any(|name| memchr::memmem::find(start, name).is_some());
    if !(looks_like_eventstream(body) || binary && (claimed || named)) {
        return None;
    }
    let mut messages = messages(body);
    match messages.next() {
        Some(_) => None,
        None => messages.broken,
    }
}

fn be32(bytes: &[u8]) -> u32 {
    u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
}

/// One message of the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message<'a> {
    /// Byte offset of the frame in the body.
    pub offset: usize,
    /// The string-valued headers (`:message-type`, `:event-type`, `:exception-type`, ...);
    /// headers of other types are checked for length and passed over. Borrowed from the
    /// frame: a stream may hold millions of frames, each with three headers.
    pub headers: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    pub payload: &'a [u8],
}

impl Message<'_> {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| &**v)
    }
}

/// Why the stream could not be read to its end (the messages before were read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// Byte offset of the frame that failed.
    pub offset: usize,
    /// 0-based number of that frame: how many frames were read before it.
    pub frame: usize,
    pub why: &'static str,
    /// The frame is whole but wrong (a CRC, a header), not cut short.
    pub corrupt: bool,
}

/// Every message of `data`, up to the first frame that fails, read one at a time: a
/// stream may hold millions of frames. After the last, [`Messages::broken`] says why the
/// stream could not be read to its end, if it could not.
pub fn messages(data: &[u8]) -> Messages<'_> {
    Messages {
        data,
        offset: 0,
        read: 0,
        broken: None,
    }
}

pub struct Messages<'a> {
    data: &'a [u8],
    offset: usize,
    /// How many messages were read.
    read: usize,
    broken: Option<Broken>,
}

impl Messages<'_> {
    /// Why the stream ended before its body did, once the messages are read.
    pub fn broken(&self) -> Option<&Broken> {
        self.broken.as_ref()
    }
}

impl<'a> Iterator for Messages<'a> {
    type Item = Message<'a>;

    fn next(&mut self) -> Option<Message<'a>> {
        if self.offset >= self.data.len() {
            return None;
        }
        match message(&self.data[self.offset..]) {
            Ok((message, len)) => {
                let offset = self.offset;
                self.offset += len;
                self.read += 1;
                Some(Message { offset, ..message })
            }
            Err((why, corrupt)) => {
                self.broken = Some(Broken {
                    offset: self.offset,
                    frame: self.read,
                    why,
                    corrupt,
                });
                self.offset = self.data.len();
                None
            }
        }
    }
}

/// The message at the start of `data` and its frame's length, or why there is none (and
/// whether the frame is corrupt rather than cut short).
fn message(data: &[u8]) -> Result<(Message<'_>, usize), (&'static str, bool)> {
    let (total, headers_len) = prelude(data).map_err(|why| (why, data.len() >= PRELUDE))?;
    if data.len() < total {
        return Err(("cut short: the frame runs past the end of the body", false));
    }
    let frame = &data[..total];
    if crc32fast::hash(&frame[..total - 4]) != be32(&frame[total - 4..]) {
        return Err(("its message CRC does not match", true));
    }
    let headers = headers(&frame[PRELUDE..PRELUDE + headers_len])
        .ok_or(("its headers do not fit the length its prelude gives", true))?;
    let message = Message {
        offset: 0,
        headers,
        payload: &frame[PRELUDE + headers_len..total - 4],
    };
    Ok((message, total))
}

/// The string headers of a frame's header block; `None` when a header runs past its end or
/// has a type the framing does not define.
fn headers(mut block: &[u8]) -> Option<Vec<(Cow<'_, str>, Cow<'_, str>)>> {
    let mut out = Vec::new();
    while let Some((&name_len, rest)) = block.split_first() {
        let name = rest.get(..name_len as usize)?;
        let (&kind, rest) = rest.get(name_len as usize..)?.split_first()?;
        let fixed = |n: usize| Some((None, n));
        let (value, len) = match kind {
            0 | 1 => fixed(0)?,
            2 => fixed(1)?,
            3 => fixed(2)?,
            4 => fixed(4)?,
            5 | 8 => fixed(8)?,
            9 => fixed(16)?,
            6 | 7 => {
                let len = u16::from_be_bytes([*rest.first()?, *rest.get(1)?]) as usize;
                let bytes = rest.get(2..2 + len)?;
                (Some(bytes).filter(|_| kind == 7), 2 + len)
            }
            _ => return None,
        };
        rest.get(..len)?;
        if let Some(value) = value {
            out.push((
                String::from_utf8_lossy(name),
                String::from_utf8_lossy(value),
            ));
        }
        block = &rest[len..];
    }
    Some(out)
}

/// A Bedrock event stream, to read as the SSE stream of the same Anthropic events
/// (`first_line` is the number its first frame gets). `None` when its frames carry no
/// Anthropic event and no exception: another AWS stream (Bedrock's Converse API, say),
/// which this tool does not read.
pub fn to_sse(data: &[u8], first_line: usize) -> Option<SseStream<'_>> {
    let mut messages = messages(data).peekable();
    let none = messages.peek().is_none();
    let ours = messages.any(|m| {
        m.header(":message-type") != Some("event") || m.header(":event-type") == Some("chunk")
    });
    (none || ours).then(|| SseStream::bedrock(data, first_line))
}

/// Hands each event of a Bedrock stream to `each` (see [`to_sse`]), and says what framing
/// found. A frame that fails its CRC ends the stream with a warning and a framing defect
/// naming its offset; the frames before it are read.
pub(super) fn each_event<'a>(
    data: &'a [u8],
    first_line: usize,
    each: &mut impl FnMut(SseEvent<'a>) -> ControlFlow<()>,
) -> Framing {
    let mut out = Framing::default();
    // A hostile stream may hold millions of unreadable frames: the first few are reported.
    let mut unreadable = Repeats::default();
    let mut messages = messages(data);
    for (index, message) in messages.by_ref().enumerate() {
        let line = first_line + index;
        match event_of(&message) {
            Ok(Some((event, data))) => {
                let event = SseEvent {
                    event: event.into(),
                    data: data.into(),
                    line,
                };
                if each(event).is_break() {
                    return out;
                }
            }
            Ok(None) => {}
            Err(_) if !unreadable.report(line) => {}
            Err(why) => {
                out.warnings.push(Warning::SkippedFrame {
                    frame: index + 1,
                    offset: message.offset,
                    why,
                });
                out.defects.push(FramingDefect {
                    line,
                    kind: DefectKind::UnreadableFrame,
                });
            }
        }
    }
    if let Some((first, count)) = unreadable.counted() {
        out.warnings.push(Warning::MoreSkippedFrames {
            frame: first - first_line + 1,
            count,
        });
        out.defects.push(FramingDefect {
            line: first,
            kind: DefectKind::MoreUnreadableFrames { count },
        });
    }
    if let Some(broken) = messages.broken {
        let line = first_line + broken.frame;
        out.warnings.push(Warning::BrokenFrame {
            read: broken.frame,
            offset: broken.offset,
            why: broken.why,
        });
        if broken.corrupt {
            out.defects.push(FramingDefect {
                line,
                kind: DefectKind::CorruptFrame { why: broken.why },
            });
        }
    }
    out
}

/// The SSE event (name, data) one message stands for; `None` for a message that carries
/// no event (an `initial-response`).
fn event_of(message: &Message) -> Result<Option<(String, String)>, &'static str> {
    match message.header(":message-type").unwrap_or("event") {
        "exception" => {
            let kind = message.header(":exception-type").unwrap_or("exception");
            Ok(Some(error_event(kind, exception_message(message.payload))))
        }
        // The framing's own errors carry their code and text in headers.
        "error" => {
            let kind = message.header(":error-code").unwrap_or("error");
            let text = message.header(":error-message").map(str::to_string);
            Ok(Some(error_event(kind, text)))
        }
        _ => match message.header(":event-type") {
            Some("chunk") => chunk(message.payload).map(Some),
            Some("initial-response") => Ok(None),
            // Another event beside Anthropic ones: kept as it is, an unknown event.
            other => Ok(Some((
                other.unwrap_or("message").to_string(),
                String::from_utf8_lossy(message.payload).into_owned(),
            ))),
        },
    }
}

/// The Anthropic event a `chunk` payload's base64 `bytes` holds, named by its `type`.
fn chunk(payload: &[u8]) -> Result<(String, String), &'static str> {
    // Built within the budget of its length, as every capture's JSON is: a frame of
    // `[0,0,…]` would take 40 times its size.
    let value: Value =
        bounded_json::from_slice(payload).map_err(|err| match bounded_json::describe(&err) {
            Some(_) => "a chunk payload holding too many JSON values to read",
            None => "a chunk payload that is not JSON",
        })?;
    let encoded = value["bytes"]
        .as_str()
        .ok_or("a chunk payload with no `bytes` string")?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|_| "a chunk whose `bytes` are not base64")?;
    let data = String::from_utf8_lossy(&bytes).into_owned();
    let name = bounded_json::from_str(&data)
        .ok()
        .and_then(|v| v["type"].as_str().map(str::to_string))
        .unwrap_or_else(|| "chunk".to_string());
    Ok((name, data))
}

/// An exception's message: its JSON payload's `message` (or `Message`), else the payload.
fn exception_message(payload: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(payload);
    let from_json = bounded_json::from_str(&text).ok().and_then(|v| {
        ["message", "Message"]
            .iter()
            .find_map(|k| v[*k].as_str().map(str::to_string))
    });
    from_json
        .or_else(|| Some(text.trim().to_string()))
        .filter(|m| !m.is_empty())
}

/// An Anthropic `error` event for a stream's exception.
fn error_event(kind: &str, message: Option<String>) -> (String, String) {
    let mut error = json!({ "type": kind });
    if let Some(message) = message {
        error["message"] = Value::String(message);
    }
    let data = json!({ "type": "error", "error": error }).to_string();
    ("error".to_string(), data)
}

/// Builds event-stream frames, for tests and fixtures.
#[cfg(test)]
pub mod build {
    use base64::Engine;

    /// One frame with string headers.
    pub fn frame(headers: &[(&str, &str)], payload: &[u8]) -> Vec<u8> {
        let mut block = Vec::new();
        for (name, value) in headers {
            block.push(name.len() as u8);
            block.extend_from_slice(name.as_bytes());
            block.push(7);
            block.extend_from_slice(&(value.len() as u16).to_be_bytes());
            block.extend_from_slice(value.as_bytes());
        }
        let total = (16 + block.len() + payload.len()) as u32;
        let mut out = Vec::new();
        out.extend_from_slice(&total.to_be_bytes());
        out.extend_from_slice(&(block.len() as u32).to_be_bytes());
        out.extend_from_slice(&crc32fast::hash(&out).to_be_bytes());
        out.extend_from_slice(&block);
        out.extend_from_slice(payload);
        out.extend_from_slice(&crc32fast::hash(&out).to_be_bytes());
        out
    }

    /// A `chunk` event frame holding one Anthropic event's JSON.
    pub fn chunk(event: &str) -> Vec<u8> {
        let bytes = base64::engine::general_purpose::STANDARD.encode(event);
        let payload = format!("{{\"bytes\":\"{bytes}\",\"p\":\"abcdef\"}}");
        frame(
            &[
                (":event-type", "chunk"),
                (":content-type", "application/json"),
                (":message-type", "event"),
            ],
            payload.as_bytes(),
        )
    }

    /// An exception frame.
    pub fn exception(kind: &str, message: &str) -> Vec<u8> {
        frame(
            &[
                (":exception-type", kind),
                (":content-type", "application/json"),
                (":message-type", "exception"),
            ],
            format!("{{\"message\":\"{message}\"}}").as_bytes(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const START: &str = r#"{"type":"message_start","message":{"id":"msg_1","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":12,"output_tokens":1}}}"#;
    const TEXT: &str =
        r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}"#;

    #[test]
    fn a_frame_of_known_bytes() {
        // Worked by hand: 16 + 0 header bytes + 2 payload bytes = 18 = 0x12; the prelude
        // CRC is CRC32 of 00 00 00 12 00 00 00 00.
        let frame = build::frame(&[], b"{}");
        assert_eq!(&frame[..8], &[0, 0, 0, 0x12, 0, 0, 0, 0]);
        assert_eq!(
            be32(&frame[8..12]),
            crc32fast::hash(&[0, 0, 0, 0x12, 0, 0, 0, 0])
        );
        assert!(looks_like_eventstream(&frame));
        let mut read = messages(&frame);
        assert_eq!(read.next().map(|m| m.payload), Some(&b"{}"[..]));
        assert_eq!((read.next(), read.broken()), (None, None));
        assert!(!looks_like_eventstream(b"data: {}\n\n"));
        assert!(!looks_like_eventstream(b"{\"type\":\"message\",\"x\":1}"));
        assert!(!looks_like_eventstream(&frame[..11]));
    }

    #[test]
    fn a_chunk_that_is_no_json_is_a_defect_validate_reports() {
        let mut body = build::chunk(START);
        let headers = [
            (":event-type", "chunk"),
            (":content-type", "application/json"),
            (":message-type", "event"),
        ];
        body.extend(build::frame(&headers, b"not json"));
        let stream = to_sse(&body, 1).unwrap().framed();
        assert_eq!(stream.events.len(), 1);
        assert_eq!(stream.warnings.len(), 1, "{:?}", stream.warnings);
        assert_eq!(
            stream.defects,
            [FramingDefect {
                line: 2,
                kind: DefectKind::UnreadableFrame
            }]
        );
    }

    #[test]
    fn unreadable_frames_past_the_first_twenty_are_counted_once() {
        let headers = [
            (":event-type", "chunk"),
            (":content-type", "application/json"),
            (":message-type", "event"),
        ];
        let mut body = build::chunk(START);
        for _ in 0..30 {
            body.extend(build::frame(&headers, b"not json"));
        }
        let stream = to_sse(&body, 1).unwrap().framed();
        // Frame 1 is the start; frames 2 to 21 are reported, 22 to 31 counted.
        assert_eq!(stream.warnings.len(), 21);
        assert_eq!(
            stream.warnings[20].to_string(),
            "and 10 more event-stream frames that hold no readable event (the first is frame \
             22); skipped"
        );
        assert_eq!(stream.defects.len(), 21);
        assert_eq!(
            stream.defects[20],
            FramingDefect {
                line: 22,
                kind: DefectKind::MoreUnreadableFrames { count: 10 }
            }
        );
    }

    #[test]
    fn chunks_become_the_anthropic_events_they_hold() {
        let mut body = build::chunk(START);
        body.extend(build::chunk(TEXT));
        let stream = to_sse(&body, 1).unwrap().framed();
        let got: Vec<(&str, &str, usize)> = stream
            .events
            .iter()
            .map(|e| (&*e.event, &*e.data, e.line))
            .collect();
        assert_eq!(
            got,
            [
                ("message_start", START, 1),
                ("content_block_delta", TEXT, 2)
            ]
        );
        assert!(stream.warnings.is_empty() && stream.defects.is_empty());
    }

    #[test]
    fn an_exception_is_an_error_event() {
        let body = build::exception("throttlingException", "Too many requests");
        let stream = to_sse(&body, 1).unwrap().framed();
        assert_eq!(stream.events[0].event, "error");
        assert_eq!(
            stream.events[0].data,
            r#"{"type":"error","error":{"type":"throttlingException","message":"Too many requests"}}"#
        );
    }

    #[test]
    fn a_bad_crc_ends_the_stream_and_names_its_offset() {
        let first = build::chunk(START);
        let mut second = build::chunk(TEXT);
        let last = second.len() - 10;
        second[last] ^= 0xff;
        let mut body = first.clone();
        body.extend(&second);
        body.extend(build::chunk(TEXT));
        let stream = to_sse(&body, 1).unwrap().framed();
        assert_eq!(stream.events.len(), 1);
        assert_eq!(
            stream
                .warnings
                .iter()
                .map(|w| w.to_string())
                .collect::<Vec<_>>(),
            [format!(
                "event-stream frame 2 at byte {}: its message CRC does not match; \
                 the 1 frame before it was read",
                first.len()
            )]
        );
        assert_eq!(
            stream.defects,
            [FramingDefect {
                line: 2,
                kind: DefectKind::CorruptFrame {
                    why: "its message CRC does not match"
                }
            }]
        );
        // A frame cut short is a truncation, not a corruption.
        let cut = &body[..first.len() + 20];
        let stream = to_sse(cut, 1).unwrap().framed();
        assert_eq!(stream.events.len(), 1);
        assert!(
            matches!(&stream.warnings[..], [Warning::BrokenFrame { why, .. }] if why.starts_with("cut short")),
            "{:?}",
            stream.warnings
        );
        assert!(stream.defects.is_empty());
        // Frames of another API (Converse) are no stream this tool reads.
        let converse = build::frame(
            &[
                (":event-type", "contentBlockDelta"),
                (":message-type", "event"),
            ],
            b"{}",
        );
        assert!(to_sse(&converse, 1).is_none());
    }

    #[test]
    fn a_bad_first_frame_is_an_unreadable_stream_not_another_api() {
        let good = build::chunk(START);
        assert_eq!(first_frame_unreadable(&good, None), None);
        assert_eq!(first_frame_unreadable(b"data: {}\n\n", None), None);
        assert_eq!(
            first_frame_unreadable(
                b"{\"message\":\"x\"}",
                Some("application/vnd.amazon.eventstream")
            ),
            None
        );
        // Every single-bit flip of the first frame: its prelude CRC, its message CRC or its
        // headers fail, and the stream is named unreadable at byte 0.
        for bit in 0..good.len() * 8 {
            let mut flipped = good.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            let broken = first_frame_unreadable(&flipped, None)
                .unwrap_or_else(|| panic!("bit {bit} passed as readable or as no stream"));
            assert_eq!((broken.offset, broken.frame), (0, 0), "bit {bit}");
        }
        // Cut inside its first frame, under the content type that says what it is.
        let cut = &good[..good.len() / 2];
        let broken =
            first_frame_unreadable(cut, Some("application/vnd.amazon.eventstream")).unwrap();
        assert!(broken.why.contains("cut short"), "{broken:?}");
    }

    #[test]
    fn headers_of_every_type_are_passed_over() {
        // bool true, byte, short, int, long, bytes, timestamp, uuid, then a string.
        let mut block = Vec::new();
        for (kind, value) in [
            (0u8, vec![]),
            (2, vec![1]),
            (3, vec![0, 1]),
            (4, vec![0; 4]),
            (5, vec![0; 8]),
            (6, vec![0, 2, 0xff, 0xfe]),
            (8, vec![0; 8]),
            (9, vec![0; 16]),
        ] {
            block.extend([1, b'x', kind]);
            block.extend(value);
        }
        block.extend([2, b'o', b'k', 7, 0, 3, b'y', b'e', b's']);
        assert_eq!(headers(&block), Some(vec![("ok".into(), "yes".into())]));
        assert_eq!(headers(&[1, b'x', 10]), None);
        assert_eq!(headers(&[1, b'x', 7, 0, 9, b'a']), None);
    }
}
