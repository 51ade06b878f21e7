//! Cutting credentials out of error text: never a panic, in time linear in the text (a
//! hang over libFuzzer's timeout is a failure), and text cut once is left as it is when
//! cut again, whole or cut to a length: a turn read back from JSONL prints as it did.
#![no_main]

use aibridge_trace::redact::{redacted, redacted_within};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first two bytes pick a length to cut to, the rest is the text.
    let (max, text) = match data {
        [a, b, rest @ ..] => (usize::from(u16::from_le_bytes([*a, *b])), rest),
        _ => (0, data),
    };
    let text = String::from_utf8_lossy(text);
    let once = redacted(&text);
    assert_eq!(redacted(&once), once, "cut again: {text:?}");
    let (cut, _) = redacted_within(&text, max);
    assert_eq!(redacted_within(&cut, max).0, cut, "cut to {max}: {text:?}");
});
