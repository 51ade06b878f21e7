
use builtin;
use str;

set edit:completion:arg-completer[aibridge-trace] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'aibridge-trace'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'aibridge-trace'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand inspect 'Rebuild the turns of captures: txtar fixtures, HAR archives, VCR cassettes, claude-trace logs, gateway dumps, SSE and Bedrock event streams, JSON bodies, HTTP responses'
            cand summary 'Aggregate turns: tokens, tool calls, thoughts, errors, latency'
            cand validate 'Check that fixtures and captures are well-formed and self-consistent, for CI'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'aibridge-trace;inspect'= {
            cand --glob 'In directories, read only files matching PATTERN (repeatable). A pattern without `/` matches file names, one with `/` the path below the directory; `*` stays within one folder'
            cand --exclude 'In directories, leave out files and folders matching PATTERN (repeatable; matched as --glob is)'
            cand -j 'Worker threads [default: all cores]'
            cand --threads 'Worker threads [default: all cores]'
            cand --shard 'Read only part K of N of the inputs (1 ≤ K ≤ N), for N jobs that split a corpus'
            cand -f 'Output format [default: table on a terminal, jsonl otherwise]'
            cand --format 'Output format [default: table on a terminal, jsonl otherwise]'
            cand --view 'What to show: one row per turn, tool call, thought or session, or each session told as a story (transcript) [default: on a terminal, the transcript when the inputs hold one session (one capture, or one agent run), else turns]'
            cand --width 'Table width in columns [default: the terminal''s, else 100]'
            cand --max-width 'Cut texts and arguments in tables to N characters'
            cand --color 'When to colour tables'
            cand --prices 'Add or override model prices from FILE (JSON, the format of the built-in table: `{"format": 1, "models": {"NAME": {"provider", "source", "read", "usd_per_mtok": {"input", "output", ...}}}}`); each model it names replaces that whole entry. The format: `man aibridge-trace-inspect`, PRICES'
            cand --hidden 'In directories, read hidden files and folders too (version-control folders stay skipped)'
            cand -q 'Print no notes on stderr (skipped files, progress); errors are still printed'
            cand --quiet 'Print no notes on stderr (skipped files, progress); errors are still printed'
            cand --full 'Show whole texts and arguments instead of cutting long cells'
            cand --wide 'Tables keep every column and cut no cell to the width (lines may be longer than the terminal)'
            cand --otel-content 'With --format otlp: put the texts in the export too (prompts, answers, thoughts, tool arguments and results), which are left out otherwise as sensitive'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aibridge-trace;summary'= {
            cand --glob 'In directories, read only files matching PATTERN (repeatable). A pattern without `/` matches file names, one with `/` the path below the directory; `*` stays within one folder'
            cand --exclude 'In directories, leave out files and folders matching PATTERN (repeatable; matched as --glob is)'
            cand -j 'Worker threads [default: all cores]'
            cand --threads 'Worker threads [default: all cores]'
            cand --shard 'Read only part K of N of the inputs (1 ≤ K ≤ N), for N jobs that split a corpus'
            cand --by 'Group the aggregates by this key'
            cand -f 'Output format'
            cand --format 'Output format'
            cand --width 'Table width in columns [default: the terminal''s, else 100]'
            cand --color 'When to colour tables'
            cand --prices 'Add or override model prices from FILE (JSON, the format of the built-in table: `{"format": 1, "models": {"NAME": {"provider", "source", "read", "usd_per_mtok": {"input", "output", ...}}}}`); each model it names replaces that whole entry. The format: `man aibridge-trace-inspect`, PRICES'
            cand --hidden 'In directories, read hidden files and folders too (version-control folders stay skipped)'
            cand -q 'Print no notes on stderr (skipped files, progress); errors are still printed'
            cand --quiet 'Print no notes on stderr (skipped files, progress); errors are still printed'
            cand --wide 'Tables keep every column and cut no cell to the width (lines may be longer than the terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aibridge-trace;validate'= {
            cand --glob 'In directories, read only files matching PATTERN (repeatable). A pattern without `/` matches file names, one with `/` the path below the directory; `*` stays within one folder'
            cand --exclude 'In directories, leave out files and folders matching PATTERN (repeatable; matched as --glob is)'
            cand -j 'Worker threads [default: all cores]'
            cand --threads 'Worker threads [default: all cores]'
            cand --shard 'Read only part K of N of the inputs (1 ≤ K ≤ N), for N jobs that split a corpus'
            cand -f 'Report format [default: github when GITHUB_ACTIONS=true, else text]'
            cand --format 'Report format [default: github when GITHUB_ACTIONS=true, else text]'
            cand --allow 'Silence a rule (repeatable; see --list-rules)'
            cand --hidden 'In directories, read hidden files and folders too (version-control folders stay skipped)'
            cand -q 'Print no notes on stderr (skipped files, progress); errors are still printed'
            cand --quiet 'Print no notes on stderr (skipped files, progress); errors are still printed'
            cand --deny-warnings 'Fail on warnings too'
            cand --list-rules 'List the rules and exit'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aibridge-trace;help'= {
            cand inspect 'Rebuild the turns of captures: txtar fixtures, HAR archives, VCR cassettes, claude-trace logs, gateway dumps, SSE and Bedrock event streams, JSON bodies, HTTP responses'
            cand summary 'Aggregate turns: tokens, tool calls, thoughts, errors, latency'
            cand validate 'Check that fixtures and captures are well-formed and self-consistent, for CI'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'aibridge-trace;help;inspect'= {
        }
        &'aibridge-trace;help;summary'= {
        }
        &'aibridge-trace;help;validate'= {
        }
        &'aibridge-trace;help;help'= {
        }
    ]
    $completions[$command]
}
