//! Line numbers of one text, for everything that points into a capture.
//!
//! Framing hands out slices of the text it was given (txtar section bodies, HTTP bodies,
//! JSON bodies with their leading blanks trimmed), so the line of any of them is found
//! from where the slice starts inside the text: no layer has to carry offsets for the
//! sake of the consumers that point at lines.

/// The line starts of one text.
pub struct Lines<'a> {
    data: &'a [u8],
    /// Byte offset of every line end, in order.
    ends: Vec<usize>,
}

impl<'a> Lines<'a> {
    /// Lines end at LF, CRLF or a lone CR, as event streams count them.
    pub fn new(data: &'a [u8]) -> Self {
        let ends = memchr::memchr2_iter(b'\n', b'\r', data)
            .filter(|&at| data[at] == b'\n' || data.get(at + 1) != Some(&b'\n'))
            .collect();
        Lines { data, ends }
    }

    /// The text's last line (the empty line after a final line end counts).
    pub fn last(&self) -> usize {
        self.ends.len() + 1
    }

    /// The 1-based line holding byte `offset`.
    pub fn of_offset(&self, offset: usize) -> usize {
        self.ends.partition_point(|&end| end < offset) + 1
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
}
