//! Models: their shape and counts as a short report; everything as JSON.

use serde::Serialize;
use serde_json::Value;

use super::Show;
use crate::transformer::{Counts, FlopConvention, Transformer};
use crate::units::fmt_si;

/// What `to_json` and the notebook show of a model: shape, counts, FLOPs
/// per token under each convention.
#[derive(Serialize)]
pub struct Summary<'a> {
    #[serde(flatten)]
    shape: &'a Transformer,
    #[serde(flatten)]
    counts: Counts,
    /// Kaplan's count (kept under its older name).
    train_flops_per_token: f64,
    /// Appendix F's count (kept under its older name).
    hoffmann_flops_per_token: f64,
    flops_per_token: Flops,
}

#[derive(Serialize)]
struct Flops {
    kaplan: f64,
    palm: f64,
    chinchilla: f64,
}

/// The summary, or `None` when the shape is invalid (it cannot be, once built).
pub fn summary(t: &Transformer) -> Option<Summary<'_>> {
    let f = |c| t.flops_per_token(c).ok();
    Some(Summary {
        shape: t,
        counts: t.counts().ok()?,
        train_flops_per_token: f(FlopConvention::Kaplan)?,
        hoffmann_flops_per_token: f(FlopConvention::Chinchilla)?,
        flops_per_token: Flops {
            kaplan: f(FlopConvention::Kaplan)?,
            palm: f(FlopConvention::Palm)?,
            chinchilla: f(FlopConvention::Chinchilla)?,
        },
    })
}

fn describe(t: &Transformer) -> String {
    let Some(s) = summary(t) else {
        return format!("<Model '{}' (invalid shape)>", t.name);
    };
    let c = s.counts;
    let whole = |x: f64| format!("{x:.0}");
    let mut attention = format!(
        "{} heads ({} KV) of {}",
        whole(t.n_heads),
        whole(t.n_kv_heads),
        whole(t.head_dim)
    );
    if let Some(l) = &t.latent {
        attention = format!(
            "{} heads, latent attention (KV rank {}, rotary {})",
            whole(t.n_heads),
            whole(l.kv_rank),
            whole(l.rope_dim)
        );
    }
    let ffn = if t.gated { " gated" } else { "" };
    let moe = if t.is_moe() {
        format!(
            ", {} experts (top {}{}) of {}{}",
            whole(t.n_experts),
            whole(t.top_k),
            if t.n_shared_experts > 0.0 {
                format!(", {} shared", whole(t.n_shared_experts))
            } else {
                String::new()
            },
            whole(t.d_ff_expert.unwrap_or(t.d_ff)),
            if t.dense_layers > 0.0 {
                format!(" after {} dense layers", whole(t.dense_layers))
            } else {
                String::new()
            }
        )
    } else {
        String::new()
    };
    let (active, active_ne) = if t.is_moe() {
        (
            format!(", {} active per token", fmt_si(c.active)),
            format!(" ({} active)", fmt_si(c.active_non_embedding)),
        )
    } else {
        (String::new(), String::new())
    };
    format!(
        "Model '{}': {} parameters{active}\n  \
         d_model {}, {} layers, {attention}, d_ff {}{ffn}{moe}, vocab {}, context {}\n  \
         embedding {}, attention {}, ffn {}, norms {}; non-embedding {}{active_ne}\n  \
         training FLOPs/token: kaplan {:.3e}, palm {:.3e}, chinchilla {:.3e}",
        t.name,
        fmt_si(c.total),
        whole(t.d_model),
        whole(t.n_layer),
        whole(t.d_ff),
        whole(t.vocab),
        whole(t.seq_len),
        fmt_si(c.embedding),
        fmt_si(c.attention),
        fmt_si(c.ffn),
        fmt_si(c.norms),
        fmt_si(c.non_embedding),
        s.flops_per_token.kaplan,
        s.flops_per_token.palm,
        s.flops_per_token.chinchilla,
    )
}

impl Show for Transformer {
    fn type_name(&self) -> &'static str {
        "Model"
    }
    fn text(&self) -> String {
        describe(self)
    }
    fn inline(&self) -> String {
        format!("<Model '{}'>", self.name)
    }
    fn json(&self) -> Value {
        summary(self)
            .and_then(|s| serde_json::to_value(s).ok())
            .unwrap_or(Value::Null)
    }
}
