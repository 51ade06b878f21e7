//! A bound on how many numbered things one stream may open: choices, tool calls, output
//! items, content blocks.
//!
//! Each thing a stream numbers costs its consumers a few hundred bytes of state (the
//! accumulator's item, the grammar checker's), whatever its event costs in the file: a
//! 104 MB Responses stream whose every 75-byte delta named a new `output_index` took
//! 1.3 GB. A real response opens a handful, a few hundred at the most (a parallel tool
//! call per tool offered); past [`MAX_NUMBERED`], an event that would open one more is not
//! handed on. It is counted, and both consumers say how many were left out, from which
//! line: events of the things already open still go through.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};

use super::{Data, Event};

/// The most numbered things one stream may open.
pub const MAX_NUMBERED: usize = 10_000;

/// Events left out for opening one more past [`MAX_NUMBERED`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeftOut {
    /// The line of the first.
    pub line: usize,
    pub count: u64,
}

/// What a stream has opened so far.
#[derive(Debug, Default)]
pub struct Numbered {
    open: HashSet<Key>,
    /// The last few keys seen, all open: nearly every event names what the one before it
    /// did (the next delta of the same block, choice or item), and is let through without
    /// a lookup.
    recent: [Option<Key>; 4],
    next: usize,
    left_out: Option<LeftOut>,
}

/// One numbered thing: (its kind, its index or its id's hash, a tool call's index within
/// its choice).
type Key = (u8, u64, u64);

/// Kinds from here on name a thing opened again where one was (a block started again at its
/// index, a call given a new id at its index): each follows the key of its index, and
/// counts only when that index was open before.
const REOPENED: u8 = 6;

impl Numbered {
    /// Whether `event` may be handed on: it opens nothing new, or what it opens fits.
    pub fn admit(&mut self, event: &Event) -> bool {
        let mut fits = true;
        // Whether the key before was opened by this event: a key that says what is opened
        // again (see [`REOPENED`]) then opens nothing more.
        let mut fresh = false;
        for_each_key(event, |key| {
            if key.0 >= REOPENED && fresh {
                return;
            }
            if self.recent.contains(&Some(key)) {
                fresh = false;
                return;
            }
            let open = match self.open.len() < MAX_NUMBERED {
                true => {
                    fresh = self.open.insert(key);
                    true
                }
                false => {
                    fresh = false;
                    self.open.contains(&key)
                }
            };
            if open {
                self.recent[self.next % self.recent.len()] = Some(key);
                self.next += 1;
            } else {
                fits = false;
            }
        });
        if !fits {
            let left_out = self.left_out.get_or_insert(LeftOut {
                line: event.line,
                count: 0,
            });
            left_out.count += 1;
        }
        fits
    }

    /// The events left out, if any were.
    pub fn left_out(&self) -> Option<LeftOut> {
        self.left_out
    }
}

fn hash(id: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    id.hash(&mut hasher);
    hasher.finish()
}

/// Calls `each` with what `event` names by number (or, where it gives no number, by id).
fn for_each_key(event: &Event, mut each: impl FnMut(Key)) {
    match &event.body {
        Data::Anthropic(e) => {
            if let Some(index) = e.index.get() {
                each((0, index, 0));
            }
            // Each `content_block_start` opens a block, even at an index one had: a
            // stream restarting index 0 a million times opens a million blocks.
            if e.content_block.is_some() {
                each((6, event.line as u64, 0));
            }
        }
        Data::Chat(chunk) => {
            for choice in chunk.choices.iter().flatten() {
                let index = choice.index.get().unwrap_or(0);
                each((1, index, 0));
                let message = choice.delta.as_ref().or(choice.message.as_ref());
                for call in message
                    .and_then(|m| m.tool_calls.as_ref())
                    .into_iter()
                    .flatten()
                {
                    match (call.index.get(), call.id.as_str()) {
                        // A new id at an index opens another call there.
                        (Some(at), Some(id)) => {
                            each((2, index, at));
                            each((7, index << 32 ^ at, hash(id)));
                        }
                        (Some(at), None) => each((2, index, at)),
                        (None, Some(id)) => each((3, index, hash(id))),
                        (None, None) => {}
                    }
                }
            }
        }
        Data::Responses(e) => match (e.output_index.get(), e.item_id.as_str()) {
            (Some(index), _) => each((4, index, 0)),
            (None, Some(id)) => each((5, hash(id), 0)),
            (None, None) => {}
        },
        Data::Done | Data::Invalid(_) => {}
    }
}
