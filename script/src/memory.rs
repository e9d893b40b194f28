//! Training and serving memory in scripts.

use rhai::plugin::*;

#[export_module]
pub mod api {
    use rhai::{Dynamic, Map, NativeCallContext};

    use crate::architecture::model_arg;
    use crate::args::{fail, lift, ScriptResult};
    use crate::convert::{record_result, record_results, to_script};
    use crate::options;
    use scaling_lab_core::budget::work;
    use scaling_lab_core::input::Numbers;
    use scaling_lab_core::memory::{self, ModelSpec, TrainingOptions};
    use scaling_lab_core::serving::{self, KvCacheOptions, ServingOptions, ServingSetup};
    use scaling_lab_core::transformer::ModelRef;

    /// Training memory per GPU, in bytes: `weights`, `gradients`,
    /// `optimizer` (with the fp32 master copy), `model_states`,
    /// `activations`, `total`, the `data_parallel` degree and, with
    /// `hardware`, its `capacity`, whether it `fits` and the `headroom`.
    ///
    /// `model` is a preset name, a `transformer(...)`, or a parameter count
    /// (then activations are not counted; a vector of counts gives a
    /// Table).
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
        let o: TrainingOptions = options::read(&ctx, &options)?;
        if model.is::<scaling_lab_core::vector::Vector>() || model.is_array() {
            return record_result(&ctx, "model", &model, work::SIMPLE, |n| {
                memory::report(ModelSpec::Params(n), &o)
            });
        }
        let report = match model_arg(&ctx, &model)? {
            ModelRef::Params(n) => memory::report(ModelSpec::Params(n), &o),
            ModelRef::Shape(t) => memory::report(ModelSpec::Shape(&t), &o),
        };
        to_script(&ctx, &lift(&ctx, report)?)
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
        let o: KvCacheOptions = options::read(&ctx, &options)?;
        let t = lift(&ctx, model_arg(&ctx, &model)?.shape("kv_cache"))?;
        let tokens = o.tokens.unwrap_or(Numbers::One(t.seq_len));
        record_results(&ctx, "tokens", &tokens, work::SIMPLE, |n| {
            serving::kv_cache(&t, n, o.batch.get(), o.dtype)
        })
    }

    /// Serving a model: `serving(model, #{hardware, count, batch, context,
    /// dtype, kv_dtype, usd_per_hour, convention})`. Gives the bytes of
    /// `weights` (in `dtype`: "bf16", "fp8", "int8", "int4") and
    /// `kv_cache` (all copies: `kv_replication` says how many, since KV
    /// heads replicate once `count` passes them and an MLA latent is on
    /// every rank), the `memory` of `count` accelerators, whether it `fits`,
    /// the largest batch (`max_batch`) and context (`max_context`) that do,
    /// `prefill_seconds` for the batch's prompts and `decode_seconds` per
    /// generated token as roofline lower bounds (the longer of FLOPs at
    /// peak and bytes at peak bandwidth; Pope et al. 2022), whether decode
    /// is compute-bound, `tokens_per_second` and, with a price,
    /// `usd_per_million_tokens`. `batch` (1) or `context` (the model's) may
    /// be a vector (a Table). The accelerators split the model by tensor
    /// parallelism and communication is free, so real servers are slower.
    ///
    /// ```rhai
    /// serving("llama3-70b", #{hardware: "H100", count: 8, batch: 32}).fits   // true
    /// ```
    #[rhai_fn(return_raw)]
    pub fn serving(ctx: NativeCallContext, model: Dynamic, options: Map) -> ScriptResult<Dynamic> {
        let o: ServingOptions = options::read(&ctx, &options)?;
        let t = lift(&ctx, model_arg(&ctx, &model)?.shape("serving"))?;
        let base = ServingSetup {
            hardware: o.hardware.clone(),
            count: o.count.get(),
            batch: 1.0,
            context: t.seq_len,
            weights: o.dtype,
            kv: o.kv_dtype,
            usd_per_hour: o.usd_per_hour.map(|p| p.get()),
            convention: o.convention,
        };
        let setup = |batch: f64, context: f64| ServingSetup {
            batch,
            context,
            ..base.clone()
        };
        let context = o.context.unwrap_or(Numbers::One(t.seq_len));
        match (&o.batch, &context) {
            (Numbers::Many(_), Numbers::Many(_)) => {
                Err(fail(&ctx, "sweep batch or context, not both at once"))
            }
            (Numbers::Many(_), Numbers::One(c)) => {
                record_results(&ctx, "batch", &o.batch, work::SIMPLE, |b| {
                    serving::serving(&t, &setup(b, *c))
                })
            }
            (Numbers::One(b), _) => record_results(&ctx, "context", &context, work::SIMPLE, |c| {
                serving::serving(&t, &setup(*b, c))
            }),
        }
    }
}
