//! How a fitted law's coefficients were found: the report `fit::fit_law`
//! attaches to the [`Law`](super::Law) it returns.
//!
//! The type lives with the laws so that a law can carry its provenance
//! without the laws depending on the fitting code (which depends on them).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::input::Level;

/// How wide a bootstrap interval is (`optimal`, `predict`,
/// `tokens_per_param`, `compare_laws` of a fitted law).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct IntervalOptions {
    /// Confidence level of the intervals: the central share of the
    /// bootstrap refits' answers (percentile bootstrap).
    pub level: Level,
}

impl Default for IntervalOptions {
    fn default() -> Self {
        IntervalOptions {
            level: Level::new("level", 0.95).expect("0.95 is a level"),
        }
    }
}

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

/// The confidence level of a bootstrap interval: the central `level`
/// share of the refits' answers (0.95 gives the 2.5th to 97.5th
/// percentiles). Strictly between 0 and 1.
pub fn check_level(level: f64) -> crate::Result<f64> {
    let level = crate::error::check::finite("level", level)?;
    if level <= 0.0 || level >= 1.0 {
        return Err(crate::Error::invalid(
            "level",
            "strictly between 0 and 1 (0.95 for a 95% interval)",
            level,
        ));
    }
    Ok(level)
}

/// The central `level` interval of `values` (percentile bootstrap,
/// linear interpolation between order statistics as numpy's default);
/// `None` with fewer than 2 finite values.
fn central(mut values: Vec<f64>, level: f64) -> crate::Result<Option<(f64, f64)>> {
    values.retain(|v| v.is_finite());
    if values.len() < 2 {
        return Ok(None);
    }
    values.sort_by(f64::total_cmp);
    let tail = (1.0 - level) / 2.0;
    Ok(Some((
        crate::numeric::reduce::quantile_sorted(&values, tail)?,
        crate::numeric::reduce::quantile_sorted(&values, 1.0 - tail)?,
    )))
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
    /// Lower end of the loss's bootstrap interval (when bootstrapped).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    /// Upper end.
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

/// A fitted law's compute-optimal allocation with bootstrap intervals:
/// every refit's own optimum at the same budget, so the interval of N*
/// carries the correlations between alpha, beta, A and B that
/// per-coefficient intervals lose (Besiroglu et al. 2024, §4, make the
/// same point about Chinchilla's Approach 3).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct OptimumInterval {
    /// Budget, FLOPs (C = 6ND).
    #[serde(rename = "C")]
    pub c: f64,
    /// Compute-optimal parameters under the fitted coefficients.
    #[serde(rename = "N")]
    pub n: f64,
    /// Lower end of N's interval.
    #[serde(rename = "N_low")]
    pub n_low: f64,
    /// Upper end of N's interval.
    #[serde(rename = "N_high")]
    pub n_high: f64,
    /// Compute-optimal tokens.
    #[serde(rename = "D")]
    pub d: f64,
    /// Lower end of D's interval.
    #[serde(rename = "D_low")]
    pub d_low: f64,
    /// Upper end of D's interval.
    #[serde(rename = "D_high")]
    pub d_high: f64,
    /// D / N.
    pub tokens_per_param: f64,
    /// Lower end of D/N's interval.
    pub tokens_per_param_low: f64,
    /// Upper end of D/N's interval.
    pub tokens_per_param_high: f64,
    /// The loss at the optimum.
    pub loss: f64,
    /// Lower end of the optimal loss's interval.
    pub loss_low: f64,
    /// Upper end.
    pub loss_high: f64,
    /// The intervals' confidence level.
    pub level: f64,
}

impl crate::table::Record for OptimumInterval {
    fn format(field: &str) -> crate::table::NumFormat {
        use crate::table::NumFormat;
        match field {
            "C" => NumFormat::Sci(3),
            "level" => NumFormat::Fixed(2),
            f if f.starts_with("tokens_per_param") => NumFormat::Fixed(1),
            f if f.starts_with('N') || f.starts_with('D') => NumFormat::Si,
            _ => NumFormat::Fixed(4),
        }
    }
}

impl FitReport {
    /// The central `level` bootstrap interval of the loss at (n, d): the
    /// law evaluated with every refit's coefficients (so the coefficients'
    /// correlations are kept, unlike intervals added per coefficient).
    /// `None` without a bootstrap.
    pub fn interval_at(&self, n: f64, d: f64, level: f64) -> crate::Result<Option<(f64, f64)>> {
        let level = check_level(level)?;
        if self.samples.len() < 2 {
            return Ok(None);
        }
        central(
            self.samples
                .iter()
                .map(|[e, a, b, alpha, beta]| e + a / n.powf(*alpha) + b / d.powf(*beta))
                .collect(),
            level,
        )
    }

    /// The refits' coefficients as laws.
    fn refits(&self) -> impl Iterator<Item = super::Parametric> + '_ {
        self.samples
            .iter()
            .map(|&[e, a, b, alpha, beta]| super::Parametric {
                e,
                a,
                b,
                alpha,
                beta,
            })
    }
}

impl super::Law {
    /// The loss at N parameters and D tokens, with a 95% bootstrap
    /// interval when the law was fitted with `bootstrap`.
    pub fn predict(&self, n: f64, d: f64) -> crate::Result<Prediction> {
        self.predict_at(n, d, 0.95)
    }

    /// [`Law::predict`] with an interval at `level`.
    pub fn predict_at(&self, n: f64, d: f64, level: f64) -> crate::Result<Prediction> {
        let level = check_level(level)?;
        let loss = self.loss(n, d)?;
        let band = match &self.fit {
            Some(r) => r.interval_at(n, d, level)?,
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

    /// Whether this law carries bootstrap refits to draw intervals from.
    pub fn has_refits(&self) -> bool {
        self.fit.as_ref().is_some_and(|r| r.samples.len() >= 2)
    }

    /// How many laws one answer evaluates: one per bootstrap refit, or
    /// just this one (what a front end charges a call to its budget for).
    pub fn evaluations(&self) -> usize {
        self.fit.as_ref().map_or(1, |r| r.samples.len().max(1))
    }

    /// The compute-optimal allocation of `c` FLOPs with central `level`
    /// intervals of N, D, D/N and the loss from the bootstrap refits (each
    /// refit's own optimum, Hoffmann eq. 4). An error for a law without
    /// refits (fit it with `bootstrap`).
    pub fn optimal_interval(&self, c: f64, level: f64) -> crate::Result<OptimumInterval> {
        let level = check_level(level)?;
        let best = self.optimal(c)?;
        let Some(report) = self.fit.as_ref().filter(|r| r.samples.len() >= 2) else {
            return Err(crate::Error::InvalidArgument {
                arg: "law".into(),
                expected: "a law fitted with bootstrap (fit_law(runs, #{bootstrap: 200}))",
                value: self.name.to_string(),
            });
        };
        let optima: Vec<crate::allocation::Allocation> =
            report.refits().filter_map(|p| p.optimal(c).ok()).collect();
        let band = |f: fn(&crate::allocation::Allocation) -> f64| -> crate::Result<(f64, f64)> {
            central(optima.iter().map(f).collect(), level)?.ok_or_else(|| {
                crate::Error::NotFinite(format!(
                    "fewer than 2 bootstrap refits have a finite optimum at C = {c:e}"
                ))
            })
        };
        let (n_low, n_high) = band(|a| a.n)?;
        let (d_low, d_high) = band(|a| a.d)?;
        let (r_low, r_high) = band(|a| a.d / a.n)?;
        let (l_low, l_high) = band(|a| a.loss)?;
        Ok(OptimumInterval {
            c: best.c,
            n: best.n,
            n_low,
            n_high,
            d: best.d,
            d_low,
            d_high,
            tokens_per_param: best.d / best.n,
            tokens_per_param_low: r_low,
            tokens_per_param_high: r_high,
            loss: best.loss,
            loss_low: l_low,
            loss_high: l_high,
            level,
        })
    }
}

/// The compute-optimal tokens per parameter at a budget, with its
/// bootstrap interval when the law carries refits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TokensPerParam {
    /// Budget, FLOPs.
    #[serde(rename = "C")]
    pub c: f64,
    /// D / N at the compute-optimal allocation.
    pub tokens_per_param: f64,
    /// Lower end of the interval (when bootstrapped).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    /// Upper end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
}

impl crate::table::Record for TokensPerParam {
    fn format(field: &str) -> crate::table::NumFormat {
        match field {
            "C" => crate::table::NumFormat::Sci(3),
            _ => crate::table::NumFormat::Fixed(1),
        }
    }
}

impl super::Law {
    /// D/N at the compute-optimal allocation of `c`, with the central
    /// `level` interval over the bootstrap refits when there are any.
    pub fn tokens_per_param_at(&self, c: f64, level: f64) -> crate::Result<TokensPerParam> {
        if self.has_refits() {
            let o = self.optimal_interval(c, level)?;
            return Ok(TokensPerParam {
                c: o.c,
                tokens_per_param: o.tokens_per_param,
                low: Some(o.tokens_per_param_low),
                high: Some(o.tokens_per_param_high),
            });
        }
        check_level(level)?;
        let a = self.optimal(c)?;
        Ok(TokensPerParam {
            c: a.c,
            tokens_per_param: a.d / a.n,
            low: None,
            high: None,
        })
    }
}
