//! Digests of the conversation a request replays, for threading by replay.
//!
//! A client without tool calls continues a conversation by sending it again: turn N+1's
//! request replays turn N's messages, then an assistant message equal to turn N's answer,
//! then what the user says next. Threading finds that link by digest: for each turn it
//! indexes `digest(N's history, then N's answer)`, and looks up the digest of each prefix
//! of a later request that ends with an assistant message. No body is compared to another.
//!
//! Digests compare what was said, not the bytes, because real clients re-send history in
//! another shape:
//! - a string `content` equals a single text block with that text (`text`, `input_text`,
//!   `output_text` blocks are all text), and a Responses string `input` is one user message;
//! - `cache_control` marks (which clients move between requests) are left out everywhere;
//!   a text block is only its text (its `citations` too are left out), a Responses item
//!   only what it says (not its `id` or `status`); object keys compare in any order;
//! - an assistant message is its text (text blocks joined, as a turn's `text` is) and its
//!   client-run tool calls (id, name, arguments as JSON values; Chat's argument strings
//!   parsed as a turn's are); thinking and reasoning, which clients may drop or encrypt,
//!   and provider-run tool calls and their results, which stay with the provider, are not;
//! - system prompts (Anthropic `system`, Chat and Responses `system`/`developer` messages,
//!   `instructions`) are not part of the history: clients rewrite them (dates, working
//!   directories) while the conversation goes on.
//!
//! Whitespace is kept: trimmed text is different text. Each answer also has a loose digest
//! ([`Answer::loose`]) for clients that rewrite the answers they send back; threading
//! tries it after the exact one.
//!
//! ReAct agents (crewAI) call tools without tool calls: the model answers `Thought: …
//! Action: … Action Input: {…}`, the client runs the action and replays the answer cut
//! before any `Observation:` line the model imagined, followed by `Observation:` and the
//! real output, in an assistant message (or, in older clients, a user message). The loose
//! digest compares the answer up to that line, word by word, so such a replay links too.
//!
//! Some clients answer an answer without sending it back: crewAI drops an answer it cannot
//! parse and sends the conversation again followed by its correction ("I did it wrong.
//! Invalid Format: …"), and an older crewAI sends an image tool's output in a user message
//! right after the conversation that asked for it. A user message that follows no answer
//! is such a reply; [`History::replies`] keeps the conversation before it, which is the
//! whole conversation of the request whose answer it replies to.
//!
//! The hash is [`crate::stable_hash`]'s XXH64, with every number written little-endian: the
//! same input gives the same digest on every build, platform and Rust release, so the
//! digests JSONL prints (a turn's `threading`) thread again when read back, by any build
//! of this tool that reads conversations the same way.

use std::borrow::Cow;
use std::hash::Hasher;

use serde_json::Value;

use super::{is_model_item, items, str_at};
use crate::stable_hash;
use crate::turn::{Api, ToolKind, Turn};

/// A 64-bit digest of (part of) a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Digest(u64);

impl Digest {
    /// The digest of a conversation with nothing said yet.
    pub const EMPTY: Digest = Digest(0);

    /// The digest as a number: JSONL prints it (the turn's `threading`), for threading
    /// turns read back by the same version of this tool.
    pub fn bits(self) -> u64 {
        self.0
    }

    /// A digest JSONL printed ([`Digest::bits`]).
    pub fn from_bits(bits: u64) -> Digest {
        Digest(bits)
    }

    /// The digest of this conversation with `message` said after it.
    pub fn then(self, message: Digest) -> Digest {
        let mut hasher = stable_hash::hasher();
        hasher.write(&self.0.to_le_bytes());
        hasher.write(&message.0.to_le_bytes());
        Digest(hasher.finish())
    }
}

/// How many of the last assistant messages a request replays [`History`] keeps. Threading
/// looks for the latest one an earlier turn answered; older ones only matter when that
/// many turns in a row are missing from the capture. The bound keeps a turn small however
/// long its conversation (agent runs reach hundreds of messages, a HAR thousands of turns).
pub const KEPT_REPLAYS: usize = 8;

/// The conversation a request carries, as digests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// The last [`KEPT_REPLAYS`] answers the request replays, in order: its assistant
    /// messages, and the user messages that hand a ReAct answer back with its observation.
    pub replayed: Vec<Replayed>,
    /// The conversation before each of the request's last [`KEPT_REPLAYS`] replies, in
    /// order: a reply is a user message that follows no answer (it comes after a user
    /// message or a tool's output), so where an earlier request's whole conversation
    /// ([`History::tail`]) stops, the client answered that request's answer without
    /// sending it back: a framework's correction of an answer it could not parse (crewAI's
    /// "I did it wrong. Invalid Format: …"), or a tool's output in a message of its own.
    pub replies: Vec<Digest>,
    /// The digest of the whole conversation the request carries; `None` when it carries
    /// no message.
    pub tail: Option<Digest>,
}

/// One assistant message a request replays, as the digests of the conversation around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replayed {
    /// The conversation before it: an earlier request's [`History::tail`] when this
    /// message is that request's answer.
    pub before: Digest,
    /// The conversation up to and including it: an earlier request's
    /// [`History::answered`] with that turn's [`Answer::exact`], when this message is
    /// that turn's answer as it gave it.
    pub exact: Digest,
    /// The same with [`Answer::loose`]: when this message is that turn's answer as a
    /// client rewrote it.
    pub loose: Digest,
}

/// A turn's answer as digests: as given, and loosely.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    /// Text and client-run calls (id, name, arguments) exactly.
    pub exact: Digest,
    /// What survives the rewrites clients make when they send an answer back: the text
    /// without leading `<think>`/`<thinking>` blocks (reasoning some clients fold into
    /// the text), cut before a ReAct `Observation:` line (which a ReAct client replaces by
    /// the tool's real output), compared word by word (whitespace aside), and each call's
    /// name and arguments without its id (clients give ids to calls that came without one).
    pub loose: Digest,
}

impl History {
    /// The digest a later request's prefix has when it replays this request's
    /// conversation followed by an answer (`Answer::exact` or `Answer::loose`).
    pub fn answered(&self, answer: Digest) -> Option<Digest> {
        self.tail.map(|tail| tail.then(answer))
    }
}

/// The digest of a turn's answer as a later request would replay it: its text and its
/// client-run tool calls. An answer of neither (only thoughts, or only provider-run tools
/// such as an image generation) comes back as an assistant message with no text, and has
/// that digest. `None` for a turn that failed with an error: there is no answer to replay.
pub fn answer(turn: &Turn) -> Option<Answer> {
    if turn.error.is_some() {
        return None;
    }
    let calls: Vec<Call> = turn
        .tool_calls
        .iter()
        .filter(|call| call.kind != ToolKind::Server)
        .map(|call| Call {
            id: call.id.as_deref().unwrap_or_default(),
            name: &call.name,
            arguments: Arguments::Value(&call.arguments),
        })
        .collect();
    Some(assistant(turn.text.as_deref().unwrap_or_default(), &calls))
}

/// The history of `body`, a request of `api`.
pub fn of(api: Api, body: &Value) -> History {
    let mut history = Chain::default();
    match api {
        Api::AnthropicMessages | Api::OpenaiChat => {
            for message in items(api, body) {
                match str_at(message, "role") {
                    Some("system" | "developer") => {}
                    Some("assistant") => history.answer(replayed_message(api, message)),
                    Some("tool") => history.say(tool_output(message, "tool_call_id", "content")),
                    role => {
                        let said = said(role, &message["content"]);
                        match react_replay(role, &message["content"]) {
                            Some(loose) => history.hand_back(said, loose),
                            None if matches!(role, None | Some("user")) => history.ask(said),
                            // Another role (a legacy `function` message): no reply.
                            None => history.say(said),
                        }
                    }
                }
            }
        }
        Api::OpenaiResponses => {
            if let Value::String(text) = &body["input"] {
                history.say(said(Some("user"), &Value::String(text.clone())));
            }
            // Consecutive output items are one answer: the response that made them.
            let mut answer = ReplayedAnswer::default();
            for item in items(api, body) {
                if is_model_item(api, item) {
                    answer.add(item);
                    continue;
                }
                if let Some(replayed) = answer.take() {
                    history.answer(replayed);
                }
                let kind = str_at(item, "type").unwrap_or("message");
                match (kind, str_at(item, "role")) {
                    (_, Some("system" | "developer")) => {}
                    (output, _) if output.ends_with("_call_output") => {
                        let key = if item.get("call_id").is_some() {
                            "call_id"
                        } else {
                            "id"
                        };
                        history.say(tool_output(item, key, "output"))
                    }
                    ("message", role @ (None | Some("user"))) => {
                        history.ask(said(role, &item["content"]))
                    }
                    ("message", role) => history.say(said(role, &item["content"])),
                    _ => history.say(other(item)),
                }
            }
            if let Some(replayed) = answer.take() {
                history.answer(replayed);
            }
        }
    }
    let mut history = history.history;
    let older = history.replayed.len().saturating_sub(KEPT_REPLAYS);
    history.replayed.drain(..older);
    let older = history.replies.len().saturating_sub(KEPT_REPLAYS);
    history.replies.drain(..older);
    history
}

/// A history being read, message by message.
#[derive(Default)]
struct Chain {
    history: History,
    /// The last message read was an answer (an assistant message, or a ReAct answer
    /// handed back): a user message after it follows up on it, replying to nothing else.
    answered: bool,
}

impl Chain {
    fn say(&mut self, message: Digest) {
        let chain = self.history.tail.unwrap_or(Digest::EMPTY).then(message);
        self.history.tail = Some(chain);
        self.answered = false;
    }

    /// A user message: a reply (see [`History::replies`]) when a message came before it
    /// and that message was no answer.
    fn ask(&mut self, message: Digest) {
        if let (Some(before), false) = (self.history.tail, self.answered) {
            self.history.replies.push(before);
        }
        self.say(message);
    }

    fn answer(&mut self, answer: Answer) {
        let before = self.history.tail.unwrap_or(Digest::EMPTY);
        self.say(answer.exact);
        self.history.replayed.push(Replayed {
            before,
            exact: before.then(answer.exact),
            loose: before.then(answer.loose),
        });
        self.answered = true;
    }

    /// A user message `said` that hands an answer back, loosely `loose` (a ReAct
    /// observation): no answer is ever said exactly so, so `exact` is the conversation
    /// with it, which no turn answered.
    fn hand_back(&mut self, said: Digest, loose: Digest) {
        let before = self.history.tail.unwrap_or(Digest::EMPTY);
        self.say(said);
        self.history.replayed.push(Replayed {
            before,
            exact: before.then(said),
            loose: before.then(loose),
        });
        self.answered = true;
    }
}

/// The loose digest of the answer a user message hands back, when it has the shape of a
/// ReAct observation: some ReAct clients (older crewAI) send the model's answer back in a
/// user message, `Thought: … Action Input: {…}` followed by an `Observation:` line with
/// the tool's output. Other user messages hand nothing back.
fn react_replay(role: Option<&str>, content: &Value) -> Option<Digest> {
    if !matches!(role, None | Some("user")) {
        return None;
    }
    let text = texts(content);
    let thought = react_thought(&text);
    (thought.len() < text.len() && !thought.trim().is_empty()).then(|| assistant(&text, &[]).loose)
}

/// A client-run tool call as a digest sees it.
struct Call<'a> {
    id: &'a str,
    name: &'a str,
    arguments: Arguments<'a>,
}

enum Arguments<'a> {
    Value(&'a Value),
    /// JSON text, read as a turn reads streamed arguments: empty is `{}`, text that does
    /// not parse stays a string.
    Text(&'a str),
}

/// The digests of an assistant message: its text, then each call.
fn assistant(text: &str, calls: &[Call]) -> Answer {
    let mut exact = Canon::new(b'A');
    let mut loose = Canon::new(b'L');
    exact.str(text);
    loose.str(&one_spaced(react_thought(without_reasoning(text))));
    for call in calls {
        exact.str(call.id);
        // Text is read as the turn's builder reads it (`push_tool_json`): JSON within its
        // budget, else kept as the string; so both sides digest the same value.
        let arguments: Cow<Value> = match call.arguments {
            Arguments::Value(value) => Cow::Borrowed(value),
            Arguments::Text(text) if text.trim().is_empty() => {
                Cow::Owned(Value::Object(Default::default()))
            }
            Arguments::Text(text) => Cow::Owned(
                crate::bounded_json::from_str(text)
                    .unwrap_or_else(|_| Value::String(text.to_string())),
            ),
        };
        for canon in [&mut exact, &mut loose] {
            canon.str(call.name);
            canon.value(&arguments);
        }
    }
    Answer {
        exact: exact.finish(),
        loose: loose.finish(),
    }
}

/// `text`'s words joined by one space, as `split_whitespace` and `join(" ")` give them, in
/// one pass over its bytes: only whitespace other than one space between two words is
/// mended, and a text with none is borrowed. Splitting every answer into a list of words
/// and joining it again cost 2% of a run.
fn one_spaced(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    // `text[kept..]` is not yet in `out`.
    let mut kept = 0;
    let mut at = 0;
    // Most bytes are no whitespace, and most whitespace is one space between two words:
    // both are passed over without reading characters.
    while let Some(found) = bytes[at..].iter().position(|&b| may_be_whitespace(b)) {
        let start = at + found;
        let next = bytes.get(start + 1).copied();
        if bytes[start] == b' ' && start > 0 && next.is_some_and(|b| !may_be_whitespace(b)) {
            at = start + 2;
            continue;
        }
        at = start;
        while let Some(len) = whitespace_at(text, at) {
            at += len;
        }
        if at == start {
            at += 1;
            continue;
        }
        let between_words = start > 0 && at < bytes.len();
        if between_words && at == start + 1 && bytes[start] == b' ' {
            continue;
        }
        if out.is_empty() {
            out.reserve(text.len());
        }
        out.push_str(&text[kept..start]);
        if between_words {
            out.push(' ');
        }
        kept = at;
    }
    match kept {
        0 => Cow::Borrowed(text),
        _ => {
            out.push_str(&text[kept..]);
            Cow::Owned(out)
        }
    }
}

/// Whether `byte` may start a whitespace character: ASCII's, or the lead byte of another
/// (see [`whitespace_at`]).
fn may_be_whitespace(byte: u8) -> bool {
    byte <= b' ' || matches!(byte, 0xC2 | 0xE1 | 0xE2 | 0xE3)
}

/// The length of the whitespace character (as [`char::is_whitespace`] says) at byte `at` of
/// `text`, if there is one.
fn whitespace_at(text: &str, at: usize) -> Option<usize> {
    match *text.as_bytes().get(at)? {
        b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r' => Some(1),
        // The lead bytes of every other whitespace character (U+0085, U+00A0, U+1680,
        // U+2000 to U+205F, U+3000): only then is the character read.
        0xC2 | 0xE1 | 0xE2 | 0xE3 => text[at..]
            .chars()
            .next()
            .filter(|c| c.is_whitespace())
            .map(char::len_utf8),
        _ => None,
    }
}

/// What a ReAct client sends back of a ReAct answer (`Thought: …`, `Action: …`, `Action
/// Input: …`): the text before its first line that starts with `Observation:`. Such a
/// client runs the action itself and replays the answer cut there, followed by the real
/// observation (a model that wrote on, imagining the observation, loses what it imagined).
/// Text without such a line is whole.
fn react_thought(text: &str) -> &str {
    if text.starts_with(OBSERVATION) {
        return "";
    }
    text.find(NEW_OBSERVATION).map_or(text, |at| &text[..at])
}

const OBSERVATION: &str = "Observation:";
const NEW_OBSERVATION: &str = "\nObservation:";

/// `text` without the reasoning blocks some clients put before it (`<think>…</think>`,
/// `<thinking>…</thinking>`) and without surrounding whitespace.
fn without_reasoning(text: &str) -> &str {
    let mut rest = text.trim();
    'blocks: loop {
        for (open, close) in [("<think>", "</think>"), ("<thinking>", "</thinking>")] {
            if let Some(inside) = rest.strip_prefix(open) {
                if let Some(end) = inside.find(close) {
                    rest = inside[end + close.len()..].trim_start();
                    continue 'blocks;
                }
            }
        }
        return rest;
    }
}

/// An Anthropic or Chat assistant message as replayed.
fn replayed_message(api: Api, message: &Value) -> Answer {
    let content = &message["content"];
    let text = texts(content);
    let mut calls = Vec::new();
    let empty = Value::Object(Default::default());
    match api {
        Api::AnthropicMessages => {
            for block in content.as_array().into_iter().flatten() {
                if str_at(block, "type") == Some("tool_use") {
                    calls.push(Call {
                        id: str_at(block, "id").unwrap_or_default(),
                        name: str_at(block, "name").unwrap_or_default(),
                        arguments: Arguments::Value(block.get("input").unwrap_or(&empty)),
                    });
                }
            }
        }
        Api::OpenaiChat | Api::OpenaiResponses => {
            for call in message["tool_calls"].as_array().into_iter().flatten() {
                let id = str_at(call, "id").unwrap_or_default();
                if let Some(custom) = call.get("custom") {
                    let input = custom.get("input").unwrap_or(&Value::Null);
                    calls.push(Call {
                        id,
                        name: str_at(custom, "name").unwrap_or_default(),
                        arguments: Arguments::Value(input),
                    });
                } else {
                    let function = &call["function"];
                    calls.push(Call {
                        id,
                        name: str_at(function, "name").unwrap_or_default(),
                        arguments: Arguments::Text(str_at(function, "arguments").unwrap_or("")),
                    });
                }
            }
            // The legacy single `function_call`, which has no id.
            if let Some(function) = message.get("function_call").filter(|f| f.is_object()) {
                calls.push(Call {
                    id: "",
                    name: str_at(function, "name").unwrap_or_default(),
                    arguments: Arguments::Text(str_at(function, "arguments").unwrap_or("")),
                });
            }
        }
    }
    assistant(&text, &calls)
}

/// The output items of one Responses answer, replayed as input items.
#[derive(Default)]
struct ReplayedAnswer<'a> {
    items: Vec<&'a Value>,
}

/// Built-in tools the client runs; a turn names their calls after the type without `_call`
/// and takes the `action` (or `operation`) as arguments.
const CLIENT_ITEMS: [&str; 4] = [
    "computer_call",
    "local_shell_call",
    "shell_call",
    "apply_patch_call",
];

impl<'a> ReplayedAnswer<'a> {
    fn add(&mut self, item: &'a Value) {
        self.items.push(item);
    }

    fn take(&mut self) -> Option<Answer> {
        if self.items.is_empty() {
            return None;
        }
        let mut text = String::new();
        let mut calls = Vec::new();
        let empty = Value::Object(Default::default());
        for item in self.items.drain(..) {
            let call_id = || {
                str_at(item, "call_id")
                    .or_else(|| str_at(item, "id"))
                    .unwrap_or_default()
            };
            match str_at(item, "type").unwrap_or("message") {
                "message" if str_at(item, "phase") != Some("commentary") => {
                    text.push_str(&texts(&item["content"]));
                }
                "function_call" => calls.push(Call {
                    id: call_id(),
                    name: str_at(item, "name").unwrap_or_default(),
                    arguments: Arguments::Text(str_at(item, "arguments").unwrap_or("")),
                }),
                "custom_tool_call" => calls.push(Call {
                    id: call_id(),
                    name: str_at(item, "name").unwrap_or_default(),
                    arguments: Arguments::Value(item.get("input").unwrap_or(&Value::Null)),
                }),
                client if CLIENT_ITEMS.contains(&client) => calls.push(Call {
                    id: call_id(),
                    name: client.trim_end_matches("_call"),
                    arguments: Arguments::Value(
                        ["action", "operation"]
                            .iter()
                            .find_map(|key| item.get(*key).filter(|a| !a.is_null()))
                            .unwrap_or(&empty),
                    ),
                }),
                // Reasoning, commentary, provider-run tools: not part of the answer.
                _ => {}
            }
        }
        Some(assistant(&text, &calls))
    }
}

/// The text of a content value: a string, or its text blocks joined.
fn texts(content: &Value) -> String {
    match content {
        Value::String(text) => text.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter(|p| is_text(p))
            .filter_map(|p| str_at(p, "text"))
            .collect(),
        _ => String::new(),
    }
}

fn is_text(part: &Value) -> bool {
    matches!(
        str_at(part, "type"),
        Some("text" | "input_text" | "output_text")
    )
}

/// A message of the user's side (or any role but assistant, system and tool).
fn said(role: Option<&str>, content: &Value) -> Digest {
    let mut canon = Canon::new(b'U');
    canon.str(role.unwrap_or("user"));
    canon.content(content);
    canon.finish()
}

/// A tool's output: a Chat `tool` message or a Responses `*_call_output` item.
fn tool_output(message: &Value, id_key: &str, content_key: &str) -> Digest {
    let mut canon = Canon::new(b'T');
    canon.str(str_at(message, id_key).unwrap_or_default());
    canon.content(&message[content_key]);
    canon.finish()
}

/// Any other input item, by its value.
fn other(item: &Value) -> Digest {
    let mut canon = Canon::new(b'X');
    canon.value(item);
    canon.finish()
}

/// Keys that never change what was said.
const IGNORED_KEYS: [&str; 1] = ["cache_control"];

/// Writes values into a hasher in one canonical form.
struct Canon(stable_hash::Stable);

impl Canon {
    fn new(tag: u8) -> Canon {
        let mut hasher = stable_hash::hasher();
        hasher.write_u8(tag);
        Canon(hasher)
    }

    /// A length, the same on every platform.
    fn len(&mut self, n: usize) {
        self.0.write(&(n as u64).to_le_bytes());
    }

    fn finish(self) -> Digest {
        Digest(self.0.finish())
    }

    fn str(&mut self, text: &str) {
        self.len(text.len());
        self.0.write(text.as_bytes());
    }

    /// A JSON value, object keys in sorted order, [`IGNORED_KEYS`] left out.
    fn value(&mut self, value: &Value) {
        match value {
            Value::Null => self.0.write_u8(0),
            Value::Bool(b) => {
                self.0.write_u8(1);
                self.0.write_u8(u8::from(*b));
            }
            Value::Number(n) => {
                self.0.write_u8(2);
                self.str(&n.to_string());
            }
            Value::String(s) => {
                self.0.write_u8(3);
                self.str(s);
            }
            Value::Array(values) => {
                self.0.write_u8(4);
                self.len(values.len());
                values.iter().for_each(|v| self.value(v));
            }
            Value::Object(fields) => {
                let mut keys: Vec<&String> = fields
                    .keys()
                    .filter(|k| !IGNORED_KEYS.contains(&k.as_str()))
                    .collect();
                keys.sort_unstable();
                self.0.write_u8(5);
                self.len(keys.len());
                for key in keys {
                    self.str(key);
                    self.value(&fields[key]);
                }
            }
        }
    }

    /// Message content: a string is one text part; text blocks are text parts whatever
    /// their other keys; tool results are their id, content and error flag.
    fn content(&mut self, content: &Value) {
        match content {
            Value::String(text) => self.text(text),
            Value::Array(parts) => {
                for part in parts {
                    if is_text(part) {
                        self.text(str_at(part, "text").unwrap_or_default());
                    } else if str_at(part, "type") == Some("tool_result") {
                        self.0.write_u8(b'r');
                        self.str(str_at(part, "tool_use_id").unwrap_or_default());
                        self.content(&part["content"]);
                        self.0
                            .write_u8(u8::from(part["is_error"].as_bool() == Some(true)));
                    } else {
                        self.0.write_u8(b'p');
                        self.value(part);
                    }
                }
            }
            Value::Null => {}
            other => {
                self.0.write_u8(b'p');
                self.value(other);
            }
        }
        // Closes the parts, so that nested content cannot run into what follows.
        self.0.write_u8(b'.');
    }

    /// A text part; an empty one says nothing.
    fn text(&mut self, text: &str) {
        if !text.is_empty() {
            self.0.write_u8(b't');
            self.str(text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::turn::ToolCall;
    use serde_json::json;

    fn turn(text: Option<&str>, calls: Vec<(&str, &str, ToolKind, Value)>) -> Turn {
        Turn {
            streaming: true,
            complete: true,
            text: text.map(str::to_string),
            tool_calls: calls
                .into_iter()
                .map(|(id, name, kind, arguments)| ToolCall {
                    id: Some(id.to_string()),
                    name: name.to_string(),
                    kind,
                    arguments,
                    injected: false,
                    thoughts_before: Default::default(),
                    result: None,
                })
                .collect(),
            ..Turn::empty(Api::AnthropicMessages)
        }
    }

    /// Whether `later` replays `earlier`'s conversation followed by `answer` as given.
    fn continues(api: Api, earlier: &Value, answer: Answer, later: &Value) -> bool {
        let key = of(api, earlier).answered(answer.exact).unwrap();
        of(api, later).replayed.iter().any(|r| r.exact == key)
    }

    /// Whether `later` replays `earlier`'s conversation followed by `answer` rewritten.
    fn continues_loosely(api: Api, earlier: &Value, answer: Answer, later: &Value) -> bool {
        let key = of(api, earlier).answered(answer.loose).unwrap();
        of(api, later).replayed.iter().any(|r| r.loose == key)
    }

    #[test]
    fn anthropic_replay_in_another_shape() {
        let first = json!({"system": "be brief", "messages": [
            {"role": "user", "content": [{"type": "text", "text": "Name a prime.", "cache_control": {"type": "ephemeral"}}]}
        ]});
        let answer = answer(&turn(Some("Seven.\n"), vec![])).unwrap();
        let second = json!({"system": [{"type": "text", "text": "be brief today"}], "messages": [
            {"role": "user", "content": "Name a prime."},
            {"role": "assistant", "content": [
                {"type": "thinking", "thinking": "easy", "signature": "sig"},
                {"type": "text", "text": "Seven.\n"}
            ]},
            {"role": "user", "content": [{"type": "text", "text": "Another?", "cache_control": {"type": "ephemeral"}}]}
        ]});
        assert!(continues(Api::AnthropicMessages, &first, answer, &second));
        // Trimmed text is other text.
        let trimmed = json!({"messages": [
            {"role": "user", "content": "Name a prime."},
            {"role": "assistant", "content": "Seven."},
            {"role": "user", "content": "Another?"}
        ]});
        assert!(!continues(Api::AnthropicMessages, &first, answer, &trimmed));
    }

    #[test]
    fn anthropic_tool_use_replayed_with_results() {
        let first = json!({"messages": [{"role": "user", "content": "ls"}]});
        let answer = answer(&turn(
            Some("Listing."),
            vec![
                (
                    "toolu_1",
                    "bash",
                    ToolKind::Function,
                    json!({"cmd": "ls", "timeout": 5}),
                ),
                (
                    "srvtoolu_1",
                    "web_search",
                    ToolKind::Server,
                    json!({"query": "x"}),
                ),
            ],
        ))
        .unwrap();
        let second = json!({"messages": [
            {"role": "user", "content": [{"type": "text", "text": "ls"}]},
            {"role": "assistant", "content": [
                {"type": "text", "text": "Listing."},
                {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {"query": "x"}},
                {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": []},
                {"type": "tool_use", "id": "toolu_1", "name": "bash", "input": {"timeout": 5, "cmd": "ls"}, "cache_control": {"type": "ephemeral"}}
            ]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "a b"}]}
        ]});
        assert!(continues(Api::AnthropicMessages, &first, answer, &second));
        let history = of(Api::AnthropicMessages, &second);
        assert_eq!(history.replayed.len(), 1);
        assert_ne!(history.tail, Some(history.replayed[0].exact));
        assert_eq!(
            Some(history.replayed[0].before),
            of(Api::AnthropicMessages, &first).tail
        );
    }

    #[test]
    fn tool_result_content_as_string_or_blocks() {
        let as_string = json!({"messages": [{"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "t", "content": "42"}]}]});
        let as_blocks = json!({"messages": [{"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "t", "content": [{"type": "text", "text": "42"}], "is_error": false,
             "cache_control": {"type": "ephemeral"}}]}]});
        let as_error = json!({"messages": [{"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "t", "content": "42", "is_error": true}]}]});
        let tail = |body| of(Api::AnthropicMessages, &body).tail;
        assert_eq!(tail(as_string.clone()), tail(as_blocks));
        assert_ne!(tail(as_string), tail(as_error));
    }

    #[test]
    fn chat_replay_parses_argument_strings() {
        let first = json!({"messages": [
            {"role": "system", "content": "You are an agent. Today is Monday."},
            {"role": "user", "content": "weather?"}
        ]});
        let answer = answer(&turn(
            None,
            vec![
                ("call_1", "w", ToolKind::Function, json!({"city": "Oslo"})),
                (
                    "call_2",
                    "patch",
                    ToolKind::Custom,
                    json!("*** Begin Patch"),
                ),
                ("call_3", "noop", ToolKind::Function, json!({})),
            ],
        ))
        .unwrap();
        let second = json!({"messages": [
            {"role": "system", "content": "You are an agent. Today is Tuesday."},
            {"role": "user", "content": [{"type": "text", "text": "weather?"}]},
            {"role": "assistant", "content": "", "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "w", "arguments": "{ \"city\": \"Oslo\" }"}},
                {"id": "call_2", "type": "custom", "custom": {"name": "patch", "input": "*** Begin Patch"}},
                {"id": "call_3", "type": "function", "function": {"name": "noop", "arguments": ""}}
            ]},
            {"role": "tool", "tool_call_id": "call_1", "content": "4°C"}
        ]});
        assert!(continues(Api::OpenaiChat, &first, answer, &second));
    }

    #[test]
    fn responses_full_history_replay() {
        let first = json!({"instructions": "be brief", "input": "Name a colour."});
        let answer = answer(&turn(Some("Teal."), vec![])).unwrap();
        let second = json!({"input": [
            {"role": "user", "content": [{"type": "input_text", "text": "Name a colour."}]},
            {"type": "reasoning", "id": "rs_1", "summary": [], "encrypted_content": "gAAA"},
            {"type": "message", "id": "msg_1", "role": "assistant", "status": "completed", "phase": "commentary",
             "content": [{"type": "output_text", "text": "Thinking of one."}]},
            {"type": "message", "id": "msg_2", "role": "assistant", "status": "completed",
             "content": [{"type": "output_text", "text": "Teal.", "annotations": []}]},
            {"role": "user", "content": "Another?"}
        ]});
        assert!(continues(Api::OpenaiResponses, &first, answer, &second));
        let calls = answer_of_calls();
        let third = json!({"input": [
            {"role": "user", "content": "Name a colour."},
            {"type": "function_call", "id": "fc_1", "call_id": "call_9", "name": "pick", "arguments": "{\"n\":1}", "status": "completed"},
            {"type": "function_call_output", "call_id": "call_9", "output": "teal"}
        ]});
        assert!(continues(Api::OpenaiResponses, &first, calls, &third));
    }

    fn answer_of_calls() -> Answer {
        answer(&turn(
            None,
            vec![("call_9", "pick", ToolKind::Function, json!({"n": 1}))],
        ))
        .unwrap()
    }

    #[test]
    fn answers_without_text_or_calls() {
        // An image generation (a provider-run tool) answered with an empty message.
        let first = json!({"input": [{"role": "user", "content": "Draw an axolotl."}]});
        let image_only = turn(
            None,
            vec![("ig_1", "image_generation", ToolKind::Server, json!({}))],
        );
        let second = json!({"input": [
            {"role": "user", "content": "Draw an axolotl."},
            {"type": "reasoning", "id": "rs_1", "summary": []},
            {"type": "image_generation_call", "id": "ig_1"},
            {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": ""}]},
            {"role": "user", "content": "Now a newt."}
        ]});
        let digest = answer(&image_only).unwrap();
        assert_eq!(digest, answer(&turn(None, vec![])).unwrap());
        assert!(continues(Api::OpenaiResponses, &first, digest, &second));
    }

    #[test]
    fn one_spaced_text_is_what_splitting_and_joining_gives() {
        for text in [
            "",
            " ",
            "\n\n",
            "a",
            "one two three",
            "para one.\n\npara two \u{2003}\u{2003} end\n",
            "a \u{2003}b",
            "\u{2003} a",
            "x\u{201c} y \u{201d}",
            "a\x01 b \x01",
            " lead",
            "trail ",
            "two  spaces",
            "tab\there",
            "line\nend",
            "vertical\x0Btab",
            "no\u{a0}break",
            "ogham\u{1680}mark",
            "em\u{2003}space",
            "ideographic\u{3000}space",
            "curly \u{201c}quotes\u{201d} \u{2014} dash",
            "\u{e9}t\u{e9} \u{1f600}",
        ] {
            let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let got = one_spaced(text);
            assert_eq!(got, joined, "{text:?}");
            assert_eq!(matches!(got, Cow::Borrowed(_)), joined == text, "{text:?}");
        }
    }

    #[test]
    fn rewritten_answers_compare_loosely() {
        let first = json!({"messages": [{"role": "user", "content": "Time?"}]});
        let given = answer(&turn(
            Some("Noon."),
            vec![("", "clock", ToolKind::Function, json!({"tz": "UTC"}))],
        ))
        .unwrap();
        let rewritten = json!({"messages": [
            {"role": "user", "content": "Time?"},
            {"role": "assistant", "content": "<think>\nCheck the clock.\n</think>\n\nNoon.\n", "tool_calls": [
                {"id": "client_1", "type": "function", "function": {"name": "clock", "arguments": "{\"tz\": \"UTC\"}"}}]},
            {"role": "tool", "tool_call_id": "client_1", "content": "12:00"}
        ]});
        assert!(!continues(Api::OpenaiChat, &first, given, &rewritten));
        assert!(continues_loosely(
            Api::OpenaiChat,
            &first,
            given,
            &rewritten
        ));
        // Another answer is not a rewrite.
        let other = answer(&turn(Some("Midnight."), vec![])).unwrap();
        assert!(!continues_loosely(
            Api::OpenaiChat,
            &first,
            other,
            &rewritten
        ));
        assert_eq!(
            without_reasoning("<thinking>a</thinking> <think>b</think>\nText "),
            "Text"
        );
        assert_eq!(
            without_reasoning("<think>never closed"),
            "<think>never closed"
        );
    }

    #[test]
    fn react_answers_come_back_cut_at_their_observation() {
        let first = json!({"messages": [
            {"role": "system", "content": "Use the format: Thought, Action, Action Input."},
            {"role": "user", "content": "Task: get the answer\n\nThought:"}
        ]});
        // The model imagined an observation and wrote on.
        let given = answer(&turn(
            Some("Thought: ask the tool\nAction: get\nAction Input: {}\nObservation: 41\n\nThought: done"),
            vec![],
        ))
        .unwrap();
        let in_assistant = json!({"messages": [
            {"role": "user", "content": "Task: get the answer\n\nThought:"},
            {"role": "assistant", "content": "Thought: ask the tool\nAction: get\nAction Input: {}\nObservation: 42"}
        ]});
        assert!(!continues(Api::OpenaiChat, &first, given, &in_assistant));
        assert!(continues_loosely(
            Api::OpenaiChat,
            &first,
            given,
            &in_assistant
        ));
        // Stopped at `\nObservation:`, handed back in a user message, spaced otherwise.
        let stopped = answer(&turn(
            Some("Thought: ask the tool\nAction: get\nAction Input: {}"),
            vec![],
        ))
        .unwrap();
        let in_user = json!({"messages": [
            {"role": "user", "content": "Task: get the answer\n\nThought:"},
            {"role": "user", "content": "Thought: ask the tool\n\nAction: get\nAction Input: {}\nObservation: 42"}
        ]});
        assert!(continues_loosely(
            Api::OpenaiChat,
            &first,
            stopped,
            &in_user
        ));
        assert_eq!(of(Api::OpenaiChat, &in_user).replayed.len(), 1);
        // Another thought is another answer; a user message with no observation hands
        // nothing back.
        let other = answer(&turn(Some("Thought: ask another tool"), vec![])).unwrap();
        assert!(!continues_loosely(Api::OpenaiChat, &first, other, &in_user));
        let plain = json!({"messages": [
            {"role": "user", "content": "Task: get the answer\n\nThought:"},
            {"role": "user", "content": "Thought: ask the tool\nAction: get\nAction Input: {}"}
        ]});
        assert!(of(Api::OpenaiChat, &plain).replayed.is_empty());
        assert_eq!(react_thought("Observation: 1"), "");
        assert_eq!(
            react_thought("a\nNo Observation: 1"),
            "a\nNo Observation: 1"
        );
    }

    #[test]
    fn no_answer_from_a_failed_turn() {
        let mut failed = turn(Some("partial"), vec![]);
        failed.error = Some(crate::turn::TurnError {
            status: Some(529),
            kind: Some("overloaded_error".into()),
            message: None,
            mid_stream: true,
        });
        assert_eq!(answer(&failed), None);
    }

    #[test]
    fn keeps_the_last_replays() {
        let mut messages = vec![];
        for n in 0..20 {
            messages.push(json!({"role": "user", "content": format!("question {n}")}));
            messages.push(json!({"role": "assistant", "content": format!("answer {n}")}));
        }
        messages.push(json!({"role": "user", "content": "last question"}));
        let all = of(Api::OpenaiChat, &json!({"messages": messages}));
        assert_eq!(all.replayed.len(), KEPT_REPLAYS);
        let before_last = json!({"messages": messages[..39]});
        let last_answer = answer(&turn(Some("answer 19"), vec![])).unwrap();
        assert_eq!(
            all.replayed.last().map(|r| r.exact),
            of(Api::OpenaiChat, &before_last).answered(last_answer.exact)
        );
        let twelfth = json!({"messages": messages[..25]});
        let twelfth_answer = answer(&turn(Some("answer 12"), vec![])).unwrap();
        assert_eq!(
            all.replayed.first().map(|r| r.exact),
            of(Api::OpenaiChat, &twelfth).answered(twelfth_answer.exact)
        );
    }

    #[test]
    fn replies_follow_an_answer_not_sent_back() {
        // crewAI could not parse the answer to `first`: it drops it and says so.
        let first = json!({"messages": [
            {"role": "system", "content": "Use the format: Thought, Action, Action Input."},
            {"role": "user", "content": "Task: describe the image\n\nThought:"}
        ]});
        let nudged = json!({"messages": [
            {"role": "system", "content": "Use the format: Thought, Action, Action Input."},
            {"role": "user", "content": [{"type": "text", "text": "Task: describe the image\n\nThought:"}]},
            {"role": "user", "content": "I did it wrong. Invalid Format: I missed the 'Action:' after 'Thought:'."}
        ]});
        let asked = of(Api::OpenaiChat, &first).tail.unwrap();
        let history = of(Api::OpenaiChat, &nudged);
        assert_eq!(history.replies, [asked]);
        assert!(history.replayed.is_empty());
        // The first message replies to nothing; a user message after an answer (an
        // assistant message, a ReAct answer handed back) follows up on that answer, one
        // after a user message replies; a tool's output and a legacy `function` message
        // are no replies, but a user message after a tool's output is.
        let followed = json!({"messages": [
            {"role": "user", "content": "a"},
            {"role": "assistant", "content": "b"},
            {"role": "user", "content": "c"},
            {"role": "user", "content": "d"},
            {"role": "user", "content": "Thought: t\nAction: x\nAction Input: {}\nObservation: 1"},
            {"role": "user", "content": "e"},
            {"role": "function", "name": "f", "content": "f"},
            {"role": "tool", "tool_call_id": "call_1", "content": "g"},
            {"role": "user", "content": "h"}
        ]});
        let prefix = |n: usize| {
            let messages = &followed["messages"].as_array().unwrap()[..n];
            of(Api::OpenaiChat, &json!({"messages": messages}))
                .tail
                .unwrap()
        };
        let history = of(Api::OpenaiChat, &followed);
        assert_eq!(history.replies, [prefix(3), prefix(8)]);
        // Responses user messages reply the same way.
        let input = json!({"input": [
            {"role": "user", "content": "a"},
            {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "b"}]}
        ]});
        let before = of(Api::OpenaiResponses, &json!({"input": "a"}))
            .tail
            .unwrap();
        assert_eq!(of(Api::OpenaiResponses, &input).replies, [before]);
    }

    #[test]
    fn no_messages_no_tail() {
        assert_eq!(
            of(Api::OpenaiChat, &json!({"messages": []})),
            History::default()
        );
        let only_system = json!({"messages": [{"role": "system", "content": "x"}]});
        assert_eq!(of(Api::OpenaiChat, &only_system).tail, None);
    }

    #[test]
    fn different_conversations_differ() {
        let a = json!({"messages": [{"role": "user", "content": "ab"}]});
        let b = json!({"messages": [{"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]}]});
        let c = json!({"messages": [{"role": "assistant", "content": "ab"}]});
        let tail = |body| of(Api::AnthropicMessages, &body).tail;
        assert_ne!(tail(a.clone()), tail(b));
        assert_ne!(tail(a), tail(c));
    }
}
