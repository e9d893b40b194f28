//! Single power laws y = k x^a (least squares in log-log space) and
//! Hoffmann et al. 2022's Approach 2 (IsoFLOP profiles, §3.2).

use serde::Serialize;

use crate::error::{check, Error, Result};

/// y = k x^a fitted by ordinary least squares on (ln x, ln y).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PowerFit {
    /// Coefficient k.
    pub k: f64,
    /// Exponent a.
    pub a: f64,
    /// Standard error of a.
    pub a_stderr: f64,
    /// Standard error of ln k.
    pub ln_k_stderr: f64,
    /// 95% interval of a (Student t with n - 2 degrees of freedom).
    pub a_ci: (f64, f64),
    /// 95% interval of k.
    pub k_ci: (f64, f64),
    /// R² in log space.
    pub r2: f64,
    /// Points fitted.
    pub n: usize,
}

impl PowerFit {
    /// k x^a.
    pub fn at(&self, x: f64) -> f64 {
        self.k * x.powf(self.a)
    }
}

/// Two-sided 97.5% quantile of Student's t with `dof` degrees of freedom
/// (table for small dof, Cornish-Fisher expansion beyond).
pub fn t975(dof: usize) -> f64 {
    const T: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    if dof == 0 {
        return f64::INFINITY;
    }
    if dof <= 30 {
        return T[dof - 1];
    }
    let z: f64 = 1.959964;
    let n = dof as f64;
    z + (z.powi(3) + z) / (4.0 * n)
        + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * n * n)
}

/// Fit y = k x^a to positive (x, y) pairs.
pub fn fit_power_law(xs: &[f64], ys: &[f64]) -> Result<PowerFit> {
    check::same_length("xs", xs.len(), "ys", ys.len())?;
    if xs.len() < 3 {
        return Err(Error::InvalidArgument {
            arg: "xs".into(),
            expected: "at least 3 points (2 coefficients plus one degree of freedom for intervals)",
            value: xs.len().to_string(),
        });
    }
    let lx = xs
        .iter()
        .enumerate()
        .map(|(i, x)| check::positive(&format!("xs[{i}]"), *x).map(f64::ln))
        .collect::<Result<Vec<_>>>()?;
    let ly = ys
        .iter()
        .enumerate()
        .map(|(i, y)| check::positive(&format!("ys[{i}]"), *y).map(f64::ln))
        .collect::<Result<Vec<_>>>()?;
    let n = lx.len() as f64;
    let mx = lx.iter().sum::<f64>() / n;
    let my = ly.iter().sum::<f64>() / n;
    let sxx: f64 = lx.iter().map(|x| (x - mx).powi(2)).sum();
    if sxx <= 0.0 {
        return Err(Error::InvalidArgument {
            arg: "xs".into(),
            expected: "at least two different values",
            value: format!("all {}", xs[0]),
        });
    }
    let sxy: f64 = lx.iter().zip(&ly).map(|(x, y)| (x - mx) * (y - my)).sum();
    let a = sxy / sxx;
    let ln_k = my - a * mx;
    let ss_res: f64 = lx
        .iter()
        .zip(&ly)
        .map(|(x, y)| (y - ln_k - a * x).powi(2))
        .sum();
    let ss_tot: f64 = ly.iter().map(|y| (y - my).powi(2)).sum();
    let s2 = ss_res / (n - 2.0);
    let a_se = (s2 / sxx).sqrt();
    let lk_se = (s2 * (1.0 / n + mx * mx / sxx)).sqrt();
    let t = t975(lx.len() - 2);
    Ok(PowerFit {
        k: ln_k.exp(),
        a,
        a_stderr: a_se,
        ln_k_stderr: lk_se,
        a_ci: (a - t * a_se, a + t * a_se),
        k_ci: ((ln_k - t * lk_se).exp(), (ln_k + t * lk_se).exp()),
        r2: if ss_tot > 0.0 {
            1.0 - ss_res / ss_tot
        } else {
            1.0
        },
        n: lx.len(),
    })
}

/// One IsoFLOP profile's minimum.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct IsoMinimum {
    /// Budget (FLOPs).
    pub c: f64,
    /// Loss-minimising parameters at this budget.
    pub n_opt: f64,
    /// Tokens, C / (6 N_opt).
    pub d_opt: f64,
    /// Loss at the parabola's minimum.
    pub loss: f64,
    /// Runs in the profile.
    pub runs: usize,
}

/// Approach 2: IsoFLOP minima and the power laws through them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IsoFlopFit {
    /// One minimum per budget, ascending in C.
    pub minima: Vec<IsoMinimum>,
    /// N_opt = k C^a.
    pub n_fit: PowerFit,
    /// D_opt = k C^b.
    pub d_fit: PowerFit,
}

/// Group runs by budget (equal within 1e-6 relative), fit loss = p0 + p1 u +
/// p2 u² in u = ln N per group (least squares), take N_opt = exp(-p1/(2 p2)),
/// then fit power laws to N_opt(C) and D_opt(C) = C/(6 N_opt).
pub fn isoflop(n: &[f64], c: &[f64], loss: &[f64]) -> Result<IsoFlopFit> {
    if n.len() != c.len() || n.len() != loss.len() {
        return Err(Error::LengthMismatch {
            left: "N".into(),
            right: "C and loss".into(),
            left_len: n.len(),
            right_len: c.len().min(loss.len()),
        });
    }
    for i in 0..n.len() {
        check::positive(&format!("N[{i}]"), n[i])?;
        check::positive(&format!("C[{i}]"), c[i])?;
        check::positive(&format!("loss[{i}]"), loss[i])?;
    }
    let mut order: Vec<usize> = (0..n.len()).collect();
    order.sort_by(|&i, &j| c[i].total_cmp(&c[j]));
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for i in order {
        match groups.last_mut() {
            Some(g) if (c[i] / c[g[0]] - 1.0).abs() <= 1e-6 => g.push(i),
            _ => groups.push(vec![i]),
        }
    }
    let mut minima = Vec::new();
    for g in &groups {
        if g.len() < 3 {
            continue;
        }
        let u: Vec<f64> = g.iter().map(|&i| n[i].ln()).collect();
        let y: Vec<f64> = g.iter().map(|&i| loss[i]).collect();
        let Some((p0, p1, p2)) = quadratic_fit(&u, &y) else {
            continue;
        };
        if p2 <= 0.0 {
            continue; // no interior minimum: the profile does not bracket the optimum
        }
        let u_opt = -p1 / (2.0 * p2);
        let (lo, hi) = u
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
                (a.min(*x), b.max(*x))
            });
        if u_opt < lo || u_opt > hi {
            continue; // extrapolated minimum: not trusted
        }
        let cc = c[g[0]];
        let n_opt = u_opt.exp();
        minima.push(IsoMinimum {
            c: cc,
            n_opt,
            d_opt: cc / (6.0 * n_opt),
            loss: p0 + p1 * u_opt + p2 * u_opt * u_opt,
            runs: g.len(),
        });
    }
    if minima.len() < 3 {
        return Err(Error::InvalidArgument {
            arg: "runs".into(),
            expected: "at least 3 budgets whose profiles (3+ runs each) bracket their minimum",
            value: format!("{} usable of {} budgets", minima.len(), groups.len()),
        });
    }
    let cs: Vec<f64> = minima.iter().map(|m| m.c).collect();
    let n_fit = fit_power_law(&cs, &minima.iter().map(|m| m.n_opt).collect::<Vec<_>>())?;
    let d_fit = fit_power_law(&cs, &minima.iter().map(|m| m.d_opt).collect::<Vec<_>>())?;
    Ok(IsoFlopFit {
        minima,
        n_fit,
        d_fit,
    })
}

/// Least-squares parabola through (u, y), centred for conditioning.
fn quadratic_fit(u: &[f64], y: &[f64]) -> Option<(f64, f64, f64)> {
    let n = u.len() as f64;
    let m = u.iter().sum::<f64>() / n;
    let (mut s1, mut s2, mut s3, mut s4) = (0.0, 0.0, 0.0, 0.0);
    let (mut t0, mut t1, mut t2) = (0.0, 0.0, 0.0);
    for (x, yy) in u.iter().zip(y) {
        let v = x - m;
        s1 += v;
        s2 += v * v;
        s3 += v * v * v;
        s4 += v * v * v * v;
        t0 += yy;
        t1 += v * yy;
        t2 += v * v * yy;
    }
    // Normal equations [[n s1 s2] [s1 s2 s3] [s2 s3 s4]] q = [t0 t1 t2].
    let mat = [[n, s1, s2], [s1, s2, s3], [s2, s3, s4]];
    let det = |m: [[f64; 3]; 3]| {
        m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
            - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
    };
    let d = det(mat);
    if d.abs() < 1e-300 {
        return None;
    }
    let rhs = [t0, t1, t2];
    let solve = |k: usize| {
        let mut mk = mat;
        for r in 0..3 {
            mk[r][k] = rhs[r];
        }
        det(mk) / d
    };
    let (q0, q1, q2) = (solve(0), solve(1), solve(2));
    // Undo the centring: y = q0 + q1 (u - m) + q2 (u - m)^2.
    Some((q0 - q1 * m + q2 * m * m, q1 - 2.0 * q2 * m, q2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_power_law_is_recovered() {
        let xs: Vec<f64> = (1..=10).map(|i| 10f64.powi(i + 17)).collect();
        let ys: Vec<f64> = xs.iter().map(|x| 0.1 * x.powf(0.5)).collect();
        let f = fit_power_law(&xs, &ys).unwrap();
        assert!(
            (f.a - 0.5).abs() < 1e-12 && (f.k / 0.1 - 1.0).abs() < 1e-9,
            "{f:?}"
        );
        assert!(f.r2 > 0.999999);
    }

    #[test]
    fn t_quantiles() {
        assert_eq!(t975(1), 12.706);
        assert!((t975(1000) - 1.9623).abs() < 1e-3);
        assert!((t975(40) - 2.021).abs() < 2e-3);
    }
}
