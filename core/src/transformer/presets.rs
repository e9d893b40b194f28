//! Published model shapes. Each entry says where its shape comes from;
//! `tests.rs` checks each count against the published one.

use super::{Latent, Norm, Transformer};
use crate::error::{Error, Result};

/// Preset names, in the order `transformer_presets()` lists them.
pub const PRESETS: &[&str] = &[
    "gpt2",
    "gpt2-medium",
    "gpt2-large",
    "gpt2-xl",
    "gpt3-175b",
    "gopher-280b",
    "chinchilla-70b",
    "llama2-7b",
    "llama2-70b",
    "llama3-8b",
    "llama3-70b",
    "llama3-405b",
    "mistral-7b",
    "mixtral-8x7b",
    "deepseek-v3",
];

/// GPT-2 (Radford et al. 2019, Table 2, and the released configs):
/// vocabulary 50,257, context 1024, learned positions, biases, LayerNorm,
/// tied embeddings, d_ff = 4 d.
fn gpt2(d: f64, layers: f64, heads: f64) -> Transformer {
    Transformer {
        vocab: 50_257.0,
        tied: true,
        seq_len: 1024.0,
        learned_positions: true,
        bias: true,
        norm: Norm::Layer,
        ..Transformer::new(d, layers, heads)
    }
}

/// The Llama family's block: SwiGLU, RMSNorm, rotary positions, no
/// biases, untied embeddings.
fn llama(d: f64, layers: f64, heads: f64, kv: f64, ff: f64, vocab: f64, ctx: f64) -> Transformer {
    Transformer {
        n_kv_heads: kv,
        d_ff: ff,
        gated: true,
        vocab,
        seq_len: ctx,
        ..Transformer::new(d, layers, heads)
    }
}

/// Normalise a preset name: lower case, `_` and spaces as `-`, the
/// "llama3.1-" spelling as "llama3-".
fn key(name: &str) -> String {
    name.to_ascii_lowercase()
        .replace(['_', ' '], "-")
        .replace("llama-3.1-", "llama3-")
        .replace("llama3.1-", "llama3-")
        .replace("llama-3-", "llama3-")
        .replace("llama-2-", "llama2-")
}

impl Transformer {
    /// A well-known model's published shape; see [`PRESETS`].
    pub fn preset(name: &str) -> Result<Transformer> {
        let (canonical, t) = match key(name).as_str() {
            "gpt2" | "gpt2-small" | "gpt2-124m" => ("gpt2", gpt2(768.0, 12.0, 12.0)),
            "gpt2-medium" | "gpt2-355m" => ("gpt2-medium", gpt2(1024.0, 24.0, 16.0)),
            "gpt2-large" | "gpt2-774m" => ("gpt2-large", gpt2(1280.0, 36.0, 20.0)),
            "gpt2-xl" | "gpt2-1.5b" => ("gpt2-xl", gpt2(1600.0, 48.0, 25.0)),
            // Brown et al. 2020 Table 2.1: 96 layers, d 12288, 96 heads of
            // 128, context 2048; GPT-2's vocabulary, positions, biases and norms.
            "gpt3-175b" | "gpt-3" | "gpt3" => (
                "gpt3-175b",
                Transformer {
                    seq_len: 2048.0,
                    ..gpt2(12288.0, 96.0, 96.0)
                },
            ),
            // Rae et al. 2021 Table 1: 80 layers, 128 heads of 128, d 16384,
            // d_ff 4 d; vocabulary 32,000, context 2048, relative positions.
            "gopher-280b" | "gopher" => ("gopher-280b", {
                Transformer::chinchilla_style(16384.0, 80.0, 128.0, 128.0, 65536.0)
            }),
            // Hoffmann et al. 2022 Table 4: 80 layers, 64 heads of 128, d
            // 8192, d_ff 32768; vocabulary 32,000, context 2048; Gopher's block.
            "chinchilla-70b" | "chinchilla" => ("chinchilla-70b", {
                Transformer::chinchilla_style(8192.0, 80.0, 64.0, 128.0, 32768.0)
            }),
            // Touvron et al. 2023 (Llama 2) and the released configs:
            // 7B d 4096, 32 layers, 32 heads, d_ff 11008; 70B d 8192, 80
            // layers, 64 heads, 8 KV heads, d_ff 28672; vocabulary 32,000, context 4096.
            "llama2-7b" => (
                "llama2-7b",
                llama(4096.0, 32.0, 32.0, 32.0, 11008.0, 32_000.0, 4096.0),
            ),
            "llama2-70b" => (
                "llama2-70b",
                llama(8192.0, 80.0, 64.0, 8.0, 28672.0, 32_000.0, 4096.0),
            ),
            // Llama 3 (Dubey et al. 2024, Table 3, and the released Llama
            // 3.1 configs): 8 KV heads, vocabulary 128,256, pre-training
            // context 8192; 8B d 4096, 32 layers, 32 heads, d_ff 14336; 70B
            // d 8192, 80 layers, 64 heads, d_ff 28672; 405B d 16384, 126
            // layers, 128 heads, d_ff 53248.
            "llama3-8b" => (
                "llama3-8b",
                llama(4096.0, 32.0, 32.0, 8.0, 14336.0, 128_256.0, 8192.0),
            ),
            "llama3-70b" => (
                "llama3-70b",
                llama(8192.0, 80.0, 64.0, 8.0, 28672.0, 128_256.0, 8192.0),
            ),
            "llama3-405b" => (
                "llama3-405b",
                llama(16384.0, 126.0, 128.0, 8.0, 53248.0, 128_256.0, 8192.0),
            ),
            // Jiang et al. 2023 (Mistral 7B, Table 1): d 4096, 32 layers, 32
            // heads, 8 KV heads, d_ff 14336, vocabulary 32,000, context 8192
            // (its 4096-token sliding window is not modelled).
            "mistral-7b" => (
                "mistral-7b",
                llama(4096.0, 32.0, 32.0, 8.0, 14336.0, 32_000.0, 8192.0),
            ),
            // Jiang et al. 2024 (Mixtral of Experts, Table 1): Mistral 7B's
            // shape with 8 experts per layer, top-2 routing, context 32768.
            "mixtral-8x7b" => (
                "mixtral-8x7b",
                Transformer {
                    n_experts: 8.0,
                    top_k: 2.0,
                    ..llama(4096.0, 32.0, 32.0, 8.0, 14336.0, 32_000.0, 32768.0)
                },
            ),
            // DeepSeek-AI 2024 (DeepSeek-V3 technical report §4.2) and the
            // released config: d 7168, 61 layers, 128 heads; MLA with query
            // rank 1536, KV rank 512, head 128 + rotary 64, values 128;
            // first 3 layers dense (d_ff 18432), then 256 routed experts
            // (d_ff 2048, top 8) and 1 shared; vocabulary 129,280, context
            // 4096. The multi-token-prediction module (14B) is not counted.
            "deepseek-v3" => (
                "deepseek-v3",
                Transformer {
                    n_experts: 256.0,
                    top_k: 8.0,
                    n_shared_experts: 1.0,
                    d_ff_expert: Some(2048.0),
                    dense_layers: 3.0,
                    latent: Some(Latent {
                        q_rank: Some(1536.0),
                        kv_rank: 512.0,
                        rope_dim: 64.0,
                        v_head_dim: 128.0,
                    }),
                    head_dim: 128.0,
                    ..llama(7168.0, 61.0, 128.0, 128.0, 18432.0, 129_280.0, 4096.0)
                },
            ),
            _ => return Err(Error::unknown("model preset", name, PRESETS)),
        };
        Ok(Transformer {
            name: canonical.into(),
            ..t
        })
    }
}
