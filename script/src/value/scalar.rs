//! Numbers, booleans, text and function pointers.

use rhai::{FnPtr, ImmutableString, FLOAT, INT};
use serde_json::Value;

use super::{Cx, Show};

use scaling_lab_core::show::{float_json, format_float};

impl Show for FLOAT {
    fn type_name(&self) -> &'static str {
        "float"
    }
    fn text(&self, _: Cx) -> String {
        format_float(*self)
    }
    fn json(&self, _: Cx) -> Value {
        float_json(*self)
    }
}

impl Show for INT {
    fn type_name(&self) -> &'static str {
        "integer"
    }
    fn text(&self, _: Cx) -> String {
        self.to_string()
    }
    fn json(&self, _: Cx) -> Value {
        Value::from(*self)
    }
}

impl Show for bool {
    fn type_name(&self) -> &'static str {
        "bool"
    }
    fn text(&self, _: Cx) -> String {
        self.to_string()
    }
    fn json(&self, _: Cx) -> Value {
        Value::Bool(*self)
    }
}

/// Control characters shown as escapes ([`scaling_lab_core::pyformat::printable`]).
pub fn printable(s: &str) -> String {
    scaling_lab_core::pyformat::printable(s).into_owned()
}

impl Show for ImmutableString {
    fn type_name(&self) -> &'static str {
        "string"
    }
    fn text(&self, _: Cx) -> String {
        printable(self)
    }
    fn inline(&self, _: Cx) -> String {
        format!("{:?}", self.as_str())
    }
    fn json(&self, _: Cx) -> Value {
        Value::String(self.to_string())
    }
}

impl Show for String {
    fn type_name(&self) -> &'static str {
        "char"
    }
    fn text(&self, _: Cx) -> String {
        printable(self)
    }
    fn inline(&self, _: Cx) -> String {
        format!("{self:?}")
    }
    fn json(&self, _: Cx) -> Value {
        Value::String(self.clone())
    }
}

impl Show for FnPtr {
    fn type_name(&self) -> &'static str {
        "function pointer"
    }
    fn text(&self, _: Cx) -> String {
        format!("Fn({})", self.fn_name())
    }
    fn json(&self, _: Cx) -> Value {
        Value::String(format!("Fn({})", self.fn_name()))
    }
}

/// Any other value: shown by its type name.
pub struct Opaque(pub &'static str);

impl Show for Opaque {
    fn type_name(&self) -> &'static str {
        match self.0.rsplit("::").next().unwrap_or(self.0) {
            "Range<i64>" => "range",
            "RangeInclusive<i64>" => "range",
            "Blob" | "Vec<u8>" => "blob",
            _ => "value",
        }
    }
    fn text(&self, _: Cx) -> String {
        format!("<{}>", self.type_name())
    }
    fn json(&self, _: Cx) -> Value {
        Value::String(self.text(Cx::detached()))
    }
}

impl Show for std::ops::Range<INT> {
    fn type_name(&self) -> &'static str {
        "range"
    }
    fn text(&self, _: Cx) -> String {
        format!("{}..{}", self.start, self.end)
    }
    fn json(&self, _: Cx) -> Value {
        Value::Array(
            (self.start..self.end)
                .take(1 << 20)
                .map(Value::from)
                .collect(),
        )
    }
}

impl Show for std::ops::RangeInclusive<INT> {
    fn type_name(&self) -> &'static str {
        "range"
    }
    fn text(&self, _: Cx) -> String {
        format!("{}..={}", self.start(), self.end())
    }
    fn json(&self, _: Cx) -> Value {
        Value::Array(self.clone().take(1 << 20).map(Value::from).collect())
    }
}
