//! The Approach 3 objective of Hoffmann et al. 2022 (§3.3, eq. 3 and
//! Appendix D.2): with A = e^a, B = e^b, E = e^e,
//! r_i = LSE(a - alpha ln N_i, b - beta ln D_i, e) - ln L_i, minimise
//! sum_i w_i rho(r_i), rho the Huber loss with delta = 1e-3. The sum, not the
//! mean: averaging shrinks the gradient by the number of runs and stops
//! L-BFGS early (Besiroglu et al. 2024, §2).

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

/// Runs in log space, ready for many evaluations.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// ln N.
    pub ln_n: Vec<f64>,
    /// ln D.
    pub ln_d: Vec<f64>,
    /// ln L.
    pub ln_l: Vec<f64>,
    /// Weights.
    pub w: Vec<f64>,
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
        let d = self.data;
        (0..d.ln_n.len())
            .map(|i| lse3(t[0] - t[3] * d.ln_n[i], t[1] - t[4] * d.ln_d[i], t[2]).0 - d.ln_l[i])
            .collect()
    }

    /// Objective and its gradient over the free parameters.
    pub fn eval(&self, p: &[f64]) -> (f64, Vec<f64>) {
        let t = self.full(p);
        let d = self.data;
        let mut f = 0.0;
        let mut g = [0.0; 5];
        // e^e is the same for every run; the max-shifted form is needed only
        // when a term could overflow (exponents beyond ~700).
        let ez = t[2].exp();
        for i in 0..d.ln_n.len() {
            let (x, y) = (t[0] - t[3] * d.ln_n[i], t[1] - t[4] * d.ln_d[i]);
            let (lse, s) = if x < 600.0 && y < 600.0 && t[2] < 600.0 && x > -600.0 && y > -600.0 {
                let (ex, ey) = (x.exp(), y.exp());
                let sum = ex + ey + ez;
                (sum.ln(), [ex / sum, ey / sum, ez / sum])
            } else {
                lse3(x, y, t[2])
            };
            let (rho, slope) = self.penalty.value_and_slope(lse - d.ln_l[i]);
            let w = d.w[i];
            f += w * rho;
            let ws = w * slope;
            g[0] += ws * s[0];
            g[1] += ws * s[1];
            g[2] += ws * s[2];
            g[3] -= ws * s[0] * d.ln_n[i];
            g[4] -= ws * s[1] * d.ln_d[i];
        }
        let grad = (0..5).filter(|i| self.free[*i]).map(|i| g[i]).collect();
        (f, grad)
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
        let data = Prepared {
            ln_n: vec![18.0, 20.0, 22.0, 23.5],
            ln_d: vec![21.0, 23.0, 24.0, 26.0],
            ln_l: vec![1.2, 1.0, 0.9, 0.8],
            w: vec![1.0, 2.0, 1.0, 0.5],
        };
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
