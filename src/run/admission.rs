//! How much input is read at once. Each input costs about 3 times its size while it is
//! read, so with every worker on an input of its own a run's peak was the threads times
//! that (hostile run 69: eight 30 MB HARs took 212 MB with `--threads 1` and 1 GB with 8).
//! An input is admitted when the inputs being read, with it, are no larger than the run's
//! largest input, or [`FLOOR`]: small inputs are read side by side, large ones one after
//! another, so the run's peak stays near one largest input's whatever the threads.

use std::path::Path;
use std::sync::{Condvar, Mutex, PoisonError};

use crate::discover::Found;
use crate::read::decompress;

/// The bytes of input always admitted together, however small the largest input: a folder
/// of small captures is read on every thread.
pub const FLOOR: u64 = 32 << 20;

/// The inputs' shared budget of bytes being read.
pub struct Admission {
    budget: u64,
    reading: Mutex<u64>,
    freed: Condvar,
}

/// An input admitted: its bytes count against the budget until it is dropped.
pub struct Admitted<'a> {
    admission: &'a Admission,
    cost: u64,
}

impl Admission {
    /// The budget for `found`: its largest input's cost, or [`FLOOR`].
    pub fn of(found: &[Found]) -> Admission {
        let largest = found.iter().filter_map(cost).max().unwrap_or(0);
        Admission {
            budget: largest.max(FLOOR),
            reading: Mutex::new(0),
            freed: Condvar::new(),
        }
    }

    /// Waits until `found` fits beside the inputs being read (an input of unknown size,
    /// stdin, is read alone), and counts it in.
    pub fn admit(&self, found: &Found) -> Admitted<'_> {
        let cost = cost(found).unwrap_or(self.budget).min(self.budget);
        let mut reading = self.reading.lock().unwrap_or_else(PoisonError::into_inner);
        while *reading > 0 && *reading + cost > self.budget {
            reading = (self.freed.wait(reading)).unwrap_or_else(PoisonError::into_inner);
        }
        *reading += cost;
        Admitted {
            admission: self,
            cost,
        }
    }
}

impl Drop for Admitted<'_> {
    fn drop(&mut self) {
        let admission = self.admission;
        let mut reading = (admission.reading.lock()).unwrap_or_else(PoisonError::into_inner);
        *reading -= self.cost;
        admission.freed.notify_all();
    }
}

/// What reading `found` costs, in bytes of input: its size, or, named as compressed, what
/// it may decompress to at [`decompress::RATIO`] (a file of unknown size has none).
fn cost(found: &Found) -> Option<u64> {
    let Found::Input(input) = found else {
        return Some(0);
    };
    let size = input.size?;
    Some(match compressed(&input.path) {
        true => size.saturating_mul(decompress::RATIO),
        false => size,
    })
}

/// Whether `path` is named as a compressed file.
fn compressed(path: &Path) -> bool {
    let extension = path.extension().and_then(|e| e.to_str());
    extension.is_some_and(|e| {
        ["gz", "zst", "br"]
            .iter()
            .any(|c| e.eq_ignore_ascii_case(c))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_read_side_by_side_while_they_fit_and_a_large_one_alone() {
        let admission = Admission {
            budget: 100,
            reading: Mutex::new(0),
            freed: Condvar::new(),
        };
        let input = |size| {
            Found::Input(crate::discover::Input {
                path: "x.sse".into(),
                display: "x.sse".into(),
                claimed: true,
                request: None,
                size: Some(size),
                ordinal: 0,
                run: 0,
            })
        };
        let a = admission.admit(&input(40));
        let b = admission.admit(&input(60));
        assert_eq!(*admission.reading.lock().unwrap(), 100);
        drop((a, b));
        // Larger than the budget: read alone, counted as the whole budget.
        let big = admission.admit(&input(500));
        assert_eq!(*admission.reading.lock().unwrap(), 100);
        drop(big);
        assert_eq!(*admission.reading.lock().unwrap(), 0);
        // Waits for room, and gets it when another input is done.
        let held = admission.admit(&input(80));
        std::thread::scope(|s| {
            let waiting = s.spawn(|| drop(admission.admit(&input(30))));
            std::thread::sleep(std::time::Duration::from_millis(20));
            assert!(!waiting.is_finished());
            drop(held);
            waiting.join().unwrap();
        });
    }
}
