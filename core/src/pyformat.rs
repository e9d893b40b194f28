//! Python's format-spec mini-language (`format(x, ">8.1f")`), the subset the
//! seeds and their users write: `[[fill]align][sign][0][width][,|_][.precision][type]`
//! with types `f F e E g G % d s` (and none).
//!
//! Written here rather than pulled in: the crates that format at run time
//! follow Rust's syntax (`{:>8.1}`), not Python's, and Python's `e` prints a
//! signed two-digit exponent (`3.14e+23`) that the seed's tables rely on.

use crate::error::{Error, Result};

/// Text with its control characters (an ANSI escape in a file's cell)
/// shown as escapes, so printed data cannot drive the terminal. Newlines
/// and tabs stay.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return std::borrow::Cow::Borrowed(s);
    }
    s.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

#[derive(Debug, Default, Clone, PartialEq)]
struct Spec {
    fill: Option<char>,
    align: Option<char>,
    sign: Option<char>,
    zero: bool,
    width: usize,
    grouping: Option<char>,
    precision: Option<usize>,
    ty: Option<char>,
}

fn parse_spec(spec: &str) -> Result<Spec> {
    let bad = |reason: &str| Error::Parse {
        what: "format spec",
        text: spec.to_string(),
        reason: reason.to_string(),
    };
    let chars: Vec<char> = spec.chars().collect();
    let mut s = Spec::default();
    let mut i = 0;
    let is_align = |c: char| matches!(c, '<' | '>' | '^' | '=');
    if chars.len() >= 2 && is_align(chars[1]) {
        s.fill = Some(chars[0]);
        s.align = Some(chars[1]);
        i = 2;
    } else if !chars.is_empty() && is_align(chars[0]) {
        s.align = Some(chars[0]);
        i = 1;
    }
    if i < chars.len() && matches!(chars[i], '+' | '-' | ' ') {
        s.sign = Some(chars[i]);
        i += 1;
    }
    if i < chars.len() && chars[i] == '0' {
        s.zero = true;
        i += 1;
    }
    let start = i;
    while i < chars.len() && chars[i].is_ascii_digit() {
        i += 1;
    }
    if i > start {
        s.width = chars[start..i]
            .iter()
            .collect::<String>()
            .parse()
            .map_err(|_| bad("width too large"))?;
    }
    if i < chars.len() && matches!(chars[i], ',' | '_') {
        s.grouping = Some(chars[i]);
        i += 1;
    }
    if i < chars.len() && chars[i] == '.' {
        i += 1;
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return Err(bad("'.' must be followed by a precision"));
        }
        let p: usize = chars[start..i]
            .iter()
            .collect::<String>()
            .parse()
            .map_err(|_| bad("precision too large"))?;
        if p > 100 {
            return Err(bad("precision above 100"));
        }
        s.precision = Some(p);
    }
    if i < chars.len() {
        let t = chars[i];
        if !"fFeEgG%ds".contains(t) {
            return Err(bad("unknown type; use one of f e g % d s"));
        }
        s.ty = Some(t);
        i += 1;
    }
    if i != chars.len() {
        return Err(bad("unexpected characters after the type"));
    }
    if s.width > 1000 {
        return Err(bad("width above 1000"));
    }
    Ok(s)
}

/// Format a number with a Python format spec: `format_number(3.14159, ".2f")` -> `"3.14"`.
pub fn format_number(x: f64, spec: &str) -> Result<String> {
    let s = parse_spec(spec)?;
    let ty = s.ty.unwrap_or('g');
    if ty == 's' {
        return Err(Error::Parse {
            what: "format spec",
            text: spec.into(),
            reason: "type 's' is for text, not numbers".into(),
        });
    }
    let neg = x.is_sign_negative() && !(x == 0.0 && ty == 'd');
    let a = x.abs();
    let mut body = if !x.is_finite() {
        let t = if x.is_nan() { "nan" } else { "inf" };
        if ty.is_ascii_uppercase() {
            t.to_uppercase()
        } else {
            t.to_string()
        }
    } else {
        match ty {
            'f' | 'F' => group(&format!("{:.*}", s.precision.unwrap_or(6), a), s.grouping),
            'e' | 'E' => {
                let t = sci(a, s.precision.unwrap_or(6));
                if ty == 'E' {
                    t.to_uppercase()
                } else {
                    t
                }
            }
            'g' | 'G' => {
                let t = general(
                    a,
                    s.precision.unwrap_or(if s.ty.is_none() { 12 } else { 6 }),
                );
                if ty == 'G' {
                    t.to_uppercase()
                } else {
                    t
                }
            }
            '%' => format!(
                "{}%",
                group(
                    &format!("{:.*}", s.precision.unwrap_or(6), a * 100.0),
                    s.grouping
                )
            ),
            'd' => {
                if x.fract() != 0.0 {
                    return Err(Error::Parse {
                        what: "format spec",
                        text: spec.into(),
                        reason: format!("type 'd' needs a whole number, got {x}"),
                    });
                }
                group(&format!("{a:.0}"), s.grouping)
            }
            _ => unreachable!("parse_spec admits only known types"),
        }
    };
    // A value that rounds to zero prints without a sign ("0.0000", not
    // Python's "-0.0000"): a negative zero reads as a bug in a table.
    let neg = neg && body.chars().any(|c| c.is_ascii_digit() && c != '0');
    let sign = match (neg, s.sign) {
        (true, _) => "-",
        (false, Some('+')) => "+",
        (false, Some(' ')) => " ",
        _ => "",
    };
    let (fill, align) = if s.zero && s.align.is_none() {
        ('0', '=')
    } else {
        (s.fill.unwrap_or(' '), s.align.unwrap_or('>'))
    };
    if align == '=' {
        let pad = s.width.saturating_sub(sign.len() + body.chars().count());
        body = format!("{sign}{}{body}", fill.to_string().repeat(pad));
        return Ok(body);
    }
    Ok(pad(&format!("{sign}{body}"), fill, align, s.width))
}

/// Format text with a Python format spec (`"<20"`, `">10"`, `"^9"`).
pub fn format_text(text: &str, spec: &str) -> Result<String> {
    let s = parse_spec(spec)?;
    if let Some(t) = s.ty {
        if t != 's' {
            return Err(Error::Parse {
                what: "format spec",
                text: spec.into(),
                reason: format!("type '{t}' is for numbers, not text"),
            });
        }
    }
    let text: String = match s.precision {
        Some(p) => text.chars().take(p).collect(),
        None => text.to_string(),
    };
    Ok(pad(
        &text,
        s.fill.unwrap_or(' '),
        s.align.unwrap_or('<'),
        s.width,
    ))
}

fn pad(text: &str, fill: char, align: char, width: usize) -> String {
    let len = text.chars().count();
    if len >= width {
        return text.to_string();
    }
    let n = width - len;
    let f = |k: usize| fill.to_string().repeat(k);
    match align {
        '<' => format!("{text}{}", f(n)),
        '^' => format!("{}{text}{}", f(n / 2), f(n - n / 2)),
        _ => format!("{}{text}", f(n)),
    }
}

/// Python's `e`: mantissa with `p` decimals, exponent signed and two digits or more.
fn sci(a: f64, p: usize) -> String {
    let t = format!("{a:.p$e}");
    let (mant, exp) = t.split_once('e').expect("Rust's {:e} has an exponent");
    let exp: i32 = exp.parse().expect("Rust's exponent is an integer");
    format!("{mant}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
}

/// Python's `g`: `p` significant digits, scientific when the exponent is
/// below -4 or at least `p`, trailing zeros removed.
fn general(a: f64, p: usize) -> String {
    let p = p.max(1);
    if a == 0.0 {
        return "0".into();
    }
    let rounded = format!("{a:.prec$e}", prec = p - 1);
    let exp: i32 = rounded
        .split_once('e')
        .and_then(|(_, e)| e.parse().ok())
        .expect("Rust's {:e} has an integer exponent");
    if exp < -4 || exp >= p as i32 {
        let t = sci(a, p - 1);
        let (mant, e) = t.split_once('e').expect("sci has an exponent");
        format!("{}e{e}", strip_zeros(mant))
    } else {
        let decimals = (p as i32 - 1 - exp).max(0) as usize;
        strip_zeros(&format!("{a:.decimals$}"))
    }
}

fn strip_zeros(t: &str) -> String {
    if t.contains('.') {
        t.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        t.to_string()
    }
}

fn group(t: &str, sep: Option<char>) -> String {
    let Some(sep) = sep else {
        return t.to_string();
    };
    let (int, frac) = match t.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (t, None),
    };
    let mut out = String::new();
    for (k, ch) in int.chars().enumerate() {
        if k > 0 && (int.len() - k) % 3 == 0 {
            out.push(sep);
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn num(x: f64, spec: &str, want: &str) {
        assert_eq!(
            format_number(x, spec).unwrap(),
            want,
            "format({x}, {spec:?})"
        );
    }

    #[test]
    fn no_negative_zero() {
        assert_eq!(format_number(-1e-5, ".4f").unwrap(), "0.0000");
        assert_eq!(format_number(-0.0, ".2f").unwrap(), "0.00");
        assert_eq!(format_number(-0.00006, ".4f").unwrap(), "-0.0001");
        assert_eq!(format_number(-1e-9, ".2e").unwrap(), "-1.00e-09");
    }

    #[test]
    fn matches_python() {
        // Expected strings are what CPython 3.11 prints for format(x, spec).
        num(3.14e23, ".2e", "3.14e+23");
        num(1.5e-7, ".3e", "1.500e-07");
        num(32.19, ">8.1f", "    32.2");
        num(2982.4, ">8.0f", "    2982");
        num(-0.0123, "+.4f", "-0.0123");
        num(0.0123, "+.4f", "+0.0123");
        num(1234567.891, ",.2f", "1,234,567.89");
        num(0.4516, ".1%", "45.2%");
        num(2.0, "d", "2");
        num(1.8e13, "g", "1.8e+13");
        num(0.000123, "g", "0.000123");
        num(123456.0, ".3g", "1.23e+05");
        num(42.0, "05.1f", "042.0");
        num(1.0, "^7.1f", "  1.0  ");
        num(f64::NAN, ".2f", "nan");
    }

    #[test]
    fn text() {
        assert_eq!(format_text("GPT-3", "<10").unwrap(), "GPT-3     ");
        assert_eq!(format_text("ab", "*^6").unwrap(), "**ab**");
        assert!(format_text("x", ".2f").is_err());
    }

    #[test]
    fn rejects_bad_specs() {
        assert!(format_number(1.0, ".f").is_err());
        assert!(format_number(1.0, "q").is_err());
        assert!(format_number(1.5, "d").is_err());
        assert!(format_number(1.0, "10.2fx").is_err());
    }
}
