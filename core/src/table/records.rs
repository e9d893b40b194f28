//! Records: small structs of named values (an allocation, a duration) that
//! become a map in scripts and a row in a table.
//!
//! Their fields come from `Serialize`, the one conversion every struct
//! uses (to JSON, to script maps, to table rows); a record type only adds
//! how its numeric fields print in a table.

use serde::Serialize;
use serde_json::Value;

use super::{Column, NumFormat, Table};
use crate::error::{Error, Result};

/// A struct whose fields are numbers, text or flags, convertible to a table row.
pub trait Record: Serialize {
    /// How a field prints in a table.
    fn format(_field: &str) -> NumFormat {
        NumFormat::Auto
    }
}

/// The fields of a record in declaration order (serde_json keeps the order
/// with its `preserve_order` feature).
fn fields<R: Serialize>(r: &R) -> Result<serde_json::Map<String, Value>> {
    match serde_json::to_value(r) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(other) => Err(Error::InvalidArgument {
            arg: "record".into(),
            expected: "a struct of named fields",
            value: other.to_string(),
        }),
        Err(e) => Err(Error::InvalidArgument {
            arg: "record".into(),
            expected: "a serialisable struct",
            value: e.to_string(),
        }),
    }
}

impl Table {
    /// Records as a table, one row each, columns in the record's field order.
    pub fn from_records<R: Record>(rows: &[R]) -> Result<Table> {
        for (i, r) in rows.iter().enumerate() {
            if let Some(field) = super::first_non_finite(r) {
                return Err(Error::NotFinite(format!(
                    "row {i}: {field} would not be a finite number; an input is outside the range where it is defined"
                )));
            }
        }
        let rows = rows.iter().map(fields).collect::<Result<Vec<_>>>()?;
        let Some(first) = rows.first() else {
            return Ok(Table::new());
        };
        let mut t = Table::new();
        for name in first.keys() {
            let cell = |(r, row): (usize, &serde_json::Map<String, Value>)| {
                row.get(name)
                    .cloned()
                    .ok_or_else(|| Error::InvalidArgument {
                        arg: format!("row {r}"),
                        expected: "the same fields as row 0",
                        value: format!("no '{name}'"),
                    })
            };
            let cells = rows
                .iter()
                .enumerate()
                .map(cell)
                .collect::<Result<Vec<_>>>()?;
            let col = if cells.iter().all(Value::is_number) {
                Column::Num(
                    cells
                        .iter()
                        .map(|v| v.as_f64().unwrap_or(f64::NAN))
                        .collect(),
                )
            } else if cells.iter().all(Value::is_string) {
                Column::Text(
                    cells
                        .iter()
                        .map(|v| v.as_str().unwrap_or_default().to_string())
                        .collect(),
                )
            } else if cells.iter().all(Value::is_boolean) {
                // Tables hold numbers and text; a yes/no field reads as text.
                Column::Text(cells.iter().map(|v| v.to_string()).collect())
            } else {
                return Err(Error::InvalidArgument {
                    arg: format!("field '{name}'"),
                    expected: "numbers or text in every row",
                    value: cells[0].to_string(),
                });
            };
            t.set_column(name.clone(), col)?;
            t.set_format(name, R::format(name))?;
        }
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Run {
        name: &'static str,
        #[serde(rename = "N")]
        n: f64,
        loss: f64,
    }

    impl Record for Run {
        fn format(field: &str) -> NumFormat {
            match field {
                "N" => NumFormat::Si,
                _ => NumFormat::Auto,
            }
        }
    }

    #[test]
    fn fields_in_declaration_order_with_formats() {
        let t = Table::from_records(&[
            Run {
                name: "a",
                n: 1e9,
                loss: 2.5,
            },
            Run {
                name: "b",
                n: 7e9,
                loss: 2.1,
            },
        ])
        .unwrap();
        assert_eq!(t.names(), ["name", "N", "loss"]);
        assert_eq!(t.formats()[1], NumFormat::Si);
        assert_eq!(t.num_column("N").unwrap().as_slice(), [1e9, 7e9]);
    }
}
