//! Mending JSON cut short: never a panic, and a whole document comes back unmended.
#![no_main]

use aibridge_trace::reconstruct::partial_json::parse_lenient;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let whole = serde_json::from_slice::<serde_json::Value>(data).is_ok();
    if let Some((_, mended)) = parse_lenient(data) {
        assert!(!(whole && mended), "a whole document was mended");
    }
});
