//! Fitting in scripts: read runs, fit a law, single power laws, IsoFLOP profiles.

use rhai::plugin::*;
use rhai::NativeCallContext;

use crate::args::{lift, ScriptResult};
use scaling_lab_core::fit::power::PowerFit;
use scaling_lab_core::fit::{FitLawOptions, FitOptions, Run, RunColumns};
use scaling_lab_core::table::Table;

/// Runs from a table, with the column names of `o`.
pub(crate) fn runs_from(
    ctx: &NativeCallContext,
    t: &Table,
    o: &RunColumns,
) -> ScriptResult<Vec<Run>> {
    lift(ctx, o.runs(t))
}

/// `fit_law`'s settings, with this engine's budget and progress bar.
fn fit_options(ctx: &NativeCallContext, o: &FitLawOptions) -> ScriptResult<FitOptions> {
    let st = crate::state::state(ctx);
    Ok(FitOptions {
        budget: st.budget.clone(),
        progress: if o.progress {
            st.progress.clone()
        } else {
            None
        },
        ..lift(ctx, o.fit_options())?
    })
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

/// A law's answer at each budget of `c` (a number gives a map, a vector a
/// Table) with its bootstrap interval at the `level` of `options`, the
/// work charged per refit.
fn per_budget<R: scaling_lab_core::table::Record + Sync>(
    ctx: &NativeCallContext,
    law: &scaling_lab_core::laws::Law,
    c: &Dynamic,
    options: &rhai::Map,
    answer: fn(&scaling_lab_core::laws::Law, f64, f64) -> scaling_lab_core::Result<R>,
) -> ScriptResult<Dynamic> {
    let o: scaling_lab_core::laws::fitted::IntervalOptions = crate::options::read(ctx, options)?;
    let work = scaling_lab_core::budget::work::MATH * law.evaluations() as u64;
    crate::convert::record_result(ctx, "C", c, work, |c| answer(law, c, o.level.get()))
}

#[export_module]
pub mod api {
    use rhai::{Dynamic, Map, NativeCallContext};

    use crate::args::{self, fail, lift, ScriptResult};
    use scaling_lab_core::fit::{self, power, simulate};
    use scaling_lab_core::laws::Law;
    use scaling_lab_core::plot::Figure;
    use scaling_lab_core::table::{Column, Table};

    use super::{fit_options, per_budget, power_view, runs_from};
    use crate::convert::to_script;
    use crate::options;
    use scaling_lab_core::fit::{FitLawOptions, RunColumns, SimulateOptions};
    use scaling_lab_core::laws::fitted::IntervalOptions;

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

    /// `fit_law` with other columns, penalty, fixed coefficients, starting
    /// grid or a bootstrap for intervals.
    ///
    /// ```rhai
    /// let truth = law("chinchilla");
    /// let runs = simulate_runs(truth, #{noise: 0.005, seed: 7});
    /// let fitted = fit_law(runs, #{grid: #{a: [5.0], b: [5.0], e: [0.5]}});
    /// fitted.coefficients.alpha   // 0.34 (about)
    /// ```
    #[rhai_fn(name = "fit_law", return_raw)]
    pub fn fit_law_with(ctx: NativeCallContext, runs: Table, options: Map) -> ScriptResult<Law> {
        let o: FitLawOptions = options::read(&ctx, &options)?;
        let opts = fit_options(&ctx, &o)?;
        let runs = runs_from(&ctx, &runs, &o.columns)?;
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
        let o: RunColumns = options::read(&ctx, &options)?;
        let rs = runs_from(&ctx, &runs, &o)?;
        let c = lift(&ctx, o.compute(&runs, &rs))?;
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

    /// Synthetic runs from a law: for each budget, sizes spread in decades
    /// either side of the optimum, D = C/(6N), loss times exp(noise z) with
    /// z standard normal. Columns N, D, C, loss.
    #[rhai_fn(return_raw)]
    pub fn simulate_runs(ctx: NativeCallContext, law: Law, options: Map) -> ScriptResult<Table> {
        let o: SimulateOptions = options::read(&ctx, &options)?;
        let budgets = lift(&ctx, o.budgets())?;
        let per = lift(&ctx, o.per_budget())?;
        args::check_size(&ctx, "the runs", budgets.len() as f64 * per as f64 * 4.0)?;
        lift(
            &ctx,
            crate::state::state(&ctx).budget.charge_elements(
                budgets.len() * per,
                scaling_lab_core::budget::work::MATH * 4,
            ),
        )?;
        let runs = lift(
            &ctx,
            simulate::isoflop_runs(
                &law,
                &budgets,
                per,
                o.spread.get(),
                o.noise.get(),
                o.seed.get() as u64,
            ),
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
        let o: FitLawOptions = options::read(&ctx, &options)?;
        let rs = runs_from(&ctx, &runs, &o.columns)?;
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
        predict_level(ctx, law, n, d, Map::new())
    }

    /// `predict(N, D)` with the interval's `level` (0.95 by default).
    ///
    /// ```rhai
    /// let runs = simulate_runs(law("chinchilla"), #{seed: 2});
    /// let fitted = fit_law(runs, #{bootstrap: 50, grid: #{a: [6.0], b: [6.0], e: [0.5]}});
    /// let p = fitted.predict(1e10, 2e11, #{level: 0.8});
    /// p.low < p.loss && p.loss < p.high   // true
    /// ```
    #[rhai_fn(name = "predict", return_raw)]
    pub fn predict_level(
        ctx: NativeCallContext,
        law: &mut Law,
        n: Dynamic,
        d: Dynamic,
        options: Map,
    ) -> ScriptResult<Dynamic> {
        let o: IntervalOptions = options::read(&ctx, &options)?;
        let level = o.level.get();
        use crate::args::Numeric;
        let (nn, dd) = (
            Numeric::from_dynamic(&ctx, "N", &n)?,
            Numeric::from_dynamic(&ctx, "D", &d)?,
        );
        if let (Numeric::Scalar(a), Numeric::Scalar(b)) = (&nn, &dd) {
            return to_script(&ctx, &lift(&ctx, law.predict_at(*a, *b, level))?);
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
        let samples = law.evaluations() as u64;
        let law = &*law;
        let table = crate::convert::record_table(
            &ctx,
            n_len,
            scaling_lab_core::budget::work::MATH * samples,
            |i| format!("[{i}]"),
            |i| law.predict_at(get(&nn, i), get(&dd, i), level),
        )?;
        Ok(Dynamic::from(table))
    }

    /// A fitted law's compute-optimal allocation of C FLOPs with intervals
    /// at `level` (0.95 by default) from its bootstrap refits: `C`, `N`,
    /// `N_low`, `N_high`, `D`, `D_low`, `D_high`, `tokens_per_param` (and
    /// its `_low`, `_high`), `loss`, `loss_low`, `loss_high`, `level`. Each
    /// refit's own optimum is taken, so the coefficients' correlations are
    /// kept. C may be a vector (a Table). For a data-constrained law the
    /// second argument is the unique tokens instead.
    ///
    /// ```rhai
    /// let runs = simulate_runs(law("chinchilla"), #{seed: 4});
    /// let fitted = fit_law(runs, #{bootstrap: 50, grid: #{a: [6.0], b: [6.0], e: [0.5]}});
    /// let o = fitted.optimal(1e24, #{level: 0.9});
    /// o.N_low < o.N && o.N < o.N_high   // true
    /// ```
    #[rhai_fn(name = "optimal", return_raw)]
    pub fn law_optimal_level(
        ctx: NativeCallContext,
        law: &mut Law,
        c: Dynamic,
        options: Map,
    ) -> ScriptResult<Dynamic> {
        per_budget(&ctx, law, &c, &options, Law::optimal_interval)
    }

    /// The compute-optimal tokens per parameter D/N at C FLOPs: `#{C,
    /// tokens_per_param}`, with `low` and `high` (95%) when the law was
    /// fitted with `bootstrap`. C may be a vector (a Table).
    ///
    /// ```rhai
    /// law("chinchilla").tokens_per_param(5.76e23).tokens_per_param   // 92.6 (eq. 10's, not the 20 of Approach 1)
    /// ```
    #[rhai_fn(name = "tokens_per_param", return_raw)]
    pub fn tokens_per_param(
        ctx: NativeCallContext,
        law: &mut Law,
        c: Dynamic,
    ) -> ScriptResult<Dynamic> {
        tokens_per_param_level(ctx, law, c, Map::new())
    }

    /// `tokens_per_param(C)` with the interval's `level`.
    #[rhai_fn(name = "tokens_per_param", return_raw)]
    pub fn tokens_per_param_level(
        ctx: NativeCallContext,
        law: &mut Law,
        c: Dynamic,
        options: Map,
    ) -> ScriptResult<Dynamic> {
        per_budget(&ctx, law, &c, &options, Law::tokens_per_param_at)
    }

    /// A fitted law's bootstrap refits, one row each: `E`, `A`, `B`,
    /// `alpha`, `beta` (empty without `bootstrap`). Their spread and
    /// correlations are the law's uncertainty; `corr`-style studies and
    /// your own intervals start here.
    ///
    /// ```rhai
    /// let runs = simulate_runs(law("chinchilla"), #{seed: 5});
    /// let fitted = fit_law(runs, #{bootstrap: 30, grid: #{a: [6.0], b: [6.0], e: [0.5]}});
    /// fitted.samples.len()   // 30
    /// ```
    #[rhai_fn(get = "samples", pure, return_raw)]
    pub fn get_samples(ctx: NativeCallContext, law: &mut Law) -> ScriptResult<Table> {
        let Some(r) = law.fit.as_ref() else {
            return Err(fail(
                &ctx,
                format!("law '{}' was not fitted (use fit_law)", law.name),
            ));
        };
        let col = |k: usize| Column::Num(r.samples.iter().map(|s| s[k]).collect());
        args::check_size(&ctx, "the samples", r.samples.len() as f64 * 5.0)?;
        lift(
            &ctx,
            Table::from_columns([
                ("E", col(0)),
                ("A", col(1)),
                ("B", col(2)),
                ("alpha", col(3)),
                ("beta", col(4)),
            ]),
        )
    }

    /// How far a fitted law carries, in two panels: the runs' losses
    /// against their budgets with the law's compute-optimal loss up to
    /// `C_max` and its 95% bootstrap band; and the compute-optimal N* with
    /// its 95% band beside each budget's lowest-loss run (bands when fitted
    /// with `bootstrap`); a line marks the largest run. Options: the column
    /// names of `fit_law`.
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
    ) -> ScriptResult<scaling_lab_core::plot::Figure> {
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
    ) -> ScriptResult<scaling_lab_core::plot::Figure> {
        let o: RunColumns = options::read(&ctx, &options)?;
        let rs = runs_from(&ctx, &runs, &o)?;
        let c = args::number(&ctx, "C_max", &c_max)?;
        let samples = law.evaluations();
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
