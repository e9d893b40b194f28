//! What the crate split alone cannot say: the crates each layer pulls in,
//! however indirectly. The compiler already refuses an upward import
//! (the core cannot name the script crate, the script crate cannot name
//! the binary); this test refuses a front-end crate that reaches a lower
//! layer through `Cargo.toml`, directly or as a dependency of a dependency,
//! by walking the resolved dependency graph (`cargo metadata`).

use std::collections::{BTreeMap, BTreeSet};

/// Crates of the scripting engine, the terminal and Jupyter.
const SCRIPTING: &[&str] = &["rhai", "rhai_codegen"];
const TERMINAL: &[&str] = &["rustyline", "clap", "ctrlc", "indicatif", "dirs"];
const JUPYTER: &[&str] = &[
    "jupyter-protocol",
    "jupyter-zmq-client",
    "zeromq",
    "ring",
    "tokio",
];

/// package name -> the names of what it needs to build and run (normal
/// and build dependencies; test-only ones are left out), from the
/// resolved graph `cargo metadata` prints for the locked workspace.
fn graph() -> BTreeMap<String, Vec<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut args = vec!["metadata", "--format-version", "1", "--locked", "--offline"];
    // Only this platform's packages: the others' are not downloaded.
    let host = format!("{}-unknown-linux-gnu", std::env::consts::ARCH);
    if std::env::consts::OS == "linux" {
        args.extend(["--filter-platform", &host]);
    }
    let out = std::process::Command::new(cargo)
        .args(&args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let name_of: BTreeMap<&str, &str> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["name"].as_str().unwrap()))
        .collect();
    let mut g: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for node in meta["resolve"]["nodes"].as_array().unwrap() {
        let name = name_of[node["id"].as_str().unwrap()].to_string();
        let deps = node["deps"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| {
                d["dep_kinds"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|k| k["kind"].as_str() != Some("dev"))
            })
            .map(|d| name_of[d["pkg"].as_str().unwrap()].to_string());
        g.entry(name).or_default().extend(deps);
    }
    g
}

/// Every crate `root` depends on, directly or not.
fn closure(g: &BTreeMap<String, Vec<String>>, root: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![root.to_string()];
    while let Some(p) = todo.pop() {
        for d in g.get(&p).into_iter().flatten() {
            if seen.insert(d.clone()) {
                todo.push(d.clone());
            }
        }
    }
    seen
}

fn forbidden<'a>(deps: &BTreeSet<String>, lists: &[&[&'a str]]) -> Vec<&'a str> {
    lists
        .iter()
        .flat_map(|l| l.iter())
        .filter(|c| deps.contains(**c))
        .copied()
        .collect()
}

#[test]
fn the_core_pulls_in_no_engine_terminal_or_jupyter_crate() {
    let g = graph();
    let core = closure(&g, "scaling-lab-core");
    assert!(
        core.contains("serde"),
        "the walk found the core's dependencies"
    );
    let bad = forbidden(&core, &[SCRIPTING, TERMINAL, JUPYTER]);
    assert!(bad.is_empty(), "scaling-lab-core depends on {bad:?}");
    assert!(!core.contains("scaling-lab-script") && !core.contains("scaling-lab"));
}

#[test]
fn the_script_layer_pulls_in_no_terminal_or_jupyter_crate() {
    let g = graph();
    let script = closure(&g, "scaling-lab-script");
    assert!(script.contains("rhai") && script.contains("scaling-lab-core"));
    let bad = forbidden(&script, &[TERMINAL, JUPYTER]);
    assert!(bad.is_empty(), "scaling-lab-script depends on {bad:?}");
    assert!(!script.contains("scaling-lab"));
}

#[test]
fn the_binary_sits_on_both_layers() {
    let g = graph();
    let cli = closure(&g, "scaling-lab");
    for c in [
        "scaling-lab-script",
        "scaling-lab-core",
        "rustyline",
        "jupyter-protocol",
    ] {
        assert!(cli.contains(c), "the binary should depend on {c}");
    }
}
