//! Ready-made charts of a law, as the first seed draws them (its DEMO 5).

use super::{Chart, Contours, Mark, Rgb, Scale, Series};
use crate::error::{check, Error, Result};
use crate::laws::Law;
use crate::numeric::logspace;
use crate::units::fmt_si;

fn log_range(arg: &str, r: (f64, f64)) -> Result<(f64, f64)> {
    let a = check::positive(arg, r.0)?;
    let b = check::positive(arg, r.1)?;
    if a >= b {
        return Err(Error::InvalidArgument {
            arg: arg.into(),
            expected: "[low, high] with 0 < low < high",
            value: format!("[{a}, {b}]"),
        });
    }
    Ok((a.log10(), b.log10()))
}

/// `fmt_si` without trailing zeros, as a title reads: 7B, 200B, 1.4T.
fn short_si(x: f64) -> String {
    let s = fmt_si(x);
    let split = s.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(s.len());
    let (num, suffix) = s.split_at(split);
    let num = if num.contains('.') {
        num.trim_end_matches('0').trim_end_matches('.')
    } else {
        num
    };
    format!("{num}{suffix}")
}

fn display_name(law: &Law) -> String {
    let mut c = law.name.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn line(xs: Vec<f64>, ys: Vec<f64>, label: String, color: Rgb) -> Result<Series> {
    let mut s = Series::new(Mark::Line, xs, ys)?;
    s.label = Some(label);
    s.color = Some(color);
    s.width = 2.0;
    Ok(s)
}

/// Pure blue, red and green: the seed's `'b-'`, `'r-'`, `'g-'`.
const B: Rgb = Rgb(0, 0, 255);
const R: Rgb = Rgb(255, 0, 0);
const G: Rgb = Rgb(0, 128, 0);

/// Loss against parameters at fixed tokens `d` (seed panel 1: D = 200B, N from 1e6 to 1e11).
pub fn loss_vs_params(law: &Law, d: f64, n_range: (f64, f64), points: i64) -> Result<Chart> {
    let d = check::positive("D", d)?;
    let (a, b) = log_range("N_range", n_range)?;
    let ns = logspace(a, b, points)?;
    let ls = ns
        .iter()
        .map(|n| law.loss(*n, d))
        .collect::<Result<Vec<_>>>()?;
    let mut c = Chart::new(Scale::Log, Scale::Log);
    c.title = format!("Loss vs Model Size (D = {} tokens)", short_si(d));
    c.x_label = "Model Parameters (N)".into();
    c.y_label = "Loss".into();
    c.add(line(ns, ls, display_name(law), B)?)?;
    Ok(c)
}

/// Loss against tokens at fixed parameters `n` (seed panel 2: N = 7B, D from 1e9 to 1e13).
pub fn loss_vs_tokens(law: &Law, n: f64, d_range: (f64, f64), points: i64) -> Result<Chart> {
    let n = check::positive("N", n)?;
    let (a, b) = log_range("D_range", d_range)?;
    let ds = logspace(a, b, points)?;
    let ls = ds
        .iter()
        .map(|d| law.loss(n, *d))
        .collect::<Result<Vec<_>>>()?;
    let mut c = Chart::new(Scale::Log, Scale::Log);
    c.title = format!("Loss vs Training Data (N = {} params)", short_si(n));
    c.x_label = "Training Tokens (D)".into();
    c.y_label = "Loss".into();
    c.add(line(ds, ls, display_name(law), R)?)?;
    Ok(c)
}

/// The compute-optimal frontier D_opt(N_opt) over budgets `c_range`, with
/// named models as points (seed panel 3: C from 1e21 to 1e25; GPT-3,
/// Chinchilla, LLaMA-65B).
pub fn frontier(
    law: &Law,
    c_range: (f64, f64),
    points: i64,
    models: &[(String, f64, f64)],
) -> Result<Chart> {
    let (a, b) = log_range("C_range", c_range)?;
    let cs = logspace(a, b, points)?;
    let opt = cs
        .iter()
        .map(|c| law.optimal(*c))
        .collect::<Result<Vec<_>>>()?;
    let mut c = Chart::new(Scale::Log, Scale::Log);
    c.title = "Compute-Optimal Frontier".into();
    c.x_label = "Model Parameters (N)".into();
    c.y_label = "Training Tokens (D)".into();
    c.add(line(
        opt.iter().map(|a| a.n).collect(),
        opt.iter().map(|a| a.d).collect(),
        "Optimal frontier".into(),
        G,
    )?)?;
    for (name, n, d) in models {
        let mut s = Series::new(Mark::Scatter, vec![*n], vec![*d])?;
        s.label = Some(name.clone());
        s.size = 8.0;
        c.add(s)?;
    }
    Ok(c)
}

/// Labelled isolines of L(N, D) on a log grid (seed panel 4: N from 1e9 to
/// 1e11, D from 1e10 to 1e13, a 30 x 30 grid, about 15 levels).
pub fn loss_landscape(
    law: &Law,
    n_range: (f64, f64),
    d_range: (f64, f64),
    grid: i64,
    levels: usize,
) -> Result<Chart> {
    let (na, nb) = log_range("N_range", n_range)?;
    let (da, db) = log_range("D_range", d_range)?;
    if !(2..=1000).contains(&grid) {
        return Err(Error::InvalidArgument {
            arg: "grid".into(),
            expected: "between 2 and 1000 points a side",
            value: grid.to_string(),
        });
    }
    let ns = logspace(na, nb, grid)?;
    let ds = logspace(da, db, grid)?;
    let mut c = Chart::new(Scale::Log, Scale::Log);
    c.title = "Loss Landscape L(N, D)".into();
    c.x_label = "Model Parameters (N)".into();
    c.y_label = "Training Tokens (D)".into();
    c.contours = Some(Contours::compute(
        &ns,
        &ds,
        (Scale::Log, Scale::Log),
        |n, d| law.loss(n, d),
        &[],
        levels,
    )?);
    Ok(c)
}

/// The runs and the fitted law along each compute budget (loss against N,
/// log-log), above the log residuals against N: a 2 x 1 figure.
pub fn fit_figure(law: &Law, runs: &[crate::fit::Run]) -> Result<super::Figure> {
    if runs.is_empty() {
        return Err(Error::Empty { arg: "runs".into() });
    }
    let mut budgets: Vec<f64> = runs.iter().map(|r| 6.0 * r.n * r.d).collect();
    budgets.sort_by(f64::total_cmp);
    budgets.dedup_by(|a, b| (*a / *b - 1.0).abs() <= 1e-6);
    let mut top = Chart::new(Scale::Log, Scale::Log);
    top.title = "Runs and the fitted law along each budget".into();
    top.x_label = "Parameters (N)".into();
    top.y_label = "Loss".into();
    let mut bottom = Chart::new(Scale::Log, Scale::Linear);
    bottom.title = "Log residuals (predicted - observed)".into();
    bottom.x_label = "Parameters (N)".into();
    bottom.y_label = "ln L_fit - ln L".into();
    let many = budgets.len() > 8;
    for (k, c) in budgets.iter().enumerate() {
        let group: Vec<&crate::fit::Run> = runs
            .iter()
            .filter(|r| (6.0 * r.n * r.d / c - 1.0).abs() <= 1e-6)
            .collect();
        let color = super::TAB10[k % super::TAB10.len()];
        let mut pts = Series::new(
            Mark::Scatter,
            group.iter().map(|r| r.n).collect(),
            group.iter().map(|r| r.loss).collect(),
        )?;
        pts.color = Some(color);
        if !many {
            pts.label = Some(format!("C = {c:.1e}"));
        }
        top.add(pts)?;
        let (lo, hi) = group.iter().fold((f64::INFINITY, 0.0_f64), |(a, b), r| {
            (a.min(r.n), b.max(r.n))
        });
        if hi > lo {
            let ns = logspace(lo.log10(), hi.log10(), 60)?;
            let ls = ns
                .iter()
                .map(|n| law.loss(*n, c / (6.0 * n)))
                .collect::<Result<Vec<_>>>()?;
            let mut curve = Series::new(Mark::Line, ns, ls)?;
            curve.color = Some(color);
            top.add(curve)?;
        }
        let res = group
            .iter()
            .map(|r| Ok(law.loss(r.n, r.d)?.ln() - r.loss.ln()))
            .collect::<Result<Vec<_>>>()?;
        let mut rp = Series::new(Mark::Scatter, group.iter().map(|r| r.n).collect(), res)?;
        rp.color = Some(color);
        rp.size = 4.0;
        bottom.add(rp)?;
    }
    let (nlo, nhi) = runs.iter().fold((f64::INFINITY, 0.0_f64), |(a, b), r| {
        (a.min(r.n), b.max(r.n))
    });
    let mut zero = Series::new(Mark::Line, vec![nlo, nhi], vec![0.0, 0.0])?;
    zero.color = Some(Rgb(0, 0, 0));
    zero.width = 0.8;
    zero.dashed = true;
    bottom.add(zero)?;
    let mut fig = super::Figure::new(2, 1)?;
    fig.set_size((8.0, 9.0), 100.0)?;
    fig.push(top)?;
    fig.push(bottom)?;
    Ok(fig)
}

/// How far a fitted law carries: the runs' losses against their budgets
/// (C = 6ND), the law's compute-optimal loss from the smallest run's
/// budget up to `c_max`, the 95% bootstrap band around it when the law was
/// fitted with a bootstrap, and a line at the largest run's budget, past
/// which the curve is extrapolation (left panel); and the compute-optimal
/// N* along the same budgets with its 95% bootstrap band, beside the
/// lowest-loss run of each budget (right panel): the band of N* is the
/// number people extrapolate and misuse most.
pub fn extrapolation(law: &Law, runs: &[crate::fit::Run], c_max: f64) -> Result<super::Figure> {
    if runs.is_empty() {
        return Err(Error::Empty { arg: "runs".into() });
    }
    let budgets: Vec<f64> = runs.iter().map(|r| 6.0 * r.n * r.d).collect();
    let (c_lo, c_hi) = budgets
        .iter()
        .fold((f64::INFINITY, 0.0_f64), |(a, b), c| (a.min(*c), b.max(*c)));
    let c_max = crate::error::check::positive("C_max", c_max)?;
    if c_max <= c_lo {
        return Err(Error::invalid(
            "C_max",
            "above the smallest run's budget",
            c_max,
        ));
    }
    let cs = logspace(c_lo.log10(), c_max.log10(), 80)?;
    let preds = cs
        .iter()
        .map(|c| {
            let a = law.optimal(*c)?;
            law.predict(a.n, a.d)
        })
        .collect::<Result<Vec<_>>>()?;
    let mut chart = Chart::new(Scale::Log, Scale::Linear);
    chart.title = "Extrapolating the fitted law".into();
    chart.x_label = "Training compute C (FLOPs)".into();
    chart.y_label = "Loss".into();
    if preds.iter().all(|p| p.low.is_some()) {
        let mut band = Series::band(
            cs.to_vec(),
            preds.iter().map(|p| p.low.unwrap_or(p.loss)).collect(),
            preds.iter().map(|p| p.high.unwrap_or(p.loss)).collect(),
        )?;
        band.label = Some("95% bootstrap interval".into());
        band.color = Some(super::TAB10[0]);
        chart.add(band)?;
    }
    let mut curve = Series::new(
        Mark::Line,
        cs.to_vec(),
        preds.iter().map(|p| p.loss).collect(),
    )?;
    curve.label = Some("fitted law, compute-optimal".into());
    curve.color = Some(super::TAB10[0]);
    chart.add(curve)?;
    let mut pts = Series::new(
        Mark::Scatter,
        budgets,
        runs.iter().map(|r| r.loss).collect(),
    )?;
    pts.label = Some("runs".into());
    pts.color = Some(super::TAB10[1]);
    pts.size = 4.0;
    chart.add(pts)?;
    let largest = super::RefLine {
        orientation: super::Orientation::Vertical,
        value: c_hi,
        color: None,
        dashed: true,
        width: 1.0,
        label: Some("largest run".into()),
    };
    chart.add_ref_line(largest.clone())?;
    let mut fig = super::Figure::new(1, 2)?;
    fig.set_size((13.0, 5.0), 100.0)?;
    fig.push(chart)?;
    fig.push(optimal_size_panel(law, runs, &cs, largest)?)?;
    Ok(fig)
}

/// N* against C under `law`, its bootstrap band when the law has refits,
/// and each budget's lowest-loss run.
fn optimal_size_panel(
    law: &Law,
    runs: &[crate::fit::Run],
    cs: &[f64],
    largest: super::RefLine,
) -> Result<Chart> {
    let mut chart = Chart::new(Scale::Log, Scale::Log);
    chart.title = "Compute-optimal model size".into();
    chart.x_label = "Training compute C (FLOPs)".into();
    chart.y_label = "Parameters N*".into();
    if law.has_refits() {
        let bands = cs
            .iter()
            .map(|c| law.optimal_interval(*c, 0.95))
            .collect::<Result<Vec<_>>>()?;
        let mut band = Series::band(
            cs.to_vec(),
            bands.iter().map(|b| b.n_low).collect(),
            bands.iter().map(|b| b.n_high).collect(),
        )?;
        band.label = Some("95% bootstrap interval of N*".into());
        band.color = Some(super::TAB10[2]);
        chart.add(band)?;
    }
    let ns = cs
        .iter()
        .map(|c| Ok(law.optimal(*c)?.n))
        .collect::<Result<Vec<_>>>()?;
    let mut curve = Series::new(Mark::Line, cs.to_vec(), ns)?;
    curve.label = Some("fitted law's N*".into());
    curve.color = Some(super::TAB10[2]);
    chart.add(curve)?;
    let mut best: Vec<(f64, crate::fit::Run)> = Vec::new();
    for r in runs {
        let c = 6.0 * r.n * r.d;
        match best.iter_mut().find(|(b, _)| (c / *b - 1.0).abs() <= 1e-6) {
            Some((_, run)) if r.loss < run.loss => *run = *r,
            Some(_) => {}
            None => best.push((c, *r)),
        }
    }
    let mut pts = Series::new(
        Mark::Scatter,
        best.iter().map(|(c, _)| *c).collect(),
        best.iter().map(|(_, r)| r.n).collect(),
    )?;
    pts.label = Some("lowest-loss run per budget".into());
    pts.color = Some(super::TAB10[1]);
    pts.size = 4.0;
    chart.add(pts)?;
    chart.add_ref_line(largest)?;
    Ok(chart)
}
