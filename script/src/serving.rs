//! Serving in scripts: KV cache, predicted and bound serving times, the
//! engine constants and the published measurements they are judged on.

use rhai::plugin::*;

use rhai::{Map, NativeCallContext};
use scaling_lab_core::serving::measured::{ServingMeasured, ServingMeasurement, ServingMetric};
use scaling_lab_core::serving::ServingOptions;

use crate::args::{fail, lift, ScriptResult};

/// The measured key of a serving run, if it has one.
pub fn measured_key(run: &Map) -> Option<&'static str> {
    ServingMetric::NAMES
        .into_iter()
        .find(|k| run.contains_key(*k))
}

/// One serving run of `calibrate`: `model`, one measured key
/// ([`ServingMetric::NAMES`]), the rest `serving` options with one batch.
pub fn measurement(
    ctx: &NativeCallContext,
    i: usize,
    run: &Map,
) -> ScriptResult<ServingMeasurement> {
    let mut rest = run.clone();
    let model = rest
        .remove("model")
        .ok_or_else(|| fail(ctx, format!("runs[{i}] needs a model")))?;
    let model = lift(
        ctx,
        crate::architecture::model_arg(ctx, &model)?.shape("calibrate"),
    )?;
    let mut measured = None;
    for key in ServingMetric::NAMES {
        if let Some(v) = rest.remove(key) {
            let value = crate::args::number(ctx, &format!("runs[{i}].{key}"), &v)?;
            let value = lift(ctx, scaling_lab_core::error::check::positive(key, value))?;
            let metric: ServingMetric =
                serde_json::from_value(serde_json::Value::String(key.into()))
                    .map_err(|e| fail(ctx, e))?;
            if measured
                .replace(ServingMeasured { metric, value })
                .is_some()
            {
                return Err(fail(
                    ctx,
                    format!("runs[{i}] gives more than one measurement"),
                ));
            }
        }
    }
    let measured = measured.ok_or_else(|| {
        fail(
            ctx,
            format!(
                "runs[{i}] needs a measurement: {}",
                ServingMetric::NAMES.join(", ")
            ),
        )
    })?;
    let options: ServingOptions = crate::options::read(ctx, &rest)?;
    let batch = lift(ctx, scaling_lab_core::serving::measured::batch_of(&options))?;
    let setup = lift(ctx, options.setup(&model, batch, None))?;
    Ok(ServingMeasurement {
        model,
        setup,
        measured,
    })
}

#[export_module]
pub mod api {
    use rhai::{Dynamic, Map, NativeCallContext};

    use crate::architecture::model_arg;
    use crate::args::{fail, lift, ScriptResult};
    use crate::convert::{record_results, to_script};
    use crate::options;
    use scaling_lab_core::budget::work;
    use scaling_lab_core::input::Numbers;
    use scaling_lab_core::serving::measured::{published, ServingSplit};
    use scaling_lab_core::serving::{self, KvCacheOptions, ServingConstants};
    use scaling_lab_core::table::{Cell, Table};

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

    /// Serving a model: `serving(model, #{hardware, count, tp, pp, batch,
    /// input_tokens, output_tokens, batching, ...})`. Predicts
    /// `ttft_seconds` (time to first token), `decode_step_seconds`,
    /// `output_tokens_per_second_per_gpu`, `tokens_per_second_per_user`
    /// and, with `usd_per_hour`, `usd_per_million_tokens`, from an engine
    /// model calibrated to TensorRT-LLM's published measurements (matrix
    /// multiplies at the batch's efficiency, tensor-parallel all-reduces
    /// with latency, attention by context, per-step overheads; static or
    /// continuous `batching`). Beside them the roofline lower bounds
    /// (Pope et al. 2022): `prefill_seconds_bound`, `decode_seconds_bound`,
    /// `decode_compute_bound`, `tokens_per_second_bound`,
    /// `output_tokens_per_second_per_gpu_bound`, `usd_per_million_tokens_bound`.
    /// Also the layout (`tp`, `pp`, `replicas`, `attention`), bytes of
    /// `weights` and `kv_cache` of one replica (KV heads replicate once tp
    /// passes them and an MLA latent is on every rank: `kv_replication`
    /// says how many copies; `attention: "dp"` shards attention by
    /// sequences instead), its `memory`, whether it `fits`, and the
    /// largest `max_batch` and `max_context` that do. `batch` (1) or
    /// `context` may be a vector (a Table). docs/serving.md has the
    /// model and its errors against each measurement.
    ///
    /// ```rhai
    /// serving("llama2-7b", #{hardware: "H100", dtype: "fp8", kv_dtype: "fp8", batch: 768, input_tokens: 128, output_tokens: 128, batching: "static", paged: false}).output_tokens_per_second_per_gpu   // 2.23e4 (TensorRT-LLM v0.6.1 measured 19,694)
    /// ```
    #[rhai_fn(return_raw)]
    pub fn serving(ctx: NativeCallContext, model: Dynamic, options: Map) -> ScriptResult<Dynamic> {
        let o: serving::ServingOptions = options::read(&ctx, &options)?;
        let t = lift(&ctx, model_arg(&ctx, &model)?.shape("serving"))?;
        let serve = |b: f64, c: Option<f64>| serving::serving(&t, &o.setup(&t, b, c)?);
        match (&o.batch, &o.context) {
            (Numbers::Many(_), Some(Numbers::Many(_))) => {
                Err(fail(&ctx, "sweep batch or context, not both at once"))
            }
            (Numbers::Many(_), c) => {
                let c = c.as_ref().map(|n| match n {
                    Numbers::One(c) => *c,
                    Numbers::Many(_) => unreachable!("matched above"),
                });
                record_results(&ctx, "batch", &o.batch, work::MATH, |b| serve(b, c))
            }
            (Numbers::One(b), Some(c)) => {
                record_results(&ctx, "context", c, work::MATH, |c| serve(*b, Some(c)))
            }
            (Numbers::One(b), None) => {
                crate::convert::to_script_record(&ctx, &lift(&ctx, serve(*b, None))?)
            }
        }
    }

    /// The serving engine constants of every accelerator generation as a
    /// Table: the fractions of peak matrix multiplies, memory reads and
    /// attention reach, fixed overheads per kernel, all-reduce, decode
    /// step and prefill, whether fitted to measurements, and the sources.
    #[rhai_fn(name = "serving_model")]
    pub fn serving_model_all() -> Table {
        crate::performance::constants_table(ServingConstants::of, |c| (c.calibrated, c.source))
    }

    /// The serving constants of one generation ("hopper") or of an
    /// accelerator's generation ("H100"), as a map to change and pass as
    /// `constants:` to `serving` or `calibrate`.
    ///
    /// ```rhai
    /// serving_model("H100").step_overhead   // 3e-4 (assumed: one host synchronisation per step)
    /// ```
    #[rhai_fn(name = "serving_model", return_raw)]
    pub fn serving_model(ctx: NativeCallContext, name: &str) -> ScriptResult<Dynamic> {
        let generation = crate::performance::generation_named(&ctx, name)?;
        to_script(&ctx, &ServingConstants::of(generation))
    }

    /// The published serving measurements the model is checked against
    /// (TensorRT-LLM's performance tables), with the bound and the
    /// prediction beside each: a Table of `name`, `split` ("fit": the
    /// constants were fitted to it; "held_out": it judges them), `metric`,
    /// `measured`, `bound`, `predicted`, `bound_error` and `error` (as
    /// time: +0.05 is 5% slow, -0.5 twice too fast) and `source`.
    #[rhai_fn(return_raw)]
    pub fn serving_runs(ctx: NativeCallContext) -> ScriptResult<Table> {
        let mut rows = Vec::new();
        for r in published() {
            let run = lift(&ctx, r.measurement())?;
            let s = lift(&ctx, run.serve(&run.setup.constants))?;
            let (predicted, bound) = (r.measured.metric.of(&s), r.measured.metric.bound(&s));
            let metric = serde_json::to_value(r.measured.metric)
                .map(|v| v.as_str().unwrap_or("").to_string())
                .unwrap_or_default();
            rows.push(vec![
                ("name".to_string(), Cell::Text(r.name.clone())),
                (
                    "split".to_string(),
                    Cell::Text(match r.split {
                        ServingSplit::Fit => "fit".into(),
                        ServingSplit::HeldOut => "held_out".into(),
                    }),
                ),
                ("metric".to_string(), Cell::Text(metric)),
                ("measured".to_string(), Cell::Num(r.measured.value)),
                ("bound".to_string(), Cell::Num(bound)),
                ("predicted".to_string(), Cell::Num(predicted)),
                ("bound_error".to_string(), Cell::Num(run.error_of(bound))),
                ("error".to_string(), Cell::Num(run.error_of(predicted))),
                ("source".to_string(), Cell::Text(r.source.clone())),
            ]);
        }
        lift(&ctx, Table::from_rows(&rows))
    }
}
