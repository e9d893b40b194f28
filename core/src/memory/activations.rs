//! Activation memory per transformer layer, after Korthikanti et al. 2022,
//! "Reducing Activation Recomputation in Large Transformer Models", §4
//! and Table 2.
//!
//! The paper's count for a GPT block with 16-bit activations and 1-byte
//! dropout masks is s b h (34 + 5 a s / h) bytes per layer: the attention
//! block stores 11 s b h + 5 a s² b (QKV input 2sbh, Q and K 4sbh, softmax
//! output 2as²b, its dropout mask as²b and output 2as²b, V 2sbh, the
//! projection input 2sbh, a dropout mask sbh), the MLP 19 s b h (input
//! 2sbh, GeLU input and output 8sbh each, a dropout mask sbh) and the two
//! layer norms 4 s b h. Tensor parallelism splits everything but the 10 s b h
//! of norms, their outputs and the dropout masks (Table 2: s b h (10 + 24/t +
//! 5 a s/(h t))); sequence parallelism splits those too (s b h (34/t + 5 a
//! s/(h t))); selective recomputation drops the 5 a s²b score terms, full
//! recomputation keeps only each layer's input, 2 s b h.
//!
//! Here the same terms are written in the shape's own widths so that they
//! hold for grouped-query attention, other FFN widths, gated FFNs and mixtures of
//! experts (the experts a token uses), and reduce to the paper's
//! coefficients for its GPT blocks (`tests`). For multi-head latent
//! attention the queries, keys and values are counted after up-projection
//! plus the latent inputs, an approximation. Without dropout the masks and
//! the dropout output go (FlashAttention-style kernels also drop the s²
//! terms; that is `Recompute::Selective`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::transformer::Transformer;

/// What the backward pass recomputes instead of storing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Recompute {
    /// Store everything.
    None,
    /// Recompute the attention scores, softmax and dropout (Korthikanti §5);
    /// also what FlashAttention stores.
    Selective,
    /// Store only each layer's input and recompute the layer.
    Full,
}

impl Recompute {
    /// Parse "none", "selective" or "full".
    pub fn parse(name: &str) -> Result<Recompute> {
        match name.to_ascii_lowercase().as_str() {
            "none" => Ok(Recompute::None),
            "selective" => Ok(Recompute::Selective),
            "full" => Ok(Recompute::Full),
            _ => Err(Error::unknown(
                "recompute mode",
                name,
                ["none", "selective", "full"],
            )),
        }
    }
}

/// What a gated FFN (SwiGLU, GeGLU) keeps for its backward pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum GatedActivations {
    /// Megatron-LM's fused kernel (`bias_swiglu_impl`): the concatenated
    /// gate and up projections (2 d_ff values) and the product fed to the
    /// down projection (d_ff): 6 s b d_ff bytes in 16-bit.
    #[default]
    Fused,
    /// Unfused PyTorch: gate, up, the activation of the gate and the
    /// product kept separately: 8 s b d_ff bytes.
    Unfused,
}

/// The run-time shape of the activations: sequence, micro-batch and how
/// they are split.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ActivationShape {
    /// Sequence length s.
    pub seq_len: f64,
    /// Micro-batch size b.
    pub micro_batch: f64,
    /// Tensor-parallel degree t.
    pub tp: f64,
    /// Sequence parallelism (splits norms and dropout across the t GPUs).
    pub sequence_parallel: bool,
    /// What is recomputed.
    pub recompute: Recompute,
    /// Dropout on attention scores and residual branches (the paper's
    /// blocks have it; Llama-style training has none).
    pub dropout: bool,
    /// What a gated FFN keeps.
    pub gated_activations: GatedActivations,
}

/// Bytes of activations one layer keeps per GPU, for a dense layer
/// (`moe_layer` false) or a mixture-of-experts layer.
pub fn activation_bytes_per_layer(t: &Transformer, a: &ActivationShape, moe_layer: bool) -> f64 {
    let (s, b, h, t_deg) = (a.seq_len, a.micro_batch, t.d_model, a.tp);
    let sb = s * b;
    let split_unsplit = if a.sequence_parallel { t_deg } else { 1.0 };
    if a.recompute == Recompute::Full {
        return 2.0 * sb * h / split_unsplit;
    }
    let drop = if a.dropout { 1.0 } else { 0.0 };
    // Norm inputs (2 x 2sbh), the two norm outputs that feed the attention
    // and MLP inputs (2 x 2sbh), two residual dropout masks (2 x sbh).
    let unsplit = sb * h * (8.0 + 2.0 * drop);
    let heads = t.n_heads;
    let (qk, v) = t.score_dims();
    let kv_heads = if t.latent.is_some() {
        heads
    } else {
        t.n_kv_heads
    };
    let latent_inputs = t
        .latent
        .map_or(0.0, |l| l.q_rank.unwrap_or(0.0) + l.kv_rank + l.rope_dim);
    let attention = 2.0 * sb * (heads * qk + kv_heads * qk + kv_heads * v + heads * v)
        + 2.0 * sb * latent_inputs;
    let width = if moe_layer {
        let e = t.d_ff_expert.unwrap_or(t.d_ff);
        (t.top_k + t.n_shared_experts) * e
    } else {
        t.d_ff
    };
    let mlp = match (t.gated, a.gated_activations) {
        (false, _) => 4.0,
        (true, GatedActivations::Fused) => 6.0,
        (true, GatedActivations::Unfused) => 8.0,
    } * sb
        * width;
    let scores = if a.recompute == Recompute::Selective {
        0.0
    } else {
        (2.0 + 3.0 * drop) * heads * s * s * b
    };
    unsplit / split_unsplit + (attention + mlp + scores) / t_deg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gpt3() -> Transformer {
        Transformer::preset("gpt3-175b").unwrap()
    }

    fn shape(tp: f64, sp: bool, recompute: Recompute) -> ActivationShape {
        ActivationShape {
            seq_len: 2048.0,
            micro_batch: 1.0,
            tp,
            sequence_parallel: sp,
            recompute,
            dropout: true,
            gated_activations: GatedActivations::Fused,
        }
    }

    #[test]
    fn korthikanti_table_2_for_gpt3() {
        // Table 2's five rows for GPT-3 175B (s 2048, h 12288, a 96), b = 1, t = 8.
        let m = gpt3();
        let (s, b, h, a, t) = (2048.0, 1.0, 12288.0, 96.0, 8.0);
        let sbh = s * b * h;
        let layer = |tp, sp, r| activation_bytes_per_layer(&m, &shape(tp, sp, r), false);
        let close = |x: f64, y: f64| assert!((x / y - 1.0).abs() < 1e-12, "{x} vs {y}");
        close(
            layer(1.0, false, Recompute::None),
            sbh * (34.0 + 5.0 * a * s / h),
        );
        close(
            layer(t, false, Recompute::None),
            sbh * (10.0 + 24.0 / t + 5.0 * a * s / (h * t)),
        );
        close(
            layer(t, true, Recompute::None),
            sbh * (34.0 / t + 5.0 * a * s / (h * t)),
        );
        close(
            layer(t, false, Recompute::Selective),
            sbh * (10.0 + 24.0 / t),
        );
        close(layer(t, true, Recompute::Selective), sbh * 34.0 / t);
        close(layer(1.0, false, Recompute::Full), 2.0 * sbh);
    }

    #[test]
    fn selective_recomputation_saves_what_the_paper_says() {
        // Korthikanti §5: for GPT-3 (5as/h = 80) selective recomputation cuts
        // activation memory by 70%, for MT-NLG 530B (a 128, h 20480: 5as/h =
        // 64) by 65%.
        let m = gpt3();
        let full = activation_bytes_per_layer(&m, &shape(8.0, true, Recompute::None), false);
        let sel = activation_bytes_per_layer(&m, &shape(8.0, true, Recompute::Selective), false);
        assert_eq!(format!("{:.0}", (1.0 - sel / full) * 100.0), "70");
        let mtnlg = Transformer::new(20480.0, 105.0, 128.0);
        let full = activation_bytes_per_layer(&mtnlg, &shape(8.0, true, Recompute::None), false);
        let sel =
            activation_bytes_per_layer(&mtnlg, &shape(8.0, true, Recompute::Selective), false);
        assert_eq!(format!("{:.0}", (1.0 - sel / full) * 100.0), "65");
    }

    #[test]
    fn names() {
        assert_eq!(Recompute::parse("Full").unwrap(), Recompute::Full);
        assert!(Recompute::parse("some").is_err());
    }
}
