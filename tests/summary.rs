//! `summary` adds up exactly what `inspect` prints: its totals equal the sums over the JSONL
//! turns of the same inputs, overall and per group.

mod common;
use common::*;

use serde_json::Value;

fn summary(args: &[&str]) -> Value {
    let mut all = vec!["summary", "--format", "json"];
    all.extend_from_slice(args);
    let out = run(&all);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("summary --format json is one JSON object")
}

fn sum(turns: &[&Value], field: impl Fn(&Value) -> u64) -> u64 {
    turns.iter().map(|t| field(t)).sum()
}

/// The five usage sums and the counts a summary reports, computed from turns.
fn expected(turns: &[&Value]) -> Value {
    let usage = |key: &'static str| move |t: &Value| t["usage"][key].as_u64().unwrap_or(0);
    let len = |key: &'static str| move |t: &Value| t[key].as_array().unwrap().len() as u64;
    serde_json::json!({
        "turns": turns.len(),
        "usage": {
            "input": sum(turns, usage("input")),
            "output": sum(turns, usage("output")),
            "cache_read": sum(turns, usage("cache_read")),
            "cache_write": sum(turns, usage("cache_write")),
            "reasoning": sum(turns, usage("reasoning")),
            "cache_write_1h": sum(turns, usage("cache_write_1h")),
            "web_search_requests": sum(turns, usage("web_search_requests")),
            "web_fetch_requests": sum(turns, usage("web_fetch_requests")),
        },
        "tool_calls": sum(turns, len("tool_calls")),
        "thoughts": sum(turns, len("thoughts")),
        "errors": turns.iter().filter(|t| !t["error"].is_null()).count(),
        "incomplete": turns.iter().filter(|t| t["complete"] == false).count(),
    })
}

fn assert_agrees(summary: &Value, turns: &[&Value], what: &str) {
    let want = expected(turns);
    for (key, value) in want.as_object().unwrap() {
        assert_eq!(&summary[key], value, "{what}: {key}");
    }
    assert_cost_agrees(summary, turns, what);
}

/// The summary's cost is the sum of the turns' `cost.usd`; a turn with usage and no cost
/// is unpriced, left out of the sum and counted apart, under its model.
fn assert_cost_agrees(summary: &Value, turns: &[&Value], what: &str) {
    let usd: f64 = turns.iter().filter_map(|t| t["cost"]["usd"].as_f64()).sum();
    let got = summary["cost"]["usd"].as_f64().unwrap();
    assert!((got - usd).abs() < 1e-9, "{what}: cost.usd {got} != {usd}");
    let priced = turns.iter().filter(|t| !t["cost"].is_null()).count();
    let unpriced: Vec<&&Value> = turns
        .iter()
        .filter(|t| t["cost"].is_null() && !t["usage"].is_null())
        .collect();
    assert_eq!(summary["cost"]["priced_turns"], priced, "{what}");
    assert_eq!(summary["cost"]["unpriced_turns"], unpriced.len(), "{what}");
    let listed: u64 = summary["unpriced"]
        .as_object()
        .unwrap()
        .values()
        .map(|u| u["turns"].as_u64().unwrap())
        .sum();
    assert_eq!(
        listed,
        unpriced.len() as u64,
        "{what}: unpriced models' turns"
    );
    for turn in unpriced {
        let model = turn["model"].as_str().unwrap_or("(unknown)");
        assert!(summary["unpriced"].get(model).is_some(), "{what}: {model}");
    }
    for (model, usd) in summary["cost_by_model"].as_object().unwrap() {
        let want: f64 = turns
            .iter()
            .filter(|t| t["model"].as_str().unwrap_or("(unknown)") == model)
            .filter_map(|t| t["cost"]["usd"].as_f64())
            .sum();
        assert!(
            (usd.as_f64().unwrap() - want).abs() < 1e-9,
            "{what}: {model}"
        );
    }
}

#[test]
fn totals_equal_the_sum_of_the_turns() {
    let (turns, _, code) = inspect(&["fixtures"]);
    assert_eq!(code, 0);
    let all: Vec<&Value> = turns.iter().collect();
    assert!(all.len() > 50);
    assert_agrees(&summary(&["fixtures"]), &all, "all");
}

#[test]
fn groups_equal_the_sum_of_their_turns() {
    let (turns, _, _) = inspect(&["fixtures"]);
    for (by, key) in [("api", "api"), ("model", "model")] {
        let s = summary(&["--by", by, "fixtures"]);
        let groups = s["groups"].as_object().unwrap();
        let mut counted = 0;
        for (name, group) in groups {
            let members: Vec<&Value> = turns
                .iter()
                .filter(|t| t[key].as_str().unwrap_or("(unknown)") == name)
                .collect();
            counted += members.len();
            assert_agrees(group, &members, &format!("--by {by} {name}"));
        }
        assert_eq!(counted, turns.len(), "--by {by}: every turn in one group");
    }
}

#[test]
fn a_turn_counts_under_each_tool_it_called() {
    let (turns, _, _) = inspect(&["fixtures"]);
    let s = summary(&["--by", "tool", "fixtures"]);
    for (name, group) in s["groups"].as_object().unwrap() {
        let members: Vec<&Value> = turns
            .iter()
            .filter(|t| {
                let calls = t["tool_calls"].as_array().unwrap();
                if name == "(no tools)" {
                    calls.is_empty()
                } else {
                    calls.iter().any(|c| c["name"] == name.as_str())
                }
            })
            .collect();
        assert_agrees(group, &members, &format!("--by tool {name}"));
    }
}

#[test]
fn days_add_up_to_their_turns_costs() {
    let (turns, _, _) = inspect(&["fixtures"]);
    let s = summary(&["--by", "day", "fixtures"]);
    let day = |t: &Value| match t["timing"]["started_at"].as_str() {
        Some(at) => at[..10].to_string(),
        None => "(no timing)".to_string(),
    };
    let groups = s["groups"].as_object().unwrap();
    assert!(groups.len() > 2, "{groups:?}");
    for (name, group) in groups {
        let members: Vec<&Value> = turns.iter().filter(|t| day(t) == *name).collect();
        assert_agrees(group, &members, &format!("--by day {name}"));
    }
}
