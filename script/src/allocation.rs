//! Compute-optimal allocation and FLOP counting in scripts.

use rhai::plugin::*;

#[export_module]
pub mod api {
    use rhai::{Dynamic, NativeCallContext, FLOAT};

    use crate::args::{lift, map2, ScriptResult};
    use crate::convert::record_result;
    use scaling_lab_core::allocation;
    use scaling_lab_core::budget::work;
    use scaling_lab_core::laws::compare::Answer;
    use scaling_lab_core::laws::{Law, Parametric};

    /// Training compute C = 6ND in FLOPs (Kaplan et al. 2020 §2.1: about 6
    /// FLOPs per parameter per token, forward and backward).
    ///
    /// ```rhai
    /// compute_flops(175e9, 300e9)   // 3.15e23 (GPT-3)
    /// ```
    #[rhai_fn(return_raw)]
    pub fn compute_flops(ctx: NativeCallContext, n: Dynamic, d: Dynamic) -> ScriptResult<Dynamic> {
        map2(&ctx, ("N", "D"), &n, &d, allocation::compute_flops)
    }

    /// Compute-optimal N and D for a budget of C FLOPs under the Chinchilla
    /// law (eq. 10, rounded), C = 6ND: `#{law, C, N, D, tokens_per_param,
    /// loss, loss_from}`. The answer names its law: other laws answer
    /// differently (`find_optimal_allocation(C, "epoch2024")`,
    /// `compare_laws(C)`; docs/laws.md says when to prefer which).
    ///
    /// Hoffmann et al. 2022 eq. 4: N_opt = G (C/6)^(beta/(alpha+beta)),
    /// G = (alpha A/(beta B))^(1/(alpha+beta)). (The first seed raised the
    /// coefficient to beta/(alpha+beta) and got N 19% low; see docs/errata.md.)
    /// An array of budgets gives a Table with one row per budget.
    ///
    /// ```rhai
    /// let a = find_optimal_allocation(5.76e23);
    /// a.N      // 3.219e10
    /// a.D      // 2.982e12
    /// a.loss   // 1.9307
    /// ```
    #[rhai_fn(return_raw)]
    pub fn find_optimal_allocation(ctx: NativeCallContext, c: Dynamic) -> ScriptResult<Dynamic> {
        let law = Law::chinchilla();
        record_result(&ctx, "C", &c, work::MATH, Answer::of_law_fn(&law))
    }

    /// The first seed's `find_optimal_allocation`, with its wrong exponent on
    /// the coefficient (N 19% low; docs/errata.md). Only for drawing the
    /// seed's frontier beside the corrected one.
    ///
    /// ```rhai
    /// seed_optimal_allocation(5.76e23).N   // 2.601e10 (the right N is 3.219e10)
    /// ```
    #[rhai_fn(return_raw)]
    pub fn seed_optimal_allocation(ctx: NativeCallContext, c: Dynamic) -> ScriptResult<Dynamic> {
        let law = Parametric::CHINCHILLA;
        record_result(&ctx, "C", &c, work::MATH, |c| law.seed_optimal(c))
    }

    /// Compute-optimal allocation of C FLOPs under the given law, with
    /// the law's name (`law.optimal(C)` without it).
    ///
    /// ```rhai
    /// find_optimal_allocation(1e24, law("epoch2024")).N   // 9.59e10
    /// ```
    #[rhai_fn(name = "find_optimal_allocation", return_raw)]
    pub fn find_optimal_allocation_law(
        ctx: NativeCallContext,
        c: Dynamic,
        law: Law,
    ) -> ScriptResult<Dynamic> {
        record_result(&ctx, "C", &c, work::MATH, Answer::of_law_fn(&law))
    }

    /// Compute-optimal allocation under a law or allocation rule named:
    /// a catalog law, `"kaplan_frontier"` (Kaplan Table 6), or a rule
    /// (`"approach1"`, `"approach2"`, `"llama3"` (Figure 3's coefficients),
    /// `"llama3_text"`, `"llama3_anchored"`, `"deepseek"`); rules without a
    /// loss formula report Chinchilla's
    /// eq. 10 loss (`loss_from` says whose).
    ///
    /// ```rhai
    /// find_optimal_allocation(3.8e25, "llama3_anchored").D   // 1.655e13
    /// ```
    #[rhai_fn(name = "find_optimal_allocation", return_raw)]
    pub fn find_optimal_allocation_named(
        ctx: NativeCallContext,
        c: Dynamic,
        name: &str,
    ) -> ScriptResult<Dynamic> {
        record_result(&ctx, "C", &c, work::MATH, |c| Answer::by_name(name, c))
    }

    /// The exponent beta/alpha of N_opt ∝ D_opt^(beta/alpha) under the
    /// Chinchilla law (0.824): from eq. 4, N_opt ∝ C^(beta/(alpha+beta)) and
    /// D_opt ∝ C^(alpha/(alpha+beta)).
    ///
    /// ```rhai
    /// compute_optimal_ratio()   // 0.8235
    /// ```
    pub fn compute_optimal_ratio() -> FLOAT {
        Parametric::CHINCHILLA.optimal_ratio_exponent()
    }

    /// The exponent beta/alpha of N_opt ∝ D_opt^(beta/alpha) for a parametric law.
    #[rhai_fn(name = "compute_optimal_ratio", return_raw)]
    pub fn compute_optimal_ratio_law(ctx: NativeCallContext, law: Law) -> ScriptResult<FLOAT> {
        lift(&ctx, law.require_parametric()).map(|p| p.optimal_ratio_exponent())
    }
}
