//! A VCR cassette whose aliases copy a long body into fields that are read (issue 13,
//! hostile finding F1): each copy becomes an interaction the reader holds, so a 1 MB file
//! of a thousand aliases once asked for gigabytes and aborted the whole run. Its aliases
//! may now copy 32 MiB plus twice the file, all told, and the file fails past that.

mod common;
mod counting;
use common::*;
use counting::{Counting, extra_peak, serial};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// An interaction answering with a body of `body_len` bytes, anchored, then `aliases`
/// aliases of it: the hostile run's file, smaller.
fn aliased_cassette(body_len: usize, aliases: usize) -> String {
    format!(
        "interactions:\n- &i\n  request: {{body: null, method: POST, uri: \
         'https://api.anthropic.com/v1/messages'}}\n  response: {{body: {{string: &b '{}'}}, \
         headers: {{}}, status: {{code: 200, message: OK}}}}\n{}",
        "x".repeat(body_len),
        "- *i\n".repeat(aliases)
    )
}

#[test]
fn aliases_of_a_long_body_stay_within_the_memory_budget() {
    let _serial = serial();
    // 300 copies of 1 MB: 300 MB held, were every alias read, past the budget of three
    // times the 1 MB file plus 100 MB.
    let data = aliased_cassette(1_000_000, 300).into_bytes();
    let budget = 3 * data.len() + (100 << 20);
    let mut notes = Vec::new();
    let inspect = extra_peak(|| {
        let report = aibridge_trace::run::turns_from_bytes("aliases.yaml", &data, true);
        notes = report.notes.iter().map(|n| format!("{n:?}")).collect();
        assert!(report.failed(), "{notes:?}");
    });
    assert!(
        notes
            .iter()
            .any(|n| n.contains("aliases copy more than 33 MiB")),
        "{notes:?}"
    );
    let validate = extra_peak(|| {
        aibridge_trace::validate::validate_bytes(&data);
    });
    eprintln!("inspect +{inspect} bytes, validate +{validate} bytes, budget +{budget} bytes");
    assert!(inspect <= budget, "inspect took {inspect} bytes");
    assert!(validate <= budget, "validate took {validate} bytes");
}

#[test]
fn a_cassette_of_too_many_aliases_fails_alone_naming_the_limit() {
    let dir = scratch("aliases");
    let file = dir.join("aliases.yaml");
    std::fs::write(&file, aliased_cassette(100_000, 5_000)).unwrap();
    let path = file.to_str().unwrap();
    let out = run(&["validate", "fixtures/anthropic-messages/simple.txtar", path]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    let all = format!("{stdout}{stderr}");
    // 100,252 bytes of anchored interaction and 25,000 of aliases: 32 MiB plus twice
    // 125,252 bytes is 32 MiB in whole MiB.
    assert!(
        all.contains("aliases.yaml")
            && all.contains("the YAML's aliases copy more than 32 MiB by line"),
        "{all}"
    );
    assert!(
        all.contains("checked 2 files: 1 invalid"),
        "the other file is read: {all}"
    );
}
