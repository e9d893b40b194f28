//! Scaling laws in scripts: the seed's functions, Kaplan's laws, and `Law` values.

use rhai::plugin::*;

/// A law's compute-optimal answer with its caveat, if it has one
/// ([`Law::caveat`]): a `caveat` key of a map, a column of a table.
fn mark_caveat(
    ctx: &NativeCallContext,
    law: &scaling_lab_core::laws::Law,
    out: Dynamic,
) -> crate::args::ScriptResult<Dynamic> {
    let Some(caveat) = law.caveat() else {
        return Ok(out);
    };
    if let Some(mut t) = out.clone().try_cast::<scaling_lab_core::table::Table>() {
        let col = scaling_lab_core::table::Column::text(std::iter::repeat_n(caveat, t.len()));
        crate::args::lift(ctx, t.set_column("caveat", col))?;
        return Ok(Dynamic::from(t));
    }
    match out.try_cast::<rhai::Map>() {
        Some(mut m) => {
            m.insert("caveat".into(), caveat.into());
            Ok(m.into())
        }
        None => Err(crate::args::fail(
            ctx,
            "a compute-optimal answer is a map or a table",
        )),
    }
}

#[export_module]
pub mod api {
    use rhai::{Dynamic, Map, NativeCallContext};

    use crate::args::{self, fail, lift, map1, map2, map3, ScriptResult};
    use crate::convert::{record_result, to_script};
    use scaling_lab_core::budget::work;
    use scaling_lab_core::laws::{hyper, kaplan, rules, Law, Parametric};

    /// Chinchilla loss L(N, D) = E + A/N^alpha + B/D^beta with the rounded
    /// coefficients of Hoffmann et al. 2022 eq. 10: E = 1.69, A = 406.4,
    /// B = 410.7, alpha = 0.34, beta = 0.28.
    ///
    /// `N` is parameters (all of them, embeddings included, as Hoffmann
    /// counts; Kaplan's laws use non-embedding N), `D` training tokens;
    /// either may be a vector or an array.
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

    /// A law from the catalog by name (`"chinchilla"`, Hoffmann eq. 10 as
    /// printed, is the default everywhere; `"kaplan"` means
    /// `"kaplan_joint"`, eq. 1.5; `"krajewski2024"` is at granularity 1);
    /// `laws()` lists them with their sources and docs/laws.md says when to
    /// prefer which.
    ///
    /// ```rhai
    /// let l = law("chinchilla");
    /// l.loss(70e9, 1.4e12)   // 1.9366
    /// ```
    #[rhai_fn(name = "law", return_raw)]
    pub fn law_by_name(ctx: NativeCallContext, name: &str) -> ScriptResult<Law> {
        lift(&ctx, Law::by_name(name))
    }

    /// A catalog law with options: `law("krajewski2024", #{G: 8})` is the
    /// fine-grained MoE law of Krajewski et al. 2024 (eq. 5, Table 1) at
    /// granularity G (experts 1/G the dense FFN, G of them per token):
    /// L = 0.47 + (2.1 / G^0.58 + 18.1) / N^0.115 + 30.8 / D^0.147.
    ///
    /// ```rhai
    /// law("krajewski2024", #{G: 8}).loss(1e9, 2e10)   // 3.140 (3.276 at G = 1)
    /// ```
    #[rhai_fn(name = "law", return_raw)]
    pub fn law_with(ctx: NativeCallContext, name: &str, options: Map) -> ScriptResult<Law> {
        if !name.eq_ignore_ascii_case(scaling_lab_core::laws::moe::NAME) {
            return Err(fail(
                &ctx,
                format!("law '{name}' takes no options (only \"krajewski2024\" does: #{{G: 8}})"),
            ));
        }
        let o: scaling_lab_core::laws::moe::MoeOptions = crate::options::read(&ctx, &options)?;
        lift(&ctx, scaling_lab_core::laws::moe::fine_grained(o.g.get()))
    }

    /// Every law and allocation rule at a budget of C FLOPs, one row each:
    /// `law`, `C`, `N`, `D`, `tokens_per_param`, `loss` and `loss_from`.
    /// Loss laws give their own optimum and loss (Kaplan's in WebText2
    /// nats, not comparable with the others); Kaplan's fitted frontier
    /// (Table 6) and the allocation rules (Hoffmann Approaches 1-2, Llama
    /// 3, DeepSeek) give N and D, with Chinchilla eq. 10's loss as a common
    /// yardstick. Every row spends C = 6ND. A vector of budgets gives all
    /// rows for each budget.
    ///
    /// ```rhai
    /// compare_laws(1e24)
    /// ```
    #[rhai_fn(return_raw)]
    pub fn compare_laws(
        ctx: NativeCallContext,
        c: Dynamic,
    ) -> ScriptResult<scaling_lab_core::table::Table> {
        let budgets = match args::Numeric::from_dynamic(&ctx, "C", &c)? {
            args::Numeric::Scalar(x) => vec![x],
            args::Numeric::Vector(v) => v.to_vec(),
        };
        let names = scaling_lab_core::laws::compare::compared();
        let per = names.len();
        let many = budgets.len() > 1;
        crate::convert::record_table(
            &ctx,
            budgets.len() * per,
            work::SEARCH,
            |k| {
                if many {
                    format!("C[{}]", k / per)
                } else {
                    "C".into()
                }
            },
            |k| scaling_lab_core::laws::compare::Answer::by_name(names[k % per], budgets[k / per]),
        )
    }

    /// `compare_laws` over the laws and rules you choose: an array of
    /// catalog names and law values (a `fit_law` result, a `law(#{...})`).
    /// A law fitted with `bootstrap` adds 95% intervals of N, D, D/N and
    /// the loss (`N_low`, `N_high`, ...), NaN on rows without refits.
    ///
    /// ```rhai
    /// compare_laws(1e24, ["chinchilla", "epoch2024", "llama3"]).len()   // 3
    /// ```
    #[rhai_fn(name = "compare_laws", return_raw)]
    pub fn compare_chosen(
        ctx: NativeCallContext,
        c: Dynamic,
        laws: rhai::Array,
    ) -> ScriptResult<scaling_lab_core::table::Table> {
        compare_chosen_with(ctx, c, laws, Map::new())
    }

    /// `compare_laws(C, laws)` with the intervals' `level` (0.95 by default).
    #[rhai_fn(name = "compare_laws", return_raw)]
    pub fn compare_chosen_with(
        ctx: NativeCallContext,
        c: Dynamic,
        laws: rhai::Array,
        options: Map,
    ) -> ScriptResult<scaling_lab_core::table::Table> {
        use scaling_lab_core::laws::compare::{compare_chosen, Entry};
        let o: scaling_lab_core::laws::fitted::IntervalOptions =
            crate::options::read(&ctx, &options)?;
        let budgets = match args::Numeric::from_dynamic(&ctx, "C", &c)? {
            args::Numeric::Scalar(x) => vec![x],
            args::Numeric::Vector(v) => v.to_vec(),
        };
        if laws.is_empty() {
            return Err(fail(&ctx, "laws must name at least one law or rule"));
        }
        let mut entries = Vec::with_capacity(laws.len());
        for (i, v) in laws.iter().enumerate() {
            if let Some(name) = v.clone().try_cast::<rhai::ImmutableString>() {
                entries.push(Entry::Named(name.to_string()));
            } else if let Some(law) = v.clone().try_cast::<Law>() {
                entries.push(Entry::Law(law));
            } else {
                return Err(fail(
                    &ctx,
                    format!(
                        "laws[{i}] must be a law's name or a Law, got {}",
                        args::type_name(v)
                    ),
                ));
            }
        }
        let refits: usize = entries
            .iter()
            .map(|e| match e {
                Entry::Law(l) => l.evaluations(),
                Entry::Named(_) => 1,
            })
            .sum();
        args::check_size(
            &ctx,
            "the rows",
            (budgets.len() * entries.len()) as f64 * 16.0,
        )?;
        lift(
            &ctx,
            crate::state::state(&ctx)
                .budget
                .charge_elements(budgets.len() * refits, work::SEARCH),
        )?;
        lift(&ctx, compare_chosen(&entries, &budgets, o.level.get()))
    }

    /// Kaplan et al. 2020's compute-efficient frontier (Table 6, §6.1) at
    /// C FLOPs: `c_min_pf_days` (C in PF-days), `N` = 1.3e9 C_min^0.73,
    /// `B` = 2.0e6 C_min^0.24 tokens, `S_min` = 5.4e3 C_min^0.03 steps and
    /// `D` = 2e10 C_min^0.27 tokens. This is the frontier Kaplan fitted;
    /// `law("kaplan_joint").optimal(C)` minimises eq. 1.5 instead (1.52e9
    /// parameters at 1 PF-day against Table 6's 1.3e9). A vector of budgets
    /// gives a Table.
    ///
    /// ```rhai
    /// kaplan_frontier(PF_DAY()).N   // 1.3e9
    /// ```
    #[rhai_fn(return_raw)]
    pub fn kaplan_frontier(ctx: NativeCallContext, c: Dynamic) -> ScriptResult<Dynamic> {
        record_result(
            &ctx,
            "C",
            &c,
            work::MATH,
            scaling_lab_core::laws::kaplan_training::kaplan_frontier,
        )
    }

    /// Kaplan et al. 2020 eq. 5.6 with Table 3: the loss of N non-embedding
    /// parameters after S_min steps (at a batch far above the critical
    /// one): (6.5e13/N)^0.077 + (2.1e3/S_min)^0.76.
    ///
    /// ```rhai
    /// kaplan_loss_steps(1e9, 1e5)   // 2.4005
    /// ```
    #[rhai_fn(name = "kaplan_loss_steps", return_raw)]
    pub fn kaplan_loss_smin(
        ctx: NativeCallContext,
        n: Dynamic,
        s_min: Dynamic,
    ) -> ScriptResult<Dynamic> {
        map2(
            &ctx,
            ("N", "S_min"),
            &n,
            &s_min,
            scaling_lab_core::laws::kaplan_training::loss_n_smin,
        )
    }

    /// Kaplan et al. 2020 eqs. 5.4-5.6 and 1.4: the loss of N parameters
    /// after `steps` steps of `batch` tokens, with S_min = S / (1 +
    /// B_crit(L)/B) and B_crit(L) = 2e8 / L^(1/0.21) solved together.
    /// Gives `loss`, `b_crit` and `s_min`; `steps` may be a vector (a Table).
    ///
    /// ```rhai
    /// kaplan_loss_steps(1e9, #{steps: 1e5, batch: 1e6}).loss
    /// ```
    #[rhai_fn(name = "kaplan_loss_steps", return_raw)]
    pub fn kaplan_loss_run(
        ctx: NativeCallContext,
        n: Dynamic,
        options: Map,
    ) -> ScriptResult<Dynamic> {
        let o: scaling_lab_core::laws::kaplan_training::StepsOptions =
            crate::options::read(&ctx, &options)?;
        let n = args::number(&ctx, "N", &n)?;
        let batch = o.batch.get();
        crate::convert::record_results(&ctx, "steps", &o.steps, work::SEARCH, |s| {
            scaling_lab_core::laws::kaplan_training::loss_n_steps(n, s, batch)
        })
    }

    /// A law with your own coefficients: `law(#{E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28})`.
    ///
    /// All five keys are required; A, B, alpha, beta must be positive, E non-negative.
    #[rhai_fn(name = "law", return_raw)]
    pub fn law_from_map(ctx: NativeCallContext, coefficients: Map) -> ScriptResult<Law> {
        let p: Parametric =
            crate::options::read_value(&ctx, &Dynamic::from_map(coefficients), "coefficient")?;
        let p = lift(&ctx, Parametric::new(p.e, p.a, p.b, p.alpha, p.beta))?;
        Ok(Law::custom(p))
    }

    /// The catalog of laws and allocation rules: an array of maps with
    /// `name`, `kind` ("loss law": `law(name)` gives its loss and its
    /// optimum; "allocation rule": N and D for a budget, through
    /// `find_optimal_allocation(C, name)`), `answers` (how to ask it),
    /// `formula` and `citation`.
    ///
    /// ```rhai
    /// laws().filter(|l| l.kind == "allocation rule").len()   // 6
    /// ```
    #[rhai_fn(return_raw)]
    pub fn laws(ctx: NativeCallContext) -> ScriptResult<Dynamic> {
        #[derive(serde::Serialize)]
        struct Entry {
            name: String,
            kind: &'static str,
            answers: String,
            formula: String,
            citation: String,
        }
        let mut v: Vec<Entry> = Law::catalog()
            .into_iter()
            .map(|l| Entry {
                formula: l.formula(),
                kind: "loss law",
                answers: format!(
                    "law(\"{}\"): loss(N, D), optimal(C), optimal_for_params(N){}",
                    l.name,
                    if l.parametric().is_some() {
                        ", compute_for_loss(L)"
                    } else {
                        ""
                    }
                ),
                name: l.name.to_string(),
                citation: l.citation,
            })
            .collect();
        v.extend(rules::RULES.iter().map(|a| Entry {
            name: a.name.into(),
            kind: "allocation rule",
            answers: format!(
                "find_optimal_allocation(C, \"{}\"): N and D (no loss formula)",
                a.name
            ),
            formula: a.formula(),
            citation: a.citation.into(),
        }));
        to_script(&ctx, &v)
    }

    /// Hoffmann et al. 2022 Approach 1 allocation (Table 2 exponent 0.50,
    /// anchored at Table 3's 67B for 5.76e23 FLOPs): `#{C, N, D}`.
    ///
    /// ```rhai
    /// hoffmann_approach1(1.21e20).N   // 0.971e9 (Table 3: 1B)
    /// ```
    #[rhai_fn(return_raw)]
    pub fn hoffmann_approach1(ctx: NativeCallContext, c: Dynamic) -> ScriptResult<Dynamic> {
        super::allocation_law(&ctx, &rules::APPROACH1, &c)
    }

    /// Hoffmann et al. 2022 Approach 2 allocation (IsoFLOP profiles; Table 2
    /// exponent 0.49, coefficient fitted to Table A3): `#{C, N, D}`.
    ///
    /// ```rhai
    /// hoffmann_approach2(1.20e20).N   // 0.996e9 (Table A3: 1B)
    /// ```
    #[rhai_fn(return_raw)]
    pub fn hoffmann_approach2(ctx: NativeCallContext, c: Dynamic) -> ScriptResult<Dynamic> {
        super::allocation_law(&ctx, &rules::APPROACH2, &c)
    }

    /// DeepSeek LLM 2024 (§3.1): optimal peak learning rate 0.3118 C^-0.1250
    /// for a compute budget of C FLOPs.
    ///
    /// ```rhai
    /// deepseek_learning_rate(1e20)   // 0.000986
    /// ```
    #[rhai_fn(return_raw)]
    pub fn deepseek_learning_rate(ctx: NativeCallContext, c: Dynamic) -> ScriptResult<Dynamic> {
        map1(&ctx, "C", &c, hyper::deepseek_learning_rate)
    }

    /// DeepSeek LLM 2024 (§3.1): optimal batch size 0.2920 C^0.3271 tokens.
    ///
    /// ```rhai
    /// deepseek_batch_size(1e20)   // 1.0e6
    /// ```
    #[rhai_fn(return_raw)]
    pub fn deepseek_batch_size(ctx: NativeCallContext, c: Dynamic) -> ScriptResult<Dynamic> {
        map1(&ctx, "C", &c, hyper::deepseek_batch_size)
    }

    /// Kaplan et al. 2020 eq. 1.4: critical batch size B* / L^(1/alpha_B)
    /// tokens, alpha_B = 0.21 and B* = 2.1e8 (Table 5's fit; eq. 5.3
    /// rounds it to "about 2e8": `critical_batch_size(L, #{B_star: 2e8})`).
    ///
    /// ```rhai
    /// critical_batch_size(2.0)   // 7.74e6 tokens
    /// ```
    #[rhai_fn(return_raw)]
    pub fn critical_batch_size(ctx: NativeCallContext, loss: Dynamic) -> ScriptResult<Dynamic> {
        map1(&ctx, "loss", &loss, hyper::kaplan_critical_batch)
    }

    /// `critical_batch_size` with another B*: `#{B_star: 2e8}` (eq. 5.3's rounding).
    ///
    /// ```rhai
    /// critical_batch_size(2.0, #{B_star: 2e8})   // 7.37e6 tokens
    /// ```
    #[rhai_fn(name = "critical_batch_size", return_raw)]
    pub fn critical_batch_size_with(
        ctx: NativeCallContext,
        loss: Dynamic,
        options: rhai::Map,
    ) -> ScriptResult<Dynamic> {
        let o: hyper::CriticalBatchOptions = crate::options::read(&ctx, &options)?;
        let b = o.b_star.get();
        map1(&ctx, "loss", &loss, |l| {
            hyper::kaplan_critical_batch_with(l, b)
        })
    }

    /// The cheapest model for a target quality once inference is counted
    /// (Sardana et al. 2024): minimise 6 N D_train + 2 N D_inference at
    /// `loss` (or at the Chinchilla-optimal loss of budget `C`) for
    /// `inference_tokens` served. Returns N, D_train, the FLOPs, the
    /// Chinchilla-optimal model of the same loss and `saved_fraction`; an
    /// array of inference demands gives a Table.
    ///
    /// ```rhai
    /// let r = inference_optimal(law("chinchilla"), #{loss: 2.0, inference_tokens: 1e13});
    /// r.N < r.chinchilla_N   // true: smaller, trained longer
    /// ```
    #[rhai_fn(return_raw)]
    pub fn inference_optimal(
        ctx: NativeCallContext,
        law: Law,
        options: Map,
    ) -> ScriptResult<Dynamic> {
        let o: scaling_lab_core::laws::InferenceOptions = crate::options::read(&ctx, &options)?;
        let p = *lift(&ctx, law.require_parametric())?;
        let target = lift(&ctx, o.target(&p))?;
        crate::convert::record_results(
            &ctx,
            "inference_tokens",
            &o.inference_tokens,
            work::SEARCH,
            |d| scaling_lab_core::laws::inference_optimal(&p, target, d),
        )
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

    /// Predicted loss at N parameters and D tokens drawn from U unique tokens
    /// (Muennighoff et al. 2023: repeated tokens and excess parameters are
    /// worth less). Other laws accept U only when U >= D.
    ///
    /// ```rhai
    /// let dc = law("data_constrained");
    /// dc.loss(1e9, 80e9, 20e9)   // 2.4360 (four epochs of 20B tokens)
    /// dc.loss(1e9, 80e9, 80e9)   // 2.4306 (80B fresh tokens)
    /// ```
    #[rhai_fn(name = "loss", return_raw)]
    pub fn law_loss_with_unique(
        ctx: NativeCallContext,
        law: &mut Law,
        n: Dynamic,
        d: Dynamic,
        u: Dynamic,
    ) -> ScriptResult<Dynamic> {
        let law = law.clone();
        map3(&ctx, ("N", "D", "U"), (&n, &d, &u), |n, d, u| {
            law.loss_with_unique(n, d, u)
        })
    }

    /// The best allocation of C FLOPs when only U unique tokens exist
    /// (data-constrained law; numeric): `#{C, N, D, U, epochs, N_eff, D_eff, loss}`;
    /// an array of budgets gives a Table.
    ///
    /// ```rhai
    /// let r = law("data_constrained").optimal(1e22, 2e10);
    /// r.epochs   // 12.29 (unconstrained: 9.2B params, 9 epochs)
    /// ```
    #[rhai_fn(name = "optimal", return_raw)]
    pub fn law_optimal_with_unique(
        ctx: NativeCallContext,
        law: &mut Law,
        c: Dynamic,
        u: Dynamic,
    ) -> ScriptResult<Dynamic> {
        let dc = *lift(&ctx, law.require_data_constrained())?;
        let u = args::number(&ctx, "U", &u)?;
        record_result(&ctx, "C", &c, work::SEARCH * 4, |c| {
            dc.optimal_with_unique(c, u)
        })
    }

    /// Compute-optimal allocation of C FLOPs under a law: `#{C, N, D, loss}`
    /// (an array of budgets gives a Table with one row per budget), and a
    /// `caveat` when the optimum is not checked against its paper
    /// (`krajewski2024`'s). A law fitted with `bootstrap` adds 95%
    /// intervals: `N_low`, `N_high`, `D_low`, `D_high`,
    /// `tokens_per_param(_low, _high)`, `loss_low`, `loss_high` (see
    /// `optimal(C, #{level})`).
    ///
    /// ```rhai
    /// law("chinchilla").optimal(5.76e23).N   // 3.219e10
    /// law("krajewski2024", #{G: 8}).optimal(1e21).caveat.starts_with("unverified")   // true
    /// ```
    #[rhai_fn(name = "optimal", return_raw)]
    pub fn law_optimal(ctx: NativeCallContext, law: &mut Law, c: Dynamic) -> ScriptResult<Dynamic> {
        if law.has_refits() {
            return crate::fit::api::law_optimal_level(ctx, law, c, Map::new());
        }
        let law = law.clone();
        let out = record_result(&ctx, "C", &c, work::MATH, law.optimizer())?;
        mark_caveat(&ctx, &law, out)
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
        let out = record_result(&ctx, "N", &n, work::MATH, |n| law.optimal_for_params(n))?;
        mark_caveat(&ctx, &law, out)
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
        let p = *lift(&ctx, law.require_parametric())?;
        let out = record_result(&ctx, "loss", &loss, work::MATH, |l| p.compute_for_loss(l))?;
        mark_caveat(&ctx, law, out)
    }

    /// The law's catalog name.
    #[rhai_fn(get = "name", pure)]
    pub fn get_name(law: &mut Law) -> String {
        law.name.to_string()
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
    #[rhai_fn(get = "coefficients", pure, return_raw)]
    pub fn get_coefficients(ctx: NativeCallContext, law: &mut Law) -> ScriptResult<Dynamic> {
        let mut d = to_script(&ctx, &law.form)?;
        if let Some(mut m) = d.write_lock::<Map>() {
            m.remove("form");
        }
        Ok(d)
    }
}

/// `#{C, N, D}` of an allocation power law at C FLOPs (a Table for a vector of budgets).
fn allocation_law(
    ctx: &rhai::NativeCallContext,
    law: &scaling_lab_core::laws::rules::AllocationRule,
    c: &rhai::Dynamic,
) -> crate::args::ScriptResult<rhai::Dynamic> {
    crate::convert::record_result(ctx, "C", c, scaling_lab_core::budget::work::MATH, |c| {
        law.optimal(c).map(|(n, d)| PowerAllocation { c, n, d })
    })
}

/// What an allocation power law gives: no loss, only the split.
#[derive(serde::Serialize)]
struct PowerAllocation {
    #[serde(rename = "C")]
    c: f64,
    #[serde(rename = "N")]
    n: f64,
    #[serde(rename = "D")]
    d: f64,
}

impl scaling_lab_core::table::Record for PowerAllocation {
    fn format(field: &str) -> scaling_lab_core::table::NumFormat {
        match field {
            "C" => scaling_lab_core::table::NumFormat::Sci(3),
            _ => scaling_lab_core::table::NumFormat::Si,
        }
    }
}
