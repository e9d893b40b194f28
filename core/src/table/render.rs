//! Every rendering of a [`Table`]: aligned text (like a pandas DataFrame's
//! repr), HTML (like its `_repr_html_`), CSV and JSON records.

use comfy_table::{presets::NOTHING, CellAlignment, Table as TextTable};
use serde_json::{Map, Value};

use super::{Column, NumFormat, Table};
use crate::error::{Error, Result};
use crate::pyformat::format_number;
use crate::units::fmt_si;

/// Cells of a numeric column as display strings, with one format for the
/// whole column so that digits line up.
pub fn format_numbers(values: &[f64], format: NumFormat) -> Vec<String> {
    let finite = values.iter().copied().filter(|v| v.is_finite());
    let max_abs = finite.clone().fold(0.0_f64, |m, v| m.max(v.abs()));
    let min_nonzero = finite
        .clone()
        .filter(|v| *v != 0.0)
        .fold(f64::INFINITY, |m, v| m.min(v.abs()));
    let all_whole = finite.clone().all(|v| v.fract() == 0.0);
    let spec = match format {
        NumFormat::Si => return values.iter().map(|v| fmt_si(*v)).collect(),
        NumFormat::Bytes { binary } => {
            return values
                .iter()
                .map(|v| crate::units::fmt_bytes(*v, binary))
                .collect()
        }
        NumFormat::Flops => return values.iter().map(|v| crate::units::fmt_flops(*v)).collect(),
        NumFormat::Sci(d) => format!(".{d}e"),
        NumFormat::Fixed(d) => format!(".{d}f"),
        NumFormat::Spec(s) => s.as_str().to_string(),
        NumFormat::Auto if all_whole && max_abs < 1e9 => ".0f".to_string(),
        NumFormat::Auto if max_abs >= 1e9 || min_nonzero < 1e-4 => ".6e".to_string(),
        NumFormat::Auto => {
            let decimals = finite
                .map(|v| {
                    let t = format!("{v:.6}");
                    let frac = t.split_once('.').map_or("", |(_, f)| f);
                    frac.trim_end_matches('0').len()
                })
                .max()
                .unwrap_or(0)
                .max(1);
            format!(".{decimals}f")
        }
    };
    values
        .iter()
        .map(|v| {
            if v.is_nan() {
                "NaN".to_string()
            } else {
                format_number(*v, &spec).expect("internal specs are valid")
            }
        })
        .collect()
}

/// pandas' `display.max_rows`: a longer table shows its first and last
/// [`END_ROWS`] rows (which also bounds what printing a huge table costs).
pub const MAX_ROWS: usize = 60;
/// Rows shown at each end of a long table.
pub const END_ROWS: usize = 5;

/// Row positions to show, `None` where rows are left out.
fn shown_rows(t: &Table) -> Vec<Option<usize>> {
    let n = t.len();
    if n <= MAX_ROWS {
        return (0..n).map(Some).collect();
    }
    (0..END_ROWS)
        .map(Some)
        .chain(std::iter::once(None))
        .chain((n - END_ROWS..n).map(Some))
        .collect()
}

/// Display strings per column for the shown rows ("..." for the gap),
/// formatted per column so that digits line up.
fn display_cells(t: &Table, rows: &[Option<usize>]) -> Vec<Vec<String>> {
    let picked: Vec<usize> = rows.iter().flatten().copied().collect();
    t.columns()
        .iter()
        .zip(t.formats())
        .map(|(c, f)| {
            let mut cells = match c {
                Column::Num(v) => {
                    let xs: Vec<f64> = picked.iter().map(|&r| v[r]).collect();
                    format_numbers(&xs, *f)
                }
                Column::Text(v) => picked
                    .iter()
                    .map(|&r| crate::pyformat::printable(&v[r]).into_owned())
                    .collect(),
            }
            .into_iter();
            rows.iter()
                .map(|r| match r {
                    Some(_) => cells.next().unwrap_or_default(),
                    None => "...".to_string(),
                })
                .collect()
        })
        .collect()
}

fn index_label(t: &Table, r: Option<usize>) -> String {
    r.map_or("...".to_string(), |r| t.index()[r].to_string())
}

impl std::fmt::Display for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&to_text(self))
    }
}

/// Aligned plain text: index column on the left, numbers right-aligned, text left-aligned.
pub fn to_text(t: &Table) -> String {
    if t.names().is_empty() {
        return "Empty table".to_string();
    }
    let rows = shown_rows(t);
    let cells = display_cells(t, &rows);
    let mut table = TextTable::new();
    table.load_preset(NOTHING);
    let mut header = vec![String::new()];
    header.extend(
        t.names()
            .iter()
            .map(|n| crate::pyformat::printable(n).into_owned()),
    );
    table.set_header(header);
    for (k, r) in rows.iter().enumerate() {
        let mut row = vec![index_label(t, *r)];
        row.extend(cells.iter().map(|c| c[k].clone()));
        table.add_row(row);
    }
    for (k, col) in table.column_iter_mut().enumerate() {
        let text = k > 0 && matches!(t.columns()[k - 1], Column::Text(_));
        col.set_cell_alignment(if text {
            CellAlignment::Left
        } else {
            CellAlignment::Right
        });
    }
    let mut out: Vec<String> = table
        .to_string()
        .lines()
        .map(|l| l.trim_end().to_string())
        .collect();
    // comfy-table pads every line by one space on the left; drop the shared margin.
    let margin = out
        .iter()
        .filter(|l| !l.is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    for l in &mut out {
        *l = l.get(margin..).unwrap_or("").to_string();
    }
    let mut s = out.join("\n");
    if t.is_empty() {
        s.push_str("\n(0 rows)");
    } else if t.len() > MAX_ROWS {
        s.push_str(&format!(
            "\n\n[{} rows x {} columns]",
            t.len(),
            t.names().len()
        ));
    }
    s
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// HTML in the shape of pandas' `DataFrame._repr_html_` (class `dataframe`,
/// index as row headers, numbers right-aligned).
pub fn to_html(t: &Table) -> String {
    let rows = shown_rows(t);
    let cells = display_cells(t, &rows);
    let mut s = String::from("<table class=\"dataframe\" border=\"1\">\n  <thead>\n    <tr style=\"text-align: right;\">\n      <th></th>\n");
    for n in t.names() {
        s.push_str(&format!("      <th>{}</th>\n", escape_html(n)));
    }
    s.push_str("    </tr>\n  </thead>\n  <tbody>\n");
    for (i, r) in rows.iter().enumerate() {
        s.push_str(&format!(
            "    <tr>\n      <th>{}</th>\n",
            index_label(t, *r)
        ));
        for (k, c) in cells.iter().enumerate() {
            let align = match t.columns()[k] {
                Column::Num(_) => " style=\"text-align: right;\"",
                Column::Text(_) => " style=\"text-align: left;\"",
            };
            s.push_str(&format!("      <td{align}>{}</td>\n", escape_html(&c[i])));
        }
        s.push_str("    </tr>\n");
    }
    s.push_str(&format!(
        "  </tbody>\n</table>\n<p>{} rows × {} columns</p>",
        t.len(),
        t.names().len()
    ));
    s
}

/// JSON records, one object per row (pandas `to_json(orient="records")`).
/// Non-finite numbers become `null`, as JSON has no NaN.
pub fn to_json(t: &Table) -> Value {
    let rows = (0..t.len())
        .map(|r| {
            let mut m = Map::new();
            for (name, col) in t.names().iter().zip(t.columns()) {
                let v = match col {
                    Column::Num(v) => number_json(v[r]),
                    Column::Text(v) => Value::String(v[r].to_string()),
                };
                m.insert(name.clone(), v);
            }
            Value::Object(m)
        })
        .collect();
    Value::Array(rows)
}

/// A number as JSON (`null` for NaN and infinities).
pub fn number_json(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

/// A number as CSV text pandas reads back exactly, as float64: whole
/// numbers below 1e15 as integers (`8192`), everything else in Rust's
/// shortest round-trip form, with an exponent where it is shorter (`1e22`,
/// not 23 digits that pandas would read as text). No negative zero.
pub fn csv_number(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x}")
    } else {
        format!("{x:?}")
    }
}

/// CSV with a header row; numbers in their shortest round-trip form.
pub fn to_csv(t: &Table) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| Error::Io {
        path: "<csv>".into(),
        reason: e.to_string(),
    };
    w.write_record(t.names()).map_err(io)?;
    for r in 0..t.len() {
        let row: Vec<String> = t
            .columns()
            .iter()
            .map(|c| match c {
                Column::Num(v) => csv_number(v[r]),
                Column::Text(v) => v[r].to_string(),
            })
            .collect();
        w.write_record(&row).map_err(io)?;
    }
    let bytes = w.into_inner().map_err(|e| Error::Io {
        path: "<csv>".into(),
        reason: e.to_string(),
    })?;
    Ok(String::from_utf8(bytes).expect("CSV of UTF-8 cells is UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Column, NumFormat, Table};

    #[test]
    fn csv_numbers_round_trip_as_floats() {
        for (x, text) in [
            (1e22, "1e22"),
            (8192.0, "8192"),
            (0.109005668352, "0.109005668352"),
            (-0.0, "0"),
            (1.5e-7, "1.5e-7"),
            (123456789012345678.0, "1.2345678901234568e17"),
        ] {
            assert_eq!(csv_number(x), text);
            assert_eq!(text.parse::<f64>().unwrap(), if x == 0.0 { 0.0 } else { x });
        }
    }

    fn sample() -> Table {
        Table::from_columns([
            ("model", Column::text(["GPT-3", "Chinchilla"])),
            ("N", Column::from(vec![175e9, 70e9])),
            ("loss", Column::from(vec![2.00237, 1.93665])),
        ])
        .unwrap()
    }

    #[test]
    fn text_looks_like_a_dataframe() {
        let mut t = sample();
        assert_eq!(
            to_text(&t),
            "   model                  N     loss\n0  GPT-3       1.750000e+11  2.00237\n1  Chinchilla  7.000000e+10  1.93665"
        );
        t.set_format("N", NumFormat::Si).unwrap();
        assert!(to_text(&t).contains("175B"), "{}", to_text(&t));
    }

    #[test]
    fn long_tables_show_their_ends_like_pandas() {
        let t = Table::from_columns([(
            "x",
            Column::from((0..100).map(f64::from).collect::<Vec<_>>()),
        )])
        .unwrap();
        let text = to_text(&t);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1 + 11 + 2, "{text}");
        assert_eq!(lines[6].trim(), "...  ...");
        assert_eq!(lines[7].trim(), "95   95");
        assert!(text.ends_with("[100 rows x 1 columns]"));
        let html = to_html(&t);
        assert_eq!(html.matches("<tr>").count(), 11);
        assert!(html.contains("100 rows × 1 columns"));
    }

    #[test]
    fn auto_formats_by_magnitude() {
        assert_eq!(format_numbers(&[81.0, 90.0], NumFormat::Auto), ["81", "90"]);
        assert_eq!(
            format_numbers(&[8192.0, 9011.2], NumFormat::Auto),
            ["8192.0", "9011.2"]
        );
        assert_eq!(
            format_numbers(&[1.5e-6, 1.0], NumFormat::Auto),
            ["1.500000e-06", "1.000000e+00"]
        );
        assert_eq!(
            format_numbers(&[f64::NAN, 1.5], NumFormat::Auto),
            ["NaN", "1.5"]
        );
    }

    #[test]
    fn any_spec_fmt_takes_formats_a_column() {
        let f = |spec: &str| NumFormat::parse(spec).unwrap();
        assert_eq!(
            format_numbers(&[19694.4, 306.0], f(",.0f")),
            ["19,694", "306"]
        );
        assert_eq!(
            format_numbers(&[0.116, -0.05], f("+.1%")),
            ["+11.6%", "-5.0%"]
        );
        assert_eq!(format_numbers(&[1.58e23], f(".2E")), ["1.58E+23"]);
        assert!(NumFormat::parse(".2q").is_err());
        assert!(NumFormat::parse(&"0".repeat(40)).is_err());
    }

    #[test]
    fn csv_json_html() {
        let t = sample();
        assert_eq!(
            to_csv(&t).unwrap(),
            "model,N,loss\nGPT-3,175000000000,2.00237\nChinchilla,70000000000,1.93665\n"
        );
        assert_eq!(to_json(&t)[1]["model"], "Chinchilla");
        let html = to_html(&t);
        assert!(
            html.contains("<th>1</th>") && html.contains("2 rows × 3 columns"),
            "{html}"
        );
    }
}
