//! Compute units and wall-clock time in scripts.

use rhai::plugin::*;

/// A described accelerator, every figure checked, as a script map.
fn describe(ctx: &NativeCallContext, figures: &rhai::Map) -> crate::args::ScriptResult<Dynamic> {
    let spec: scaling_lab_core::hardware::AcceleratorSpec = crate::options::read(ctx, figures)?;
    crate::convert::to_script(ctx, &crate::args::lift(ctx, spec.build())?)
}

#[export_module]
pub mod api {
    use rhai::{Dynamic, Map, NativeCallContext, FLOAT};

    use crate::architecture::model_arg;
    use crate::args::{self, lift, map1, ScriptResult};
    use crate::convert::{record_result, to_script};
    use crate::options;
    use scaling_lab_core::budget::work;
    use scaling_lab_core::cost;
    use scaling_lab_core::hardware::{
        self, peak_of, Accelerator, BudgetOptions, MfuOptions, TrainCostOptions,
    };
    use scaling_lab_core::table::Cell;

    /// Wall-clock time to spend `pf_days` PF-days on a machine sustaining
    /// `machine_pflops` PFLOP/s: `#{days, weeks, months, years}`.
    ///
    /// days = pf_days / machine_pflops; weeks of 7 days, months of 30.4375
    /// days and Julian years of 365.25 days (the second seed divided months
    /// by 52 for years; see docs/errata.md). An array of costs gives a Table.
    ///
    /// ```rhai
    /// pf_days_to_time(387136.358689, 20000).days   // 19.356818 (20 EF machine)
    /// ```
    #[rhai_fn(return_raw)]
    pub fn pf_days_to_time(
        ctx: NativeCallContext,
        pf_days: Dynamic,
        machine_pflops: Dynamic,
    ) -> ScriptResult<Dynamic> {
        let machine = args::number(&ctx, "machine_pflops", &machine_pflops)?;
        record_result(&ctx, "pf_days", &pf_days, work::SIMPLE, |c| {
            cost::pf_days_to_time(c, machine)
        })
    }

    /// Wall-clock time to spend `flops` at `flops_per_second` sustained: `#{days, weeks, months, years}`.
    ///
    /// ```rhai
    /// flops_to_time(3.15e23, 8 * 312e12 * 0.4).days
    /// ```
    #[rhai_fn(return_raw)]
    pub fn flops_to_time(
        ctx: NativeCallContext,
        flops: Dynamic,
        flops_per_second: Dynamic,
    ) -> ScriptResult<Dynamic> {
        let rate = args::number(&ctx, "flops_per_second", &flops_per_second)?;
        record_result(&ctx, "flops", &flops, work::SIMPLE, |c| {
            cost::flops_to_time(c, rate)
        })
    }

    /// PF-days to FLOPs (1 PF-day = 1e15 FLOP/s x 86,400 s = 8.64e19 FLOPs).
    ///
    /// ```rhai
    /// pf_days_to_flops(1)   // 8.64e19
    /// ```
    #[rhai_fn(return_raw)]
    pub fn pf_days_to_flops(ctx: NativeCallContext, pf_days: Dynamic) -> ScriptResult<Dynamic> {
        map1(&ctx, "pf_days", &pf_days, cost::pf_days_to_flops)
    }

    /// FLOPs to PF-days (divide by 8.64e19).
    ///
    /// ```rhai
    /// flops_to_pf_days(5.76e23)   // 6666.7
    /// ```
    #[rhai_fn(return_raw)]
    pub fn flops_to_pf_days(ctx: NativeCallContext, flops: Dynamic) -> ScriptResult<Dynamic> {
        map1(&ctx, "flops", &flops, cost::flops_to_pf_days)
    }

    /// An accelerator's datasheet numbers and the node it usually comes in:
    /// `#{name, memory (bytes), bandwidth (bytes/s), interconnect (bytes/s
    /// per device, bidirectional), bf16, fp8, int8, fp4, tf32 (dense
    /// FLOP/s), watts, generation, gpus_per_node, intra_node_bandwidth,
    /// inter_node_bandwidth (bytes/s per device and direction), system,
    /// source}`; figures a vendor does not publish are absent. "H100" is the
    /// SXM board. Prices are yours to give (`usd_per_hour`). The map it
    /// returns (changed or not) is accepted wherever `hardware:` is.
    ///
    /// ```rhai
    /// hardware("H100").memory   // 8.0e10 bytes (the SXM board)
    /// ```
    #[rhai_fn(name = "hardware", return_raw)]
    pub fn hardware(ctx: NativeCallContext, name: &str) -> ScriptResult<Dynamic> {
        to_script(&ctx, &lift(&ctx, Accelerator::by_name(name))?)
    }

    /// A catalog board with some figures changed: `hardware("H100",
    /// #{name: "H100 on 200 Gb/s", inter_node_bandwidth: 25e9})`. The
    /// changes are checked like a described board's.
    ///
    /// ```rhai
    /// hardware("H100", #{inter_node_bandwidth: 25e9}).inter_node_bandwidth   // 2.5e10
    /// ```
    #[rhai_fn(name = "hardware", return_raw)]
    pub fn hardware_changed(
        ctx: NativeCallContext,
        name: &str,
        changes: Map,
    ) -> ScriptResult<Dynamic> {
        let base = to_script(&ctx, &lift(&ctx, Accelerator::by_name(name))?)?;
        let mut map = base.cast::<Map>();
        for (k, v) in changes {
            map.insert(k, v);
        }
        super::describe(&ctx, &map)
    }

    /// An accelerator the catalog does not have, described by its figures:
    /// `hardware(#{name, memory, bandwidth, bf16})` and optionally
    /// `interconnect`, `fp8`, `int8`, `fp4`, `tf32`, `watts`, `generation`
    /// (whose calibrated efficiencies apply; "hopper" when absent),
    /// `gpus_per_node` (8), `intra_node_bandwidth` (half of `interconnect`),
    /// `inter_node_bandwidth` (50 GB/s), `system`, `source`.
    ///
    /// ```rhai
    /// hardware(#{name: "X1", memory: 96e9, bandwidth: 4e12, bf16: 1.2e15}).gpus_per_node   // 8
    /// ```
    #[rhai_fn(name = "hardware", return_raw)]
    pub fn hardware_described(ctx: NativeCallContext, figures: Map) -> ScriptResult<Dynamic> {
        super::describe(&ctx, &figures)
    }

    /// The accelerator catalog as a Table: memory (GB), bandwidth (TB/s),
    /// interconnect (GB/s), dense TFLOP/s by precision, watts, the usual
    /// node (accelerators, GB/s per accelerator and direction inside and
    /// out of it), generation, source.
    #[rhai_fn(name = "hardware")]
    pub fn hardware_all() -> scaling_lab_core::table::Table {
        // Missing figures read "n/a", never 0 or NaN.
        let opt = |v: Option<f64>, scale: f64, digits: usize| {
            Cell::Text(v.map_or("n/a".into(), |v| format!("{:.*}", digits, v / scale)))
        };
        let rows: Vec<Vec<(String, Cell)>> = hardware::CATALOG
            .iter()
            .map(|a| {
                vec![
                    ("name".to_string(), Cell::Text(a.name.to_string())),
                    (
                        "memory GB".to_string(),
                        Cell::Num((a.memory / 1e9 * 10.0).round() / 10.0),
                    ),
                    ("bandwidth TB/s".to_string(), Cell::Num(a.bandwidth / 1e12)),
                    ("interconnect GB/s".to_string(), opt(a.interconnect, 1e9, 0)),
                    ("bf16 TFLOP/s".to_string(), Cell::Num(a.bf16 / 1e12)),
                    ("fp8 TFLOP/s".to_string(), opt(a.fp8, 1e12, 1)),
                    ("int8 TOP/s".to_string(), opt(a.int8, 1e12, 1)),
                    ("watts".to_string(), opt(a.watts, 1.0, 0)),
                    ("gpus/node".to_string(), Cell::Num(a.gpus_per_node)),
                    (
                        "intra GB/s".to_string(),
                        Cell::Num(a.intra_node_bandwidth / 1e9),
                    ),
                    (
                        "inter GB/s".to_string(),
                        Cell::Num(a.inter_node_bandwidth / 1e9),
                    ),
                    (
                        "generation".to_string(),
                        Cell::Text(a.generation.name().into()),
                    ),
                    ("source".to_string(), Cell::Text(a.source.to_string())),
                ]
            })
            .collect();
        scaling_lab_core::table::Table::from_rows(&rows).expect("catalog rows are uniform")
    }

    /// Time, accelerator-hours, dollars and energy of a training run:
    /// `train_cost(#{flops, hardware: "H100", count: 1024, mfu: 0.4, usd_per_hour: 2.5})`.
    /// Options: `flops` (or `law` and `C` for the compute-optimal run of a
    /// budget, or `N` and `D` for 6ND, or `model` and `tokens` with an
    /// optional FLOP `convention`), `hardware` (or `peak_flops`),
    /// `precision` ("bf16", "fp8", "int8", "fp4", "tf32"), `count` (1), `mfu` (in (0, 1]),
    /// `usd_per_hour` (per accelerator), `watts` (overrides the datasheet).
    /// The seed's "20 EF machine" is `#{peak_flops: 20e18, mfu: 1}`.
    /// Instead of `mfu`, a `layout` (the options of `training_step`:
    /// `#{tp: 8, pp: 4, global_batch: 512, seq_len: 8192}`) with `model`
    /// predicts it; the result then gives the `mfu`, `step_seconds` and
    /// `tokens_per_second` predicted, and `mfu_predicted: true`.
    ///
    /// ```rhai
    /// train_cost(#{N: 124337664, D: 300e9, hardware: "A100", count: 8, mfu: 0.3}).days   // 3.46
    /// ```
    #[rhai_fn(return_raw)]
    pub fn train_cost(ctx: NativeCallContext, options: Map) -> ScriptResult<Dynamic> {
        let o: TrainCostOptions = options::read(&ctx, &options)?;
        let (cluster, predicted) =
            lift(&ctx, o.cluster.cluster_for(o.model.as_ref(), o.convention))?;
        #[derive(serde::Serialize)]
        struct Cost {
            #[serde(flatten)]
            cost: scaling_lab_core::hardware::TrainCost,
            #[serde(flatten, skip_serializing_if = "Option::is_none")]
            predicted: Option<scaling_lab_core::hardware::PredictedMfu>,
        }
        let cost = lift(&ctx, cluster.cost(lift(&ctx, o.flops())?))?;
        to_script(&ctx, &Cost { cost, predicted })
    }

    /// Compute-optimal allocation when the budget is money or time:
    /// `optimal_for_budget(law("chinchilla"), #{usd: 1e6, hardware: "H100", count: 256, mfu: 0.4, usd_per_hour: 2.5})`
    /// (or `days` instead of `usd`). Returns the allocation merged with its
    /// cost. Instead of `mfu`, a `layout` with a `model` predicts the MFU
    /// (of that model's shape, used for the whole budget) and says so.
    #[rhai_fn(return_raw)]
    pub fn optimal_for_budget(
        ctx: NativeCallContext,
        law: scaling_lab_core::laws::Law,
        options: Map,
    ) -> ScriptResult<Dynamic> {
        let o: BudgetOptions = options::read(&ctx, &options)?;
        let (cluster, predicted) = lift(
            &ctx,
            o.cluster.cluster_for(
                o.model.as_ref(),
                scaling_lab_core::transformer::FlopConvention::Kaplan,
            ),
        )?;
        let c = lift(
            &ctx,
            cluster.flops_for(o.usd.map(|u| u.get()), o.days.map(|d| d.get())),
        )?;
        #[derive(serde::Serialize)]
        struct Plan {
            #[serde(flatten)]
            allocation: scaling_lab_core::allocation::Allocation,
            #[serde(flatten)]
            cost: scaling_lab_core::hardware::TrainCost,
            #[serde(flatten, skip_serializing_if = "Option::is_none")]
            predicted: Option<scaling_lab_core::hardware::PredictedMfu>,
        }
        let allocation = lift(&ctx, law.optimal(c))?;
        let cost = lift(&ctx, cluster.cost(allocation.c))?;
        to_script(
            &ctx,
            &Plan {
                allocation,
                cost,
                predicted,
            },
        )
    }

    /// Model FLOPs utilisation: `mfu(model, #{tokens_per_second, hardware,
    /// count, convention, precision})` = tokens/s x training FLOPs per
    /// token / (count x peak). `convention` is "palm" (the default: PaLM
    /// Appendix B / nanoGPT's `estimate_mfu`, the count published MFUs use),
    /// "kaplan" (17% lower for Llama 3 8B at 8K context) or "chinchilla"; the
    /// peak is the hardware's dense figure at `precision` ("bf16"), or
    /// `peak_flops`. `tokens_per_second` (the whole job's) may be a vector.
    ///
    /// ```rhai
    /// mfu("gpt2", #{tokens_per_second: 1.0e5, peak_flops: 312e12})   // 0.274 (PaLM's count)
    /// ```
    #[rhai_fn(return_raw)]
    pub fn mfu(ctx: NativeCallContext, model: Dynamic, options: Map) -> ScriptResult<Dynamic> {
        let o: MfuOptions = options::read(&ctx, &options)?;
        let per_token = lift(&ctx, model_arg(&ctx, &model)?.flops_per_token(o.convention))?;
        let (peak, _) = lift(
            &ctx,
            peak_of(o.hardware.as_ref(), o.peak_flops, o.precision),
        )?;
        let count = o.count.get();
        let tps = crate::convert::numbers_value(&o.tokens_per_second);
        let tps = &tps;
        map1(&ctx, "tokens_per_second", tps, |t| {
            let t = scaling_lab_core::error::check::positive("tokens_per_second", t)?;
            let u = t * per_token / (count * peak);
            if u > 1.0 {
                return Err(scaling_lab_core::Error::InvalidArgument {
                    arg: "tokens_per_second".into(),
                    expected: "at most the hardware's peak (MFU <= 1)",
                    value: format!("{t} tokens/s, MFU {u:.3}"),
                });
            }
            Ok(u)
        })
    }

    /// FLOPs in one PF-day: 8.64e19.
    #[rhai_fn(name = "PF_DAY")]
    pub fn pf_day() -> FLOAT {
        cost::FLOPS_PER_PF_DAY
    }
}
