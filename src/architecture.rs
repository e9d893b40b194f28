//! Transformer shapes: parameter counts and the seed notebook's width sweep.

use serde::Serialize;

use crate::error::{check, Error, Result};
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
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SweepOptions {
    /// First d_model (8192, Chinchilla 70B's width).
    pub d_model: f64,
    /// Factor applied to d_model between rows (1.1).
    pub growth: f64,
    /// n_layer = floor(d_model / layer_ratio) (100).
    pub layer_ratio: f64,
    /// d_attn = floor(d_model / attn_ratio) (75).
    pub attn_ratio: f64,
    /// d_ff = ff_mult * d_model (10).
    pub ff_mult: f64,
    /// n_heads = floor(d_model / head_ratio) (20).
    pub head_ratio: f64,
    /// Stop after the first row with N above this (1e14).
    pub max_params: f64,
    /// Safety bound on the number of rows (10,000).
    pub max_rows: usize,
}

impl Default for SweepOptions {
    fn default() -> Self {
        SweepOptions {
            d_model: 8192.0,
            growth: 1.1,
            layer_ratio: 100.0,
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
        check::positive("d_model", self.d_model)?;
        if !(self.growth.is_finite() && self.growth > 1.0) {
            return Err(Error::invalid(
                "growth",
                "a finite number above 1",
                self.growth,
            ));
        }
        check::positive("layer_ratio", self.layer_ratio)?;
        check::positive("attn_ratio", self.attn_ratio)?;
        check::positive("ff_mult", self.ff_mult)?;
        check::positive("head_ratio", self.head_ratio)?;
        check::positive("max_params", self.max_params)?;
        Ok(())
    }

    /// The shape at width `d_model`, with the notebook's floors.
    pub fn shape(&self, d_model: f64) -> Shape {
        let n_layer = (d_model / self.layer_ratio).floor();
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
