//! Serving times predicted from what each GPU runs, not bounded by the
//! roofline: the equations of the training model ([`crate::performance`])
//! at inference's shapes, with a serving engine's constants
//! ([`ServingConstants`]).
//!
//! Per layer and step, on one GPU of a tensor-parallel group of `tp`:
//! - four matrix multiplies (query/key/value, output, FFN up and gate,
//!   down; MoE layers a grouped multiply over the experts the step's
//!   tokens touch, shared experts and the router), each the longer of its
//!   FLOPs at `matmul_efficiency` of the weights' peak and its weight
//!   bytes at `memory_efficiency` of the bandwidth, plus `gemm_overhead`:
//!   why a decode multiply of a few tokens runs far below peak;
//! - attention: decoding reads the KV cache of every sequence (its share,
//!   or a replica when KV heads replicate; once per query head where the
//!   kernel does not share a grouped-query head's reads), prefill runs the causal half
//!   of the scores at `attention_efficiency`; over a paged cache
//!   `paged_slowdown` times slower (Kwon et al. 2023 §7.1: vLLM's paged
//!   kernel 20-26% slower than FasterTransformer's);
//! - element-wise kernels (two norms, the activation, rotary and
//!   quantisation folded in): bytes and `kernel_overhead` each;
//! - two all-reduces of the step's activations (one all-gather and one
//!   reduce-scatter with data-parallel attention), each
//!   `allreduce_latency` plus its bytes over the node's links: at decode's
//!   small messages the latency dominates.
//!
//! A step adds the output layer for one token per sequence, sampling and
//! `step_overhead`. Pipeline parallelism splits the layers over `pp`
//! stages and the batch into `pp` micro-batches in flight. With static
//! batching a batch is prefilled together and decoded to its end; with
//! continuous batching each step also carries its share of new requests'
//! prefill (with equal request lengths, as in published benchmarks, the
//! two differ in time to first token, not throughput).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::ServingConstants;
use crate::hardware::{Accelerator, Precision};
use crate::performance::collective::{self, Group, Links};
use crate::performance::Constants;
use crate::transformer::Transformer;

/// Bytes per activation value (bf16/fp16).
const ACT: f64 = 2.0;

/// Element-wise kernels per layer and step besides attention and the
/// multiplies: two norms and the activation, plus one for the residual
/// adds and quantisation the engines fuse into them.
const ELEMENTWISE_KERNELS: f64 = 4.0;

/// How attention and its KV cache are split over a tensor-parallel group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AttentionSplit {
    /// By heads, like the rest of the layer (vLLM, TensorRT-LLM): KV heads
    /// replicate once tp passes them, an MLA latent is on every rank.
    Tp,
    /// By sequences (SGLang's data-parallel attention): each GPU keeps the
    /// whole attention weights and the KV cache of its own sequences, once.
    Dp,
}

/// How requests are batched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Batching {
    /// A batch is prefilled together and decoded to its end (TensorRT-LLM's
    /// gptSessionBenchmark, FasterTransformer).
    Static,
    /// New requests join running ones at every step (in-flight batching:
    /// vLLM, TensorRT-LLM's executor, SGLang).
    Continuous,
}

/// The predicted times of one serving setup.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Predicted {
    /// Time to the first token of a request, seconds.
    pub ttft: f64,
    /// One decode step at the mean context, seconds.
    pub decode_step: f64,
    /// Generated tokens per second per GPU.
    pub per_gpu: f64,
    /// Generated tokens per second a user sees while decoding.
    pub per_user: f64,
}

/// What one evaluation needs, fixed.
pub(crate) struct Engine<'a> {
    pub t: &'a Transformer,
    pub c: &'a ServingConstants,
    pub hw: &'a Accelerator,
    pub weights: Precision,
    pub kv: Precision,
    pub tp: f64,
    pub pp: f64,
    pub attention: AttentionSplit,
    pub paged: bool,
    pub grouped_kv_reads: bool,
}

impl Engine<'_> {
    fn peak(&self) -> f64 {
        self.hw.peak_or_bf16(match self.weights {
            // Weight-only integer formats dequantise and multiply in bf16.
            Precision::Int8 | Precision::Int4 => Precision::Bf16,
            p => p,
        })
    }

    fn gemm(&self, flops: f64, weight_bytes: f64) -> f64 {
        let c = self.c;
        (flops / (self.peak() * c.matmul_efficiency))
            .max(weight_bytes / (self.hw.bandwidth * c.memory_efficiency))
            + c.gemm_overhead
    }

    fn memory(&self, bytes: f64) -> f64 {
        bytes / (self.hw.bandwidth * self.c.memory_efficiency)
    }

    /// One collective's bytes over the tensor-parallel group, plus its latency.
    fn collective(&self, bytes: f64, all_reduce: bool) -> f64 {
        if self.tp <= 1.0 {
            return 0.0;
        }
        let mut links = Constants::of(self.hw.generation);
        links.latency = 0.0;
        let l = Links {
            intra: self.hw.intra_node_bandwidth,
            inter: self.hw.inter_node_bandwidth,
            gpus_per_node: self.hw.gpus_per_node,
        };
        let g = Group::strided(self.tp, 1.0, self.hw.gpus_per_node);
        let wire = if all_reduce {
            collective::all_reduce(bytes, g, &l, &links)
        } else {
            collective::all_gather(bytes, g, &l, &links)
        };
        self.c.allreduce_latency + wire
    }

    /// The multiplies of one layer for `tokens` tokens.
    fn linear(&self, tokens: f64, moe: bool) -> f64 {
        let (t, tp, wb) = (self.t, self.tp, self.weights.bytes());
        let d = t.d_model;
        let (_, v) = t.score_dims();
        let out = t.n_heads * v * d;
        let qkv = t.attention_matrices() - out;
        let mut time = match self.attention {
            AttentionSplit::Tp => {
                self.gemm(2.0 * tokens * qkv / tp, qkv * wb / tp)
                    + self.gemm(2.0 * tokens * out / tp, out * wb / tp)
            }
            AttentionSplit::Dp => {
                let mine = (tokens / tp).ceil();
                self.gemm(2.0 * mine * qkv, qkv * wb) + self.gemm(2.0 * mine * out, out * wb)
            }
        };
        let mats = t.ffn_mats();
        // Up (and gate, fused into one multiply) and down.
        let split = |flops: f64, bytes: f64| {
            self.gemm(flops * (mats - 1.0) / mats, bytes * (mats - 1.0) / mats)
                + self.gemm(flops / mats, bytes / mats)
        };
        if moe {
            let e = t.d_ff_expert.unwrap_or(t.d_ff);
            let expert = mats * d * e;
            let touched = t.n_experts * (1.0 - (1.0 - t.top_k / t.n_experts).powf(tokens));
            time += split(
                2.0 * tokens * t.top_k * expert / tp,
                touched * expert * wb / tp,
            );
            if t.n_shared_experts > 0.0 {
                let shared = expert * t.n_shared_experts;
                time += split(2.0 * tokens * shared / tp, shared * wb / tp);
            }
            time += self.gemm(2.0 * tokens * d * t.n_experts, d * t.n_experts * wb);
        } else {
            let ffn = mats * d * t.d_ff;
            time += split(2.0 * tokens * ffn / tp, ffn * wb / tp);
        }
        time
    }

    /// FFN width a token passes through, per GPU.
    fn ffn_width(&self, moe: bool) -> f64 {
        let t = self.t;
        let w = if moe {
            (t.top_k + t.n_shared_experts) * t.d_ff_expert.unwrap_or(t.d_ff)
        } else {
            t.d_ff
        };
        w / self.tp
    }

    /// Sequences, query heads and KV-cache copies one GPU holds.
    fn attention_share(&self, seqs: f64) -> (f64, f64, f64) {
        match self.attention {
            AttentionSplit::Tp => (
                seqs,
                self.t.n_heads / self.tp,
                super::kv_replication(self.t, self.tp) / self.tp,
            ),
            AttentionSplit::Dp => ((seqs / self.tp).ceil(), self.t.n_heads, 1.0),
        }
    }

    fn paged(&self, time: f64) -> f64 {
        if self.paged {
            time * self.c.paged_slowdown
        } else {
            time
        }
    }

    /// Decode attention of `seqs` sequences over `context` cached tokens.
    fn decode_attention(&self, seqs: f64, context: f64) -> f64 {
        let t = self.t;
        let (mine, heads, copies) = self.attention_share(seqs);
        // MLA decodes with the up-projections absorbed: scores over the
        // latent and rotary key, values in the latent (DeepSeek-V2 §2.1.4).
        let (qk, v) = match &t.latent {
            Some(l) => (l.kv_rank + l.rope_dim, l.kv_rank),
            None => t.score_dims(),
        };
        let flops = 2.0 * mine * context * heads * (qk + v);
        let bytes = seqs * context * t.kv_values_per_token_layer() * self.kv.bytes() * copies;
        let bytes = match self.attention {
            AttentionSplit::Tp => bytes,
            AttentionSplit::Dp => mine * context * t.kv_values_per_token_layer() * self.kv.bytes(),
        };
        // A kernel that gives each query head its own pass reads a KV
        // head once per query head of its group; the L2 cache catches some.
        let bytes = if self.grouped_kv_reads || t.latent.is_some() {
            bytes
        } else {
            let group = t.n_heads / t.n_kv_heads;
            bytes * (1.0 + (group - 1.0) * self.c.kv_reread_miss)
        };
        let time = (flops / (self.hw.bf16 * self.c.attention_efficiency)).max(self.memory(bytes));
        self.paged(time) + self.c.kernel_overhead
    }

    /// Prefill attention of `seqs` prompts of `len` tokens: the causal
    /// half of the scores, and the KV cache written.
    fn prefill_attention(&self, seqs: f64, len: f64) -> f64 {
        let t = self.t;
        let (mine, heads, copies) = self.attention_share(seqs);
        let (qk, v) = t.score_dims();
        let flops = mine * len * len * heads * (qk + v);
        let written = seqs * len * t.kv_values_per_token_layer() * self.kv.bytes() * copies;
        flops / (self.hw.bf16 * self.c.attention_efficiency)
            + self.memory(written)
            + self.c.kernel_overhead
    }

    /// Element-wise kernels and tensor-parallel collectives of one layer.
    fn rest(&self, tokens: f64, moe: bool) -> f64 {
        let d = self.t.d_model;
        let bytes = ACT * tokens * (4.0 * d + 3.0 * self.ffn_width(moe));
        let activations = tokens * d * ACT;
        let comm = match self.attention {
            AttentionSplit::Tp => 2.0 * self.collective(activations, true),
            AttentionSplit::Dp => 2.0 * self.collective(activations, false),
        };
        self.memory(bytes) + ELEMENTWISE_KERNELS * self.c.kernel_overhead + comm
    }

    /// Every layer once, for `tokens` tokens with `attention` seconds of
    /// attention per layer.
    fn layers(&self, tokens: f64, attention: f64) -> f64 {
        let t = self.t;
        let moe_layers = t.moe_layers();
        let dense_layers = t.n_layer - moe_layers;
        let mut time = dense_layers * (self.linear(tokens, false) + self.rest(tokens, false));
        if moe_layers > 0.0 {
            time += moe_layers * (self.linear(tokens, true) + self.rest(tokens, true));
        }
        time + t.n_layer * attention
    }

    /// The output layer for one token of each of `seqs` sequences, the
    /// logits gathered and sampled.
    fn output(&self, seqs: f64) -> f64 {
        let t = self.t;
        let w = t.d_model * t.vocab;
        self.gemm(2.0 * seqs * w / self.tp, w * self.weights.bytes() / self.tp)
            + self.collective(seqs * t.vocab * 4.0, false)
            + 2.0 * self.c.kernel_overhead
    }

    /// Everything of a pass through all stages: layers split over `pp`
    /// stages (the slowest holds ceil(L / pp)), the last one with the output.
    fn pass(&self, tokens: f64, seqs: f64, attention: f64) -> f64 {
        let stage_share = (self.t.n_layer / self.pp).ceil() / self.t.n_layer;
        stage_share * self.layers(tokens, attention) + self.output(seqs)
    }

    /// Send between stages.
    fn send(&self, tokens: f64) -> f64 {
        if self.pp <= 1.0 {
            return 0.0;
        }
        let bytes = tokens * self.t.d_model * ACT;
        bytes / (self.hw.intra_node_bandwidth * 0.8) + self.c.allreduce_latency
    }

    /// One decode step: every one of `batch` sequences gets a token,
    /// attending to `context` cached tokens.
    pub fn decode_step(&self, batch: f64, context: f64) -> f64 {
        let micro = (batch / self.pp).ceil();
        let per_stage = self.pass(micro, micro, self.decode_attention(micro, context));
        self.pp * (per_stage + self.send(micro)) + self.c.step_overhead
    }

    /// Prefill of `batch` prompts of `len` tokens.
    pub fn prefill(&self, batch: f64, len: f64) -> f64 {
        let m = batch.min(self.pp);
        let micro = (batch / m).ceil();
        let tokens = micro * len;
        let per_stage = self.pass(tokens, micro, self.prefill_attention(micro, len));
        (m + self.pp - 1.0) * (per_stage + self.send(tokens)) + self.c.prefill_overhead
    }

    /// Times of serving `batch` requests of `input` prompt and `output`
    /// generated tokens.
    pub fn predict(&self, batch: f64, input: f64, output: f64, batching: Batching) -> Predicted {
        let gpus = self.tp * self.pp;
        // Decode contexts run from input + 1 to input + output - 1, and
        // a step's time is affine in the context: the mean one is exact.
        let step = self.decode_step(batch, input + output / 2.0);
        match batching {
            Batching::Static => {
                let prefill = self.prefill(batch, input);
                let total = prefill + (output - 1.0) * step;
                Predicted {
                    ttft: prefill,
                    decode_step: step,
                    per_gpu: batch * output / total / gpus,
                    per_user: 1.0 / step,
                }
            }
            Batching::Continuous => {
                let with_arrivals = step + self.prefill(batch, input) / output;
                Predicted {
                    ttft: self.prefill(1.0, input) + step,
                    decode_step: with_arrivals,
                    per_gpu: batch / with_arrivals / gpus,
                    per_user: 1.0 / with_arrivals,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hardware::Generation;

    #[test]
    fn the_mean_context_step_sums_every_step_exactly() {
        // A step is affine in the context, so (n) steps at the mean context
        // equal the steps at every context from input + 1 on.
        let t = Transformer::preset("llama2-70b").unwrap();
        let hw = Accelerator::by_name("H100").unwrap();
        let c = ServingConstants::of(Generation::Hopper);
        for grouped in [true, false] {
            let e = Engine {
                t: &t,
                c: &c,
                hw: &hw,
                weights: Precision::Fp8,
                kv: Precision::Fp8,
                tp: 4.0,
                pp: 1.0,
                attention: AttentionSplit::Tp,
                paged: true,
                grouped_kv_reads: grouped,
            };
            let (input, output) = (300.0, 101.0);
            let sum: f64 = (1..output as usize)
                .map(|i| e.decode_step(64.0, input + i as f64))
                .sum();
            let mean = (output - 1.0) * e.decode_step(64.0, input + output / 2.0);
            assert!((sum / mean - 1.0).abs() < 1e-12, "{sum} {mean}");
        }
    }

    #[test]
    fn pipeline_stages_add_sends_and_split_the_batch() {
        let t = Transformer::preset("llama3-70b").unwrap();
        let hw = Accelerator::by_name("H100").unwrap();
        let c = ServingConstants::of(Generation::Hopper);
        let e = |pp: f64| Engine {
            t: &t,
            c: &c,
            hw: &hw,
            weights: Precision::Bf16,
            kv: Precision::Bf16,
            tp: 2.0,
            pp,
            attention: AttentionSplit::Tp,
            paged: true,
            grouped_kv_reads: true,
        };
        // Two stages of 40 layers, each passed by two micro-batches of 32:
        // a GPU reads its (half the) weights twice, as often in bytes as one
        // stage of 80 layers reads them once, but holds half the KV cache:
        // faster, not twice as fast.
        let (one, two) = (
            e(1.0).decode_step(64.0, 2048.0),
            e(2.0).decode_step(64.0, 2048.0),
        );
        assert!(two < one && two > 0.6 * one, "{one} {two}");
    }
}
