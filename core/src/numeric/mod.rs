//! Numbers in bulk, as numpy handles them: grids ([`linspace`],
//! [`logspace`], [`arange`]), elementwise arithmetic ([`elementwise`]),
//! reductions ([`reduce`]) and the one-dimensional searches the laws use.

pub mod elementwise;
pub mod reduce;

use rayon::prelude::*;

use crate::error::{check, Error, Result};

/// Work on at least this many elements is split across threads (below it
/// the threads cost more than they save).
pub const PARALLEL_MIN: usize = 1 << 15;

/// `f(i)` for i in 0..n, computed on all cores for large n. The error is
/// the one at the smallest index (as a sequential loop would report it).
pub fn par_map(
    n: usize,
    f: impl Fn(usize) -> Result<f64> + Sync,
) -> std::result::Result<Vec<f64>, (usize, Error)> {
    const CHUNK: usize = 1 << 13;
    let mut out = vec![0.0; n];
    let fill = |start: usize, chunk: &mut [f64]| -> std::result::Result<(), (usize, Error)> {
        for (j, o) in chunk.iter_mut().enumerate() {
            *o = f(start + j).map_err(|e| (start + j, e))?;
        }
        Ok(())
    };
    if n < PARALLEL_MIN {
        fill(0, &mut out)?;
        return Ok(out);
    }
    let errors: Vec<(usize, Error)> = out
        .par_chunks_mut(CHUNK)
        .enumerate()
        .filter_map(|(c, chunk)| fill(c * CHUNK, chunk).err())
        .collect();
    match errors.into_iter().min_by_key(|(i, _)| *i) {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

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
    let div = (n - 1) as f64;
    let step = (b - a) / div;
    let mut v: Vec<f64> = if step.is_finite() {
        (0..n).map(|i| a + step * i as f64).collect()
    } else {
        // b - a overflows (a grid across most of the f64 range): interpolate instead.
        (0..n)
            .map(|i| {
                let t = i as f64 / div;
                a * (1.0 - t) + b * t
            })
            .collect()
    };
    // numpy pins the last point to `b` exactly; so do we.
    v[n - 1] = b;
    Ok(v)
}

/// `n` points from 10^a to 10^b, evenly spaced in log (numpy `logspace`).
pub fn logspace(a: f64, b: f64, n: i64) -> Result<Vec<f64>> {
    let mut v = linspace(a, b, n)?;
    if v.len() < PARALLEL_MIN {
        v.iter_mut().for_each(|x| *x = 10f64.powf(*x));
    } else {
        v.par_iter_mut().for_each(|x| *x = 10f64.powf(*x));
    }
    if let Some(bad) = v.iter().find(|x| !x.is_finite() || **x == 0.0) {
        return Err(Error::NotFinite(format!(
            "a grid from 10^{a} to 10^{b} leaves the range of numbers (got {bad}); exponents must lie within about -307..308"
        )));
    }
    Ok(v)
}

/// Numbers from `start` up to (not including) `stop` in steps of `step`
/// (numpy `arange`; a negative step counts down).
pub fn arange(start: f64, stop: f64, step: f64) -> Result<Vec<f64>> {
    let start = check::finite("start", start)?;
    let stop = check::finite("stop", stop)?;
    let step = check::finite("step", step)?;
    if step == 0.0 {
        return Err(Error::invalid("step", "a non-zero number", step));
    }
    let n = ((stop - start) / step).ceil();
    if n.is_nan() || n > MAX_POINTS as f64 {
        return Err(Error::InvalidArgument {
            arg: "step".into(),
            expected: "a step giving at most 50,000,000 points",
            value: format!("{step} from {start} to {stop}"),
        });
    }
    Ok((0..n.max(0.0) as usize)
        .map(|i| start + step * i as f64)
        .collect())
}

/// How many points `arange(start, stop, step)` gives, without building them.
pub fn arange_len(start: f64, stop: f64, step: f64) -> f64 {
    ((stop - start) / step).ceil().max(0.0)
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
