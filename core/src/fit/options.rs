//! The options of `fit_law`, `fit_isoflop`, `plot_fit`,
//! `plot_extrapolation` and `simulate_runs`, declared once (see
//! [`crate::input`]).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{objective::Penalty, FitOptions, Fixed, Grid, Run};
use crate::error::{Error, Result};
use crate::input::{Count, NonNegative, Numbers, Positive, Whole};
use crate::table::Table;

/// Which columns of a table of runs hold what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct RunColumns {
    /// Parameters.
    #[serde(rename = "N")]
    pub n: String,
    /// Training tokens (when the table has no such column, `C` / 6N).
    #[serde(rename = "D")]
    pub d: Option<String>,
    /// Compute, used for D = C / 6N when there is no `D` column.
    #[serde(rename = "C")]
    pub c: String,
    /// Final loss.
    pub loss: String,
    /// A weight per run (1 each when absent).
    pub weights: Option<String>,
}

impl Default for RunColumns {
    fn default() -> Self {
        RunColumns {
            n: "N".into(),
            d: None,
            c: "C".into(),
            loss: "loss".into(),
            weights: None,
        }
    }
}

impl RunColumns {
    /// The runs of `t`.
    pub fn runs(&self, t: &Table) -> Result<Vec<Run>> {
        let col = |name: &str| t.num_column(name).map(|v| v.to_vec());
        let n = col(&self.n)?;
        let loss = col(&self.loss)?;
        let d = match &self.d {
            Some(d) => col(d)?,
            None if t.names().iter().any(|c| c == "D") => col("D")?,
            None => {
                let c = col(&self.c)?;
                c.iter().zip(&n).map(|(c, n)| c / (6.0 * n)).collect()
            }
        };
        let w = match &self.weights {
            Some(w) => col(w)?,
            None => vec![1.0; n.len()],
        };
        Ok((0..n.len())
            .map(|i| Run {
                n: n[i],
                d: d[i],
                loss: loss[i],
                weight: w[i],
            })
            .collect())
    }

    /// The compute column of `t`: `C` when there is one, else 6ND.
    pub fn compute(&self, t: &Table, runs: &[Run]) -> Result<Vec<f64>> {
        if t.names().contains(&self.c) {
            Ok(t.num_column(&self.c)?.to_vec())
        } else {
            Ok(runs.iter().map(|r| 6.0 * r.n * r.d).collect())
        }
    }
}

/// How residuals are penalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum LossFn {
    /// Huber with `delta` (Hoffmann et al. 2022, delta 1e-3).
    Huber,
    /// Plain squares.
    Squared,
    /// Squares, over-prediction weighted by `over`.
    Asymmetric,
}

/// Coefficients held at a value while the others are fitted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct FixSpec {
    /// Irreducible loss E.
    #[serde(rename = "E")]
    pub e: Option<Positive>,
    /// A.
    #[serde(rename = "A")]
    pub a: Option<Positive>,
    /// B.
    #[serde(rename = "B")]
    pub b: Option<Positive>,
    /// alpha.
    pub alpha: Option<Positive>,
    /// beta.
    pub beta: Option<Positive>,
}

/// Starting values per coefficient, in Hoffmann's parameterisation
/// (a = ln A, b = ln B, e = ln E); Hoffmann's grid for the ones not given.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct GridSpec {
    /// Starting values of ln A.
    pub a: Option<Numbers>,
    /// Starting values of ln B.
    pub b: Option<Numbers>,
    /// Starting values of ln E.
    pub e: Option<Numbers>,
    /// Starting values of alpha.
    pub alpha: Option<Numbers>,
    /// Starting values of beta.
    pub beta: Option<Numbers>,
}

/// Bootstrap resamples past this are refused (0.35 s per 4,000 here).
pub const MAX_BOOTSTRAP: f64 = 100_000.0;

/// How to fit a law to runs (Hoffmann et al. 2022 Approach 3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct FitLawOptions {
    /// The columns.
    #[serde(flatten)]
    pub columns: RunColumns,
    /// The penalty on log residuals.
    pub loss_fn: LossFn,
    /// Huber's delta.
    pub delta: Positive,
    /// Asymmetric: the weight of over-prediction.
    pub over: Positive,
    /// Coefficients held fixed, e.g. `#{E: 1.69}`.
    pub fix: FixSpec,
    /// Starting values, e.g. `#{alpha: [0.3, 0.5]}`.
    pub grid: GridSpec,
    /// Bootstrap resamples for standard errors and 95% intervals (0 = none; at most 100,000).
    pub bootstrap: Whole,
    /// Seed of the resampling.
    pub seed: Whole,
    /// Show a progress bar for the bootstrap (in a terminal).
    pub progress: bool,
}

impl Default for FitLawOptions {
    fn default() -> Self {
        let d = FitOptions::default();
        FitLawOptions {
            columns: RunColumns::default(),
            loss_fn: LossFn::Huber,
            delta: Positive::new("", 1e-3).expect("positive"),
            over: Positive::new("", 4.0).expect("positive"),
            fix: FixSpec::default(),
            grid: GridSpec::default(),
            bootstrap: Whole::new("", 0.0).expect("whole"),
            seed: Whole::new("", d.seed as f64).expect("whole"),
            progress: true,
        }
    }
}

impl FitLawOptions {
    /// The fit's settings (the budget and progress reporting are the caller's).
    pub fn fit_options(&self) -> Result<FitOptions> {
        let b = self.bootstrap.get();
        if b > MAX_BOOTSTRAP {
            return Err(Error::invalid(
                "bootstrap",
                "from 0 to 100,000 resamples",
                b,
            ));
        }
        let mut grid = Grid::default();
        let g = &self.grid;
        for (slot, v) in [
            (&mut grid.a, &g.a),
            (&mut grid.b, &g.b),
            (&mut grid.e, &g.e),
            (&mut grid.alpha, &g.alpha),
            (&mut grid.beta, &g.beta),
        ] {
            if let Some(v) = v {
                *slot = v.values().to_vec();
            }
        }
        let f = &self.fix;
        Ok(FitOptions {
            penalty: match self.loss_fn {
                LossFn::Huber => Penalty::Huber(self.delta.get()),
                LossFn::Squared => Penalty::Squared,
                LossFn::Asymmetric => Penalty::Asymmetric(self.over.get()),
            },
            grid,
            fixed: Fixed {
                e: f.e.map(Positive::get),
                a: f.a.map(Positive::get),
                b: f.b.map(Positive::get),
                alpha: f.alpha.map(Positive::get),
                beta: f.beta.map(Positive::get),
            },
            bootstrap: b as usize,
            seed: self.seed.get() as u64,
            ..FitOptions::default()
        })
    }
}

/// Synthetic runs from a law (for trying the fitting out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct SimulateOptions {
    /// Compute budgets; 1e18 to 1e21 in 7 steps when absent.
    pub budgets: Option<Numbers>,
    /// Model sizes per budget (at most 1,000).
    pub per_budget: Count,
    /// Decades either side of the optimum the sizes span.
    pub spread: Positive,
    /// Standard deviation of the multiplicative log-normal noise on the loss.
    pub noise: NonNegative,
    /// Seed of the noise.
    pub seed: Whole,
}

impl Default for SimulateOptions {
    fn default() -> Self {
        SimulateOptions {
            budgets: None,
            per_budget: Count::new("", 9.0).expect("a count"),
            spread: Positive::new("", 1.0).expect("positive"),
            noise: NonNegative::new("", 0.01).expect("non-negative"),
            seed: Whole::new("", 1.0).expect("whole"),
        }
    }
}

impl SimulateOptions {
    /// The budgets.
    pub fn budgets(&self) -> Result<Vec<f64>> {
        match &self.budgets {
            Some(b) => Ok(b.values().to_vec()),
            None => crate::numeric::logspace(18.0, 21.0, 7),
        }
    }

    /// Sizes per budget, checked.
    pub fn per_budget(&self) -> Result<usize> {
        let p = self.per_budget.get();
        if p > 1000.0 {
            return Err(Error::invalid("per_budget", "from 1 to 1,000", p));
        }
        Ok(p as usize)
    }
}
