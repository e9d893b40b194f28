//! Training step time, layout search and calibration in scripts.

use rhai::plugin::*;

use rhai::{Array, Map, NativeCallContext};
use scaling_lab_core::performance::runs::{Measured, Measurement, Metric};
use scaling_lab_core::performance::StepOptions;
use scaling_lab_core::serving::measured::ServingMeasurement;

use crate::args::{fail, lift, ScriptResult};

/// Every generation's constants of one model as a Table: a row per
/// generation, its fittable constants, whether calibrated and the source
/// (`perf_model()`, `serving_model()`).
pub(crate) fn constants_table<C: scaling_lab_core::performance::calibrate::Fittable>(
    of: impl Fn(scaling_lab_core::hardware::Generation) -> C,
    provenance: impl Fn(C) -> (bool, String),
) -> scaling_lab_core::table::Table {
    use scaling_lab_core::table::{Cell, Table};
    let rows: Vec<Vec<(String, Cell)>> = scaling_lab_core::hardware::Generation::ALL
        .iter()
        .map(|g| {
            let c = of(*g);
            let mut row = vec![("generation".to_string(), Cell::Text(g.name().into()))];
            for name in C::names() {
                let v = c.get(name).expect("fittable names are fields");
                row.push((name.to_string(), Cell::Num(v)));
            }
            let (calibrated, source) = provenance(c);
            row.push(("calibrated".to_string(), Cell::Text(calibrated.to_string())));
            row.push(("source".to_string(), Cell::Text(source)));
            row
        })
        .collect();
    Table::from_rows(&rows).expect("every generation has the same fields")
}

/// The generation `name` is ("hopper"), or the generation of the
/// accelerator it names ("H100").
pub(crate) fn generation_named(
    ctx: &NativeCallContext,
    name: &str,
) -> ScriptResult<scaling_lab_core::hardware::Generation> {
    use scaling_lab_core::hardware::{Accelerator, Generation};
    match (Generation::parse(name), Accelerator::by_name(name)) {
        (Ok(g), _) => Ok(g),
        (_, Ok(a)) => Ok(a.generation),
        (Err(_), Err(_)) => {
            let generations: Vec<&str> = Generation::ALL.iter().map(|g| g.name()).collect();
            Err(fail(
                ctx,
                format!(
                    "unknown generation or hardware '{name}'; generations: {}; or a name hardware() lists",
                    generations.join(", ")
                ),
            ))
        }
    }
}

/// The keys a run of `calibrate` may measure, and what they mean.
const MEASURED: [(&str, Metric); 5] = [
    ("step_seconds", Metric::StepSeconds),
    ("tflops_per_gpu", Metric::TflopsPerGpu),
    ("tflops_per_gpu_causal", Metric::TflopsPerGpuCausal),
    ("mfu", Metric::Mfu),
    ("mfu_causal", Metric::MfuCausal),
];

/// One run of `calibrate`: `model`, one measured key, the rest options.
fn measurement(ctx: &NativeCallContext, i: usize, run: &Dynamic) -> ScriptResult<Measurement> {
    let Some(map) = run.read_lock::<Map>().map(|m| m.clone()) else {
        return Err(fail(
            ctx,
            format!(
                "runs[{i}] must be a map of a run, got {}",
                crate::args::type_name(run)
            ),
        ));
    };
    let mut rest = map.clone();
    let model = rest
        .remove("model")
        .ok_or_else(|| fail(ctx, format!("runs[{i}] needs a model")))?;
    let model = lift(
        ctx,
        crate::architecture::model_arg(ctx, &model)?.shape("calibrate"),
    )?;
    let mut measured = None;
    for (key, metric) in MEASURED {
        if let Some(v) = rest.remove(key) {
            let value = crate::args::number(ctx, &format!("runs[{i}].{key}"), &v)?;
            let value = lift(ctx, scaling_lab_core::error::check::positive(key, value))?;
            if measured.replace(Measured { metric, value }).is_some() {
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
            format!("runs[{i}] needs a measurement: step_seconds, tflops_per_gpu, tflops_per_gpu_causal, mfu or mfu_causal"),
        )
    })?;
    let options: StepOptions = crate::options::read(ctx, &rest)?;
    Ok(Measurement {
        model,
        options,
        measured,
    })
}

/// The runs of one `calibrate`: all training runs or all serving measurements.
enum Runs {
    Training(Vec<Measurement>),
    Serving(Vec<ServingMeasurement>),
}

/// Every run of `calibrate`; the first one's measured key says which
/// model they calibrate, and a run of the other kind is refused.
fn runs_of(ctx: &NativeCallContext, runs: &Array) -> ScriptResult<Runs> {
    let serving_key = |r: &Dynamic| {
        r.read_lock::<Map>()
            .and_then(|m| crate::serving::measured_key(&m))
    };
    match runs.first().and_then(serving_key) {
        None => runs
            .iter()
            .enumerate()
            .map(|(i, r)| match serving_key(r) {
                Some(k) => Err(fail(
                    ctx,
                    format!("runs[{i}] measures {k}, a serving quantity, where runs[0] is a training run"),
                )),
                None => measurement(ctx, i, r),
            })
            .collect::<ScriptResult<_>>()
            .map(Runs::Training),
        Some(_) => runs
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let Some(map) = r.read_lock::<Map>().map(|m| m.clone()) else {
                    return Err(fail(
                        ctx,
                        format!(
                            "runs[{i}] must be a map of a run, got {}",
                            crate::args::type_name(r)
                        ),
                    ));
                };
                crate::serving::measurement(ctx, i, &map)
            })
            .collect::<ScriptResult<_>>()
            .map(Runs::Serving),
    }
}

#[export_module]
pub mod api {
    use rhai::{Array, Dynamic, Map, NativeCallContext};

    use crate::architecture::model_arg;
    use crate::args::{fail, lift, ScriptResult};
    use crate::convert::to_script;
    use crate::options;
    use crate::state::state;
    use scaling_lab_core::budget::work;
    use scaling_lab_core::performance::calibrate::{CalibrateOptions, StartConstants};
    use scaling_lab_core::performance::runs::published;
    use scaling_lab_core::performance::{self, Constants, PlanOptions, StepOptions};
    use scaling_lab_core::table::{Cell, Table};

    /// Predicted step time of a training run, where it goes, and what the
    /// run takes: `training_step(model, #{hardware, gpus, global_batch, tp, pp,
    /// ...})` gives `step_seconds`, `tokens_per_second`, `mfu` (PaLM's
    /// count: 6N and all s² attention scores, as PaLM and Megatron count),
    /// `mfu_causal` (attention's causal half, as Llama 3 counts), `hfu`,
    /// `tflops_per_gpu` and `tflops_per_gpu_causal`, the parts of the step
    /// in seconds (`matmul`, `attention`, `elementwise`, `tp_comm`,
    /// `cp_comm`, `ep_comm`, `recompute`, `pp_bubble`, `pp_comm`,
    /// `dp_comm`, `optimizer`; they add up to the step) with the traffic
    /// hidden behind compute beside them (`cp_comm_hidden`,
    /// `dp_comm_hidden`), `dp`, `microbatches`, the `training_memory`
    /// record (`memory`), `memory_per_gpu`, `fits`,
    /// and with `tokens` the run's `days`, `gpu_hours` (and `usd` with
    /// `usd_per_hour`). Efficiencies come from the hardware generation's
    /// calibrated constants (`perf_model`); how close it comes to
    /// published runs is in docs/performance.md.
    ///
    /// ```rhai
    /// training_step("llama3-405b", #{hardware: "H100", gpus: 16384, tp: 8, pp: 16, vpp: 8, global_batch: 2048, seq_len: 8192}).tflops_per_gpu_causal   // 405 (Llama 3 Table 4: 400)
    /// ```
    #[rhai_fn(return_raw)]
    pub fn training_step(
        ctx: NativeCallContext,
        model: Dynamic,
        options: Map,
    ) -> ScriptResult<Dynamic> {
        let o: StepOptions = options::read(&ctx, &options)?;
        let t = lift(&ctx, model_arg(&ctx, &model)?.shape("training_step"))?;
        crate::convert::to_script_record(&ctx, &lift(&ctx, performance::training_step(&t, &o))?)
    }

    /// The fastest layouts of a training run that fit memory, fastest
    /// first: `plan_training(model, #{hardware, gpus, global_batch (or
    /// tokens_per_batch), seq_len, tokens, top: 10})`. Searches tensor
    /// parallelism within a node, pipeline depth and interleaving, context
    /// and expert parallelism, micro-batch, ZeRO 1 or 3 and recomputation,
    /// in parallel; other options (precision, attention, ...) apply to
    /// every layout. A Table: the layout, `step_seconds`, `mfu`,
    /// `tokens_per_second`, `memory_gb` and, with `tokens`, `days`.
    ///
    /// ```rhai
    /// plan_training("llama3-70b", #{hardware: "H100", gpus: 512, global_batch: 512, seq_len: 8192, top: 3}).len()   // 3
    /// ```
    #[rhai_fn(return_raw)]
    pub fn plan_training(
        ctx: NativeCallContext,
        model: Dynamic,
        options: Map,
    ) -> ScriptResult<Table> {
        let o: PlanOptions = options::read(&ctx, &options)?;
        let t = lift(&ctx, model_arg(&ctx, &model)?.shape("plan_training"))?;
        let st = state(&ctx);
        let budget = |n: usize| st.budget.charge_elements(n, work::LAYOUT);
        let found = lift(&ctx, performance::plan_training(&t, &o, &budget))?;
        let tokens = o.run.tokens.map(|t| t.get());
        let rows: Vec<Vec<(String, Cell)>> = found
            .layouts
            .iter()
            .map(|p| {
                let l = &p.layout;
                let mut row = vec![
                    ("tp".to_string(), Cell::Num(l.tp)),
                    ("pp".to_string(), Cell::Num(l.pp)),
                    ("vpp".to_string(), Cell::Num(l.vpp)),
                    ("cp".to_string(), Cell::Num(l.cp)),
                    ("ep".to_string(), Cell::Num(l.ep)),
                    ("dp".to_string(), Cell::Num(l.dp())),
                    ("micro_batch".to_string(), Cell::Num(l.micro_batch)),
                    ("zero".to_string(), Cell::Num(l.zero as f64)),
                    (
                        "recompute".to_string(),
                        Cell::Text(format!("{:?}", l.recompute).to_lowercase()),
                    ),
                    ("step_seconds".to_string(), Cell::Num(p.time.step_seconds)),
                    ("mfu".to_string(), Cell::Num(p.time.mfu)),
                    (
                        "tokens_per_second".to_string(),
                        Cell::Num(p.time.tokens_per_second),
                    ),
                    ("memory_gb".to_string(), Cell::Num(p.memory_per_gpu / 1e9)),
                ];
                if let Some(tokens) = tokens {
                    row.push((
                        "days".to_string(),
                        Cell::Num(tokens / p.time.tokens_per_second / 86_400.0),
                    ));
                }
                row
            })
            .collect();
        lift(&ctx, Table::from_rows(&rows))
    }

    /// The efficiency constants of every accelerator generation as a
    /// Table: what fraction of their peaks matrix multiplies, attention
    /// kernels, memory-bound kernels and links reach, fixed overheads,
    /// whether calibrated, and the sources.
    #[rhai_fn(name = "perf_model")]
    pub fn perf_model_all() -> Table {
        super::constants_table(Constants::of, |c| (c.calibrated, c.source))
    }

    /// The efficiency constants of one generation ("hopper") or of an
    /// accelerator's generation ("H100"), as a map to change and pass as
    /// `constants:` to `training_step`, `plan_training` or `calibrate`.
    ///
    /// ```rhai
    /// perf_model("A100").matmul_efficiency   // 0.765 (fitted to Korthikanti et al. 2022 Table 5)
    /// ```
    #[rhai_fn(name = "perf_model", return_raw)]
    pub fn perf_model(ctx: NativeCallContext, name: &str) -> ScriptResult<Dynamic> {
        let generation = super::generation_named(&ctx, name)?;
        to_script(&ctx, &Constants::of(generation))
    }

    /// The published training runs the model is checked against, with its
    /// predictions: a Table of `name`, `split` ("fit": the constants were
    /// fitted to it; "held_out": it judges them), `metric`, `measured`,
    /// `predicted`, `error` (as step time: +0.05 is 5% slow) and `source`.
    #[rhai_fn(return_raw)]
    pub fn training_runs(ctx: NativeCallContext) -> ScriptResult<Table> {
        let mut rows = Vec::new();
        for r in published() {
            let c = r.default_constants();
            let run = lift(&ctx, r.measurement())?;
            let predicted = lift(&ctx, run.predict(&c))?;
            let error = run.error_of(predicted);
            rows.push(vec![
                ("name".to_string(), Cell::Text(r.name.clone())),
                (
                    "split".to_string(),
                    Cell::Text(match r.split {
                        performance::runs::Split::Fit => "fit".into(),
                        performance::runs::Split::HeldOut => "held_out".into(),
                        performance::runs::Split::Goodput => "goodput".into(),
                    }),
                ),
                (
                    "metric".to_string(),
                    Cell::Text(
                        serde_json::to_value(r.measured.metric)
                            .map(|v| v.as_str().unwrap_or("").to_string())
                            .unwrap_or_default(),
                    ),
                ),
                ("measured".to_string(), Cell::Num(r.measured.value)),
                ("predicted".to_string(), Cell::Num(predicted)),
                ("error".to_string(), Cell::Num(error)),
                ("source".to_string(), Cell::Text(r.source.clone())),
            ]);
        }
        lift(&ctx, Table::from_rows(&rows))
    }

    /// Fit efficiency constants to your own measured runs: `calibrate(runs,
    /// #{fit: ["matmul_efficiency", "memory_efficiency"]})`, each run a map
    /// of `model`, the options of `training_step` and one measurement
    /// (`step_seconds`, `tflops_per_gpu`, `tflops_per_gpu_causal`, `mfu` or
    /// `mfu_causal`); or, to fit the serving model (`serving_model()`
    /// lists its constants), each run the options of `serving` with one
    /// batch and one measurement (`output_tokens_per_second_per_gpu`,
    /// `ttft_seconds`, `decode_step_seconds` or
    /// `tokens_per_second_per_user`). Minimises the squared log error of
    /// time (throughputs inverted; Nelder-Mead); gives `constants` (pass
    /// them as `constants:`), `mean_abs_error`, `max_abs_error` and each
    /// run's `errors`. Keep some runs out of the fit to judge it.
    ///
    /// ```rhai
    /// calibrate([#{model: "llama3-8b", hardware: "H100", gpus: 8, global_batch: 8, seq_len: 8192, step_seconds: 1.6}], #{fit: ["matmul_efficiency"]}).mean_abs_error < 0.01   // true
    /// ```
    #[rhai_fn(return_raw)]
    pub fn calibrate(ctx: NativeCallContext, runs: Array, options: Map) -> ScriptResult<Dynamic> {
        let o: CalibrateOptions = options::read(&ctx, &options)?;
        if runs.is_empty() {
            return Err(fail(&ctx, "runs must hold at least one measured run"));
        }
        lift(
            &ctx,
            state(&ctx)
                .budget
                .charge_elements(runs.len(), work::CALIBRATION_PER_RUN),
        )?;
        match super::runs_of(&ctx, &runs)? {
            super::Runs::Training(runs) => {
                let base = match o.constants {
                    None => runs[0].options.constants(),
                    Some(StartConstants::Training(c)) => c,
                    Some(StartConstants::Serving(_)) => {
                        return Err(fail(
                            &ctx,
                            "option constants: serving constants given for training runs (use perf_model(name))",
                        ))
                    }
                };
                to_script(
                    &ctx,
                    &lift(&ctx, performance::calibrate(&runs, &base, &o.fit))?,
                )
            }
            super::Runs::Serving(runs) => {
                let base = match o.constants {
                    None => runs[0].setup.constants.clone(),
                    Some(StartConstants::Serving(c)) => c,
                    Some(StartConstants::Training(_)) => {
                        return Err(fail(
                            &ctx,
                            "option constants: training constants given for serving measurements (use serving_model(name))",
                        ))
                    }
                };
                to_script(
                    &ctx,
                    &lift(&ctx, performance::calibrate(&runs, &base, &o.fit))?,
                )
            }
        }
    }
}
