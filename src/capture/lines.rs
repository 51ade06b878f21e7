//! Line numbers of one text, for everything that points into a capture.
//!
//! Framing hands out slices of the text it was given (txtar section bodies, HTTP bodies,
//! JSON bodies with their leading blanks trimmed), so the line of any of them is found
//! from where the slice starts inside the text: no layer has to carry offsets for the
//! sake of the consumers that point at lines.

use std::cell::RefCell;

/// The line starts of one text. Not every line end is kept, only one every [`STRIDE`] ends
/// or [`SPAN`] bytes: a text of millions of short (or blank) lines would otherwise take
/// eight bytes per line, many times its own size; a line is found from the mark before it
/// by counting the few ends between. The text is scanned only as far as a question needs:
/// most files are asked about their first lines alone (an event stream counts its own lines
/// as it is framed), so their bodies are never scanned here.
pub struct Lines<'a> {
    data: &'a [u8],
    scan: RefCell<Scan>,
}

/// How far [`Lines`] has scanned its text, and the marks it made on the way.
#[derive(Default)]
struct Scan {
    /// Marks in order: a line end's byte offset, and how many line ends there are up to
    /// and including it.
    marks: Vec<(usize, usize)>,
    /// Bytes before this offset are scanned.
    to: usize,
    /// How many line ends the scanned bytes hold.
    count: usize,
    /// The last mark (offset and count), or the start.
    last: (usize, usize),
}

/// The most line ends between two marks.
const STRIDE: usize = 256;
/// After this many bytes since the last mark, the next line end is marked, so that finding
/// a line counts over few bytes.
const SPAN: usize = 4096;
/// The least a scan reads ahead at once, so that many questions about nearby lines cost
/// one pass of `memchr`, not many short ones.
const SCAN_AHEAD: usize = 64 * 1024;

/// The line ends of `text` (a part of `data` starting at `from`), as byte offsets in `data`:
/// LF, CRLF (at its LF) or a lone CR, as event streams count them.
fn ends(data: &[u8], from: usize, to: usize) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr2_iter(b'\n', b'\r', &data[from..to])
        .map(move |at| at + from)
        .filter(|&at| data[at] == b'\n' || data.get(at + 1) != Some(&b'\n'))
}

impl<'a> Lines<'a> {
    /// Lines end at LF, CRLF or a lone CR, as event streams count them.
    pub fn new(data: &'a [u8]) -> Self {
        Lines {
            data,
            scan: RefCell::default(),
        }
    }

    /// Scans at least up to `offset` (or the end), marking line ends on the way.
    fn scan_to(&self, offset: usize) -> std::cell::RefMut<'_, Scan> {
        let mut scan = self.scan.borrow_mut();
        if scan.to < offset {
            let to = offset.max(scan.to + SCAN_AHEAD).min(self.data.len());
            for at in ends(self.data, scan.to, to) {
                scan.count += 1;
                let (last_at, last_count) = scan.last;
                if scan.count - last_count >= STRIDE || at - last_at >= SPAN {
                    let mark = (at, scan.count);
                    scan.marks.push(mark);
                    scan.last = mark;
                }
            }
            scan.to = to;
        }
        scan
    }

    /// The text's last line (the empty line after a final line end counts).
    pub fn last(&self) -> usize {
        self.scan_to(self.data.len()).count + 1
    }

    /// The 1-based line holding byte `offset`.
    pub fn of_offset(&self, offset: usize) -> usize {
        let offset = offset.min(self.data.len());
        let scan = self.scan_to(offset);
        let before = scan.marks.partition_point(|&(at, _)| at < offset);
        let (from, count) = match before {
            0 => (0, 0),
            n => (scan.marks[n - 1].0 + 1, scan.marks[n - 1].1),
        };
        count + ends(self.data, from, offset).count() + 1
    }

    /// The line where `slice` starts, when it is a part of this text.
    pub fn of_slice(&self, slice: &[u8]) -> Option<usize> {
        self.offset_of(slice).map(|offset| self.of_offset(offset))
    }

    /// Where `slice` starts in this text, when it is a part of it.
    pub fn offset_of(&self, slice: &[u8]) -> Option<usize> {
        let offset = (slice.as_ptr() as usize).wrapping_sub(self.data.as_ptr() as usize);
        (offset <= self.data.len() && slice.len() <= self.data.len() - offset).then_some(offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_offsets_and_slices() {
        let data = b"a\nbb\r\n\rccc";
        let lines = Lines::new(data);
        assert_eq!(lines.last(), 4);
        assert_eq!(lines.of_offset(0), 1);
        assert_eq!(lines.of_offset(1), 1);
        assert_eq!(lines.of_offset(2), 2);
        assert_eq!(lines.of_offset(6), 3);
        assert_eq!(lines.of_offset(7), 4);
        assert_eq!(lines.of_slice(&data[7..]), Some(4));
        assert_eq!(lines.of_slice(b"elsewhere"), None);
    }

    #[test]
    fn lines_far_past_the_marks_count_as_every_end_was_kept() {
        let mut data = Vec::new();
        for i in 0..3000 {
            data.extend_from_slice(match i % 4 {
                0 => &b"a\n"[..],
                1 => b"\r\n",
                2 => b"\r",
                _ => b"xx\n",
            });
        }
        data.extend_from_slice(&[b'y'; 10_000]);
        data.extend_from_slice(b"\nz");
        let lines = Lines::new(&data);
        assert_eq!(lines.last(), 3002);
        let mut line = 1;
        for offset in 0..data.len() {
            assert_eq!(lines.of_offset(offset), line, "at {offset}");
            let end = data[offset] == b'\n'
                || data[offset] == b'\r' && data.get(offset + 1) != Some(&b'\n');
            line += usize::from(end);
        }
        assert!(lines.scan.borrow().marks.len() < 3000 / STRIDE + 10);
    }

    #[test]
    fn lines_asked_in_any_order_before_the_text_is_scanned_are_right() {
        let mut data = Vec::new();
        for i in 0..40_000 {
            data.extend_from_slice(match i % 3 {
                0 => &b"data: x\n"[..],
                1 => b"\r\n",
                _ => b"\r",
            });
        }
        let whole = Lines::new(&data);
        let expected: Vec<usize> = (0..data.len()).map(|at| whole.of_offset(at)).collect();
        let backwards = Lines::new(&data);
        for at in (0..data.len()).rev().step_by(997) {
            assert_eq!(backwards.of_offset(at), expected[at], "at {at}");
        }
        let forwards = Lines::new(&data);
        assert_eq!(forwards.of_offset(5), 1);
        assert!(
            forwards.scan.borrow().to < data.len(),
            "asked for line 1, scanned it all"
        );
        for at in (0..data.len()).step_by(991) {
            assert_eq!(forwards.of_offset(at), expected[at], "at {at}");
        }
        assert_eq!(forwards.last(), whole.last());
    }
}
