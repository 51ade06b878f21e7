//! The JSONL schema table (`src/render/jsonl-schema.md`, printed by `man
//! aibridge-trace-inspect`) names every field `inspect` emits over the bundled captures, and
//! no field it never emits.

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
    let (turns, stderr, _) = common::inspect(&["fixtures/"]);
    assert!(turns.len() > 50, "{stderr}");
    let mut emitted = BTreeSet::new();
    for turn in &turns {
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
