//! Cutting a capture's own credentials out of what its turn says: never a panic, in time
//! linear in the text however it repeats a value's start, and no value left whole in it.
#![no_main]

use aibridge_trace::frame::credentials::Credentials;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first line is a header's value (`name: value`), the rest the text to cut.
    let data = String::from_utf8_lossy(data);
    let (head, text) = data.split_once('\n').unwrap_or((&data, ""));
    let (name, value) = head.split_once(':').unwrap_or(("X-Api-Key", head));
    let mut credentials = Credentials::default();
    credentials.header(name, value);
    credentials.url(head);
    let mut cut = text.to_string();
    credentials.cut(&mut cut);
    let value = value.trim().trim_matches('"');
    let known = name.trim().eq_ignore_ascii_case("x-api-key") || !head.contains(':');
    if known && (8..=16 * 1024).contains(&value.len()) && !value.contains('…') {
        assert!(!cut.contains(value), "{value:?} left in {cut:?}");
    }
});
