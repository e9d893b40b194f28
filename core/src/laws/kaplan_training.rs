//! Kaplan et al. 2020 on training dynamics: the compute-efficient frontier
//! (§6.1, Table 6) and the loss after S steps at batch B (eqs. 5.4-5.6,
//! Table 3), with the critical batch size of eq. 1.4.
//!
//! The frontier is fitted to the runs, not derived from eq. 1.5: minimising
//! eq. 1.5 on C = 6ND (`law("kaplan_joint").optimal`) gives N ∝ C^0.575 and
//! 1.52e9 parameters at 1 PF-day, where Table 6 gives N ∝ C^0.73 and 1.3e9.

use serde::Serialize;

use super::hyper::kaplan_critical_batch;
use crate::cost::FLOPS_PER_PF_DAY;
use crate::error::{check, Error, Result};
use crate::table::{NumFormat, Record};

/// A point on the compute-efficient frontier.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Frontier {
    /// The budget in FLOPs.
    #[serde(rename = "C")]
    pub c: f64,
    /// The budget in PF-days (C_min).
    pub c_min_pf_days: f64,
    /// Non-embedding parameters, N_opt = 1.3e9 C_min^0.73.
    #[serde(rename = "N")]
    pub n: f64,
    /// Batch size in tokens, B = 2.0e6 C_min^0.24 (B ≪ B_crit for C_min).
    #[serde(rename = "B")]
    pub b: f64,
    /// Minimum steps, S_min = 5.4e3 C_min^0.03.
    #[serde(rename = "S_min")]
    pub s_min: f64,
    /// Tokens, D_opt = 2e10 C_min^0.27.
    #[serde(rename = "D")]
    pub d: f64,
}

impl Record for Frontier {
    fn format(field: &str) -> NumFormat {
        match field {
            "C" => NumFormat::Sci(3),
            "c_min_pf_days" => NumFormat::Sci(3),
            "S_min" => NumFormat::Fixed(0),
            _ => NumFormat::Si,
        }
    }
}

/// Kaplan et al. 2020 Table 6 (and §6.1, eq. 6.1) at a budget of C FLOPs:
/// with C_min in PF-days, N_opt = 1.3e9 C_min^0.73, B = 2.0e6 C_min^0.24
/// tokens, S_min = 5.4e3 C_min^0.03 steps, D_opt = 2e10 C_min^0.27 tokens.
/// (B S_min is 1.08e10 C_min^0.27: D_opt is about twice it because training
/// at B ≈ B_crit takes twice the minimal steps and data, eq. 5.4-5.5.)
pub fn kaplan_frontier(c: f64) -> Result<Frontier> {
    let c = check::positive("C", c)?;
    let p = c / FLOPS_PER_PF_DAY;
    let pow = |k: f64, a: f64| k * (a * p.ln()).exp();
    let f = Frontier {
        c,
        c_min_pf_days: p,
        n: pow(1.3e9, 0.73),
        b: pow(2.0e6, 0.24),
        s_min: pow(5.4e3, 0.03),
        d: pow(2e10, 0.27),
    };
    for v in [f.n, f.b, f.s_min, f.d] {
        if !(v.is_finite() && v > 0.0) {
            return Err(Error::invalid(
                "C",
                "a budget where Table 6 gives finite, non-zero sizes",
                c,
            ));
        }
    }
    Ok(f)
}

/// Kaplan et al. 2020 Table 3, the fit of eq. 1.6 / 5.6:
/// L(N, S_min) = (N_c / N)^alpha_N + (S_c / S_min)^alpha_S with
/// alpha_N = 0.077, alpha_S = 0.76, N_c = 6.5e13, S_c = 2.1e3.
pub const TABLE3: (f64, f64, f64, f64) = (6.5e13, 0.077, 2.1e3, 0.76);

/// Eq. 5.6: the loss of N non-embedding parameters after S_min steps
/// (steps at a batch far above the critical one).
pub fn loss_n_smin(n: f64, s_min: f64) -> Result<f64> {
    let n = check::positive("N", n)?;
    let s_min = check::positive("S_min", s_min)?;
    let (nc, an, sc, a_s) = TABLE3;
    check::finite_result(
        "loss",
        (an * (nc / n).ln()).exp() + (a_s * (sc / s_min).ln()).exp(),
    )
}

/// A run of S steps at batch B, as eqs. 5.4-5.6 and 1.4 see it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StepsRun {
    /// Non-embedding parameters.
    #[serde(rename = "N")]
    pub n: f64,
    /// Steps taken.
    pub steps: f64,
    /// Batch size in tokens.
    pub batch: f64,
    /// Predicted loss.
    pub loss: f64,
    /// The critical batch at that loss, B_crit(L) = 2e8 / L^(1/0.21) tokens (eq. 1.4).
    pub b_crit: f64,
    /// The equivalent steps at a batch far above B_crit, S / (1 + B_crit / B) (eq. 5.4).
    pub s_min: f64,
}

impl Record for StepsRun {
    fn format(field: &str) -> NumFormat {
        match field {
            "loss" => NumFormat::Fixed(4),
            "steps" | "s_min" => NumFormat::Fixed(0),
            _ => NumFormat::Si,
        }
    }
}

/// The loss of N parameters after `steps` steps at `batch` tokens per step:
/// L = (N_c/N)^alpha_N + (S_c / S_min)^alpha_S with S_min = S / (1 +
/// B_crit(L)/B) and B_crit(L) from eq. 1.4. L appears on both sides; the
/// right side falls as L grows, so the one solution is found by bisection
/// between (N_c/N)^alpha_N and the right side there.
pub fn loss_n_steps(n: f64, steps: f64, batch: f64) -> Result<StepsRun> {
    let n = check::positive("N", n)?;
    let steps = check::positive_at_most("steps", steps, 1e12)?;
    let batch = check::positive_at_most("batch", batch, 1e12)?;
    // A step sees at least one token and there is at least one step: below
    // that the formula runs on far outside what it was fitted to.
    for (arg, v) in [("steps", steps), ("batch", batch)] {
        if v < 1.0 {
            return Err(Error::invalid(arg, "at least 1", v));
        }
    }
    let (nc, an, sc, a_s) = TABLE3;
    let l_n = (an * (nc / n).ln()).exp();
    let rhs = |l: f64| -> f64 {
        let b_crit = kaplan_critical_batch(l).unwrap_or(f64::INFINITY);
        let s_min = steps / (1.0 + b_crit / batch);
        l_n + (a_s * (sc / s_min).ln()).exp()
    };
    let (mut lo, mut hi) = (l_n, rhs(l_n));
    if !hi.is_finite() {
        return Err(Error::invalid(
            "N",
            "a size where the law gives a finite loss",
            n,
        ));
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid - rhs(mid) > 0.0 {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    let loss = 0.5 * (lo + hi);
    let b_crit = kaplan_critical_batch(loss)?;
    Ok(StepsRun {
        n,
        steps,
        batch,
        loss,
        b_crit,
        s_min: steps / (1.0 + b_crit / batch),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table6_at_one_pf_day() {
        // Table 6 at C_min = 1 PF-day: N 1.3e9, B 2.0e6, S 5.4e3, D 2e10.
        let f = kaplan_frontier(FLOPS_PER_PF_DAY).unwrap();
        assert_eq!((f.n, f.b, f.s_min, f.d), (1.3e9, 2.0e6, 5.4e3, 2e10));
        // x10 compute: N x 10^0.73 = 5.37.
        let g = kaplan_frontier(10.0 * FLOPS_PER_PF_DAY).unwrap();
        assert!((g.n / f.n - 10f64.powf(0.73)).abs() < 1e-9);
    }

    #[test]
    fn steps_law_is_consistent() {
        let r = loss_n_steps(1e9, 1e5, 1e6).unwrap();
        // The solution satisfies eq. 5.6 with its own S_min and B_crit.
        assert!((loss_n_smin(1e9, r.s_min).unwrap() - r.loss).abs() < 1e-9);
        assert!((r.b_crit - 2.1e8 / r.loss.powf(1.0 / 0.21)).abs() / r.b_crit < 1e-9);
        // More steps, lower loss; far above B_crit every step counts fully.
        assert!(loss_n_steps(1e9, 2e5, 1e6).unwrap().loss < r.loss);
        let huge = loss_n_steps(1e9, 1e5, 1e12).unwrap();
        assert!((huge.s_min / 1e5 - 1.0).abs() < 1e-4);
        assert!(loss_n_steps(1e9, 0.0, 1e6).is_err());
    }
}

/// The options of `kaplan_loss_steps`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StepsOptions {
    /// Optimisation steps (a vector gives a Table).
    pub steps: crate::input::Numbers,
    /// Tokens per step (at least one).
    pub batch: crate::input::Positive,
}
