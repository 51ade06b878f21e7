//! Token counts: present where the API promises them, and adding up. The checks are the
//! same for every place usage appears (an event, a chunk, a body), so each API only says
//! where its usage is and what its fields are called.

use serde_json::Value;

use crate::decode::{
    BadCount, anthropic, count_at, openai_bad_counts, openai_cached, openai_detail,
};
use crate::diagnostic::Findings;
use crate::diagnostic::rules::{
    USAGE_CACHED, USAGE_INVALID, USAGE_MISSING, USAGE_REASONING, USAGE_TOTAL,
};

/// Requires `usage` to be an object with a count at each of `keys`; `what` names where it
/// belongs. Returns whether it is there at all. A count that is there but bad is the
/// decoder's to tell ([`counts`]), so it is reported once, as what it is.
pub fn require(
    usage: Option<&Value>,
    keys: &[&str],
    line: Option<usize>,
    what: &str,
    f: &mut Findings,
) -> bool {
    let Some(usage) = usage.filter(|u| u.is_object()) else {
        f.add(&USAGE_MISSING, line, || format!("{what} has no usage"));
        return false;
    };
    for key in keys {
        if usage.get(key).is_none_or(Value::is_null) {
            f.add(&USAGE_MISSING, line, || {
                format!("{what} usage has no `{key}` count")
            });
        }
    }
    true
}

/// Reports the counts the decoder left out as bad (`-1`, `12.5`, `"12"`, `1e400`): reading
/// keeps the earlier count, so a capture that says so is wrong where it says it.
pub fn counts(bad: Vec<BadCount>, line: Option<usize>, what: &str, f: &mut Findings) {
    for bad in bad {
        f.add(&USAGE_INVALID, line, || format!("{what} {bad}"));
    }
}

/// Requires Anthropic usage with a count at each of `keys`, and reports its bad counts.
pub fn require_anthropic(
    usage: Option<&Value>,
    keys: &[&str],
    line: Option<usize>,
    what: &str,
    f: &mut Findings,
) {
    if require(usage, keys, line, what, f) {
        if let Some(usage) = usage {
            counts(anthropic::bad_counts(usage), line, what, f);
        }
    }
}

/// Checks the arithmetic of OpenAI usage (Chat and Responses alike): `[prompt, output]`
/// are the API's names for the two counts (`prompt_tokens`/`completion_tokens`,
/// `input_tokens`/`output_tokens`); cached and reasoning counts sit in `<name>_details`.
pub fn openai(
    usage: &Value,
    [prompt, output]: [&str; 2],
    line: Option<usize>,
    what: &str,
    f: &mut Findings,
) {
    counts(openai_bad_counts(usage, [prompt, output]), line, what, f);
    let prompt_count = count_at(usage, prompt);
    let output_count = count_at(usage, output);
    if let (Some(total), Some(p), Some(o)) =
        (count_at(usage, "total_tokens"), prompt_count, output_count)
    {
        if p.checked_add(o) != Some(total) {
            f.add(&USAGE_TOTAL, line, || {
                format!("total_tokens is {total}, but {prompt} + {output} = {p} + {o}")
            });
        }
    }
    if let (Some(reasoning), Some(o)) = (
        openai_detail(usage, output, "reasoning_tokens"),
        output_count,
    ) {
        if reasoning > o {
            f.add(&USAGE_REASONING, line, || {
                format!("reasoning_tokens ({reasoning}) exceed {output} ({o})")
            });
        }
    }
    if let (Some((name, cached)), Some(p)) = (openai_cached(usage, prompt), prompt_count) {
        if cached > p {
            f.add(&USAGE_CACHED, line, || {
                format!("{name} ({cached}) exceed {prompt} ({p})")
            });
        }
    }
}

/// Requires OpenAI usage with its two counts, and checks its arithmetic when it is there.
pub fn require_openai(
    usage: Option<&Value>,
    keys: [&str; 2],
    line: Option<usize>,
    what: &str,
    f: &mut Findings,
) {
    if require(usage, &keys, line, what, f) {
        if let Some(usage) = usage {
            openai(usage, keys, line, what, f);
        }
    }
}
