//! Inputs as types: each options map a function takes is a struct beside
//! the code it configures (serde `Deserialize` with unknown fields refused,
//! a default and a doc comment per field, `JsonSchema` for the docs), and
//! the field types here say what a value means, not only its Rust type: a
//! [`Count`] of GPUs is a positive whole number, a [`Positive`] bandwidth
//! is finite and above zero. Reading a value checks it, so a layout or a
//! cluster that makes no sense is refused where it is read, with the
//! option named, never computed with.
//!
//! The list of known options, the option tables in `docs/functions.md`,
//! REPL completion of option keys and the bad-input tests all come from
//! these structs ([`fields`]), so an option is written in one place.

use std::fmt;

pub use schemars::JsonSchema;
use serde::de::{self, Deserializer, Unexpected, Visitor};
use serde::{Deserialize, Serialize};

/// Counts above this are refused: they are not counts of anything a
/// training run has, and floats lose whole numbers beyond 2^53.
pub const MAX_COUNT: f64 = 1e15;

/// A numeric visitor: integers and floats both arrive as `f64`.
struct Number<F> {
    expecting: &'static str,
    check: F,
}

impl<F: Fn(f64) -> bool> Number<F> {
    fn accept<E: de::Error>(&self, v: f64, shown: Unexpected) -> Result<f64, E> {
        if v.is_finite() && (self.check)(v) {
            Ok(v)
        } else {
            Err(E::invalid_value(shown, &self.expecting))
        }
    }
}

impl<'de, F: Fn(f64) -> bool> Visitor<'de> for Number<F> {
    type Value = f64;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.expecting)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        self.accept(v, Unexpected::Float(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        self.accept(v as f64, Unexpected::Signed(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        self.accept(v as f64, Unexpected::Unsigned(v))
    }
}

/// Declares a checked number type: its name, what a valid value is (in
/// the words errors and docs use) and the check.
macro_rules! checked_number {
    ($(#[$doc:meta])* $name:ident, $expecting:literal, |$v:ident| $check:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
        #[serde(transparent)]
        pub struct $name(f64);

        impl $name {
            /// What a valid value is, as errors and docs say it.
            pub const EXPECTING: &'static str = $expecting;

            /// Check `v`; the error names `arg`.
            pub fn new(arg: &str, v: f64) -> crate::Result<$name> {
                let $v = v;
                if v.is_finite() && $check {
                    Ok($name(v))
                } else {
                    Err(crate::Error::invalid(arg, $expecting, v))
                }
            }

            /// The number.
            pub fn get(self) -> f64 {
                self.0
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_any(Number {
                    expecting: $expecting,
                    check: |$v: f64| $check,
                })
                .map($name)
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "number", "description": $expecting })
            }
        }

        impl From<$name> for f64 {
            fn from(x: $name) -> f64 {
                x.0
            }
        }
    };
}

checked_number!(
    /// A positive whole number: GPUs, layers, heads, a batch of sequences,
    /// a micro-batch. An integer-valued float (`8.0`, `1e3`) is accepted.
    Count,
    "a positive whole number",
    |v| v >= 1.0 && v.fract() == 0.0 && v <= MAX_COUNT
);

checked_number!(
    /// A whole number that may be zero: leading dense layers, shared experts.
    Whole,
    "a whole number (0 or more)",
    |v| v >= 0.0 && v.fract() == 0.0 && v <= MAX_COUNT
);

checked_number!(
    /// A finite number above zero: a bandwidth, a price, a peak FLOP/s.
    Positive,
    "a positive finite number",
    |v| v > 0.0
);

checked_number!(
    /// A finite number of zero or more: a latency, an overhead.
    NonNegative,
    "a finite number of 0 or more",
    |v| v >= 0.0
);

checked_number!(
    /// A fraction in (0, 1]: a utilisation, an efficiency.
    Fraction,
    "a number in (0, 1]",
    |v| v > 0.0 && v <= 1.0
);

checked_number!(
    /// A confidence level in (0, 1): 0.95 for a 95% interval.
    Level,
    "a confidence level strictly between 0 and 1 (0.95 for 95%)",
    |v| v > 0.0 && v < 1.0
);

checked_number!(
    /// A ZeRO stage (Rajbhandari et al. 2020): 0 (none), 1 (optimizer
    /// states), 2 (and gradients) or 3 (and weights).
    ZeroStage,
    "a ZeRO stage from 0 to 3",
    |v| (0.0..=3.0).contains(&v) && v.fract() == 0.0
);

impl Count {
    /// The count as a `usize` (it is whole and at most [`MAX_COUNT`]).
    pub fn as_usize(self) -> usize {
        self.0 as usize
    }
}

impl ZeroStage {
    /// The stage as a number 0-3.
    pub fn stage(self) -> u8 {
        self.0 as u8
    }
}

/// A number, or many numbers (a vector): the argument of a sweep.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Numbers {
    /// One value.
    One(f64),
    /// Several values (at least one).
    Many(Vec<f64>),
}

impl Numbers {
    /// The values as a slice (one value or many).
    pub fn values(&self) -> &[f64] {
        match self {
            Numbers::One(x) => std::slice::from_ref(x),
            Numbers::Many(v) => v,
        }
    }
}

impl<'de> Deserialize<'de> for Numbers {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Numbers;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a vector of numbers")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Numbers, E> {
                Ok(Numbers::One(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Numbers, E> {
                Ok(Numbers::One(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Numbers, E> {
                Ok(Numbers::One(v as f64))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Numbers, A::Error> {
                let mut v = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
                while let Some(x) = seq.next_element::<f64>()? {
                    v.push(x);
                }
                if v.is_empty() {
                    return Err(de::Error::invalid_length(0, &"at least one number"));
                }
                Ok(Numbers::Many(v))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for Numbers {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Numbers".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "description": "a number or a vector of numbers" })
    }
}

/// One option of an options struct, as docs and completion show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    /// The key in the map.
    pub name: String,
    /// What it takes: "a positive whole number", `"none" | "full"`, "true or false".
    pub takes: String,
    /// The default, as a script would write it (`None` when required or
    /// when the default depends on other inputs, which the doc says).
    pub default: Option<String>,
    /// The field's doc comment.
    pub doc: String,
    /// Whether the map must have it.
    pub required: bool,
}

/// The options of `T`, in declaration order, from its schema.
pub fn fields<T: JsonSchema>() -> Vec<Field> {
    let schema = schemars::SchemaGenerator::default().into_root_schema_for::<T>();
    let root = schema.as_value();
    let defs = root.get("$defs");
    let required: Vec<&str> = root
        .get("required")
        .and_then(|r| r.as_array())
        .map(|r| r.iter().filter_map(|x| x.as_str()).collect())
        .unwrap_or_default();
    let Some(props) = root.get("properties").and_then(|p| p.as_object()) else {
        return Vec::new();
    };
    props
        .iter()
        .map(|(name, p)| Field {
            name: name.clone(),
            takes: takes(p, defs),
            default: p
                .get("default")
                .filter(|d| !d.is_null())
                .map(script_literal),
            doc: p
                .get("description")
                .and_then(|d| d.as_str())
                .unwrap_or("")
                .to_string(),
            required: required.contains(&name.as_str()),
        })
        .collect()
}

/// The names of the options of `T`.
pub fn names<T: JsonSchema>() -> Vec<String> {
    fields::<T>().into_iter().map(|f| f.name).collect()
}

/// What a schema takes, in words.
fn takes(p: &serde_json::Value, defs: Option<&serde_json::Value>) -> String {
    use serde_json::Value;
    if let Some(r) = p.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or(r);
        if let Some(def) = defs.and_then(|d| d.get(name)) {
            return takes(def, defs);
        }
    }
    if let Some(any) = p
        .get("anyOf")
        .or_else(|| p.get("oneOf"))
        .and_then(Value::as_array)
    {
        let parts: Vec<String> = any
            .iter()
            .filter(|s| s.get("type").and_then(Value::as_str) != Some("null"))
            .map(|s| takes(s, defs))
            .collect();
        if !parts.is_empty() {
            return parts.join(" | ");
        }
    }
    if let Some(values) = p.get("enum").and_then(Value::as_array) {
        return values
            .iter()
            .map(script_literal)
            .collect::<Vec<_>>()
            .join(" | ");
    }
    if let Some(c) = p.get("const") {
        return script_literal(c);
    }
    // A checked type says what it takes in its description.
    let own = p.get("description").and_then(Value::as_str);
    let ty = match p.get("type") {
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or(""),
        Some(Value::String(t)) => t.as_str(),
        _ => "",
    };
    match (ty, own) {
        ("number", Some(d)) if d.starts_with('a') => d.to_string(),
        ("number", _) | ("integer", _) => "a number".into(),
        ("boolean", _) => "true or false".into(),
        ("string", _) => "text".into(),
        ("array", _) => "a vector or an array".into(),
        ("object", _) => "a map".into(),
        (_, Some(d)) if d.starts_with('a') => d.to_string(),
        _ => "a value".into(),
    }
}

/// A JSON value as a script literal (`"bf16"`, `1e9`, `true`).
fn script_literal(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Number(n) => match n.as_f64() {
            Some(x) if x.fract() == 0.0 && x.abs() < 1e6 => format!("{x:.0}"),
            Some(x) => crate::error::format_value(x),
            None => n.to_string(),
        },
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Options of an imaginary layout.
    #[derive(Debug, Deserialize, JsonSchema, Serialize)]
    #[serde(deny_unknown_fields, default)]
    struct Layout {
        /// GPUs in all.
        gpus: Count,
        /// Peak FLOP/s.
        peak: Option<Positive>,
        /// ZeRO stage.
        zero: ZeroStage,
        /// Sequence parallelism.
        sequence_parallel: bool,
    }

    impl Default for Layout {
        fn default() -> Self {
            Layout {
                gpus: Count(8.0),
                peak: None,
                zero: ZeroStage(1.0),
                sequence_parallel: false,
            }
        }
    }

    fn read(v: serde_json::Value) -> Result<Layout, String> {
        serde_json::from_value(v).map_err(|e| e.to_string())
    }

    #[test]
    fn checked_numbers_accept_what_they_mean() {
        let l = read(serde_json::json!({"gpus": 16, "peak": 9.89e14, "zero": 3.0})).unwrap();
        assert_eq!((l.gpus.get(), l.zero.stage()), (16.0, 3));
        assert_eq!(
            read(serde_json::json!({"gpus": 8.0})).unwrap().gpus.get(),
            8.0
        );
        for (bad, says) in [
            (serde_json::json!({"gpus": 0.5}), "a positive whole number"),
            (serde_json::json!({"gpus": 0}), "a positive whole number"),
            (serde_json::json!({"gpus": -8}), "a positive whole number"),
            (
                serde_json::json!({"gpus": 1e300}),
                "a positive whole number",
            ),
            (serde_json::json!({"peak": -1}), "a positive finite number"),
            (serde_json::json!({"zero": 4}), "a ZeRO stage from 0 to 3"),
            (serde_json::json!({"gpus": "8"}), "a positive whole number"),
        ] {
            let e = read(bad.clone()).unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
        }
        assert!(read(serde_json::json!({"gpu": 8}))
            .unwrap_err()
            .contains("unknown field `gpu`"));
    }

    #[test]
    fn fields_come_from_the_struct_in_order() {
        let f = fields::<Layout>();
        let names: Vec<&str> = f.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["gpus", "peak", "zero", "sequence_parallel"]);
        assert_eq!(f[0].takes, "a positive whole number");
        assert_eq!(f[0].default.as_deref(), Some("8"));
        assert_eq!(f[0].doc, "GPUs in all.");
        assert_eq!(f[1].takes, "a positive finite number");
        assert_eq!(f[1].default, None);
        assert_eq!(f[3].takes, "true or false");
        assert_eq!(f[3].default.as_deref(), Some("false"));
    }

    #[test]
    fn numbers_are_one_or_many() {
        let one: Numbers = serde_json::from_value(serde_json::json!(3)).unwrap();
        assert_eq!(one.values(), [3.0]);
        let many: Numbers = serde_json::from_value(serde_json::json!([1, 2.5])).unwrap();
        assert_eq!(many.values(), [1.0, 2.5]);
        assert!(serde_json::from_value::<Numbers>(serde_json::json!([])).is_err());
        assert!(serde_json::from_value::<Numbers>(serde_json::json!("x")).is_err());
    }
}
