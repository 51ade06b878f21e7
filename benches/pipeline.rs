//! Throughput of each stage of the pipeline, per API, on in-memory corpora made by the same
//! generator as `examples/gen-corpus.rs` (`benches/corpus/mod.rs`):
//!
//! - `framing`: `frame::sse::parse` on each body, its events read one by one
//!   (text/event-stream → events);
//! - `reconstruction`: `reconstruct::reconstruct` on exchanges split out of the bodies
//!   beforehand. A stream is framed as its events are read, so this is framing and
//!   reconstruction together (events → turn): less `framing`, it is reconstruction alone;
//! - `whole`: `run::turns_from_bytes` (sniffing, framing and reconstruction of one file's
//!   bytes: what each worker thread does per file, minus reading and printing);
//! - `validate`: `validate::check` on the same bytes (the same framing and decoding, with
//!   the grammar checks riding along): set beside `whole`, it is what `validate` costs over
//!   `inspect` (the target is at most 1.2×).
//!
//! Single-threaded; `cargo bench` prints MB/s per stage and API. `CORPUS_MIB` sets each
//! API's corpus size (default 4 MiB).

mod corpus;

use aibridge_trace::frame::{self, Exchange, sse};
use aibridge_trace::reconstruct::{Outcome, reconstruct};
use aibridge_trace::run::turns_from_bytes;
use aibridge_trace::turn::Source;
use aibridge_trace::validate;
use corpus::Api;
use divan::Bencher;
use divan::counter::BytesCount;
use std::ops::ControlFlow;
use std::sync::OnceLock;

const SEED: u64 = 7;

fn main() {
    divan::main();
}

/// Each API's corpus, made once per process.
fn corpus(api: Api) -> &'static [Vec<u8>] {
    static CORPORA: OnceLock<Vec<Vec<Vec<u8>>>> = OnceLock::new();
    let corpora = CORPORA.get_or_init(|| {
        let mib: usize = std::env::var("CORPUS_MIB")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(4);
        Api::ALL
            .iter()
            .map(|&api| corpus::bodies(api, SEED, mib << 20))
            .collect()
    });
    &corpora[Api::ALL.iter().position(|&a| a == api).unwrap_or(0)]
}

fn bytes_of(bodies: &[Vec<u8>]) -> BytesCount {
    BytesCount::new(bodies.iter().map(Vec::len).sum::<usize>())
}

fn source() -> Source {
    Source {
        path: "bench.sse".into(),
        ..Source::default()
    }
}

const APIS: [Api; 3] = Api::ALL;

#[divan::bench(args = APIS, sample_count = 20, sample_size = 1)]
fn framing(bencher: Bencher, api: Api) {
    let bodies = corpus(api);
    bencher.counter(bytes_of(bodies)).bench(|| {
        for body in bodies {
            let stream = sse::parse(divan::black_box(body), 1);
            divan::black_box(stream.each(|event| {
                divan::black_box(event);
                ControlFlow::Continue(())
            }));
        }
    });
}

#[divan::bench(args = APIS, sample_count = 20, sample_size = 1)]
fn reconstruction(bencher: Bencher, api: Api) {
    let bodies = corpus(api);
    let framed: Vec<Vec<Exchange>> = bodies
        .iter()
        .map(|body| frame::frame(body).expect("generated bodies frame"))
        .collect();
    bencher.counter(bytes_of(bodies)).bench(|| {
        for exchanges in &framed {
            for exchange in exchanges {
                let outcome = reconstruct(divan::black_box(exchange), source());
                assert!(matches!(outcome, Outcome::Turn(_)));
                divan::black_box(outcome);
            }
        }
    });
}

#[divan::bench(args = APIS, sample_count = 20, sample_size = 1)]
fn whole(bencher: Bencher, api: Api) {
    let bodies = corpus(api);
    bencher.counter(bytes_of(bodies)).bench(|| {
        for body in bodies {
            let report = turns_from_bytes("bench.sse", divan::black_box(body), true);
            divan::black_box(report);
        }
    });
}

#[divan::bench(args = APIS, sample_count = 20, sample_size = 1)]
fn validate(bencher: Bencher, api: Api) {
    let bodies = corpus(api);
    bencher.counter(bytes_of(bodies)).bench(|| {
        for body in bodies {
            let checked = validate::check(divan::black_box(body));
            divan::black_box(checked);
        }
    });
}
