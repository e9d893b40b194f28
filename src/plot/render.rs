//! Drawing a [`Figure`] with plotters: PNG and SVG bytes, nothing written to disk.
//!
//! Text is drawn with DejaVu Sans compiled into the binary (crate `dejavu`,
//! Bitstream Vera licence) through plotters' pure-Rust `ab_glyph` path, so
//! no system fonts, fontconfig or freetype are needed.

use std::sync::Once;

use std::ops::Range;

use image::ImageEncoder;
use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontStyle;

use super::ticks::{self, Tick};
use super::{Chart, Figure, Mark, Rgb, Scale, TAB10};
use crate::error::{Error, Result};

const FONT: &str = "sans-serif";

fn ensure_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The font is compiled in, so registering it cannot fail at run time.
        plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular())
            .unwrap_or_else(|_| panic!("embedded DejaVu Sans is a valid font"));
        plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold())
            .unwrap_or_else(|_| panic!("embedded DejaVu Sans Bold is a valid font"));
    });
}

fn render_err<E: std::fmt::Debug>(e: E) -> Error {
    Error::Render(format!("{e:?}"))
}

impl Figure {
    /// The figure as a PNG image (`figsize * dpi` pixels).
    pub fn to_png(&self) -> Result<Vec<u8>> {
        to_png(self)
    }

    /// The figure as an SVG document.
    pub fn to_svg(&self) -> Result<String> {
        to_svg(self)
    }

    /// Write the figure to `path` as PNG or SVG (by extension), atomically.
    pub fn save(&self, path: impl AsRef<std::path::Path>) -> Result<()> {
        let path = path.as_ref();
        let bytes = match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("png") => self.to_png()?,
            Some("svg") => self.to_svg()?.into_bytes(),
            _ => {
                return Err(Error::InvalidArgument {
                    arg: "path".into(),
                    expected: "a file name ending in .png or .svg",
                    value: path.display().to_string(),
                })
            }
        };
        crate::output::write_atomic(path, &bytes)
    }
}

/// The figure as an SVG document.
pub fn to_svg(fig: &Figure) -> Result<String> {
    ensure_fonts();
    let (w, h) = fig.pixels();
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (w, h)).into_drawing_area();
        draw(&root, fig)?;
        root.present().map_err(render_err)?;
    }
    Ok(out)
}

/// The figure as a PNG image.
pub fn to_png(fig: &Figure) -> Result<Vec<u8>> {
    ensure_fonts();
    let (w, h) = fig.pixels();
    let mut rgb = vec![0u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        draw(&root, fig)?;
        root.present().map_err(render_err)?;
    }
    encode_png(&rgb, w, h)
}

/// RGB pixels to PNG bytes.
fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>> {
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(rgb, w, h, image::ColorType::Rgb8)
        .map_err(render_err)?;
    Ok(png)
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, fig: &Figure) -> Result<()> {
    for c in &fig.charts {
        c.validate()?;
    }
    root.fill(&WHITE).map_err(render_err)?;
    let px = |pt: f64| pt * fig.dpi / 72.0;
    let area = match &fig.title {
        Some(t) => root
            .titled(t, (FONT, px(14.0)).into_font())
            .map_err(render_err)?,
        None => root.clone(),
    };
    let cells = area.split_evenly((fig.rows, fig.cols));
    for (chart, cell) in fig.charts.iter().zip(cells.iter()) {
        draw_chart(cell, chart, fig.dpi)?;
    }
    Ok(())
}

/// Axis range in axis space: data extent plus matplotlib's 5% margins
/// (no margins around a contour grid), or the fixed limits.
fn axis_range(
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

/// An axis in axis space whose ticks and labels are ours (see [`ticks`]):
/// plotters' own f64 axes pick their key points and print `1000000.0`.
struct TickAxis {
    lo: f64,
    hi: f64,
    major: Vec<Tick>,
    minor: Vec<f64>,
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

fn color(c: Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

/// The legend corner that covers the fewest data points (matplotlib's "best").
fn best_corner(
    points: &[(f64, f64)],
    x: (f64, f64),
    y: (f64, f64),
    entries: usize,
) -> SeriesLabelPosition {
    let w = 0.4;
    let h = (0.08 * entries as f64 + 0.04).min(0.6);
    let corners = [
        (SeriesLabelPosition::UpperRight, 1.0 - w, 1.0 - h),
        (SeriesLabelPosition::UpperLeft, 0.0, 1.0 - h),
        (SeriesLabelPosition::LowerLeft, 0.0, 0.0),
        (SeriesLabelPosition::LowerRight, 1.0 - w, 0.0),
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
        .map(|(p, _, _)| p)
        .expect("four corners")
}

fn draw_chart<DB: DrawingBackend>(
    cell: &DrawingArea<DB, Shift>,
    chart: &Chart,
    dpi: f64,
) -> Result<()> {
    let px = |pt: f64| pt * dpi / 72.0;
    let xs: Vec<f64> = chart
        .series
        .iter()
        .flat_map(|s| s.xs.iter().copied())
        .collect();
    let ys: Vec<f64> = chart
        .series
        .iter()
        .flat_map(|s| s.ys.iter().copied())
        .collect();
    let extent = chart.contours.as_ref().map(|c| c.extent);
    let xr = axis_range(&xs, extent.map(|e| e.0), chart.x_lim, chart.x_scale);
    let yr = axis_range(&ys, extent.map(|e| e.1), chart.y_lim, chart.y_scale);
    let (xt, xminor) = ticks::ticks(xr.0, xr.1, chart.x_scale);
    let (yt, yminor) = ticks::ticks(yr.0, yr.1, chart.y_scale);

    let tick_font = (FONT, px(10.0)).into_font();
    let label_font = (FONT, px(11.0)).into_font();
    let title_font = (FONT, px(12.0)).into_font();
    let tick_style = TextStyle::from(tick_font.clone());
    let widest = yt
        .iter()
        .map(|t| {
            cell.estimate_text_size(&t.label, &tick_style)
                .map_or(0, |(w, _)| w)
        })
        .max()
        .unwrap_or(0);
    let y_area = widest as f64 + px(11.0) * 1.2 + px(10.0);
    let x_area = px(10.0) * 1.4 + px(11.0) * 1.3 + px(6.0);

    let mut builder = ChartBuilder::on(cell);
    builder
        .margin(px(8.0) as u32)
        .margin_right(px(14.0) as u32)
        .x_label_area_size(x_area as u32)
        .y_label_area_size(y_area as u32);
    if !chart.title.is_empty() {
        builder.caption(&chart.title, title_font);
    }
    let (nx, ny) = (xt.len().max(1), yt.len().max(1));
    let mut cc = builder
        .build_cartesian_2d(
            TickAxis {
                lo: xr.0,
                hi: xr.1,
                major: xt,
                minor: xminor,
            },
            TickAxis {
                lo: yr.0,
                hi: yr.1,
                major: yt,
                minor: yminor,
            },
        )
        .map_err(render_err)?;

    let grid_color = RGBColor(0xb0, 0xb0, 0xb0);
    cc.configure_mesh()
        .x_desc(chart.x_label.as_str())
        .y_desc(chart.y_label.as_str())
        .axis_desc_style(label_font)
        .label_style(tick_font.clone())
        .x_labels(nx)
        .y_labels(ny)
        .bold_line_style(if chart.grid {
            grid_color.mix(0.5)
        } else {
            TRANSPARENT
        })
        .light_line_style(if chart.grid {
            grid_color.mix(0.15)
        } else {
            TRANSPARENT
        })
        .axis_style(BLACK.stroke_width(px(0.8).max(1.0) as u32))
        .set_all_tick_mark_size(px(3.5) as u32)
        .draw()
        .map_err(render_err)?;

    let mut placed: Vec<(f64, f64)> = Vec::new();
    if let Some(c) = &chart.contours {
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
            let decimals = level_decimals(&c.levels);
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
                let (w, h) = cell
                    .estimate_text_size(&text, &TextStyle::from(font.clone()))
                    .unwrap_or((0, 0));
                let (w, h) = (w as i32 / 2 + 2, h as i32 / 2 + 1);
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
    }

    let mut cycle = 0;
    let legend_len = px(20.0) as i32;
    let mut labelled = 0;
    for s in &chart.series {
        let col = color(s.color.unwrap_or_else(|| {
            let c = TAB10[cycle % TAB10.len()];
            cycle += 1;
            c
        }));
        let pts: Vec<(f64, f64)> =
            s.xs.iter()
                .zip(&s.ys)
                .map(|(x, y)| (chart.x_scale.forward(*x), chart.y_scale.forward(*y)))
                .collect();
        placed.extend(pts.iter().copied());
        // Only labelled series get a legend entry (plotters would list the
        // others with an empty label).
        match s.mark {
            Mark::Line => {
                let style = col.stroke_width(px(s.width).max(1.0).round() as u32);
                let anno = if s.dashed {
                    cc.draw_series(DashedLineSeries::new(
                        pts,
                        px(4.0) as u32,
                        px(2.5) as u32,
                        style,
                    ))
                } else {
                    cc.draw_series(LineSeries::new(pts, style))
                }
                .map_err(render_err)?;
                if let Some(label) = &s.label {
                    anno.label(label.as_str()).legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + legend_len, y)], style)
                    });
                    labelled += 1;
                }
            }
            Mark::Scatter => {
                let r = (px(s.size) / 2.0).max(1.0).round() as i32;
                let anno = cc
                    .draw_series(pts.into_iter().map(|p| Circle::new(p, r, col.filled())))
                    .map_err(render_err)?;
                if let Some(label) = &s.label {
                    anno.label(label.as_str()).legend(move |(x, y)| {
                        Circle::new((x + legend_len / 2, y), r, col.filled())
                    });
                    labelled += 1;
                }
            }
        }
    }

    // matplotlib frames the axes on all four sides.
    cc.plotting_area()
        .draw(&Rectangle::new(
            [(xr.0, yr.0), (xr.1, yr.1)],
            BLACK.stroke_width(px(0.8).max(1.0) as u32),
        ))
        .map_err(render_err)?;

    if chart.legend && labelled > 0 {
        cc.configure_series_labels()
            .position(best_corner(&placed, xr, yr, labelled))
            .margin(px(6.0) as u32)
            .legend_area_size(px(26.0) as u32)
            .label_font((FONT, px(10.0)).into_font())
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(0xcc, 0xcc, 0xcc))
            .draw()
            .map_err(render_err)?;
    }
    Ok(())
}

/// Decimals that tell adjacent contour levels apart (as matplotlib's clabel).
fn level_decimals(levels: &[f64]) -> usize {
    let step = levels
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(f64::INFINITY, f64::min);
    if !step.is_finite() || step <= 0.0 {
        return 2;
    }
    let mut d = 0;
    while d < 6
        && ((step * 10f64.powi(d as i32)).round() - step * 10f64.powi(d as i32)).abs() > 1e-6
    {
        d += 1;
    }
    d
}
