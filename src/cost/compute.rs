//! From token counts and a price to dollars.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize, Serializer};

use super::table::{CallPrice, ModelPrice, PriceTable, Rates, STANDARD_TIERS};
use crate::quote::clip;

/// What one response used, in the units prices are quoted in.
///
/// The counts follow the turn's `usage`: `input` never includes cache reads or writes, so
/// `input + cache_read + cache_write_5m + cache_write_1h` is the whole prompt; `output`
/// includes reasoning tokens, which are priced as output and never added again. A cache
/// write whose duration the capture does not say counts as a 5-minute write (Anthropic's
/// default, and the only kind other providers have).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TokenCounts {
    pub input: u64,
    pub output: u64,
    pub cache_read: u64,
    pub cache_write_5m: u64,
    pub cache_write_1h: u64,
    /// Provider-run web searches (Anthropic `server_tool_use.web_search_requests`,
    /// Responses `web_search_call` items).
    pub web_search_requests: u64,
    /// Provider-run web fetches (Anthropic `server_tool_use.web_fetch_requests`).
    pub web_fetch_requests: u64,
}

impl TokenCounts {
    /// The prompt's size, which picks the long-context tier.
    pub fn prompt(&self) -> u64 {
        self.input
            .saturating_add(self.cache_read)
            .saturating_add(self.cache_write_5m)
            .saturating_add(self.cache_write_1h)
    }
}

/// How the provider served a turn; each can change its price. None is the standard way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Service<'a> {
    /// The tier the response says it ran on (OpenAI `service_tier`: `default`, `flex`,
    /// `priority`; Anthropic `usage.service_tier`).
    pub tier: Option<&'a str>,
    /// Where Anthropic ran the inference (`usage.inference_geo`: `global`, `us`).
    pub inference_geo: Option<&'a str>,
    /// Anthropic's fast mode (`speed`: `standard`, `fast`).
    pub speed: Option<&'a str>,
}

/// What a turn cost in US dollars, and by what part.
///
/// Serialized as the turn's `cost` object: `{"usd", "input", "output", "cache_read",
/// "cache_write", "tools", "source"}`, `source` being `"provider"` or `"table <date>"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cost {
    pub usd: f64,
    /// The parts, each null for a provider-reported cost (providers report the total).
    pub input: Option<f64>,
    pub output: Option<f64>,
    pub cache_read: Option<f64>,
    /// 5-minute and 1-hour writes together.
    pub cache_write: Option<f64>,
    /// Per-call tool charges.
    pub tools: Option<f64>,
    pub source: CostSource,
}

/// Where a cost came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CostSource {
    /// The provider said what it charged (OpenRouter's `usage.cost`, some gateways).
    Provider,
    /// Worked out from the price table; `date` is when the model's prices were read.
    Table { date: String },
}

impl fmt::Display for CostSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CostSource::Provider => f.write_str("provider"),
            CostSource::Table { date } => write!(f, "table {date}"),
        }
    }
}

impl Serialize for CostSource {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Read back from JSONL: `provider`, or `table DATE`.
impl<'de> Deserialize<'de> for CostSource {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<CostSource, D::Error> {
        let text = String::deserialize(d)?;
        match text.strip_prefix("table ") {
            Some(date) => Ok(CostSource::Table {
                date: date.to_string(),
            }),
            None if text == "provider" => Ok(CostSource::Provider),
            None => Err(serde::de::Error::custom(
                "a cost source is `provider` or `table DATE`",
            )),
        }
    }
}

impl Cost {
    /// A cost the provider reported: it wins over the table, since it is what was charged.
    pub fn provider(usd: f64) -> Cost {
        Cost {
            usd,
            input: None,
            output: None,
            cache_read: None,
            cache_write: None,
            tools: None,
            source: CostSource::Provider,
        }
    }
}

/// Why a turn has no cost. Never a reason to price it at $0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unpriced {
    /// Neither the response nor the request named a model.
    NoModel,
    /// The table knows neither the response's model nor the request's.
    UnknownModel { model: String },
    /// The model is known, but not the rate for something the turn used (a 1-hour cache
    /// write, a web search, …). `entry` is the table name that matched.
    MissingRate {
        model: String,
        entry: String,
        rate: String,
    },
}

impl fmt::Display for Unpriced {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unpriced::NoModel => f.write_str("unpriced: no model named"),
            Unpriced::UnknownModel { model } => {
                write!(f, "unpriced model {}: not in the price table", clip(model))
            }
            Unpriced::MissingRate { model, entry, rate } => write!(
                f,
                "unpriced model {}: the price table ({entry}) has no {rate} price",
                clip(model)
            ),
        }
    }
}

impl std::error::Error for Unpriced {}

impl PriceTable {
    /// Prices a turn by the model its response names, else the one its request asked for.
    pub fn cost(
        &self,
        response_model: Option<&str>,
        request_model: Option<&str>,
        service: &Service,
        counts: &TokenCounts,
    ) -> Result<Cost, Unpriced> {
        let named = response_model.or(request_model).ok_or(Unpriced::NoModel)?;
        let (model, (entry, price)) = [response_model, request_model]
            .into_iter()
            .flatten()
            .find_map(|model| self.find(model).map(|found| (model, found)))
            .ok_or_else(|| Unpriced::UnknownModel {
                model: named.to_string(),
            })?;
        price
            .cost(service, counts)
            .map_err(|rate| Unpriced::MissingRate {
                model: model.to_string(),
                entry: entry.to_string(),
                rate,
            })
    }
}

impl ModelPrice {
    /// Prices `counts`; the error names the rate that is missing.
    ///
    /// Long context: when the prompt exceeds a tier's threshold, that tier's rates apply to
    /// the whole request, output included, as Anthropic and OpenAI bill it; not only to the
    /// tokens above the threshold. Another service tier's rates replace the standard ones;
    /// what such a tier costs above a long-context threshold the table does not say. US-only
    /// inference and fast mode multiply every token price (not per-call tool prices).
    pub fn cost(&self, service: &Service, counts: &TokenCounts) -> Result<Cost, String> {
        let long = self
            .tiers
            .iter()
            .rev()
            .find(|tier| counts.prompt() > tier.above_prompt_tokens);
        let other_tier = service.tier.filter(|name| !STANDARD_TIERS.contains(name));
        let rates = match other_tier {
            None => long.map_or(&self.usd_per_mtok, |tier| &tier.usd_per_mtok),
            Some(name) => match (self.tier_rates(name), long) {
                (Some(rates), None) => rates,
                (Some(_), Some(_)) => return Err(format!("long-context {name} service tier")),
                (None, _) => return Err(format!("{name} service tier")),
            },
        };
        let factor = multiplier(
            &self.multipliers.inference_geo,
            service.inference_geo,
            "global",
            "inference_geo",
        )? * multiplier(&self.multipliers.speed, service.speed, "standard", "speed")?;
        let tokens = |count: u64, rate: Option<f64>, name: &str| match (count, rate) {
            (0, _) => Ok(0.0),
            (_, Some(usd_per_mtok)) => Ok(count as f64 * usd_per_mtok * factor / 1_000_000.0),
            (_, None) => Err(name.to_string()),
        };
        let Rates {
            input,
            output,
            cache_read,
            cache_write_5m,
            cache_write_1h,
        } = *rates;
        let input = tokens(counts.input, input, "input")?;
        let output = tokens(counts.output, output, "output")?;
        let cache_read = tokens(counts.cache_read, cache_read, "cache read")?;
        let cache_write = tokens(
            counts.cache_write_5m,
            cache_write_5m,
            "5-minute cache write",
        )? + tokens(counts.cache_write_1h, cache_write_1h, "1-hour cache write")?;
        let calls = |count: u64, price: &Option<CallPrice>, name: &str| match (count, price) {
            (0, _) => Ok(0.0),
            (_, Some(price)) => Ok(count as f64 * price.usd),
            (_, None) => Err(name.to_string()),
        };
        let tools = calls(
            counts.web_search_requests,
            &self.usd_per_call.web_search,
            "web search",
        )? + calls(
            counts.web_fetch_requests,
            &self.usd_per_call.web_fetch,
            "web fetch",
        )?;
        Ok(Cost {
            usd: round_usd(input + output + cache_read + cache_write + tools),
            input: Some(round_usd(input)),
            output: Some(round_usd(output)),
            cache_read: Some(round_usd(cache_read)),
            cache_write: Some(round_usd(cache_write)),
            tools: Some(round_usd(tools)),
            source: CostSource::Table {
                date: self.read.clone(),
            },
        })
    }
}

impl ModelPrice {
    /// The rates of a service tier a response names. OpenAI renamed priority processing
    /// to Fast mode (2026-07-30) and takes `fast` and `priority` as one tier, so a `fast`
    /// the entry does not list is priced as its `priority`.
    fn tier_rates(&self, name: &str) -> Option<&Rates> {
        self.service_tiers.get(name).or_else(|| match name {
            "fast" => self.service_tiers.get("priority"),
            _ => None,
        })
    }
}

/// The factor `value` applies: 1 for no value or the standard one; the error names a value
/// the table has no factor for.
fn multiplier(
    factors: &BTreeMap<String, f64>,
    value: Option<&str>,
    standard: &str,
    what: &str,
) -> Result<f64, String> {
    match value {
        None => Ok(1.0),
        Some(value) if value == standard => Ok(1.0),
        Some(value) => factors
            .get(value)
            .copied()
            .ok_or_else(|| format!("{value} {what}")),
    }
}

/// To a ten-billionth of a dollar: far below any charge, and it keeps float noise
/// (0.0291 summed as 0.029099999999999997) out of the JSON people read.
fn round_usd(usd: f64) -> f64 {
    (usd * 1e10).round() / 1e10
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Prices worked out by hand below are within a float's rounding of these.
    fn assert_usd(actual: Option<f64>, expected: f64) {
        let actual = actual.expect("a priced part");
        assert!((actual - expected).abs() < 1e-12, "{actual} != {expected}");
    }

    /// A Sonnet-4.5-like entry, with its long-context tier.
    const TABLE: &str = r#"{"format": 1, "models": {
        "sonnet": {"provider": "anthropic", "source": "test", "read": "2026-07-24",
            "usd_per_mtok": {"input": 3, "output": 15, "cache_read": 0.3,
                             "cache_write_5m": 3.75, "cache_write_1h": 6},
            "tiers": [{"above_prompt_tokens": 200000,
                       "usd_per_mtok": {"input": 6, "output": 22.5, "cache_read": 0.6,
                                        "cache_write_5m": 7.5, "cache_write_1h": 12}}],
            "multipliers": {"inference_geo": {"us": 1.1}, "speed": {"fast": 6}},
            "usd_per_call": {"web_search": {"usd": 0.01},
                             "web_fetch": {"usd": 0, "source": "docs", "read": "2026-12-02"}}},
        "mini": {"provider": "openai", "source": "test", "read": "2026-07-24",
            "usd_per_mtok": {"input": 0.15, "output": 0.6, "cache_read": 0.075},
            "service_tiers": {"flex": {"input": 0.075, "output": 0.3}}},
        "tiered": {"provider": "openai", "source": "test", "read": "2026-07-24",
            "usd_per_mtok": {"input": 2.5, "output": 15, "cache_read": 0.25},
            "tiers": [{"above_prompt_tokens": 272000,
                       "usd_per_mtok": {"input": 5, "output": 22.5, "cache_read": 0.5}}],
            "service_tiers": {"priority": {"input": 5, "output": 30, "cache_read": 0.5}}}
    }}"#;

    const PRIORITY: Service = Service {
        tier: Some("priority"),
        inference_geo: None,
        speed: None,
    };

    fn table() -> PriceTable {
        PriceTable::parse(TABLE).unwrap()
    }

    fn cost(model: &str, counts: TokenCounts) -> Cost {
        table()
            .cost(Some(model), None, &Service::default(), &counts)
            .unwrap()
    }

    #[test]
    fn each_kind_of_token_at_its_rate() {
        let c = cost(
            "sonnet",
            TokenCounts {
                input: 1200,
                output: 800,
                cache_read: 10_000,
                cache_write_5m: 2000,
                cache_write_1h: 500,
                ..TokenCounts::default()
            },
        );
        // 1200 input * $3/M = $0.0036
        assert_usd(c.input, 0.0036);
        // 800 output * $15/M = $0.012
        assert_usd(c.output, 0.012);
        // 10,000 cache reads * $0.30/M = $0.003
        assert_usd(c.cache_read, 0.003);
        // 2000 5-minute writes * $3.75/M = $0.0075; 500 1-hour writes * $6/M = $0.003
        assert_usd(c.cache_write, 0.0105);
        assert_usd(c.tools, 0.0);
        // 0.0036 + 0.012 + 0.003 + 0.0105 = $0.0291
        assert_usd(Some(c.usd), 0.0291);
        assert_eq!(
            c.source,
            CostSource::Table {
                date: "2026-07-24".into()
            }
        );
    }

    #[test]
    fn reasoning_is_inside_output_and_priced_once() {
        // 500 output tokens of which 300 were reasoning: the counts carry 500, not 800.
        let c = cost(
            "mini",
            TokenCounts {
                output: 500,
                ..TokenCounts::default()
            },
        );
        // 500 * $0.60/M = $0.0003
        assert_usd(Some(c.usd), 0.0003);
    }

    #[test]
    fn openai_cached_tokens_at_the_cached_rate() {
        // prompt_tokens 5000 with 4000 cached: input 1000, cache_read 4000.
        let c = cost(
            "mini",
            TokenCounts {
                input: 1000,
                cache_read: 4000,
                output: 100,
                ..TokenCounts::default()
            },
        );
        // 1000 * $0.15/M = $0.00015; 4000 * $0.075/M = $0.0003; 100 * $0.60/M = $0.00006
        assert_usd(Some(c.usd), 0.00051);
    }

    #[test]
    fn a_long_prompt_prices_the_whole_request_at_the_tier() {
        // Prompt 150,000 input + 40,000 cache reads + 20,000 writes = 210,000 > 200,000.
        let c = cost(
            "sonnet",
            TokenCounts {
                input: 150_000,
                cache_read: 40_000,
                cache_write_5m: 20_000,
                output: 1000,
                ..TokenCounts::default()
            },
        );
        // 150,000 * $6/M = $0.90
        assert_usd(c.input, 0.9);
        // 40,000 * $0.60/M = $0.024
        assert_usd(c.cache_read, 0.024);
        // 20,000 * $7.50/M = $0.15
        assert_usd(c.cache_write, 0.15);
        // Output too: 1000 * $22.50/M = $0.0225
        assert_usd(c.output, 0.0225);
        // 0.9 + 0.024 + 0.15 + 0.0225 = $1.0965
        assert_usd(Some(c.usd), 1.0965);
    }

    #[test]
    fn a_prompt_at_the_threshold_is_not_above_it() {
        // Exactly 200,000: base rates. 200,000 * $3/M = $0.60
        let c = cost(
            "sonnet",
            TokenCounts {
                input: 200_000,
                ..TokenCounts::default()
            },
        );
        assert_usd(Some(c.usd), 0.6);
        // One more token: 200,001 * $6/M = $1.200006
        let c = cost(
            "sonnet",
            TokenCounts {
                input: 200_001,
                ..TokenCounts::default()
            },
        );
        assert_usd(Some(c.usd), 1.200006);
    }

    #[test]
    fn openai_tier_above_272k() {
        // 300,000 input > 272,000: 300,000 * $5/M = $1.50; 2000 output * $22.50/M = $0.045
        let c = cost(
            "tiered",
            TokenCounts {
                input: 300_000,
                output: 2000,
                ..TokenCounts::default()
            },
        );
        assert_usd(Some(c.usd), 1.545);
    }

    #[test]
    fn service_tiers_replace_the_standard_rates() {
        let counts = TokenCounts {
            input: 1000,
            output: 1000,
            ..TokenCounts::default()
        };
        let usd = |tier: Option<&str>| {
            table()
                .cost(
                    Some("mini"),
                    None,
                    &Service {
                        tier,
                        ..Service::default()
                    },
                    &counts,
                )
                .map(|c| c.usd)
        };
        // Standard: 1000 * $0.15/M + 1000 * $0.60/M = 0.00015 + 0.0006 = $0.00075
        for standard in [None, Some("default"), Some("standard"), Some("auto")] {
            assert_usd(usd(standard).ok(), 0.00075);
        }
        // Flex: 1000 * $0.075/M + 1000 * $0.30/M = 0.000075 + 0.0003 = $0.000375
        assert_usd(usd(Some("flex")).ok(), 0.000375);
        // OpenAI's `fast` is its priority tier renamed: tiered's priority is $5/M in, $30/M
        // out: 1000 * 5 / 1M + 1000 * 30 / 1M = 0.005 + 0.03 = $0.035
        assert_usd(
            table()
                .cost(
                    Some("tiered"),
                    None,
                    &Service {
                        tier: Some("fast"),
                        ..Service::default()
                    },
                    &counts,
                )
                .map(|c| c.usd)
                .ok(),
            0.035,
        );
        // A tier the entry has no rates for is unpriced, not standard.
        assert_eq!(
            usd(Some("priority")).unwrap_err().to_string(),
            "unpriced model mini: the price table (mini) has no priority service tier price"
        );
    }

    #[test]
    fn a_service_tier_above_a_long_context_threshold_is_unpriced() {
        // Priority under the threshold: 100,000 * $5/M = $0.50
        let short = TokenCounts {
            input: 100_000,
            ..TokenCounts::default()
        };
        let c = table()
            .cost(Some("tiered"), None, &PRIORITY, &short)
            .unwrap();
        assert_usd(Some(c.usd), 0.5);
        // Above 272k the table has no priority rate: unpriced rather than guessed.
        let long = TokenCounts {
            input: 300_000,
            ..TokenCounts::default()
        };
        assert_eq!(
            table().cost(Some("tiered"), None, &PRIORITY, &long),
            Err(Unpriced::MissingRate {
                model: "tiered".into(),
                entry: "tiered".into(),
                rate: "long-context priority service tier".into(),
            })
        );
    }

    #[test]
    fn us_inference_and_fast_mode_multiply_token_prices() {
        let counts = TokenCounts {
            input: 1000,
            web_search_requests: 1,
            ..TokenCounts::default()
        };
        let usd = |inference_geo, speed| {
            let service = Service {
                inference_geo,
                speed,
                ..Service::default()
            };
            table()
                .cost(Some("sonnet"), None, &service, &counts)
                .map(|c| c.usd)
        };
        // Standard: 1000 * $3/M + 1 search * $0.01 = 0.003 + 0.01 = $0.013
        assert_usd(usd(None, None).ok(), 0.013);
        assert_usd(usd(Some("global"), Some("standard")).ok(), 0.013);
        // US-only: 1000 * $3/M * 1.1 = $0.0033; the search is not multiplied: $0.0133
        assert_usd(usd(Some("us"), None).ok(), 0.0133);
        // Fast: 1000 * $3/M * 6 = $0.018, + $0.01 = $0.028
        assert_usd(usd(None, Some("fast")).ok(), 0.028);
        // Both: 1000 * $3/M * 1.1 * 6 = $0.0198, + $0.01 = $0.0298
        assert_usd(usd(Some("us"), Some("fast")).ok(), 0.0298);
        // A value the entry has no factor for is unpriced.
        assert_eq!(
            usd(Some("eu"), None).unwrap_err().to_string(),
            "unpriced model sonnet: the price table (sonnet) has no eu inference_geo price"
        );
        let fast = Service {
            speed: Some("fast"),
            ..Service::default()
        };
        assert_eq!(
            table()
                .cost(Some("mini"), None, &fast, &counts)
                .unwrap_err()
                .to_string(),
            "unpriced model mini: the price table (mini) has no fast speed price"
        );
    }

    #[test]
    fn provider_run_tools_per_call() {
        let c = cost(
            "sonnet",
            TokenCounts {
                input: 1000,
                web_search_requests: 3,
                web_fetch_requests: 2,
                ..TokenCounts::default()
            },
        );
        // 3 searches * $0.01 = $0.03; 2 fetches * $0 = $0
        assert_usd(c.tools, 0.03);
        // + 1000 input * $3/M = $0.003
        assert_usd(Some(c.usd), 0.033);
    }

    #[test]
    fn a_rate_the_entry_lacks_leaves_the_turn_unpriced() {
        let counts = TokenCounts {
            input: 10,
            web_search_requests: 1,
            ..TokenCounts::default()
        };
        assert_eq!(
            table().cost(Some("mini-2024-07-18"), None, &Service::default(), &counts),
            Err(Unpriced::MissingRate {
                model: "mini-2024-07-18".into(),
                entry: "mini".into(),
                rate: "web search".into(),
            })
        );
        // Zero tokens of a kind need no rate.
        let counts = TokenCounts {
            input: 10,
            ..TokenCounts::default()
        };
        assert!(
            table()
                .cost(Some("mini"), None, &Service::default(), &counts)
                .is_ok()
        );
        let counts = TokenCounts {
            cache_write_1h: 10,
            ..TokenCounts::default()
        };
        assert_eq!(
            table()
                .cost(Some("mini"), None, &Service::default(), &counts)
                .unwrap_err()
                .to_string(),
            "unpriced model mini: the price table (mini) has no 1-hour cache write price"
        );
    }

    #[test]
    fn the_response_model_first_the_request_model_as_fallback() {
        let counts = TokenCounts {
            input: 100_000,
            ..TokenCounts::default()
        };
        // Both known: the response's model prices it. 100,000 * $3/M = $0.30
        let c = table()
            .cost(Some("sonnet"), Some("mini"), &Service::default(), &counts)
            .unwrap();
        assert_usd(Some(c.usd), 0.3);
        // The response's model unknown: the request's. 100,000 * $0.15/M = $0.015
        let c = table()
            .cost(
                Some("sonnet-next"),
                Some("mini"),
                &Service::default(),
                &counts,
            )
            .unwrap();
        assert_usd(Some(c.usd), 0.015);
        // No response model: the request's.
        let c = table()
            .cost(None, Some("mini"), &Service::default(), &counts)
            .unwrap();
        assert_usd(Some(c.usd), 0.015);
    }

    #[test]
    fn an_unknown_model_is_unpriced_not_free() {
        let counts = TokenCounts {
            input: 100,
            ..TokenCounts::default()
        };
        let unknown = table().cost(
            Some("my-local-model"),
            Some("other"),
            &Service::default(),
            &counts,
        );
        assert_eq!(
            unknown,
            Err(Unpriced::UnknownModel {
                model: "my-local-model".into()
            })
        );
        assert_eq!(
            unknown.unwrap_err().to_string(),
            "unpriced model my-local-model: not in the price table"
        );
        assert_eq!(
            table().cost(None, None, &Service::default(), &counts),
            Err(Unpriced::NoModel)
        );
    }

    #[test]
    fn a_provider_reported_cost_passes_through() {
        let c = Cost::provider(0.001234);
        assert_eq!(c.usd, 0.001234);
        assert_eq!(c.input, None);
        assert_eq!(c.source, CostSource::Provider);
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"{"usd":0.001234,"input":null,"output":null,"cache_read":null,"cache_write":null,"tools":null,"source":"provider"}"#
        );
    }

    #[test]
    fn costs_carry_no_float_noise() {
        // The parts, as floats, add up to 0.029099999999999997.
        let c = cost(
            "sonnet",
            TokenCounts {
                input: 1200,
                output: 800,
                cache_read: 10_000,
                cache_write_5m: 2000,
                cache_write_1h: 500,
                ..TokenCounts::default()
            },
        );
        assert_eq!(c.usd.to_string(), "0.0291");
    }

    #[test]
    fn a_table_cost_serializes_with_its_date() {
        // 1,000,000 input * $0.15/M = $0.15
        let c = cost(
            "mini",
            TokenCounts {
                input: 1_000_000,
                ..TokenCounts::default()
            },
        );
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"{"usd":0.15,"input":0.15,"output":0.0,"cache_read":0.0,"cache_write":0.0,"tools":0.0,"source":"table 2026-07-24"}"#
        );
    }

    #[test]
    fn real_models_from_the_embedded_table() {
        let table = PriceTable::embedded();
        let counts = TokenCounts {
            input: 1200,
            output: 800,
            cache_read: 10_000,
            cache_write_5m: 2000,
            ..TokenCounts::default()
        };
        // claude-sonnet-4-5: 1200 * $3/M + 800 * $15/M + 10,000 * $0.30/M + 2000 * $3.75/M
        //   = 0.0036 + 0.012 + 0.003 + 0.0075 = $0.0261
        let c = table
            .cost(
                Some("claude-sonnet-4-5-20250929"),
                None,
                &Service::default(),
                &counts,
            )
            .unwrap();
        assert_usd(Some(c.usd), 0.0261);
        // On a US regional Bedrock endpoint, 10% more: $0.02871
        let c = table
            .cost(
                Some("us.anthropic.claude-sonnet-4-5-20250929-v1:0"),
                None,
                &Service::default(),
                &counts,
            )
            .unwrap();
        assert_usd(Some(c.usd), 0.02871);
        // gpt-4o-mini: 1200 * $0.15/M + 800 * $0.60/M + 10,000 * $0.075/M = 0.00018 + 0.00048
        //   + 0.00075 = $0.00141 (no cache writes on OpenAI)
        let openai = TokenCounts {
            cache_write_5m: 0,
            ..counts
        };
        let c = table
            .cost(
                Some("gpt-4o-mini-2024-07-18"),
                None,
                &Service::default(),
                &openai,
            )
            .unwrap();
        assert_usd(Some(c.usd), 0.00141);
        // gpt-4o costs more than its mini: 1200 * $2.50/M + 800 * $10/M + 10,000 * $1.25/M
        //   = 0.003 + 0.008 + 0.0125 = $0.0235
        let c = table
            .cost(Some("gpt-4o"), None, &Service::default(), &openai)
            .unwrap();
        assert_usd(Some(c.usd), 0.0235);
        // gpt-4.1's snapshot on the priority tier: 1000 * $3.50/M + 1000 * $14/M = $0.0175
        let short = TokenCounts {
            input: 1000,
            output: 1000,
            ..TokenCounts::default()
        };
        let c = table
            .cost(Some("gpt-4.1-2025-04-14"), None, &PRIORITY, &short)
            .unwrap();
        assert_usd(Some(c.usd), 0.0175);
        // claude-3-haiku's 1-hour write is 2x its $0.25 input: 1,000,000 * $0.50/M = $0.50
        let hour = TokenCounts {
            cache_write_1h: 1_000_000,
            ..TokenCounts::default()
        };
        let c = table
            .cost(
                Some("claude-3-haiku-20240307"),
                None,
                &Service::default(),
                &hour,
            )
            .unwrap();
        assert_usd(Some(c.usd), 0.5);
    }
}
