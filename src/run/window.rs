//! Work on many items in parallel, handed on in item order through a sliding window.
//!
//! Each worker takes the next item as soon as it is free, so a large file never holds the
//! others back (batches made every core wait for the slowest file of each batch), and the
//! calling thread hands results on while workers go on. Workers run at most [`WINDOW`]
//! items ahead of the oldest result not yet handed on, so memory stays bounded however
//! many items there are, and results wait only until the items before them are done.

use std::collections::VecDeque;
use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Condvar, Mutex, PoisonError};

/// How far workers may run ahead of the oldest result not handed on: enough to keep every
/// core busy behind one slow item, few enough that the results held are small next to
/// memory.
pub const WINDOW: usize = 256;

/// Runs `work(i)` for every `i` in `0..items` on `pool`'s threads and hands each result to
/// `sink`, on the calling thread, in order of `i`. An error from `sink` stops the run: no
/// new item is started, and the error is returned once the running ones are done.
pub fn in_order<T: Send>(
    pool: &rayon::ThreadPool,
    items: usize,
    work: impl Fn(usize) -> T + Sync,
    mut sink: impl FnMut(T) -> io::Result<()>,
) -> io::Result<()> {
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    // How many results were handed on; workers wait on it when they are a window ahead.
    let done = (Mutex::new(0usize), Condvar::new());
    let (sender, results) = mpsc::channel::<(usize, T)>();
    pool.in_place_scope(|scope| {
        for _ in 0..pool.current_num_threads().min(items) {
            let sender = sender.clone();
            let (next, stop, done, work) = (&next, &stop, &done, &work);
            scope.spawn(move |_| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= items || !wait_for_room(i, done, stop) {
                        return;
                    }
                    if sender.send((i, work(i))).is_err() {
                        return;
                    }
                }
            });
        }
        drop(sender);
        let handed = hand_on(items, &results, &mut sink, &done);
        // Stop the workers whatever happened: on an error the rest is not wanted.
        stop.store(true, Ordering::Relaxed);
        done.1.notify_all();
        drop(results);
        handed
    })
}

/// Whether item `i` may start: waits while it is a window or more ahead of the results
/// handed on; false once the run is stopped.
fn wait_for_room(i: usize, (handed, room): &(Mutex<usize>, Condvar), stop: &AtomicBool) -> bool {
    let mut handed = handed.lock().unwrap_or_else(PoisonError::into_inner);
    while i >= *handed + WINDOW && !stop.load(Ordering::Relaxed) {
        handed = room.wait(handed).unwrap_or_else(PoisonError::into_inner);
    }
    !stop.load(Ordering::Relaxed)
}

/// Receives results as they come, puts them in their places, and hands on each as soon as
/// every earlier one has been.
fn hand_on<T>(
    items: usize,
    results: &mpsc::Receiver<(usize, T)>,
    sink: &mut impl FnMut(T) -> io::Result<()>,
    (handed, room): &(Mutex<usize>, Condvar),
) -> io::Result<()> {
    // Results waiting for earlier ones: `waiting[k]` is item `first + k`.
    let mut waiting: VecDeque<Option<T>> = VecDeque::with_capacity(WINDOW);
    let mut first = 0;
    while first < items {
        // Every item below `items` is started by some worker, and workers end only when
        // stopped: a closed channel here means a worker died, which `catching` prevents.
        let Ok((i, result)) = results.recv() else {
            break;
        };
        let at = i - first;
        if waiting.len() <= at {
            waiting.resize_with(at + 1, || None);
        }
        waiting[at] = Some(result);
        let mut moved = false;
        while let Some(Some(_)) = waiting.front() {
            if let Some(Some(result)) = waiting.pop_front() {
                sink(result)?;
            }
            first += 1;
            moved = true;
        }
        if moved {
            *handed.lock().unwrap_or_else(PoisonError::into_inner) = first;
            room.notify_all();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
    }

    #[test]
    fn results_come_in_item_order_whatever_order_they_finish_in() {
        let mut seen = Vec::new();
        let work = |i: usize| {
            // Early items take longest, so later ones finish first.
            std::thread::sleep(Duration::from_micros(((1000 - i) % 7) as u64 * 50));
            i * 2
        };
        in_order(&pool(4), 1000, work, |r| {
            seen.push(r);
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, (0..1000).map(|i| i * 2).collect::<Vec<_>>());
    }

    #[test]
    fn workers_never_run_a_window_ahead_of_what_was_handed_on() {
        let handed = AtomicUsize::new(0);
        let furthest = AtomicUsize::new(0);
        let work = |i: usize| {
            let ahead = i - handed.load(Ordering::SeqCst);
            furthest.fetch_max(ahead, Ordering::SeqCst);
            if i == 0 {
                // One slow item: the others must wait for it, not run on.
                std::thread::sleep(Duration::from_millis(50));
            }
        };
        in_order(&pool(3), 2000, work, |()| {
            handed.fetch_add(1, Ordering::SeqCst);
            Ok(())
        })
        .unwrap();
        assert_eq!(handed.load(Ordering::SeqCst), 2000);
        assert!(furthest.load(Ordering::SeqCst) < WINDOW);
    }

    #[test]
    fn an_error_from_the_sink_stops_the_run() {
        let started = AtomicUsize::new(0);
        let mut handed = 0;
        let outcome = in_order(
            &pool(2),
            100_000,
            |_| {
                started.fetch_add(1, Ordering::SeqCst);
            },
            |()| {
                handed += 1;
                match handed {
                    10 => Err(io::Error::other("closed")),
                    _ => Ok(()),
                }
            },
        );
        assert_eq!(outcome.unwrap_err().to_string(), "closed");
        assert_eq!(handed, 10);
        assert!(started.load(Ordering::SeqCst) < 10 + WINDOW + 2);
    }

    #[test]
    fn no_items_is_no_work() {
        let outcome = in_order(&pool(2), 0, |_| unreachable!(), |()| unreachable!());
        assert!(outcome.is_ok());
    }
}
