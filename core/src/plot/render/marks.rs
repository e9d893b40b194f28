//! Series, reference lines and annotations, with their legend entries.
//!
//! matplotlib's look: lines 1.5 pt, dashes of 3.7 and 1.6 line widths,
//! markers 6 pt, bands at 25% opacity, error bars with 3 pt caps,
//! annotations in black beside their point and out of the legend.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::contour::Coords;
use super::{color, render_err, FONT};
use crate::error::Result;
use crate::plot::{Chart, Mark, Orientation, Rgb, Series, TAB10};

/// How a legend entry shows its series.
#[derive(Clone, Copy)]
pub enum Sample {
    /// A line, dashed with (on, off) when given.
    Line(ShapeStyle, Option<(u32, u32)>),
    /// A dot of radius r.
    Dot(ShapeStyle, i32),
    /// A dot with a vertical bar through it.
    Bar(ShapeStyle, ShapeStyle, i32),
    /// A filled patch.
    Patch(ShapeStyle),
}

/// What the series and lines drew: the points (for the legend's place)
/// and the legend entries, in order.
pub struct Drawn {
    pub placed: Vec<(f64, f64)>,
    pub entries: Vec<(String, Sample)>,
}

fn dash(px: &dyn Fn(f64) -> f64, width: f64) -> (u32, u32) {
    (
        px(3.7 * width).max(1.0) as u32,
        px(1.6 * width).max(1.0) as u32,
    )
}

/// Draw every series (in order, colours from the cycle unless given), then
/// the reference lines, then the annotations.
pub fn draw_all<'a, DB: DrawingBackend + 'a>(
    cc: &mut ChartContext<'a, DB, Coords>,
    chart: &Chart,
    xr: (f64, f64),
    yr: (f64, f64),
    px: &dyn Fn(f64) -> f64,
) -> Result<Drawn> {
    let mut drawn = Drawn {
        placed: Vec::new(),
        entries: Vec::new(),
    };
    let mut cycle = 0;
    for s in &chart.series {
        let col = s.color.unwrap_or_else(|| {
            let c = TAB10[cycle % TAB10.len()];
            cycle += 1;
            c
        });
        series(cc, chart, s, color(col), px, &mut drawn)?;
    }
    for r in &chart.ref_lines {
        let col = color(r.color.unwrap_or(Rgb(0x7f, 0x7f, 0x7f)));
        let style = col.stroke_width(px(r.width).max(1.0) as u32);
        let pts = match r.orientation {
            Orientation::Horizontal => {
                let y = chart.y_scale.forward(r.value);
                vec![(xr.0, y), (xr.1, y)]
            }
            Orientation::Vertical => {
                let x = chart.x_scale.forward(r.value);
                vec![(x, yr.0), (x, yr.1)]
            }
        };
        let (on, off) = dash(px, r.width);
        if r.dashed {
            cc.draw_series(DashedLineSeries::new(pts, on, off, style))
        } else {
            cc.draw_series(LineSeries::new(pts, style))
        }
        .map_err(render_err)?;
        if let Some(label) = &r.label {
            drawn.entries.push((
                label.clone(),
                Sample::Line(style, r.dashed.then_some((on, off))),
            ));
        }
    }
    for a in &chart.annotations {
        let at = (chart.x_scale.forward(a.x), chart.y_scale.forward(a.y));
        let col = color(a.color.unwrap_or(Rgb(0, 0, 0)));
        let font = (FONT, px(a.size)).into_font().color(&col);
        let off = if a.point { px(4.0) as i32 } else { 0 };
        let (dx, dy) = inside(cc, at, &a.text, px(a.size), off);
        let style = font.pos(Pos::new(HPos::Left, VPos::Top));
        if a.point {
            let r = (px(6.0) / 2.0).max(1.0) as i32;
            cc.draw_series(std::iter::once(
                EmptyElement::at(at)
                    + Circle::new((0, 0), r, col.filled())
                    + Text::new(a.text.clone(), (dx, dy), style),
            ))
            .map_err(render_err)?;
        } else {
            cc.draw_series(std::iter::once(
                EmptyElement::at(at) + Text::new(a.text.clone(), (dx, dy), style),
            ))
            .map_err(render_err)?;
        }
        drawn.placed.push(at);
    }
    Ok(drawn)
}

/// Where an annotation's text goes, as the offset of its top-left corner
/// from the point in pixels: up and to the right of the point (by `off`),
/// as matplotlib's `annotate` puts it, but flipped to the other side of the
/// point where it would cross the plot's edge, and held inside the plot
/// when it is wider than either side (a label at the right edge of a chart
/// is never clipped).
fn inside<DB: DrawingBackend>(
    cc: &ChartContext<'_, DB, Coords>,
    at: (f64, f64),
    text: &str,
    size: f64,
    off: i32,
) -> (i32, i32) {
    let (x, y) = cc.backend_coord(&at);
    let (xs, ys) = cc.plotting_area().get_pixel_range();
    let m = crate::plot::glyphs::measure(text, size as f32, false);
    let (w, h) = (m.width.ceil() as i32, (m.ascent + m.descent).ceil() as i32);
    let mut left = x + off;
    if left + w > xs.end {
        left = x - off - w;
    }
    let left = left.min(xs.end - w).max(xs.start);
    let mut top = y - off / 2 - h;
    if top < ys.start {
        top = y + off / 2;
    }
    let top = top.min(ys.end - h).max(ys.start);
    (left - x, top - y)
}

fn series<'a, DB: DrawingBackend + 'a>(
    cc: &mut ChartContext<'a, DB, Coords>,
    chart: &Chart,
    s: &Series,
    col: RGBColor,
    px: &dyn Fn(f64) -> f64,
    drawn: &mut Drawn,
) -> Result<()> {
    let fx = |x: &f64| chart.x_scale.forward(*x);
    let fy = |y: &f64| chart.y_scale.forward(*y);
    let pts: Vec<(f64, f64)> =
        s.xs.iter()
            .zip(&s.ys)
            .map(|(x, y)| (fx(x), fy(y)))
            .collect();
    drawn.placed.extend(pts.iter().copied());
    let r = (px(s.size) / 2.0).max(1.0) as i32;
    let sample = match s.mark {
        Mark::Line => {
            let style = col.mix(s.alpha).stroke_width(px(s.width).max(1.0) as u32);
            let (on, off) = dash(px, s.width);
            if s.dashed {
                cc.draw_series(DashedLineSeries::new(pts, on, off, style))
            } else {
                cc.draw_series(LineSeries::new(pts, style))
            }
            .map_err(render_err)?;
            Sample::Line(style, s.dashed.then_some((on, off)))
        }
        Mark::Scatter => {
            let fill = col.mix(s.alpha).filled();
            cc.draw_series(pts.into_iter().map(|p| Circle::new(p, r, fill)))
                .map_err(render_err)?;
            Sample::Dot(fill, r)
        }
        Mark::ErrorBar => {
            let (lower, upper) = (
                s.lower.as_deref().unwrap_or(&s.ys),
                s.upper.as_deref().unwrap_or(&s.ys),
            );
            let bar = col.mix(s.alpha).stroke_width(px(s.width).max(1.0) as u32);
            let cap = px(3.0) as i32;
            for (i, x) in s.xs.iter().enumerate() {
                let (top, bottom) = ((fx(x), fy(&upper[i])), (fx(x), fy(&lower[i])));
                cc.draw_series([PathElement::new(vec![bottom, top], bar)])
                    .map_err(render_err)?;
                for end in [top, bottom] {
                    cc.draw_series(std::iter::once(
                        EmptyElement::at(end) + PathElement::new(vec![(-cap, 0), (cap, 0)], bar),
                    ))
                    .map_err(render_err)?;
                }
            }
            let fill = col.mix(s.alpha).filled();
            cc.draw_series(pts.into_iter().map(|p| Circle::new(p, r, fill)))
                .map_err(render_err)?;
            Sample::Bar(fill, bar, r)
        }
        Mark::Band => {
            let upper = s.upper.as_deref().unwrap_or(&s.ys);
            let mut poly: Vec<(f64, f64)> = pts.clone();
            poly.extend(s.xs.iter().zip(upper).rev().map(|(x, y)| (fx(x), fy(y))));
            drawn.placed.extend(poly.iter().copied());
            let fill = col.mix(s.alpha).filled();
            cc.draw_series(std::iter::once(Polygon::new(poly, fill)))
                .map_err(render_err)?;
            Sample::Patch(fill)
        }
    };
    if let Some(l) = &s.label {
        drawn.entries.push((l.clone(), sample));
    }
    Ok(())
}
