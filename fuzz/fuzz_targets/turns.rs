//! One capture end to end: sniffed, decoded, framed, rebuilt into turns (every API's
//! decoder and accumulator), and serialized as `inspect` writes them.
#![no_main]

use aibridge_trace::run::turns_from_bytes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let report = turns_from_bytes("fuzz", data, true);
    for turn in &report.turns {
        serde_json::to_string(turn).unwrap();
    }
});
