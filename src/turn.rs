//! The normalized turn: what every reconstructor produces and every renderer consumes.
//!
//! The serialized field names are a public contract (JSONL schema v1, documented in the
//! README): add fields, never rename them.

use std::sync::{Arc, LazyLock};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::bounded_json::First;
use crate::cost::Cost;
use crate::decode::numbered::MAX_NUMBERED;
use crate::request::{Answer, Digest, History, Replayed, RequestRead, RequestSummary, ToolResult};
use crate::warning::Warning;

/// One model response, rebuilt from a capture, with the request it answered.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Turn {
    pub source: Source,
    pub api: Api,
    /// Whether the response body was an event stream.
    pub streaming: bool,
    /// The model the response names, else the request's model.
    pub model: Option<String>,
    pub request_model: Option<String>,
    pub id: Option<String>,
    pub stop_reason: Option<String>,
    /// False when a stream ended without its terminal event, or a body was cut short.
    pub complete: bool,
    pub usage: Option<Usage>,
    pub prompt: Option<Arc<str>>,
    pub text: Option<String>,
    /// A refusal the model gave instead of an answer (Chat `refusal`, Responses refusal parts).
    pub refusal: Option<String>,
    #[serde(deserialize_with = "read_thoughts")]
    pub thoughts: Vec<Thought>,
    /// Anthropic `redacted_thinking` blocks: counted, never shown.
    pub redacted_thoughts: u32,
    pub tool_calls: Vec<ToolCall>,
    pub error: Option<TurnError>,
    pub events: Option<EventCounts>,
    #[serde(deserialize_with = "read_warnings")]
    pub warnings: Vec<Warning>,
    /// When the exchange happened and how long it took, where the capture says (HAR
    /// entries, gateway dumps); null for captures that carry no time.
    pub timing: Option<Timing>,
    /// How the provider served the response (service tier, inference region, speed), where
    /// it says: these change the price. Null when it says none of them.
    pub service: Option<Box<Service>>,
    /// What the turn cost in US dollars. Null when the turn has no usage to price, or when
    /// its model is unpriced (a warning then names it). Filled after reconstruction, which
    /// knows no prices.
    pub cost: Option<Box<Cost>>,
    // The request side and the session (issue 9).
    /// How the request was set up; null when there is no request, and for a txtar
    /// `*/tool-call` section (whose request is its plain section's).
    pub request: Option<Arc<RequestSummary>>,
    /// The tool results the request carries (the new ones), in order.
    pub tool_results: Arc<[ToolResult]>,
    /// The turn's place in its session; set by threading (`crate::session`), null before.
    pub session: Option<Box<SessionPlace>>,
    /// What threading reads of the turn beyond its other fields, printed so that turns
    /// read back from JSONL (another run's, another machine's) thread as the captures did.
    pub threading: Threading,
}

/// How the provider served a response; each field null where the response does not say.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Service {
    /// OpenAI `service_tier` (`default`, `flex`, `priority`), Anthropic
    /// `usage.service_tier` (`standard`, `priority`, `batch`).
    pub tier: Option<String>,
    /// Anthropic `usage.inference_geo` (`global`, `us`).
    pub inference_geo: Option<String>,
    /// Anthropic `usage.speed` (`standard`, `fast`).
    pub speed: Option<String>,
}

impl Service {
    /// Later statements replace earlier ones, field by field, as usage counts do.
    pub fn merge(slot: &mut Option<Box<Service>>, update: Service) {
        if update == Service::default() {
            return;
        }
        let old = slot.take().unwrap_or_default();
        *slot = Some(Box::new(Service {
            tier: update.tier.or(old.tier),
            inference_geo: update.inference_geo.or(old.inference_geo),
            speed: update.speed.or(old.speed),
        }));
    }
}

/// What threading needs of a turn that a reader does not: digests of the conversation its
/// request replays and of its answer, the Responses `conversation` it names, and where its
/// input stood in the run. JSONL prints it as the turn's `threading` object (see the
/// schema), digests as 16 hex digits, so that threading can also be done from JSONL, by
/// this tool or as a join in an engine.
#[derive(Debug, Clone, PartialEq)]
pub struct Threading {
    pub history: Arc<History>,
    pub conversation: Option<String>,
    /// The digests of the turn's answer ([`crate::request::history::answer`]); set by
    /// threading, or read back.
    pub answer: Option<Answer>,
    /// The place of the turn's input among every input of the run that printed it
    /// (`--shard` aside); read back, kept as it was printed.
    pub input: Option<usize>,
    /// Where the turn stands in this run's order, which threading and output follow: its
    /// input's place, or, for a turn of a part of a run split with `--shard`, its place in
    /// that run ([`Part::place`]). Not printed (a part's turns print it in `part`).
    pub place: Place,
    /// The part of a split run that prints the turn: set by a `--shard` run, read back
    /// from its JSONL. It tells the parts of one run, whose turns are put back in that
    /// run's order, from the JSONL of a whole run, which stays at its input's place.
    pub part: Option<Part>,
    /// The turn was read back from this tool's JSONL, not rebuilt from a capture.
    pub read_back: bool,
}

/// A part of a run split with `--shard`, and the turn's place in that run: JSONL prints it
/// as `threading.part`, `{"shard": "K/N", "place": P, "run": "<16 hex digits>"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    /// K of N, 1 ≤ K ≤ N.
    pub index: u64,
    pub count: u64,
    pub place: Place,
}

/// Where a turn stands in the order of a run: its input's place, or, for a turn of
/// another run's part that the run read, the place it holds in that run; ordered by that
/// place, then by the run's id ([`crate::discover::Input::run`]), which keeps the turns of
/// two runs that hold one place apart alike in every run that orders them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    pub input: usize,
    pub run: u64,
}

impl Default for Threading {
    /// Nothing read yet: the empty history is one for every turn that has no other, since
    /// a run holds every turn until it is threaded (30,548 turns without requests held
    /// 3 MB of empty histories).
    fn default() -> Threading {
        static EMPTY: LazyLock<Arc<History>> = LazyLock::new(Arc::default);
        Threading {
            history: Arc::clone(&EMPTY),
            conversation: None,
            answer: None,
            input: None,
            place: Place::default(),
            part: None,
            read_back: false,
        }
    }
}

/// `threading` as JSONL prints it.
#[derive(Serialize, Deserialize)]
struct ThreadingFields {
    input: Option<usize>,
    /// JSONL of builds that did not print it has none: read as a whole run's.
    #[serde(default)]
    part: Option<PartFields>,
    conversation: Option<String>,
    tail: Option<Hex>,
    replayed: Vec<ReplayedFields>,
    /// JSONL of builds that did not digest replies has none: read as no replies.
    #[serde(default)]
    replies: Vec<Hex>,
    answer: Option<AnswerFields>,
    /// `tail` then `answer`: what a request continuing the turn replays. Derived, for
    /// engines that thread by joining on it; not read back.
    answered: Option<AnswerFields>,
}

#[derive(Serialize, Deserialize)]
struct PartFields {
    shard: ShardText,
    place: usize,
    run: RunText,
}

/// A run's id as 16 hex digits, as digests are printed.
struct RunText(u64);

impl Serialize for RunText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{:016x}", self.0))
    }
}

impl<'de> Deserialize<'de> for RunText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<RunText, D::Error> {
        Ok(RunText(Hex::deserialize(d)?.0.bits()))
    }
}

/// `K/N`, as `--shard` takes it.
struct ShardText(u64, u64);

impl Serialize for ShardText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{}/{}", self.0, self.1))
    }
}

impl<'de> Deserialize<'de> for ShardText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<ShardText, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(d)?;
        let number = |digits: &str| match digits.bytes().all(|b| b.is_ascii_digit()) {
            true => digits.parse::<u64>().ok(),
            false => None,
        };
        text.split_once('/')
            .and_then(|(k, n)| Some((number(k)?, number(n)?)))
            .filter(|&(k, n)| 1 <= k && k <= n)
            .map(|(k, n)| ShardText(k, n))
            .ok_or_else(|| serde::de::Error::custom("a shard is K/N, 1 ≤ K ≤ N"))
    }
}

#[derive(Serialize, Deserialize)]
struct ReplayedFields {
    before: Hex,
    exact: Hex,
    loose: Hex,
}

#[derive(Serialize, Deserialize)]
struct AnswerFields {
    exact: Hex,
    loose: Hex,
}

/// A digest as 16 hex digits: JSON numbers beyond 2^53 lose digits in many readers.
#[derive(Clone, Copy)]
struct Hex(Digest);

impl Serialize for Hex {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{:016x}", self.0.bits()))
    }
}

impl<'de> Deserialize<'de> for Hex {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Hex, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(d)?;
        u64::from_str_radix(&text, 16)
            .ok()
            .filter(|_| text.len() == 16)
            .map(|bits| Hex(Digest::from_bits(bits)))
            .ok_or_else(|| serde::de::Error::custom("a digest is 16 hex digits"))
    }
}

impl Serialize for Threading {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ThreadingFields {
            input: self.input,
            part: self.part.map(|part| PartFields {
                shard: ShardText(part.index, part.count),
                place: part.place.input,
                run: RunText(part.place.run),
            }),
            conversation: self.conversation.clone(),
            tail: self.history.tail.map(Hex),
            replayed: self
                .history
                .replayed
                .iter()
                .map(|r| ReplayedFields {
                    before: Hex(r.before),
                    exact: Hex(r.exact),
                    loose: Hex(r.loose),
                })
                .collect(),
            replies: self.history.replies.iter().copied().map(Hex).collect(),
            answer: self.answer.map(|a| AnswerFields {
                exact: Hex(a.exact),
                loose: Hex(a.loose),
            }),
            answered: self
                .history
                .tail
                .zip(self.answer)
                .map(|(tail, a)| AnswerFields {
                    exact: Hex(tail.then(a.exact)),
                    loose: Hex(tail.then(a.loose)),
                }),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Threading {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Threading, D::Error> {
        let fields = ThreadingFields::deserialize(d)?;
        Ok(Threading {
            history: Arc::new(History {
                replayed: fields
                    .replayed
                    .into_iter()
                    .map(|r| Replayed {
                        before: r.before.0,
                        exact: r.exact.0,
                        loose: r.loose.0,
                    })
                    .collect(),
                replies: fields.replies.into_iter().map(|r| r.0).collect(),
                tail: fields.tail.map(|t| t.0),
            }),
            conversation: fields.conversation,
            answer: fields.answer.map(|a| Answer {
                exact: a.exact.0,
                loose: a.loose.0,
            }),
            input: fields.input,
            place: Place::default(),
            part: fields.part.map(|part| Part {
                index: part.shard.0,
                count: part.shard.1,
                place: Place {
                    input: part.place,
                    run: part.run.0,
                },
            }),
            read_back: true,
        })
    }
}

impl Turn {
    /// Takes in what the request of this turn says.
    pub fn set_request(&mut self, read: RequestRead) {
        self.request = Some(read.summary);
        self.tool_results = read.tool_results;
        self.threading = Threading {
            history: read.history,
            conversation: read.conversation,
            ..Threading::default()
        };
    }
}

/// A turn's thoughts read back: the first [`MAX_NUMBERED`], as a capture's are.
fn read_thoughts<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Thought>, D::Error> {
    Ok(First::<Thought, MAX_NUMBERED>::deserialize(d)?.items)
}

/// The most warnings a turn read back from JSONL keeps: a capture's turn says each kind
/// of trouble a bounded number of times (twenty, then counted), far fewer in all.
const READ_WARNINGS: usize = 1_000;

/// The most bytes of warnings a turn read back keeps, each counted with [`WARNING_COST`]
/// (and cut to 4,096 bytes as well): 1,000 of the longest would be 4 MB a turn, and 1,000
/// of one letter 115 KB, for every turn of the run (hostile run 33: 472 MB for 29 MB of
/// JSONL).
const READ_WARNING_BYTES: usize = 16 << 10;

/// What a warning costs held besides its text: the value, its place in the list, the
/// allocation's own overhead (about 115 bytes measured for a one-letter warning).
const WARNING_COST: usize = 128;

/// A turn's warnings read back: the first [`READ_WARNINGS`], in at most
/// [`READ_WARNING_BYTES`], the last of them saying how many more there were when there
/// were more (room is left for it, so that what is read back again stays as it is).
fn read_warnings<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Warning>, D::Error> {
    let First { mut items, more } = First::<Warning, READ_WARNINGS>::deserialize(d)?;
    bound_warnings(&mut items, more, READ_WARNINGS, READ_WARNING_BYTES);
    // The list was read with room for all it held: held for the whole run, it keeps no
    // more than the warnings kept.
    items.shrink_to_fit();
    Ok(items)
}

/// Room a capture's turn leaves under the read-back bound for pricing's warning, said
/// after it: a model name at its bound and the reason.
const PRICING_ROOM: usize = 1 << 10;

/// Bounds a capture's warnings as a turn read back is bounded, leaving room for pricing's:
/// printed and read back (a split run's parts joined), the list then stays as it is. A
/// capture's turn kept every warning and a read-back one the first 16 KiB, so a turn of
/// 1,500 calls with cut arguments said 1,500 in a whole run, 68 from its parts (hostile
/// run 43).
pub fn bound_captured_warnings(warnings: &mut Vec<Warning>) {
    bound_warnings(
        warnings,
        0,
        READ_WARNINGS - 1,
        READ_WARNING_BYTES - PRICING_ROOM,
    );
}

/// Keeps the first of `items` (`more` after them already left out) within `count` and
/// `bytes`, the last kept saying how many more there were.
fn bound_warnings(items: &mut Vec<Warning>, more: usize, count: usize, bytes: usize) {
    let size = |warning: &Warning| {
        let text = match warning {
            Warning::Recorded(text) => text.len(),
            other => other.to_string().len(),
        };
        WARNING_COST + text.min(crate::redact::MAX_MESSAGE)
    };
    // One pass, each warning measured once (measured, it is printed and redacted): how
    // many fit with room for the closing count, and whether they are over at all.
    let (mut total, mut fit, mut over) = (0, None, false);
    for (n, warning) in items.iter().enumerate() {
        total += size(warning);
        if total > bytes - 256 {
            fit.get_or_insert(n);
        }
        if total > bytes {
            over = true;
            break;
        }
    }
    if more == 0 && items.len() <= count && !over {
        return;
    }
    let listed = items.len() + more;
    let kept = fit.unwrap_or(items.len()).min(count - 1);
    items.truncate(kept);
    items.push(Warning::Recorded(format!(
        "and {} more warnings, past the first {}: left out",
        crate::number::thousands((listed - kept) as u64),
        crate::number::thousands(kept as u64)
    )));
}

/// Where a turn stands in its session.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SessionPlace {
    /// `ses_` and 12 hex digits: the same for every turn of the session, and on every run
    /// over the same inputs.
    pub id: String,
    /// 1-based.
    pub step: usize,
    /// The `source` of the turn this one continues, or null.
    pub previous: Option<Source>,
}

/// A client-run tool call's result, from the later request that carried it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CallResult {
    /// As the request carried it: a string, or an array of content blocks.
    #[serde(deserialize_with = "crate::bounded_json::value")]
    pub content: Value,
    /// Anthropic `is_error`; null for APIs with no such flag.
    pub is_error: Option<bool>,
    /// The `source` of the turn whose request carried it, one for all the results it
    /// carried.
    pub source: Arc<Source>,
}

impl Turn {
    /// A turn of `api` that says nothing yet: what reconstruction starts from and fills.
    pub fn empty(api: Api) -> Turn {
        Turn {
            source: Source::default(),
            api,
            streaming: false,
            model: None,
            request_model: None,
            id: None,
            stop_reason: None,
            complete: false,
            usage: None,
            prompt: None,
            text: None,
            refusal: None,
            thoughts: Vec::new(),
            redacted_thoughts: 0,
            tool_calls: Vec::new(),
            error: None,
            events: None,
            warnings: Vec::new(),
            timing: None,
            service: None,
            cost: None,
            request: None,
            tool_results: Arc::from([]),
            session: None,
            threading: Threading::default(),
        }
    }
}

/// Where a turn came from.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, Hash)]
pub struct Source {
    /// The path as given on the command line, joined with the walked relative path.
    pub path: Arc<str>,
    /// The txtar section, for txtar fixtures.
    pub section: Option<String>,
    /// The index inside a multi-exchange file (a HAR entry).
    pub entry: Option<usize>,
    /// The gateway's interception id, from a dump's file name.
    pub interception_id: Option<String>,
    /// The provider a gateway dump's folder names (`anthropic`, `openai`, …).
    pub provider: Option<String>,
}

/// When an exchange started and how long it took. Durations are milliseconds, as HAR
/// gives them (fractions kept); each is null where the capture does not say.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Timing {
    /// RFC 3339 in UTC, to the millisecond (`2025-05-01T21:30:00.123Z`).
    pub started_at: Option<String>,
    /// From sending the request to the response's last byte (HAR `time`).
    pub duration_ms: Option<f64>,
    /// Time to first byte: waiting for the response after the request went out (HAR
    /// `timings.wait`).
    pub wait_ms: Option<f64>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Api {
    AnthropicMessages,
    OpenaiChat,
    OpenaiResponses,
}

impl Api {
    pub fn as_str(self) -> &'static str {
        match self {
            Api::AnthropicMessages => "anthropic-messages",
            Api::OpenaiChat => "openai-chat",
            Api::OpenaiResponses => "openai-responses",
        }
    }

    /// The API a request path names.
    pub fn from_path(path: &str) -> Option<Api> {
        let path = path.split(['?', '#']).next().unwrap_or(path);
        if path.ends_with("/chat/completions") {
            Some(Api::OpenaiChat)
        } else if path.ends_with("/responses") {
            Some(Api::OpenaiResponses)
        } else if path.ends_with("/messages") {
            Some(Api::AnthropicMessages)
        } else {
            None
        }
    }
}

/// Token counts. `input` never includes cache reads, so `input + cache_read + cache_write`
/// is the whole prompt for every provider.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq)]
pub struct Usage {
    pub input: Option<u64>,
    pub output: Option<u64>,
    pub cache_read: Option<u64>,
    pub cache_write: Option<u64>,
    pub reasoning: Option<u64>,
    /// The part of `cache_write` cached for an hour (Anthropic `cache_creation`), priced
    /// above the 5-minute rest.
    pub cache_write_1h: Option<u64>,
    /// Web searches the provider ran (Anthropic `server_tool_use.web_search_requests`,
    /// Responses `web_search_call` items), charged per call.
    pub web_search_requests: Option<u64>,
    /// Web fetches the provider ran (Anthropic `server_tool_use.web_fetch_requests`).
    pub web_fetch_requests: Option<u64>,
    /// What the provider says it charged, in US dollars (OpenRouter `usage.cost`): the
    /// turn's `cost` reports it, so it is not printed twice.
    #[serde(skip)]
    pub provider_usd: Option<f64>,
}

/// Summed token counts: the turn's counts, each the sum over turns that said it.
///
/// 128 bits wide: each count is at most 2^64−1, so the sum over fewer than 2^64 turns is
/// exact. A sum kept in 64 bits would have to stop at 2^64−1 and print a wrong total that
/// looks right.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct UsageSum {
    pub input: u128,
    pub output: u128,
    pub cache_read: u128,
    pub cache_write: u128,
    pub reasoning: u128,
    pub cache_write_1h: u128,
    pub web_search_requests: u128,
    pub web_fetch_requests: u128,
}

impl UsageSum {
    /// Adds a turn's usage.
    pub fn add(&mut self, usage: &Usage) {
        let add = |sum: &mut u128, count: Option<u64>| *sum += u128::from(count.unwrap_or(0));
        add(&mut self.input, usage.input);
        add(&mut self.output, usage.output);
        add(&mut self.cache_read, usage.cache_read);
        add(&mut self.cache_write, usage.cache_write);
        add(&mut self.reasoning, usage.reasoning);
        add(&mut self.cache_write_1h, usage.cache_write_1h);
        add(&mut self.web_search_requests, usage.web_search_requests);
        add(&mut self.web_fetch_requests, usage.web_fetch_requests);
    }

    /// Cache reads over the whole prompt (`input + cache_read + cache_write`).
    pub fn cache_hit_ratio(&self) -> Option<f64> {
        let prompt = self.input as f64 + self.cache_read as f64 + self.cache_write as f64;
        (prompt > 0.0).then(|| self.cache_read as f64 / prompt)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Thought {
    pub source: ThoughtSource,
    pub text: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ThoughtSource {
    /// Anthropic thinking blocks.
    Thinking,
    /// OpenAI Responses reasoning summaries.
    ReasoningSummary,
    /// OpenAI Responses assistant messages with `"phase": "commentary"`.
    Commentary,
    /// Chat providers' `reasoning_content` / `reasoning` deltas, and Responses
    /// `reasoning_text` content (open-weight models' raw reasoning).
    ReasoningContent,
}

impl ThoughtSource {
    /// The name JSONL gives it (`snake_case`), which tables and summaries show too.
    pub fn as_str(self) -> &'static str {
        match self {
            ThoughtSource::Thinking => "thinking",
            ThoughtSource::ReasoningSummary => "reasoning_summary",
            ThoughtSource::Commentary => "commentary",
            ThoughtSource::ReasoningContent => "reasoning_content",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ToolCall {
    pub id: Option<String>,
    pub name: String,
    pub kind: ToolKind,
    /// Parsed JSON for function and server tools; the raw input string for custom tools,
    /// and for function arguments that do not parse (with a warning on the turn).
    #[serde(deserialize_with = "crate::bounded_json::value")]
    pub arguments: Value,
    /// The gateway injected this tool (its name carries the `bmcp_` prefix).
    pub injected: bool,
    /// The thoughts the response gave before this call. Parallel calls after the same
    /// thoughts all have them: a thought belongs to the response, not to one call.
    pub thoughts_before: ThoughtsBefore,
    /// The result a later request carried for this call; null when none did, and for
    /// provider-run (`server`) calls. Set by threading. Boxed: a turn may hold hundreds of
    /// thousands of calls, most of them without a result while reconstruction builds them.
    pub result: Option<Box<CallResult>>,
}

/// The thoughts before a tool call: always the first `count` of the turn's `thoughts`, since
/// thoughts and calls are added in response order. Held and printed as that count, not as
/// the list of indices, so a turn of `n` thoughts and `n` calls takes memory and output
/// linear in `n`, not `n²` (20,000 of each would be 400M indices).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ThoughtsBefore {
    pub count: usize,
}

impl Serialize for ThoughtsBefore {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(self.count as u64)
    }
}

/// Read back from the count JSONL prints, or from the list of indices (`[0, 1, 2]`) that
/// JSONL printed before the count, always `0..count`: its length.
impl<'de> Deserialize<'de> for ThoughtsBefore {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<ThoughtsBefore, D::Error> {
        struct Count;
        impl<'de> serde::de::Visitor<'de> for Count {
            type Value = ThoughtsBefore;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a count of thoughts (or a list of thought indices)")
            }
            fn visit_u64<E: serde::de::Error>(self, count: u64) -> Result<Self::Value, E> {
                let count = usize::try_from(count).map_err(E::custom)?;
                Ok(ThoughtsBefore { count })
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                let mut count = 0;
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
                    count += 1;
                }
                Ok(ThoughtsBefore { count })
            }
        }
        d.deserialize_any(Count)
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ToolKind {
    Function,
    Custom,
    Server,
}

/// A provider error the capture recorded: an HTTP error response or an error inside a stream.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TurnError {
    pub status: Option<u16>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub message: Option<String>,
    pub mid_stream: bool,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct EventCounts {
    pub total: u64,
    pub unknown: u64,
}

/// The prefix aibridge gives the MCP tools it injects into a request.
pub const INJECTED_TOOL_PREFIX: &str = "bmcp_";
