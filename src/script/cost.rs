//! Compute units and wall-clock time in scripts.

use rhai::plugin::*;

#[export_module]
pub mod api {
    use rhai::{Dynamic, NativeCallContext, FLOAT};

    use crate::cost;
    use crate::script::args::{self, map1, ScriptResult};
    use crate::script::convert::record_result;

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
        record_result(&ctx, "pf_days", &pf_days, |c| {
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
        record_result(&ctx, "flops", &flops, |c| cost::flops_to_time(c, rate))
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

    /// FLOPs in one PF-day: 8.64e19.
    #[rhai_fn(name = "PF_DAY")]
    pub fn pf_day() -> FLOAT {
        cost::FLOPS_PER_PF_DAY
    }
}
