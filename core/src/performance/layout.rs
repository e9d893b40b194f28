//! A training run's parallel layout and batch, checked against the model
//! it splits: every degree a whole number that divides what it splits.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{check, Error, Result};
use crate::hardware::Precision;
use crate::memory::{Optimizer, Recompute};
use crate::transformer::Transformer;

/// How attention's core (scores, softmax, weighted sum) runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AttentionKernel {
    /// One fused kernel that skips the masked half of causal scores and
    /// recomputes them in the backward pass (FlashAttention 2/3).
    Flash,
    /// Two batched matrix multiplies and a softmax written to memory
    /// (Megatron-LM before 2023): all s² scores, computed and stored.
    Unfused,
}

/// A layout: degrees of parallelism, batch, and what is recomputed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Layout {
    /// GPUs in all.
    pub gpus: f64,
    /// Tensor-parallel degree (inside a node).
    pub tp: f64,
    /// Pipeline stages.
    pub pp: f64,
    /// Context-parallel degree (the sequence split for attention).
    pub cp: f64,
    /// Expert-parallel degree (inside the data-parallel ranks).
    pub ep: f64,
    /// Model chunks per pipeline stage (interleaved 1F1B; 1 = plain 1F1B).
    pub vpp: f64,
    /// Sequences per micro-batch.
    pub micro_batch: f64,
    /// Sequences per optimizer step, all GPUs together.
    pub batch: f64,
    /// Tokens per sequence.
    pub seq_len: f64,
    /// ZeRO stage 0-3 (1 is Megatron's distributed optimizer).
    pub zero: u8,
    /// What the backward pass recomputes.
    pub recompute: Recompute,
    /// Sequence parallelism (norms and dropout split over the tensor-parallel GPUs).
    pub sequence_parallel: bool,
    /// Dropout layers present (masks written and read).
    pub dropout: bool,
    /// What a gated FFN keeps (memory only).
    pub gated_activations: crate::memory::GatedActivations,
    /// The attention kernel.
    pub attention: AttentionKernel,
    /// Gradient reduction overlapped with the backward pass.
    pub overlap_dp: bool,
    /// Expert all-to-alls overlapped with another micro-batch's compute.
    pub overlap_ep: bool,
    /// Precision the matrix multiplies run in (bf16 or fp8).
    pub precision: Precision,
    /// Precision gradients are reduced in.
    pub grad_precision: Precision,
    /// Optimizer whose state is updated each step.
    pub optimizer: Optimizer,
}

impl Layout {
    /// Data-parallel degree gpus / (tp pp cp).
    pub fn dp(&self) -> f64 {
        self.gpus / (self.tp * self.pp * self.cp)
    }

    /// Micro-batches each pipeline runs per step.
    pub fn microbatches(&self) -> f64 {
        self.batch / (self.dp() * self.micro_batch)
    }

    /// Tokens per step.
    pub fn tokens_per_step(&self) -> f64 {
        self.batch * self.seq_len
    }

    /// Check every degree against the model; the first failure names its option.
    pub fn check(&self, t: &Transformer, gpus_per_node: f64) -> Result<()> {
        let whole = |arg: &str, v: f64, max: f64| -> Result<f64> {
            let v = check::positive_at_most(arg, v, max)?;
            if v.fract() != 0.0 {
                return Err(Error::invalid(arg, "a whole number", v));
            }
            Ok(v)
        };
        whole("gpus", self.gpus, 1e7)?;
        whole("tp", self.tp, 1e4)?;
        whole("pp", self.pp, 1e4)?;
        whole("cp", self.cp, 1e4)?;
        whole("ep", self.ep, 1e6)?;
        whole("vpp", self.vpp, 1e3)?;
        whole("micro_batch", self.micro_batch, 1e6)?;
        whole("batch", self.batch, 1e9)?;
        whole("seq_len", self.seq_len, 1e8)?;
        let fail = |arg: &str, expected: &'static str, value: String| {
            Err(Error::InvalidArgument {
                arg: arg.into(),
                expected,
                value,
            })
        };
        if self.zero > 3 {
            return fail("zero", "a ZeRO stage from 0 to 3", self.zero.to_string());
        }
        // Key/value heads are split when there are enough, else replicated.
        let kv_ok = if self.tp <= t.n_kv_heads {
            (t.n_kv_heads / self.tp).fract() == 0.0
        } else {
            (self.tp / t.n_kv_heads).fract() == 0.0
        };
        if (t.n_heads / self.tp).fract() != 0.0 || !kv_ok {
            return fail(
                "tp",
                "a divisor of the attention heads",
                format!(
                    "tp {} with {} heads, {} key/value heads",
                    self.tp, t.n_heads, t.n_kv_heads
                ),
            );
        }
        if self.tp > gpus_per_node {
            return fail(
                "tp",
                "at most the GPUs of one node (tensor parallelism needs the node's links)",
                format!("tp {} with {} GPUs per node", self.tp, gpus_per_node),
            );
        }
        if self.pp > t.n_layer || self.vpp > (t.n_layer / self.pp).ceil() {
            return fail(
                "pp",
                "at most the layers, and vpp at most the layers per stage",
                format!(
                    "pp {} x vpp {} with {} layers",
                    self.pp, self.vpp, t.n_layer
                ),
            );
        }
        if self.vpp > 1.0 && self.pp == 1.0 {
            return fail(
                "vpp",
                "1 without pipeline parallelism",
                self.vpp.to_string(),
            );
        }
        let model_parallel = self.tp * self.pp * self.cp;
        if (self.gpus / model_parallel).fract() != 0.0 {
            return fail(
                "gpus",
                "a multiple of tp x pp x cp",
                format!(
                    "{} GPUs with tp {}, pp {}, cp {}",
                    self.gpus, self.tp, self.pp, self.cp
                ),
            );
        }
        let dp = self.dp();
        if self.ep > 1.0 && (!t.is_moe() || (t.n_experts / self.ep).fract() != 0.0) {
            return fail(
                "ep",
                "a divisor of the routed experts (1 for a dense model)",
                format!("ep {} with {} experts", self.ep, t.n_experts),
            );
        }
        if ((dp * self.cp) / self.ep).fract() != 0.0 {
            return fail(
                "ep",
                "a divisor of the data-parallel degree x cp",
                format!("ep {} with data-parallel degree {}", self.ep, dp),
            );
        }
        if (self.seq_len / (2.0 * self.cp)).fract() != 0.0 && self.cp > 1.0 {
            return fail(
                "cp",
                "a divisor of seq_len / 2 (each rank takes two chunks to balance causal work)",
                format!("cp {} with seq_len {}", self.cp, self.seq_len),
            );
        }
        let m = self.microbatches();
        if m.fract() != 0.0 || m < 1.0 {
            return fail(
                "global_batch",
                "a multiple of micro_batch x the data-parallel degree",
                format!(
                    "global_batch {} with micro_batch {} and data-parallel degree {}",
                    self.batch, self.micro_batch, dp
                ),
            );
        }
        if self.precision != Precision::Bf16 && self.precision != Precision::Fp8 {
            return fail(
                "precision",
                "\"bf16\" or \"fp8\" for training matrix multiplies",
                self.precision.name().into(),
            );
        }
        Ok(())
    }
}
