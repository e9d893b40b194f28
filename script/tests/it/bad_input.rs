//! The bad-input matrix, generated from the engine's own metadata: every
//! registered function, every argument, each replaced in turn by a bad
//! value (zero, negative, tiny, huge, infinite, NaN, empty, a NaN inside an
//! array, a string, unit, an absurd size). Every call must finish in under
//! two seconds without a panic, and give either a value with no NaN or
//! infinity in it or an error that names the function. The counts print
//! with `cargo test --test bad_input -- --nocapture`.

use std::time::{Duration, Instant};

use rhai::{Array, Dynamic, Map};
use scaling_lab_core::{Mask, Table, Vector};
use scaling_lab_script::Interpreter;
use scaling_lab_script::{EngineConfig, Limits, DOMAINS};

const BAD: [&str; 11] = [
    "0", "-1", "1e-300", "1e308", "INF", "NAN", "[]", "[NAN]", "\"x\"", "()", "1e12",
];

/// One registered function or overload.
struct Signature {
    name: String,
    params: Vec<(String, String)>,
}

fn signatures() -> Vec<Signature> {
    let mut out = Vec::new();
    for d in DOMAINS {
        let mut engine = rhai::Engine::new_raw();
        engine.register_global_module((d.module)().into());
        let json: serde_json::Value =
            serde_json::from_str(&engine.gen_fn_metadata_to_json(false).unwrap()).unwrap();
        for f in json["functions"].as_array().unwrap() {
            let name = f["name"].as_str().unwrap().to_string();
            let params = f["params"]
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
                .unwrap_or_default();
            out.push(Signature { name, params });
        }
    }
    out
}

/// A valid argument for a parameter, from its type and name.
fn baseline(function: &str, param: &str, ty: &str) -> String {
    let ty = ty.trim_start_matches("&mut ").trim_start_matches('&');
    let ty = ty.rsplit("::").next().unwrap_or(ty);
    match (function, param) {
        ("fit_law", "options") => {
            return "#{grid: #{a: [5.0], b: [5.0], e: [0.5], alpha: [0.5], beta: [0.5]}}".into()
        }
        ("law", "name") => return "\"chinchilla\"".into(),
        ("hardware", "name") => return "\"H100\"".into(),
        ("transformer", "name") => return "\"llama2-7b\"".into(),
        ("fmt", "spec") => return "\".2f\"".into(),
        ("save_csv", "path") => return "\"out.csv\"".into(),
        ("save_json", "path") => return "\"out.json\"".into(),
        ("save", "path") => return "\"out.png\"".into(),
        ("read_csv", "path") => return "\"runs.csv\"".into(),
        ("parse_si", _) => return "\"70B\"".into(),
        ("set_format", "format") => return "\"si\"".into(),
        ("closest_to", "column") => return "\"N\"".into(),
        _ => {}
    }
    match ty {
        "Law" => "L".into(),
        "Table" => "T".into(),
        "Chart" => "CH".into(),
        "Figure" => "FG".into(),
        "vector" | "Vector" => "V".into(),
        "mask" | "Mask" => "M".into(),
        "array" | "Array" => "[1e9, 2e9, 3e9]".into(),
        "map" | "Map" => "#{}".into(),
        "int" | "i64" | "INT" => "2".into(),
        "float" | "f64" | "FLOAT" => "2.5".into(),
        "bool" => "true".into(),
        "Fn" | "FnPtr" => "|x| x".into(),
        "str" | "ImmutableString" | "String" | "string" => match param {
            "name" | "column" => "\"N\"".into(),
            _ => "\"x\"".into(),
        },
        _ => match param {
            "N" | "n" | "x" => "1e9".into(),
            "D" | "d" => "2e10".into(),
            "C" | "c" | "flops" => "1e21".into(),
            "loss" => "2.5".into(),
            "num" | "count" | "levels" => "5".into(),
            "q" => "0.5".into(),
            "xs" | "ys" | "values" | "parts" => "[1, 2, 3]".into(),
            _ => "2".into(),
        },
    }
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
    calls: usize,
    values: usize,
    clear_errors: usize,
    vague_errors: Vec<String>,
    panics: Vec<String>,
    hangs: Vec<String>,
    silent_non_finite: Vec<String>,
    passed_through: usize,
}

/// List operations keep what they are given: a NaN the host put into an
/// array comes back out of `[NAN] += 2` unchanged. Scripts cannot make NaN
/// themselves (every operation that would is an error), so this is the
/// host's value passing through a container, not one a function produced.
const CONTAINERS: &[&str] = &["+=", "push", "+", "append", "insert", "map"];

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
    s.run(
        r#"let L = law("chinchilla");
           let T = simulate_runs(L, #{budgets: [1e19, 1e20], per_budget: 5, seed: 1});
           let CH = plot([1, 2], [3, 4]);
           let FG = figure(); FG.add(plot([1, 2], [3, 4]));
           let V = vector([1e9, 2e9, 3e9]);
           let M = V > 1.5e9;"#,
    )
    .unwrap();
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

#[test]
fn every_function_survives_every_bad_argument() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("out")).unwrap();
    std::fs::write(
        dir.path().join("runs.csv"),
        "N,D,loss\n1e9,2e10,2.5\n2e9,4e10,2.4\n",
    )
    .unwrap();
    std::env::set_current_dir(dir.path()).unwrap();
    let mut counts = Counts::default();
    let sigs = signatures();
    for sig in &sigs {
        if matches!(
            sig.name.as_str(),
            "print" | "debug" | "to_string" | "to_debug"
        ) {
            continue;
        }
        let base: Vec<String> = sig
            .params
            .iter()
            .map(|(p, t)| baseline(&sig.name, p, t))
            .collect();
        let mut s = session(dir.path());
        for i in 0..sig.params.len() {
            for bad in BAD {
                let mut args = base.clone();
                args[i] = bad.to_string();
                let Some(code) = call(&sig.name, &args) else {
                    continue;
                };
                counts.calls += 1;
                let start = Instant::now();
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| s.run(&code)));
                let took = start.elapsed();
                if took > Duration::from_secs(2) {
                    counts.hangs.push(format!("{code} ({took:?})"));
                }
                match r {
                    Err(_) => {
                        counts.panics.push(code.clone());
                        s = session(dir.path());
                    }
                    Ok(Ok(out)) => {
                        if non_finite(&out.value) {
                            if bad == "[NAN]" && CONTAINERS.contains(&sig.name.as_str()) {
                                counts.passed_through += 1;
                            } else {
                                counts.silent_non_finite.push(code);
                            }
                        } else {
                            counts.values += 1;
                        }
                    }
                    Ok(Err(e)) => {
                        if is_vague(&e.message) || !names_function(&e.message, &sig.name) {
                            counts.vague_errors.push(format!("{code}: {}", e.message));
                        } else {
                            counts.clear_errors += 1;
                        }
                    }
                }
            }
        }
    }
    println!(
        "\nbad-input matrix over {} signatures: {} calls, {} values (all finite), {} host NaNs passed through a list, {} clear errors, {} vague errors, {} panics, {} hangs, {} silent NaN/inf",
        sigs.len(),
        counts.calls,
        counts.values,
        counts.passed_through,
        counts.clear_errors,
        counts.vague_errors.len(),
        counts.panics.len(),
        counts.hangs.len(),
        counts.silent_non_finite.len()
    );
    let show = |v: &Vec<String>| v.iter().take(200).cloned().collect::<Vec<_>>().join("\n  ");
    assert!(
        counts.panics.is_empty(),
        "panics:\n  {}",
        show(&counts.panics)
    );
    assert!(counts.hangs.is_empty(), "hangs:\n  {}", show(&counts.hangs));
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
    assert!(counts.calls > 3000, "{} calls", counts.calls);
}
