//! aibridge-trace: rebuilds the turns of captured LLM API traffic.
//!
//! The data flows one way, and the modules follow it:
//! [`discover`] finds inputs → [`read`] loads them → [`frame`] splits them into exchanges
//! (txtar / HTTP / SSE) → [`reconstruct`] rebuilds one [`turn::Turn`] per exchange →
//! [`render`] prints. [`cli`] and [`config`] sit in front; [`run`] drives the pipeline.

pub mod cli;
pub mod config;
pub mod discover;
pub mod frame;
pub mod read;
pub mod reconstruct;
pub mod render;
pub mod run;
pub mod turn;
