//! Cutting credentials out of error text: never a panic, in time linear in the text (a
//! hang over libFuzzer's timeout is a failure), and cut text cut again only shrinks, but
//! for the `…` each new cut leaves.
#![no_main]

use aibridge_trace::redact::redacted;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let once = redacted(&text);
    // What is cut is replaced by `…` (3 bytes), so a cut grows the text by 2 bytes at most.
    let twice = redacted(&once);
    assert!(
        twice.len() <= once.len() + 2 * twice.matches('…').count(),
        "cutting again grew the text: {once:?} -> {twice:?}"
    );
});
