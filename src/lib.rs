//! aibridge-trace: rebuilds the turns of captured LLM API traffic.
//!
//! The data flows one way, and the modules follow it:
//! [`discover`] finds inputs → [`read`] loads them ([`run::open`]) → [`capture`] is the one
//! way in for every format: it frames each input once ([`frame`]: txtar / HTTP / SSE /
//! HAR / dump pairs) into located exchanges → [`decode`] reads each event and body once,
//! per API → its consumers: [`reconstruct`] rebuilds one [`turn::Turn`] per exchange
//! (reading the request side with [`request`]), `validate`'s grammar checks make findings →
//! [`session`] threads turns into agent runs, [`cost`] prices them, [`aggregate`] sums them
//! → [`render`] prints.
//! [`cli`] and [`config`] sit in front; [`run`] drives the pipeline in parallel;
//! [`inspect`], [`summary`] and [`validate`] are the three commands over it.

pub mod aggregate;
pub mod bounded_json;
pub mod capture;
pub mod cli;
pub mod config;
pub mod cost;
pub mod decode;
pub mod diagnostic;
pub mod discover;
pub mod frame;
pub mod inspect;
pub mod number;
pub mod quote;
pub mod read;
pub mod reconstruct;
pub mod redact;
pub mod render;
pub mod request;
pub mod run;
pub mod scratch;
pub mod session;
pub mod stable_hash;
pub mod summary;
pub mod turn;
pub mod validate;
pub mod warning;
