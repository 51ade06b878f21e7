//! Framing hands eventsource-stream about one event per chunk and lets the events borrow
//! their text from the body (issue 14); what it frames must be what the parser yields when
//! fed the plainest way, one line per chunk, keeping every event it owns. Checked on the
//! benchmark generator's streams of the three APIs, which are clean `text/event-stream`.

#[path = "../benches/corpus/mod.rs"]
mod corpus;

use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use aibridge_trace::frame::sse;
use eventsource_stream::EventStream;
use futures_core::Stream;

/// Each line of `body` (LF ends) as a chunk of its own.
struct Lines<'a>(std::str::SplitInclusive<'a, char>);

impl<'a> Stream for Lines<'a> {
    type Item = Result<&'a str, std::convert::Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Poll::Ready(self.0.next().map(Ok))
    }
}

/// The events eventsource-stream yields for `body` fed a line at a time: name and data.
fn plain(body: &str) -> Vec<(String, String)> {
    let mut stream = EventStream::new(Lines(body.split_inclusive('\n')));
    let mut cx = Context::from_waker(Waker::noop());
    let mut out = Vec::new();
    while let Poll::Ready(Some(event)) = Pin::new(&mut stream).poll_next(&mut cx) {
        let event = event.expect("a clean stream parses");
        out.push((event.event, event.data));
    }
    out
}

#[test]
fn events_are_what_the_parser_yields_line_by_line() {
    for api in corpus::Api::ALL {
        let bodies = corpus::bodies(api, 3, 1 << 20);
        assert!(bodies.len() > 3, "{}", api.dir());
        for body in &bodies {
            let text = std::str::from_utf8(body).expect("the generator writes UTF-8");
            let stream = sse::parse(body, 1);
            let (events, framing) = stream.collect();
            let got: Vec<(String, String)> = events
                .iter()
                .map(|e| (e.event.to_string(), e.data.to_string()))
                .collect();
            assert_eq!(got, plain(text), "{}", api.dir());
            assert!(framing.warnings.is_empty() && framing.defects.is_empty());
            // Each event's line is where its first line is: the line after a blank one.
            let lines: Vec<&str> = text.lines().collect();
            for event in &events {
                assert!(event.line == 1 || lines[event.line - 2].is_empty());
                assert!(!lines[event.line - 1].is_empty());
            }
        }
    }
}
