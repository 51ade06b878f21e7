//! VCR cassettes: the YAML tree (nesting and aliases bounded) or a JSON cassette streamed,
//! each interaction's parts (bodies base64- and Content-Encoding-decoded) and the exchange
//! they make.
#![no_main]

use aibridge_trace::frame::vcr;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = vcr::looks_like_cassette(data);
    let _ = vcr::interactions(data, |_, interaction| {
        if let Ok(entry) = interaction {
            let _ = entry.exchange();
        }
    });
});
