//! Reconstruction: one framed exchange in, one normalized [`Turn`] out.
//!
//! Pure by design: no I/O, no printing. The API is told from the response first (event
//! types, object shapes), then the request path, then the request body ([`crate::decode`]).
//! Every event is decoded once and handed to the accumulator of its API; an [`Observer`]
//! (`validate`'s grammar checker) may ride along and see each decoded event, body and
//! request as it goes by, so nothing is parsed twice.

mod anthropic;
pub mod bounds;
mod builder;
mod openai_chat;
mod openai_responses;
pub mod partial_json;
mod prompt;
mod reasons;

use std::cell::{Cell, OnceCell};
use std::sync::Arc;

use serde_json::Value;

use crate::bounded_json;
use crate::decode::lenient::JsonFault;
use crate::decode::{self, Event, Events, StreamEnd, body_api, is_error_body, str_at, stream_api};
use crate::frame::credentials::Credentials;
use crate::frame::sse::SseStream;
use crate::frame::surrogates;
use crate::frame::{Body, Exchange, Response};
use crate::request::RequestRead;
use crate::turn::{Api, Source, Turn, TurnError};
use crate::warning::{EventFault, Held, TooDeep, Warning};
use builder::Builder;
pub use reasons::{NoTurn, Unreadable};

/// What became of one exchange.
#[derive(Debug)]
pub enum Outcome {
    Turn(Box<Turn>),
    /// Not LLM traffic this tool reads (a `/v1/models` listing, say): not a failure.
    Skipped(NoTurn),
    /// Unreadable: a failure for the file.
    Failed(Unreadable),
}

/// Sees what reconstruction decodes, as it decodes it. A second consumer of the decoded
/// exchange (`validate`'s grammar checker) implements it, so each event and body is read
/// once for both. Every method has a default that ignores what it is given.
pub trait Observer {
    /// A stream of `api` is about to be decoded (from a log of JSON lines, or not).
    fn stream(&mut self, _api: Api, _json_lines: bool) {}
    /// One decoded event of that stream, in order.
    fn event(&mut self, _event: &Event) {}
    /// The stream's events are all decoded; `end` says how it ended.
    fn stream_end(&mut self, _end: &StreamEnd) {}
    /// A blocking JSON body, parsed strictly: the value, or why it is no JSON. `api` is
    /// the API it was told to be, if any.
    fn body(
        &mut self,
        _api: Option<Api>,
        _text: &[u8],
        _parsed: Result<&Value, &serde_json::Error>,
    ) {
    }
}

/// The observer that observes nothing: plain reconstruction.
impl Observer for () {}

/// A request body, parsed once for every exchange that shares it (the sections of a txtar),
/// and read once: its turns share what it says, so a request of megabytes answered by a
/// thousand sections is held once, not a thousand times; and past the first
/// [`bounds::SHARED_WHOLE`] turns, they share it cut ([`bounds::cut_shared`]), so that it
/// is not printed a thousand times either.
#[derive(Debug)]
pub struct ParsedRequest {
    /// The body as JSON, mended when it was cut short.
    pub value: Option<Value>,
    /// Why the body is not JSON as it stands (before mending), if it is not.
    pub error: Option<serde_json::Error>,
    mended: bool,
    /// The body is empty, or blank: a request sent with none, not one that is no JSON
    /// (hostile run 65: it was said to be).
    empty: bool,
    /// What the body says, read for each API an exchange asked for (one, in practice; a
    /// hostile txtar alternates them, and each read anew would be held anew), whole and
    /// cut.
    shared: [OnceCell<(Shared, OnceCell<Shared>)>; 3],
    /// How many turns have taken what the body says.
    readers: Cell<usize>,
}

/// What a request says, as a turn holds it.
#[derive(Debug, Clone)]
struct Shared {
    prompt: Option<Arc<str>>,
    read: RequestRead,
    /// What was cut of it, said on each turn that holds it.
    warnings: Vec<Warning>,
}

impl ParsedRequest {
    pub fn of(body: &[u8]) -> ParsedRequest {
        let (value, error, mended) = match bounded_json::from_slice(body) {
            Ok(value) => (Some(value), None, false),
            // JSON too big to hold is whole all the same: there is nothing to mend.
            Err(err) if matches!(JsonFault::of(&err), JsonFault::OverBudget(_)) => {
                (None, Some(err), false)
            }
            Err(err) => {
                let value = partial_json::parse_lenient(body).map(|(value, _)| value);
                let mended = value.is_some();
                (value, Some(err), mended)
            }
        };
        ParsedRequest {
            value,
            error,
            mended,
            empty: body.trim_ascii().is_empty(),
            shared: Default::default(),
            readers: Cell::new(0),
        }
    }

    /// What the body says to an exchange of `api`: read once for each API, and shared by
    /// the turns that take it; cut for those past the first [`bounds::SHARED_WHOLE`]. The
    /// names it gives lose the `credentials` of the exchange's heads, which every exchange
    /// that shares the body shares (a txtar's: [`crate::frame::frame_txtar`]).
    fn shared(&self, api: Api, credentials: &Credentials) -> Option<Shared> {
        let value = self.value.as_ref()?;
        let (whole, cut) = self.shared[api as usize].get_or_init(|| {
            let mut read = crate::request::read(api, value);
            if !credentials.is_empty() {
                read.names_mut(|name| credentials.cut(name));
            }
            let warnings = bounds::bound_read(&mut read);
            let prompt = prompt::of(api, value).map(Arc::from);
            (
                Shared {
                    prompt,
                    read,
                    warnings,
                },
                OnceCell::new(),
            )
        });
        let readers = self.readers.get() + 1;
        self.readers.set(readers);
        if readers <= bounds::SHARED_WHOLE {
            return Some(whole.clone());
        }
        let cut = cut.get_or_init(|| {
            let (prompt, read, cuts) = bounds::cut_shared(whole.prompt.as_ref(), &whole.read);
            let warnings = whole.warnings.iter().cloned().chain(cuts).collect();
            Shared {
                prompt,
                read,
                warnings,
            }
        });
        Some(cut.clone())
    }

    fn warning(&self) -> Option<Warning> {
        match (&self.value, &self.error) {
            _ if self.empty => Some(Warning::RequestEmpty),
            (Some(_), Some(_)) if self.mended => Some(Warning::RequestCutShort),
            (None, Some(err)) if matches!(JsonFault::of(err), JsonFault::OverBudget(_)) => {
                Some(Warning::RequestOverBudget)
            }
            (None, Some(_)) => Some(Warning::RequestNotJson),
            _ => None,
        }
    }
}

/// Rebuilds the turn of `exchange`; `source` says where it came from.
pub fn reconstruct(exchange: &Exchange, source: Source) -> Outcome {
    let request = exchange.request_body().map(ParsedRequest::of);
    reconstruct_observed(exchange, request.as_ref(), source, &mut ())
}

/// Rebuilds the turn of `exchange`, whose request body is already parsed, showing what it
/// decodes to `observer`.
pub fn reconstruct_observed(
    exchange: &Exchange,
    parsed: Option<&ParsedRequest>,
    source: Source,
    observer: &mut impl Observer,
) -> Outcome {
    let mut warnings = exchange.warnings.clone();
    warnings.extend(parsed.and_then(ParsedRequest::warning));
    if exchange.request.as_ref().is_some_and(|r| r.body.is_none()) {
        warnings.push(Warning::RequestNotKept);
    }
    let request = parsed.and_then(|r| r.value.as_ref());
    let target = exchange.request.as_ref().and_then(|r| r.target.as_deref());
    let hint = target
        .and_then(Api::from_path)
        .or_else(|| request.and_then(decode::api_from_request));
    if is_request_alone(exchange) {
        return skipped(NoTurn::RequestOnly);
    }
    let rebuilt = match exchange.request_error {
        Some(text) => request_failed(text, hint),
        None => rebuild(&exchange.response, hint, observer),
    };
    let mut b = match rebuilt {
        Ok(b) => b,
        Err(outcome) => return outcome,
    };
    let asked = (target.and_then(Api::from_path).map(|api| (api, true))).or_else(|| {
        request
            .and_then(decode::api_surely_of_request)
            .map(|api| (api, false))
    });
    if let Some((asked, by_path)) = asked.filter(|(api, _)| *api != b.api) {
        warnings.push(Warning::OtherApiAsked {
            asked,
            answered: b.api,
            by_path,
        });
    }
    b.warnings.splice(0..0, warnings);
    assemble(b, exchange, parsed, source)
}

/// A request whose capture holds no response at all: no status, no body, no error text.
fn is_request_alone(exchange: &Exchange) -> bool {
    let response = &exchange.response;
    exchange.request_body().is_some()
        && exchange.request_error.is_none()
        && response.status.is_none()
        && matches!(response.body, Body::Empty)
}

fn skipped(why: NoTurn) -> Outcome {
    Outcome::Skipped(why)
}

/// A body that tells no API: an error status is named, else `otherwise` says why.
fn unexplained(status: Option<u16>, otherwise: NoTurn) -> Outcome {
    skipped(
        status
            .filter(|s| *s >= 400)
            .map_or(otherwise, NoTurn::ErrorOfNoApi),
    )
}

/// Rebuilds what the response says; `hint` is the API the request path or body suggests.
fn rebuild(
    response: &Response,
    hint: Option<Api>,
    observer: &mut impl Observer,
) -> Result<Builder, Outcome> {
    let status = response.status;
    let text = match &response.body {
        Body::Stream(stream) => {
            // Nearly always the first event tells the API, and the stream is read once.
            let mut b = match rebuild_stream(Events::told_by_first(stream), stream, observer) {
                Some(b) => b,
                None => {
                    let api = stream_api(stream)
                        .or(hint)
                        .or_else(|| cut_stream_api(stream))
                        .ok_or_else(|| skipped(NoTurn::StreamOfNoApi))?;
                    rebuild_stream(Events::of(api, stream), stream, observer)
                        .ok_or_else(|| skipped(NoTurn::StreamOfNoApi))?
                }
            };
            // An error status is the turn's error, whatever the stream says (hostile run
            // 66: a 500 over a stream was lost), as it is over a JSON body.
            if let Some(status) = status.filter(|s| *s >= 400) {
                b.error
                    .get_or_insert(TurnError {
                        status: None,
                        kind: None,
                        message: None,
                        mid_stream: false,
                    })
                    .status = Some(status);
            }
            return Ok(b);
        }
        Body::Json(text) => text,
        Body::Text(text) => {
            return http_error(status, None, text, hint)
                .ok_or_else(|| unexplained(status, NoTurn::BodyOfNoApi));
        }
        Body::Empty => {
            return http_error(status, None, b"", hint)
                .ok_or_else(|| unexplained(status, NoTurn::EmptyResponse));
        }
    };
    // A body of no API this tool reads (an embeddings list, a page's data) is told by its
    // top level alone, and passed over without building a tree nobody reads.
    if status.is_none_or(|s| s < 400) {
        if let Ok(top) = bounded_json::shallow(text) {
            if body_api(&top, hint).is_none() && !is_error_body(&top) {
                observer.body(None, text, Ok(&top));
                return Err(skipped(unread_body(&top)));
            }
        }
    }
    let (value, mended, lone) = match parse_body(text) {
        Ok((value, lone)) => (value, false, lone),
        Err(err) => {
            observer.body(hint, text, Err(&err));
            let mended = match JsonFault::of(&err) {
                JsonFault::OverBudget(_) => None,
                _ => partial_json::parse_lenient(text),
            };
            let Some((value, _)) = mended else {
                let unread = not_json(&err);
                // JSON too big or too deep to build whole: its top level, with its `error`
                // built alone, may still say the provider's error (hostile run 58: a 401's
                // message was lost for a long list beside it).
                let json = !matches!(unread, Unreadable::BodyNotJson);
                let error_status = status.is_some_and(|s| s >= 400);
                let top = (json && error_status)
                    .then(|| bounded_json::shallow_keeping(text, "error").ok())
                    .flatten()
                    .filter(|top| decode::error::message(top).is_some());
                let Some(mut b) = http_error(status, top.as_ref(), text, hint) else {
                    return Err(Outcome::Failed(unread));
                };
                // Said, with its limit, as a 200's is.
                if json {
                    b.warnings.push(Warning::ErrorBodyUnread {
                        why: unread.to_string(),
                        error_read: top.is_some(),
                    });
                }
                return Ok(b);
            };
            (value, true, Vec::new())
        }
    };
    let api = body_api(&value, hint);
    if !mended {
        observer.body(api, text, Ok(&value));
    }
    let Some(api) = api else {
        // An error of no API's shape is said to be one (hostile run 66: "a JSON body of no
        // API", though `validate` reads it as an error), its status named.
        let why = match is_error_body(&value) {
            true => unexplained(status, NoTurn::ErrorBodyOfNoApi),
            false => skipped(unread_body(&value)),
        };
        return http_error(status, Some(&value), text, hint).ok_or(why);
    };
    let mut b = Builder::new(api);
    b.warnings
        .extend(Warning::lone_surrogates(Held::Body, &lone));
    if is_error_body(&value) {
        // A 2xx status (a HAR entry always has one) is no error status.
        b.error = Some(decode::error::turn_error(
            &value,
            status.filter(|s| *s >= 400),
            false,
        ));
    } else {
        match api {
            Api::AnthropicMessages => anthropic::body(&value, &mut b),
            Api::OpenaiChat => openai_chat::body(&value, &mut b),
            Api::OpenaiResponses => openai_responses::body(&value, &mut b),
        }
        if let Some(status) = status.filter(|s| *s >= 400) {
            b.error
                .get_or_insert_with(|| decode::error::turn_error(&value, Some(status), false))
                .status = Some(status);
        }
        if mended {
            b.warnings.push(Warning::ResponseCutShort);
        }
    }
    b.complete = !mended;
    Ok(b)
}

/// Why a JSON body of no API is passed over, from its top level.
fn unread_body(value: &Value) -> NoTurn {
    if decode::api_from_request(value).is_some() && value.get("model").is_some() {
        NoTurn::RequestOnly
    } else {
        NoTurn::JsonOfNoApi
    }
}

/// Why the response body could not be read: not valid JSON, or valid JSON nested deeper,
/// or holding more values, than this tool reads.
fn not_json(err: &serde_json::Error) -> Unreadable {
    match JsonFault::of(err) {
        JsonFault::OverBudget(why) => Unreadable::BodyOverBudget { why },
        JsonFault::TooDeep => Unreadable::BodyTooDeep(TooDeep {
            limit: decode::lenient::MAX_DEPTH,
        }),
        _ => Unreadable::BodyNotJson,
    }
}

/// A blocking body as JSON, within the memory budget of its size ([`bounded_json`]). A
/// number beyond a float's range (`1e400`) fails the whole body
/// in serde_json, though the JSON is good: such numbers are read as strings of their text
/// (see [`decode::lenient::out_of_range_as_strings`]), so they cost only their own field.
/// The body's JSON, and the lone surrogate escapes it held, read as U+FFFD.
fn parse_body(text: &[u8]) -> serde_json::Result<(Value, Vec<[u8; 6]>)> {
    let err = match bounded_json::from_slice(text) {
        Ok(value) => return Ok((value, Vec::new())),
        Err(err) => err,
    };
    match (JsonFault::of(&err), std::str::from_utf8(text)) {
        (JsonFault::OutOfRange, Ok(json)) => {
            bounded_json::from_str(&decode::lenient::out_of_range_as_strings(json))
                .map(|value| (value, Vec::new()))
                .map_err(|_| err)
        }
        (JsonFault::Syntax, _) => match surrogates::mended(text) {
            Some((mended, escapes)) => bounded_json::from_slice(&mended)
                .map(|value| (value, escapes))
                .map_err(|_| err),
            None => Err(err),
        },
        _ => Err(err),
    }
}

/// The API of a stream cut inside the event that would have told it, its data mended
/// (hostile run 61: a Chat stream cut inside its first event was passed over as "of no
/// API", and `validate` said all valid). Only the cut event is mended: no whole event told.
fn cut_stream_api(stream: &SseStream<'_>) -> Option<Api> {
    let mut last = None;
    let framing = stream.each(|event| {
        last = Some((event.line, event.data));
        std::ops::ControlFlow::Continue(())
    });
    let (line, data) = last?;
    if framing.truncated != Some(line) {
        return None;
    }
    let (mended, _) = partial_json::parse_lenient(data.as_bytes())?;
    decode::api_of_data(&mended.to_string())
}

/// A request whose upstream call failed before any response came (a gateway dump's
/// `.req_error.txt`): the turn is that error, its text the message (less what may be a
/// credential, as every error message: the client quotes the request's URL, query string
/// and all).
fn request_failed(text: &[u8], hint: Option<Api>) -> Result<Builder, Outcome> {
    let api = hint.ok_or_else(|| skipped(NoTurn::FailedRequestOfNoApi))?;
    let mut b = Builder::new(api);
    b.complete = true;
    b.error = Some(TurnError {
        status: None,
        kind: None,
        message: Some(String::from_utf8_lossy(text).trim().to_string()).filter(|m| !m.is_empty()),
        mid_stream: false,
    });
    Ok(b)
}

/// An HTTP error response whose body says nothing an API reconstructor reads: the turn is
/// the error. `None` when there is no error status, or no way to tell the API.
fn http_error(
    status: Option<u16>,
    body: Option<&Value>,
    text: &[u8],
    hint: Option<Api>,
) -> Option<Builder> {
    let status = status.filter(|s| *s >= 400)?;
    let mut b = Builder::new(hint?);
    b.complete = true;
    b.error = Some(match body {
        Some(value) => decode::error::turn_error(value, Some(status), false),
        // A body of no JSON is a proxy's or server's own text (a plain-text or HTML 401).
        None => TurnError {
            status: Some(status),
            kind: None,
            message: Some(String::from_utf8_lossy(text).trim().to_string())
                .filter(|m| !m.is_empty()),
            mid_stream: false,
        },
    });
    Some(b)
}

/// Rebuilds a stream from `events` of it; `None` when they were to tell their API and did not
/// (see [`Events::each`]), and nothing was observed.
fn rebuild_stream(
    events: Events,
    stream: &SseStream,
    observer: &mut impl Observer,
) -> Option<Builder> {
    let json_lines = stream.json_lines();
    // Made once the API is known: at the first event handed, else after the last.
    let mut reading: Option<(Builder, AnyAccumulator)> = None;
    let start = |api: Api, observer: &mut _| {
        Observer::stream(observer, api, json_lines);
        (
            Builder::for_stream(api),
            AnyAccumulator::new(api, json_lines),
        )
    };
    // The lone surrogate escapes the events held.
    let mut lone = Vec::new();
    let (api, end) = events.each(|api, event| {
        let (b, accumulator) = reading.get_or_insert_with(|| start(api, observer));
        observer.event(event);
        accumulator.event(event, b);
        lone.extend_from_slice(&event.lone_surrogates);
    })?;
    let (mut b, accumulator) = reading.unwrap_or_else(|| start(api, observer));
    b.warnings
        .extend(Warning::lone_surrogates(Held::Events, &lone));
    observer.stream_end(&end);
    accumulator.finish(&mut b);
    b.count_events(end.count);
    // What framing mended comes first: it was found before any event was read.
    let framing = end.framing.warnings.iter().cloned();
    let cut = end.cut.and_then(|_| end.framing.truncation_warning());
    b.warnings.splice(0..0, framing.chain(cut));
    if let Some(left_out) = end.left_out {
        b.warnings.push(Warning::TooManyNumbered {
            line: left_out.line,
            count: left_out.count,
            max: decode::numbered::MAX_NUMBERED,
        });
    }
    // An error event explains its own early end.
    if !b.complete && b.error.is_none() && end.cut.is_none() {
        b.warnings.push(Warning::NoFinalEvent);
    }
    Some(b)
}

/// The accumulator of one API's stream.
enum AnyAccumulator {
    Anthropic(anthropic::Accumulator),
    Chat(openai_chat::Accumulator),
    Responses(openai_responses::Accumulator),
}

impl AnyAccumulator {
    fn new(api: Api, json_lines: bool) -> AnyAccumulator {
        match api {
            Api::AnthropicMessages => AnyAccumulator::Anthropic(Default::default()),
            Api::OpenaiChat => AnyAccumulator::Chat(openai_chat::Accumulator::new(json_lines)),
            Api::OpenaiResponses => AnyAccumulator::Responses(Default::default()),
        }
    }

    fn event(&mut self, event: &Event, b: &mut Builder) {
        match (&event.body, &mut *self) {
            (decode::Data::Invalid(err), _) => {
                let fault = match JsonFault::of(err) {
                    JsonFault::OverBudget(_) => EventFault::TooBig,
                    JsonFault::Shape => EventFault::Shape,
                    JsonFault::TooDeep => EventFault::TooDeep(TooDeep {
                        limit: decode::lenient::MAX_DEPTH,
                    }),
                    JsonFault::OutOfRange | JsonFault::Syntax => EventFault::NotJson,
                };
                b.skip_event(event.line, fault, || crate::quote::json_error(err));
                // The stream did end: only what its terminal event restates is lost, which
                // the warning says. A Responses status is the terminal event's name's.
                if let Some(kind) = &event.unread_terminal {
                    b.complete = true;
                    if let Some(decode::responses::EventKind::Terminal(status)) =
                        decode::responses::EventKind::of(kind)
                    {
                        b.stop_reason = Some(status.to_string());
                    }
                }
            }
            (decode::Data::Anthropic(data), AnyAccumulator::Anthropic(s)) => {
                s.event(event, data, b)
            }
            (decode::Data::Chat(chunk), AnyAccumulator::Chat(s)) => s.event(event.line, chunk, b),
            (decode::Data::Responses(data), AnyAccumulator::Responses(s)) => {
                s.event(event, data, b)
            }
            (decode::Data::Done, AnyAccumulator::Chat(_)) => b.complete = true,
            // `[DONE]` in a stream of another API: no event of that API.
            (decode::Data::Done, _) => b.unknown_event(decode::chat::DONE),
            // Decoding follows the accumulator's API: other pairs never meet.
            _ => {}
        }
    }

    fn finish(self, b: &mut Builder) {
        match self {
            AnyAccumulator::Anthropic(s) => s.finish(b),
            AnyAccumulator::Chat(s) => s.finish(b),
            AnyAccumulator::Responses(s) => s.finish(b),
        }
    }
}

/// Joins what the request says to what the response said.
fn assemble(
    mut b: Builder,
    exchange: &Exchange,
    request: Option<&ParsedRequest>,
    mut source: Source,
) -> Outcome {
    // A dump's folder names the model the request asked for, should its body not say.
    let mut request_model = request
        .and_then(|r| str_at(r.value.as_ref()?, "model"))
        .map(str::to_string)
        .or_else(|| exchange.model.clone());
    // Before the turn is finished, which cuts its texts to their bounds: a credential cut
    // there in half would keep its start.
    let credentials = exchange.credentials();
    if !credentials.is_empty() {
        cut_credentials(&mut b, &credentials);
        let names = [
            &mut request_model,
            &mut source.section,
            &mut source.interception_id,
            &mut source.provider,
        ];
        credentials.cut_all(names.into_iter().flatten());
    }
    // A `*/tool-call` section's request is its plain section's: that turn holds it. Its
    // names lose the credentials of both messages' heads, an archive's entry's, a cookie
    // the response sets (hostile run 69: only the request head's were cut); only a txtar's
    // exchanges share a request, and they share their credentials too.
    let shared = match exchange.follow_up {
        false => request.and_then(|r| r.shared(b.api, &credentials)),
        true => None,
    };
    let (prompt, read, warnings) = match shared {
        Some(Shared {
            prompt,
            read,
            warnings,
        }) => (prompt, Some(read), warnings),
        None => (None, None, Vec::new()),
    };
    let mut turn = b.finish(source, request_model, prompt);
    turn.timing = exchange.timing.clone();
    if let Some(read) = read {
        turn.set_request(read);
    }
    turn.warnings.extend(warnings);
    for warning in &mut turn.warnings {
        warning.texts_mut(|text| credentials.cut(text));
    }
    Outcome::Turn(Box::new(turn))
}

/// Cuts from a turn's error and the names the response gives it (its tool calls' too) the
/// credentials its capture's heads carry, wherever they repeat one: a gateway's "User
/// <token> is not allowed" (hostile runs 50-52). Its source, requested model and what the
/// request names are cut apart, its warnings once all are made; the conversation (prompts,
/// answers, thoughts, tool arguments and results) is shown as captured.
fn cut_credentials(turn: &mut Turn, credentials: &Credentials) {
    if let Some(error) = turn.error.as_mut() {
        credentials.cut_all(error.kind.iter_mut().chain(error.message.iter_mut()));
    }
    let names = [&mut turn.id, &mut turn.model, &mut turn.stop_reason];
    credentials.cut_all(names.into_iter().flatten());
    if let Some(service) = turn.service.as_deref_mut() {
        let names = [
            &mut service.tier,
            &mut service.inference_geo,
            &mut service.speed,
        ];
        credentials.cut_all(names.into_iter().flatten());
    }
    for call in &mut turn.tool_calls {
        credentials.cut_all(std::iter::once(&mut call.name).chain(call.id.iter_mut()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_request_is_read_once_for_each_api_and_cut_once_past_the_first_few() {
        let result = "r".repeat(1_000);
        let body = format!(
            r#"{{"model":"m","messages":[{{"role":"user","content":[{{"type":"tool_result","tool_use_id":"c0","content":"{result}"}}]}},{{"role":"tool","tool_call_id":"c1","content":"{result}"}}]}}"#
        );
        let parsed = ParsedRequest::of(body.as_bytes());
        // Sections alternating two APIs: each API's reading is made once, and shared.
        let apis = [Api::AnthropicMessages, Api::OpenaiChat];
        let read: Vec<Shared> = (0..4 * bounds::SHARED_WHOLE)
            .map(|i| parsed.shared(apis[i % 2], &Credentials::default()).unwrap())
            .collect();
        let results = |i: usize| &read[i].read.tool_results;
        assert_eq!(results(0)[0].call_id, "c0");
        assert_eq!(results(1)[0].call_id, "c1");
        for (i, shared) in read.iter().enumerate().skip(2) {
            let cut = i >= bounds::SHARED_WHOLE;
            let same = match cut {
                false => Arc::ptr_eq(results(i), results(i % 2)),
                true => Arc::ptr_eq(results(i), results(bounds::SHARED_WHOLE + i % 2)),
            };
            assert!(same, "turn {i}");
            assert_eq!(results(i)[0].content.as_str().unwrap().len() < 300, cut);
            assert_eq!(shared.warnings.len(), cut as usize, "turn {i}");
        }
    }
}
