//! Reading tables from CSV files (the `csv` crate).

use std::path::Path;

use super::{Column, Table};
use crate::error::{Error, Result};

impl Table {
    /// Read a CSV file with a header row. A column whose first non-empty cell
    /// parses as a number is numeric, and then every cell must parse; an error
    /// names the file, the row (1-based, counting the header as row 1) and the column.
    pub fn read_csv(path: &Path) -> Result<Table> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Table::parse_csv(&text).map_err(|e| e.in_file(&path.display().to_string()))
    }

    /// Parse CSV text with a header row (see [`Table::read_csv`]).
    pub fn parse_csv(text: &str) -> Result<Table> {
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
        let mut t = Table::new();
        for (name, col) in header.iter().zip(cells) {
            let numeric = col
                .iter()
                .find(|c| !c.is_empty())
                .is_some_and(|c| c.parse::<f64>().is_ok());
            let column = if numeric {
                let mut v = Vec::with_capacity(col.len());
                for (r, cell) in col.iter().enumerate() {
                    match cell.parse::<f64>() {
                        Ok(x) => v.push(x),
                        Err(_) => {
                            return Err(Error::Parse {
                                what: "CSV cell",
                                text: cell.clone(),
                                reason: format!(
                                "row {}, column '{name}' is numeric but this cell is not a number",
                                r + 2
                            ),
                            })
                        }
                    }
                }
                Column::from(v)
            } else {
                Column::Text(col)
            };
            t.set_column(name.clone(), column)?;
        }
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_numbers_and_text() {
        let t = Table::parse_csv("model,N,loss\nA,1e9,2.5\nB, 2e9 ,2.4\n").unwrap();
        assert_eq!(t.num_column("N").unwrap().as_slice(), [1e9, 2e9]);
        assert!(matches!(t.column("model").unwrap(), Column::Text(_)));
    }

    #[test]
    fn names_the_bad_cell() {
        let e = Table::parse_csv("N,loss\n1e9,2.5\n2e9,oops\n")
            .unwrap_err()
            .to_string();
        assert_eq!(e, "cannot parse CSV cell 'oops': row 3, column 'loss' is numeric but this cell is not a number");
        assert!(Table::parse_csv("N,loss\n").is_err());
        assert!(Table::parse_csv("N,loss\n1,2,3\n").is_err());
    }
}
