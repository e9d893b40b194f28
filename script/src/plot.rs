//! Charts and figures in scripts: build, then `save("name.png")` or `.svg`.

use rhai::plugin::*;

use rhai::{Array, Dynamic, Map, NativeCallContext, FLOAT};

use crate::args::{self, fail, lift, ScriptResult};
use crate::options;
use scaling_lab_core::plot::options::{
    AnnotationOptions, BandOptions, ChartOptions, RefLineOptions, SeriesOptions,
};
use scaling_lab_core::plot::render::ImageFormat;
use scaling_lab_core::plot::{Chart, Contours, Figure, Mark, Orientation, Series};

/// Write a figure to `path` (PNG or SVG by extension) inside the output folder.
pub(crate) fn save_figure(
    ctx: &NativeCallContext,
    fig: &Figure,
    path: &str,
) -> ScriptResult<String> {
    let st = crate::state::state(ctx);
    let name = lift(ctx, st.files.writable_name(path, &ImageFormat::EXTENSIONS))?;
    // Drawing is native work like any other: charged before it starts.
    let cost = fig.draw_cost();
    lift(
        ctx,
        st.budget
            .charge((cost.ns as u64).div_ceil(scaling_lab_core::budget::NS_PER_UNIT)),
    )?;
    let bytes = lift(ctx, fig.encode(lift(ctx, ImageFormat::of(&name))?))?;
    let target = lift(ctx, st.files.write(path, &ImageFormat::EXTENSIONS, &bytes))?;
    Ok(target.display().to_string())
}

fn apply_chart_options(ctx: &NativeCallContext, c: &mut Chart, o: &Map) -> ScriptResult<()> {
    let o: ChartOptions = options::read(ctx, o)?;
    lift(ctx, o.apply(c))
}

fn series(
    ctx: &NativeCallContext,
    mark: Mark,
    xs: &Dynamic,
    ys: &Dynamic,
    o: &Map,
) -> ScriptResult<Series> {
    let o: SeriesOptions = options::read(ctx, o)?;
    let to_vec = |name: &str, v: &Dynamic| -> ScriptResult<Vec<FLOAT>> {
        match args::as_number(v) {
            Some(x) => Ok(vec![x]),
            None => args::numbers(ctx, name, v),
        }
    };
    let mut s = lift(ctx, Series::new(mark, to_vec("xs", xs)?, to_vec("ys", ys)?))?;
    lift(ctx, o.apply(&mut s))?;
    Ok(s)
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
    let o: AnnotationOptions = options::read(ctx, o)?;
    let a = lift(
        ctx,
        o.annotation(
            args::number(ctx, "x", x)?,
            args::number(ctx, "y", y)?,
            text,
            point,
        ),
    )?;
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
    let o: RefLineOptions = options::read(ctx, o)?;
    let r = lift(ctx, o.line(orientation, args::number(ctx, "value", at)?))?;
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
    let o: BandOptions = options::read(ctx, o)?;
    let xs = args::numbers(ctx, "xs", xs)?;
    let n = xs.len();
    let lo = numbers_or_one(ctx, "lower", lower, n)?;
    let hi = numbers_or_one(ctx, "upper", upper, n)?;
    let mut s = lift(ctx, Series::band(xs, lo, hi))?;
    lift(ctx, o.apply(&mut s))?;
    Ok(s)
}

/// Add a series, checking the chart's total points against the size limit.
fn add_series(ctx: &NativeCallContext, c: &mut Chart, s: Series) -> ScriptResult<()> {
    let points: usize = c.series.iter().map(|s| s.xs.len()).sum::<usize>() + s.xs.len();
    args::check_size(ctx, "the chart's points", points as f64)?;
    lift(ctx, c.add(s))
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
            if filled {
                scaling_lab_core::plot::CONTOUR_NS_PER_CELL_LEVEL.1
            } else {
                scaling_lab_core::plot::CONTOUR_NS_PER_CELL_LEVEL.0
            },
        ),
    )?;
    let z: Vec<f64> = rows.concat();
    let sorted = |g: &[f64]| g.windows(2).all(|w| w[0] < w[1]);
    if !sorted(&xs) || !sorted(&ys) {
        return Err(fail(ctx, "xs and ys must be strictly increasing"));
    }
    let k = lift(
        ctx,
        Contours::from_grid(&xs, &ys, (c.x_scale, c.y_scale), &z, &explicit, n, filled),
    )?;
    c.contours = Some(k);
    lift(ctx, c.validate())
}

#[export_module]
pub mod api {
    use super::{apply_chart_options, series};
    use crate::args::{lift, ScriptResult};
    use crate::options;
    use rhai::{Array, Dynamic, Map, NativeCallContext, INT};
    use scaling_lab_core::laws::Law;
    use scaling_lab_core::plot::options::{
        FigureOptions, FrontierOptions, LandscapeOptions, LossVsParamsOptions, LossVsTokensOptions,
    };
    use scaling_lab_core::plot::Orientation;
    use scaling_lab_core::plot::{Chart, Figure, Mark, Scale};

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

    /// A chart with a title, labels, scales, grid, legend or limits.
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
        let o: LossVsParamsOptions = options::read(&ctx, &options)?;
        lift(&ctx, o.chart(&law))
    }

    /// Loss against tokens at fixed size, log-log (the first seed's panel 2).
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
        let o: LossVsTokensOptions = options::read(&ctx, &options)?;
        lift(&ctx, o.chart(&law))
    }

    /// The compute-optimal frontier D_opt against N_opt, log-log, with named
    /// models as points (the first seed's panel 3, with Hoffmann eq. 4).
    ///
    /// ```rhai
    /// plot_frontier(law("chinchilla"), #{models: [["GPT-3", 175e9, 300e9]]})
    /// ```
    #[rhai_fn(return_raw)]
    pub fn plot_frontier(ctx: NativeCallContext, law: Law, options: Map) -> ScriptResult<Chart> {
        let o: FrontierOptions = options::read(&ctx, &options)?;
        lift(&ctx, o.chart(&law))
    }

    /// Labelled isolines of L(N, D) on log-log axes (the first seed's panel 4).
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
        let o: LandscapeOptions = options::read(&ctx, &options)?;
        lift(&ctx, o.chart(&law))
    }

    /// An empty one-chart figure (6.4 x 4.8 inches at 100 dpi, as matplotlib).
    #[rhai_fn(name = "figure")]
    pub fn figure_new() -> Figure {
        Figure::new(1, 1).expect("1 x 1 is valid")
    }

    /// A figure of `rows` x `cols` charts, its size and title.
    ///
    /// ```rhai
    /// let fig = figure(#{rows: 2, cols: 2, size: [14, 10], dpi: 150});
    /// ```
    #[rhai_fn(name = "figure", return_raw)]
    pub fn figure_with(ctx: NativeCallContext, options: Map) -> ScriptResult<Figure> {
        let o: FigureOptions = options::read(&ctx, &options)?;
        lift(&ctx, o.figure())
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
