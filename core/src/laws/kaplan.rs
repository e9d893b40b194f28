//! Kaplan et al. 2020, "Scaling Laws for Neural Language Models" (OpenAI).
//!
//! Losses are cross-entropies in nats per token on WebText2 with a GPT-2
//! tokenizer, so they are not directly comparable with Chinchilla's
//! MassiveText losses. N counts non-embedding parameters.

use serde::{Deserialize, Serialize};

use crate::allocation::Allocation;
use crate::error::{check, Result};

/// Eq. 1.1: L(N) = (N_c / N)^alpha_N, alpha_N = 0.076, N_c = 8.8e13 (non-embedding parameters).
pub const N_C: f64 = 8.8e13;
/// Eq. 1.1 exponent alpha_N.
pub const ALPHA_N: f64 = 0.076;
/// Eq. 1.2: L(D) = (D_c / D)^alpha_D, alpha_D = 0.095, D_c = 5.4e13 tokens.
pub const D_C: f64 = 5.4e13;
/// Eq. 1.2 exponent alpha_D.
pub const ALPHA_D: f64 = 0.095;
/// Eq. 1.3: L(C_min) = (C_c^min / C_min)^alpha_C^min, C_c^min = 3.1e8 PF-days.
pub const C_C_MIN_PF_DAYS: f64 = 3.1e8;
/// Eq. 1.3 exponent alpha_C^min.
pub const ALPHA_C_MIN: f64 = 0.050;
/// The irreducible loss the seed adds to its made-up Kaplan combination.
pub const SEED_IRREDUCIBLE: f64 = 1.69;

/// Eq. 1.1: loss of a model of N non-embedding parameters trained to
/// convergence on abundant data.
pub fn loss_from_size(n: f64) -> Result<f64> {
    let n = check::positive("N", n)?;
    Ok((ALPHA_N * (N_C.ln() - n.ln())).exp())
}

/// Eq. 1.1 inverted: N = N_c L^(-1/alpha_N).
pub fn size_from_loss(loss: f64) -> Result<f64> {
    let loss = check::positive("loss", loss)?;
    check::finite_result("N", (N_C.ln() - loss.ln() / ALPHA_N).exp())
}

/// Eq. 1.2: loss of a large model trained with early stopping on D tokens.
pub fn loss_from_data(d: f64) -> Result<f64> {
    let d = check::positive("D", d)?;
    Ok((ALPHA_D * (D_C.ln() - d.ln())).exp())
}

/// Eq. 1.2 inverted: D = exp(ln D_c - ln L / alpha_D), in logs as the seed
/// notebook derives it (no overflow for small losses).
pub fn data_from_loss(loss: f64) -> Result<f64> {
    let loss = check::positive("loss", loss)?;
    check::finite_result("D", (D_C.ln() - loss.ln() / ALPHA_D).exp())
}

/// Eq. 1.3: loss reachable with C_min PF-days of compute, optimally allocated.
pub fn loss_from_cost(pf_days: f64) -> Result<f64> {
    let c = check::positive("pf_days", pf_days)?;
    Ok((ALPHA_C_MIN * (C_C_MIN_PF_DAYS.ln() - c.ln())).exp())
}

/// Eq. 1.3 inverted: C_min = exp(ln C_c^min - ln L / alpha_C^min), in PF-days.
pub fn cost_from_loss(loss: f64) -> Result<f64> {
    let loss = check::positive("loss", loss)?;
    check::finite_result(
        "C_min",
        (C_C_MIN_PF_DAYS.ln() - loss.ln() / ALPHA_C_MIN).exp(),
    )
}

/// The seed's `kaplan_scaling_law`: max((N_c/N)^alpha_N, (D_c/D)^alpha_D) + 1.69.
///
/// Not a published law: Kaplan's losses already include the irreducible part,
/// and eq. 1.5 combines the two terms, it does not take their maximum. Kept
/// only to reproduce the seed's DEMO 4 table (see `docs/errata.md`).
pub fn seed_loss(n: f64, d: f64) -> Result<f64> {
    let ln = loss_from_size(n)?;
    let ld = loss_from_data(d)?;
    Ok(ln.max(ld) + SEED_IRREDUCIBLE)
}

/// Coefficients of Kaplan's joint law, eq. 1.5:
/// L(N, D) = [(N_c/N)^(alpha_N/alpha_D) + D_c/D]^alpha_D.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct KaplanJoint {
    /// N_c (non-embedding parameters).
    #[serde(rename = "Nc")]
    pub nc: f64,
    /// D_c (tokens).
    #[serde(rename = "Dc")]
    pub dc: f64,
    /// alpha_N.
    pub alpha_n: f64,
    /// alpha_D.
    pub alpha_d: f64,
}

impl KaplanJoint {
    /// Kaplan et al. 2020 Table 2 (the L(N, D) fit of eq. 1.5):
    /// alpha_N = 0.076, alpha_D = 0.103, N_c = 6.4e13, D_c = 1.8e13.
    pub const TABLE2: KaplanJoint = KaplanJoint {
        nc: 6.4e13,
        dc: 1.8e13,
        alpha_n: 0.076,
        alpha_d: 0.103,
    };

    /// Eq. 1.5 at N parameters and D tokens.
    pub fn loss(&self, n: f64, d: f64) -> Result<f64> {
        let n = check::positive("N", n)?;
        let d = check::positive("D", d)?;
        Ok(self.loss_unchecked(n, d))
    }

    #[inline]
    pub(crate) fn loss_unchecked(&self, n: f64, d: f64) -> f64 {
        let p = self.alpha_n / self.alpha_d;
        let term_n = (p * (self.nc.ln() - n.ln())).exp();
        let term_d = (self.dc.ln() - d.ln()).exp();
        (self.alpha_d * (term_n + term_d).ln()).exp()
    }

    /// The N that minimises eq. 1.5 on C = 6ND, and its D.
    ///
    /// With p = alpha_N/alpha_D, minimising (N_c/N)^p + 6 D_c N / C over N
    /// gives N^(p+1) = p N_c^p C / (6 D_c) (set the derivative to zero; the
    /// outer power is monotone). This is eq. 1.5's own optimum (N ∝
    /// C^0.575); Kaplan's fitted frontier N ∝ C^0.73 (eq. 6.1, Table 6;
    /// [`super::kaplan_training::kaplan_frontier`]) came from a different procedure.
    pub fn optimal(&self, c: f64) -> Result<Allocation> {
        let c = check::positive("C", c)?;
        let p = self.alpha_n / self.alpha_d;
        let ln_n = (p.ln() + p * self.nc.ln() + c.ln() - (6.0 * self.dc).ln()) / (p + 1.0);
        let n = ln_n.exp();
        let d = c / (6.0 * n);
        Allocation {
            c,
            n,
            d,
            loss: self.loss_unchecked(n, d),
        }
        .usable("C", c)
    }

    /// The budget for which N is optimal under eq. 1.5, and its D.
    pub fn optimal_for_params(&self, n: f64) -> Result<Allocation> {
        let n = check::positive("N", n)?;
        let p = self.alpha_n / self.alpha_d;
        let ln_c = (p + 1.0) * n.ln() - p.ln() - p * self.nc.ln() + (6.0 * self.dc).ln();
        let c = ln_c.exp();
        if !(c.is_finite() && c > 0.0) {
            return Err(crate::error::Error::invalid(
                "N",
                "within the range where the law gives a finite, non-zero budget",
                n,
            ));
        }
        self.optimal(c)
    }
}
