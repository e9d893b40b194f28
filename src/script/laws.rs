//! Scaling laws in scripts: the seed's functions, Kaplan's laws, and `Law` values.

use rhai::plugin::*;

#[export_module]
pub mod api {
    use rhai::{Array, Dynamic, Map, NativeCallContext, FLOAT};

    use crate::laws::{kaplan, Law, Parametric};
    use crate::script::args::{self, fail, lift, map1, map2, ScriptResult};
    use crate::script::convert::allocation_result;

    /// Chinchilla loss L(N, D) = E + A/N^alpha + B/D^beta with the rounded
    /// coefficients of Hoffmann et al. 2022 eq. 10: E = 1.69, A = 406.4,
    /// B = 410.7, alpha = 0.34, beta = 0.28.
    ///
    /// `N` is parameters, `D` training tokens; either may be an array
    /// (the result is then an array).
    ///
    /// ```rhai
    /// chinchilla_loss(70e9, 1.4e12)   // 1.9366 (Chinchilla itself)
    /// ```
    #[rhai_fn(return_raw)]
    pub fn chinchilla_loss(
        ctx: NativeCallContext,
        n: Dynamic,
        d: Dynamic,
    ) -> ScriptResult<Dynamic> {
        let law = Parametric::CHINCHILLA;
        map2(&ctx, ("N", "D"), &n, &d, |n, d| law.loss(n, d))
    }

    /// Kaplan et al. 2020 eq. 1.5, L(N, D) = [(N_c/N)^(alpha_N/alpha_D) + D_c/D]^alpha_D,
    /// with Table 2's N_c = 6.4e13, D_c = 1.8e13, alpha_N = 0.076, alpha_D = 0.103.
    ///
    /// Losses are nats/token on WebText2: compare trends, not levels, with Chinchilla's.
    ///
    /// ```rhai
    /// kaplan_loss(1e9, 200e9)   // 2.3249
    /// ```
    #[rhai_fn(return_raw)]
    pub fn kaplan_loss(ctx: NativeCallContext, n: Dynamic, d: Dynamic) -> ScriptResult<Dynamic> {
        let law = kaplan::KaplanJoint::TABLE2;
        map2(&ctx, ("N", "D"), &n, &d, |n, d| law.loss(n, d))
    }

    /// The first seed's `kaplan_scaling_law`: max((8.8e13/N)^0.076, (5.4e13/D)^0.095) + 1.69.
    ///
    /// Not a published law (see docs/errata.md); kept only to reproduce the
    /// seed's DEMO 4 column. Use `kaplan_loss` for Kaplan's eq. 1.5.
    ///
    /// ```rhai
    /// kaplan_loss_seed(1e9, 200e9)   // 4.0656
    /// ```
    #[rhai_fn(return_raw)]
    pub fn kaplan_loss_seed(
        ctx: NativeCallContext,
        n: Dynamic,
        d: Dynamic,
    ) -> ScriptResult<Dynamic> {
        map2(&ctx, ("N", "D"), &n, &d, kaplan::seed_loss)
    }

    /// Kaplan et al. 2020 eq. 1.1: L(N) = (N_c/N)^alpha_N with N_c = 8.8e13,
    /// alpha_N = 0.076; the loss of N non-embedding parameters trained to
    /// convergence on abundant data.
    ///
    /// ```rhai
    /// loss_from_size(1.082148e12)   // 1.396931
    /// ```
    #[rhai_fn(return_raw)]
    pub fn loss_from_size(ctx: NativeCallContext, n: Dynamic) -> ScriptResult<Dynamic> {
        map1(&ctx, "N", &n, kaplan::loss_from_size)
    }

    /// Kaplan et al. 2020 eq. 1.1 inverted: N = N_c L^(-1/alpha_N).
    ///
    /// ```rhai
    /// size_from_loss(1.4)   // 1.051345e12
    /// ```
    #[rhai_fn(return_raw)]
    pub fn size_from_loss(ctx: NativeCallContext, loss: Dynamic) -> ScriptResult<Dynamic> {
        map1(&ctx, "loss", &loss, kaplan::size_from_loss)
    }

    /// Kaplan et al. 2020 eq. 1.2: L(D) = (D_c/D)^alpha_D with D_c = 5.4e13,
    /// alpha_D = 0.095; the loss of a large model trained on D tokens.
    ///
    /// ```rhai
    /// loss_from_data(1.600431e12)   // 1.396931
    /// ```
    #[rhai_fn(return_raw)]
    pub fn loss_from_data(ctx: NativeCallContext, d: Dynamic) -> ScriptResult<Dynamic> {
        map1(&ctx, "D", &d, kaplan::loss_from_data)
    }

    /// Kaplan et al. 2020 eq. 1.2 inverted: the tokens D needed to reach a
    /// loss, D = exp(ln D_c - ln L / alpha_D).
    ///
    /// ```rhai
    /// let N = arch_sweep()[8].N;                // the notebook's 1T model
    /// data_from_loss(loss_from_size(N))         // 1.600431e12 tokens
    /// ```
    #[rhai_fn(return_raw)]
    pub fn data_from_loss(ctx: NativeCallContext, loss: Dynamic) -> ScriptResult<Dynamic> {
        map1(&ctx, "loss", &loss, kaplan::data_from_loss)
    }

    /// Kaplan et al. 2020 eq. 1.3: L(C_min) = (C_c/C_min)^alpha_C with
    /// C_c = 3.1e8 PF-days, alpha_C = 0.050; `pf_days` is compute in PF-days.
    ///
    /// ```rhai
    /// loss_from_cost(387136.4)   // 1.396931
    /// ```
    #[rhai_fn(return_raw)]
    pub fn loss_from_cost(ctx: NativeCallContext, pf_days: Dynamic) -> ScriptResult<Dynamic> {
        map1(&ctx, "pf_days", &pf_days, kaplan::loss_from_cost)
    }

    /// Kaplan et al. 2020 eq. 1.3 inverted: the compute in PF-days needed to
    /// reach a loss, C_min = exp(ln C_c - ln L / alpha_C).
    ///
    /// ```rhai
    /// let N = arch_sweep()[8].N;                // the notebook's 1T model
    /// cost_from_loss(loss_from_size(N))         // 387136.4 PF-days
    /// ```
    #[rhai_fn(return_raw)]
    pub fn cost_from_loss(ctx: NativeCallContext, loss: Dynamic) -> ScriptResult<Dynamic> {
        map1(&ctx, "loss", &loss, kaplan::cost_from_loss)
    }

    /// A law from the catalog by name (`"chinchilla"`, `"kaplan"`); `laws()` lists them.
    ///
    /// ```rhai
    /// let l = law("chinchilla");
    /// l.loss(70e9, 1.4e12)   // 1.9366
    /// ```
    #[rhai_fn(name = "law", return_raw)]
    pub fn law_by_name(ctx: NativeCallContext, name: &str) -> ScriptResult<Law> {
        lift(&ctx, Law::by_name(name))
    }

    /// A law with your own coefficients: `law(#{E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28})`.
    ///
    /// All five keys are required; A, B, alpha, beta must be positive, E non-negative.
    #[rhai_fn(name = "law", return_raw)]
    pub fn law_from_map(ctx: NativeCallContext, coefficients: Map) -> ScriptResult<Law> {
        let keys = ["E", "A", "B", "alpha", "beta"];
        args::options(&ctx, &coefficients, &keys)?;
        let get = |k: &str| -> ScriptResult<FLOAT> {
            coefficients
                .get(k)
                .ok_or_else(|| {
                    fail(
                        &ctx,
                        format!("missing coefficient '{k}' (need E, A, B, alpha, beta)"),
                    )
                })
                .and_then(|v| args::number(&ctx, k, v))
        };
        let p = lift(
            &ctx,
            Parametric::new(get("E")?, get("A")?, get("B")?, get("alpha")?, get("beta")?),
        )?;
        Ok(Law::custom(p))
    }

    /// The law catalog: an array of maps with `name`, `formula` and `citation`.
    pub fn laws() -> Array {
        Law::catalog()
            .into_iter()
            .map(|l| {
                let mut m = Map::new();
                m.insert("name".into(), l.name.clone().into());
                m.insert("formula".into(), l.formula().into());
                m.insert("citation".into(), l.citation.clone().into());
                m.into()
            })
            .collect()
    }

    /// Predicted loss of a law at N parameters and D tokens (numbers or arrays).
    ///
    /// ```rhai
    /// law("kaplan").loss(1e9, 200e9)
    /// ```
    #[rhai_fn(name = "loss", return_raw)]
    pub fn law_loss(
        ctx: NativeCallContext,
        law: &mut Law,
        n: Dynamic,
        d: Dynamic,
    ) -> ScriptResult<Dynamic> {
        let law = law.clone();
        map2(&ctx, ("N", "D"), &n, &d, |n, d| law.loss(n, d))
    }

    /// Compute-optimal allocation of C FLOPs under a law: `#{C, N, D, loss}`
    /// (an array of budgets gives a Table with one row per budget).
    ///
    /// ```rhai
    /// law("chinchilla").optimal(5.76e23).N   // 3.219e10
    /// ```
    #[rhai_fn(name = "optimal", return_raw)]
    pub fn law_optimal(ctx: NativeCallContext, law: &mut Law, c: Dynamic) -> ScriptResult<Dynamic> {
        let law = law.clone();
        allocation_result(&ctx, "C", &c, |c| law.optimal(c))
    }

    /// The budget at which N parameters is compute-optimal under a law: `#{C, N, D, loss}`.
    ///
    /// ```rhai
    /// law("chinchilla").optimal_for_params(1e9).D   // 4.4e10 tokens
    /// ```
    #[rhai_fn(name = "optimal_for_params", return_raw)]
    pub fn law_optimal_for_params(
        ctx: NativeCallContext,
        law: &mut Law,
        n: Dynamic,
    ) -> ScriptResult<Dynamic> {
        let law = law.clone();
        allocation_result(&ctx, "N", &n, |n| law.optimal_for_params(n))
    }

    /// The smallest compute budget that reaches a target loss, and its
    /// allocation (parametric laws; the target must lie above E).
    ///
    /// ```rhai
    /// law("chinchilla").compute_for_loss(1.9).C
    /// ```
    #[rhai_fn(name = "compute_for_loss", return_raw)]
    pub fn law_compute_for_loss(
        ctx: NativeCallContext,
        law: &mut Law,
        loss: Dynamic,
    ) -> ScriptResult<Dynamic> {
        let Some(p) = law.parametric().copied() else {
            return Err(fail(
                &ctx,
                format!(
                    "law '{}' is not of the parametric form E + A/N^alpha + B/D^beta",
                    law.name
                ),
            ));
        };
        allocation_result(&ctx, "loss", &loss, |l| p.compute_for_loss(l))
    }

    /// The law's catalog name.
    #[rhai_fn(get = "name", pure)]
    pub fn get_name(law: &mut Law) -> String {
        law.name.clone()
    }

    /// Where the law's coefficients come from.
    #[rhai_fn(get = "citation", pure)]
    pub fn get_citation(law: &mut Law) -> String {
        law.citation.clone()
    }

    /// The law's formula with its coefficients.
    #[rhai_fn(get = "formula", pure)]
    pub fn get_formula(law: &mut Law) -> String {
        law.formula()
    }

    /// The law's coefficients as a map (`E, A, B, alpha, beta` or `Nc, Dc, alpha_n, alpha_d`).
    #[rhai_fn(get = "coefficients", pure)]
    pub fn get_coefficients(law: &mut Law) -> Map {
        let json = serde_json::to_value(law.form).expect("coefficients serialise");
        let mut m = Map::new();
        if let serde_json::Value::Object(o) = json {
            for (k, v) in o {
                if let Some(x) = v.as_f64() {
                    m.insert(k.into(), x.into());
                }
            }
        }
        m
    }

    /// The law as text: formula and source.
    #[rhai_fn(name = "to_string", pure)]
    pub fn law_to_string(law: &mut Law) -> String {
        law.to_string()
    }

    /// The law as text: formula and source.
    #[rhai_fn(name = "to_debug", pure)]
    pub fn law_to_debug(law: &mut Law) -> String {
        law.to_string()
    }
}
