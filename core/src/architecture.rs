//! Transformer shapes: parameter counts and the seed notebook's width sweep.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{check, Error, Result};
use crate::input::{Count, Positive};
use crate::table::{Column, Table};

/// Non-embedding parameters of a decoder-only transformer,
/// N = 2 d_model n_layer (2 d_attn + d_ff) (Kaplan et al. 2020 eq. 2.1 /
/// Table 1: attention QKV and output projections give 4 d_model d_attn per
/// layer, the feed-forward block 2 d_model d_ff; biases and norms omitted).
/// With d_attn = d_model and d_ff = 4 d_model this is 12 n_layer d_model^2.
pub fn non_embedding_params(d_model: f64, n_layer: f64, d_attn: f64, d_ff: f64) -> Result<f64> {
    let d_model = check::positive("d_model", d_model)?;
    let n_layer = check::positive("n_layer", n_layer)?;
    let d_attn = check::positive("d_attn", d_attn)?;
    let d_ff = check::positive("d_ff", d_ff)?;
    check::finite_result("N", 2.0 * d_model * n_layer * (2.0 * d_attn + d_ff))
}

/// The ratios of a width sweep. Defaults are the seed notebook's.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct SweepOptions {
    /// First d_model (8192, Chinchilla 70B's width).
    pub d_model: f64,
    /// Factor applied to d_model between rows (1.1).
    pub growth: f64,
    /// n_layer = floor(d_model / aspect) (100): the aspect ratio
    /// d_model / n_layer, as `shape_search` calls it (`layer_ratio`, its
    /// earlier name here, is accepted too).
    #[serde(alias = "layer_ratio")]
    pub aspect: f64,
    /// d_attn = floor(d_model / attn_ratio) (75).
    pub attn_ratio: f64,
    /// d_ff = ff_mult * d_model (10).
    pub ff_mult: f64,
    /// n_heads = floor(d_model / head_ratio) (20).
    pub head_ratio: f64,
    /// Stop after the first row with N above this (1e14).
    pub max_params: f64,
    /// Safety bound on the number of rows (10,000).
    #[serde(skip)]
    #[schemars(skip)]
    pub max_rows: usize,
}

impl Default for SweepOptions {
    fn default() -> Self {
        SweepOptions {
            d_model: 8192.0,
            growth: 1.1,
            aspect: 100.0,
            attn_ratio: 75.0,
            ff_mult: 10.0,
            head_ratio: 20.0,
            max_params: 1e14,
            max_rows: 10_000,
        }
    }
}

/// One row of a sweep.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Shape {
    /// Model width.
    pub d_model: f64,
    /// Layers.
    pub n_layer: f64,
    /// Attention dimension as the notebook defines it.
    pub d_attn: f64,
    /// Feed-forward width.
    pub d_ff: f64,
    /// Attention heads.
    pub n_heads: f64,
    /// Non-embedding parameters.
    #[serde(rename = "N")]
    pub n: f64,
}

impl SweepOptions {
    fn validate(&self) -> Result<()> {
        // Bounds past which a sweep is a typo and its rows overflow: widths
        // as Transformer checks them, ratios of at least one (a layer, an
        // attention width or a head per that many channels).
        check::positive_at_most("d_model", self.d_model, 1e7)?;
        if !(self.growth.is_finite() && self.growth > 1.0 && self.growth <= 10.0) {
            return Err(Error::invalid(
                "growth",
                "a number above 1, at most 10",
                self.growth,
            ));
        }
        for (arg, v) in [
            ("aspect", self.aspect),
            ("attn_ratio", self.attn_ratio),
            ("head_ratio", self.head_ratio),
        ] {
            if !(v.is_finite() && (1.0..=1e7).contains(&v)) {
                return Err(Error::invalid(arg, "a ratio from 1 to 1e7", v));
            }
        }
        check::positive_at_most("ff_mult", self.ff_mult, 1e3)?;
        check::positive_at_most("max_params", self.max_params, 1e18)?;
        Ok(())
    }

    /// The shape at width `d_model`, with the notebook's floors.
    pub fn shape(&self, d_model: f64) -> Shape {
        let n_layer = (d_model / self.aspect).floor();
        let d_attn = (d_model / self.attn_ratio).floor();
        let d_ff = d_model * self.ff_mult;
        Shape {
            d_model,
            n_layer,
            d_attn,
            d_ff,
            n_heads: (d_model / self.head_ratio).floor(),
            n: 2.0 * d_model * n_layer * (2.0 * d_attn + d_ff),
        }
    }
}

/// The seed notebook's sweep: start at `d_model`, multiply by `growth` each
/// row (repeatedly, as the notebook does, so floors land on the same
/// integers), stop after the first row with N > `max_params`.
pub fn sweep(opts: &SweepOptions) -> Result<Vec<Shape>> {
    opts.validate()?;
    let mut rows = Vec::new();
    let mut d_model = opts.d_model;
    loop {
        let s = opts.shape(d_model);
        rows.push(s);
        if s.n > opts.max_params {
            return Ok(rows);
        }
        if rows.len() >= opts.max_rows || !s.n.is_finite() {
            return Err(Error::InvalidArgument {
                arg: "max_params".into(),
                expected: "reachable within max_rows rows",
                value: format!("{} (stopped after {} rows)", opts.max_params, rows.len()),
            });
        }
        d_model *= opts.growth;
    }
}

/// A sweep as a table with the notebook's columns:
/// d_model, n_layer, d_attn, d_ff, n_heads, N, N (T).
pub fn sweep_table(rows: &[Shape]) -> Table {
    let col = |f: fn(&Shape) -> f64| Column::Num(rows.iter().map(f).collect());
    Table::from_columns([
        ("d_model", col(|s| s.d_model)),
        ("n_layer", col(|s| s.n_layer)),
        ("d_attn", col(|s| s.d_attn)),
        ("d_ff", col(|s| s.d_ff)),
        ("n_heads", col(|s| s.n_heads)),
        ("N", col(|s| s.n)),
        ("N (T)", col(|s| s.n / 1e12)),
    ])
    .expect("columns of one sweep have equal length")
}

/// The options of `shape_search`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ShapeSearchOptions {
    /// Width per layer, d_model / n_layer (Kaplan et al. 2020 §3.1 find the
    /// loss flat within a few percent for aspect ratios 20-200).
    pub aspect: Positive,
    /// Dimension per attention head.
    pub head_dim: Count,
    /// d_ff / d_model.
    pub ff_mult: Positive,
    /// Gated FFN (three matrices).
    pub gated: bool,
    /// d_model is rounded to a multiple of this.
    pub multiple: Count,
    /// How many shapes to return (at most 100).
    pub count: Count,
}

impl Default for ShapeSearchOptions {
    fn default() -> Self {
        let c = |v: f64| Count::new("", v).expect("a count");
        ShapeSearchOptions {
            aspect: Positive::new("", 128.0).expect("positive"),
            head_dim: c(128.0),
            ff_mult: Positive::new("", 4.0).expect("positive"),
            gated: false,
            multiple: c(128.0),
            count: c(5.0),
        }
    }
}

impl ShapeSearchOptions {
    /// The search for `target` non-embedding parameters.
    pub fn search(&self, target: f64) -> Result<ShapeSearch> {
        let target = check::positive_at_most("N", target, crate::transformer::MAX_PARAMS)?;
        let count = self.count.get();
        if count > 100.0 {
            return Err(Error::invalid("count", "from 1 to 100", count));
        }
        Ok(ShapeSearch {
            target,
            aspect: self.aspect.get(),
            head_dim: self.head_dim.get(),
            ff_mult: self.ff_mult.get(),
            gated: self.gated,
            multiple: self.multiple.get(),
            count: count as usize,
        })
    }
}

/// What `shape_search` may vary and how it rounds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ShapeSearch {
    /// Target non-embedding parameters.
    pub target: f64,
    /// Width per layer, d_model / n_layer (Kaplan et al. 2020 §3.1 find the
    /// loss flat within a few percent for aspect ratios 20–200).
    pub aspect: f64,
    /// Dimension per attention head.
    pub head_dim: f64,
    /// d_ff / d_model.
    pub ff_mult: f64,
    /// Gated FFN (three matrices).
    pub gated: bool,
    /// d_model is rounded to a multiple of this.
    pub multiple: f64,
    /// How many shapes to return.
    pub count: usize,
}

/// Shapes near a target N at a chosen aspect ratio, closest first: for each
/// depth, the width nearest `aspect x n_layer` (a multiple of `multiple`),
/// counted exactly with [`crate::transformer::Transformer`] (multi-head
/// attention, RMSNorm, no biases).
pub fn shape_search(s: &ShapeSearch) -> Result<Table> {
    check::positive("N", s.target)?;
    check::positive("aspect", s.aspect)?;
    check::positive("head_dim", s.head_dim)?;
    check::positive("ff_mult", s.ff_mult)?;
    check::positive("multiple", s.multiple)?;
    if s.count == 0 {
        return Err(Error::invalid("count", "at least 1", 0.0));
    }
    let mut found: Vec<(f64, crate::transformer::Transformer, f64)> = Vec::new();
    for layers in 1..=1000 {
        let n_layer = layers as f64;
        let d = ((s.aspect * n_layer / s.multiple).round() * s.multiple).max(s.multiple);
        let heads = (d / s.head_dim).round().max(1.0);
        let t = crate::transformer::Transformer {
            head_dim: s.head_dim,
            d_ff: s.ff_mult * d,
            gated: s.gated,
            ..crate::transformer::Transformer::new(d, n_layer, heads)
        };
        let n = t.counts()?.non_embedding;
        found.push(((n / s.target - 1.0).abs(), t, n));
        if n > 4.0 * s.target {
            break;
        }
    }
    found.sort_by(|a, b| a.0.total_cmp(&b.0));
    found.truncate(s.count);
    let col = |f: &dyn Fn(&(f64, crate::transformer::Transformer, f64)) -> f64| {
        Column::Num(found.iter().map(f).collect())
    };
    let mut t = Table::from_columns([
        ("d_model", col(&|r| r.1.d_model)),
        ("n_layer", col(&|r| r.1.n_layer)),
        ("n_heads", col(&|r| r.1.n_heads)),
        ("d_ff", col(&|r| r.1.d_ff)),
        ("aspect", col(&|r| r.1.d_model / r.1.n_layer)),
        ("N", col(&|r| r.2)),
        ("error", col(&|r| r.2 / s.target - 1.0)),
    ])?;
    t.set_format("N", crate::table::NumFormat::Si)?;
    t.set_format("aspect", crate::table::NumFormat::Fixed(1))?;
    t.set_format("error", crate::table::NumFormat::Fixed(4))?;
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_near_llama2_7b() {
        // Llama 2 7B: d 4096, 32 layers (aspect 128), SwiGLU d_ff 11008 (= 2.6875 d).
        let t = shape_search(&ShapeSearch {
            target: 6.476e9,
            aspect: 128.0,
            head_dim: 128.0,
            ff_mult: 11008.0 / 4096.0,
            gated: true,
            multiple: 128.0,
            count: 3,
        })
        .unwrap();
        assert_eq!(t.num_column("d_model").unwrap()[0], 4096.0);
        assert_eq!(t.num_column("n_layer").unwrap()[0], 32.0);
        assert!(t.num_column("error").unwrap()[0].abs() < 1e-3);
    }
}
