//! Published training runs with measured step times or throughputs: what
//! the efficiency constants are fitted to (`split: "fit"`) and what they
//! are judged on (`"held_out"`). The measurements are data
//! (`core/data/training_runs.json`), each with its source and the
//! assumptions made where a paper left a setting out.

use std::sync::OnceLock;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::options::{training_step, StepOptions};
use super::Constants;
use crate::error::Result;
use crate::transformer::{ShapeOptions, Transformer};

/// The shipped runs.
const DATA: &str = include_str!("../../data/training_runs.json");

/// What a paper measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Seconds per optimizer step.
    StepSeconds,
    /// Model TFLOP/s per GPU, PaLM's count.
    TflopsPerGpu,
    /// Model TFLOP/s per GPU with attention's causal half (Llama 3).
    TflopsPerGpuCausal,
    /// TFLOP/s per GPU by Narayanan et al. 2021 eq. 3: 96 B s l h² (1 +
    /// s/6h + V/16lh) per step, which counts the recomputed forward pass.
    TflopsNarayanan,
    /// MFU, attention over all scores (PaLM Appendix B; Korthikanti §6.3).
    Mfu,
    /// MFU, attention's causal half.
    MfuCausal,
    /// GPU-hours of a whole run on `tokens` (goodput: failures, restarts
    /// and evaluation included in the measurement, not in the model).
    GpuHours,
}

impl Metric {
    /// Larger is faster (throughputs), or larger is slower (times).
    pub fn is_time(self) -> bool {
        matches!(self, Metric::StepSeconds | Metric::GpuHours)
    }
}

/// A measurement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Measured {
    /// What was measured.
    pub metric: Metric,
    /// Its value.
    pub value: f64,
}

/// Whether a run is fitted to or held out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Split {
    /// The constants were fitted to it.
    Fit,
    /// It judges the constants.
    HeldOut,
    /// A whole run's reported GPU-hours: a bound the prediction should
    /// stay under (what a run loses to failures is not modelled).
    Goodput,
}

/// A published run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Run {
    /// What it was.
    pub name: String,
    /// Where it is published.
    pub source: String,
    /// Fitted to or held out.
    pub split: Split,
    /// The model's shape.
    pub model: ShapeOptions,
    /// Its layout and hardware.
    pub options: StepOptions,
    /// The measurement.
    pub measured: Measured,
    /// Assumptions made where the paper is silent.
    #[serde(default)]
    pub note: Option<String>,
}

/// A measured run ready to predict: a model, its layout and hardware,
/// and what was measured. Published [`Run`]s and a user's own runs both
/// become these.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    /// The model.
    pub model: Transformer,
    /// Its layout and hardware.
    pub options: StepOptions,
    /// The measurement.
    pub measured: Measured,
}

impl Run {
    /// The run as a [`Measurement`].
    pub fn measurement(&self) -> Result<Measurement> {
        Ok(Measurement {
            model: self.model.build()?,
            options: self.options.clone(),
            measured: self.measured.clone(),
        })
    }

    /// The model's prediction of the measured quantity with constants `c`.
    pub fn predict(&self, c: &Constants) -> Result<f64> {
        self.measurement()?.predict(c)
    }

    /// Relative error of the prediction as step time (see [`Measurement::error`]).
    pub fn error(&self, c: &Constants) -> Result<f64> {
        self.measurement()?.error(c)
    }

    /// The constants this run's hardware uses by default.
    pub fn default_constants(&self) -> Constants {
        self.options.constants()
    }
}

impl Measurement {
    /// The model's prediction of the measured quantity with constants `c`.
    pub fn predict(&self, c: &Constants) -> Result<f64> {
        let t = &self.model;
        let mut o = self.options.clone();
        o.layout.constants = Some(c.clone());
        let step = training_step(t, &o)?;
        let time = &step.time;
        Ok(match self.measured.metric {
            Metric::StepSeconds => time.step_seconds,
            Metric::TflopsPerGpu => time.tflops_per_gpu,
            Metric::TflopsPerGpuCausal => time.tflops_per_gpu_causal,
            Metric::Mfu => time.mfu,
            Metric::MfuCausal => time.mfu_causal,
            Metric::GpuHours => step
                .gpu_hours
                .ok_or_else(|| crate::Error::InvalidArgument {
                    arg: "tokens".into(),
                    expected: "given for a GPU-hours measurement",
                    value: "nothing".into(),
                })?,
            Metric::TflopsNarayanan => {
                let s = o.layout(t)?.seq_len;
                let (h, l, v) = (t.d_model, t.n_layer, t.vocab);
                let batch = time.tokens_per_step / s;
                96.0 * batch * s * l * h * h * (1.0 + s / (6.0 * h) + v / (16.0 * l * h))
                    / (time.step_seconds * o.gpus.get())
                    / 1e12
            }
        })
    }

    /// Relative error of the prediction, as step time: predicted time over
    /// measured time, minus one (a throughput's ratio is inverted), so
    /// +10% means the model is 10% slow.
    pub fn error(&self, c: &Constants) -> Result<f64> {
        Ok(self.error_of(self.predict(c)?))
    }

    /// The relative error of a prediction already made (see [`Measurement::error`]).
    pub fn error_of(&self, predicted: f64) -> f64 {
        let m = self.measured.value;
        if self.measured.metric.is_time() {
            predicted / m - 1.0
        } else {
            m / predicted - 1.0
        }
    }
}

/// The shipped runs, parsed once.
pub fn published() -> &'static [Run] {
    static RUNS: OnceLock<Vec<Run>> = OnceLock::new();
    RUNS.get_or_init(|| {
        serde_json::from_str(DATA).expect("core/data/training_runs.json is checked by a test")
    })
}
