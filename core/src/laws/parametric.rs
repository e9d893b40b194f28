//! The Chinchilla parametric loss L(N, D) = E + A/N^alpha + B/D^beta.
//!
//! Hoffmann et al. 2022, "Training Compute-Optimal Large Language Models",
//! eq. 2 (the form), eq. 4 (the compute-optimal allocation) and eq. 10
//! (the Approach 3 fit).

use serde::{Deserialize, Serialize};

use crate::allocation::Allocation;
use crate::error::{check, Error, Result};

/// Coefficients of L(N, D) = E + A/N^alpha + B/D^beta.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Parametric {
    /// Irreducible loss (nats per token).
    #[serde(rename = "E")]
    pub e: f64,
    /// Model-size coefficient.
    #[serde(rename = "A")]
    pub a: f64,
    /// Data coefficient.
    #[serde(rename = "B")]
    pub b: f64,
    /// Model-size exponent.
    pub alpha: f64,
    /// Data exponent.
    pub beta: f64,
}

impl Parametric {
    /// Hoffmann et al. 2022 eq. 10 as printed (rounded): E = 1.69, A = 406.4,
    /// B = 410.7, alpha = 0.34, beta = 0.28. These are the seed's defaults.
    pub const CHINCHILLA: Parametric = Parametric {
        e: 1.69,
        a: 406.4,
        b: 410.7,
        alpha: 0.34,
        beta: 0.28,
    };

    /// Build a law, checking every coefficient (A, B, alpha, beta > 0; E >= 0).
    pub fn new(e: f64, a: f64, b: f64, alpha: f64, beta: f64) -> Result<Self> {
        Ok(Parametric {
            e: check::non_negative("E", e)?,
            a: check::positive("A", a)?,
            b: check::positive("B", b)?,
            alpha: check::positive("alpha", alpha)?,
            beta: check::positive("beta", beta)?,
        })
    }

    /// Predicted loss for N parameters trained on D tokens (Hoffmann eq. 2).
    ///
    /// Powers are taken as exp(-alpha ln N) so that no intermediate overflows.
    pub fn loss(&self, n: f64, d: f64) -> Result<f64> {
        let n = check::positive("N", n)?;
        let d = check::positive("D", d)?;
        Ok(self.loss_unchecked(n, d))
    }

    #[inline]
    pub(crate) fn loss_unchecked(&self, n: f64, d: f64) -> f64 {
        self.e + self.a * (-self.alpha * n.ln()).exp() + self.b * (-self.beta * d.ln()).exp()
    }

    /// G = (alpha A / (beta B))^(1 / (alpha + beta)) of Hoffmann eq. 4.
    pub fn g(&self) -> f64 {
        ((self.alpha * self.a) / (self.beta * self.b)).powf(1.0 / (self.alpha + self.beta))
    }

    /// Exponent a = beta / (alpha + beta) in N_opt ∝ C^a (Hoffmann eq. 4).
    pub fn n_exponent(&self) -> f64 {
        self.beta / (self.alpha + self.beta)
    }

    /// Exponent b = alpha / (alpha + beta) in D_opt ∝ C^b (Hoffmann eq. 4).
    pub fn d_exponent(&self) -> f64 {
        self.alpha / (self.alpha + self.beta)
    }

    /// Compute-optimal N and D for a budget of C FLOPs under C = 6ND.
    ///
    /// Hoffmann eq. 4: N_opt = G (C/6)^a, D_opt = G^-1 (C/6)^b with
    /// G = (alpha A / (beta B))^(1/(alpha+beta)), a = beta/(alpha+beta),
    /// b = alpha/(alpha+beta). Evaluated in logs so that C = 1e30 and beyond
    /// stay finite.
    pub fn optimal(&self, c: f64) -> Result<Allocation> {
        self.optimizer()(c)
    }

    /// [`Parametric::optimal`] with G and the exponents worked out once,
    /// for many budgets (a table of a million allocations); the same
    /// numbers to the last bit.
    pub fn optimizer(&self) -> impl Fn(f64) -> Result<Allocation> + Sync + '_ {
        let ln_g = self.g().ln();
        let (a, b) = (self.n_exponent(), self.d_exponent());
        move |c: f64| {
            let c = check::positive("C", c)?;
            let ln_c6 = (c / 6.0).ln();
            let n = (ln_g + a * ln_c6).exp();
            let d = (-ln_g + b * ln_c6).exp();
            Allocation {
                c,
                n,
                d,
                loss: self.loss_unchecked(n, d),
            }
            .usable("C", c)
        }
    }

    /// The first seed's allocation, which raises the coefficient to
    /// beta/(alpha+beta) instead of 1/(alpha+beta): N is a factor
    /// (alpha A/(beta B))^((beta-1)/(alpha+beta)) of the right one (0.808 for
    /// eq. 10). Kept only to draw the seed's frontier next to the corrected
    /// one (docs/errata.md, seed 1 item 1).
    pub fn seed_optimal(&self, c: f64) -> Result<Allocation> {
        let c = check::positive("C", c)?;
        let a = self.n_exponent();
        let n = ((self.alpha * self.a) / (self.beta * self.b)).powf(a) * (c / 6.0).powf(a);
        let d = c / (6.0 * n);
        Allocation {
            c,
            n,
            d,
            loss: self.loss_unchecked(n, d),
        }
        .usable("C", c)
    }

    /// The budget for which N parameters is compute-optimal, and its D.
    ///
    /// Inverts eq. 4: C/6 = (N/G)^(1/a), D = C / (6N).
    pub fn optimal_for_params(&self, n: f64) -> Result<Allocation> {
        let n = check::positive("N", n)?;
        let ln_c6 = (n.ln() - self.g().ln()) / self.n_exponent();
        let c = 6.0 * ln_c6.exp();
        let d = (ln_c6 - n.ln()).exp();
        Allocation {
            c,
            n,
            d,
            loss: self.loss_unchecked(n, d),
        }
        .usable("N", n)
    }

    /// The budget for which D tokens is compute-optimal, and its N.
    pub fn optimal_for_tokens(&self, d: f64) -> Result<Allocation> {
        let d = check::positive("D", d)?;
        let ln_c6 = (d.ln() + self.g().ln()) / self.d_exponent();
        let c = 6.0 * ln_c6.exp();
        let n = (ln_c6 - d.ln()).exp();
        Allocation {
            c,
            n,
            d,
            loss: self.loss_unchecked(n, d),
        }
        .usable("D", d)
    }

    /// The smallest loss reachable with C FLOPs, i.e. `optimal(C).loss`.
    pub fn loss_at_compute(&self, c: f64) -> Result<f64> {
        Ok(self.optimal(c)?.loss)
    }

    /// The exponent beta/alpha of N ∝ D^(beta/alpha) along the optimal frontier.
    ///
    /// From eq. 4, N_opt ∝ C^(beta/(alpha+beta)) and D_opt ∝ C^(alpha/(alpha+beta)),
    /// so N_opt ∝ D_opt^(beta/alpha).
    pub fn optimal_ratio_exponent(&self) -> f64 {
        self.beta / self.alpha
    }

    /// The error if `target` is not reachable (at or below E).
    pub(crate) fn check_reachable(&self, target: f64) -> Result<f64> {
        let target = check::positive("loss", target)?;
        if target <= self.e {
            return Err(Error::InvalidArgument {
                arg: "loss".into(),
                expected: "above the law's irreducible loss E",
                value: format!("{target} (E = {})", self.e),
            });
        }
        Ok(target)
    }

    /// The smallest budget C that reaches `target` loss, and its allocation.
    ///
    /// Substituting eq. 4 into eq. 2 gives L_opt(C) = E + K (C/6)^(-alpha beta/(alpha+beta))
    /// with K = A G^-alpha + B G^beta, which inverts in closed form.
    pub fn compute_for_loss(&self, target: f64) -> Result<Allocation> {
        let target = self.check_reachable(target)?;
        let g = self.g();
        let k = self.a * g.powf(-self.alpha) + self.b * g.powf(self.beta);
        let slope = self.alpha * self.beta / (self.alpha + self.beta);
        let ln_c6 = -((target - self.e) / k).ln() / slope;
        let c = 6.0 * ln_c6.exp();
        if !(c.is_finite() && c > 0.0) {
            return Err(Error::invalid(
                "loss",
                "a loss whose optimal budget is a finite number of FLOPs",
                target,
            ));
        }
        self.optimal(c)
    }
}
