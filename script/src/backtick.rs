//! Backtick strings and backslashes.
//!
//! Rhai's backtick strings (the ones that interpolate `${...}`, the
//! f-strings of this language) keep every character as written, so
//! `` `a\nb` `` prints a backslash and an n where a Python user expects a
//! line break. Rewriting the escapes before compiling would move the
//! positions of every later error on the line, so a script that writes an
//! escape inside backticks is refused, at the escape, with what to write
//! instead. A backslash before anything else (`C:\data`) is kept.

/// The first escape sequence written inside a backtick string: its line
/// and column (1-based, in characters) and the two characters.
pub fn first_escape(code: &str) -> Option<(usize, usize, String)> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mode {
        /// Code, with the depth of `{` opened in it.
        Code(u32),
        Backtick,
    }
    let chars: Vec<char> = code.chars().collect();
    let mut stack = vec![Mode::Code(0)];
    let (mut line, mut col) = (1usize, 1usize);
    let mut i = 0;
    // Advance over one character, keeping the line and column.
    let step = |i: &mut usize, line: &mut usize, col: &mut usize| {
        if chars[*i] == '\n' {
            *line += 1;
            *col = 1;
        } else {
            *col += 1;
        }
        *i += 1;
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match *stack.last()? {
            Mode::Backtick => match c {
                '`' => {
                    stack.pop();
                }
                '$' if next == Some('{') => {
                    stack.push(Mode::Code(0));
                    step(&mut i, &mut line, &mut col);
                }
                '\\' if matches!(
                    next,
                    Some('n' | 't' | 'r' | '0' | '\\' | '"' | '\'' | 'u' | 'x')
                ) =>
                {
                    return Some((line, col, format!("\\{}", next.unwrap_or(' '))));
                }
                _ => {}
            },
            Mode::Code(depth) => match c {
                '/' if next == Some('/') => {
                    while i < chars.len() && chars[i] != '\n' {
                        step(&mut i, &mut line, &mut col);
                    }
                    continue;
                }
                '/' if next == Some('*') => {
                    while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                        step(&mut i, &mut line, &mut col);
                    }
                    step(&mut i, &mut line, &mut col);
                }
                '"' | '\'' => {
                    step(&mut i, &mut line, &mut col);
                    while i < chars.len() && chars[i] != c {
                        if chars[i] == '\\' {
                            step(&mut i, &mut line, &mut col);
                        }
                        if i < chars.len() {
                            step(&mut i, &mut line, &mut col);
                        }
                    }
                }
                '`' => stack.push(Mode::Backtick),
                '{' => *stack.last_mut()? = Mode::Code(depth + 1),
                '}' if depth == 0 && stack.len() > 1 => {
                    stack.pop();
                }
                '}' => *stack.last_mut()? = Mode::Code(depth.saturating_sub(1)),
                _ => {}
            },
        }
        if i < chars.len() {
            step(&mut i, &mut line, &mut col);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::first_escape;

    #[test]
    fn escapes_inside_backticks_are_found_and_nothing_else() {
        assert_eq!(first_escape("print(`a\\nb`)"), Some((1, 9, "\\n".into())));
        assert_eq!(
            first_escape("let x = 1;\nprint(`${x}\\t${x}`)"),
            Some((2, 12, "\\t".into()))
        );
        // Double-quoted strings process escapes; comments are not code.
        assert_eq!(first_escape("print(\"a\\nb\")"), None);
        assert_eq!(first_escape("// `a\\nb`\nprint(1)"), None);
        assert_eq!(first_escape("/* `a\\n` */ 1"), None);
        // A string inside an interpolation is code's, a path is kept.
        assert_eq!(first_escape("`${fmt(x, \"a\\n\")} C:\\data`"), None);
        assert_eq!(
            first_escape("`${#{a: 1}.a} x\\n`"),
            Some((1, 16, "\\n".into()))
        );
        assert_eq!(first_escape("let q = \"`\"; `ok`"), None);
    }
}
