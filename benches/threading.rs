//! Threading a run's turns into sessions (`session::thread_turns`: links from the turns,
//! the linear pass over ids and digests, then sessions and call results written back).
//!
//! The case issue 9 asks for: 100,000 turns of one HAR, 25,000 Anthropic agent runs of four
//! steps interleaved round-robin (step 1 of every run, then step 2 of every run, …), each
//! request replaying its run's history and carrying the previous call's result. The turns
//! are built and their requests read beforehand; only threading is timed. `cargo bench
//! --bench threading` prints turns/s, and first the heap threading takes on top of the
//! turns: at its peak, and kept once it is done (sessions, places, call results).

use aibridge_trace::request;
use aibridge_trace::run::turns_from_bytes;
use aibridge_trace::session::thread_turns;
use aibridge_trace::turn::{Source, Turn};
use divan::Bencher;
use divan::counter::ItemsCount;
use serde_json::{Value, json};
#[path = "../tests/counting/mod.rs"]
mod counting;
use counting::{Counting, heap};
use std::sync::OnceLock;

const RUNS: usize = 25_000;
const STEPS: usize = 4;

fn main() {
    let made = turns();
    let start = counting::in_use();
    let mut turns = made.to_vec();
    let (before, peak, kept) = heap(|| {
        let sessions = thread_turns(&mut turns);
        (sessions, &turns)
    });
    let mb = |bytes: usize| bytes as f64 / 1e6;
    println!(
        "threading {} turns: {:.1} MB of turns, {:.1} MB more at the peak, {:.1} MB kept",
        turns.len(),
        mb(before - start),
        mb(peak - before),
        mb(kept - before)
    );
    divan::main();
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn call_id(run: usize, step: usize) -> String {
    format!("toolu_{run:05}_{step}")
}

/// The request of step `step` (0-based) of run `run`: the task, then each earlier step's
/// call and its result.
fn request(run: usize, step: usize) -> Value {
    let mut messages =
        vec![json!({"role": "user", "content": format!("Task {run}: fix the build")})];
    for earlier in 0..step {
        let id = call_id(run, earlier);
        messages.push(json!({"role": "assistant", "content": [
            {"type": "tool_use", "id": id, "name": "get_weather", "input": {"location": "Paris"}}
        ]}));
        messages.push(json!({"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": id, "content": format!("step {earlier} done")}
        ]}));
    }
    json!({"model": "claude-sonnet-4-5", "max_tokens": 1024, "messages": messages})
}

/// The 100,000 turns, in input order, made once.
fn turns() -> &'static [Turn] {
    static TURNS: OnceLock<Vec<Turn>> = OnceLock::new();
    TURNS.get_or_init(|| {
        let fixture = include_bytes!("../fixtures/anthropic-messages/single_tool.txtar");
        let template = turns_from_bytes("single_tool.txtar", fixture, true)
            .turns
            .into_iter()
            .find(|t| !t.streaming)
            .expect("the fixture's blocking turn");
        let mut turns = Vec::with_capacity(RUNS * STEPS);
        for step in 0..STEPS {
            for run in 0..RUNS {
                let mut turn = template.clone();
                turn.source = Source {
                    path: "big.har".into(),
                    entry: Some(turns.len()),
                    ..Source::default()
                };
                turn.id = Some(format!("msg_{run}_{step}"));
                turn.tool_calls[0].id = Some(call_id(run, step));
                turn.set_request(request::read(turn.api, &request(run, step)));
                turns.push(turn);
            }
        }
        turns
    })
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn hundred_thousand_interleaved_turns(bencher: Bencher) {
    let turns = turns();
    bencher
        .counter(ItemsCount::new(turns.len()))
        .with_inputs(|| turns.to_vec())
        .bench_local_values(|mut turns| {
            let sessions = thread_turns(&mut turns);
            assert_eq!(sessions.len(), RUNS);
            (turns, sessions)
        });
}
