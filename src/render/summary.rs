//! The summary, as one JSON object or as a few small tables.

use std::io::{self, Write};

use super::rows::{Cell, Mark, Rows, Sheet, SheetKind};
use super::table::render;
use crate::aggregate::{Aggregate, Latency, Spread, Summary};
use crate::config::TableStyle;
use crate::cost::format_usd;

/// One pretty-printed JSON object (its keys are documented in the README).
pub fn json(out: &mut impl Write, summary: &Summary) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, summary).map_err(io::Error::from)?;
    writeln!(out)
}

fn n(value: impl Into<u128>) -> Cell {
    Cell::number(Some(value), true)
}

fn percent(ratio: f64) -> Cell {
    Cell {
        text: format!("{:.1}%", ratio * 100.0),
        mark: Mark::Plain,
        numeric: true,
    }
}

fn sheet(header: Vec<&'static str>, rows: Rows) -> Sheet {
    Sheet {
        kind: SheetKind::Figures,
        header,
        rows,
        folder: String::new(),
    }
}

fn print(out: &mut impl Write, title: &str, sheet: &Sheet, style: TableStyle) -> io::Result<()> {
    writeln!(out, "{title}")?;
    if sheet.rows.is_empty() {
        writeln!(out, "(none)\n")
    } else {
        writeln!(out, "{}\n", render(sheet, style))
    }
}

/// Rows of `name, count` from a count map, largest first.
fn counts<'a>(map: impl IntoIterator<Item = (&'a str, &'a u64)>) -> Rows {
    let mut rows: Vec<(&str, &u64)> = map.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    rows.into_iter()
        .map(|(k, v)| vec![Cell::plain(k), n(*v)])
        .collect()
}

fn group_row(name: &str, a: &Aggregate) -> Vec<Cell> {
    let errors = match a.errors {
        0 => Cell::marked("0", Mark::Dim),
        e => Cell::marked(e.to_string(), Mark::Error),
    };
    vec![
        Cell::plain(name.to_string()),
        n(a.turns),
        n(a.usage.input),
        n(a.usage.output),
        n(a.usage.cache_read),
        n(a.usage.cache_write),
        n(a.usage.reasoning),
        a.cache_hit_ratio
            .map_or_else(|| Cell::marked("-", Mark::Dim), percent),
        n(a.tool_calls),
        n(a.thoughts),
        errors,
        group_cost(a),
    ]
}

/// Dollars, right-aligned.
fn usd(value: f64) -> Cell {
    Cell {
        text: format_usd(value),
        mark: Mark::Plain,
        numeric: true,
    }
}

/// A group's cost: its priced turns' dollars, marked when some of its turns are unpriced
/// (the figure then leaves them out), a dash when none is priced.
fn group_cost(a: &Aggregate) -> Cell {
    match (a.cost.priced_turns, a.cost.unpriced_turns) {
        (0, 0) => Cell::marked("-", Mark::Dim),
        (0, _) => Cell::marked("unpriced", Mark::Incomplete),
        (_, 0) => usd(a.cost.usd),
        (_, _) => Cell {
            mark: Mark::Incomplete,
            text: format!("{} +unpriced", format_usd(a.cost.usd)),
            numeric: true,
        },
    }
}

/// The cost tables: the total and what it leaves out, dollars by model, and the models the
/// price table could not price with the tokens their turns used.
fn cost_tables(out: &mut impl Write, all: &Aggregate, style: TableStyle) -> io::Result<()> {
    let c = &all.cost;
    let mut total = vec![
        vec![Cell::plain("total"), usd(c.usd)],
        vec![Cell::plain("turns priced"), n(c.priced_turns)],
    ];
    if c.unpriced_turns > 0 {
        total.push(vec![
            Cell::marked("turns unpriced (not in the total)", Mark::Incomplete),
            n(c.unpriced_turns),
        ]);
    }
    print(
        out,
        "cost",
        &sheet(vec!["", "USD"], total.into_iter().collect()),
        style,
    )?;

    let mut models: Vec<(&str, &f64)> = all.cost_by_model.iter().collect();
    models.sort_by(|a, b| b.1.total_cmp(a.1).then(a.0.cmp(b.0)));
    let rows = models
        .into_iter()
        .map(|(model, cost)| vec![Cell::plain(model), usd(*cost)])
        .collect();
    print(
        out,
        "cost by model",
        &sheet(vec!["model", "USD"], rows),
        style,
    )?;

    if !all.unpriced.is_empty() {
        let rows = all
            .unpriced
            .iter()
            .map(|(model, u)| {
                vec![
                    Cell::plain(model),
                    n(u.turns),
                    n(u.usage.input),
                    n(u.usage.output),
                    n(u.usage.cache_read),
                    n(u.usage.cache_write),
                ]
            })
            .collect();
        let header = vec!["model", "turns", "in", "out", "cache\nread", "cache\nwrite"];
        print(
            out,
            "unpriced models (left out of the cost)",
            &sheet(header, rows),
            style,
        )?;
    }
    Ok(())
}

/// Milliseconds: whole ones, and tenths below 10.
fn ms(value: f64) -> Cell {
    Cell {
        text: if value < 10.0 {
            format!("{value:.1}")
        } else {
            format!("{value:.0}")
        },
        mark: Mark::Plain,
        numeric: true,
    }
}

/// `p50, p95, max` cells, dashes where no turn said.
fn spread(s: Option<Spread>) -> [Cell; 3] {
    match s {
        Some(s) => [ms(s.p50), ms(s.p95), ms(s.max)],
        None => std::array::from_fn(|_| Cell::marked("-", Mark::Dim)),
    }
}

/// Rows of the latency table: duration and time to first byte.
fn latency_rows(l: &Latency) -> Rows {
    [
        ("duration", l.duration_ms),
        ("time to first byte", l.wait_ms),
    ]
    .into_iter()
    .map(|(what, s)| {
        let mut row = vec![Cell::plain(what), n(l.turns)];
        row.extend(spread(s));
        row
    })
    .collect()
}

/// One group's latency row: timed turns, then duration and time-to-first-byte spreads.
fn group_latency_row(name: &str, l: &Latency) -> Vec<Cell> {
    let mut row = vec![Cell::plain(name.to_string()), n(l.turns)];
    row.extend(spread(l.duration_ms));
    row.extend(spread(l.wait_ms));
    row
}

/// The summary as tables: overview, tokens, then the breakdowns, then the `--by` groups.
pub fn tables(out: &mut impl Write, summary: &Summary, style: TableStyle) -> io::Result<()> {
    let all = &summary.all;
    let overview = vec![
        vec![Cell::plain("files read"), n(summary.files.read)],
        vec![
            Cell::plain("files skipped (no LLM traffic)"),
            n(summary.files.skipped),
        ],
        vec![
            Cell::plain("files failed"),
            if summary.files.failed > 0 {
                Cell {
                    mark: Mark::Error,
                    ..n(summary.files.failed)
                }
            } else {
                n(0u64)
            },
        ],
        vec![Cell::plain("turns"), n(all.turns)],
        vec![Cell::plain("  streaming"), n(all.modes.streaming)],
        vec![Cell::plain("  blocking"), n(all.modes.blocking)],
        vec![Cell::plain("  incomplete"), n(all.incomplete)],
        vec![Cell::plain("  with an error"), n(all.errors)],
        vec![Cell::plain("tool calls"), n(all.tool_calls)],
        vec![Cell::plain("thoughts"), n(all.thoughts)],
    ];
    print(
        out,
        "overview",
        &sheet(vec!["", "count"], overview.into_iter().collect()),
        style,
    )?;

    let u = &all.usage;
    let mut tokens = vec![
        vec![Cell::plain("input (excluding cache reads)"), n(u.input)],
        vec![Cell::plain("output"), n(u.output)],
        vec![Cell::plain("cache read"), n(u.cache_read)],
        vec![Cell::plain("cache write"), n(u.cache_write)],
        vec![Cell::plain("reasoning (part of output)"), n(u.reasoning)],
    ];
    if let Some(ratio) = all.cache_hit_ratio {
        tokens.push(vec![Cell::plain("cache hit ratio"), percent(ratio)]);
    }
    // What is priced apart, where there was any.
    if u.cache_write_1h > 0 {
        let row = vec![Cell::plain("  of it cached 1 hour"), n(u.cache_write_1h)];
        tokens.insert(4, row); // right below "cache write"
    }
    for (what, count) in [
        ("web searches (provider-run)", u.web_search_requests),
        ("web fetches (provider-run)", u.web_fetch_requests),
    ] {
        if count > 0 {
            tokens.push(vec![Cell::plain(what), n(count)]);
        }
    }
    print(
        out,
        "tokens",
        &sheet(vec!["", "tokens"], tokens.into_iter().collect()),
        style,
    )?;
    cost_tables(out, all, style)?;

    if let Some(latency) = &all.latency {
        let header = vec!["ms", "turns", "p50", "p95", "max"];
        print(out, "latency", &sheet(header, latency_rows(latency)), style)?;
    }

    print(
        out,
        "turns by api",
        &sheet(vec!["api", "turns"], counts(&all.apis)),
        style,
    )?;
    print(
        out,
        "turns by model",
        &sheet(vec!["model", "turns"], counts(&all.models)),
        style,
    )?;

    let mut tools: Vec<(&str, _)> = all.tools.iter().collect();
    tools.sort_by(|a, b| b.1.calls.cmp(&a.1.calls).then(a.0.cmp(b.0)));
    let tool_rows = tools
        .into_iter()
        .map(|(name, t)| {
            let name = if t.injected > 0 {
                Cell::marked(name, Mark::Injected)
            } else {
                Cell::plain(name)
            };
            vec![
                name,
                n(t.calls),
                n(t.injected),
                n(t.turns),
                percent(t.share_of_turns),
                n(t.results),
                Cell {
                    mark: if t.errors > 0 { Mark::Error } else { Mark::Dim },
                    ..n(t.errors)
                },
            ]
        })
        .collect();
    let header = vec![
        "tool", "calls", "injected", "turns", "of turns", "results", "errors",
    ];
    print(out, "tool calls by name", &sheet(header, tool_rows), style)?;

    let thought_rows = all
        .thought_sources
        .iter()
        .map(|(source, t)| vec![Cell::plain(source), n(t.count), n(t.chars)])
        .collect();
    let header = vec!["source", "thoughts", "characters"];
    print(
        out,
        "thoughts by source",
        &sheet(header, thought_rows),
        style,
    )?;

    print(
        out,
        "stop reasons",
        &sheet(vec!["stop reason", "turns"], counts(&all.stop_reasons)),
        style,
    )?;
    print(
        out,
        "errors",
        &sheet(vec!["type (status)", "turns"], counts(&all.error_kinds)),
        style,
    )?;

    if let Some(by) = summary.group_by {
        let rows = summary
            .groups
            .iter()
            .map(|(name, a)| group_row(name, a))
            .collect();
        let header = vec![
            by,
            "turns",
            "in",
            "out",
            "cache\nread",
            "cache\nwrite",
            "reas-\noning",
            "cache\nhits",
            "tools",
            "thou-\nghts",
            "errors",
            "cost",
        ];
        print(out, &format!("by {by}"), &sheet(header, rows), style)?;
        let timed: Rows = summary
            .groups
            .iter()
            .filter_map(|(name, a)| a.latency.as_ref().map(|l| group_latency_row(name, l)))
            .collect();
        if !timed.is_empty() {
            let header = vec![
                by,
                "timed\nturns",
                "p50\nms",
                "p95\nms",
                "max\nms",
                "ttfb\np50",
                "ttfb\np95",
                "ttfb\nmax",
            ];
            print(
                out,
                &format!("latency by {by}"),
                &sheet(header, timed),
                style,
            )?;
        }
    }
    Ok(())
}
