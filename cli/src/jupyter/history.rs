//! The session's input history, for `history_request` (tail, range and
//! glob search, as IPython answers them).
//!
//! Bounded twice: the history holds at most [`MAX_BYTES`] of cells (the
//! oldest go first; a cell's source is shared with the interpreter, not
//! copied), and a search does at most [`MAX_STEPS`] steps of matching,
//! answering with what it found by then: a pathological glob (`*` and
//! 50,000 `a`) against megabyte cells cannot hold the shell channel.

use std::sync::Arc;

/// Bytes of cells (sources and result texts) the history keeps.
pub const MAX_BYTES: usize = 64 << 20;

/// Matching steps one search may take (about 0.1 s).
pub const MAX_STEPS: u64 = 50_000_000;

/// One executed cell: its number, input and the text of its result.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Execution count.
    pub line: usize,
    /// The cell's code.
    pub input: Arc<str>,
    /// The result as text ("" when the cell had none).
    pub output: String,
}

/// The cells executed in this kernel session (session number 1).
#[derive(Debug, Default)]
pub struct History {
    entries: std::collections::VecDeque<Entry>,
    bytes: usize,
}

/// The session number history entries carry.
pub const SESSION: usize = 1;

impl History {
    /// Remember a cell.
    pub fn push(&mut self, line: usize, input: Arc<str>, output: &str) {
        self.bytes += input.len() + output.len();
        self.entries.push_back(Entry {
            line,
            input,
            output: output.to_string(),
        });
        while self.bytes > MAX_BYTES && self.entries.len() > 1 {
            if let Some(old) = self.entries.pop_front() {
                self.bytes -= old.input.len() + old.output.len();
            }
        }
    }

    /// The last `n` cells.
    pub fn tail(&self, n: usize) -> Vec<&Entry> {
        let skip = self.entries.len().saturating_sub(n);
        self.entries.iter().skip(skip).collect()
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
        self.search_within(pattern, n, unique, MAX_STEPS).0
    }

    /// [`History::search`] in at most `steps` steps; true when they ran out.
    fn search_within(
        &self,
        pattern: &str,
        n: usize,
        unique: bool,
        mut steps: u64,
    ) -> (Vec<&Entry>, bool) {
        let pat: Vec<char> = pattern.chars().collect();
        let mut found: Vec<&Entry> = Vec::new();
        let mut stopped = false;
        for e in self.entries.iter().rev() {
            let text: Vec<char> = e.input.chars().collect();
            let Some(matched) = glob(&pat, &text, &mut steps) else {
                stopped = true;
                break;
            };
            if !matched || (unique && found.iter().any(|f| f.input == e.input)) {
                continue;
            }
            found.push(e);
            if n > 0 && found.len() == n {
                break;
            }
        }
        found.reverse();
        (found, stopped)
    }
}

/// Whether `text` matches the glob `pat` entirely; `None` when `steps`
/// ran out first (each step is taken from it).
fn glob(pat: &[char], text: &[char], steps: &mut u64) -> Option<bool> {
    // Iterative matching with backtracking to the last `*`: at most
    // |pat| x |text| steps.
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        *steps = steps.checked_sub(1)?;
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
            return Some(false);
        }
    }
    Some(pat[p..].iter().all(|c| *c == '*'))
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
            h.push(i + 1, Arc::from(*code), "");
        }
        h
    }

    #[test]
    fn tail_range_search() {
        let h = history();
        let inputs = |v: Vec<&Entry>| v.iter().map(|e| e.input.to_string()).collect::<Vec<_>>();
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
                &mut u64::MAX.clone(),
            )
            .unwrap()
        };
        assert!(m("*", "") && m("a*c", "abbbc") && m("a?c", "abc") && m("日*", "日本"));
        assert!(!m("a?c", "ac") && !m("abc", "abcd") && !m("*x", "abc"));
        assert!(
            m("6 *", "6 * 7"),
            "a '*' in the text is text, a '*' in the pattern a wildcard"
        );
    }

    #[test]
    fn pathological_searches_stop_and_memory_stays_bounded() {
        let mut h = History::default();
        let big: Arc<str> = Arc::from("a".repeat(1 << 20).as_str());
        h.push(1, big.clone(), "");
        let pattern = format!("*{}b", "a".repeat(50_000));
        // About 5e10 steps unbounded (minutes); the bound ends it.
        let (found, stopped) = h.search_within(&pattern, 0, false, 1_000_000);
        assert!(found.is_empty() && stopped);
        // An ordinary search is not cut short.
        let (found, stopped) = h.search_within("a*", 0, false, MAX_STEPS);
        assert!(found.len() == 1 && !stopped);
        for i in 0..100 {
            h.push(i + 2, big.clone(), "");
        }
        assert!(
            h.bytes <= MAX_BYTES && h.entries.len() == 64,
            "{} entries",
            h.entries.len()
        );
    }
}
