//! Whole-file framing: txtar, HTTP head, SSE, JSON lines, JSON, text.
#![no_main]

use aibridge_trace::frame;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = frame::frame(data);
});
