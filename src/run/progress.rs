//! The progress bar: files and bytes done, rate and time left, on stderr.
//!
//! It is drawn only when stderr is a terminal and no `--quiet` was asked (config decides),
//! and only once a run has lasted long enough to be waited for ([`SHOW_AFTER`]): a quick run
//! never flashes a bar. Bytes move as workers read (so one large HAR moves the bar too):
//! readers call [`tick`], which finds the bar of the input its thread is working on.

use std::cell::RefCell;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::discover::Found;

/// How long a run goes before its bar appears.
const SHOW_AFTER: Duration = Duration::from_millis(700);

/// The bar of one run, or nothing when progress is off.
pub struct Progress {
    bar: Option<Live>,
}

#[derive(Clone)]
struct Live {
    bar: ProgressBar,
    started: Instant,
    files: usize,
}

thread_local! {
    /// The bar of the input this thread works on, and the bytes ticked for it so far.
    static CURRENT: RefCell<Option<(Live, u64)>> = const { RefCell::new(None) };
}

/// Counts `bytes` read towards the input this thread is working on.
pub fn tick(bytes: u64) {
    CURRENT.with(|current| {
        if let Some((live, ticked)) = current.borrow_mut().as_mut() {
            *ticked += bytes;
            live.bar.inc(bytes);
            live.show_when_due();
        }
    });
}

impl Live {
    fn show_when_due(&self) {
        if self.bar.is_hidden() && self.started.elapsed() >= SHOW_AFTER {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }
}

impl Progress {
    /// A bar for `found` when `enabled`; hidden until the run has lasted [`SHOW_AFTER`].
    pub fn new(enabled: bool, found: &[Found]) -> Progress {
        if !enabled {
            return Progress { bar: None };
        }
        let bytes: u64 = found.iter().filter_map(size).sum();
        let bar = ProgressBar::with_draw_target(Some(bytes), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {msg} files  {wide_bar}  {binary_bytes}/{binary_total_bytes}  \
                 {binary_bytes_per_sec}  ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        let live = Live {
            bar,
            started: Instant::now(),
            files: found.len(),
        };
        live.bar.set_message(format!("0/{}", live.files));
        Progress { bar: Some(live) }
    }

    /// Runs `work` on one input, letting its reads move the bar; whatever of the input's
    /// size was not ticked (a worker that reads without ticking) counts once it is done.
    pub fn input<T>(&self, found: &Found, work: impl FnOnce() -> T) -> T {
        let Some(live) = &self.bar else {
            return work();
        };
        CURRENT.with(|c| *c.borrow_mut() = Some((live.clone(), 0)));
        let out = work();
        let ticked = CURRENT
            .with(|c| c.borrow_mut().take())
            .map_or(0, |(_, t)| t);
        live.bar
            .inc(size(found).unwrap_or(0).saturating_sub(ticked));
        out
    }

    /// Counts `done` inputs as finished.
    pub fn files_done(&self, done: usize) {
        if let Some(live) = &self.bar {
            live.show_when_due();
            live.bar.set_message(format!("{done}/{}", live.files));
        }
    }

    /// Runs `print` with the bar out of the way, so output and notes never tear it.
    pub fn suspend<R>(&self, print: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(live) => live.bar.suspend(print),
            None => print(),
        }
    }

    /// Takes the bar off the screen.
    pub fn finish(&self) {
        if let Some(live) = &self.bar {
            live.bar.finish_and_clear();
        }
    }
}

fn size(found: &Found) -> Option<u64> {
    match found {
        Found::Input(input) => input.size,
        Found::Error { .. } | Found::Skipped { .. } => None,
    }
}
