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
    /// Transformer-XL relative position encodings (Gopher, Chinchilla): per
    /// layer a projection of the encodings (d x h·hd) and two bias vectors
    /// (h·hd each), counted with attention.
    pub relative_positions: bool,
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
    /// A dense multi-head shape with the defaults: d_ff = 4 d_model,
    /// head_dim = d_model / n_heads, vocabulary 32,000 (untied), context
    /// 2048, no biases, RMSNorm, no learned or relative positions.
    pub fn new(d_model: f64, n_layer: f64, n_heads: f64) -> Transformer {
        Transformer {
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

    /// Query width h·hd, key/value width kv·hd, and FFN matrices per expert.
    fn widths(&self) -> (f64, f64, f64) {
        let mats = if self.gated { 3.0 } else { 2.0 };
        (
            self.n_heads * self.head_dim,
            self.n_kv_heads * self.head_dim,
            mats,
        )
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
        let (q, kv, mats) = self.widths();
        let b = if self.bias { 1.0 } else { 0.0 };
        let relative = if self.relative_positions {
            d * q + 2.0 * q
        } else {
            0.0
        };
        let attn_layer = d * q + 2.0 * d * kv + q * d + b * (q + 2.0 * kv + d) + relative;
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

    /// Training FLOPs per token as Hoffmann et al. 2022 count them
    /// (Appendix F): per layer and token, 2 x 3 d (h·hd) for the K, Q, V
    /// projections (K and V over the KV heads here), 2 S (h·hd) for the key @
    /// query logits, 3 h S for the softmax, 2 S (h·hd) for the softmax @ value
    /// reduction, 2 (h·hd) d for the output projection and 2 x 2 d d_ff (3
    /// matrices when gated; top_k experts) for the dense block; the backward
    /// pass twice the forward. Embeddings and final logits, which the
    /// appendix lists, are left out: only without them do its Table A4
    /// FLOP/6ND ratios come out (all six to the printed two decimals; the
    /// same finding as nanoGPT's `scaling_laws.ipynb`).
    pub fn hoffmann_flops_per_token(&self) -> Result<f64> {
        self.validate()?;
        let (d, s) = (self.d_model, self.seq_len);
        let (q, kv, mats) = self.widths();
        let attention =
            2.0 * d * (q + 2.0 * kv) + 4.0 * s * q + 3.0 * self.n_heads * s + 2.0 * q * d;
        let dense = self.top_k * 2.0 * mats * d * self.d_ff;
        Ok(3.0 * self.n_layer * (attention + dense))
    }

    /// A well-known model's published shape: `gpt3-175b`, `llama2-7b`,
    /// `llama2-70b`, `chinchilla-70b`.
    pub fn preset(name: &str) -> Result<Transformer> {
        let key = name.to_ascii_lowercase().replace(['_', ' '], "-");
        let llama = |d: f64, l: f64, h: f64, kv: f64, ff: f64| Transformer {
            n_kv_heads: kv,
            d_ff: ff,
            gated: true,
            seq_len: 4096.0,
            ..Transformer::new(d, l, h)
        };
        match key.as_str() {
            // Brown et al. 2020 Table 2.1: 96 layers, d 12288, 96 heads of 128,
            // context 2048; GPT-2 vocabulary (50,257), learned positions, biases, LayerNorm.
            "gpt3-175b" | "gpt-3" | "gpt3" => Ok(Transformer {
                vocab: 50_257.0,
                tied: true,
                learned_positions: true,
                bias: true,
                norm: Norm::Layer,
                ..Transformer::new(12288.0, 96.0, 96.0)
            }),
            // Hoffmann et al. 2022 Table 4: 80 layers, 64 heads of 128, d
            // 8192, d_ff 32768; 32,000 tokens, context 2048. Gopher-style
            // blocks (Rae et al. 2021): biases, LayerNorm, relative positions,
            // one embedding matrix counted once. 70.0B.
            "chinchilla-70b" | "chinchilla" => Ok(Transformer::chinchilla_style(
                8192.0, 80.0, 64.0, 128.0, 32768.0,
            )),
            // Touvron et al. 2023 (Llama 2) and its released configs:
            // 7B d 4096, 32 layers, 32 heads, d_ff 11008; 70B d 8192, 80 layers,
            // 64 heads, 8 KV heads (GQA), d_ff 28672; SwiGLU, RMSNorm, vocab 32,000, untied.
            "llama2-7b" => Ok(llama(4096.0, 32.0, 32.0, 32.0, 11008.0)),
            "llama2-70b" => Ok(llama(8192.0, 80.0, 64.0, 8.0, 28672.0)),
            _ => Err(Error::unknown(
                "model preset",
                name,
                ["gpt3-175b", "llama2-7b", "llama2-70b", "chinchilla-70b"],
            )),
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
    fn hoffmann_table_a4_flop_ratios() {
        // Hoffmann et al. 2022 Table A4: parameters, layers, d_model, d_ff,
        // heads, k/q size, FLOP ratio (theirs / 6ND), printed to 2 decimals.
        let rows = [
            (73e6, 10.0, 640.0, 2560.0, 10.0, 64.0, 1.03),
            (305e6, 20.0, 1024.0, 4096.0, 16.0, 64.0, 1.10),
            (552e6, 24.0, 1280.0, 5120.0, 10.0, 128.0, 1.08),
            (1.1e9, 26.0, 1792.0, 7168.0, 14.0, 128.0, 1.04),
            (1.6e9, 28.0, 2048.0, 8192.0, 16.0, 128.0, 1.03),
            (6.8e9, 40.0, 3584.0, 14336.0, 28.0, 128.0, 0.99),
        ];
        for (n, l, d, ff, h, hd, printed) in rows {
            let t = Transformer::chinchilla_style(d, l, h, hd, ff);
            let total = t.counts().unwrap().total;
            // The table's sizes are the counts cut to 2-3 digits (73.8M -> 73M).
            assert!((total / n - 1.0).abs() < 0.04, "{total} vs {n}");
            let ratio = t.hoffmann_flops_per_token().unwrap() / (6.0 * total);
            assert!(
                (ratio - printed).abs() < 0.005,
                "{n:e}: {ratio} vs {printed}"
            );
        }
        let c70 = Transformer::preset("chinchilla-70b")
            .unwrap()
            .counts()
            .unwrap();
        assert!((c70.total / 70e9 - 1.0).abs() < 0.002, "{}", c70.total);
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
