//! Bad input from a script: a clear error naming the function, the argument
//! and the position; never a panic, never a silent NaN.

use crate::common::{eval, eval_err, eval_f64};
use scaling_lab_script::Interpreter;
use scaling_lab_script::{EngineConfig, Limits};

#[track_caller]
fn fails_with(code: &str, message: &str) {
    let e = eval_err(code);
    assert!(
        e.message.contains(message),
        "`{code}` failed with\n  {}\nexpected it to contain\n  {message}",
        e.message
    );
}

#[test]
fn non_positive_nan_and_infinite_numbers() {
    let cases = [
        (
            "chinchilla_loss(0, 1e12)",
            "chinchilla_loss: N must be a positive finite number, got 0",
        ),
        (
            "chinchilla_loss(-1, 1e12)",
            "chinchilla_loss: N must be a positive finite number, got -1",
        ),
        (
            "chinchilla_loss(70e9, NAN)",
            "chinchilla_loss: D must be a positive finite number, got NaN",
        ),
        (
            "chinchilla_loss(70e9, INF)",
            "chinchilla_loss: D must be a positive finite number, got inf",
        ),
        (
            "find_optimal_allocation(-5)",
            "find_optimal_allocation: C must be a positive finite number, got -5",
        ),
        (
            "compute_flops(1e9, 0)",
            "compute_flops: D must be a positive finite number, got 0",
        ),
        (
            "loss_from_size(-1e9)",
            "loss_from_size: N must be a positive finite number",
        ),
        (
            "data_from_loss(0)",
            "data_from_loss: loss must be a positive finite number, got 0",
        ),
        (
            "cost_from_loss(-2)",
            "cost_from_loss: loss must be a positive finite number, got -2",
        ),
        (
            "pf_days_to_time(100, 0)",
            "pf_days_to_time: machine_pflops must be a positive finite number, got 0",
        ),
        (
            "kaplan_loss(1e9, -1)",
            "kaplan_loss: D must be a positive finite number, got -1",
        ),
        (
            "law(\"chinchilla\").loss(0, 1)",
            "loss: N must be a positive finite number, got 0",
        ),
        (
            "law(\"chinchilla\").compute_for_loss(1.5)",
            "loss must be above the law's irreducible loss E, got 1.5 (E = 1.69)",
        ),
        (
            "logspace(6, 11, 0)",
            "logspace: num must be a whole number of points from 1 to 50,000,000, got 0",
        ),
    ];
    for (code, msg) in cases {
        fails_with(code, msg);
    }
}

#[test]
fn arrays_report_the_bad_element() {
    fails_with(
        "chinchilla_loss([1e9, -1], 1e12)",
        "chinchilla_loss: N[1] must be a positive finite number, got -1",
    );
    fails_with(
        "chinchilla_loss([], 1e12)",
        "chinchilla_loss: N must not be empty",
    );
    fails_with(
        "chinchilla_loss([1e9, \"x\"], 1e12)",
        "chinchilla_loss: N[1] must be a number, got string",
    );
    fails_with(
        "chinchilla_loss([1e9, 2e9], [1e12, 2e12, 3e12])",
        "N and D must have the same length, got 2 and 3",
    );
    fails_with(
        "find_optimal_allocation([1e20, 0])",
        "find_optimal_allocation: C[1]: C must be a positive finite number, got 0",
    );
    fails_with("sum([])", "sum: xs must not be empty");
}

#[test]
fn wrong_types_name_the_argument() {
    fails_with(
        "chinchilla_loss(\"70B\", 1e12)",
        "chinchilla_loss: N must be a number or a vector of numbers, got string (\"70B\")",
    );
    fails_with(
        "fmt(#{}, \".2f\")",
        "fmt: value must be a number, a vector or a string, got map",
    );
    fails_with("fmt(1.0, \".f\")", "fmt: cannot parse format spec '.f'");
}

#[test]
fn unknown_names_list_the_known_ones() {
    fails_with(
        "law(\"gopher\")",
        "law: unknown law 'gopher'; known: chinchilla, chinchilla_unrounded, epoch2024, kaplan",
    );
    fails_with(
        "arch_sweep()[\"width\"]",
        "unknown column 'width'; known: d_model, n_layer, d_attn, d_ff, n_heads, N, N (T)",
    );
    fails_with(
        "arch_sweep(#{dmodel: 4096})",
        "arch_sweep: unknown option 'dmodel'; did you mean d_model?",
    );
    fails_with(
        "law(#{E: 1.69, A: 406.4, B: 410.7, alpha: 0.34})",
        "law: coefficient beta is required",
    );
    fails_with(
        "law(#{E: 1.69, A: -1, B: 410.7, alpha: 0.34, beta: 0.28})",
        "A must be a positive finite number, got -1",
    );
    fails_with(
        "closest_to(arch_sweep(), \"nope\", 1)",
        "closest_to: unknown column 'nope'",
    );
    fails_with(
        "arch_sweep().row(25)",
        "row must be a row number within the table, got 25 (the table has 25 rows)",
    );
    fails_with("no_such_function(1)", "no function 'no_such_function'");
}

#[test]
fn errors_carry_the_script_position() {
    let e = eval_err("let a = 1;\nlet b = 2;\nlet c =   chinchilla_loss(-1, 1e12);");
    assert_eq!(e.position, Some((3, 11)));
    assert!(e.rendered.contains("--> <input>:3:11"), "{}", e.rendered);
    assert!(
        e.rendered
            .contains(" 3 | let c =   chinchilla_loss(-1, 1e12);"),
        "{}",
        e.rendered
    );
    assert!(e.rendered.ends_with("   |           ^"), "{}", e.rendered);

    let e = eval_err("fn f(n) {\n  chinchilla_loss(n, 1e12)\n}\nf(-3)");
    assert_eq!(e.position, Some((2, 3)));
    assert!(e.message.contains("(in function 'f')"), "{}", e.message);
}

#[test]
fn integers_are_numbers_too() {
    let pairs = [
        (
            "chinchilla_loss(70000000000, 1400000000000)",
            "chinchilla_loss(70e9, 1.4e12)",
        ),
        (
            "compute_flops(175000000000, 300000000000)",
            "compute_flops(175e9, 300e9)",
        ),
        (
            "find_optimal_allocation(1000000000000000000000000).N",
            "find_optimal_allocation(1e24).N",
        ),
        ("loss_from_size(1000000000000)", "loss_from_size(1e12)"),
        ("data_from_loss(2)", "data_from_loss(2.0)"),
        ("cost_from_loss(2)", "cost_from_loss(2.0)"),
        (
            "pf_days_to_time(40000, 20000).days",
            "pf_days_to_time(40000.0, 20000.0).days",
        ),
        (
            "kaplan_loss(1000000000, 200000000000)",
            "kaplan_loss(1e9, 2e11)",
        ),
        (
            "law(#{E: 2, A: 400, B: 400, alpha: 1, beta: 1}).loss(10, 10)",
            "law(#{E: 2.0, A: 400.0, B: 400.0, alpha: 1.0, beta: 1.0}).loss(10.0, 10.0)",
        ),
        ("sum(logspace(0, 2, 3))", "111.0"),
        (
            "chinchilla_loss([1000000000, 7000000000], 200000000000)[1]",
            "chinchilla_loss(7e9, 2e11)",
        ),
    ];
    for (ints, floats) in pairs {
        assert_eq!(eval_f64(ints), eval_f64(floats), "{ints}");
    }
}

#[test]
fn huge_budgets_do_not_overflow() {
    let n = eval_f64("find_optimal_allocation(1e30).N");
    assert!(n.is_finite() && n > 1e12, "{n}");
    let d = eval_f64("data_from_loss(0.3)");
    assert!(d.is_finite(), "{d}");
    fails_with(
        "data_from_loss(1e-30)",
        "data_from_loss: D is not a finite number",
    );
}

#[test]
fn runaway_scripts_stop_with_an_error() {
    let config = EngineConfig {
        limits: Limits {
            max_operations: 200_000,
            ..Limits::default()
        },
        ..EngineConfig::default()
    };
    let mut s = Interpreter::with_config(config, true);
    let e = s.run("let i = 0; loop { i += 1; }").unwrap_err();
    assert!(e.message.contains("operation limit"), "{}", e.message);
    // The session is still usable after the error.
    assert_eq!(s.run("1 + 1").unwrap().value.as_int().unwrap(), 2);

    fails_with("fn f(x) { f(x) } f(1)", "too many nested function calls");
    fails_with(
        "let s = \"ab\"; loop { s += s; }",
        "exceeds the script's size limit",
    );
    fails_with("import \"secrets\" as s;", "Module not found");
}

#[test]
fn interrupt_flag_stops_a_running_script() {
    let mut s = Interpreter::capturing();
    s.run("let x = 42;").unwrap();
    let flag = s.interrupt_flag();
    let t = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(200));
        flag.store(true, std::sync::atomic::Ordering::SeqCst);
    });
    let config_ops = s.run("let i = 0; while true { i += 1; }");
    t.join().unwrap();
    let e = config_ops.unwrap_err();
    assert!(e.interrupted, "{e}");
    assert!(e.message.contains("interrupted"), "{}", e.message);
    assert_eq!(s.run("x").unwrap().value.as_int().unwrap(), 42);
}

#[test]
fn files_are_written_only_under_the_output_folder_and_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let config = EngineConfig {
        out_dir: Some(dir.path().to_path_buf()),
        ..EngineConfig::default()
    };
    let mut s = Interpreter::with_config(config, true);
    let out = s.run("save_csv(arch_sweep(), \"sweep.csv\")").unwrap();
    let path = out.value.to_string();
    assert!(
        path.starts_with(&dir.path().display().to_string()),
        "{path}"
    );
    let text = std::fs::read_to_string(dir.path().join("sweep.csv")).unwrap();
    assert_eq!(text.lines().count(), 26);
    assert!(text.starts_with("d_model,n_layer,d_attn,d_ff,n_heads,N,N (T)\n8192,81,109,81920,409,109005668352,0.109005668352\n"), "{text}");

    let e = s.run("save_json(1, \"missing/dir/x.json\")").unwrap_err();
    assert!(e.message.contains("does not exist"), "{}", e.message);
    let e = s.run("save_csv(arch_sweep(), \"x.txt\")").unwrap_err();
    assert!(e.message.contains("(use .csv)"), "{}", e.message);
    // No temp files are left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["sweep.csv"]);
}

#[test]
fn vectorized_results_match_scalars() {
    let v = eval("chinchilla_loss(logspace(9, 11, 3), 200e9)").cast::<scaling_lab_core::Vector>();
    let expected = [1e9, 1e10, 1e11].map(|n| eval_f64(&format!("chinchilla_loss({n:e}, 200e9)")));
    assert_eq!(v.as_slice(), expected);
    let t = eval("find_optimal_allocation([1e22, 1e24])");
    let t = t.cast::<scaling_lab_core::Table>();
    assert_eq!(
        t.names(),
        [
            "law",
            "C",
            "N",
            "D",
            "tokens_per_param",
            "loss",
            "loss_from"
        ]
    );
    assert_eq!(
        t.num_column("N").unwrap()[1],
        eval_f64("find_optimal_allocation(1e24).N")
    );
}

#[test]
fn errors_in_functions_from_earlier_inputs_show_their_line() {
    let mut s = Interpreter::capturing();
    s.set_source_name("<repl>");
    s.run("fn f(n) {\n  chinchilla_loss(n, 1e12)\n}").unwrap();
    s.run("let y = 3;").unwrap();
    let e = s.run("f(-1)").unwrap_err();
    assert!(
        e.rendered.contains(" 2 |   chinchilla_loss(n, 1e12)"),
        "{}",
        e.rendered
    );
    assert_eq!(e.position, Some((2, 3)));
}

#[test]
fn python_loops_over_a_table_point_to_rows() {
    let e = eval_err("let t = table(#{x: [1.0]}); for r in t { }").message;
    assert!(e.contains("for row in t.rows()"), "{e}");
    let e = eval_err("let t = table(#{x: [1.0]}); t.iterrows()").message;
    assert!(e.contains("for row in t.rows()"), "{e}");
    let e = eval_err("let x = 2; print(`a\\n${x}`)").message;
    assert!(
        e.starts_with("\\n inside a backtick string stays two characters"),
        "{e}"
    );
}
