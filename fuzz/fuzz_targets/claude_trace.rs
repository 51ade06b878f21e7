//! claude-trace logs read a line at a time: each pair's parts, timing and exchange.
#![no_main]

use aibridge_trace::frame::claude_trace::{self, Line};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = claude_trace::looks_like_claude_trace(data);
    let _ = claude_trace::for_each_line(data, |_, line| {
        if let Line::Entry(entry) = line {
            let _ = entry.exchange();
        }
    });
});
