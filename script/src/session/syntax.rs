//! What a line of Rhai looks like before it runs: is it complete, where
//! are its numbers, strings and keywords, which bracket matches which.
//! Used by the REPL's validator and highlighter and the kernel's `is_complete`.

use std::ops::Range;

use rhai::{Engine, ParseErrorType};

/// Whether `input` can run as it is, needs more lines, or is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completeness {
    /// Parses: run it.
    Complete,
    /// Ends in the middle of something (open brace, bracket, string): read more.
    Incomplete,
    /// A real error inside the input: run it to show the error.
    Invalid,
}

/// Classify `input` by compiling it. An unexpected end of input, or a missing
/// token at or past the end, means the user has not finished typing.
pub fn completeness(engine: &Engine, input: &str) -> Completeness {
    if input.trim().is_empty() {
        return Completeness::Complete;
    }
    let Err(err) = engine.compile(input) else {
        return Completeness::Complete;
    };
    let at_end = {
        let pos = err.position();
        match (pos.line(), pos.position()) {
            (Some(line), Some(col)) => {
                let lines: Vec<&str> = input.lines().collect();
                let last = lines.len().max(1);
                line > last
                    || (line == last
                        && col > lines.last().map_or(0, |l| l.trim_end().chars().count()))
            }
            _ => true,
        }
    };
    match err.err_type() {
        ParseErrorType::UnexpectedEOF => Completeness::Incomplete,
        ParseErrorType::MissingToken(..) if at_end => Completeness::Incomplete,
        ParseErrorType::BadInput(rhai::LexError::UnterminatedString)
            if unclosed_backtick(input) =>
        {
            Completeness::Incomplete
        }
        _ if unclosed_backtick(input) => Completeness::Incomplete,
        _ => Completeness::Invalid,
    }
}

/// True when a backtick string (which may span lines) is still open.
fn unclosed_backtick(input: &str) -> bool {
    let mut in_plain = false;
    let mut in_tick = false;
    let mut escaped = false;
    for c in input.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if in_plain || in_tick => escaped = true,
            '"' if !in_tick => in_plain = !in_plain,
            '`' if !in_plain => in_tick = !in_tick,
            '\n' => in_plain = false,
            _ => {}
        }
    }
    in_tick
}

/// Kinds of token the highlighter colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// `70e9`, `1.4`, `42`.
    Number,
    /// `"..."`, `` `...` ``, `'c'`.
    Str,
    /// `let`, `fn`, `if`, ...
    Keyword,
    /// `// ...`.
    Comment,
    /// A name.
    Ident,
    /// A REPL command (`:help`).
    Command,
}

const KEYWORDS: &[&str] = &[
    "let",
    "const",
    "fn",
    "if",
    "else",
    "for",
    "in",
    "while",
    "loop",
    "do",
    "until",
    "break",
    "continue",
    "return",
    "throw",
    "try",
    "catch",
    "switch",
    "true",
    "false",
    "this",
    "global",
    "private",
    "import",
    "export",
    "as",
    "Fn",
    "call",
    "curry",
    "is_shared",
    "is_def_fn",
    "is_def_var",
    "type_of",
    "print",
    "debug",
    "eval",
];

/// Byte ranges of the tokens worth colouring in `line`.
pub fn tokens(line: &str) -> Vec<(Range<usize>, TokenKind)> {
    let mut out = Vec::new();
    let b = line.as_bytes();
    if line.trim_start().starts_with(':') {
        let start = line.len() - line.trim_start().len();
        let end = line[start..].find(' ').map_or(line.len(), |e| start + e);
        out.push((start..end, TokenKind::Command));
        return out;
    }
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            out.push((i..b.len(), TokenKind::Comment));
            break;
        }
        if c == b'"' || c == b'`' || c == b'\'' {
            let q = c;
            let start = i;
            i += 1;
            while i < b.len() && b[i] != q {
                if b[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i = (i + 1).min(b.len());
            out.push((start..i, TokenKind::Str));
            continue;
        }
        if c.is_ascii_digit() {
            let start = i;
            while i < b.len()
                && (b[i].is_ascii_alphanumeric()
                    || b[i] == b'.' && b.get(i + 1).is_some_and(|d| d.is_ascii_digit())
                    || b[i] == b'_'
                    || ((b[i] == b'+' || b[i] == b'-') && matches!(b[i - 1], b'e' | b'E')))
            {
                i += 1;
            }
            out.push((start..i, TokenKind::Number));
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            let word = &line[start..i];
            let kind = if KEYWORDS.contains(&word) {
                TokenKind::Keyword
            } else {
                TokenKind::Ident
            };
            out.push((start..i, kind));
            continue;
        }
        // Skip one whole character (multi-byte ones too).
        i += line[i..].chars().next().map_or(1, char::len_utf8);
    }
    out
}

/// The bracket at or just before `pos` and its partner, as byte offsets.
pub fn matching_bracket(line: &str, pos: usize) -> Option<(usize, usize)> {
    let b = line.as_bytes();
    let at = [pos, pos.wrapping_sub(1)]
        .into_iter()
        .find(|&p| p < b.len() && b"()[]{}".contains(&b[p]))?;
    let (open, close, forward) = match b[at] {
        b'(' => (b'(', b')', true),
        b'[' => (b'[', b']', true),
        b'{' => (b'{', b'}', true),
        b')' => (b'(', b')', false),
        b']' => (b'[', b']', false),
        _ => (b'{', b'}', false),
    };
    let mut depth = 0i32;
    if forward {
        for (k, &c) in b.iter().enumerate().skip(at) {
            if c == open {
                depth += 1;
            } else if c == close {
                depth -= 1;
                if depth == 0 {
                    return Some((at, k));
                }
            }
        }
    } else {
        for k in (0..=at).rev() {
            if b[k] == close {
                depth += 1;
            } else if b[k] == open {
                depth -= 1;
                if depth == 0 {
                    return Some((k, at));
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completeness_of_typical_inputs() {
        let e = Engine::new();
        use Completeness::*;
        let cases = [
            ("1 + 1", Complete),
            ("let x = 5;", Complete),
            ("fn f(x) {", Incomplete),
            ("fn f(x) {\n  x * 2", Incomplete),
            ("fn f(x) {\n  x * 2\n}", Complete),
            ("let a = [1, 2,", Incomplete),
            ("chinchilla_loss(70e9,", Incomplete),
            ("let s = `multi", Incomplete),
            ("x)", Invalid),
            ("let = 5;", Invalid),
            ("", Complete),
        ];
        for (input, want) in cases {
            assert_eq!(completeness(&e, input), want, "{input:?}");
        }
    }

    #[test]
    fn tokens_and_brackets() {
        let line = r#"let n = chinchilla_loss(70e9, "x") // hi"#;
        let kinds: Vec<TokenKind> = tokens(line).into_iter().map(|(_, k)| k).collect();
        use TokenKind::*;
        assert_eq!(kinds, [Keyword, Ident, Ident, Number, Str, Comment]);
        assert_eq!(matching_bracket("f(a[1])", 1), Some((1, 6)));
        assert_eq!(matching_bracket("f(a[1])", 7), Some((1, 6)));
        assert_eq!(matching_bracket("f(a[1]", 1), None);
    }
}
