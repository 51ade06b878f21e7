//! HAR archives read an entry at a time, each entry's parts (bodies base64- and
//! Content-Encoding-decoded) and the exchange they make.
#![no_main]

use aibridge_trace::frame::har::{self, Entry};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = har::looks_like_har(data);
    let _ = har::for_each_entry(data, |_, value| {
        if let Ok(entry) = Entry::of(value) {
            let _ = entry.exchange();
        }
    });
});
