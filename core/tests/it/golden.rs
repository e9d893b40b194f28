//! Published numbers, reproduced by the core library. Each test cites its source.

use crate::common::{assert_prints_as, assert_rel, assert_sig};
use proptest::prelude::*;
use scaling_lab_core::allocation::minimize_on_budget;
use scaling_lab_core::architecture::{sweep, SweepOptions};
use scaling_lab_core::cost::pf_days_to_time;
use scaling_lab_core::laws::{kaplan, KaplanJoint, Law, Parametric};

#[test]
fn chinchilla_eq10_at_chinchilla() {
    // Hoffmann et al. 2022 eq. 10 (rounded): L(70e9, 1.4e12) = 1.9366.
    let l = Parametric::CHINCHILLA.loss(70e9, 1.4e12).unwrap();
    assert_prints_as(l, "1.9366");
}

#[test]
fn allocation_matches_hoffmann_eq4() {
    // Hoffmann et al. 2022 eq. 4 with eq. 10's rounded coefficients at
    // Gopher's budget 5.76e23: N 3.219e10, D 2.982e12, L 1.9307.
    let a = Parametric::CHINCHILLA.optimal(5.76e23).unwrap();
    assert_sig(a.n, 3.219e10, 4);
    assert_sig(a.d, 2.982e12, 4);
    assert_prints_as(a.loss, "1.9307");
    assert_rel(6.0 * a.n * a.d, 5.76e23, 1e-12);
    // The seed's exponent gives a factor (aA/(bB))^((b-1)/(a+b)) = 0.808 less.
    let p = Parametric::CHINCHILLA;
    let seed_n = ((p.alpha * p.a) / (p.beta * p.b)).powf(p.n_exponent())
        * (5.76e23_f64 / 6.0).powf(p.n_exponent());
    assert_prints_as(seed_n / a.n, "0.808");
}

#[test]
fn allocation_exponents_are_hoffmann_table2_approach3() {
    // Hoffmann Table 2, Approach 3: a = 0.46, b = 0.54 (from the unrounded
    // fit). The rounded eq. 10 coefficients give 0.28/0.62 and 0.34/0.62.
    let p = Parametric::CHINCHILLA;
    assert_prints_as(p.n_exponent(), "0.45");
    assert_prints_as(p.d_exponent(), "0.55");
}

#[test]
fn huge_budgets_stay_finite() {
    for c in [1e30, 1e40, 1e100] {
        let a = Parametric::CHINCHILLA.optimal(c).unwrap();
        assert!(
            a.n.is_finite() && a.d.is_finite() && a.loss.is_finite(),
            "{c}: {a:?}"
        );
        assert_rel(6.0 * a.n * a.d, c, 1e-9);
        assert!(a.loss > 1.69);
    }
}

#[test]
fn optimal_for_params_inverts_optimal() {
    let p = Parametric::CHINCHILLA;
    for c in [1e20, 5.76e23, 1e27] {
        let a = p.optimal(c).unwrap();
        let b = p.optimal_for_params(a.n).unwrap();
        assert_rel(b.c, c, 1e-9);
        assert_rel(b.d, a.d, 1e-9);
        let t = p.optimal_for_tokens(a.d).unwrap();
        assert_rel(t.n, a.n, 1e-9);
    }
    // Under eq. 10 the 1B-parameter optimum is 44B tokens (docs/errata.md item 6).
    let one_b = p.optimal_for_params(1e9).unwrap();
    assert_prints_as(one_b.d / 1e9, "44");
}

#[test]
fn compute_for_loss_is_the_inverse_of_the_optimal_loss() {
    let p = Parametric::CHINCHILLA;
    for target in [2.5, 1.9307, 1.75] {
        let a = p.compute_for_loss(target).unwrap();
        assert_rel(a.loss, target, 1e-12);
    }
    assert!(p.compute_for_loss(1.69).is_err());
    assert!(p.compute_for_loss(1.5).is_err());
}

#[test]
fn kaplan_eq_1_5_limits() {
    // Kaplan et al. 2020 eq. 1.5 reduces to (N_c/N)^alpha_N as D -> inf and
    // to (D_c/D)^alpha_D as N -> inf (their §4, eq. 4.1 and the text after it).
    let k = KaplanJoint::TABLE2;
    let n = 1e9;
    assert_rel(k.loss(n, 1e300).unwrap(), (6.4e13 / n).powf(0.076), 1e-9);
    let d = 1e10;
    assert_rel(k.loss(1e300, d).unwrap(), (1.8e13 / d).powf(0.103), 1e-9);
    // Direct evaluation of eq. 1.5 at (1e9, 2e11), done in full by hand:
    // ((6.4e13/1e9)^(0.076/0.103) + 1.8e13/2e11)^0.103.
    let direct = ((6.4e13_f64 / 1e9).powf(0.076 / 0.103) + 1.8e13 / 2e11).powf(0.103);
    assert_rel(k.loss(1e9, 2e11).unwrap(), direct, 1e-12);
    assert_prints_as(direct, "2.3249");
}

#[test]
fn kaplan_closed_form_optimum_matches_numeric() {
    let k = KaplanJoint::TABLE2;
    for c in [1e18, 1e21, 1e24, 1e27] {
        let closed = k.optimal(c).unwrap();
        let numeric = minimize_on_budget(c, |n, d| k.loss(n, d).unwrap()).unwrap();
        assert_rel(closed.n, numeric.n, 1e-6);
        assert!(closed.loss <= numeric.loss + 1e-12);
    }
}

#[test]
fn kaplan_single_laws_match_the_notebook() {
    // Second seed, In [9]-[15], 1T row: loss 1.396931, data 1.600431e12, cost 387136.4.
    let n = sweep(&SweepOptions::default()).unwrap()[8].n;
    let l = kaplan::loss_from_size(n).unwrap();
    assert_prints_as(l, "1.396931");
    assert_sig(kaplan::data_from_loss(l).unwrap(), 1.600431e12, 7);
    assert_sig(kaplan::cost_from_loss(l).unwrap(), 387136.4, 7);
}

/// A row as the notebook prints it: index, d_model, n_layer, d_attn, d_ff, n_heads, N, N (T).
type PrintedRow = (
    usize,
    &'static str,
    f64,
    f64,
    &'static str,
    f64,
    f64,
    &'static str,
);

const NOTEBOOK_ROWS: &[PrintedRow] = &[
    (
        0,
        "8192.0",
        81.0,
        109.0,
        "81920.0",
        409.0,
        109005700000.0,
        "0.109006",
    ),
    (
        1,
        "9011.2",
        90.0,
        120.0,
        "90112.0",
        450.0,
        146552400000.0,
        "0.146552",
    ),
    (
        2,
        "9912.32",
        99.0,
        132.0,
        "99123.2",
        495.0,
        195061200000.0,
        "0.195061",
    ),
    (
        3,
        "10903.552",
        109.0,
        145.0,
        "109035.52",
        545.0,
        259864000000.0,
        "0.259864",
    ),
    (
        4,
        "11993.9072",
        119.0,
        159.0,
        "119939.072",
        599.0,
        343279800000.0,
        "0.343280",
    ),
    (
        5,
        "13193.29792",
        131.0,
        175.0,
        "131932.9792",
        659.0,
        457255200000.0,
        "0.457255",
    ),
    (
        6,
        "14512.627712",
        145.0,
        193.0,
        "145126.27712",
        725.0,
        612412000000.0,
        "0.612412",
    ),
    (
        7,
        "15963.890483",
        159.0,
        212.0,
        "159638.904832",
        798.0,
        812562100000.0,
        "0.812562",
    ),
    (
        8,
        "17560.279532",
        175.0,
        234.0,
        "175602.795315",
        878.0,
        1082148000000.0,
        "1.082148",
    ),
    (
        9,
        "19316.307485",
        193.0,
        257.0,
        "193163.074847",
        965.0,
        1444075000000.0,
        "1.444075",
    ),
    (
        16,
        "37642.018704",
        376.0,
        501.0,
        "376420.187042",
        1882.0,
        10683610000000.0,
        "10.683614",
    ),
    (
        24,
        "80689.010080",
        806.0,
        1075.0,
        "806890.100802",
        4034.0,
        105232400000000.0,
        "105.232399",
    ),
];

#[test]
fn notebook_sweep_reproduces_every_printed_row() {
    // Second seed, In [3] and In [6]: 25 rows (0..24), as printed by pandas.
    let rows = sweep(&SweepOptions::default()).unwrap();
    assert_eq!(rows.len(), 25);
    assert!(rows[23].n <= 1e14 && rows[24].n > 1e14);
    for &(i, d_model, n_layer, d_attn, d_ff, n_heads, n, n_t) in NOTEBOOK_ROWS {
        let r = rows[i];
        assert_prints_as(r.d_model, d_model);
        assert_eq!(r.n_layer, n_layer, "row {i}");
        assert_eq!(r.d_attn, d_attn, "row {i}");
        assert_prints_as(r.d_ff, d_ff);
        assert_eq!(r.n_heads, n_heads, "row {i}");
        assert_sig(r.n, n, 7);
        assert_prints_as(r.n / 1e12, n_t);
    }
}

#[test]
fn notebook_closest_rows_and_their_costs() {
    // Second seed, In [15]: loss, data, cost of the rows closest to 1, 10, 100T.
    let expected = [
        (8, "1.396931", 1600431000000.0, 387136.4),
        (16, "1.173811", 9994985000000.0, 12571860.0),
        (24, "0.986501", 62305620000000.0, 406832100.0),
    ];
    let t = scaling_lab_core::architecture::sweep_table(&sweep(&SweepOptions::default()).unwrap());
    for ((row, loss, data, cost), target) in expected.into_iter().zip([1.0, 10.0, 100.0]) {
        assert_eq!(t.closest_row("N (T)", target).unwrap(), row);
        let n = t.num_column("N").unwrap()[row];
        let l = kaplan::loss_from_size(n).unwrap();
        assert_prints_as(l, loss);
        assert_sig(kaplan::data_from_loss(l).unwrap(), data, 7);
        assert_sig(kaplan::cost_from_loss(l).unwrap(), cost, 7);
    }
}

#[test]
fn notebook_time_on_20ef() {
    // Second seed, In [18]: days and weeks as printed; months and years corrected
    // (30.4375-day months, 365.25-day years; docs/errata.md items 1-2).
    let costs = [387136.358689, 12571863.475093, 406832117.840483];
    let days = ["19.356818", "628.593174", "20341.605892"];
    let weeks = ["2.765260", "89.799025", "2905.943699"];
    let years = ["0.052996", "1.720994", "55.692282"];
    for i in 0..3 {
        let t = pf_days_to_time(costs[i], 20_000.0).unwrap();
        assert_prints_as(t.days, days[i]);
        assert_prints_as(t.weeks, weeks[i]);
        assert_prints_as(t.years, years[i]);
        assert_rel(t.months * 30.4375, t.days, 1e-12);
    }
}

#[test]
fn catalog_lists_its_sources() {
    let names = Law::names();
    assert_eq!(
        names,
        [
            "chinchilla",
            "chinchilla_unrounded",
            "epoch2024",
            "kaplan_joint",
            "data_constrained",
            "krajewski2024"
        ]
    );
    for l in Law::catalog() {
        assert!(l.citation.contains("et al."), "{}", l.citation);
    }
    // A rule asked for as a law says what it is and where to ask it.
    for rule in ["llama3", "approach1", "deepseek", "kaplan_frontier"] {
        let e = Law::by_name(rule).unwrap_err().to_string();
        assert!(
            e.contains("is an allocation rule")
                && e.contains(&format!("find_optimal_allocation(C, \"{rule}\")")),
            "{e}"
        );
    }
    let e = Law::by_name("gopher").unwrap_err().to_string();
    assert_eq!(
        e,
        format!("unknown law 'gopher'; known: {}", Law::names().join(", "))
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Hoffmann eq. 4 (closed form) agrees with a direct numeric minimisation
    /// of L on 6ND = C, for many coefficient sets and budgets.
    #[test]
    fn proptest_closed_form_matches_numeric(
        e in 0.0f64..3.0,
        a in 10.0f64..5000.0,
        b in 10.0f64..5000.0,
        alpha in 0.1f64..0.9,
        beta in 0.1f64..0.9,
        log_c in 15.0f64..30.0,
    ) {
        let p = Parametric::new(e, a, b, alpha, beta).unwrap();
        let c = 10f64.powf(log_c);
        let closed = p.optimal(c).unwrap();
        // Minimise the reducible part A/N^alpha + B/D^beta computed on its
        // own: added to E it would lose its low digits to rounding, and the
        // flat optimum would drown in them.
        let reducible = |n: f64, d: f64| p.a * n.powf(-p.alpha) + p.b * d.powf(-p.beta);
        let numeric = minimize_on_budget(c, reducible).unwrap();
        // Inside the search bracket (N >= 1, D >= 1) the optima coincide.
        prop_assume!(closed.n > 10.0 && closed.d > 10.0);
        prop_assert!((closed.n / numeric.n - 1.0).abs() < 1e-5,
            "closed {} numeric {}", closed.n, numeric.n);
        prop_assert!(reducible(closed.n, closed.d) <= numeric.loss * (1.0 + 1e-12));
    }
}
