//! The session's input history, for `history_request` (tail, range and
//! glob search, as IPython answers them).

/// One executed cell: its number, input and the text of its result.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Execution count.
    pub line: usize,
    /// The cell's code.
    pub input: String,
    /// The result as text ("" when the cell had none).
    pub output: String,
}

/// The cells executed in this kernel session (session number 1).
#[derive(Debug, Default)]
pub struct History {
    entries: Vec<Entry>,
}

/// The session number history entries carry.
pub const SESSION: usize = 1;

impl History {
    /// Remember a cell.
    pub fn push(&mut self, line: usize, input: &str, output: &str) {
        self.entries.push(Entry {
            line,
            input: input.to_string(),
            output: output.to_string(),
        });
    }

    /// The last `n` cells.
    pub fn tail(&self, n: usize) -> Vec<&Entry> {
        let skip = self.entries.len().saturating_sub(n);
        self.entries[skip..].iter().collect()
    }

    /// Cells numbered `start..stop` (stop 0 or below start: to the end).
    pub fn range(&self, start: usize, stop: usize) -> Vec<&Entry> {
        self.entries
            .iter()
            .filter(|e| e.line >= start && (stop <= start || e.line < stop))
            .collect()
    }

    /// Cells whose input matches the glob `pattern` (`*` any text, `?` one
    /// character), newest `n` of them (all when `n` is 0), each input once
    /// when `unique`.
    pub fn search(&self, pattern: &str, n: usize, unique: bool) -> Vec<&Entry> {
        let pat: Vec<char> = pattern.chars().collect();
        let mut found: Vec<&Entry> = Vec::new();
        for e in self.entries.iter().rev() {
            let text: Vec<char> = e.input.chars().collect();
            if !glob(&pat, &text) || (unique && found.iter().any(|f| f.input == e.input)) {
                continue;
            }
            found.push(e);
            if n > 0 && found.len() == n {
                break;
            }
        }
        found.reverse();
        found
    }
}

/// Whether `text` matches the glob `pat` entirely.
fn glob(pat: &[char], text: &[char]) -> bool {
    // Iterative matching with backtracking to the last `*`.
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pat.len() && pat[p] == '*' {
            star = Some((p, t));
            p += 1;
        } else if p < pat.len() && (pat[p] == '?' || pat[p] == text[t]) {
            p += 1;
            t += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pat[p..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history() -> History {
        let mut h = History::default();
        for (i, code) in ["6 * 7", "fmt_si(1.4e12)", "6 * 7", "let x = 1;"]
            .iter()
            .enumerate()
        {
            h.push(i + 1, code, "");
        }
        h
    }

    #[test]
    fn tail_range_search() {
        let h = history();
        let inputs = |v: Vec<&Entry>| v.iter().map(|e| e.input.clone()).collect::<Vec<_>>();
        assert_eq!(inputs(h.tail(2)), ["6 * 7", "let x = 1;"]);
        assert_eq!(inputs(h.range(2, 3)), ["fmt_si(1.4e12)"]);
        assert_eq!(h.range(3, 0).len(), 2);
        assert_eq!(inputs(h.search("6 *", 0, false)), ["6 * 7", "6 * 7"]);
        assert_eq!(h.search("6 *", 0, true).len(), 1);
        assert_eq!(inputs(h.search("*e12*", 0, false)), ["fmt_si(1.4e12)"]);
        assert_eq!(h.search("?????", 1, false)[0].line, 3);
        assert!(h.search("nothing*", 0, false).is_empty());
    }

    #[test]
    fn globs() {
        let m = |p: &str, t: &str| {
            glob(
                &p.chars().collect::<Vec<_>>(),
                &t.chars().collect::<Vec<_>>(),
            )
        };
        assert!(m("*", "") && m("a*c", "abbbc") && m("a?c", "abc") && m("日*", "日本"));
        assert!(!m("a?c", "ac") && !m("abc", "abcd") && !m("*x", "abc"));
        assert!(
            m("6 *", "6 * 7"),
            "a '*' in the text is text, a '*' in the pattern a wildcard"
        );
    }
}
