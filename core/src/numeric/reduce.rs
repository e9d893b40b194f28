//! Reductions and running totals over `f64` slices (numpy's `sum`, `mean`,
//! `std`, `median`, `quantile`, `cumsum`, `diff`, ...). An empty input is
//! an error, and so is a result that overflows.

use crate::error::{check, Error, Result};

fn non_empty(arg: &str, xs: &[f64]) -> Result<()> {
    if xs.is_empty() {
        Err(Error::Empty { arg: arg.into() })
    } else {
        Ok(())
    }
}

fn finite(what: &str, x: f64) -> Result<f64> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(Error::NotFinite(format!(
            "the {what} overflows ({}); the values are too large to combine",
            super::elementwise::describe(x)
        )))
    }
}

/// Sum (an error if it overflows).
pub fn sum(xs: &[f64]) -> Result<f64> {
    non_empty("xs", xs)?;
    finite("sum", xs.iter().sum())
}

/// Arithmetic mean.
pub fn mean(xs: &[f64]) -> Result<f64> {
    non_empty("xs", xs)?;
    // Dividing first keeps the mean of values near f64::MAX finite.
    let n = xs.len() as f64;
    finite("mean", xs.iter().map(|x| x / n).sum())
}

/// Product.
pub fn prod(xs: &[f64]) -> Result<f64> {
    non_empty("xs", xs)?;
    finite("product", xs.iter().product())
}

/// Smallest value.
pub fn min(xs: &[f64]) -> Result<f64> {
    Ok(xs[argmin(xs)?])
}

/// Largest value.
pub fn max(xs: &[f64]) -> Result<f64> {
    Ok(xs[argmax(xs)?])
}

/// Position of the smallest value (the first one on ties, as numpy).
pub fn argmin(xs: &[f64]) -> Result<usize> {
    non_empty("xs", xs)?;
    let mut best = 0;
    for (i, x) in xs.iter().enumerate() {
        if *x < xs[best] {
            best = i;
        }
    }
    Ok(best)
}

/// Position of the largest value (the first one on ties).
pub fn argmax(xs: &[f64]) -> Result<usize> {
    non_empty("xs", xs)?;
    let mut best = 0;
    for (i, x) in xs.iter().enumerate() {
        if *x > xs[best] {
            best = i;
        }
    }
    Ok(best)
}

/// Running sums: `out[i] = xs[0] + ... + xs[i]`.
pub fn cumsum(xs: &[f64]) -> Result<Vec<f64>> {
    non_empty("xs", xs)?;
    let mut total = 0.0;
    let out: Vec<f64> = xs
        .iter()
        .map(|x| {
            total += x;
            total
        })
        .collect();
    finite("running sum", total)?;
    Ok(out)
}

/// Differences of neighbours: `out[i] = xs[i + 1] - xs[i]` (one element fewer).
pub fn diff(xs: &[f64]) -> Result<Vec<f64>> {
    if xs.len() < 2 {
        return Err(Error::InvalidArgument {
            arg: "xs".into(),
            expected: "at least 2 values",
            value: xs.len().to_string(),
        });
    }
    let out: Vec<f64> = xs.windows(2).map(|w| w[1] - w[0]).collect();
    if let Some(bad) = out.iter().find(|x| !x.is_finite()) {
        finite("difference", *bad)?;
    }
    Ok(out)
}

/// Standard deviation with `ddof` delta degrees of freedom (numpy's
/// default 0; pandas' 1): sqrt(sum (x - mean)^2 / (n - ddof)).
pub fn std(xs: &[f64], ddof: usize) -> Result<f64> {
    non_empty("xs", xs)?;
    if ddof >= xs.len() {
        return Err(Error::InvalidArgument {
            arg: "ddof".into(),
            expected: "smaller than the number of values",
            value: format!("{ddof} with {} values", xs.len()),
        });
    }
    let m = mean(xs)?;
    let ss: f64 = xs.iter().map(|x| (x - m) * (x - m)).sum();
    finite("standard deviation", (ss / (xs.len() - ddof) as f64).sqrt())
}

/// Median (the mean of the two middle values for an even count).
pub fn median(xs: &[f64]) -> Result<f64> {
    quantile(xs, 0.5)
}

/// The `q` quantile, `q` in [0, 1], by linear interpolation between the
/// closest ranks (numpy's default method).
pub fn quantile(xs: &[f64], q: f64) -> Result<f64> {
    non_empty("xs", xs)?;
    let mut sorted = xs.to_vec();
    sorted.sort_by(f64::total_cmp);
    quantile_sorted(&sorted, q)
}

/// [`quantile`] of values already sorted ascending.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> Result<f64> {
    non_empty("xs", sorted)?;
    let q = check::finite("q", q)?;
    if !(0.0..=1.0).contains(&q) {
        return Err(Error::invalid("q", "in [0, 1]", q));
    }
    let pos = q * (sorted.len() - 1) as f64;
    let i = pos.floor() as usize;
    let j = (i + 1).min(sorted.len() - 1);
    finite(
        "quantile",
        sorted[i] + (sorted[j] - sorted[i]) * (pos - i as f64),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_numpy() {
        let xs = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0];
        assert_eq!(sum(&xs).unwrap(), 31.0);
        assert_eq!(mean(&xs).unwrap(), 3.875);
        assert_eq!(prod(&[2.0, 3.0, 4.0]).unwrap(), 24.0);
        assert_eq!((min(&xs).unwrap(), max(&xs).unwrap()), (1.0, 9.0));
        assert_eq!((argmin(&xs).unwrap(), argmax(&xs).unwrap()), (1, 5));
        assert_eq!(cumsum(&[1.0, 2.0, 3.0]).unwrap(), [1.0, 3.0, 6.0]);
        assert_eq!(diff(&[1.0, 4.0, 9.0]).unwrap(), [3.0, 5.0]);
        // np.std(xs) = 2.5708704751503917, np.std(xs, ddof=1) = 2.748376143938713
        assert!((std(&xs, 0).unwrap() - 2.5708704751503917).abs() < 1e-15);
        assert!((std(&xs, 1).unwrap() - 2.748376143938713).abs() < 1e-15);
        // np.median(xs) = 3.5, np.quantile(xs, 0.25) = 1.75
        assert_eq!(median(&xs).unwrap(), 3.5);
        assert_eq!(quantile(&xs, 0.25).unwrap(), 1.75);
    }

    #[test]
    fn empty_and_overflow_are_errors() {
        assert_eq!(sum(&[]).unwrap_err().to_string(), "xs must not be empty");
        assert!(min(&[]).is_err() && argmax(&[]).is_err() && median(&[]).is_err());
        assert!(sum(&[1e308, 1e308])
            .unwrap_err()
            .to_string()
            .contains("the sum overflows (inf)"));
        assert_eq!(mean(&[1e308, 1e308]).unwrap(), 1e308);
        assert!(quantile(&[1.0], 1.5).is_err());
        assert!(std(&[1.0], 1).is_err());
        assert!(diff(&[1.0]).is_err());
    }
}
