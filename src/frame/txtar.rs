//! txtar archives, as aibridge stores its fixtures: a free-form comment, then sections,
//! each opened by a line `-- NAME --` and running to the next such line or the end.
//!
//! A byte parser of its own: no maintained crate handles txtar, and the format is a
//! dozen lines. Sections keep the line they start on so findings can point into the file.

/// One `-- NAME --` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section<'a> {
    pub name: &'a str,
    /// Its text, less any byte order mark it starts with (no part of any format; hostile
    /// run 67: a section opening with one was no HTTP message).
    pub body: &'a [u8],
    /// 1-based line of the section's first body line in the archive.
    pub first_line: usize,
    /// Where its response starts in `body`, when it holds a request and then its response
    /// and decoding found where, in the section as stored (decoded, a request's body no
    /// longer fits its `Content-Length`, nor its chunks: hostile run 67). `None`: told
    /// from `body` itself ([`super::request_then_response`]).
    pub answer_at: Option<usize>,
}

/// The section name of a marker line (`-- NAME --`, a trailing `\r` allowed), if it is one.
fn marker(line: &[u8]) -> Option<&str> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let inner = line.strip_prefix(b"-- ")?.strip_suffix(b" --")?;
    let name = std::str::from_utf8(inner).ok()?.trim();
    (!name.is_empty()).then_some(name)
}

/// The most sections a fixture is read with. An aibridge fixture has a handful (a request,
/// streaming and blocking answers, their follow-ups); each costs an exchange and a turn, so a
/// file of millions of `-- sN --` lines would cost gigabytes. Past this many the rest of the
/// file is not split, and framing refuses it ([`super::FrameError::TooManySections`]).
pub const MAX_SECTIONS: usize = 10_000;

/// The comment and sections of `data`, or `None` when it has no marker line (so it is no txtar).
/// At most [`MAX_SECTIONS`] + 1 sections: the last of so many runs to the end of the file.
pub fn parse(data: &[u8]) -> Option<(&[u8], Vec<Section<'_>>)> {
    let mut comment_end = None;
    let mut sections: Vec<Section> = Vec::new();
    let mut open: Option<(&str, usize, usize)> = None; // name, body start, first line
    let mut pos = 0;
    let mut number = 0;
    while pos < data.len() {
        number += 1;
        let end = memchr::memchr(b'\n', &data[pos..]).map_or(data.len(), |i| pos + i + 1);
        let line = data[pos..end]
            .strip_suffix(b"\n")
            .unwrap_or(&data[pos..end]);
        // Markers only start lines, so only lines starting with "-- " are worth a look.
        if line.starts_with(b"-- ") && sections.len() <= MAX_SECTIONS {
            if let Some(name) = marker(line) {
                if let Some((name, start, first_line)) = open.take() {
                    sections.push(Section {
                        name,
                        body: super::bom::strip(&data[start..pos]),
                        first_line,
                        answer_at: None,
                    });
                }
                comment_end.get_or_insert(pos);
                open = Some((name, end, number + 1));
            }
        }
        pos = end;
    }
    let (name, start, first_line) = open?;
    sections.push(Section {
        name,
        body: super::bom::strip(&data[start..]),
        first_line,
        answer_at: None,
    });
    Some((&data[..comment_end.unwrap_or(0)], sections))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_with_lines() {
        let (comment, s) =
            parse(b"comment\n-- request --\n{}\n-- streaming --\r\ndata: x\n\n").unwrap();
        assert_eq!(comment, b"comment\n");
        assert_eq!(s.len(), 2);
        assert_eq!(
            (s[0].name, s[0].body, s[0].first_line),
            ("request", &b"{}\n"[..], 3)
        );
        assert_eq!(
            (s[1].name, s[1].body, s[1].first_line),
            ("streaming", &b"data: x\n\n"[..], 5)
        );
    }

    #[test]
    fn no_marker_is_not_txtar() {
        assert!(parse(b"data: x\n\n").is_none());
        assert!(parse(b"-- --\n").is_none());
    }

    #[test]
    fn empty_last_section() {
        let (_, s) = parse(b"-- a --").unwrap();
        assert_eq!((s[0].name, s[0].body), ("a", &b""[..]));
    }
}
