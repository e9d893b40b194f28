//! Fit efficiency constants to measured runs: minimise the squared log
//! ratio of predicted to measured step time (throughputs inverted) over
//! the chosen constants, by Nelder-Mead (argmin) on their logarithms, so
//! a run twice too slow and one twice too fast weigh the same and every
//! constant stays positive. Efficiencies are held at most 1.

use argmin::core::{CostFunction, Executor, State};
use argmin::solver::neldermead::NelderMead;
use serde::Serialize;

use super::runs::Measurement;
use super::Constants;
use crate::error::{Error, Result};

/// What `calibrate` fits, and from where it starts.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CalibrateOptions {
    /// Names of the constants to fit (`perf_model()` lists them); at most
    /// as many as there are runs.
    pub fit: Vec<String>,
    /// Constants to start from and keep where not fitted; the first run's
    /// hardware generation's when absent.
    #[serde(default)]
    pub constants: Option<Constants>,
}

/// Fitted constants and how well they fit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    /// The constants, the fitted ones replaced.
    pub constants: Constants,
    /// Mean absolute relative error of the step time over the runs.
    pub mean_abs_error: f64,
    /// Largest absolute relative error.
    pub max_abs_error: f64,
    /// Each run's relative error, in order.
    pub errors: Vec<f64>,
}

struct Objective<'a> {
    runs: &'a [Measurement],
    base: &'a Constants,
    names: &'a [String],
}

impl Objective<'_> {
    fn constants(&self, p: &[f64]) -> Result<Constants> {
        let mut c = self.base.clone();
        for (name, v) in self.names.iter().zip(p) {
            c.set(name, v.exp())?;
        }
        Ok(c)
    }
}

impl CostFunction for Objective<'_> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, p: &Vec<f64>) -> std::result::Result<f64, argmin::core::Error> {
        let c = match self.constants(p) {
            Ok(c) if c.check().is_ok() => c,
            _ => return Ok(1e6),
        };
        let mut sum = 0.0;
        for r in self.runs {
            match r.error(&c) {
                Ok(e) => sum += (1.0 + e).ln().powi(2),
                Err(_) => return Ok(1e6),
            }
        }
        Ok(sum)
    }
}

/// Errors of `c` on `runs`: (each, mean absolute, max absolute).
pub fn errors(runs: &[Measurement], c: &Constants) -> Result<(Vec<f64>, f64, f64)> {
    let errors = runs
        .iter()
        .map(|r| r.error(c))
        .collect::<Result<Vec<f64>>>()?;
    let n = errors.len().max(1) as f64;
    let mean = errors.iter().map(|e| e.abs()).sum::<f64>() / n;
    let max = errors.iter().fold(0.0_f64, |m, e| m.max(e.abs()));
    Ok((errors, mean, max))
}

/// Fit the constants `names` (from [`super::constants::FITTABLE`]) to `runs`,
/// starting from `base`.
pub fn calibrate(runs: &[Measurement], base: &Constants, names: &[String]) -> Result<Calibration> {
    if runs.is_empty() {
        return Err(Error::invalid("runs", "at least one measured run", 0.0));
    }
    if names.is_empty() || names.len() > runs.len() {
        return Err(Error::InvalidArgument {
            arg: "fit".into(),
            expected: "between one constant and as many as there are runs",
            value: format!("{} constants for {} runs", names.len(), runs.len()),
        });
    }
    let start: Vec<f64> = names
        .iter()
        .map(|n| base.get(n).map(|v| v.max(1e-9).ln()))
        .collect::<Result<_>>()?;
    let mut simplex = vec![start.clone()];
    for i in 0..start.len() {
        let mut p = start.clone();
        p[i] += 0.2;
        simplex.push(p);
    }
    let objective = Objective { runs, base, names };
    let solver = NelderMead::new(simplex)
        .with_sd_tolerance(1e-7)
        .map_err(|e| Error::invalid(format!("calibrate: {e}"), "a valid start", 0.0))?;
    let result = Executor::new(Objective { runs, base, names }, solver)
        .configure(|s| s.max_iters(400))
        .run()
        .map_err(|e| Error::InvalidArgument {
            arg: "runs".into(),
            expected: "runs the model can predict",
            value: e.to_string(),
        })?;
    let best = result.state().get_best_param().cloned().unwrap_or(start);
    let mut constants = objective.constants(&best)?;
    constants.check()?;
    constants.calibrated = true;
    constants.source = format!(
        "{} fitted by calibrate() to {} measured runs, from: {}",
        names.join(", "),
        runs.len(),
        base.source
    );
    let (errors, mean_abs_error, max_abs_error) = errors(runs, &constants)?;
    Ok(Calibration {
        constants,
        mean_abs_error,
        max_abs_error,
        errors,
    })
}
