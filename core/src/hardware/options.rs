//! The options of `train_cost`, `optimal_for_budget` and `mfu`, declared
//! once (see [`crate::input`]).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Accelerator, Cluster, Precision};
use crate::error::{Error, Result};
use crate::input::{Count, Fraction, NonNegative, Numbers, Positive};
use crate::laws::Law;
use crate::transformer::{FlopConvention, ModelRef};

/// The accelerators a run uses, how well it uses them and what they cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct ClusterOptions {
    /// The accelerator: a name (`hardware()` lists them) or a
    /// `hardware(...)` value; or give `peak_flops`.
    pub hardware: Option<Accelerator>,
    /// Peak FLOP/s of one accelerator, instead of `hardware`.
    pub peak_flops: Option<Positive>,
    /// The precision the matrix multiplications run in (the peak used).
    pub precision: Precision,
    /// Accelerators.
    pub count: Count,
    /// Model FLOPs utilisation (0.3-0.5 is typical of large runs).
    pub mfu: Option<Fraction>,
    /// Price per accelerator-hour.
    pub usd_per_hour: Option<NonNegative>,
    /// Power per accelerator, watts (the datasheet's when absent).
    pub watts: Option<Positive>,
    /// A training layout instead of `mfu` (the options of `training_step`
    /// but `hardware` and `gpus`, which are `hardware` and `count` here):
    /// the MFU is then predicted for `model` by the performance model.
    pub layout: Option<crate::performance::LayoutOptions>,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        ClusterOptions {
            hardware: None,
            peak_flops: None,
            precision: Precision::Bf16,
            count: Count::new("", 1.0).expect("a count"),
            mfu: None,
            usd_per_hour: None,
            watts: None,
            layout: None,
        }
    }
}

/// Peak FLOP/s from `hardware` at `precision`, or `peak_flops`; and the
/// accelerator's power when it is known.
pub fn peak_of(
    hardware: Option<&Accelerator>,
    peak_flops: Option<Positive>,
    precision: Precision,
) -> Result<(f64, Option<f64>)> {
    match (hardware, peak_flops) {
        (Some(a), None) => Ok((a.peak(precision)?, a.watts)),
        (None, Some(p)) => Ok((p.get(), None)),
        (Some(_), Some(_)) => Err(Error::InvalidArgument {
            arg: "hardware".into(),
            expected: "given without peak_flops (one or the other)",
            value: "both".into(),
        }),
        (None, None) => Err(Error::InvalidArgument {
            arg: "hardware".into(),
            expected: "given (e.g. \"H100\"), or peak_flops",
            value: "neither".into(),
        }),
    }
}

/// An MFU the performance model predicted from a layout.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PredictedMfu {
    /// MFU against the cluster's peak, FLOPs counted as the run's convention counts them.
    pub mfu: f64,
    /// Predicted seconds per optimizer step.
    pub step_seconds: f64,
    /// Predicted tokens per second, all accelerators.
    pub tokens_per_second: f64,
    /// Always true: says the MFU was predicted, not given.
    pub mfu_predicted: bool,
}

impl ClusterOptions {
    /// The cluster, with the MFU given.
    pub fn cluster(&self) -> Result<Cluster> {
        self.cluster_for(None, FlopConvention::Kaplan)
            .map(|(c, _)| c)
    }

    /// The cluster; with `layout`, its MFU predicted for `model` (FLOPs per
    /// token counted by `convention`), and the prediction.
    pub fn cluster_for(
        &self,
        model: Option<&ModelRef>,
        convention: FlopConvention,
    ) -> Result<(Cluster, Option<PredictedMfu>)> {
        let (peak, watts) = peak_of(self.hardware.as_ref(), self.peak_flops, self.precision)?;
        let (mfu, predicted) = match (&self.layout, self.mfu) {
            (Some(_), Some(_)) => {
                return Err(Error::InvalidArgument {
                    arg: "layout".into(),
                    expected: "given without mfu (the layout predicts it)",
                    value: "both".into(),
                })
            }
            (Some(layout), None) => {
                let p = self.predict(layout, model, convention, peak)?;
                (p.mfu, Some(p))
            }
            (None, Some(m)) => (m.get(), None),
            (None, None) => {
                return Err(Error::InvalidArgument {
                    arg: "mfu".into(),
                    expected: "given: model FLOPs utilisation in (0, 1] (0.3-0.5 is typical), or a layout to predict it",
                    value: "nothing".into(),
                })
            }
        };
        let cluster = Cluster::new(
            peak,
            self.count.get(),
            mfu,
            self.usd_per_hour.map(NonNegative::get),
            self.watts.map(Positive::get).or(watts),
        )?;
        Ok((cluster, predicted))
    }

    fn predict(
        &self,
        layout: &crate::performance::LayoutOptions,
        model: Option<&ModelRef>,
        convention: FlopConvention,
        peak: f64,
    ) -> Result<PredictedMfu> {
        let hardware = self
            .hardware
            .clone()
            .ok_or_else(|| Error::InvalidArgument {
                arg: "hardware".into(),
                expected: "an accelerator (not peak_flops) for a layout to be predicted on",
                value: "peak_flops".into(),
            })?;
        let shape = model
            .cloned()
            .ok_or_else(|| Error::InvalidArgument {
                arg: "model".into(),
                expected: "a model shape whose step the layout predicts",
                value: "nothing".into(),
            })?
            .shape("layout")?;
        let step = crate::performance::training_step(
            &shape,
            &crate::performance::StepOptions {
                hardware,
                gpus: self.count,
                layout: layout.clone(),
                tokens: None,
                usd_per_hour: None,
            },
        )?;
        let per_token = ModelRef::Shape(shape).flops_per_token(convention)?;
        let tokens_per_second = step.time.tokens_per_second;
        Ok(PredictedMfu {
            mfu: (per_token * tokens_per_second / (self.count.get() * peak)).min(1.0),
            step_seconds: step.time.step_seconds,
            tokens_per_second,
            mfu_predicted: true,
        })
    }
}

/// What a training run costs: the work (FLOPs, a budget, N and D, or a
/// model and tokens) on a cluster.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct TrainCostOptions {
    /// The cluster.
    #[serde(flatten)]
    pub cluster: ClusterOptions,
    /// Training FLOPs.
    pub flops: Option<Positive>,
    /// A compute budget, FLOPs (with an optional `law`).
    #[serde(rename = "C")]
    pub c: Option<Positive>,
    /// The law whose compute-optimal run spends `C`.
    pub law: Option<Law>,
    /// Parameters (with `D`: 6ND FLOPs).
    #[serde(rename = "N")]
    pub n: Option<Positive>,
    /// Training tokens (with `N`).
    #[serde(rename = "D")]
    pub d: Option<Positive>,
    /// A model (with `tokens`): its training FLOPs per token under `convention`.
    pub model: Option<ModelRef>,
    /// Training tokens (with `model`).
    pub tokens: Option<Positive>,
    /// How a model's FLOPs per token are counted.
    pub convention: FlopConvention,
}

impl TrainCostOptions {
    /// The training FLOPs the options describe.
    pub fn flops(&self) -> Result<f64> {
        if let Some(m) = &self.model {
            let tokens = self.tokens.ok_or_else(|| Error::InvalidArgument {
                arg: "tokens".into(),
                expected: "given with model",
                value: "nothing".into(),
            })?;
            return Ok(m.flops_per_token(self.convention)? * tokens.get());
        }
        match (self.flops, self.c, self.n, self.d) {
            (Some(f), None, None, None) => Ok(f.get()),
            (None, Some(c), None, None) => match &self.law {
                Some(law) => Ok(law.optimal(c.get())?.c),
                None => Ok(c.get()),
            },
            (None, None, Some(n), Some(d)) => crate::allocation::compute_flops(n.get(), d.get()),
            _ => Err(Error::InvalidArgument {
                arg: "flops".into(),
                expected: "the work given as flops, as C (with an optional law), as N and D, or as model and tokens",
                value: "none of these alone".into(),
            }),
        }
    }
}

/// A compute-optimal run when the budget is money or time.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct BudgetOptions {
    /// The cluster.
    #[serde(flatten)]
    pub cluster: ClusterOptions,
    /// Dollars to spend (needs `usd_per_hour`).
    pub usd: Option<Positive>,
    /// Days of wall-clock time.
    pub days: Option<Positive>,
    /// With `layout`: the model whose predicted MFU applies to the budget.
    pub model: Option<ModelRef>,
}

/// Model FLOPs utilisation of a measured throughput.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MfuOptions {
    /// Tokens per second of the whole job (a vector gives one MFU each).
    pub tokens_per_second: Numbers,
    /// The accelerator: a name (`hardware()` lists them) or a
    /// `hardware(...)` value; or give `peak_flops`.
    #[serde(default)]
    pub hardware: Option<Accelerator>,
    /// Peak FLOP/s of one accelerator, instead of `hardware`.
    #[serde(default)]
    pub peak_flops: Option<Positive>,
    /// The precision whose peak counts.
    #[serde(default = "bf16")]
    pub precision: Precision,
    /// Accelerators.
    #[serde(default = "one")]
    pub count: Count,
    /// How FLOPs per token are counted: "palm" (PaLM Appendix B, the
    /// count published MFUs use: Llama 3's, PaLM's) when absent; "kaplan"
    /// or "chinchilla" on request.
    #[serde(default = "palm")]
    pub convention: FlopConvention,
}

fn palm() -> FlopConvention {
    FlopConvention::Palm
}

fn bf16() -> Precision {
    Precision::Bf16
}

fn one() -> Count {
    Count::new("", 1.0).expect("a count")
}
