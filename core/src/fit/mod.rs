//! Fitting scaling laws to training runs.
//!
//! - [`fit_law`]: L(N, D) = E + A/N^alpha + B/D^beta by Hoffmann et al.
//!   2022's Approach 3 method (Huber loss on log residuals, L-BFGS from a
//!   grid of starts), with bootstrap intervals.
//! - [`power::fit_power_law`] and [`power::isoflop`]: single power laws and
//!   Hoffmann's Approach 2.
//!
//! See `docs/fitting.md` for the method, defaults and sources.

pub mod avx2;
pub mod objective;
pub mod optimize;
mod options;
pub mod power;
pub mod simulate;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

use std::sync::Arc;

use crate::budget::{Budget, Progress};
use crate::error::{check, Error, Result};
pub use crate::laws::fitted::{FitReport, Interval};
use crate::laws::{Form, Law, Parametric};
use crate::numeric::reduce::quantile_sorted;
use objective::{Objective, Penalty, Prepared};
pub use options::{FitLawOptions, FixSpec, GridSpec, LossFn, RunColumns, SimulateOptions};

/// One training run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Run {
    /// Parameters.
    pub n: f64,
    /// Tokens.
    pub d: f64,
    /// Final loss.
    pub loss: f64,
    /// Weight in the objective (1 by default).
    pub weight: f64,
}

/// Hoffmann et al. 2022's initialisation grid (Appendix D.2): alpha, beta in
/// {0, 0.5, ..., 2}, e in {-1, -0.5, ..., 1}, a, b in {0, 5, ..., 25}:
/// 5 x 5 x 5 x 6 x 6 = 4,500 starts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Grid {
    /// Starting values of a = ln A.
    pub a: Vec<f64>,
    /// Starting values of b = ln B.
    pub b: Vec<f64>,
    /// Starting values of e = ln E.
    pub e: Vec<f64>,
    /// Starting values of alpha.
    pub alpha: Vec<f64>,
    /// Starting values of beta.
    pub beta: Vec<f64>,
}

impl Default for Grid {
    fn default() -> Self {
        let step = |lo: f64, hi: f64, s: f64| -> Vec<f64> {
            let n = ((hi - lo) / s).round() as usize;
            (0..=n).map(|k| lo + s * k as f64).collect()
        };
        Grid {
            a: step(0.0, 25.0, 5.0),
            b: step(0.0, 25.0, 5.0),
            e: step(-1.0, 1.0, 0.5),
            alpha: step(0.0, 2.0, 0.5),
            beta: step(0.0, 2.0, 0.5),
        }
    }
}

impl Grid {
    /// Every combination, in parameter order a, b, e, alpha, beta.
    pub fn points(&self) -> Vec<[f64; 5]> {
        let mut v = Vec::with_capacity(self.len());
        for &a in &self.a {
            for &b in &self.b {
                for &e in &self.e {
                    for &al in &self.alpha {
                        for &be in &self.beta {
                            v.push([a, b, e, al, be]);
                        }
                    }
                }
            }
        }
        v
    }

    /// Number of starts.
    pub fn len(&self) -> usize {
        self.a.len() * self.b.len() * self.e.len() * self.alpha.len() * self.beta.len()
    }

    /// True when some axis has no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Starts, counted without overflowing (a grid of 3000 values per axis
    /// has 2.4e17 of them).
    pub fn size(&self) -> f64 {
        [&self.a, &self.b, &self.e, &self.alpha, &self.beta]
            .iter()
            .map(|v| v.len() as f64)
            .product()
    }

    /// Every axis non-empty, every value finite and in a range where the
    /// law's terms stay finite, at most [`MAX_STARTS`] starts.
    pub fn check(&self) -> Result<()> {
        let axes: [(&str, &Vec<f64>, f64, f64); 5] = [
            ("grid.a", &self.a, -100.0, 100.0),
            ("grid.b", &self.b, -100.0, 100.0),
            ("grid.e", &self.e, -20.0, 20.0),
            ("grid.alpha", &self.alpha, 0.0, 20.0),
            ("grid.beta", &self.beta, 0.0, 20.0),
        ];
        for (name, values, lo, hi) in axes {
            if values.is_empty() {
                return Err(Error::Empty { arg: name.into() });
            }
            for (i, v) in values.iter().enumerate() {
                if !(v.is_finite() && (lo..=hi).contains(v)) {
                    return Err(Error::InvalidArgument {
                        arg: format!("{name}[{i}]"),
                        expected: "a finite starting value in its range (a, b in -100..100; e in -20..20; alpha, beta in 0..20)",
                        value: crate::error::format_value(*v),
                    });
                }
            }
        }
        if self.size() > MAX_STARTS as f64 {
            return Err(Error::TooLarge {
                what: "the grid of starts".into(),
                size: self.size(),
                limit: MAX_STARTS,
            });
        }
        Ok(())
    }
}

/// The most starting points a fit may have (each costs about 0.1 ms).
pub const MAX_STARTS: usize = 1_000_000;

/// Coefficients to hold fixed during the fit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Fixed {
    /// E.
    pub e: Option<f64>,
    /// A.
    pub a: Option<f64>,
    /// B.
    pub b: Option<f64>,
    /// alpha.
    pub alpha: Option<f64>,
    /// beta.
    pub beta: Option<f64>,
}

/// How to fit.
#[derive(Debug, Clone)]
pub struct FitOptions {
    /// Penalty on log residuals (Huber, delta 1e-3, as Hoffmann).
    pub penalty: Penalty,
    /// Starting points.
    pub grid: Grid,
    /// Coefficients held fixed.
    pub fixed: Fixed,
    /// Bootstrap resamples for intervals (0 = none).
    pub bootstrap: usize,
    /// Seed of the bootstrap resampling.
    pub seed: u64,
    /// Told how many bootstrap refits are done (a front end draws the bar).
    pub progress: Option<Progress>,
    /// Charged for every objective evaluation; stops the fit when interrupted
    /// or over its limit.
    pub budget: Arc<Budget>,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            penalty: Penalty::Huber(1e-3),
            grid: Grid::default(),
            fixed: Fixed::default(),
            bootstrap: 0,
            seed: 42,
            progress: None,
            budget: Arc::new(Budget::unlimited()),
        }
    }
}

/// A fitted law and its diagnostics.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// The coefficients.
    pub params: Parametric,
    /// How the fit went.
    pub report: FitReport,
}

impl Fit {
    /// The fit as a [`Law`] that carries its report.
    pub fn into_law(self) -> Law {
        Law {
            name: std::borrow::Cow::Borrowed("fitted"),
            citation: format!(
                "fitted to {} runs: Huber on log residuals, L-BFGS from {} starts (Hoffmann et al. 2022 Approach 3)",
                self.report.runs, self.report.starts
            ),
            form: Form::Parametric(self.params),
            fit: Some(std::sync::Arc::new(self.report)),
        }
    }
}

fn prepare(runs: &[Run]) -> Result<Prepared> {
    if runs.len() < 5 {
        return Err(Error::InvalidArgument {
            arg: "runs".into(),
            expected: "at least 5 runs (the law has 5 coefficients)",
            value: runs.len().to_string(),
        });
    }
    for (i, r) in runs.iter().enumerate() {
        check::positive(&format!("N[{i}]"), r.n)?;
        check::positive(&format!("D[{i}]"), r.d)?;
        check::positive(&format!("loss[{i}]"), r.loss)?;
        check::positive(&format!("weight[{i}]"), r.weight)?;
    }
    let distinct = |f: fn(&Run) -> f64| {
        let first = f(&runs[0]);
        runs.iter().any(|r| (f(r) / first - 1.0).abs() > 1e-9)
    };
    if !distinct(|r| r.n) {
        return Err(Error::InvalidArgument {
            arg: "N".into(),
            expected: "at least two different model sizes (alpha is not identifiable otherwise)",
            value: format!("all {}", runs[0].n),
        });
    }
    if !distinct(|r| r.d) {
        return Err(Error::InvalidArgument {
            arg: "D".into(),
            expected: "at least two different token counts (beta is not identifiable otherwise)",
            value: format!("all {}", runs[0].d),
        });
    }
    Ok(Prepared::from_runs(runs))
}

fn objective_for<'a>(data: &'a Prepared, opts: &FitOptions) -> Result<Objective<'a>> {
    let f = &opts.fixed;
    let log_fixed = |name: &str, v: Option<f64>| -> Result<Option<f64>> {
        v.map(|x| check::positive(name, x).map(f64::ln)).transpose()
    };
    let fixed = [
        log_fixed("A", f.a)?,
        log_fixed("B", f.b)?,
        log_fixed("E", f.e)?,
        f.alpha.map(|x| check::positive("alpha", x)).transpose()?,
        f.beta.map(|x| check::positive("beta", x)).transpose()?,
    ];
    let mut base = [0.0; 5];
    let mut free = [true; 5];
    for i in 0..5 {
        if let Some(v) = fixed[i] {
            base[i] = v;
            free[i] = false;
        }
    }
    if free.iter().all(|f| !f) {
        return Err(Error::InvalidArgument {
            arg: "fix".into(),
            expected: "at least one coefficient left free",
            value: "all five fixed".into(),
        });
    }
    Ok(Objective {
        data,
        penalty: opts.penalty,
        free,
        base,
    })
}

fn to_params(t: &[f64; 5]) -> Parametric {
    Parametric {
        a: t[0].exp(),
        b: t[1].exp(),
        e: t[2].exp(),
        alpha: t[3],
        beta: t[4],
    }
}

fn check_penalty(p: Penalty) -> Result<()> {
    match p {
        Penalty::Huber(d) => check::positive_at_most("delta", d, 10.0).map(|_| ()),
        Penalty::Asymmetric(k) => check::positive_at_most("over", k, 1e6).map(|_| ()),
        Penalty::Squared => Ok(()),
    }
}

/// Fit L(N, D) = E + A/N^alpha + B/D^beta to `runs`.
pub fn fit_law(runs: &[Run], opts: &FitOptions) -> Result<Fit> {
    check_penalty(opts.penalty)?;
    opts.grid.check()?;
    let data = prepare(runs)?;
    let obj = objective_for(&data, opts)?;
    let starts: Vec<Vec<f64>> = opts.grid.points().iter().map(|t| obj.free_of(t)).collect();
    let (best, converged) = optimize::multistart(&obj, &starts, &opts.budget)?;
    let theta = obj.full(&best.params);
    let params = to_params(&theta);
    if ![params.a, params.b, params.e, params.alpha, params.beta]
        .iter()
        .all(|v| v.is_finite())
    {
        return Err(Error::NotFinite(
            "the fit diverged (coefficients not finite); check the data or fix a coefficient"
                .into(),
        ));
    }
    let (intervals, samples) = if opts.bootstrap > 0 {
        let (iv, samples) = bootstrap(runs, &obj, &best.params, opts)?;
        (Some(iv), samples)
    } else {
        (None, Vec::new())
    };
    Ok(Fit {
        params,
        report: FitReport {
            objective: best.cost,
            starts: starts.len(),
            converged,
            runs: runs.len(),
            residuals: obj.residuals(&theta),
            bootstrap: opts.bootstrap,
            intervals,
            samples,
        },
    })
}

/// Refit on `opts.bootstrap` resamples of the runs (drawn with replacement,
/// ChaCha8 seeded with `opts.seed`, so a seed gives the same intervals), each
/// from the full-data optimum, and summarise every coefficient; the refits
/// themselves are kept for prediction intervals.
fn bootstrap(
    runs: &[Run],
    full: &Objective,
    best: &[f64],
    opts: &FitOptions,
) -> Result<([Interval; 5], Vec<[f64; 5]>)> {
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let samples: Vec<Vec<usize>> = (0..opts.bootstrap)
        .map(|_| {
            (0..runs.len())
                .map(|_| rng.random_range(0..runs.len()))
                .collect()
        })
        .collect();
    let total = opts.bootstrap as u64;
    let done = std::sync::atomic::AtomicU64::new(0);
    let fits: Vec<[f64; 5]> = samples
        .par_iter()
        .map(|idx| {
            let sample: Vec<Run> = idx.iter().map(|&i| runs[i]).collect();
            let out = prepare(&sample).ok().map(|data| {
                let obj = Objective {
                    data: &data,
                    ..full.clone()
                };
                let local = optimize::local(&obj, best.to_vec(), &opts.budget);
                let p = to_params(&obj.full(&local.params));
                [p.e, p.a, p.b, p.alpha, p.beta]
            });
            if let Some(p) = &opts.progress {
                p.report(
                    "bootstrap",
                    done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1,
                    total,
                );
            }
            out
        })
        .flatten()
        .filter(|p| p.iter().all(|v| v.is_finite()))
        .collect();
    opts.budget.status()?;
    if fits.len() < 2 {
        return Err(Error::NotFinite(
            "the bootstrap produced fewer than 2 usable refits (too few distinct runs?)".into(),
        ));
    }
    let mut out = [Interval {
        stderr: 0.0,
        low: 0.0,
        high: 0.0,
    }; 5];
    for (k, slot) in out.iter_mut().enumerate() {
        let mut v: Vec<f64> = fits.iter().map(|p| p[k]).collect();
        v.sort_by(f64::total_cmp);
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (v.len() - 1) as f64;
        *slot = Interval {
            stderr: var.sqrt(),
            low: quantile_sorted(&v, 0.025)?,
            high: quantile_sorted(&v, 0.975)?,
        };
    }
    Ok((out, fits))
}
