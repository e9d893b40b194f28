//! Vectors and masks, printed like numpy arrays: short ones in full, long
//! ones as their first three and last three elements with the length.

use serde_json::Value;

use super::number::float_json;
use super::{escape_html, Show};
use crate::table::render::format_numbers;
use crate::table::NumFormat;
use crate::vector::{Mask, Vector};

/// Up to this many elements print in full.
const FULL: usize = 12;
/// Elements shown at each end of a longer vector.
const ENDS: usize = 3;

/// The shown cells (formatted together, so they share decimals or
/// exponents like a numpy repr) with `None` where elements are left out.
fn cells<T: Copy>(xs: &[T], fmt: impl Fn(&[T]) -> Vec<String>) -> Vec<Option<String>> {
    if xs.len() <= FULL {
        return fmt(xs).into_iter().map(Some).collect();
    }
    let ends: Vec<T> = xs[..ENDS]
        .iter()
        .chain(&xs[xs.len() - ENDS..])
        .copied()
        .collect();
    let mut shown: Vec<Option<String>> = fmt(&ends).into_iter().map(Some).collect();
    shown.insert(ENDS, None);
    shown
}

fn listing<T: Copy>(xs: &[T], noun: &str, fmt: impl Fn(&[T]) -> Vec<String>) -> String {
    let body: Vec<String> = cells(xs, fmt)
        .into_iter()
        .map(|c| c.unwrap_or_else(|| "...".into()))
        .collect();
    let mut s = format!("[{}]", body.join(", "));
    if xs.len() > FULL {
        s.push_str(&format!(" ({} {noun})", xs.len()));
    }
    s
}

/// Numbers formatted together as numpy's repr chooses: scientific when
/// the magnitudes span more than three decades or leave 1e-4..1e8, else
/// fixed; as few digits as the shown values need (at most 6 decimals).
fn numbers(xs: &[f64]) -> Vec<String> {
    let max = xs.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
    let min = xs
        .iter()
        .filter(|x| **x != 0.0)
        .fold(f64::INFINITY, |m, x| m.min(x.abs()));
    let sci = max >= 1e8 || min < 1e-4 || (min.is_finite() && max / min > 1e3);
    if !sci {
        return format_numbers(xs, NumFormat::Auto);
    }
    let digits = xs
        .iter()
        .map(|x| {
            let t = format!("{x:.6e}");
            let mantissa = t.split('e').next().unwrap_or("");
            mantissa
                .split_once('.')
                .map_or(0, |(_, f)| f.trim_end_matches('0').len())
        })
        .max()
        .unwrap_or(0);
    format_numbers(xs, NumFormat::Sci(digits))
}

fn booleans(xs: &[bool]) -> Vec<String> {
    xs.iter().map(bool::to_string).collect()
}

/// A one-row HTML table of the shown cells, labelled by position.
fn html_row<T: Copy>(xs: &[T], fmt: impl Fn(&[T]) -> Vec<String>, note: &str) -> String {
    let shown = cells(xs, fmt);
    let labels: Vec<String> = if xs.len() <= FULL {
        (0..xs.len()).map(|i| i.to_string()).collect()
    } else {
        (0..ENDS)
            .map(|i| i.to_string())
            .chain(std::iter::once("…".to_string()))
            .chain((xs.len() - ENDS..xs.len()).map(|i| i.to_string()))
            .collect()
    };
    let mut s = String::from(
        "<table class=\"dataframe\" border=\"1\">\n  <thead>\n    <tr style=\"text-align: right;\">\n",
    );
    for l in &labels {
        s.push_str(&format!("      <th>{l}</th>\n"));
    }
    s.push_str("    </tr>\n  </thead>\n  <tbody>\n    <tr>\n");
    for c in &shown {
        let text = c.as_deref().map_or("…".to_string(), escape_html);
        s.push_str(&format!(
            "      <td style=\"text-align: right;\">{text}</td>\n"
        ));
    }
    s.push_str(&format!("    </tr>\n  </tbody>\n</table>\n<p>{note}</p>"));
    s
}

impl Show for Vector {
    fn type_name(&self) -> &'static str {
        "vector"
    }
    fn text(&self) -> String {
        if self.is_empty() {
            return "[] (empty vector)".into();
        }
        listing(self, "values", numbers)
    }
    fn json(&self) -> Value {
        Value::Array(self.iter().map(|x| float_json(*x)).collect())
    }
    fn html(&self) -> Option<String> {
        let n = self.len();
        Some(html_row(
            self,
            numbers,
            &format!("vector of {n} value{}", if n == 1 { "" } else { "s" }),
        ))
    }
    fn csv(&self) -> Option<crate::Result<String>> {
        let mut s = String::from("value\n");
        for x in self.iter() {
            s.push_str(&crate::table::render::csv_number(*x));
            s.push('\n');
        }
        Some(Ok(s))
    }
}

impl Show for Mask {
    fn type_name(&self) -> &'static str {
        "mask"
    }
    fn text(&self) -> String {
        if self.is_empty() {
            return "[] (empty mask)".into();
        }
        let mut s = listing(self, "values", booleans);
        if self.len() > FULL {
            s = s.replacen(" values)", &format!(" values, {} true)", self.count()), 1);
        }
        s
    }
    fn json(&self) -> Value {
        Value::Array(self.iter().map(|b| Value::Bool(*b)).collect())
    }
    fn html(&self) -> Option<String> {
        Some(html_row(
            self,
            booleans,
            &format!("mask of {} values, {} true", self.len(), self.count()),
        ))
    }
}
