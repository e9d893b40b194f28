//! Exact parameter and FLOP accounting for decoder-only transformers:
//! grouped-query attention, gated FFNs, tied embeddings, mixtures of experts.

use serde::Serialize;

use crate::error::{check, Error, Result};

/// Normalisation layers, which differ in parameters per layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Norm {
    /// RMSNorm: a gain per channel (d parameters).
    Rms,
    /// LayerNorm: gain and bias (2d parameters).
    Layer,
}

/// A transformer's shape.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Transformer {
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
    /// Feed-forward width (per expert).
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
    /// Biases in linear layers.
    pub bias: bool,
    /// Normalisation kind.
    pub norm: Norm,
    /// Experts per MoE layer (1 = dense).
    pub n_experts: f64,
    /// Experts used per token.
    pub top_k: f64,
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
    /// Non-embedding parameters used per token (MoE: top_k experts).
    pub active_non_embedding: f64,
}

impl Transformer {
    /// Check the shape.
    pub fn validate(&self) -> Result<()> {
        for (name, v) in [
            ("d_model", self.d_model),
            ("n_layer", self.n_layer),
            ("n_heads", self.n_heads),
            ("n_kv_heads", self.n_kv_heads),
            ("head_dim", self.head_dim),
            ("d_ff", self.d_ff),
            ("vocab", self.vocab),
            ("seq_len", self.seq_len),
            ("n_experts", self.n_experts),
            ("top_k", self.top_k),
        ] {
            check::positive(name, v)?;
        }
        if self.n_kv_heads > self.n_heads {
            return Err(Error::InvalidArgument {
                arg: "n_kv_heads".into(),
                expected: "at most n_heads",
                value: format!("{} > {}", self.n_kv_heads, self.n_heads),
            });
        }
        if self.top_k > self.n_experts {
            return Err(Error::InvalidArgument {
                arg: "top_k".into(),
                expected: "at most n_experts",
                value: format!("{} > {}", self.top_k, self.n_experts),
            });
        }
        Ok(())
    }

    /// Parameters by part.
    ///
    /// Per layer: attention W_q (d x h·hd), W_k and W_v (d x kv·hd each),
    /// W_o (h·hd x d); FFN 2 (or 3 when gated) d x d_ff matrices per expert,
    /// plus a d x n_experts router when n_experts > 1; two norms. One final
    /// norm. Biases, when on, add one per output feature.
    pub fn counts(&self) -> Result<Counts> {
        self.validate()?;
        let (d, l) = (self.d_model, self.n_layer);
        let q = self.n_heads * self.head_dim;
        let kv = self.n_kv_heads * self.head_dim;
        let b = if self.bias { 1.0 } else { 0.0 };
        let attn_layer = d * q + 2.0 * d * kv + q * d + b * (q + 2.0 * kv + d);
        let mats = if self.gated { 3.0 } else { 2.0 };
        let expert = mats * d * self.d_ff + b * ((mats - 1.0) * self.d_ff + d);
        let router = if self.n_experts > 1.0 {
            d * self.n_experts
        } else {
            0.0
        };
        let ffn_layer = self.n_experts * expert + router;
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
        let attention = l * attn_layer;
        let ffn = l * ffn_layer;
        let non_embedding = attention + ffn + norms;
        let active = attention + l * (self.top_k * expert + router) + norms;
        Ok(Counts {
            embedding,
            attention,
            ffn,
            norms,
            total: embedding + non_embedding,
            non_embedding,
            active_non_embedding: active,
        })
    }

    /// Training FLOPs per token: 3 x forward (backward costs twice the
    /// forward), forward = 2 N_active + 2 n_layer n_ctx d_attn (Kaplan et
    /// al. 2020 §2.1, Table 1), plus 2 d V for the output logits when
    /// `with_logits`.
    pub fn train_flops_per_token(&self, with_logits: bool) -> Result<f64> {
        let c = self.counts()?;
        let d_attn = self.n_heads * self.head_dim;
        let mut fwd = 2.0 * c.active_non_embedding + 2.0 * self.n_layer * self.seq_len * d_attn;
        if with_logits {
            fwd += 2.0 * self.d_model * self.vocab;
        }
        Ok(3.0 * fwd)
    }

    /// A well-known model's published shape: `gpt3-175b`, `llama2-7b`, `llama2-70b`.
    pub fn preset(name: &str) -> Result<Transformer> {
        let key = name.to_ascii_lowercase().replace(['_', ' '], "-");
        let llama = |d: f64, l: f64, h: f64, kv: f64, ff: f64| Transformer {
            d_model: d,
            n_layer: l,
            n_heads: h,
            n_kv_heads: kv,
            head_dim: d / h,
            d_ff: ff,
            gated: true,
            vocab: 32_000.0,
            tied: false,
            seq_len: 4096.0,
            learned_positions: false,
            bias: false,
            norm: Norm::Rms,
            n_experts: 1.0,
            top_k: 1.0,
        };
        match key.as_str() {
            // Brown et al. 2020 Table 2.1: 96 layers, d 12288, 96 heads of 128,
            // context 2048; GPT-2 vocabulary (50,257), learned positions, biases, LayerNorm.
            "gpt3-175b" | "gpt-3" | "gpt3" => Ok(Transformer {
                d_model: 12288.0,
                n_layer: 96.0,
                n_heads: 96.0,
                n_kv_heads: 96.0,
                head_dim: 128.0,
                d_ff: 4.0 * 12288.0,
                gated: false,
                vocab: 50_257.0,
                tied: true,
                seq_len: 2048.0,
                learned_positions: true,
                bias: true,
                norm: Norm::Layer,
                n_experts: 1.0,
                top_k: 1.0,
            }),
            // Touvron et al. 2023 (Llama 2) and its released configs:
            // 7B d 4096, 32 layers, 32 heads, d_ff 11008; 70B d 8192, 80 layers,
            // 64 heads, 8 KV heads (GQA), d_ff 28672; SwiGLU, RMSNorm, vocab 32,000, untied.
            "llama2-7b" => Ok(llama(4096.0, 32.0, 32.0, 32.0, 11008.0)),
            "llama2-70b" => Ok(llama(8192.0, 80.0, 64.0, 8.0, 28672.0)),
            _ => Err(Error::unknown(
                "model preset",
                name,
                ["gpt3-175b", "llama2-7b", "llama2-70b"],
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn llama2_counts_are_exact() {
        // The released checkpoints: 6,738,415,616 and 68,976,648,192 parameters.
        assert_eq!(
            Transformer::preset("llama2-7b")
                .unwrap()
                .counts()
                .unwrap()
                .total,
            6_738_415_616.0
        );
        assert_eq!(
            Transformer::preset("llama2-70b")
                .unwrap()
                .counts()
                .unwrap()
                .total,
            68_976_648_192.0
        );
    }

    #[test]
    fn gpt3_is_175b() {
        // Brown et al. 2020: "175 billion parameters"; this count is 174.6B.
        let c = Transformer::preset("gpt3-175b").unwrap().counts().unwrap();
        assert_eq!(c.total, 174_604_259_328.0);
        assert!((c.total / 175e9 - 1.0).abs() < 0.003);
        // Non-embedding N is close to 12 n_layer d^2 (Kaplan eq. 2.1).
        assert!((c.non_embedding / (12.0 * 96.0 * 12288f64.powi(2)) - 1.0).abs() < 1e-3);
    }

    #[test]
    fn moe_counts_total_and_active() {
        let mut t = Transformer::preset("llama2-7b").unwrap();
        t.n_experts = 8.0;
        t.top_k = 2.0;
        let c = t.counts().unwrap();
        let dense = Transformer::preset("llama2-7b").unwrap().counts().unwrap();
        let expert = 3.0 * 4096.0 * 11008.0;
        assert_eq!(c.ffn, 32.0 * (8.0 * expert + 4096.0 * 8.0));
        assert_eq!(
            c.active_non_embedding,
            dense.non_embedding + 32.0 * (expert + 4096.0 * 8.0)
        );
        t.top_k = 9.0;
        assert!(t.counts().is_err());
    }

    #[test]
    fn flops_per_token_is_about_6n() {
        let t = Transformer::preset("llama2-70b").unwrap();
        let c = t.counts().unwrap();
        let f = t.train_flops_per_token(false).unwrap();
        // 6N plus the attention term 6 n_layer n_ctx d_attn: 3.9% more at a 4k context for 70B.
        assert_eq!(f, 6.0 * c.non_embedding + 6.0 * 80.0 * 4096.0 * 8192.0);
        assert!(
            (f / (6.0 * c.non_embedding) - 1.039).abs() < 1e-3,
            "{}",
            f / c.non_embedding
        );
    }
}
