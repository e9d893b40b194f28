//! The options of `training_step` and `plan_training`, declared once:
//! names, defaults and docs come from here (script docs, completion and
//! the bad-input tests read the schema).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::layout::{AttentionKernel, Layout};
use super::step::{step_time, StepTime};
use super::Constants;
use crate::error::{Error, Result};
use crate::hardware::{Accelerator, Precision};
use crate::input::{Count, Positive, ZeroStage};
use crate::memory::{
    training_memory, ActivationShape, GatedActivations, ModelSpec, Optimizer, Parallelism,
    Precisions, Recompute, TrainingMemory,
};
use crate::table::{NumFormat, Record};
use crate::transformer::Transformer;

fn yes() -> bool {
    true
}
fn flash() -> AttentionKernel {
    AttentionKernel::Flash
}
fn bf16() -> Precision {
    Precision::Bf16
}
fn fp32() -> Precision {
    Precision::Fp32
}
fn adam() -> Optimizer {
    Optimizer::Adam
}

/// How a run is laid out: degrees of parallelism, batch, recomputation and
/// numerics. `training_step` takes the defaults for what is left out;
/// `plan_training` searches the layout fields left out and keeps the
/// given ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LayoutOptions {
    /// Tensor-parallel degree (at most a node; divides the heads); 1 when absent.
    #[serde(default)]
    pub tp: Option<Count>,
    /// Pipeline stages; 1 when absent.
    #[serde(default)]
    pub pp: Option<Count>,
    /// Context-parallel degree (splits the sequence; divides seq_len / 2); 1 when absent.
    #[serde(default)]
    pub cp: Option<Count>,
    /// Expert-parallel degree (divides the routed experts); 1 when absent.
    #[serde(default)]
    pub ep: Option<Count>,
    /// Model chunks per pipeline stage (the interleaved schedule); 1 (plain 1F1B) when absent.
    #[serde(default)]
    pub vpp: Option<Count>,
    /// Sequences per micro-batch; 1 when absent.
    #[serde(default)]
    pub micro_batch: Option<Count>,
    /// Sequences per optimizer step, all GPUs together (Megatron's global
    /// batch size); or give `tokens_per_batch`.
    #[serde(default)]
    pub global_batch: Option<Count>,
    /// Tokens per optimizer step, instead of `global_batch`.
    #[serde(default)]
    pub tokens_per_batch: Option<Positive>,
    /// Tokens per sequence; the model's context when absent.
    #[serde(default)]
    pub seq_len: Option<Count>,
    /// ZeRO stage: 1 (Megatron's distributed optimizer) when absent.
    #[serde(default)]
    pub zero: Option<ZeroStage>,
    /// What the backward pass recomputes: "none", "selective" (the default;
    /// nothing extra with FlashAttention) or "full".
    #[serde(default)]
    pub recompute: Option<Recompute>,
    /// Sequence parallelism; on whenever tp > 1 when absent.
    #[serde(default)]
    pub sequence_parallel: Option<bool>,
    /// Dropout layers (GPT-3-era models have them; Llama-style training does not).
    #[serde(default)]
    pub dropout: bool,
    /// What a gated FFN keeps for the backward pass: "fused" (Megatron-LM's
    /// kernel, the default) or "unfused".
    #[serde(default)]
    pub gated_activations: GatedActivations,
    /// Attention kernel: "flash" (default) or "unfused" (Megatron-LM before 2023).
    #[serde(default = "flash")]
    pub attention: AttentionKernel,
    /// Overlap the data-parallel gradient reduction with the backward pass (true).
    #[serde(default = "yes")]
    pub overlap_dp: bool,
    /// Overlap expert-parallel all-to-alls with another micro-batch's
    /// compute (DeepSeek-V3's DualPipe, §3.2.1); false (exposed) when absent.
    #[serde(default)]
    pub overlap_ep: bool,
    /// Precision of the matrix multiplies: "bf16" (default) or "fp8".
    #[serde(default = "bf16")]
    pub precision: Precision,
    /// Precision gradients are reduced in: "fp32" (Megatron-LM's default) when absent.
    #[serde(default = "fp32")]
    pub grad_precision: Precision,
    /// Optimizer: "adam" (default), "sgd_momentum", ...
    #[serde(default = "adam")]
    pub optimizer: Optimizer,
    /// Efficiency constants replacing the hardware generation's
    /// (`perf_model(...)` gives them, `calibrate(...)` fits them).
    #[serde(default)]
    pub constants: Option<Constants>,
}

/// A training run on a cluster, laid out: what `training_step` predicts
/// the step time of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StepOptions {
    /// The accelerator: a name (`hardware()` lists them) or a
    /// `hardware(...)` value; its node (GPUs, links) comes with it.
    pub hardware: Accelerator,
    /// GPUs in all.
    pub gpus: Count,
    /// The layout.
    #[serde(flatten)]
    pub layout: LayoutOptions,
    /// Tokens to train on: adds days, GPU-hours (and dollars with `usd_per_hour`).
    #[serde(default)]
    pub tokens: Option<Positive>,
    /// Price per GPU-hour, dollars.
    #[serde(default)]
    pub usd_per_hour: Option<Positive>,
}

/// A predicted training step, its memory, and what the run takes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainingStep {
    /// Time and its parts.
    #[serde(flatten)]
    pub time: StepTime,
    /// Memory per GPU, bytes (model states and activations of the first stage).
    pub memory_per_gpu: f64,
    /// The memory by part, as `training_memory` gives it.
    pub memory: TrainingMemory,
    /// Whether it fits the accelerator's memory.
    pub fits: bool,
    /// Days to train on `tokens`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days: Option<f64>,
    /// GPU-hours to train on `tokens`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gpu_hours: Option<f64>,
    /// Dollars to train on `tokens` at `usd_per_hour`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usd: Option<f64>,
}

impl Record for TrainingStep {
    fn format(field: &str) -> NumFormat {
        match field {
            "days" => NumFormat::Fixed(1),
            "memory_per_gpu" => NumFormat::Bytes { binary: false },
            _ => StepTime::format(field),
        }
    }
}

impl LayoutOptions {
    /// The layout for `t` on `gpus`, defaults where a field is absent.
    pub fn layout(&self, t: &Transformer, gpus: f64) -> Result<Layout> {
        let seq_len = self.seq_len.map_or(t.seq_len, Count::get);
        let batch = match (self.global_batch, self.tokens_per_batch) {
            (Some(b), None) => b.get(),
            (None, Some(tokens)) => (tokens.get() / seq_len).round().max(1.0),
            (Some(_), Some(_)) => {
                return Err(Error::InvalidArgument {
                    arg: "global_batch".into(),
                    expected: "global_batch or tokens_per_batch, not both",
                    value: "both".into(),
                })
            }
            (None, None) => {
                return Err(Error::InvalidArgument {
                    arg: "global_batch".into(),
                    expected: "a global_batch (sequences per step) or tokens_per_batch",
                    value: "neither".into(),
                })
            }
        };
        let or_one = |c: Option<Count>| c.map_or(1.0, Count::get);
        let tp = or_one(self.tp);
        Ok(Layout {
            gpus,
            tp,
            pp: or_one(self.pp),
            cp: or_one(self.cp),
            ep: or_one(self.ep),
            vpp: or_one(self.vpp),
            micro_batch: or_one(self.micro_batch),
            batch,
            seq_len,
            zero: self.zero.map_or(1, ZeroStage::stage),
            recompute: self.recompute.unwrap_or(Recompute::Selective),
            sequence_parallel: self.sequence_parallel.unwrap_or(tp > 1.0),
            dropout: self.dropout,
            gated_activations: self.gated_activations,
            attention: self.attention,
            overlap_dp: self.overlap_dp,
            overlap_ep: self.overlap_ep,
            precision: self.precision,
            grad_precision: self.grad_precision,
            optimizer: self.optimizer,
        })
    }

    /// The efficiency constants: given, or `hardware`'s generation's.
    pub fn constants_for(&self, hardware: &Accelerator) -> Constants {
        self.constants
            .clone()
            .unwrap_or_else(|| Constants::of(hardware.generation))
    }
}

impl StepOptions {
    /// The layout these options describe for `t`.
    pub fn layout(&self, t: &Transformer) -> Result<Layout> {
        self.layout.layout(t, self.gpus.get())
    }

    /// The efficiency constants: given, or the hardware generation's.
    pub fn constants(&self) -> Constants {
        self.layout.constants_for(&self.hardware)
    }
}

/// Memory per GPU of `t` laid out as `l`: model states sharded as ZeRO
/// says over the data-parallel ranks, activations of the first stage's
/// micro-batches in flight (Korthikanti et al. 2022 §4: a whole model's
/// layers' worth for one micro-batch under 1F1B) for seq_len / cp tokens.
pub fn memory_per_gpu(t: &Transformer, l: &Layout) -> Result<TrainingMemory> {
    let par = Parallelism {
        gpus: l.gpus / l.cp,
        zero: l.zero,
        tp: l.tp,
        pp: l.pp,
        ep: if ((l.dp()) / l.ep).fract() == 0.0 {
            l.ep
        } else {
            1.0
        },
    };
    let recompute = match (l.recompute, l.attention) {
        (Recompute::None, AttentionKernel::Flash) => Recompute::Selective,
        (r, _) => r,
    };
    let act = ActivationShape {
        seq_len: l.seq_len / l.cp,
        micro_batch: l.micro_batch,
        tp: l.tp,
        sequence_parallel: l.sequence_parallel,
        recompute,
        dropout: l.dropout,
        gated_activations: l.gated_activations,
    };
    let prec = Precisions {
        weights: Precision::Bf16,
        gradients: l.grad_precision,
        optimizer: l.optimizer,
        master_weights: true,
    };
    training_memory(ModelSpec::Shape(t), &par, &act, &prec)
}

/// Step time, memory and (with `tokens`) the run's days and cost.
pub fn training_step(t: &Transformer, o: &StepOptions) -> Result<TrainingStep> {
    let l = o.layout(t)?;
    let time = step_time(t, &l, &o.hardware, &o.constants())?;
    let memory = memory_per_gpu(t, &l)?;
    let total = memory.total;
    let days = o
        .tokens
        .map(|tokens| tokens.get() / time.tokens_per_second / 86_400.0);
    let gpu_hours = days.map(|d| d * 24.0 * l.gpus);
    Ok(TrainingStep {
        time,
        memory_per_gpu: total,
        memory,
        fits: total <= o.hardware.memory,
        days,
        gpu_hours,
        usd: gpu_hours.and_then(|h| o.usd_per_hour.map(|p| h * p.get())),
    })
}
