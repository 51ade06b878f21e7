//! HTTP heads, chunked transfer coding and Content-Encoding layers (gzip, deflate, br,
//! zstd), in a file or in each txtar section, bounded by one decompression budget; then
//! the decoded text's lines mapped back to the file's.
#![no_main]

use aibridge_trace::capture::Stored;
use aibridge_trace::frame::coding;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(stored) = Stored::of(data) {
        let _ = aibridge_trace::frame::frame(&stored.data);
        let _ = stored.txtar();
        for line in 0..stored.last_line() + 2 {
            let _ = stored.file_line(line);
        }
    }
    let _ = coding::dechunk(data);
});
