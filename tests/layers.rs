//! The architecture, checked from the code's own imports: each top-level
//! module of `src/` uses only modules at its level or below, the module
//! graph has no cycles, and the core knows nothing of Rhai, terminals or
//! notebooks.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Levels, lowest first. A module may use modules of its own level or below.
const LEVELS: &[&[&str]] = &[
    &["error"],
    &["units", "pyformat", "output", "budget", "vector"],
    &["numeric", "table"],
    &[
        "allocation",
        "laws",
        "cost",
        "hardware",
        "transformer",
        "architecture",
        "memory",
        "serving",
    ],
    &["fit"],
    &["plot"],
    // The script layer: the only one that knows Rhai.
    &["script"],
    // Front ends.
    &["session", "notebook"],
    &["repl", "kernel", "console"],
    &["cli"],
];

/// Levels up to this one are the core: pure math and values.
const CORE: usize = 5;

/// Crates the core must not name.
const FRONT_END_CRATES: &[&str] = &[
    "rhai",
    "rustyline",
    "jupyter",
    "clap",
    "tokio",
    "indicatif",
    "ctrlc",
];

fn level(module: &str) -> usize {
    LEVELS
        .iter()
        .position(|l| l.contains(&module))
        .unwrap_or_else(|| panic!("module '{module}' is not in LEVELS; add it at its level"))
}

/// Code lines of a file (comments and test modules left out).
fn code_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]") {
            break;
        }
        if t.starts_with("//") {
            continue;
        }
        out.push(line.to_string());
    }
    out
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") && !p.ends_with("tests.rs") {
            out.push(p);
        }
    }
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in all {
        let rel = f.strip_prefix(&src).unwrap();
        let module = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if module == "lib" || module == "main" {
            continue;
        }
        let deps = g.entry(module.clone()).or_default();
        for line in code_lines(&std::fs::read_to_string(&f).unwrap()) {
            for (i, _) in line.match_indices("crate::") {
                let name: String = line[i + 7..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                // Lower-case names are modules; the rest are re-exports at the root.
                if name.starts_with(|c: char| c.is_ascii_lowercase()) && name != module {
                    deps.insert(name);
                }
            }
        }
    }
    g
}

#[test]
fn modules_use_only_their_level_and_below() {
    let mut bad = Vec::new();
    for (m, deps) in graph() {
        for d in deps {
            if level(&d) > level(&m) {
                bad.push(format!(
                    "{m} (level {}) uses {d} (level {})",
                    level(&m),
                    level(&d)
                ));
            }
        }
    }
    assert!(bad.is_empty(), "layering broken:\n{}", bad.join("\n"));
}

#[test]
fn the_module_graph_has_no_cycles() {
    let g = graph();
    fn visit(
        m: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if let Some(i) = path.iter().position(|p| p == m) {
            panic!("cycle: {} -> {m}", path[i..].join(" -> "));
        }
        if done.contains(m) {
            return;
        }
        path.push(m.to_string());
        for d in g.get(m).into_iter().flatten() {
            visit(d, g, path, done);
        }
        path.pop();
        done.insert(m.to_string());
    }
    let mut done = BTreeSet::new();
    for m in g.keys() {
        visit(m, &g, &mut Vec::new(), &mut done);
    }
}

#[test]
fn the_core_names_no_front_end_crate() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let mut bad = Vec::new();
    for f in all {
        let rel = f.strip_prefix(&src).unwrap().to_string_lossy().to_string();
        let module = rel.split(['/', '.']).next().unwrap().to_string();
        if matches!(module.as_str(), "lib" | "main") || level(&module) > CORE {
            continue;
        }
        for line in code_lines(&std::fs::read_to_string(&f).unwrap()) {
            for c in FRONT_END_CRATES {
                if line.contains(&format!("{c}::")) || line.contains(&format!("use {c}")) {
                    bad.push(format!("{rel}: {}", line.trim()));
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "the core names front-end crates:\n{}",
        bad.join("\n")
    );
}
