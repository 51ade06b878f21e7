//! Gateway dump pairs, rebuilt from both halves. The input is the request half, a line
//! `=====`, and the response half (no such line: a response alone); its first byte picks
//! the file name, which gives the provider, the model, the time, and whether the answer is
//! a failed call's error text.
#![no_main]

use std::path::Path;

use aibridge_trace::run::turns_from_dump;
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 3] = [
    "anthropic/claude-sonnet-4-5/1746180000123-2b7e4c1a-93d5-4f0e-8a61-0c3b5d9e7f21.resp.txt",
    "openai/gpt-5/1746180180250-4d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a.req_error.txt",
    "openai/passthrough/x.resp.txt",
];
const SPLIT: &[u8] = b"\n=====\n";

fuzz_target!(|data: &[u8]| {
    let Some((&pick, data)) = data.split_first() else {
        return;
    };
    let path = Path::new(NAMES[usize::from(pick) % NAMES.len()]);
    let (request, answer) = match data.windows(SPLIT.len()).position(|w| w == SPLIT) {
        Some(at) => (Some(&data[..at]), &data[at + SPLIT.len()..]),
        None => (None, data),
    };
    let report = turns_from_dump(path, request, answer);
    for turn in &report.turns {
        serde_json::to_string(turn).unwrap();
    }
});
