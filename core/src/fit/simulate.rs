//! Synthetic training runs from a known law, for tests, examples and
//! checking that a fit recovers what went in.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

use super::Run;
use crate::error::{check, Error, Result};
use crate::laws::Law;
use crate::numeric::logspace;

/// An IsoFLOP design like Hoffmann et al. 2022 §3.2: for each budget C,
/// `per_budget` model sizes log-spaced over `spread` decades either side of
/// the law's optimum, D = C/(6N), and loss = L(N, D) · exp(noise · z), z
/// standard normal from ChaCha8 seeded with `seed` (same seed, same runs).
pub fn isoflop_runs(
    law: &Law,
    budgets: &[f64],
    per_budget: usize,
    spread: f64,
    noise: f64,
    seed: u64,
) -> Result<Vec<Run>> {
    if budgets.is_empty() {
        return Err(Error::Empty {
            arg: "budgets".into(),
        });
    }
    if per_budget < 1 {
        return Err(Error::invalid(
            "per_budget",
            "at least 1",
            per_budget as f64,
        ));
    }
    // Six decades either side and 100% log-noise are already far past any
    // real IsoFLOP design; beyond them sizes and losses leave f64's range.
    let spread = check::positive_at_most("spread", spread, 6.0)?;
    let noise = check::non_negative("noise", noise)?;
    if noise > 1.0 {
        return Err(Error::invalid(
            "noise",
            "at most 1 (the standard deviation of log loss)",
            noise,
        ));
    }
    let normal = Normal::new(0.0, 1.0).expect("unit normal");
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut runs = Vec::with_capacity(budgets.len() * per_budget);
    for (i, &c) in budgets.iter().enumerate() {
        let c = check::positive(&format!("budgets[{i}]"), c)?;
        let centre = law.optimal(c)?.n.log10();
        for n in logspace(centre - spread, centre + spread, per_budget as i64)? {
            let d = c / (6.0 * n);
            let loss = law.loss(n, d)? * (noise * normal.sample(&mut rng)).exp();
            runs.push(Run {
                n,
                d,
                loss,
                weight: 1.0,
            });
        }
    }
    Ok(runs)
}
