//! HTTP heads, chunked transfer coding and Content-Encoding layers (gzip, deflate, br,
//! zstd), in a file or in each txtar section, bounded by one decompression budget.
#![no_main]

use aibridge_trace::frame::coding;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(decoded) = coding::decode(data) {
        let _ = aibridge_trace::frame::frame(&decoded.data);
    }
    let _ = coding::dechunk(data);
});
