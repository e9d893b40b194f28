//! Figures as data: charts with line, scatter and marker series, contour
//! layers, axes and legends. [`render`] turns a [`Figure`] into PNG or SVG
//! bytes; nothing here writes files or knows about Rhai.
//!
//! Sizes follow matplotlib: a figure has `figsize` in inches and a `dpi`,
//! fonts and line widths are in points.

mod canvas;
pub mod cost;
mod glyphs;
pub mod options;
mod raster;
pub mod render;
pub mod studies;
mod svg;
pub mod ticks;

use serde::Serialize;

use crate::error::{check, Error, Result};

/// How an axis maps values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Scale {
    /// Evenly spaced values.
    #[default]
    Linear,
    /// Evenly spaced powers of ten; values must be positive.
    Log,
}

impl Scale {
    /// Value to axis space (log10 on a log axis).
    pub fn forward(self, v: f64) -> f64 {
        match self {
            Scale::Linear => v,
            Scale::Log => v.log10(),
        }
    }

    /// Axis space to value.
    pub fn inverse(self, p: f64) -> f64 {
        match self {
            Scale::Linear => p,
            Scale::Log => 10f64.powf(p),
        }
    }
}

/// An RGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rgb(pub u8, pub u8, pub u8);

/// matplotlib's default colour cycle ("tab10").
pub const TAB10: [Rgb; 10] = [
    Rgb(0x1f, 0x77, 0xb4),
    Rgb(0xff, 0x7f, 0x0e),
    Rgb(0x2c, 0xa0, 0x2c),
    Rgb(0xd6, 0x27, 0x28),
    Rgb(0x94, 0x67, 0xbd),
    Rgb(0x8c, 0x56, 0x4b),
    Rgb(0xe3, 0x77, 0xc2),
    Rgb(0x7f, 0x7f, 0x7f),
    Rgb(0xbc, 0xbd, 0x22),
    Rgb(0x17, 0xbe, 0xcf),
];

const NAMED: &[(&str, Rgb)] = &[
    ("blue", Rgb(0x1f, 0x77, 0xb4)),
    ("orange", Rgb(0xff, 0x7f, 0x0e)),
    ("green", Rgb(0x2c, 0xa0, 0x2c)),
    ("red", Rgb(0xd6, 0x27, 0x28)),
    ("purple", Rgb(0x94, 0x67, 0xbd)),
    ("brown", Rgb(0x8c, 0x56, 0x4b)),
    ("pink", Rgb(0xe3, 0x77, 0xc2)),
    ("gray", Rgb(0x7f, 0x7f, 0x7f)),
    ("grey", Rgb(0x7f, 0x7f, 0x7f)),
    ("olive", Rgb(0xbc, 0xbd, 0x22)),
    ("cyan", Rgb(0x17, 0xbe, 0xcf)),
    ("black", Rgb(0, 0, 0)),
    ("white", Rgb(0xff, 0xff, 0xff)),
    ("b", Rgb(0, 0, 0xff)),
    ("g", Rgb(0, 0x80, 0)),
    ("r", Rgb(0xff, 0, 0)),
    ("c", Rgb(0, 0xbf, 0xbf)),
    ("m", Rgb(0xbf, 0, 0xbf)),
    ("y", Rgb(0xbf, 0xbf, 0)),
    ("k", Rgb(0, 0, 0)),
    ("w", Rgb(0xff, 0xff, 0xff)),
];

impl Rgb {
    /// A colour by name (`"blue"`, `"tab:orange"`, matplotlib's one-letter
    /// `"b"`, `"r"`, ...) or hex (`"#1f77b4"`).
    pub fn parse(text: &str) -> Result<Rgb> {
        let t = text.trim().to_ascii_lowercase();
        let t = t.strip_prefix("tab:").unwrap_or(&t);
        if let Some(hex) = t.strip_prefix('#') {
            if hex.len() == 6 {
                if let Ok(v) = u32::from_str_radix(hex, 16) {
                    return Ok(Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8));
                }
            }
        }
        NAMED
            .iter()
            .find(|(n, _)| *n == t)
            .map(|(_, c)| *c)
            .ok_or_else(|| {
                Error::unknown(
                    "colour",
                    text,
                    NAMED.iter().map(|(n, _)| *n).chain(["#rrggbb"]),
                )
            })
    }

    /// The viridis colour map at `t` in 0..1 (matplotlib's default map),
    /// interpolated between nine of its published anchor colours.
    pub fn viridis(t: f64) -> Rgb {
        const V: [(u8, u8, u8); 9] = [
            (68, 1, 84),
            (71, 44, 122),
            (59, 81, 139),
            (44, 113, 142),
            (33, 144, 141),
            (39, 173, 129),
            (92, 200, 99),
            (170, 220, 50),
            (253, 231, 37),
        ];
        let t = if t.is_finite() {
            t.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let x = t * (V.len() - 1) as f64;
        let i = (x.floor() as usize).min(V.len() - 2);
        let f = x - i as f64;
        let lerp = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * f).round() as u8;
        Rgb(
            lerp(V[i].0, V[i + 1].0),
            lerp(V[i].1, V[i + 1].1),
            lerp(V[i].2, V[i + 1].2),
        )
    }
}

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Mark {
    /// Points joined by a line.
    Line,
    /// Points as circles.
    Scatter,
    /// Points with vertical error bars from `lower` to `upper` (matplotlib `errorbar`).
    ErrorBar,
    /// The area between `ys` and `upper`, filled (matplotlib `fill_between`).
    Band,
}

/// One data series.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    /// Legend entry (no entry when `None`).
    pub label: Option<String>,
    /// x values.
    pub xs: Vec<f64>,
    /// y values.
    pub ys: Vec<f64>,
    /// Line or points.
    pub mark: Mark,
    /// Colour; the next colour of the cycle when `None`.
    pub color: Option<Rgb>,
    /// Line width in points.
    pub width: f64,
    /// Marker diameter in points.
    pub size: f64,
    /// Dashed line.
    pub dashed: bool,
    /// Lower ends of error bars (absolute values), for [`Mark::ErrorBar`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lower: Option<Vec<f64>>,
    /// Upper ends of error bars, or the band's upper edge ([`Mark::Band`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upper: Option<Vec<f64>>,
    /// Opacity in (0, 1] (bands default to 0.25).
    pub alpha: f64,
}

impl Series {
    /// A line through (xs, ys), checked: same length, at least one point, finite values.
    pub fn new(mark: Mark, xs: Vec<f64>, ys: Vec<f64>) -> Result<Series> {
        if xs.is_empty() {
            return Err(Error::Empty { arg: "xs".into() });
        }
        check::same_length("xs", xs.len(), "ys", ys.len())?;
        for (name, v) in [("xs", &xs), ("ys", &ys)] {
            if let Some((i, x)) = v.iter().enumerate().find(|(_, x)| !x.is_finite()) {
                return Err(Error::invalid(
                    format!("{name}[{i}]"),
                    "a finite number",
                    *x,
                ));
            }
        }
        Ok(Series {
            label: None,
            xs,
            ys,
            mark,
            color: None,
            width: 1.5,
            size: 6.0,
            dashed: false,
            lower: None,
            upper: None,
            alpha: if mark == Mark::Band { 0.25 } else { 1.0 },
        })
    }

    /// Error bars from `lower` to `upper` around (xs, ys), checked: one
    /// bound per point, finite, lower <= y <= upper.
    pub fn error_bars(
        xs: Vec<f64>,
        ys: Vec<f64>,
        lower: Vec<f64>,
        upper: Vec<f64>,
    ) -> Result<Series> {
        let mut s = Series::new(Mark::ErrorBar, xs, ys)?;
        for (name, v) in [("lower", &lower), ("upper", &upper)] {
            check::same_length("ys", s.ys.len(), name, v.len())?;
            finite_all(name, v)?;
        }
        for i in 0..s.ys.len() {
            if !(lower[i] <= s.ys[i] && s.ys[i] <= upper[i]) {
                return Err(Error::InvalidArgument {
                    arg: format!("yerr[{i}]"),
                    expected: "bounds with lower <= y <= upper (errors are non-negative)",
                    value: format!("{} <= {} <= {}", lower[i], s.ys[i], upper[i]),
                });
            }
        }
        s.lower = Some(lower);
        s.upper = Some(upper);
        Ok(s)
    }

    /// The area between `lower` and `upper` over `xs`.
    pub fn band(xs: Vec<f64>, lower: Vec<f64>, upper: Vec<f64>) -> Result<Series> {
        check::same_length("xs", xs.len(), "lower", lower.len())?;
        check::same_length("xs", xs.len(), "upper", upper.len())?;
        finite_all("lower", &lower)?;
        let mut s = Series::new(Mark::Band, xs, lower)?;
        finite_all("upper", &upper)?;
        s.upper = Some(upper);
        Ok(s)
    }

    /// Every y this series puts on the axes (values, bars, band edges).
    pub fn all_ys(&self) -> impl Iterator<Item = f64> + '_ {
        self.ys
            .iter()
            .chain(self.lower.iter().flatten())
            .chain(self.upper.iter().flatten())
            .copied()
    }
}

fn finite_all(name: &str, v: &[f64]) -> Result<()> {
    match v.iter().enumerate().find(|(_, x)| !x.is_finite()) {
        Some((i, x)) => Err(Error::invalid(
            format!("{name}[{i}]"),
            "a finite number",
            *x,
        )),
        None => Ok(()),
    }
}

/// Text at a point, with or without a dot there (matplotlib `annotate`
/// and `text`): no colour from the cycle, no legend entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Annotation {
    /// x in data space.
    pub x: f64,
    /// y in data space.
    pub y: f64,
    /// The text.
    pub text: String,
    /// Draw a dot at the point and put the text beside it.
    pub point: bool,
    /// Colour (black when `None`).
    pub color: Option<Rgb>,
    /// Font size in points.
    pub size: f64,
}

/// Which axis a reference line crosses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Orientation {
    /// A horizontal line at a y value (matplotlib `axhline`).
    Horizontal,
    /// A vertical line at an x value (matplotlib `axvline`).
    Vertical,
}

/// A line across the whole axes at one value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RefLine {
    /// Horizontal (at y) or vertical (at x).
    pub orientation: Orientation,
    /// Where, in data space.
    pub value: f64,
    /// Colour (gray when `None`).
    pub color: Option<Rgb>,
    /// Dashed.
    pub dashed: bool,
    /// Width in points.
    pub width: f64,
    /// Legend entry.
    pub label: Option<String>,
}

/// Isolines of a function sampled on a grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contours {
    /// Levels drawn, ascending.
    pub levels: Vec<f64>,
    /// One isoline per level: its pieces, each a path of (x, y) in data space.
    pub lines: Vec<Vec<Vec<(f64, f64)>>>,
    /// Label the lines with their level (matplotlib `clabel`).
    pub labels: bool,
    /// Filled bands between levels with a colour bar (matplotlib
    /// `contourf` + `colorbar`) instead of lines.
    pub filled: bool,
    /// For filled contours: per level, the regions at or above it, as
    /// closed rings in data space (outer boundaries and holes).
    #[serde(skip)]
    pub regions: Vec<Vec<Vec<(f64, f64)>>>,
    /// The lowest and highest value on the grid (the colour bar's ends).
    pub z_range: (f64, f64),
    /// The grid's extent in data space: ((x0, x1), (y0, y1)).
    pub extent: ((f64, f64), (f64, f64)),
}

/// The most contour levels a chart draws.
pub const MAX_LEVELS: usize = 1000;

/// The most points a chart's contours may have, lines and filled regions
/// together: far more than a readable chart has, and few enough to draw
/// (PNG or SVG) in about a second. A checkerboard grid with many levels
/// makes millions; it is refused, not drawn.
pub const MAX_CONTOUR_POINTS: usize = 1_000_000;

/// Nanoseconds of work per grid cell and level, for charging the budget
/// before contours are traced: lines, and filled regions (isobands cost
/// about six times as much on a rough grid).
pub const CONTOUR_NS_PER_CELL_LEVEL: (u64, u64) = (100, 600);

/// matplotlib's `contour(..., levels=n)`: its `MaxNLocator(n + 1)` with the
/// locator's default steps 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10 (times a power
/// of ten), keeping the levels strictly inside the data range.
pub fn nice_levels(zmin: f64, zmax: f64, n: usize) -> Vec<f64> {
    const STEPS: [f64; 10] = [1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0];
    if zmax.partial_cmp(&zmin) != Some(std::cmp::Ordering::Greater) {
        return Vec::new();
    }
    let raw = (zmax - zmin) / (n + 1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = STEPS
        .iter()
        .map(|s| s * mag)
        .find(|s| *s >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * mag);
    let start = (zmin / step).floor() as i64;
    let end = (zmax / step).ceil() as i64;
    (start..=end)
        .map(|k| k as f64 * step)
        // Round away binary noise so labels read 1.92, not 1.9200000000000002.
        .map(|v| (v / step).round() * step)
        .filter(|v| *v > zmin && *v < zmax)
        .collect()
}

impl Contours {
    /// Isolines of `f` over a grid of `xs` by `ys` (ascending), drawn in the
    /// axis space of the given scales (so lines are straight on log axes),
    /// at `levels` (or about `n_levels` nice levels when `levels` is empty).
    ///
    /// Marching squares from the `contour` crate; its closed rings run
    /// along the grid border, and those border pieces are dropped here.
    pub fn compute(
        xs: &[f64],
        ys: &[f64],
        scales: (Scale, Scale),
        f: impl Fn(f64, f64) -> Result<f64>,
        levels: &[f64],
        n_levels: usize,
    ) -> Result<Contours> {
        if xs.len() < 2 || ys.len() < 2 {
            return Err(Error::InvalidArgument {
                arg: "grid".into(),
                expected: "at least 2 points along each axis",
                value: format!("{} x {}", xs.len(), ys.len()),
            });
        }
        let mut z = Vec::with_capacity(xs.len() * ys.len());
        for &y in ys {
            for &x in xs {
                z.push(f(x, y)?);
            }
        }
        Contours::from_grid(xs, ys, scales, &z, levels, n_levels, false)
    }

    /// [`Contours::compute`] from values already on the grid: `z[j * nx + i]`
    /// is the value at (`xs[i]`, `ys[j]`); with the regions above each level
    /// when `filled` (matplotlib's `contourf`). More than
    /// [`MAX_CONTOUR_POINTS`] points in all is an error.
    #[allow(clippy::too_many_arguments)]
    pub fn from_grid(
        xs: &[f64],
        ys: &[f64],
        scales: (Scale, Scale),
        z: &[f64],
        levels: &[f64],
        n_levels: usize,
        filled: bool,
    ) -> Result<Contours> {
        let (nx, ny) = (xs.len(), ys.len());
        if nx < 2 || ny < 2 {
            return Err(Error::InvalidArgument {
                arg: "grid".into(),
                expected: "at least 2 points along each axis",
                value: format!("{nx} x {ny}"),
            });
        }
        check::same_length("the grid", nx * ny, "its values", z.len())?;
        let (zmin, zmax) = z
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(*v), b.max(*v))
            });
        let levels: Vec<f64> = if levels.is_empty() {
            nice_levels(zmin, zmax, n_levels)
        } else {
            levels.to_vec()
        };
        let ax: Vec<f64> = xs.iter().map(|v| scales.0.forward(*v)).collect();
        let ay: Vec<f64> = ys.iter().map(|v| scales.1.forward(*v)).collect();
        // Grid index (fractional) to axis space, by linear interpolation
        // between neighbouring grid points (grids need not be uniform).
        let interp = |g: &[f64], p: f64| -> Option<f64> {
            if p < -1e-9 || p > (g.len() - 1) as f64 + 1e-9 {
                return None;
            }
            let p = p.clamp(0.0, (g.len() - 1) as f64);
            let i = (p.floor() as usize).min(g.len() - 2);
            Some(g[i] + (g[i + 1] - g[i]) * (p - i as f64))
        };
        let builder = contour::ContourBuilder::new(nx, ny, true);
        let raw = builder
            .lines(z, &levels)
            .map_err(|e| Error::InvalidArgument {
                arg: "grid".into(),
                expected: "a grid the contour builder accepts",
                value: format!("{e:?}"),
            })?;
        let mut lines = Vec::with_capacity(raw.len());
        for line in raw {
            let mut pieces: Vec<Vec<(f64, f64)>> = Vec::new();
            for ring in &line.geometry().0 {
                let mut current: Vec<(f64, f64)> = Vec::new();
                for pt in &ring.0 {
                    // The builder puts grid value (i, j) at (i + 0.5, j + 0.5).
                    match (interp(&ax, pt.x - 0.5), interp(&ay, pt.y - 0.5)) {
                        (Some(px), Some(py)) => {
                            current.push((scales.0.inverse(px), scales.1.inverse(py)))
                        }
                        _ => {
                            if current.len() > 1 {
                                pieces.push(std::mem::take(&mut current));
                            }
                            current.clear();
                        }
                    }
                }
                if current.len() > 1 {
                    pieces.push(current);
                }
            }
            lines.push(pieces);
        }
        // Regions at or above each level, for filled contours; points
        // outside the grid are pulled onto its edge so the fill covers it.
        let clamp = |g: &[f64], p: f64| -> f64 {
            let p = p.clamp(0.0, (g.len() - 1) as f64);
            let i = (p.floor() as usize).min(g.len() - 2);
            g[i] + (g[i + 1] - g[i]) * (p - i as f64)
        };
        let too_many = |points: usize| {
            Err(Error::TooLarge {
                what: "the contours".into(),
                size: points as f64,
                limit: MAX_CONTOUR_POINTS,
            })
        };
        let line_points: usize = lines.iter().flatten().map(Vec::len).sum();
        if line_points > MAX_CONTOUR_POINTS {
            return too_many(line_points);
        }
        let areas = if filled {
            builder
                .contours(z, &levels)
                .map_err(|e| Error::InvalidArgument {
                    arg: "grid".into(),
                    expected: "a grid the contour builder accepts",
                    value: format!("{e:?}"),
                })?
        } else {
            Vec::new()
        };
        let region_points: usize = areas
            .iter()
            .flat_map(|a| a.geometry().0.iter())
            .map(|poly| {
                poly.exterior().0.len() + poly.interiors().iter().map(|r| r.0.len()).sum::<usize>()
            })
            .sum();
        if line_points + region_points > MAX_CONTOUR_POINTS {
            return too_many(line_points + region_points);
        }
        let regions = areas
            .iter()
            .map(|a| {
                a.geometry()
                    .0
                    .iter()
                    .flat_map(|poly| std::iter::once(poly.exterior()).chain(poly.interiors()))
                    .map(|ring| {
                        ring.0
                            .iter()
                            .map(|pt| {
                                (
                                    scales.0.inverse(clamp(&ax, pt.x - 0.5)),
                                    scales.1.inverse(clamp(&ay, pt.y - 0.5)),
                                )
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect();
        Ok(Contours {
            levels,
            lines,
            labels: true,
            regions,
            filled,
            z_range: (zmin, zmax),
            extent: ((xs[0], xs[nx - 1]), (ys[0], ys[ny - 1])),
        })
    }
}

/// One set of axes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    /// Title above the axes.
    pub title: String,
    /// x-axis label.
    pub x_label: String,
    /// y-axis label.
    pub y_label: String,
    /// x-axis scale.
    pub x_scale: Scale,
    /// y-axis scale.
    pub y_scale: Scale,
    /// Series in drawing order.
    pub series: Vec<Series>,
    /// Contour layer, drawn under the series.
    pub contours: Option<Contours>,
    /// Reference lines across the axes.
    pub ref_lines: Vec<RefLine>,
    /// Text and named points.
    pub annotations: Vec<Annotation>,
    /// Show a legend when some series has a label.
    pub legend: bool,
    /// Draw the major grid.
    pub grid: bool,
    /// Fixed x range (data space).
    pub x_lim: Option<(f64, f64)>,
    /// Fixed y range (data space).
    pub y_lim: Option<(f64, f64)>,
}

impl Default for Chart {
    fn default() -> Self {
        Chart {
            title: String::new(),
            x_label: String::new(),
            y_label: String::new(),
            x_scale: Scale::Linear,
            y_scale: Scale::Linear,
            series: Vec::new(),
            contours: None,
            ref_lines: Vec::new(),
            annotations: Vec::new(),
            legend: true,
            grid: true,
            x_lim: None,
            y_lim: None,
        }
    }
}

impl Chart {
    /// An empty chart with these scales.
    pub fn new(x_scale: Scale, y_scale: Scale) -> Chart {
        Chart {
            x_scale,
            y_scale,
            ..Chart::default()
        }
    }

    /// Check that the chart has something to draw and that every value can
    /// be placed on the axes (positive on log axes).
    pub fn validate(&self) -> Result<()> {
        self.check_values()?;
        if self.series.is_empty() && self.contours.is_none() && self.annotations.is_empty() {
            return Err(Error::Empty {
                arg: "chart (add a line, scatter or contour first)".into(),
            });
        }
        Ok(())
    }

    /// Check that every value can be placed on the axes (positive on log
    /// axes) and that the limits are ranges.
    pub fn check_values(&self) -> Result<()> {
        let positive = |axis: &str, scale: Scale, v: &mut dyn Iterator<Item = f64>| -> Result<()> {
            if scale == Scale::Log {
                if let Some((i, x)) = v.enumerate().find(|(_, x)| *x <= 0.0) {
                    return Err(Error::invalid(
                        format!("{axis}[{i}]"),
                        "positive on a log axis",
                        x,
                    ));
                }
            }
            Ok(())
        };
        for s in &self.series {
            positive("xs", self.x_scale, &mut s.xs.iter().copied())?;
            positive("ys", self.y_scale, &mut s.all_ys())?;
        }
        for r in &self.ref_lines {
            let (axis, scale) = match r.orientation {
                Orientation::Horizontal => ("y", self.y_scale),
                Orientation::Vertical => ("x", self.x_scale),
            };
            positive(axis, scale, &mut std::iter::once(r.value))?;
        }
        for a in &self.annotations {
            positive("x", self.x_scale, &mut std::iter::once(a.x))?;
            positive("y", self.y_scale, &mut std::iter::once(a.y))?;
        }
        for (name, lim, scale) in [
            ("x_lim", self.x_lim, self.x_scale),
            ("y_lim", self.y_lim, self.y_scale),
        ] {
            if let Some((a, b)) = lim {
                if !(a.is_finite() && b.is_finite() && a < b) || (scale == Scale::Log && a <= 0.0) {
                    return Err(Error::InvalidArgument {
                        arg: name.into(),
                        expected: "[low, high] with low < high (and low > 0 on a log axis)",
                        value: format!("[{a}, {b}]"),
                    });
                }
            }
        }
        Ok(())
    }

    /// Add a series after checking it fits the axes.
    pub fn add(&mut self, s: Series) -> Result<()> {
        self.series.push(s);
        if let Err(e) = self.check_values() {
            self.series.pop();
            return Err(e);
        }
        Ok(())
    }

    /// Add a reference line after checking it fits the axes.
    pub fn add_ref_line(&mut self, r: RefLine) -> Result<()> {
        check::finite("value", r.value)?;
        self.ref_lines.push(r);
        if let Err(e) = self.check_values() {
            self.ref_lines.pop();
            return Err(e);
        }
        Ok(())
    }

    /// Add an annotation after checking it fits the axes.
    pub fn annotate(&mut self, a: Annotation) -> Result<()> {
        check::finite("x", a.x)?;
        check::finite("y", a.y)?;
        self.annotations.push(a);
        if let Err(e) = self.check_values() {
            self.annotations.pop();
            return Err(e);
        }
        Ok(())
    }
}

impl std::fmt::Display for Chart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let title = if self.title.is_empty() {
            "untitled"
        } else {
            &self.title
        };
        write!(f, "Chart '{title}': {} series", self.series.len())?;
        if let Some(c) = &self.contours {
            write!(f, ", {} contour levels", c.levels.len())?;
        }
        Ok(())
    }
}

impl std::fmt::Display for Figure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (w, h) = self.pixels();
        write!(
            f,
            "Figure {}x{} with {} charts ({w}x{h} px)",
            self.rows,
            self.cols,
            self.charts.len()
        )
    }
}

/// A grid of charts with a size.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// Rows of charts.
    pub rows: usize,
    /// Columns of charts.
    pub cols: usize,
    /// Size in inches (matplotlib `figsize`).
    pub figsize: (f64, f64),
    /// Dots per inch: the PNG is `figsize * dpi` pixels.
    pub dpi: f64,
    /// Title above all charts.
    pub title: Option<String>,
    /// Charts, row by row.
    pub charts: Vec<Chart>,
}

impl Figure {
    /// An empty `rows x cols` figure of matplotlib's default size per chart.
    pub fn new(rows: usize, cols: usize) -> Result<Figure> {
        if rows == 0 || cols == 0 || rows * cols > 64 {
            return Err(Error::InvalidArgument {
                arg: "rows, cols".into(),
                expected: "at least 1 each and at most 64 charts",
                value: format!("{rows} x {cols}"),
            });
        }
        Ok(Figure {
            rows,
            cols,
            figsize: (6.4 * cols as f64, 4.8 * rows as f64),
            dpi: 100.0,
            title: None,
            charts: Vec::new(),
        })
    }

    /// A one-chart figure.
    pub fn single(chart: Chart) -> Figure {
        let mut f = Figure::new(1, 1).expect("1 x 1 is valid");
        f.charts.push(chart);
        f
    }

    /// Set size and resolution, checked (at most 10,000 px a side).
    pub fn set_size(&mut self, figsize: (f64, f64), dpi: f64) -> Result<()> {
        let ok = |v: f64| v.is_finite() && v > 0.0;
        if !(ok(figsize.0) && ok(figsize.1) && ok(dpi)) {
            return Err(Error::InvalidArgument {
                arg: "size".into(),
                expected: "positive figsize and dpi",
                value: format!("{figsize:?} at {dpi} dpi"),
            });
        }
        let (w, h) = (figsize.0 * dpi, figsize.1 * dpi);
        if w < 50.0 || h < 50.0 || w > 10_000.0 || h > 10_000.0 {
            return Err(Error::InvalidArgument {
                arg: "size".into(),
                expected: "between 50 and 10,000 pixels a side",
                value: format!("{w:.0} x {h:.0} px"),
            });
        }
        self.figsize = figsize;
        self.dpi = dpi;
        Ok(())
    }

    /// Pixel size of the rendered image.
    pub fn pixels(&self) -> (u32, u32) {
        (
            (self.figsize.0 * self.dpi).round() as u32,
            (self.figsize.1 * self.dpi).round() as u32,
        )
    }

    /// Add the next chart (row by row).
    pub fn push(&mut self, chart: Chart) -> Result<()> {
        if self.charts.len() >= self.rows * self.cols {
            return Err(Error::InvalidArgument {
                arg: "chart".into(),
                expected: "at most rows x cols charts",
                value: format!("a chart beyond the {} x {} grid", self.rows, self.cols),
            });
        }
        chart.validate()?;
        self.charts.push(chart);
        Ok(())
    }
}
