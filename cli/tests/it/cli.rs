//! The binary, driven as a user drives it.

use assert_cmd::Command;
use predicates::prelude::*;

/// The binary, started in the repository's root as a user of a checkout would.
fn bin() -> Command {
    let mut c = Command::cargo_bin("scaling-lab").unwrap();
    c.current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    c
}

#[test]
fn eval_prints_the_value() {
    bin()
        .args(["eval", "chinchilla_loss(70e9, 1.4e12)"])
        .assert()
        .success()
        .stdout("1.9366454705587173\n");
    bin()
        .args(["eval", "find_optimal_allocation(5.76e23).N"])
        .assert()
        .success()
        .stdout("3.2189859151368095e10 (32.2B)\n");
}

#[test]
fn eval_json() {
    let out = bin()
        .args(["eval", "--json", "find_optimal_allocation(5.76e23)"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        (v["N"].as_f64().unwrap() / 3.219e10 - 1.0).abs() < 2e-4,
        "{v}"
    );
    assert!((v["loss"].as_f64().unwrap() - 1.9307).abs() < 1e-4, "{v}");

    let out = bin()
        .args([
            "eval",
            "--json",
            "closest_to(arch_sweep(), \"N (T)\", [1, 10])",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert_eq!(v[0]["n_layer"], 175.0);
}

#[test]
fn eval_errors_exit_1_with_a_caret() {
    bin()
        .args(["eval", "1 + chinchilla_loss(-1, 1e12)"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(
            "error: chinchilla_loss: N must be a positive finite number, got -1\n  --> <eval>:1:5\n   |\n 1 | 1 + chinchilla_loss(-1, 1e12)\n   |     ^",
        ));
}

#[test]
fn run_the_seed_demo() {
    let dir = tempfile::tempdir().unwrap();
    bin()
        .args(["run", "scripts/seed_demo.rhai", "--out"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "DEMO 4: Chinchilla vs Kaplan Scaling Laws",
        ))
        .stdout(predicate::str::contains(
            "Chinchilla (2022)    5.76e+23        32.2B           2982B           1.931\n",
        ));
}

#[test]
fn run_reports_missing_files_and_script_errors() {
    bin()
        .args(["run", "no/such/study.rhai"])
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with(
            "error: cannot read script 'no/such/study.rhai'",
        ));

    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("study.rhai");
    std::fs::write(
        &f,
        "let C = 1e24;\nprint(\"before\");\nlet x = law(\"gopher\");\nprint(\"after\");\n",
    )
    .unwrap();
    bin()
        .arg("run")
        .arg(&f)
        .assert()
        .code(1)
        .stdout("before\n")
        .stderr(predicate::str::contains(
            "law: unknown law 'gopher'; known: chinchilla, chinchilla_unrounded, epoch2024, kaplan",
        ))
        .stderr(predicate::str::contains("study.rhai:3:9"));

    std::fs::write(&f, "let x = (1 + ;\n").unwrap();
    bin()
        .arg("run")
        .arg(&f)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("error:").and(predicate::str::contains("study.rhai:1:")));
}

#[test]
fn max_ops_stops_a_runaway_script() {
    bin()
        .args(["eval", "--max-ops", "100000", "let i = 0; loop { i += 1; }"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("operation limit"));
}

#[test]
fn run_writes_under_out() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("save.rhai");
    std::fs::write(&f, "save_json(find_optimal_allocation(1e24), \"plan.json\");\nsave_csv(arch_sweep(), \"sweep.csv\");").unwrap();
    let out = dir.path().join("results");
    bin()
        .arg("run")
        .arg(&f)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("plan.json")).unwrap()).unwrap();
    assert!(plan["N"].as_f64().unwrap() > 4e10);
    assert_eq!(
        std::fs::read_to_string(out.join("sweep.csv"))
            .unwrap()
            .lines()
            .count(),
        26
    );
}

#[test]
fn doc_prints_the_reference() {
    bin()
        .arg("doc")
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "# scaling-lab function reference",
        ))
        .stdout(predicate::str::contains("### `find_optimal_allocation(C)`"));
}

#[test]
fn a_closed_stdout_ends_the_process_quietly() {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("scaling-lab"))
        .args(["eval", "for i in 0..200000 { print(i) }"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert_eq!(first, "0\n");
    // The reader is gone (like `| head -1`): the next writes fail.
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}: {stderr}", out.status);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn reads_need_an_allowed_folder() {
    let data = tempfile::tempdir().unwrap();
    let csv = data.path().join("runs.csv");
    std::fs::write(&csv, "N,D,loss\n1e9,2e10,2.5\n").unwrap();
    let script_dir = tempfile::tempdir().unwrap();
    let script = script_dir.path().join("read.rhai");
    std::fs::write(
        &script,
        format!(
            "\u{feff}print(read_csv({:?}).len());",
            csv.display().to_string()
        ),
    )
    .unwrap();
    bin().args(["run"]).arg(&script).assert().code(1).stderr(
        predicate::str::contains("outside the folders scripts may read")
            .and(predicate::str::contains("--allow-read DIR")),
    );
    bin()
        .args(["run"])
        .arg(&script)
        .arg("--allow-read")
        .arg(data.path())
        .assert()
        .success()
        .stdout("1\n");
    // The script's own folder is readable without a flag.
    let beside = script_dir.path().join("runs.csv");
    std::fs::copy(&csv, &beside).unwrap();
    std::fs::write(
        &script,
        format!("print(read_csv({:?}).len());", beside.display().to_string()),
    )
    .unwrap();
    bin()
        .args(["run"])
        .arg(&script)
        .assert()
        .success()
        .stdout("1\n");
}

#[test]
fn set_defines_variables_before_the_script() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("study.rhai");
    std::fs::write(
        &script,
        "let budget = if is_def_var(\"C\") { C } else { 1e22 };\nprint(`${type_of(budget)} ${budget} ${type_of(n)} ${name} ${flag}`);\nprint(fmt_si(find_optimal_allocation(budget).N));\n",
    )
    .unwrap();
    bin()
        .args(["run", script.to_str().unwrap()])
        .args([
            "--set",
            "C=1e24",
            "--set",
            "n=8",
            "--set",
            "name=run 1",
            "--set",
            "flag=true",
        ])
        .assert()
        .success()
        .stdout("f64 1e24 i64 run 1 true\n41.3B\n");
    bin()
        .args([
            "run",
            script.to_str().unwrap(),
            "--set",
            "n=1",
            "--set",
            "name=x",
            "--set",
            "flag=false",
        ])
        .assert()
        .success()
        .stdout(predicate::str::ends_with("5.16B\n"));
    bin()
        .args(["run", script.to_str().unwrap(), "--set", "2x=1"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("'2x' is not a variable name"));
    bin()
        .args(["run", script.to_str().unwrap(), "--set", "C"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("expected NAME=VALUE"));
}

#[test]
fn run_dash_reads_the_script_from_stdin() {
    bin()
        .args(["run", "-", "--set", "x=2"])
        .write_stdin("print(x * 21);\nlet y = ;\n")
        .assert()
        .failure()
        .stderr(predicate::str::contains("<stdin>:2"));
    bin()
        .args(["run", "-"])
        .write_stdin("print(chinchilla_loss(70e9, 1.4e12));\n")
        .assert()
        .success()
        .stdout("1.9366454705587173\n");
}

/// `--set` reads values as the language writes literals, and refuses what
/// would silently become something else.
#[test]
fn set_values_parse_like_the_language() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("show.rhai");
    std::fs::write(&script, "print(`${C} ${type_of(C)}`)").unwrap();
    let run = |v: &str| {
        bin()
            .args(["run", script.to_str().unwrap(), "--set", v])
            .output()
            .unwrap()
    };
    for (given, shown) in [
        ("C=1_000", "1000 i64"),
        ("C=0x10", "16 i64"),
        ("C= 1e24", "1e24 f64"),
        ("C=-5", "-5 i64"),
        ("C=\"quoted\"", "quoted string"),
        ("C=hello", "hello string"),
        ("C=true", "true bool"),
    ] {
        let out = run(given);
        assert!(
            out.status.success(),
            "{given}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            shown,
            "{given}"
        );
    }
    for (given, says) in [
        ("C=1e-400", "too small to be told from 0"),
        ("C=1e309", "not a finite number"),
        ("C=NaN", "not a finite number"),
        ("C=-inf", "not a finite number"),
        ("C=1.5.3", "not a number as scripts write one"),
        ("let=1", "not a variable name"),
        ("this=1", "not a variable name"),
        ("C=\"open", "malformed quoted string"),
    ] {
        let out = run(given);
        assert_eq!(out.status.code(), Some(1), "{given}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{given}: {err}");
    }
}

/// A failed write to standard output is an error (exit 1, said on
/// standard error); only a closed pipe ends quietly.
#[cfg(target_os = "linux")]
#[test]
fn output_errors_are_errors() {
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    for args in [
        vec!["eval", "print(1); 2"],
        vec!["eval", "--json", "find_optimal_allocation(1e24)"],
        vec!["doc"],
        vec!["run", "scripts/seed_notebook.rhai"],
    ] {
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("scaling-lab"))
            .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
            .args(&args)
            .stdout(full())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("cannot write to standard output"),
            "{args:?}: {err}"
        );
    }
}
