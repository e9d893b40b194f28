//! The options of charts, series, annotations, figures and the ready-made
//! studies, declared once (see [`crate::input`]); each applies itself to
//! what it configures.

use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

use super::{Annotation, Chart, Figure, Orientation, RefLine, Rgb, Scale, Series};
use crate::error::{check, Error, Result};
use crate::input::{Count, Fraction, Positive};

impl<'de> Deserialize<'de> for Rgb {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Rgb, D::Error> {
        let name = String::deserialize(d)?;
        Rgb::parse(&name).map_err(de::Error::custom)
    }
}

impl JsonSchema for Rgb {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Color".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "a colour: a matplotlib name (\"tab:blue\", \"red\") or \"#rrggbb\""
        })
    }
}

/// A range `[low, high]` with low < high, both finite.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Span(pub f64, pub f64);

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Span, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Span;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("[low, high] with low < high")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(
                self,
                mut s: A,
            ) -> std::result::Result<Span, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = s.next_element::<f64>()? {
                    if v.len() == 2 {
                        return Err(de::Error::invalid_length(3, &self));
                    }
                    v.push(x);
                }
                match v[..] {
                    [a, b] if a < b => Ok(Span(a, b)),
                    [a, b] => Err(de::Error::invalid_value(
                        de::Unexpected::Other(&format!(
                            "[{}, {}]",
                            crate::error::format_value(a),
                            crate::error::format_value(b)
                        )),
                        &self,
                    )),
                    _ => Err(de::Error::invalid_length(v.len(), &self)),
                }
            }
        }
        d.deserialize_seq(V)
    }
}

impl JsonSchema for Span {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Span".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "array", "description": "[low, high] with low < high" })
    }
}

impl From<Span> for (f64, f64) {
    fn from(s: Span) -> (f64, f64) {
        (s.0, s.1)
    }
}

/// An axis scale as options name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ScaleName {
    /// Evenly spaced values.
    Linear,
    /// Powers of ten evenly spaced.
    Log,
}

impl From<ScaleName> for Scale {
    fn from(s: ScaleName) -> Scale {
        match s {
            ScaleName::Linear => Scale::Linear,
            ScaleName::Log => Scale::Log,
        }
    }
}

/// Which axes are logarithmic, matplotlib's `loglog`/`semilogx`/`semilogy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum LogAxes {
    /// Neither.
    #[serde(rename = "")]
    None,
    /// x only.
    #[serde(rename = "x")]
    X,
    /// y only.
    #[serde(rename = "y")]
    Y,
    /// Both.
    #[serde(rename = "xy")]
    Xy,
}

/// A chart's title, labels, scales, grid, legend and limits.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ChartOptions {
    /// Title above the axes.
    pub title: Option<String>,
    /// x-axis label.
    pub x_label: Option<String>,
    /// y-axis label.
    pub y_label: Option<String>,
    /// x-axis scale.
    pub x_scale: Option<ScaleName>,
    /// y-axis scale.
    pub y_scale: Option<ScaleName>,
    /// Logarithmic axes at once: "x", "y", "xy" (or "" for none).
    pub log: Option<LogAxes>,
    /// Draw the major grid.
    pub grid: Option<bool>,
    /// Show a legend when some series has a label.
    pub legend: Option<bool>,
    /// Fixed x range.
    pub x_lim: Option<Span>,
    /// Fixed y range.
    pub y_lim: Option<Span>,
}

impl ChartOptions {
    /// Set what is given on `c`, then check the chart.
    pub fn apply(&self, c: &mut Chart) -> Result<()> {
        if let Some(t) = &self.title {
            c.title = check::text("title", t)?.to_string();
        }
        if let Some(t) = &self.x_label {
            c.x_label = check::text("x_label", t)?.to_string();
        }
        if let Some(t) = &self.y_label {
            c.y_label = check::text("y_label", t)?.to_string();
        }
        if let Some(s) = self.x_scale {
            c.x_scale = s.into();
        }
        if let Some(s) = self.y_scale {
            c.y_scale = s.into();
        }
        if let Some(l) = self.log {
            let (x, y) = match l {
                LogAxes::None => (false, false),
                LogAxes::X => (true, false),
                LogAxes::Y => (false, true),
                LogAxes::Xy => (true, true),
            };
            let scale = |log: bool| if log { Scale::Log } else { Scale::Linear };
            c.x_scale = scale(x);
            c.y_scale = scale(y);
        }
        if let Some(g) = self.grid {
            c.grid = g;
        }
        if let Some(l) = self.legend {
            c.legend = l;
        }
        if let Some(s) = self.x_lim {
            c.x_lim = Some(s.into());
        }
        if let Some(s) = self.y_lim {
            c.y_lim = Some(s.into());
        }
        c.validate()
            .or_else(|e| if c.series.is_empty() { Ok(()) } else { Err(e) })
    }
}

/// How a line, scatter or error-bar series looks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct SeriesOptions {
    /// Legend entry.
    pub label: Option<String>,
    /// Colour; the next of matplotlib's cycle when absent.
    pub color: Option<Rgb>,
    /// Line width in points (1.5).
    pub width: Option<Positive>,
    /// Marker diameter in points (6).
    pub size: Option<Positive>,
    /// Dashed line.
    pub dashed: Option<bool>,
    /// Opacity.
    pub alpha: Option<Fraction>,
}

/// Widths and sizes past these are not a style but a mistake.
const MAX_WIDTH: f64 = 100.0;
const MAX_SIZE: f64 = 1000.0;

impl SeriesOptions {
    /// Style `s` as given.
    pub fn apply(&self, s: &mut Series) -> Result<()> {
        if let Some(l) = &self.label {
            s.label = Some(check::text("label", l)?.to_string());
        }
        if let Some(c) = self.color {
            s.color = Some(c);
        }
        if let Some(w) = self.width {
            s.width = check::positive_at_most("width", w.get(), MAX_WIDTH)?;
        }
        if let Some(z) = self.size {
            s.size = check::positive_at_most("size", z.get(), MAX_SIZE)?;
        }
        if let Some(d) = self.dashed {
            s.dashed = d;
        }
        if let Some(a) = self.alpha {
            s.alpha = a.get();
        }
        Ok(())
    }
}

/// A band's label, colour and opacity.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct BandOptions {
    /// Legend entry.
    pub label: Option<String>,
    /// Colour; the next of the cycle when absent.
    pub color: Option<Rgb>,
    /// Opacity (0.25).
    pub alpha: Option<Fraction>,
}

impl BandOptions {
    /// Style the band `s`.
    pub fn apply(&self, s: &mut Series) -> Result<()> {
        SeriesOptions {
            label: self.label.clone(),
            color: self.color,
            alpha: self.alpha,
            ..SeriesOptions::default()
        }
        .apply(s)
    }
}

/// Text at a point (`marker`, `text`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct AnnotationOptions {
    /// Colour (black when absent).
    pub color: Option<Rgb>,
    /// Font size in points.
    pub size: Positive,
}

impl Default for AnnotationOptions {
    fn default() -> Self {
        AnnotationOptions {
            color: None,
            size: Positive::new("", 9.0).expect("9 is positive"),
        }
    }
}

impl AnnotationOptions {
    /// The annotation of `text` at (x, y), with a dot there when `point`.
    pub fn annotation(&self, x: f64, y: f64, text: &str, point: bool) -> Result<Annotation> {
        Ok(Annotation {
            x: check::finite("x", x)?,
            y: check::finite("y", y)?,
            text: check::text("text", text)?.to_string(),
            point,
            color: self.color,
            size: check::positive_at_most("size", self.size.get(), 200.0)?,
        })
    }
}

/// A reference line across the axes (`hline`, `vline`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct RefLineOptions {
    /// Colour (gray when absent).
    pub color: Option<Rgb>,
    /// Dashed.
    pub dashed: bool,
    /// Width in points.
    pub width: Positive,
    /// Legend entry.
    pub label: Option<String>,
}

impl Default for RefLineOptions {
    fn default() -> Self {
        RefLineOptions {
            color: None,
            dashed: false,
            width: Positive::new("", 1.0).expect("1 is positive"),
            label: None,
        }
    }
}

impl RefLineOptions {
    /// The line at `value` across `orientation`.
    pub fn line(&self, orientation: Orientation, value: f64) -> Result<RefLine> {
        Ok(RefLine {
            orientation,
            value: check::finite("value", value)?,
            color: self.color,
            dashed: self.dashed,
            width: check::positive_at_most("width", self.width.get(), MAX_WIDTH)?,
            label: self
                .label
                .as_deref()
                .map(|l| check::text("label", l).map(str::to_string))
                .transpose()?,
        })
    }
}

/// A figure's grid of charts, size and title.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct FigureOptions {
    /// Rows of charts.
    pub rows: Count,
    /// Columns of charts.
    pub cols: Count,
    /// `[width, height]` in inches (matplotlib's figsize); 6.4 x 4.8 per chart when absent.
    pub size: Option<[Positive; 2]>,
    /// Dots per inch.
    pub dpi: Positive,
    /// Title above all charts.
    pub title: Option<String>,
}

impl Default for FigureOptions {
    fn default() -> Self {
        let one = Count::new("", 1.0).expect("1 is a count");
        FigureOptions {
            rows: one,
            cols: one,
            size: None,
            dpi: Positive::new("", 100.0).expect("100 is positive"),
            title: None,
        }
    }
}

impl FigureOptions {
    /// The empty figure.
    pub fn figure(&self) -> Result<Figure> {
        let (rows, cols) = (self.rows.get(), self.cols.get());
        if rows * cols > 64.0 {
            return Err(Error::InvalidArgument {
                arg: "rows, cols".into(),
                expected: "at most 64 charts",
                value: format!("{rows} x {cols}"),
            });
        }
        let mut f = Figure::new(rows as usize, cols as usize)?;
        let size = self.size.map_or(f.figsize, |[w, h]| (w.get(), h.get()));
        f.set_size(size, self.dpi.get())?;
        f.title = self
            .title
            .as_deref()
            .map(|t| check::text("title", t).map(str::to_string))
            .transpose()?;
        Ok(f)
    }
}

/// Points along a curve: at least 2, at most 100,000.
fn points(p: Count) -> Result<i64> {
    let n = p.get();
    if !(2.0..=100_000.0).contains(&n) {
        return Err(Error::invalid("points", "from 2 to 100,000", n));
    }
    Ok(n as i64)
}

/// Loss against parameters at fixed tokens (the first seed's panel 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct LossVsParamsOptions {
    /// Training tokens.
    #[serde(rename = "D")]
    pub d: Positive,
    /// Parameters, `[low, high]`.
    #[serde(rename = "N_range")]
    pub n_range: Span,
    /// Points along the curve.
    pub points: Count,
}

impl Default for LossVsParamsOptions {
    fn default() -> Self {
        LossVsParamsOptions {
            d: Positive::new("", 200e9).expect("positive"),
            n_range: Span(1e6, 1e11),
            points: Count::new("", 100.0).expect("a count"),
        }
    }
}

impl LossVsParamsOptions {
    /// The chart for `law`.
    pub fn chart(&self, law: &crate::Law) -> Result<Chart> {
        super::studies::loss_vs_params(law, self.d.get(), self.n_range.into(), points(self.points)?)
    }
}

/// Loss against tokens at fixed parameters (the first seed's panel 2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct LossVsTokensOptions {
    /// Parameters.
    #[serde(rename = "N")]
    pub n: Positive,
    /// Training tokens, `[low, high]`.
    #[serde(rename = "D_range")]
    pub d_range: Span,
    /// Points along the curve.
    pub points: Count,
}

impl Default for LossVsTokensOptions {
    fn default() -> Self {
        LossVsTokensOptions {
            n: Positive::new("", 7e9).expect("positive"),
            d_range: Span(1e9, 1e13),
            points: Count::new("", 100.0).expect("a count"),
        }
    }
}

impl LossVsTokensOptions {
    /// The chart for `law`.
    pub fn chart(&self, law: &crate::Law) -> Result<Chart> {
        super::studies::loss_vs_tokens(law, self.n.get(), self.d_range.into(), points(self.points)?)
    }
}

/// A named model on the frontier chart: `[name, N, D]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NamedModel(pub String, pub Positive, pub Positive);

/// The compute-optimal frontier with named models (the first seed's panel 3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct FrontierOptions {
    /// Budgets, `[low, high]` FLOPs.
    #[serde(rename = "C_range")]
    pub c_range: Span,
    /// Points along the frontier.
    pub points: Count,
    /// Models to mark, each `[name, N, D]`; GPT-3, Chinchilla and LLaMA-65B when absent.
    pub models: Option<Vec<NamedModel>>,
}

impl Default for FrontierOptions {
    fn default() -> Self {
        FrontierOptions {
            c_range: Span(1e21, 1e25),
            points: Count::new("", 50.0).expect("a count"),
            models: None,
        }
    }
}

impl FrontierOptions {
    /// The chart for `law`.
    pub fn chart(&self, law: &crate::Law) -> Result<Chart> {
        let models: Vec<(String, f64, f64)> = match &self.models {
            None => vec![
                ("GPT-3".to_string(), 175e9, 300e9),
                ("Chinchilla".to_string(), 70e9, 1400e9),
                ("LLaMA-65B".to_string(), 65e9, 1400e9),
            ],
            Some(m) => m
                .iter()
                .map(|NamedModel(name, n, d)| {
                    Ok((
                        check::text("models name", name)?.to_string(),
                        n.get(),
                        d.get(),
                    ))
                })
                .collect::<Result<_>>()?,
        };
        super::studies::frontier(law, self.c_range.into(), points(self.points)?, &models)
    }
}

/// Labelled isolines of L(N, D) (the first seed's panel 4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct LandscapeOptions {
    /// Parameters, `[low, high]`.
    #[serde(rename = "N_range")]
    pub n_range: Span,
    /// Training tokens, `[low, high]`.
    #[serde(rename = "D_range")]
    pub d_range: Span,
    /// Grid points a side (2 to 1000).
    pub grid: Count,
    /// Isolines (1 to 100).
    pub levels: Count,
}

impl Default for LandscapeOptions {
    fn default() -> Self {
        LandscapeOptions {
            n_range: Span(1e9, 1e11),
            d_range: Span(1e10, 1e13),
            grid: Count::new("", 30.0).expect("a count"),
            levels: Count::new("", 15.0).expect("a count"),
        }
    }
}

impl LandscapeOptions {
    /// The chart for `law`.
    pub fn chart(&self, law: &crate::Law) -> Result<Chart> {
        let levels = self.levels.get();
        if levels > 100.0 {
            return Err(Error::invalid("levels", "from 1 to 100", levels));
        }
        super::studies::loss_landscape(
            law,
            self.n_range.into(),
            self.d_range.into(),
            self.grid.get() as i64,
            levels as usize,
        )
    }
}
