//! Why an exchange gave no turn, as values: what [`super::Outcome`] carries, rendered to
//! text by whoever prints it.

use std::fmt;

use crate::warning::TooDeep;

/// Why an exchange is no LLM traffic this tool reads: nothing to rebuild, no failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NoTurn {
    /// An event stream whose events name no API this tool reads.
    StreamOfNoApi,
    /// A response body that is neither JSON nor an HTTP error.
    BodyOfNoApi,
    /// A JSON body of no API this tool reads.
    JsonOfNoApi,
    /// No response body, and no error status.
    EmptyResponse,
    /// An HTTP error status with an empty or plain-text body, and no request or path to
    /// tell which API answered: the status is said, not lost.
    ErrorOfNoApi(u16),
    /// A JSON error body of no API's shape (`{"error": "Unauthorized"}`, as gateways write
    /// one), no error status, and no request or path to tell which API answered.
    ErrorBodyOfNoApi,
    /// A request (an HTTP request, or a body shaped as one), with no response.
    RequestOnly,
    /// A failed upstream call whose API nothing tells.
    FailedRequestOfNoApi,
}

impl fmt::Display for NoTurn {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let text = match self {
            NoTurn::StreamOfNoApi => "an event stream of no API this tool reads",
            NoTurn::BodyOfNoApi => "a response body of no API this tool reads",
            NoTurn::JsonOfNoApi => "a JSON body of no API this tool reads",
            NoTurn::EmptyResponse => "an empty response",
            NoTurn::ErrorOfNoApi(status) => {
                return write!(
                    f,
                    "an HTTP {status} error, with no request or API path to tell whose"
                );
            }
            NoTurn::ErrorBodyOfNoApi => "an error body, with no request or API path to tell whose",
            NoTurn::RequestOnly => "a request, with no response",
            NoTurn::FailedRequestOfNoApi => {
                "a failed request of no API this tool reads (the API is told by the request \
                 half, `.req.txt`, missing or of another path)"
            }
        };
        f.write_str(text)
    }
}

/// Why a response could not be read: a failure for its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// The blocking response body is not JSON, not even cut-short JSON.
    BodyNotJson,
    /// The blocking response body nests deeper than this tool reads: maybe good JSON, but
    /// not read.
    BodyTooDeep(TooDeep),
    /// The blocking response body holds more JSON values than this tool builds for its
    /// size; `why` names the limit met.
    BodyOverBudget { why: String },
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Unreadable::BodyNotJson => f.write_str("the response body is not valid JSON"),
            Unreadable::BodyTooDeep(deep) => write!(f, "the response body {deep}"),
            Unreadable::BodyOverBudget { why } => write!(f, "the response body {why}"),
        }
    }
}

impl std::error::Error for Unreadable {}
