//! How Chat tool-call deltas add up to calls. `inspect` builds calls this way and
//! `validate` checks them this way: one rule, so the two cannot drift apart.

use super::by_index::ByIndex;

/// One call as its deltas build it, with what the caller keeps beside it.
#[derive(Debug)]
pub struct ChatCall<T> {
    pub id: Option<String>,
    pub name: String,
    pub arguments: String,
    pub extra: T,
}

/// The calls of one choice, and which call each tool-call `index` currently names.
#[derive(Debug)]
pub struct ChatCalls<T> {
    pub calls: Vec<ChatCall<T>>,
    /// By tool-call `index`, in a vector while they come 0, 1, 2, … (a stream of a million
    /// calls keeps no hash table of them).
    by_index: ByIndex<usize>,
}

impl<T> Default for ChatCalls<T> {
    fn default() -> Self {
        ChatCalls {
            calls: Vec::new(),
            by_index: ByIndex::default(),
        }
    }
}

/// One tool-call delta: `index` need not start at 0 (a body that gives none passes the
/// call's position); the rest is what the delta says, empty ids counting as none.
pub struct Delta<'d> {
    pub index: u64,
    pub id: Option<&'d str>,
    pub name: Option<&'d str>,
    pub arguments: Option<&'d str>,
}

impl<T> ChatCalls<T> {
    /// Applies `delta`, opening a call (with `open()`'s extra) when it continues none.
    /// Returns the call's position and whether this delta opened it.
    pub fn apply(&mut self, delta: Delta, open: impl FnOnce() -> T) -> (usize, bool) {
        let id = delta.id.filter(|id| !id.is_empty());
        // Some providers send every parallel call at the same index: a new id there is a
        // new call.
        let existing = self.by_index.get(delta.index).copied().filter(|&at| {
            let known = self.calls[at].id.as_deref();
            id.is_none() || known.is_none() || known == id
        });
        let (at, opened) = match existing {
            Some(at) => (at, false),
            None => {
                self.calls.push(ChatCall {
                    id: None,
                    name: String::new(),
                    arguments: String::new(),
                    extra: open(),
                });
                let at = self.calls.len() - 1;
                *self.by_index.get_or_insert_with(delta.index, || at) = at;
                (self.calls.len() - 1, true)
            }
        };
        let call = &mut self.calls[at];
        if let Some(id) = id {
            call.id.get_or_insert_with(|| id.to_string());
        }
        if let Some(name) = delta.name {
            // Names arrive whole in the first delta. A few providers stream them in pieces
            // (append: the pieces carry no id); others restate the whole name, with the id,
            // on every delta (Novita's kimi-k2).
            let restated = id.is_some() && call.name == name;
            if !restated {
                call.name.push_str(name);
            }
        }
        if let Some(piece) = delta.arguments {
            call.arguments.push_str(piece);
        }
        (at, opened)
    }
}
