//! Fitting in scripts: read runs, fit a law, single power laws, IsoFLOP profiles.

use rhai::plugin::*;
use rhai::{Map, NativeCallContext, FLOAT};

use crate::args::{self, fail, lift, ScriptResult};
use scaling_lab_core::fit::power::PowerFit;
use scaling_lab_core::fit::{objective::Penalty, FitOptions, Grid, Run};
use scaling_lab_core::table::Table;

fn num_col(ctx: &NativeCallContext, t: &Table, name: &str) -> ScriptResult<Vec<FLOAT>> {
    Ok(lift(ctx, t.num_column(name))?.to_vec())
}

fn opt_str(ctx: &NativeCallContext, o: &Map, key: &str, default: &str) -> ScriptResult<String> {
    match o.get(key) {
        None => Ok(default.to_string()),
        Some(v) if v.is_string() => Ok(v.to_string()),
        Some(v) => Err(fail(
            ctx,
            format!(
                "{key} must be a column name (string), got {}",
                args::type_name(v)
            ),
        )),
    }
}

/// Runs from a table: columns N, loss, and D or C (D = C / 6N), optional weights.
pub(crate) fn runs_from(ctx: &NativeCallContext, t: &Table, o: &Map) -> ScriptResult<Vec<Run>> {
    let n = num_col(ctx, t, &opt_str(ctx, o, "N", "N")?)?;
    let loss = num_col(ctx, t, &opt_str(ctx, o, "loss", "loss")?)?;
    let d_name = opt_str(ctx, o, "D", "D")?;
    let d = if o.contains_key("D") || t.names().contains(&d_name) {
        num_col(ctx, t, &d_name)?
    } else {
        let c = num_col(ctx, t, &opt_str(ctx, o, "C", "C")?)?;
        c.iter().zip(&n).map(|(c, n)| c / (6.0 * n)).collect()
    };
    let w = match o.get("weights") {
        Some(col) => num_col(ctx, t, &col.to_string())?,
        None => vec![1.0; n.len()],
    };
    Ok((0..n.len())
        .map(|i| Run {
            n: n[i],
            d: d[i],
            loss: loss[i],
            weight: w[i],
        })
        .collect())
}

fn fit_options(ctx: &NativeCallContext, o: &Map) -> ScriptResult<FitOptions> {
    let known = [
        "N",
        "D",
        "C",
        "loss",
        "weights",
        "loss_fn",
        "delta",
        "over",
        "fix",
        "grid",
        "bootstrap",
        "seed",
        "progress",
    ];
    args::options(ctx, o, &known)?;
    let st = crate::state::state(ctx);
    let mut opts = FitOptions {
        budget: st.budget.clone(),
        ..FitOptions::default()
    };
    let mut progress = true;
    let delta = args::opt_number(ctx, o, "delta", 1e-3)?;
    opts.penalty = match opt_str(ctx, o, "loss_fn", "huber")?.as_str() {
        "huber" => Penalty::Huber(delta),
        "squared" => Penalty::Squared,
        "asymmetric" => Penalty::Asymmetric(args::opt_number(ctx, o, "over", 4.0)?),
        other => {
            return Err(fail(
                ctx,
                format!("loss_fn must be \"huber\", \"squared\" or \"asymmetric\", got '{other}'"),
            ))
        }
    };
    if let Some(f) = o.get("fix") {
        let m = f
            .read_lock::<Map>()
            .ok_or_else(|| fail(ctx, "fix must be a map like #{E: 1.69}"))?;
        args::options(ctx, &m, &["E", "A", "B", "alpha", "beta"])?;
        let get = |k: &str| m.get(k).map(|v| args::number(ctx, k, v)).transpose();
        opts.fixed.e = get("E")?;
        opts.fixed.a = get("A")?;
        opts.fixed.b = get("B")?;
        opts.fixed.alpha = get("alpha")?;
        opts.fixed.beta = get("beta")?;
    }
    if let Some(g) = o.get("grid") {
        let m = g.read_lock::<Map>().ok_or_else(|| {
            fail(
                ctx,
                "grid must be a map of arrays, e.g. #{alpha: [0.3, 0.5]}",
            )
        })?;
        args::options(ctx, &m, &["a", "b", "e", "alpha", "beta"])?;
        let mut grid = Grid::default();
        for (k, v) in m.iter() {
            let vals = args::numbers(ctx, &format!("grid.{k}"), v)?;
            match k.as_str() {
                "a" => grid.a = vals,
                "b" => grid.b = vals,
                "e" => grid.e = vals,
                "alpha" => grid.alpha = vals,
                _ => grid.beta = vals,
            }
        }
        opts.grid = grid;
    }
    if let Some(b) = o.get("bootstrap") {
        let b = args::whole(ctx, "bootstrap", b)?;
        if !(0..=100_000).contains(&b) {
            return Err(fail(
                ctx,
                format!("bootstrap must be from 0 to 100000 resamples, got {b}"),
            ));
        }
        opts.bootstrap = b as usize;
    }
    if let Some(s) = o.get("seed") {
        opts.seed = args::whole(ctx, "seed", s)? as u64;
    }
    progress = args::opt_flag(ctx, o, "progress", progress)?;
    opts.progress = if progress { st.progress.clone() } else { None };
    Ok(opts)
}

/// A power-law fit as scripts see it.
#[derive(serde::Serialize)]
struct PowerView {
    k: f64,
    a: f64,
    a_stderr: f64,
    a_ci: [f64; 2],
    k_ci: [f64; 2],
    r2: f64,
    n: usize,
}

pub(crate) fn power_view(f: &PowerFit) -> impl serde::Serialize {
    PowerView {
        k: f.k,
        a: f.a,
        a_stderr: f.a_stderr,
        a_ci: [f.a_ci.0, f.a_ci.1],
        k_ci: [f.k_ci.0, f.k_ci.1],
        r2: f.r2,
        n: f.n,
    }
}

#[export_module]
pub mod api {
    use rhai::{Dynamic, Map, NativeCallContext};

    use crate::args::{self, fail, lift, ScriptResult};
    use scaling_lab_core::fit::{self, power, simulate};
    use scaling_lab_core::laws::Law;
    use scaling_lab_core::plot::Figure;
    use scaling_lab_core::table::{Column, Table};

    use super::{fit_options, power_view, runs_from};
    use crate::convert::to_script;

    /// Read a CSV file with a header row into a Table (relative paths are
    /// relative to the current folder). A column whose first cell is a
    /// number is numeric, and then every cell must be; errors name the row
    /// and column.
    ///
    /// ```rhai,no_run
    /// let runs = read_csv("runs.csv");
    /// ```
    #[rhai_fn(return_raw)]
    pub fn read_csv(ctx: NativeCallContext, path: &str) -> ScriptResult<Table> {
        let st = crate::state::state(&ctx);
        let text = lift(&ctx, st.files.read_to_string(path))?;
        lift(&ctx, Table::parse_csv(&text).map_err(|e| e.in_file(path)))
    }

    /// Fit L(N, D) = E + A/N^alpha + B/D^beta to a table of runs (columns
    /// `N`, `D`, `loss`) by Hoffmann et al. 2022's Approach 3: the sum of
    /// Huber losses (delta 1e-3) of log residuals, L-BFGS from their grid of
    /// 4,500 starts, the best kept. Returns a Law carrying `.fit`.
    /// See `fit_law(table, options)` for options.
    #[rhai_fn(name = "fit_law", return_raw)]
    pub fn fit_law(ctx: NativeCallContext, runs: Table) -> ScriptResult<Law> {
        fit_law_with(ctx, runs, Map::new())
    }

    /// `fit_law` with options: column names `N`, `D` (or `C`, tokens then
    /// C/(6N)), `loss`, `weights`; `loss_fn` ("huber" with `delta`,
    /// "squared", or "asymmetric" with `over`, the weight of over-prediction);
    /// `fix` (e.g. `#{E: 1.69}`); `grid` (starting values per coefficient,
    /// in Hoffmann's parameterisation a = ln A, b = ln B, e = ln E);
    /// `bootstrap` (resamples for standard errors and 95% intervals) and `seed`.
    ///
    /// ```rhai
    /// let truth = law("chinchilla");
    /// let runs = simulate_runs(truth, #{noise: 0.005, seed: 7});
    /// let fitted = fit_law(runs, #{grid: #{a: [5.0], b: [5.0], e: [0.5]}});
    /// fitted.coefficients.alpha   // 0.34 (about)
    /// ```
    #[rhai_fn(name = "fit_law", return_raw)]
    pub fn fit_law_with(ctx: NativeCallContext, runs: Table, options: Map) -> ScriptResult<Law> {
        let opts = fit_options(&ctx, &options)?;
        let runs = runs_from(&ctx, &runs, &options)?;
        Ok(lift(&ctx, fit::fit_law(&runs, &opts))?.into_law())
    }

    /// Diagnostics of a fitted law: `objective`, `starts`, `converged`,
    /// `runs`, `residuals` (log, predicted minus observed), `bootstrap`, and
    /// when bootstrapped `stderr` and `ci95` (maps over E, A, B, alpha, beta).
    #[rhai_fn(get = "fit", pure, return_raw)]
    pub fn get_fit(ctx: NativeCallContext, law: &mut Law) -> ScriptResult<Dynamic> {
        let Some(r) = law.fit.as_ref() else {
            return Err(fail(
                &ctx,
                format!("law '{}' was not fitted (use fit_law)", law.name),
            ));
        };
        type ByName = Option<serde_json::Map<String, serde_json::Value>>;
        #[derive(serde::Serialize)]
        struct View<'a> {
            objective: f64,
            starts: usize,
            converged: usize,
            runs: usize,
            residuals: &'a [f64],
            bootstrap: usize,
            #[serde(skip_serializing_if = "Option::is_none")]
            stderr: ByName,
            #[serde(skip_serializing_if = "Option::is_none")]
            ci95: ByName,
        }
        let names = ["E", "A", "B", "alpha", "beta"];
        let by_name =
            |f: &dyn Fn(&scaling_lab_core::fit::Interval) -> serde_json::Value| -> ByName {
                r.intervals.map(|iv| {
                    names
                        .iter()
                        .zip(iv.iter())
                        .map(|(n, i)| (n.to_string(), f(i)))
                        .collect()
                })
            };
        let view = View {
            objective: r.objective,
            starts: r.starts,
            converged: r.converged,
            runs: r.runs,
            residuals: &r.residuals,
            bootstrap: r.bootstrap,
            stderr: by_name(&|i| serde_json::json!(i.stderr)),
            ci95: by_name(&|i| serde_json::json!([i.low, i.high])),
        };
        to_script(&ctx, &view)
    }

    /// Fit y = k x^a by least squares in log-log space: `#{k, a, a_stderr,
    /// a_ci, k_ci, r2, n}` (95% intervals from Student's t).
    ///
    /// ```rhai
    /// fit_power_law([1e20, 1e21, 1e22], [1e9, 3.16e9, 1e10]).a   // 0.5
    /// ```
    #[rhai_fn(return_raw)]
    pub fn fit_power_law(
        ctx: NativeCallContext,
        xs: Dynamic,
        ys: Dynamic,
    ) -> ScriptResult<Dynamic> {
        let xs = args::numbers(&ctx, "xs", &xs)?;
        let ys = args::numbers(&ctx, "ys", &ys)?;
        to_script(
            &ctx,
            &power_view(&lift(&ctx, power::fit_power_law(&xs, &ys))?),
        )
    }

    /// Hoffmann et al. 2022 Approach 2: group runs by budget (column `C`, or
    /// 6ND), fit a parabola of loss in ln N per budget, then power laws
    /// N_opt = k C^a and D_opt = k C^b. Returns `#{minima: Table, N: fit, D: fit}`.
    /// Options: column names `N`, `D`, `C`, `loss`.
    #[rhai_fn(return_raw)]
    pub fn fit_isoflop(ctx: NativeCallContext, runs: Table, options: Map) -> ScriptResult<Map> {
        args::options(&ctx, &options, &["N", "D", "C", "loss"])?;
        let rs = runs_from(&ctx, &runs, &options)?;
        let c_name = options.get("C").map_or("C".to_string(), |v| v.to_string());
        let c: Vec<f64> = if runs.names().contains(&c_name) {
            lift(&ctx, runs.num_column(&c_name))?.to_vec()
        } else {
            rs.iter().map(|r| 6.0 * r.n * r.d).collect()
        };
        let n: Vec<f64> = rs.iter().map(|r| r.n).collect();
        let l: Vec<f64> = rs.iter().map(|r| r.loss).collect();
        let f = lift(&ctx, power::isoflop(&n, &c, &l))?;
        let mut minima = lift(
            &ctx,
            Table::from_columns([
                ("C", Column::Num(f.minima.iter().map(|m| m.c).collect())),
                (
                    "N_opt",
                    Column::Num(f.minima.iter().map(|m| m.n_opt).collect()),
                ),
                (
                    "D_opt",
                    Column::Num(f.minima.iter().map(|m| m.d_opt).collect()),
                ),
                (
                    "loss",
                    Column::Num(f.minima.iter().map(|m| m.loss).collect()),
                ),
                (
                    "runs",
                    Column::Num(f.minima.iter().map(|m| m.runs as f64).collect()),
                ),
            ]),
        )?;
        for c in ["N_opt", "D_opt"] {
            lift(
                &ctx,
                minima.set_format(c, scaling_lab_core::table::NumFormat::Si),
            )?;
        }
        lift(
            &ctx,
            minima.set_format("C", scaling_lab_core::table::NumFormat::Sci(2)),
        )?;
        let mut m = Map::new();
        m.insert("minima".into(), Dynamic::from(minima));
        m.insert("N".into(), to_script(&ctx, &power_view(&f.n_fit))?);
        m.insert("D".into(), to_script(&ctx, &power_view(&f.d_fit))?);
        Ok(m)
    }

    /// Hoffmann Approach 2 with the default column names (`N`, `D` or `C`, `loss`).
    #[rhai_fn(name = "fit_isoflop", return_raw)]
    pub fn fit_isoflop_default(ctx: NativeCallContext, runs: Table) -> ScriptResult<Map> {
        fit_isoflop(ctx, runs, Map::new())
    }

    /// Synthetic runs from a law: for each budget (`budgets`, default
    /// 1e18..1e21 in 7 steps) `per_budget` (9) sizes over `spread` (1)
    /// decades either side of the optimum, D = C/(6N), loss times
    /// exp(`noise` z) with z standard normal (`noise` 0.01, `seed` 1).
    /// Columns N, D, C, loss.
    #[rhai_fn(return_raw)]
    pub fn simulate_runs(ctx: NativeCallContext, law: Law, options: Map) -> ScriptResult<Table> {
        args::options(
            &ctx,
            &options,
            &["budgets", "per_budget", "spread", "noise", "seed"],
        )?;
        let budgets = match options.get("budgets") {
            Some(b) => args::numbers(&ctx, "budgets", b)?,
            None => lift(&ctx, scaling_lab_core::numeric::logspace(18.0, 21.0, 7))?,
        };
        let per = args::opt_whole(&ctx, &options, "per_budget", 9)?;
        if !(1..=1000).contains(&per) {
            return Err(fail(
                &ctx,
                format!("per_budget must be from 1 to 1000, got {per}"),
            ));
        }
        args::check_size(&ctx, "the runs", budgets.len() as f64 * per as f64 * 4.0)?;
        lift(
            &ctx,
            crate::state::state(&ctx).budget.charge_elements(
                budgets.len() * per as usize,
                scaling_lab_core::budget::work::MATH * 4,
            ),
        )?;
        let spread = args::opt_number(&ctx, &options, "spread", 1.0)?;
        let noise = args::opt_number(&ctx, &options, "noise", 0.01)?;
        let seed = args::opt_whole(&ctx, &options, "seed", 1)?;
        let runs = lift(
            &ctx,
            simulate::isoflop_runs(&law, &budgets, per as usize, spread, noise, seed as u64),
        )?;
        let col = |f: fn(&fit::Run) -> f64| Column::Num(runs.iter().map(f).collect());
        lift(
            &ctx,
            Table::from_columns([
                ("N", col(|r| r.n)),
                ("D", col(|r| r.d)),
                ("C", col(|r| 6.0 * r.n * r.d)),
                ("loss", col(|r| r.loss)),
            ]),
        )
    }

    /// The data, the fitted law along each compute budget, and the log
    /// residuals: a 2 x 1 figure. Columns N, D, loss.
    #[rhai_fn(name = "plot_fit", return_raw)]
    pub fn plot_fit(ctx: NativeCallContext, law: Law, runs: Table) -> ScriptResult<Figure> {
        plot_fit_with(ctx, law, runs, Map::new())
    }

    /// `plot_fit` with the column options `fit_law` takes: `N`, `D` (or
    /// `C`), `loss`, so the same options map serves both.
    ///
    /// ```rhai
    /// let runs = simulate_runs(law("chinchilla"), #{seed: 1}).rename(#{N: "params"});
    /// let o = #{N: "params", grid: #{a: [6.0], b: [6.0], e: [0.5]}};
    /// plot_fit(fit_law(runs, o), runs, o)
    /// ```
    #[rhai_fn(name = "plot_fit", return_raw)]
    pub fn plot_fit_with(
        ctx: NativeCallContext,
        law: Law,
        runs: Table,
        options: Map,
    ) -> ScriptResult<Figure> {
        let rs = runs_from(&ctx, &runs, &options)?;
        lift(&ctx, scaling_lab_core::plot::studies::fit_figure(&law, &rs))
    }

    /// A fitted law's loss at N parameters and D tokens with its 95%
    /// bootstrap interval (`low`, `high`: the law under every bootstrap
    /// refit, so the coefficients' correlations are kept) when it was
    /// fitted with `bootstrap`. N and D may be vectors (a Table).
    ///
    /// ```rhai
    /// law("chinchilla").predict(70e9, 1.4e12).loss   // 1.9366
    /// ```
    #[rhai_fn(name = "predict", return_raw)]
    pub fn predict(
        ctx: NativeCallContext,
        law: &mut Law,
        n: Dynamic,
        d: Dynamic,
    ) -> ScriptResult<Dynamic> {
        use crate::args::Numeric;
        let (nn, dd) = (
            Numeric::from_dynamic(&ctx, "N", &n)?,
            Numeric::from_dynamic(&ctx, "D", &d)?,
        );
        if let (Numeric::Scalar(a), Numeric::Scalar(b)) = (&nn, &dd) {
            return to_script(&ctx, &lift(&ctx, law.predict(*a, *b))?);
        }
        let get = |v: &Numeric, i: usize| match v {
            Numeric::Scalar(x) => *x,
            Numeric::Vector(x) => x[i],
        };
        let len = |v: &Numeric| match v {
            Numeric::Scalar(_) => None,
            Numeric::Vector(x) => Some(x.len()),
        };
        let n_len = match (len(&nn), len(&dd)) {
            (Some(a), Some(b)) if a != b => {
                return Err(fail(
                    &ctx,
                    format!("N and D must have the same length, got {a} and {b}"),
                ))
            }
            (Some(a), _) | (None, Some(a)) => a,
            (None, None) => 1,
        };
        let samples = law.fit.as_ref().map_or(1, |r| r.samples.len().max(1));
        lift(
            &ctx,
            crate::state::state(&ctx)
                .budget
                .charge_elements(n_len * samples, scaling_lab_core::budget::work::MATH),
        )?;
        let rows = (0..n_len)
            .map(|i| {
                law.predict(get(&nn, i), get(&dd, i))
                    .map_err(|e| fail(&ctx, format!("[{i}]: {e}")))
            })
            .collect::<ScriptResult<Vec<_>>>()?;
        Ok(Dynamic::from(lift(&ctx, Table::from_records(&rows))?))
    }

    /// How far a fitted law carries: the runs' losses against their
    /// budgets, the law's compute-optimal loss up to `C_max` with its 95%
    /// bootstrap band (when fitted with `bootstrap`), and a line at the
    /// largest run. Options: the column names of `fit_law`.
    ///
    /// ```rhai
    /// let runs = simulate_runs(law("chinchilla"), #{seed: 3});
    /// let fitted = fit_law(runs, #{bootstrap: 20, grid: #{a: [6.0], b: [6.0], e: [0.5]}});
    /// plot_extrapolation(fitted, runs, 1e25)
    /// ```
    #[rhai_fn(name = "plot_extrapolation", return_raw)]
    pub fn plot_extrapolation(
        ctx: NativeCallContext,
        law: Law,
        runs: Table,
        c_max: Dynamic,
    ) -> ScriptResult<scaling_lab_core::plot::Chart> {
        plot_extrapolation_with(ctx, law, runs, c_max, Map::new())
    }

    /// `plot_extrapolation` with column options (`N`, `D` or `C`, `loss`).
    #[rhai_fn(name = "plot_extrapolation", return_raw)]
    pub fn plot_extrapolation_with(
        ctx: NativeCallContext,
        law: Law,
        runs: Table,
        c_max: Dynamic,
        options: Map,
    ) -> ScriptResult<scaling_lab_core::plot::Chart> {
        let rs = runs_from(&ctx, &runs, &options)?;
        let c = args::number(&ctx, "C_max", &c_max)?;
        let samples = law.fit.as_ref().map_or(1, |r| r.samples.len().max(1));
        lift(
            &ctx,
            crate::state::state(&ctx)
                .budget
                .charge_elements(80 * samples, scaling_lab_core::budget::work::MATH),
        )?;
        lift(
            &ctx,
            scaling_lab_core::plot::studies::extrapolation(&law, &rs, c),
        )
    }
}
