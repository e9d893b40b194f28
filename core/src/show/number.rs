//! Numbers as the REPL and JSON show them.

use serde_json::Value;

use super::Show;
use crate::units::fmt_si;

/// A float with full precision (shortest round-trip digits) and, for large
/// magnitudes, an SI hint: `3.219e10 (32.2B)`.
pub fn format_float(x: f64) -> String {
    let body = format_float_plain(x);
    let a = x.abs();
    if x.is_finite() && (1e3..1e15).contains(&a) {
        format!("{body} ({})", fmt_si(x))
    } else {
        body
    }
}

/// A float with full precision and no hint: `3.219e10`, `0.25`, `8.0`.
pub fn format_float_plain(x: f64) -> String {
    let a = x.abs();
    if x == 0.0 || (1e-4..1e6).contains(&a) {
        let s = format!("{x}");
        if x.is_finite() && !s.contains('.') && !s.contains('e') {
            format!("{s}.0")
        } else {
            s
        }
    } else {
        format!("{x:e}")
    }
}

/// A float as JSON (`null` for NaN and infinities, which JSON lacks).
pub fn float_json(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

impl Show for f64 {
    fn type_name(&self) -> &'static str {
        "float"
    }
    fn text(&self) -> String {
        format_float(*self)
    }
    fn json(&self) -> Value {
        float_json(*self)
    }
}
