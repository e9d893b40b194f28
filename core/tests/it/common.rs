//! Assertions shared by the core's tests.
#![allow(dead_code)]

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
