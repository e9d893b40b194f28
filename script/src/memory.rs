//! Training and serving memory in scripts.

use rhai::plugin::*;

use rhai::{Map, NativeCallContext};
use serde::Serialize;

use crate::args::{self, lift, ScriptResult};
use scaling_lab_core::hardware::{Accelerator, Precision};
use scaling_lab_core::table::{NumFormat, Record};

/// Whether the memory fits an accelerator.
#[derive(Serialize)]
struct Fit {
    hardware: &'static str,
    /// The accelerator's memory, bytes.
    capacity: f64,
    fits: bool,
    /// capacity - total (negative when it does not fit).
    headroom: f64,
}

/// Training memory, with the fit when a hardware was named.
#[derive(Serialize)]
struct TrainingReport {
    #[serde(flatten)]
    memory: scaling_lab_core::memory::TrainingMemory,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    fit: Option<Fit>,
}

impl Record for TrainingReport {
    fn format(field: &str) -> NumFormat {
        scaling_lab_core::memory::TrainingMemory::format(field)
    }
}

fn precision(
    ctx: &NativeCallContext,
    o: &Map,
    key: &str,
    default: Precision,
) -> ScriptResult<Precision> {
    match o.get(key) {
        Some(v) => lift(ctx, Precision::parse(&args::text(ctx, key, v)?)),
        None => Ok(default),
    }
}

fn hardware(ctx: &NativeCallContext, o: &Map) -> ScriptResult<Option<Accelerator>> {
    o.get("hardware")
        .map(|h| lift(ctx, Accelerator::by_name(&args::text(ctx, "hardware", h)?)))
        .transpose()
}

/// A number option that must be a whole number in [lo, hi].
fn whole_opt(ctx: &NativeCallContext, o: &Map, key: &str, default: rhai::INT) -> ScriptResult<f64> {
    Ok(args::opt_whole(ctx, o, key, default)? as f64)
}

#[export_module]
pub mod api {
    use rhai::{Dynamic, Map, NativeCallContext};

    use super::{hardware, precision, whole_opt, Fit, TrainingReport};
    use crate::architecture::{convention_option, model_arg, ModelArg};
    use crate::args::{self, fail, lift, ScriptResult};
    use crate::convert::{record_result, to_script};
    use scaling_lab_core::budget::work;
    use scaling_lab_core::hardware::Precision;
    use scaling_lab_core::memory::{
        training_memory as core_training_memory, ActivationShape, ModelSpec, Optimizer,
        Parallelism, Precisions, Recompute,
    };
    use scaling_lab_core::serving::{self, ServingSetup};

    /// Training memory per GPU, in bytes: `weights`, `gradients`,
    /// `optimizer` (with the fp32 master copy), `model_states`,
    /// `activations`, `total`, the `data_parallel` degree and, with
    /// `hardware`, its `capacity`, whether it `fits` and the `headroom`.
    ///
    /// `model` is a preset name, a `transformer(...)`, or a parameter count
    /// (then activations are not counted; a vector of counts gives a
    /// Table). Options: `gpus` (1), `zero` (0-3), `tp`, `pp`, `ep` (expert
    /// parallel; 1), `sequence_parallel` (false), `seq_len` (the model's),
    /// `micro_batch` (1), `recompute` ("none", "selective", "full"),
    /// `precision` (weights, "bf16"), `grad_precision` (same),
    /// `optimizer` ("adam", "adam8bit", "sgd", "none"), `master_weights`
    /// (true), `dropout` (false; Korthikanti's counts assume it),
    /// `hardware`.
    ///
    /// Model states follow ZeRO (Rajbhandari et al. 2020 §3: 2 + 2 + 12
    /// bytes per parameter for mixed-precision Adam, stages partition them
    /// over the data-parallel ranks); activations follow Korthikanti et al.
    /// 2022 (per layer s b h (34 + 5 a s/h) bytes and its variants for
    /// tensor and sequence parallelism and recomputation). Framework
    /// buffers and fragmentation are not counted: docs/memory.md.
    ///
    /// ```rhai
    /// training_memory(7.5e9, #{gpus: 64, zero: 1}).model_states   // 3.14e10 (ZeRO: 31.4 GB)
    /// ```
    #[rhai_fn(return_raw)]
    pub fn training_memory(
        ctx: NativeCallContext,
        model: Dynamic,
        options: Map,
    ) -> ScriptResult<Dynamic> {
        let known = [
            "gpus",
            "zero",
            "tp",
            "pp",
            "ep",
            "sequence_parallel",
            "seq_len",
            "micro_batch",
            "recompute",
            "precision",
            "grad_precision",
            "optimizer",
            "master_weights",
            "dropout",
            "hardware",
        ];
        args::options(&ctx, &options, &known)?;
        let zero = args::opt_whole(&ctx, &options, "zero", 0)?;
        if !(0..=3).contains(&zero) {
            return Err(fail(
                &ctx,
                format!("zero must be a ZeRO stage from 0 to 3, got {zero}"),
            ));
        }
        let par = Parallelism {
            gpus: whole_opt(&ctx, &options, "gpus", 1)?,
            zero: zero as u8,
            tp: whole_opt(&ctx, &options, "tp", 1)?,
            pp: whole_opt(&ctx, &options, "pp", 1)?,
            ep: whole_opt(&ctx, &options, "ep", 1)?,
        };
        let weights = precision(&ctx, &options, "precision", Precision::Bf16)?;
        let prec = Precisions {
            weights,
            gradients: precision(&ctx, &options, "grad_precision", weights)?,
            optimizer: match options.get("optimizer") {
                Some(v) => lift(&ctx, Optimizer::parse(&args::text(&ctx, "optimizer", v)?))?,
                None => Optimizer::Adam,
            },
            master_weights: args::opt_flag(
                &ctx,
                &options,
                "master_weights",
                weights.bytes() < 4.0,
            )?,
        };
        let recompute = match options.get("recompute") {
            Some(v) => lift(&ctx, Recompute::parse(&args::text(&ctx, "recompute", v)?))?,
            None => Recompute::None,
        };
        let hw = hardware(&ctx, &options)?;
        let act = |seq: f64| -> ScriptResult<ActivationShape> {
            Ok(ActivationShape {
                seq_len: args::opt_number(&ctx, &options, "seq_len", seq)?,
                micro_batch: whole_opt(&ctx, &options, "micro_batch", 1)?,
                tp: par.tp,
                sequence_parallel: args::opt_flag(&ctx, &options, "sequence_parallel", false)?,
                recompute,
                dropout: args::opt_flag(&ctx, &options, "dropout", false)?,
            })
        };
        let report = |m: scaling_lab_core::memory::TrainingMemory| TrainingReport {
            fit: hw.map(|h| Fit {
                hardware: h.name,
                capacity: h.memory,
                fits: m.total <= h.memory,
                headroom: h.memory - m.total,
            }),
            memory: m,
        };
        if model.is::<scaling_lab_core::vector::Vector>() || model.is_array() {
            let a = act(2048.0)?;
            return record_result(&ctx, "model", &model, work::SIMPLE, |n| {
                core_training_memory(ModelSpec::Params(n), &par, &a, &prec).map(report)
            });
        }
        let m = match model_arg(&ctx, &model)? {
            ModelArg::Params(n) => {
                core_training_memory(ModelSpec::Params(n), &par, &act(2048.0)?, &prec)
            }
            ModelArg::Shape(t) => {
                core_training_memory(ModelSpec::Shape(&t), &par, &act(t.seq_len)?, &prec)
            }
        };
        to_script(&ctx, &report(lift(&ctx, m)?))
    }

    /// KV cache of a model: `kv_cache(model, #{tokens, batch, dtype})`
    /// gives `bytes` and `bytes_per_token` (one sequence, all layers):
    /// 2 x n_layer x n_kv_heads x head_dim x bytes per token (grouped-query
    /// and multi-query attention through n_kv_heads; DeepSeek's latent
    /// attention caches its 512 + 64 latent channels instead). `tokens`
    /// (the model's context by default) may be a vector (a Table); `batch`
    /// 1, `dtype` "bf16" ("fp32", "fp8", "int8", "int4").
    ///
    /// ```rhai
    /// kv_cache("llama2-7b", #{tokens: 4096}).bytes   // 2.147e9 (2 GiB)
    /// ```
    #[rhai_fn(return_raw)]
    pub fn kv_cache(ctx: NativeCallContext, model: Dynamic, options: Map) -> ScriptResult<Dynamic> {
        args::options(&ctx, &options, &["tokens", "batch", "dtype"])?;
        let t = model_arg(&ctx, &model)?.shape(&ctx, "kv_cache")?;
        let batch = args::opt_number(&ctx, &options, "batch", 1.0)?;
        let dtype = precision(&ctx, &options, "dtype", Precision::Bf16)?;
        let tokens = options
            .get("tokens")
            .cloned()
            .unwrap_or_else(|| Dynamic::from_float(t.seq_len));
        record_result(&ctx, "tokens", &tokens, work::SIMPLE, |n| {
            serving::kv_cache(&t, n, batch, dtype)
        })
    }

    /// Serving a model: `serving(model, #{hardware, count, batch, context,
    /// dtype, kv_dtype, usd_per_hour, convention})`. Gives the bytes of
    /// `weights` (in `dtype`: "bf16", "fp8", "int8", "int4") and
    /// `kv_cache`, the `memory` of `count` accelerators, whether it `fits`,
    /// the largest batch (`max_batch`) and context (`max_context`) that do,
    /// `prefill_seconds` for the batch's prompts and `decode_seconds` per
    /// generated token as roofline lower bounds (the longer of FLOPs at
    /// peak and bytes at peak bandwidth; Pope et al. 2022), whether decode
    /// is compute-bound, `tokens_per_second` and, with a price,
    /// `usd_per_million_tokens`. `batch` (1) or `context` (the model's) may
    /// be a vector (a Table). The model is split evenly and communication
    /// is free, so real servers are slower.
    ///
    /// ```rhai
    /// serving("llama3-70b", #{hardware: "H100", count: 8, batch: 32}).fits   // true
    /// ```
    #[rhai_fn(return_raw)]
    pub fn serving(ctx: NativeCallContext, model: Dynamic, options: Map) -> ScriptResult<Dynamic> {
        let known = [
            "hardware",
            "count",
            "batch",
            "context",
            "dtype",
            "kv_dtype",
            "usd_per_hour",
            "convention",
        ];
        args::options(&ctx, &options, &known)?;
        let t = model_arg(&ctx, &model)?.shape(&ctx, "serving")?;
        let hw = hardware(&ctx, &options)?.ok_or_else(|| {
            fail(
                &ctx,
                "hardware is required, e.g. #{hardware: \"H100\", count: 8}",
            )
        })?;
        let convention = convention_option(&ctx, &options)?;
        let base = ServingSetup {
            hardware: hw,
            count: args::opt_number(&ctx, &options, "count", 1.0)?,
            batch: 1.0,
            context: t.seq_len,
            weights: precision(&ctx, &options, "dtype", Precision::Bf16)?,
            kv: precision(&ctx, &options, "kv_dtype", Precision::Bf16)?,
            usd_per_hour: options
                .get("usd_per_hour")
                .map(|v| args::number(&ctx, "usd_per_hour", v))
                .transpose()?,
            convention,
        };
        let setup = |batch: f64, context: f64| ServingSetup {
            batch,
            context,
            ..base
        };
        let batch = options
            .get("batch")
            .cloned()
            .unwrap_or(Dynamic::from_float(1.0));
        let context = options
            .get("context")
            .cloned()
            .unwrap_or_else(|| Dynamic::from_float(t.seq_len));
        let is_many = |v: &Dynamic| v.is::<scaling_lab_core::vector::Vector>() || v.is_array();
        match (is_many(&batch), is_many(&context)) {
            (true, true) => Err(fail(&ctx, "sweep batch or context, not both at once")),
            (true, false) => {
                let c = args::number(&ctx, "context", &context)?;
                record_result(&ctx, "batch", &batch, work::SIMPLE, |b| {
                    serving::serving(&t, &setup(b, c))
                })
            }
            (false, true) => {
                let b = args::number(&ctx, "batch", &batch)?;
                record_result(&ctx, "context", &context, work::SIMPLE, |c| {
                    serving::serving(&t, &setup(b, c))
                })
            }
            (false, false) => {
                let s = setup(
                    args::number(&ctx, "batch", &batch)?,
                    args::number(&ctx, "context", &context)?,
                );
                to_script(&ctx, &lift(&ctx, serving::serving(&t, &s))?)
            }
        }
    }
}
