//! Decoding: what each API's events and bodies mean, written down once.
//!
//! Framing hands over exchanges whose streams are split into events; this layer tells which
//! API an exchange speaks ([`stream_api`], [`body_api`], [`api_from_request`]) and reads every
//! event once, into a typed, borrowing view of its API ([`anthropic::Event`],
//! [`chat::Chunk`], [`responses::Event`]), carrying its line. Two consumers take those
//! events: the accumulator that builds the turn ([`crate::reconstruct`]) and the grammar
//! checker that makes findings ([`crate::validate`]). Neither knows an event type, a delta
//! type, an item key or a terminal event of its own: they ask the modules here, so the two
//! cannot drift apart.

pub mod anthropic;
pub mod by_index;
pub mod chat;
pub mod chat_calls;
pub mod error;
pub mod lenient;
pub mod numbered;
pub mod responses;

use std::ops::ControlFlow;

use serde::Deserialize;
use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::bounded_json;
use crate::frame::sse::{self, Framing, SseEvent, SseStream};
use crate::frame::surrogates;
use crate::quote;
use crate::turn::{Api, Service, Usage};
use lenient::Lenient;

/// One stream event, read once for every consumer.
pub struct Event<'a> {
    /// 1-based line of the event's first line in the file.
    pub line: usize,
    /// The `event:` field (`message` when there was none).
    pub name: &'a str,
    /// The raw data.
    pub data: &'a str,
    pub body: Data<'a>,
    /// The API's terminal event type (`response.completed`) this event names itself, by its
    /// `event:` field or its data's top-level `type`, when its data is too big or too deep
    /// to read ([`unread_terminal`]). The stream did end there; only what the event restates
    /// (usage, output) is lost, and neither consumer may say the stream ends without it.
    pub unread_terminal: Option<String>,
    /// The lone UTF-16 surrogate escapes its data held, read as U+FFFD
    /// ([`crate::frame::surrogates`]): a JavaScript gateway that re-chunks text cuts an
    /// emoji in two (hostile run 68).
    pub lone_surrogates: Vec<[u8; 6]>,
}

/// An event's data, decoded for the stream's API.
pub enum Data<'a> {
    /// Chat's `[DONE]` marker.
    Done,
    Anthropic(anthropic::Event<'a>),
    Chat(chat::Chunk<'a>),
    Responses(responses::Event<'a>),
    /// No JSON, or JSON of a shape the API's events never have (an array, say): the event
    /// is skipped, and reported.
    Invalid(serde_json::Error),
}

impl Event<'_> {
    /// The type the data gives itself (`"type"`), if any.
    pub fn data_kind(&self) -> Option<&str> {
        match &self.body {
            Data::Anthropic(e) => e.kind.as_str(),
            Data::Responses(e) => e.kind.as_str(),
            _ => None,
        }
    }

    /// The event's type: its data's `type`, else its `event:` field.
    pub fn kind(&self) -> &str {
        self.data_kind().unwrap_or(self.name)
    }
}

/// A framed stream's events, to decode for one API: given, or told by the first event.
pub struct Events<'s> {
    /// `None`: the first event is to tell it ([`Events::told_by_first`]).
    api: Option<Api>,
    stream: &'s SseStream<'s>,
}

/// How a stream's events ended, once each was decoded.
#[derive(Debug, Default)]
pub struct StreamEnd {
    /// What framing found besides the events.
    pub framing: Framing,
    /// The line of a last event that was cut off inside its data: it is no whole event (its
    /// half JSON is not an unknown event either), so it is left out, and the stream is
    /// truncated there.
    pub cut: Option<usize>,
    /// How many whole events there were.
    pub count: usize,
    /// The line of the last whole event.
    pub last_line: Option<usize>,
    /// Events not handed on for opening more numbered things than a stream may
    /// ([`numbered`]).
    pub left_out: Option<numbered::LeftOut>,
}

impl<'s> Events<'s> {
    pub fn of(api: Api, stream: &'s SseStream<'s>) -> Events<'s> {
        Events {
            api: Some(api),
            stream,
        }
    }

    /// A stream whose API its first event is to tell, as [`stream_api`] would from it. Nearly
    /// every stream's first event does: the stream is then framed once, where finding its
    /// API first framed the first event twice (0.7% of a run of small files).
    pub fn told_by_first(stream: &'s SseStream<'s>) -> Events<'s> {
        Events { api: None, stream }
    }

    /// Frames the stream and hands each whole event, decoded, to `each` with the stream's
    /// API, in order, and says the API and how the stream ended. One event is held back
    /// until the next comes: a last event with no blank line after it matters only when it
    /// was cut mid-line, which only the end of the body tells. `None`, with nothing handed,
    /// when the first event was to tell the API and there was none or it did not tell.
    pub fn each(&self, mut each: impl FnMut(Api, &Event)) -> Option<(Api, StreamEnd)> {
        let mut api = self.api;
        let mut end = StreamEnd::default();
        let mut held: Option<SseEvent> = None;
        let mut opened = numbered::Numbered::default();
        let mut hand = |api: Api, event: SseEvent, end: &mut StreamEnd| {
            end.count += 1;
            end.last_line = Some(event.line);
            let event = decode(api, &event);
            if opened.admit(&event) {
                each(api, &event);
            }
            end.left_out = opened.left_out();
        };
        end.framing = self.stream.each(|event| {
            let api = match api {
                Some(api) => api,
                None => match told(&event).0 {
                    Some(first) => *api.insert(first),
                    None => return ControlFlow::Break(()),
                },
            };
            if let Some(before) = held.replace(event) {
                hand(api, before, &mut end);
            }
            ControlFlow::Continue(())
        });
        let api = api?;
        if let Some(last) = held {
            // When it parses, the missing blank line lost nothing.
            match end.framing.truncated.is_some() && !sse::is_whole_event(&last.data) {
                true => end.cut = Some(last.line),
                false => hand(api, last, &mut end),
            }
        }
        Some((api, end))
    }
}

fn decode<'a>(api: Api, event: &'a SseEvent<'_>) -> Event<'a> {
    let data: &str = &event.data;
    let mut lone_surrogates = Vec::new();
    let body = if chat::is_done(data) {
        Data::Done
    } else {
        match parse(api, data) {
            // A number beyond what a float holds (`1e400`) fails the whole event in
            // serde_json, though the JSON is good: read again with such numbers as strings
            // of their text, so they cost only their own field (a usage count becomes a
            // bad count, reported), never the event.
            Data::Invalid(err)
                if lenient::JsonFault::of(&err) == lenient::JsonFault::OutOfRange =>
            {
                match bounded_json::from_str(&lenient::out_of_range_as_strings(data)) {
                    // Read from the owned tree, the views own their strings.
                    Ok(value) => parse_value(api, value),
                    Err(_) => Data::Invalid(err),
                }
            }
            Data::Invalid(err) if lenient::JsonFault::of(&err) == lenient::JsonFault::Syntax => {
                match surrogates::mended(data.as_bytes()) {
                    Some((mended, escapes)) => match bounded_json::from_slice(&mended) {
                        Ok(value) => {
                            lone_surrogates = escapes;
                            parse_value(api, value)
                        }
                        Err(_) => Data::Invalid(err),
                    },
                    None => Data::Invalid(err),
                }
            }
            body => body,
        }
    };
    let unread_terminal = match &body {
        Data::Invalid(err) => unread_terminal(api, &event.event, data, err),
        _ => None,
    };
    Event {
        line: event.line,
        name: &event.event,
        data,
        body,
        unread_terminal,
        lone_surrogates,
    }
}

/// The terminal event type of `api` that an event named `name` holding `data` is, when
/// `err` says its data is too big or too deep to read: JSON that may be good, unlike data
/// that is no JSON or cut off, which says nothing of what the event was. The type is the
/// `event:` field's, else the data's top level's, read with everything below it skipped.
fn unread_terminal(api: Api, name: &str, data: &str, err: &serde_json::Error) -> Option<String> {
    use lenient::JsonFault;
    if !matches!(
        JsonFault::of(err),
        JsonFault::OverBudget(_) | JsonFault::TooDeep
    ) {
        return None;
    }
    let top;
    let kind = match name {
        "message" => {
            top = bounded_json::shallow(data.as_bytes()).ok()?;
            str_at(&top, "type")?
        }
        named => named,
    };
    let terminal = match api {
        Api::AnthropicMessages => kind == anthropic::TERMINAL,
        Api::OpenaiResponses => matches!(
            responses::EventKind::of(kind),
            Some(responses::EventKind::Terminal(_))
        ),
        // Chat's end is `[DONE]`, which is no JSON to be too big.
        Api::OpenaiChat => false,
    };
    terminal.then(|| kind.to_string())
}

fn parse(api: Api, data: &str) -> Data<'_> {
    let parsed = match api {
        Api::AnthropicMessages => serde_json::from_str(data).map(Data::Anthropic),
        Api::OpenaiChat => serde_json::from_str(data).map(Data::Chat),
        Api::OpenaiResponses => serde_json::from_str(data).map(Data::Responses),
    };
    parsed.unwrap_or_else(Data::Invalid)
}

fn parse_value<'a>(api: Api, value: Value) -> Data<'a> {
    use serde::Deserialize;
    let parsed = match api {
        Api::AnthropicMessages => anthropic::Event::deserialize(value).map(Data::Anthropic),
        Api::OpenaiChat => chat::Chunk::deserialize(value).map(Data::Chat),
        Api::OpenaiResponses => responses::Event::deserialize(value).map(Data::Responses),
    };
    parsed.unwrap_or_else(Data::Invalid)
}

/// A count in usage that is there but is no whole, non-negative number within u64 (`-1`,
/// `12.5`, `"12"`, `2^64`, `1e400`): it is left out, the earlier count kept, and reported
/// by both consumers, never silently.
pub use crate::warning::{BadCount, Wanted};

/// The counts at `fields` (dotted paths into `usage`) that are there but bad. A null is a
/// count not said, as an absent one.
pub fn bad_counts<S: AsRef<str>>(usage: &Value, fields: &[S]) -> Vec<BadCount> {
    fields
        .iter()
        .filter_map(|field| {
            let field = field.as_ref();
            let value = at_path(usage, field)?;
            if value.is_null() || value.as_u64().is_some() {
                return None;
            }
            // A whole number past the largest u64, which JSON reads as a float.
            if value
                .as_f64()
                .is_some_and(|n| n.fract() == 0.0 && n >= u64::MAX as f64)
            {
                return Some(BadCount {
                    field: field.to_string(),
                    value: String::new(),
                    wanted: Wanted::TooLarge,
                });
            }
            let value = match value {
                Value::String(text) => match lenient::out_of_range_text(text) {
                    Some(number) => number.to_string(),
                    None => value.to_string(),
                },
                other => other.to_string(),
            };
            // A hostile count may be a long string or a big object: the start tells. It is
            // redacted whole before it is cut, so what marks a credential past the cut (a
            // URL's `@`, a credential's name after its value) still marks it; one too long
            // to redact is not quoted at all (see `quote::clip`).
            let value = quote::clip_to(&value, 40).into_owned();
            Some(BadCount {
                field: field.to_string(),
                value,
                wanted: Wanted::Count,
            })
        })
        .collect()
}

/// The value at `field`, a dotted path into `usage` (`cost_details.upstream_inference_cost`).
fn at_path<'a>(usage: &'a Value, field: &str) -> Option<&'a Value> {
    field
        .split('.')
        .try_fold(usage, |value, key| value.get(key))
}

/// The most a provider's reported cost of one turn may be, in US dollars: a turn of a
/// million tokens at the dearest rates costs a few hundred. A `cost` past it (or below
/// zero, or no number) is no charge: it is left out with a warning, as a bad count is, and
/// sums of costs stay finite.
pub const MAX_PROVIDER_USD: f64 = 1e6;

/// Whether `usd` is a cost a provider may report for one turn ([`MAX_PROVIDER_USD`]).
pub fn plausible_usd(usd: f64) -> bool {
    (0.0..=MAX_PROVIDER_USD).contains(&usd)
}

/// The costs of OpenAI-shaped usage (`cost`, `cost_details.upstream_inference_cost`) that
/// are there but no cost [`provider_cost`] takes.
fn bad_costs(usage: &Value) -> impl Iterator<Item = BadCount> + '_ {
    ["cost", "cost_details.upstream_inference_cost"]
        .into_iter()
        .filter_map(move |field| {
            let value = at_path(usage, field)?;
            if value.is_null() || value.as_f64().is_some_and(plausible_usd) {
                return None;
            }
            Some(BadCount {
                field: field.to_string(),
                value: quote::clip_to(&value.to_string(), 40).into_owned(),
                wanted: Wanted::Dollars {
                    max: MAX_PROVIDER_USD as u64,
                },
            })
        })
}

/// The counts of OpenAI usage, named by `[prompt, output]` as in [`openai_usage`].
pub fn openai_bad_counts(usage: &Value, [prompt, output]: [&str; 2]) -> Vec<BadCount> {
    let fields = [
        prompt.to_string(),
        output.to_string(),
        "total_tokens".to_string(),
        format!("{prompt}_details.cached_tokens"),
        "prompt_cache_hit_tokens".to_string(),
        format!("{output}_details.reasoning_tokens"),
    ];
    let mut bad = bad_counts(usage, &fields);
    bad.extend(bad_costs(usage));
    bad
}

/// `value[key]` as a string.
pub fn str_at<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

/// `value[key]` as a token count.
pub fn count_at(value: &Value, key: &str) -> Option<u64> {
    value.get(key).and_then(Value::as_u64)
}

/// OpenAI usage (Chat and Responses alike), whose counts are named by `[prompt, output]`
/// (`prompt_tokens`/`completion_tokens`, `input_tokens`/`output_tokens`), with cached and
/// reasoning counts in `<name>_details`. The prompt count includes cached tokens, which
/// this tool reports apart, so `input` is what was not read from the cache.
pub fn openai_usage(value: &Value, [prompt, output]: [&str; 2]) -> Usage {
    let prompt_count = count_at(value, prompt);
    let cached = openai_cached(value, prompt).map(|(_, n)| n);
    Usage {
        input: prompt_count.map(|p| p.saturating_sub(cached.unwrap_or(0))),
        output: count_at(value, output),
        cache_read: cached,
        cache_write: None,
        reasoning: openai_detail(value, output, "reasoning_tokens"),
        cache_write_1h: None,
        web_search_requests: None,
        web_fetch_requests: None,
        provider_usd: provider_cost(value),
    }
}

/// The cost a provider put into usage (OpenRouter and some gateways: `cost`, in US
/// dollars). With a key of the user's own (`is_byok`), `cost` is only the provider's fee and
/// the model's charge is `cost_details.upstream_inference_cost`: the two are added.
pub fn provider_cost(value: &Value) -> Option<f64> {
    let dollars = |value: Option<&Value>| value?.as_f64().filter(|&usd| plausible_usd(usd));
    let cost = dollars(value.get("cost"))?;
    let upstream = match value.get("is_byok").and_then(Value::as_bool) {
        Some(true) => dollars(
            value
                .get("cost_details")
                .and_then(|d| d.get("upstream_inference_cost")),
        )?,
        _ => 0.0,
    };
    // To a ten-billionth of a dollar, as table costs are: 0.000015 + 0.0003 is
    // 0.00031499999999999996 in floats.
    Some(((cost + upstream) * 1e10).round() / 1e10)
}

/// The service tier an OpenAI response object or chunk names (top-level `service_tier`).
pub fn openai_service(tier: Option<&str>) -> Service {
    Service {
        tier: tier.map(str::to_string),
        ..Service::default()
    }
}

/// A count in OpenAI usage's `<name>_details` object.
pub fn openai_detail(value: &Value, name: &str, key: &str) -> Option<u64> {
    value
        .get(format!("{name}_details"))
        .and_then(|d| count_at(d, key))
}

/// The cached prompt tokens of OpenAI usage, with the key that gave them. DeepSeek reports
/// cache hits as `prompt_cache_hit_tokens` instead of the details object.
pub fn openai_cached(value: &Value, prompt: &str) -> Option<(&'static str, u64)> {
    openai_detail(value, prompt, "cached_tokens")
        .map(|n| ("cached_tokens", n))
        .or_else(|| {
            count_at(value, "prompt_cache_hit_tokens").map(|n| ("prompt_cache_hit_tokens", n))
        })
}

/// The API a request body is shaped for.
pub fn api_from_request(request: &Value) -> Option<Api> {
    if request.get("input").is_some() || request.get("instructions").is_some() {
        return Some(Api::OpenaiResponses);
    }
    let messages = request.get("messages")?.as_array()?;
    let model = str_at(request, "model").unwrap_or_default();
    let anthropic = request.get("system").is_some()
        || request.get("anthropic_version").is_some()
        || request.get("thinking").is_some()
        || model.starts_with("claude")
        || model.contains("anthropic")
        || has_block(
            messages,
            &["tool_use", "tool_result", "thinking", "redacted_thinking"],
        )
        || has_anthropic_tools(request);
    Some(if anthropic {
        Api::AnthropicMessages
    } else {
        Api::OpenaiChat
    })
}

/// The API a request body is surely for, by fields no other API's request takes: `input`
/// with no `messages` (Responses); a tool's `input_schema`, or a `tool_use` or
/// `tool_result` block (Anthropic); a message of role `system`, `developer` or `tool`, or
/// with `tool_calls` (Chat). Not a model's name: gateways serve `claude-…` over the Chat
/// API; nor `system` or `thinking` at the top, which OpenAI-compatible servers take too.
pub fn api_surely_of_request(request: &Value) -> Option<Api> {
    let messages = request.get("messages").and_then(Value::as_array);
    let Some(messages) = messages else {
        return request
            .get("input")
            .is_some()
            .then_some(Api::OpenaiResponses);
    };
    let anthropic =
        has_anthropic_tools(request) || has_block(messages, &["tool_use", "tool_result"]);
    let chat_messages = messages.iter().any(|m| {
        matches!(str_at(m, "role"), Some("system" | "developer" | "tool"))
            || m.get("tool_calls").is_some()
    });
    match (anthropic, chat_messages) {
        (true, false) => Some(Api::AnthropicMessages),
        (false, true) => Some(Api::OpenaiChat),
        _ => None,
    }
}

/// Whether a request offers a tool by Anthropic's `input_schema`.
fn has_anthropic_tools(request: &Value) -> bool {
    request["tools"]
        .as_array()
        .is_some_and(|tools| tools.iter().any(|t| t.get("input_schema").is_some()))
}

/// Whether a message holds a content block of one of `types`.
fn has_block(messages: &[Value], types: &[&str]) -> bool {
    messages.iter().any(|m| {
        m["content"].as_array().is_some_and(|parts| {
            (parts.iter()).any(|p| str_at(p, "type").is_some_and(|t| types.contains(&t)))
        })
    })
}

/// Whether an event type (a data `type` or an `event:` name) is surely Anthropic's or
/// Responses'.
fn api_of_kind(kind: &str) -> Option<Api> {
    if anthropic::EventKind::of(kind).is_some_and(anthropic::EventKind::tells_api) {
        Some(Api::AnthropicMessages)
    } else if kind.starts_with("response.") {
        Some(Api::OpenaiResponses)
    } else {
        None
    }
}

/// The API of a stream, from the first event that tells. Framing stops there (nearly
/// always at the first event).
pub fn stream_api(stream: &SseStream<'_>) -> Option<Api> {
    let mut api = None;
    // Only errors and pings: the first error's shape tells Anthropic
    // (`{"type":"error","error":{}}`) from a Chat error chunk (`{"error":{}}`) and a
    // Responses error event (`{"type":"error","code"}`), if no later event tells.
    let mut first: Option<(Option<bool>, bool)> = None;
    stream.each(|event| {
        let (told, data) = told(&event);
        api = told;
        if api.is_some() {
            return ControlFlow::Break(());
        }
        if let Some(data) = data {
            let is_error = data.kind.as_str().map(|kind| kind == "error");
            first.get_or_insert((is_error, data.error == Kind::Object));
        }
        ControlFlow::Continue(())
    });
    if api.is_some() {
        return api;
    }
    match first? {
        (Some(true), true) => Some(Api::AnthropicMessages),
        (None, true) => Some(Api::OpenaiChat),
        (Some(true), false) => Some(Api::OpenaiResponses),
        _ => None,
    }
}

/// The API one event tells, by its `event:` field or its data, and its data's telltale when
/// the data is JSON.
fn told<'e>(event: &'e SseEvent<'_>) -> (Option<Api>, Option<Telltale<'e>>) {
    if let Some(api) = api_of_kind(&event.event) {
        return (Some(api), None);
    }
    let Some(data) = Telltale::of(&event.data) else {
        return (None, None);
    };
    (data.api(), Some(data))
}

/// The API an event's data tells, given as JSON whole (a cut event's, mended: see
/// `reconstruct::rebuild`); `None` when it tells none.
pub fn api_of_data(data: &str) -> Option<Api> {
    Telltale::of(data)?.api()
}

/// What tells a stream's API in one event's data, read without building its tree (an
/// event may carry megabytes of anything).
#[derive(Default, Deserialize)]
struct Telltale<'a> {
    #[serde(rename = "type", borrow, default)]
    kind: Lenient<'a>,
    #[serde(borrow, default)]
    object: Lenient<'a>,
    #[serde(default)]
    choices: Kind,
    #[serde(default)]
    error: Kind,
}

impl<'a> Telltale<'a> {
    /// The API the data tells: by its event type, or as a Chat chunk.
    fn api(&self) -> Option<Api> {
        self.kind.as_str().and_then(api_of_kind).or_else(|| {
            (self.choices != Kind::Absent || self.object.as_str() == Some(chat::CHUNK_OBJECT))
                .then_some(Api::OpenaiChat)
        })
    }

    /// The telltale of `data` if it is JSON; an empty one for JSON that is no object.
    fn of(data: &'a str) -> Option<Telltale<'a>> {
        match data.trim_start().starts_with('{') {
            true => serde_json::from_str(data).ok(),
            false => serde_json::from_str::<IgnoredAny>(data)
                .ok()
                .map(|_| Telltale::default()),
        }
    }
}

/// What kind of JSON value a field holds, its contents skipped.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Kind {
    #[default]
    Absent,
    Object,
    Other,
}

impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Kind, D::Error> {
        struct KindVisitor;
        impl<'de> Visitor<'de> for KindVisitor {
            type Value = Kind;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Kind, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Kind::Object)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Kind, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Kind::Other)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Kind, E> {
                Ok(Kind::Other)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Kind, E> {
                Ok(Kind::Other)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Kind, E> {
                Ok(Kind::Other)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Kind, E> {
                Ok(Kind::Other)
            }
            fn visit_str<E>(self, _: &str) -> Result<Kind, E> {
                Ok(Kind::Other)
            }
            fn visit_unit<E>(self) -> Result<Kind, E> {
                Ok(Kind::Other)
            }
        }
        d.deserialize_any(KindVisitor)
    }
}

/// A body that is only an error: `{"type":"error","error":{..}}` or `{"error":{..}}`.
pub fn is_error_body(value: &Value) -> bool {
    value
        .get("error")
        .is_some_and(|e| e.is_object() || e.is_string())
        && value.get("choices").is_none()
        && value.get("content").is_none()
        && value.get("output").is_none()
}

/// The API of a blocking body; for an error body, what `hint` (the API the request
/// suggests) says.
pub fn body_api(value: &Value, hint: Option<Api>) -> Option<Api> {
    let kind = str_at(value, "type");
    let object = str_at(value, "object");
    if kind == Some("message")
        || (value.get("content").is_some_and(Value::is_array) && value.get("role").is_some())
    {
        return Some(Api::AnthropicMessages);
    }
    if object == Some("chat.completion") || value.get("choices").is_some_and(Value::is_array) {
        return Some(Api::OpenaiChat);
    }
    if object == Some("response") || value.get("output").is_some_and(Value::is_array) {
        return Some(Api::OpenaiResponses);
    }
    if is_error_body(value) {
        if kind == Some("error") {
            return Some(Api::AnthropicMessages);
        }
        return hint
            .or(Some(Api::OpenaiChat))
            .filter(|_| hint.is_some() || value["error"].get("message").is_some());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bad_counts_name_what_is_there_but_no_count() {
        let usage = json!({"input_tokens": 3, "output_tokens": null,
            "cache_creation": {"ephemeral_1h_input_tokens": -1},
            "server_tool_use": 7,
            "cache_read_input_tokens": "x".repeat(50)});
        let bad = anthropic::bad_counts(&usage);
        let shown: Vec<String> = bad.iter().map(ToString::to_string).collect();
        // A good count, a null, and a path through a non-object are no bad counts; a long
        // value is cut at 40 characters (the quote and 39 x's).
        assert_eq!(
            shown,
            [
                format!(
                    "usage `cache_read_input_tokens` is \"{}…, not a whole non-negative count",
                    "x".repeat(39)
                ),
                "usage `cache_creation.ephemeral_1h_input_tokens` is -1, not a whole non-negative count"
                    .to_string(),
            ]
        );
    }

    #[test]
    fn a_whole_count_past_the_largest_is_said_so_not_quoted_as_a_float() {
        // Hostile run 61: 2^64 was "1.8446744073709552e+19, not a whole non-negative count".
        let usage: Value = serde_json::from_str(
            r#"{"input_tokens": 18446744073709551616, "output_tokens": 1.5e30,
                "cache_read_input_tokens": 2.5}"#,
        )
        .unwrap();
        let shown: Vec<String> = (anthropic::bad_counts(&usage).iter())
            .map(ToString::to_string)
            .collect();
        let past = "a count past 18,446,744,073,709,551,615, the largest one this tool holds";
        assert_eq!(
            shown,
            [
                format!("usage `input_tokens` is {past}"),
                format!("usage `output_tokens` is {past}"),
                "usage `cache_read_input_tokens` is 2.5, not a whole non-negative count".into(),
            ]
        );
    }

    #[test]
    fn a_bad_count_is_redacted_before_it_is_cut() {
        // What marks the value as a credential lies past the 40 characters shown: a URL's
        // `@`, a credential's name after the value.
        for value in [
            "https://svc-account:ZQX9k2a8Hd73Lp0qWm5@gw.example.com/v1",
            "ZQX9k2a8Hd73Lp0qWm5 was rejected as the x-api-key",
            "postgres://analytic:ZQX9k2a8Hd73Lp0qWm5@db.internal/x",
        ] {
            for bad in [
                anthropic::bad_counts(&json!({"output_tokens": value})),
                chat::bad_counts(&json!({"completion_tokens": value})),
                responses::bad_counts(&json!({"output_tokens": value})),
            ] {
                let shown = bad[0].to_string();
                assert!(!shown.contains("ZQX9"), "{shown}");
                assert!(bad[0].value.chars().count() <= 41, "{shown}");
            }
        }
        let far = format!("{} x-api-key", "ZQX9k2a8Hd73Lp0qWm5 ".repeat(300));
        let shown = anthropic::bad_counts(&json!({ "output_tokens": far }))[0].to_string();
        assert!(!shown.contains("ZQX9"), "{shown}");
    }

    #[test]
    fn provider_cost_adds_the_upstream_charge_of_an_own_key() {
        assert_eq!(provider_cost(&json!({"cost": 0.00027})), Some(0.00027));
        assert_eq!(provider_cost(&json!({"prompt_tokens": 3})), None);
        // BYOK: OpenRouter's fee 0.000015 + the upstream 0.0003 = 0.000315.
        let byok = json!({"cost": 0.000015, "is_byok": true,
            "cost_details": {"upstream_inference_cost": 0.0003}});
        assert_eq!(provider_cost(&byok), Some(0.000315));
        // BYOK without the upstream figure: the charge is not known; the table prices it.
        let unknown = json!({"cost": 0.000015, "is_byok": true,
            "cost_details": {"upstream_inference_cost": null}});
        assert_eq!(provider_cost(&unknown), None);
    }

    #[test]
    fn a_provider_cost_that_is_no_charge_is_left_out_and_named() {
        // Hostile run 27, D2: 1e300 became infinite when rounded, printed as null, which
        // JSONL could not read back; a negative cost was taken as given.
        for cost in [
            json!(1e300),
            json!(-0.5),
            json!(1e7),
            json!("0.01"),
            json!([1]),
        ] {
            let usage = json!({"prompt_tokens": 3, "completion_tokens": 1, "cost": cost});
            assert_eq!(provider_cost(&usage), None, "{cost}");
            let bad = chat::bad_counts(&usage);
            assert_eq!(bad.len(), 1, "{cost}");
            assert_eq!(bad[0].field, "cost");
            assert!(
                bad[0]
                    .to_string()
                    .ends_with("not a cost in US dollars from 0 to 1,000,000"),
                "{}",
                bad[0]
            );
        }
        let usage = json!({"cost": 0.25, "is_byok": true,
            "cost_details": {"upstream_inference_cost": -1}});
        assert_eq!(provider_cost(&usage), None);
        assert_eq!(
            responses::bad_counts(&usage)[0].field,
            "cost_details.upstream_inference_cost"
        );
        assert!(chat::bad_counts(&json!({"cost": 0.25, "cost_details": null})).is_empty());
    }
}
