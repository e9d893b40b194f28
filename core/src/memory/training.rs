//! Training memory per GPU: model states after Rajbhandari et al. 2020
//! (ZeRO, §3 and §5) and activations after Korthikanti et al. 2022.
//!
//! Mixed-precision Adam keeps, per parameter, 2 bytes of fp16/bf16
//! weights, 2 of gradients and K = 12 of optimizer state (an fp32 master
//! copy, momentum and variance): 16 Ψ bytes for Ψ parameters (ZeRO §3.1).
//! ZeRO partitions these across the N_d data-parallel ranks: stage 1 the
//! optimizer states (4Ψ + KΨ/N_d), stage 2 the gradients too (2Ψ +
//! (2+K)Ψ/N_d), stage 3 the weights as well ((4+K)Ψ/N_d) (ZeRO Figure 1).
//! Tensor and pipeline parallelism first split the model t·p ways; expert
//! parallelism splits the routed experts a further `ep` ways and ZeRO then
//! partitions them over the N_d/ep ranks that hold the same experts
//! (DeepSpeed-MoE's expert-data-parallel group).
//!
//! Activations are per layer as in [`super::activations`], for all n_layer
//! layers on every GPU: with pipeline parallelism and the 1F1B schedule the
//! first stage holds p micro-batches of L/p layers, L layers' worth
//! (Korthikanti §4.2.3). The embedding and output layers' activations and
//! the framework's own buffers (communication buckets, allocator
//! fragmentation, the CUDA context) are not counted: the totals are lower
//! bounds, and `docs/memory.md` compares them with EleutherAI's cookbook.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::activations::{activation_bytes_per_layer, ActivationShape};
use super::ModelSpec;
use crate::error::{check, Error, Result};
use crate::hardware::Precision;
use crate::table::{NumFormat, Record};

/// The optimizer whose state is kept per parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Optimizer {
    /// Adam/AdamW: momentum and variance in fp32, 8 bytes.
    #[serde(alias = "adamw")]
    Adam,
    /// 8-bit Adam (Dettmers et al. 2022): 2 bytes.
    #[serde(alias = "adamw8bit")]
    Adam8bit,
    /// SGD with momentum in fp32: 4 bytes.
    Sgd,
    /// No state.
    None,
}

impl Optimizer {
    /// Parse "adam" (or "adamw"), "adam8bit", "sgd", "none".
    pub fn parse(name: &str) -> Result<Optimizer> {
        match name.to_ascii_lowercase().as_str() {
            "adam" | "adamw" => Ok(Optimizer::Adam),
            "adam8bit" | "adamw8bit" => Ok(Optimizer::Adam8bit),
            "sgd" => Ok(Optimizer::Sgd),
            "none" => Ok(Optimizer::None),
            _ => Err(Error::unknown(
                "optimizer",
                name,
                ["adam", "adam8bit", "sgd", "none"],
            )),
        }
    }

    /// Bytes of state per parameter (without a master copy).
    pub fn bytes(self) -> f64 {
        match self {
            Optimizer::Adam => 8.0,
            Optimizer::Adam8bit => 2.0,
            Optimizer::Sgd => 4.0,
            Optimizer::None => 0.0,
        }
    }
}

/// The number formats of the model states.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Precisions {
    /// Weights as the GPUs compute with them (bf16).
    pub weights: Precision,
    /// Gradients (bf16).
    pub gradients: Precision,
    /// The optimizer (Adam).
    pub optimizer: Optimizer,
    /// An fp32 master copy of the weights (4 bytes; on by default when the
    /// weights are narrower than fp32).
    pub master_weights: bool,
}

impl Default for Precisions {
    fn default() -> Self {
        Precisions {
            weights: Precision::Bf16,
            gradients: Precision::Bf16,
            optimizer: Optimizer::Adam,
            master_weights: true,
        }
    }
}

impl Precisions {
    /// K of the ZeRO paper: optimizer bytes per parameter, master copy included.
    pub fn k(&self) -> f64 {
        self.optimizer.bytes() + if self.master_weights { 4.0 } else { 0.0 }
    }
}

/// How the GPUs share the work.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Parallelism {
    /// GPUs in all.
    pub gpus: f64,
    /// ZeRO stage, 0-3.
    pub zero: u8,
    /// Tensor-parallel degree.
    pub tp: f64,
    /// Pipeline-parallel degree.
    pub pp: f64,
    /// Expert-parallel degree (routed experts split this many ways).
    pub ep: f64,
}

impl Default for Parallelism {
    fn default() -> Self {
        Parallelism {
            gpus: 1.0,
            zero: 0,
            tp: 1.0,
            pp: 1.0,
            ep: 1.0,
        }
    }
}

/// Bytes per GPU.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrainingMemory {
    /// Parameters of the model.
    pub params: f64,
    /// Data-parallel degree gpus / (tp pp).
    pub data_parallel: f64,
    /// Weights in their training precision.
    pub weights: f64,
    /// Gradients.
    pub gradients: f64,
    /// Optimizer state and master weights.
    pub optimizer: f64,
    /// weights + gradients + optimizer.
    pub model_states: f64,
    /// Activations (0 when only a parameter count was given).
    pub activations: f64,
    /// model_states + activations.
    pub total: f64,
}

impl Record for TrainingMemory {
    fn format(field: &str) -> NumFormat {
        match field {
            "params" => NumFormat::Si,
            "data_parallel" | "max_micro_batch" | "max_seq_len" => NumFormat::Fixed(0),
            // weights, gradients, optimizer, model_states, activations,
            // total, and the report's capacity and headroom.
            _ => NumFormat::Bytes { binary: false },
        }
    }
}

/// A whole number in [1, max], or an error naming `arg`.
fn whole(arg: &str, v: f64, max: f64) -> Result<f64> {
    let v = check::positive_at_most(arg, v, max)?;
    if v.fract() != 0.0 {
        return Err(Error::invalid(arg, "a whole number", v));
    }
    Ok(v)
}

impl Parallelism {
    /// Check the degrees and return the data-parallel degree.
    fn data_parallel(&self) -> Result<f64> {
        let gpus = whole("gpus", self.gpus, 1e7)?;
        let tp = whole("tp", self.tp, 1e4)?;
        let pp = whole("pp", self.pp, 1e4)?;
        let ep = whole("ep", self.ep, 1e6)?;
        if self.zero > 3 {
            return Err(Error::invalid(
                "zero",
                "a ZeRO stage from 0 to 3",
                self.zero as f64,
            ));
        }
        let dp = gpus / (tp * pp);
        if dp.fract() != 0.0 {
            return Err(Error::InvalidArgument {
                arg: "gpus".into(),
                expected: "a multiple of tp x pp",
                value: format!("{gpus} GPUs with tp {tp} and pp {pp}"),
            });
        }
        if (dp / ep).fract() != 0.0 {
            return Err(Error::InvalidArgument {
                arg: "ep".into(),
                expected: "a divisor of the data-parallel degree gpus / (tp x pp)",
                value: format!("ep {ep} with data-parallel degree {dp}"),
            });
        }
        Ok(dp)
    }
}

/// Largest sequence length accepted (beyond it sizes stop meaning anything).
pub const MAX_SEQ_LEN: f64 = 1e8;
/// Largest micro-batch accepted.
pub const MAX_MICRO_BATCH: f64 = 1e6;

/// Training memory per GPU for `model` on `par`, with `act` giving the
/// activations' shape (ignored for a bare parameter count).
pub fn training_memory(
    model: ModelSpec,
    par: &Parallelism,
    act: &ActivationShape,
    prec: &Precisions,
) -> Result<TrainingMemory> {
    let dp = par.data_parallel()?;
    check::positive_at_most("seq_len", act.seq_len, MAX_SEQ_LEN)?;
    whole("micro_batch", act.micro_batch, MAX_MICRO_BATCH)?;
    // Routed-expert parameters (split by ep) and the rest.
    let (params, experts) = match model {
        ModelSpec::Params(n) => (check::positive_at_most("params", n, 1e16)?, 0.0),
        ModelSpec::Shape(t) => {
            let c = t.counts()?;
            if par.tp > t.n_heads || (t.n_heads / par.tp).fract() != 0.0 {
                return Err(Error::InvalidArgument {
                    arg: "tp".into(),
                    expected: "a divisor of n_heads",
                    value: format!("tp {} with {} heads", par.tp, t.n_heads),
                });
            }
            if par.pp > t.n_layer {
                return Err(Error::InvalidArgument {
                    arg: "pp".into(),
                    expected: "at most n_layer",
                    value: format!("pp {} with {} layers", par.pp, t.n_layer),
                });
            }
            if par.ep > t.n_experts {
                return Err(Error::InvalidArgument {
                    arg: "ep".into(),
                    expected: "at most n_experts",
                    value: format!("ep {} with {} experts", par.ep, t.n_experts),
                });
            }
            (c.total, t.routed_expert_matrices())
        }
    };
    if matches!(model, ModelSpec::Params(_)) && par.ep > 1.0 {
        return Err(Error::InvalidArgument {
            arg: "ep".into(),
            expected:
                "1 for a bare parameter count (give a mixture-of-experts shape to split experts)",
            value: format!("{}", par.ep),
        });
    }
    let mp = par.tp * par.pp;
    // Parameters per GPU before ZeRO, and after partitioning over the
    // ranks holding the same shard.
    let dense = (params - experts) / mp;
    let expert = experts / (mp * par.ep);
    let sharded = dense / dp + expert / (dp / par.ep);
    let whole_shard = dense + expert;
    let stage = par.zero;
    let w = prec.weights.bytes() * if stage >= 3 { sharded } else { whole_shard };
    let g = prec.gradients.bytes() * if stage >= 2 { sharded } else { whole_shard };
    let o = prec.k() * if stage >= 1 { sharded } else { whole_shard };
    let activations = match model {
        ModelSpec::Params(_) => 0.0,
        ModelSpec::Shape(t) => {
            let moe_layers = t.moe_layers();
            (t.n_layer - moe_layers) * activation_bytes_per_layer(t, act, false)
                + moe_layers * activation_bytes_per_layer(t, act, true)
        }
    };
    let model_states = w + g + o;
    let m = TrainingMemory {
        params,
        data_parallel: dp,
        weights: w,
        gradients: g,
        optimizer: o,
        model_states,
        activations,
        total: check::finite_result("memory", model_states + activations)?,
    };
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::super::Recompute;
    use super::*;
    use crate::transformer::Transformer;

    fn act() -> ActivationShape {
        ActivationShape {
            seq_len: 2048.0,
            micro_batch: 1.0,
            tp: 1.0,
            sequence_parallel: false,
            recompute: Recompute::Full,
            dropout: true,
            gated_activations: super::super::GatedActivations::Fused,
        }
    }

    #[test]
    fn zero_paper_7_5b_on_64_gpus() {
        // Rajbhandari et al. 2020, Figure 1: Ψ = 7.5B, N_d = 64, K = 12:
        // 120 GB, 31.4 GB, 16.6 GB and 1.9 GB per GPU for stages 0-3.
        let expect = ["120.0", "31.4", "16.6", "1.9"];
        for (stage, want) in expect.iter().enumerate() {
            let par = Parallelism {
                gpus: 64.0,
                zero: stage as u8,
                ..Parallelism::default()
            };
            let m = training_memory(
                ModelSpec::Params(7.5e9),
                &par,
                &act(),
                &Precisions::default(),
            )
            .unwrap();
            assert_eq!(
                format!("{:.1}", m.model_states / 1e9),
                *want,
                "stage {stage}"
            );
            assert_eq!(m.activations, 0.0);
        }
    }

    #[test]
    fn model_parallelism_divides_before_zero() {
        let t = Transformer::preset("llama3-70b").unwrap();
        let par = Parallelism {
            gpus: 64.0,
            zero: 1,
            tp: 8.0,
            pp: 2.0,
            ep: 1.0,
        };
        let m =
            training_memory(ModelSpec::Shape(&t), &par, &act(), &Precisions::default()).unwrap();
        let psi = t.counts().unwrap().total / 16.0;
        assert_eq!(m.data_parallel, 4.0);
        assert!((m.weights - 2.0 * psi).abs() < 1.0);
        assert!((m.optimizer - 12.0 * psi / 4.0).abs() < 1.0);
    }

    #[test]
    fn experts_split_by_ep() {
        let t = Transformer::preset("mixtral-8x7b").unwrap();
        let base = Parallelism {
            gpus: 8.0,
            ..Parallelism::default()
        };
        let one =
            training_memory(ModelSpec::Shape(&t), &base, &act(), &Precisions::default()).unwrap();
        let eight = training_memory(
            ModelSpec::Shape(&t),
            &Parallelism { ep: 8.0, ..base },
            &act(),
            &Precisions::default(),
        )
        .unwrap();
        let routed = 32.0 * 8.0 * 3.0 * 4096.0 * 14336.0;
        assert!((one.weights - eight.weights - 2.0 * routed * 7.0 / 8.0).abs() < 1.0);
    }

    #[test]
    fn expert_optimizer_states_shard_over_the_expert_data_parallel_group() {
        // Mixtral 8x7B, 64 GPUs, EP 8, ZeRO-1: each GPU holds one expert of
        // each layer (5.64B parameters), whose 12 bytes of Adam state shard
        // over the 64 / 8 = 8 ranks holding the same expert; the 1.61B
        // shared parameters shard over all 64. 8.16 GiB; EleutherAI's
        // cookbook (calc_transformer_mem.py, --num-experts 8 -ep 8 -z 1)
        // divides all 7.26B by 64: 1.27 GiB, 6.4x less (docs/memory.md).
        let t = Transformer::preset("mixtral-8x7b").unwrap();
        let par = Parallelism {
            gpus: 64.0,
            ep: 8.0,
            zero: 1,
            ..Parallelism::default()
        };
        let m =
            training_memory(ModelSpec::Shape(&t), &par, &act(), &Precisions::default()).unwrap();
        let gib = m.optimizer / 2f64.powi(30);
        assert!((gib - 8.155).abs() < 0.01, "{gib}");
        assert!((gib / 1.27 - 6.42).abs() < 0.02, "{}", gib / 1.27);
    }

    #[test]
    fn bad_layouts_are_errors() {
        let t = Transformer::preset("llama3-8b").unwrap();
        let run = |par: Parallelism| {
            training_memory(ModelSpec::Shape(&t), &par, &act(), &Precisions::default())
                .unwrap_err()
                .to_string()
        };
        let p = Parallelism::default();
        assert!(run(Parallelism {
            gpus: 6.0,
            tp: 4.0,
            ..p
        })
        .contains("multiple of tp x pp"));
        assert!(run(Parallelism {
            gpus: 8.0,
            tp: 8.0,
            zero: 4,
            ..p
        })
        .contains("ZeRO stage"));
        assert!(run(Parallelism {
            gpus: 3.0,
            tp: 3.0,
            ..p
        })
        .contains("divisor of n_heads"));
        assert!(run(Parallelism {
            gpus: 2.0,
            ep: 2.0,
            ..p
        })
        .contains("at most n_experts"));
        assert!(run(Parallelism { gpus: 1.5, ..p }).contains("whole number"));
    }
}
