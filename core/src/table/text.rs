//! Text columns as pandas' categoricals keep them: each distinct string
//! once, and a small code per cell. A table of a million allocations under
//! one law holds the law's name once and a million 4-byte codes, not a
//! million strings.

use std::collections::HashMap;
use std::sync::Arc;

use serde::ser::{Serialize, SerializeSeq, Serializer};

/// A distinct string of a column, shared.
pub type Text = Arc<str>;

/// A text column: distinct values and a code per cell.
#[derive(Debug, Clone, Default)]
pub struct TextColumn {
    values: Vec<Text>,
    codes: Vec<u32>,
}

impl TextColumn {
    /// A column of `n` cells all equal to `s`.
    pub fn repeat(s: &str, n: usize) -> TextColumn {
        TextColumn {
            values: vec![Text::from(s)],
            codes: vec![0; n],
        }
    }

    /// Cells.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// True when there are no cells.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// The cells in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        self.codes.iter().map(|&c| &*self.values[c as usize])
    }

    /// The cells at `rows`, in that order.
    pub fn take(&self, rows: &[usize]) -> TextColumn {
        TextColumn {
            values: self.values.clone(),
            codes: rows.iter().map(|&i| self.codes[i]).collect(),
        }
    }

    /// This column followed by `other`.
    pub fn concat(&self, other: &TextColumn) -> TextColumn {
        let mut b = Builder::with_values(&self.values);
        let mut codes = self.codes.clone();
        codes.reserve(other.len());
        let remap: Vec<u32> = other.values.iter().map(|v| b.code(v)).collect();
        codes.extend(other.codes.iter().map(|&c| remap[c as usize]));
        TextColumn {
            values: b.values,
            codes,
        }
    }

    /// Columns made side by side (chunks of one table) joined in order.
    pub fn join(parts: Vec<TextColumn>) -> TextColumn {
        let n = parts.iter().map(TextColumn::len).sum();
        let mut b = Builder::default();
        let mut codes = Vec::with_capacity(n);
        for p in parts {
            let remap: Vec<u32> = p.values.iter().map(|v| b.code(v)).collect();
            codes.extend(p.codes.iter().map(|&c| remap[c as usize]));
        }
        TextColumn {
            values: b.values,
            codes,
        }
    }

    /// Distinct values held (for tests and memory accounting).
    pub fn distinct(&self) -> usize {
        self.values.len()
    }
}

impl std::ops::Index<usize> for TextColumn {
    type Output = str;
    fn index(&self, i: usize) -> &str {
        &self.values[self.codes[i] as usize]
    }
}

impl PartialEq for TextColumn {
    fn eq(&self, other: &TextColumn) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<S: AsRef<str>> FromIterator<S> for TextColumn {
    fn from_iter<I: IntoIterator<Item = S>>(cells: I) -> TextColumn {
        let mut b = Builder::default();
        let codes = cells.into_iter().map(|c| b.code(c.as_ref())).collect();
        TextColumn {
            values: b.values,
            codes,
        }
    }
}

impl Serialize for TextColumn {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.len()))?;
        for v in self.iter() {
            seq.serialize_element(v)?;
        }
        seq.end()
    }
}

/// Interns values into codes.
#[derive(Default)]
pub(crate) struct Builder {
    values: Vec<Text>,
    index: HashMap<Text, u32>,
    /// The code of the last value: a run of equal values (a law's name down
    /// a table) is coded by one comparison, without hashing.
    last: Option<u32>,
}

impl Builder {
    fn with_values(values: &[Text]) -> Builder {
        let mut b = Builder::default();
        for v in values {
            b.code(v);
        }
        b
    }

    /// The code of `s`, adding it when new.
    pub(crate) fn code(&mut self, s: &str) -> u32 {
        if let Some(c) = self.last {
            if *self.values[c as usize] == *s {
                return c;
            }
        }
        let c = match self.index.get(s) {
            Some(&c) => c,
            None => {
                let c = self.values.len() as u32;
                let t = Text::from(s);
                self.values.push(t.clone());
                self.index.insert(t, c);
                c
            }
        };
        self.last = Some(c);
        c
    }

    /// The column of `codes` over the values seen.
    pub(crate) fn finish(self, codes: Vec<u32>) -> TextColumn {
        TextColumn {
            values: self.values,
            codes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_stored_once() {
        let c: TextColumn = ["a", "b", "a", "a"].into_iter().collect();
        assert_eq!(c.distinct(), 2);
        assert_eq!(c.iter().collect::<Vec<_>>(), ["a", "b", "a", "a"]);
        assert_eq!(&c[1], "b");
        let d: TextColumn = ["b", "c"].into_iter().collect();
        let e = c.concat(&d);
        assert_eq!(e.iter().collect::<Vec<_>>(), ["a", "b", "a", "a", "b", "c"]);
        assert_eq!(e.distinct(), 3);
        assert_eq!(e.take(&[5, 0]).iter().collect::<Vec<_>>(), ["c", "a"]);
        let j = TextColumn::join(vec![c.clone(), d.clone()]);
        assert_eq!(j, e);
        assert_eq!(serde_json::to_string(&d).unwrap(), r#"["b","c"]"#);
    }

    #[test]
    fn temporaries_at_one_address_keep_their_own_values() {
        // Each String is dropped before the next is made, often at the
        // same address with the same length: only the text decides.
        let c: TextColumn = (0..4).map(|i| format!("+{i}.00%")).collect();
        assert_eq!(
            c.iter().collect::<Vec<_>>(),
            ["+0.00%", "+1.00%", "+2.00%", "+3.00%"]
        );
    }
}
