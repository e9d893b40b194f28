//! Compute-optimal allocation: how to split a FLOP budget C = 6ND between
//! parameters N and tokens D.
//!
//! Closed forms live with each law ([`crate::laws`]); this module holds the
//! result type and a numeric minimiser that checks them and serves laws with
//! no closed form.

use std::fmt;

use serde::Serialize;

use crate::error::{check, Result};
use crate::units::fmt_si;

/// A training run: budget, parameters, tokens and the loss a law predicts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Allocation {
    /// Training compute in FLOPs (6ND).
    #[serde(rename = "C")]
    pub c: f64,
    /// Parameters.
    #[serde(rename = "N")]
    pub n: f64,
    /// Training tokens.
    #[serde(rename = "D")]
    pub d: f64,
    /// Predicted loss.
    pub loss: f64,
}

impl Allocation {
    /// Tokens per parameter, D/N.
    pub fn tokens_per_param(&self) -> f64 {
        self.d / self.n
    }
}

impl fmt::Display for Allocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "C = {:.3e} FLOPs -> N = {} params, D = {} tokens ({:.1} tokens/param), loss = {:.4}",
            self.c,
            fmt_si(self.n),
            fmt_si(self.d),
            self.tokens_per_param(),
            self.loss
        )
    }
}

/// Training FLOPs C = 6ND (Kaplan et al. 2020 §2.1: about 6 FLOPs per
/// parameter per token for the forward and backward pass).
pub fn compute_flops(n: f64, d: f64) -> Result<f64> {
    let n = check::positive("N", n)?;
    let d = check::positive("D", d)?;
    check::finite_result("6ND", 6.0 * n * d)
}

/// Minimise `loss(N, C/(6N))` over N by golden-section search in ln N.
///
/// The laws here are unimodal along the budget line, so golden-section on a
/// bracket of N from 1 to C/6 (D >= 1 token) finds the optimum; 200
/// iterations shrink the bracket by 0.618^200, far below f64 resolution.
pub fn minimize_on_budget(c: f64, loss: impl Fn(f64, f64) -> f64) -> Result<Allocation> {
    let c = check::positive("C", c)?;
    let f = |ln_n: f64| {
        let n = ln_n.exp();
        loss(n, c / (6.0 * n))
    };
    let n = crate::numeric::golden_section(f, 0.0, (c / 6.0).ln().max(1e-9), 200).exp();
    let d = c / (6.0 * n);
    Ok(Allocation {
        c,
        n,
        d,
        loss: check::finite_result("loss", loss(n, d))?,
    })
}

/// The cheapest model for a target loss once inference is counted.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct InferenceOptimal {
    /// Target loss.
    pub loss: f64,
    /// Tokens served at inference over the model's life.
    pub inference_tokens: f64,
    /// Parameters.
    #[serde(rename = "N")]
    pub n: f64,
    /// Training tokens.
    pub d_train: f64,
    /// Training FLOPs, 6 N D_train.
    pub train_flops: f64,
    /// Inference FLOPs, 2 N D_inference.
    pub inference_flops: f64,
    /// Their sum.
    pub total_flops: f64,
    /// The Chinchilla-optimal model of the same loss (training only).
    pub chinchilla_n: f64,
    /// Its training tokens.
    pub chinchilla_d: f64,
    /// Its training plus the same inference.
    pub chinchilla_total_flops: f64,
    /// Fraction of total FLOPs saved against the Chinchilla-optimal model.
    pub saved_fraction: f64,
}

/// Minimise 6 N D_train + 2 N D_inference over models that reach `target`
/// loss under a parametric law (Sardana et al. 2024, "Beyond
/// Chinchilla-Optimal", §2, eq. 3 with training 6ND and inference 2N FLOPs
/// per token).
///
/// For each N above N_min = (A / (L - E))^(1/alpha), the tokens that reach
/// L are D(N) = (B / (L - E - A N^-alpha))^(1/beta); the total cost tends
/// to infinity at both ends of (N_min, inf) and has one minimum, found by
/// golden-section search in ln N (checked against a brute-force grid in tests).
pub fn inference_optimal(
    p: &crate::laws::Parametric,
    target: f64,
    inference_tokens: f64,
) -> Result<InferenceOptimal> {
    let target = p.check_reachable(target)?;
    let d_inf = check::non_negative("inference_tokens", inference_tokens)?;
    let gap = target - p.e;
    let d_of = |n: f64| {
        let rest = gap - p.a * n.powf(-p.alpha);
        if rest <= 0.0 {
            f64::INFINITY
        } else {
            (p.b / rest).powf(1.0 / p.beta)
        }
    };
    let total = |ln_n: f64| {
        let n = ln_n.exp();
        6.0 * n * d_of(n) + 2.0 * n * d_inf
    };
    let ln_min = (p.a / gap).ln() / p.alpha;
    let n = crate::numeric::golden_section(total, ln_min + 1e-9, ln_min + 40.0, 300).exp();
    let d = d_of(n);
    let chin = p.compute_for_loss(target)?;
    let train = 6.0 * n * d;
    let inf = 2.0 * n * d_inf;
    let chin_total = chin.c + 2.0 * chin.n * d_inf;
    let total = check::finite_result("total FLOPs", train + inf)?;
    Ok(InferenceOptimal {
        loss: target,
        inference_tokens: d_inf,
        n,
        d_train: d,
        train_flops: train,
        inference_flops: inf,
        total_flops: total,
        chinchilla_n: chin.n,
        chinchilla_d: chin.d,
        chinchilla_total_flops: chin_total,
        saved_fraction: 1.0 - total / chin_total,
    })
}
