//! Rhai's own collections: arrays (lists) and maps (records).

use rhai::{Array, Dynamic, Map};
use serde_json::Value;

use super::{escape_html, inline_in, json, Cx, Show};

/// Lines wider than this are broken, one element or key per line.
const WIDTH: usize = 80;
/// Arrays longer than this show their ends and how many are left out.
const SHOWN: usize = 12;

fn elided(a: &Array, cx: Cx) -> Vec<String> {
    let cx = cx.deeper();
    if a.len() > SHOWN {
        let mut v: Vec<String> = a[..5].iter().map(|x| inline_in(x, cx)).collect();
        v.push(format!("... {} more ...", a.len() - 10));
        v.extend(a[a.len() - 5..].iter().map(|x| inline_in(x, cx)));
        v
    } else {
        a.iter().map(|x| inline_in(x, cx)).collect()
    }
}

impl Show for Array {
    fn type_name(&self) -> &'static str {
        "array"
    }
    fn inline(&self, cx: Cx) -> String {
        if cx.too_deep() {
            return "[…]".into();
        }
        format!("[{}]", elided(self, cx).join(", "))
    }
    fn text(&self, cx: Cx) -> String {
        let one_line = self.inline(cx);
        if one_line.chars().count() <= WIDTH {
            return one_line;
        }
        let items: Vec<String> = elided(self, cx)
            .into_iter()
            .map(|s| format!("  {s}"))
            .collect();
        format!("[\n{}\n]", items.join(",\n"))
    }
    fn json(&self, cx: Cx) -> Value {
        if cx.too_deep() {
            return Value::String("[…]".into());
        }
        Value::Array(self.iter().map(|x| json(x, cx.deeper())).collect())
    }
}

/// A map's value as one line, in the unit its record said (bytes, FLOPs).
fn entry_inline(m: &Map, key: &str, v: &Dynamic, cx: Cx) -> String {
    use scaling_lab_core::table::NumFormat;
    if let Ok(x) = v.as_float() {
        match cx.orders.unit_of(m.keys().map(|k| k.as_str()), key) {
            Some(NumFormat::Bytes { binary }) if x.is_finite() => {
                return format!(
                    "{} ({})",
                    scaling_lab_core::show::format_float_plain(x),
                    scaling_lab_core::units::fmt_bytes(x, binary)
                )
            }
            Some(NumFormat::Flops) => return scaling_lab_core::show::format_float_plain(x),
            _ => {}
        }
    }
    inline_in(v, cx.deeper())
}

/// Entries in the order the script wrote the keys.
fn ordered<'m>(m: &'m Map, cx: Cx) -> Vec<(String, &'m Dynamic)> {
    cx.orders
        .order(m.keys().map(|k| k.as_str()))
        .into_iter()
        .filter_map(|k| m.get(k.as_str()).map(|v| (k, v)))
        .collect()
}

impl Show for Map {
    fn type_name(&self) -> &'static str {
        "map"
    }
    fn inline(&self, cx: Cx) -> String {
        if cx.too_deep() {
            return "#{…}".into();
        }
        let parts: Vec<String> = ordered(self, cx)
            .into_iter()
            .map(|(k, v)| format!("{k}: {}", entry_inline(self, &k, v, cx)))
            .collect();
        format!("#{{{}}}", parts.join(", "))
    }
    fn text(&self, cx: Cx) -> String {
        let one_line = self.inline(cx);
        if one_line.chars().count() <= WIDTH {
            return one_line;
        }
        let entries = ordered(self, cx);
        let width = entries
            .iter()
            .map(|(k, _)| k.chars().count())
            .max()
            .unwrap_or(0);
        let lines: Vec<String> = entries
            .iter()
            .map(|(k, v)| format!("  {k:<width$}  {}", entry_inline(self, k, v, cx)))
            .collect();
        format!("#{{\n{}\n}}", lines.join("\n"))
    }
    fn json(&self, cx: Cx) -> Value {
        if cx.too_deep() {
            return Value::String("#{…}".into());
        }
        Value::Object(
            ordered(self, cx)
                .into_iter()
                .map(|(k, v)| (k, json(v, cx.deeper())))
                .collect(),
        )
    }
    /// A record of numbers as a one-row table (as a DataFrame row reads);
    /// anything else as a two-column table of keys and values.
    fn html(&self, cx: Cx) -> Option<String> {
        let entries = ordered(self, cx);
        let numeric = entries.iter().all(|(_, v)| v.is_float() || v.is_int());
        let cell = |k: &str, v: &Dynamic| escape_html(&entry_inline(self, k, v, cx));
        let mut s = String::from("<table class=\"dataframe\" border=\"1\">\n");
        if numeric {
            s.push_str("  <thead>\n    <tr style=\"text-align: right;\">\n");
            for (k, _) in &entries {
                s.push_str(&format!("      <th>{}</th>\n", escape_html(k)));
            }
            s.push_str("    </tr>\n  </thead>\n  <tbody>\n    <tr>\n");
            for (k, v) in &entries {
                s.push_str(&format!(
                    "      <td style=\"text-align: right;\">{}</td>\n",
                    cell(k, v)
                ));
            }
            s.push_str("    </tr>\n  </tbody>\n");
        } else {
            s.push_str("  <tbody>\n");
            for (k, v) in &entries {
                s.push_str(&format!(
                    "    <tr><th style=\"text-align: left;\">{}</th><td style=\"text-align: left;\">{}</td></tr>\n",
                    escape_html(k),
                    cell(k, v)
                ));
            }
            s.push_str("  </tbody>\n");
        }
        s.push_str("</table>");
        Some(s)
    }
}
