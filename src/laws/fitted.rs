//! How a fitted law's coefficients were found: the report `fit::fit_law`
//! attaches to the [`Law`](super::Law) it returns.
//!
//! The type lives with the laws so that a law can carry its provenance
//! without the laws depending on the fitting code (which depends on them).

use serde::Serialize;

/// Bootstrap summary of one coefficient.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// Standard error (standard deviation over resamples).
    pub stderr: f64,
    /// 2.5th percentile.
    pub low: f64,
    /// 97.5th percentile.
    pub high: f64,
}

/// Diagnostics of a fit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FitReport {
    /// Objective at the optimum.
    pub objective: f64,
    /// Starts tried.
    pub starts: usize,
    /// Starts whose L-BFGS run met its convergence test.
    pub converged: usize,
    /// Runs fitted.
    pub runs: usize,
    /// Log residuals, predicted minus observed, one per run.
    pub residuals: Vec<f64>,
    /// Bootstrap resamples used (0 = none).
    pub bootstrap: usize,
    /// Intervals of E, A, B, alpha, beta (when bootstrapped).
    pub intervals: Option<[Interval; 5]>,
}
