//! How a fitted law's coefficients were found: the report `fit::fit_law`
//! attaches to the [`Law`](super::Law) it returns.
//!
//! The type lives with the laws so that a law can carry its provenance
//! without the laws depending on the fitting code (which depends on them).

use serde::{Deserialize, Serialize};

/// Bootstrap summary of one coefficient.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// Standard error (standard deviation over resamples).
    pub stderr: f64,
    /// 2.5th percentile.
    pub low: f64,
    /// 97.5th percentile.
    pub high: f64,
}

/// Diagnostics of a fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// The bootstrap refits, (E, A, B, alpha, beta) each, for prediction
    /// intervals that keep the coefficients' correlations.
    #[serde(skip)]
    pub samples: Vec<[f64; 5]>,
}

/// A prediction with its bootstrap interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Prediction {
    /// Parameters.
    #[serde(rename = "N")]
    pub n: f64,
    /// Tokens.
    #[serde(rename = "D")]
    pub d: f64,
    /// The fitted law's loss.
    pub loss: f64,
    /// 2.5th percentile of the loss over the bootstrap refits (when bootstrapped).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    /// 97.5th percentile.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
}

impl crate::table::Record for Prediction {
    fn format(field: &str) -> crate::table::NumFormat {
        match field {
            "N" | "D" => crate::table::NumFormat::Si,
            _ => crate::table::NumFormat::Fixed(4),
        }
    }
}

impl FitReport {
    /// The 95% bootstrap interval of E + A/N^alpha + B/D^beta at (n, d):
    /// the law evaluated with every refit's coefficients, 2.5th and 97.5th
    /// percentiles (so the coefficients' correlations are kept, unlike
    /// intervals added per coefficient). `None` without a bootstrap.
    pub fn interval(&self, n: f64, d: f64) -> crate::Result<Option<(f64, f64)>> {
        if self.samples.len() < 2 {
            return Ok(None);
        }
        let mut losses: Vec<f64> = self
            .samples
            .iter()
            .map(|[e, a, b, alpha, beta]| e + a / n.powf(*alpha) + b / d.powf(*beta))
            .filter(|l| l.is_finite())
            .collect();
        losses.sort_by(f64::total_cmp);
        Ok(Some((
            crate::numeric::reduce::quantile_sorted(&losses, 0.025)?,
            crate::numeric::reduce::quantile_sorted(&losses, 0.975)?,
        )))
    }
}

impl super::Law {
    /// The loss at N parameters and D tokens, with a 95% bootstrap
    /// interval when the law was fitted with `bootstrap`.
    pub fn predict(&self, n: f64, d: f64) -> crate::Result<Prediction> {
        let loss = self.loss(n, d)?;
        let band = match &self.fit {
            Some(r) => r.interval(n, d)?,
            None => None,
        };
        Ok(Prediction {
            n,
            d,
            loss,
            low: band.map(|b| b.0),
            high: band.map(|b| b.1),
        })
    }
}
