//! What drawing a figure costs, estimated from what it holds before any of
//! it is drawn: the time a PNG or SVG takes and the size of the SVG. The
//! per-element figures were measured on this project's 2-core machines
//! (200,000 elements of each kind, release build): a line point 0.25 us and
//! 13 bytes of SVG, a scatter marker 3.5 us and 200 bytes, a character of
//! text 4 us (PNG) to 14 us (SVG, glyph outlines) and 760 bytes, a contour
//! point about 3 us and 10 bytes. The estimates round these up.
//!
//! A figure past [`MAX_DRAW_NS`] or (as SVG) [`MAX_SVG_BYTES`] is refused
//! before drawing starts, and the script layer charges the estimate to the
//! work budget, so no figure, however it was built, draws for minutes or
//! writes gigabytes.

use super::{Chart, Figure, Mark};
use crate::error::{Error, Result};

/// Nanoseconds and SVG bytes per element drawn.
struct Per {
    ns: f64,
    svg: f64,
}

const LINE_POINT: Per = Per {
    ns: 300.0,
    svg: 15.0,
};
const MARKER: Per = Per {
    ns: 4_000.0,
    svg: 220.0,
};
const ERROR_BAR: Per = Per {
    ns: 5_000.0,
    svg: 300.0,
};
const BAND_POINT: Per = Per {
    ns: 300.0,
    svg: 30.0,
};
const CONTOUR_POINT: Per = Per {
    ns: 3_000.0,
    svg: 12.0,
};
const TEXT_CHAR: Per = Per {
    ns: 15_000.0,
    svg: 800.0,
};
/// Axes, ticks, labels and legend of one chart.
const CHART: Per = Per {
    ns: 2_000_000.0,
    svg: 200_000.0,
};

/// The longest a figure may take to draw: 20 s at the rates above.
pub const MAX_DRAW_NS: f64 = 20e9;

/// The largest SVG a figure may make: 100 MB.
pub const MAX_SVG_BYTES: f64 = 100e6;

/// The estimated cost of drawing.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DrawCost {
    /// Nanoseconds to draw (the slower of PNG and SVG).
    pub ns: f64,
    /// Bytes of SVG.
    pub svg_bytes: f64,
}

impl DrawCost {
    fn add(&mut self, per: &Per, n: usize) {
        self.ns += per.ns * n as f64;
        self.svg_bytes += per.svg * n as f64;
    }

    /// An error when drawing would take too long, or (for SVG) make too
    /// large a file.
    pub fn check(&self, svg: bool) -> Result<()> {
        if self.ns > MAX_DRAW_NS {
            return Err(Error::InvalidArgument {
                arg: "figure".into(),
                expected:
                    "drawable in about 20 seconds (fewer points, markers or characters of text)",
                value: format!("about {:.0} s of drawing", self.ns / 1e9),
            });
        }
        if svg && self.svg_bytes > MAX_SVG_BYTES {
            return Err(Error::InvalidArgument {
                arg: "figure".into(),
                expected: "an SVG of at most 100 MB (save it as .png instead)",
                value: format!("about {:.0} MB", self.svg_bytes / 1e6),
            });
        }
        Ok(())
    }
}

fn chart_cost(c: &Chart, cost: &mut DrawCost) {
    cost.add(&CHART, 1);
    for s in &c.series {
        let n = s.xs.len();
        match s.mark {
            Mark::Line => cost.add(&LINE_POINT, n),
            Mark::Scatter => cost.add(&MARKER, n),
            Mark::ErrorBar => cost.add(&ERROR_BAR, n),
            Mark::Band => cost.add(&BAND_POINT, 2 * n),
        }
        cost.add(
            &TEXT_CHAR,
            s.label.as_deref().map_or(0, |l| l.chars().count()),
        );
    }
    if let Some(k) = &c.contours {
        let points = k.lines.iter().flatten().map(Vec::len).sum::<usize>()
            + k.regions.iter().flatten().map(Vec::len).sum::<usize>();
        cost.add(&CONTOUR_POINT, points);
        // Level labels along the lines.
        cost.add(&TEXT_CHAR, 8 * k.levels.len() * 4);
    }
    for a in &c.annotations {
        cost.add(&MARKER, 1);
        cost.add(&TEXT_CHAR, a.text.chars().count());
    }
    for r in &c.ref_lines {
        cost.add(&LINE_POINT, 2);
        cost.add(
            &TEXT_CHAR,
            r.label.as_deref().map_or(0, |l| l.chars().count()),
        );
    }
    for t in [&c.title, &c.x_label, &c.y_label] {
        cost.add(&TEXT_CHAR, t.chars().count());
    }
}

impl Figure {
    /// What drawing this figure costs.
    pub fn draw_cost(&self) -> DrawCost {
        let mut cost = DrawCost::default();
        for c in &self.charts {
            chart_cost(c, &mut cost);
        }
        cost.add(
            &TEXT_CHAR,
            self.title.as_deref().map_or(0, |t| t.chars().count()),
        );
        cost
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::Series;

    #[test]
    fn figures_past_the_bounds_are_refused_before_drawing() {
        let xs: Vec<f64> = (0..200_000).map(f64::from).collect();
        let mut c = Chart::default();
        c.add(Series::new(Mark::Scatter, xs.clone(), xs.clone()).unwrap())
            .unwrap();
        let f = Figure::single(c.clone());
        // 200,000 markers: about 0.8 s, 44 MB of SVG: drawable.
        assert!(f.draw_cost().check(true).is_ok());
        for _ in 0..4 {
            c.add(Series::new(Mark::Scatter, xs.clone(), xs.clone()).unwrap())
                .unwrap();
        }
        let f = Figure::single(c);
        assert!(f.draw_cost().check(false).is_ok(), "1M markers draw as PNG");
        let e = f.draw_cost().check(true).unwrap_err().to_string();
        assert!(e.contains("at most 100 MB"), "{e}");
        assert!(f
            .to_svg()
            .unwrap_err()
            .to_string()
            .contains("at most 100 MB"));
    }
}
