//! A panic while one input is processed is a bug, but it must cost only that input: the
//! other files still go through and the exit code says something failed. [`catching`] turns
//! the panic into a message naming where it happened; [`quiet_hook`] keeps Rust's default
//! panic message (a backtrace hint in the middle of the output) off stderr for such panics,
//! so the user sees one line naming the file instead.
//!
//! The panic's own message is never shown: a string-slicing panic quotes the text it was
//! slicing, which may be a captured header value.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe, PanicHookInfo};

thread_local! {
    /// Whether this thread is inside [`catching`], so the hook stays quiet.
    static CATCHING: Cell<bool> = const { Cell::new(false) };
    /// Where the last caught panic happened (`file:line`), left by the hook.
    static LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `work`; a panic inside it becomes `Err` with a message for the user.
pub fn catching<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    let outer = CATCHING.with(|c| c.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(work));
    CATCHING.with(|c| c.set(outer));
    result.map_err(|_| {
        let at = LOCATION
            .with(|l| l.borrow_mut().take())
            .map(|at| format!(" (at {at})"))
            .unwrap_or_default();
        format!(
            "an internal error stopped reading this file{at}; the other files are not \
             affected. This is a bug: please report it, with the file if you can share it"
        )
    })
}

/// Installs a panic hook that records where a panic inside [`catching`] happened instead
/// of printing it, and leaves every other panic to the hook that was there before.
/// For the binary: a library user keeps whatever hook it set.
pub fn quiet_hook() {
    let previous = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if CATCHING.with(Cell::get) {
            LOCATION.with(|l| *l.borrow_mut() = location(info));
        } else {
            previous(info);
        }
    }));
}

/// `file:line` of a panic, a dependency's path shortened to the crate's own
/// (`eventsource-stream-0.2.3/src/event_stream.rs:271`, not the registry path before it).
fn location(info: &PanicHookInfo) -> Option<String> {
    let at = info.location()?;
    let file = at.file();
    let file = match file.rfind("/src/") {
        Some(src) => file[..src]
            .rfind('/')
            .map_or(file, |crate_dir| &file[crate_dir + 1..]),
        None => file,
    };
    Some(format!("{file}:{}", at.line()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_message_and_work_goes_on() {
        assert_eq!(catching(|| 7), Ok(7));
        let why = catching(|| -> u8 { panic!("secret header value") }).unwrap_err();
        assert!(
            why.starts_with("an internal error stopped reading this file"),
            "{why}"
        );
        assert!(!why.contains("secret"), "{why}");
        assert_eq!(catching(|| 8), Ok(8));
    }
}
