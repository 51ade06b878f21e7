//! The JSONL schema table (`src/render/jsonl-schema.md`, printed by `man
//! aibridge-trace-inspect`) names every field `inspect` emits over the bundled captures, and
//! no field it never emits; the summary's key table (`man/sections/summary.md`) likewise for
//! the keys of `summary --format json`.

mod common;

use std::collections::BTreeSet;

use serde_json::Value;

const SCHEMA: &str = include_str!("../src/render/jsonl-schema.md");

/// The field paths the table names: the first cell of each row, in backticks.
fn documented() -> BTreeSet<String> {
    SCHEMA
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .map(|rest| rest.split('`').next().unwrap().to_string())
        .collect()
}

/// Every key path in `value` below `prefix` (`usage.cache_read`, `tool_calls[].id`). Objects
/// and arrays are entered only where the table names fields inside them, so free-form values
/// (a tool call's `arguments`) count as one field.
fn paths(value: &Value, prefix: &str, known: &BTreeSet<String>, out: &mut BTreeSet<String>) {
    let inside = |path: &str| {
        known
            .iter()
            .any(|k| k.starts_with(&format!("{path}.")) || k.starts_with(&format!("{path}[]")))
    };
    match value {
        Value::Object(map) if prefix.is_empty() || inside(prefix) => {
            for (key, child) in map {
                let path = match prefix {
                    "" => key.clone(),
                    _ => format!("{prefix}.{key}"),
                };
                out.insert(path.clone());
                paths(child, &path, known, out);
            }
        }
        Value::Array(items) if inside(prefix) => {
            for item in items {
                paths(item, &format!("{prefix}[]"), known, out);
            }
        }
        _ => {}
    }
}

#[test]
fn the_schema_table_names_every_emitted_field_and_no_other() {
    let known = documented();
    assert!(known.contains("usage.cache_read"), "{known:?}");
    assert!(known.contains("tool_calls[].thoughts_before"), "{known:?}");
    // The sessions' captures too: tool results come back only in multi-request runs.
    let (turns, stderr, _) = common::inspect(&["fixtures/", "tests/data/sessions/"]);
    assert!(turns.len() > 50, "{stderr}");
    // A part of a split run marks its turns (`threading.part`).
    let (part, stderr, _) = common::inspect(&["--shard", "1/1", "fixtures/raw/"]);
    assert!(!part.is_empty(), "{stderr}");
    let mut emitted = BTreeSet::new();
    for turn in turns.iter().chain(&part) {
        paths(turn, "", &known, &mut emitted);
    }
    let undocumented: Vec<_> = emitted.difference(&known).collect();
    assert!(
        undocumented.is_empty(),
        "fields emitted but not in src/render/jsonl-schema.md: {undocumented:?}"
    );
    let never: Vec<_> = known.difference(&emitted).collect();
    assert!(
        never.is_empty(),
        "fields in src/render/jsonl-schema.md that no bundled capture emits: {never:?}"
    );
}

#[test]
fn the_summary_key_table_names_every_key_and_no_other() {
    // First cells such as `` `tool_calls`, `thoughts`, `errors` `` name several keys.
    let table = include_str!("../man/sections/summary.md");
    let documented: BTreeSet<String> = table
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .flat_map(|rest| {
            let first = rest.split(" |").next().unwrap();
            first
                .split(", ")
                .map(|key| key.trim_matches('`').to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    let out = common::run(&["summary", "--format", "json", "fixtures/"]);
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    let emitted: BTreeSet<String> = summary.as_object().unwrap().keys().cloned().collect();
    assert_eq!(documented, emitted);
}

/// The example turn the inspect man page shows is what `inspect` prints for it.
#[test]
fn the_example_turn_is_current() {
    let page = include_str!("../man/sections/inspect.md");
    let example = page
        .split("### An example turn")
        .nth(1)
        .and_then(|rest| rest.split("```").nth(1))
        .unwrap();
    let example: Value = serde_json::from_str(example).unwrap();
    let turns = common::turns_of("fixtures/openai-responses/commentary.txtar");
    assert_eq!(example, turns[0]);
}

#[test]
fn thoughts_before_is_a_count_of_the_first_thoughts() {
    let (turns, stderr, _) = common::inspect(&["fixtures/", "tests/data/sessions/"]);
    let mut calls_after_thoughts = 0;
    for turn in &turns {
        let thoughts = turn["thoughts"].as_array().unwrap().len() as u64;
        let mut last = 0;
        for call in turn["tool_calls"].as_array().unwrap() {
            let count = call["thoughts_before"]
                .as_u64()
                .unwrap_or_else(|| panic!("not a count: {call} {stderr}"));
            // The first `count` thoughts: never more than the turn has, never fewer than a
            // call before it had.
            assert!(count <= thoughts && count >= last, "{turn}");
            last = count;
            calls_after_thoughts += usize::from(count > 0);
        }
    }
    assert!(
        calls_after_thoughts > 0,
        "no call after a thought in the captures"
    );
}
