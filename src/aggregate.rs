//! Aggregates over turns, overall and grouped: what `summary` computes and its printers
//! show. Pure values, below the command that fills them and the printers that read them.
//!
//! Token sums keep the turn's semantics: `input` excludes cache reads, so adding the five
//! counts never counts a token twice.

mod tally;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::GroupBy;
use crate::turn::{ToolCall, Turn, UsageSum};
pub use tally::{Name, Tally};

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
    pub apis: Tally<u64>,
    pub models: Tally<u64>,
    pub tools: Tally<ToolStats>,
    pub thought_sources: Tally<ThoughtStats>,
    pub stop_reasons: Tally<u64>,
    /// Errors by `type (status)`.
    pub error_kinds: Tally<u64>,
    /// Null when no turn carried timing.
    pub latency: Option<Latency>,
    pub cost: Spend,
    /// Dollars by model, over its priced turns.
    pub cost_by_model: Tally<f64>,
    /// Models whose turns had usage but no cost, with their turns and token sums.
    pub unpriced: Tally<Unpriced>,
    #[serde(skip)]
    timings: Timings,
}

/// What a turn adds to each aggregate it counts in, worked out once: a turn of 2,000 tools
/// counts in 2,000 tool groups, so its names are shared among them and its thoughts'
/// characters counted once, not once a group (hostile run 47: a turn of 10,000 tools and
/// 16 MB of thinking took 6 s in `summary --by tool`, 0.1 s without).
struct Counted<'t> {
    turn: &'t Turn,
    model: Name,
    stop_reason: Name,
    /// `type (status)`, for a turn that failed.
    error_kind: Option<Name>,
    /// The turn's thoughts by source: how many, and their characters.
    thoughts: Vec<(&'static str, ThoughtStats)>,
}

impl<'t> Counted<'t> {
    fn of(turn: &'t Turn) -> Counted<'t> {
        let mut thoughts: Vec<(&'static str, ThoughtStats)> = Vec::new();
        for thought in &turn.thoughts {
            let source = thought.source.as_str();
            let at = match thoughts.iter().position(|(s, _)| *s == source) {
                Some(at) => at,
                None => {
                    thoughts.push((source, ThoughtStats::default()));
                    thoughts.len() - 1
                }
            };
            thoughts[at].1.count += 1;
            thoughts[at].1.chars += thought.text.chars().count() as u64;
        }
        let error_kind = turn.error.as_ref().map(|error| {
            let kind = error.kind.as_deref().unwrap_or("(untyped)");
            Name::from(match error.status {
                Some(status) => format!("{kind} ({status})"),
                None => kind.to_string(),
            })
        });
        Counted {
            turn,
            model: Name::from(model_of(turn)),
            stop_reason: Name::from(turn.stop_reason.as_deref().unwrap_or("(none)")),
            error_kind,
            thoughts,
        }
    }
}

impl Aggregate {
    /// Adds a turn, and the stats of `calls` under their tools' names: every tool call of
    /// the turn, or, in a tool's group, the turn's calls of that tool. `calls` are sorted
    /// by name, so each tool is counted once for the turn in one pass.
    fn add(&mut self, counted: &Counted, calls: &[&ToolCall]) {
        let turn = counted.turn;
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
        *self.apis.entry(turn.api.as_str()) += 1;
        *self.models.entry(&counted.model) += 1;
        for same in calls.chunk_by(|a, b| a.name == b.name) {
            let stats = self.tools.entry(same[0].name.as_str());
            stats.turns += 1;
            for call in same {
                stats.calls += 1;
                stats.injected += u64::from(call.injected);
                if let Some(result) = &call.result {
                    stats.results += 1;
                    stats.errors += u64::from(result.is_error == Some(true));
                }
            }
        }
        for (source, counts) in &counted.thoughts {
            let stats = self.thought_sources.entry(*source);
            stats.count += counts.count;
            stats.chars += counts.chars;
        }
        *self.stop_reasons.entry(&counted.stop_reason) += 1;
        if let Some(kind) = &counted.error_kind {
            *self.error_kinds.entry(kind) += 1;
        }
        if let Some(timing) = &turn.timing {
            self.timings.timed += 1;
            self.timings.durations.extend(timing.duration_ms);
            self.timings.waits.extend(timing.wait_ms);
        }
        self.add_cost(counted);
    }

    /// Adds a turn's cost, or, for a turn with usage its model could not be priced for,
    /// its tokens to that model's unpriced sums.
    fn add_cost(&mut self, counted: &Counted) {
        match (&counted.turn.cost, &counted.turn.usage) {
            (Some(cost), _) => {
                self.cost.usd += cost.usd;
                self.cost.priced_turns += 1;
                *self.cost_by_model.entry(&counted.model) += cost.usd;
            }
            (None, Some(usage)) => {
                self.cost.unpriced_turns += 1;
                let unpriced = self.unpriced.entry(&counted.model);
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

/// The model a turn counts under.
fn model_of(turn: &Turn) -> &str {
    turn.model.as_deref().unwrap_or("(unknown)")
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
    /// Boxed: a B-tree's node holds eleven of its values in place, mostly empty slots when
    /// there are many groups.
    pub groups: BTreeMap<String, Box<Aggregate>>,
}

/// The group a turn falls under for `by`; for tools, only a turn that called none (the
/// others count under each tool they called).
fn group_key(turn: &Turn, by: GroupBy) -> String {
    match by {
        GroupBy::Api => turn.api.as_str().to_string(),
        GroupBy::Model => model_of(turn).to_string(),
        GroupBy::File => turn.source.path.to_string(),
        GroupBy::Tool => "(no tools)".into(),
        // The UTC day the exchange started; captures that carry no time have none.
        GroupBy::Day => turn
            .timing
            .as_ref()
            .and_then(|t| t.started_at.as_deref())
            .and_then(|at| at.get(..10))
            .unwrap_or("(no timing)")
            .to_string(),
        GroupBy::Session => turn
            .session
            .as_ref()
            .map_or_else(|| "(no session)".into(), |s| s.id.clone()),
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
        let mut calls: Vec<&ToolCall> = turn.tool_calls.iter().collect();
        calls.sort_by(|a, b| a.name.cmp(&b.name));
        let counted = Counted::of(turn);
        self.all.add(&counted, &calls);
        match by {
            // A tool's group lists that tool alone under `tools`: listing every tool its
            // turns called would hold each tool once per other tool of the turn (a turn of
            // 2,000 tools: 4 million entries).
            Some(GroupBy::Tool) if !calls.is_empty() => {
                for same in calls.chunk_by(|a, b| a.name == b.name) {
                    self.group(&same[0].name).add(&counted, same);
                }
            }
            Some(by) => self.group(&group_key(turn, by)).add(&counted, &calls),
            None => {}
        }
    }

    /// The aggregate of the group named `key`, made when new.
    fn group(&mut self, key: &str) -> &mut Aggregate {
        self.groups.entry(key.to_string()).or_default()
    }

    pub fn settle(&mut self) {
        self.all.settle();
        self.groups.values_mut().for_each(|group| group.settle());
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
