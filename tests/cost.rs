//! What each turn cost, worked out by hand from the prices of the table built in (read
//! 2026-07-24) or of `tests/data/cost/prices.json`, over small captures written for it in
//! `tests/data/cost/`.

mod common;
use common::*;

use serde_json::{Value, json};

const DIR: &str = "tests/data/cost";

/// The one turn of a capture, with `extra` arguments (`--prices FILE`) given to inspect.
fn turn(file: &str, extra: &[&str]) -> Value {
    let path = format!("{DIR}/{file}");
    let mut args = vec!["inspect", "--format", "jsonl"];
    args.extend_from_slice(extra);
    args.push(&path);
    let out = run(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let turns: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(turns.len(), 1, "{file}");
    turns.into_iter().next().unwrap()
}

/// Dollars agree to far below a cent's millionth (each part is rounded to 1e-10).
fn assert_usd(actual: &Value, expected: f64, what: &str) {
    let actual = actual
        .as_f64()
        .unwrap_or_else(|| panic!("{what}: {actual}"));
    assert!(
        (actual - expected).abs() < 1e-12,
        "{what}: {actual} != {expected}"
    );
}

fn assert_cost(cost: &Value, parts: [f64; 6], source: &str) {
    let [usd, input, output, cache_read, cache_write, tools] = parts;
    assert_usd(&cost["usd"], usd, "usd");
    assert_usd(&cost["input"], input, "input");
    assert_usd(&cost["output"], output, "output");
    assert_usd(&cost["cache_read"], cache_read, "cache_read");
    assert_usd(&cost["cache_write"], cache_write, "cache_write");
    assert_usd(&cost["tools"], tools, "tools");
    assert_eq!(cost["source"], source);
}

#[test]
fn anthropic_cache_split_thinking_tokens_and_web_searches() {
    let t = turn("anthropic-cache-thinking-search.sse", &[]);
    // message_delta restates the counts and adds thinking and searches; the 5m/1h split
    // comes from message_start and is kept (a later statement replaces only what it says).
    assert_eq!(
        t["usage"],
        json!({"input": 1000, "output": 500, "cache_read": 20000, "cache_write": 3000,
               "reasoning": 200, "cache_write_1h": 1000, "web_search_requests": 2,
               "web_fetch_requests": null})
    );
    assert_eq!(
        t["service"],
        json!({"tier": "standard", "inference_geo": null, "speed": null})
    );
    // claude-sonnet-4-5: $3 input, $15 output, $0.30 cache read, $3.75 5-minute and $6
    // 1-hour cache write per million tokens, $0.01 per web search. Prompt 1000 + 20,000 +
    // 3000 = 24,000, under the 200k long-context threshold.
    //   input        1000 * 3 / 1M                     = 0.003
    //   output        500 * 15 / 1M (thinking inside)  = 0.0075
    //   cache read 20,000 * 0.30 / 1M                  = 0.006
    //   cache write  2000 * 3.75 / 1M + 1000 * 6 / 1M  = 0.0075 + 0.006 = 0.0135
    //   tools           2 * 0.01                       = 0.02
    //   total 0.003 + 0.0075 + 0.006 + 0.0135 + 0.02   = 0.05
    assert_cost(
        &t["cost"],
        [0.05, 0.003, 0.0075, 0.006, 0.0135, 0.02],
        "table 2026-07-24",
    );
    // The thinking block's display was omitted (only a signature): a thought that cannot
    // be read, counted as redacted, not a thought with empty text.
    assert_eq!(t["thoughts"], json!([]));
    assert_eq!(t["redacted_thoughts"], 1);
    assert_no_warnings(&t);
}

#[test]
fn overrides_replace_whole_entries() {
    let t = turn(
        "anthropic-cache-thinking-search.sse",
        &["--prices", "tests/data/cost/prices.json"],
    );
    // The negotiated claude-sonnet-4-5: $2.40, $12, $0.24, $3, $4.80, $0.008 a search.
    //   input 1000 * 2.4 / 1M = 0.0024; output 500 * 12 / 1M = 0.006;
    //   cache read 20,000 * 0.24 / 1M = 0.0048;
    //   cache write 2000 * 3 / 1M + 1000 * 4.8 / 1M = 0.006 + 0.0048 = 0.0108;
    //   tools 2 * 0.008 = 0.016
    //   total 0.0024 + 0.006 + 0.0048 + 0.0108 + 0.016 = 0.04
    assert_cost(
        &t["cost"],
        [0.04, 0.0024, 0.006, 0.0048, 0.0108, 0.016],
        "table 2026-11-01",
    );
}

#[test]
fn omitted_thinking_is_redacted_and_us_inference_costs_more() {
    let t = turn("anthropic-omitted-thinking.json", &[]);
    // Three thinking blocks: one omitted (no text), one redacted, one shown.
    assert_eq!(
        t["thoughts"],
        json!([{"source": "thinking", "text": "The user wants a number."}])
    );
    assert_eq!(t["redacted_thoughts"], 2);
    assert_eq!(t["usage"]["reasoning"], 100);
    assert_eq!(t["service"]["inference_geo"], "us");
    // claude-opus-4-6: $5 input, $25 output per million, times 1.1 for US-only inference.
    //   input 400 * 5 * 1.1 / 1M = 0.0022; output 120 * 25 * 1.1 / 1M = 0.0033
    //   (the 100 thinking tokens are inside the 120, priced once); total 0.0055
    assert_cost(
        &t["cost"],
        [0.0055, 0.0022, 0.0033, 0.0, 0.0, 0.0],
        "table 2026-07-24",
    );
}

#[test]
fn openrouter_reported_cost_wins() {
    let t = turn("openrouter-chat-cost.json", &[]);
    // The table would say 1000 * 0.15 / 1M + 200 * 0.60 / 1M = 0.00027 for gpt-4o-mini;
    // OpenRouter says it charged 0.000284, and that is the cost, said to be the provider's.
    assert_eq!(
        t["cost"],
        json!({"usd": 0.000284, "input": null, "output": null, "cache_read": null,
               "cache_write": null, "tools": null, "source": "provider"})
    );
    // With the user's own key, `cost` is OpenRouter's fee and the upstream charge comes
    // on top: 0.000015 + 0.0003 = 0.000315.
    let byok = turn("openrouter-chat-byok.json", &[]);
    assert_usd(&byok["cost"]["usd"], 0.000315, "byok");
    assert_eq!(byok["cost"]["source"], "provider");
}

#[test]
fn responses_web_search_calls_are_charged_per_call() {
    let t = turn("responses-web-search.json", &[]);
    assert_eq!(t["usage"]["web_search_requests"], 2);
    assert_eq!(t["service"]["tier"], "default");
    // gpt-4o-mini: $0.15 input, $0.075 cached input, $0.60 output per million; $0.01 a
    // search. input_tokens 2000 of which 500 cached: input 1500.
    //   input 1500 * 0.15 / 1M = 0.000225; cache read 500 * 0.075 / 1M = 0.0000375;
    //   output 300 * 0.6 / 1M = 0.00018; tools 2 * 0.01 = 0.02
    //   total 0.000225 + 0.0000375 + 0.00018 + 0.02 = 0.0204425
    assert_cost(
        &t["cost"],
        [0.0204425, 0.000225, 0.00018, 0.0000375, 0.0, 0.02],
        "table 2026-07-24",
    );
}

#[test]
fn an_unknown_model_is_unpriced_not_free() {
    let t = turn("unknown-model.json", &[]);
    assert_eq!(t["cost"], Value::Null);
    assert_eq!(
        t["warnings"],
        json!(["unpriced model acme-llm-7b: not in the price table"])
    );
    // `--prices` adds it: $0.10 input, $0.40 output per million.
    //   1200 * 0.1 / 1M + 300 * 0.4 / 1M = 0.00012 + 0.00012 = 0.00024
    let t = turn(
        "unknown-model.json",
        &["--prices", "tests/data/cost/prices.json"],
    );
    assert_cost(
        &t["cost"],
        [0.00024, 0.00012, 0.00012, 0.0, 0.0, 0.0],
        "table 2026-12-01",
    );
    assert_no_warnings(&t);
}

#[test]
fn summary_totals_and_lists_the_unpriced() {
    let out = run(&[
        "summary",
        "--format",
        "json",
        "--by",
        "model",
        "tests/data/cost/anthropic-cache-thinking-search.sse",
        "tests/data/cost/responses-web-search.json",
        "tests/data/cost/unknown-model.json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    // 0.05 + 0.0204425 = 0.0704425; acme-llm-7b is left out, and listed.
    assert_usd(&s["cost"]["usd"], 0.0704425, "total");
    assert_eq!(s["cost"]["priced_turns"], 2);
    assert_eq!(s["cost"]["unpriced_turns"], 1);
    assert_eq!(s["unpriced"]["acme-llm-7b"]["turns"], 1);
    assert_eq!(s["unpriced"]["acme-llm-7b"]["usage"]["input"], 1200);
    assert_eq!(s["unpriced"]["acme-llm-7b"]["usage"]["output"], 300);
    assert_usd(
        &s["groups"]["gpt-4o-mini-2024-07-18"]["cost"]["usd"],
        0.0204425,
        "group",
    );
    assert_usd(
        &s["cost_by_model"]["claude-sonnet-4-5-20250929"],
        0.05,
        "by model",
    );

    let out = run(&[
        "summary",
        "--color",
        "never",
        "tests/data/cost/anthropic-cache-thinking-search.sse",
        "tests/data/cost/unknown-model.json",
    ]);
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("$0.05"), "{table}");
    assert!(table.contains("unpriced models"), "{table}");
    assert!(table.contains("acme-llm-7b"), "{table}");
}

#[test]
fn a_bad_price_file_is_a_usage_error_naming_it() {
    for (file, says) in [
        ("tests/data/cost/bad-prices.json", "unknown field `ouptut`"),
        ("tests/data/cost/missing.json", "no such file or directory"),
    ] {
        for command in ["inspect", "summary"] {
            let out = run(&[command, "--prices", file, "fixtures/raw"]);
            assert_eq!(out.status.code(), Some(2), "{command} {file}");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                err.starts_with(&format!("aibridge-trace: --prices {file}: ")),
                "{err}"
            );
            assert!(err.contains(says), "{err}");
            assert!(out.stdout.is_empty());
        }
    }
}
