//! Fitting from scripts: clear errors for bad runs and options.

#[test]
fn scripts_get_clear_errors() {
    use scaling_lab_script::Interpreter;
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("runs.csv");
    std::fs::write(&csv, "N,D,loss\n1e9,2e10,2.5\n2e9,4e10,oops\n").unwrap();
    let config = scaling_lab_script::EngineConfig {
        read_dirs: vec![dir.path().to_path_buf(), ".".into()],
        ..Default::default()
    };
    let mut s = Interpreter::with_config(config, true);
    let run = |s: &mut Interpreter, code: &str| s.run(code).unwrap_err().message;
    let e = run(
        &mut s,
        &format!("read_csv({:?})", csv.display().to_string()),
    );
    assert!(
        e.starts_with("read_csv: cannot parse CSV cell 'oops': row 3, column 'loss'"),
        "{e}"
    );
    let e = run(&mut s, "read_csv(\"no/such.csv\")");
    assert!(
        e.contains("cannot open") && e.contains("No such file"),
        "{e}"
    );
    let e = run(&mut s, "fit_law(table(), #{bootsrap: 10})");
    assert!(e.contains("unknown option 'bootsrap'"), "{e}");
    let e = run(
        &mut s,
        "fit_law(simulate_runs(law(\"chinchilla\"), #{}), #{loss_fn: \"l1\"})",
    );
    assert!(
        e.contains(
            "option loss_fn must be one of \"huber\", \"squared\", \"asymmetric\", got \"l1\""
        ),
        "{e}"
    );
    let e = run(&mut s, "law(\"chinchilla\").fit");
    assert!(e.contains("was not fitted"), "{e}");
    let e = run(&mut s, "fit_power_law([1, 2], [1, 2])");
    assert!(e.contains("at least 3 points"), "{e}");
}
