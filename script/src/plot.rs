//! Charts and figures in scripts: build, then `save("name.png")` or `.svg`.

use rhai::plugin::*;

use rhai::{Array, Dynamic, Map, NativeCallContext, FLOAT};

use crate::args::{self, fail, lift, ScriptResult};
use scaling_lab_core::plot::{
    Annotation, Chart, Contours, Figure, Mark, Orientation, RefLine, Rgb, Scale, Series,
};

/// Write a figure to `path` (PNG or SVG by extension) inside the output folder.
pub(crate) fn save_figure(
    ctx: &NativeCallContext,
    fig: &Figure,
    path: &str,
) -> ScriptResult<String> {
    let st = crate::state::state(ctx);
    let target = lift(ctx, st.files.writable(path, &["png", "svg"]))?;
    let is_png = target
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("png"));
    let bytes = if is_png {
        lift(ctx, scaling_lab_core::plot::render::to_png(fig))?
    } else {
        lift(ctx, scaling_lab_core::plot::render::to_svg(fig))?.into_bytes()
    };
    lift(ctx, scaling_lab_core::atomic::write_atomic(&target, &bytes))?;
    Ok(target.display().to_string())
}

fn scale(ctx: &NativeCallContext, key: &str, v: &Dynamic) -> ScriptResult<Scale> {
    match v.to_string().to_ascii_lowercase().as_str() {
        "log" => Ok(Scale::Log),
        "linear" => Ok(Scale::Linear),
        other => Err(fail(
            ctx,
            format!("{key} must be \"log\" or \"linear\", got '{other}'"),
        )),
    }
}

fn pair(ctx: &NativeCallContext, key: &str, v: &Dynamic) -> ScriptResult<(FLOAT, FLOAT)> {
    let xs = args::numbers(ctx, key, v)?;
    if xs.len() != 2 {
        return Err(fail(
            ctx,
            format!("{key} must be [low, high], got {} numbers", xs.len()),
        ));
    }
    Ok((xs[0], xs[1]))
}

fn apply_chart_options(ctx: &NativeCallContext, c: &mut Chart, o: &Map) -> ScriptResult<()> {
    let known = [
        "title", "x_label", "y_label", "x_scale", "y_scale", "log", "grid", "legend", "x_lim",
        "y_lim",
    ];
    args::options(ctx, o, &known)?;
    for (k, v) in o {
        match k.as_str() {
            "title" => c.title = v.to_string(),
            "x_label" => c.x_label = v.to_string(),
            "y_label" => c.y_label = v.to_string(),
            "x_scale" => c.x_scale = scale(ctx, k, v)?,
            "y_scale" => c.y_scale = scale(ctx, k, v)?,
            "log" => {
                let t = v.to_string();
                if !["x", "y", "xy", ""].contains(&t.as_str()) {
                    return Err(fail(
                        ctx,
                        format!("log must be \"x\", \"y\" or \"xy\", got '{t}'"),
                    ));
                }
                c.x_scale = if t.contains('x') {
                    Scale::Log
                } else {
                    Scale::Linear
                };
                c.y_scale = if t.contains('y') {
                    Scale::Log
                } else {
                    Scale::Linear
                };
            }
            "grid" => c.grid = args::flag(ctx, k, v)?,
            "legend" => c.legend = args::flag(ctx, k, v)?,
            "x_lim" => c.x_lim = Some(pair(ctx, k, v)?),
            "y_lim" => c.y_lim = Some(pair(ctx, k, v)?),
            _ => unreachable!("options() rejected unknown keys"),
        }
    }
    lift(
        ctx,
        c.validate()
            .or_else(|e| if c.series.is_empty() { Ok(()) } else { Err(e) }),
    )
}

fn series(
    ctx: &NativeCallContext,
    mark: Mark,
    xs: &Dynamic,
    ys: &Dynamic,
    o: &Map,
) -> ScriptResult<Series> {
    let known = ["label", "color", "width", "size", "dashed", "alpha"];
    args::options(ctx, o, &known)?;
    let to_vec = |name: &str, v: &Dynamic| -> ScriptResult<Vec<FLOAT>> {
        match args::as_number(v) {
            Some(x) => Ok(vec![x]),
            None => args::numbers(ctx, name, v),
        }
    };
    let mut s = lift(ctx, Series::new(mark, to_vec("xs", xs)?, to_vec("ys", ys)?))?;
    for (k, v) in o {
        match k.as_str() {
            "label" => s.label = Some(v.to_string()),
            "color" => s.color = Some(lift(ctx, Rgb::parse(&v.to_string()))?),
            "width" => {
                s.width = lift(
                    ctx,
                    scaling_lab_core::error::check::positive_at_most(
                        "width",
                        args::number(ctx, k, v)?,
                        100.0,
                    ),
                )?
            }
            "size" => {
                s.size = lift(
                    ctx,
                    scaling_lab_core::error::check::positive_at_most(
                        "size",
                        args::number(ctx, k, v)?,
                        1000.0,
                    ),
                )?
            }
            "dashed" => s.dashed = args::flag(ctx, k, v)?,
            "alpha" => s.alpha = opacity(ctx, v)?,
            _ => unreachable!("options() rejected unknown keys"),
        }
    }
    Ok(s)
}

fn opacity(ctx: &NativeCallContext, v: &Dynamic) -> ScriptResult<f64> {
    let a = args::number(ctx, "alpha", v)?;
    if !(a > 0.0 && a <= 1.0) {
        return Err(fail(
            ctx,
            format!(
                "alpha must be in (0, 1], got {}",
                scaling_lab_core::error::format_value(a)
            ),
        ));
    }
    Ok(a)
}

fn numbers_or_one(
    ctx: &NativeCallContext,
    name: &str,
    v: &Dynamic,
    n: usize,
) -> ScriptResult<Vec<FLOAT>> {
    match args::as_number(v) {
        Some(x) => Ok(vec![x; n]),
        None => args::numbers(ctx, name, v),
    }
}

fn annotate(
    ctx: &NativeCallContext,
    c: &mut Chart,
    x: &Dynamic,
    y: &Dynamic,
    text: &str,
    point: bool,
    o: &Map,
) -> ScriptResult<()> {
    args::options(ctx, o, &["color", "size"])?;
    let a = Annotation {
        x: args::number(ctx, "x", x)?,
        y: args::number(ctx, "y", y)?,
        text: text.to_string(),
        point,
        color: o
            .get("color")
            .map(|v| lift(ctx, Rgb::parse(&v.to_string())))
            .transpose()?,
        size: lift(
            ctx,
            scaling_lab_core::error::check::positive_at_most(
                "size",
                args::opt_number(ctx, o, "size", 9.0)?,
                200.0,
            ),
        )?,
    };
    if c.annotations.len() >= 10_000 {
        return Err(fail(ctx, "at most 10,000 annotations per chart"));
    }
    lift(ctx, c.annotate(a))
}

fn ref_line(
    ctx: &NativeCallContext,
    c: &mut Chart,
    orientation: Orientation,
    at: &Dynamic,
    o: &Map,
) -> ScriptResult<()> {
    args::options(ctx, o, &["color", "dashed", "width", "label"])?;
    let r = RefLine {
        orientation,
        value: args::number(ctx, "value", at)?,
        color: o
            .get("color")
            .map(|v| lift(ctx, Rgb::parse(&v.to_string())))
            .transpose()?,
        dashed: args::opt_flag(ctx, o, "dashed", false)?,
        width: lift(
            ctx,
            scaling_lab_core::error::check::positive_at_most(
                "width",
                args::opt_number(ctx, o, "width", 1.0)?,
                100.0,
            ),
        )?,
        label: o.get("label").map(|v| v.to_string()),
    };
    if c.ref_lines.len() >= 10_000 {
        return Err(fail(ctx, "at most 10,000 reference lines per chart"));
    }
    lift(ctx, c.add_ref_line(r))
}

fn error_bars(
    ctx: &NativeCallContext,
    xs: &Dynamic,
    ys: &Dynamic,
    yerr: &Dynamic,
    o: &Map,
) -> ScriptResult<Series> {
    let base = series(ctx, Mark::ErrorBar, xs, ys, o)?;
    let n = base.ys.len();
    // [lower, upper]: an array of two number lists.
    let pair = yerr
        .read_lock::<rhai::Array>()
        .filter(|a| {
            a.len() == 2
                && a.iter()
                    .all(|e| e.is_array() || e.is::<scaling_lab_core::vector::Vector>())
        })
        .map(|a| (a[0].clone(), a[1].clone()));
    let (lo, hi) = match pair {
        Some((l, h)) => (
            numbers_or_one(ctx, "yerr[0]", &l, n)?,
            numbers_or_one(ctx, "yerr[1]", &h, n)?,
        ),
        None => {
            let e = numbers_or_one(ctx, "yerr", yerr, n)?;
            (e.clone(), e)
        }
    };
    for (name, v) in [("yerr", &lo), ("yerr", &hi)] {
        if v.len() != n {
            return Err(fail(
                ctx,
                format!(
                    "{name} must have one error per point ({n}), got {}",
                    v.len()
                ),
            ));
        }
    }
    let lower: Vec<f64> = base.ys.iter().zip(&lo).map(|(y, e)| y - e).collect();
    let upper: Vec<f64> = base.ys.iter().zip(&hi).map(|(y, e)| y + e).collect();
    let mut s = lift(
        ctx,
        Series::error_bars(base.xs.clone(), base.ys.clone(), lower, upper),
    )?;
    s.label = base.label;
    s.color = base.color;
    s.width = base.width;
    s.size = base.size;
    s.alpha = base.alpha;
    Ok(s)
}

fn band(
    ctx: &NativeCallContext,
    xs: &Dynamic,
    lower: &Dynamic,
    upper: &Dynamic,
    o: &Map,
) -> ScriptResult<Series> {
    args::options(ctx, o, &["label", "color", "alpha"])?;
    let xs = args::numbers(ctx, "xs", xs)?;
    let n = xs.len();
    let lo = numbers_or_one(ctx, "lower", lower, n)?;
    let hi = numbers_or_one(ctx, "upper", upper, n)?;
    let mut s = lift(ctx, Series::band(xs, lo, hi))?;
    if let Some(l) = o.get("label") {
        s.label = Some(l.to_string());
    }
    if let Some(c) = o.get("color") {
        s.color = Some(lift(ctx, Rgb::parse(&c.to_string()))?);
    }
    if let Some(a) = o.get("alpha") {
        s.alpha = opacity(ctx, a)?;
    }
    Ok(s)
}

/// Add a series, checking the chart's total points against the size limit.
fn add_series(ctx: &NativeCallContext, c: &mut Chart, s: Series) -> ScriptResult<()> {
    let points: usize = c.series.iter().map(|s| s.xs.len()).sum::<usize>() + s.xs.len();
    args::check_size(ctx, "the chart's points", points as f64)?;
    lift(ctx, c.add(s))
}

fn law_options(ctx: &NativeCallContext, o: &Map, known: &[&str]) -> ScriptResult<()> {
    args::options(ctx, o, known).map(|_| ())
}

fn opt_pair(
    ctx: &NativeCallContext,
    o: &Map,
    key: &str,
    default: (FLOAT, FLOAT),
) -> ScriptResult<(FLOAT, FLOAT)> {
    o.get(key).map_or(Ok(default), |v| pair(ctx, key, v))
}

fn contour_grid(
    ctx: &NativeCallContext,
    c: &mut Chart,
    xs: Dynamic,
    ys: Dynamic,
    zs: Array,
    levels: Dynamic,
    filled: bool,
) -> ScriptResult<()> {
    let xs = args::numbers(ctx, "xs", &xs)?;
    let ys = args::numbers(ctx, "ys", &ys)?;
    if zs.len() != ys.len() {
        return Err(fail(
            ctx,
            format!(
                "zs must have one row per y ({}), got {} rows",
                ys.len(),
                zs.len()
            ),
        ));
    }
    let rows = zs
        .iter()
        .enumerate()
        .map(|(j, r)| {
            let row = args::numbers(ctx, &format!("zs[{j}]"), r)?;
            if row.len() != xs.len() {
                return Err(fail(
                    ctx,
                    format!(
                        "zs[{j}] must have one value per x ({}), got {}",
                        xs.len(),
                        row.len()
                    ),
                ));
            }
            Ok(row)
        })
        .collect::<ScriptResult<Vec<_>>>()?;
    let (explicit, n) = match args::as_number(&levels) {
        Some(n) if (1.0..=scaling_lab_core::plot::MAX_LEVELS as f64).contains(&n) => {
            (Vec::new(), n as usize)
        }
        Some(n) => {
            return Err(fail(
                ctx,
                format!(
                    "levels must be from 1 to {} (or an array of levels), got {}",
                    scaling_lab_core::plot::MAX_LEVELS,
                    scaling_lab_core::error::format_value(n)
                ),
            ))
        }
        None => {
            let v = args::numbers(ctx, "levels", &levels)?;
            if v.len() > scaling_lab_core::plot::MAX_LEVELS {
                return Err(fail(
                    ctx,
                    format!(
                        "at most {} levels, got {}",
                        scaling_lab_core::plot::MAX_LEVELS,
                        v.len()
                    ),
                ));
            }
            (v, 0)
        }
    };
    args::check_size(ctx, "the contour grid", xs.len() as f64 * ys.len() as f64)?;
    lift(
        ctx,
        crate::state::state(ctx).budget.charge_elements(
            xs.len() * ys.len() * (explicit.len() + n).max(1),
            scaling_lab_core::budget::work::SIMPLE * 4,
        ),
    )?;
    let z: Vec<f64> = rows.concat();
    let sorted = |g: &[f64]| g.windows(2).all(|w| w[0] < w[1]);
    if !sorted(&xs) || !sorted(&ys) {
        return Err(fail(ctx, "xs and ys must be strictly increasing"));
    }
    let mut k = lift(
        ctx,
        Contours::from_grid(&xs, &ys, (c.x_scale, c.y_scale), &z, &explicit, n),
    )?;
    k.filled = filled;
    c.contours = Some(k);
    lift(ctx, c.validate())
}

#[export_module]
pub mod api {
    use super::{apply_chart_options, law_options, opt_pair, series};
    use crate::args::{self, fail, lift, ScriptResult};
    use rhai::{Array, Dynamic, Map, NativeCallContext, INT};
    use scaling_lab_core::laws::Law;
    use scaling_lab_core::plot::Orientation;
    use scaling_lab_core::plot::{studies, Chart, Figure, Mark, Scale};

    /// An empty chart (linear axes). Add series with `line`, `scatter`, `marker`.
    ///
    /// ```rhai
    /// let c = chart();
    /// c.line([1, 2, 3], [2, 4, 8]);
    /// ```
    #[rhai_fn(name = "chart")]
    pub fn chart_new() -> Chart {
        Chart::default()
    }

    /// A chart with options: `title`, `x_label`, `y_label`, `log` (`"x"`,
    /// `"y"` or `"xy"`), `x_scale`/`y_scale` (`"log"`/`"linear"`), `grid`,
    /// `legend`, `x_lim`/`y_lim` (`[low, high]`).
    ///
    /// ```rhai
    /// let c = chart(#{title: "Loss vs N", x_label: "N", y_label: "Loss", log: "xy"});
    /// ```
    #[rhai_fn(name = "chart", return_raw)]
    pub fn chart_with(ctx: NativeCallContext, options: Map) -> ScriptResult<Chart> {
        let mut c = Chart::default();
        apply_chart_options(&ctx, &mut c, &options)?;
        Ok(c)
    }

    /// Add a line through (xs, ys). Options: `label`, `color` (`"blue"`,
    /// `"tab:orange"`, `"r"`, `"#1f77b4"`), `width` (points), `dashed`.
    #[rhai_fn(name = "line", return_raw)]
    pub fn line_with(
        ctx: NativeCallContext,
        c: &mut Chart,
        xs: Dynamic,
        ys: Dynamic,
        options: Map,
    ) -> ScriptResult<()> {
        let s = series(&ctx, Mark::Line, &xs, &ys, &options)?;
        super::add_series(&ctx, c, s)
    }

    /// Add a line through (xs, ys) in the next colour of the cycle.
    #[rhai_fn(name = "line", return_raw)]
    pub fn line(
        ctx: NativeCallContext,
        c: &mut Chart,
        xs: Dynamic,
        ys: Dynamic,
    ) -> ScriptResult<()> {
        line_with(ctx, c, xs, ys, Map::new())
    }

    /// Add points at (xs, ys). Options: `label`, `color`, `size` (diameter in points).
    #[rhai_fn(name = "scatter", return_raw)]
    pub fn scatter_with(
        ctx: NativeCallContext,
        c: &mut Chart,
        xs: Dynamic,
        ys: Dynamic,
        options: Map,
    ) -> ScriptResult<()> {
        let s = series(&ctx, Mark::Scatter, &xs, &ys, &options)?;
        super::add_series(&ctx, c, s)
    }

    /// Add points at (xs, ys) in the next colour of the cycle.
    #[rhai_fn(name = "scatter", return_raw)]
    pub fn scatter(
        ctx: NativeCallContext,
        c: &mut Chart,
        xs: Dynamic,
        ys: Dynamic,
    ) -> ScriptResult<()> {
        scatter_with(ctx, c, xs, ys, Map::new())
    }

    /// Mark one named point (a model) with a dot and its name beside it,
    /// in black, out of the colour cycle and the legend (matplotlib
    /// `annotate`): `c.marker(175e9, 300e9, "GPT-3")`.
    #[rhai_fn(name = "marker", return_raw)]
    pub fn marker(
        ctx: NativeCallContext,
        c: &mut Chart,
        x: Dynamic,
        y: Dynamic,
        label: &str,
    ) -> ScriptResult<()> {
        marker_with(ctx, c, x, y, label, Map::new())
    }

    /// `marker` with options: `color`, `size` (font size in points, 9).
    #[rhai_fn(name = "marker", return_raw)]
    pub fn marker_with(
        ctx: NativeCallContext,
        c: &mut Chart,
        x: Dynamic,
        y: Dynamic,
        label: &str,
        options: Map,
    ) -> ScriptResult<()> {
        super::annotate(&ctx, c, &x, &y, label, true, &options)
    }

    /// Text at a point (data coordinates, left edge at x): `c.text(1e10, 2.5, "Chinchilla-optimal")`.
    #[rhai_fn(name = "text", return_raw)]
    pub fn text(
        ctx: NativeCallContext,
        c: &mut Chart,
        x: Dynamic,
        y: Dynamic,
        text: &str,
    ) -> ScriptResult<()> {
        super::annotate(&ctx, c, &x, &y, text, false, &Map::new())
    }

    /// `text` with options: `color`, `size` (points).
    #[rhai_fn(name = "text", return_raw)]
    pub fn text_with(
        ctx: NativeCallContext,
        c: &mut Chart,
        x: Dynamic,
        y: Dynamic,
        text: &str,
        options: Map,
    ) -> ScriptResult<()> {
        super::annotate(&ctx, c, &x, &y, text, false, &options)
    }

    /// A horizontal reference line across the axes at y (matplotlib
    /// `axhline`), gray unless given: `c.hline(1.69)`.
    #[rhai_fn(name = "hline", return_raw)]
    pub fn hline(ctx: NativeCallContext, c: &mut Chart, y: Dynamic) -> ScriptResult<()> {
        super::ref_line(&ctx, c, Orientation::Horizontal, &y, &Map::new())
    }

    /// `hline` with options: `color`, `dashed`, `width` (points), `label` (a legend entry).
    #[rhai_fn(name = "hline", return_raw)]
    pub fn hline_with(
        ctx: NativeCallContext,
        c: &mut Chart,
        y: Dynamic,
        options: Map,
    ) -> ScriptResult<()> {
        super::ref_line(&ctx, c, Orientation::Horizontal, &y, &options)
    }

    /// A vertical reference line across the axes at x (matplotlib `axvline`): `c.vline(5.76e23)`.
    #[rhai_fn(name = "vline", return_raw)]
    pub fn vline(ctx: NativeCallContext, c: &mut Chart, x: Dynamic) -> ScriptResult<()> {
        super::ref_line(&ctx, c, Orientation::Vertical, &x, &Map::new())
    }

    /// `vline` with options: `color`, `dashed`, `width` (points), `label`.
    #[rhai_fn(name = "vline", return_raw)]
    pub fn vline_with(
        ctx: NativeCallContext,
        c: &mut Chart,
        x: Dynamic,
        options: Map,
    ) -> ScriptResult<()> {
        super::ref_line(&ctx, c, Orientation::Vertical, &x, &options)
    }

    /// Points with vertical error bars (matplotlib `errorbar`): `yerr` is
    /// one number, one error per point (symmetric), or `[lower, upper]`
    /// errors (two vectors).
    ///
    /// ```rhai
    /// let c = chart(#{log: "x"});
    /// c.errorbar([1e9, 1e10], [2.5, 2.2], [0.05, 0.03]);
    /// ```
    #[rhai_fn(name = "errorbar", return_raw)]
    pub fn errorbar(
        ctx: NativeCallContext,
        c: &mut Chart,
        xs: Dynamic,
        ys: Dynamic,
        yerr: Dynamic,
    ) -> ScriptResult<()> {
        errorbar_with(ctx, c, xs, ys, yerr, Map::new())
    }

    /// `errorbar` with options: `label`, `color`, `size` (marker diameter), `width` (bar width).
    #[rhai_fn(name = "errorbar", return_raw)]
    pub fn errorbar_with(
        ctx: NativeCallContext,
        c: &mut Chart,
        xs: Dynamic,
        ys: Dynamic,
        yerr: Dynamic,
        options: Map,
    ) -> ScriptResult<()> {
        let s = super::error_bars(&ctx, &xs, &ys, &yerr, &options)?;
        super::add_series(&ctx, c, s)
    }

    /// The area between two curves over xs, filled at 25% opacity
    /// (matplotlib `fill_between`): a prediction interval, a range of laws.
    ///
    /// ```rhai
    /// let c = chart();
    /// c.band([1, 2, 3], [1, 2, 3], [2, 3, 4]);
    /// ```
    #[rhai_fn(name = "band", return_raw)]
    pub fn band(
        ctx: NativeCallContext,
        c: &mut Chart,
        xs: Dynamic,
        lower: Dynamic,
        upper: Dynamic,
    ) -> ScriptResult<()> {
        band_with(ctx, c, xs, lower, upper, Map::new())
    }

    /// `band` with options: `label`, `color`, `alpha` (opacity, 0.25).
    #[rhai_fn(name = "band", return_raw)]
    pub fn band_with(
        ctx: NativeCallContext,
        c: &mut Chart,
        xs: Dynamic,
        lower: Dynamic,
        upper: Dynamic,
        options: Map,
    ) -> ScriptResult<()> {
        let s = super::band(&ctx, &xs, &lower, &upper, &options)?;
        super::add_series(&ctx, c, s)
    }

    /// Add labelled isolines of a grid of values: `zs[j][i]` is the value at
    /// (`xs[i]`, `ys[j]`); `levels` is a number of levels or an array of levels.
    #[rhai_fn(name = "contour", return_raw)]
    pub fn contour(
        ctx: NativeCallContext,
        c: &mut Chart,
        xs: Dynamic,
        ys: Dynamic,
        zs: Array,
        levels: Dynamic,
    ) -> ScriptResult<()> {
        super::contour_grid(&ctx, c, xs, ys, zs, levels, false)
    }

    /// Filled contours of a grid of values with a colour bar (matplotlib
    /// `contourf` + `colorbar`); arguments as `contour`.
    ///
    /// ```rhai
    /// let c = chart();
    /// c.contourf([0, 1, 2], [0, 1], [[0, 1, 2], [1, 2, 3]], 5);
    /// ```
    #[rhai_fn(name = "contourf", return_raw)]
    pub fn contourf(
        ctx: NativeCallContext,
        c: &mut Chart,
        xs: Dynamic,
        ys: Dynamic,
        zs: Array,
        levels: Dynamic,
    ) -> ScriptResult<()> {
        super::contour_grid(&ctx, c, xs, ys, zs, levels, true)
    }

    /// A line chart of ys against xs on linear axes.
    ///
    /// ```rhai
    /// plot(linspace(0, 1, 11), linspace(0, 1, 11))
    /// ```
    #[rhai_fn(return_raw)]
    pub fn plot(ctx: NativeCallContext, xs: Dynamic, ys: Dynamic) -> ScriptResult<Chart> {
        let mut c = Chart::default();
        line(ctx, &mut c, xs, ys)?;
        Ok(c)
    }

    /// A line chart on log-log axes: `plot_loglog(N, chinchilla_loss(N, 200e9))`.
    ///
    /// ```rhai
    /// let N = logspace(6, 11, 100);
    /// plot_loglog(N, chinchilla_loss(N, 200e9))
    /// ```
    #[rhai_fn(return_raw)]
    pub fn plot_loglog(ctx: NativeCallContext, xs: Dynamic, ys: Dynamic) -> ScriptResult<Chart> {
        let mut c = Chart::new(Scale::Log, Scale::Log);
        line(ctx, &mut c, xs, ys)?;
        Ok(c)
    }

    /// A line chart with a log x axis.
    #[rhai_fn(return_raw)]
    pub fn plot_semilogx(ctx: NativeCallContext, xs: Dynamic, ys: Dynamic) -> ScriptResult<Chart> {
        let mut c = Chart::new(Scale::Log, Scale::Linear);
        line(ctx, &mut c, xs, ys)?;
        Ok(c)
    }

    /// A line chart with a log y axis.
    #[rhai_fn(return_raw)]
    pub fn plot_semilogy(ctx: NativeCallContext, xs: Dynamic, ys: Dynamic) -> ScriptResult<Chart> {
        let mut c = Chart::new(Scale::Linear, Scale::Log);
        line(ctx, &mut c, xs, ys)?;
        Ok(c)
    }

    /// Set a chart's title, labels, scales, grid, legend or limits after the fact.
    #[rhai_fn(name = "set", return_raw)]
    pub fn chart_set(ctx: NativeCallContext, c: &mut Chart, options: Map) -> ScriptResult<()> {
        apply_chart_options(&ctx, c, &options)
    }

    /// Loss against parameters at fixed data, log-log (the first seed's panel 1).
    /// Options: `D` (200e9), `N_range` ([1e6, 1e11]), `points` (100).
    ///
    /// ```rhai
    /// plot_loss_vs_params(law("chinchilla"), #{D: 200e9})
    /// ```
    #[rhai_fn(return_raw)]
    pub fn plot_loss_vs_params(
        ctx: NativeCallContext,
        law: Law,
        options: Map,
    ) -> ScriptResult<Chart> {
        law_options(&ctx, &options, &["D", "N_range", "points"])?;
        let d = args::opt_number(&ctx, &options, "D", 200e9)?;
        let r = opt_pair(&ctx, &options, "N_range", (1e6, 1e11))?;
        let pts = args::opt_whole(&ctx, &options, "points", 100)?;
        lift(&ctx, studies::loss_vs_params(&law, d, r, pts))
    }

    /// Loss against tokens at fixed size, log-log (the first seed's panel 2).
    /// Options: `N` (7e9), `D_range` ([1e9, 1e13]), `points` (100).
    ///
    /// ```rhai
    /// plot_loss_vs_tokens(law("chinchilla"), #{N: 7e9})
    /// ```
    #[rhai_fn(return_raw)]
    pub fn plot_loss_vs_tokens(
        ctx: NativeCallContext,
        law: Law,
        options: Map,
    ) -> ScriptResult<Chart> {
        law_options(&ctx, &options, &["N", "D_range", "points"])?;
        let n = args::opt_number(&ctx, &options, "N", 7e9)?;
        let r = opt_pair(&ctx, &options, "D_range", (1e9, 1e13))?;
        let pts = args::opt_whole(&ctx, &options, "points", 100)?;
        lift(&ctx, studies::loss_vs_tokens(&law, n, r, pts))
    }

    /// The compute-optimal frontier D_opt against N_opt, log-log, with named
    /// models as points (the first seed's panel 3, with Hoffmann eq. 4).
    /// Options: `C_range` ([1e21, 1e25]), `points` (50), `models`: an array
    /// of `[name, N, D]` (default GPT-3, Chinchilla, LLaMA-65B).
    ///
    /// ```rhai
    /// plot_frontier(law("chinchilla"), #{models: [["GPT-3", 175e9, 300e9]]})
    /// ```
    #[rhai_fn(return_raw)]
    pub fn plot_frontier(ctx: NativeCallContext, law: Law, options: Map) -> ScriptResult<Chart> {
        law_options(&ctx, &options, &["C_range", "points", "models"])?;
        let r = opt_pair(&ctx, &options, "C_range", (1e21, 1e25))?;
        let pts = args::opt_whole(&ctx, &options, "points", 50)?;
        let models =
            match options.get("models") {
                None => vec![
                    ("GPT-3".to_string(), 175e9, 300e9),
                    ("Chinchilla".to_string(), 70e9, 1400e9),
                    ("LLaMA-65B".to_string(), 65e9, 1400e9),
                ],
                Some(m) => {
                    let arr = m
                        .read_lock::<Array>()
                        .ok_or_else(|| fail(&ctx, "models must be an array of [name, N, D]"))?;
                    arr.iter()
                        .enumerate()
                        .map(|(i, e)| {
                            let e = e.read_lock::<Array>().filter(|e| e.len() == 3).ok_or_else(
                                || fail(&ctx, format!("models[{i}] must be [name, N, D]")),
                            )?;
                            Ok((
                                e[0].to_string(),
                                args::number(&ctx, &format!("models[{i}] N"), &e[1])?,
                                args::number(&ctx, &format!("models[{i}] D"), &e[2])?,
                            ))
                        })
                        .collect::<ScriptResult<Vec<_>>>()?
                }
            };
        lift(&ctx, studies::frontier(&law, r, pts, &models))
    }

    /// Labelled isolines of L(N, D) on log-log axes (the first seed's panel 4).
    /// Options: `N_range` ([1e9, 1e11]), `D_range` ([1e10, 1e13]), `grid` (30), `levels` (15).
    ///
    /// ```rhai
    /// plot_loss_landscape(law("chinchilla"), #{levels: 10})
    /// ```
    #[rhai_fn(return_raw)]
    pub fn plot_loss_landscape(
        ctx: NativeCallContext,
        law: Law,
        options: Map,
    ) -> ScriptResult<Chart> {
        law_options(&ctx, &options, &["N_range", "D_range", "grid", "levels"])?;
        let nr = opt_pair(&ctx, &options, "N_range", (1e9, 1e11))?;
        let dr = opt_pair(&ctx, &options, "D_range", (1e10, 1e13))?;
        let grid = args::opt_whole(&ctx, &options, "grid", 30)?;
        let levels = args::opt_whole(&ctx, &options, "levels", 15)?;
        if !(1..=100).contains(&levels) {
            return Err(fail(
                &ctx,
                format!("levels must be from 1 to 100, got {levels}"),
            ));
        }
        lift(
            &ctx,
            studies::loss_landscape(&law, nr, dr, grid, levels as usize),
        )
    }

    /// An empty one-chart figure (6.4 x 4.8 inches at 100 dpi, as matplotlib).
    #[rhai_fn(name = "figure")]
    pub fn figure_new() -> Figure {
        Figure::new(1, 1).expect("1 x 1 is valid")
    }

    /// A figure of `rows` x `cols` charts: options `rows`, `cols`, `size`
    /// (`[width, height]` in inches, matplotlib's figsize), `dpi` (100), `title`.
    ///
    /// ```rhai
    /// let fig = figure(#{rows: 2, cols: 2, size: [14, 10], dpi: 150});
    /// ```
    #[rhai_fn(name = "figure", return_raw)]
    pub fn figure_with(ctx: NativeCallContext, options: Map) -> ScriptResult<Figure> {
        args::options(&ctx, &options, &["rows", "cols", "size", "dpi", "title"])?;
        let rows = args::opt_whole(&ctx, &options, "rows", 1)?;
        let cols = args::opt_whole(&ctx, &options, "cols", 1)?;
        if rows < 1 || cols < 1 {
            return Err(fail(
                &ctx,
                format!("rows and cols must be at least 1, got {rows} x {cols}"),
            ));
        }
        let mut f = lift(&ctx, Figure::new(rows as usize, cols as usize))?;
        let size = opt_pair(&ctx, &options, "size", f.figsize)?;
        let dpi = args::opt_number(&ctx, &options, "dpi", f.dpi)?;
        lift(&ctx, f.set_size(size, dpi))?;
        f.title = options.get("title").map(|t| t.to_string());
        Ok(f)
    }

    /// Put the next chart into the figure (row by row).
    #[rhai_fn(name = "add", return_raw)]
    pub fn figure_add(ctx: NativeCallContext, f: &mut Figure, chart: Chart) -> ScriptResult<()> {
        lift(&ctx, f.push(chart))
    }

    /// Write the figure as PNG or SVG (by extension); relative paths go
    /// under the runner's `--out` folder. Written atomically; returns the path.
    ///
    /// ```rhai
    /// let fig = figure();
    /// fig.add(plot_loglog(logspace(6, 11, 50), chinchilla_loss(logspace(6, 11, 50), 200e9)));
    /// fig.save("loss.svg");
    /// ```
    #[rhai_fn(name = "save", return_raw)]
    pub fn figure_save(ctx: NativeCallContext, f: &mut Figure, path: &str) -> ScriptResult<String> {
        super::save_figure(&ctx, f, path)
    }

    /// Write a single chart as PNG or SVG (6.4 x 4.8 inches at 100 dpi).
    #[rhai_fn(name = "save", return_raw)]
    pub fn chart_save(ctx: NativeCallContext, c: &mut Chart, path: &str) -> ScriptResult<String> {
        super::save_figure(&ctx, &Figure::single(c.clone()), path)
    }

    /// Pixel size of the figure as `[width, height]`.
    #[rhai_fn(get = "pixels", pure)]
    pub fn figure_pixels(f: &mut Figure) -> Array {
        let (w, h) = f.pixels();
        vec![Dynamic::from_int(w as INT), Dynamic::from_int(h as INT)]
    }

    /// The figure as SVG text.
    #[rhai_fn(return_raw)]
    pub fn to_svg(ctx: NativeCallContext, f: Figure) -> ScriptResult<String> {
        lift(&ctx, scaling_lab_core::plot::render::to_svg(&f))
    }
}
