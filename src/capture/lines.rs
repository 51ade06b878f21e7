//! Line numbers of one text, for everything that points into a capture.
//!
//! Framing hands out slices of the text it was given (txtar section bodies, HTTP bodies,
//! JSON bodies with their leading blanks trimmed), so the line of any of them is found
//! from where the slice starts inside the text: no layer has to carry offsets for the
//! sake of the consumers that point at lines.

/// The line starts of one text. Not every line end is kept, only one every [`STRIDE`] ends
/// or [`SPAN`] bytes: a text of millions of short (or blank) lines would otherwise take
/// eight bytes per line, many times its own size; a line is found from the mark before it
/// by counting the few ends between.
pub struct Lines<'a> {
    data: &'a [u8],
    /// Marks in order: a line end's byte offset, and how many line ends there are up to
    /// and including it.
    marks: Vec<(usize, usize)>,
    /// How many line ends the text has.
    count: usize,
}

/// The most line ends between two marks.
const STRIDE: usize = 256;
/// After this many bytes since the last mark, the next line end is marked, so that finding
/// a line counts over few bytes.
const SPAN: usize = 4096;

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
        let mut marks: Vec<(usize, usize)> = Vec::new();
        let mut count = 0;
        let (mut last_at, mut last_count) = (0, 0);
        for at in ends(data, 0, data.len()) {
            count += 1;
            if count - last_count >= STRIDE || at - last_at >= SPAN {
                marks.push((at, count));
                (last_at, last_count) = (at, count);
            }
        }
        Lines { data, marks, count }
    }

    /// The text's last line (the empty line after a final line end counts).
    pub fn last(&self) -> usize {
        self.count + 1
    }

    /// The 1-based line holding byte `offset`.
    pub fn of_offset(&self, offset: usize) -> usize {
        let offset = offset.min(self.data.len());
        let before = self.marks.partition_point(|&(at, _)| at < offset);
        let (from, count) = match before {
            0 => (0, 0),
            n => (self.marks[n - 1].0 + 1, self.marks[n - 1].1),
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
        assert!(lines.marks.len() < 3000 / STRIDE + 10);
    }
}
