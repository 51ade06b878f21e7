//! Which table names a model name may be priced under.
//!
//! Captures name one model many ways: a dated snapshot (`claude-sonnet-4-5-20250929`,
//! `gpt-4.1-2025-04-14`), behind a router (`openrouter/anthropic/claude-sonnet-4.5`), on
//! Bedrock (`us.anthropic.claude-sonnet-4-5-20250929-v1:0`) or Vertex
//! (`claude-sonnet-4-5@20250929`). [`candidates`] lists the names to look up, most specific
//! first, and the table is asked for each in turn.
//!
//! Only what is certainly not part of the model's identity is ever taken off: leading
//! `route/` segments, a Bedrock region and `anthropic.` vendor part, a Bedrock `-v1:0`
//! version, a full date (`-20250929`, `-2025-04-14`, `@20250929`), and a Claude `-latest`.
//! A name is never shortened by a word, so `gpt-4o-mini` can never fall back to `gpt-4o`,
//! nor `o3-mini` to `o3`. Four-digit suffixes (`gpt-4-0613`, `mistral-large-2411`,
//! `grok-4-0709`) are versions with prices of their own, so they are matched exactly or not
//! at all; so is `-latest` outside Claude (`chatgpt-4o-latest` is not `chatgpt-4o`'s price).
//!
//! Case matters, as it does to the providers: `Qwen/Qwen3-32B` is what a self-hosted vLLM
//! calls the model, not Groq's `qwen/qwen3-32b`, and Groq's price would be wrong for it.

/// The names `model` may be priced under, most specific first, without repeats.
pub fn candidates(model: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |name: String| {
        if !name.is_empty() && !out.contains(&name) {
            out.push(name);
        }
    };
    for routed in route_suffixes(model.trim()) {
        for hosted in bedrock_forms(routed) {
            for snapshot in snapshot_forms(&hosted) {
                // OpenRouter writes Claude versions with dots (`claude-sonnet-4.5`), Anthropic
                // with dashes; no Claude name uses a dot for anything else.
                let dashed = (snapshot.starts_with("claude-") && snapshot.contains('.'))
                    .then(|| snapshot.replace('.', "-"));
                push(snapshot);
                if let Some(dashed) = dashed {
                    push(dashed);
                }
            }
        }
    }
    out
}

/// The name, then what follows each `/` in it: `openrouter/anthropic/claude-x` gives itself,
/// `anthropic/claude-x` and `claude-x`. The whole name comes first, so a table entry keyed
/// with its organisation (`meta-llama/llama-4-scout-17b-16e-instruct`) wins over a bare one.
fn route_suffixes(name: &str) -> impl Iterator<Item = &str> {
    std::iter::once(name).chain(name.match_indices('/').map(|(at, _)| &name[at + 1..]))
}

/// A Bedrock id (`us.anthropic.claude-…`, `anthropic.claude-…`) as itself, without its
/// region, and without its vendor: regional Bedrock endpoints of newer models cost more, so
/// the table keeps them apart where they differ.
fn bedrock_forms(name: &str) -> Vec<String> {
    let Some(at) = name.find("anthropic.") else {
        return vec![name.to_string()];
    };
    let region = &name[..at];
    let is_region = region.is_empty()
        || (region.ends_with('.')
            && region[..region.len() - 1]
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-'));
    if !is_region {
        return vec![name.to_string()];
    }
    let vendored = &name[at..];
    let model = &vendored["anthropic.".len()..];
    let mut forms = vec![name.to_string()];
    if !region.is_empty() {
        forms.push(vendored.to_string());
    }
    forms.push(model.to_string());
    forms
}

/// The name, without a Bedrock version (`-v1:0`), then without a date as well.
fn snapshot_forms(name: &str) -> Vec<String> {
    let unversioned = strip_bedrock_version(name);
    let undated = strip_date(unversioned);
    // Anthropic's `-latest` aliases name the newest snapshot, which costs what the model does.
    let undated = match undated.strip_suffix("-latest") {
        Some(model) if model.starts_with("claude-") => model,
        _ => undated,
    };
    vec![
        name.to_string(),
        unversioned.to_string(),
        undated.to_string(),
    ]
}

/// Takes off a Bedrock version, `-v<digits>` or `-v<digits>:<digits>`, where it follows a
/// date (`…-20250929-v1:0`): elsewhere a `-v2` is the model's own name (`claude-v2`,
/// `deepseek-v3`).
fn strip_bedrock_version(name: &str) -> &str {
    let Some(at) = name.rfind("-v") else {
        return name;
    };
    let tail = &name[at + 2..];
    let (major, minor) = tail.split_once(':').unwrap_or((tail, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let dated = name[..at]
        .rsplit_once('-')
        .is_some_and(|(_, date)| is_compact_date(date));
    if digits(major) && digits(minor) && dated {
        &name[..at]
    } else {
        name
    }
}

/// Takes off a trailing full date: `-YYYYMMDD`, `-YYYY-MM-DD` or `@YYYYMMDD` (Vertex), and
/// Vertex's `@latest` / `@default`.
fn strip_date(name: &str) -> &str {
    if let Some((base, tail)) = name.rsplit_once('@') {
        if is_compact_date(tail) || tail == "latest" || tail == "default" {
            return base;
        }
    }
    let bytes = name.as_bytes();
    if bytes.len() > 9 && bytes[bytes.len() - 9] == b'-' && is_compact_date(&name[name.len() - 8..])
    {
        return &name[..name.len() - 9];
    }
    if bytes.len() > 11 && bytes[bytes.len() - 11] == b'-' {
        let tail = &name[name.len() - 10..];
        let compact: String = tail.chars().filter(|&c| c != '-').collect();
        let dashes_at = tail
            .match_indices('-')
            .map(|(at, _)| at)
            .collect::<Vec<_>>();
        if dashes_at == [4, 7] && is_compact_date(&compact) {
            return &name[..name.len() - 11];
        }
    }
    name
}

/// Eight digits that read as a date from 2020 on (`20250929`), so a model number such as
/// `12345678` is not taken for one.
fn is_compact_date(s: &str) -> bool {
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let number = |range: std::ops::Range<usize>| s[range].parse::<u32>().unwrap_or(0);
    let (year, month, day) = (number(0..4), number(4..6), number(6..8));
    (2020..2100).contains(&year) && (1..=12).contains(&month) && (1..=31).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_name_is_only_itself() {
        assert_eq!(candidates("gpt-4o-mini"), ["gpt-4o-mini"]);
        assert_eq!(candidates("o3-mini"), ["o3-mini"]);
    }

    #[test]
    fn dates_come_off_after_the_exact_name() {
        assert_eq!(
            candidates("claude-sonnet-4-5-20250929"),
            ["claude-sonnet-4-5-20250929", "claude-sonnet-4-5"]
        );
        assert_eq!(
            candidates("gpt-4.1-2025-04-14"),
            ["gpt-4.1-2025-04-14", "gpt-4.1"]
        );
        assert_eq!(
            candidates("claude-sonnet-4-5@20250929"),
            ["claude-sonnet-4-5@20250929", "claude-sonnet-4-5"]
        );
    }

    #[test]
    fn four_digit_versions_and_non_dates_stay() {
        assert_eq!(candidates("gpt-4-0613"), ["gpt-4-0613"]);
        assert_eq!(candidates("mistral-large-2411"), ["mistral-large-2411"]);
        // A version in the model's name, not Bedrock's.
        assert_eq!(candidates("deepseek-v3"), ["deepseek-v3"]);
        assert_eq!(
            candidates("anthropic.claude-v2:1"),
            ["anthropic.claude-v2:1", "claude-v2:1"]
        );
        // Not a date: month 13.
        assert_eq!(candidates("model-20251301"), ["model-20251301"]);
        // Not a date: the dashes are in the wrong places.
        assert_eq!(candidates("model-2025-0414-1"), ["model-2025-0414-1"]);
    }

    #[test]
    fn routes_come_off_one_segment_at_a_time() {
        assert_eq!(
            candidates("openrouter/anthropic/claude-sonnet-4.5"),
            [
                "openrouter/anthropic/claude-sonnet-4.5",
                "anthropic/claude-sonnet-4.5",
                "claude-sonnet-4.5",
                "claude-sonnet-4-5",
            ]
        );
        assert_eq!(candidates("openai/gpt-4o"), ["openai/gpt-4o", "gpt-4o"]);
    }

    #[test]
    fn bedrock_ids_lose_region_then_vendor() {
        assert_eq!(
            candidates("us.anthropic.claude-sonnet-4-5-20250929-v1:0"),
            [
                "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
                "us.anthropic.claude-sonnet-4-5-20250929",
                "us.anthropic.claude-sonnet-4-5",
                "anthropic.claude-sonnet-4-5-20250929-v1:0",
                "anthropic.claude-sonnet-4-5-20250929",
                "anthropic.claude-sonnet-4-5",
                "claude-sonnet-4-5-20250929-v1:0",
                "claude-sonnet-4-5-20250929",
                "claude-sonnet-4-5",
            ]
        );
        assert_eq!(
            candidates("anthropic.claude-3-5-haiku-20241022-v1:0"),
            [
                "anthropic.claude-3-5-haiku-20241022-v1:0",
                "anthropic.claude-3-5-haiku-20241022",
                "anthropic.claude-3-5-haiku",
                "claude-3-5-haiku-20241022-v1:0",
                "claude-3-5-haiku-20241022",
                "claude-3-5-haiku",
            ]
        );
    }

    #[test]
    fn claude_latest_aliases_are_the_model() {
        assert_eq!(
            candidates("claude-3-7-sonnet-latest"),
            ["claude-3-7-sonnet-latest", "claude-3-7-sonnet"]
        );
        assert_eq!(candidates("chatgpt-4o-latest"), ["chatgpt-4o-latest"]);
        assert_eq!(candidates("grok-4-latest"), ["grok-4-latest"]);
    }

    #[test]
    fn case_matters_and_spaces_do_not() {
        assert_eq!(candidates("  gpt-4o "), ["gpt-4o"]);
        assert_eq!(
            candidates("Qwen/Qwen3-32B"),
            ["Qwen/Qwen3-32B", "Qwen3-32B"]
        );
    }
}
