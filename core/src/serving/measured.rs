//! Published serving measurements: what the serving constants are
//! fitted to (`split: "fit"`) and what they are judged on
//! (`"held_out"`). Data (`core/data/serving_runs.json`), each with its
//! source and the settings read from the engine's build commands.

use std::sync::OnceLock;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{serving, Serving, ServingConstants, ServingOptions, ServingSetup};
use crate::error::Result;
use crate::performance::calibrate::Predictable;
use crate::transformer::{ShapeOptions, Transformer};

/// The shipped measurements.
const DATA: &str = include_str!("../../data/serving_runs.json");

/// What an engine's benchmark measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ServingMetric {
    /// Generated tokens per second per GPU.
    OutputTokensPerSecondPerGpu,
    /// Time to first token, seconds.
    TtftSeconds,
    /// One decode step, seconds (inter-token latency).
    DecodeStepSeconds,
    /// Generated tokens per second one user sees.
    TokensPerSecondPerUser,
}

impl ServingMetric {
    /// The names options write.
    pub const NAMES: [&'static str; 4] = [
        "output_tokens_per_second_per_gpu",
        "ttft_seconds",
        "decode_step_seconds",
        "tokens_per_second_per_user",
    ];

    /// Larger is slower (times), or larger is faster (throughputs).
    pub fn is_time(self) -> bool {
        matches!(
            self,
            ServingMetric::TtftSeconds | ServingMetric::DecodeStepSeconds
        )
    }

    /// The predicted value of this metric.
    pub fn of(self, s: &Serving) -> f64 {
        match self {
            ServingMetric::OutputTokensPerSecondPerGpu => s.output_tokens_per_second_per_gpu,
            ServingMetric::TtftSeconds => s.ttft_seconds,
            ServingMetric::DecodeStepSeconds => s.decode_step_seconds,
            ServingMetric::TokensPerSecondPerUser => s.tokens_per_second_per_user,
        }
    }

    /// The roofline bound of this metric.
    pub fn bound(self, s: &Serving) -> f64 {
        match self {
            ServingMetric::OutputTokensPerSecondPerGpu => s.output_tokens_per_second_per_gpu_bound,
            ServingMetric::TtftSeconds => s.ttft_seconds_bound,
            ServingMetric::DecodeStepSeconds => s.decode_step_seconds_bound,
            ServingMetric::TokensPerSecondPerUser => s.tokens_per_second_per_user_bound,
        }
    }
}

/// A measurement.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServingMeasured {
    /// What was measured.
    pub metric: ServingMetric,
    /// Its value.
    pub value: f64,
}

/// Fitted to or held out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ServingSplit {
    /// The constants were fitted to it.
    Fit,
    /// It judges the constants.
    HeldOut,
}

/// A published serving benchmark.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServingRun {
    /// What it was.
    pub name: String,
    /// Where it is published.
    pub source: String,
    /// Fitted to or held out.
    pub split: ServingSplit,
    /// The model's shape.
    pub model: ShapeOptions,
    /// The engine's setup, as `serving` options.
    pub options: ServingOptions,
    /// The measurement.
    pub measured: ServingMeasured,
    /// Assumptions made where the source is silent.
    #[serde(default)]
    pub note: Option<String>,
}

/// A measured setup ready to predict: published runs and a user's own
/// both become these.
#[derive(Debug, Clone, PartialEq)]
pub struct ServingMeasurement {
    /// The model.
    pub model: Transformer,
    /// The setup (its constants replaced when predicting).
    pub setup: ServingSetup,
    /// The measurement.
    pub measured: ServingMeasured,
}

impl ServingRun {
    /// The run as a [`ServingMeasurement`].
    pub fn measurement(&self) -> Result<ServingMeasurement> {
        let model = self.model.build()?;
        let setup = self.options.setup(&model, batch_of(&self.options)?, None)?;
        Ok(ServingMeasurement {
            model,
            setup,
            measured: self.measured,
        })
    }
}

/// The one batch of a measurement's options (a sweep is refused).
pub fn batch_of(o: &ServingOptions) -> Result<f64> {
    match &o.batch {
        crate::input::Numbers::One(b) => Ok(*b),
        crate::input::Numbers::Many(_) => Err(crate::Error::invalid(
            "batch",
            "one batch size per measurement",
            f64::NAN,
        )),
    }
}

impl ServingMeasurement {
    /// The prediction (and bounds) with constants `c`.
    pub fn serve(&self, c: &ServingConstants) -> Result<Serving> {
        let setup = ServingSetup {
            constants: c.clone(),
            ..self.setup.clone()
        };
        serving(&self.model, &setup)
    }

    /// The relative error of a value of the measured quantity, as time:
    /// +10% means 10% slow (a throughput's ratio is inverted).
    pub fn error_of(&self, predicted: f64) -> f64 {
        let m = self.measured.value;
        if self.measured.metric.is_time() {
            predicted / m - 1.0
        } else {
            m / predicted - 1.0
        }
    }
}

impl Predictable<ServingConstants> for ServingMeasurement {
    fn error(&self, c: &ServingConstants) -> Result<f64> {
        let s = self.serve(c)?;
        Ok(self.error_of(self.measured.metric.of(&s)))
    }
}

/// The shipped measurements, parsed once.
pub fn published() -> &'static [ServingRun] {
    static RUNS: OnceLock<Vec<ServingRun>> = OnceLock::new();
    RUNS.get_or_init(|| {
        serde_json::from_str(DATA).expect("core/data/serving_runs.json is checked by a test")
    })
}
