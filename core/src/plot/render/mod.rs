//! Drawing a [`Figure`]: plotters lays out axes, ticks and legends; our
//! [`super::canvas::Canvas`] draws them antialiased at sub-pixel positions
//! into a PNG ([`super::raster`]) or an SVG with text as outlines
//! ([`super::svg`]). Nothing here writes files except [`Figure::save`].
//!
//! Text is DejaVu Sans compiled into the binary (crate `dejavu`), so no
//! system fonts, fontconfig or freetype are needed.

mod axes;
mod contour;
mod legend;
mod marks;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::canvas::{Canvas, OVERSAMPLE};
use super::raster::Raster;
use super::svg::Svg;
use super::ticks;
use super::{Chart, Figure, Rgb};
use crate::error::{Error, Result};
use axes::{axis_range, extents, TickAxis};

/// The font family plotters is told about (the canvas draws DejaVu Sans).
const FONT: &str = "sans-serif";

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

    /// The figure's bytes in `format`.
    pub fn encode(&self, format: ImageFormat) -> Result<Vec<u8>> {
        match format {
            ImageFormat::Png => self.to_png(),
            ImageFormat::Svg => self.to_svg().map(String::into_bytes),
        }
    }

    /// Write the figure to `path` as PNG or SVG (by extension), atomically.
    pub fn save(&self, path: impl AsRef<std::path::Path>) -> Result<()> {
        let path = path.as_ref();
        let bytes = self.encode(ImageFormat::of(path)?)?;
        crate::atomic::write_atomic(path, &bytes)
    }
}

/// The image formats a figure is written in, chosen by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    /// A raster image (`figsize * dpi` pixels).
    Png,
    /// A vector document.
    Svg,
}

impl ImageFormat {
    /// The extensions, as file names end.
    pub const EXTENSIONS: [&'static str; 2] = ["png", "svg"];

    /// The format a file name asks for (case-insensitive extension).
    pub fn of(path: &std::path::Path) -> Result<ImageFormat> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("png") => Ok(ImageFormat::Png),
            Some("svg") => Ok(ImageFormat::Svg),
            _ => Err(Error::InvalidArgument {
                arg: "path".into(),
                expected: "a file name ending in .png or .svg",
                value: path.display().to_string(),
            }),
        }
    }
}

/// The figure as an SVG document.
pub fn to_svg(fig: &Figure) -> Result<String> {
    fig.draw_cost().check(true)?;
    let (w, h) = fig.pixels();
    let mut svg = Svg::new(w, h);
    {
        let root = Canvas::new(&mut svg, (w, h)).into_drawing_area();
        draw(&root, fig)?;
        root.present().map_err(render_err)?;
    }
    Ok(svg.document())
}

/// The figure as RGBA pixels, row by row, with its size.
pub fn to_rgba(fig: &Figure) -> Result<(Vec<u8>, u32, u32)> {
    let (w, h) = fig.pixels();
    let raster = raster(fig)?;
    Ok((raster.rgba().to_vec(), w, h))
}

fn raster(fig: &Figure) -> Result<Raster> {
    let (w, h) = fig.pixels();
    let mut raster = Raster::new(w, h)?;
    {
        let root = Canvas::new(&mut raster, (w, h)).into_drawing_area();
        draw(&root, fig)?;
        root.present().map_err(render_err)?;
    }
    Ok(raster)
}

/// The figure as a PNG image.
pub fn to_png(fig: &Figure) -> Result<Vec<u8>> {
    fig.draw_cost().check(false)?;
    raster(fig)?.png()
}

fn color(c: Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, fig: &Figure) -> Result<()> {
    for c in &fig.charts {
        c.validate()?;
    }
    // Sizes are points, drawn at the canvas's virtual resolution.
    let dpi = fig.dpi * OVERSAMPLE as f64;
    let px = move |pt: f64| pt * dpi / 72.0;
    let area = match &fig.title {
        Some(t) => root
            .titled(t, (FONT, px(14.0)).into_font())
            .map_err(render_err)?,
        None => root.clone(),
    };
    let cells = area.split_evenly((fig.rows, fig.cols));
    for (chart, cell) in fig.charts.iter().zip(cells.iter()) {
        draw_chart(cell, chart, &px)?;
    }
    Ok(())
}

fn draw_chart<DB: DrawingBackend>(
    cell: &DrawingArea<DB, Shift>,
    chart: &Chart,
    px: &dyn Fn(f64) -> f64,
) -> Result<()> {
    let (xs, ys) = extents(chart);
    let extent = chart.contours.as_ref().map(|c| c.extent);
    let xr = axis_range(&xs, extent.map(|e| e.0), chart.x_lim, chart.x_scale);
    let yr = axis_range(&ys, extent.map(|e| e.1), chart.y_lim, chart.y_scale);
    let (xt, xminor) = ticks::ticks(xr.0, xr.1, chart.x_scale);
    let (yt, yminor) = ticks::ticks(yr.0, yr.1, chart.y_scale);

    // A filled contour keeps a strip on the right for its colour bar.
    let filled = chart.contours.as_ref().filter(|c| c.filled);
    let (main, bar) = match filled {
        Some(_) => {
            let (w, _) = cell.dim_in_pixel();
            let (a, b) = cell.split_horizontally(w as i32 - px(62.0) as i32);
            (a, Some(b))
        }
        None => (cell.clone(), None),
    };

    let tick_font = (FONT, px(10.0)).into_font();
    let label_font = (FONT, px(10.0)).into_font();
    let title_font = (FONT, px(12.0)).into_font();
    let tick_style = TextStyle::from(tick_font.clone());
    let widest = yt
        .iter()
        .map(|t| {
            main.estimate_text_size(&t.label, &tick_style)
                .map_or(0, |(w, _)| w)
        })
        .max()
        .unwrap_or(0);
    let y_area = widest as f64 + px(10.0) * 1.3 + px(3.5) + px(7.0);
    let x_area = px(10.0) * 1.3 + px(10.0) * 1.3 + px(3.5) + px(6.0);

    let mut builder = ChartBuilder::on(&main);
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

    // matplotlib: grid lines 0.8 pt in #b0b0b0, axes 0.8 pt, ticks 3.5 pt.
    let grid_color = RGBColor(0xb0, 0xb0, 0xb0);
    let thin = px(0.8).max(1.0) as u32;
    cc.configure_mesh()
        .x_desc(chart.x_label.as_str())
        .y_desc(chart.y_label.as_str())
        .axis_desc_style(label_font)
        .label_style(tick_font.clone())
        .x_labels(nx)
        .y_labels(ny)
        .bold_line_style(if chart.grid {
            grid_color.mix(0.6).stroke_width(thin)
        } else {
            TRANSPARENT.stroke_width(thin)
        })
        .light_line_style(if chart.grid {
            grid_color.mix(0.2).stroke_width(thin)
        } else {
            TRANSPARENT.stroke_width(thin)
        })
        .axis_style(BLACK.stroke_width(thin))
        .set_all_tick_mark_size(px(3.5) as u32)
        .draw()
        .map_err(render_err)?;

    let mut placed: Vec<(f64, f64)> = Vec::new();
    if let Some(c) = &chart.contours {
        if c.filled {
            contour::draw_filled(&mut cc, chart, c)?;
        } else {
            placed.extend(contour::draw_lines(&mut cc, chart, c, px)?);
        }
    }
    let drawn = marks::draw_all(&mut cc, chart, xr, yr, px)?;
    placed.extend(drawn.placed);

    // matplotlib frames the axes on all four sides.
    cc.plotting_area()
        .draw(&Rectangle::new(
            [(xr.0, yr.0), (xr.1, yr.1)],
            BLACK.stroke_width(thin),
        ))
        .map_err(render_err)?;

    if chart.legend && !drawn.entries.is_empty() {
        let corner = legend::best_corner(&placed, xr, yr, drawn.entries.len());
        legend::draw(
            &cc.plotting_area().strip_coord_spec(),
            &drawn.entries,
            corner,
            px,
        )?;
    }

    if let (Some(c), Some(bar)) = (filled, bar) {
        // The bar spans the plotting area's height, in the cell's pixels.
        let (top, bottom) = {
            let area = cc.plotting_area();
            let ys = area.get_pixel_range().1;
            let (_, cell_y) = cell.get_base_pixel();
            (ys.start - cell_y, ys.end - cell_y)
        };
        contour::draw_colorbar(&bar, c, px, top, bottom)?;
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
