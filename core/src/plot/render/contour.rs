//! Contour layers: labelled isolines, or filled bands with a colour bar.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axes::TickAxis;
use super::{color, render_err, FONT};
use crate::error::Result;
use crate::plot::{Chart, Contours, Rgb};

/// The chart's coordinate system.
pub type Coords = Cartesian2d<TickAxis, TickAxis>;

/// The colour of band `i` of `n + 1` (below the first level up to above the last).
fn band_colour(i: usize, levels: usize) -> RGBColor {
    color(Rgb::viridis(i as f64 / levels.max(1) as f64))
}

/// One ring list as a single polygon whose holes stay empty under the
/// non-zero rule: each hole (wound the other way by the contour builder)
/// is joined to the outer ring by a bridge walked there and back.
fn keyhole(rings: &[Vec<(f64, f64)>]) -> Vec<(f64, f64)> {
    let mut pts = Vec::new();
    let Some(first) = rings.first().and_then(|r| r.first()).copied() else {
        return pts;
    };
    for ring in rings {
        pts.extend(ring.iter().copied());
        pts.push(first);
    }
    pts
}

/// Filled bands: the whole grid in the lowest band's colour, then each
/// level's region at or above it in the next colour (matplotlib
/// `contourf`).
pub fn draw_filled<DB: DrawingBackend>(
    cc: &mut ChartContext<'_, DB, Coords>,
    chart: &Chart,
    c: &Contours,
) -> Result<()> {
    let n = c.levels.len();
    let to_axis = |(x, y): (f64, f64)| (chart.x_scale.forward(x), chart.y_scale.forward(y));
    let ((x0, x1), (y0, y1)) = c.extent;
    let base = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)].map(to_axis);
    cc.draw_series(std::iter::once(Polygon::new(
        base.to_vec(),
        band_colour(0, n).filled(),
    )))
    .map_err(render_err)?;
    for (i, region) in c.regions.iter().enumerate() {
        // A level's region is a set of polygons; rings wound like the
        // first one start a new polygon, the others are its holes.
        let style = band_colour(i + 1, n).filled();
        let mut polygons: Vec<Vec<Vec<(f64, f64)>>> = Vec::new();
        for ring in region {
            let r: Vec<(f64, f64)> = ring.iter().map(|p| to_axis(*p)).collect();
            if signed_area(&r) > 0.0 || polygons.is_empty() {
                polygons.push(vec![r]);
            } else if let Some(last) = polygons.last_mut() {
                last.push(r);
            }
        }
        for p in polygons {
            cc.draw_series(std::iter::once(Polygon::new(keyhole(&p), style)))
                .map_err(render_err)?;
        }
    }
    Ok(())
}

/// Twice the signed area of a ring (positive when counter-clockwise in axis space).
fn signed_area(r: &[(f64, f64)]) -> f64 {
    r.iter()
        .zip(r.iter().cycle().skip(1))
        .map(|(a, b)| a.0 * b.1 - b.0 * a.1)
        .sum()
}

/// The colour bar of a filled contour: one box per band with the levels
/// as ticks on its right, as matplotlib's `colorbar`.
pub fn draw_colorbar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    c: &Contours,
    px: &dyn Fn(f64) -> f64,
    plot_top: i32,
    plot_bottom: i32,
) -> Result<()> {
    let (w, _) = area.dim_in_pixel();
    let bar_w = px(12.0) as i32;
    let x0 = px(6.0) as i32;
    let (lo, hi) = c.z_range;
    let n = c.levels.len();
    let mut edges = vec![lo];
    edges.extend(c.levels.iter().copied());
    edges.push(hi);
    let y_of = |v: f64| {
        let f = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
        plot_bottom - (f * (plot_bottom - plot_top) as f64).round() as i32
    };
    for i in 0..=n {
        let (a, b) = (y_of(edges[i]), y_of(edges[i + 1]));
        area.draw(&Rectangle::new(
            [(x0, b), (x0 + bar_w, a)],
            band_colour(i, n).filled(),
        ))
        .map_err(render_err)?;
    }
    let frame = BLACK.stroke_width(px(0.8).max(1.0) as u32);
    area.draw(&Rectangle::new(
        [(x0, plot_top), (x0 + bar_w, plot_bottom)],
        frame,
    ))
    .map_err(render_err)?;
    let font =
        TextStyle::from((FONT, px(10.0)).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
    let decimals = super::level_decimals(&c.levels);
    for v in &c.levels {
        let y = y_of(*v);
        area.draw(&PathElement::new(
            vec![(x0 + bar_w, y), (x0 + bar_w + px(3.5) as i32, y)],
            frame,
        ))
        .map_err(render_err)?;
        let label = format!("{:.*}", decimals, v);
        if (x0 + bar_w + px(5.0) as i32) < w as i32 {
            area.draw(&Text::new(
                label,
                (x0 + bar_w + px(5.0) as i32, y),
                font.clone(),
            ))
            .map_err(render_err)?;
        }
    }
    Ok(())
}

/// Labelled isolines (matplotlib `contour` + `clabel`); returns the points
/// drawn, for the legend's placement.
pub fn draw_lines<DB: DrawingBackend>(
    cc: &mut ChartContext<'_, DB, Coords>,
    chart: &Chart,
    c: &Contours,
    px: &dyn Fn(f64) -> f64,
) -> Result<Vec<(f64, f64)>> {
    let mut placed = Vec::new();
    let n = c.levels.len().max(2) - 1;
    let stroke = px(1.5).max(1.0) as u32;
    for (i, pieces) in c.lines.iter().enumerate() {
        let col = color(Rgb::viridis(i as f64 / n as f64));
        for piece in pieces {
            let pts: Vec<(f64, f64)> = piece
                .iter()
                .map(|(x, y)| (chart.x_scale.forward(*x), chart.y_scale.forward(*y)))
                .collect();
            placed.extend(pts.iter().copied());
            cc.draw_series(LineSeries::new(pts, col.stroke_width(stroke)))
                .map_err(render_err)?;
        }
    }
    if c.labels {
        let font = (FONT, px(8.0)).into_font();
        let decimals = super::level_decimals(&c.levels);
        for (i, pieces) in c.lines.iter().enumerate() {
            // Like clabel, skip lines too short to carry a label (they
            // sit in a corner and the label would cross the frame).
            let Some(longest) = pieces
                .iter()
                .max_by_key(|p| p.len())
                .filter(|p| p.len() >= 6)
            else {
                continue;
            };
            let (x, y) = longest[longest.len() / 2];
            let at = (chart.x_scale.forward(x), chart.y_scale.forward(y));
            let text = format!("{:.*}", decimals, c.levels[i]);
            let (w, h) = cc
                .plotting_area()
                .estimate_text_size(&text, &TextStyle::from(font.clone()))
                .unwrap_or((0, 0));
            let pad = px(1.5) as i32;
            let (w, h) = (w as i32 / 2 + pad, h as i32 / 2 + pad / 2);
            let col = color(Rgb::viridis(i as f64 / n as f64));
            let style = font
                .clone()
                .color(&col)
                .pos(Pos::new(HPos::Center, VPos::Center));
            cc.draw_series(std::iter::once(
                EmptyElement::at(at)
                    + Rectangle::new([(-w, -h), (w, h)], WHITE.filled())
                    + Text::new(text, (0, 0), style),
            ))
            .map_err(render_err)?;
        }
    }
    Ok(placed)
}
