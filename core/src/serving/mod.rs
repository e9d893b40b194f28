//! Serving a model: KV cache, whether it fits, predicted times to first
//! token, decode steps and throughput ([`predict`], calibrated to
//! published engine measurements in [`measured`]), and the roofline
//! lower bounds beside them (the `*_bound` fields).
//!
//! Bounds: each phase takes at least as long as its FLOPs at peak throughput and
//! as its bytes at peak memory bandwidth, whichever is longer (the
//! roofline view of Pope et al. 2022, "Efficiently Scaling Transformer
//! Inference", §2-3): decoding a small batch reads every weight and the
//! whole KV cache for a few FLOPs per byte, so it is bandwidth-bound;
//! prefill is compute-bound. The model is split across `count`
//! accelerators by tensor parallelism and communication is free, so the
//! times are lower bounds (measured engines run 1.5-5x slower; see
//! docs/serving.md). Weights split evenly; the KV cache does not once the
//! tensor-parallel degree passes the key/value heads: each rank keeps at
//! least one KV head, so heads replicate max(1, tp / kv_heads) times (as
//! vLLM and TensorRT-LLM do; llm-analysis counts max(kv_heads / tp, 1) per
//! rank), and multi-head latent attention keeps the whole latent on every
//! rank (DeepSeek-V3 under TP).

pub mod constants;
pub mod measured;
pub mod predict;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use constants::ServingConstants;
pub use predict::{AttentionSplit, Batching};

use crate::error::{check, Error, Result};
use crate::hardware::{Accelerator, Precision};
use crate::input::{Count, Numbers, Positive};
use crate::table::{NumFormat, Record};
use crate::transformer::{FlopConvention, Transformer};

/// Bytes of KV cache.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct KvCache {
    /// Tokens per sequence.
    pub tokens: f64,
    /// Sequences.
    pub batch: f64,
    /// Bytes for all of them.
    pub bytes: f64,
    /// Bytes per token of one sequence (all layers).
    pub bytes_per_token: f64,
}

impl Record for KvCache {
    fn format(field: &str) -> NumFormat {
        match field {
            "tokens" | "batch" => NumFormat::Fixed(0),
            _ => NumFormat::Bytes { binary: false },
        }
    }
}

/// KV cache of `batch` sequences of `tokens` tokens in `dtype`:
/// 2 n_layer n_kv_heads head_dim bytes per token (keys and values; GQA and
/// MQA through n_kv_heads), or MLA's compressed latent.
pub fn kv_cache(t: &Transformer, tokens: f64, batch: f64, dtype: Precision) -> Result<KvCache> {
    t.validate()?;
    let tokens = check::count_at_most("tokens", tokens, 1e10)?;
    let batch = check::count_at_most("batch", batch, 1e8)?;
    let per_token = t.n_layer * t.kv_values_per_token_layer() * dtype.bytes();
    Ok(KvCache {
        tokens,
        batch,
        bytes: check::finite_result("KV cache", per_token * tokens * batch)?,
        bytes_per_token: per_token,
    })
}

/// The options of `kv_cache`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct KvCacheOptions {
    /// Tokens per sequence (a vector sweeps them); the model's context when absent.
    pub tokens: Option<Numbers>,
    /// Sequences.
    pub batch: Count,
    /// Format of the cached keys and values.
    pub dtype: Precision,
}

impl Default for KvCacheOptions {
    fn default() -> Self {
        KvCacheOptions {
            tokens: None,
            batch: Count::new("", 1.0).expect("1 is a count"),
            dtype: Precision::Bf16,
        }
    }
}

/// The options of `serving`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServingOptions {
    /// The accelerator: a name (`hardware()` lists them) or a
    /// `hardware(...)` value.
    pub hardware: Accelerator,
    /// Accelerators in all: one replica of tp x pp, or several (then a
    /// multiple of tp x pp); tp when only `count` is given.
    #[serde(default)]
    pub count: Option<Count>,
    /// Tensor-parallel degree of a replica; `count` when absent.
    #[serde(default)]
    pub tp: Option<Count>,
    /// Pipeline-parallel stages of a replica.
    #[serde(default = "one")]
    pub pp: Count,
    /// Sequences decoded together per replica (a vector sweeps them).
    #[serde(default = "one_number")]
    pub batch: Numbers,
    /// Tokens per sequence, prompt and generated (a vector sweeps them):
    /// input_tokens + output_tokens when both are given, else the model's context.
    #[serde(default)]
    pub context: Option<Numbers>,
    /// Prompt tokens per request; context - output_tokens when absent
    /// (half the context when neither is given).
    #[serde(default)]
    pub input_tokens: Option<Count>,
    /// Generated tokens per request; context - input_tokens when absent.
    #[serde(default)]
    pub output_tokens: Option<Count>,
    /// "static" (a batch prefilled together and decoded to its end) or
    /// "continuous" (requests join at every step), the default.
    #[serde(default = "continuous")]
    pub batching: Batching,
    /// "tp" (attention split by heads, the default) or "dp" (by
    /// sequences, SGLang's data-parallel attention).
    #[serde(default = "tp_split")]
    pub attention: AttentionSplit,
    /// Paged KV cache (vLLM, TensorRT-LLM's in-flight batching), the default.
    #[serde(default = "yes")]
    pub paged: bool,
    /// Decode attention reads each key/value head once for its group of
    /// query heads (FlashInfer, FlashDecoding, TensorRT-LLM's XQA), the
    /// default; false for kernels that read it once per query head
    /// (TensorRT-LLM's masked MHA, which served grouped-query models
    /// before its XQA kernels: v0.6.1's Llama 2 70B and Falcon 180B).
    #[serde(default = "yes")]
    pub grouped_kv_reads: bool,
    /// Format of the weights.
    #[serde(default = "bf16")]
    pub dtype: Precision,
    /// Format of the KV cache.
    #[serde(default = "bf16")]
    pub kv_dtype: Precision,
    /// Price per accelerator-hour, for the cost per token.
    #[serde(default)]
    pub usd_per_hour: Option<Positive>,
    /// How FLOPs per token are counted in the bounds: "palm" (every
    /// matrix a token passes through, the output layer included) when absent.
    #[serde(default = "palm")]
    pub convention: FlopConvention,
    /// The engine's efficiency constants (`serving_model(name)` gives a
    /// generation's); the hardware generation's when absent.
    #[serde(default)]
    pub constants: Option<ServingConstants>,
}

fn palm() -> FlopConvention {
    FlopConvention::Palm
}

fn one() -> Count {
    Count::new("", 1.0).expect("1 is a count")
}

fn one_number() -> Numbers {
    Numbers::One(1.0)
}

fn bf16() -> Precision {
    Precision::Bf16
}

fn continuous() -> Batching {
    Batching::Continuous
}

fn tp_split() -> AttentionSplit {
    AttentionSplit::Tp
}

fn yes() -> bool {
    true
}

impl ServingOptions {
    /// The setup of one row: `batch` sequences of `context` tokens (the
    /// row's, when `batch` or `context` is swept), the prompt and
    /// generated lengths and the layout resolved.
    pub fn setup(&self, t: &Transformer, batch: f64, context: Option<f64>) -> Result<ServingSetup> {
        let pp = self.pp.get();
        let (tp, count) = match (self.tp, self.count) {
            (Some(tp), Some(n)) => {
                let (tp, n) = (tp.get(), n.get());
                if n % (tp * pp) != 0.0 {
                    return Err(Error::InvalidArgument {
                        arg: "count".into(),
                        expected: "a multiple of tp x pp (replicas of the model)",
                        value: format!("{n} for tp {tp} x pp {pp}"),
                    });
                }
                (tp, n)
            }
            (Some(tp), None) => (tp.get(), tp.get() * pp),
            (None, Some(n)) => {
                let n = n.get();
                if n % pp != 0.0 {
                    return Err(Error::InvalidArgument {
                        arg: "count".into(),
                        expected: "a multiple of pp",
                        value: format!("{n} for pp {pp}"),
                    });
                }
                (n / pp, n)
            }
            (None, None) => (1.0, pp),
        };
        let (input, output) = (
            self.input_tokens.map(|c| c.get()),
            self.output_tokens.map(|c| c.get()),
        );
        let context = match (context, input, output) {
            (Some(c), _, _) => c,
            (None, Some(i), Some(o)) => i + o,
            (None, _, _) => t.seq_len,
        };
        let (input, output) = match (input, output) {
            (Some(i), Some(o)) => (i, o),
            (Some(i), None) => (i, context - i),
            (None, Some(o)) => (context - o, o),
            (None, None) => ((context / 2.0).ceil(), (context / 2.0).floor().max(1.0)),
        };
        if input < 1.0 || output < 1.0 || input + output > context {
            return Err(Error::InvalidArgument {
                arg: "input_tokens".into(),
                expected: "prompt and generated tokens of at least 1 each, within context",
                value: format!("{input} + {output} in a context of {context}"),
            });
        }
        Ok(ServingSetup {
            hardware: self.hardware.clone(),
            count,
            tp,
            pp,
            batch,
            context,
            input,
            output,
            batching: self.batching,
            attention: self.attention,
            paged: self.paged,
            grouped_kv_reads: self.grouped_kv_reads,
            weights: self.dtype,
            kv: self.kv_dtype,
            usd_per_hour: self.usd_per_hour.map(|p| p.get()),
            convention: self.convention,
            constants: self
                .constants
                .clone()
                .unwrap_or_else(|| ServingConstants::of(self.hardware.generation)),
        })
    }
}

/// A serving setup.
#[derive(Debug, Clone, PartialEq)]
pub struct ServingSetup {
    /// The accelerator.
    pub hardware: Accelerator,
    /// Accelerators in all (replicas x tp x pp).
    pub count: f64,
    /// Tensor-parallel degree of a replica.
    pub tp: f64,
    /// Pipeline stages of a replica.
    pub pp: f64,
    /// Sequences decoded together per replica.
    pub batch: f64,
    /// Tokens per sequence (prompt and generated).
    pub context: f64,
    /// Prompt tokens per request.
    pub input: f64,
    /// Generated tokens per request.
    pub output: f64,
    /// Static or continuous batching.
    pub batching: Batching,
    /// Attention split by heads or by sequences.
    pub attention: AttentionSplit,
    /// Paged KV cache.
    pub paged: bool,
    /// Decode attention reads a KV head once per group (else once per query head).
    pub grouped_kv_reads: bool,
    /// Weights' format (bf16, fp8, int8, int4).
    pub weights: Precision,
    /// KV cache's format.
    pub kv: Precision,
    /// Price per accelerator-hour, if known.
    pub usd_per_hour: Option<f64>,
    /// How FLOPs per token are counted (bounds).
    pub convention: FlopConvention,
    /// The engine's efficiency constants.
    pub constants: ServingConstants,
}

/// What serving costs and whether it fits: predictions, and the
/// roofline bounds beside them (`*_bound`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Serving {
    /// Sequences decoded together per replica.
    pub batch: f64,
    /// Tokens per sequence.
    pub context: f64,
    /// Prompt tokens per request.
    pub input_tokens: f64,
    /// Generated tokens per request.
    pub output_tokens: f64,
    /// Tensor-parallel degree.
    pub tp: f64,
    /// Pipeline stages.
    pub pp: f64,
    /// Copies of the model (count / (tp x pp)).
    pub replicas: f64,
    /// Attention split by heads ("tp") or by sequences ("dp").
    pub attention: AttentionSplit,
    /// "static" or "continuous".
    pub batching: Batching,
    /// Bytes of weights of one replica (attention's copied tp times with "dp").
    pub weights: f64,
    /// Bytes of KV cache at this batch and context in one replica,
    /// replicas of KV heads included.
    pub kv_cache: f64,
    /// How many copies of each KV head (or MLA latent) a replica keeps.
    pub kv_replication: f64,
    /// Accelerator memory of one replica.
    pub memory: f64,
    /// weights + kv_cache <= memory.
    pub fits: bool,
    /// Largest batch at this context that fits (0 when the weights alone do not).
    pub max_batch: f64,
    /// Longest context at this batch that fits (0 when the weights alone do not).
    pub max_context: f64,
    /// Predicted time to first token, seconds.
    pub ttft_seconds: f64,
    /// Predicted time of one decode step at the mean context, seconds
    /// (with continuous batching, the step's share of new prefills included).
    pub decode_step_seconds: f64,
    /// Predicted generated tokens per second per accelerator.
    pub output_tokens_per_second_per_gpu: f64,
    /// Predicted generated tokens per second one user sees while decoding.
    pub tokens_per_second_per_user: f64,
    /// Dollars per million generated tokens, predicted, when a price was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usd_per_million_tokens: Option<f64>,
    /// Lower bound on `ttft_seconds`: the whole batch's prefill with
    /// static batching, one request's prefill and a decode step with
    /// continuous batching.
    pub ttft_seconds_bound: f64,
    /// Lower bound on `decode_step_seconds` (same context, same share of
    /// prefills).
    pub decode_step_seconds_bound: f64,
    /// Upper bound on `tokens_per_second_per_user`.
    pub tokens_per_second_per_user_bound: f64,
    /// Prefill of the whole batch's prompts (`input_tokens` each): lower
    /// bound, seconds.
    pub prefill_seconds_bound: f64,
    /// Decoding one token per sequence at the full context: lower bound, seconds.
    pub decode_seconds_bound: f64,
    /// Whether the bound's decode is bound by compute (true) or memory bandwidth (false).
    pub decode_compute_bound: bool,
    /// Generated tokens per second of one replica decoding at the full
    /// context, at the bound.
    pub tokens_per_second_bound: f64,
    /// Generated tokens per second per accelerator at the bound for this
    /// request shape (prefill, then every decode step).
    pub output_tokens_per_second_per_gpu_bound: f64,
    /// Dollars per million generated tokens at the bound, when a price was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usd_per_million_tokens_bound: Option<f64>,
}

impl Record for Serving {
    fn format(field: &str) -> NumFormat {
        match field {
            "batch" | "context" | "max_batch" | "max_context" | "kv_replication" | "tp" | "pp"
            | "replicas" | "input_tokens" | "output_tokens" => NumFormat::Fixed(0),
            "prefill_seconds_bound"
            | "decode_seconds_bound"
            | "ttft_seconds_bound"
            | "decode_step_seconds_bound"
            | "ttft_seconds"
            | "decode_step_seconds" => NumFormat::Sci(3),
            "tokens_per_second_bound"
            | "usd_per_million_tokens"
            | "usd_per_million_tokens_bound"
            | "output_tokens_per_second_per_gpu"
            | "output_tokens_per_second_per_gpu_bound"
            | "tokens_per_second_per_user"
            | "tokens_per_second_per_user_bound" => NumFormat::Fixed(2),
            "weights" | "kv_cache" | "memory" | "capacity" | "headroom" => {
                NumFormat::Bytes { binary: false }
            }
            _ => NumFormat::Si,
        }
    }
}

/// Bytes of weights a decode step reads: all dense weights, and of each
/// MoE layer's routed experts the share a batch of `batch` tokens touches
/// on average, 1 - (1 - k/E)^batch (uniform routing).
fn weights_read(t: &Transformer, total_bytes: f64, bytes_per: f64, batch: f64) -> f64 {
    if !t.is_moe() {
        return total_bytes;
    }
    let routed = t.routed_expert_matrices() * bytes_per;
    let touched = 1.0 - (1.0 - t.top_k / t.n_experts).powf(batch);
    total_bytes - routed + routed * touched
}

/// Copies of the KV cache that `tp` tensor-parallel ranks keep: key/value
/// heads replicate once tp passes them; an MLA latent is on every rank.
pub fn kv_replication(t: &Transformer, tp: f64) -> f64 {
    if t.latent.is_some() {
        tp
    } else {
        (tp / t.n_kv_heads).max(1.0)
    }
}

/// Serve `t` on `s`.
pub fn serving(t: &Transformer, s: &ServingSetup) -> Result<Serving> {
    let c = t.counts()?;
    let count = check::count_at_most("count", s.count, 1e6)?;
    let tp = check::count_at_most("tp", s.tp, 1024.0)?;
    let pp = check::count_at_most("pp", s.pp, 1024.0)?;
    let batch = check::count_at_most("batch", s.batch, 1e8)?;
    let context = check::count_at_most("context", s.context, 1e9)?;
    let input = check::count_at_most("input_tokens", s.input, 1e9)?;
    let output = check::count_at_most("output_tokens", s.output, 1e9)?;
    if input + output > context {
        return Err(Error::invalid(
            "output_tokens",
            "prompt and generated tokens within context",
            input + output,
        ));
    }
    if tp > t.n_heads || pp > t.n_layer {
        return Err(Error::InvalidArgument {
            arg: "tp".into(),
            expected: "at most the model's heads (tp) and layers (pp)",
            value: format!(
                "tp {tp}, pp {pp} for {} heads, {} layers",
                t.n_heads, t.n_layer
            ),
        });
    }
    let replica = tp * pp;
    if count % replica != 0.0 {
        return Err(Error::InvalidArgument {
            arg: "count".into(),
            expected: "a multiple of tp x pp",
            value: format!("{count} for tp {tp} x pp {pp}"),
        });
    }
    if let Some(p) = s.usd_per_hour {
        check::positive_at_most("usd_per_hour", p, 1e6)?;
    }
    s.constants.check()?;
    for (arg, p) in [("dtype", s.weights), ("kv_dtype", s.kv)] {
        if matches!(p, Precision::Tf32) {
            return Err(Error::InvalidArgument {
                arg: arg.into(),
                expected: "a storage format (fp32, bf16, fp8, int8, int4, fp4)",
                value: "tf32".into(),
            });
        }
    }
    let hw = &s.hardware;
    let mut weights = c.total * s.weights.bytes();
    let kv = kv_cache(t, context, batch, s.kv)?;
    let replication = match s.attention {
        AttentionSplit::Tp => kv_replication(t, tp),
        AttentionSplit::Dp => {
            // Every GPU of the group keeps the whole attention weights.
            weights += (tp - 1.0) * c.attention * s.weights.bytes();
            1.0
        }
    };
    let kv_bytes = kv.bytes * replication;
    let per_token = kv.bytes_per_token * replication;
    let memory = hw.memory * replica;
    let free = memory - weights;
    let (max_batch, max_context) = if free > 0.0 {
        (
            (free / (per_token * context)).floor(),
            (free / (per_token * batch)).floor(),
        )
    } else {
        (0.0, 0.0)
    };
    let peak = hw.peak_or_bf16(s.weights) * replica;
    let bandwidth = hw.bandwidth * replica;
    // Prefill: every prompt token's forward pass, attention over half the
    // prompt on average (causal); weights read once, KV cache written.
    let prefill_flops = batch * input * t.forward_flops(s.convention, input / 2.0)?;
    let prefill_bytes = weights + kv_bytes * input / context;
    let prefill_seconds = (prefill_flops / peak).max(prefill_bytes / bandwidth);
    // Decode: one token per sequence attending over `ctx` cached tokens.
    // A step reads the embedding rows of its batch's tokens, not the table
    // (nor the learned positions beyond the ones used).
    let table = t.vocab * t.d_model * s.weights.bytes();
    let rows = batch.min(t.vocab) * t.d_model * s.weights.bytes();
    let positions = if t.learned_positions {
        (t.seq_len - batch.min(t.seq_len)) * t.d_model * s.weights.bytes()
    } else {
        0.0
    };
    let read = weights_read(t, weights, s.weights.bytes(), batch) - table + rows - positions;
    let decode_bound = |ctx: f64| -> Result<(f64, bool)> {
        let compute = batch * t.forward_flops(s.convention, ctx)? / peak;
        let memory_time = (read + kv_bytes * ctx / context) / bandwidth;
        Ok((compute.max(memory_time), compute >= memory_time))
    };
    let (decode_seconds, compute_bound) = decode_bound(context)?;
    let tokens_per_second = batch / decode_seconds;
    // The request shape at the bound: prefill, then decode steps at the
    // mean context (the bound is affine in it while one side dominates).
    // Each bound is on the same quantity as its prediction (`predict`).
    let (mean_step, _) = decode_bound(input + output / 2.0)?;
    let (ttft_bound, step_bound, per_gpu_bound) = match s.batching {
        Batching::Static => (
            prefill_seconds,
            mean_step,
            batch * output / (prefill_seconds + (output - 1.0) * mean_step) / replica,
        ),
        Batching::Continuous => {
            let one = (input * t.forward_flops(s.convention, input / 2.0)? / peak)
                .max((weights + kv_bytes / batch * input / context) / bandwidth);
            let step = mean_step + prefill_seconds / output;
            (one + mean_step, step, batch / step / replica)
        }
    };
    let engine = predict::Engine {
        t,
        c: &s.constants,
        hw,
        weights: s.weights,
        kv: s.kv,
        tp,
        pp,
        attention: s.attention,
        paged: s.paged,
        grouped_kv_reads: s.grouped_kv_reads,
    };
    let p = engine.predict(batch, input, output, s.batching);
    let price = |per_gpu: f64| s.usd_per_hour.map(|usd| usd / 3600.0 / per_gpu * 1e6);
    let out = Serving {
        batch,
        context,
        input_tokens: input,
        output_tokens: output,
        tp,
        pp,
        replicas: count / replica,
        attention: s.attention,
        batching: s.batching,
        weights,
        kv_cache: kv_bytes,
        kv_replication: replication,
        memory,
        fits: weights + kv_bytes <= memory,
        max_batch,
        max_context,
        ttft_seconds: check::finite_result("time to first token", p.ttft)?,
        decode_step_seconds: check::finite_result("decode step", p.decode_step)?,
        output_tokens_per_second_per_gpu: p.per_gpu,
        tokens_per_second_per_user: p.per_user,
        usd_per_million_tokens: price(p.per_gpu),
        ttft_seconds_bound: ttft_bound,
        decode_step_seconds_bound: step_bound,
        tokens_per_second_per_user_bound: 1.0 / step_bound,
        prefill_seconds_bound: prefill_seconds,
        decode_seconds_bound: decode_seconds,
        decode_compute_bound: compute_bound,
        tokens_per_second_bound: tokens_per_second,
        output_tokens_per_second_per_gpu_bound: per_gpu_bound,
        usd_per_million_tokens_bound: price(per_gpu_bound),
    };
    check::finite_result("decode time", out.decode_seconds_bound)?;
    check::finite_result("prefill time", out.prefill_seconds_bound)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup(hw: &str, count: f64, batch: f64, context: f64, dtype: Precision) -> ServingSetup {
        let hardware = Accelerator::by_name(hw).unwrap();
        ServingSetup {
            count,
            tp: count,
            pp: 1.0,
            batch,
            context,
            input: context / 2.0,
            output: context / 2.0,
            batching: Batching::Static,
            attention: AttentionSplit::Tp,
            paged: true,
            grouped_kv_reads: true,
            weights: dtype,
            kv: Precision::Bf16,
            usd_per_hour: Some(2.0),
            convention: FlopConvention::Kaplan,
            constants: ServingConstants::of(hardware.generation),
            hardware,
        }
    }

    #[test]
    fn decode_reads_the_embedding_rows_it_uses() {
        // Llama 3 8B on one H100, batch 1, context 1024, bf16: the step reads
        // every weight but the input embedding table (128,256 x 4,096), one
        // row of it, and the KV cache: about 4.52 ms at 3.35 TB/s.
        let t = Transformer::preset("llama3-8b").unwrap();
        let s = serving(&t, &setup("H100", 1.0, 1.0, 1024.0, Precision::Bf16)).unwrap();
        let c = t.counts().unwrap();
        let bytes = 2.0 * (c.total - 128256.0 * 4096.0 + 4096.0) + s.kv_cache;
        assert!((s.decode_seconds_bound / (bytes / 3.35e12) - 1.0).abs() < 1e-12);
        assert!(
            (4.4e-3..4.6e-3).contains(&s.decode_seconds_bound),
            "{}",
            s.decode_seconds_bound
        );
    }

    #[test]
    fn kv_heads_replicate_past_the_tensor_parallel_degree() {
        // Llama 3 405B (8 KV heads) on 16 H100s: each head on two ranks,
        // so about half the batch the even split promised (the issue's
        // 110 -> about 55).
        let t = Transformer::preset("llama3-405b").unwrap();
        let s = serving(&t, &setup("H100", 16.0, 1.0, 8192.0, Precision::Bf16)).unwrap();
        assert_eq!(s.kv_replication, 2.0);
        assert!((45.0..=58.0).contains(&s.max_batch), "{}", s.max_batch);
        // DeepSeek-V3's latent is on all 8 ranks: fp8 weights, bf16 cache,
        // about 24 sequences of 32K (an even split promised 8 times as many).
        let d = Transformer::preset("deepseek-v3").unwrap();
        let s = serving(&d, &setup("H200", 8.0, 1.0, 32768.0, Precision::Fp8)).unwrap();
        assert_eq!(s.kv_replication, 8.0);
        assert!((20.0..=30.0).contains(&s.max_batch), "{}", s.max_batch);
        // Up to the KV heads nothing is replicated.
        let s = serving(&t, &setup("H100", 8.0, 1.0, 8192.0, Precision::Fp8)).unwrap();
        assert_eq!(s.kv_replication, 1.0);
    }

    #[test]
    fn kv_cache_of_llama2_7b_and_gqa() {
        // Llama 2 7B (32 layers, 32 KV heads of 128) in fp16: 2 x 32 x 4096
        // x 2 bytes = 512 KiB per token, 2 GiB for 4096 tokens.
        let t = Transformer::preset("llama2-7b").unwrap();
        let k = kv_cache(&t, 4096.0, 1.0, Precision::Bf16).unwrap();
        assert_eq!(k.bytes_per_token, 524_288.0);
        assert_eq!(k.bytes, 2.0 * 1024f64.powi(3));
        // Llama 3 70B: 80 layers, 8 KV heads of 128: 320 KiB per token.
        let t = Transformer::preset("llama3-70b").unwrap();
        let k = kv_cache(&t, 1.0, 1.0, Precision::Bf16).unwrap();
        assert_eq!(k.bytes_per_token, 2.0 * 80.0 * 8.0 * 128.0 * 2.0);
        assert!(kv_cache(&t, 0.0, 1.0, Precision::Bf16).is_err());
    }

    #[test]
    fn llama3_70b_on_one_8xh100_node() {
        let t = Transformer::preset("llama3-70b").unwrap();
        let s = serving(&t, &setup("H100", 8.0, 32.0, 8192.0, Precision::Bf16)).unwrap();
        // 70.55B x 2 bytes = 141.1 GB of weights in 640 GB; 32 x 8192 tokens
        // of 320 KiB = 85.9 GB of cache.
        assert!(s.fits);
        assert_eq!(format!("{:.1}", s.weights / 1e9), "141.1");
        assert_eq!(format!("{:.1}", s.kv_cache / 1e9), "85.9");
        // Decoding batch 32 reads 227 GB per step at 26.8 TB/s: bandwidth-bound
        // (the embedding table but its 32 rows is not read).
        assert!(!s.decode_compute_bound);
        let table = 2.0 * (128_256.0 - 32.0) * 8192.0;
        let bound = (s.weights - table + s.kv_cache) / (8.0 * 3.35e12);
        assert!((s.decode_seconds_bound / bound - 1.0).abs() < 1e-12);
        assert_eq!(
            s.max_batch,
            ((640e9 - s.weights) / (327_680.0 * 8192.0)).floor()
        );
        // Prefill is compute-bound: 32 prompts of 4096 tokens (half the
        // context by default) at 8 x 989.5 TFLOP/s.
        let flops = 32.0 * 4096.0 * t.forward_flops(FlopConvention::Kaplan, 2048.0).unwrap();
        assert!((s.prefill_seconds_bound / (flops / (8.0 * 989.5e12)) - 1.0).abs() < 1e-12);
        let usd = s.usd_per_million_tokens_bound.unwrap();
        assert!((usd - 2.0 / 3600.0 / s.output_tokens_per_second_per_gpu_bound * 1e6).abs() < 1e-9);
        // The prediction is slower than the bound, and priced the same way.
        assert!(s.output_tokens_per_second_per_gpu < s.output_tokens_per_second_per_gpu_bound);
        let usd = s.usd_per_million_tokens.unwrap();
        assert!((usd - 2.0 / 3600.0 / s.output_tokens_per_second_per_gpu * 1e6).abs() < 1e-9);
    }

    #[test]
    fn int4_weights_fit_where_bf16_do_not() {
        let t = Transformer::preset("llama3-405b").unwrap();
        let bf16 = serving(&t, &setup("H100", 8.0, 1.0, 8192.0, Precision::Bf16)).unwrap();
        let int4 = serving(&t, &setup("H100", 8.0, 1.0, 8192.0, Precision::Int4)).unwrap();
        assert!(!bf16.fits && bf16.max_batch == 0.0);
        assert!(int4.fits && int4.max_batch > 100.0);
    }

    #[test]
    fn moe_decode_reads_only_touched_experts() {
        let t = Transformer::preset("mixtral-8x7b").unwrap();
        let one = serving(&t, &setup("H100", 2.0, 1.0, 1024.0, Precision::Bf16)).unwrap();
        let many = serving(&t, &setup("H100", 2.0, 64.0, 1024.0, Precision::Bf16)).unwrap();
        // Batch 1 reads 2 of 8 experts per layer; batch 64 nearly all.
        let active = t.counts().unwrap().active * 2.0;
        assert!(one.decode_seconds_bound * 2.0 * 3.35e12 < 1.01 * (active + one.kv_cache));
        assert!(many.decode_seconds_bound * 2.0 * 3.35e12 > 0.99 * many.weights);
    }
}
