//! VCR cassettes: the YAML tree (nesting and aliases bounded), each interaction's parts
//! (bodies base64- and Content-Encoding-decoded) and the exchange they make.
#![no_main]

use aibridge_trace::frame::vcr;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = vcr::looks_like_cassette(data);
    if let Ok(interactions) = vcr::interactions(data) {
        for entry in interactions.into_iter().flatten() {
            let _ = entry.exchange();
        }
    }
});
