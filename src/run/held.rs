//! Turns held until threading, their long texts written out of memory once they add up.
//!
//! Threading needs every turn of a run before any is printed (a turn's `session` and its
//! calls' `result`s come from turns of any input), but it reads none of a turn's texts: not
//! the answer, the thoughts, the tool calls' arguments, the prompt or the contents of the
//! tool results its request carried (their ids stay, to link by). Those are most of a
//! turn's memory (about 70 of the 160 MB a 1 GiB folder of generated streams held, the
//! arguments as `Value` trees another 20), so once the texts held pass [`KEPT`], each
//! further turn's texts are written to a temporary file and read back one turn at a time
//! when it is printed. They are written by the worker that read the turn's input, the one
//! store shared by all, so that the inputs on their way to be threaded hold no texts
//! however much their files expand to. The file is made only when a run needs it, readable
//! only by the user who runs this tool, and removed as soon as it is made (it lives on,
//! nameless, while the run has it open), so nothing is left behind. Where no such file can
//! be made (a read-only temporary folder), the texts stay in memory, as they did before.
//!
//! The texts are written in a form of this module's own: lengths and bytes, and each
//! argument value node by node, so that a value reads back exactly as it was (JSON text
//! would read some floating-point numbers back one unit in the last place off). A turn's
//! tool results come last, behind a table of where each starts, so that the call a result
//! answers, printed before the turn that carried it, reads that result alone.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::{Map, Number, Value};

use crate::reconstruct::bounds::SHARED_WHOLE;
use crate::request::{RequestSummary, ToolResult};
use crate::turn::{Thought, ThoughtSource, Turn};
use crate::warning::Warning;

/// Bytes of turn text held in memory before the rest is written out: small runs never make
/// a file, a folder of captures holds this much and its turns' other fields.
const KEPT: usize = 4 << 20;

/// How much of the file is read at a time when turns are read back.
const READ_AHEAD: usize = 256 << 10;

/// Where a turn's texts were written: `len` bytes from `offset`.
#[derive(Debug, Clone, Copy)]
pub struct Away {
    offset: u64,
    len: usize,
    /// Where in those bytes the contents of the tool results the turn's request carried
    /// start, when they went out too: the calls they answer, in earlier turns, read each
    /// from here alone ([`Store::result`]).
    pub results: Option<usize>,
}

/// The temporary file turns' texts go to, made when the first text goes.
#[derive(Debug, Default)]
pub struct Store {
    file: Spill,
    /// Bytes written to the file.
    end: u64,
    /// Bytes of text kept in memory so far.
    kept: usize,
    /// No file could be made or written: every text stays in memory.
    failed: bool,
}

/// The file, in the one state of its life it is in: texts are only appended until the run
/// reads them back, and only read once it does.
#[derive(Debug, Default)]
enum Spill {
    /// No text has gone out.
    #[default]
    None,
    /// Texts are being written; the file stands at its end.
    Writing(File),
    /// The run reads the texts back in the turns' order. Each input's turns went out in
    /// order as its worker read it, the other worker's records between them: the buffered
    /// pass reads on through the file, a few hundred turns a read, and steps over another
    /// worker's records in what it has read (jumping only where one worker's inputs give
    /// way to the next's).
    Reading {
        reader: BufReader<File>,
        /// Where `reader` stands in the file.
        at: u64,
    },
}

impl Store {
    /// Holds the texts of `turns`, one input's, until the run is threaded: leaves them in
    /// the turns, or writes them out and says where, once the texts kept have passed
    /// [`KEPT`]. A turn whose answer has no digests yet keeps its texts, since threading
    /// would make the digests from them; a turn that failed has no answer to digest, and
    /// its texts may go. Workers call it side by side: the store is locked only to count
    /// and to append, a turn's record at a time.
    pub fn hold(store: &Mutex<Store>, turns: &mut [Turn]) -> Vec<Option<Away>> {
        let lock = || store.lock().unwrap_or_else(PoisonError::into_inner);
        let sizes: Vec<usize> = turns.iter().map(text_size).collect();
        let goes: Vec<bool> = {
            let mut store = lock();
            let goes = turns.iter().zip(&sizes).map(|(turn, &size)| {
                let digested = turn.threading.answer.is_some() || turn.error.is_some();
                let goes = !store.failed && store.kept >= KEPT && size > 0 && digested;
                if !goes {
                    store.kept += size;
                }
                goes
            });
            goes.collect()
        };
        // One record at a time, made and written before the next is made: the turns of
        // one request each write their own copy of a prompt they share (`goes_out`), so
        // the records of a txtar's sections together are as many copies of it.
        let mut bytes = Vec::new();
        let held = turns.iter_mut().zip(sizes).zip(goes);
        held.map(|((turn, size), goes)| {
            if !goes {
                return None;
            }
            bytes.clear();
            let results = encode_texts(turn, &mut bytes);
            let offset = {
                let mut store = lock();
                let written = match store.failed {
                    true => None,
                    false => store.write(&bytes).ok(),
                };
                if written.is_none() {
                    store.failed = true;
                    store.kept += size;
                }
                written
            }?;
            take_texts(turn);
            Some(Away {
                offset,
                len: bytes.len(),
                results,
            })
        })
        .collect()
    }

    /// The turn whole again, its texts read back from where `away` says, as much of them
    /// as `restore` asks for. Turns are read back in order, a buffer at a time.
    pub fn restore(
        &mut self,
        mut turn: Turn,
        away: Option<Away>,
        restore: Restore,
    ) -> io::Result<Turn> {
        let Some(away) = away else {
            return Ok(turn);
        };
        self.file = match std::mem::take(&mut self.file) {
            Spill::Writing(file) => Spill::Reading {
                reader: BufReader::with_capacity(READ_AHEAD, file),
                at: u64::MAX,
            },
            other => other,
        };
        let Spill::Reading { reader, at } = &mut self.file else {
            return Err(lost());
        };
        match *at {
            at if at == away.offset => {}
            u64::MAX => {
                reader.seek(SeekFrom::Start(away.offset))?;
            }
            // Within what was read, the buffer stays.
            at => reader.seek_relative(away.offset.wrapping_sub(at) as i64)?,
        }
        let mut bytes = vec![0; away.len];
        reader.read_exact(&mut bytes)?;
        *at = away.offset + away.len as u64;
        decode_texts(&bytes, &mut turn, restore).ok_or_else(lost)?;
        Ok(turn)
    }

    /// Puts the texts [`Restore::Held`] left out back into `turn`, read alone from where
    /// `away` says, without moving the pass that reads turns back in order: a view of the
    /// whole run prints its turns session by session, not in the order they went out.
    pub fn reread(&self, turn: &mut Turn, away: Away) -> io::Result<()> {
        let mut bytes = vec![0; away.len];
        read_at(self.file()?, &mut bytes, away.offset)?;
        decode_texts(&bytes, turn, Restore::Shown).ok_or_else(lost)
    }

    /// The file, written or being read.
    fn file(&self) -> io::Result<&File> {
        match &self.file {
            Spill::Writing(file) => Ok(file),
            Spill::Reading { reader, .. } => Ok(reader.get_ref()),
            Spill::None => Err(lost()),
        }
    }

    /// The content of the `index`th tool result a turn's request carried, read alone from
    /// where `away` says without moving the pass that reads turns back in order: a call's
    /// result is carried by a later turn, which is read back after the call's own, and one
    /// request may answer the calls of hundreds of turns, each read as its turn is printed.
    pub fn result(&self, away: Away, index: usize) -> io::Result<Value> {
        let file = self.file()?;
        let at = away.results.ok_or_else(lost)? as u64;
        let word = |at: u64| -> io::Result<u64> {
            let mut bytes = [0; 8];
            read_at(file, &mut bytes, away.offset + at)?;
            Ok(u64::from_le_bytes(bytes))
        };
        let count = word(at)?;
        let index = index as u64;
        if index >= count {
            return Err(lost());
        }
        let start = word(at + 8 + 8 * index)?;
        let end = match index + 1 < count {
            true => word(at + 16 + 8 * index)?,
            false => away.len as u64,
        };
        if start > end || end > away.len as u64 {
            return Err(lost());
        }
        let mut bytes = vec![0; usize::try_from(end - start).map_err(|_| lost())?];
        read_at(file, &mut bytes, away.offset + start)?;
        let mut read = Reader(&bytes);
        let value = read.value().filter(|_| read.0.is_empty());
        value.ok_or_else(lost)
    }

    /// Appends `bytes` to the file, made first if need be; returns where they start.
    fn write(&mut self, bytes: &[u8]) -> io::Result<u64> {
        if let Spill::None = self.file {
            self.file = Spill::Writing(crate::scratch::file("turns")?);
        }
        let Spill::Writing(file) = &mut self.file else {
            return Err(io::Error::other(
                "texts are held after the run began to read them back",
            ));
        };
        // Only appends come before the file is read back: it stands at its end.
        file.write_all(bytes)?;
        let offset = self.end;
        self.end += bytes.len() as u64;
        Ok(offset)
    }
}

#[cfg(unix)]
fn read_at(file: &File, bytes: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, offset)
}

/// Never called: outside Unix, no turn's tool results go out ([`own_results`]).
#[cfg(not(unix))]
fn read_at(_: &File, _: &mut [u8], _: u64) -> io::Result<()> {
    Err(lost())
}

fn lost() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        "the temporary file holding the turns' texts did not read back as written",
    )
}

/// Bytes of text a turn holds, as this module counts them: the answer, refusal, thoughts,
/// tool-call arguments, the prompt and tool results. Arguments count as the rest do: a turn
/// whose only text is a call writing a file (a gateway that records responses alone) holds
/// megabytes of it.
fn text_size(turn: &Turn) -> usize {
    // A name is held as a string of its own, which costs more than its bytes when short
    // (a list of 76,923 one-letter names: 4.3 MB).
    let tool = |name: &String| name.len() + size_of::<String>() + 16;
    let tools = own_tools(turn).iter().map(tool).sum::<usize>();
    let prompt = own_prompt(turn);
    let results = own_results(turn).iter().map(|r| value_size(&r.content));
    let arguments = turn
        .tool_calls
        .iter()
        .map(|call| value_size(&call.arguments));
    [&turn.text, &turn.refusal]
        .into_iter()
        .flatten()
        .map(String::len)
        .chain(prompt.map(|p| p.len()))
        .chain(
            turn.thoughts
                .iter()
                .map(|t| t.text.len() + size_of::<Thought>() + 16),
        )
        .chain(arguments)
        .chain(results)
        .chain(turn.warnings.iter().map(warning_size))
        .chain(error_message(turn).map(str::len))
        .sum::<usize>()
        + tools
}

/// About what a warning holds: its text when it is only text (read back), else its data,
/// seldom long. Read-back turns may carry 16 KiB of them each (hostile run 41: 40,000 such
/// turns held 600 MB, the texts that went out aside).
fn warning_size(warning: &Warning) -> usize {
    let text = match warning {
        Warning::Recorded(text) => text.len(),
        _ => 0,
    };
    size_of::<Warning>() + text
}

fn error_message(turn: &Turn) -> Option<&str> {
    turn.error.as_ref()?.message.as_deref()
}

/// Whether a prompt or tool results shared by `count` turns go out with each of them: the
/// turns of one request (a fixture's streaming and blocking answers) share them, and each
/// writes its own copy, so that what they share is freed once the last of them is held;
/// shared by more turns than print a request whole (those past them share it cut), they
/// stay, once for all.
fn goes_out(count: usize) -> bool {
    count <= SHARED_WHOLE
}

/// The prompt that goes out with a turn's texts, if any ([`goes_out`]).
fn own_prompt(turn: &Turn) -> Option<&Arc<str>> {
    turn.prompt
        .as_ref()
        .filter(|p| goes_out(Arc::strong_count(p)))
}

/// The names of the tools a turn's request offered, when they go out with its texts
/// ([`goes_out`]): a request may offer thousands, and each turn holds its request's.
fn own_tools(turn: &Turn) -> &[String] {
    let request = turn.request.as_ref();
    match request.filter(|r| goes_out(Arc::strong_count(r))) {
        Some(request) => request.tools.as_deref().unwrap_or_default(),
        None => &[],
    }
}

/// The tool results a turn's request carried, when they go out with its texts
/// ([`goes_out`]). Where a file cannot be read at a given place without moving it
/// (outside Unix), they stay: an earlier turn's call reads its result from them.
fn own_results(turn: &Turn) -> &[ToolResult] {
    match cfg!(unix) && goes_out(Arc::strong_count(&turn.tool_results)) {
        true => &turn.tool_results,
        false => &[],
    }
}

/// About what a JSON value costs in memory, not its length as text: every node, each
/// object entry's key, hash and index, each string's bytes (a 271-byte object of 30 keys
/// is some 4.8 KB; counted as text, the 4 MiB of texts kept were 70 MB of trees: hostile
/// run 40). Walked with a list, not recursion: a value may nest deep.
fn value_size(value: &Value) -> usize {
    const NODE: usize = size_of::<Value>();
    const ENTRY: usize = size_of::<String>() + 2 * size_of::<u64>() + 16;
    let mut size = NODE;
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        size += match value {
            Value::String(text) => text.len() + 16,
            Value::Array(items) => {
                pending.extend(items);
                items.len() * NODE
            }
            Value::Object(entries) => {
                for (key, value) in entries {
                    size += key.len() + ENTRY + NODE;
                    pending.push(value);
                }
                0
            }
            Value::Number(_) | Value::Null | Value::Bool(_) => 0,
        };
    }
    size
}

/// Writes the texts [`take_texts`] takes: the answer, the refusal, the thoughts, the tool
/// calls' arguments, the prompt and the tool results when they go ([`goes_out`]). The
/// results come last, their count and where each starts first, so that one can be read
/// alone; returns where they start, when there are any. The record is appended to `out`,
/// and where things start is counted from its own start.
fn encode_texts(turn: &Turn, out: &mut Vec<u8>) -> Option<usize> {
    let record = out.len();
    put_option(out, turn.text.as_deref());
    put_option(out, turn.refusal.as_deref());
    put_len(out, turn.thoughts.len());
    for thought in &turn.thoughts {
        out.push(source_tag(thought.source));
        put_str(out, &thought.text);
    }
    put_len(out, turn.tool_calls.len());
    for call in &turn.tool_calls {
        put_value(out, &call.arguments);
    }
    let tools = own_tools(turn);
    put_len(out, tools.len());
    for tool in tools {
        put_str(out, tool);
    }
    put_option(out, own_prompt(turn).map(|p| &**p));
    // Warnings go as the text they print as (they are read back as such); the error's
    // message with them.
    put_len(out, turn.warnings.len());
    for warning in &turn.warnings {
        put_str(out, &warning.to_string());
    }
    put_option(out, error_message(turn));
    let results = own_results(turn);
    let at = out.len() - record;
    put_len(out, results.len());
    let starts = out.len();
    out.resize(starts + 8 * results.len(), 0);
    for (index, result) in results.iter().enumerate() {
        let start = ((out.len() - record) as u64).to_le_bytes();
        out[starts + 8 * index..][..8].copy_from_slice(&start);
        put_value(out, &result.content);
    }
    (!results.is_empty()).then_some(at)
}

/// Leaves the turn what threading reads: its texts go (see [`encode_texts`]).
fn take_texts(turn: &mut Turn) {
    turn.text = None;
    turn.refusal = None;
    turn.thoughts = Vec::new();
    turn.warnings = Vec::new();
    if let Some(error) = turn.error.as_mut() {
        error.message = None;
    }
    for call in &mut turn.tool_calls {
        call.arguments = Value::Null;
    }
    if own_prompt(turn).is_some() {
        turn.prompt = None;
    }
    let tools_go = !own_tools(turn).is_empty();
    if let Some(request) = turn.request.as_mut().filter(|_| tools_go) {
        // Shared, the request is the other turns' too: this turn lets go of it for a copy
        // without the tools.
        let without = RequestSummary {
            tools: None,
            tool_choice: request.tool_choice.clone(),
            params: request.params.clone(),
            previous_response_id: request.previous_response_id.clone(),
            ..**request
        };
        *request = Arc::new(without);
    }
    if !own_results(turn).is_empty() {
        // Their ids stay: threading links calls to results by them. Shared, they are
        // the other turns' too: this turn lets go of them for a copy without contents.
        let without = |result: &ToolResult| ToolResult {
            call_id: result.call_id.clone(),
            content: Value::Null,
            is_error: result.is_error,
        };
        turn.tool_results = turn.tool_results.iter().map(without).collect();
    }
}

/// What of a turn's texts is read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restore {
    /// Every text: for printers that take one turn at a time and print them all (JSONL's
    /// `request.tools`).
    All,
    /// All but the names of the tools the request offered, which no view of the whole run
    /// prints: such a view's turn as it prints it ([`Store::reread`]).
    Shown,
    /// What views of the whole run (sessions, transcripts, traces) hold of every turn at
    /// once: neither the offered tools' names nor the calls' arguments and the results'
    /// contents, read back a turn at a time as it is printed. Held at once, 4,000 turns
    /// offering 1,000 tools were 4 million names (hostile run 33), and 80,000 arguments
    /// of 30 keys, 22 MB of JSON text, 380 MB of `Value` trees (hostile run 40).
    Held,
}

/// Puts back what [`encode_texts`] wrote, as much of it as `restore` asks for;
/// `None` when the bytes are not that.
fn decode_texts(bytes: &[u8], turn: &mut Turn, restore: Restore) -> Option<()> {
    let mut read = Reader(bytes);
    turn.text = read.option()?;
    turn.refusal = read.option()?;
    let thoughts = read.len()?;
    turn.thoughts = (0..thoughts)
        .map(|_| {
            let source = source_of(read.byte()?)?;
            let text = read.string()?;
            Some(Thought { source, text })
        })
        .collect::<Option<_>>()?;
    if read.len()? != turn.tool_calls.len() {
        return None;
    }
    for call in &mut turn.tool_calls {
        match restore {
            Restore::Held => read.skip_value()?,
            _ => call.arguments = read.value()?,
        }
    }
    let tools = read.len()?;
    match restore {
        Restore::All if tools > 0 => {
            let tools = (0..tools).map(|_| read.string()).collect::<Option<_>>()?;
            Arc::make_mut(turn.request.as_mut()?).tools = Some(tools);
        }
        _ => (0..tools).try_for_each(|_| read.str().map(drop))?,
    }
    if let Some(prompt) = read.option()? {
        turn.prompt = Some(Arc::from(prompt));
    }
    let warnings = read.len()?;
    match restore {
        Restore::Held => (0..warnings).try_for_each(|_| read.str().map(drop))?,
        _ => {
            turn.warnings = (0..warnings)
                .map(|_| read.string().map(Warning::Recorded))
                .collect::<Option<_>>()?;
        }
    }
    match (read.option()?, turn.error.as_mut()) {
        (Some(message), Some(error)) if restore != Restore::Held => error.message = Some(message),
        (Some(_), None) => return None,
        _ => {}
    }
    if restore == Restore::Held {
        return read.skip_results().filter(|_| read.0.is_empty());
    }
    let results = read.results()?;
    if !results.is_empty() {
        let own = Arc::make_mut(&mut turn.tool_results);
        if own.len() != results.len() {
            return None;
        }
        for (result, content) in own.iter_mut().zip(results) {
            result.content = content;
        }
    }
    read.0.is_empty().then_some(())
}

const SOURCES: [ThoughtSource; 4] = [
    ThoughtSource::Thinking,
    ThoughtSource::ReasoningSummary,
    ThoughtSource::Commentary,
    ThoughtSource::ReasoningContent,
];

fn source_tag(source: ThoughtSource) -> u8 {
    SOURCES.iter().position(|s| *s == source).unwrap_or(0) as u8
}

fn source_of(tag: u8) -> Option<ThoughtSource> {
    SOURCES.get(usize::from(tag)).copied()
}

fn put_len(out: &mut Vec<u8>, len: usize) {
    out.extend_from_slice(&(len as u64).to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, text: &str) {
    put_len(out, text.len());
    out.extend_from_slice(text.as_bytes());
}

fn put_option(out: &mut Vec<u8>, text: Option<&str>) {
    match text {
        Some(text) => {
            out.push(1);
            put_str(out, text);
        }
        None => out.push(0),
    }
}

/// Value tags.
const NULL: u8 = 0;
const FALSE: u8 = 1;
const TRUE: u8 = 2;
const UNSIGNED: u8 = 3;
const SIGNED: u8 = 4;
const FLOAT: u8 = 5;
const STRING: u8 = 6;
const ARRAY: u8 = 7;
const OBJECT: u8 = 8;

/// A value node by node, its object keys in their order. Recursive: the values are
/// arguments, which were read within a nesting limit.
fn put_value(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Null => out.push(NULL),
        Value::Bool(false) => out.push(FALSE),
        Value::Bool(true) => out.push(TRUE),
        Value::Number(n) => {
            let (tag, bits) = match (n.as_u64(), n.as_i64(), n.as_f64()) {
                (Some(u), _, _) => (UNSIGNED, u),
                (None, Some(i), _) => (SIGNED, i as u64),
                (None, None, f) => (FLOAT, f.unwrap_or(0.0).to_bits()),
            };
            out.push(tag);
            out.extend_from_slice(&bits.to_le_bytes());
        }
        Value::String(s) => {
            out.push(STRING);
            put_str(out, s);
        }
        Value::Array(items) => {
            out.push(ARRAY);
            put_len(out, items.len());
            items.iter().for_each(|item| put_value(out, item));
        }
        Value::Object(map) => {
            out.push(OBJECT);
            put_len(out, map.len());
            for (key, item) in map {
                put_str(out, key);
                put_value(out, item);
            }
        }
    }
}

/// Reads what the `put_` functions wrote, from the front.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (taken, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(taken)
    }

    fn byte(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn len(&mut self) -> Option<usize> {
        let len = usize::try_from(self.u64()?).ok()?;
        // A length past what is left is no length this module wrote: it reserves nothing.
        (len <= self.0.len()).then_some(len)
    }

    fn str(&mut self) -> Option<&'a str> {
        let len = self.len()?;
        std::str::from_utf8(self.take(len)?).ok()
    }

    fn string(&mut self) -> Option<String> {
        self.str().map(String::from)
    }

    fn option(&mut self) -> Option<Option<String>> {
        match self.byte()? {
            0 => Some(None),
            1 => Some(Some(self.string()?)),
            _ => None,
        }
    }

    /// The tool results' contents, past the table of where each starts.
    fn results(&mut self) -> Option<Vec<Value>> {
        let count = self.len()?;
        self.take(count.checked_mul(8)?)?;
        (0..count).map(|_| self.value()).collect()
    }

    /// Past the tool results' contents, as [`Reader::results`] reads them.
    fn skip_results(&mut self) -> Option<()> {
        let count = self.len()?;
        self.take(count.checked_mul(8)?)?;
        (0..count).try_for_each(|_| self.skip_value())
    }

    /// Past a value, as [`Reader::value`] reads it, making none.
    fn skip_value(&mut self) -> Option<()> {
        match self.byte()? {
            NULL | FALSE | TRUE => {}
            UNSIGNED | SIGNED | FLOAT => {
                self.u64()?;
            }
            STRING => {
                self.str()?;
            }
            ARRAY => (0..self.len()?).try_for_each(|_| self.skip_value())?,
            OBJECT => (0..self.len()?).try_for_each(|_| {
                self.str()?;
                self.skip_value()
            })?,
            _ => return None,
        }
        Some(())
    }

    fn value(&mut self) -> Option<Value> {
        Some(match self.byte()? {
            NULL => Value::Null,
            FALSE => Value::Bool(false),
            TRUE => Value::Bool(true),
            UNSIGNED => Value::from(self.u64()?),
            SIGNED => Value::from(self.u64()? as i64),
            FLOAT => Value::Number(Number::from_f64(f64::from_bits(self.u64()?))?),
            STRING => Value::String(self.string()?),
            ARRAY => {
                let len = self.len()?;
                Value::Array((0..len).map(|_| self.value()).collect::<Option<_>>()?)
            }
            OBJECT => {
                let len = self.len()?;
                let mut map = Map::with_capacity(len);
                for _ in 0..len {
                    let key = self.string()?;
                    map.insert(key, self.value()?);
                }
                Value::Object(map)
            }
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Answer;
    use crate::request::Digest;
    use crate::turn::{Api, ToolCall, ToolKind, TurnError};
    use serde_json::json;

    fn turn(text: &str) -> Turn {
        let mut turn = Turn::empty(Api::AnthropicMessages);
        turn.text = Some(text.to_string());
        turn.refusal = Some("no".into());
        turn.prompt = Some(Arc::from("what is in the file?"));
        turn.thoughts = vec![
            Thought {
                source: ThoughtSource::Thinking,
                text: "first ⟶ think".into(),
            },
            Thought {
                source: ThoughtSource::ReasoningContent,
                text: String::new(),
            },
        ];
        let call = |arguments| ToolCall {
            id: Some("c1".into()),
            name: "edit".into(),
            kind: ToolKind::Function,
            arguments,
            injected: false,
            thoughts_before: Default::default(),
            result: None,
        };
        turn.tool_calls = vec![
            call(
                json!({"z": 1, "a": [true, null, -3, 0.1, 1e300, 18446744073709551615u64,
                "x\u{0}"], "m": {"k": {}}}),
            ),
            call(Value::String("raw {".into())),
            call(json!(0.30000000000000004)),
        ];
        turn.tool_results = Arc::from([ToolResult {
            call_id: "c0".into(),
            content: json!([{"type": "text", "text": "file contents"}]),
            is_error: Some(false),
        }]);
        turn.threading.answer = Some(Answer {
            exact: Digest::from_bits(1),
            loose: Digest::from_bits(2),
        });
        turn.request = Some(Arc::new(RequestSummary {
            messages: Some(3),
            tools: Some(vec!["Read".into(), "edit".into()]),
            tool_choice: Some(json!({"type": "auto"})),
            ..RequestSummary::default()
        }));
        turn
    }

    #[test]
    fn warnings_and_the_error_message_go_out_and_read_back_as_their_text() {
        // Hostile run 41: read-back turns kept up to 16 KiB of warnings each in memory, and
        // error messages, for the whole run.
        let mut whole = turn("the answer");
        whole.warnings = vec![
            Warning::InvalidUtf8,
            Warning::Recorded("said before".into()),
        ];
        whole.error = Some(TurnError {
            status: Some(500),
            kind: Some("api_error".into()),
            message: Some("upstream fell over".into()),
            mid_stream: false,
        });
        let mut rest = whole.clone();
        let mut bytes = Vec::new();
        encode_texts(&rest, &mut bytes);
        take_texts(&mut rest);
        assert!(rest.warnings.is_empty());
        assert_eq!(rest.error.as_ref().unwrap().message, None);
        assert!(text_size(&whole) > text_size(&rest) + "upstream fell over".len());
        let mut held = rest.clone();
        decode_texts(&bytes, &mut held, Restore::Held).unwrap();
        assert!(held.warnings.is_empty() && held.error.as_ref().unwrap().message.is_none());
        decode_texts(&bytes, &mut rest, Restore::All).unwrap();
        let said = |turn: &Turn| serde_json::to_string(turn).unwrap();
        assert_eq!(said(&rest), said(&whole));
        assert_eq!(rest.warnings[1], Warning::Recorded("said before".into()));
        // A message with no error to hold it is no record this module wrote.
        let mut errorless = rest.clone();
        errorless.error = None;
        assert!(decode_texts(&bytes, &mut errorless, Restore::All).is_none());
    }

    #[test]
    fn texts_read_back_as_they_were() {
        let whole = turn("the answer");
        let mut rest = turn("the answer");
        let mut bytes = Vec::new();
        encode_texts(&rest, &mut bytes);
        take_texts(&mut rest);
        assert!(rest.text.is_none() && rest.thoughts.is_empty() && rest.prompt.is_none());
        // The tools offered go too; the rest of the request stays, for threading.
        let request = rest.request.as_ref().unwrap();
        assert_eq!((request.tools.as_ref(), request.messages), (None, Some(3)));
        assert!(rest.tool_calls.iter().all(|c| c.arguments.is_null()));
        let mut without_tools = rest.clone();
        decode_texts(&bytes, &mut rest, Restore::All).unwrap();
        assert_eq!(rest, whole);
        // Left out, they stay in the store and the rest comes back all the same.
        decode_texts(&bytes, &mut without_tools, Restore::Shown).unwrap();
        let request = without_tools.request.as_ref().unwrap();
        assert_eq!(request.tools, None);
        assert_eq!(without_tools.tool_calls, whole.tool_calls);
        assert_eq!(without_tools.tool_results, whole.tool_results);
        assert_eq!(without_tools.prompt, whole.prompt);
        // Held, the calls' arguments and the results' contents stay out too, and the rest
        // comes back.
        let mut held = rest.clone();
        take_texts(&mut held);
        decode_texts(&bytes, &mut held, Restore::Held).unwrap();
        assert!(held.tool_calls.iter().all(|c| c.arguments.is_null()));
        assert!(held.tool_results.iter().all(|r| r.content.is_null()));
        assert_eq!((&held.text, &held.thoughts), (&whole.text, &whole.thoughts));
        assert_eq!(held.prompt, whole.prompt);
        // Object keys keep their order.
        let keys: Vec<_> = rest.tool_calls[0]
            .arguments
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(keys, ["z", "a", "m"]);
    }

    #[test]
    fn bytes_that_were_not_written_here_read_as_none() {
        let whole = turn("x");
        let mut bytes = Vec::new();
        encode_texts(&whole, &mut bytes);
        for cut in 0..bytes.len() {
            let mut rest = whole.clone();
            for offered in [Restore::All, Restore::Shown, Restore::Held] {
                let cut = &bytes[..cut];
                assert!(decode_texts(cut, &mut rest, offered).is_none());
            }
        }
        let mut huge = vec![1];
        huge.extend_from_slice(&u64::MAX.to_le_bytes());
        let offered = Restore::All;
        assert!(decode_texts(&huge, &mut Turn::empty(Api::OpenaiChat), offered).is_none());
    }

    #[test]
    fn what_a_few_turns_share_goes_out_and_what_many_share_stays() {
        let whole = turn("x");
        // Shared by a few turns (a fixture's streaming and blocking answers): each writes
        // its own copy and lets go of the shared one; the other turn keeps its own.
        let mut rest = whole.clone();
        take_texts(&mut rest);
        assert_eq!(rest.prompt, None);
        assert_eq!(rest.tool_results[0].call_id, "c0");
        assert_eq!(rest.tool_results[0].content, Value::Null);
        assert_eq!(whole.tool_results, turn("x").tool_results);
        // Shared by more turns than print a request whole: it stays, once for all.
        let _many: Vec<Turn> = (0..SHARED_WHOLE).map(|_| whole.clone()).collect();
        let mut rest = whole.clone();
        take_texts(&mut rest);
        assert_eq!(rest.prompt, whole.prompt);
        assert_eq!(rest.tool_results, whole.tool_results);
    }

    #[test]
    fn texts_past_the_kept_bytes_go_to_the_file_and_come_back() {
        let store = Mutex::new(Store::default());
        let big = "a".repeat(KEPT);
        let mut first = [turn(&big)];
        assert!(
            Store::hold(&store, &mut first)[0].is_none(),
            "the first 4 MiB stay"
        );
        let mut unanswered = turn("no digests");
        unanswered.threading.answer = None;
        // A failed turn has no answer to digest: its texts go all the same.
        let mut failed = turn("cut by an error");
        failed.threading.answer = None;
        failed.error = Some(TurnError {
            status: Some(529),
            kind: Some("overloaded_error".into()),
            message: None,
            mid_stream: true,
        });
        // One input's turns go out in one write, each read back alone.
        let mut input = [
            turn("after"),
            unanswered.clone(),
            failed.clone(),
            turn("last"),
        ];
        let away = Store::hold(&store, &mut input);
        let went: Vec<bool> = away.iter().map(Option::is_some).collect();
        assert_eq!(went, [true, false, true, true]);
        assert!(input[0].text.is_none() && input[1].text.is_some());
        let mut store = store.into_inner().unwrap();
        // The tool results went too, their ids left for threading; an earlier call reads
        // their contents before the turn itself is read back.
        for (at, text) in [(0, "after"), (3, "last")] {
            let away = away[at].unwrap();
            assert!(away.results.is_some());
            assert_eq!(input[at].tool_results[0].call_id, "c0");
            assert_eq!(input[at].tool_results[0].content, Value::Null);
            let content = store.result(away, 0).unwrap();
            assert_eq!(content, turn(text).tool_results[0].content);
            assert!(store.result(away, 1).is_err());
        }
        let [after, kept, cut, last] = input;
        let mut restore = |t, away| store.restore(t, away, Restore::All).unwrap();
        assert_eq!(restore(first[0].clone(), None), turn(&big));
        assert_eq!(restore(after, away[0]), turn("after"));
        assert_eq!(restore(kept, away[1]), unanswered);
        // Read back out of the order they went: the pass steps back.
        assert_eq!(restore(last, away[3]), turn("last"));
        assert_eq!(restore(cut, away[2]), failed);
    }
}
