//! Readable numbers: `1.4e12` as `1.40T` and back.
//!
//! The suffixes are the ones papers use for parameters and tokens:
//! K (1e3), M (1e6), B (1e9), T (1e12), then the SI prefixes P (1e15), E
//! (1e18), Z (1e21) and Y (1e24) for FLOP counts; beyond 1e27 [`fmt_si`]
//! writes scientific notation. [`parse_si`] accepts the same suffixes and
//! G (= B).

use crate::error::{Error, Result};

const SUFFIXES: &[(f64, &str)] = &[
    (1e24, "Y"),
    (1e21, "Z"),
    (1e18, "E"),
    (1e15, "P"),
    (1e12, "T"),
    (1e9, "B"),
    (1e6, "M"),
    (1e3, "K"),
];

/// Format with three significant digits and a K/M/B/T/P/E/Z/Y suffix:
/// `1.4e12` -> `"1.40T"`, `5.76e23` -> `"576Z"`.
///
/// Magnitudes below 1e3 get no suffix; from 1e27 up, and below 1e-3, the
/// result is scientific (`"3.00e28"`). NaN and infinities print as such.
pub fn fmt_si(x: f64) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    let a = x.abs();
    if a == 0.0 {
        return "0".into();
    }
    if !(1e-3..1e27).contains(&a) || round_sig(a, 3) >= 1e27 {
        return format!("{x:.2e}");
    }
    for &(scale, suffix) in SUFFIXES {
        // Round first so 999.96e9 prints as 1.00T, not 1000B.
        if round_sig(a, 3) >= scale {
            return format!("{}{}", three_sig(x / scale), suffix);
        }
    }
    three_sig(x)
}

/// FLOPs as papers write budgets: three significant digits in scientific
/// notation, `fmt_flops(1.58e23)` is `"1.58e23"` (numbers below 1e4
/// print whole).
pub fn fmt_flops(x: f64) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    if x.abs() < 1e4 {
        return three_sig(x);
    }
    format!("{x:.2e}")
}

/// Bytes with three significant digits in decimal units, as datasheets
/// and the ZeRO paper write them: `fmt_bytes(3.14e10)` is `"31.4 GB"`.
/// With `binary`, powers of 1024: `"29.2 GiB"`.
pub fn fmt_bytes(x: f64, binary: bool) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    let (base, units): (f64, [&str; 7]) = if binary {
        (1024.0, ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"])
    } else {
        (1000.0, ["B", "KB", "MB", "GB", "TB", "PB", "EB"])
    };
    let a = x.abs();
    let mut i = 0;
    while i + 1 < units.len() && round_sig(a / base.powi(i as i32), 3) >= base {
        i += 1;
    }
    if i == 0 {
        return format!("{x:.0} B");
    }
    format!("{} {}", three_sig(x / base.powi(i as i32)), units[i])
}

fn round_sig(x: f64, digits: i32) -> f64 {
    if x == 0.0 {
        return 0.0;
    }
    // Scale by an exact power of ten on the right side so that e.g.
    // 999.96e9 rounds to exactly 1e12.
    let e = digits - 1 - x.abs().log10().floor() as i32;
    if e >= 0 {
        let p = 10f64.powi(e);
        (x * p).round() / p
    } else {
        let p = 10f64.powi(-e);
        (x / p).round() * p
    }
}

fn three_sig(x: f64) -> String {
    let r = round_sig(x, 3);
    if r == 0.0 {
        return "0".into();
    }
    let mag = r.abs().log10().floor() as i32;
    let decimals = (2 - mag).max(0) as usize;
    format!("{r:.decimals$}")
}

/// Parse a number with an optional suffix: `"70B"` -> 7e10, `"1.4T"` -> 1.4e12,
/// `"2e24"` -> 2e24. Suffixes (case-insensitive except `m`/`M` are both mega):
/// K, M, B or G, T, P, E, Z, Y. Underscores and commas are ignored.
pub fn parse_si(text: &str) -> Result<f64> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| *c != '_' && *c != ',')
        .collect();
    let err = |reason: &str| Error::Parse {
        what: "number",
        text: text.to_string(),
        reason: reason.to_string(),
    };
    if cleaned.is_empty() {
        return Err(err("empty text"));
    }
    let last = cleaned.chars().last().expect("non-empty");
    let (digits, scale) = match last.to_ascii_uppercase() {
        'K' => (&cleaned[..cleaned.len() - 1], 1e3),
        'M' => (&cleaned[..cleaned.len() - 1], 1e6),
        'B' | 'G' => (&cleaned[..cleaned.len() - 1], 1e9),
        'T' => (&cleaned[..cleaned.len() - 1], 1e12),
        'P' => (&cleaned[..cleaned.len() - 1], 1e15),
        'E' if cleaned.len() > 1 && !cleaned[..cleaned.len() - 1].contains(['e', 'E']) => {
            (&cleaned[..cleaned.len() - 1], 1e18)
        }
        'Z' => (&cleaned[..cleaned.len() - 1], 1e21),
        'Y' => (&cleaned[..cleaned.len() - 1], 1e24),
        _ => (cleaned.as_str(), 1.0),
    };
    let v: f64 = digits
        .trim()
        .parse()
        .map_err(|_| err("expected a number with an optional K, M, B, T, P, E, Z or Y suffix"))?;
    let v = v * scale;
    if v.is_finite() {
        Ok(v)
    } else {
        Err(err("not a finite number"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_three_significant_digits() {
        let cases = [
            (1.4e12, "1.40T"),
            (70e9, "70.0B"),
            (3.2189e10, "32.2B"),
            (999.96e9, "1.00T"),
            (175e9, "175B"),
            (1234.0, "1.23K"),
            (12.345, "12.3"),
            (0.5, "0.500"),
            (5.76e23, "576Z"),
            (1e15, "1.00P"),
            (2.5e18, "2.50E"),
            (1e24, "1.00Y"),
            (3e28, "3.00e28"),
            (-2.5e6, "-2.50M"),
            (0.0, "0"),
        ];
        for (x, want) in cases {
            assert_eq!(fmt_si(x), want, "fmt_si({x})");
        }
    }

    #[test]
    fn parses_suffixes() {
        let cases = [
            ("70B", 7e10),
            ("1.4T", 1.4e12),
            ("175b", 1.75e11),
            ("2e24", 2e24),
            ("20E", 2e19),
            ("1_000K", 1e6),
            ("3G", 3e9),
            ("12", 12.0),
        ];
        for (t, want) in cases {
            assert_eq!(parse_si(t).unwrap(), want, "parse_si({t})");
        }
        for bad in ["", "B", "seven", "1.2.3T", "1e999"] {
            assert!(parse_si(bad).is_err(), "{bad} should not parse");
        }
    }
}
