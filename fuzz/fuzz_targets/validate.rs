//! One capture through `validate`'s checks: the same walk as `inspect` (`capture::walk`),
//! with the grammar checks riding along each decoded event and body, findings mapped back
//! to the file's lines.
#![no_main]

use aibridge_trace::validate;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let checked = validate::check(data);
    // Every finding points at a line the file has.
    let lines = data.iter().filter(|&&b| b == b'\n' || b == b'\r').count() + 1;
    for finding in &checked.findings {
        if let Some(line) = finding.line {
            assert!(line >= 1 && line <= lines, "line {line} of {lines}");
        }
    }
});
