//! Rhai values rendered for people (text) and for programs (JSON).
//! Tables render through [`crate::table::render`]; this module handles the rest.

use rhai::{Array, Dynamic, Map};
use serde_json::Value;

use crate::laws::Law;
use crate::table::{render, Table};
use crate::units::fmt_si;

/// A float with full precision (shortest round-trip digits) and, for large
/// magnitudes, an SI hint: `3.219e10 (32.2B)`.
pub fn format_float(x: f64) -> String {
    let a = x.abs();
    let body = if x == 0.0 || (1e-4..1e6).contains(&a) {
        let s = format!("{x}");
        if x.is_finite() && !s.contains('.') && !s.contains('e') {
            format!("{s}.0")
        } else {
            s
        }
    } else {
        format!("{x:e}")
    };
    if x.is_finite() && (1e3..1e15).contains(&a) {
        format!("{body} ({})", fmt_si(x))
    } else {
        body
    }
}

fn inline(v: &Dynamic) -> String {
    if let Ok(f) = v.as_float() {
        format_float(f)
    } else if v.is_string() {
        format!("{:?}", v.to_string())
    } else if let Some(a) = v.read_lock::<Array>() {
        format_array(&a)
    } else if let Some(m) = v.read_lock::<Map>() {
        let parts: Vec<String> = m
            .iter()
            .map(|(k, v)| format!("{k}: {}", inline(v)))
            .collect();
        format!("#{{{}}}", parts.join(", "))
    } else {
        v.to_string()
    }
}

fn format_array(a: &Array) -> String {
    // Like numpy, long arrays show their ends.
    let items: Vec<String> = if a.len() > 12 {
        let mut v: Vec<String> = a[..5].iter().map(inline).collect();
        v.push(format!("... {} more ...", a.len() - 10));
        v.extend(a[a.len() - 5..].iter().map(inline));
        v
    } else {
        a.iter().map(inline).collect()
    };
    format!("[{}]", items.join(", "))
}

/// A value as a person reads it in a terminal; `None` for `()`.
pub fn to_text(v: &Dynamic) -> Option<String> {
    if v.is_unit() {
        return None;
    }
    if let Some(t) = v.read_lock::<Table>() {
        return Some(render::to_text(&t));
    }
    if let Some(l) = v.read_lock::<Law>() {
        return Some(l.to_string());
    }
    if let Some(c) = v.read_lock::<crate::plot::Chart>() {
        return Some(c.to_string());
    }
    if let Some(f) = v.read_lock::<crate::plot::Figure>() {
        return Some(f.to_string());
    }
    if v.is_string() {
        return Some(v.to_string());
    }
    if let Some(m) = v.read_lock::<Map>() {
        let one_line = inline(v);
        if one_line.len() <= 80 {
            return Some(one_line);
        }
        let width = m.keys().map(|k| k.len()).max().unwrap_or(0);
        let lines: Vec<String> = m
            .iter()
            .map(|(k, v)| format!("  {k:<width$}  {}", inline(v)))
            .collect();
        return Some(format!("#{{\n{}\n}}", lines.join("\n")));
    }
    Some(inline(v))
}

/// A value as JSON: maps as objects, tables as arrays of row objects, laws
/// with their coefficients; NaN and infinities become `null`.
pub fn to_json(v: &Dynamic) -> Value {
    if v.is_unit() {
        Value::Null
    } else if let Ok(f) = v.as_float() {
        render::number_json(f)
    } else if let Ok(i) = v.as_int() {
        Value::from(i)
    } else if let Ok(b) = v.as_bool() {
        Value::Bool(b)
    } else if v.is_string() {
        Value::String(v.to_string())
    } else if let Some(a) = v.read_lock::<Array>() {
        Value::Array(a.iter().map(to_json).collect())
    } else if let Some(m) = v.read_lock::<Map>() {
        Value::Object(m.iter().map(|(k, v)| (k.to_string(), to_json(v))).collect())
    } else if let Some(t) = v.read_lock::<Table>() {
        render::to_json(&t)
    } else if let Some(l) = v.read_lock::<Law>() {
        serde_json::to_value(&*l).unwrap_or(Value::Null)
    } else {
        Value::String(v.to_string())
    }
}
