#!/usr/bin/env python3
"""The official Python SDKs' own stream accumulators on a gen-corpus corpus, for comparison
with aibridge-trace (see the README's "Performance" section).

    pip install anthropic openai
    python3 benches/python/sdk_accumulators.py /tmp/corpus-100m [--limit-mib 100] [--repeat 3]

Each file is fed, the way the SDK's own streaming classes do it, to:

- anthropic-messages: `anthropic.lib.streaming._messages.accumulate_event`, with each event
  built as the SDK builds it (`construct_type(type_=RawMessageStreamEvent, value=...)`,
  `ping` events skipped, as `anthropic.Stream` does);
- openai-chat: `openai.lib.streaming.chat.ChatCompletionStreamState.handle_chunk` on
  `construct_type(type_=ChatCompletionChunk, ...)` chunks up to `data: [DONE]`, then
  `get_final_completion()` (which raises on `finish_reason: "length"`; the snapshot is kept);
- openai-responses: `openai.lib.streaming.responses.ResponseStreamState.handle_event` on
  `construct_type(type_=ResponseStreamEvent, ...)` events (the final response is parsed by
  the state itself on `response.completed`).

Timed: decoding the bytes, splitting the SSE events (a minimal splitter: blank-line separated
blocks, `event:` and `data:` lines; cheaper than the SDKs' own byte-level `SSEDecoder`, so
this favours the SDKs), `json.loads` of each data line, building the typed events, and
accumulating them. Not timed: reading the files (all are read into memory first), the
HTTP/httpx machinery the SDKs normally run under, and printing anything. One process, one
thread (the GIL would serialize threads anyway).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from statistics import median

from anthropic._models import construct_type as anthropic_construct
from anthropic.lib.streaming._messages import accumulate_event
from anthropic.types import RawMessageStreamEvent
from openai._models import construct_type as openai_construct
from openai import LengthFinishReasonError
from openai._types import omit
from openai.lib.streaming.chat import ChatCompletionStreamState
from openai.lib.streaming.responses import ResponseStreamState
from openai.types.chat import ChatCompletionChunk
from openai.types.responses import ResponseStreamEvent

APIS = ("anthropic-messages", "openai-chat", "openai-responses")


def sse_events(text: str):
    """(event, data) per event of a text/event-stream body (LF line ends, as generated)."""
    for block in text.split("\n\n"):
        if not block:
            continue
        event = None
        data = []
        for line in block.split("\n"):
            field, _, value = line.partition(":")
            if value.startswith(" "):
                value = value[1:]
            if field == "data":
                data.append(value)
            elif field == "event":
                event = value
        if data:
            yield event, "\n".join(data)


def anthropic_file(body: bytes):
    snapshot = None
    json_bufs: dict = {}
    for event, data in sse_events(body.decode("utf-8")):
        if event == "ping":
            continue
        typed = anthropic_construct(type_=RawMessageStreamEvent, value=json.loads(data))
        snapshot = accumulate_event(event=typed, current_snapshot=snapshot, json_bufs=json_bufs)
    return snapshot


def chat_file(body: bytes):
    state = ChatCompletionStreamState()
    for _, data in sse_events(body.decode("utf-8")):
        if data.startswith("[DONE]"):
            break
        chunk = openai_construct(type_=ChatCompletionChunk, value=json.loads(data))
        state.handle_chunk(chunk)
    try:
        return state.get_final_completion()
    except LengthFinishReasonError:
        # A `finish_reason: "length"` stream: the SDK refuses to parse it, and says so by
        # raising; the accumulated snapshot is what it would have given.
        return state.current_completion_snapshot


def responses_file(body: bytes):
    state = ResponseStreamState(input_tools=omit, text_format=omit)
    for _, data in sse_events(body.decode("utf-8")):
        event = openai_construct(type_=ResponseStreamEvent, value=json.loads(data))
        state.handle_event(event)
    return state._completed_response


HANDLERS = {
    "anthropic-messages": anthropic_file,
    "openai-chat": chat_file,
    "openai-responses": responses_file,
}


def load(root: str, limit: int, apis) -> dict[str, list[bytes]]:
    """Each API's files, in name order, up to `limit` bytes per API (a third of the whole)."""
    out = {}
    for api in apis:
        folder = os.path.join(root, api)
        bodies, total = [], 0
        for name in sorted(os.listdir(folder)):
            if total >= limit:
                break
            with open(os.path.join(folder, name), "rb") as f:
                body = f.read()
            bodies.append(body)
            total += len(body)
        out[api] = bodies
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", help="a folder written by gen-corpus")
    parser.add_argument("--limit-mib", type=float, default=100.0, help="MiB in all (default 100)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per API; the median is kept")
    parser.add_argument("--api", choices=APIS, action="append", help="only this API (repeatable)")
    args = parser.parse_args()
    apis = tuple(args.api or APIS)

    corpora = load(args.corpus, int(args.limit_mib * (1 << 20) / len(APIS)), apis)
    total_bytes = 0
    total_seconds = 0.0
    total_cpu = 0.0
    print(f"python {sys.version.split()[0]}, anthropic {__import__('anthropic').__version__}, "
          f"openai {__import__('openai').__version__}")
    for api in apis:
        bodies = corpora[api]
        size = sum(map(len, bodies))
        handler = HANDLERS[api]
        runs, cpu_runs = [], []
        for _ in range(args.repeat):
            start, cpu_start = time.perf_counter(), time.process_time()
            for body in bodies:
                handler(body)
            runs.append(time.perf_counter() - start)
            cpu_runs.append(time.process_time() - cpu_start)
        seconds, cpu = median(runs), median(cpu_runs)
        total_bytes += size
        total_seconds += seconds
        total_cpu += cpu
        print(f"{api:<20} {len(bodies):>6} files {size / 1e6:>7.1f} MB {seconds:>7.2f} s "
              f"{size / 1e6 / seconds:>7.2f} MB/s   (CPU {cpu:.2f} s, {size / 1e6 / cpu:.2f} MB/s)")
    print(f"{'all':<20} {'':>12} {total_bytes / 1e6:>7.1f} MB {total_seconds:>7.2f} s "
          f"{total_bytes / 1e6 / total_seconds:>7.2f} MB/s   (CPU {total_cpu:.2f} s, "
          f"{total_bytes / 1e6 / total_cpu:.2f} MB/s)")
    print(f"(medians of {args.repeat} runs; MB = 10^6 bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
