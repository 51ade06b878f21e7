//! Captures whose HTTP bodies were stored chunked or compressed. They are checked as
//! `inspect` reads them, with [`coding::decode`] undone first, so a gzip'd section is not
//! taken for a broken body; this module carries the findings' lines back to the file.
//!
//! Decoding rewrites bodies only; heads, txtar markers and untouched sections keep their
//! text, so their lines just shift. A decoded body's lines are no lines of the file (a
//! compressed body has none worth the name): findings inside one point at the body's first
//! line in the file and say which line of the decoded body they mean.

use std::borrow::Cow;

use super::lines::Lines;
use crate::diagnostic::Finding;
use crate::frame::{coding, http, txtar};

/// A capture with its HTTP bodies decoded, and the way back to the file's lines.
pub struct DecodedLines<'a> {
    pub data: Cow<'a, [u8]>,
    /// How decoded lines map to the file's, in line order; empty when nothing was decoded.
    runs: Vec<Run>,
    /// The file's last line.
    last: usize,
}

/// Lines that start together in the decoded text and in the file: a txtar section from its
/// marker on, or the whole file.
struct Run {
    decoded: usize,
    original: usize,
    /// Where the body decoding rewrote starts: (decoded line, file line).
    rewritten: Option<(usize, usize)>,
}

impl<'a> DecodedLines<'a> {
    /// `data` decoded as `inspect` decodes it. `Err` when a body says it is compressed but
    /// does not decompress.
    pub fn of(data: &'a [u8]) -> Result<DecodedLines<'a>, String> {
        let decoded = coding::decode(data)?.data;
        let runs = match &decoded {
            Cow::Borrowed(_) => Vec::new(),
            Cow::Owned(text) => runs(data, text),
        };
        Ok(DecodedLines {
            data: decoded,
            runs,
            last: Lines::new(data).last(),
        })
    }

    /// Puts the lines of findings made on the decoded text back onto the file.
    pub fn restore(&self, findings: &mut [Finding]) {
        if self.runs.is_empty() {
            return;
        }
        for finding in findings {
            let Some(line) = finding.line else { continue };
            let (line, in_body) = self.line(line);
            finding.line = Some(line.min(self.last));
            if let Some(n) = in_body {
                finding
                    .message
                    .push_str(&format!(" (line {n} of the decoded body)"));
            }
        }
    }

    /// The file line of decoded line `line`, and its line in the decoded body when it is
    /// one of a rewritten body.
    fn line(&self, line: usize) -> (usize, Option<usize>) {
        let Some(run) = self.runs.iter().rev().find(|r| r.decoded <= line) else {
            // Before the first section: the txtar comment, never rewritten.
            return (line, None);
        };
        match run.rewritten {
            Some((decoded, original)) if line >= decoded => (original, Some(line - decoded + 1)),
            _ => (run.original + (line - run.decoded), None),
        }
    }
}

/// The runs of a decoded capture: one per txtar section (from its marker line), or one for
/// a single HTTP message.
fn runs(original: &[u8], decoded: &[u8]) -> Vec<Run> {
    match (txtar::parse(original), txtar::parse(decoded)) {
        (Some((_, before)), Some((_, after))) => before
            .iter()
            .zip(&after)
            .map(|(o, d)| run(o.body, d.body, (o.first_line - 1, d.first_line - 1), 1))
            .collect(),
        _ => vec![run(original, decoded, (1, 1), 0)],
    }
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
    use crate::diagnostic::Severity;
    use crate::read::decompress::gzip;

    fn at(line: usize) -> Finding {
        Finding {
            line: Some(line),
            severity: Severity::Error,
            rule: "parse-body-json",
            message: "m".into(),
        }
    }

    #[test]
    fn lines_after_a_rewritten_section_shift_back() {
        // 1 comment, 2 marker, 3 `{}`, 4 marker, 5-7 head, 8 gzip bytes (decoded: 8-10),
        // then a marker and a section of its own.
        let mut data =
            b"c\n-- request --\n{}\n-- non-streaming --\nHTTP/1.1 200 OK\nContent-Encoding: gzip\n\n"
                .to_vec();
        data.extend(gzip(b"{\n\"a\":\n1}\n"));
        data.extend(b"\n-- streaming --\ndata: {}\n\n");
        let decoded = DecodedLines::of(&data).unwrap();
        assert!(matches!(decoded.data, Cow::Owned(_)));
        // The streaming section's data line, wherever the gzip bytes put it in the file.
        let data_line = data.windows(8).position(|w| w == b"data: {}").unwrap();
        let data_line = data[..data_line].iter().filter(|&&b| b == b'\n').count() + 1;
        let mut findings = [at(3), at(6), at(9), at(12)];
        decoded.restore(&mut findings);
        assert_eq!(findings[0].line, Some(3));
        assert_eq!(findings[1].line, Some(6));
        assert_eq!(
            (findings[2].line, findings[2].message.as_str()),
            (Some(8), "m (line 2 of the decoded body)")
        );
        assert_eq!(findings[3].line, Some(data_line));
    }

    #[test]
    fn a_single_message_keeps_its_head_lines() {
        let mut data = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        data.extend(b"5\r\n{\"a\":\r\n3\r\n 1}\r\n0\r\n\r\n");
        let decoded = DecodedLines::of(&data).unwrap();
        assert_eq!(&decoded.data[decoded.data.len() - 8..], b"{\"a\": 1}");
        let mut findings = [at(2), at(4)];
        decoded.restore(&mut findings);
        assert_eq!(findings[0].line, Some(2));
        assert_eq!(
            (findings[1].line, findings[1].message.as_str()),
            (Some(4), "m (line 1 of the decoded body)")
        );
    }
}
