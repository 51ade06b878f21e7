//! Runs split over many jobs, joined again: this tool's own JSONL turns read back in as
//! input, so that `cat part-*.jsonl | aibridge-trace summary -` is one run over all of them.
//!
//! A file of JSONL turns is told from captures by its content, like every format: its
//! first line starts as every turn line does (`{"source":{"path":`). Each line is read back
//! into the turn it was printed from, with the `threading` object that threading needs
//! (digests of the conversation and of the answer, the input's place in its run), so
//! turns of different parts still thread into one session. Read back, a turn is priced
//! again by this run's price table, as any turn is: a cost the provider reported is kept
//! (it comes back from `cost`), and the `unpriced model` warnings the printing run's
//! pricing gave are dropped, since this run's pricing says it again.

use std::sync::Arc;

use super::{FileReport, Note};
use crate::bounded_json;
use crate::cost::CostSource;
use crate::discover::{Found, Shard};
use crate::frame::timestamp;
use crate::number::thousands;
use crate::quote;
use crate::reconstruct::bounds;
use crate::redact::{self, redacted, redacted_message};
use crate::turn::{Part, Place, Turn};
use crate::warning::{MAX_PATH, REPORTED, Warning};

/// How every JSONL turn starts, token by token: serde prints a turn's fields in order,
/// `source` first. Between tokens any JSON white space may stand (a line re-serialised by
/// Python's `json.dumps` has `", "` and `": "`).
const TURN_START: [&[u8]; 6] = [b"{", br#""source""#, b":", b"{", br#""path""#, b":"];

/// Whether `data` opens as a JSONL turn does.
pub fn starts_like_a_turn(mut data: &[u8]) -> bool {
    TURN_START.iter().all(|token| {
        let rest = data.trim_ascii_start();
        match rest.strip_prefix(*token) {
            Some(after) => {
                data = after;
                true
            }
            None => false,
        }
    })
}

/// The turns of `data` when it is this tool's JSONL; `None` when it is something else (a
/// capture), for the readers of captures. A line that is no turn fails, naming its line;
/// the other lines are read.
pub fn read_back(display: &str, data: &[u8]) -> Option<FileReport> {
    let data = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
    if !starts_like_a_turn(data) {
        return None;
    }
    let mut report = FileReport {
        read_back: true,
        ..FileReport::default()
    };
    // Lines that are no turn past the first [`REPORTED`]: the first of them, and how many.
    let mut more: Option<(usize, usize)> = None;
    let mut failed = 0;
    for (number, line) in data.split(|&b| b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match bounded_json::within(line.len(), || serde_json::from_slice::<Turn>(line)) {
            Ok(turn) => {
                let mut turn = again(turn);
                // The turns of one capture, one after another, share its path, as the
                // turns read from a capture do.
                let last = report.turns.last().map(|t: &Turn| &t.source.path);
                if let Some(last) = last.filter(|last| **last == turn.source.path) {
                    turn.source.path = Arc::clone(last);
                }
                report.turns.push(turn);
            }
            // A file of millions of bad lines (one cut or joined with junk) would make as
            // many notes, each naming the file: the first few are named, the rest counted.
            Err(_) if failed >= REPORTED => {
                more.get_or_insert((number + 1, 0)).1 += 1;
            }
            // serde quotes the value it rejected, which may be anything the file holds:
            // the message names the line, the column and what was wrong, not the value.
            Err(why) => {
                failed += 1;
                report.notes.push(Note::Failed(format!(
                    "{display}: line {}, column {}: not a turn of aibridge-trace's JSONL: {}",
                    number + 1,
                    why.column(),
                    quote::json_error(&why)
                )));
            }
        }
    }
    if let Some((first, count)) = more {
        report.notes.push(Note::Failed(format!(
            "{display}: {} more lines from line {first} on are not turns of aibridge-trace's JSONL",
            thousands(count as u64)
        )));
    }
    Some(report)
}

/// A turn read back, made ready for this run: what was derived from it by the printing
/// run (session, tool results, cost) is worked out again here, from the same facts. Its
/// texts that quote a capture (the error message and type, warnings, a txtar section's
/// name, an interception id, a provider's name) are
/// redacted again, as a capture's are: a file of turns may have been written by hand or by
/// another tool, and what it holds reaches this run's output.
fn again(mut turn: Turn) -> Turn {
    // Names are cut, the capture's words redacted, and the error type kept only as an
    // identifier, redacted, as a capture's are.
    bounds::bound(&mut turn);
    for warning in &mut turn.warnings {
        if let Warning::Recorded(text) = warning {
            *text = redacted(text);
        }
        // Redacted whole first, as an error message is: a credential may run across the
        // cut.
        warning.shrink();
    }
    // The printing run priced every turn with usage; one left without a cost got its
    // pricing warning then, the last of its warnings (see `input::price`). Read back, the
    // warning is only text: its place says what it is.
    if turn.usage.is_some() && turn.cost.is_none() {
        turn.warnings.pop();
    }
    // Cut as a capture's is (another tool's file may hold a page), after the pricing
    // warning went: this run prices the turn again, and says so last.
    if let Some(message) = turn.error.as_mut().and_then(|e| e.message.as_mut()) {
        let (shown, cut) = redacted_message(message);
        *message = shown;
        if let Some(bytes) = cut {
            turn.warnings.push(Warning::LongErrorMessage { bytes });
        }
    }
    if let (Some(cost), Some(usage)) = (&turn.cost, &mut turn.usage) {
        // As a capture's cost is taken: within bounds, so that sums stay finite.
        if cost.source == CostSource::Provider && crate::decode::plausible_usd(cost.usd) {
            usage.provider_usd = Some(cost.usd);
        }
    }
    // Read back, a start is any text the line holds: kept when it is a timestamp (written
    // as this tool writes one), as a HAR's is, since it is printed and names a day.
    if let Some(timing) = turn.timing.as_mut() {
        if let Some(text) = timing.started_at.take() {
            timing.started_at = timestamp::normalized(&text);
            if timing.started_at.is_none() {
                let mut warning = Warning::NotRfc3339 {
                    field: "timing.started_at",
                    text,
                };
                warning.shrink();
                turn.warnings.push(warning);
            }
        }
    }
    if turn.source.path.len() > MAX_PATH {
        let mut path = turn.source.path.to_string();
        if let Some(bytes) = redact::cut_to(&mut path, MAX_PATH) {
            turn.warnings.push(Warning::LongPath { bytes });
        }
        turn.source.path = path.into();
    }
    turn.cost = None;
    turn.session = None;
    for call in &mut turn.tool_calls {
        call.result = None;
    }
    turn
}

/// Places the turns of `report`, read from `found`, in this run's order
/// ([`Threading::place`]): a capture's turns, and those of a whole run's JSONL, at their
/// input's place (the JSONL's in the order it prints them); the turns of a part of a run
/// split with `--shard` at their place in that run, so that the parts join into it. The
/// turns a capture gives take their input's place as `threading.input`; turns read back
/// keep theirs. In a `--shard` run, each turn is marked with the part and its place
/// ([`Threading::part`]), for the run that joins the parts.
///
/// [`Threading::place`]: crate::turn::Threading::place
/// [`Threading::part`]: crate::turn::Threading::part
pub fn placed(found: &Found, shard: Option<Shard>, mut report: FileReport) -> FileReport {
    if let Found::Input(input) = found {
        for turn in &mut report.turns {
            let threading = &mut turn.threading;
            threading.input.get_or_insert(input.ordinal);
            threading.place = match (threading.read_back, threading.part) {
                (true, Some(part)) => part.place,
                _ => Place {
                    input: input.ordinal,
                    run: input.run,
                },
            };
            threading.part = shard.map(|shard| Part {
                index: shard.index,
                count: shard.count,
                place: threading.place,
            });
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::Unpriced;
    use crate::turn::{Api, TurnError, Usage};

    /// A turn as the printing run left it, printed and read back.
    fn printed(turn: &Turn) -> Turn {
        serde_json::from_str(&serde_json::to_string(turn).unwrap()).unwrap()
    }

    #[test]
    fn paths_read_back_are_bounded_and_shared() {
        // Hostile run 35: a path of 1 MB read back was held whole by its turn (400 such
        // files: 1.2 GB in `summary --by file`), and every turn held its own copy.
        let mut turn = Turn::empty(Api::AnthropicMessages);
        let mut line = |path: &str| {
            turn.source.path = path.into();
            serde_json::to_string(&turn).unwrap()
        };
        let long = "d/".repeat(5_000);
        let lines = [line("a.sse"), line("a.sse"), line(&long), line("b.sse")];
        let report = read_back("x.jsonl", lines.join("\n").as_bytes()).unwrap();
        let turns = &report.turns;
        assert_eq!(turns.len(), 4);
        assert!(Arc::ptr_eq(&turns[0].source.path, &turns[1].source.path));
        assert_eq!(turns[2].source.path.len(), MAX_PATH);
        assert!(turns[2].source.path.ends_with(redact::CUT));
        let said: Vec<String> = turns[2].warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(
            said,
            ["the source path is 10,000 bytes long, no real one is: cut to 4,096 bytes"]
        );
        assert!(turns[3].warnings.is_empty());
    }

    #[test]
    fn the_pricing_warning_of_the_printing_run_is_dropped_by_its_place() {
        let mut turn = Turn::empty(Api::OpenaiChat);
        turn.usage = Some(Usage::default());
        turn.warnings = vec![
            Warning::OtherChoices,
            // `unpriced model …` was dropped by its text before; this one was kept, and
            // said twice once this run priced the turn again.
            Warning::Unpriced(Unpriced::NoModel),
        ];
        let back = again(printed(&turn));
        assert_eq!(
            back.warnings,
            [Warning::Recorded(
                "the response has choices besides choice 0; only choice 0 is shown".into()
            )]
        );
        // A turn with no usage was never priced: its warnings all stay.
        turn.usage = None;
        assert_eq!(again(printed(&turn)).warnings.len(), 2);
    }

    #[test]
    fn turns_re_serialised_with_spaces_are_still_read_back() {
        assert!(starts_like_a_turn(br#"{"source":{"path":"a.sse"}}"#));
        assert!(starts_like_a_turn(
            b"\n {\"source\": {\"path\": \"a.sse\"}}"
        ));
        assert!(starts_like_a_turn(b"{ \"source\" :\t{\r\n\"path\" : null}"));
        assert!(!starts_like_a_turn(br#"{"source": {"file": "a"}}"#));
        assert!(!starts_like_a_turn(br#"{"type":"message"}"#));
    }

    #[test]
    fn what_a_turn_read_back_quotes_is_redacted_again() {
        let mut turn = Turn::empty(Api::AnthropicMessages);
        turn.source.section = Some("api_key=Zq8secret".into());
        turn.error = Some(TurnError {
            status: Some(401),
            kind: None,
            message: Some("upstream said X-Api-Key: Zq8secret".into()),
            mid_stream: false,
        });
        turn.warnings = vec![Warning::Recorded("note: Authorization: Bearer Zq8".into())];
        let back = again(printed(&turn));
        let line = serde_json::to_string(&back).unwrap();
        assert!(!line.contains("Zq8"), "{line}");
        // What the printing run redacted reads the same again.
        assert_eq!(again(printed(&back)).error, back.error);
    }
}
