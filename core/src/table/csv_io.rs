//! Reading tables from CSV text (the `csv` crate).

use std::collections::HashSet;
use std::path::Path;

use super::{Column, Table};
use crate::error::{Error, Result};

/// The most columns a CSV file may have (wide files are data dumps, not runs).
pub const MAX_COLUMNS: usize = 10_000;

/// Cell text for a message: at most 32 characters, control characters escaped.
fn quoted(cell: &str) -> String {
    let mut s: String = cell
        .chars()
        .take(32)
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect();
    if cell.chars().count() > 32 {
        s.push_str("...");
    }
    s
}

impl Table {
    /// Read a CSV file with a header row (see [`Table::parse_csv`]).
    pub fn read_csv(path: &Path) -> Result<Table> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Table::parse_csv(&text).map_err(|e| e.in_file(&path.display().to_string()))
    }

    /// Parse CSV text with a header row. A column whose every cell is a
    /// number is numeric (NaN and infinities are refused), one whose every
    /// cell is text is text, and a column that mixes them is an error
    /// naming the first cell of the minority kind. Header names must be
    /// distinct; errors name the row (1-based, counting the header as row
    /// 1) and the column.
    pub fn parse_csv(text: &str) -> Result<Table> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let bad = |reason: String| Error::Parse {
            what: "CSV",
            text: String::new(),
            reason,
        };
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| bad(e.to_string()))?
            .iter()
            .map(str::to_string)
            .collect();
        if header.is_empty() || header.iter().all(|h| h.is_empty()) {
            return Err(bad("the file has no header row".into()));
        }
        if header.len() > MAX_COLUMNS {
            return Err(bad(format!(
                "{} columns, more than the {MAX_COLUMNS} a table may have",
                header.len()
            )));
        }
        let mut seen = HashSet::new();
        if let Some(dup) = header.iter().find(|h| !seen.insert(h.as_str())) {
            return Err(bad(format!(
                "column '{}' appears twice in the header",
                quoted(dup)
            )));
        }
        let mut cells: Vec<Vec<String>> = vec![Vec::new(); header.len()];
        for (r, record) in reader.records().enumerate() {
            let record = record.map_err(|e| bad(format!("row {}: {e}", r + 2)))?;
            for (c, cell) in record.iter().enumerate() {
                cells[c].push(cell.to_string());
            }
        }
        if cells[0].is_empty() {
            return Err(bad("the file has a header but no rows".into()));
        }
        let mut names = Vec::with_capacity(header.len());
        let mut columns = Vec::with_capacity(header.len());
        for (name, col) in header.into_iter().zip(cells) {
            columns.push(parse_column(&name, col)?);
            names.push(name);
        }
        Table::from_parts(names, columns)
    }
}

/// A column of cells as numbers (every cell a finite number) or text
/// (every cell text); a mix is an error at the first odd cell.
fn parse_column(name: &str, cells: Vec<String>) -> Result<Column> {
    let parsed: Vec<Option<f64>> = cells.iter().map(|c| c.parse::<f64>().ok()).collect();
    let numbers = parsed.iter().filter(|p| p.is_some()).count();
    let cell_error = |r: usize, reason: String| Error::Parse {
        what: "CSV cell",
        text: quoted(&cells[r]),
        reason: format!("row {}, column '{}' {reason}", r + 2, quoted(name)),
    };
    if numbers == 0 {
        return Ok(Column::text(cells));
    }
    if numbers * 2 >= cells.len() {
        let mut v = Vec::with_capacity(cells.len());
        for (r, p) in parsed.iter().enumerate() {
            match p {
                Some(x) if x.is_finite() => v.push(*x),
                Some(_) => {
                    return Err(cell_error(
                        r,
                        "holds a number that is not finite (NaN and infinities are not data)"
                            .into(),
                    ))
                }
                None => {
                    return Err(cell_error(
                        r,
                        "is numeric but this cell is not a number".into(),
                    ))
                }
            }
        }
        return Ok(Column::from(v));
    }
    let r = parsed.iter().position(Option::is_some).unwrap_or(0);
    Err(cell_error(
        r,
        "is text but this cell is a number (a column holds one kind)".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_numbers_and_text() {
        let t = Table::parse_csv("\u{feff}model,N,loss\nA,1e9,2.5\nB, 2e9 ,2.4\n").unwrap();
        assert_eq!(t.num_column("N").unwrap().as_slice(), [1e9, 2e9]);
        assert!(matches!(t.column("model").unwrap(), Column::Text(_)));
        assert_eq!(t.names(), ["model", "N", "loss"]);
    }

    #[test]
    fn names_the_bad_cell() {
        let e = Table::parse_csv("N,loss\n1e9,2.5\n2e9,oops\n")
            .unwrap_err()
            .to_string();
        assert_eq!(e, "cannot parse CSV cell 'oops': row 3, column 'loss' is numeric but this cell is not a number");
        let e = Table::parse_csv("model,N\nx,1\n7,2\ny,3\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("row 3, column 'model' is text but this cell is a number"),
            "{e}"
        );
        let e = Table::parse_csv("N,loss\n1,NaN\n").unwrap_err().to_string();
        assert!(e.contains("not finite"), "{e}");
        let e = Table::parse_csv("N,N,loss\n1,2,3\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("column 'N' appears twice"), "{e}");
        let e = Table::parse_csv("N,loss\nx\u{1b}[31m,2\n1,2\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("x\\u{1b}[31m"),
            "control characters are escaped: {e}"
        );
        assert!(Table::parse_csv("N,loss\n").is_err());
        assert!(Table::parse_csv("N,loss\n1,2,3\n").is_err());
    }

    #[test]
    fn wide_files_are_fast_or_refused() {
        let header: Vec<String> = (0..MAX_COLUMNS).map(|i| format!("c{i}")).collect();
        let row: Vec<&str> = vec!["1"; MAX_COLUMNS];
        let text = format!("{}\n{}\n", header.join(","), row.join(","));
        let t = std::time::Instant::now();
        assert_eq!(Table::parse_csv(&text).unwrap().names().len(), MAX_COLUMNS);
        assert!(t.elapsed().as_secs_f64() < 2.0);
        let wide = format!("{},x\n", header.join(","));
        assert!(Table::parse_csv(&wide)
            .unwrap_err()
            .to_string()
            .contains("columns, more than"));
    }
}
