//! The price table: its file format, checked on reading, and name look-up.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::model;

/// The only `format` this version reads.
pub const FORMAT: u32 = 1;

/// The table compiled into the binary.
const EMBEDDED: &str = include_str!("prices.json");

/// Prices by model name. See the [module docs](super) for the file format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceTable {
    /// Always [`FORMAT`].
    pub format: u32,
    /// Free text for people reading the file: how it was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
    /// Sorted by name, so a written table is deterministic.
    pub models: BTreeMap<String, ModelPrice>,
}

/// What one model costs, and where that was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a model's prices (an object)")]
pub struct ModelPrice {
    /// Who serves the model at these prices (`anthropic`, `openai`, `bedrock`, `groq`, …):
    /// for people; matching goes by name alone.
    pub provider: String,
    /// Where the prices were read (a document and the key or section in it).
    pub source: String,
    /// When they were read, `YYYY-MM-DD`.
    pub read: String,
    /// USD per million tokens for prompts up to the first tier's threshold.
    pub usd_per_mtok: Rates,
    /// Higher rates for long prompts, thresholds strictly increasing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<Tier>,
    /// Rates of a provider's other service tiers (OpenAI `flex`, `priority`), by the name a
    /// response's `service_tier` gives: they replace `usd_per_mtok` for the whole request.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub service_tiers: BTreeMap<String, Rates>,
    /// Factors on every token price for how the turn was served.
    #[serde(default, skip_serializing_if = "Multipliers::is_empty")]
    pub multipliers: Multipliers,
    /// Prices of provider-run tools charged per call.
    #[serde(default, skip_serializing_if = "Calls::is_empty")]
    pub usd_per_call: Calls,
}

/// USD per million tokens, by kind. A missing rate is unknown, never free: tokens of that
/// kind leave the turn unpriced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rates {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_read: Option<f64>,
    /// Anthropic's default (5-minute) cache write; also every other provider's cache write.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_write_5m: Option<f64>,
    /// Anthropic's 1-hour cache write.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_write_1h: Option<f64>,
}

/// Rates that apply to the whole request once its prompt exceeds `above_prompt_tokens`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    pub above_prompt_tokens: u64,
    pub usd_per_mtok: Rates,
}

/// Factors on every token price, by the value the turn reports. The standard values
/// (`global`, `standard`) are 1; a value not listed leaves the turn unpriced.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Multipliers {
    /// Anthropic `usage.inference_geo` (`us`: US-only inference).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub inference_geo: BTreeMap<String, f64>,
    /// Anthropic fast mode (`fast`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub speed: BTreeMap<String, f64>,
}

impl Multipliers {
    fn is_empty(&self) -> bool {
        self.inference_geo.is_empty() && self.speed.is_empty()
    }
}

/// Per-call prices of provider-run tools.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calls {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_search: Option<CallPrice>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_fetch: Option<CallPrice>,
}

impl Calls {
    fn is_empty(&self) -> bool {
        self.web_search.is_none() && self.web_fetch.is_none()
    }
}

/// USD per call. A tool price often comes from another page than the token prices, so it
/// may name its own source and date; without them, the model's hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallPrice {
    pub usd: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read: Option<String>,
}

/// What responses call the standard service tier (OpenAI `default`, a request's `auto`,
/// Anthropic `standard`): priced by `usd_per_mtok` and `tiers`.
pub const STANDARD_TIERS: [&str; 3] = ["default", "standard", "auto"];

/// Why a price file was not read.
#[derive(Debug)]
pub enum PriceError {
    /// Not JSON, or not of this shape (an unknown field, a string for a number, …).
    Json(serde_json::Error),
    /// A `format` this version does not know.
    Format(u32),
    /// An entry that reads but cannot be right.
    Invalid { model: String, reason: String },
    /// More models than [`MAX_MODELS`]: `listed` of them.
    TooManyModels { listed: usize },
}

/// The most models a table may list. Each costs some 900 bytes held, so a table at the
/// file's 64 MiB bound of small entries (600,000) held 555 MB (hostile run 42); LiteLLM's
/// whole table lists about 2,500.
pub const MAX_MODELS: usize = 50_000;

/// Said redacted, as error text is: serde's words and a reason quote the file's values, and
/// a file given as `--prices` by mistake may hold keys (hostile run 50).
impl fmt::Display for PriceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::redact::redacted(&Said(self).to_string()))
    }
}

/// A price error's words, before they are redacted.
struct Said<'e>(&'e PriceError);

impl fmt::Display for Said<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            PriceError::Json(e) => write!(f, "not a price table: {e}"),
            PriceError::Format(n) => {
                write!(
                    f,
                    "price table format {n} is not known (this version reads {FORMAT})"
                )
            }
            PriceError::Invalid { model, reason } => write!(f, "price of {model}: {reason}"),
            PriceError::TooManyModels { listed } => write!(
                f,
                "the table lists {} models, more than the {} this tool reads",
                crate::number::thousands(*listed as u64),
                crate::number::thousands(MAX_MODELS as u64)
            ),
        }
    }
}

impl std::error::Error for PriceError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PriceError::Json(e) => Some(e),
            _ => None,
        }
    }
}

impl PriceTable {
    /// The table compiled into the binary. Its soundness is a test, so this cannot fail.
    /// It parses some 150 kB of JSON: read it once per run, not once per turn.
    pub fn embedded() -> PriceTable {
        PriceTable::parse(EMBEDDED).expect("the embedded price table is checked by tests")
    }

    /// Reads a table in this module's format and checks every entry.
    pub fn parse(text: &str) -> Result<PriceTable, PriceError> {
        // Editors on Windows save JSON with a byte order mark, which is no part of it.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let raw: RawTable = serde_json::from_str(text).map_err(PriceError::Json)?;
        if raw.models.listed > MAX_MODELS {
            return Err(PriceError::TooManyModels {
                listed: raw.models.listed,
            });
        }
        let table = PriceTable {
            format: raw.format,
            about: raw.about,
            models: raw.models.kept,
        };
        if table.format != FORMAT {
            return Err(PriceError::Format(table.format));
        }
        for (name, price) in &table.models {
            price.check().map_err(|reason| PriceError::Invalid {
                model: name.clone(),
                reason,
            })?;
        }
        Ok(table)
    }

    /// Adds the models of `overrides`, replacing whole entries of the same name: an entry
    /// never mixes prices from two sources or dates.
    pub fn merge(&mut self, overrides: PriceTable) {
        self.models.extend(overrides.models);
    }

    /// The entry `model` is priced under, with the table name that matched (see
    /// [`model::candidates`]); None when the table does not know the model.
    pub fn find(&self, model: &str) -> Option<(&str, &ModelPrice)> {
        model::candidates(model)
            .iter()
            .find_map(|name| self.models.get_key_value(name.as_str()))
            .map(|(name, price)| (name.as_str(), price))
    }
}

/// A table as read: its models past [`MAX_MODELS`] counted, not held.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a price table (an object)")]
struct RawTable {
    format: u32,
    #[serde(default)]
    about: Option<String>,
    models: Models,
}

/// The first [`MAX_MODELS`] models of a table, and how many it lists.
struct Models {
    kept: BTreeMap<String, ModelPrice>,
    listed: usize,
}

impl<'de> Deserialize<'de> for Models {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Models;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of model names to prices")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Models, A::Error> {
                let mut models = Models {
                    kept: BTreeMap::new(),
                    listed: 0,
                };
                while let Some(name) = map.next_key::<String>()? {
                    models.listed += 1;
                    if models.listed > MAX_MODELS {
                        map.next_value::<serde::de::IgnoredAny>()?;
                        continue;
                    }
                    models.kept.insert(name, map.next_value()?);
                }
                Ok(models)
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

impl ModelPrice {
    /// What cannot be right in an entry, said for a person fixing the file.
    fn check(&self) -> Result<(), String> {
        if self.provider.trim().is_empty() {
            return Err("`provider` is empty".into());
        }
        if self.source.trim().is_empty() {
            return Err("`source` is empty".into());
        }
        check_date(&self.read)?;
        if self.usd_per_mtok.input.is_none() || self.usd_per_mtok.output.is_none() {
            return Err("`usd_per_mtok` needs at least `input` and `output`".into());
        }
        self.usd_per_mtok.check()?;
        let mut floor = 0;
        for tier in &self.tiers {
            if tier.above_prompt_tokens <= floor {
                return Err("tier thresholds must be above zero and increasing".into());
            }
            floor = tier.above_prompt_tokens;
            tier.usd_per_mtok.check()?;
        }
        for (name, rates) in &self.service_tiers {
            if STANDARD_TIERS.contains(&name.as_str()) {
                return Err(format!(
                    "service tier `{name}` is the standard rates: write them in `usd_per_mtok`"
                ));
            }
            rates.check()?;
        }
        for factor in self
            .multipliers
            .inference_geo
            .values()
            .chain(self.multipliers.speed.values())
        {
            check_usd(*factor).map_err(|_| {
                format!(
                    "multiplier {} is not a factor (a number from 0 to 1,000,000)",
                    shown(*factor)
                )
            })?;
        }
        for call in [&self.usd_per_call.web_search, &self.usd_per_call.web_fetch]
            .into_iter()
            .flatten()
        {
            check_usd(call.usd)?;
            if call.source.as_deref().is_some_and(|s| s.trim().is_empty()) {
                return Err("a per-call `source` is empty".into());
            }
            if let Some(read) = &call.read {
                check_date(read)?;
            }
        }
        Ok(())
    }
}

impl Rates {
    /// Every rate given, in order (input, output, cache read, 5-minute write, 1-hour write).
    pub fn all(&self) -> [Option<f64>; 5] {
        [
            self.input,
            self.output,
            self.cache_read,
            self.cache_write_5m,
            self.cache_write_1h,
        ]
    }

    fn check(&self) -> Result<(), String> {
        self.all().into_iter().flatten().try_for_each(check_usd)
    }
}

/// The most a price (or a multiplier) may be. The dearest model lists well under $1,000 a
/// million tokens; a bound keeps a cost finite, whatever the counts (2^64 tokens at this
/// rate, times the largest multiplier, is about 1.8e25 dollars), where `1e308` made `$inf`.
const MAX_USD: f64 = 1_000_000.0;

fn check_usd(usd: f64) -> Result<(), String> {
    // `-0.0` is in the range, but a cost would print as `-0`.
    if usd.is_finite() && (0.0..=MAX_USD).contains(&usd) && usd.is_sign_positive() {
        Ok(())
    } else {
        Err(format!(
            "{} is not a price (a number from 0 to 1,000,000)",
            shown(usd)
        ))
    }
}

/// A number as a message shows it: `1e308`, not its 309 digits.
fn shown(x: f64) -> String {
    match x.abs() < 1e15 {
        true => x.to_string(),
        false => format!("{x:e}"),
    }
}

/// `YYYY-MM-DD`, by shape and range; enough to catch a misplaced field.
fn check_date(date: &str) -> Result<(), String> {
    let b = date.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    let number = |at: std::ops::Range<usize>| date.get(at).and_then(|n| n.parse::<u32>().ok());
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    // A day the month has: `2026-04-31` is no date (hostile run 42: it was printed as the
    // table's in every turn's `cost.source`).
    let days = match (year, month) {
        (Some(year), Some(2)) => match year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) {
            true => 29,
            false => 28,
        },
        (_, Some(4 | 6 | 9 | 11)) => 30,
        (_, Some(1..=12)) => 31,
        _ => 0,
    };
    if shaped && day.is_some_and(|d| (1..=days).contains(&d)) {
        Ok(())
    } else {
        Err(format!("`read` must be a date YYYY-MM-DD, not {date:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table name `model` is priced under in the embedded table.
    fn matched(model: &str) -> Option<String> {
        PriceTable::embedded()
            .find(model)
            .map(|(name, _)| name.to_string())
    }

    #[test]
    fn every_embedded_entry_has_a_source_a_date_and_sound_prices() {
        let table = PriceTable::embedded();
        assert!(table.models.len() > 100, "{} models", table.models.len());
        for (name, price) in &table.models {
            assert!(!price.source.trim().is_empty(), "{name}: no source");
            assert!(
                check_date(&price.read).is_ok(),
                "{name}: read {:?}",
                price.read
            );
            let rates = std::iter::once(&price.usd_per_mtok)
                .chain(price.tiers.iter().map(|t| &t.usd_per_mtok));
            for rate in rates.flat_map(Rates::all).flatten() {
                assert!(rate.is_finite() && rate >= 0.0, "{name}: rate {rate}");
            }
            // Never priced as free by accident: LiteLLM's zeros for unknown prices stay out.
            assert!(
                price.usd_per_mtok.input.unwrap() > 0.0 || price.usd_per_mtok.output.unwrap() > 0.0,
                "{name}"
            );
            for call in [
                &price.usd_per_call.web_search,
                &price.usd_per_call.web_fetch,
            ]
            .into_iter()
            .flatten()
            {
                assert!(call.usd >= 0.0, "{name}: per call {}", call.usd);
                assert!(
                    call.read.as_deref().is_none_or(|d| check_date(d).is_ok()),
                    "{name}"
                );
            }
        }
    }

    #[test]
    fn the_embedded_table_is_written_as_the_generator_writes_it() {
        // Sorted, pretty, one trailing newline: a regenerated file diffs only where prices moved.
        let table = PriceTable::embedded();
        let mut written = serde_json::to_string_pretty(&table).unwrap();
        written.push('\n');
        assert_eq!(written, EMBEDDED);
    }

    #[test]
    fn dated_snapshots_match_their_model() {
        assert_eq!(
            matched("claude-sonnet-4-5-20250929").as_deref(),
            Some("claude-sonnet-4-5")
        );
        assert_eq!(
            matched("claude-haiku-4-5-20251001").as_deref(),
            Some("claude-haiku-4-5")
        );
        assert_eq!(matched("gpt-4.1-2025-04-14").as_deref(), Some("gpt-4.1"));
        assert_eq!(matched("gpt-5-2025-08-07").as_deref(), Some("gpt-5"));
        // A snapshot priced apart keeps its own entry.
        assert_eq!(
            matched("gpt-4o-2024-05-13").as_deref(),
            Some("gpt-4o-2024-05-13")
        );
        assert_eq!(matched("gpt-4o-2024-08-06").as_deref(), Some("gpt-4o"));
    }

    #[test]
    fn provider_prefixes_and_router_ids_match() {
        assert_eq!(
            matched("anthropic/claude-sonnet-4-5").as_deref(),
            Some("claude-sonnet-4-5")
        );
        assert_eq!(
            matched("openai/gpt-4.1-mini").as_deref(),
            Some("gpt-4.1-mini")
        );
        assert_eq!(
            matched("openrouter/anthropic/claude-sonnet-4.5").as_deref(),
            Some("claude-sonnet-4-5")
        );
        assert_eq!(
            matched("anthropic/claude-3.7-sonnet").as_deref(),
            Some("claude-3-7-sonnet")
        );
        // Groq names its hosted models with their organisation.
        assert_eq!(
            matched("openai/gpt-oss-120b").as_deref(),
            Some("openai/gpt-oss-120b")
        );
        assert_eq!(
            matched("llama-3.3-70b-versatile").as_deref(),
            Some("llama-3.3-70b-versatile")
        );
        assert_eq!(
            matched("moonshotai/kimi-k2-instruct-0905").as_deref(),
            Some("moonshotai/kimi-k2-instruct-0905")
        );
        assert_eq!(matched("qwen/qwen3-32b").as_deref(), Some("qwen/qwen3-32b"));
        // The same model served by a self-hosted vLLM is not Groq's to price.
        assert_eq!(matched("Qwen/Qwen3-32B"), None);
        assert_eq!(
            matched("claude-3-7-sonnet-latest").as_deref(),
            Some("claude-3-7-sonnet")
        );
        assert_eq!(matched("deepseek-chat").as_deref(), Some("deepseek-chat"));
        assert_eq!(matched("grok-4-0709").as_deref(), Some("grok-4-0709"));
        assert_eq!(
            matched("mistral-large-2411").as_deref(),
            Some("mistral-large-2411")
        );
    }

    #[test]
    fn bedrock_and_vertex_ids_match() {
        // US regional endpoints of Sonnet 4.5 cost 10% more: their own entry.
        assert_eq!(
            matched("us.anthropic.claude-sonnet-4-5-20250929-v1:0").as_deref(),
            Some("us.anthropic.claude-sonnet-4-5")
        );
        // Global cross-region inference costs what Anthropic charges.
        assert_eq!(
            matched("global.anthropic.claude-sonnet-4-5-20250929-v1:0").as_deref(),
            Some("claude-sonnet-4-5")
        );
        assert_eq!(
            matched("anthropic.claude-3-5-haiku-20241022-v1:0").as_deref(),
            Some("anthropic.claude-3-5-haiku")
        );
        assert_eq!(
            matched("claude-sonnet-4-5@20250929").as_deref(),
            Some("claude-sonnet-4-5")
        );
    }

    #[test]
    fn retired_models_keep_their_last_price() {
        // LiteLLM no longer lists them; the table keeps them from an older copy.
        assert_eq!(
            matched("claude-3-5-haiku-20241022").as_deref(),
            Some("claude-3-5-haiku")
        );
        assert_eq!(
            matched("claude-3-5-sonnet-20241022").as_deref(),
            Some("claude-3-5-sonnet")
        );
        assert_eq!(matched("o1-mini").as_deref(), Some("o1-mini"));
        // Its only snapshot costs what the model does (LiteLLM's entry for it is stale).
        assert_eq!(matched("o1-mini-2024-09-12").as_deref(), Some("o1-mini"));
        let haiku = &PriceTable::embedded().models["claude-3-5-haiku"];
        assert_eq!(haiku.read, "2026-03-12");
        assert_eq!(haiku.usd_per_mtok.input, Some(0.8));
    }

    #[test]
    fn a_longer_name_never_falls_back_to_a_shorter_model() {
        assert_eq!(matched("gpt-4o-mini").as_deref(), Some("gpt-4o-mini"));
        assert_eq!(
            matched("gpt-4o-mini-2024-07-18").as_deref(),
            Some("gpt-4o-mini")
        );
        assert_eq!(matched("o3-mini").as_deref(), Some("o3-mini"));
        assert_eq!(matched("o3-mini-2025-01-31").as_deref(), Some("o3-mini"));
        assert_eq!(matched("gpt-4.1-nano").as_deref(), Some("gpt-4.1-nano"));
        // Unknown variants of known models are unknown, not their base.
        assert_eq!(matched("gpt-4o-turbo-preview"), None);
        assert_eq!(matched("o3-ultra"), None);
        assert_eq!(matched("claude-sonnet-4-5-experimental"), None);
        assert_eq!(matched("gpt-4o-2099"), None);
    }

    #[test]
    fn unknown_models_are_not_found() {
        assert_eq!(matched("my-local-model"), None);
        assert_eq!(matched(""), None);
        assert_eq!(matched("gpt-4o-realtime-preview"), None);
    }

    fn entry(input: f64, output: f64) -> ModelPrice {
        ModelPrice {
            provider: "example".into(),
            source: "a test".into(),
            read: "2026-01-02".into(),
            usd_per_mtok: Rates {
                input: Some(input),
                output: Some(output),
                ..Rates::default()
            },
            tiers: Vec::new(),
            service_tiers: BTreeMap::new(),
            multipliers: Multipliers::default(),
            usd_per_call: Calls::default(),
        }
    }

    #[test]
    fn an_override_adds_models_and_replaces_whole_entries() {
        let mut table = PriceTable::embedded();
        let before = table.models.len();
        let overrides = PriceTable::parse(
            r#"{"format": 1, "models": {
                "claude-sonnet-4-5": {"provider": "anthropic", "source": "our contract",
                    "read": "2026-11-01", "usd_per_mtok": {"input": 2.4, "output": 12}},
                "my-local-model": {"provider": "self-hosted", "source": "power bill",
                    "read": "2026-11-02", "usd_per_mtok": {"input": 0.01, "output": 0.02}}
            }}"#,
        )
        .unwrap();
        table.merge(overrides);
        assert_eq!(table.models.len(), before + 1);
        let (_, sonnet) = table.find("claude-sonnet-4-5-20250929").unwrap();
        assert_eq!(sonnet.source, "our contract");
        assert_eq!(sonnet.usd_per_mtok.input, Some(2.4));
        // The whole entry is replaced: no cache or tier price survives from the old one.
        assert_eq!(sonnet.usd_per_mtok.cache_read, None);
        assert!(sonnet.tiers.is_empty());
        assert_eq!(table.find("my-local-model").unwrap().1, &{
            let mut e = entry(0.01, 0.02);
            e.provider = "self-hosted".into();
            e.source = "power bill".into();
            e.read = "2026-11-02".into();
            e
        });
    }

    fn invalid(text: &str) -> String {
        match PriceTable::parse(text) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("read: {text}"),
        }
    }

    #[test]
    fn a_file_of_keys_given_as_a_table_is_not_quoted() {
        // Hostile run 50, D4: serde's words quoted the values whole, and a type's name.
        let key = "sk-proj-ZQXabcdefghij0123456789KLMNOP";
        for text in [
            format!(r#"{{"format": 1, "models": {{"gpt-4o": "{key}"}}}}"#),
            format!(r#"{{"format": 1, "models": {{"m": {{"{key}": 1}}}}}}"#),
            format!(
                r#"{{"format": 1, "models": {{"m": {{"provider": "p", "source": "s", "read": "Bearer {key}"}}}}}}"#
            ),
        ] {
            let said = invalid(&text);
            assert!(!said.contains("ZQX") && !said.contains("struct"), "{said}");
        }
        assert!(invalid(r#"{"format": 1, "models": {"m": 1}}"#).contains("a model's prices"));
    }

    #[test]
    fn broken_files_say_what_is_wrong() {
        let model = |fields: &str| format!(r#"{{"format": 1, "models": {{"m": {fields}}}}}"#);
        let base = r#""provider": "p", "source": "s", "read": "2026-01-02""#;
        assert!(invalid("[]").starts_with("not a price table"));
        // A byte order mark before the JSON is no part of it.
        let marked = format!(
            "\u{feff}{}",
            model(&format!(
                r#"{{{base}, "usd_per_mtok": {{"input": 1, "output": 2}}}}"#
            ))
        );
        assert!(PriceTable::parse(&marked).is_ok());
        assert!(invalid(r#"{"format": 2, "models": {}}"#).contains("format 2 is not known"));
        assert!(
            invalid(&model(&format!(
                r#"{{{base}, "usd_per_mtok": {{"input": 1, "ouput": 2}}}}"#
            )))
            .contains("unknown field `ouput`")
        );
        assert_eq!(
            invalid(&model(&format!(
                r#"{{{base}, "usd_per_mtok": {{"input": 1}}}}"#
            ))),
            "price of m: `usd_per_mtok` needs at least `input` and `output`"
        );
        assert_eq!(
            invalid(&model(&format!(
                r#"{{{base}, "usd_per_mtok": {{"input": -1, "output": 2}}}}"#
            ))),
            "price of m: -1 is not a price (a number from 0 to 1,000,000)"
        );
        // Nor is minus zero, which a cost would print as `-0`.
        assert_eq!(
            invalid(&model(&format!(
                r#"{{{base}, "usd_per_mtok": {{"input": -0.0, "output": 2}}}}"#
            ))),
            "price of m: -0 is not a price (a number from 0 to 1,000,000)"
        );
        // A price so big that a cost would overflow to infinity is no price either.
        assert_eq!(
            invalid(&model(&format!(
                r#"{{{base}, "usd_per_mtok": {{"input": 1e308, "output": 2}}}}"#
            ))),
            "price of m: 1e308 is not a price (a number from 0 to 1,000,000)"
        );
        assert_eq!(
            invalid(&model(
                r#"{"provider": "p", "source": " ", "read": "2026-01-02", "usd_per_mtok": {"input": 1, "output": 2}}"#
            )),
            "price of m: `source` is empty"
        );
        assert_eq!(
            invalid(&model(
                r#"{"provider": "p", "source": "s", "read": "July 2026", "usd_per_mtok": {"input": 1, "output": 2}}"#
            )),
            r#"price of m: `read` must be a date YYYY-MM-DD, not "July 2026""#
        );
        // A day the month does not have (hostile run 42); leap years have 29 February.
        for date in ["2026-04-31", "2026-02-29", "1900-02-29", "2026-01-00"] {
            let price = format!(
                r#"{{"provider": "p", "source": "s", "read": "{date}", "usd_per_mtok": {{"input": 1, "output": 2}}}}"#
            );
            let said = format!("price of m: `read` must be a date YYYY-MM-DD, not \"{date}\"");
            assert_eq!(invalid(&model(&price)), said);
        }
        assert!(check_date("2024-02-29").is_ok() && check_date("2000-02-29").is_ok());
        // Past MAX_MODELS, the rest are counted, not held (hostile run 42: 600,000 small
        // entries within the 64 MiB a file may have held 555 MB).
        let entry = r#"{"provider": "p", "source": "s", "read": "2026-01-02", "usd_per_mtok": {}}"#;
        let models: Vec<String> = (0..=MAX_MODELS)
            .map(|n| format!(r#""m{n}": {entry}"#))
            .collect();
        let text = format!(r#"{{"format": 1, "models": {{{}}}}}"#, models.join(","));
        assert_eq!(
            invalid(&text),
            "the table lists 50,001 models, more than the 50,000 this tool reads"
        );
        assert!(check_date("2026-12-31").is_ok());
        assert_eq!(
            invalid(&model(&format!(
                r#"{{{base}, "usd_per_mtok": {{"input": 1, "output": 2}}, "tiers": [
                    {{"above_prompt_tokens": 200000, "usd_per_mtok": {{}}}},
                    {{"above_prompt_tokens": 128000, "usd_per_mtok": {{}}}}]}}"#
            ))),
            "price of m: tier thresholds must be above zero and increasing"
        );
        assert_eq!(
            invalid(&model(&format!(
                r#"{{{base}, "usd_per_mtok": {{"input": 1, "output": 2}},
                    "usd_per_call": {{"web_search": {{"usd": 0.01, "read": "2026-13-01"}}}}}}"#
            ))),
            r#"price of m: `read` must be a date YYYY-MM-DD, not "2026-13-01""#
        );
        assert_eq!(
            invalid(&model(&format!(
                r#"{{{base}, "usd_per_mtok": {{"input": 1, "output": 2}},
                    "service_tiers": {{"default": {{"input": 1, "output": 2}}}}}}"#
            ))),
            "price of m: service tier `default` is the standard rates: write them in `usd_per_mtok`"
        );
    }
}
