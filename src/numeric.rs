//! Grids of numbers, as numpy builds them.

use crate::error::{check, Error, Result};

/// The largest grid a single call may build (keeps a typo like `1e9` points
/// from exhausting memory).
pub const MAX_POINTS: usize = 50_000_000;

fn count(n: i64) -> Result<usize> {
    if n < 1 || n as u64 > MAX_POINTS as u64 {
        return Err(Error::InvalidArgument {
            arg: "num".into(),
            expected: "a whole number of points from 1 to 50,000,000",
            value: n.to_string(),
        });
    }
    Ok(n as usize)
}

/// `n` points evenly spaced from `a` to `b` inclusive (numpy `linspace`).
pub fn linspace(a: f64, b: f64, n: i64) -> Result<Vec<f64>> {
    let a = check::finite("a", a)?;
    let b = check::finite("b", b)?;
    let n = count(n)?;
    if n == 1 {
        return Ok(vec![a]);
    }
    let step = (b - a) / (n - 1) as f64;
    let mut v: Vec<f64> = (0..n).map(|i| a + step * i as f64).collect();
    // numpy pins the last point to `b` exactly; so do we.
    v[n - 1] = b;
    Ok(v)
}

/// `n` points from 10^a to 10^b, evenly spaced in log (numpy `logspace`).
pub fn logspace(a: f64, b: f64, n: i64) -> Result<Vec<f64>> {
    let mut v = linspace(a, b, n)?;
    for x in &mut v {
        *x = 10f64.powf(*x);
    }
    if let Some(bad) = v.iter().find(|x| !x.is_finite() || **x == 0.0) {
        return Err(Error::NotFinite(format!(
            "logspace({a}, {b}, ..) leaves the f64 range (got {bad}); exponents must lie within about -307..308"
        )));
    }
    Ok(v)
}

/// Index of the element nearest `target` (first one on ties, as numpy `argmin`).
pub fn argmin_abs_diff(values: &[f64], target: f64) -> Result<usize> {
    let target = check::finite("value", target)?;
    if values.is_empty() {
        return Err(Error::Empty {
            arg: "column".into(),
        });
    }
    let mut best = 0;
    let mut best_d = f64::INFINITY;
    for (i, v) in values.iter().enumerate() {
        let d = (v - target).abs();
        if d < best_d {
            best = i;
            best_d = d;
        }
    }
    Ok(best)
}

/// The minimiser of a unimodal `f` on `[lo, hi]` by golden-section search;
/// each of the `iters` steps shrinks the bracket by 0.618.
pub fn golden_section(f: impl Fn(f64) -> f64, lo: f64, hi: f64, iters: usize) -> f64 {
    let inv_phi = (5f64.sqrt() - 1.0) / 2.0;
    let (mut lo, mut hi) = (lo, hi);
    let mut x1 = hi - inv_phi * (hi - lo);
    let mut x2 = lo + inv_phi * (hi - lo);
    let (mut f1, mut f2) = (f(x1), f(x2));
    for _ in 0..iters {
        if f1 < f2 {
            hi = x2;
            x2 = x1;
            f2 = f1;
            x1 = hi - inv_phi * (hi - lo);
            f1 = f(x1);
        } else {
            lo = x1;
            x1 = x2;
            f1 = f2;
            x2 = lo + inv_phi * (hi - lo);
            f2 = f(x2);
        }
    }
    0.5 * (lo + hi)
}
