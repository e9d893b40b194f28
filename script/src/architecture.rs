//! Transformer shapes and sweeps in scripts: `transformer(...)` makes a
//! `Model` (a [`Transformer`]) whose counts and FLOPs read as properties.

use rhai::plugin::*;

use rhai::{Dynamic, NativeCallContext};

use crate::args::{self, fail, lift, ScriptResult};
use scaling_lab_core::transformer::{ModelRef, Transformer};

/// Read a model argument: a preset name, a `transformer(...)` or a number
/// of parameters.
pub fn model_arg(ctx: &NativeCallContext, v: &Dynamic) -> ScriptResult<ModelRef> {
    if let Some(t) = v.read_lock::<Transformer>() {
        return Ok(ModelRef::Shape(t.clone()));
    }
    if v.is_string() {
        return lift(ctx, ModelRef::preset(&v.to_string()));
    }
    if let Some(n) = args::as_number(v) {
        return lift(ctx, ModelRef::params(n));
    }
    Err(fail(
        ctx,
        format!(
            "model must be a preset name, a transformer(...) or a parameter count, got {} ({})",
            args::type_name(v),
            args::shown(v)
        ),
    ))
}

#[export_module]
pub mod api {
    use rhai::{Dynamic, Map, NativeCallContext, FLOAT};

    use crate::args::{self, fail, lift, ScriptResult};
    use crate::options;
    use scaling_lab_core::architecture::{self, ShapeSearchOptions, SweepOptions};
    use scaling_lab_core::transformer::{FlopConvention, ShapeOptions, Transformer};

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
    pub fn arch_sweep(ctx: NativeCallContext) -> ScriptResult<scaling_lab_core::table::Table> {
        let rows = lift(&ctx, architecture::sweep(&SweepOptions::default()))?;
        Ok(architecture::sweep_table(&rows))
    }

    /// The width sweep with other ratios, start or end. The aspect ratio
    /// d_model / n_layer is `aspect`, as in `shape_search` (`layer_ratio`,
    /// its earlier name, is accepted too).
    ///
    /// ```rhai
    /// arch_sweep(#{d_model: 4096, max_params: 1e12, ff_mult: 4})
    /// arch_sweep(#{aspect: 128})[0].n_layer   // 64
    /// ```
    #[rhai_fn(name = "arch_sweep", return_raw)]
    pub fn arch_sweep_with(
        ctx: NativeCallContext,
        options: Map,
    ) -> ScriptResult<scaling_lab_core::table::Table> {
        let o: SweepOptions = options::read(&ctx, &options)?;
        let o = SweepOptions {
            max_rows: SweepOptions::default().max_rows,
            ..o
        };
        let rows = lift(&ctx, architecture::sweep(&o))?;
        Ok(architecture::sweep_table(&rows))
    }

    /// A well-known model's published shape as a `Model` (`"llama3-405b"`
    /// is Llama 3.1's). Its properties:
    /// `total`, `active` (per token, MoE), `non_embedding`,
    /// `active_non_embedding`, `embedding`, `attention`, `ffn`, `norms`,
    /// the shape (`d_model`, `n_layer`, `n_heads`, `n_kv_heads`,
    /// `head_dim`, `d_ff`, `vocab`, `seq_len`, `n_experts`, `top_k`, `name`)
    /// and `train_flops_per_token` (Kaplan's count); `flops_per_token(model,
    /// convention)` gives the others. `models()` lists the presets with
    /// their sources.
    ///
    /// ```rhai
    /// transformer("llama3-8b").total   // 8030261248
    /// ```
    #[rhai_fn(name = "transformer", return_raw)]
    pub fn transformer_preset(ctx: NativeCallContext, name: &str) -> ScriptResult<Transformer> {
        lift(&ctx, Transformer::preset(name))
    }

    /// A `Model` of any shape: `d_model`, `n_layer` and `n_heads` with
    /// defaults for the rest, or a `preset` plus overrides; grouped-query
    /// attention, mixtures of experts (shared experts, leading dense
    /// layers) and DeepSeek's latent attention. Counts are exact: every
    /// matrix, bias and norm. `hoffmann_flops_per_token` is Hoffmann et al. 2022 Appendix F
    /// (which reproduces their Table A4).
    ///
    /// ```rhai
    /// transformer(#{preset: "llama2-7b", n_experts: 8, top_k: 2}).active_non_embedding   // 1.08e10
    /// ```
    #[rhai_fn(name = "transformer", return_raw)]
    pub fn transformer_shape(ctx: NativeCallContext, options: Map) -> ScriptResult<Transformer> {
        let o: ShapeOptions = options::read(&ctx, &options)?;
        lift(&ctx, o.build())
    }

    /// A model's count, shape field or FLOPs by name; `m.total` reads the
    /// same way. Names: `total`, `active`, `non_embedding`,
    /// `active_non_embedding`, `embedding`, `attention`, `ffn`, `norms`,
    /// `train_flops_per_token`, `hoffmann_flops_per_token`,
    /// `flops_per_token` (a map by convention), and the shape's fields.
    ///
    /// ```rhai
    /// transformer("mixtral-8x7b")["active"]   // 1.288e10
    /// ```
    #[rhai_fn(index_get, return_raw)]
    pub fn model_get(
        ctx: NativeCallContext,
        m: &mut Transformer,
        name: &str,
    ) -> ScriptResult<Dynamic> {
        let json = crate::value::json(&Dynamic::from(m.clone()), crate::value::Cx::detached());
        let serde_json::Value::Object(mut fields) = json else {
            return Err(fail(&ctx, "this model's shape is invalid"));
        };
        match fields.remove(name) {
            Some(v) => Ok(crate::convert::from_json(
                v,
                &crate::state::state(&ctx).orders,
            )),
            None => {
                let known: Vec<&str> = fields.keys().map(String::as_str).collect();
                let near = crate::diagnostic::similar(name, known.iter().copied());
                let hint = if near.is_empty() {
                    format!("; known: {}", known.join(", "))
                } else {
                    format!("; did you mean {}?", near.join(" or "))
                };
                Err(fail(&ctx, format!("a Model has no '{name}'{hint}")))
            }
        }
    }

    /// The model presets as a Table: name, total and active parameters,
    /// layers, width, heads, KV heads, experts, context, and where each
    /// shape comes from (the doc of `transformer(name)` lists them).
    #[rhai_fn(return_raw)]
    pub fn models(ctx: NativeCallContext) -> ScriptResult<scaling_lab_core::table::Table> {
        use scaling_lab_core::table::Cell;
        let mut rows = Vec::new();
        for name in scaling_lab_core::transformer::PRESETS {
            let t = lift(&ctx, Transformer::preset(name))?;
            let c = lift(&ctx, t.counts())?;
            rows.push(vec![
                ("name".to_string(), Cell::Text((*name).into())),
                ("total".to_string(), Cell::Num(c.total)),
                ("active".to_string(), Cell::Num(c.active)),
                ("n_layer".to_string(), Cell::Num(t.n_layer)),
                ("d_model".to_string(), Cell::Num(t.d_model)),
                ("n_heads".to_string(), Cell::Num(t.n_heads)),
                ("n_kv_heads".to_string(), Cell::Num(t.n_kv_heads)),
                ("n_experts".to_string(), Cell::Num(t.n_experts)),
                ("seq_len".to_string(), Cell::Num(t.seq_len)),
            ]);
        }
        let mut t = lift(&ctx, scaling_lab_core::table::Table::from_rows(&rows))?;
        for col in ["total", "active"] {
            lift(
                &ctx,
                t.set_format(col, scaling_lab_core::table::NumFormat::Si),
            )?;
        }
        Ok(t)
    }

    /// Training FLOPs per token (forward and backward) of a model under a
    /// convention: `"kaplan"` (the default elsewhere: 6 N_active + 6
    /// n_layer n_ctx d_attn, Kaplan et al. 2020 §2.1), `"palm"` (PaLM
    /// Appendix B and nanoGPT's MFU: 6 N + 12 L H Q T, N including the
    /// output projection), or `"chinchilla"` (Hoffmann et al. 2022
    /// Appendix F as Table A4 counts it). A parameter count gives 6N under
    /// any convention that needs no shape (`"kaplan"` only).
    ///
    /// ```rhai
    /// flops_per_token("gpt2", "palm")   // 8.552e8 (nanoGPT's estimate_mfu)
    /// ```
    #[rhai_fn(return_raw)]
    pub fn flops_per_token(
        ctx: NativeCallContext,
        model: Dynamic,
        convention: &str,
    ) -> ScriptResult<FLOAT> {
        let conv = lift(&ctx, FlopConvention::parse(convention))?;
        lift(&ctx, super::model_arg(&ctx, &model)?.flops_per_token(conv))
    }

    /// Shapes near a target non-embedding N at a chosen aspect ratio
    /// (d_model / n_layer), closest first. (The seed notebook's sweep is
    /// one family of shapes; this searches around one target.)
    ///
    /// ```rhai
    /// shape_search(6.476e9, #{ff_mult: 2.6875, gated: true})[0].d_model   // 4096
    /// ```
    #[rhai_fn(return_raw)]
    pub fn shape_search(
        ctx: NativeCallContext,
        n: Dynamic,
        options: Map,
    ) -> ScriptResult<scaling_lab_core::table::Table> {
        let o: ShapeSearchOptions = options::read(&ctx, &options)?;
        let s = lift(&ctx, o.search(args::number(&ctx, "N", &n)?))?;
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
