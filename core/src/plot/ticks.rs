//! Tick positions and labels, so that log axes read `10⁹ 10¹⁰ 10¹¹` (or
//! `2 3 4 5` on a narrow range) instead of plotters' `1000000000.0`.
//!
//! Positions are in axis space: log10 of the value on a log axis, the value
//! itself on a linear one.

use super::Scale;

/// One tick: position in axis space, its label (empty for minor ticks).
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    /// Position in axis space.
    pub pos: f64,
    /// Label; empty for a minor tick.
    pub label: String,
}

/// Ticks for an axis spanning `lo..hi` (axis space).
pub fn ticks(lo: f64, hi: f64, scale: Scale) -> (Vec<Tick>, Vec<f64>) {
    match scale {
        Scale::Linear => (linear_ticks(lo, hi), Vec::new()),
        Scale::Log => log_ticks(lo, hi),
    }
}

/// A "nice" step near `raw`: 1, 2, 2.5 or 5 times a power of ten.
pub fn nice_step(raw: f64) -> f64 {
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let nice = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 2.5 {
        2.5
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

/// Evenly stepped values covering `lo..hi` with about `n` intervals.
pub fn nice_values(lo: f64, hi: f64, n: usize) -> (Vec<f64>, f64) {
    let step = nice_step(((hi - lo) / n as f64).max(f64::MIN_POSITIVE));
    let start = (lo / step - 1e-9).ceil() as i64;
    let end = (hi / step + 1e-9).floor() as i64;
    ((start..=end).map(|k| k as f64 * step).collect(), step)
}

fn decimals_for(step: f64) -> usize {
    let mut d = 0;
    while d < 10
        && ((step * 10f64.powi(d as i32)).round() - step * 10f64.powi(d as i32)).abs() > 1e-6
    {
        d += 1;
    }
    d
}

/// A plain-number label with as many decimals as the step needs.
fn plain(v: f64, step: f64) -> String {
    let a = v.abs();
    if a != 0.0 && !(1e-3..1e6).contains(&a) {
        return crate::units::fmt_si(v);
    }
    let d = decimals_for(step);
    let s = format!("{v:.d$}");
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

fn linear_ticks(lo: f64, hi: f64) -> Vec<Tick> {
    let (vals, step) = nice_values(lo, hi, 6);
    vals.into_iter()
        .map(|v| Tick {
            pos: v,
            label: plain(v, step),
        })
        .collect()
}

const SUPERSCRIPT: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];

/// `10` with a superscript exponent: 10⁹, 10⁻³.
pub fn power_of_ten(k: i64) -> String {
    let mut s = String::from("10");
    if k < 0 {
        s.push('⁻');
    }
    for c in k.unsigned_abs().to_string().chars() {
        s.push(SUPERSCRIPT[c.to_digit(10).expect("digit") as usize]);
    }
    s
}

/// Log axis as matplotlib's LogLocator labels it: every decade 10ᵏ
/// (thinned past 8), minor ticks at 2..9; when fewer than three decades
/// show, 2×10ᵏ and 5×10ᵏ are labelled too; when even that gives fewer
/// than three labels, nice values inside the range.
fn log_ticks(lo: f64, hi: f64) -> (Vec<Tick>, Vec<f64>) {
    let first = (lo - 1e-9).ceil() as i64;
    let last = (hi + 1e-9).floor() as i64;
    let mut minor = Vec::new();
    for k in (lo.floor() as i64)..=(hi.ceil() as i64) {
        for m in 2..10 {
            let p = k as f64 + (m as f64).log10();
            if p > lo && p < hi {
                minor.push(p);
            }
        }
    }
    if last - first >= 2 {
        // Thin out so that at most about 8 decades are labelled.
        let every = ((last - first) / 8 + 1).max(1);
        let major = (first..=last)
            .filter(|k| (k - first) % every == 0)
            .map(|k| Tick {
                pos: k as f64,
                label: power_of_ten(k),
            })
            .collect();
        return (major, minor);
    }
    // A short range: decades plus 2 and 5 times each decade.
    let mut ticks = Vec::new();
    for k in (lo.floor() as i64)..=(hi.ceil() as i64) {
        for m in [1u8, 2, 5] {
            let p = k as f64 + (m as f64).log10();
            if p >= lo - 1e-9 && p <= hi + 1e-9 {
                let label = if m == 1 {
                    power_of_ten(k)
                } else {
                    format!("{m}×{}", power_of_ten(k))
                };
                ticks.push(Tick { pos: p, label });
            }
        }
    }
    if ticks.len() >= 3 {
        return (ticks, minor);
    }
    // Narrow range: label nice linear values (2, 3, 4, 5 ...) at their log positions.
    let (a, b) = (10f64.powf(lo), 10f64.powf(hi));
    let (vals, step) = nice_values(a, b, 5);
    let major = vals
        .into_iter()
        .filter(|v| *v > 0.0)
        .map(|v| Tick {
            pos: v.log10(),
            label: plain(v, step),
        })
        .collect();
    (major, minor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(t: &[Tick]) -> Vec<&str> {
        t.iter().map(|t| t.label.as_str()).collect()
    }

    #[test]
    fn log_decades() {
        let (major, minor) = ticks(6.0, 11.0, Scale::Log);
        assert_eq!(labels(&major), ["10⁶", "10⁷", "10⁸", "10⁹", "10¹⁰", "10¹¹"]);
        assert_eq!(minor.len(), 40);
    }

    #[test]
    fn short_log_ranges_label_2_and_5() {
        let (major, _) = ticks(9.2, 11.1, Scale::Log);
        assert_eq!(
            labels(&major),
            ["2×10⁹", "5×10⁹", "10¹⁰", "2×10¹⁰", "5×10¹⁰", "10¹¹"]
        );
    }

    #[test]
    fn narrow_log_range_gets_plain_labels() {
        let (major, _) = ticks(2.0f64.log10(), 5.7f64.log10(), Scale::Log);
        assert_eq!(labels(&major), ["2", "3", "4", "5"]);
        let (major, _) = ticks(1.95f64.log10(), 2.1f64.log10(), Scale::Log);
        assert_eq!(labels(&major), ["1.95", "2.00", "2.05", "2.10"]);
    }

    #[test]
    fn linear_labels_are_round() {
        let t = ticks(0.0, 1.0, Scale::Linear).0;
        assert_eq!(labels(&t), ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
        let t = ticks(0.0, 3e9, Scale::Linear).0;
        assert_eq!(
            labels(&t),
            ["0", "500M", "1.00B", "1.50B", "2.00B", "2.50B", "3.00B"]
        );
    }

    #[test]
    fn negative_exponents() {
        assert_eq!(power_of_ten(-3), "10⁻³");
    }
}
