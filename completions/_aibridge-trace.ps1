
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'aibridge-trace' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'aibridge-trace'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'aibridge-trace' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Rebuild the turns of captures: txtar fixtures, HAR archives, VCR cassettes, claude-trace logs, gateway dumps, SSE and Bedrock event streams, JSON bodies, HTTP responses')
            [CompletionResult]::new('summary', 'summary', [CompletionResultType]::ParameterValue, 'Aggregate turns: tokens, tool calls, thoughts, errors, latency')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check that fixtures and captures are well-formed and self-consistent, for CI')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'aibridge-trace;inspect' {
            [CompletionResult]::new('--glob', '--glob', [CompletionResultType]::ParameterName, 'In directories, read only files matching PATTERN (repeatable). A pattern without `/` matches file names, one with `/` the path below the directory; `*` stays within one folder')
            [CompletionResult]::new('--exclude', '--exclude', [CompletionResultType]::ParameterName, 'In directories, leave out files and folders matching PATTERN (repeatable; matched as --glob is)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Worker threads [default: all cores]')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads [default: all cores]')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'Read only part K of N of the inputs (1 ≤ K ≤ N), for N jobs that split a corpus')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, jsonl otherwise]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, jsonl otherwise]')
            [CompletionResult]::new('--view', '--view', [CompletionResultType]::ParameterName, 'What to show: one row per turn, tool call, thought or session, or each session told as a story (transcript) [default: on a terminal, the transcript when the inputs hold one session (one capture, or one agent run), else turns]')
            [CompletionResult]::new('--width', '--width', [CompletionResultType]::ParameterName, 'Table width in columns [default: the terminal''s, else 100]')
            [CompletionResult]::new('--max-width', '--max-width', [CompletionResultType]::ParameterName, 'Cut texts and arguments in tables to N characters')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables')
            [CompletionResult]::new('--prices', '--prices', [CompletionResultType]::ParameterName, 'Add or override model prices from FILE (JSON, the format of the built-in table: `{"format": 1, "models": {"NAME": {"provider", "source", "read", "usd_per_mtok": {"input", "output", ...}}}}`); each model it names replaces that whole entry. The format: `man aibridge-trace-inspect`, PRICES')
            [CompletionResult]::new('--hidden', '--hidden', [CompletionResultType]::ParameterName, 'In directories, read hidden files and folders too (version-control folders stay skipped)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no notes on stderr (skipped files, progress); errors are still printed')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no notes on stderr (skipped files, progress); errors are still printed')
            [CompletionResult]::new('--full', '--full', [CompletionResultType]::ParameterName, 'Show whole texts and arguments instead of cutting long cells')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables keep every column and cut no cell to the width (lines may be longer than the terminal)')
            [CompletionResult]::new('--otel-content', '--otel-content', [CompletionResultType]::ParameterName, 'With --format otlp: put the texts in the export too (prompts, answers, thoughts, tool arguments and results), which are left out otherwise as sensitive')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aibridge-trace;summary' {
            [CompletionResult]::new('--glob', '--glob', [CompletionResultType]::ParameterName, 'In directories, read only files matching PATTERN (repeatable). A pattern without `/` matches file names, one with `/` the path below the directory; `*` stays within one folder')
            [CompletionResult]::new('--exclude', '--exclude', [CompletionResultType]::ParameterName, 'In directories, leave out files and folders matching PATTERN (repeatable; matched as --glob is)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Worker threads [default: all cores]')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads [default: all cores]')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'Read only part K of N of the inputs (1 ≤ K ≤ N), for N jobs that split a corpus')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'Group the aggregates by this key')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--width', '--width', [CompletionResultType]::ParameterName, 'Table width in columns [default: the terminal''s, else 100]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables')
            [CompletionResult]::new('--prices', '--prices', [CompletionResultType]::ParameterName, 'Add or override model prices from FILE (JSON, the format of the built-in table: `{"format": 1, "models": {"NAME": {"provider", "source", "read", "usd_per_mtok": {"input", "output", ...}}}}`); each model it names replaces that whole entry. The format: `man aibridge-trace-inspect`, PRICES')
            [CompletionResult]::new('--hidden', '--hidden', [CompletionResultType]::ParameterName, 'In directories, read hidden files and folders too (version-control folders stay skipped)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no notes on stderr (skipped files, progress); errors are still printed')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no notes on stderr (skipped files, progress); errors are still printed')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables keep every column and cut no cell to the width (lines may be longer than the terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aibridge-trace;validate' {
            [CompletionResult]::new('--glob', '--glob', [CompletionResultType]::ParameterName, 'In directories, read only files matching PATTERN (repeatable). A pattern without `/` matches file names, one with `/` the path below the directory; `*` stays within one folder')
            [CompletionResult]::new('--exclude', '--exclude', [CompletionResultType]::ParameterName, 'In directories, leave out files and folders matching PATTERN (repeatable; matched as --glob is)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Worker threads [default: all cores]')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads [default: all cores]')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'Read only part K of N of the inputs (1 ≤ K ≤ N), for N jobs that split a corpus')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Report format [default: github when GITHUB_ACTIONS=true, else text]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Report format [default: github when GITHUB_ACTIONS=true, else text]')
            [CompletionResult]::new('--allow', '--allow', [CompletionResultType]::ParameterName, 'Silence a rule (repeatable; see --list-rules)')
            [CompletionResult]::new('--hidden', '--hidden', [CompletionResultType]::ParameterName, 'In directories, read hidden files and folders too (version-control folders stay skipped)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no notes on stderr (skipped files, progress); errors are still printed')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no notes on stderr (skipped files, progress); errors are still printed')
            [CompletionResult]::new('--deny-warnings', '--deny-warnings', [CompletionResultType]::ParameterName, 'Fail on warnings too')
            [CompletionResult]::new('--list-rules', '--list-rules', [CompletionResultType]::ParameterName, 'List the rules and exit')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aibridge-trace;help' {
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Rebuild the turns of captures: txtar fixtures, HAR archives, VCR cassettes, claude-trace logs, gateway dumps, SSE and Bedrock event streams, JSON bodies, HTTP responses')
            [CompletionResult]::new('summary', 'summary', [CompletionResultType]::ParameterValue, 'Aggregate turns: tokens, tool calls, thoughts, errors, latency')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check that fixtures and captures are well-formed and self-consistent, for CI')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'aibridge-trace;help;inspect' {
            break
        }
        'aibridge-trace;help;summary' {
            break
        }
        'aibridge-trace;help;validate' {
            break
        }
        'aibridge-trace;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
