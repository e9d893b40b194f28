//! Helpers shared by the integration tests.
#![allow(dead_code)]

use scaling_lab_script::{Interpreter, ScriptError};

/// A capturing session with `NAN`, `INF` and `NEG_INF` defined, the values
/// a script cannot make itself (arithmetic that would produce them is an
/// error) but that can reach functions from Rust or a bad file.
pub fn session() -> Interpreter {
    let mut s = Interpreter::capturing();
    s.set_variable("NAN", rhai::Dynamic::from_float(f64::NAN));
    s.set_variable("INF", rhai::Dynamic::from_float(f64::INFINITY));
    s.set_variable("NEG_INF", rhai::Dynamic::from_float(f64::NEG_INFINITY));
    s
}

/// Evaluate `code` in a fresh capturing session and return its value.
#[track_caller]
pub fn eval(code: &str) -> rhai::Dynamic {
    let mut s = session();
    match s.run(code) {
        Ok(out) => out.value,
        Err(e) => panic!("`{code}` failed:\n{e}"),
    }
}

/// Evaluate `code` and return it as a float.
#[track_caller]
pub fn eval_f64(code: &str) -> f64 {
    let v = eval(code);
    v.as_float()
        .unwrap_or_else(|_| panic!("`{code}` gave {v:?}, not a float"))
}

/// Evaluate `code`, which must fail, and return the error.
#[track_caller]
pub fn eval_err(code: &str) -> ScriptError {
    let mut s = session();
    match s.run(code) {
        Ok(out) => panic!("`{code}` should fail but gave {:?}", out.value),
        Err(e) => e,
    }
}

/// |actual - expected| <= rel |expected|, reporting the caller's line.
#[track_caller]
pub fn assert_rel(actual: f64, expected: f64, rel: f64) {
    assert!(
        actual.is_finite() && (actual - expected).abs() <= rel * expected.abs(),
        "{actual} is not within {rel} (relative) of {expected}"
    );
}

/// `actual` rounds to `printed` at the printed number of decimals.
#[track_caller]
pub fn assert_prints_as(actual: f64, printed: &str) {
    let decimals = printed.split_once('.').map_or(0, |(_, f)| f.len());
    let got = format!("{actual:.decimals$}");
    assert_eq!(got, printed, "{actual} should print as {printed}");
}

/// `actual` has the same `sig` significant digits as `printed`.
#[track_caller]
pub fn assert_sig(actual: f64, printed: f64, sig: usize) {
    let a = format!("{actual:.p$e}", p = sig - 1);
    let b = format!("{printed:.p$e}", p = sig - 1);
    assert_eq!(a, b, "{actual} vs {printed} to {sig} significant digits");
}
