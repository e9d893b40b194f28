//! The legend, drawn by us rather than plotters (whose legend sizes its
//! box with its own font metrics, not the canvas's): matplotlib's layout,
//! a handle 2 em long, rows 1.4 em apart, a light frame, in the corner
//! that covers the fewest data points.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::marks::Sample;
use super::{render_err, FONT};
use crate::error::Result;

/// Which corner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corner {
    UpperRight,
    UpperLeft,
    LowerLeft,
    LowerRight,
}

/// The corner whose legend-sized box covers the fewest of `points`
/// (matplotlib's "best"); `points` and ranges are in axis space.
pub fn best_corner(points: &[(f64, f64)], x: (f64, f64), y: (f64, f64), entries: usize) -> Corner {
    let w = 0.4;
    let h = (0.08 * entries as f64 + 0.04).min(0.6);
    let corners = [
        (Corner::UpperRight, 1.0 - w, 1.0 - h),
        (Corner::UpperLeft, 0.0, 1.0 - h),
        (Corner::LowerLeft, 0.0, 0.0),
        (Corner::LowerRight, 1.0 - w, 0.0),
    ];
    let count = |x0: f64, y0: f64| {
        points
            .iter()
            .filter(|(px, py)| {
                let u = (px - x.0) / (x.1 - x.0);
                let v = (py - y.0) / (y.1 - y.0);
                u >= x0 && u <= x0 + w && v >= y0 && v <= y0 + h
            })
            .count()
    };
    corners
        .into_iter()
        .min_by_key(|(_, x0, y0)| count(*x0, *y0))
        .map(|(c, _, _)| c)
        .expect("four corners")
}

/// Draw the entries in `corner` of the plotting `area` (its own pixels).
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(String, Sample)],
    corner: Corner,
    px: &dyn Fn(f64) -> f64,
) -> Result<()> {
    let em = px(10.0);
    let style = TextStyle::from((FONT, em).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
    let widest = entries
        .iter()
        .map(|(l, _)| area.estimate_text_size(l, &style).map_or(0, |(w, _)| w))
        .max()
        .unwrap_or(0) as f64;
    let (pad, handle, gap, row, border) = (0.4 * em, 2.0 * em, 0.8 * em, 1.4 * em, 0.5 * em);
    let w = (pad + handle + gap + widest + pad) as i32;
    let h = (pad + row * entries.len() as f64 + pad - 0.4 * em) as i32;
    let (aw, ah) = area.dim_in_pixel();
    let (aw, ah) = (aw as i32, ah as i32);
    let b = border as i32;
    let (x0, y0) = match corner {
        Corner::UpperRight => (aw - b - w, b),
        Corner::UpperLeft => (b, b),
        Corner::LowerLeft => (b, ah - b - h),
        Corner::LowerRight => (aw - b - w, ah - b - h),
    };
    area.draw(&Rectangle::new(
        [(x0, y0), (x0 + w, y0 + h)],
        WHITE.mix(0.8).filled(),
    ))
    .map_err(render_err)?;
    area.draw(&Rectangle::new(
        [(x0, y0), (x0 + w, y0 + h)],
        RGBColor(0xcc, 0xcc, 0xcc).stroke_width(px(0.8).max(1.0) as u32),
    ))
    .map_err(render_err)?;
    for (i, (label, sample)) in entries.iter().enumerate() {
        let yc = y0 + (pad + row * i as f64 + 0.5 * em) as i32;
        let hx = x0 + pad as i32;
        let hl = handle as i32;
        match *sample {
            Sample::Line(s, None) => {
                area.draw(&PathElement::new(vec![(hx, yc), (hx + hl, yc)], s))
                    .map_err(render_err)?;
            }
            Sample::Line(s, Some((on, off))) => {
                area.draw(&DashedPathElement::new(
                    vec![(hx, yc), (hx + hl, yc)],
                    on,
                    off,
                    s,
                ))
                .map_err(render_err)?;
            }
            Sample::Dot(s, r) => {
                area.draw(&Circle::new((hx + hl / 2, yc), r, s))
                    .map_err(render_err)?;
            }
            Sample::Bar(dot, bar, r) => {
                area.draw(&PathElement::new(
                    vec![(hx + hl / 2, yc - 2 * r), (hx + hl / 2, yc + 2 * r)],
                    bar,
                ))
                .map_err(render_err)?;
                area.draw(&Circle::new((hx + hl / 2, yc), r, dot))
                    .map_err(render_err)?;
            }
            Sample::Patch(s) => {
                let half = (0.35 * em) as i32;
                area.draw(&Rectangle::new([(hx, yc - half), (hx + hl, yc + half)], s))
                    .map_err(render_err)?;
            }
        }
        area.draw(&Text::new(
            label.clone(),
            ((hx as f64 + handle + gap) as i32, yc),
            style.clone(),
        ))
        .map_err(render_err)?;
    }
    Ok(())
}
