//! Intervals carried through a fitted law, and seeded randomness.

use crate::common::{eval, eval_err, eval_f64};
use scaling_lab_core::table::Table;

const FITTED: &str = r#"
let runs = simulate_runs(law("chinchilla"), #{seed: 4, noise: 0.02});
let fitted = fit_law(runs, #{bootstrap: 200, grid: #{a: [6.0], b: [6.0], e: [0.5]}});
"#;

#[test]
fn a_bootstrapped_law_gives_intervals_of_the_optimum() {
    let m = eval(&format!("{FITTED} fitted.optimal(1e24)")).cast::<rhai::Map>();
    let get = |k: &str| m[k].as_float().unwrap();
    // The fitted optimum sits inside its interval, and the interval holds
    // eq. 10's own optimum (41.3B) at this noise.
    assert!(get("N_low") < get("N") && get("N") < get("N_high"));
    assert!(get("N_low") < 41.3e9 && 41.3e9 < get("N_high"));
    assert!(get("D_low") < get("D") && get("D") < get("D_high"));
    assert!(get("loss_low") < get("loss") && get("loss") < get("loss_high"));
    // D = C / 6N for every refit, so D's ends are N's ends mirrored (up to
    // the interpolation between order statistics).
    assert!((get("D_low") * get("N_high") * 6.0 / 1e24 - 1.0).abs() < 0.02);
    assert!((get("tokens_per_param") - get("D") / get("N")).abs() < 1e-9);
    assert_eq!(get("level"), 0.95);
    // A narrower level gives a narrower interval.
    let narrow =
        eval(&format!("{FITTED} fitted.optimal(1e24, #{{level: 0.5}})")).cast::<rhai::Map>();
    assert!(narrow["N_low"].as_float().unwrap() > get("N_low"));
    assert!(narrow["N_high"].as_float().unwrap() < get("N_high"));
}

#[test]
fn the_interval_is_the_refits_own_optima() {
    // Recompute N*'s 2.5th percentile from `samples` in the script, by
    // Hoffmann eq. 4 written out, and compare with `optimal`'s.
    let got = eval_f64(&format!(
        r#"{FITTED}
        let s = fitted.samples;
        let G = (s["alpha"] * s["A"] / (s["beta"] * s["B"])) ** (1.0 / (s["alpha"] + s["beta"]));
        let n = G * (1e24 / 6.0) ** (s["beta"] / (s["alpha"] + s["beta"]));
        quantile(n, 0.025) / fitted.optimal(1e24).N_low"#
    ));
    assert!((got - 1.0).abs() < 1e-9, "{got}");
}

#[test]
fn vectors_of_budgets_compare_laws_and_tokens_per_param_carry_intervals() {
    let t = eval(&format!("{FITTED} fitted.optimal([1e22, 1e24])")).cast::<Table>();
    assert_eq!(t.len(), 2);
    assert!(t.names().iter().any(|n| n == "N_high"));
    let t = eval(&format!(
        r#"{FITTED} compare_laws(1e24, [fitted, "chinchilla", "llama3"])"#
    ))
    .cast::<Table>();
    assert_eq!(t.len(), 3);
    let lows = t.num_column("N_low").unwrap();
    assert!(lows[0].is_finite() && lows[1].is_nan() && lows[2].is_nan());
    let m = eval(&format!("{FITTED} fitted.tokens_per_param(1e24)")).cast::<rhai::Map>();
    assert!(m["low"].as_float().unwrap() < m["tokens_per_param"].as_float().unwrap());
    let p = eval(&format!(
        "{FITTED} fitted.predict(1e10, 2e11, #{{level: 0.8}})"
    ))
    .cast::<rhai::Map>();
    assert!(p["low"].as_float().unwrap() < p["loss"].as_float().unwrap());
    // Chinchilla eq. 10 at 5.76e23: 32.2B parameters on 2.98T tokens.
    let r = eval_f64(r#"law("chinchilla").tokens_per_param(5.76e23).tokens_per_param"#);
    assert!((r - 92.65).abs() < 0.01, "{r}");
}

#[test]
fn intervals_need_a_bootstrap_and_a_level_between_0_and_1() {
    let e = eval_err(r#"law("chinchilla").optimal(1e24, #{level: 0.9})"#).message;
    assert!(e.contains("a law fitted with bootstrap"), "{e}");
    let e = eval_err(&format!("{FITTED} fitted.optimal(1e24, #{{level: 1.0}})")).message;
    assert!(
        e.contains("option level must be a confidence level strictly between 0 and 1"),
        "{e}"
    );
    let e = eval_err(&format!("{FITTED} fitted.optimal(1e24, #{{levle: 0.9}})")).message;
    assert!(e.contains("unknown option 'levle'"), "{e}");
    let e = eval_err(r#"compare_laws(1e24, [1.0])"#).message;
    assert!(e.contains("laws[0] must be a law's name or a Law"), "{e}");
    // The data-constrained law's optimal(C, U) still takes U.
    let epochs = eval_f64(r#"law("data_constrained").optimal(1e22, 2e10).epochs"#);
    assert!((epochs - 12.29).abs() < 0.01, "{epochs}");
}

#[test]
fn a_seed_gives_the_same_numbers() {
    // Pinned: ChaCha8 is specified to the bit (core/src/random.rs).
    assert_eq!(eval_f64("seed(1); rand()"), 0.40248566366484806);
    assert_eq!(
        eval_f64("seed(5); let a = rand(4); seed(5); let b = rand(4); sum(a - b)"),
        0.0
    );
    let m = eval_f64("seed(2); mean(randn(20000))");
    assert!(m.abs() < 0.03, "{m}");
    let sd = eval_f64("seed(2); std(randn(20000))");
    assert!((sd - 1.0).abs() < 0.02, "{sd}");
    let within =
        eval("seed(3); let u = rand(20000); min(u) >= 0.0 && max(u) < 1.0 && max(u) > 0.99");
    assert!(within.as_bool().unwrap());
}

#[test]
fn sampling_and_the_bootstrap() {
    let t = eval(r#"table(#{x: [1.0, 2.0, 3.0, 4.0]}).sample(4, #{seed: 9})"#).cast::<Table>();
    let mut xs = t.num_column("x").unwrap().to_vec();
    xs.sort_by(f64::total_cmp);
    assert_eq!(xs, [1.0, 2.0, 3.0, 4.0]);
    let same = eval_f64(
        r#"let t = table(#{x: [1.0, 2.0, 3.0, 4.0, 5.0]});
        let a = t.sample(20, #{replace: true, seed: 1});
        let b = t.sample(20, #{replace: true, seed: 1});
        sum(a["x"] - b["x"])"#,
    );
    assert_eq!(same, 0.0);
    let e = eval_err("randn(-3)").message;
    assert!(
        e.contains("n must be a whole number of 0 or more, got -3"),
        "{e}"
    );
    let e = eval_err(r#"table(#{x: [1.0, 2.0]}).sample(3)"#).message;
    assert!(e.contains("use #{replace: true}"), "{e}");
    // The bootstrap standard error of a mean of 5 values is near
    // sd / sqrt(5) (0.158 / 2.236 = 0.0707), times sqrt(4/5) for the
    // bootstrap's plug-in variance: 0.063.
    let se = eval_f64(
        r#"seed(11);
        let t = table(#{loss: [2.1, 2.0, 2.3, 2.2, 1.9]});
        std(bootstrap(t, 4000, |s| mean(s["loss"])))"#,
    );
    assert!((se - 0.0632).abs() < 0.004, "{se}");
    let t = eval(
        r#"seed(1); bootstrap(table(#{x: [1.0, 2.0, 3.0]}), 5, |s| #{lo: min(s["x"]), hi: max(s["x"])})"#,
    )
    .cast::<Table>();
    assert_eq!(t.len(), 5);
    let e = eval_err(r#"bootstrap(table(), 5, |s| 1.0)"#).message;
    assert!(e.contains("no rows"), "{e}");
}
