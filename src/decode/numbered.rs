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
    left_out: Option<LeftOut>,
}

/// One numbered thing: (its kind, its index or its id's hash, a tool call's index within
/// its choice).
type Key = (u8, u64, u64);

impl Numbered {
    /// Whether `event` may be handed on: it opens nothing new, or what it opens fits.
    pub fn admit(&mut self, event: &Event) -> bool {
        let keys = keys_of(event);
        let new = keys.iter().filter(|k| !self.open.contains(k)).count();
        if self.open.len() + new <= MAX_NUMBERED {
            self.open.extend(keys);
            return true;
        }
        let left_out = self.left_out.get_or_insert(LeftOut {
            line: event.line,
            count: 0,
        });
        left_out.count += 1;
        false
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

/// What `event` names by number or id.
fn keys_of(event: &Event) -> Vec<Key> {
    match &event.body {
        Data::Anthropic(e) => e.index.get().map(|i| (0, i, 0)).into_iter().collect(),
        Data::Chat(chunk) => {
            let mut keys = Vec::new();
            for choice in chunk.choices.iter().flatten() {
                let index = choice.index.get().unwrap_or(0);
                keys.push((1, index, 0));
                let message = choice.delta.as_ref().or(choice.message.as_ref());
                for call in message
                    .and_then(|m| m.tool_calls.as_ref())
                    .into_iter()
                    .flatten()
                {
                    match (call.index.get(), call.id.as_str()) {
                        (Some(at), _) => keys.push((2, index, at)),
                        (None, Some(id)) => keys.push((3, index, hash(id))),
                        (None, None) => {}
                    }
                }
            }
            keys
        }
        Data::Responses(e) => {
            let mut keys = Vec::new();
            if let Some(index) = e.output_index.get() {
                keys.push((4, index, 0));
            }
            if let Some(id) = e.item_id.as_str() {
                keys.push((5, hash(id), 0));
            }
            keys
        }
        Data::Done | Data::Invalid(_) => Vec::new(),
    }
}
