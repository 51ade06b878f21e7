//! HAR archives read an entry at a time, each entry's parts (bodies base64- and
//! Content-Encoding-decoded) and the exchange they make; and the reader that mends lone
//! surrogate escapes on the way, which must mend as reading the text whole does, however
//! its reads are cut.
#![no_main]

use std::io::Read;

use aibridge_trace::frame::har::{self, Entry};
use aibridge_trace::frame::surrogates::{self, MendingReader};
use libfuzzer_sys::fuzz_target;

/// A reader handing out at most 7 bytes a read: every escape gets cut somewhere.
struct Trickle<'a>(&'a [u8]);

impl Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.len().min(7).min(out.len());
        out[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

fuzz_target!(|data: &[u8]| {
    let _ = har::looks_like_har(data);
    let _ = har::for_each_entry(data, |_, value, lone| {
        if let Ok(entry) = Entry::of(value) {
            let _ = entry.held(lone).exchange();
        }
    });
    let (mut reader, handed) = MendingReader::new(Trickle(data));
    let mut read = Vec::new();
    reader.read_to_end(&mut read).unwrap();
    let mut whole = data.to_vec();
    let mended = surrogates::mend(&mut whole, true);
    assert_eq!(read, whole);
    assert_eq!(*handed.borrow(), mended.escapes);
});
