//! Options maps read into the core's typed option structs.
//!
//! A function that takes `#{...}` declares nothing here but the struct it
//! reads ([`read`]); the struct (in the core, beside the code it
//! configures) says which keys exist, their defaults, what each takes and
//! its doc. A script map becomes JSON (numbers checked finite, vectors as
//! arrays, core values such as an accelerator or a law as their serde
//! form) and serde reads the struct, with the path of a bad value kept
//! (`serde_path_to_error`), so an error names the function, the option
//! and what it takes: `training_memory: option tp must be a positive whole
//! number, got 0.5`.
//!
//! [`OPTION_SETS`] lists which function reads which struct: the function
//! reference prints each struct's table from it, the REPL completes option
//! keys from it, and the bad-input tests give each field bad values.

use rhai::{Array, Dynamic, Map, NativeCallContext};
use scaling_lab_core::input::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::args::{fail, ScriptResult};
use crate::diagnostic::similar;
use scaling_lab_core::input::{fields, Field};

/// How deep a map of options may nest (an accelerator inside the options
/// is two levels); deeper is refused before it is walked.
const MAX_DEPTH: usize = 16;

/// Read `map` as the options struct `T` of the function being called.
pub fn read<T: DeserializeOwned + JsonSchema + 'static>(
    ctx: &NativeCallContext,
    map: &Map,
) -> ScriptResult<T> {
    read_value(ctx, &Dynamic::from_map(map.clone()), "option")
}

/// Earlier names serde still accepts (`#[serde(alias)]`), which the
/// schema does not list: (alias, the option's name).
const ALIASES: &[(&str, &str)] = &[("layer_ratio", "aspect")];

/// Read any script value as `T` (a map of coefficients, an accelerator
/// spec); `what` names the value in errors ("option", "coefficient").
pub fn read_value<T: DeserializeOwned + JsonSchema + 'static>(
    ctx: &NativeCallContext,
    v: &Dynamic,
    what: &str,
) -> ScriptResult<T> {
    let json = to_json(v, "", 0).map_err(|e| fail(ctx, format!("{what} {e}")))?;
    let known = fields_of::<T>();
    // Structs that share fields through `#[serde(flatten)]` cannot ask
    // serde to refuse unknown keys, so keys are checked against the schema
    // here, for every struct alike.
    if let (Value::Object(m), false) = (&json, known.is_empty()) {
        let is_known = |k: &str| {
            let name = ALIASES.iter().find(|(a, _)| *a == k).map_or(k, |(_, n)| n);
            known.iter().any(|f| f.name == name)
        };
        if let Some(k) = m.keys().find(|k| !is_known(k)) {
            let msg = format!("unknown field `{k}`");
            return Err(fail(ctx, explain(what, k, &msg, &known)));
        }
    }
    serde_path_to_error::deserialize::<_, T>(json.clone()).map_err(|e| {
        let mut path = e.path().to_string();
        let msg = e.into_inner().to_string();
        if msg.starts_with("missing field ") {
            path = missing_from(&json, &path);
        } else if path == "." {
            path = culprit::<T>(&json, &msg).unwrap_or(path);
        }
        fail(ctx, explain(what, &path, &msg, &known))
    })
}

/// The key whose value gave `msg`, for errors serde reports without a
/// path (a field of a struct shared through `#[serde(flatten)]`): each key
/// alone is read again, and the one that fails the same way is named.
fn culprit<T: DeserializeOwned>(json: &Value, msg: &str) -> Option<String> {
    let Value::Object(m) = json else { return None };
    m.iter().find_map(|(k, v)| {
        let one = Value::Object(std::iter::once((k.clone(), v.clone())).collect());
        match serde_json::from_value::<T>(one) {
            Err(e) if e.to_string() == msg => Some(k.clone()),
            _ => None,
        }
    })
}

/// The map a missing field is missing from: serde_path_to_error reports
/// it under the last key read (`count` for `#{count: 2}` without
/// `hardware`), so trailing segments that name a value, not a map, are
/// dropped.
fn missing_from(json: &Value, path: &str) -> String {
    let segments: Vec<&str> = path.split('.').filter(|s| !s.is_empty()).collect();
    let mut here = json;
    for (i, seg) in segments.iter().enumerate() {
        match here.get(seg) {
            Some(next @ Value::Object(_)) => here = next,
            _ => return segments[..i].join("."),
        }
    }
    path.to_string()
}

/// The fields of `T`, worked out from its schema once per type.
pub fn fields_of<T: JsonSchema + 'static>() -> std::sync::Arc<Vec<Field>> {
    use std::any::TypeId;
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<HashMap<TypeId, Arc<Vec<Field>>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(f) = cache
        .lock()
        .ok()
        .and_then(|c| c.get(&TypeId::of::<T>()).cloned())
    {
        return f;
    }
    let f = Arc::new(fields::<T>());
    if let Ok(mut c) = cache.lock() {
        c.insert(TypeId::of::<T>(), f.clone());
    }
    f
}

/// A script value as JSON, refusing what options cannot hold.
fn to_json(v: &Dynamic, path: &str, depth: usize) -> Result<Value, String> {
    let here = || {
        if path.is_empty() {
            "value".to_string()
        } else {
            path.to_string()
        }
    };
    if depth > MAX_DEPTH {
        return Err(format!(
            "{} nests more than {MAX_DEPTH} levels deep",
            here()
        ));
    }
    if let Ok(x) = v.as_float() {
        return serde_json::Number::from_f64(x)
            .map(Value::Number)
            .ok_or_else(|| {
                format!(
                    "{} must be a finite number, got {}",
                    here(),
                    scaling_lab_core::error::format_value(x)
                )
            });
    }
    if let Ok(i) = v.as_int() {
        return Ok(Value::from(i));
    }
    if let Ok(b) = v.as_bool() {
        return Ok(Value::Bool(b));
    }
    if v.is_string() || v.is_char() {
        return Ok(Value::String(v.to_string()));
    }
    if v.is_unit() {
        return Ok(Value::Null);
    }
    if let Some(m) = v.read_lock::<Map>() {
        let mut out = serde_json::Map::with_capacity(m.len());
        for (k, x) in m.iter() {
            let p = if path.is_empty() {
                k.to_string()
            } else {
                format!("{path}.{k}")
            };
            out.insert(k.to_string(), to_json(x, &p, depth + 1)?);
        }
        return Ok(Value::Object(out));
    }
    if let Some(a) = v.read_lock::<Array>() {
        return a
            .iter()
            .enumerate()
            .map(|(i, x)| to_json(x, &format!("{}[{i}]", here()), depth + 1))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array);
    }
    if let Some(x) = v.read_lock::<scaling_lab_core::Vector>() {
        return x
            .iter()
            .map(|f| serde_json::Number::from_f64(*f).map(Value::Number))
            .collect::<Option<Vec<_>>>()
            .map(Value::Array)
            .ok_or_else(|| format!("{} must hold finite numbers", here()));
    }
    macro_rules! as_data {
        ($($t:ty),*) => {$(
            if let Some(x) = v.read_lock::<$t>() {
                return serde_json::to_value(&*x).map_err(|e| format!("{}: {e}", here()));
            }
        )*};
    }
    as_data!(
        scaling_lab_core::Law,
        scaling_lab_core::transformer::Transformer,
        scaling_lab_core::hardware::Accelerator
    );
    Err(format!(
        "{} cannot be a {} ({})",
        here(),
        crate::value::type_name(v),
        crate::args::shown(v)
    ))
}

/// A serde message about the value at `path`, as this project words it.
fn explain(what: &str, path: &str, msg: &str, known: &[Field]) -> String {
    let quoted = |s: &str| -> Vec<String> {
        s.split('`')
            .enumerate()
            .filter(|(i, _)| i % 2 == 1)
            .map(|(_, x)| x.to_string())
            .collect()
    };
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let q = quoted(rest);
        let name = q.first().cloned().unwrap_or_default();
        let top = path.rsplit_once('.').map_or("", |(p, _)| p);
        let full = if top.is_empty() {
            name.clone()
        } else {
            format!("{top}.{name}")
        };
        let names: Vec<String> = if top.is_empty() && !known.is_empty() {
            known.iter().map(|f| f.name.clone()).collect()
        } else {
            q.iter().skip(1).cloned().collect()
        };
        let near = similar(&name, names.iter().map(String::as_str));
        return match near.as_slice() {
            [] => format!("unknown {what} '{full}'; known: {}", names.join(", ")),
            [one] => format!("unknown {what} '{full}'; did you mean {one}?"),
            many => format!(
                "unknown {what} '{full}'; did you mean one of {}?",
                many.join(", ")
            ),
        };
    }
    if let Some(rest) = msg.strip_prefix("missing field ") {
        let q = quoted(rest);
        let name = q.first().cloned().unwrap_or_default();
        let full = if path.is_empty() || path == "." {
            name
        } else {
            format!("{path}.{name}")
        };
        return format!("{what} {full} is required");
    }
    if let Some(rest) = msg.strip_prefix("unknown variant ") {
        let q = quoted(rest);
        let got = q.first().cloned().unwrap_or_default();
        let choices: Vec<&str> = q.iter().skip(1).map(String::as_str).collect();
        let near = similar(&got, choices.iter().copied());
        let hint = match near.as_slice() {
            [one] => format!("; did you mean \"{one}\"?"),
            _ => String::new(),
        };
        // The schema lists the canonical names; serde lists aliases too.
        let listed = known
            .iter()
            .find(|f| f.name == path && f.takes.contains('"'))
            .map(|f| f.takes.replace(" | ", ", "))
            .unwrap_or_else(|| {
                let q: Vec<String> = choices.iter().map(|c| format!("\"{c}\"")).collect();
                q.join(", ")
            });
        return format!("{what} {path} must be one of {listed}, got \"{got}\"{hint}");
    }
    for prefix in ["invalid type: ", "invalid value: ", "invalid length "] {
        if let Some(rest) = msg.strip_prefix(prefix) {
            if let Some((got, expected)) = rest.rsplit_once(", expected ") {
                return format!("{what} {path} must be {expected}, got {}", plain(got));
            }
        }
    }
    format!("{what} {path}: {msg}")
}

/// serde's description of a value as a script shows it: `floating point
/// `0.5`` as `0.5`, `string "x"` as `"x"`.
fn plain(got: &str) -> String {
    for kind in ["floating point ", "integer ", "boolean ", "character "] {
        if let Some(v) = got.strip_prefix(kind) {
            let v = v.trim_matches('`');
            return match v.parse::<f64>() {
                Ok(x) if kind != "boolean " => scaling_lab_core::error::format_value(x),
                _ => v.to_string(),
            };
        }
    }
    if let Some(v) = got.strip_prefix("string ") {
        return v.to_string();
    }
    match got {
        "sequence" => "an array".into(),
        "map" => "a map".into(),
        "unit value" => "()".into(),
        other => other.to_string(),
    }
}

/// Which function reads which options struct. The function reference,
/// REPL completion and the bad-input tests read this list; a test checks
/// that every registered function taking a map is in it.
pub struct OptionSet {
    /// The function (or method) as scripts call it.
    pub function: &'static str,
    /// The position of the map among its arguments (0-based, receiver first).
    pub position: usize,
    /// The options, from the struct.
    pub fields: fn() -> Vec<Field>,
}

macro_rules! option_sets {
    ($(($function:literal, $position:literal, $t:ty)),* $(,)?) => {
        /// Every options struct a registered function reads.
        pub const OPTION_SETS: &[OptionSet] = &[$(
            OptionSet { function: $function, position: $position, fields: fields::<$t> },
        )*];
    };
}

option_sets!(
    (
        "training_memory",
        1,
        scaling_lab_core::memory::TrainingOptions
    ),
    ("kv_cache", 1, scaling_lab_core::serving::KvCacheOptions),
    ("serving", 1, scaling_lab_core::serving::ServingOptions),
    ("law", 0, scaling_lab_core::laws::Parametric),
    ("law", 1, scaling_lab_core::laws::moe::MoeOptions),
    (
        "optimal",
        2,
        scaling_lab_core::laws::fitted::IntervalOptions
    ),
    (
        "predict",
        3,
        scaling_lab_core::laws::fitted::IntervalOptions
    ),
    (
        "tokens_per_param",
        2,
        scaling_lab_core::laws::fitted::IntervalOptions
    ),
    (
        "compare_laws",
        2,
        scaling_lab_core::laws::fitted::IntervalOptions
    ),
    (
        "kaplan_loss_steps",
        1,
        scaling_lab_core::laws::kaplan_training::StepsOptions
    ),
    (
        "inference_optimal",
        1,
        scaling_lab_core::laws::InferenceOptions
    ),
    ("fit_law", 1, scaling_lab_core::fit::FitLawOptions),
    ("fit_isoflop", 1, scaling_lab_core::fit::RunColumns),
    ("plot_fit", 2, scaling_lab_core::fit::FitLawOptions),
    ("plot_extrapolation", 3, scaling_lab_core::fit::RunColumns),
    ("simulate_runs", 1, scaling_lab_core::fit::SimulateOptions),
    ("sort", 2, scaling_lab_core::table::SortOptions),
    ("sample", 2, scaling_lab_core::random::SampleOptions),
    (
        "arch_sweep",
        0,
        scaling_lab_core::architecture::SweepOptions
    ),
    (
        "transformer",
        0,
        scaling_lab_core::transformer::ShapeOptions
    ),
    (
        "shape_search",
        1,
        scaling_lab_core::architecture::ShapeSearchOptions
    ),
    (
        "train_cost",
        0,
        scaling_lab_core::hardware::TrainCostOptions
    ),
    (
        "optimal_for_budget",
        1,
        scaling_lab_core::hardware::BudgetOptions
    ),
    ("mfu", 1, scaling_lab_core::hardware::MfuOptions),
    ("hardware", 0, scaling_lab_core::hardware::AcceleratorSpec),
    (
        "critical_batch_size",
        1,
        scaling_lab_core::laws::hyper::CriticalBatchOptions
    ),
    ("hardware", 1, scaling_lab_core::hardware::AcceleratorSpec),
    (
        "training_step",
        1,
        scaling_lab_core::performance::StepOptions
    ),
    (
        "plan_training",
        1,
        scaling_lab_core::performance::PlanOptions
    ),
    (
        "calibrate",
        1,
        scaling_lab_core::performance::calibrate::CalibrateOptions
    ),
    ("chart", 0, scaling_lab_core::plot::options::ChartOptions),
    ("set", 1, scaling_lab_core::plot::options::ChartOptions),
    ("line", 3, scaling_lab_core::plot::options::SeriesOptions),
    ("scatter", 3, scaling_lab_core::plot::options::SeriesOptions),
    (
        "errorbar",
        4,
        scaling_lab_core::plot::options::SeriesOptions
    ),
    ("band", 4, scaling_lab_core::plot::options::BandOptions),
    (
        "marker",
        4,
        scaling_lab_core::plot::options::AnnotationOptions
    ),
    (
        "text",
        4,
        scaling_lab_core::plot::options::AnnotationOptions
    ),
    ("hline", 2, scaling_lab_core::plot::options::RefLineOptions),
    ("vline", 2, scaling_lab_core::plot::options::RefLineOptions),
    ("figure", 0, scaling_lab_core::plot::options::FigureOptions),
    (
        "plot_loss_vs_params",
        1,
        scaling_lab_core::plot::options::LossVsParamsOptions
    ),
    (
        "plot_loss_vs_tokens",
        1,
        scaling_lab_core::plot::options::LossVsTokensOptions
    ),
    (
        "plot_frontier",
        1,
        scaling_lab_core::plot::options::FrontierOptions
    ),
    (
        "plot_loss_landscape",
        1,
        scaling_lab_core::plot::options::LandscapeOptions
    ),
);

/// The options `function` takes as its argument at `position`.
pub fn of(function: &str, position: usize) -> Option<&'static OptionSet> {
    OPTION_SETS
        .iter()
        .find(|s| s.function == function && s.position == position)
}

/// Every options map `function` takes, in any position.
pub fn all_of(function: &str) -> impl Iterator<Item = &'static OptionSet> + '_ {
    OPTION_SETS.iter().filter(move |s| s.function == function)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_read_as_this_projects_errors() {
        assert_eq!(
            explain(
                "option",
                "tp",
                "invalid value: floating point `0.5`, expected a positive whole number",
                &[]
            ),
            "option tp must be a positive whole number, got 0.5"
        );
        assert_eq!(
            explain(
                "option",
                "zero",
                "invalid type: string \"x\", expected a ZeRO stage from 0 to 3",
                &[]
            ),
            "option zero must be a ZeRO stage from 0 to 3, got \"x\""
        );
        assert_eq!(
            explain("option", "recompute", "unknown variant `ful`, expected one of `none`, `selective`, `full`", &[]),
            "option recompute must be one of \"none\", \"selective\", \"full\", got \"ful\"; did you mean \"full\"?"
        );
        assert_eq!(
            explain(
                "option",
                "gpu",
                "unknown field `gpu`, expected one of `gpus`, `tp`",
                &[]
            ),
            "unknown option 'gpu'; did you mean gpus?"
        );
        assert_eq!(
            explain("option", ".", "missing field `tokens`", &[]),
            "option tokens is required"
        );
        let json = serde_json::json!({"count": 2, "cluster": {"gpus": 8}});
        assert_eq!(missing_from(&json, "count"), "");
        assert_eq!(missing_from(&json, "cluster.gpus"), "cluster");
        assert_eq!(missing_from(&json, "cluster"), "cluster");
    }
}
