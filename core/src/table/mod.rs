//! `Table`: named columns of numbers or text with a row index, the value
//! users know as a pandas DataFrame. Rendering to text, CSV, JSON and HTML
//! lives in [`render`]; this module holds the data and its operations.

mod csv_io;
mod finite;
mod records;
pub mod render;
mod text;

pub use finite::first_non_finite;
pub use records::{record_shape, Record, RowFailure};
pub use text::{Text, TextColumn};

use serde::Serialize;

use crate::error::{check, Error, Result};
use crate::vector::{Mask, Vector};

/// One column's data.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Column {
    /// Numbers, shared with the vectors scripts read out of the table.
    Num(Vector),
    /// Text, each distinct value stored once ([`TextColumn`]).
    Text(TextColumn),
}

impl Column {
    /// A text column from strings.
    pub fn text<S: AsRef<str>>(cells: impl IntoIterator<Item = S>) -> Column {
        Column::Text(cells.into_iter().collect())
    }
}

impl Column {
    /// Number of cells.
    pub fn len(&self) -> usize {
        match self {
            Column::Num(v) => v.len(),
            Column::Text(v) => v.len(),
        }
    }

    /// True when the column has no cells.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn take(&self, rows: &[usize]) -> Column {
        match self {
            Column::Num(v) => Column::Num(rows.iter().map(|&i| v[i]).collect()),
            Column::Text(v) => Column::Text(v.take(rows)),
        }
    }

    /// The kind of column, as messages name it.
    pub fn kind(&self) -> &'static str {
        match self {
            Column::Num(_) => "numeric",
            Column::Text(_) => "text",
        }
    }
}

impl From<Vec<f64>> for Column {
    fn from(v: Vec<f64>) -> Column {
        Column::Num(Vector::new(v))
    }
}

/// How a numeric column prints in text and HTML tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum NumFormat {
    /// Integers when every value is whole and below 1e9; scientific from 1e9 up or
    /// below 1e-4; otherwise fixed with up to six decimals.
    #[default]
    Auto,
    /// Three significant digits with K/M/B/T (`32.2B`).
    Si,
    /// Scientific with this many decimals.
    Sci(usize),
    /// Fixed with this many decimals.
    Fixed(usize),
    /// Any Python format spec `fmt` accepts (`",.0f"`, `".1%"`, `"+.2e"`).
    Spec(FormatSpec),
    /// A byte count with its unit, three significant digits: `80.0 GB`
    /// (decimal, as datasheets), or `74.5 GiB` when `binary` (powers of
    /// 1024, as `nvidia-smi` and PyTorch report). Never a bare `B`, which
    /// reads as billions beside parameter counts.
    Bytes {
        /// Powers of 1024 (KiB, MiB, GiB) instead of 1000.
        binary: bool,
    },
    /// FLOPs as a scientific number with three significant digits
    /// (`1.58e23`), as papers write budgets; an SI suffix (`158Z`) is
    /// not what an ML reader expects.
    Flops,
}

/// A Python format spec, kept inline so that [`NumFormat`] stays `Copy`
/// (a column's format is copied into every rendering).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct FormatSpec {
    bytes: [u8; FormatSpec::MAX],
    len: u8,
}

impl FormatSpec {
    /// Longest spec kept; Python's specs are a dozen characters at most.
    pub const MAX: usize = 32;

    /// The spec, if `fmt` accepts it and it is short enough to keep.
    fn new(text: &str) -> Option<FormatSpec> {
        if text.len() > Self::MAX || crate::pyformat::format_number(1.5, text).is_err() {
            return None;
        }
        let mut bytes = [0; Self::MAX];
        bytes[..text.len()].copy_from_slice(text.as_bytes());
        Some(FormatSpec {
            bytes,
            len: text.len() as u8,
        })
    }

    /// The spec's text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len as usize]).expect("built from a str")
    }
}

impl std::fmt::Debug for FormatSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl Serialize for FormatSpec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl NumFormat {
    /// Parse `"auto"`, `"si"`, `"sci"`, `"sci:3"`, `"fixed:2"`, `"bytes"`,
    /// `"bytes:GiB"`, `"flops"`, `".2f"`,
    /// `".3e"`, or any other Python format spec `fmt` accepts (`",.0f"`,
    /// `".1%"`).
    pub fn parse(text: &str) -> Result<NumFormat> {
        let t = text.trim().to_ascii_lowercase();
        let digits = |s: &str| -> Option<usize> { s.parse().ok().filter(|d| *d <= 17) };
        let f = match t.as_str() {
            "auto" => Some(NumFormat::Auto),
            "si" => Some(NumFormat::Si),
            "sci" => Some(NumFormat::Sci(3)),
            "fixed" => Some(NumFormat::Fixed(2)),
            "bytes" | "bytes:gb" | "bytes:decimal" => Some(NumFormat::Bytes { binary: false }),
            "bytes:gib" | "bytes:binary" => Some(NumFormat::Bytes { binary: true }),
            "flops" => Some(NumFormat::Flops),
            _ => {
                if let Some(d) = t.strip_prefix("sci:") {
                    digits(d).map(NumFormat::Sci)
                } else if let Some(d) = t.strip_prefix("fixed:") {
                    digits(d).map(NumFormat::Fixed)
                } else if let Some(d) = text
                    .trim()
                    .strip_prefix('.')
                    .and_then(|s| s.strip_suffix('f'))
                {
                    digits(d).map(NumFormat::Fixed)
                } else if let Some(d) = text
                    .trim()
                    .strip_prefix('.')
                    .and_then(|s| s.strip_suffix('e'))
                {
                    digits(d).map(NumFormat::Sci)
                } else {
                    FormatSpec::new(text.trim()).map(NumFormat::Spec)
                }
            }
        };
        f.ok_or_else(|| Error::Parse {
            what: "column format",
            text: text.into(),
            reason: "use auto, si, sci, sci:N, fixed:N, bytes (80.0 GB), bytes:GiB (74.5 GiB), flops (1.58e23), or a Python format spec as fmt takes (.2f, ,.0f, .1%, .3e)".into(),
        })
    }
}

/// Named, equally long columns with a row index.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    names: Vec<String>,
    columns: Vec<Column>,
    formats: Vec<NumFormat>,
    index: Vec<i64>,
}

/// A single cell, as a row yields it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    /// A number.
    Num(f64),
    /// Text.
    Text(String),
}

impl Table {
    /// An empty table.
    pub fn new() -> Table {
        Table::default()
    }

    /// Build from `(name, column)` pairs; every column must have the same length.
    pub fn from_columns<S: Into<String>>(
        cols: impl IntoIterator<Item = (S, Column)>,
    ) -> Result<Table> {
        let mut t = Table::new();
        for (name, col) in cols {
            t.set_column(name, col)?;
        }
        Ok(t)
    }

    /// Build from distinct names and equally long columns in one step
    /// (adding columns one by one checks every name against every other).
    pub fn from_parts(names: Vec<String>, columns: Vec<Column>) -> Result<Table> {
        check::same_length("names", names.len(), "columns", columns.len())?;
        let len = columns.first().map_or(0, Column::len);
        for (n, c) in names.iter().zip(&columns) {
            check::same_length("the table", len, &format!("column '{n}'"), c.len())?;
        }
        Ok(Table {
            formats: vec![NumFormat::Auto; names.len()],
            index: (0..len as i64).collect(),
            names,
            columns,
        })
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// True when the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Column names in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Row labels (0, 1, 2, ... unless rows were selected from a larger table).
    pub fn index(&self) -> &[i64] {
        &self.index
    }

    /// Columns in order.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// Display formats in column order.
    pub fn formats(&self) -> &[NumFormat] {
        &self.formats
    }

    fn position(&self, name: &str) -> Result<usize> {
        self.names
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| Error::unknown("column", name, &self.names))
    }

    /// The column called `name`.
    pub fn column(&self, name: &str) -> Result<&Column> {
        Ok(&self.columns[self.position(name)?])
    }

    /// The numeric column called `name`.
    pub fn num_column(&self, name: &str) -> Result<&Vector> {
        match self.column(name)? {
            Column::Num(v) => Ok(v),
            Column::Text(_) => Err(Error::InvalidArgument {
                arg: format!("column '{name}'"),
                expected: "a numeric column",
                value: "text".into(),
            }),
        }
    }

    /// Add a column, or replace the one with the same name.
    pub fn set_column(&mut self, name: impl Into<String>, col: Column) -> Result<()> {
        let name = name.into();
        if self.names.is_empty() {
            self.index = (0..col.len() as i64).collect();
        } else {
            check::same_length(
                "the table",
                self.len(),
                &format!("column '{name}'"),
                col.len(),
            )?;
        }
        match self.names.iter().position(|n| *n == name) {
            Some(i) => self.columns[i] = col,
            None => {
                self.names.push(name);
                self.columns.push(col);
                self.formats.push(NumFormat::Auto);
            }
        }
        Ok(())
    }

    /// Set how a numeric column prints.
    pub fn set_format(&mut self, name: &str, format: NumFormat) -> Result<()> {
        let i = self.position(name)?;
        self.formats[i] = format;
        Ok(())
    }

    /// Row `i` as (name, cell) pairs; negative `i` counts from the end.
    pub fn row(&self, i: i64) -> Result<Vec<(String, Cell)>> {
        let r = self.row_position(i)?;
        Ok(self
            .names
            .iter()
            .zip(&self.columns)
            .map(|(n, c)| {
                let cell = match c {
                    Column::Num(v) => Cell::Num(v[r]),
                    Column::Text(v) => Cell::Text(v[r].to_string()),
                };
                (n.clone(), cell)
            })
            .collect())
    }

    fn row_position(&self, i: i64) -> Result<usize> {
        let n = self.len() as i64;
        let r = if i < 0 { n + i } else { i };
        if r < 0 || r >= n {
            return Err(Error::InvalidArgument {
                arg: "row".into(),
                expected: "a row number within the table",
                value: format!("{i} (the table has {n} rows)"),
            });
        }
        Ok(r as usize)
    }

    /// The rows at these positions (not labels; negative counts from the
    /// end), keeping their index labels.
    pub fn take(&self, rows: &[i64]) -> Result<Table> {
        let rows: Vec<usize> = rows
            .iter()
            .map(|&i| self.row_position(i))
            .collect::<Result<_>>()?;
        Ok(self.take_positions(&rows))
    }

    /// The rows at these in-range positions, labels kept.
    fn take_positions(&self, rows: &[usize]) -> Table {
        Table {
            names: self.names.clone(),
            columns: self.columns.iter().map(|c| c.take(rows)).collect(),
            formats: self.formats.clone(),
            index: rows.iter().map(|&r| self.index[r]).collect(),
        }
    }

    /// The rows where `mask` is true, labels kept (pandas `df[mask]`).
    pub fn filter(&self, mask: &Mask) -> Result<Table> {
        check::same_length("the table", self.len(), "the mask", mask.len())?;
        Ok(self.take_positions(&mask.positions()))
    }

    /// The rows ordered by a column (numbers by value, text
    /// alphabetically), ties kept in their order, labels kept (pandas
    /// `sort_values`).
    pub fn sort(&self, column: &str, descending: bool) -> Result<Table> {
        let col = self.column(column)?;
        let cmp = |a: &usize, b: &usize| match col {
            Column::Num(v) => v[*a].total_cmp(&v[*b]),
            Column::Text(v) => v[*a].cmp(&v[*b]),
        };
        let mut order: Vec<usize> = (0..self.len()).collect();
        if descending {
            // Equal keys keep their order, as in pandas' stable sort.
            order.sort_by(|a, b| cmp(b, a));
        } else {
            order.sort_by(cmp);
        }
        Ok(self.take_positions(&order))
    }

    /// The same table with columns renamed, `(old, new)` pairs; formats kept.
    pub fn rename<S: AsRef<str>>(&self, pairs: &[(S, S)]) -> Result<Table> {
        let mut t = self.clone();
        for (old, new) in pairs {
            let i = self.position(old.as_ref())?;
            t.names[i] = new.as_ref().to_string();
        }
        if let Some(dup) = t
            .names
            .iter()
            .enumerate()
            .find(|(i, n)| t.names[..*i].contains(n))
        {
            return Err(Error::InvalidArgument {
                arg: "new names".into(),
                expected: "names not already used by another column",
                value: format!("'{}' twice", dup.1),
            });
        }
        Ok(t)
    }

    /// The same table without these columns.
    pub fn drop<S: AsRef<str>>(&self, names: &[S]) -> Result<Table> {
        for n in names {
            self.position(n.as_ref())?;
        }
        let keep: Vec<&String> = self
            .names
            .iter()
            .filter(|n| !names.iter().any(|d| d.as_ref() == n.as_str()))
            .collect();
        self.select(&keep)
    }

    /// Tables stacked row-wise (pandas `concat`): every table has the same
    /// columns, in any order (the first one's order is kept) and of the
    /// same kind; index labels are kept as they are.
    pub fn concat(tables: &[Table]) -> Result<Table> {
        let Some(first) = tables.first() else {
            return Err(Error::Empty {
                arg: "tables".into(),
            });
        };
        let mut out = first.clone();
        for (k, t) in tables.iter().enumerate().skip(1) {
            let mut same = t.names.len() == first.names.len();
            same &= first.names.iter().all(|n| t.names.contains(n));
            if !same {
                return Err(Error::InvalidArgument {
                    arg: format!("tables[{k}]"),
                    expected: "the same columns as tables[0]",
                    value: format!(
                        "[{}] against [{}]",
                        t.names.join(", "),
                        first.names.join(", ")
                    ),
                });
            }
            for (i, name) in first.names.iter().enumerate() {
                let col = t.column(name)?;
                out.columns[i] = match (&out.columns[i], col) {
                    (Column::Num(a), Column::Num(b)) => {
                        Column::Num(a.iter().chain(b.iter()).copied().collect())
                    }
                    (Column::Text(a), Column::Text(b)) => Column::Text(a.concat(b)),
                    (a, b) => {
                        return Err(Error::InvalidArgument {
                            arg: format!("tables[{k}] column '{name}'"),
                            expected: "the same kind as in tables[0]",
                            value: format!("{} against {}", b.kind(), a.kind()),
                        })
                    }
                };
            }
            out.index.extend_from_slice(&t.index);
        }
        Ok(out)
    }

    /// The first `n` rows.
    pub fn head(&self, n: usize) -> Table {
        let rows: Vec<i64> = (0..n.min(self.len()) as i64).collect();
        self.take(&rows).expect("rows are in range")
    }

    /// Only the named columns, in the given order.
    pub fn select<S: AsRef<str>>(&self, names: &[S]) -> Result<Table> {
        let mut t = Table {
            index: self.index.clone(),
            ..Table::default()
        };
        for name in names {
            let i = self.position(name.as_ref())?;
            t.names.push(self.names[i].clone());
            t.columns.push(self.columns[i].clone());
            t.formats.push(self.formats[i]);
        }
        Ok(t)
    }

    /// Position of the row whose `column` value is nearest `value` (first on ties).
    pub fn closest_row(&self, column: &str, value: f64) -> Result<usize> {
        crate::numeric::argmin_abs_diff(self.num_column(column)?, value)
    }

    /// Build a table from rows of (name, cell) pairs, as pandas builds a
    /// DataFrame from a list of dicts: the columns are every name in the
    /// order first seen, and a row without one gets NaN (numbers) or ""
    /// (text) there. A name must hold one kind of value in every row.
    pub fn from_rows(rows: &[Vec<(String, Cell)>]) -> Result<Table> {
        let Some(first) = rows.first() else {
            return Ok(Table::new());
        };
        // Names and kinds in the order first seen; rows usually repeat the
        // first row's names in its order, so each lookup tries position k first.
        let mut names: Vec<(&str, bool)> = first
            .iter()
            .map(|(n, c)| (n.as_str(), matches!(c, Cell::Num(_))))
            .collect();
        for row in &rows[1..] {
            for (n, c) in row {
                if !names.iter().any(|(m, _)| m == n) {
                    names.push((n.as_str(), matches!(c, Cell::Num(_))));
                }
            }
        }
        let find = |row: &'_ [(String, Cell)], k: usize, name: &str| -> Option<usize> {
            match row.get(k) {
                Some((n, _)) if n == name => Some(k),
                _ => row.iter().position(|(n, _)| n == name),
            }
        };
        let mut t = Table::new();
        for (k, &(name, numeric)) in names.iter().enumerate() {
            let col = if numeric {
                Column::Num(
                    rows.iter()
                        .enumerate()
                        .map(|(r, row)| match find(row, k, name).map(|i| &row[i].1) {
                            Some(Cell::Num(x)) => Ok(*x),
                            None => Ok(f64::NAN),
                            Some(Cell::Text(_)) => Err(row_shape_error(r, name)),
                        })
                        .collect::<Result<_>>()?,
                )
            } else {
                Column::text(
                    rows.iter()
                        .enumerate()
                        .map(|(r, row)| match find(row, k, name).map(|i| &row[i].1) {
                            Some(Cell::Text(x)) => Ok(x.as_str()),
                            None => Ok(""),
                            Some(Cell::Num(_)) => Err(row_shape_error(r, name)),
                        })
                        .collect::<Result<Vec<_>>>()?,
                )
            };
            t.set_column(name, col)?;
        }
        Ok(t)
    }

    /// pandas' `df.describe()`: for each numeric column, the count of its
    /// non-NaN values, their mean, standard deviation (n - 1, as pandas),
    /// minimum, quartiles (linear interpolation, numpy's default) and
    /// maximum; one row per statistic, named in a `stat` column.
    pub fn describe(&self) -> Result<Table> {
        const STATS: [&str; 8] = ["count", "mean", "std", "min", "25%", "50%", "75%", "max"];
        let mut t = Table::new();
        t.set_column("stat", Column::text(STATS))?;
        for (name, col) in self.names.iter().zip(&self.columns) {
            let Column::Num(v) = col else { continue };
            let mut xs: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
            xs.sort_by(f64::total_cmp);
            let n = xs.len() as f64;
            let mean = xs.iter().sum::<f64>() / n;
            let std = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
            let q = |p: f64| -> f64 {
                if xs.is_empty() {
                    return f64::NAN;
                }
                let at = p * (n - 1.0);
                let (lo, hi) = (at.floor() as usize, at.ceil() as usize);
                xs[lo] + (xs[hi] - xs[lo]) * (at - lo as f64)
            };
            let values = vec![n, mean, std, q(0.0), q(0.25), q(0.5), q(0.75), q(1.0)];
            t.set_column(name.clone(), Column::from(values))?;
        }
        Ok(t)
    }

    /// Add (or replace) column `new` computed from numeric column `from`,
    /// as pandas' `df[new] = df[from].map(f)`:
    /// `scales.derive("loss", "N", kaplan::loss_from_size)?`.
    pub fn derive(
        &mut self,
        new: &str,
        from: &str,
        f: impl Fn(f64) -> Result<f64>,
    ) -> Result<&mut Table> {
        let values = self
            .num_column(from)?
            .iter()
            .map(|&x| f(x))
            .collect::<Result<Vec<_>>>()?;
        self.set_column(new, Column::from(values))?;
        Ok(self)
    }

    /// The rows nearest each target value of a numeric column, labels kept
    /// (the seed notebook's `get_closest_to_order` for several targets).
    pub fn closest_rows(&self, column: &str, targets: &[f64]) -> Result<Table> {
        let rows = targets
            .iter()
            .map(|t| self.closest_row(column, *t).map(|r| r as i64))
            .collect::<Result<Vec<_>>>()?;
        self.take(&rows)
    }

    /// Replace the row labels.
    pub fn set_index(&mut self, index: Vec<i64>) -> Result<()> {
        check::same_length("the table", self.len(), "the index", index.len())?;
        self.index = index;
        Ok(())
    }
}

fn row_shape_error(r: usize, name: &str) -> Error {
    Error::InvalidArgument {
        arg: format!("row {r}"),
        expected: "one kind of value (number or text) in each column",
        value: format!("a number in one row and text in another for '{name}'"),
    }
}

/// The options of a table's `sort`.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields, default)]
pub struct SortOptions {
    /// Largest first.
    pub descending: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[(&str, Cell)]) -> Vec<(String, Cell)> {
        cells
            .iter()
            .map(|(n, c)| (n.to_string(), c.clone()))
            .collect()
    }

    #[test]
    fn describe_matches_pandas() {
        // pandas.Series([1, 2, 3, 4, 100, NaN]).describe(): count 5, mean 22,
        // std 43.6177..., min 1, 25% 2, 50% 3, 75% 4, max 100.
        let t = Table::from_columns([
            ("x", Column::from(vec![1.0, 2.0, 3.0, 4.0, 100.0, f64::NAN])),
            ("name", Column::text(["a", "b", "c", "d", "e", "f"])),
        ])
        .unwrap();
        let d = t.describe().unwrap();
        assert_eq!(d.names(), ["stat", "x"]);
        let x = d.num_column("x").unwrap();
        assert_eq!(x[0], 5.0);
        assert_eq!(x[1], 22.0);
        assert!((x[2] - 43.617656975128774).abs() < 1e-12, "{}", x[2]);
        assert_eq!(&x.as_slice()[3..], [1.0, 2.0, 3.0, 4.0, 100.0]);
    }

    #[test]
    fn rows_with_different_names_fill_the_gaps_as_pandas_does() {
        let rows = [
            row(&[("N", Cell::Num(1.0)), ("law", Cell::Text("a".into()))]),
            row(&[
                ("law", Cell::Text("b".into())),
                ("N", Cell::Num(2.0)),
                ("caveat", Cell::Text("c".into())),
            ]),
            row(&[("N", Cell::Num(3.0)), ("extra", Cell::Num(4.0))]),
        ];
        let t = Table::from_rows(&rows).unwrap();
        assert_eq!(t.names(), ["N", "law", "caveat", "extra"]);
        assert_eq!(t.num_column("N").unwrap().as_slice(), [1.0, 2.0, 3.0]);
        let extra = t.num_column("extra").unwrap();
        assert!(extra[0].is_nan() && extra[1].is_nan() && extra[2] == 4.0);
        let mixed = [
            row(&[("N", Cell::Num(1.0))]),
            row(&[("N", Cell::Text("x".into()))]),
        ];
        let e = Table::from_rows(&mixed).unwrap_err().to_string();
        assert!(e.contains("row 1") && e.contains("'N'"), "{e}");
    }
}
