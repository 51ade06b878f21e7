//! Threading: which turn each turn continues, and the sessions (agent runs) they make.
//!
//! Pure and linear: one pass over the turns in threading order, with hash maps from ids
//! and digests to the turn that made them; no turn is compared with another pairwise.
//!
//! A turn continues an earlier turn when (first rule that finds one wins):
//! 1. its Responses request names that turn's response `id` as `previous_response_id`;
//! 2. it is a txtar `*/tool-call` section, and the earlier turn is the plain section of
//!    the same file (`streaming/tool-call` continues `streaming`);
//! 3. else, the latest of the turns that one of these rules finds (the closest ancestor,
//!    so a turn missing from the capture is skipped over, not fatal):
//!    - its request carries a tool result whose call id is one of that turn's tool calls;
//!    - its request replays that turn's conversation followed by an assistant message
//!      equal to that turn's answer (digests from [`crate::request::history`]): exactly,
//!      else loosely, as clients rewrite the answers they send back (reasoning folded
//!      into the text in `<think>` tags, ids given to calls that came without one, a
//!      ReAct answer sent back with its tool's observation appended, whitespace). The
//!      longest replayed prefix wins: the closest ancestor;
//!    - its request carries that turn's whole conversation followed by a user message in
//!      place of that turn's answer (a reply, [`crate::request::History::replies`]): a
//!      framework correcting an answer it could not parse (crewAI's "I did it wrong.
//!      Invalid Format: …"), or a tool's output sent in a message of its own, the answer
//!      left out. The latest reply wins; a failed turn gave no answer to reply to;
//!    - its Responses request names the same `conversation` (the latest turn in it);
//!    - that turn failed (an error, or cut short), and the request carries its
//!      conversation: as it was (a retry), or followed by an answer the client made up
//!      (a call mended from the provider's validation error). The conversation before
//!      the answer is all there is to compare: a failed turn has no answer.
//!
//! The `streaming` and `non-streaming` sections of one txtar fixture are two captures of
//! the same exchange: no rule but rule 2 links sections of one file.
//!
//! Which turns a turn may continue (its scope): a file that records many exchanges (a HAR,
//! a VCR cassette, a log) is one recording, and its turns continue only turns of the same
//! file; turns of files that hold one exchange each (gateway dump pairs, txtar fixtures,
//! SSE files, bodies) continue one another across files. Test suites record each test in
//! a cassette of its own, asking the same questions with the same (scrubbed) ids in many
//! of them: links across recordings would be wrong far more often than right. Where
//! several turns of a scope said the same, the latest wins.
//!
//! Ids and digests link turns of the same API first. Within one recording, a turn of
//! another API is the fallback (a framework switching models mid-run, or falling back to
//! another provider, which then carries the first one's tool results); across one-exchange
//! files it is not: a gateway captured on both sides (the client's Chat calls, the
//! upstream Anthropic calls) keeps two sessions.
//!
//! A turn that continues nothing starts a session; the others join the session of the turn
//! they continue, one step after it. Two turns may continue the same turn: a side branch,
//! or a request sent again after an answer (a regeneration): both stay in the session and
//! both take the next step number, since steps count along the chain to the first turn. A
//! sub-agent's requests share no history with its caller's, so a sub-agent is a session
//! of its own; its answer comes back to the caller as a tool result.
//!
//! Tool results: a tool call's result is the one the first later turn (in threading order)
//! carries for its call id.
//!
//! Threading order is input order, except that turns whose capture says when they started
//! are sorted by `started_at` among the places such turns hold (ties keep input order);
//! turns with no time keep their place. `started_at` is compared as text, which orders
//! the UTC RFC 3339 timestamps of [`crate::turn::Timing`] by time.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::Arc;

use serde::Serialize;

use crate::request::{Answer, Digest, Replayed, history};
use crate::turn::{Api, CallResult, SessionPlace, Source, ToolKind, Turn};

/// What threading needs to know of one turn. Borrowed from the turn, so threading copies
/// no text.
#[derive(Debug, Clone)]
pub struct Link<'a> {
    pub api: Api,
    /// The turn's `source`: path, txtar section, HAR entry.
    pub path: &'a str,
    pub section: Option<&'a str>,
    pub entry: Option<usize>,
    /// `timing.started_at`, RFC 3339 in UTC.
    pub started_at: Option<&'a str>,
    /// The response's `id`.
    pub response_id: Option<&'a str>,
    /// The request's `previous_response_id`.
    pub previous_response_id: Option<&'a str>,
    /// The Responses request's `conversation` id.
    pub conversation: Option<&'a str>,
    /// One entry per tool call of the turn, in order (aligned with `tool_calls`): its id,
    /// or `None` for calls whose result never comes back in a request (provider-run
    /// `server` calls) and calls without an id.
    pub call_ids: Vec<Option<&'a str>>,
    /// The call ids of the tool results the request carries, in order (aligned with the
    /// turn's `tool_results`).
    pub result_ids: Vec<&'a str>,
    /// The request's [`crate::request::History::replayed`] messages.
    pub replayed: &'a [Replayed],
    /// The request's [`crate::request::History::replies`].
    pub replies: &'a [Digest],
    /// The request's [`crate::request::History::tail`].
    pub tail: Option<Digest>,
    /// The answer's digests ([`crate::request::history::answer`]).
    pub answer: Option<Answer>,
    /// The turn failed (an error, or a stream or body cut short): a later request with the
    /// same conversation is its retry.
    pub failed: bool,
}

/// Which rule linked a turn to the turn it continues.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    PreviousResponseId,
    ToolCallSection,
    ToolResult,
    Replay,
    Reply,
    Conversation,
    Retry,
}

impl Via {
    /// Among rules that find the same turn, the one to name: the most direct evidence.
    fn rank(self) -> u8 {
        match self {
            Via::PreviousResponseId | Via::ToolCallSection => 6,
            Via::ToolResult => 5,
            Via::Replay => 4,
            Via::Reply => 3,
            Via::Conversation => 2,
            Via::Retry => 1,
        }
    }
}

/// Where a tool call's result came back: the turn whose request carried it, and the
/// result's index in that request's results (`Link::result_ids`, the turn's
/// `tool_results`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Carried {
    pub turn: usize,
    pub index: usize,
}

/// One turn's place in its session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thread {
    /// Index into [`Threads::sessions`].
    pub session: usize,
    /// 1-based: the first turn of a session is step 1, a turn continuing step N is N+1.
    pub step: usize,
    /// The turn this one continues (an index into the links), or `None`.
    pub previous: Option<usize>,
    /// The rule that found `previous`.
    pub via: Option<Via>,
    /// Per tool call (aligned with `Link::call_ids`): where its result came back, or
    /// `None` (no later turn carried it, or the call is provider-run).
    pub results: Vec<Option<Carried>>,
}

/// A session: the turns of one agent run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// `ses_` and 12 hex digits of a hash of the first turn's path, section and entry:
    /// the same on every run over the same inputs. Two sessions whose first turns hash
    /// alike get `-2`, `-3`, … after the later one's id.
    pub id: String,
    /// Its turns (indices into the links), in threading order.
    pub turns: Vec<usize>,
}

/// The threading of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Threads {
    /// One per link, in input order.
    pub turns: Vec<Thread>,
    /// In the order of their first turns.
    pub sessions: Vec<Session>,
}

/// Threads `links`, given in input order.
pub fn thread(links: &[Link]) -> Threads {
    let mut index = Index::default();
    let mut turns: Vec<Thread> = links
        .iter()
        .map(|link| Thread {
            session: 0,
            step: 1,
            previous: None,
            via: None,
            results: vec![None; link.call_ids.len()],
        })
        .collect();
    let mut sessions: Vec<Session> = Vec::new();
    let mut session_ids: HashMap<String, usize> = HashMap::new();
    index.rank = vec![0; links.len()];
    for (position, i) in order(links).into_iter().enumerate() {
        index.rank[i] = position;
        let link = &links[i];
        let scope = index.scope(link);
        let found = index.attach_results(i, link, scope, &mut turns);
        let parent = index.explicit(link, scope).or_else(|| {
            found
                .into_iter()
                .chain(index.inferred(link, scope))
                .filter(|&(turn, _)| !same_exchange(&links[turn], link))
                .max_by_key(|&(turn, via)| (index.rank[turn], via.rank()))
        });
        match parent {
            Some((previous, via)) => {
                let (session, step) = (turns[previous].session, turns[previous].step + 1);
                sessions[session].turns.push(i);
                let thread = &mut turns[i];
                (thread.session, thread.step) = (session, step);
                (thread.previous, thread.via) = (Some(previous), Some(via));
            }
            None => {
                turns[i].session = sessions.len();
                sessions.push(Session {
                    id: unique(session_id(link), &mut session_ids),
                    turns: vec![i],
                });
            }
        }
        index.add(i, link, scope);
    }
    Threads { turns, sessions }
}

/// What threading needs of each turn of `turns` (in input order), borrowed from them.
pub fn links(turns: &[Turn]) -> Vec<Link<'_>> {
    turns
        .iter()
        .map(|turn| Link {
            api: turn.api,
            path: &turn.source.path,
            section: turn.source.section.as_deref(),
            entry: turn.source.entry,
            started_at: turn.timing.as_ref().and_then(|t| t.started_at.as_deref()),
            response_id: turn.id.as_deref(),
            previous_response_id: turn
                .request
                .as_ref()
                .and_then(|r| r.previous_response_id.as_deref()),
            conversation: turn.threading.conversation.as_deref(),
            call_ids: turn
                .tool_calls
                .iter()
                .map(|c| c.id.as_deref().filter(|_| c.kind != ToolKind::Server))
                .collect(),
            result_ids: turn
                .tool_results
                .iter()
                .map(|r| r.call_id.as_str())
                .collect(),
            replayed: &turn.threading.history.replayed,
            replies: &turn.threading.history.replies,
            tail: turn.threading.history.tail,
            answer: turn.threading.answer.or_else(|| history::answer(turn)),
            failed: turn.error.is_some() || !turn.complete,
        })
        .collect()
}

/// Sets the digests of `turn`'s answer (`threading.answer`) that threading links by, unless
/// the turn has them (read back from JSONL). Threading does it for any turn that has none;
/// a run does it beforehand, where each input's turns are rebuilt in parallel, to keep the
/// work off the one thread that threads them all.
pub fn digest_answer(turn: &mut Turn) {
    if turn.threading.answer.is_none() {
        turn.threading.answer = history::answer(turn);
    }
}

/// Threads `turns` (every turn of a run, in input order): sets each turn's `session` and
/// each client-run tool call's `result`, and returns the sessions in the input order of
/// their first turns, as output keeps input order everywhere (each session's turns stay in
/// threading order). Turns read back from the parts of a run split with `--shard` (read in
/// any order) are first put back in that run's order ([`in_run_order`]); each turn keeps
/// its answer's digests (`threading.answer`), which JSONL prints.
pub fn thread_turns(turns: &mut [Turn]) -> Vec<Session> {
    in_run_order(turns);
    thread_and_link(turns).0
}

/// Threads `turns`, put [`in_run_order`] first, as [`thread_turns`] does, and says for each
/// turn's calls which turn's result each was copied from (the turn, and the place among its
/// `tool_results`): a run that moved those results' contents out of memory fills them in as
/// it prints.
pub fn thread_and_link(turns: &mut [Turn]) -> (Vec<Session>, Vec<Vec<Option<Carried>>>) {
    turns.iter_mut().for_each(digest_answer);
    let Threads {
        turns: threads,
        mut sessions,
    } = thread(&links(turns));
    // Results are copied from the turns that carried them, so read them all first. The
    // carrier's `source` is one for all the results it carried: a turn of 10,000 calls
    // held 10,000 copies of a path.
    let mut sources: Vec<Option<Arc<Source>>> = vec![None; turns.len()];
    let carried: Vec<Vec<Option<Box<CallResult>>>> = threads
        .iter()
        .map(|thread| {
            let mut result = |carried: &Carried| {
                let by = &turns[carried.turn];
                let result = by.tool_results.get(carried.index)?;
                let source =
                    sources[carried.turn].get_or_insert_with(|| Arc::new(by.source.clone()));
                Some(Box::new(CallResult {
                    content: result.content.clone(),
                    is_error: result.is_error,
                    source: Arc::clone(source),
                }))
            };
            let results = thread.results.iter();
            results.map(|c| c.as_ref().and_then(&mut result)).collect()
        })
        .collect();
    let previous: Vec<_> = threads
        .iter()
        .map(|t| t.previous.map(|p| turns[p].source.clone()))
        .collect();
    let places = threads.iter().zip(previous).zip(carried);
    for (turn, ((thread, previous), results)) in turns.iter_mut().zip(places) {
        turn.session = Some(Box::new(SessionPlace {
            id: sessions[thread.session].id.clone(),
            step: thread.step,
            previous,
        }));
        for (call, result) in turn.tool_calls.iter_mut().zip(results) {
            call.result = result;
        }
    }
    // Session indices were used above; the order is only for showing them.
    sessions.sort_by_key(|s| s.turns.first().copied());
    let links = threads.into_iter().map(|thread| thread.results).collect();
    (sessions, links)
}

/// Puts `turns` (every turn of a run, in input order) in the run's order: by
/// [`Threading::place`](crate::turn::Threading::place), which is the input order but for
/// the turns of parts of a run split with `--shard`, put back in that run's order; the sort
/// is stable, so the turns of one input keep their order. Returns where each turn was
/// before, so that what a run keeps beside each turn can follow.
pub fn in_run_order(turns: &mut [Turn]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..turns.len()).collect();
    if turns.is_sorted_by_key(|turn| turn.threading.place) {
        return order;
    }
    order.sort_by_key(|&i| turns[i].threading.place);
    let moved: Vec<Turn> = order
        .iter()
        .map(|&i| std::mem::replace(&mut turns[i], Turn::empty(Api::OpenaiChat)))
        .collect();
    for (place, turn) in turns.iter_mut().zip(moved) {
        *place = turn;
    }
    order
}

/// Whether two turns are sections of one txtar fixture: its `streaming` and
/// `non-streaming` sections are two captures of the same exchange, answering the one
/// `request`, so neither continues the other (a failed one is no retry of its sibling);
/// only a `*/tool-call` section continues its plain section, by the explicit rule.
fn same_exchange(a: &Link, b: &Link) -> bool {
    a.path == b.path && a.section.is_some() && b.section.is_some()
}

/// The order to thread in: input order, with timed turns sorted by time among their places.
fn order(links: &[Link]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..links.len()).collect();
    let places: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&i| links[i].started_at.is_some())
        .collect();
    let mut timed = places.clone();
    // Stable: equal times keep input order.
    timed.sort_by_key(|&i| links[i].started_at);
    for (place, turn) in places.into_iter().zip(timed) {
        order[place] = turn;
    }
    order
}

/// The turns a turn may continue (see the module doc): those of one file that records
/// many exchanges, or [`Scope::EXCHANGES`], those of every file holding one exchange. A
/// number rather than the path, as every key of the index holds one: 4 bytes, not 16.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Scope(u32);

impl Scope {
    const EXCHANGES: Scope = Scope(0);

    fn is_recording(self) -> bool {
        self != Scope::EXCHANGES
    }
}

/// What an [`Index`] map gives: a turn, or a turn and more.
trait Turned {
    fn turn(&self) -> usize;
}

impl Turned for &usize {
    fn turn(&self) -> usize {
        **self
    }
}

impl Turned for &(usize, usize) {
    fn turn(&self) -> usize {
        self.0
    }
}

/// A key of an [`Index`] map: what a turn is found by, in its API and scope.
type Key<T> = (Api, Scope, T);

/// The turns threaded so far, by what later turns refer to them with.
#[derive(Default)]
struct Index<'a> {
    responses: HashMap<Key<&'a str>, usize>,
    /// A call id → the turn that made it, and the call's index in that turn.
    calls: HashMap<Key<&'a str>, (usize, usize)>,
    /// `History::answered` with `Answer::exact`: what a request continuing the turn
    /// replays.
    answered: ByContent,
    /// The same with `Answer::loose`.
    rewritten: ByContent,
    /// The whole conversation of a turn that answered: what a request replying to that
    /// answer without sending it back carries.
    asked: ByContent,
    /// The whole conversation of a failed turn's request.
    failed: ByContent,
    /// The latest turn of each Responses conversation.
    conversations: HashMap<Key<&'a str>, usize>,
    /// (path, txtar section) → turn.
    sections: HashMap<(&'a str, &'a str), usize>,
    /// Each turn's place in threading order, for the turns threaded so far.
    rank: Vec<usize>,
    /// The scope of each file that records many exchanges.
    recordings: HashMap<&'a str, Scope>,
}

impl<'a> Index<'a> {
    /// Gives the calls `link`'s results answer their result, where no earlier turn did;
    /// returns the turns that made those calls.
    fn attach_results(
        &self,
        turn: usize,
        link: &Link<'a>,
        scope: Scope,
        threads: &mut [Thread],
    ) -> Vec<(usize, Via)> {
        let mut makers = Vec::new();
        for (index, id) in link.result_ids.iter().enumerate() {
            let found = self.find(scope, link.api, |api| self.calls.get(&(api, scope, *id)));
            if let Some(&(maker, call)) = found {
                threads[maker].results[call].get_or_insert(Carried { turn, index });
                makers.push((maker, Via::ToolResult));
            }
        }
        makers
    }

    /// The turn `link` names as the one it continues.
    fn explicit(&self, link: &Link<'a>, scope: Scope) -> Option<(usize, Via)> {
        let named = link
            .previous_response_id
            .and_then(|id| self.responses.get(&(link.api, scope, id)))
            .map(|&turn| (turn, Via::PreviousResponseId));
        named.or_else(|| {
            let plain = link.section?.strip_suffix("/tool-call")?;
            let turn = *self.sections.get(&(link.path, plain))?;
            Some((turn, Via::ToolCallSection))
        })
    }

    /// The scope of `link` (see the module doc).
    fn scope(&mut self, link: &Link<'a>) -> Scope {
        if link.entry.is_none() {
            return Scope::EXCHANGES;
        }
        let next = Scope(self.recordings.len() as u32 + 1);
        *self.recordings.entry(link.path).or_insert(next)
    }

    /// What `get` finds for a turn of `api` in `scope`: a turn of `api`, else, within a
    /// recording, the latest turn of another API. `T` is a turn, or starts with one.
    fn find<T: Turned>(&self, scope: Scope, api: Api, get: impl Fn(Api) -> Option<T>) -> Option<T> {
        get(api).or_else(|| {
            let others = [
                Api::AnthropicMessages,
                Api::OpenaiChat,
                Api::OpenaiResponses,
            ];
            others
                .into_iter()
                .filter(|&other| other != api && scope.is_recording())
                .filter_map(get)
                .max_by_key(|found| self.rank[found.turn()])
        })
    }

    /// The turns `link` continues by what its request replays (tool results aside).
    fn inferred(&self, link: &Link<'a>, scope: Scope) -> Vec<(usize, Via)> {
        let api = link.api;
        let mut found = Vec::new();
        // The longest replayed prefix is the closest ancestor; at each, an answer replayed
        // as given is the surest sign, one rewritten the next, a failed turn's
        // conversation (which has no answer to compare) the last.
        let said = |by: &ByContent, digest| {
            let found = self.find(scope, api, |api| by.get(&(api, scope, digest)));
            found.copied()
        };
        let replays = |r: &Replayed| {
            said(&self.answered, r.exact)
                .or_else(|| said(&self.rewritten, r.loose))
                .map(|turn| (turn, Via::Replay))
                .or_else(|| Some((said(&self.failed, r.before)?, Via::Retry)))
        };
        found.extend(link.replayed.iter().rev().find_map(replays));
        // The latest reply that follows a whole conversation that was answered.
        let replied = link
            .replies
            .iter()
            .rev()
            .find_map(|&r| said(&self.asked, r));
        found.extend(replied.map(|turn| (turn, Via::Reply)));
        if let Some(&turn) = link
            .conversation
            .and_then(|id| self.conversations.get(&(api, scope, id)))
        {
            found.push((turn, Via::Conversation));
        }
        if let Some(turn) = link.tail.and_then(|tail| said(&self.failed, tail)) {
            found.push((turn, Via::Retry));
        }
        found
    }

    /// Makes `link` findable by the turns after it. Later turns take a key over from
    /// earlier ones: the latest is the closest.
    fn add(&mut self, turn: usize, link: &Link<'a>, scope: Scope) {
        let api = link.api;
        if let Some(id) = link.response_id {
            self.responses.insert((api, scope, id), turn);
        }
        for (call, id) in link.call_ids.iter().enumerate() {
            if let Some(id) = id.filter(|id| !id.is_empty()) {
                self.calls.insert((api, scope, id), (turn, call));
            }
        }
        if let (Some(answer), Some(tail)) = (link.answer, link.tail) {
            self.answered
                .insert((api, scope, tail.then(answer.exact)), turn);
            self.rewritten
                .insert((api, scope, tail.then(answer.loose)), turn);
        }
        if let (true, Some(tail)) = (link.failed, link.tail) {
            self.failed.insert((api, scope, tail), turn);
        }
        if let (false, Some(_), Some(tail)) = (link.failed, link.answer, link.tail) {
            self.asked.insert((api, scope, tail), turn);
        }
        if let Some(id) = link.conversation {
            self.conversations.insert((api, scope, id), turn);
        }
        if let Some(section) = link.section {
            self.sections.insert((link.path, section), turn);
        }
    }
}

/// Turns by a digest of what was said: the latest in its scope that said it.
type ByContent = HashMap<Key<Digest>, usize>;

/// The id of a session that starts with `link`: FNV-1a (stable across builds, unlike the
/// standard library's hasher) over the turn's path, section and entry, then mixed.
fn session_id(link: &Link) -> String {
    let entry = link.entry.map(|e| e.to_string());
    let parts = [
        link.path,
        link.section.unwrap_or_default(),
        entry.as_deref().unwrap_or_default(),
    ];
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        // A separator byte no UTF-8 text holds, so that parts cannot run together.
        for byte in part.bytes().chain([0xff]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    // FNV's last bytes reach only some bits; a finalizer (MurmurHash3's) spreads them, so
    // that the ids of neighbouring HAR entries do not look alike.
    for (shift, multiplier) in [(33, 0xff51_afd7_ed55_8ccd), (33, 0xc4ce_b9fe_1a85_ec53)] {
        hash ^= hash >> shift;
        hash = hash.wrapping_mul(multiplier);
    }
    hash ^= hash >> 33;
    format!("ses_{:012x}", hash >> 16)
}

/// `id`, or `id-2`, `id-3`, … when an earlier session took it.
fn unique(id: String, taken: &mut HashMap<String, usize>) -> String {
    match taken.entry(id) {
        Entry::Vacant(slot) => {
            let id = slot.key().clone();
            slot.insert(1);
            id
        }
        Entry::Occupied(mut slot) => {
            *slot.get_mut() += 1;
            let id = format!("{}-{}", slot.key(), slot.get());
            unique(id, taken)
        }
    }
}

#[cfg(test)]
mod tests;
