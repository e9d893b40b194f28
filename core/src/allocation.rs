//! Compute-optimal allocation: how to split a FLOP budget C = 6ND between
//! parameters N and tokens D.
//!
//! Closed forms live with each law ([`crate::laws`]); this module holds the
//! result type and a numeric minimiser that checks them and serves laws with
//! no closed form.

// (The inference-aware optimum of Sardana et al. lives in `laws::inference`:
// it needs a law's coefficients, and laws depend on this module, not the
// other way round.)

use std::fmt;

use serde::Serialize;

use crate::error::{check, Result};
use crate::table::{NumFormat, Record};
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

impl Record for Allocation {
    fn format(field: &str) -> NumFormat {
        match field {
            "N" | "D" => NumFormat::Si,
            "C" => NumFormat::Sci(3),
            _ => NumFormat::Fixed(4),
        }
    }
}

impl Allocation {
    /// This allocation when every field is a usable number (sizes finite
    /// and non-zero, loss finite); otherwise an error blaming the input
    /// `arg` = `value` that took the law outside its range.
    pub fn usable(self, arg: &str, value: f64) -> Result<Allocation> {
        let sizes = [self.c, self.n, self.d];
        if sizes.iter().all(|x| x.is_finite() && *x > 0.0) && self.loss.is_finite() {
            Ok(self)
        } else {
            Err(crate::error::Error::invalid(
                arg,
                "within the range where the law gives finite, non-zero sizes and loss",
                value,
            ))
        }
    }

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
