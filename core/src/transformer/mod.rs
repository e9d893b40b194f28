//! Exact parameter and FLOP accounting for decoder-only transformers:
//! grouped-query and multi-head latent attention, gated FFNs, tied
//! embeddings, mixtures of experts (shared experts, leading dense layers).

mod flops;
mod options;
mod presets;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{check, Error, Result};
pub use flops::FlopConvention;
pub use options::{ModelRef, ShapeOptions, MAX_PARAMS};
pub use presets::PRESETS;

/// Normalisation layers, which differ in parameters per layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Norm {
    /// RMSNorm: a gain per channel (d parameters).
    Rms,
    /// LayerNorm: gain and bias (2d parameters).
    Layer,
}

/// Multi-head latent attention (DeepSeek-V2 §2.1, DeepSeek-V3 §2.1.1):
/// keys and values are rebuilt from a compressed latent of `kv_rank`
/// channels (plus a shared rotary key of `rope_dim`), which is all the KV
/// cache holds; queries optionally go through a `q_rank` bottleneck.
/// With it, `head_dim` is the per-head query/key width without rotary
/// part (DeepSeek's qk_nope_head_dim).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Latent {
    /// Query compression rank (DeepSeek's q_lora_rank); `None` = full-rank queries.
    pub q_rank: Option<f64>,
    /// Key/value compression rank (kv_lora_rank).
    pub kv_rank: f64,
    /// Decoupled rotary key/query width per head (qk_rope_head_dim).
    pub rope_dim: f64,
    /// Value width per head (v_head_dim).
    pub v_head_dim: f64,
}

/// A transformer's shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transformer {
    /// Preset name, or "custom".
    pub name: String,
    /// Width.
    pub d_model: f64,
    /// Layers.
    pub n_layer: f64,
    /// Query heads.
    pub n_heads: f64,
    /// Key/value heads (= n_heads for multi-head, 1 for multi-query, between for GQA).
    pub n_kv_heads: f64,
    /// Dimension per head.
    pub head_dim: f64,
    /// Feed-forward width (of the dense layers; of each expert unless `d_ff_expert`).
    pub d_ff: f64,
    /// Gated FFN (SwiGLU/GeGLU: three matrices instead of two).
    pub gated: bool,
    /// Vocabulary size.
    pub vocab: f64,
    /// Output projection shares the input embedding.
    pub tied: bool,
    /// Context length (for attention FLOPs and learned positions).
    pub seq_len: f64,
    /// Learned absolute position embeddings (GPT-2/3 style).
    pub learned_positions: bool,
    /// Transformer-XL relative position encodings (Gopher, Chinchilla): per
    /// layer a projection of the encodings (d x h·hd) and two bias vectors
    /// (h·hd each), counted with attention.
    pub relative_positions: bool,
    /// Biases in linear layers.
    pub bias: bool,
    /// Normalisation kind.
    pub norm: Norm,
    /// Routed experts per MoE layer (1 = dense).
    pub n_experts: f64,
    /// Routed experts used per token.
    pub top_k: f64,
    /// Experts every token uses besides the routed ones (DeepSeekMoE).
    pub n_shared_experts: f64,
    /// Feed-forward width of each expert, when it differs from `d_ff`.
    pub d_ff_expert: Option<f64>,
    /// Leading layers that stay dense (width `d_ff`) in a mixture of experts.
    pub dense_layers: f64,
    /// Multi-head latent attention, if used.
    pub latent: Option<Latent>,
}

/// Parameter counts by part.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Counts {
    /// Token (and position) embeddings plus an untied output projection.
    pub embedding: f64,
    /// Attention, all layers.
    pub attention: f64,
    /// Feed-forward, all layers, all experts (plus routers).
    pub ffn: f64,
    /// Normalisation gains (and biases).
    pub norms: f64,
    /// Everything.
    pub total: f64,
    /// Everything but embeddings: the N the scaling laws use.
    pub non_embedding: f64,
    /// Non-embedding parameters used per token (MoE: shared and top_k routed experts).
    pub active_non_embedding: f64,
    /// Parameters used per token, embeddings included.
    pub active: f64,
}

impl Transformer {
    /// A dense multi-head shape with the defaults: d_ff = 4 d_model,
    /// head_dim = d_model / n_heads, vocabulary 32,000 (untied), context
    /// 2048, no biases, RMSNorm, no learned or relative positions.
    pub fn new(d_model: f64, n_layer: f64, n_heads: f64) -> Transformer {
        Transformer {
            name: "custom".into(),
            d_model,
            n_layer,
            n_heads,
            n_kv_heads: n_heads,
            head_dim: d_model / n_heads,
            d_ff: 4.0 * d_model,
            gated: false,
            vocab: 32_000.0,
            tied: false,
            seq_len: 2048.0,
            learned_positions: false,
            relative_positions: false,
            bias: false,
            norm: Norm::Rms,
            n_experts: 1.0,
            top_k: 1.0,
            n_shared_experts: 0.0,
            d_ff_expert: None,
            dense_layers: 0.0,
            latent: None,
        }
    }

    /// Check the shape.
    pub fn validate(&self) -> Result<()> {
        // Generous bounds (100T-parameter sweeps use d_model 8e4, 806
        // layers): past them a count is a typo, and its arithmetic overflows.
        for (name, v, max) in [
            ("d_model", self.d_model, 1e7),
            ("n_layer", self.n_layer, 1e6),
            ("n_heads", self.n_heads, 1e6),
            ("n_kv_heads", self.n_kv_heads, 1e6),
            ("head_dim", self.head_dim, 1e6),
            ("d_ff", self.d_ff, 1e9),
            ("vocab", self.vocab, 1e9),
            ("seq_len", self.seq_len, 1e10),
            ("n_experts", self.n_experts, 1e6),
            ("top_k", self.top_k, 1e6),
        ] {
            check::positive_at_most(name, v, max)?;
            if v.fract() != 0.0 {
                return Err(Error::invalid(name, "a whole number", v));
            }
        }
        if (self.n_heads / self.n_kv_heads).fract() != 0.0 {
            return Err(Error::InvalidArgument {
                arg: "n_kv_heads".into(),
                expected: "a divisor of n_heads (each KV head serves a whole group of query heads)",
                value: format!(
                    "{} KV heads with {} query heads",
                    self.n_kv_heads, self.n_heads
                ),
            });
        }
        check::non_negative("n_shared_experts", self.n_shared_experts)?;
        check::non_negative("dense_layers", self.dense_layers)?;
        if let Some(w) = self.d_ff_expert {
            check::positive_at_most("d_ff_expert", w, 1e9)?;
        }
        if let Some(l) = &self.latent {
            if let Some(q) = l.q_rank {
                check::positive_at_most("q_lora_rank", q, 1e7)?;
            }
            check::positive_at_most("kv_lora_rank", l.kv_rank, 1e7)?;
            check::non_negative("rope_head_dim", l.rope_dim)?;
            check::positive_at_most("v_head_dim", l.v_head_dim, 1e6)?;
        }
        let at_most = |arg: &str, v: f64, bound: &'static str, max: f64| {
            if v > max {
                Err(Error::InvalidArgument {
                    arg: arg.into(),
                    expected: bound,
                    value: format!("{v} > {max}"),
                })
            } else {
                Ok(())
            }
        };
        at_most(
            "n_kv_heads",
            self.n_kv_heads,
            "at most n_heads",
            self.n_heads,
        )?;
        at_most("top_k", self.top_k, "at most n_experts", self.n_experts)?;
        at_most(
            "dense_layers",
            self.dense_layers,
            "at most n_layer",
            self.n_layer,
        )?;
        if self.n_experts == 1.0 && (self.n_shared_experts > 0.0 || self.dense_layers > 0.0) {
            return Err(Error::InvalidArgument {
                arg: "n_experts".into(),
                expected: "above 1 when shared experts or dense layers are given",
                value: "1".into(),
            });
        }
        Ok(())
    }

    /// True for a mixture of experts.
    pub fn is_moe(&self) -> bool {
        self.n_experts > 1.0
    }

    /// Layers whose FFN is a mixture of experts.
    pub(crate) fn moe_layers(&self) -> f64 {
        if self.is_moe() {
            self.n_layer - self.dense_layers
        } else {
            0.0
        }
    }

    /// Query width h·hd and key/value width kv·hd (standard attention).
    fn widths(&self) -> (f64, f64) {
        (
            self.n_heads * self.head_dim,
            self.n_kv_heads * self.head_dim,
        )
    }

    /// Per-head widths the attention scores and value reductions run over:
    /// (query/key, value).
    pub(crate) fn score_dims(&self) -> (f64, f64) {
        match &self.latent {
            Some(l) => (self.head_dim + l.rope_dim, l.v_head_dim),
            None => (self.head_dim, self.head_dim),
        }
    }

    /// Matrices per FFN block: 3 when gated, else 2.
    pub(crate) fn ffn_mats(&self) -> f64 {
        if self.gated {
            3.0
        } else {
            2.0
        }
    }

    /// Attention weight matrices of one layer, without biases, norms or
    /// relative-position projections (the part Appendix F counts as matmuls).
    pub(crate) fn attention_matrices(&self) -> f64 {
        let (d, h) = (self.d_model, self.n_heads);
        match &self.latent {
            None => {
                let (q, kv) = self.widths();
                d * q + 2.0 * d * kv + q * d
            }
            Some(l) => {
                let q_width = h * (self.head_dim + l.rope_dim);
                let queries = match l.q_rank {
                    Some(r) => d * r + r * q_width,
                    None => d * q_width,
                };
                queries
                    + d * (l.kv_rank + l.rope_dim)
                    + l.kv_rank * h * (self.head_dim + l.v_head_dim)
                    + h * l.v_head_dim * d
            }
        }
    }

    /// Attention parameters of one layer.
    fn attention_layer(&self) -> f64 {
        let d = self.d_model;
        let b = if self.bias { 1.0 } else { 0.0 };
        let (q, kv) = self.widths();
        let relative = if self.relative_positions {
            d * q + 2.0 * q
        } else {
            0.0
        };
        let extra = match &self.latent {
            // The latent's own RMSNorms (DeepSeek's q_a_layernorm, kv_a_layernorm).
            Some(l) => l.q_rank.unwrap_or(0.0) + l.kv_rank,
            None => b * (q + 2.0 * kv + d),
        };
        self.attention_matrices() + extra + relative
    }

    /// Parameters of one FFN block of width `width` (matrices and biases).
    fn ffn_block(&self, width: f64) -> f64 {
        let mats = self.ffn_mats();
        let b = if self.bias { 1.0 } else { 0.0 };
        mats * self.d_model * width + b * ((mats - 1.0) * width + self.d_model)
    }

    /// (total, per-token) FFN parameters of one MoE layer: routed experts,
    /// shared experts and a d x n_experts router.
    fn moe_layer(&self) -> (f64, f64) {
        let expert = self.ffn_block(self.d_ff_expert.unwrap_or(self.d_ff));
        let router = self.d_model * self.n_experts;
        let shared = self.n_shared_experts * expert;
        (
            self.n_experts * expert + shared + router,
            self.top_k * expert + shared + router,
        )
    }

    /// Parameters by part.
    ///
    /// Per layer: attention W_q (d x h·hd), W_k and W_v (d x kv·hd each),
    /// W_o (h·hd x d), or MLA's down- and up-projections; FFN 2 (or 3 when
    /// gated) d x d_ff matrices, or in MoE layers the routed and shared
    /// experts plus a d x n_experts router; two norms. One final norm.
    /// Biases, when on, add one per output feature.
    pub fn counts(&self) -> Result<Counts> {
        self.validate()?;
        let (d, l) = (self.d_model, self.n_layer);
        let dense_layers = l - self.moe_layers();
        let dense_ffn = self.ffn_block(self.d_ff);
        let (moe_total, moe_active) = if self.is_moe() {
            self.moe_layer()
        } else {
            (0.0, 0.0)
        };
        let norm_p = match self.norm {
            Norm::Rms => d,
            Norm::Layer => 2.0 * d,
        };
        let norms = (2.0 * l + 1.0) * norm_p;
        let mut embedding = self.vocab * d;
        if !self.tied {
            embedding += self.vocab * d;
        }
        if self.learned_positions {
            embedding += self.seq_len * d;
        }
        let attention = l * self.attention_layer();
        let ffn = dense_layers * dense_ffn + self.moe_layers() * moe_total;
        let non_embedding = attention + ffn + norms;
        let active_non_embedding =
            attention + dense_layers * dense_ffn + self.moe_layers() * moe_active + norms;
        let c = Counts {
            embedding,
            attention,
            ffn,
            norms,
            total: embedding + non_embedding,
            non_embedding,
            active_non_embedding,
            active: embedding + active_non_embedding,
        };
        check::finite_result("parameter count", c.total)?;
        Ok(c)
    }

    /// Values the KV cache holds per token and layer: keys and values of
    /// every KV head (2 n_kv_heads head_dim), or MLA's latent and rotary key
    /// (kv_rank + rope_dim, DeepSeek-V2 §2.1.4).
    pub fn kv_values_per_token_layer(&self) -> f64 {
        match &self.latent {
            Some(l) => l.kv_rank + l.rope_dim,
            None => 2.0 * self.n_kv_heads * self.head_dim,
        }
    }

    /// A block as in Gopher and Chinchilla (Rae et al. 2021; Hoffmann et al.
    /// 2022 Table A9 shapes): biases, LayerNorm, relative positions, one
    /// counted embedding matrix, vocabulary 32,000, context 2048.
    pub fn chinchilla_style(
        d: f64,
        n_layer: f64,
        n_heads: f64,
        head_dim: f64,
        d_ff: f64,
    ) -> Transformer {
        Transformer {
            head_dim,
            d_ff,
            tied: true,
            relative_positions: true,
            bias: true,
            norm: Norm::Layer,
            ..Transformer::new(d, n_layer, n_heads)
        }
    }
}

#[cfg(test)]
mod tests;
