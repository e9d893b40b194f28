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

/// Kaplan et al. 2020 eq. 1.4: B_crit(L) = B* / L^(1/alpha_B) with
/// B* = 2e8 tokens and alpha_B = 0.21.
pub fn kaplan_critical_batch(loss: f64) -> Result<f64> {
    let loss = check::positive("loss", loss)?;
    check::finite_result("critical batch", 2e8 * (-(1.0 / 0.21) * loss.ln()).exp())
}
