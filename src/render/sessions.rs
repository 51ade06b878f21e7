//! The sessions view: one row (or JSON object) per session, summed up here (and in the
//! transcript's footers). Like the transcript, it needs every turn threaded first, so it
//! prints from the whole run rather than turn by turn.

use std::io::{self, Write};

use serde::Serialize;

use crate::cost::format_usd;

use super::rows::{self, Cell, Mark, Sheet, SheetKind};
use super::{markdown, table};
use crate::config::{InspectFormat, TableStyle};
use crate::frame::timestamp::parse_rfc3339;
use crate::session::Session;
use crate::turn::{Source, ToolKind, Turn, UsageSum};

/// How a session ended: what its last turn (in threading order) did.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Ending {
    /// The model answered, calling no tool left unanswered.
    Answer,
    /// The last turn is an error.
    Error,
    /// The last turn was cut short (a stream without its end).
    CutOff,
    /// The last turn called a client-run tool whose result no request in the capture carries.
    WaitingOnTool,
}

impl Ending {
    fn of(last: &Turn) -> Ending {
        let unanswered = last
            .tool_calls
            .iter()
            .any(|c| c.kind != ToolKind::Server && c.result.is_none());
        if last.error.is_some() {
            Ending::Error
        } else if !last.complete {
            Ending::CutOff
        } else if unanswered {
            Ending::WaitingOnTool
        } else {
            Ending::Answer
        }
    }

    /// In words, for the transcript.
    pub fn as_words(self) -> &'static str {
        match self {
            Ending::Answer => "answer",
            Ending::Error => "error",
            Ending::CutOff => "cut off",
            Ending::WaitingOnTool => "waiting on a tool result",
        }
    }

    /// In one short word, for a table column.
    fn as_short(self) -> &'static str {
        match self {
            Ending::WaitingOnTool => "waiting",
            other => other.as_words(),
        }
    }
}

/// One session summed up: `--format jsonl --view sessions` prints one per line.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SessionTotals<'a> {
    pub id: &'a str,
    /// The first prompt of the session (its first turn's, else the first any turn has).
    pub prompt: Option<&'a str>,
    /// The `source` of each turn, in threading order.
    pub turns: Vec<&'a Source>,
    /// The highest step: turns that continue the same turn share a step.
    pub steps: usize,
    /// The models that answered, in order of first appearance.
    pub models: Vec<&'a str>,
    pub tool_calls: u64,
    /// Calls whose result came back marked `is_error`.
    pub failed_tool_calls: u64,
    /// Turns with an error.
    pub errors: u64,
    pub usage: UsageSum,
    /// What the priced turns cost, added up; null when no turn is priced.
    pub cost_usd: Option<f64>,
    /// Turns with usage but no cost (their model is unpriced): what `cost_usd` leaves out.
    pub unpriced_turns: u64,
    /// From the first turn's start to the last one's end (its start where the capture
    /// gives no duration); null when no turn carries a start time.
    pub wall_ms: Option<f64>,
    pub ended: Ending,
}

impl<'a> SessionTotals<'a> {
    pub fn of(session: &'a Session, turns: &'a [Turn]) -> SessionTotals<'a> {
        let mine: Vec<&Turn> = session.turns.iter().map(|&i| &turns[i]).collect();
        let mut usage = UsageSum::default();
        let mut models: Vec<&str> = Vec::new();
        let (mut start, mut end): (Option<f64>, Option<f64>) = (None, None);
        for turn in &mine {
            if let Some(u) = &turn.usage {
                usage.add(u);
            }
            if let Some(model) = turn.model.as_deref().filter(|m| !models.contains(m)) {
                models.push(model);
            }
            let timing = turn.timing.as_ref();
            let started = timing
                .and_then(|t| t.started_at.as_deref())
                .and_then(parse_rfc3339);
            if let Some(at) = started.map(|ms| ms as f64) {
                let done = at + timing.and_then(|t| t.duration_ms).unwrap_or(0.0);
                start = Some(start.map_or(at, |s| s.min(at)));
                end = Some(end.map_or(done, |e| e.max(done)));
            }
        }
        let calls = mine.iter().flat_map(|t| &t.tool_calls);
        let priced: Vec<f64> = mine
            .iter()
            .filter_map(|t| t.cost.as_ref())
            .map(|c| c.usd)
            .collect();
        let unpriced = mine
            .iter()
            .filter(|t| t.usage.is_some() && t.cost.is_none());
        SessionTotals {
            id: &session.id,
            prompt: mine.iter().find_map(|t| t.prompt.as_deref()),
            turns: mine.iter().map(|t| &t.source).collect(),
            steps: mine
                .iter()
                .filter_map(|t| t.session.as_ref().map(|s| s.step))
                .max()
                .unwrap_or(0),
            models,
            tool_calls: calls.clone().count() as u64,
            failed_tool_calls: calls
                .filter(|c| c.result.as_ref().is_some_and(|r| r.is_error == Some(true)))
                .count() as u64,
            errors: mine.iter().filter(|t| t.error.is_some()).count() as u64,
            usage,
            // To a tenth of a nano-dollar, as turns' costs are: sums of floats drift.
            cost_usd: (!priced.is_empty())
                .then(|| (priced.iter().sum::<f64>() * 1e10).round() / 1e10),
            unpriced_turns: unpriced.count() as u64,
            // To the microsecond: HAR timings are floats that sum to long fractions.
            wall_ms: start
                .zip(end)
                .map(|(s, e)| ((e - s) * 1000.0).round() / 1000.0),
            ended: mine.last().map_or(Ending::Answer, |t| Ending::of(t)),
        }
    }

    /// Every token the session's turns spent: the whole prompts and the outputs.
    fn tokens(&self) -> u128 {
        let u = &self.usage;
        u.input + u.cache_read + u.cache_write + u.output
    }

    fn row(&self, human: bool) -> Vec<Cell> {
        let count = |n: u128| Cell::number(Some(n), human);
        let flagged = |n: u64| Cell {
            mark: if n > 0 { Mark::Error } else { Mark::Dim },
            ..count(n.into())
        };
        let ended = Cell::marked(
            self.ended.as_short(),
            match self.ended {
                Ending::Answer => Mark::Plain,
                Ending::Error => Mark::Error,
                Ending::CutOff | Ending::WaitingOnTool => Mark::Incomplete,
            },
        );
        let time = Cell {
            text: self.wall_ms.map_or_else(|| "-".into(), duration),
            mark: Mark::Plain,
            numeric: true,
        };
        vec![
            Cell::plain(self.id),
            // On one line: the table cuts it to the column, never wraps it.
            Cell::plain(self.prompt.map_or_else(
                || "-".to_string(),
                |p| p.split_whitespace().collect::<Vec<_>>().join(" "),
            )),
            count(self.steps as u128),
            count(self.tool_calls.into()),
            flagged(self.failed_tool_calls),
            flagged(self.errors),
            count(self.tokens()),
            Cell {
                text: self.cost_usd.map_or_else(|| "-".into(), format_usd),
                mark: Mark::Plain,
                numeric: true,
            },
            time,
            ended,
        ]
    }

    fn csv_row(&self) -> Vec<String> {
        let u = &self.usage;
        let numbers = [u.input, u.output, u.cache_read, u.cache_write, u.reasoning];
        let mut row = vec![
            self.id.to_string(),
            self.turns
                .first()
                .map(|s| rows::label_of(s))
                .unwrap_or_default(),
            self.prompt.unwrap_or_default().to_string(),
            self.turns.len().to_string(),
            self.steps.to_string(),
            self.tool_calls.to_string(),
            self.failed_tool_calls.to_string(),
            self.errors.to_string(),
        ];
        row.extend(numbers.iter().map(u128::to_string));
        row.push(self.cost_usd.map(|usd| usd.to_string()).unwrap_or_default());
        row.push(self.unpriced_turns.to_string());
        row.push(self.wall_ms.map(|ms| ms.to_string()).unwrap_or_default());
        row.push(
            serde_json::to_value(self.ended)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
        );
        row.push(self.models.join(" "));
        row
    }
}

/// A wall time for people: `850ms`, `12.4s`, `3m 05s`, `1h 02m`.
pub fn duration(ms: f64) -> String {
    let seconds = ms / 1000.0;
    if ms < 1000.0 {
        format!("{ms:.0}ms")
    } else if seconds < 60.0 {
        format!("{seconds:.1}s")
    } else if seconds < 3600.0 {
        let s = seconds.round() as u64;
        format!("{}m {:02}s", s / 60, s % 60)
    } else {
        let m = (seconds / 60.0).round() as u64;
        format!("{}h {:02}m", m / 60, m % 60)
    }
}

/// Prints the sessions of a run (`--view sessions`) in `format`, one row or object each.
pub fn print(
    out: &mut dyn Write,
    format: InspectFormat,
    style: TableStyle,
    turns: &[Turn],
    sessions: &[Session],
) -> io::Result<()> {
    let totals = sessions.iter().map(|s| SessionTotals::of(s, turns));
    match format {
        InspectFormat::Jsonl => {
            for session in totals {
                serde_json::to_writer(&mut *out, &session).map_err(io::Error::from)?;
                out.write_all(b"\n")?;
            }
            Ok(())
        }
        // One array, a session per line, as `--format json` prints turns.
        InspectFormat::Json => {
            let mut started = false;
            for session in totals {
                out.write_all(if started { b",\n" } else { b"[\n" })?;
                started = true;
                serde_json::to_writer(&mut *out, &session).map_err(io::Error::from)?;
            }
            out.write_all(if started { b"\n]\n" } else { b"[]\n" })
        }
        InspectFormat::Csv => {
            super::csv::line(out, rows::SESSION_CSV_HEADER.iter().map(|h| h.to_string()))?;
            for session in totals {
                super::csv::line(out, session.csv_row().into_iter())?;
            }
            Ok(())
        }
        InspectFormat::Table | InspectFormat::Markdown => {
            let mut sheet = Sheet::new(SheetKind::Sessions);
            sheet.rows = totals.map(|s| s.row(true)).collect();
            if format == InspectFormat::Markdown {
                return markdown::write_sheet(out, &sheet);
            }
            if sheet.rows.is_empty() {
                return writeln!(out, "(no sessions)");
            }
            writeln!(out, "{}", table::render(&sheet, style))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_for_people() {
        assert_eq!(duration(850.4), "850ms");
        assert_eq!(duration(12_440.0), "12.4s");
        assert_eq!(duration(185_000.0), "3m 05s");
        assert_eq!(duration(3_720_000.0), "1h 02m");
    }
}
