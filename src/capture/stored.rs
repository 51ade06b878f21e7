//! A stored capture file with its HTTP bodies decoded (de-chunked, decompressed), split
//! once into its txtar sections when it is a fixture, and the way back from the decoded
//! text's lines to the file's.
//!
//! Decoding rewrites bodies only; heads, txtar markers and untouched sections keep their
//! text, so their lines just shift. A decoded body's lines are no lines of the file (a
//! compressed body has none worth the name): a line inside one maps to the body's first
//! line in the file, with its line in the decoded body said apart.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::ops::Range;

use super::lines::Lines;
use crate::frame::txtar::Section;
use crate::frame::{bom, coding, http, line_ends_after, request_then_response, txtar_of};
use crate::read::decompress;
use crate::warning::Warning;

/// A capture file as framing reads it.
pub struct Stored<'a> {
    /// The text, its HTTP bodies decoded.
    pub data: Cow<'a, [u8]>,
    /// What decoding found amiss (an unknown `Content-Encoding`, say) outside a txtar's
    /// sections: said of every turn. A section's own are kept with it
    /// ([`Stored::section_warnings`]), so that N sections do not make N² warnings.
    pub warnings: Vec<Warning>,
    split: Option<Split>,
    /// Where the response starts in [`Stored::data`], for a request and then its response:
    /// found once in the file as stored, since a decoded body no longer fits the
    /// `Content-Length` its head still gives.
    answer_at: Option<usize>,
    /// How decoded lines map to the file's, in line order; empty when nothing was decoded.
    runs: Vec<Run>,
    /// The file as stored, whose last line clamps the lines findings point at: counted
    /// only when a finding asks (a whole pass over the file), once.
    file: &'a [u8],
    last: OnceCell<usize>,
}

/// Where a txtar's comment and sections stand in the decoded text.
struct Split {
    comment_end: usize,
    sections: Vec<Span>,
}

struct Span {
    name: String,
    body: Range<usize>,
    first_line: usize,
    /// What decoding said of it.
    said: Said,
}

/// Lines that start together in the decoded text and in the file: a txtar section from its
/// marker on, or the whole file.
struct Run {
    decoded: usize,
    original: usize,
    /// Where the body decoding rewrote starts: (decoded line, file line).
    rewritten: Option<(usize, usize)>,
}

/// Why a stored file cannot be read: a body says it is compressed but does not decompress.
pub use crate::frame::coding::Undecodable;

impl<'a> Stored<'a> {
    /// `data` decoded, split when it is a txtar. All its bodies share one decompression
    /// budget: the input's, or one based on `data`'s size.
    pub fn of(data: &'a [u8]) -> Result<Stored<'a>, Undecodable> {
        decompress::within(data.len(), || Stored::decode(data))
    }

    fn decode(data: &'a [u8]) -> Result<Stored<'a>, Undecodable> {
        let file = data;
        // A byte order mark is no part of any format (and moves no line).
        let data = bom::strip(data);
        let Some((comment, sections)) = txtar_of(data) else {
            let mut warnings = Vec::new();
            let Messages { text, asked } = messages(data, &mut warnings)?;
            let runs = match &text {
                Cow::Borrowed(_) => Vec::new(),
                Cow::Owned(decoded) => pair_runs(data, decoded, asked, (1, 1), 0),
            };
            return Ok(Stored {
                answer_at: asked.map(|(_, decoded)| decoded),
                data: text,
                warnings,
                split: None,
                runs,
                file,
                last: OnceCell::new(),
            });
        };
        // Sections are decoded one at a time, each into the text rebuilt around the
        // decoded bodies (only once one was decoded): never two copies of every body.
        let mut rebuilt: Option<Rebuilt> = None;
        let limit = HELD_FLOOR.saturating_add(data.len());
        let mut said = Vec::with_capacity(sections.len());
        for (at, section) in sections.iter().enumerate() {
            let mut own = Vec::new();
            let (body, asked, undecodable) = match section_body(section.body, &mut own) {
                Ok(Messages { text, asked }) => (text, asked, None),
                // Every response answers the request: without it, none is read as asked.
                Err(why) if section.name == "request" => {
                    return Err(Undecodable::RequestSection(Box::new(why)));
                }
                Err(why) => {
                    own.clear();
                    (Cow::Borrowed(section.body), None, Some(why))
                }
            };
            said.push(Said {
                warnings: own,
                undecodable,
                answer_at: asked.map(|(_, decoded)| decoded),
            });
            if rebuilt.is_none() && matches!(body, Cow::Borrowed(_)) {
                continue;
            }
            let text = rebuilt.get_or_insert_with(|| Rebuilt::new(comment, &sections[..at]));
            text.push(section, &body, asked);
            if text.out.len() > limit {
                return Err(Undecodable::TooMuchDecoded { limit });
            }
        }
        let Some(Rebuilt {
            out,
            mut spans,
            runs,
            ..
        }) = rebuilt
        else {
            let mut spans: Vec<Span> = sections.iter().map(|s| span_of(data, s)).collect();
            keep_with(&mut spans, said);
            let split = Split {
                comment_end: comment.len(),
                sections: spans,
            };
            return Ok(Stored {
                data: Cow::Borrowed(data),
                warnings: Vec::new(),
                answer_at: None,
                split: Some(split),
                runs: Vec::new(),
                file,
                last: OnceCell::new(),
            });
        };
        keep_with(&mut spans, said);
        Ok(Stored {
            data: Cow::Owned(out),
            warnings: Vec::new(),
            answer_at: None,
            split: Some(Split {
                comment_end: comment.len(),
                sections: spans,
            }),
            runs,
            file,
            last: OnceCell::new(),
        })
    }

    /// The comment and sections of a txtar fixture, as slices of [`Stored::data`].
    pub fn txtar(&self) -> Option<(&[u8], Vec<Section<'_>>)> {
        let split = self.split.as_ref()?;
        let sections = split
            .sections
            .iter()
            .map(|s| Section {
                name: &s.name,
                body: &self.data[s.body.clone()],
                first_line: s.first_line,
                answer_at: s.said.answer_at,
            })
            .collect();
        Some((&self.data[..split.comment_end], sections))
    }

    /// What decoding each txtar section found amiss, in the order of [`Stored::txtar`]'s
    /// sections (nothing for a file that is no txtar).
    pub fn section_warnings(&self) -> impl Iterator<Item = &[Warning]> {
        self.spans().iter().map(|s| &s.said.warnings[..])
    }

    /// Why each txtar section's body could not be decoded, if it could not, in the order
    /// of [`Stored::txtar`]'s sections: such a section is kept as stored, and fails alone.
    pub fn section_failures(&self) -> impl Iterator<Item = Option<&Undecodable>> {
        self.spans().iter().map(|s| s.said.undecodable.as_ref())
    }

    fn spans(&self) -> &[Span] {
        self.split.as_ref().map_or(&[], |s| &s.sections[..])
    }

    /// Every warning decoding said, the file's and its sections': for a file whose
    /// sections give no turns of their own (a dump's request half), so none is lost.
    pub fn every_warning(&self) -> Vec<Warning> {
        let sections = self.section_warnings().flatten();
        self.warnings.iter().chain(sections).cloned().collect()
    }

    /// The request and the response, for a file holding a request and then its response.
    pub fn request_then_response(&self) -> Option<(&[u8], &[u8])> {
        Some(self.data.split_at(self.answer_at?))
    }

    /// The file's last line (counted on the first call).
    pub fn last_line(&self) -> usize {
        *self.last.get_or_init(|| Lines::new(self.file).last())
    }

    /// The file line of decoded line `line`, and its line in the decoded body when it is
    /// one of a rewritten body.
    pub fn file_line(&self, line: usize) -> (usize, Option<usize>) {
        let Some(run) = self.runs.iter().rev().find(|r| r.decoded <= line) else {
            // Nothing decoded, or before the first section: the txtar comment, never
            // rewritten.
            return (line.min(self.last_line()), None);
        };
        let (line, in_body) = match run.rewritten {
            Some((decoded, original)) if line >= decoded => (original, Some(line - decoded + 1)),
            _ => (run.original + (line - run.decoded), None),
        };
        (line.min(self.last_line()), in_body)
    }
}

/// What a txtar's decoded bodies may come to together, above the file's size: they are all
/// held at once, in the text rebuilt around them, beside the file and the body being
/// decoded (up to the decompression bound's floor, 64 MiB). A real fixture's are far below.
const HELD_FLOOR: usize = 24 << 20;

/// A txtar's text rebuilt with its decoded bodies, and where each section now stands.
struct Rebuilt {
    out: Vec<u8>,
    /// The line the next section's marker takes.
    line: usize,
    spans: Vec<Span>,
    runs: Vec<Run>,
}

impl Rebuilt {
    /// The comment and the `earlier` sections, none of them decoded.
    fn new(comment: &[u8], earlier: &[Section]) -> Rebuilt {
        let mut text = Rebuilt {
            out: comment.to_vec(),
            line: 1 + count_lines(comment),
            spans: Vec::new(),
            runs: Vec::new(),
        };
        for section in earlier {
            text.push(section, section.body, None);
        }
        text
    }

    /// Adds `section` with its `body` decoded; `asked` as [`Messages::asked`] says.
    fn push(&mut self, section: &Section, body: &[u8], asked: Option<(usize, usize)>) {
        self.out
            .extend_from_slice(format!("-- {} --\n", section.name).as_bytes());
        let start = self.out.len();
        self.out.extend_from_slice(body);
        let lines = (section.first_line - 1, self.line);
        let runs = pair_runs(section.body, body, asked, lines, 1);
        self.runs.extend(runs);
        self.spans.push(Span {
            name: section.name.to_string(),
            body: start..self.out.len(),
            first_line: self.line + 1,
            said: Said::default(),
        });
        self.line += 1 + count_lines(body);
    }
}

/// A section's body decoded. The line end before the next marker is the txtar's, not the
/// body's: a compressed body decoded with it would look cut short. A decoded body gets its
/// line end back, so the next marker stays a line of its own. A section may hold a request
/// and then its response, as a file may: each is decoded.
fn section_body<'a>(
    body: &'a [u8],
    warnings: &mut Vec<Warning>,
) -> Result<Messages<'a>, Undecodable> {
    let message = body.strip_suffix(b"\n").unwrap_or(body);
    let message = message.strip_suffix(b"\r").unwrap_or(message);
    let Messages { text, asked } = messages(message, warnings)?;
    let text = match text {
        Cow::Borrowed(_) => Cow::Borrowed(body),
        Cow::Owned(mut decoded) => {
            if !decoded.ends_with(b"\n") {
                decoded.push(b'\n');
            }
            Cow::Owned(decoded)
        }
    };
    Ok(Messages { text, asked })
}

/// The text of one or two HTTP messages (a file's, or a txtar section's), their bodies
/// decoded.
struct Messages<'a> {
    text: Cow<'a, [u8]>,
    /// For a request and then its response: the request's length as stored and as
    /// decoded (where the response starts in [`Messages::text`]).
    asked: Option<(usize, usize)>,
}

/// `data` with each message's body decoded in place: a request's and then its response's
/// when it holds both ([`request_then_response`]), else its one message's. Each decoded
/// body is extended in place, not copied: a body may be as large as the decompression bound
/// allows.
fn messages<'a>(data: &'a [u8], warnings: &mut Vec<Warning>) -> Result<Messages<'a>, Undecodable> {
    let pair = request_then_response(data);
    let (asked, answer) = pair.unwrap_or((&data[..0], data));
    let (message, ends) = line_ends_after(asked);
    let asked_decoded = match coding::message(message, warnings)? {
        // The response keeps a line of its own after a decoded body, so that it is found
        // again where a decoded body no longer fits its `Content-Length` (a section's).
        Cow::Owned(mut text) => {
            text.extend_from_slice(if ends.is_empty() { b"\n" } else { ends });
            Cow::Owned(text)
        }
        Cow::Borrowed(_) => Cow::Borrowed(asked),
    };
    let answer_decoded = coding::message(answer, warnings)?;
    let asked_len = asked_decoded.len();
    let text = match (asked_decoded, answer_decoded) {
        (Cow::Borrowed(_), Cow::Borrowed(_)) => Cow::Borrowed(data),
        (Cow::Owned(mut asked), answer) => {
            asked.extend_from_slice(&answer);
            Cow::Owned(asked)
        }
        (Cow::Borrowed(asked), answer) => {
            let mut whole = answer.into_owned();
            whole.splice(0..0, asked.iter().copied());
            Cow::Owned(whole)
        }
    };
    Ok(Messages {
        text,
        asked: pair.map(|(asked, _)| (asked.len(), asked_len)),
    })
}

/// The runs of `before` decoded into `after`, one message or a request and its response
/// (`asked`, as [`Messages::asked`] says), starting on `lines` (file, decoded) with `above`
/// lines before the first message (see [`run`]).
fn pair_runs(
    before: &[u8],
    after: &[u8],
    asked: Option<(usize, usize)>,
    (original, decoded): (usize, usize),
    above: usize,
) -> Vec<Run> {
    let Some((stored, rewritten)) = asked else {
        return vec![run(before, after, (original, decoded), above)];
    };
    let (asked_before, asked_after) = (&before[..stored], &after[..rewritten]);
    let answer_lines = (
        original + above + count_lines(asked_before),
        decoded + above + count_lines(asked_after),
    );
    vec![
        run(asked_before, asked_after, (original, decoded), above),
        run(&before[stored..], &after[rewritten..], answer_lines, 0),
    ]
}

fn span_of(data: &[u8], section: &Section) -> Span {
    let start = section.body.as_ptr() as usize - data.as_ptr() as usize;
    Span {
        name: section.name.to_string(),
        body: start..start + section.body.len(),
        first_line: section.first_line,
        said: Said::default(),
    }
}

/// What decoding said of one txtar section.
#[derive(Default)]
struct Said {
    /// What it found amiss in the section's body: its own turn's concern.
    warnings: Vec<Warning>,
    /// Why the section's body could not be decoded at all (it is kept as stored): its own
    /// failure, not the file's (hostile run 65: one cut gzip body lost every other
    /// section's turn).
    undecodable: Option<Undecodable>,
    /// Where the response starts in the body, for a request and then its response.
    answer_at: Option<usize>,
}

/// Gives each section what decoding said of it (`said`, in section order).
fn keep_with(spans: &mut [Span], said: Vec<Said>) {
    for (span, own) in spans.iter_mut().zip(said) {
        span.said = own;
    }
}

fn count_lines(text: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', text).count()
}

/// The run of one HTTP message, `before` and `after` decoding, starting on line `original`
/// of the file and `decoded` of the decoded text, with `above` lines (a section's marker)
/// before the message. Decoding keeps the head as it was.
fn run(before: &[u8], after: &[u8], (original, decoded): (usize, usize), above: usize) -> Run {
    let rewritten = (before != after).then(|| {
        let head = http::split(before).map_or(0, |(head, _)| head.lines);
        (decoded + above + head, original + above + head)
    });
    Run {
        decoded,
        original,
        rewritten,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::decompress::gzip;

    #[test]
    fn lines_after_a_rewritten_section_shift_back() {
        // 1 comment, 2 marker, 3 `{}`, 4 marker, 5-7 head, 8 gzip bytes (decoded: 8-10),
        // then a marker and a section of its own.
        let mut data =
            b"c\n-- request --\n{}\n-- non-streaming --\nHTTP/1.1 200 OK\nContent-Encoding: gzip\n\n"
                .to_vec();
        data.extend(gzip(b"{\n\"a\":\n1}\n"));
        data.extend(b"\n-- streaming --\ndata: {}\n\n");
        let stored = Stored::of(&data).unwrap();
        assert!(matches!(stored.data, Cow::Owned(_)));
        // The streaming section's data line, wherever the gzip bytes put it in the file.
        let data_line = data.windows(8).position(|w| w == b"data: {}").unwrap();
        let data_line = data[..data_line].iter().filter(|&&b| b == b'\n').count() + 1;
        assert_eq!(stored.file_line(3), (3, None));
        assert_eq!(stored.file_line(6), (6, None));
        assert_eq!(stored.file_line(9), (8, Some(2)));
        assert_eq!(stored.file_line(12), (data_line, None));
    }

    #[test]
    fn decoded_sections_are_found_without_a_second_split() {
        let mut data =
            b"c\n-- request --\n{}\n-- non-streaming --\nHTTP/1.1 200 OK\nContent-Encoding: gzip\n\n"
                .to_vec();
        data.extend(gzip(b"{\"a\":1}"));
        data.extend(b"\n-- streaming --\ndata: {}\n\n");
        let stored = Stored::of(&data).unwrap();
        let (comment, sections) = stored.txtar().unwrap();
        let again = crate::frame::txtar::parse(&stored.data).unwrap();
        assert_eq!(comment, again.0);
        assert_eq!(sections, again.1);
        assert!(sections[1].body.ends_with(b"\n\n{\"a\":1}\n"));
    }

    #[test]
    fn a_single_message_keeps_its_head_lines() {
        let mut data = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        data.extend(b"5\r\n{\"a\":\r\n3\r\n 1}\r\n0\r\n\r\n");
        let stored = Stored::of(&data).unwrap();
        assert_eq!(&stored.data[stored.data.len() - 8..], b"{\"a\": 1}");
        assert_eq!(stored.file_line(2), (2, None));
        assert_eq!(stored.file_line(4), (4, Some(1)));
    }

    #[test]
    fn a_compressed_txtar_section_keeps_the_next_section() {
        let packed = gzip(b"{\"a\":1}");
        let mut data =
            b"-- non-streaming --\nHTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
        data.extend_from_slice(&packed);
        data.extend_from_slice(b"\n-- streaming --\ndata: {}\n\n");
        let decoded = Stored::of(&data).unwrap();
        assert!(decoded.warnings.is_empty(), "{:?}", decoded.warnings);
        let (_, sections) = crate::frame::txtar::parse(&decoded.data).unwrap();
        let names: Vec<&str> = sections.iter().map(|s| s.name).collect();
        assert_eq!(names, ["non-streaming", "streaming"]);
        assert!(sections[0].body.ends_with(b"{\"a\":1}\n"));
    }

    #[test]
    fn a_sections_decoding_warnings_stay_with_it() {
        let odd = "HTTP/1.1 200 OK\nContent-Encoding: br2\n\ndata: {}\n\n";
        let data =
            format!("-- request --\n{{}}\n-- a --\n{odd}-- b --\ndata: {{}}\n\n-- c --\n{odd}");
        let stored = Stored::of(data.as_bytes()).unwrap();
        assert!(stored.warnings.is_empty(), "{:?}", stored.warnings);
        let said: Vec<usize> = stored.section_warnings().map(<[_]>::len).collect();
        assert_eq!(said, [0, 1, 0, 1]);
        assert_eq!(stored.every_warning().len(), 2);
    }

    #[test]
    fn txtar_sections_are_decoded_in_place() {
        let packed = gzip(b"{\"type\":\"message\"}");
        let mut data = b"comment\n-- request --\n{}\n-- non-streaming --\nHTTP/1.1 200 OK\nContent-Encoding: gzip\n\n".to_vec();
        data.extend_from_slice(&packed);
        let decoded = Stored::of(&data).unwrap();
        assert!(
            // A decoded body ends its line, so a marker after it would stay a line of its own.
            decoded.data.ends_with(b"\n\n{\"type\":\"message\"}\n"),
            "{:?}",
            String::from_utf8_lossy(&decoded.data)
        );
        assert!(decoded.data.starts_with(b"comment\n-- request --\n{}\n"));
    }
}
