//! Axis ranges and the tick axes plotters draws with our ticks and labels.

use std::ops::Range;

use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};

use crate::plot::ticks::Tick;
use crate::plot::{Chart, Orientation, Scale};

/// Axis range in axis space: data extent plus matplotlib's 5% margins
/// (no margins around a contour grid), or the fixed limits.
pub fn axis_range(
    values: &[f64],
    grid: Option<(f64, f64)>,
    lim: Option<(f64, f64)>,
    scale: Scale,
) -> (f64, f64) {
    if let Some((a, b)) = lim {
        return (scale.forward(a), scale.forward(b));
    }
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for v in values {
        let p = scale.forward(*v);
        lo = lo.min(p);
        hi = hi.max(p);
    }
    if lo <= hi {
        let pad = if hi > lo {
            0.05 * (hi - lo)
        } else {
            0.5_f64.max(0.1 * lo.abs())
        };
        lo -= pad;
        hi += pad;
    }
    if let Some((a, b)) = grid {
        lo = lo.min(scale.forward(a));
        hi = hi.max(scale.forward(b));
    }
    (lo, hi)
}

/// Every x and every y the chart puts on its axes.
pub fn extents(chart: &Chart) -> (Vec<f64>, Vec<f64>) {
    let mut xs: Vec<f64> = chart
        .series
        .iter()
        .flat_map(|s| s.xs.iter().copied())
        .collect();
    let mut ys: Vec<f64> = chart.series.iter().flat_map(|s| s.all_ys()).collect();
    for r in &chart.ref_lines {
        match r.orientation {
            Orientation::Horizontal => ys.push(r.value),
            Orientation::Vertical => xs.push(r.value),
        }
    }
    for a in &chart.annotations {
        xs.push(a.x);
        ys.push(a.y);
    }
    (xs, ys)
}

/// An axis in axis space whose ticks and labels are ours (see
/// [`crate::plot::ticks`]): plotters' own f64 axes pick their key points and
/// print `1000000.0`.
pub struct TickAxis {
    pub lo: f64,
    pub hi: f64,
    pub major: Vec<Tick>,
    pub minor: Vec<f64>,
}

impl Ranged for TickAxis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        if self.hi == self.lo {
            return (limit.0 + limit.1) / 2;
        }
        let f = (v - self.lo) / (self.hi - self.lo);
        limit.0 + (f * (limit.1 - limit.0) as f64).round() as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.minor.clone()
        } else {
            self.major.iter().map(|t| t.pos).collect()
        }
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

impl ValueFormatter<f64> for TickAxis {
    fn format(v: &f64) -> String {
        format!("{v}")
    }

    fn format_ext(&self, v: &f64) -> String {
        self.major
            .iter()
            .find(|t| (t.pos - v).abs() <= 1e-9 * (1.0 + v.abs()))
            .map(|t| t.label.clone())
            .unwrap_or_default()
    }
}
