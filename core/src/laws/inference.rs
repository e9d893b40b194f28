//! The cheapest model for a target quality once inference is counted
//! (Sardana et al. 2024, "Beyond Chinchilla-Optimal").

use serde::Serialize;

use super::Parametric;
use crate::error::{check, Result};
use crate::numeric::golden_section;
use crate::table::{NumFormat, Record};

/// The cheapest model for a target loss once inference is counted.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct InferenceOptimal {
    /// Tokens served at inference over the model's life.
    pub inference_tokens: f64,
    /// Parameters.
    #[serde(rename = "N")]
    pub n: f64,
    /// Training tokens.
    #[serde(rename = "D_train")]
    pub d_train: f64,
    /// Training FLOPs, 6 N D_train.
    pub train_flops: f64,
    /// Inference FLOPs, 2 N D_inference.
    pub inference_flops: f64,
    /// Their sum.
    pub total_flops: f64,
    /// The Chinchilla-optimal model of the same loss (training only).
    #[serde(rename = "chinchilla_N")]
    pub chinchilla_n: f64,
    /// Its training tokens.
    #[serde(rename = "chinchilla_D")]
    pub chinchilla_d: f64,
    /// Its training plus the same inference.
    pub chinchilla_total_flops: f64,
    /// Fraction of total FLOPs saved against the Chinchilla-optimal model.
    pub saved_fraction: f64,
    /// Target loss.
    pub loss: f64,
}

impl Record for InferenceOptimal {
    fn format(field: &str) -> NumFormat {
        match field {
            "N" | "D_train" | "chinchilla_N" | "chinchilla_D" | "inference_tokens" => NumFormat::Si,
            "saved_fraction" | "loss" => NumFormat::Fixed(4),
            _ => NumFormat::Sci(3),
        }
    }
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
    p: &Parametric,
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
    let n = golden_section(total, ln_min + 1e-9, ln_min + 40.0, 300).exp();
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

/// The options of `inference_optimal`: the target quality (a loss, or the
/// compute-optimal loss of a budget) and the tokens served.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InferenceOptions {
    /// The target loss (or give `C`).
    #[serde(default)]
    pub loss: Option<crate::input::Positive>,
    /// A budget whose Chinchilla-optimal loss is the target (or give `loss`).
    #[serde(default, rename = "C")]
    pub c: Option<crate::input::Positive>,
    /// Tokens served over the model's life (a vector gives a Table).
    pub inference_tokens: crate::input::Numbers,
}

impl InferenceOptions {
    /// The target loss under `p`.
    pub fn target(&self, p: &Parametric) -> Result<f64> {
        match (self.loss, self.c) {
            (Some(l), None) => Ok(l.get()),
            (None, Some(c)) => Ok(p.optimal(c.get())?.loss),
            _ => Err(crate::Error::InvalidArgument {
                arg: "loss".into(),
                expected: "given, or C instead (exactly one of the two)",
                value: if self.loss.is_some() {
                    "both"
                } else {
                    "neither"
                }
                .into(),
            }),
        }
    }
}
