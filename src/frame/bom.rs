//! The UTF-8 byte order mark (`EF BB BF`) some Windows tools write before a file. No format
//! this tool reads has one, so it is dropped wherever a file or a body starts; and a file
//! that went through two such tools starts with two, so every leading mark is dropped, not
//! just one: one mark or five read the same as none. A mark holds no line end, so dropping
//! it moves no line.

use std::io::{self, Read};

/// The mark as a character, for text already decoded.
pub const CHAR: char = '\u{feff}';

/// The mark's UTF-8 bytes.
const BYTES: &[u8] = b"\xef\xbb\xbf";

/// `data` without the marks it starts with.
pub fn strip(mut data: &[u8]) -> &[u8] {
    while let Some(rest) = data.strip_prefix(BYTES) {
        data = rest;
    }
    data
}

/// `reader` without the marks it starts with, for a file read as a stream (a HAR, whose
/// JSON parser stops at a mark).
pub fn strip_reader(mut reader: impl Read) -> io::Result<impl Read> {
    let mut head = Vec::with_capacity(BYTES.len());
    loop {
        head.clear();
        (&mut reader)
            .take(BYTES.len() as u64)
            .read_to_end(&mut head)?;
        if head != BYTES {
            return Ok(io::Cursor::new(head).chain(reader));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_leading_mark_goes_and_nothing_else() {
        assert_eq!(strip(b"\xef\xbb\xbf\xef\xbb\xbf\xef\xbb\xbf{}"), b"{}");
        assert_eq!(strip(b"{}\xef\xbb\xbf"), b"{}\xef\xbb\xbf");
        assert_eq!(strip(b"\xef\xbb"), b"\xef\xbb");
        for data in [
            &b"\xef\xbb\xbf\xef\xbb\xbf{\"log\"}"[..],
            b"{\"log\"}",
            b"\xef\xbb{",
            b"\xef",
            b"",
        ] {
            let mut read = Vec::new();
            strip_reader(data).unwrap().read_to_end(&mut read).unwrap();
            assert_eq!(read, strip(data), "{data:?}");
        }
    }
}
