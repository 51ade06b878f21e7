//! A counting global allocator: the heap in use and its peak, in bytes, exact and the same
//! under any load (unlike resident memory or wall time on a shared machine). Shared by the
//! memory tests and the threading bench; each binary installs it with
//! `#[global_allocator] static ALLOCATOR: counting::Counting = counting::Counting;`.

#![allow(dead_code)] // Each binary uses its own part of it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            // A moving realloc holds both blocks for a moment; count the larger one only, as
            // the system allocator grows big blocks in place (mremap).
            if new_size >= layout.size() {
                let grown = new_size - layout.size();
                let now = CURRENT.fetch_add(grown, Ordering::Relaxed) + grown;
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        new
    }
}

/// The heap in use now.
pub fn in_use() -> usize {
    CURRENT.load(Ordering::Relaxed)
}

/// One case at a time, input built and dropped included: the counters are the whole
/// process's.
static SERIAL: Mutex<()> = Mutex::new(());

pub fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// The most heap `run` takes beyond what was allocated when it started.
pub fn extra_peak(run: impl FnOnce()) -> usize {
    let base = in_use();
    PEAK.store(base, Ordering::Relaxed);
    run();
    PEAK.load(Ordering::Relaxed) - base
}

/// Runs `work`, which may keep what it returns: the heap in use before, at the peak, and
/// after it, with what it returned still held.
pub fn heap<T>(work: impl FnOnce() -> T) -> (usize, usize, usize) {
    let before = in_use();
    PEAK.store(before, Ordering::Relaxed);
    let kept = work();
    let after = in_use();
    drop(kept);
    (before, PEAK.load(Ordering::Relaxed), after)
}
