//! `transformer(#{...})`: a shape from a preset with overrides, or from
//! d_model, n_layer and n_heads with the defaults of [`Transformer::new`].

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Latent, Norm, Transformer};
use crate::error::{Error, Result};
use crate::input::{Count, Whole};

/// A transformer's shape, every field optional: `preset` plus overrides,
/// or `d_model`, `n_layer` and `n_heads` with defaults for the rest.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ShapeOptions {
    /// A preset to start from (`models()` lists them).
    pub preset: Option<String>,
    /// Width.
    pub d_model: Option<Count>,
    /// Layers.
    pub n_layer: Option<Count>,
    /// Query heads.
    pub n_heads: Option<Count>,
    /// Key/value heads (grouped-query or multi-query attention); n_heads when absent.
    pub n_kv_heads: Option<Count>,
    /// Dimension per head; d_model / n_heads when absent.
    pub head_dim: Option<Count>,
    /// Feed-forward width; 4 d_model when absent.
    pub d_ff: Option<Count>,
    /// Gated feed-forward (SwiGLU: three matrices).
    pub gated: Option<bool>,
    /// Vocabulary (32,000 when absent).
    pub vocab: Option<Count>,
    /// Output projection tied to the input embedding.
    pub tied: Option<bool>,
    /// Context length (2,048 when absent).
    pub seq_len: Option<Count>,
    /// Learned absolute position embeddings (GPT-2/3).
    pub learned_positions: Option<bool>,
    /// Transformer-XL relative positions (Gopher, Chinchilla).
    pub relative_positions: Option<bool>,
    /// Biases in the linear layers.
    pub bias: Option<bool>,
    /// Normalisation layers.
    pub norm: Option<Norm>,
    /// Routed experts per mixture-of-experts layer (1 = dense).
    pub n_experts: Option<Count>,
    /// Routed experts per token.
    pub top_k: Option<Count>,
    /// Experts every token uses besides the routed ones (DeepSeekMoE).
    pub n_shared_experts: Option<Whole>,
    /// Feed-forward width of each expert; d_ff when absent.
    pub d_ff_expert: Option<Count>,
    /// Leading layers that stay dense in a mixture of experts.
    pub dense_layers: Option<Whole>,
    /// Multi-head latent attention: key/value compression rank (DeepSeek's kv_lora_rank; 512).
    pub kv_lora_rank: Option<Count>,
    /// Latent attention: query compression rank (full-rank queries when absent).
    pub q_lora_rank: Option<Count>,
    /// Latent attention: decoupled rotary width per head (64).
    pub rope_head_dim: Option<Whole>,
    /// Latent attention: value width per head (head_dim).
    pub v_head_dim: Option<Count>,
}

impl ShapeOptions {
    /// The shape, checked.
    pub fn build(&self) -> Result<Transformer> {
        let required = |v: Option<Count>, arg: &str| {
            v.map(Count::get).ok_or_else(|| Error::InvalidArgument {
                arg: arg.into(),
                expected: "given (or a preset)",
                value: "nothing".into(),
            })
        };
        let mut t = match &self.preset {
            Some(p) => Transformer::preset(p)?,
            None => {
                let d = required(self.d_model, "d_model")?;
                let h = required(self.n_heads, "n_heads")?;
                if self.head_dim.is_none() && (d / h).fract() != 0.0 {
                    return Err(Error::InvalidArgument {
                        arg: "n_heads".into(),
                        expected: "a divisor of d_model (or give head_dim)",
                        value: format!("{h} heads with d_model {d}"),
                    });
                }
                Transformer::new(d, required(self.n_layer, "n_layer")?, h)
            }
        };
        let set = |field: &mut f64, v: Option<Count>| {
            if let Some(v) = v {
                *field = v.get();
            }
        };
        if self.preset.is_some() {
            set(&mut t.d_model, self.d_model);
            set(&mut t.n_layer, self.n_layer);
            set(&mut t.n_heads, self.n_heads);
        }
        if self.n_heads.is_some() && self.n_kv_heads.is_none() && self.preset.is_none() {
            t.n_kv_heads = t.n_heads;
        }
        set(&mut t.n_kv_heads, self.n_kv_heads);
        set(&mut t.head_dim, self.head_dim);
        set(&mut t.d_ff, self.d_ff);
        set(&mut t.vocab, self.vocab);
        set(&mut t.seq_len, self.seq_len);
        set(&mut t.n_experts, self.n_experts);
        set(&mut t.top_k, self.top_k);
        for (field, v) in [
            (&mut t.gated, self.gated),
            (&mut t.tied, self.tied),
            (&mut t.learned_positions, self.learned_positions),
            (&mut t.relative_positions, self.relative_positions),
            (&mut t.bias, self.bias),
        ] {
            if let Some(v) = v {
                *field = v;
            }
        }
        if let Some(n) = self.norm {
            t.norm = n;
        }
        if let Some(v) = self.n_shared_experts {
            t.n_shared_experts = v.get();
        }
        if let Some(v) = self.dense_layers {
            t.dense_layers = v.get();
        }
        if let Some(v) = self.d_ff_expert {
            t.d_ff_expert = Some(v.get());
        }
        let latent_given = self.kv_lora_rank.is_some()
            || self.q_lora_rank.is_some()
            || self.rope_head_dim.is_some()
            || self.v_head_dim.is_some();
        if latent_given {
            let mut l = t.latent.unwrap_or(Latent {
                q_rank: None,
                kv_rank: 512.0,
                rope_dim: 64.0,
                v_head_dim: t.head_dim,
            });
            if let Some(v) = self.kv_lora_rank {
                l.kv_rank = v.get();
            }
            if let Some(v) = self.q_lora_rank {
                l.q_rank = Some(v.get());
            }
            if let Some(v) = self.rope_head_dim {
                l.rope_dim = v.get();
            }
            if let Some(v) = self.v_head_dim {
                l.v_head_dim = v.get();
            }
            t.latent = Some(l);
        }
        let overrides = serde_json::to_value(self)
            .ok()
            .and_then(|v| {
                v.as_object()
                    .map(|o| o.values().filter(|x| !x.is_null()).count())
            })
            .unwrap_or(0);
        if self.preset.is_none() {
            t.name = "custom".into();
        } else if overrides > 1 {
            t.name = format!("{} (modified)", t.name);
        }
        t.counts()?;
        Ok(t)
    }
}

/// A model as functions take it: a shape (a preset or `transformer(...)`)
/// or a bare parameter count.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ModelRef {
    /// A transformer's shape.
    Shape(Transformer),
    /// A parameter count.
    Params(f64),
}

/// Parameter counts past this are typos (and overflow further on).
pub const MAX_PARAMS: f64 = 1e16;

impl ModelRef {
    /// A preset by name.
    pub fn preset(name: &str) -> Result<ModelRef> {
        Transformer::preset(name).map(ModelRef::Shape)
    }

    /// A parameter count, checked.
    pub fn params(n: f64) -> Result<ModelRef> {
        crate::error::check::positive_at_most("model", n, MAX_PARAMS).map(ModelRef::Params)
    }

    /// The shape, or an error saying `what` needs one.
    pub fn shape(self, what: &str) -> Result<Transformer> {
        match self {
            ModelRef::Shape(t) => Ok(t),
            ModelRef::Params(_) => Err(Error::NeedsShape { what: what.into() }),
        }
    }

    /// Training FLOPs per token under `conv`: a parameter count gives
    /// Kaplan's 6N; every other convention needs the shape.
    pub fn flops_per_token(&self, conv: super::FlopConvention) -> Result<f64> {
        match (self, conv) {
            (ModelRef::Params(n), super::FlopConvention::Kaplan) => Ok(6.0 * n),
            (ModelRef::Params(_), _) => Err(Error::NeedsShape {
                what: "this FLOP convention".into(),
            }),
            (ModelRef::Shape(t), c) => t.flops_per_token(c),
        }
    }
}

impl<'de> Deserialize<'de> for ModelRef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        use serde::de::{self, Visitor};
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ModelRef;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a preset name, a transformer(...) or a parameter count")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<ModelRef, E> {
                ModelRef::preset(v).map_err(E::custom)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<ModelRef, E> {
                ModelRef::params(v).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<ModelRef, E> {
                self.visit_f64(v as f64)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<ModelRef, E> {
                self.visit_f64(v as f64)
            }
            fn visit_map<A: de::MapAccess<'de>>(
                self,
                m: A,
            ) -> std::result::Result<ModelRef, A::Error> {
                let t = Transformer::deserialize(de::value::MapAccessDeserializer::new(m))?;
                t.validate().map_err(de::Error::custom)?;
                Ok(ModelRef::Shape(t))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for ModelRef {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Model".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "a model: a preset name (\"llama3-70b\"), a transformer(...) or a parameter count"
        })
    }
}
