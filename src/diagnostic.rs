//! Diagnostics: what `validate` finds, as values. A finding names its rule (a symbol the
//! compiler checks, listed in [`rules::RULES`]), its line and its message; it is rendered to
//! text only at the edge (`render::validation`). The types live below the commands, so the
//! command line (which checks `--allow` against the rule list) and the renderers can name
//! them without importing the `validate` command.

pub mod rules;

use std::collections::BTreeMap;

use crate::number::thousands;
use crate::warning::REPORTED;

pub use rules::RULES;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A rule: its id (what `--allow` takes), default severity, and a one-line summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
}

/// One problem found in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// 1-based line in the original file, where known.
    pub line: Option<usize>,
    pub severity: Severity,
    pub rule: &'static str,
    pub message: String,
    /// How many findings this one stands for: 1, or more when it counts the findings of its
    /// rule past the first [`REPORTED`] in one file (see [`Findings`]).
    pub count: usize,
    /// It sums up others (a count of them, or what a check left out): listed apart from
    /// its rule's findings one by one, wherever it is added again.
    pub sums: bool,
}

impl Finding {
    /// This finding, made in a part of the input whose lines are not the file's (a HAR
    /// entry, a dump's request half): `place` names that part at the head of the message,
    /// and the finding has no line.
    pub fn within(self, place: &str) -> Finding {
        Finding {
            line: None,
            message: format!("{place}: {}", self.message),
            ..self
        }
    }
}

/// The findings of one file, as the checks add them: the first [`REPORTED`] of each rule
/// one by one, and the rest of that rule counted in one more finding, at the line of the
/// first counted. A hostile capture repeats one defect a million times; a report of a million
/// lines helps nobody and costs many times the capture in memory. A check that counts its
/// own repeats says so in a finding of its own ([`Findings::add_counted`]); those are listed
/// apart, [`REPORTED`] of a rule too.
#[derive(Debug, Default)]
pub struct Findings {
    listed: Vec<Finding>,
    /// Per rule: how many are listed, one by one and as counts, and what is counted past them.
    by_rule: BTreeMap<&'static str, Listed>,
}

#[derive(Debug, Default)]
struct Listed {
    single: usize,
    counts: usize,
    past: Option<Counted>,
}

impl Listed {
    /// How many are listed one by one, or (`sums`) as findings summing up others.
    fn slot(&mut self, sums: bool) -> &mut usize {
        match sums {
            false => &mut self.single,
            true => &mut self.counts,
        }
    }

    /// Whether one more of that kind would be listed, not only counted.
    fn has_room(&self, sums: bool) -> bool {
        match sums {
            false => self.single < REPORTED,
            true => self.counts < REPORTED,
        }
    }
}

/// The findings of one rule past the listed ones.
#[derive(Debug)]
struct Counted {
    severity: Severity,
    first_line: Option<usize>,
    count: usize,
}

/// A finding's message, made only when the finding is listed: past the first [`REPORTED`]
/// of a rule a finding is only counted, and a message quoting a long text (an id, a
/// rebuilt answer) costs that text's length each time a stream repeats it. A closure
/// (`|| format!(…)`) says it lazily; a string, already made.
pub trait Message {
    fn made(self) -> String;
}

impl Message for String {
    fn made(self) -> String {
        self
    }
}

impl Message for &str {
    fn made(self) -> String {
        self.to_string()
    }
}

impl Message for std::borrow::Cow<'_, str> {
    fn made(self) -> String {
        self.into_owned()
    }
}

impl<F: FnOnce() -> String> Message for F {
    fn made(self) -> String {
        self()
    }
}

impl Findings {
    /// Adds a finding of `rule`, with the rule's severity.
    pub fn add(&mut self, rule: &Rule, line: Option<usize>, message: impl Message) {
        self.add_counted(rule, line, message, 1);
    }

    /// Adds a finding that stands for `count` of `rule` (a check's own count of its repeats).
    pub fn add_counted(
        &mut self,
        rule: &Rule,
        line: Option<usize>,
        message: impl Message,
        count: usize,
    ) {
        self.add_made(rule, line, message, count, count > 1);
    }

    /// Adds one finding of `rule` that sums up others (what a check left out, and why):
    /// listed apart from the rule's findings one by one, as a count is, so twenty of them
    /// before it cannot hide it.
    pub fn add_summing(&mut self, rule: &Rule, line: Option<usize>, message: impl Message) {
        self.add_made(rule, line, message, 1, true);
    }

    fn add_made(
        &mut self,
        rule: &Rule,
        line: Option<usize>,
        message: impl Message,
        count: usize,
        sums: bool,
    ) {
        let finding = |message| Finding {
            line,
            severity: rule.severity,
            rule: rule.id,
            message,
            count,
            sums,
        };
        let listed = self.by_rule.get(rule.id);
        match listed.is_none_or(|listed| listed.has_room(sums)) {
            true => self.push(finding(message.made())),
            false => self.push(finding(String::new())),
        }
    }

    /// Adds a finding made elsewhere (another part of the input, or a count of them). It is
    /// listed while its rule has room among its findings one by one, or among those that sum
    /// up others; counted past that.
    pub fn push(&mut self, finding: Finding) {
        let listed = self.by_rule.entry(finding.rule).or_default();
        if listed.has_room(finding.sums) {
            *listed.slot(finding.sums) += 1;
            self.listed.push(finding);
            return;
        }
        let past = listed.past.get_or_insert(Counted {
            severity: finding.severity,
            first_line: finding.line,
            count: 0,
        });
        past.count += finding.count;
    }

    pub fn extend(&mut self, findings: impl IntoIterator<Item = Finding>) {
        for finding in findings {
            self.push(finding);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.listed.is_empty()
    }

    /// The listed findings, then one for each rule's counted ones, in rule order.
    pub fn into_vec(self) -> Vec<Finding> {
        let mut findings = self.listed;
        for (rule, listed) in self.by_rule {
            let Some(past) = listed.past else { continue };
            findings.push(Finding {
                line: past.first_line,
                severity: past.severity,
                rule,
                message: format!(
                    "and {} more like this, counted, not listed (each rule is listed {REPORTED} \
                     times a file)",
                    thousands(past.count as u64)
                ),
                count: past.count,
                sums: true,
            });
        }
        findings
    }
}

/// What `validate` found in one input, as the report printers take it.
#[derive(Debug, Default)]
pub struct FileResult {
    /// The path as the user gave it, joined with the walked relative path.
    pub path: String,
    /// The findings `--allow` left.
    pub findings: Vec<Finding>,
    /// How many findings `--allow` silenced.
    pub allowed: usize,
    /// The input could not be read: why.
    pub failure: Option<String>,
    /// The input holds nothing to check: why.
    pub skipped: Option<String>,
}

impl FileResult {
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .map(|f| f.count)
            .sum()
    }

    /// Whether the file fails the run: an error, an unreadable file, or (with
    /// `--deny-warnings`) a warning.
    pub fn invalid(&self, deny_warnings: bool) -> bool {
        self.failure.is_some() || self.errors() > 0 || (deny_warnings && self.warnings() > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_past_the_listed_findings_is_never_made() {
        let rule = &rules::RULES[0];
        let mut findings = Findings::default();
        let mut made = 0;
        for _ in 0..1000 {
            findings.add(rule, None, || {
                made += 1;
                "a message quoting a long text".to_string()
            });
        }
        assert_eq!(made, REPORTED);
        let all = findings.into_vec();
        assert_eq!(all.len(), REPORTED + 1);
        assert_eq!(all[REPORTED].count, 1000 - REPORTED);
    }
}
