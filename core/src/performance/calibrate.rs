//! Fit efficiency constants to measured runs: minimise the squared log
//! ratio of predicted to measured time (throughputs inverted) over the
//! chosen constants, by Nelder-Mead (argmin) on their logarithms, so a
//! run twice too slow and one twice too fast weigh the same and every
//! constant stays positive. Efficiencies are held at most 1. The same
//! fit serves training step times ([`Constants`]) and serving
//! measurements (`serving::ServingConstants`): anything [`Fittable`]
//! against anything [`Predictable`].

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
    /// Constants to start from and keep where not fitted: training
    /// constants (`perf_model(name)`) for training runs, serving constants
    /// (`serving_model(name)`) for serving measurements; the first run's
    /// hardware generation's when absent.
    #[serde(default)]
    pub constants: Option<StartConstants>,
}

/// The constants a calibration starts from: the training step model's or
/// the serving model's, told apart by their fields.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum StartConstants {
    /// The training step model's (`perf_model`).
    Training(Constants),
    /// The serving model's (`serving_model`).
    Serving(crate::serving::ServingConstants),
}

impl<'de> serde::Deserialize<'de> for StartConstants {
    /// Serving constants are the ones with a `prefill_overhead`; reading
    /// the one struct they look like gives errors that name its fields,
    /// where an untagged enum would only say that neither matched.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        use serde::de::Error as _;
        let v = serde_json::Value::deserialize(d)?;
        if v.get("prefill_overhead").is_some() || v.get("step_overhead").is_some() {
            serde_json::from_value(v)
                .map(StartConstants::Serving)
                .map_err(D::Error::custom)
        } else {
            serde_json::from_value(v)
                .map(StartConstants::Training)
                .map_err(D::Error::custom)
        }
    }
}

/// A set of constants some of which a calibration can fit by name.
pub trait Fittable: Clone {
    /// The names of the fields a calibration can fit.
    fn names() -> &'static [&'static str];
    /// A fittable constant by name.
    fn get(&self, name: &str) -> Result<f64>;
    /// Set a fittable constant by name.
    fn set(&mut self, name: &str, v: f64) -> Result<()>;
    /// Every constant in its physical range.
    fn check(&self) -> Result<()>;
    /// Mark the set as fitted, saying how.
    fn mark_fitted(&mut self, how: String);
}

/// A measurement the model predicts with constants `C`.
pub trait Predictable<C> {
    /// Relative error of the prediction as time: +0.1 is 10% slow.
    fn error(&self, c: &C) -> Result<f64>;
}

impl Predictable<Constants> for Measurement {
    fn error(&self, c: &Constants) -> Result<f64> {
        Measurement::error(self, c)
    }
}

/// The fields a calibration can fit, named once: their list, and reading
/// and writing them by name. `$what` names the set in errors.
macro_rules! fittable {
    ($ty:ty, $what:literal, $($field:ident),* $(,)?) => {
        /// The names of the fields a calibration can fit.
        pub const FITTABLE: &[&str] = &[$(stringify!($field)),*];

        impl $ty {
            /// A fittable constant by name.
            pub fn get(&self, name: &str) -> Result<f64> {
                match name {
                    $(stringify!($field) => Ok(self.$field),)*
                    _ => Err(Error::unknown($what, name, FITTABLE)),
                }
            }

            /// Set a fittable constant by name.
            pub fn set(&mut self, name: &str, v: f64) -> Result<()> {
                match name {
                    $(stringify!($field) => self.$field = v,)*
                    _ => return Err(Error::unknown($what, name, FITTABLE)),
                }
                Ok(())
            }
        }

        impl $crate::performance::calibrate::Fittable for $ty {
            fn names() -> &'static [&'static str] {
                FITTABLE
            }
            fn get(&self, name: &str) -> Result<f64> {
                <$ty>::get(self, name)
            }
            fn set(&mut self, name: &str, v: f64) -> Result<()> {
                <$ty>::set(self, name, v)
            }
            fn check(&self) -> Result<()> {
                <$ty>::check(self)
            }
            fn mark_fitted(&mut self, how: String) {
                self.calibrated = true;
                self.source = format!("{how}, from: {}", self.source);
            }
        }
    };
}
pub(crate) use fittable;

/// Efficiencies in (0, 1]; names ending in `overhead` or `latency` are
/// times from 0 to 1 second; names ending in `slowdown` factors from 1 to 10.
pub(crate) fn check_ranges<C: Fittable>(c: &C) -> Result<()> {
    for &name in C::names() {
        let v = c.get(name)?;
        if name.ends_with("overhead") || name.ends_with("latency") {
            if !(v.is_finite() && (0.0..1.0).contains(&v)) {
                return Err(Error::invalid(name, "a time from 0 to 1 second", v));
            }
        } else if name.ends_with("slowdown") {
            if !(v.is_finite() && (1.0..=10.0).contains(&v)) {
                return Err(Error::invalid(name, "a factor from 1 to 10", v));
            }
        } else {
            crate::error::check::positive_at_most(name, v, 1.0)?;
        }
    }
    Ok(())
}

/// Fitted constants and how well they fit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration<C = Constants> {
    /// The constants, the fitted ones replaced.
    pub constants: C,
    /// Mean absolute relative error of the step time over the runs.
    pub mean_abs_error: f64,
    /// Largest absolute relative error.
    pub max_abs_error: f64,
    /// Each run's relative error, in order.
    pub errors: Vec<f64>,
}

struct Objective<'a, C, M> {
    runs: &'a [M],
    base: &'a C,
    names: &'a [String],
}

impl<C: Fittable, M> Objective<'_, C, M> {
    fn constants(&self, p: &[f64]) -> Result<C> {
        let mut c = self.base.clone();
        for (name, v) in self.names.iter().zip(p) {
            c.set(name, v.exp())?;
        }
        Ok(c)
    }
}

impl<C: Fittable, M: Predictable<C>> CostFunction for Objective<'_, C, M> {
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
pub fn errors<C, M: Predictable<C>>(runs: &[M], c: &C) -> Result<(Vec<f64>, f64, f64)> {
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
pub fn calibrate<C: Fittable, M: Predictable<C>>(
    runs: &[M],
    base: &C,
    names: &[String],
) -> Result<Calibration<C>> {
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
    constants.mark_fitted(format!(
        "{} fitted by calibrate() to {} measured runs",
        names.join(", "),
        runs.len()
    ));
    let (errors, mean_abs_error, max_abs_error) = errors(runs, &constants)?;
    Ok(Calibration {
        constants,
        mean_abs_error,
        max_abs_error,
        errors,
    })
}
