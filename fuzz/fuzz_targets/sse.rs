//! SSE framing: any body, as `text/event-stream`, and as an event log of JSON lines.
#![no_main]

use std::ops::ControlFlow;

use aibridge_trace::frame::sse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let lines = data.iter().filter(|&&b| b == b'\n' || b == b'\r').count() + 1;
    sse::parse(data, 1).each(|event| {
        assert!(
            (1..=lines).contains(&event.line),
            "line {} of {lines}",
            event.line
        );
        ControlFlow::Continue(())
    });
    sse::from_json_lines(data, 1).collect();
});
