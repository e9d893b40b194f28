//! The bad-input matrix, generated from the engine's own metadata and the
//! options structs: every registered function starts from a baseline call
//! that must succeed (with every required option given), then each
//! positional argument and each field of each options map is replaced in
//! turn by a bad value (zero, negative, tiny, huge, infinite, NaN, empty, a
//! NaN inside an array, a string, unit, a fraction, an absurd size). Every
//! call must finish without a panic, and give either a value with no NaN
//! or infinity in it or an error that names the function. The counts print
//! with `cargo test -p scaling-lab-script --test it bad_input -- --nocapture`.

use std::collections::BTreeMap;

use rhai::{Array, Dynamic, Map};
use scaling_lab_core::{Mask, Table, Vector};
use scaling_lab_script::options::of as options_of;
use scaling_lab_script::{EngineConfig, Interpreter, Limits};

/// Bad values for positional arguments and option fields.
const BAD: [&str; 13] = [
    "0", "-1", "1e-300", "1e308", "INF", "NAN", "[]", "[NAN]", "\"x\"", "()", "1e12", "0.5", "#{}",
];

/// One registered function or overload.
struct Signature {
    name: String,
    params: Vec<(String, String)>,
}

fn signatures() -> Vec<Signature> {
    let mut engine = rhai::Engine::new_raw();
    engine.register_global_module(scaling_lab_script::package());
    let json: serde_json::Value =
        serde_json::from_str(&engine.gen_fn_metadata_to_json(false).unwrap()).unwrap();
    json["functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| Signature {
            name: f["name"].as_str().unwrap().to_string(),
            params: f["params"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .map(|p| {
                            (
                                p["name"].as_str().unwrap_or("_").to_string(),
                                p["type"].as_str().unwrap_or("").to_string(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect()
}

/// A valid argument for a positional parameter, from the function, the
/// parameter's name and type, and how many parameters the form has. The
/// values named in capitals are the session's (see [`SETUP`]).
fn positional(function: &str, param: &str, ty: &str, arity: usize) -> String {
    let ty = ty.trim_start_matches("&mut ").trim_start_matches('&');
    let ty = ty.rsplit("::").next().unwrap_or(ty).trim();
    // Values by type first: a receiver is its type whatever the function.
    let by_type = match ty {
        "Law" if function == "get$fit" || function == "get$samples" => Some("LF"),
        // loss(N, D, U) and optimal(C, U): the law with a term for repeats.
        "Law" if matches!(function, "loss" | "optimal") && arity >= 3 => Some("LDC"),
        "Law" => Some("L"),
        "Table" => Some("T"),
        "Chart" => Some("CH"),
        "Figure" => Some("FG"),
        "Transformer" | "Model" => Some("MD"),
        "vector" | "Vector" => Some("V"),
        // A mask picks rows of a table as long as it.
        "mask" | "Mask" if function == "filter" => None,
        "mask" | "Mask" => Some("M"),
        _ => None,
    };
    if let Some(v) = by_type {
        return v.into();
    }
    let by_use = match (function, param) {
        ("law", "name") => "\"krajewski2024\"",
        ("hardware", "name") => "\"H100\"",
        ("transformer", "name") => "\"llama2-7b\"",
        ("fmt", "spec") => "\".2f\"",
        ("fmt_bytes", "unit") => "\"GiB\"",
        ("save_csv", "path") => "\"out.csv\"",
        ("save_json", "path") => "\"out.json\"",
        ("save", "path") => "\"out.png\"",
        ("read_csv", "path") => "RUNS",
        ("parse_si", _) => "\"70B\"",
        ("set_format", "format") => "\"si\"",
        ("closest_to" | "sort" | "drop" | "set_format", "column" | "name") => "\"N\"",
        ("add_column" | "index$set$", "name") => "\"N\"",
        ("add_column" | "index$set$", "values" | "value") => "T[\"N\"]",
        ("select", "names") | ("drop", "columns") => "[\"N\"]",
        ("take", "rows") => "[0, 1]",
        ("clip", "x") => "V",
        ("filter", "mask" | "m" | "rows") => "T[\"N\"] > 1e8",
        ("filter", "f" | "keep") => "|row| row.N > 1e8",
        ("map" | "sum" | "mean" | "min" | "max", "column" | "name") => "\"N\"",

        ("index$get$", "name") if arity == 2 => "\"N\"",
        ("index$get$" | "index$set$", "index" | "i" | "idx") => "0",
        ("flops_per_token", "convention") => "\"palm\"",
        ("find_optimal_allocation", "law" | "name" | "rule") => "\"chinchilla\"",
        ("rename", _) => "#{N: \"params\"}",
        ("quantile", "q") => "0.5",
        ("rand" | "randn" | "sample" | "bootstrap", "n") => "3",
        ("figure_formats", _) => "[\"png\", \"svg\"]",
        ("compare_laws", "laws") => "[\"chinchilla\", L]",
        ("contour" | "contourf", "zs") => "[[0, 1], [1, 2]]",
        ("contour" | "contourf", "xs" | "ys") => "[1, 2]",
        ("compute_for_loss" | "data_from_loss" | "size_from_loss" | "cost_from_loss", _) => "2.5",
        ("concat", "parts") => "[V, V]",
        ("table", "data") => "[#{a: 1, b: 2}]",
        ("table", "names") => "[\"a\"]",
        ("table", "columns") => "[[1, 2]]",
        ("save_csv" | "to_csv" | "save_json" | "to_json" | "to_html", "value" | "v" | "x") => "T",
        ("calibrate", "runs") => {
            "[#{model: \"llama3-8b\", hardware: \"H100\", gpus: 8, global_batch: 8, seq_len: 2048, step_seconds: 1}]"
        }
        ("perf_model" | "serving_model", "name") => "\"A100\"",
        (_, "model") => "\"llama3-8b\"",
        (_, "u" | "U") => "1e12",
        _ => "",
    };
    if !by_use.is_empty() {
        return by_use.into();
    }
    match ty {
        "array" | "Array" => "[1, 2, 3]".into(),
        "map" | "Map" => "#{}".into(),
        "int" | "i64" | "INT" => "2".into(),
        "float" | "f64" | "FLOAT" => "2.5".into(),
        "bool" => "true".into(),
        "Fn" | "FnPtr" => "|x| x".into(),
        "str" | "ImmutableString" | "String" | "string" => "\"x\"".into(),
        _ => match param {
            "N" | "n" | "x" => "1e9".into(),
            "D" | "d" => "2e10".into(),
            "C" | "c" | "flops" | "c_max" => "1e21".into(),
            "loss" => "2.5".into(),
            "num" | "count" | "levels" => "5".into(),
            "xs" | "ys" | "values" | "parts" | "lower" | "upper" | "yerr" => "[1, 2, 3]".into(),
            _ => "2".into(),
        },
    }
}

/// A valid index for `receiver[index]`, by the two types.
fn index_arg(receiver: &str, index: &str) -> String {
    let short = |t: &str| {
        let t = t.trim_start_matches("&mut ").trim_start_matches('&');
        t.rsplit("::").next().unwrap_or(t).trim().to_string()
    };
    match (short(receiver).as_str(), short(index).as_str()) {
        ("Table", "Mask" | "mask") => "T[\"N\"] > 1e8".into(),
        ("Table", "str" | "ImmutableString" | "String") => "\"N\"".into(),
        ("Transformer" | "Model", _) => "\"total\"".into(),
        (_, "Array" | "array") => "[0, 1]".into(),
        (_, "Mask" | "mask") => "M".into(),
        (_, "str" | "ImmutableString" | "String") => "\"N\"".into(),
        _ => "0".into(),
    }
}

/// The options a baseline call gives: every required option, and the
/// choices a function needs to do anything (a cluster, the work).
fn baseline_options(function: &str, position: usize) -> BTreeMap<&'static str, &'static str> {
    let pairs: &[(&str, &str)] = match (function, position) {
        ("serving", _) => &[("hardware", "\"H100\"")],
        ("mfu", _) => &[("tokens_per_second", "1e4"), ("hardware", "\"H100\"")],
        ("train_cost", _) => &[("flops", "1e21"), ("hardware", "\"H100\""), ("mfu", "0.4")],
        ("optimal_for_budget", _) => &[
            ("usd", "1e5"),
            ("hardware", "\"H100\""),
            ("mfu", "0.4"),
            ("usd_per_hour", "2"),
        ],
        ("inference_optimal", _) => &[("loss", "2.5"), ("inference_tokens", "1e12")],
        ("training_step" | "plan_training", _) => &[
            ("hardware", "\"H100\""),
            ("gpus", "8"),
            ("global_batch", "8"),
            ("seq_len", "2048"),
        ],
        ("calibrate", _) => &[("fit", "[\"matmul_efficiency\"]")],
        ("hardware", 0) => &[
            ("name", "\"X\""),
            ("memory", "80e9"),
            ("bandwidth", "3e12"),
            ("bf16", "1e15"),
        ],
        ("kaplan_loss_steps", _) => &[("steps", "1e4"), ("batch", "1e6")],
        ("law", 0) => &[
            ("E", "1.69"),
            ("A", "406.4"),
            ("B", "410.7"),
            ("alpha", "0.34"),
            ("beta", "0.28"),
        ],
        ("transformer", 0) => &[("d_model", "512"), ("n_layer", "4"), ("n_heads", "8")],
        ("fit_law" | "plot_fit", _) => &[(
            "grid",
            "#{a: [5.0], b: [5.0], e: [0.5], alpha: [0.5], beta: [0.5]}",
        )],
        _ => &[],
    };
    pairs.iter().copied().collect()
}

fn map_literal(m: &BTreeMap<&str, String>) -> String {
    let body: Vec<String> = m.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    format!("#{{{}}}", body.join(", "))
}

/// A call of `name` with `args`, as script text (operators as operators).
fn call(name: &str, args: &[String]) -> Option<String> {
    match (name, args) {
        ("index$get$", [a, b]) => Some(format!("{a}[{b}]")),
        ("index$set$", [a, b, c]) => Some(format!("{{ let tmp = {a}; tmp[{b}] = {c}; tmp }}")),
        (n, [a]) if n.starts_with("get$") => Some(format!("({a}).{}", &n[4..])),
        (n, _) if n.contains('$') => None,
        (n, [a, b]) if !n.starts_with(|c: char| c.is_alphanumeric() || c == '_') => {
            if n.ends_with('=') && n != "==" && n != "!=" && n != "<=" && n != ">=" {
                Some(format!("{{ let tmp = {a}; tmp {n} {b}; tmp }}"))
            } else {
                Some(format!("({a}) {n} ({b})"))
            }
        }
        (n, [a]) if !n.starts_with(|c: char| c.is_alphanumeric() || c == '_') => {
            Some(format!("{n}({a})"))
        }
        (n, args) => Some(format!("{n}({})", args.join(", "))),
    }
}

/// The first NaN or infinity anywhere inside a value.
fn non_finite(v: &Dynamic) -> bool {
    if let Ok(x) = v.as_float() {
        return !x.is_finite();
    }
    if let Some(x) = v.read_lock::<Vector>() {
        return x.iter().any(|x| !x.is_finite());
    }
    if let Some(a) = v.read_lock::<Array>() {
        return a.iter().any(non_finite);
    }
    if let Some(m) = v.read_lock::<Map>() {
        return m.values().any(non_finite);
    }
    if let Some(t) = v.read_lock::<Table>() {
        return t.columns().iter().any(|c| match c {
            scaling_lab_core::table::Column::Num(v) => v.iter().any(|x| !x.is_finite()),
            scaling_lab_core::table::Column::Text(_) => false,
        });
    }
    let _ = v.read_lock::<Mask>();
    false
}

#[derive(Default, Debug)]
struct Counts {
    baselines: usize,
    failed_baselines: Vec<String>,
    calls: usize,
    option_calls: usize,
    values: usize,
    clear_errors: usize,
    vague_errors: Vec<String>,
    panics: Vec<String>,
    silent_non_finite: Vec<String>,
    passed_through: usize,
    /// Fractions given where a whole count is meant, and accepted.
    fractional_counts: Vec<String>,
}

/// List operations keep what they are given: a NaN the host put into an
/// array comes back out of `[NAN] += 2` unchanged. Scripts cannot make NaN
/// themselves (every operation that would is an error), so this is the
/// host's value passing through a container, not one a function produced.
const CONTAINERS: &[&str] = &["+=", "push", "+", "append", "insert", "map", "index$get$"];

/// Functions whose output is the input itself, for any input: they have
/// no baseline that could fail and no domain to break (printing, type
/// tests, the identity of a list).
const ANY_INPUT: &[&str] = &[
    "print",
    "debug",
    "to_string",
    "to_debug",
    "display",
    "eprint",
    "type_of",
];

/// The values calls use, made once; each call works on copies of them
/// (`let T = T0;`), so a call that changes its receiver leaves the next
/// call's baseline as it was.
const SETUP: &str = r#"
    let L0 = law("chinchilla");
    let LDC0 = law("data_constrained");
    let T0 = simulate_runs(L0, #{budgets: [1e19, 1e20, 1e21], per_budget: 5, seed: 1});
    let LF0 = fit_law(T0, #{bootstrap: 4, grid: #{a: [5.0], b: [5.0], e: [0.5], alpha: [0.5], beta: [0.5]}});
    let CH0 = plot([1, 2], [3, 4]);
    let FG0 = figure(#{rows: 1, cols: 2}); FG0.add(plot([1, 2], [3, 4]));
    let V0 = vector([1.5, 2.5, 3.5]);
    let M0 = V0 > 2;
    let MD0 = transformer("llama3-8b");
"#;

/// A call run on fresh copies of the session's values.
fn fresh(code: &str) -> String {
    format!(
        "{{ let L = L0; let LDC = LDC0; let T = T0; let LF = LF0; let CH = CH0; let FG = FG0; \
         let V = V0; let M = M0; let MD = MD0; {code} }}"
    )
}

fn session(dir: &std::path::Path) -> Interpreter {
    let config = EngineConfig {
        limits: Limits {
            max_operations: 3_000_000,
            ..Limits::default()
        },
        out_dir: Some(dir.join("out")),
        read_dirs: vec![dir.to_path_buf()],
        output: Some(scaling_lab_script::state::OutputSink::new(|_| {})),
        ..EngineConfig::default()
    };
    let mut s = Interpreter::with_config(config, true);
    s.set_variable("NAN", Dynamic::from_float(f64::NAN));
    s.set_variable("INF", Dynamic::from_float(f64::INFINITY));
    // An absolute path: tests share one process, so none may change its folder.
    let runs = dir.join("runs.csv").display().to_string();
    s.set_variable("RUNS", Dynamic::from(runs));
    s.run(SETUP).unwrap();
    s
}

/// Does the error message say which function (or operator) failed?
fn names_function(msg: &str, name: &str) -> bool {
    let shown = match name {
        "index$get$" | "index$set$" => return msg.contains("index") || msg.contains("[ ]"),
        n if n.starts_with("get$") => &n[4..],
        n => n,
    };
    // A compound assignment `x /= y` may fail as the `/` it expands to.
    let base = shown
        .strip_suffix('=')
        .filter(|b| !b.is_empty() && !b.ends_with(['=', '!', '<', '>']));
    msg.contains(shown) || base.is_some_and(|b| msg.contains(b))
}

fn is_vague(msg: &str) -> bool {
    [
        "index$",
        "get$",
        "set$",
        "scaling_lab_core::",
        "rhai::",
        "Dynamic",
    ]
    .iter()
    .any(|w| msg.contains(w))
}

/// Run one mutated call and count how it ended.
fn judge(
    s: &mut Interpreter,
    dir: &std::path::Path,
    sig: &Signature,
    code: &str,
    bad: &str,
    c: &mut Counts,
) {
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| s.run(&fresh(code))));
    match r {
        Err(_) => {
            c.panics.push(code.to_string());
            *s = session(dir);
        }
        Ok(Ok(out)) => {
            if non_finite(&out.value) {
                if bad == "[NAN]" && CONTAINERS.contains(&sig.name.as_str()) {
                    c.passed_through += 1;
                } else {
                    c.silent_non_finite.push(code.to_string());
                }
            } else {
                c.values += 1;
            }
        }
        Ok(Err(e)) => {
            if is_vague(&e.message) || !names_function(&e.message, &sig.name) {
                c.vague_errors.push(format!("{code}: {}", e.message));
            } else {
                c.clear_errors += 1;
            }
        }
    }
}

#[test]
fn every_function_and_option_survives_every_bad_value() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("out")).unwrap();
    std::fs::write(
        dir.path().join("runs.csv"),
        "N,D,loss\n1e9,2e10,2.5\n2e9,4e10,2.4\n",
    )
    .unwrap();
    let mut counts = Counts::default();
    let sigs = signatures();
    let mut s = session(dir.path());
    for sig in &sigs {
        if ANY_INPUT.contains(&sig.name.as_str()) {
            continue;
        }
        // The baseline: positional arguments, and each options map with
        // what the function needs.
        let mut maps: BTreeMap<usize, BTreeMap<&str, String>> = BTreeMap::new();
        let base: Vec<String> = sig
            .params
            .iter()
            .enumerate()
            .map(|(i, (p, t))| match options_of(&sig.name, i) {
                _ if sig.name.starts_with("index$") && i == 1 => index_arg(&sig.params[0].1, t),
                Some(_) if matches!(t.trim(), "Map" | "rhai::Map") => {
                    let m: BTreeMap<&str, String> = baseline_options(&sig.name, i)
                        .into_iter()
                        .map(|(k, v)| (k, v.to_string()))
                        .collect();
                    let lit = map_literal(&m);
                    maps.insert(i, m);
                    lit
                }
                // optimal(C, #{level}) asks for the intervals only a
                // bootstrapped law has.
                _ if sig.name == "optimal"
                    && i == 0
                    && sig
                        .params
                        .last()
                        .is_some_and(|(_, t)| t.trim().ends_with("Map")) =>
                {
                    "LF".into()
                }
                _ => positional(&sig.name, p, t, sig.params.len()),
            })
            .collect();
        let Some(code) = call(&sig.name, &base) else {
            continue;
        };
        counts.baselines += 1;
        match s.run(&fresh(&code)) {
            Ok(out) if !non_finite(&out.value) => {}
            Ok(_) => counts
                .failed_baselines
                .push(format!("{code}: a NaN or infinity")),
            Err(e) => counts
                .failed_baselines
                .push(format!("{code}: {}", e.message)),
        }
        // Each positional argument, each bad value.
        for i in 0..sig.params.len() {
            for bad in BAD {
                let mut args = base.clone();
                args[i] = bad.to_string();
                let Some(code) = call(&sig.name, &args) else {
                    continue;
                };
                counts.calls += 1;
                judge(&mut s, dir.path(), sig, &code, bad, &mut counts);
            }
        }
        // Each field of each options map, each bad value.
        for (&i, base_map) in &maps {
            let fields = (options_of(&sig.name, i).unwrap().fields)();
            for f in &fields {
                for bad in BAD {
                    let mut m = base_map.clone();
                    let name: &str = Box::leak(f.name.clone().into_boxed_str());
                    m.insert(name, bad.to_string());
                    let mut args = base.clone();
                    args[i] = map_literal(&m);
                    let Some(code) = call(&sig.name, &args) else {
                        continue;
                    };
                    counts.calls += 1;
                    counts.option_calls += 1;
                    let values = counts.values;
                    judge(&mut s, dir.path(), sig, &code, bad, &mut counts);
                    let whole = f.takes.contains("whole number") || f.takes.contains("ZeRO stage");
                    if bad == "0.5" && whole && counts.values > values {
                        counts.fractional_counts.push(code.clone());
                    }
                }
            }
        }
    }
    println!(
        "\nbad-input matrix over {} signatures: {} baselines ({} failed), {} calls ({} on option fields), {} values (all finite), {} host NaNs passed through a list, {} clear errors, {} vague errors, {} panics, {} silent NaN/inf",
        sigs.len(),
        counts.baselines,
        counts.failed_baselines.len(),
        counts.calls,
        counts.option_calls,
        counts.values,
        counts.passed_through,
        counts.clear_errors,
        counts.vague_errors.len(),
        counts.panics.len(),
        counts.silent_non_finite.len()
    );
    let show = |v: &Vec<String>| v.iter().take(200).cloned().collect::<Vec<_>>().join("\n  ");
    assert!(
        counts.failed_baselines.is_empty(),
        "baselines that fail (every mutation of them would test nothing):\n  {}",
        show(&counts.failed_baselines)
    );
    assert!(
        counts.panics.is_empty(),
        "panics:\n  {}",
        show(&counts.panics)
    );
    assert!(
        counts.vague_errors.is_empty(),
        "vague errors:\n  {}",
        show(&counts.vague_errors)
    );
    assert!(
        counts.silent_non_finite.is_empty(),
        "silent NaN/inf:\n  {}",
        show(&counts.silent_non_finite)
    );
    assert!(
        counts.fractional_counts.is_empty(),
        "fractions accepted as whole counts:\n  {}",
        show(&counts.fractional_counts)
    );
    assert!(counts.baselines > 400, "{} baselines", counts.baselines);
    assert!(
        counts.option_calls > 2500,
        "{} option calls",
        counts.option_calls
    );
}
