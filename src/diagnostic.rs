//! Diagnostics: what `validate` finds, as values. A finding names its rule (a symbol the
//! compiler checks, listed in [`rules::RULES`]), its line and its message; it is rendered to
//! text only at the edge (`render::validation`). The types live below the commands, so the
//! command line (which checks `--allow` against the rule list) and the renderers can name
//! them without importing the `validate` command.

pub mod rules;

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

/// The findings of one file, as the checks add them.
#[derive(Debug, Default)]
pub struct Findings(pub Vec<Finding>);

impl Findings {
    /// Adds a finding of `rule`, with the rule's severity.
    pub fn add(&mut self, rule: &Rule, line: Option<usize>, message: impl Into<String>) {
        self.0.push(Finding {
            line,
            severity: rule.severity,
            rule: rule.id,
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
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
            .count()
    }

    /// Whether the file fails the run: an error, an unreadable file, or (with
    /// `--deny-warnings`) a warning.
    pub fn invalid(&self, deny_warnings: bool) -> bool {
        self.failure.is_some() || self.errors() > 0 || (deny_warnings && self.warnings() > 0)
    }
}
