//! The options of `training_memory`, declared once: each field's name,
//! default, what it takes and its doc come from here (docs, REPL
//! completion, the bad-input tests), and [`report`] turns them into the
//! memory per GPU and whether it fits.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{training_memory, ActivationShape, ModelSpec, Optimizer, Parallelism, Precisions};
use super::{GatedActivations, Recompute, TrainingMemory};
use crate::error::Result;
use crate::hardware::{Accelerator, Precision};
use crate::input::{Count, ZeroStage};
use crate::table::{NumFormat, Record};

/// Sequence length assumed for a bare parameter count (activations are
/// not counted then; it only has to be valid).
const SEQ_LEN_OF_A_COUNT: f64 = 2048.0;

/// How a training run is laid out and what it keeps, for `training_memory`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct TrainingOptions {
    /// GPUs in all.
    pub gpus: Count,
    /// ZeRO stage (Rajbhandari et al. 2020): 1 partitions the optimizer
    /// states over the data-parallel ranks, 2 the gradients too, 3 the
    /// weights too.
    pub zero: ZeroStage,
    /// Tensor-parallel degree (a divisor of the heads).
    pub tp: Count,
    /// Pipeline-parallel degree (at most the layers).
    pub pp: Count,
    /// Expert-parallel degree: routed experts split this many ways.
    pub ep: Count,
    /// Sequence parallelism: norms and dropout split over the
    /// tensor-parallel GPUs (Korthikanti et al. 2022 §4.2.2).
    pub sequence_parallel: bool,
    /// Tokens per sequence; the model's context when absent.
    pub seq_len: Option<Count>,
    /// Sequences per micro-batch.
    pub micro_batch: Count,
    /// What the backward pass recomputes instead of storing.
    pub recompute: Recompute,
    /// Dropout on attention scores and residual branches (Korthikanti's
    /// counts assume it; Llama-style training has none).
    pub dropout: bool,
    /// What a gated FFN (SwiGLU) keeps: "fused" (Megatron-LM's kernel,
    /// 6 s b d_ff bytes; the default) or "unfused" (8 s b d_ff).
    pub gated_activations: GatedActivations,
    /// Precision of the weights.
    pub precision: Precision,
    /// Precision of the gradients; the weights' when absent.
    pub grad_precision: Option<Precision>,
    /// The optimizer whose state is kept per parameter.
    pub optimizer: Optimizer,
    /// An fp32 master copy of the weights; on when absent and the weights
    /// are narrower than fp32.
    pub master_weights: Option<bool>,
    /// An accelerator to check the fit against: a name (`hardware()`
    /// lists them) or a `hardware(...)` value.
    pub hardware: Option<Accelerator>,
}

impl Default for TrainingOptions {
    fn default() -> Self {
        let one = Count::new("", 1.0).expect("1 is a count");
        TrainingOptions {
            gpus: one,
            zero: ZeroStage::new("", 0.0).expect("0 is a stage"),
            tp: one,
            pp: one,
            ep: one,
            sequence_parallel: false,
            seq_len: None,
            micro_batch: one,
            recompute: Recompute::None,
            dropout: false,
            gated_activations: GatedActivations::Fused,
            precision: Precision::Bf16,
            grad_precision: None,
            optimizer: Optimizer::Adam,
            master_weights: None,
            hardware: None,
        }
    }
}

/// Whether the memory fits an accelerator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fit {
    /// The accelerator's name.
    pub hardware: String,
    /// Its memory, bytes.
    pub capacity: f64,
    /// total <= capacity.
    pub fits: bool,
    /// capacity - total (negative when it does not fit).
    pub headroom: f64,
    /// Largest micro-batch that fits at this sequence length (0 when
    /// not even one sequence does).
    pub max_micro_batch: f64,
    /// Longest sequence that fits at this micro-batch (0 when the model
    /// states alone do not fit).
    pub max_seq_len: f64,
}

/// The largest whole `x` in [1, limit] with `fits(x)`, `fits` growing
/// false as `x` grows (memory grows with micro-batch and sequence length);
/// 0 when even 1 does not fit.
fn largest_fitting(limit: f64, fits: impl Fn(f64) -> Result<bool>) -> Result<f64> {
    if !fits(1.0)? {
        return Ok(0.0);
    }
    let (mut lo, mut hi) = (1.0_f64, 2.0_f64);
    while hi <= limit && fits(hi)? {
        lo = hi;
        hi *= 2.0;
    }
    let mut hi = hi.min(limit + 1.0);
    while hi - lo > 1.0 {
        let mid = ((lo + hi) / 2.0).floor();
        if fits(mid)? {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok(lo)
}

/// Training memory per GPU, with the fit when an accelerator was named.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainingReport {
    /// Bytes per GPU.
    #[serde(flatten)]
    pub memory: TrainingMemory,
    /// The fit, with `hardware`.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub fit: Option<Fit>,
}

impl Record for TrainingReport {
    fn format(field: &str) -> NumFormat {
        TrainingMemory::format(field)
    }
}

impl TrainingOptions {
    /// The parallel layout.
    pub fn parallelism(&self) -> Parallelism {
        Parallelism {
            gpus: self.gpus.get(),
            zero: self.zero.stage(),
            tp: self.tp.get(),
            pp: self.pp.get(),
            ep: self.ep.get(),
        }
    }

    /// The number formats of the model states.
    pub fn precisions(&self) -> Precisions {
        Precisions {
            weights: self.precision,
            gradients: self.grad_precision.unwrap_or(self.precision),
            optimizer: self.optimizer,
            master_weights: self.master_weights.unwrap_or(self.precision.bytes() < 4.0),
        }
    }

    /// The activations' shape for `model`.
    pub fn activations(&self, model: ModelSpec) -> ActivationShape {
        let context = match model {
            ModelSpec::Shape(t) => t.seq_len,
            ModelSpec::Params(_) => SEQ_LEN_OF_A_COUNT,
        };
        ActivationShape {
            seq_len: self.seq_len.map_or(context, Count::get),
            micro_batch: self.micro_batch.get(),
            tp: self.tp.get(),
            sequence_parallel: self.sequence_parallel,
            recompute: self.recompute,
            dropout: self.dropout,
            gated_activations: self.gated_activations,
        }
    }

    /// The accelerator of `hardware`, if any.
    pub fn accelerator(&self) -> Result<Option<Accelerator>> {
        Ok(self.hardware.clone())
    }
}

/// Training memory per GPU for `model` laid out as `o` says, whether it
/// fits `o.hardware`, and the largest micro-batch and sequence length that
/// would.
pub fn report(model: ModelSpec, o: &TrainingOptions) -> Result<TrainingReport> {
    let hardware = o.accelerator()?;
    let memory = training_memory(
        model,
        &o.parallelism(),
        &o.activations(model),
        &o.precisions(),
    )?;
    let fit = match hardware {
        None => None,
        Some(h) => {
            let par = o.parallelism();
            let prec = o.precisions();
            let shape = o.activations(model);
            let total = |a: ActivationShape| -> Result<f64> {
                Ok(training_memory(model, &par, &a, &prec)?.total)
            };
            // Searched up to the largest values training_memory accepts;
            // a parameter count alone (no activations) fits every one.
            let max_micro_batch = largest_fitting(super::training::MAX_MICRO_BATCH, |b| {
                Ok(total(ActivationShape {
                    micro_batch: b,
                    ..shape
                })? <= h.memory)
            })?;
            let max_seq_len = largest_fitting(super::training::MAX_SEQ_LEN, |s| {
                Ok(total(ActivationShape {
                    seq_len: s,
                    ..shape
                })? <= h.memory)
            })?;
            Some(Fit {
                hardware: h.name.to_string(),
                capacity: h.memory,
                fits: memory.total <= h.memory,
                headroom: h.memory - memory.total,
                max_micro_batch,
                max_seq_len,
            })
        }
    };
    Ok(TrainingReport { fit, memory })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transformer::Transformer;

    fn options(json: serde_json::Value) -> TrainingOptions {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn the_largest_micro_batch_and_sequence_fit_and_one_more_does_not() {
        let t = Transformer::preset("llama3-8b").unwrap();
        for recompute in ["none", "selective", "full"] {
            let base = serde_json::json!({
                "gpus": 8, "zero": 3, "seq_len": 4096, "micro_batch": 1,
                "recompute": recompute, "hardware": "H100"
            });
            let fit = report(ModelSpec::Shape(&t), &options(base.clone()))
                .unwrap()
                .fit
                .unwrap();
            let at = |key: &str, v: f64| {
                let mut o = base.clone();
                o[key] = serde_json::json!(v);
                report(ModelSpec::Shape(&t), &options(o))
                    .unwrap()
                    .fit
                    .unwrap()
                    .fits
            };
            let (b, s) = (fit.max_micro_batch, fit.max_seq_len);
            assert!(
                b >= 1.0 && at("micro_batch", b) && !at("micro_batch", b + 1.0),
                "{recompute} b {b}"
            );
            assert!(
                s >= 4096.0 && at("seq_len", s) && !at("seq_len", s + 1.0),
                "{recompute} s {s}"
            );
        }
        // Full recomputation keeps 2 s b h bytes a layer: far more fits.
        let max = |r: &str| {
            let o = options(serde_json::json!({
                "gpus": 8, "zero": 3, "seq_len": 4096, "recompute": r, "hardware": "H100"
            }));
            report(ModelSpec::Shape(&t), &o)
                .unwrap()
                .fit
                .unwrap()
                .max_micro_batch
        };
        assert!(
            max("full") > 4.0 * max("selective"),
            "{} {}",
            max("full"),
            max("selective")
        );
    }
}
