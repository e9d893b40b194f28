//! The reproductions of the adversarial run (issue 13), each one line:
//! sandbox escapes, panics and aborts, work that would not stop, memory
//! past the size limit, silent NaN, vague errors, bad CSV.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crate::common::eval_err;
use scaling_lab_script::Interpreter;
use scaling_lab_script::{EngineConfig, Limits};

struct Sandbox {
    _dir: tempfile::TempDir,
    root: std::path::PathBuf,
    s: Interpreter,
}

/// A session writing into `root/out`, reading from `root/data`.
fn sandbox() -> Sandbox {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::create_dir(root.join("out")).unwrap();
    std::fs::create_dir(root.join("data")).unwrap();
    std::fs::create_dir(root.join("elsewhere")).unwrap();
    let config = EngineConfig {
        out_dir: Some(root.join("out")),
        read_dirs: vec![root.join("data")],
        ..EngineConfig::default()
    };
    Sandbox {
        s: Interpreter::with_config(config, true),
        root,
        _dir: dir,
    }
}

#[track_caller]
fn fails(s: &mut Interpreter, code: &str, msg: &str) {
    match s.run(code) {
        Ok(o) => panic!("`{code}` should fail, gave {:?}", o.value),
        Err(e) => assert!(
            e.message.contains(msg),
            "`{code}`:\n  {}\nexpected\n  {msg}",
            e.message
        ),
    }
}

#[test]
fn writes_stay_inside_the_output_folder() {
    let mut b = sandbox();
    let elsewhere = b.root.join("elsewhere");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&elsewhere, b.root.join("out/link")).unwrap();
    let abs = elsewhere.join("abs.json").display().to_string();
    for (code, msg) in [
        (
            format!("save_json(1, {abs:?})"),
            "absolute paths are not allowed",
        ),
        (
            "save_json(1, \"../elsewhere/dotdot.json\")".to_string(),
            "'..' is not allowed",
        ),
        (
            "save_json(1, \"link/through.json\")".to_string(),
            "leads outside the output folder",
        ),
        (
            "save_csv(arch_sweep(), \"link/t.csv\")".to_string(),
            "leads outside",
        ),
        (
            "plot([1, 2], [3, 4]).save(\"link/c.png\")".to_string(),
            "leads outside",
        ),
        (
            "let f = figure(); f.add(plot([1, 2], [3, 4])); f.save(\"../f.SVG\")".to_string(),
            "'..' is not allowed",
        ),
        (
            format!("Fn(\"save_json\").call(1, {abs:?})"),
            "absolute paths are not allowed",
        ),
        ("save_json(1, \"x.csv\")".to_string(), "(use .json)"),
    ] {
        fails(&mut b.s, &code, msg);
    }
    assert_eq!(
        std::fs::read_dir(&elsewhere).unwrap().count(),
        0,
        "nothing was written elsewhere"
    );
    // Upper-case extensions are fine inside the folder.
    b.s.run("save_json(1, \"ok.JSON\")").unwrap();
    assert!(b.root.join("out/ok.JSON").exists());
}

#[test]
fn reads_come_only_from_allowed_regular_files() {
    let mut b = sandbox();
    std::fs::write(b.root.join("data/runs.csv"), "N,D,loss\n1e9,2e10,2.5\n").unwrap();
    let ok = b.root.join("data/runs.csv").display().to_string();
    b.s.run(&format!("read_csv({ok:?})")).unwrap();
    fails(
        &mut b.s,
        "read_csv(\"/etc/passwd\")",
        "outside the folders scripts may read",
    );
    fails(&mut b.s, "read_csv(\"/dev/zero\")", "outside the folders");
    let dir = b.root.join("data").display().to_string();
    fails(
        &mut b.s,
        &format!("read_csv({dir:?})"),
        "not a regular file",
    );
    #[cfg(unix)]
    {
        let fifo = b.root.join("data/fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .map(|s| s.success());
        if made.unwrap_or(false) {
            let f = fifo.display().to_string();
            fails(&mut b.s, &format!("read_csv({f:?})"), "not a regular file");
        }
        std::os::unix::fs::symlink("/etc/passwd", b.root.join("data/sneaky.csv")).unwrap();
        let f = b.root.join("data/sneaky.csv").display().to_string();
        fails(&mut b.s, &format!("read_csv({f:?})"), "outside the folders");
    }
    let big = b.root.join("data/big.csv");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(65 << 20).unwrap();
    fails(
        &mut b.s,
        &format!("read_csv({:?})", big.display().to_string()),
        "MiB a script may read",
    );
}

#[test]
fn absurd_sizes_are_errors_before_anything_is_allocated() {
    for (code, msg) in [
        ("fit_law(simulate_runs(law(\"chinchilla\"), #{}), #{grid: #{a: linspace(0,25,3000), b: linspace(0,25,3000), e: linspace(-1,1,3000), alpha: linspace(0,2,3000), beta: linspace(0,2,3000)}})", "the grid of starts would have"),
        ("fit_law(simulate_runs(law(\"chinchilla\"), #{}), #{grid: #{a: linspace(0,25,1000), b: linspace(0,25,1000), e: linspace(-1,1,1000), alpha: linspace(0,2,1000), beta: linspace(0,2,1000)}})", "the grid of starts would have"),
        ("simulate_runs(law(\"chinchilla\"), #{budgets: logspace(18, 21, 1000000), per_budget: 1000})", "the runs would have"),
        ("let c = chart(); c.contour([1, 2], [1, 2], [[0, 1], [1, 2]], 1e18)", "levels must be from 1 to 1000"),
        ("let c = chart(); c.contour([1, 2], [1, 2], [[0, 1], [1, 2]], 1e7)", "levels must be from 1 to 1000"),
        ("logspace(0, 1, 5e7)", "more than the size limit"),
        ("let c = chart(); c.line(zeros(6e6), zeros(6e6)); c.line(zeros(6e6), zeros(6e6))", "the chart's points would have"),
    ] {
        // The message says the size was refused (checked before anything
        // of that size existed).
        let e = eval_err(code);
        assert!(e.message.contains(msg), "`{code}`:\n  {}", e.message);
    }
}

#[test]
fn option_values_are_range_checked() {
    for (code, msg) in [
        ("fit_law(simulate_runs(law(\"chinchilla\"), #{per_budget: 3}), #{grid: #{a: [NAN]}})", "grid.a[0] must be a finite number"),
        ("fit_law(simulate_runs(law(\"chinchilla\"), #{per_budget: 3}), #{loss_fn: \"asymmetric\", over: 1e308})", "over must be a positive number within its limit"),
        ("let c = chart(); c.scatter([1,2,3], [2,4,8], #{size: 1e308})", "size must be a positive number within its limit"),
        ("let c = chart(); c.line([1,2,3], [2,4,8], #{width: 1e308})", "width must be a positive number within its limit"),
        ("simulate_runs(law(\"chinchilla\"), #{noise: 1e308})", "noise must be at most 1"),
        ("train_cost(#{flops: 1e24, peak_flops: 1e15, count: 1e308, mfu: 0.4})", "option count must be a positive whole number, got 1e308"),
        ("optimal_for_budget(law(\"chinchilla\"), #{usd: 1e308, hardware: \"H100\", count: 8, mfu: 0.4, usd_per_hour: 2})", "usd must be a positive number within its limit"),
        ("transformer(#{d_model: 4096, n_layer: 32, n_heads: 32, d_ff: 1e308})", "option d_ff must be a positive whole number, got 1e308"),
    ] {
        let e = eval_err(code);
        assert!(e.message.contains(msg), "`{code}`:\n  {}", e.message);
    }
}

#[test]
fn no_silent_nan_infinity_or_wrong_values() {
    for (code, msg) in [
        ("min([NAN])", "min: xs[0] must be a finite number, got NaN"),
        ("max([NAN])", "xs[0] must be a finite number"),
        ("min([1, NAN])", "xs[1] must be a finite number"),
        ("sum([1e308, 1e308])", "sum: the sum overflows"),
        (
            "kaplan_loss(1e9, 1e-300)",
            "kaplan_loss: the result would be inf for N = 1e9, D = 1e-300",
        ),
        (
            "flops_to_time(3.15e23, 1e-300)",
            "flops_to_time: flops_per_second must be a rate that gives a finite, non-zero time",
        ),
        (
            "law(\"chinchilla\").optimal_for_params(1e-300)",
            "optimal_for_params: N must be within the range",
        ),
        (
            "loss_from_cost(0)",
            "loss_from_cost: pf_days must be a positive finite number, got 0",
        ),
        ("fmt(NAN, \".3f\")", "fmt: value must be a finite number"),
    ] {
        let e = eval_err(code);
        assert!(e.message.contains(msg), "`{code}`:\n  {}", e.message);
    }
    assert_eq!(
        crate::common::eval("linspace(-1e308, 1e308, 3)")
            .cast::<scaling_lab_core::Vector>()
            .as_slice(),
        [-1e308, 0.0, 1e308]
    );
}

#[test]
fn wrong_types_name_the_argument_and_the_forms() {
    for (code, msg) in [
        (
            "fit_law(1)",
            "fit_law: no form takes (integer); it takes `fit_law(runs: Table)`",
        ),
        (
            "law(\"chinchilla\").loss(\"a\")",
            "loss: no form takes (Law, string)",
        ),
        (
            "chinchilla_los(1, 2)",
            "no function 'chinchilla_los'; did you mean chinchilla_loss?",
        ),
        ("arch_sweep()[1.5]", "cannot index a Table with a float"),
        (
            "let budget = 1; budgt",
            "unknown variable 'budgt'; did you mean budget?",
        ),
    ] {
        let e = eval_err(code);
        assert!(e.message.contains(msg), "`{code}`:\n  {}", e.message);
        assert!(
            !e.message.contains("index$") && !e.message.contains("scaling_lab_core::"),
            "{}",
            e.message
        );
    }
}

#[test]
fn runaway_native_work_stops_at_the_operation_limit() {
    // Default limits: each of these ran for 17 s to minutes before.
    for code in [
        "law(\"data_constrained\").optimal(linspace(1e20, 2e20, 1000000), 2e10)",
        "inference_optimal(law(\"chinchilla\"), #{loss: 2.0, inference_tokens: linspace(1e9, 1e14, 500000)})",
        "let a = []; loop { a.push(1); }",
        "let a = []; loop { a += 1; }",
    ] {
        // Native work counts against the same limit as script operations:
        // these stop at it, not after their full (minutes-long) work.
        let e = eval_err(code);
        assert!(e.message.contains("operation limit"), "`{code}`: {}", e.message);
    }
}

#[test]
fn an_interrupt_stops_long_native_work_within_a_second() {
    let unlimited = EngineConfig {
        limits: Limits {
            max_operations: 0,
            ..Limits::default()
        },
        ..EngineConfig::default()
    };
    // A second of nominal work (Rhai runs about 7M operations a second):
    // how long this machine, as loaded as it is now, takes for it.
    let second = EngineConfig {
        limits: Limits {
            max_operations: 7_000_000,
            ..Limits::default()
        },
        ..EngineConfig::default()
    };
    let t = Instant::now();
    let e = Interpreter::with_config(second, true)
        .run("let i = 0; loop { i += 1; }")
        .unwrap_err();
    let nominal_second = t.elapsed();
    assert!(e.message.contains("operation limit"), "{}", e.message);
    for code in [
        "law(\"data_constrained\").optimal(linspace(1e20, 2e20, 200000), 2e10)",
        "fit_law(simulate_runs(law(\"chinchilla\"), #{budgets: logspace(18, 21, 20), per_budget: 30}), #{bootstrap: 100000})",
    ] {
        let mut s = Interpreter::with_config(unlimited.clone(), true);
        let flag = s.interrupt_flag();
        let stopper = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            flag.store(true, Ordering::SeqCst);
            Instant::now()
        });
        let e = s.run(code).unwrap_err();
        let stopped = Instant::now();
        let asked = stopper.join().unwrap();
        assert!(e.interrupted, "`{code}`: {}", e.message);
        let latency = stopped.duration_since(asked);
        // Stopped within a second's worth of work as this machine does it
        // now: a ratio, not a wall-clock bound that a loaded machine breaks.
        assert!(
            latency <= nominal_second,
            "`{code}` took {latency:?} to stop, more than the {nominal_second:?} a second of work takes here"
        );
        // The session goes on.
        assert_eq!(s.run("1 + 1").unwrap().value.as_int().unwrap(), 2);
    }
}

#[test]
fn bad_csv_files_are_errors_not_guesses() {
    let mut b = sandbox();
    let write = |name: &str, text: &str| {
        let p = b.root.join("data").join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    };
    let dup = write("dup.csv", "N,N,loss\n1,2,3\n");
    let mixed = write("mixed.csv", "model,N\nx,1\n7,2\ny,3\n");
    let text_first = write("first.csv", "N,loss\nabc,1\n2,2\n3,3\n");
    let nan = write("nan.csv", "N,loss\n1,NaN\n");
    let ansi = write("ansi.csv", "N,loss\n\u{1b}[31mx,1\n1,2\n2,3\n");
    let bom = write("bom.csv", "\u{feff}N,loss\n1,2\n");
    fails(
        &mut b.s,
        &format!("read_csv({dup:?})"),
        "column 'N' appears twice",
    );
    fails(
        &mut b.s,
        &format!("read_csv({mixed:?})"),
        "is text but this cell is a number",
    );
    fails(
        &mut b.s,
        &format!("read_csv({text_first:?})"),
        "row 2, column 'N' is numeric but this cell is not a number",
    );
    fails(&mut b.s, &format!("read_csv({nan:?})"), "not finite");
    match b.s.run(&format!("read_csv({ansi:?})")) {
        Err(e) => assert!(
            e.message.contains("\\u{1b}[31mx") && !e.message.contains('\u{1b}'),
            "{}",
            e.message
        ),
        Ok(_) => panic!("a text cell in a numeric column"),
    }
    let cols =
        b.s.run(&format!("read_csv({bom:?}).columns()"))
            .unwrap()
            .value;
    assert_eq!(
        cols.into_array().unwrap()[0].to_string(),
        "N",
        "a byte-order mark is not part of the first name"
    );
    // A script with a byte-order mark runs.
    assert_eq!(b.s.run("\u{feff}1 + 1").unwrap().value.as_int().unwrap(), 2);
    // Text from files prints with its escapes visible.
    let out = b.s.run("print(\"a\\x1b[2Jb\")").unwrap();
    assert_eq!(out.printed, ["a\\u{1b}[2Jb"]);
}

/// A second process (here a thread) that swaps a file for a symlink, or a
/// folder of the output folder for a symlink to another folder, as fast as
/// it can, while scripts read and write by those names: no read returns
/// the outside file and no write lands outside, in thousands of tries.
#[cfg(target_os = "linux")]
#[test]
fn the_file_policy_cannot_be_raced() {
    use scaling_lab_script::files::FilePolicy;
    use std::sync::atomic::{AtomicBool, AtomicU64};
    use std::sync::Arc;

    let root = tempfile::tempdir().unwrap();
    let (data, out, outside) = (
        root.path().join("data"),
        root.path().join("out"),
        root.path().join("outside"),
    );
    for d in [&data, &out, &outside, &out.join("sub")] {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::write(outside.join("secret.csv"), "SECRET\n").unwrap();
    std::fs::write(data.join("race.csv"), "N,loss\n1,2\n").unwrap();
    std::os::unix::fs::symlink(&outside, out.join("sub_link")).unwrap();
    let policy = FilePolicy::new(out.clone(), vec![data.clone()]);
    let stop = Arc::new(AtomicBool::new(false));
    let swaps = Arc::new(AtomicU64::new(0));
    // At least 3,000 tries, and on until the other side has swapped 300
    // times (on a loaded machine it gets fewer turns).
    let enough = |tries: usize, swaps: &AtomicU64| {
        tries >= 3000 && swaps.load(Ordering::Relaxed) >= 300 || tries >= 300_000
    };

    // Reads: race.csv is a regular file, then a symlink to the secret.
    let swapper = {
        let (data, outside, stop, count) =
            (data.clone(), outside.clone(), stop.clone(), swaps.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let _ = std::os::unix::fs::symlink(outside.join("secret.csv"), data.join("l.tmp"));
                let _ = std::fs::rename(data.join("l.tmp"), data.join("race.csv"));
                let _ = std::fs::write(data.join("f.tmp"), "N,loss\n1,2\n");
                let _ = std::fs::rename(data.join("f.tmp"), data.join("race.csv"));
                count.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    let path = data.join("race.csv").display().to_string();
    let (mut leaked, mut read_ok, mut tries) = (0, 0, 0);
    while !enough(tries, &swaps) {
        tries += 1;
        if let Ok(text) = policy.read_to_string(&path) {
            read_ok += 1;
            leaked += usize::from(text.contains("SECRET"));
        }
    }
    stop.store(true, Ordering::Relaxed);
    swapper.join().unwrap();
    let swaps_done = swaps.swap(0, Ordering::Relaxed);
    assert_eq!(
        leaked, 0,
        "{leaked} of {tries} reads returned the file outside"
    );
    assert!(
        read_ok > 0 && swaps_done >= 300,
        "the race ran: {read_ok} reads, {swaps_done} swaps"
    );

    // Writes: out/sub and a symlink to the outside folder trade names.
    stop.store(false, Ordering::Relaxed);
    let exchanger = {
        let (out, stop, count) = (out.clone(), stop.clone(), swaps.clone());
        std::thread::spawn(move || {
            let a = std::ffi::CString::new(out.join("sub").as_os_str().as_encoded_bytes()).unwrap();
            let b = std::ffi::CString::new(out.join("sub_link").as_os_str().as_encoded_bytes())
                .unwrap();
            while !stop.load(Ordering::Relaxed) {
                // renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE)
                let r = unsafe {
                    libc::syscall(
                        libc::SYS_renameat2,
                        libc::AT_FDCWD,
                        a.as_ptr(),
                        libc::AT_FDCWD,
                        b.as_ptr(),
                        2,
                    )
                };
                count.fetch_add(u64::from(r == 0), Ordering::Relaxed);
            }
        })
    };
    let (mut written, mut tries) = (0, 0);
    while !enough(tries, &swaps) {
        let name = format!("sub/w{tries}.csv");
        written += usize::from(policy.write(&name, &["csv"], b"x\n").is_ok());
        tries += 1;
    }
    stop.store(true, Ordering::Relaxed);
    exchanger.join().unwrap();
    let swaps = swaps.load(Ordering::Relaxed);
    let escaped = std::fs::read_dir(&outside).unwrap().count() - 1;
    assert_eq!(
        escaped, 0,
        "{escaped} of {tries} writes landed outside the output folder"
    );
    assert!(
        written > 0 && swaps >= 300,
        "the race ran: {written} writes, {swaps} swaps"
    );
}

/// However deep a value nests, showing it stops at one depth and JSON
/// output refuses it; nothing walks it to the bottom. (Run in a Session,
/// as every front end runs scripts: Rhai itself walks nested values when
/// it copies and sizes them, which the session's large stack allows.)
#[test]
fn deeply_nested_values_are_shown_to_a_depth_and_refused_as_json() {
    use scaling_lab_script::session::{Answer, Forms};
    let s = scaling_lab_script::Session::new();
    let value = |code: &str, forms: Forms| match s.cell(code, "<test>", forms, false) {
        Answer::Value(v) => Ok(v),
        Answer::Error(e) => Err(e.message),
        other => panic!("{other:?}"),
    };
    for build in [
        "let m = #{}; for i in 0..8000 { m = #{a: m}; }",
        "let m = []; for i in 0..8000 { m = [m]; }",
        "let m = #{}; for i in 0..3000 { m = #{a: [m]}; }",
    ] {
        value(build, Forms::TEXT).unwrap();
        let text = value("m", Forms::TEXT).unwrap().text.unwrap();
        assert!(
            text.contains('…') && text.len() < 1000,
            "{}",
            &text[..text.len().min(200)]
        );
        let bundle = value("m", Forms::BUNDLE).unwrap().bundle;
        assert!(bundle.iter().all(|(_, c)| c.len() < 10_000));
        for code in ["save_json(m, \"deep.json\")", "to_json(m)"] {
            let e = value(code, Forms::TEXT).unwrap_err();
            assert!(e.contains("more than 64 levels"), "{code}: {e}");
        }
        let e = value("m", Forms::JSON).unwrap_err();
        assert!(e.contains("more than 64 levels"), "{e}");
    }
    assert!(!std::path::Path::new("deep.json").exists());
    // Shallow values are shown whole.
    let j = value("to_json([[1], #{a: 2}])", Forms::TEXT)
        .unwrap()
        .text
        .unwrap();
    assert!(j.contains("\"a\": 2"), "{j}");
}

/// Figure text that XML forbids still makes a document that parses.
#[test]
fn svg_text_with_control_characters_is_valid_xml() {
    let dir = tempfile::tempdir().unwrap();
    let config = EngineConfig {
        out_dir: Some(dir.path().to_path_buf()),
        ..EngineConfig::default()
    };
    let mut s = Interpreter::with_config(config, true);
    s.run("let c = chart(#{title: \"a\\u0001b\\ufffe<&>\\\"\"}); c.line([1, 2], [1, 2], #{label: \"x\\u0007\\ny\"}); c.save(\"t.svg\")")
        .unwrap();
    let svg = std::fs::read_to_string(dir.path().join("t.svg")).unwrap();
    roxmltree::Document::parse(&svg).expect("the SVG parses as XML");
    let e = s
        .run(&format!("chart(#{{title: \"{}\"}})", "x".repeat(1001)))
        .unwrap_err()
        .message;
    assert!(e.contains("at most 1,000 characters"), "{e}");
}
