//! Bedrock event streams: frames (lengths, both CRCs, typed headers) and the Anthropic
//! events their chunks hold. Most random bytes fail the first prelude CRC, so the input is
//! also read as frames whose CRCs are made right: the fuzzer then reaches headers and
//! payloads.
#![no_main]

use aibridge_trace::frame::eventstream;
use libfuzzer_sys::fuzz_target;

/// `data` cut into frames at the lengths its preludes claim, both CRCs set to match.
fn with_crcs(data: &[u8]) -> Vec<u8> {
    let mut out = data.to_vec();
    let mut at = 0;
    while at + 16 <= out.len() {
        let total = u32::from_be_bytes([out[at], out[at + 1], out[at + 2], out[at + 3]]) as usize;
        if total < 16 || at + total > out.len() {
            break;
        }
        let prelude = crc32fast::hash(&out[at..at + 8]).to_be_bytes();
        out[at + 8..at + 12].copy_from_slice(&prelude);
        let message = crc32fast::hash(&out[at..at + total - 4]).to_be_bytes();
        out[at + total - 4..at + total].copy_from_slice(&message);
        at += total;
    }
    out
}

fuzz_target!(|data: &[u8]| {
    for bytes in [data.to_vec(), with_crcs(data)] {
        let _ = eventstream::looks_like_eventstream(&bytes);
        let _ = eventstream::messages(&bytes).count();
        if let Some(stream) = eventstream::to_sse(&bytes, 1) {
            stream.collect();
        }
    }
});
