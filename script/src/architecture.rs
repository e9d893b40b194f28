//! Transformer shapes and sweeps in scripts: `transformer(...)` makes a
//! `Model` (a [`Transformer`]) whose counts and FLOPs read as properties.

use rhai::plugin::*;

use rhai::{Dynamic, NativeCallContext};

use crate::args::{self, fail, lift, ScriptResult};
use scaling_lab_core::transformer::{FlopConvention, Transformer};

/// A model argument: a shape, or a bare parameter count.
pub enum ModelArg {
    /// A preset or a `transformer(...)`.
    Shape(Transformer),
    /// A parameter count.
    Params(f64),
}

impl ModelArg {
    /// The shape, or an error saying `what` needs one.
    pub fn shape(self, ctx: &NativeCallContext, what: &str) -> ScriptResult<Transformer> {
        match self {
            ModelArg::Shape(t) => Ok(t),
            ModelArg::Params(_) => Err(fail(
                ctx,
                format!("{what} needs the model's shape: give a preset name (\"llama3-70b\") or a transformer(...), not a parameter count"),
            )),
        }
    }

    /// Training FLOPs per token under `conv`: a parameter count gives
    /// Kaplan's 6N; every other convention needs the shape.
    pub fn flops_per_token(
        self,
        ctx: &NativeCallContext,
        conv: FlopConvention,
    ) -> ScriptResult<f64> {
        match (self, conv) {
            (ModelArg::Params(n), FlopConvention::Kaplan) => Ok(6.0 * n),
            (m, _) => {
                let t = m.shape(ctx, "this FLOP convention")?;
                lift(ctx, t.flops_per_token(conv))
            }
        }
    }
}

/// The `convention` option of a FLOP count (Kaplan's 6N when absent).
pub fn convention_option(
    ctx: &NativeCallContext,
    options: &rhai::Map,
) -> ScriptResult<FlopConvention> {
    match options.get("convention") {
        Some(v) => lift(
            ctx,
            FlopConvention::parse(&args::text(ctx, "convention", v)?),
        ),
        None => Ok(FlopConvention::Kaplan),
    }
}

/// Read a model argument: a preset name, a `transformer(...)` or a number
/// of parameters.
pub fn model_arg(ctx: &NativeCallContext, v: &Dynamic) -> ScriptResult<ModelArg> {
    if let Some(t) = v.read_lock::<Transformer>() {
        return Ok(ModelArg::Shape(t.clone()));
    }
    if v.is_string() {
        return Ok(ModelArg::Shape(lift(
            ctx,
            Transformer::preset(&v.to_string()),
        )?));
    }
    if let Some(n) = args::as_number(v) {
        let n = lift(
            ctx,
            scaling_lab_core::error::check::positive_at_most("model", n, 1e16),
        )?;
        return Ok(ModelArg::Params(n));
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
    use scaling_lab_core::architecture::{self, SweepOptions};
    use scaling_lab_core::transformer::{FlopConvention, Latent, Norm, Transformer};

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
    ) -> ScriptResult<scaling_lab_core::table::Table> {
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

    /// A well-known model's published shape as a `Model`: `"gpt2"`,
    /// `"gpt2-medium"`, `"gpt2-large"`, `"gpt2-xl"`, `"gpt3-175b"`,
    /// `"gopher-280b"`, `"chinchilla-70b"`, `"llama2-7b"`, `"llama2-70b"`,
    /// `"llama3-8b"`, `"llama3-70b"`, `"llama3-405b"` (Llama 3.1),
    /// `"mistral-7b"`, `"mixtral-8x7b"`, `"deepseek-v3"`. Its properties:
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

    /// A `Model` of any shape: `d_model`, `n_layer`, `n_heads`,
    /// `n_kv_heads` (GQA/MQA; default n_heads), `head_dim` (d_model /
    /// n_heads), `d_ff` (4 d_model), `gated` (SwiGLU, false), `vocab`
    /// (32000), `tied` (false), `seq_len` (2048), `learned_positions`
    /// (false), `relative_positions` (Transformer-XL style, as Gopher and
    /// Chinchilla; false), `bias` (false), `norm` ("rms" or "layer");
    /// mixtures of experts: `n_experts` (1), `top_k` (1),
    /// `n_shared_experts` (0), `d_ff_expert` (d_ff), `dense_layers`
    /// (leading dense layers, 0); latent attention (DeepSeek's MLA):
    /// `kv_lora_rank`, `q_lora_rank`, `rope_head_dim`, `v_head_dim`; or
    /// `preset` plus overrides. Counts are exact: every matrix, bias and
    /// norm. `hoffmann_flops_per_token` is Hoffmann et al. 2022 Appendix F
    /// (which reproduces their Table A4).
    ///
    /// ```rhai
    /// transformer(#{preset: "llama2-7b", n_experts: 8, top_k: 2}).active_non_embedding   // 1.08e10
    /// ```
    #[rhai_fn(name = "transformer", return_raw)]
    pub fn transformer_shape(ctx: NativeCallContext, options: Map) -> ScriptResult<Transformer> {
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
            "n_shared_experts",
            "d_ff_expert",
            "dense_layers",
            "kv_lora_rank",
            "q_lora_rank",
            "rope_head_dim",
            "v_head_dim",
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
                "n_shared_experts" => t.n_shared_experts = num()?,
                "d_ff_expert" => t.d_ff_expert = Some(num()?),
                "dense_layers" => t.dense_layers = num()?,
                "kv_lora_rank" | "q_lora_rank" | "rope_head_dim" | "v_head_dim" => {
                    let mut l = t.latent.unwrap_or(Latent {
                        q_rank: None,
                        kv_rank: 512.0,
                        rope_dim: 64.0,
                        v_head_dim: t.head_dim,
                    });
                    match k.as_str() {
                        "kv_lora_rank" => l.kv_rank = num()?,
                        "q_lora_rank" => l.q_rank = Some(num()?),
                        "rope_head_dim" => l.rope_dim = num()?,
                        _ => l.v_head_dim = num()?,
                    }
                    t.latent = Some(l);
                }
                _ => unreachable!("options() rejected unknown keys"),
            }
        }
        if !options.contains_key("preset") {
            t.name = "custom".into();
        } else if options.len() > 1 {
            t.name = format!("{} (modified)", t.name);
        }
        lift(&ctx, t.counts())?;
        Ok(t)
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
        super::model_arg(&ctx, &model)?.flops_per_token(&ctx, conv)
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
    ) -> ScriptResult<scaling_lab_core::table::Table> {
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
