//! txtar fixtures: sections, their names and first lines.
#![no_main]

use aibridge_trace::frame::txtar;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some((comment, sections)) = txtar::parse(data) {
        assert!(comment.len() <= data.len());
        for section in sections {
            assert!(section.body.len() <= data.len());
        }
    }
});
