//! Lone UTF-16 surrogate escapes in JSON text. JavaScript's `JSON.stringify` escapes half
//! of a surrogate pair on its own (`"\ud83d"`: an emoji cut in two, a stream's text chunk
//! split inside one, an answer cut at a length) rather than fail, and RFC 8259's grammar
//! allows it (§8.2). serde_json refuses such a string, and with it the event, the body, or
//! (streamed) every entry of an archive after it. Each such half is made `\ufffd`, the same
//! length, so lines and columns do not move, and what holds it says so.

use std::cell::RefCell;
use std::io::{self, Read};
use std::rc::Rc;

/// How `text` fared: its lone surrogate escapes made `\ufffd` in place.
pub struct Mended {
    /// How many bytes from the start were read to the end; the rest (from an escape that
    /// goes on past `text`) is for the next read, with the bytes after it.
    pub done: usize,
    /// Each escape made `\ufffd`, as the text had it (`\ud83d`).
    pub escapes: Vec<[u8; 6]>,
    /// Where each of `escapes` stands in `text`.
    pub at: Vec<usize>,
}

/// Makes every lone surrogate escape in `text` `\ufffd`, in place. `at_end`: nothing comes
/// after `text`, so an escape cut at its end is read as it is. Only escapes of the JSON's
/// own strings count: `\\ud83d` is a backslash and text.
pub fn mend(text: &mut [u8], at_end: bool) -> Mended {
    let mut mended = Mended {
        done: text.len(),
        escapes: Vec::new(),
        at: Vec::new(),
    };
    let unit = |text: &[u8], at: usize| {
        let hex = std::str::from_utf8(text.get(at + 2..at + 6)?).ok()?;
        u16::from_str_radix(hex, 16).ok()
    };
    let mut i = 0;
    while let Some(found) = memchr::memchr(b'\\', &text[i..]) {
        i += found;
        // An escape needs its two bytes, a `\u` its six, a high half the six of the low
        // half that may follow: when `text` ends before, the rest waits for more.
        let is_u = text.get(i + 1) == Some(&b'u');
        let here = is_u.then(|| unit(text, i)).flatten();
        let needs = match (is_u, here) {
            (true, Some(0xD800..=0xDBFF)) => 12,
            (true, _) => 6,
            (false, _) => 2,
        };
        if i + needs > text.len() && !at_end {
            mended.done = i;
            return mended;
        }
        let lone = match here {
            Some(0xD800..=0xDBFF) => {
                let paired = text.get(i + 6..i + 8) == Some(b"\\u")
                    && matches!(unit(text, i + 6), Some(0xDC00..=0xDFFF));
                if paired {
                    i += 12;
                    continue;
                }
                true
            }
            Some(0xDC00..=0xDFFF) => true,
            _ => false,
        };
        if lone {
            let mut escape = [0; 6];
            escape.copy_from_slice(&text[i..i + 6]);
            mended.escapes.push(escape);
            mended.at.push(i);
            text[i..i + 6].copy_from_slice(b"\\ufffd");
        }
        i += needs.min(6).min(text.len() - i);
    }
    mended
}

/// `text` with its lone surrogate escapes made `\ufffd`, and them as it had them; `None`
/// when it holds none (two quick scans tell the usual text).
pub fn mended(text: &[u8]) -> Option<(Vec<u8>, Vec<[u8; 6]>)> {
    if memchr::memmem::find(text, b"\\ud").is_none()
        && memchr::memmem::find(text, b"\\uD").is_none()
    {
        return None;
    }
    let mut copy = text.to_vec();
    let escapes = mend(&mut copy, true).escapes;
    (!escapes.is_empty()).then_some((copy, escapes))
}

/// The escapes a [`MendingReader`] mended, in the order its reader was handed them.
pub type Handed = Rc<RefCell<Vec<[u8; 6]>>>;

/// A reader of JSON text whose lone surrogate escapes are made `\ufffd` on the way: a
/// streamed archive is read past them. Each escape mended is put in [`Handed`] when its
/// first byte is read, so a reader that reads a byte at a time (serde_json's) can tell
/// which of its values held them.
pub struct MendingReader<R> {
    inner: R,
    buf: Vec<u8>,
    /// `buf[pos..ready]` is read and mended, to hand out.
    pos: usize,
    ready: usize,
    /// Where in `buf` the mended escapes not yet handed out start, in order.
    mends: std::collections::VecDeque<(usize, [u8; 6])>,
    eof: bool,
    handed: Handed,
}

/// How much is read from the inner reader at a time.
const CHUNK: usize = 64 * 1024;

impl<R: Read> MendingReader<R> {
    pub fn new(inner: R) -> (Self, Handed) {
        let handed = Handed::default();
        let reader = MendingReader {
            inner,
            buf: Vec::with_capacity(CHUNK),
            pos: 0,
            ready: 0,
            mends: Default::default(),
            eof: false,
            handed: Rc::clone(&handed),
        };
        (reader, handed)
    }

    /// Reads more, until there is mended text to hand out or the input ends.
    fn fill(&mut self) -> io::Result<()> {
        while self.pos == self.ready && !(self.eof && self.pos == self.buf.len()) {
            // All read is handed out: what is left starts the buffer anew.
            self.buf.drain(..self.pos);
            self.pos = 0;
            self.ready = 0;
            let had = self.buf.len();
            self.buf.resize(had + CHUNK, 0);
            let read = match self.inner.read(&mut self.buf[had..]) {
                Ok(read) => read,
                Err(err) => {
                    self.buf.truncate(had);
                    return Err(err);
                }
            };
            self.buf.truncate(had + read);
            self.eof = read == 0;
            let mended = mend(&mut self.buf, self.eof);
            self.ready = mended.done;
            self.mends = mended.at.into_iter().zip(mended.escapes).collect();
        }
        Ok(())
    }
}

impl<R: Read> Read for MendingReader<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        self.fill()?;
        let n = out.len().min(self.ready - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        while let Some(&(at, escape)) = self.mends.front() {
            if at >= self.pos {
                break;
            }
            self.handed.borrow_mut().push(escape);
            self.mends.pop_front();
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lone_halves_become_replacement_characters_and_pairs_stay() {
        for (text, want, count) in [
            (r#""a\ud83d b""#, r#""a\ufffd b""#, 1),
            (r#""\ude00""#, r#""\ufffd""#, 1),
            (r#""\ud83d\ude00""#, r#""\ud83d\ude00""#, 0),
            (r#""\ud83d\ud83d\ude00""#, r#""\ufffd\ud83d\ude00""#, 1),
            (r#""\\ud83d""#, r#""\\ud83d""#, 0),
            (r#""\\\ud83d""#, r#""\\\ufffd""#, 1),
            (r#""\ud83d"#, r#""\ufffd"#, 1),
            (r#""\ud8"#, r#""\ud8"#, 0),
            ("\"\\", "\"\\", 0),
            (r#""\nd83d\ude00""#, r#""\nd83d\ufffd""#, 1),
        ] {
            let mut bytes = text.as_bytes().to_vec();
            let mended = mend(&mut bytes, true);
            assert_eq!(String::from_utf8(bytes).unwrap(), want, "{text}");
            assert_eq!(mended.escapes.len(), count, "{text}");
            assert_eq!(mended.done, text.len());
        }
    }

    #[test]
    fn an_escape_cut_at_the_end_waits_for_more() {
        let mut bytes = br#""ab\ud83d\ud"#.to_vec();
        let mended = mend(&mut bytes, false);
        assert_eq!(mended.done, 3);
        assert!(mended.escapes.is_empty());
    }

    #[test]
    fn an_error_reading_is_passed_on_and_what_was_read_stays_whole() {
        // Hostile run 70 D5: a gzip HAR cut short failed reading, and the read after it
        // panicked on a buffer that no longer held what it counted as ready.
        struct Failing(Vec<io::Result<&'static [u8]>>);
        impl Read for Failing {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                match self.0.pop() {
                    None => Ok(0),
                    Some(Ok(data)) => {
                        out[..data.len()].copy_from_slice(data);
                        Ok(data.len())
                    }
                    Some(Err(err)) => Err(err),
                }
            }
        }
        let inner = Failing(vec![
            Ok(br#"x\ud83d""#),
            Err(io::Error::other("cut short")),
            Ok(br#"["a\ud83d", "b"#),
        ]);
        let (mut reader, handed) = MendingReader::new(inner);
        let mut out = [0; 64];
        let mut read = Vec::new();
        let err = loop {
            match reader.read(&mut out) {
                Ok(0) => panic!("no error"),
                Ok(n) => read.extend_from_slice(&out[..n]),
                Err(err) => break err,
            }
        };
        assert_eq!(err.to_string(), "cut short");
        // The escape waits for what follows, to tell whether a low half does.
        assert_eq!(read, br#"["a"#);
        reader.read_to_end(&mut read).unwrap();
        assert_eq!(read, br#"["a\ufffd", "bx\ufffd""#);
        assert_eq!(handed.borrow().len(), 2);
    }

    #[test]
    fn a_reader_mends_across_its_reads_and_hands_each_escape_once() {
        // One byte at a time from the inner reader: every escape is cut somewhere.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(1).min(out.len());
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let text = r#"["\ud83d", "\ud83d\ude00", "\\ud83d", "\ude00x"]"#;
        let (mut reader, handed) = MendingReader::new(Trickle(text.as_bytes()));
        let mut out = String::new();
        reader.read_to_string(&mut out).unwrap();
        assert_eq!(out, r#"["\ufffd", "\ud83d\ude00", "\\ud83d", "\ufffdx"]"#);
        assert_eq!(handed.borrow().len(), 2);
        let value: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(value[0], "\u{fffd}");
    }
}
