//! Aggregates over turns, overall and grouped: what `summary` computes and its printers
//! show. Pure values, below the command that fills them and the printers that read them.
//!
//! Token sums keep the turn's semantics: `input` excludes cache reads, so adding the five
//! counts never counts a token twice.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::GroupBy;
use crate::turn::{Turn, UsageSum};

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct ToolStats {
    /// Calls of this tool.
    pub calls: u64,
    /// Calls the gateway injected (`bmcp_` names).
    pub injected: u64,
    /// Turns that called it at least once.
    pub turns: u64,
    /// `turns` over all turns.
    pub share_of_turns: f64,
    /// Calls whose result a later request carried (threading found it).
    pub results: u64,
    /// Of those, results marked `is_error` (Anthropic; the other APIs have no such flag).
    pub errors: u64,
    /// `errors` over `results`; null when no result was seen.
    pub error_rate: Option<f64>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct ThoughtStats {
    pub count: u64,
    pub chars: u64,
}

/// How a set of milliseconds spreads: nearest-rank percentiles (the p-th value is the
/// smallest that at least p% of the values do not exceed), so each is a value a turn had.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Spread {
    pub p50: f64,
    pub p95: f64,
    pub max: f64,
}

impl Spread {
    fn of(values: &mut [f64]) -> Option<Spread> {
        values.sort_by(f64::total_cmp);
        let rank =
            |p: f64| values[((p * values.len() as f64).ceil() as usize).clamp(1, values.len()) - 1];
        let max = *values.last()?;
        Some(Spread {
            p50: rank(0.50),
            p95: rank(0.95),
            max,
        })
    }
}

/// Latency over the turns whose capture carried timing (HAR entries; gateway dumps carry a
/// start time only).
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Latency {
    /// Turns with any timing.
    pub turns: u64,
    /// Request sent to last byte.
    pub duration_ms: Option<Spread>,
    /// Time to first byte.
    pub wait_ms: Option<Spread>,
}

/// The timings seen, kept until the percentiles are worked out.
#[derive(Debug, Clone, Default, PartialEq)]
struct Timings {
    timed: u64,
    durations: Vec<f64>,
    waits: Vec<f64>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Modes {
    pub streaming: u64,
    pub blocking: u64,
}

/// What a set of turns cost: the priced turns' `cost.usd` added up, and how many turns
/// the total leaves out.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub struct Spend {
    /// US dollars over the priced turns.
    pub usd: f64,
    /// Turns with a cost.
    pub priced_turns: u64,
    /// Turns with usage but no cost: their model is unpriced (see `unpriced`).
    pub unpriced_turns: u64,
}

/// A model the price table could not price, and what its turns used: what the cost total
/// leaves out.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Unpriced {
    pub turns: u64,
    pub usage: UsageSum,
}

/// Aggregates over a set of turns.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Aggregate {
    pub turns: u64,
    /// Sums over turns; `input` excludes cache reads (see the README).
    pub usage: UsageSum,
    pub cache_hit_ratio: Option<f64>,
    pub tool_calls: u64,
    pub thoughts: u64,
    pub redacted_thoughts: u64,
    pub errors: u64,
    pub incomplete: u64,
    pub modes: Modes,
    pub apis: BTreeMap<String, u64>,
    pub models: BTreeMap<String, u64>,
    pub tools: BTreeMap<String, ToolStats>,
    pub thought_sources: BTreeMap<String, ThoughtStats>,
    pub stop_reasons: BTreeMap<String, u64>,
    /// Errors by `type (status)`.
    pub error_kinds: BTreeMap<String, u64>,
    /// Null when no turn carried timing.
    pub latency: Option<Latency>,
    pub cost: Spend,
    /// Dollars by model, over its priced turns.
    pub cost_by_model: BTreeMap<String, f64>,
    /// Models whose turns had usage but no cost, with their turns and token sums.
    pub unpriced: BTreeMap<String, Unpriced>,
    #[serde(skip)]
    timings: Timings,
}

impl Aggregate {
    pub fn add(&mut self, turn: &Turn) {
        self.turns += 1;
        if let Some(usage) = &turn.usage {
            self.usage.add(usage);
        }
        self.tool_calls += turn.tool_calls.len() as u64;
        self.thoughts += turn.thoughts.len() as u64;
        self.redacted_thoughts += u64::from(turn.redacted_thoughts);
        self.errors += u64::from(turn.error.is_some());
        self.incomplete += u64::from(!turn.complete);
        if turn.streaming {
            self.modes.streaming += 1;
        } else {
            self.modes.blocking += 1;
        }
        *self.apis.entry(turn.api.as_str().to_string()).or_default() += 1;
        let model = turn.model.clone().unwrap_or_else(|| "(unknown)".into());
        *self.models.entry(model).or_default() += 1;
        let mut seen: Vec<&str> = Vec::new();
        for call in &turn.tool_calls {
            let stats = self.tools.entry(call.name.clone()).or_default();
            stats.calls += 1;
            stats.injected += u64::from(call.injected);
            if let Some(result) = &call.result {
                stats.results += 1;
                stats.errors += u64::from(result.is_error == Some(true));
            }
            if !seen.contains(&call.name.as_str()) {
                stats.turns += 1;
                seen.push(&call.name);
            }
        }
        for thought in &turn.thoughts {
            let source = thought.source.as_str().to_string();
            let stats = self.thought_sources.entry(source).or_default();
            stats.count += 1;
            stats.chars += thought.text.chars().count() as u64;
        }
        let stop = turn.stop_reason.clone().unwrap_or_else(|| "(none)".into());
        *self.stop_reasons.entry(stop).or_default() += 1;
        if let Some(error) = &turn.error {
            let mut kind = error.kind.clone().unwrap_or_else(|| "(untyped)".into());
            if let Some(status) = error.status {
                kind.push_str(&format!(" ({status})"));
            }
            *self.error_kinds.entry(kind).or_default() += 1;
        }
        if let Some(timing) = &turn.timing {
            self.timings.timed += 1;
            self.timings.durations.extend(timing.duration_ms);
            self.timings.waits.extend(timing.wait_ms);
        }
        self.add_cost(turn);
    }

    /// Adds a turn's cost, or, for a turn with usage its model could not be priced for,
    /// its tokens to that model's unpriced sums.
    fn add_cost(&mut self, turn: &Turn) {
        let model = || turn.model.clone().unwrap_or_else(|| "(unknown)".into());
        match (&turn.cost, &turn.usage) {
            (Some(cost), _) => {
                self.cost.usd += cost.usd;
                self.cost.priced_turns += 1;
                *self.cost_by_model.entry(model()).or_default() += cost.usd;
            }
            (None, Some(usage)) => {
                self.cost.unpriced_turns += 1;
                let unpriced = self.unpriced.entry(model()).or_default();
                unpriced.turns += 1;
                unpriced.usage.add(usage);
            }
            (None, None) => {}
        }
    }

    /// Derived figures, once every turn is in.
    fn settle(&mut self) {
        self.cache_hit_ratio = self.usage.cache_hit_ratio();
        self.cost.usd = round_usd(self.cost.usd);
        self.cost_by_model
            .values_mut()
            .for_each(|usd| *usd = round_usd(*usd));
        let t = &mut self.timings;
        self.latency = (t.timed > 0).then(|| Latency {
            turns: t.timed,
            duration_ms: Spread::of(&mut t.durations),
            wait_ms: Spread::of(&mut t.waits),
        });
        for stats in self.tools.values_mut() {
            stats.share_of_turns = if self.turns == 0 {
                0.0
            } else {
                stats.turns as f64 / self.turns as f64
            };
            stats.error_rate =
                (stats.results > 0).then(|| stats.errors as f64 / stats.results as f64);
        }
    }
}

/// Dollars summed over turns, to a ten-billionth as each turn's are: float noise
/// (0.30000000000000004) stays out of the JSON people read.
fn round_usd(usd: f64) -> f64 {
    (usd * 1e10).round() / 1e10
}

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Files {
    /// Inputs read without failure (including ones that held no LLM traffic).
    pub read: u64,
    /// Inputs that held nothing this tool reads.
    pub skipped: u64,
    pub failed: u64,
}

/// The whole summary: `summary --format json` prints it as one object.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Summary {
    pub files: Files,
    #[serde(flatten)]
    pub all: Aggregate,
    /// What `--by` grouped by, or null.
    pub group_by: Option<&'static str>,
    /// The aggregates per group, when `--by` asked for them.
    pub groups: BTreeMap<String, Aggregate>,
}

/// The keys a turn falls under for `by`: a turn that called several tools counts under
/// each (and under `(no tools)` when it called none).
fn group_keys(turn: &Turn, by: GroupBy) -> Vec<String> {
    match by {
        GroupBy::Api => vec![turn.api.as_str().to_string()],
        GroupBy::Model => vec![turn.model.clone().unwrap_or_else(|| "(unknown)".into())],
        GroupBy::File => vec![turn.source.path.clone()],
        GroupBy::Tool => {
            let mut names: Vec<String> = turn.tool_calls.iter().map(|c| c.name.clone()).collect();
            names.sort();
            names.dedup();
            if names.is_empty() {
                names.push("(no tools)".into());
            }
            names
        }
        // The UTC day the exchange started; captures that carry no time have none.
        GroupBy::Day => vec![
            turn.timing
                .as_ref()
                .and_then(|t| t.started_at.as_deref())
                .and_then(|at| at.get(..10))
                .unwrap_or("(no timing)")
                .to_string(),
        ],
        GroupBy::Session => vec![
            turn.session
                .as_ref()
                .map_or_else(|| "(no session)".into(), |s| s.id.clone()),
        ],
    }
}

fn group_name(by: GroupBy) -> &'static str {
    match by {
        GroupBy::Api => "api",
        GroupBy::Model => "model",
        GroupBy::File => "file",
        GroupBy::Tool => "tool",
        GroupBy::Day => "day",
        GroupBy::Session => "session",
    }
}

impl Summary {
    pub fn new(by: Option<GroupBy>) -> Summary {
        Summary {
            group_by: by.map(group_name),
            ..Summary::default()
        }
    }

    pub fn add_turn(&mut self, turn: &Turn, by: Option<GroupBy>) {
        self.all.add(turn);
        if let Some(by) = by {
            for key in group_keys(turn, by) {
                self.groups.entry(key).or_default().add(turn);
            }
        }
    }

    pub fn settle(&mut self) {
        self.all.settle();
        self.groups.values_mut().for_each(Aggregate::settle);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let mut values: Vec<f64> = (1..=20).map(f64::from).rev().collect();
        let spread = Spread::of(&mut values).unwrap();
        assert_eq!((spread.p50, spread.p95, spread.max), (10.0, 19.0, 20.0));
        let one = Spread::of(&mut [7.5]).unwrap();
        assert_eq!((one.p50, one.p95, one.max), (7.5, 7.5, 7.5));
        assert_eq!(Spread::of(&mut []), None);
    }
}
