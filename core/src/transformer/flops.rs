//! Training FLOPs per token under the three conventions papers use.
//!
//! They differ in what counts: Kaplan's counts non-embedding parameters and
//! one attention-score term; PaLM's (and nanoGPT's MFU) adds the output
//! logits and both attention matmuls; Chinchilla's Appendix F counts every
//! matmul and the softmax but, as its Table A4 is computed, no embeddings.
//! All three take the backward pass as twice the forward.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Transformer;
use crate::error::{Error, Result};

/// How FLOPs per token are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "lowercase")]
pub enum FlopConvention {
    /// Kaplan et al. 2020 §2.1, Table 1: forward = 2 N + 2 n_layer n_ctx
    /// d_attn with N the non-embedding (active) parameters. The default.
    #[default]
    Kaplan,
    /// PaLM (Chowdhery et al. 2022, Appendix B) and nanoGPT's
    /// `estimate_mfu`: 6 N + 12 L H Q T, with N every parameter a token's
    /// matmuls touch (non-embedding plus the output projection; a tied
    /// embedding counts once, learned positions not at all).
    #[serde(alias = "nanogpt")]
    Palm,
    /// Hoffmann et al. 2022 Appendix F, as its Table A4 ratios are
    /// computed: projections, attention logits, softmax (3 per score),
    /// value reduction, output projection and FFN; no embeddings or logits.
    #[serde(alias = "hoffmann")]
    Chinchilla,
}

/// Every convention name, for messages.
pub const NAMES: [&str; 3] = ["kaplan", "palm", "chinchilla"];

impl FlopConvention {
    /// Parse "kaplan", "palm" (or "nanogpt"), "chinchilla" (or "hoffmann").
    pub fn parse(name: &str) -> Result<FlopConvention> {
        match name.to_ascii_lowercase().as_str() {
            "kaplan" => Ok(FlopConvention::Kaplan),
            "palm" | "nanogpt" => Ok(FlopConvention::Palm),
            "chinchilla" | "hoffmann" => Ok(FlopConvention::Chinchilla),
            _ => Err(Error::unknown("FLOP convention", name, NAMES)),
        }
    }
}

impl Transformer {
    /// Training FLOPs per token (forward and backward) at context `seq_len`.
    pub fn flops_per_token(&self, convention: FlopConvention) -> Result<f64> {
        Ok(3.0 * self.forward_flops(convention, self.seq_len)?)
    }

    /// Forward FLOPs for one token attending over `context` tokens.
    pub fn forward_flops(&self, convention: FlopConvention, context: f64) -> Result<f64> {
        let c = self.counts()?;
        let (qk, v) = self.score_dims();
        let (l, h, s) = (self.n_layer, self.n_heads, context);
        let output = self.vocab * self.d_model;
        Ok(match convention {
            FlopConvention::Kaplan => 2.0 * c.active_non_embedding + 2.0 * l * s * h * qk,
            FlopConvention::Palm => {
                2.0 * (c.active_non_embedding + output) + 2.0 * l * s * h * (qk + v)
            }
            FlopConvention::Chinchilla => {
                let (_, active_ffn) = self.ffn_matrices_per_token();
                l * (2.0 * self.attention_matrices()
                    + 2.0 * s * h * qk
                    + 3.0 * h * s
                    + 2.0 * s * h * v)
                    + 2.0 * active_ffn
            }
        })
    }

    /// FFN matrix weights (no biases): (all layers, used per token), with
    /// routers counted as matmuls.
    pub(crate) fn ffn_matrices_per_token(&self) -> (f64, f64) {
        let mats = self.ffn_mats();
        let dense = mats * self.d_model * self.d_ff;
        if !self.is_moe() {
            return (self.n_layer * dense, self.n_layer * dense);
        }
        let expert = mats * self.d_model * self.d_ff_expert.unwrap_or(self.d_ff);
        let router = self.d_model * self.n_experts;
        let moe = self.n_layer - self.dense_layers;
        let shared = self.n_shared_experts * expert;
        (
            self.dense_layers * dense + moe * (self.n_experts * expert + shared + router),
            self.dense_layers * dense + moe * (self.top_k * expert + shared + router),
        )
    }

    /// Matrix parameters of every MoE layer's routed experts (no biases):
    /// what expert parallelism splits, and what a decode step reads only
    /// in part. 0 for a dense model.
    pub(crate) fn routed_expert_matrices(&self) -> f64 {
        self.moe_layers()
            * self.n_experts
            * self.ffn_mats()
            * self.d_model
            * self.d_ff_expert.unwrap_or(self.d_ff)
    }

    /// Training FLOPs per token as Kaplan et al. 2020 count them (§2.1,
    /// Table 1), plus 2 d V for the output logits when `with_logits`.
    pub fn train_flops_per_token(&self, with_logits: bool) -> Result<f64> {
        let mut f = self.flops_per_token(FlopConvention::Kaplan)?;
        if with_logits {
            f += 6.0 * self.d_model * self.vocab;
        }
        Ok(f)
    }

    /// Training FLOPs per token as Hoffmann et al. 2022 count them
    /// (Appendix F): per layer and token, 2 x 3 d (h·hd) for the K, Q, V
    /// projections (K and V over the KV heads here), 2 S (h·hd) for the key @
    /// query logits, 3 h S for the softmax, 2 S (h·hd) for the softmax @ value
    /// reduction, 2 (h·hd) d for the output projection and 2 x 2 d d_ff (3
    /// matrices when gated; top_k experts) for the dense block; the backward
    /// pass twice the forward. Embeddings and final logits, which the
    /// appendix lists, are left out: only without them do its Table A4
    /// FLOP/6ND ratios come out (all six to the printed two decimals).
    /// nanoGPT's `scaling_laws.ipynb` leaves them out too, on the authors'
    /// word ("per correspondence with the authors"), not a finding of its own.
    pub fn hoffmann_flops_per_token(&self) -> Result<f64> {
        self.flops_per_token(FlopConvention::Chinchilla)
    }
}
