//! Transformer shapes and sweeps in scripts.

use rhai::plugin::*;

#[export_module]
pub mod api {
    use rhai::{Dynamic, Map, NativeCallContext};

    use crate::architecture::{self, SweepOptions};
    use crate::script::args::{self, lift, ScriptResult};

    /// The second seed's width sweep with its ratios: d_model from 8192, x1.1
    /// per row, n_layer = floor(d_model/100), d_attn = floor(d_model/75),
    /// d_ff = 10 d_model, n_heads = floor(d_model/20),
    /// N = 2 d_model n_layer (2 d_attn + d_ff) (Kaplan et al. 2020 eq. 2.1),
    /// stopping after the first row with N > 1e14. Returns a Table with
    /// columns d_model, n_layer, d_attn, d_ff, n_heads, N, N (T).
    ///
    /// ```rhai
    /// let sweep = arch_sweep();
    /// sweep.len()   // 25
    /// ```
    #[rhai_fn(return_raw)]
    pub fn arch_sweep(ctx: NativeCallContext) -> ScriptResult<crate::table::Table> {
        let rows = lift(&ctx, architecture::sweep(&SweepOptions::default()))?;
        Ok(architecture::sweep_table(&rows))
    }

    /// The width sweep with options (any subset): `d_model` (start, 8192),
    /// `growth` (1.1), `layer_ratio` (100), `attn_ratio` (75), `ff_mult` (10),
    /// `head_ratio` (20), `max_params` (1e14).
    ///
    /// ```rhai
    /// arch_sweep(#{d_model: 4096, max_params: 1e12, ff_mult: 4})
    /// ```
    #[rhai_fn(name = "arch_sweep", return_raw)]
    pub fn arch_sweep_with(
        ctx: NativeCallContext,
        options: Map,
    ) -> ScriptResult<crate::table::Table> {
        let known = [
            "d_model",
            "growth",
            "layer_ratio",
            "attn_ratio",
            "ff_mult",
            "head_ratio",
            "max_params",
        ];
        args::options(&ctx, &options, &known)?;
        let d = SweepOptions::default();
        let o = SweepOptions {
            d_model: args::opt_number(&ctx, &options, "d_model", d.d_model)?,
            growth: args::opt_number(&ctx, &options, "growth", d.growth)?,
            layer_ratio: args::opt_number(&ctx, &options, "layer_ratio", d.layer_ratio)?,
            attn_ratio: args::opt_number(&ctx, &options, "attn_ratio", d.attn_ratio)?,
            ff_mult: args::opt_number(&ctx, &options, "ff_mult", d.ff_mult)?,
            head_ratio: args::opt_number(&ctx, &options, "head_ratio", d.head_ratio)?,
            max_params: args::opt_number(&ctx, &options, "max_params", d.max_params)?,
            max_rows: d.max_rows,
        };
        let rows = lift(&ctx, architecture::sweep(&o))?;
        Ok(architecture::sweep_table(&rows))
    }

    /// Non-embedding parameters N = 2 d_model n_layer (2 d_attn + d_ff)
    /// (Kaplan et al. 2020 eq. 2.1); with d_attn = d_model and d_ff = 4 d_model
    /// this is 12 n_layer d_model^2.
    ///
    /// ```rhai
    /// non_embedding_params(8192, 80, 8192, 32768)   // 6.44e10 (Chinchilla 70B's shape)
    /// ```
    #[rhai_fn(return_raw)]
    pub fn non_embedding_params(
        ctx: NativeCallContext,
        d_model: Dynamic,
        n_layer: Dynamic,
        d_attn: Dynamic,
        d_ff: Dynamic,
    ) -> ScriptResult<rhai::FLOAT> {
        let n = |a: &str, v: &Dynamic| args::number(&ctx, a, v);
        lift(
            &ctx,
            architecture::non_embedding_params(
                n("d_model", &d_model)?,
                n("n_layer", &n_layer)?,
                n("d_attn", &d_attn)?,
                n("d_ff", &d_ff)?,
            ),
        )
    }
}
