//! Step time of one training step, built up from what each GPU executes.
//!
//! Per layer and micro-batch (T = micro_batch x seq_len / cp tokens on a GPU):
//! - matrix multiplies: the query/key/value and output projections, the
//!   FFN (gated or not; routed and shared experts with their tokens, and
//!   the router, in MoE layers), each split by tp, each taking
//!   F / (peak x matmul_efficiency) + matmul_overhead; the backward pass
//!   runs two multiplies of the same size per forward one (input and
//!   weight gradients);
//! - attention's core: with FlashAttention the causal half of the
//!   4 T s h hd FLOPs at `attention_forward` of the bf16 peak, and 2.5x
//!   those FLOPs backward at `attention_backward` (Dao 2023 §3.1: five
//!   multiplies backward for two forward); unfused, two batched multiplies
//!   over all s² scores and a softmax (and dropout) through memory;
//! - element-wise kernels: two norms, two residual adds (with dropout
//!   masks when there is dropout), the activation (SwiGLU reads two
//!   inputs), rotary embeddings, MoE token permutations, as bytes over
//!   memory_efficiency x bandwidth plus kernel_overhead each; backward
//!   moves twice the bytes; sequence parallelism splits the residual
//!   stream's part by tp (Korthikanti et al. 2022 §4.2.2);
//! - tensor-parallel collectives: two all-reduces forward and two backward
//!   of T x d x 2 bytes (all-gather + reduce-scatter pairs with sequence
//!   parallelism, the same volume; Narayanan et al. 2021 §3.3, Korthikanti
//!   §4.2.2), not overlapped (Megatron-LM at the time of the measurements);
//! - context parallelism: a ring passing key/value chunks, overlapped with
//!   the attention it feeds (Liu et al. 2023, ring attention; Llama 3 §3.3.2
//!   uses all-gathered keys and values, the same bytes);
//! - expert parallelism: an all-to-all to dispatch and one to combine
//!   each way, exposed, or hidden behind another micro-batch's compute
//!   where it can be with `overlap_ep` (DeepSeek-V3's DualPipe).
//!
//! Recomputation adds a forward pass of the layer (full) or of the
//! attention core (selective; nothing with FlashAttention, which
//! recomputes its scores anyway). A stage runs its layers, plus the
//! embedding (first) or the output layer and loss (last); layers that do
//! not divide evenly leave the first and last stages one short, as Llama
//! 3 did (§3.3.2).
//!
//! A step is (m + (p-1)/v) micro-batch times of the slowest stage
//! (Narayanan et al. 2021 §2.2: the 1F1B bubble (p-1)/m, divided by the
//! v chunks of the interleaved schedule), plus the point-to-point sends
//! between stages, the data-parallel gradient reduction (overlapped with
//! the last micro-batch's backward pass when `overlap_dp`; with ZeRO-3
//! the weight gathers of every micro-batch, overlapped with its compute),
//! and the optimizer's pass over its shard of the states.

use serde::Serialize;

use super::collective::{self, Group, Links};
use super::layout::{AttentionKernel, Layout};
use super::Constants;
use crate::error::{check, Result};
use crate::hardware::{Accelerator, Precision};
use crate::memory::Recompute;
use crate::table::{NumFormat, Record};
use crate::transformer::Transformer;

/// Bytes per activation value (bf16).
const ACT: f64 = 2.0;

/// Seconds of one pass, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Pass {
    matmul: f64,
    attention: f64,
    elementwise: f64,
    tp_comm: f64,
    cp_comm: f64,
    ep_comm: f64,
    /// Context-parallel traffic hidden behind attention.
    cp_hidden: f64,
    /// FLOPs executed.
    flops: f64,
}

impl Pass {
    fn total(&self) -> f64 {
        self.matmul + self.attention + self.elementwise + self.tp_comm + self.cp_comm + self.ep_comm
    }

    fn add(&mut self, o: &Pass, times: f64) {
        self.matmul += o.matmul * times;
        self.attention += o.attention * times;
        self.elementwise += o.elementwise * times;
        self.tp_comm += o.tp_comm * times;
        self.cp_comm += o.cp_comm * times;
        self.ep_comm += o.ep_comm * times;
        self.cp_hidden += o.cp_hidden * times;
        self.flops += o.flops * times;
    }
}

/// One layer's (or stage end's) passes for one micro-batch.
#[derive(Debug, Clone, Copy, Default)]
struct Work {
    forward: Pass,
    backward: Pass,
    recompute: Pass,
}

impl Work {
    fn total(&self) -> f64 {
        self.forward.total() + self.backward.total() + self.recompute.total()
    }

    fn add(&mut self, o: &Work, times: f64) {
        self.forward.add(&o.forward, times);
        self.backward.add(&o.backward, times);
        self.recompute.add(&o.recompute, times);
    }
}

/// Everything the per-layer formulas need, fixed for one evaluation.
struct Ctx<'a> {
    t: &'a Transformer,
    l: &'a Layout,
    c: &'a Constants,
    links: Links,
    /// Peak of the matrix multiplies' precision, FLOP/s.
    peak: f64,
    /// bf16 peak (attention kernels, MFU), FLOP/s.
    bf16: f64,
    /// Memory bandwidth, bytes/s.
    bandwidth: f64,
    /// Tokens per GPU per micro-batch.
    tokens: f64,
}

impl Ctx<'_> {
    fn gemm(&self, flops: f64) -> f64 {
        flops / (self.peak * self.c.matmul_efficiency) + self.c.matmul_overhead
    }

    fn memory(&self, bytes: f64, kernels: f64) -> f64 {
        bytes / (self.bandwidth * self.c.memory_efficiency) + kernels * self.c.kernel_overhead
    }

    fn tp_group(&self) -> Group {
        Group::strided(self.l.tp, 1.0, self.links.gpus_per_node)
    }

    /// One transformer layer, dense or MoE.
    fn layer(&self, moe: bool) -> Work {
        let (t, l) = (self.t, self.l);
        let (d, h, tokens, tp) = (t.d_model, t.n_heads, self.tokens, l.tp);
        let (qk, v) = t.score_dims();
        let mut f = Pass::default();
        let gemm = |flops: f64, count: f64, f: &mut Pass| {
            f.matmul += count * self.gemm(flops);
            f.flops += count * flops;
        };
        // Projections: W_o is h·v x d, the rest of the attention matrices feed it.
        let out = h * v * d;
        gemm(
            2.0 * tokens * (t.attention_matrices() - out) / tp,
            1.0,
            &mut f,
        );
        gemm(2.0 * tokens * out / tp, 1.0, &mut f);
        let mats = t.ffn_mats();
        let ffn_width = if moe {
            let e = t.d_ff_expert.unwrap_or(t.d_ff);
            let local = t.n_experts / l.ep;
            let per_expert = tokens * t.top_k * l.ep / t.n_experts;
            gemm(2.0 * per_expert * d * e / tp, mats * local, &mut f);
            if t.n_shared_experts > 0.0 {
                gemm(2.0 * tokens * d * e * t.n_shared_experts / tp, mats, &mut f);
            }
            gemm(2.0 * tokens * d * t.n_experts, 1.0, &mut f);
            (t.top_k + t.n_shared_experts) * e
        } else {
            gemm(2.0 * tokens * d * t.d_ff / tp, mats, &mut f);
            t.d_ff
        };
        let mut b = Pass {
            matmul: 2.0 * f.matmul,
            flops: 2.0 * f.flops,
            ..Pass::default()
        };
        let mut attention_recompute = Pass::default();

        // Attention's core: T queries per GPU against all s keys.
        let s = l.seq_len;
        let scores = tokens * s * h / tp;
        match l.attention {
            AttentionKernel::Flash => {
                let flops = scores * 2.0 * (qk + v) * 0.5;
                f.attention = flops / (self.bf16 * self.c.attention_forward);
                b.attention = 2.5 * flops / (self.bf16 * self.c.attention_backward);
                f.flops += flops;
                b.flops += 2.5 * flops;
            }
            AttentionKernel::Unfused => {
                let drop = if l.dropout { 1.0 } else { 0.0 };
                let (qk_f, av_f) = (2.0 * scores * qk, 2.0 * scores * v);
                let fwd = self.gemm(qk_f) + self.gemm(av_f);
                let softmax = self.memory(scores * ACT * (2.0 + 2.5 * drop), 1.0 + drop);
                f.attention = fwd + softmax;
                f.flops += qk_f + av_f;
                b.attention = 2.0 * fwd + 1.5 * softmax;
                b.flops += 2.0 * (qk_f + av_f);
                attention_recompute = Pass {
                    attention: f.attention,
                    flops: qk_f + av_f,
                    ..Pass::default()
                };
            }
        }

        // Element-wise traffic, bytes.
        let split = if l.sequence_parallel { tp } else { 1.0 };
        let stream = tokens * d * ACT / split;
        let drop = if l.dropout { 1.0 } else { 0.0 };
        // Two norms (read, write), two residual adds (two reads, a write,
        // and a 1-byte dropout mask when there is dropout).
        let mut bytes = 2.0 * 2.0 * stream + 2.0 * (3.0 + 0.5 * drop) * stream;
        let mut kernels = 4.0;
        let act = tokens * ffn_width * ACT / tp;
        bytes += if t.gated { 3.0 * act } else { 2.0 * act };
        kernels += 1.0;
        if !t.learned_positions && !t.relative_positions {
            bytes += 2.0 * tokens * (h + t.n_kv_heads) * qk * ACT / tp;
            kernels += 1.0;
        }
        if moe {
            bytes += 4.0 * tokens * t.top_k * d * ACT / split;
            kernels += 3.0;
        }
        f.elementwise = self.memory(bytes, kernels);
        b.elementwise = self.memory(2.0 * bytes, 2.0 * kernels);

        // Tensor parallelism: two collectives of the activations each way.
        if tp > 1.0 {
            let buffer = tokens * d * ACT;
            let g = self.tp_group();
            let each = if l.sequence_parallel {
                collective::all_gather(buffer, g, &self.links, self.c)
                    + collective::reduce_scatter(buffer, g, &self.links, self.c)
            } else {
                collective::all_reduce(buffer, g, &self.links, self.c)
            };
            f.tp_comm = 2.0 * each;
            b.tp_comm = 2.0 * each;
        }
        // Context parallelism: cp - 1 key/value chunks pass each GPU,
        // hidden behind the attention they feed.
        if l.cp > 1.0 {
            let kv_heads = if t.latent.is_some() { h } else { t.n_kv_heads };
            let chunk = tokens * kv_heads * (qk + v) * ACT / tp.min(kv_heads);
            let stride = tp;
            let across = stride * l.cp > self.links.gpus_per_node;
            let ring = (l.cp - 1.0) * collective::send(chunk, across, &self.links, self.c);
            f.cp_comm = (ring - f.attention).max(0.0);
            b.cp_comm = (2.0 * ring - b.attention).max(0.0);
            f.cp_hidden = ring - f.cp_comm;
            b.cp_hidden = 2.0 * ring - b.cp_comm;
        }
        // Expert parallelism: dispatch and combine, each way.
        if moe && l.ep > 1.0 {
            let g = Group::strided(l.ep, tp * l.cp, self.links.gpus_per_node);
            let a2a =
                collective::all_to_all(tokens * t.top_k * d * ACT / tp, g, &self.links, self.c);
            f.ep_comm = 2.0 * a2a;
            b.ep_comm = 2.0 * a2a;
            if l.overlap_ep {
                // DualPipe-style: hidden behind the other micro-batch's compute.
                f.ep_comm = (f.ep_comm - f.matmul - f.attention).max(0.0);
                b.ep_comm = (b.ep_comm - b.matmul - b.attention).max(0.0);
            }
        }
        let recompute = match l.recompute {
            Recompute::Full => f,
            Recompute::Selective => attention_recompute,
            Recompute::None => Pass::default(),
        };
        Work {
            forward: f,
            backward: b,
            recompute,
        }
    }

    /// The output layer and loss (last stage).
    fn head(&self) -> Work {
        let (t, l) = (self.t, self.l);
        let flops = 2.0 * self.tokens * t.d_model * t.vocab / l.tp;
        let logits = self.tokens * t.vocab / l.tp;
        let f = Pass {
            matmul: self.gemm(flops),
            // fp32 logits: the softmax cross-entropy reads and writes them.
            elementwise: self.memory(logits * 4.0 * 3.0, 3.0),
            flops,
            ..Pass::default()
        };
        let b = Pass {
            matmul: 2.0 * self.gemm(flops),
            elementwise: self.memory(logits * 4.0 * 2.0, 2.0),
            flops: 2.0 * flops,
            ..Pass::default()
        };
        Work {
            forward: f,
            backward: b,
            recompute: Pass::default(),
        }
    }

    /// The embedding lookup (first stage).
    fn embedding(&self) -> Work {
        let bytes = self.tokens * self.t.d_model * ACT * 2.0;
        Work {
            forward: Pass {
                elementwise: self.memory(bytes, 1.0),
                ..Pass::default()
            },
            backward: Pass {
                elementwise: self.memory(2.0 * bytes, 1.0),
                ..Pass::default()
            },
            recompute: Pass::default(),
        }
    }
}

/// Layers per pipeline stage: as even as possible, the first and last
/// stages (which also hold the embedding and the output layer) taking
/// the shortfall.
pub fn stage_layers(layers: f64, pp: f64) -> Vec<f64> {
    let p = pp as usize;
    let per = (layers / pp).ceil();
    let mut stages = vec![per; p];
    let mut missing = per * pp - layers;
    let mut i = 0;
    while missing > 0.0 {
        let at = if i % 2 == 0 { p - 1 - i / 2 } else { i / 2 };
        stages[at.min(p - 1)] -= 1.0;
        missing -= 1.0;
        i += 1;
    }
    stages
}

/// The step time and where it goes, per step, seconds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepTime {
    /// Seconds per optimizer step.
    pub step_seconds: f64,
    /// Tokens per step.
    pub tokens_per_step: f64,
    /// Tokens per second, all GPUs.
    pub tokens_per_second: f64,
    /// Model FLOPs utilisation against the bf16 peak, PaLM's count (Chowdhery
    /// et al. 2022 Appendix B; Korthikanti et al. 2022 §6.3): 6N plus
    /// attention over all s² scores.
    pub mfu: f64,
    /// MFU counting attention's causal half only (the FLOPs a causal
    /// FlashAttention kernel executes; what Llama 3's Table 4 counts).
    pub mfu_causal: f64,
    /// Hardware FLOPs utilisation: every FLOP executed, recomputation included.
    pub hfu: f64,
    /// Model FLOP/s per GPU by PaLM's count, TFLOP/s.
    pub tflops_per_gpu: f64,
    /// Model FLOP/s per GPU counting attention's causal half, TFLOP/s.
    pub tflops_per_gpu_causal: f64,
    /// Matrix multiplies of the micro-batches.
    pub matmul: f64,
    /// Attention's core.
    pub attention: f64,
    /// Element-wise kernels.
    pub elementwise: f64,
    /// Tensor-parallel collectives.
    pub tp_comm: f64,
    /// Context-parallel traffic not hidden behind attention.
    pub cp_comm: f64,
    /// Context-parallel traffic hidden behind attention (not in the step).
    pub cp_comm_hidden: f64,
    /// Expert-parallel all-to-alls.
    pub ep_comm: f64,
    /// Recomputation in the backward pass.
    pub recompute: f64,
    /// Pipeline bubble: stages idle while the pipeline fills and drains.
    pub pp_bubble: f64,
    /// Sends between pipeline stages.
    pub pp_comm: f64,
    /// Data-parallel gradient (and ZeRO weight) traffic not hidden behind compute.
    pub dp_comm: f64,
    /// Data-parallel traffic hidden behind compute (not in the step).
    /// Tensor-parallel, expert-parallel and pipeline traffic is all exposed.
    pub dp_comm_hidden: f64,
    /// The optimizer's update.
    pub optimizer: f64,
    /// Data-parallel degree.
    pub dp: f64,
    /// Micro-batches per step per pipeline.
    pub microbatches: f64,
}

impl Record for StepTime {
    fn format(field: &str) -> NumFormat {
        match field {
            "dp" | "microbatches" => NumFormat::Fixed(0),
            "mfu" | "mfu_causal" | "hfu" => NumFormat::Fixed(3),
            "tflops_per_gpu" | "tflops_per_gpu_causal" => NumFormat::Fixed(1),
            _ => NumFormat::Si,
        }
    }
}

/// The parts of [`StepTime`] that add up to `step_seconds`.
pub const PARTS: [&str; 11] = [
    "matmul",
    "attention",
    "elementwise",
    "tp_comm",
    "cp_comm",
    "ep_comm",
    "recompute",
    "pp_bubble",
    "pp_comm",
    "dp_comm",
    "optimizer",
];

impl StepTime {
    /// The parts that sum to the step, in [`PARTS`] order.
    pub fn parts(&self) -> [f64; 11] {
        [
            self.matmul,
            self.attention,
            self.elementwise,
            self.tp_comm,
            self.cp_comm,
            self.ep_comm,
            self.recompute,
            self.pp_bubble,
            self.pp_comm,
            self.dp_comm,
            self.optimizer,
        ]
    }
}

/// Model FLOPs of one token's training step (forward and backward), with
/// attention over the causal half of the scores (`causal`) or all of them.
pub fn model_flops_per_token(t: &Transformer, seq_len: f64, causal: bool) -> f64 {
    let (qk, v) = t.score_dims();
    // Every matrix a token passes through: attention, its FFN (the experts
    // it is routed to, shared experts and the router) and the output layer.
    let (_, ffn) = t.ffn_matrices_per_token();
    let matrices = t.n_layer * t.attention_matrices() + ffn + t.d_model * t.vocab;
    let attention =
        2.0 * t.n_layer * seq_len * t.n_heads * (qk + v) * if causal { 0.5 } else { 1.0 };
    3.0 * (2.0 * matrices + attention)
}

/// The step time of `t` trained on `gpus` of `hw` laid out as `l`, with
/// the efficiencies `c`.
pub fn step_time(t: &Transformer, l: &Layout, hw: &Accelerator, c: &Constants) -> Result<StepTime> {
    t.validate()?;
    l.check(t, hw.gpus_per_node)?;
    c.check()?;
    let cx = Ctx {
        t,
        l,
        c,
        links: Links {
            intra: hw.intra_node_bandwidth,
            inter: hw.inter_node_bandwidth,
            gpus_per_node: hw.gpus_per_node,
        },
        peak: hw.peak(l.precision)?,
        bf16: hw.bf16,
        bandwidth: hw.bandwidth,
        tokens: l.micro_batch * l.seq_len / l.cp,
    };
    let dense = cx.layer(false);
    let moe = if t.is_moe() { cx.layer(true) } else { dense };
    let moe_from = if t.is_moe() {
        t.dense_layers
    } else {
        t.n_layer
    };
    let head = cx.head();
    let embedding = cx.embedding();

    // Each stage's work per micro-batch; the slowest sets the pace.
    let stages = stage_layers(t.n_layer, l.pp);
    let mut first_layer = 0.0;
    let mut slowest = Work::default();
    let mut slowest_time = -1.0;
    let last = stages.len() - 1;
    for (i, &n) in stages.iter().enumerate() {
        let dense_here = (moe_from - first_layer).clamp(0.0, n);
        let mut w = Work::default();
        w.add(&dense, dense_here);
        w.add(&moe, n - dense_here);
        if i == 0 {
            w.add(&embedding, 1.0);
        }
        if i == last {
            w.add(&head, 1.0);
        }
        first_layer += n;
        if w.total() > slowest_time {
            slowest_time = w.total();
            slowest = w;
        }
    }
    let m = l.microbatches();
    let (p, vpp) = (l.pp, l.vpp);
    let bubble = (p - 1.0) / vpp * slowest_time;

    // Sends between stages: the activations of a micro-batch, split over tp
    // (Megatron's scatter/gather), each way, v times per micro-batch.
    let pp_comm = if p > 1.0 {
        let bytes = cx.tokens * t.d_model * ACT / l.tp;
        let across = l.tp * l.cp * l.dp() >= hw.gpus_per_node;
        2.0 * (vpp * m + p - 1.0) * collective::send(bytes, across, &cx.links, c)
    } else {
        0.0
    };

    // Data parallelism over dp x cp ranks (context-parallel ranks hold the same weights).
    let counts = t.counts()?;
    let routed = t.routed_expert_matrices();
    let dense_local = (counts.total - routed) / (l.tp * p);
    let expert_local = routed / (l.tp * p * l.ep);
    let replicas = l.dp() * l.cp;
    let gpn = hw.gpus_per_node;
    let dense_group = Group::strided(replicas, l.tp, gpn);
    let expert_group = Group::strided(replicas / l.ep, l.tp * l.ep, gpn);
    let grad = l.grad_precision.bytes();
    let weight = l.precision.bytes().max(Precision::Bf16.bytes());
    let reduce =
        |bytes_dense: f64, bytes_expert: f64, f: fn(f64, Group, &Links, &Constants) -> f64| {
            f(bytes_dense, dense_group, &cx.links, c) + f(bytes_expert, expert_group, &cx.links, c)
        };
    let backward_window = slowest.backward.total() + slowest.recompute.total();
    let forward_window = slowest.forward.total();
    // Gradients reduce-scattered and weights all-gathered (ZeRO 1-3); an
    // all-reduce without ZeRO is the two passes over the gradients.
    let rs = reduce(
        grad * dense_local,
        grad * expert_local,
        collective::reduce_scatter,
    );
    let ag = reduce(
        weight * dense_local,
        weight * expert_local,
        collective::all_gather,
    );
    let (dp_comm, dp_total) = if replicas <= 1.0 {
        (0.0, 0.0)
    } else {
        match l.zero {
            0 => {
                let ar = reduce(
                    grad * dense_local,
                    grad * expert_local,
                    collective::all_reduce,
                );
                if l.overlap_dp {
                    ((ar - backward_window).max(0.0), ar)
                } else {
                    (ar, ar)
                }
            }
            1 | 2 => {
                if l.overlap_dp {
                    (
                        (rs - backward_window).max(0.0) + (ag - forward_window).max(0.0),
                        rs + ag,
                    )
                } else {
                    (rs + ag, rs + ag)
                }
            }
            _ => {
                // Weights gathered for every micro-batch's forward and
                // backward pass, gradients scattered after it.
                let per_mb = 2.0 * ag + rs;
                let exposed =
                    m * (per_mb - slowest_time).max(0.0) + if l.overlap_dp { 0.0 } else { rs };
                (exposed, m * per_mb + if l.overlap_dp { 0.0 } else { rs })
            }
        }
    };

    // The optimizer reads and writes its states (and the master copy) and
    // reads the gradient and writes the weight, over its shard.
    let shard = if l.zero >= 1 {
        dense_local / replicas + expert_local / (replicas / l.ep)
    } else {
        dense_local + expert_local
    };
    let state = l.optimizer.bytes() + 4.0;
    let optimizer = cx.memory(shard * (2.0 * state + grad + weight), 4.0);

    let busy = m * slowest_time;
    let step = busy + bubble + pp_comm + dp_comm + optimizer;
    let step = check::finite_result("step_seconds", step)?;
    let tokens = l.tokens_per_step();
    // FLOPs executed by all GPUs: every stage runs m micro-batches of its own layers.
    let mut all = Work::default();
    all.add(&dense, moe_from.min(t.n_layer));
    all.add(&moe, t.n_layer - moe_from.min(t.n_layer));
    all.add(&head, 1.0);
    let flops_all =
        (all.forward.flops + all.backward.flops + all.recompute.flops) * l.tp * l.cp * m * l.dp();
    let gpus = l.gpus;
    let mfu_of = |causal: bool| {
        tokens * model_flops_per_token(t, l.seq_len, causal) / (step * gpus * hw.bf16)
    };
    let f = &slowest;
    Ok(StepTime {
        step_seconds: step,
        tokens_per_step: tokens,
        tokens_per_second: tokens / step,
        mfu: mfu_of(false),
        mfu_causal: mfu_of(true),
        hfu: flops_all / (step * gpus * hw.bf16),
        tflops_per_gpu: mfu_of(false) * hw.bf16 / 1e12,
        tflops_per_gpu_causal: mfu_of(true) * hw.bf16 / 1e12,
        matmul: m * (f.forward.matmul + f.backward.matmul),
        attention: m * (f.forward.attention + f.backward.attention),
        elementwise: m * (f.forward.elementwise + f.backward.elementwise),
        tp_comm: m * (f.forward.tp_comm + f.backward.tp_comm),
        cp_comm: m * (f.forward.cp_comm + f.backward.cp_comm),
        cp_comm_hidden: m * (f.forward.cp_hidden + f.backward.cp_hidden),
        ep_comm: m * (f.forward.ep_comm + f.backward.ep_comm),
        recompute: m * f.recompute.total(),
        pp_bubble: bubble,
        pp_comm,
        dp_comm,
        dp_comm_hidden: (dp_total - dp_comm).max(0.0),
        optimizer,
        dp: l.dp(),
        microbatches: m,
    })
}
