//! Transformer shapes and sweeps in scripts.

use rhai::plugin::*;

use rhai::{Dynamic, NativeCallContext};

use crate::script::args::{lift, ScriptResult};
use crate::transformer::Transformer;

fn transformer_map(ctx: &NativeCallContext, t: &Transformer) -> ScriptResult<Dynamic> {
    #[derive(serde::Serialize)]
    struct Summary {
        #[serde(flatten)]
        counts: crate::transformer::Counts,
        train_flops_per_token: f64,
        hoffmann_flops_per_token: f64,
    }
    let s = Summary {
        counts: lift(ctx, t.counts())?,
        train_flops_per_token: lift(ctx, t.train_flops_per_token(false))?,
        hoffmann_flops_per_token: lift(ctx, t.hoffmann_flops_per_token())?,
    };
    crate::script::convert::to_script(ctx, &s)
}

#[export_module]
pub mod api {
    use rhai::{Dynamic, Map, NativeCallContext};

    use crate::architecture::{self, SweepOptions};
    use crate::script::args::{self, fail, lift, ScriptResult};
    use crate::transformer::{Norm, Transformer};

    use super::transformer_map;

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

    /// Parameters and training FLOPs of a well-known model: `"gpt3-175b"`,
    /// `"llama2-7b"`, `"llama2-70b"`, `"chinchilla-70b"`. See `transformer(#{...})`.
    ///
    /// ```rhai
    /// transformer("llama2-7b").total   // 6738415616
    /// ```
    #[rhai_fn(name = "transformer", return_raw)]
    pub fn transformer_preset(ctx: NativeCallContext, name: &str) -> ScriptResult<Dynamic> {
        let t = lift(&ctx, Transformer::preset(name))?;
        transformer_map(&ctx, &t)
    }

    /// Exact parameter counts and training FLOPs per token of a shape:
    /// `d_model`, `n_layer`, `n_heads`, `n_kv_heads` (GQA/MQA; default
    /// n_heads), `head_dim` (d_model / n_heads), `d_ff` (4 d_model), `gated`
    /// (SwiGLU, false), `vocab` (32000), `tied` (false), `seq_len` (2048),
    /// `learned_positions` (false), `relative_positions` (Transformer-XL
    /// style, as Gopher and Chinchilla; false), `bias` (false), `norm`
    /// ("rms" or "layer"), `n_experts` (1), `top_k` (1); or `preset` plus
    /// overrides. Returns `embedding`, `attention`, `ffn`, `norms`, `total`,
    /// `non_embedding` (the N of the laws), `active_non_embedding` (MoE),
    /// `train_flops_per_token` (3 x (2 N_active + 2 n_layer n_ctx d_attn),
    /// Kaplan et al. 2020 §2.1) and `hoffmann_flops_per_token` (Hoffmann et
    /// al. 2022 Appendix F, which reproduces their Table A4).
    ///
    /// ```rhai
    /// transformer(#{preset: "llama2-7b", n_experts: 8, top_k: 2}).active_non_embedding   // 1.08e10
    /// ```
    #[rhai_fn(name = "transformer", return_raw)]
    pub fn transformer_shape(ctx: NativeCallContext, options: Map) -> ScriptResult<Dynamic> {
        let known = [
            "preset",
            "d_model",
            "n_layer",
            "n_heads",
            "n_kv_heads",
            "head_dim",
            "d_ff",
            "gated",
            "vocab",
            "tied",
            "seq_len",
            "learned_positions",
            "relative_positions",
            "bias",
            "norm",
            "n_experts",
            "top_k",
        ];
        args::options(&ctx, &options, &known)?;
        let mut t = match options.get("preset") {
            Some(p) => lift(&ctx, Transformer::preset(&p.to_string()))?,
            None => {
                let d = options
                    .get("d_model")
                    .ok_or_else(|| fail(&ctx, "d_model is required (or a preset)"))?;
                let d = args::number(&ctx, "d_model", d)?;
                let l = options
                    .get("n_layer")
                    .ok_or_else(|| fail(&ctx, "n_layer is required (or a preset)"))?;
                let h = options
                    .get("n_heads")
                    .ok_or_else(|| fail(&ctx, "n_heads is required (or a preset)"))?;
                let h = args::number(&ctx, "n_heads", h)?;
                Transformer::new(d, args::number(&ctx, "n_layer", l)?, h)
            }
        };
        for (k, v) in options.iter() {
            let num = || args::number(&ctx, k, v);
            let flag = || args::flag(&ctx, k, v);
            match k.as_str() {
                "preset" | "d_model" | "n_layer" | "n_heads" if !options.contains_key("preset") => {
                }
                "preset" => {}
                "d_model" => t.d_model = num()?,
                "n_layer" => t.n_layer = num()?,
                "n_heads" => t.n_heads = num()?,
                "n_kv_heads" => t.n_kv_heads = num()?,
                "head_dim" => t.head_dim = num()?,
                "d_ff" => t.d_ff = num()?,
                "gated" => t.gated = flag()?,
                "vocab" => t.vocab = num()?,
                "tied" => t.tied = flag()?,
                "seq_len" => t.seq_len = num()?,
                "learned_positions" => t.learned_positions = flag()?,
                "relative_positions" => t.relative_positions = flag()?,
                "bias" => t.bias = flag()?,
                "norm" => {
                    t.norm = match v.to_string().as_str() {
                        "rms" => Norm::Rms,
                        "layer" => Norm::Layer,
                        other => {
                            return Err(fail(
                                &ctx,
                                format!("norm must be \"rms\" or \"layer\", got '{other}'"),
                            ))
                        }
                    }
                }
                "n_experts" => t.n_experts = num()?,
                "top_k" => t.top_k = num()?,
                _ => unreachable!("options() rejected unknown keys"),
            }
        }
        transformer_map(&ctx, &t)
    }

    /// Shapes near a target non-embedding N at a chosen aspect ratio,
    /// closest first: options `aspect` (d_model / n_layer, 128), `head_dim`
    /// (128), `ff_mult` (4), `gated` (false), `multiple` (d_model rounding,
    /// 128), `count` (5). (The seed notebook's sweep is one family of shapes;
    /// this searches around one target.)
    ///
    /// ```rhai
    /// shape_search(6.476e9, #{ff_mult: 2.6875, gated: true})[0].d_model   // 4096
    /// ```
    #[rhai_fn(return_raw)]
    pub fn shape_search(
        ctx: NativeCallContext,
        n: Dynamic,
        options: Map,
    ) -> ScriptResult<crate::table::Table> {
        args::options(
            &ctx,
            &options,
            &[
                "aspect", "head_dim", "ff_mult", "gated", "multiple", "count",
            ],
        )?;
        let count = args::opt_whole(&ctx, &options, "count", 5)?;
        if !(1..=100).contains(&count) {
            return Err(fail(
                &ctx,
                format!("count must be from 1 to 100, got {count}"),
            ));
        }
        let gated = args::opt_flag(&ctx, &options, "gated", false)?;
        let s = architecture::ShapeSearch {
            target: args::number(&ctx, "N", &n)?,
            aspect: args::opt_number(&ctx, &options, "aspect", 128.0)?,
            head_dim: args::opt_number(&ctx, &options, "head_dim", 128.0)?,
            ff_mult: args::opt_number(&ctx, &options, "ff_mult", 4.0)?,
            gated,
            multiple: args::opt_number(&ctx, &options, "multiple", 128.0)?,
            count: count as usize,
        };
        lift(&ctx, architecture::shape_search(&s))
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
