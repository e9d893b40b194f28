//! The Approach 3 objective of Hoffmann et al. 2022 (§3.3, eq. 3 and
//! Appendix D.2): with A = e^a, B = e^b, E = e^e,
//! r_i = LSE(a - alpha ln N_i, b - beta ln D_i, e) - ln L_i, minimise
//! sum_i w_i rho(r_i), rho the Huber loss with delta = 1e-3. The sum, not the
//! mean: averaging shrinks the gradient by the number of runs and stops
//! L-BFGS early (Besiroglu et al. 2024, §2).

use super::avx2::{self, Lanes};
use super::Run;

/// Parameter order in the optimiser: a, b, e, alpha, beta.
pub const NAMES: [&str; 5] = ["a", "b", "e", "alpha", "beta"];

/// How residuals are penalised.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Penalty {
    /// Huber with this delta (Hoffmann: 1e-3).
    Huber(f64),
    /// Plain squares.
    Squared,
    /// Squares, with over-prediction (predicted above observed) weighted by this factor.
    Asymmetric(f64),
}

impl Penalty {
    /// rho(r) and rho'(r).
    #[inline]
    pub fn value_and_slope(self, r: f64) -> (f64, f64) {
        match self {
            Penalty::Huber(d) => {
                if r.abs() <= d {
                    (0.5 * r * r, r)
                } else {
                    (d * (r.abs() - 0.5 * d), d * r.signum())
                }
            }
            Penalty::Squared => (0.5 * r * r, r),
            Penalty::Asymmetric(k) => {
                let w = if r > 0.0 { k } else { 1.0 };
                (0.5 * w * r * r, w * r)
            }
        }
    }
}

/// Runs in log space, ready for many evaluations: packed four to a group
/// for [`avx2::objective`], the tail padded with weight-0 copies of the
/// last run so that padding adds nothing to the sum or the gradient.
#[derive(Debug, Clone)]
pub struct Prepared {
    lanes: Vec<Lanes>,
    len: usize,
}

impl Prepared {
    /// Take logs of the runs. Values are not checked here (see `fit_law`).
    pub fn from_runs(runs: &[Run]) -> Prepared {
        let lanes = runs
            .chunks(avx2::W)
            .map(|chunk| {
                let pick = |f: &dyn Fn(&Run) -> f64| {
                    let last = chunk[chunk.len() - 1];
                    std::array::from_fn(|k| f(chunk.get(k).unwrap_or(&last)))
                };
                Lanes {
                    ln_n: pick(&|r| r.n.ln()),
                    ln_d: pick(&|r| r.d.ln()),
                    ln_l: pick(&|r| r.loss.ln()),
                    w: std::array::from_fn(|k| chunk.get(k).map_or(0.0, |r| r.weight)),
                }
            })
            .collect();
        Prepared {
            lanes,
            len: runs.len(),
        }
    }

    /// Number of runs.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when there are no runs.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// (ln N, ln D, ln L) of every run, in order.
    fn logs(&self) -> impl Iterator<Item = (f64, f64, f64)> + '_ {
        self.lanes
            .iter()
            .flat_map(|l| (0..avx2::W).map(move |k| (l.ln_n[k], l.ln_d[k], l.ln_l[k])))
            .take(self.len)
    }
}

/// Objective over the free parameters; fixed ones keep their value.
#[derive(Debug, Clone)]
pub struct Objective<'a> {
    /// The data.
    pub data: &'a Prepared,
    /// The penalty.
    pub penalty: Penalty,
    /// Which of a, b, e, alpha, beta are optimised.
    pub free: [bool; 5],
    /// Values of the fixed ones (and a template for the free).
    pub base: [f64; 5],
}

impl Objective<'_> {
    /// Full parameter vector from the free ones.
    pub fn full(&self, p: &[f64]) -> [f64; 5] {
        let mut t = self.base;
        let mut k = 0;
        for (i, f) in self.free.iter().enumerate() {
            if *f {
                t[i] = p[k];
                k += 1;
            }
        }
        t
    }

    /// Free parameters from a full vector.
    pub fn free_of(&self, t: &[f64; 5]) -> Vec<f64> {
        (0..5).filter(|i| self.free[*i]).map(|i| t[i]).collect()
    }

    /// Residuals r_i = predicted - observed log loss.
    pub fn residuals(&self, t: &[f64; 5]) -> Vec<f64> {
        self.data
            .logs()
            .map(|(ln_n, ln_d, ln_l)| lse3(t[0] - t[3] * ln_n, t[1] - t[4] * ln_d, t[2]).0 - ln_l)
            .collect()
    }

    /// Objective and its gradient over the free parameters.
    pub fn eval(&self, p: &[f64]) -> (f64, Vec<f64>) {
        let (f, g) = avx2::objective(&self.data.lanes, &self.full(p), self.penalty);
        (f, self.free_of(&g))
    }
}

/// log(e^x + e^y + e^z) and its softmax weights, computed stably.
#[inline]
pub fn lse3(x: f64, y: f64, z: f64) -> (f64, [f64; 3]) {
    let m = x.max(y).max(z);
    let (ex, ey, ez) = ((x - m).exp(), (y - m).exp(), (z - m).exp());
    let s = ex + ey + ez;
    (m + s.ln(), [ex / s, ey / s, ez / s])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradient_matches_finite_differences() {
        // Five runs: one full lane group and a padded one.
        let runs: Vec<Run> = [
            (18.0, 21.0, 1.2, 1.0),
            (20.0, 23.0, 1.0, 2.0),
            (22.0, 24.0, 0.9, 1.0),
            (23.5, 26.0, 0.8, 0.5),
            (21.0, 22.0, 1.1, 1.5),
        ]
        .iter()
        .map(|&(n, d, l, w): &(f64, f64, f64, f64)| Run {
            n: n.exp(),
            d: d.exp(),
            loss: l.exp(),
            weight: w,
        })
        .collect();
        let data = Prepared::from_runs(&runs);
        for penalty in [
            Penalty::Huber(1e-3),
            Penalty::Squared,
            Penalty::Asymmetric(3.0),
        ] {
            let o = Objective {
                data: &data,
                penalty,
                free: [true; 5],
                base: [0.0; 5],
            };
            let p = [6.0, 7.0, 0.5, 0.35, 0.3];
            let (_, g) = o.eval(&p);
            for k in 0..5 {
                let h = 1e-6;
                let mut up = p;
                up[k] += h;
                let mut dn = p;
                dn[k] -= h;
                let fd = (o.eval(&up).0 - o.eval(&dn).0) / (2.0 * h);
                assert!(
                    (fd - g[k]).abs() < 1e-6 * (1.0 + fd.abs()),
                    "{penalty:?} d/d{}: {fd} vs {}",
                    NAMES[k],
                    g[k]
                );
            }
        }
    }
}
