//! The data-constrained law of Muennighoff et al. 2023, "Scaling
//! Data-Constrained Language Models" (NeurIPS 2023, arXiv:2305.16264).
//!
//! Repeated tokens and parameters beyond what the unique data can feed are
//! worth less than fresh ones (§3.1, eq. 5 and 6; Appendix A, eq. 16-17):
//!
//! - U_D = min(U, D) unique tokens, R_D = D/U_D - 1 repetitions,
//!   D' = U_D + U_D R_D* (1 - e^(-R_D/R_D*)).
//! - U_N = min(N_opt(U_D), N), the compute-optimal size for U_D tokens
//!   (eq. 16: U_N = (U_D G)^(beta/alpha) G), R_N = N/U_N - 1,
//!   N' = U_N + U_N R_N* (1 - e^(-R_N/R_N*)).
//! - L = E + A/N'^alpha + B/D'^beta.
//!
//! Coefficients as released (Appendix A, B; the `datablations` code):
//! a = ln A = 6.255414, b = ln B = 7.3049974, e = ln E = 0.6254804,
//! alpha = beta = 0.3526596 (fitted on 54 C4 runs with alpha tied to beta),
//! R_N* = 5.309743, R_D* = 15.387756 (fitted on 182 runs, 7M-9B parameters,
//! 1-500 epochs). The paper prints them rounded in eq. 17: A = 521,
//! B = 1488, E = 1.87, exponents 0.35, R* = 5.3 and 15.4, U_N = 0.051 U_D.

use serde::{Deserialize, Serialize};

use super::Parametric;
use crate::allocation::Allocation;
use crate::error::{check, Result};
use crate::numeric::{golden_section, linspace};
use crate::table::{NumFormat, Record};

/// The data-constrained law: a Chinchilla-form base and the two decay constants.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DataConstrained {
    /// The single-epoch law E + A/N^alpha + B/D^beta.
    #[serde(flatten)]
    pub base: Parametric,
    /// R_N*: excess parameters beyond this many "repetitions" add little.
    pub rn_star: f64,
    /// R_D*: repetitions of the data beyond which returns flatten.
    pub rd_star: f64,
}

/// One training run under a unique-data limit, with its effective sizes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ConstrainedRun {
    /// Compute (6ND), parameters, tokens trained on, predicted loss.
    #[serde(flatten)]
    pub run: Allocation,
    /// Unique tokens available.
    #[serde(rename = "U")]
    pub u: f64,
    /// Passes over the unique data, D / min(U, D).
    pub epochs: f64,
    /// Effective parameters N'.
    #[serde(rename = "N_eff")]
    pub n_eff: f64,
    /// Effective tokens D'.
    #[serde(rename = "D_eff")]
    pub d_eff: f64,
}

impl Record for ConstrainedRun {
    fn format(field: &str) -> NumFormat {
        match field {
            "N" | "D" | "U" | "N_eff" | "D_eff" => NumFormat::Si,
            "C" => NumFormat::Sci(3),
            "epochs" => NumFormat::Fixed(2),
            _ => NumFormat::Fixed(4),
        }
    }
}

impl DataConstrained {
    /// Muennighoff et al. 2023's released fit (Appendix A eq. 16-17, Appendix B).
    pub const MUENNIGHOFF: DataConstrained = DataConstrained {
        base: Parametric {
            // e^0.6254804, e^6.255414, e^7.3049974
            e: 1.869_143_678_405_485_8,
            a: 520.824_951_659_918_7,
            b: 1_487.716_093_782_861,
            alpha: 0.352_659_6,
            beta: 0.352_659_6,
        },
        rn_star: 5.309_743,
        rd_star: 15.387_756,
    };

    /// D' = U_D + U_D R_D* (1 - e^(-R_D/R_D*)) for D tokens drawn from U unique ones.
    pub fn effective_data(&self, d: f64, u: f64) -> f64 {
        let ud = u.min(d);
        let rd = d / ud - 1.0;
        ud + ud * self.rd_star * (-(-rd / self.rd_star).exp_m1())
    }

    /// U_N: the compute-optimal size for U_D unique tokens (eq. 16), capped at N.
    pub fn unique_params(&self, n: f64, ud: f64) -> f64 {
        let (p, g) = (&self.base, self.base.g());
        let ln_un = (p.beta / p.alpha) * (ud.ln() + g.ln()) + g.ln();
        ln_un.exp().min(n)
    }

    /// N' = U_N + U_N R_N* (1 - e^(-R_N/R_N*)).
    pub fn effective_params(&self, n: f64, d: f64, u: f64) -> f64 {
        let un = self.unique_params(n, u.min(d));
        let rn = n / un - 1.0;
        un + un * self.rn_star * (-(-rn / self.rn_star).exp_m1())
    }

    /// Loss of N parameters trained on D tokens drawn from U unique tokens.
    pub fn loss(&self, n: f64, d: f64, u: f64) -> Result<f64> {
        let n = check::positive("N", n)?;
        let d = check::positive("D", d)?;
        let u = check::positive("U", u)?;
        Ok(self.run(n, d, u).run.loss)
    }

    fn run(&self, n: f64, d: f64, u: f64) -> ConstrainedRun {
        let n_eff = self.effective_params(n, d, u);
        let d_eff = self.effective_data(d, u);
        ConstrainedRun {
            run: Allocation {
                c: 6.0 * n * d,
                n,
                d,
                loss: self.base.loss_unchecked(n_eff, d_eff),
            },
            u,
            epochs: d / u.min(d),
            n_eff,
            d_eff,
        }
    }

    /// With unlimited unique data the law is its base (R_N = R_D = 0 on the
    /// Chinchilla frontier), so the compute-optimal allocation is eq. 4's.
    pub fn optimal(&self, c: f64) -> Result<Allocation> {
        self.base.optimal(c)
    }

    /// The best N and D = C/(6N) for C FLOPs when only U unique tokens exist
    /// (the paper's data-constrained efficient frontier, §3.1 and Figure 3):
    /// numeric, a scan of 241 sizes over tokens-per-parameter ratios
    /// 1e-3..1e7, then golden-section search between the best scan point's
    /// neighbours, to a relative precision of about 1e-9 in N.
    pub fn optimal_with_unique(&self, c: f64, u: f64) -> Result<ConstrainedRun> {
        let c = check::positive("C", c)?;
        let u = check::positive("U", u)?;
        let ln_c6 = (c / 6.0).ln();
        // N = sqrt(C / (6 r)) for tokens per parameter r.
        let ln_n_of_ratio = |ln_r: f64| 0.5 * (ln_c6 - ln_r);
        let (lo, hi) = (
            ln_n_of_ratio(7.0 * std::f64::consts::LN_10),
            ln_n_of_ratio(-3.0 * std::f64::consts::LN_10),
        );
        let loss_at = |ln_n: f64| {
            let n = ln_n.exp();
            self.run(n, (ln_c6 - ln_n).exp(), u).run.loss
        };
        let grid = linspace(lo, hi, 241)?;
        let losses: Vec<f64> = grid.iter().map(|&x| loss_at(x)).collect();
        let best = (0..grid.len())
            .min_by(|&i, &j| losses[i].total_cmp(&losses[j]))
            .unwrap_or(0);
        let a = grid[best.saturating_sub(1)];
        let b = grid[(best + 1).min(grid.len() - 1)];
        let ln_n = golden_section(loss_at, a, b, 60);
        let n = check::finite_result("the optimal N", ln_n.exp())?;
        let mut best = self.run(n, (ln_c6 - ln_n).exp(), u);
        best.run.c = c;
        Ok(best)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DC: DataConstrained = DataConstrained::MUENNIGHOFF;

    #[test]
    fn coefficients_are_the_released_logs() {
        let p = DC.base;
        assert!((p.a.ln() - 6.255414).abs() < 1e-12);
        assert!((p.b.ln() - 7.3049974).abs() < 1e-12);
        assert!((p.e.ln() - 0.6254804).abs() < 1e-12);
    }

    #[test]
    fn unique_params_are_0_051_of_unique_tokens() {
        // Appendix A eq. 17 prints U_N = 0.051 U_D.
        let ratio = DC.unique_params(f64::INFINITY, 1e11) / 1e11;
        assert!((ratio - 0.051).abs() < 5e-4, "{ratio}");
    }

    #[test]
    fn worked_example_of_appendix_a() {
        // R_D* = 3, U = 1, five epochs: D' = 1 + 3 (1 - e^(-4/3)) = 3.21;
        // 101 epochs: "3.99" (1 + 3 (1 - e^(-100/3)) = 3.99999..., cut to two
        // decimals; the plateau is U (1 + R_D*) = 4).
        let three = DataConstrained { rd_star: 3.0, ..DC };
        assert!((three.effective_data(5.0, 1.0) - 3.21).abs() < 5e-3);
        let plateau = three.effective_data(101.0, 1.0);
        assert!((3.99..4.0).contains(&plateau), "{plateau}");
    }

    #[test]
    fn one_epoch_on_the_frontier_is_the_base_law() {
        let opt = DC.base.optimal(1e21).unwrap();
        let l = DC.loss(opt.n, opt.d, opt.d).unwrap();
        assert!((l - opt.loss).abs() < 1e-12, "{l} vs {}", opt.loss);
        // More unique data than is trained on changes nothing either.
        assert_eq!(DC.loss(opt.n, opt.d, 10.0 * opt.d).unwrap(), l);
    }

    #[test]
    fn repetition_costs_loss_and_saturates() {
        let (n, u) = (1e9, 2e10);
        let one = DC.loss(n, u, u).unwrap();
        let four = DC.loss(n, 4.0 * u, u).unwrap();
        let many = DC.loss(n, 1000.0 * u, u).unwrap();
        let fresh_four = DC.loss(n, 4.0 * u, 4.0 * u).unwrap();
        assert!(four < one && four > fresh_four && many < four);
        // Four epochs are worth almost as much as fresh data (the paper's
        // finding: "up to 4 epochs ... negligible changes to loss").
        assert!((four - fresh_four) / fresh_four < 0.005);
        // The plateau: D' -> U (1 + R_D*).
        let d_eff = DC.effective_data(1e6 * u, u);
        assert!((d_eff / (u * (1.0 + DC.rd_star)) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn constrained_optimum_beats_its_neighbours_and_trains_longer() {
        let (c, u) = (1e22, 2e10);
        let best = DC.optimal_with_unique(c, u).unwrap().run;
        for f in [0.9, 0.99, 1.01, 1.1] {
            let n = best.n * f;
            let l = DC.loss(n, c / (6.0 * n), u).unwrap();
            assert!(l >= best.loss, "N x {f}: {l} < {}", best.loss);
        }
        let free = DC.optimal(c).unwrap();
        assert!(best.loss > free.loss);
        assert!(best.d / best.n > free.d / free.n);
        assert!((best.c / c - 1.0).abs() < 1e-9);
        // Plenty of unique data: the unconstrained optimum.
        let plenty = DC.optimal_with_unique(c, 1e15).unwrap().run;
        assert!(
            (plenty.n / free.n - 1.0).abs() < 1e-6,
            "{} vs {}",
            plenty.n,
            free.n
        );
    }
}
