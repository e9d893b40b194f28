//! The function reference is generated, current, and its examples run.

use scaling_lab_script::Interpreter;
use scaling_lab_script::{docs, EngineConfig};

#[test]
fn functions_md_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/functions.md");
    let stored = std::fs::read_to_string(path).unwrap_or_default();
    let fresh = docs::markdown();
    if stored != fresh {
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(path, &fresh).unwrap();
        } else {
            panic!("docs/functions.md is stale: run `cargo run -q -- doc > docs/functions.md` (or UPDATE_DOCS=1 cargo test --test docs)");
        }
    }
}

#[test]
fn every_function_is_documented() {
    for d in docs::catalog() {
        assert!(!d.doc.trim().is_empty(), "{} has no doc comment", d.call);
    }
}

/// Each ```rhai example in a doc comment runs line by line (```rhai,no_run
/// ones, which need files, are skipped); a line ending in `// <number>` must
/// evaluate to that number at its printed precision.
#[test]
fn doc_examples_run_and_their_numbers_hold() {
    let mut checked = 0;
    for d in docs::catalog() {
        let Some((_, rest)) = d.doc.split_once("```rhai") else {
            continue;
        };
        if rest.starts_with(",no_run") {
            continue;
        }
        let block = rest.split("```").next().unwrap();
        // Examples that save files write them into a scratch folder.
        let scratch = tempfile::tempdir().unwrap();
        let config = EngineConfig {
            out_dir: Some(scratch.path().to_path_buf()),
            ..EngineConfig::default()
        };
        let mut s = Interpreter::with_config(config, true);
        for line in block.lines().filter(|l| !l.trim().is_empty()) {
            let (code, comment) = match line.split_once("//") {
                Some((c, k)) => (c.trim(), Some(k.trim())),
                None => (line.trim(), None),
            };
            let out = s
                .run(code)
                .unwrap_or_else(|e| panic!("example of {}: `{code}` failed:\n{e}", d.call));
            let Some(expected) = comment
                .and_then(|c| c.split_whitespace().next())
                .filter(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()))
            else {
                continue;
            };
            let value = out
                .value
                .as_float()
                .or_else(|_| out.value.as_int().map(|i| i as f64))
                .unwrap_or_else(|_| {
                    panic!(
                        "example of {}: `{code}` gave {:?}, not a number",
                        d.call, out.value
                    )
                });
            let x: f64 = expected.parse().unwrap();
            // Tolerance: half a unit in the last printed significant digit.
            let mantissa = expected.split(['e', 'E']).next().unwrap();
            let digits = mantissa
                .chars()
                .filter(|c| c.is_ascii_digit())
                .collect::<String>();
            let sig = digits.trim_start_matches('0').len().max(1) as i32;
            let tol = 0.5 * 10f64.powi(x.abs().log10().floor() as i32 - sig + 1);
            assert!(
                (value - x).abs() <= tol * 1.0000001,
                "example of {}: `{code}` = {value}, documented as {expected}",
                d.call
            );
            checked += 1;
        }
    }
    assert!(checked >= 15, "only {checked} documented numbers checked");
}

/// Every ```rhai block of the README runs as written.
#[test]
fn readme_examples_run() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let mut ran = 0;
    for block in readme.split("```rhai\n").skip(1) {
        let code = block.split("```").next().unwrap();
        let scratch = tempfile::tempdir().unwrap();
        let config = EngineConfig {
            out_dir: Some(scratch.path().to_path_buf()),
            ..EngineConfig::default()
        };
        let mut s = Interpreter::with_config(config, true);
        s.run(code)
            .unwrap_or_else(|e| panic!("README example failed:\n{code}\n{e}"));
        ran += 1;
    }
    assert!(ran >= 1);
}

/// Every options map a registered function takes is read into a declared
/// struct (so its keys, defaults and docs come from one place), and every
/// declared struct belongs to a registered function's map argument.
#[test]
fn every_options_map_has_its_struct() {
    use scaling_lab_script::options::{of, OPTION_SETS};
    // Maps that are data, not options: a table's old-to-new column names.
    const DATA_MAPS: &[(&str, usize)] = &[("rename", 1), ("to_json", 0)];
    let mut engine = rhai::Engine::new_raw();
    engine.register_global_module(scaling_lab_script::package());
    let meta: serde_json::Value =
        serde_json::from_str(&engine.gen_fn_metadata_to_json(false).unwrap()).unwrap();
    let mut maps = Vec::new();
    for f in meta["functions"].as_array().unwrap() {
        let name = f["name"].as_str().unwrap();
        for (i, p) in f["params"].as_array().into_iter().flatten().enumerate() {
            // An options map is taken by value; printing takes any map by reference.
            if p["type"]
                .as_str()
                .is_some_and(|t| matches!(t.trim(), "Map" | "rhai::Map"))
            {
                maps.push((name.to_string(), i));
            }
        }
    }
    assert!(maps.len() > 30, "found {} map arguments", maps.len());
    for (name, i) in &maps {
        if DATA_MAPS.contains(&(name.as_str(), *i)) {
            continue;
        }
        let set = of(name, *i)
            .unwrap_or_else(|| panic!("{name} takes a map at {i} with no options struct"));
        assert!(
            !(set.fields)().is_empty(),
            "{name}: its struct has no fields"
        );
    }
    for s in OPTION_SETS {
        assert!(
            maps.iter()
                .any(|(n, i)| n == s.function && *i == s.position),
            "{} has no map argument at {}",
            s.function,
            s.position
        );
    }
}

/// The README's layout names only paths that exist, and every top-level
/// module and folder of each crate's `src/` appears in it (or under a
/// folder it names).
#[test]
fn readme_layout_matches_the_tree() {
    let root = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let section = readme
        .split("## Layout")
        .nth(1)
        .and_then(|s| s.split("```\n").nth(1))
        .expect("a Layout section with a code block");
    let listed: Vec<&str> = section
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(listed.len() > 30, "{} paths listed", listed.len());
    for p in &listed {
        assert!(
            root.join(p).exists(),
            "README's layout lists {p}, which does not exist"
        );
    }
    for krate in ["core", "script", "cli"] {
        for e in std::fs::read_dir(root.join(krate).join("src")).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().to_string();
            if name == "main.rs" {
                continue;
            }
            let path = format!("{krate}/src/{name}");
            let shown = listed.iter().any(|l| {
                l.trim_end_matches('/') == path || (name == "lib.rs" && *l == format!("{krate}/"))
            });
            assert!(shown, "{path} is not in the README's layout");
        }
    }
}
