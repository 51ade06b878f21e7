//! The validation report: text, JSON, JUnit and GitHub annotations over one stream of findings.
//!
//! Files arrive in input order, one [`FileResult`] each; every printer writes what it can as
//! they come (JUnit holds its test cases back, in a scratch file past a few megabytes, because
//! the suite's counts come first).

use std::io::{self, Write};

use super::escape_controls;
use crate::config::ValidateFormat;
use crate::diagnostic::{FileResult, Finding, RULES, Severity};
use crate::scratch::Spool;

/// `validate --list-rules`: one rule per line, id, severity, summary.
pub fn list_rules(out: &mut impl Write) -> io::Result<()> {
    let width = RULES.iter().map(|r| r.id.len()).max().unwrap_or(0);
    for rule in RULES {
        let severity = rule.severity.as_str();
        writeln!(out, "{:width$}  {severity:7}  {}", rule.id, rule.summary)?;
    }
    Ok(())
}

/// Counts over the whole run.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tally {
    pub files: usize,
    /// Files that fail the run (see [`FileResult::invalid`]).
    pub invalid: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Findings `--allow` silenced.
    pub allowed: usize,
    pub skipped: usize,
    pub unreadable: usize,
}

impl Tally {
    pub fn add(&mut self, file: &FileResult, deny_warnings: bool) {
        self.files += 1;
        self.invalid += usize::from(file.invalid(deny_warnings));
        self.errors += file.errors();
        self.warnings += file.warnings();
        self.allowed += file.allowed;
        self.skipped += usize::from(file.skipped.is_some());
        self.unreadable += usize::from(file.failure.is_some());
    }

    /// The one-line summary: `checked 57 files: 3 invalid (3 errors, 1 warning), 2 skipped`.
    pub fn line(&self) -> String {
        let plural = |n: usize, word: &str| match n {
            1 => format!("1 {word}"),
            n => format!("{n} {word}s"),
        };
        let verdict = match self.invalid {
            0 => "all valid".to_string(),
            n => format!("{n} invalid"),
        };
        let mut line = format!(
            "checked {}: {verdict} ({}, {})",
            plural(self.files, "file"),
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
        );
        for (n, what) in [
            (self.allowed, "allowed (by --allow or an inline allow)"),
            (self.skipped, "skipped"),
            (self.unreadable, "unreadable"),
        ] {
            if n > 0 {
                line.push_str(&format!(", {n} {what}"));
            }
        }
        line
    }
}

/// Prints the report as files come.
pub trait ReportPrinter {
    fn file(&mut self, out: &mut dyn Write, file: &FileResult) -> io::Result<()>;
    fn finish(&mut self, out: &mut dyn Write, tally: &Tally) -> io::Result<()>;
}

/// The printer for `format`; `deny_warnings` says whether warnings fail a file (JUnit
/// reports such a file as failed).
pub fn printer(format: ValidateFormat, deny_warnings: bool) -> Box<dyn ReportPrinter> {
    match format {
        ValidateFormat::Text => Box::new(Text),
        ValidateFormat::Json => Box::new(Json),
        ValidateFormat::Github => Box::new(Github),
        ValidateFormat::Junit => Box::new(Junit {
            deny_warnings,
            cases: Spool::new("junit"),
        }),
    }
}

/// `path:line: severity[rule]: message`, the line left out when unknown. One line whatever
/// the path or message hold: control characters are escaped, so a file named `x\ny: error…`
/// cannot forge a finding.
fn text_line(path: &str, finding: &Finding) -> String {
    let at = finding.line.map_or(String::new(), |l| format!(":{l}"));
    format!(
        "{}{at}: {}[{}]: {}",
        escape_controls(path),
        finding.severity.as_str(),
        finding.rule,
        escape_controls(&finding.message)
    )
}

/// One line per finding, then the tally.
struct Text;

impl ReportPrinter for Text {
    fn file(&mut self, out: &mut dyn Write, file: &FileResult) -> io::Result<()> {
        for finding in &file.findings {
            writeln!(out, "{}", text_line(&file.path, finding))?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, tally: &Tally) -> io::Result<()> {
        writeln!(out, "{}", tally.line())
    }
}

/// One JSON object per finding per line: `{"path", "line", "severity", "rule", "message"}`.
/// Nothing else goes to stdout, so every line has the same shape (the exit code tells the
/// verdict; unreadable files are named on stderr).
struct Json;

impl ReportPrinter for Json {
    fn file(&mut self, out: &mut dyn Write, file: &FileResult) -> io::Result<()> {
        for f in &file.findings {
            let object = serde_json::json!({
                "path": file.path,
                "line": f.line,
                "severity": f.severity.as_str(),
                "rule": f.rule,
                "message": f.message,
            });
            serde_json::to_writer(&mut *out, &object).map_err(io::Error::from)?;
            out.write_all(b"\n")?;
        }
        Ok(())
    }

    fn finish(&mut self, _: &mut dyn Write, _: &Tally) -> io::Result<()> {
        Ok(())
    }
}

/// GitHub Actions workflow commands: `::error file=…,line=…,title=RULE::message`, which the
/// runner turns into annotations on the pull request's diff.
struct Github;

/// Escapes a workflow command's message: the runner decodes `%25`, `%0D` and `%0A`; any
/// other control character (an escape sequence in a file name) is written as an escape,
/// so it never reaches the CI log raw.
fn github_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push_str(&escape_controls(c.encode_utf8(&mut [0; 4]))),
        }
    }
    out
}

/// Escapes a workflow command's property value, where `:` and `,` are separators too.
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

impl ReportPrinter for Github {
    fn file(&mut self, out: &mut dyn Write, file: &FileResult) -> io::Result<()> {
        let path = github_property(&file.path);
        if let Some(why) = &file.failure {
            writeln!(out, "::error file={path}::{}", github_data(why))?;
        }
        for f in &file.findings {
            let command = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let line = f.line.map_or(String::new(), |l| format!(",line={l}"));
            writeln!(
                out,
                "::{command} file={path}{line},title={}::{}",
                github_property(f.rule),
                github_data(&format!("{} [{}]", f.message, f.rule))
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, tally: &Tally) -> io::Result<()> {
        writeln!(out, "{}", tally.line())
    }
}

/// JUnit XML: one test case per file, failed when the file is invalid, for CI dashboards.
struct Junit {
    deny_warnings: bool,
    /// The test cases so far: the suite's counts must be written before them. A run's
    /// may be large (40,000 files of 252 findings: 300 MB held; hostile run 41), so past a
    /// few megabytes they wait in a scratch file.
    cases: Spool,
}

/// Escapes text for XML content and attribute values, dropping what XML 1.0 cannot hold
/// (control characters other than tab and line ends). Line ends and tabs are written as
/// character references, so an attribute keeps them (a parser would turn them into spaces).
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if c < ' ' || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

impl ReportPrinter for Junit {
    fn file(&mut self, _: &mut dyn Write, file: &FileResult) -> io::Result<()> {
        // Named as the text report names it (control characters escaped), so the name and
        // each finding line are one line in any viewer.
        let name = xml(&escape_controls(&file.path));
        let lines: Vec<String> = file
            .findings
            .iter()
            .map(|f| xml(&text_line(&file.path, f)))
            .collect();
        let body = lines.join("\n");
        let mut case = String::new();
        case.push_str(&format!(
            "    <testcase classname=\"aibridge-trace.validate\" name=\"{name}\">\n"
        ));
        if let Some(why) = &file.failure {
            case.push_str(&format!("      <error message=\"{}\"/>\n", xml(why)));
        } else if file.invalid(self.deny_warnings) {
            let summary = format!("{} errors, {} warnings", file.errors(), file.warnings());
            case.push_str(&format!(
                "      <failure type=\"invalid\" message=\"{summary}\">{body}</failure>\n"
            ));
        } else if let Some(why) = &file.skipped {
            case.push_str(&format!("      <skipped message=\"{}\"/>\n", xml(why)));
        } else if !body.is_empty() {
            case.push_str(&format!("      <system-out>{body}</system-out>\n"));
        }
        case.push_str("    </testcase>\n");
        self.cases.push(case.as_bytes())
    }

    fn finish(&mut self, out: &mut dyn Write, tally: &Tally) -> io::Result<()> {
        let failures = tally.invalid - tally.unreadable;
        let counts = format!(
            "tests=\"{}\" failures=\"{failures}\" errors=\"{}\"",
            tally.files, tally.unreadable
        );
        writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
        writeln!(
            out,
            "<testsuites name=\"aibridge-trace validate\" {counts}>"
        )?;
        writeln!(
            out,
            "  <testsuite name=\"aibridge-trace validate\" {counts} skipped=\"{}\">",
            tally.skipped
        )?;
        self.cases.write_to(out)?;
        writeln!(out, "  </testsuite>")?;
        writeln!(out, "</testsuites>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(findings: Vec<Finding>) -> FileResult {
        FileResult {
            path: "dir/a<b>.txtar".to_string(),
            findings,
            ..FileResult::default()
        }
    }

    fn finding(severity: Severity, line: Option<usize>, message: &str) -> Finding {
        Finding {
            line,
            severity,
            rule: "sse-framing",
            message: message.to_string(),
            count: 1,
            sums: false,
        }
    }

    fn render(format: ValidateFormat, files: &[FileResult]) -> String {
        let mut printer = printer(format, false);
        let mut out = Vec::new();
        let mut tally = Tally::default();
        for f in files {
            tally.add(f, false);
            printer.file(&mut out, f).unwrap();
        }
        printer.finish(&mut out, &tally).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn text_lines_and_tally() {
        let files = [
            file(vec![
                finding(Severity::Error, Some(3), "bad"),
                finding(Severity::Warning, None, "meh"),
            ]),
            file(vec![]),
        ];
        assert_eq!(
            render(ValidateFormat::Text, &files),
            "dir/a<b>.txtar:3: error[sse-framing]: bad\n\
             dir/a<b>.txtar: warning[sse-framing]: meh\n\
             checked 2 files: 1 invalid (1 error, 1 warning)\n"
        );
    }

    /// A file named so that its name reads as a finding of another file: every format keeps
    /// it to the one finding it has.
    #[test]
    fn a_newline_in_a_path_forges_no_finding() {
        let evil = FileResult {
            path: "x.txtar\nforged.txtar:1: error[parse-capture]: forged\u{1b}[0m".to_string(),
            findings: vec![finding(Severity::Error, Some(2), "bad\nline")],
            ..FileResult::default()
        };
        let files = [evil];
        assert_eq!(
            render(ValidateFormat::Text, &files),
            "x.txtar\\nforged.txtar:1: error[parse-capture]: forged\\u{1b}[0m:2: \
             error[sse-framing]: bad\\nline\n\
             checked 1 file: 1 invalid (1 error, 0 warnings)\n"
        );
        let github = render(ValidateFormat::Github, &files);
        assert!(
            github.starts_with(
                "::error file=x.txtar%0Aforged.txtar%3A1%3A error[parse-capture]%3A forged\\u{1b}[0m,\
                 line=2,title=sse-framing::bad%0Aline [sse-framing]\n"
            ),
            "{github}"
        );
        assert_eq!(github.lines().count(), 2, "{github}");
        let junit = render(ValidateFormat::Junit, &files);
        assert!(
            junit.contains(
                "name=\"x.txtar\\nforged.txtar:1: error[parse-capture]: forged\\u{1b}[0m\""
            ),
            "{junit}"
        );
        assert!(
            junit.contains(
                ">x.txtar\\nforged.txtar:1: error[parse-capture]: forged\\u{1b}[0m:2: \
                 error[sse-framing]: bad\\nline</failure>"
            ),
            "{junit}"
        );
        assert!(!junit.contains('\u{1b}'));
    }

    #[test]
    fn github_escapes() {
        let files = [file(vec![finding(Severity::Warning, Some(7), "100% a\nb")])];
        let out = render(ValidateFormat::Github, &files);
        assert!(
            out.starts_with(
                "::warning file=dir/a<b>.txtar,line=7,title=sse-framing::100%25 a%0Ab [sse-framing]\n"
            ),
            "{out}"
        );
    }

    #[test]
    fn junit_escapes_and_counts() {
        let files = [
            file(vec![finding(Severity::Error, Some(1), "a \"q\" & \u{1}")]),
            FileResult {
                path: "gone".into(),
                failure: Some("no such file or directory".into()),
                ..FileResult::default()
            },
        ];
        let out = render(ValidateFormat::Junit, &files);
        assert!(
            out.contains("tests=\"2\" failures=\"1\" errors=\"1\""),
            "{out}"
        );
        assert!(out.contains("name=\"dir/a&lt;b&gt;.txtar\""), "{out}");
        // A control character in a finding is escaped as in the text report; one XML 1.0
        // cannot hold is dropped from other text (an unreadable file's message).
        assert!(out.contains("a &quot;q&quot; &amp; \\u{1}"), "{out}");
        assert!(!out.contains('\u{1}'));
        assert_eq!(super::xml("a\u{1}\nb"), "a\u{fffd}&#10;b");
    }

    #[test]
    fn json_lines() {
        let out = render(
            ValidateFormat::Json,
            &[file(vec![finding(Severity::Error, None, "x")])],
        );
        let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"path": "dir/a<b>.txtar", "line": null, "severity": "error",
                "rule": "sse-framing", "message": "x"})
        );
    }
}
