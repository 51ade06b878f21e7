//! How many items YAML's flow collections (`[a, b]`, `{k: v}`) hold, found before the
//! parser reads them.
//!
//! saphyr's scanner cannot tell whether a flow collection is a mapping's key (`[a, b]: c`
//! is valid YAML) until it has read past its end, so it holds every token of the collection
//! queued until then: about 550 bytes an item. A 2 MB cassette written as one flow mapping
//! (`{interactions: [x, x, …]}`) took 364 MB. Real cassettes are written in block style
//! (or as JSON, which is read apart), their flow collections a handful of items; so a
//! collection of more than [`MAX_ITEMS`] is refused before it is parsed, and so are
//! collections nested past the reader's depth bound, said as too deep.
//!
//! The count is a light lexer, not a parser: it follows quotes, comments and block scalars
//! (`|`, `>`), whose text may hold anything, and takes `[` or `{` for a collection only
//! where a node may start. Where it misreads (a `[` opening a plain scalar's continuation
//! line), a collection is bounded by its indentation, as YAML bounds it: a line indented no
//! deeper than the collection's parent ends the count.

/// The most items a flow collection may hold, nested ones included: 55 MB of queued tokens.
pub const MAX_ITEMS: usize = 100_000;

/// Why the flow collections of a text are not parsed, with the line (1-based) where the
/// first passes its bound.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// A collection of more than its bound of items.
    TooManyItems { line: usize },
    /// Collections nested more than their bound of levels. Said as what it is, first: each
    /// level is an item too, so 100,001 of them were called a collection of too many items
    /// (hostile run 60).
    TooDeep { line: usize },
}

/// Where a flow collection holds more than `max_items` items, or flow collections nest more
/// than `max_depth` levels, if anywhere.
pub fn refused(text: &str, max_items: usize, max_depth: usize) -> Option<Refused> {
    let mut lexer = Lexer {
        bytes: text.as_bytes(),
        at: 0,
        line: 1,
        depth: 0,
        items: 0,
        parent: 0,
        line_start: 0,
        max_items,
        max_depth,
    };
    lexer.run()
}

struct Lexer<'t> {
    bytes: &'t [u8],
    at: usize,
    line: usize,
    /// How deep in flow collections the lexer is.
    depth: usize,
    /// Items of the outermost open collection so far.
    items: usize,
    /// Lines of the open collection must be indented deeper than this (its parent's
    /// indentation), or the collection was no collection.
    parent: isize,
    /// Where the current line starts.
    line_start: usize,
    max_items: usize,
    max_depth: usize,
}

impl Lexer<'_> {
    fn run(&mut self) -> Option<Refused> {
        while self.at < self.bytes.len() {
            self.line_start = self.at;
            let indent = self.indentation();
            let blank = matches!(self.peek(), None | Some(b'\n' | b'\r' | b'#'));
            if self.depth > 0 && !blank && indent as isize <= self.parent {
                self.depth = 0;
            }
            loop {
                let before = self.at;
                if self.depth == 0 {
                    self.block_line(indent);
                }
                if let Err(refused) = self.flow_until_line_end() {
                    return Some(refused);
                }
                // A collection closed mid-line (`[a]: {b}`): the rest is block context.
                let ended = matches!(self.peek(), None | Some(b'\n' | b'\r'));
                if self.depth > 0 || ended || self.at == before {
                    break;
                }
            }
            self.next_line();
        }
        None
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// Spaces at the start of the line, passed over.
    fn indentation(&mut self) -> usize {
        let start = self.at;
        while self.peek() == Some(b' ') {
            self.at += 1;
        }
        self.at - start
    }

    fn next_line(&mut self) {
        while let Some(b) = self.peek() {
            self.at += 1;
            if b == b'\n' {
                break;
            }
        }
        self.line += 1;
    }

    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.at += 1;
        }
    }

    /// A line in block context, from its indentation on: indicators, keys and the node
    /// after them. Leaves `at` in a flow collection just opened, or at the line's end.
    fn block_line(&mut self, indent: usize) {
        let mut after_indicator = false;
        loop {
            self.skip_blanks();
            let rest = &self.bytes[self.at..];
            match rest {
                // `- `, `? `, `: `, `--- `: a node may follow.
                [b'-' | b'?' | b':', b' ' | b'\t', ..] => {
                    self.at += 2;
                    after_indicator = true;
                }
                [b'-', b'-', b'-', b' ' | b'\t' | b'\n' | b'\r', ..] | [b'-', b'-', b'-'] => {
                    self.at += 3;
                }
                // An anchor or a tag before the node.
                [b'&' | b'!', ..] => {
                    while !matches!(self.peek(), None | Some(b' ' | b'\t' | b'\n' | b'\r')) {
                        self.at += 1;
                    }
                }
                [b'[' | b'{', ..] => {
                    self.depth = 1;
                    self.items = 1;
                    // Lines of the collection go deeper than the node it is the value of;
                    // one that opens its line may go as deep as the line.
                    self.parent = match after_indicator || self.at > self.line_start + indent {
                        true => indent as isize,
                        false => indent as isize - 1,
                    };
                    self.at += 1;
                    return;
                }
                [q @ (b'\'' | b'"'), ..] => {
                    let q = *q;
                    self.at += 1;
                    self.quoted(q);
                    // A quoted key: its value may follow.
                    if !self.past_key() {
                        return;
                    }
                    after_indicator = true;
                }
                [b'|' | b'>', ..] => return self.block_scalar(indent),
                [b'#', ..] => return self.skip_to_line_end(),
                [] | [b'\n' | b'\r', ..] => return,
                _ => {
                    // A plain scalar: a key when `: ` follows on the line.
                    if !self.past_key() {
                        return;
                    }
                    after_indicator = true;
                }
            }
        }
    }

    /// Past a plain key and its `:` to where its value starts, if the line has one; else
    /// to the line's end (a plain scalar, or a comment after it).
    fn past_key(&mut self) -> bool {
        while let Some(b) = self.peek() {
            match (b, self.bytes.get(self.at + 1).copied()) {
                (b'\n' | b'\r', _) => return false,
                (b':', None | Some(b' ' | b'\t' | b'\n' | b'\r')) => {
                    self.at += 1;
                    return true;
                }
                (b' ' | b'\t', Some(b'#')) => {
                    self.skip_to_line_end();
                    return false;
                }
                _ => self.at += 1,
            }
        }
        false
    }

    fn skip_to_line_end(&mut self) {
        while !matches!(self.peek(), None | Some(b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    /// Past a quoted scalar whose opening quote `q` was just read, over lines if it runs
    /// on: `''` is a quote in a single-quoted one, `\` escapes in a double-quoted one.
    fn quoted(&mut self, q: u8) {
        while let Some(b) = self.peek() {
            self.at += 1;
            match b {
                b'\n' => self.line += 1,
                b'\\' if q == b'"' => {
                    if self.peek() == Some(b'\n') {
                        self.line += 1;
                    }
                    self.at += 1;
                }
                _ if b == q => {
                    if q == b'\'' && self.peek() == Some(b'\'') {
                        self.at += 1;
                    } else {
                        return;
                    }
                }
                _ => {}
            }
        }
    }

    /// Past a block scalar's header and its text: the lines after it indented deeper than
    /// `indent`, and blank ones. Leaves `at` at the end of its last line.
    fn block_scalar(&mut self, indent: usize) {
        self.skip_to_line_end();
        loop {
            let end = self.bytes[self.at..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(self.bytes.len(), |i| self.at + i);
            if end >= self.bytes.len() {
                return;
            }
            let next = &self.bytes[end + 1..];
            let spaces = next.iter().take_while(|&&b| b == b' ').count();
            let blank = matches!(next.get(spaces), None | Some(b'\n' | b'\r'));
            if !(blank || spaces > indent) {
                return;
            }
            self.at = end + 1;
            self.line += 1;
            self.skip_to_line_end();
        }
    }

    /// Inside flow collections to the line's end (or to where the outermost closes),
    /// counting their items and levels. `Err` where either passes its bound.
    fn flow_until_line_end(&mut self) -> Result<(), Refused> {
        // Whether a quote here would open a quoted scalar: at a token's start.
        let mut token_start = true;
        while self.depth > 0 {
            let Some(b) = self.peek() else {
                return Ok(());
            };
            match b {
                b'\n' | b'\r' => return Ok(()),
                b'[' | b'{' => {
                    self.depth += 1;
                    self.items += 1;
                }
                b']' | b'}' => self.depth -= 1,
                b',' => self.items += 1,
                b'#' if token_start => {
                    self.skip_to_line_end();
                    return Ok(());
                }
                b'\'' | b'"' if token_start => {
                    self.at += 1;
                    self.quoted(b);
                    token_start = false;
                    continue;
                }
                _ => {}
            }
            let line = self.line;
            if self.depth > self.max_depth {
                return Err(Refused::TooDeep { line });
            }
            if self.items > self.max_items {
                return Err(Refused::TooManyItems { line });
            }
            token_start = matches!(b, b' ' | b'\t' | b'[' | b'{' | b',' | b':');
            self.at += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn over(text: &str) -> Option<usize> {
        match refused(text, 100, 1_000)? {
            Refused::TooManyItems { line } => Some(line),
            Refused::TooDeep { .. } => panic!("{text}: not too deep"),
        }
    }

    #[test]
    fn collections_nested_too_deep_are_said_so_before_their_items_are_too_many() {
        let deep = |n| {
            format!(
                "a:
  - [{}{}
",
                "[".repeat(n),
                "]".repeat(n + 1)
            )
        };
        assert_eq!(refused(&deep(9), 100, 10), None);
        assert_eq!(
            refused(&deep(10), 100, 10),
            Some(Refused::TooDeep { line: 2 })
        );
        assert_eq!(
            refused(&deep(200), 100, 1_000),
            Some(Refused::TooManyItems { line: 2 })
        );
    }

    #[test]
    fn a_long_flow_collection_is_found_on_its_line() {
        let items = "x, ".repeat(200);
        assert_eq!(over(&format!("{{interactions: [{items}]}}\n")), Some(1));
        assert_eq!(over(&format!("a: 1\ninteractions: [{items}]\n")), Some(2));
        // Over lines, in a top-level mapping: its lines may start at the margin.
        let lines = "{a: b},\n".repeat(200);
        assert_eq!(over(&format!("{{interactions: [\n{lines}]}}\n")), Some(51));
        // After `- `, an anchor and a tag, and after a flow key on its line.
        assert!(over(&format!("- &a !t [{items}]\n")).is_some());
        assert!(over(&format!("[k]: {{{items}}}\n")).is_some());
    }

    #[test]
    fn text_that_merely_holds_commas_is_no_collection() {
        let json = format!("{{\"a\": [{}1]}}", "1, ".repeat(200));
        let body = json.replace('"', "\\\"");
        for text in [
            // Quoted bodies, on one line and folded over lines, keys quoted too.
            format!("interactions:\n- body: '{}'\n", json.replace('\'', "''")),
            format!("interactions:\n- \"body\": \"{body}\"\n"),
            format!("- body: \"{}\\\n  {}\"\n", &body[..40], &body[40..]),
            // A literal block (as go-vcr writes bodies), then the next key.
            format!("- body: |\n    {json}\n\n    {json}\n  code: 200\n"),
            format!("- body: >-\n    {json}\n- next\n"),
            // Comments and plain scalars.
            format!("# {json}\na: 1 # {json}\nb: {}\n", "w, ".repeat(200)),
            format!("a: it's [{}\n", "w, ".repeat(200)),
        ] {
            assert_eq!(over(&text), None, "{text}");
        }
    }

    #[test]
    fn a_collection_misread_in_a_plain_scalar_ends_with_its_indentation() {
        // A plain scalar's continuation line that opens with `[`: not a collection, and
        // the lines at the parent's indentation after it are read as they are.
        let text = format!("- text: see\n    [1 of 2\n  next: {}\n", "w, ".repeat(200));
        assert_eq!(over(&text), None);
        let short = format!("a: [{}]\nb: [{}]\n", "x, ".repeat(60), "x, ".repeat(60));
        assert_eq!(over(&short), None);
    }
}
