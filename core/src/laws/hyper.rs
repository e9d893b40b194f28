//! Hyperparameter laws: optimal learning rate and batch size against compute
//! (DeepSeek LLM), and Kaplan's critical batch size against loss.
//! (Allocation power laws are in [`super::rules`].)

use crate::error::{check, Result};

/// DeepSeek LLM 2024 (Bi et al., §3.1, eq. 1): eta_opt = 0.3118 C^-0.1250.
/// C is their compute budget in FLOPs, C = M D with M the non-embedding
/// FLOPs per token. Coefficients as the issue quotes them; not re-checked
/// against the paper's text here (see docs/laws.md).
pub fn deepseek_learning_rate(c: f64) -> Result<f64> {
    let c = check::positive("C", c)?;
    check::finite_result("learning rate", 0.3118 * (-0.1250 * c.ln()).exp())
}

/// DeepSeek LLM 2024 (Bi et al., §3.1, eq. 1): B_opt = 0.2920 C^0.3271 tokens.
pub fn deepseek_batch_size(c: f64) -> Result<f64> {
    let c = check::positive("C", c)?;
    check::finite_result("batch size", 0.2920 * (0.3271 * c.ln()).exp())
}

/// B* of Kaplan et al. 2020's critical batch: Table 5's fit, 2.1e8 tokens.
pub const B_STAR_TABLE5: f64 = 2.1e8;
/// B* as eq. 1.4 and §5.1 (eq. 5.3) round it: "about 2e8" tokens.
pub const B_STAR_ROUNDED: f64 = 2e8;

/// Kaplan et al. 2020 eq. 1.4: B_crit(L) = B* / L^(1/alpha_B) with
/// alpha_B = 0.21 and B* = 2.1e8 tokens (Table 5's fit).
pub fn kaplan_critical_batch(loss: f64) -> Result<f64> {
    kaplan_critical_batch_with(loss, B_STAR_TABLE5)
}

/// [`kaplan_critical_batch`] with another B* (eq. 5.3's rounded 2e8).
pub fn kaplan_critical_batch_with(loss: f64, b_star: f64) -> Result<f64> {
    let loss = check::positive("loss", loss)?;
    let b_star = check::positive_at_most("B_star", b_star, 1e15)?;
    check::finite_result("critical batch", b_star * (-(1.0 / 0.21) * loss.ln()).exp())
}

/// Options of `critical_batch_size`.
#[derive(
    Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct CriticalBatchOptions {
    /// B*, tokens: 2.1e8 (Kaplan et al. 2020 Table 5's fit) when absent;
    /// 2e8 is eq. 1.4's and eq. 5.3's rounding.
    #[serde(rename = "B_star", default = "table5")]
    pub b_star: crate::input::Positive,
}

fn table5() -> crate::input::Positive {
    crate::input::Positive::new("B_star", B_STAR_TABLE5).expect("positive")
}
