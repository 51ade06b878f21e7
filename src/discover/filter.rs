//! Which files a folder walk reads: `--glob` and `--exclude` patterns, hidden files, and
//! version-control folders.
//!
//! A pattern with a `/` is matched against the path below the walked folder, one without
//! against the file or folder name alone (as in `.gitignore`), and `*` never crosses a `/`.

use std::ffi::OsStr;
use std::path::Path;

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

use super::shard::Shard;

/// Folders of version-control systems: never walked, `--hidden` or not.
const VCS: [&str; 7] = [".git", ".hg", ".svn", ".bzr", ".jj", "_darcs", "CVS"];

/// Patterns matched by name, and patterns matched by the path below the walked folder.
#[derive(Debug, Clone, Default)]
struct Patterns {
    by_name: GlobSet,
    by_path: GlobSet,
}

impl Patterns {
    fn new(patterns: &[String]) -> Result<Patterns, String> {
        let mut by_name = GlobSetBuilder::new();
        let mut by_path = GlobSetBuilder::new();
        let mut globs = Vec::with_capacity(patterns.len());
        for pattern in patterns {
            let glob = GlobBuilder::new(pattern.trim_start_matches("./"))
                .literal_separator(true)
                .build()
                .map_err(|err| format!("bad pattern {pattern:?}: {}", err.kind()))?;
            globs.push((pattern, glob.clone()));
            if pattern.contains('/') {
                by_path.add(glob);
            } else {
                by_name.add(glob);
            }
        }
        // A pattern that parses may still not compile (alternations nested 100 deep pass
        // the regex engine's limits): the set's error names only an index ("error parsing
        // pattern 0"), so the pattern is found and named (hostile run 63).
        let too_big = || {
            let one = |glob: &Glob| GlobSetBuilder::new().add(glob.clone()).build().is_err();
            match globs.iter().find(|(_, glob)| one(glob)) {
                Some((pattern, _)) => format!(
                    "bad pattern {pattern:?}: it nests too deeply, or is too large, to match \
                     with"
                ),
                None => "the patterns together are too large to match with".to_string(),
            }
        };
        let build = |set: GlobSetBuilder| set.build().map_err(|_| too_big());
        Ok(Patterns {
            by_name: build(by_name)?,
            by_path: build(by_path)?,
        })
    }

    fn is_empty(&self) -> bool {
        self.by_name.is_empty() && self.by_path.is_empty()
    }

    fn matches(&self, rel: &Path) -> bool {
        rel.file_name()
            .is_some_and(|name| self.by_name.is_match(name))
            || self.by_path.is_match(rel)
    }
}

/// What a run reads: which files walks read, and which part of the inputs (`--shard`).
#[derive(Debug, Clone, Default)]
pub struct Filter {
    include: Patterns,
    exclude: Patterns,
    hidden: bool,
    /// Only the inputs of this part of the run (named files too).
    pub shard: Option<Shard>,
}

impl Filter {
    /// A filter from `--glob` patterns (a file must match one, when any are given),
    /// `--exclude` patterns (files and folders matching one are left out) and `--hidden`.
    pub fn new(globs: &[String], excludes: &[String], hidden: bool) -> Result<Filter, String> {
        Ok(Filter {
            include: Patterns::new(globs)?,
            exclude: Patterns::new(excludes)?,
            hidden,
            shard: None,
        })
    }

    fn hidden_or_excluded(&self, rel: &Path, name: &OsStr) -> bool {
        let name = name.to_string_lossy();
        (!self.hidden && name.starts_with('.')) || self.exclude.matches(rel)
    }

    /// Whether the walk of `root` goes into the folder `dir`.
    pub fn enters(&self, root: &Path, dir: &Path) -> bool {
        let (rel, name) = parts(root, dir);
        !VCS.iter().any(|v| name == *v) && !self.hidden_or_excluded(rel, name)
    }

    /// Whether the walk of `root` reads the file `file`.
    pub fn reads(&self, root: &Path, file: &Path) -> bool {
        let (rel, name) = parts(root, file);
        !self.hidden_or_excluded(rel, name)
            && (self.include.is_empty() || self.include.matches(rel))
    }
}

fn parts<'a>(root: &Path, path: &'a Path) -> (&'a Path, &'a OsStr) {
    let rel = path.strip_prefix(root).unwrap_or(path);
    (rel, path.file_name().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(globs: &[&str], excludes: &[&str], hidden: bool) -> Filter {
        let own = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        Filter::new(&own(globs), &own(excludes), hidden).unwrap()
    }

    #[test]
    fn names_and_paths() {
        let root = Path::new("caps");
        let f = filter(&["*.har", "anthropic/*.sse"], &["tmp"], false);
        assert!(f.reads(root, Path::new("caps/a/b/x.har")));
        assert!(f.reads(root, Path::new("caps/anthropic/x.sse")));
        // `*` does not cross a `/`.
        assert!(!f.reads(root, Path::new("caps/anthropic/deep/x.sse")));
        assert!(!f.reads(root, Path::new("caps/x.txtar")));
        assert!(!f.enters(root, Path::new("caps/tmp")));
        assert!(f.enters(root, Path::new("caps/anthropic")));
    }

    #[test]
    fn hidden_and_vcs() {
        let root = Path::new("r");
        let plain = filter(&[], &[], false);
        assert!(!plain.reads(root, Path::new("r/.x.sse")));
        assert!(!plain.enters(root, Path::new("r/.cache")));
        let hidden = filter(&[], &[], true);
        assert!(hidden.reads(root, Path::new("r/.x.sse")));
        assert!(hidden.enters(root, Path::new("r/.cache")));
        assert!(!hidden.enters(root, Path::new("r/.git")));
        assert!(!hidden.enters(root, Path::new("r/CVS")));
    }

    #[test]
    fn bad_pattern() {
        let err = Filter::new(&["a[".to_string()], &[], false).unwrap_err();
        assert!(err.contains("a["), "{err}");
    }

    #[test]
    fn a_pattern_that_parses_but_does_not_compile_is_named() {
        // Hostile run 63: the set's error named only an index ("error parsing pattern 0").
        let deep = format!("{}{}", "{a,b".repeat(100), "}".repeat(100));
        let patterns = ["*.sse".to_string(), deep.clone()];
        let err = Filter::new(&[], &patterns, false).unwrap_err();
        assert_eq!(
            err,
            format!("bad pattern {deep:?}: it nests too deeply, or is too large, to match with")
        );
    }
}
