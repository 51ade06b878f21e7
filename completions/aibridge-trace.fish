# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_aibridge_trace_global_optspecs
    string join \n h/help V/version
end

function __fish_aibridge_trace_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_aibridge_trace_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_aibridge_trace_using_subcommand
    set -l cmd (__fish_aibridge_trace_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c aibridge-trace -n "__fish_aibridge_trace_needs_command" -s h -l help -d 'Print help'
complete -c aibridge-trace -n "__fish_aibridge_trace_needs_command" -s V -l version -d 'Print version'
complete -c aibridge-trace -n "__fish_aibridge_trace_needs_command" -f -a "inspect" -d 'Rebuild the turns of captures: txtar fixtures, HAR archives, VCR cassettes, claude-trace logs, gateway dumps, SSE and Bedrock event streams, JSON bodies, HTTP responses'
complete -c aibridge-trace -n "__fish_aibridge_trace_needs_command" -f -a "summary" -d 'Aggregate turns: tokens, tool calls, thoughts, errors, latency'
complete -c aibridge-trace -n "__fish_aibridge_trace_needs_command" -f -a "validate" -d 'Check that fixtures and captures are well-formed and self-consistent, for CI'
complete -c aibridge-trace -n "__fish_aibridge_trace_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand inspect" -l glob -d 'In directories, read only files matching PATTERN (repeatable). A pattern without `/` matches file names, one with `/` the path below the directory; `*` stays within one folder' -r
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand inspect" -l exclude -d 'In directories, leave out files and folders matching PATTERN (repeatable; matched as --glob is)' -r
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand inspect" -s j -l threads -d 'Worker threads [default: all cores]' -r
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand inspect" -l shard -d 'Read only part K of N of the inputs (1 ≤ K ≤ N), for N jobs that split a corpus' -r
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand inspect" -s f -l format -d 'Output format [default: table on a terminal, jsonl otherwise]' -r -f -a "table\t'Tables for people, fit to the terminal\'s width'
jsonl\t'One JSON object per turn per line (the schema: `man aibridge-trace-inspect`); per session with --view sessions'
json\t'One JSON array of the turns (of the sessions with --view sessions)'
csv\t'One view\'s rows for spreadsheets: nothing cut, raw numbers'
markdown\t'Pipe tables, for a pull-request comment'
otlp\t'One OpenTelemetry OTLP/JSON document (`ExportTraceServiceRequest`): a trace per session, a span per turn and per tool call, with the GenAI semantic conventions\' attributes (the mapping: `man aibridge-trace-inspect`, --format)'"
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand inspect" -l view -d 'What to show: one row per turn, tool call, thought or session, or each session told as a story (transcript) [default: on a terminal, the transcript when the inputs hold one session (one capture, or one agent run), else turns]' -r -f -a "turns\t'One row per turn, with its token counts, and totals'
tools\t'One row per tool call, with the thoughts its response gave before it'
thoughts\t'One row per thought, with the tool calls that followed it'
all\t'The three views above (not with csv)'
sessions\t'One row per session (an agent run: turns threaded by tool results, replayed history, `previous_response_id`): its first prompt, steps, tool calls, failed calls, errors, tokens, wall time and how it ended. With jsonl or json: one object per session'
transcript\t'Each session as a story to read top to bottom: the prompt, then per step the thoughts, each tool call with its arguments and result, the answer, and a footer (model, stop reason, tokens). Plain text, coloured on a terminal, or markdown; the default format even on a pipe'"
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand inspect" -l width -d 'Table width in columns [default: the terminal\'s, else 100]' -r
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand inspect" -l max-width -d 'Cut texts and arguments in tables to N characters' -r
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand inspect" -l color -d 'When to colour tables' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand inspect" -l prices -d 'Add or override model prices from FILE (JSON, the format of the built-in table: `{"format": 1, "models": {"NAME": {"provider", "source", "read", "usd_per_mtok": {"input", "output", ...}}}}`); each model it names replaces that whole entry. The format: `man aibridge-trace-inspect`, PRICES' -r -F
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand inspect" -l hidden -d 'In directories, read hidden files and folders too (version-control folders stay skipped)'
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand inspect" -s q -l quiet -d 'Print no notes on stderr (skipped files, progress); errors are still printed'
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand inspect" -l full -d 'Show whole texts and arguments instead of cutting long cells'
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand inspect" -l wide -d 'Tables keep every column and cut no cell to the width (lines may be longer than the terminal)'
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand inspect" -l otel-content -d 'With --format otlp: put the texts in the export too (prompts, answers, thoughts, tool arguments and results), which are left out otherwise as sensitive'
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand inspect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand inspect" -s V -l version -d 'Print version'
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand summary" -l glob -d 'In directories, read only files matching PATTERN (repeatable). A pattern without `/` matches file names, one with `/` the path below the directory; `*` stays within one folder' -r
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand summary" -l exclude -d 'In directories, leave out files and folders matching PATTERN (repeatable; matched as --glob is)' -r
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand summary" -s j -l threads -d 'Worker threads [default: all cores]' -r
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand summary" -l shard -d 'Read only part K of N of the inputs (1 ≤ K ≤ N), for N jobs that split a corpus' -r
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand summary" -l by -d 'Group the aggregates by this key' -r -f -a "api\t''
model\t''
file\t''
tool\t'A turn counts under each tool it called, or under `(no tools)`; a tool\'s group lists that tool alone under `tools`'
day\t'The UTC day of `timing.started_at`, or `(no timing)`'
session\t'The session (agent run) the turn belongs to, by its id'"
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand summary" -s f -l format -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand summary" -l width -d 'Table width in columns [default: the terminal\'s, else 100]' -r
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand summary" -l color -d 'When to colour tables' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand summary" -l prices -d 'Add or override model prices from FILE (JSON, the format of the built-in table: `{"format": 1, "models": {"NAME": {"provider", "source", "read", "usd_per_mtok": {"input", "output", ...}}}}`); each model it names replaces that whole entry. The format: `man aibridge-trace-inspect`, PRICES' -r -F
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand summary" -l hidden -d 'In directories, read hidden files and folders too (version-control folders stay skipped)'
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand summary" -s q -l quiet -d 'Print no notes on stderr (skipped files, progress); errors are still printed'
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand summary" -l wide -d 'Tables keep every column and cut no cell to the width (lines may be longer than the terminal)'
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand summary" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand summary" -s V -l version -d 'Print version'
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand validate" -l glob -d 'In directories, read only files matching PATTERN (repeatable). A pattern without `/` matches file names, one with `/` the path below the directory; `*` stays within one folder' -r
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand validate" -l exclude -d 'In directories, leave out files and folders matching PATTERN (repeatable; matched as --glob is)' -r
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand validate" -s j -l threads -d 'Worker threads [default: all cores]' -r
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand validate" -l shard -d 'Read only part K of N of the inputs (1 ≤ K ≤ N), for N jobs that split a corpus' -r
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand validate" -s f -l format -d 'Report format [default: github when GITHUB_ACTIONS=true, else text]' -r -f -a "text\t'One line per finding, `path:line: severity[rule]: message`, then a tally'
json\t'One JSON object per finding per line, nothing else'
junit\t'JUnit XML, one test case per file, for CI dashboards'
github\t'GitHub Actions workflow commands: annotations on the pull request, then a tally'"
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand validate" -l allow -d 'Silence a rule (repeatable; see --list-rules)' -r -f -a "parse-capture\t'(error) the file is a capture this tool reads (txtar fixture, HAR archive, gateway dump, HTTP response, event stream, JSON body) with a response in it (a file named `.sse`, `.txtar` or `.har` holding a request alone fails), its bodies decodable'
parse-request-json\t'(error) the request body is valid JSON'
parse-body-json\t'(error) a blocking response body is one whole JSON document (not cut short, empty or plain text, unless it records an HTTP error)'
parse-event-json\t'(error) every event\'s data is valid JSON (Chat\'s `[DONE]` aside), of a shape the API\'s events have'
sse-framing\t'(error) SSE lines are clean: no stray lines outside any field, no `event:` without `data:`, no data line split in two, a blank line before every event, valid UTF-8'
sse-final-blank-line\t'(warning) the last event ends with a blank line (a strict SSE parser drops an event without one)'
http-head\t'(error) a raw HTTP head is well-formed: status or request line, `Name: value` headers, a blank line before the body; an archive\'s response status (HAR, cassette, claude-trace) is one from 100 to 599 (a HAR\'s 0, an aborted request, aside)'
http-coding\t'(warning) a body is encoded as its capture says: coded as its `Content-Encoding` says (gzip, `compress`, any coding), base64 where a HAR\'s `encoding` or a cassette\'s `!!binary` says (a body decoded while the mark stayed is read, but a client replaying it fails)'
http-content-type\t'(warning) a body is what its `Content-Type` says (a raw head\'s, an archive entry\'s): JSON under a JSON type, an event stream under `text/event-stream` (the body is read by what it holds, but a client replaying it goes by the type)'
request-api\t'(error) the response is of the API its request is for, where the request surely says which: by its path (`/v1/messages`, `/chat/completions`, `/responses`) or by fields no other API\'s request takes (not by a model\'s name)'
stream-truncated\t'(error) a stream ends with its terminal event (`message_stop`, `[DONE]`, `response.completed/failed/incomplete`) or a provider error'
stream-unknown-event\t'(warning) every event, chunk, delta, content block and output item (streamed or in a blocking body) is of a type the API documents'
anthropic-grammar\t'(error) Anthropic: `message_start` first, `content_block_start` before a block\'s deltas, deltas of the block\'s type, every block stopped, `message_delta` then `message_stop` last'
chat-grammar\t'(error) Chat: chunks share one id and model, tool-call deltas open a call (id and name) before continuing it, nothing after a choice\'s `finish_reason` or after `[DONE]`'
responses-grammar\t'(error) Responses: `response.created` first, one terminal event (`response.completed/failed/incomplete`) last, its status matching'
responses-sequence\t'(error) Responses: `sequence_number` on every event, increasing by one without gaps'
responses-items\t'(error) Responses: `output_index` and `item_id` agree between `output_item.added`, the item\'s events and `output_item.done`; no delta after the item is done'
responses-done-text\t'(error) Responses: every `*.done` event (and `output_item.done`) states the text its deltas built'
content-tool-arguments\t'(error) tool call arguments are valid JSON (a JSON object for Anthropic `input`) once complete'
content-tool-ids\t'(error) tool call ids are unique within a response'
content-completed-output\t'(error) Responses: `response.completed` output agrees with the items the stream built (ids, types, texts, arguments)'
usage-missing\t'(error) token usage is present where the API promises it (Anthropic always; Chat blocking, or streaming with `include_usage`; Responses when completed or incomplete)'
usage-invalid\t'(error) every token count given is a whole non-negative number (not `-1`, `12.5`, `"12"` or `1e400`)'
usage-total\t'(error) where a total is given, total = input + output'
usage-reasoning\t'(error) reasoning tokens do not exceed output tokens'
usage-cached\t'(error) cached tokens do not exceed prompt (input) tokens'
error-shape\t'(error) a recorded provider error (HTTP error response, `error` event or chunk, `response.failed`, a dump\'s `.req_error.txt`) is well-formed: an error object with a message (some text, for the error file); an error status over an event stream has the stream say its error'
txtar-pair-mismatch\t'(error) a fixture\'s streaming and non-streaming sections agree on tool names, tool arguments, thoughts and stop reason'
txtar-tool-call-section\t'(error) a `*/tool-call` section exists when, and only when, the first answer called an injected (`bmcp_`) tool'
txtar-unknown-section\t'(warning) section names are `request`, `streaming`, `non-streaming`, `streaming/tool-call`, `non-streaming/tool-call`'
txtar-unknown-rule\t'(warning) an inline `aibridge-trace: allow` in a fixture\'s comment names a rule this tool has (a misspelt one allows nothing)'
txtar-duplicate-section\t'(error) no section name appears twice'
txtar-request-marker\t'(error) the request body has its `-- request --` line (it does not stand in the comment)'"
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand validate" -l hidden -d 'In directories, read hidden files and folders too (version-control folders stay skipped)'
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand validate" -s q -l quiet -d 'Print no notes on stderr (skipped files, progress); errors are still printed'
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand validate" -l deny-warnings -d 'Fail on warnings too'
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand validate" -l list-rules -d 'List the rules and exit'
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand validate" -s V -l version -d 'Print version'
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand help; and not __fish_seen_subcommand_from inspect summary validate help" -f -a "inspect" -d 'Rebuild the turns of captures: txtar fixtures, HAR archives, VCR cassettes, claude-trace logs, gateway dumps, SSE and Bedrock event streams, JSON bodies, HTTP responses'
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand help; and not __fish_seen_subcommand_from inspect summary validate help" -f -a "summary" -d 'Aggregate turns: tokens, tool calls, thoughts, errors, latency'
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand help; and not __fish_seen_subcommand_from inspect summary validate help" -f -a "validate" -d 'Check that fixtures and captures are well-formed and self-consistent, for CI'
complete -c aibridge-trace -n "__fish_aibridge_trace_using_subcommand help; and not __fish_seen_subcommand_from inspect summary validate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
