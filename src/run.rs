//! Driving a run: inputs are read and processed in parallel, and handed on in input order,
//! a batch at a time, so output is deterministic and memory stays bounded however many
//! files there are (captures are dropped as each input finishes; [`threaded`] keeps the
//! turns, which threading needs all of, and [`held`] keeps their texts out of memory once
//! they add up). What one input gives is worked out in [`input`]; the progress bar that runs
//! alongside lives in [`progress`].

mod admission;
mod guard;
mod held;
mod input;
pub mod progress;
mod rejoin;

use std::borrow::Cow;
use std::collections::VecDeque;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError, mpsc};

use rayon::prelude::*;

use admission::Admission;
pub use guard::quiet_hook;
pub use input::{OpenError, open, priced_turns_of, turns_from_bytes, turns_from_dump, turns_of};
use progress::Progress;
pub use rejoin::starts_like_a_turn;

use crate::config::Inputs;
use crate::cost::PriceTable;
use crate::discover::{Found, discover};
use crate::read::decompress;
use crate::render::{WholeRun, escape_controls};
use crate::session::{self, Carried, Session};
use crate::turn::{Source, Turn};
use held::{Away, Restore, Store};

/// Inputs handled per parallel batch: enough to keep every core busy, few enough that a
/// batch's results are small next to memory (a run's turns wait in them without their
/// texts, which [`threaded`] sends to the temporary file as each input is read).
const BATCH: usize = 256;

/// Batches started beyond the one `sink` is being handed: enough that a core free of one
/// batch finds the next one waiting, few enough that little is held.
const AHEAD: usize = 2;

/// Something to tell the user about one input, on stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// The input (or a part of it) could not be read: the run fails.
    Failed(String),
    /// Not something this tool reads: said, but not a failure.
    Skipped(String),
}

/// What one input gave.
#[derive(Debug, Default)]
pub struct FileReport {
    pub turns: Vec<Turn>,
    pub notes: Vec<Note>,
    /// Exchanges that were no LLM traffic (or files that were no capture).
    pub skipped: usize,
    /// The turns were read back from this tool's JSONL, not rebuilt from a capture: the
    /// captures they came from are the files a summary counts.
    pub read_back: bool,
}

impl FileReport {
    pub fn failed(&self) -> bool {
        self.notes.iter().any(|n| matches!(n, Note::Failed(_)))
    }

    fn failure(message: String) -> FileReport {
        FileReport {
            notes: vec![Note::Failed(message)],
            ..FileReport::default()
        }
    }

    fn skip(&mut self, message: String) {
        self.skipped += 1;
        self.notes.push(Note::Skipped(message));
    }
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Every input was read (and, for `validate`, was valid).
    Ok,
    /// At least one input failed.
    SomeFailed,
}

/// Runs `work` on every input of `inputs` in parallel and hands the results to `sink` in
/// input order. `sink` runs on the calling thread, so it may write output; the progress bar
/// (when there is one) is out of the way while it does. A panic in `work` (a bug) costs
/// only its input: `panicked` makes that input's failure from the message saying so.
pub fn ordered<T: Send>(
    inputs: &Inputs,
    work: impl Fn(&Found) -> T + Sync,
    panicked: impl Fn(&Found, String) -> T + Sync,
    mut sink: impl FnMut(T) -> io::Result<()>,
) -> io::Result<()> {
    let found = discover(&inputs.paths, &inputs.filter, inputs.stdin_closed);
    // A batch never has work for more threads than it has inputs: `--threads 100000` starts
    // no more than that, instead of exhausting the system's threads.
    let threads = match inputs.threads {
        0 => 0,
        asked => asked.min(BATCH).min(found.len().max(1)),
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|err| pool_error(threads, &err))?;
    let progress = Progress::new(inputs.progress, &found);
    let admission = Admission::of(&found);
    // Set when `sink` fails (a closed pipe): batches not yet started then do nothing.
    let stopped = AtomicBool::new(false);
    let batch_of = |batch: &[Found]| -> Vec<T> {
        if stopped.load(Ordering::Relaxed) {
            return Vec::new();
        }
        batch
            .par_iter()
            .map(|f| {
                let _reading = admission.admit(f);
                progress
                    .input(f, || guard::catching(|| decompress::per_input(|| work(f))))
                    .unwrap_or_else(|why| panicked(f, why))
            })
            .collect()
    };
    // The calling thread is no worker of the pool: it waits for each batch in turn and runs
    // `sink`, while the workers go on with the batches after it. A worker done with its
    // share of one batch starts the next, so no core waits at a batch's end or for `sink`.
    let sunk = pool.in_place_scope(|scope| {
        let mut batches = found.chunks(BATCH);
        let mut pending = VecDeque::new();
        let mut start_next = |pending: &mut VecDeque<_>| {
            if let Some(batch) = batches.next() {
                let (send, receive) = mpsc::sync_channel(1);
                let batch_of = &batch_of;
                scope.spawn(move |_| {
                    // The receiver is gone only when `sink` failed and the run is ending.
                    let _ = send.send(batch_of(batch));
                });
                pending.push_back((batch.len(), receive));
            }
        };
        for _ in 0..=AHEAD {
            start_next(&mut pending);
        }
        let mut done = 0;
        while let Some((len, receive)) = pending.pop_front() {
            // A batch's job ends without sending only if it panicked, outside the guard
            // around each input (a bug): the scope passes that panic on as it ends.
            let Ok(results) = receive.recv() else { break };
            start_next(&mut pending);
            done += len;
            progress.files_done(done);
            if let Err(err) = progress.suspend(|| results.into_iter().try_for_each(&mut sink)) {
                stopped.store(true, Ordering::Relaxed);
                return Err(err);
            }
        }
        Ok(())
    });
    progress.finish();
    sunk
}

/// Why the worker threads could not be started, worded for people: the system's own words
/// ("Resource temporarily unavailable") do not say that `--threads` asked too much.
fn pool_error(threads: usize, err: &rayon::ThreadPoolBuildError) -> io::Error {
    let why = err.to_string();
    let why = why.split(" (os error").next().unwrap_or(&why);
    let asked = match threads {
        0 => "the worker threads".to_string(),
        1 => "1 worker thread".to_string(),
        n => format!("{n} worker threads"),
    };
    io::Error::other(format!(
        "could not start {asked} ({why}); ask for fewer with --threads"
    ))
}

/// Prints the notes of a report to `err`: failures always, skips unless `quiet`. A note
/// names files and sections as the capture spells them: its control characters are
/// escaped, so a name holding a line break cannot forge a line of its own (a CI log reads
/// `::error …` lines on stderr too) and an escape sequence never reaches the terminal.
pub fn print_notes(report: &FileReport, quiet: bool, err: &mut impl Write) -> io::Result<()> {
    for note in &report.notes {
        match note {
            Note::Failed(message) => note_line(err, message)?,
            Note::Skipped(message) if !quiet => note_line(err, message)?,
            Note::Skipped(_) => {}
        }
    }
    Ok(())
}

/// One line on stderr, `aibridge-trace: ` and `message`, its control characters escaped.
pub fn note_line(err: &mut impl Write, message: &str) -> io::Result<()> {
    writeln!(err, "aibridge-trace: {}", escape_controls(message))
}

/// Every turn of a run, threaded into sessions.
#[derive(Debug)]
pub struct Threaded {
    /// In input order, each with its `session` and its calls' `result`s set; some with
    /// their texts in `store`, at the place `away` gives.
    turns: Vec<Turn>,
    away: Vec<Option<Away>>,
    store: Store,
    /// Per turn, the calls whose results' contents are in `store` with the turn that
    /// carried them (threading copied the rest).
    fills: Vec<Vec<(usize, Carried)>>,
    /// In the input order of their first turns.
    pub sessions: Vec<Session>,
}

impl Threaded {
    /// Each turn's `source`, in input order.
    pub fn sources(&self) -> impl Iterator<Item = &Source> {
        self.turns.iter().map(|turn| &turn.source)
    }

    /// The turns, whole, in input order: each one's texts are read back as it comes, so
    /// a printer that takes one turn at a time holds one turn's texts at a time.
    pub fn into_turns(self) -> impl Iterator<Item = io::Result<Turn>> {
        let Threaded {
            turns,
            away,
            mut store,
            fills,
            ..
        } = self;
        let turns = turns.into_iter().zip(fills).enumerate();
        turns.map(move |(at, (turn, fills))| {
            let mut turn = store.restore(turn, away[at], Restore::All)?;
            fill_results(&store, &away, &mut turn, &fills)?;
            Ok(turn)
        })
    }

    /// Every turn at once, for views of the whole run (sessions, transcripts, traces), and
    /// the sessions: each turn without what such views never print or print a turn at a
    /// time ([`Restore::Held`]), which [`WholeRun::turn`] reads back.
    pub fn into_whole(self) -> io::Result<Whole> {
        let Threaded {
            turns,
            away,
            mut store,
            fills,
            sessions,
        } = self;
        let turns = (turns.into_iter().zip(&away))
            .map(|(turn, &at)| store.restore(turn, at, HELD))
            .collect::<io::Result<_>>()?;
        Ok(Whole {
            turns,
            sessions,
            away,
            store,
            fills,
        })
    }
}

/// What views of the whole run hold of every turn: the calls' arguments and the results'
/// contents only where they can be read again alone (on Unix; elsewhere no result goes
/// out, and the turns keep them).
const HELD: Restore = match cfg!(unix) {
    true => Restore::Held,
    false => Restore::Shown,
};

/// Every turn of a run at once, for views of the whole run, and the sessions.
#[derive(Debug)]
pub struct Whole {
    /// In input order, with their `session`s; those whose texts went to the store are
    /// without their calls' arguments and results' contents ([`Restore::Held`]).
    pub turns: Vec<Turn>,
    /// In the input order of their first turns.
    pub sessions: Vec<Session>,
    away: Vec<Option<Away>>,
    store: Store,
    fills: Vec<Vec<(usize, Carried)>>,
}

impl WholeRun for Whole {
    fn held(&self) -> &[Turn] {
        &self.turns
    }

    /// The turn at `index` as a view prints it: with its calls' arguments and their
    /// results' contents, read back for it alone when they went out.
    fn turn(&self, index: usize) -> io::Result<Cow<'_, Turn>> {
        // Only what `HELD` left out is read again.
        let away = self.away[index].filter(|_| HELD == Restore::Held);
        let fills = &self.fills[index];
        if away.is_none() && fills.is_empty() {
            return Ok(Cow::Borrowed(&self.turns[index]));
        }
        let mut turn = self.turns[index].clone();
        if let Some(away) = away {
            self.store.reread(&mut turn, away)?;
        }
        fill_results(&self.store, &self.away, &mut turn, fills)?;
        Ok(Cow::Owned(turn))
    }
}

/// Puts into `turn`'s calls the contents of their results that went out to `store` with
/// the turns that carried them (`fills`), each read alone: one request may answer the calls
/// of hundreds of turns, and neither reading its whole record for each nor keeping what was
/// read until the last is printed stays linear.
fn fill_results(
    store: &Store,
    away: &[Option<Away>],
    turn: &mut Turn,
    fills: &[(usize, Carried)],
) -> io::Result<()> {
    for &(call, carried) in fills {
        let Some(at) = away[carried.turn] else {
            continue;
        };
        let content = store.result(at, carried.index)?;
        if let Some(result) = (turn.tool_calls.get_mut(call)).and_then(|c| c.result.as_deref_mut())
        {
            result.content = content;
        }
    }
    Ok(())
}

/// Reads every turn of `inputs` and threads them into sessions: threading links turns of
/// any inputs, so it needs all of them before anything is printed (turns are small next
/// to the captures they came from; the captures are not kept). `each` sees every input's
/// report as it comes, before its turns join the rest; notes are printed as they come.
pub fn threaded(
    inputs: &Inputs,
    prices: &PriceTable,
    err: &mut impl Write,
    mut each: impl FnMut(&FileReport),
) -> io::Result<(Threaded, Status)> {
    let mut failed = false;
    let mut turns = Vec::new();
    let mut away = Vec::new();
    let store = Mutex::new(Store::default());
    let panicked = |found: &Found, why| {
        let report = FileReport::failure(format!("{}: {why}", found.display()));
        (report, Vec::new())
    };
    ordered(
        inputs,
        |found| {
            let mut report =
                rejoin::placed(found, inputs.filter.shard, priced_turns_of(found, prices));
            report.turns.iter_mut().for_each(session::digest_answer);
            // Held on the worker that read them: the batches on their way hold their turns
            // without the texts, whatever their files expand to (a 6 KB gzip file may be a
            // 3 MB answer, and so may a plain file's coded body).
            let held = Store::hold(&store, &mut report.turns);
            (report, held)
        },
        panicked,
        |(mut report, held)| {
            failed |= report.failed();
            each(&report);
            away.extend(held);
            // The first input's turns are taken as they are, not copied: with one big
            // input, two lists of every turn would be held at once.
            match turns.is_empty() {
                true => turns = std::mem::take(&mut report.turns),
                false => turns.append(&mut report.turns),
            }
            print_notes(&report, inputs.quiet, err)
        },
    )?;
    // Threading moves turns read back from JSONL into the order of the run that printed
    // them: where their texts went moves with them.
    let order = session::in_run_order(&mut turns);
    let away: Vec<_> = order.into_iter().map(|from| away[from]).collect();
    let store = store.into_inner().unwrap_or_else(PoisonError::into_inner);
    let (sessions, links) = session::thread_and_link(&mut turns);
    // The calls whose results went out with the turns that carried them.
    let fills = links
        .into_iter()
        .map(|calls| {
            let away =
                |carried: &Carried| away[carried.turn].is_some_and(|at| at.results.is_some());
            let calls = calls.into_iter().enumerate();
            calls
                .filter_map(|(call, carried)| Some((call, carried.filter(away)?)))
                .collect()
        })
        .collect();
    let status = if failed {
        Status::SomeFailed
    } else {
        Status::Ok
    };
    let threaded = Threaded {
        turns,
        away,
        store,
        fills,
        sessions,
    };
    Ok((threaded, status))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::Filter;

    #[test]
    fn a_panic_on_one_input_fails_only_that_input() {
        let dir = std::env::temp_dir().join(format!("aibridge-guard-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for name in ["a", "b", "c"] {
            std::fs::write(dir.join(name), name).unwrap();
        }
        let inputs = Inputs {
            paths: vec![dir.clone()],
            filter: Filter::default(),
            quiet: false,
            threads: 2,
            progress: false,
            stdin_closed: false,
        };
        let mut seen = Vec::new();
        ordered(
            &inputs,
            |found| match found.display().ends_with('b') {
                true => panic!("a bug"),
                false => format!("read {}", &found.display()[found.display().len() - 1..]),
            },
            |found, why| {
                format!(
                    "failed {}: {why}",
                    &found.display()[found.display().len() - 1..]
                )
            },
            |result| {
                seen.push(result);
                Ok(())
            },
        )
        .unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(seen.len(), 3);
        assert_eq!(seen[0], "read a");
        assert!(
            seen[1].starts_with("failed b: an internal error"),
            "{}",
            seen[1]
        );
        assert_eq!(seen[2], "read c");
    }

    #[test]
    fn each_call_reads_its_own_result_from_the_request_that_answers_many() {
        use crate::request::{Answer, Digest, ToolResult};
        use crate::turn::{Api, CallResult, ToolCall, ToolKind};
        use serde_json::json;
        let digested = |mut turn: Turn| {
            turn.threading.answer = Some(Answer {
                exact: Digest::from_bits(1),
                loose: Digest::from_bits(2),
            });
            turn
        };
        let store = Mutex::new(Store::default());
        // The first 4 MiB of texts stay in memory; the carrier's results then go out.
        let mut first = digested(Turn::empty(Api::AnthropicMessages));
        first.text = Some("x".repeat(4 << 20));
        let held = Store::hold(&store, std::slice::from_mut(&mut first));
        assert!(held[0].is_none());
        let mut carrier = digested(Turn::empty(Api::AnthropicMessages));
        carrier.tool_results = (0..3)
            .map(|i| ToolResult {
                call_id: format!("c{i}"),
                content: json!(format!("output {i}")),
                is_error: None,
            })
            .collect();
        let away = [
            vec![None],
            Store::hold(&store, std::slice::from_mut(&mut carrier)),
        ]
        .concat();
        let store = store.into_inner().unwrap();
        assert!(away[1].is_some_and(|at| at.results.is_some()));
        let carried = |index| Carried { turn: 1, index };
        for index in 0..3 {
            let mut turn = Turn::empty(Api::AnthropicMessages);
            turn.tool_calls = vec![ToolCall {
                id: Some(format!("c{index}")),
                name: "read".into(),
                kind: ToolKind::Function,
                arguments: json!({}),
                injected: false,
                thoughts_before: Default::default(),
                result: Some(Box::new(CallResult {
                    content: serde_json::Value::Null,
                    is_error: None,
                    source: Default::default(),
                })),
            }];
            let fills = [(0, carried(index))];
            fill_results(&store, &away, &mut turn, &fills).unwrap();
            let result = turn.tool_calls[0].result.as_ref().unwrap();
            assert_eq!(result.content, json!(format!("output {index}")));
        }
    }

    #[test]
    fn too_many_threads_says_so() {
        let err = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .spawn_handler(|_| Err(io::Error::from_raw_os_error(11)))
            .build()
            .unwrap_err();
        let message = pool_error(100_000, &err).to_string();
        assert!(
            message.starts_with("could not start 100000 worker threads (")
                && message.ends_with("); ask for fewer with --threads")
                && !message.contains("os error"),
            "{message}"
        );
    }
}
