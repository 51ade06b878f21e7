//! Regenerates the embedded price table, `src/cost/prices.json`, from LiteLLM's public
//! price list (`model_prices_and_context_window.json` in github.com/BerriAI/litellm, MIT):
//!
//! ```sh
//! curl -LO https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json
//! cargo run --example gen-prices -- model_prices_and_context_window.json 2026-07-24
//! ```
//!
//! The date is the day the LiteLLM file was downloaded: every entry records it as `read`.
//! The output is sorted and depends on nothing else, so the same two arguments always write
//! the same file; review the diff before committing it.
//!
//! Kept: chat models of Anthropic, OpenAI, DeepSeek, xAI, Mistral, Groq and Gemini, and
//! Anthropic models on Bedrock where a region prices them differently. Left out: fine-tunes,
//! audio, realtime, image and search-preview models, whose bills have parts this tool cannot
//! count (an unpriced turn is better than a wrong price). A dated snapshot is kept only where
//! it costs something else than the name the look-up falls back to.
//!
//! LiteLLM prices web search only for some Claude models and not OpenAI's Responses web
//! search tool, so those per-call prices are added here, each naming its own source.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use aibridge_trace::cost::{
    CallPrice, Calls, FORMAT, ModelPrice, Multipliers, PriceTable, Rates, Tier, model::candidates,
};
use serde_json::{Map, Value};

/// Providers whose chat models are kept, and whether their keys carry `provider/`.
const PROVIDERS: [(&str, bool); 7] = [
    ("anthropic", false),
    ("openai", false),
    ("deepseek", true),
    ("xai", true),
    ("mistral", true),
    ("groq", true),
    ("gemini", true),
];

/// Name parts of models whose bills this tool cannot count from token usage.
const LEFT_OUT: [&str; 8] = [
    "ft:",
    "audio",
    "realtime",
    "search-preview",
    "search-api",
    "image",
    "tts",
    "live",
];

/// LiteLLM's long-context thresholds, as they appear in its field names.
const THRESHOLDS: [(u64, &str); 5] = [
    (128_000, "128k"),
    (200_000, "200k"),
    (256_000, "256k"),
    (272_000, "272k"),
    (512_000, "512k"),
];

/// Read on 2026-12-02 from OpenAI's pricing page (built-in tools) as quoted by OpenAI staff
/// on community.openai.com/t/search-web-using-openai-api/1363698.
const OPENAI_WEB_SEARCH: (f64, &str) = (
    0.01,
    "OpenAI pricing, built-in tools: web search $10 per 1,000 calls (the web_search tool; the older web_search_preview on non-reasoning models costs $25 per 1,000)",
);
/// The price LiteLLM gives every Claude model it prices web search for.
const ANTHROPIC_WEB_SEARCH: (f64, &str) = (
    0.01,
    "Anthropic web search: $10 per 1,000 searches for every Claude model (LiteLLM lists it for most Claude models as search_context_cost_per_query)",
);
const ANTHROPIC_WEB_FETCH: (f64, &str) = (
    0.0,
    "Anthropic web fetch tool docs: no charge beyond the tokens of the fetched content",
);
const SUPPLEMENT_READ: &str = "2026-12-02";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [litellm, read] = args.as_slice() else {
        return Err("usage: gen-prices LITELLM_JSON DOWNLOAD_DATE (YYYY-MM-DD)".into());
    };
    let text = std::fs::read_to_string(litellm)?;
    let source: Map<String, Value> = serde_json::from_str(&text)?;
    let table = generate(&source, read)?;
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cost/prices.json");
    let mut json = serde_json::to_string_pretty(&table)?;
    json.push('\n');
    // Reading it back checks it as the binary will.
    PriceTable::parse(&json)?;
    std::fs::write(&out, json)?;
    eprintln!("wrote {} models to {}", table.models.len(), out.display());
    Ok(())
}

fn generate(source: &Map<String, Value>, read: &str) -> Result<PriceTable, String> {
    let mut models: BTreeMap<String, ModelPrice> = BTreeMap::new();
    for (key, entry) in source {
        let Some((name, provider)) = keep(key, entry) else {
            continue;
        };
        let Some(price) = price_of(key, entry, &provider, read) else {
            continue;
        };
        match models.get(&name) {
            Some(kept) if !same_prices(kept, &price) => {
                // Two LiteLLM keys for one name (`deepseek-chat`, `deepseek/deepseek-chat`)
                // that disagree: keep neither rather than guess.
                eprintln!("conflict, left out: {name} ({} vs {key})", kept.source);
                models.insert(name, conflict_marker());
            }
            Some(_) => {}
            None => {
                models.insert(name, price);
            }
        }
    }
    models.retain(|_, price| price.provider != CONFLICT);
    add_undated_names(&mut models);
    drop_redundant_names(&mut models);
    Ok(PriceTable {
        format: FORMAT,
        about: Some(format!(
            "Generated by examples/gen-prices.rs from LiteLLM's model_prices_and_context_window.json \
             (github.com/BerriAI/litellm, MIT) downloaded {read}; see src/cost.rs for the format."
        )),
        models,
    })
}

/// The table name and provider of a LiteLLM entry this table keeps.
fn keep(key: &str, entry: &Value) -> Option<(String, String)> {
    let provider = entry.get("litellm_provider")?.as_str()?;
    let mode = entry.get("mode").and_then(Value::as_str);
    if !matches!(mode, Some("chat" | "responses")) || LEFT_OUT.iter().any(|p| key.contains(p)) {
        return None;
    }
    if provider.starts_with("bedrock") {
        return bedrock_name(key).map(|name| (name, "bedrock".to_string()));
    }
    let (_, prefixed) = PROVIDERS.iter().find(|(p, _)| *p == provider)?;
    let name = if *prefixed {
        key.strip_prefix(provider)?.strip_prefix('/')?
    } else {
        key
    };
    Some((name.to_string(), provider.to_string()))
}

/// A Bedrock Anthropic id without its `-v1:0` version (`us.anthropic.claude-…`).
fn bedrock_name(key: &str) -> Option<String> {
    if key.contains('/') || !key.contains("anthropic.claude") {
        return None;
    }
    let forms = candidates(key);
    // The first form without a version: the look-up tries it right after the exact id.
    forms
        .iter()
        .find(|f| !f.contains(":") && f.contains("anthropic."))
        .cloned()
}

fn price_of(key: &str, entry: &Value, provider: &str, read: &str) -> Option<ModelPrice> {
    let per_mtok = |field: &str| {
        entry
            .get(field)
            .and_then(Value::as_f64)
            .map(|per_token| round(per_token * 1_000_000.0))
    };
    let usd_per_mtok = Rates {
        input: per_mtok("input_cost_per_token"),
        output: per_mtok("output_cost_per_token"),
        cache_read: per_mtok("cache_read_input_token_cost"),
        cache_write_5m: per_mtok("cache_creation_input_token_cost"),
        cache_write_1h: per_mtok("cache_creation_input_token_cost_above_1hr"),
    };
    // LiteLLM writes 0 where it knows no price; a turn priced at $0 would look free.
    if usd_per_mtok.input? == 0.0 && usd_per_mtok.output? == 0.0 {
        return None;
    }
    let mut usd_per_mtok = usd_per_mtok;
    let mut tiers: Vec<Tier> = THRESHOLDS
        .iter()
        .filter_map(|(tokens, name)| {
            let rates = Rates {
                input: per_mtok(&format!("input_cost_per_token_above_{name}_tokens")),
                output: per_mtok(&format!("output_cost_per_token_above_{name}_tokens")),
                cache_read: per_mtok(&format!("cache_read_input_token_cost_above_{name}_tokens")),
                cache_write_5m: per_mtok(&format!(
                    "cache_creation_input_token_cost_above_{name}_tokens"
                )),
                cache_write_1h: per_mtok(&format!(
                    "cache_creation_input_token_cost_above_1hr_above_{name}_tokens"
                )),
            };
            (rates != Rates::default()).then_some(Tier {
                above_prompt_tokens: *tokens,
                usd_per_mtok: rates,
            })
        })
        .collect();
    // OpenAI's other service tiers, as LiteLLM suffixes their rates.
    let service_tiers = [("flex", "_flex"), ("priority", "_priority")]
        .into_iter()
        .filter_map(|(tier, suffix)| {
            let rates = Rates {
                input: per_mtok(&format!("input_cost_per_token{suffix}")),
                output: per_mtok(&format!("output_cost_per_token{suffix}")),
                cache_read: per_mtok(&format!("cache_read_input_token_cost{suffix}")),
                cache_write_5m: per_mtok(&format!("cache_creation_input_token_cost{suffix}")),
                cache_write_1h: None,
            };
            (rates != Rates::default()).then(|| (tier.to_string(), rates))
        })
        .collect();
    // Anthropic's factors for US-only inference and fast mode.
    let factor = |name: &str| {
        entry
            .pointer(&format!("/provider_specific_entry/{name}"))
            .and_then(Value::as_f64)
            .map(|factor| (name.to_string(), factor))
    };
    let multipliers = Multipliers {
        inference_geo: factor("us").into_iter().collect(),
        speed: factor("fast").into_iter().collect(),
    };
    let mut source = format!("LiteLLM model_prices_and_context_window.json: {key}");
    if provider == "anthropic" {
        let rates =
            std::iter::once(&mut usd_per_mtok).chain(tiers.iter_mut().map(|t| &mut t.usd_per_mtok));
        let corrected = rates.filter_map(anthropic_hour_write).collect::<Vec<_>>();
        if !corrected.is_empty() {
            eprintln!(
                "{key}: 1-hour cache write set to 2x input (LiteLLM: {})",
                corrected.join(", ")
            );
            source.push_str(&format!(
                "; {ANTHROPIC_HOUR_WRITE} (LiteLLM: {})",
                corrected.join(", ")
            ));
        }
    }
    if entry.get("tiered_pricing").is_some() {
        eprintln!("left out: {key} has range-based tiered_pricing, not read here");
        return None;
    }
    let supplement = |(usd, source): (f64, &str)| CallPrice {
        usd,
        source: Some(source.to_string()),
        read: Some(SUPPLEMENT_READ.to_string()),
    };
    let usd_per_call = match provider {
        "anthropic" | "bedrock" => Calls {
            web_search: Some(
                entry
                    .pointer("/search_context_cost_per_query/search_context_size_medium")
                    .and_then(Value::as_f64)
                    .map(|usd| CallPrice {
                        usd,
                        source: None,
                        read: None,
                    })
                    .unwrap_or_else(|| supplement(ANTHROPIC_WEB_SEARCH)),
            ),
            web_fetch: Some(supplement(ANTHROPIC_WEB_FETCH)),
        },
        "openai" => Calls {
            web_search: Some(supplement(OPENAI_WEB_SEARCH)),
            web_fetch: None,
        },
        _ => Calls::default(),
    };
    Some(ModelPrice {
        provider: provider.to_string(),
        source,
        read: read.to_string(),
        usd_per_mtok,
        tiers,
        service_tiers,
        multipliers,
        usd_per_call,
    })
}

const ANTHROPIC_HOUR_WRITE: &str =
    "1-hour cache writes at 2x the input price, Anthropic's prompt-caching rule";

/// Sets a Claude rate set's 1-hour cache write to twice its input, Anthropic's rule; says
/// what LiteLLM had where that differed. LiteLLM leaves it out for some models and, for
/// claude-3-haiku and claude-3-opus, gives Sonnet's $6.
fn anthropic_hour_write(rates: &mut Rates) -> Option<String> {
    let rule = round(rates.input? * 2.0);
    let listed = rates.cache_write_1h.replace(rule);
    (listed != Some(rule)).then(|| listed.map_or("none".to_string(), |usd| usd.to_string()))
}

/// Per-token prices times a million carry float noise (3e-07 * 1e6 = 0.30000000000000004);
/// nine decimals of a dollar per million tokens is far below any real price step.
fn round(usd: f64) -> f64 {
    (usd * 1e9).round() / 1e9
}

const CONFLICT: &str = "conflict";

fn conflict_marker() -> ModelPrice {
    ModelPrice {
        provider: CONFLICT.to_string(),
        source: String::new(),
        read: String::new(),
        usd_per_mtok: Rates::default(),
        tiers: Vec::new(),
        service_tiers: BTreeMap::new(),
        multipliers: Multipliers::default(),
        usd_per_call: Calls::default(),
    }
}

/// Gives dated snapshots with no undated entry one (`claude-3-7-sonnet-20250219` ->
/// `claude-3-7-sonnet`) when all of them cost the same, so routers' undated ids
/// (`anthropic/claude-3.7-sonnet`) find it too.
fn add_undated_names(models: &mut BTreeMap<String, ModelPrice>) {
    let mut dated: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for name in models.keys() {
        // The look-up's first shorter form that is the name's start is the name without
        // its date; the other forms take off routes and Bedrock regions, not dates.
        let undated = candidates(name)
            .into_iter()
            .skip(1)
            .find(|form| name.starts_with(form.as_str()));
        if let Some(undated) = undated.filter(|u| !models.contains_key(u)) {
            dated.entry(undated).or_default().push(name.clone());
        }
    }
    for (undated, names) in dated {
        let first = &models[&names[0]];
        if names.iter().all(|n| same_prices(&models[n], first)) {
            // The newest snapshot (last in sort order) speaks for the name.
            let newest = models[names.last().expect("grouped names")].clone();
            models.insert(undated, newest);
        }
    }
}

/// Drops names whose look-up would fall back to an entry of the same prices anyway.
fn drop_redundant_names(models: &mut BTreeMap<String, ModelPrice>) {
    let redundant: BTreeSet<String> = models
        .iter()
        .filter(|(name, price)| {
            candidates(name)
                .iter()
                .skip(1)
                .find_map(|fallback| models.get(fallback))
                .is_some_and(|fallback| covers(fallback, price))
        })
        .map(|(name, _)| name.clone())
        .collect();
    models.retain(|name, _| !redundant.contains(name));
}

/// Whether `general` prices everything `specific` does, the same: LiteLLM often lists
/// service-tier rates for a model (`gpt-4.1`) but not for its snapshots
/// (`gpt-4.1-2025-04-14`), and the snapshot should not lose them for that.
fn covers(general: &ModelPrice, specific: &ModelPrice) -> bool {
    let standard = |p: &ModelPrice| ModelPrice {
        service_tiers: BTreeMap::new(),
        ..p.clone()
    };
    same_prices(&standard(general), &standard(specific))
        && specific
            .service_tiers
            .iter()
            .all(|(tier, rates)| general.service_tiers.get(tier) == Some(rates))
}

/// The same prices, wherever they were read.
fn same_prices(a: &ModelPrice, b: &ModelPrice) -> bool {
    let calls =
        |c: &Calls| [&c.web_search, &c.web_fetch].map(|p| p.as_ref().map(|p| p.usd.to_bits()));
    a.usd_per_mtok == b.usd_per_mtok
        && a.tiers == b.tiers
        && a.service_tiers == b.service_tiers
        && a.multipliers == b.multipliers
        && calls(&a.usd_per_call) == calls(&b.usd_per_call)
}
