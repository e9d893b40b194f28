//! The one error type of the pure-math core.
//!
//! Core functions name the offending argument and say what would be valid; the
//! script layer adds the function name and the script position.

use thiserror::Error;

/// Result of a core computation.
pub type Result<T> = std::result::Result<T, Error>;

/// Why a core computation refused its input.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum Error {
    /// A numeric argument outside its domain (non-positive, NaN, infinite, out of range).
    #[error("{arg} must be {expected}, got {value}")]
    InvalidArgument {
        arg: String,
        expected: &'static str,
        value: String,
    },
    /// An array argument with no elements.
    #[error("{arg} must not be empty")]
    Empty { arg: String },
    /// Two arrays that must pair up element by element do not.
    #[error("{left} and {right} must have the same length, got {left_len} and {right_len}")]
    LengthMismatch {
        left: String,
        right: String,
        left_len: usize,
        right_len: usize,
    },
    /// A name (law, column, option, hardware) that does not exist.
    #[error("unknown {kind} '{name}'; known: {known}")]
    UnknownName {
        kind: &'static str,
        name: String,
        known: String,
    },
    /// An accelerator the catalog does not have: how to describe one.
    #[error("unknown hardware '{name}'; known: {}; or describe it: hardware(#{{name: \"{name}\", memory: 80e9, bandwidth: 3.35e12, bf16: 989e12}}) (bytes, bytes/s, FLOP/s)", known.join(", "))]
    UnknownHardware {
        /// The name asked for.
        name: String,
        /// The catalog's names.
        known: Vec<String>,
    },
    /// Input that cannot be parsed (a number with a unit, a CSV cell).
    #[error("cannot parse {what} '{text}': {reason}")]
    Parse {
        what: &'static str,
        text: String,
        reason: String,
    },
    /// A computation whose result would not be a finite number.
    #[error("{0}")]
    NotFinite(String),
    /// An elementwise computation whose result is not finite at `index`.
    #[error("element {index} of the result would be {what}")]
    NotFiniteAt {
        /// First bad position.
        index: usize,
        /// "NaN", "inf" or "-inf".
        what: &'static str,
    },
    /// The work was stopped by an interrupt (Ctrl-C, a kernel interrupt).
    #[error("interrupted")]
    Interrupted,
    /// The work would exceed the operation budget of the evaluation.
    #[error("the work exceeds the operation limit of {limit}")]
    OverBudget {
        /// The limit in operations.
        limit: u64,
    },
    /// A result or an input larger than the size limit allows.
    #[error("{what} would have {} elements, more than the size limit of {limit}", format_value(*size))]
    TooLarge {
        /// What would be built.
        what: String,
        /// Its size (as a float: sizes that multiply can exceed usize).
        size: f64,
        /// The limit.
        limit: usize,
    },
    /// A function that needs a model's shape was given a parameter count.
    #[error("{what} needs the model's shape: give a preset name (\"llama3-70b\") or a transformer(...), not a parameter count")]
    NeedsShape {
        /// What needs it.
        what: String,
    },
    /// A name of the allocation rules (or Kaplan's frontier) asked for as
    /// a loss law: one catalog, two kinds of answer.
    #[error("'{name}' is an allocation rule, not a loss law: it gives N and D for a budget and has no loss formula; use find_optimal_allocation(C, \"{name}\") (or compare_laws(C), which lists laws and rules together)")]
    RuleNotLaw { name: String },
    /// A law asked for something its form does not have.
    #[error("law '{law}' {lacks}")]
    WrongForm { law: String, lacks: &'static str },
    /// Drawing a figure failed.
    #[error("drawing failed: {0}")]
    Render(String),
    /// An I/O failure while reading or writing a file.
    #[error("{path}: {reason}")]
    Io { path: String, reason: String },
}

impl Error {
    /// Build an [`Error::InvalidArgument`] for a number.
    pub fn invalid(arg: impl Into<String>, expected: &'static str, value: f64) -> Self {
        Error::InvalidArgument {
            arg: arg.into(),
            expected,
            value: format_value(value),
        }
    }

    /// Build an [`Error::UnknownName`] listing the names that exist.
    pub fn unknown<S: AsRef<str>>(
        kind: &'static str,
        name: impl Into<String>,
        known: impl IntoIterator<Item = S>,
    ) -> Self {
        let known: Vec<String> = known.into_iter().map(|s| s.as_ref().to_string()).collect();
        Error::UnknownName {
            kind,
            name: name.into(),
            known: known.join(", "),
        }
    }
}

impl Error {
    /// Say which file a parse error was in.
    pub fn in_file(self, path: &str) -> Error {
        match self {
            Error::Parse { what, text, reason } => Error::Parse {
                what,
                text,
                reason: format!("{reason} (in {path})"),
            },
            other => other,
        }
    }
}

/// A number as messages show it: shortest round-trip digits, exponents
/// where they help (`1e308`, not 309 digits), no trailing `.0`.
pub fn format_value(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "inf" } else { "-inf" }.into()
    } else if v != 0.0 && !(1e-4..1e6).contains(&v.abs()) {
        format!("{v:e}")
    } else {
        let s = format!("{v:?}");
        s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
    }
}

/// The domain checks every law and conversion applies to its inputs.
pub mod check {
    use super::{Error, Result};

    /// `v` must be finite and > 0 (sizes, token counts, FLOPs, losses, throughput).
    #[inline]
    pub fn positive(arg: &str, v: f64) -> Result<f64> {
        if v.is_finite() && v > 0.0 {
            Ok(v)
        } else {
            Err(Error::invalid(arg, "a positive finite number", v))
        }
    }

    /// `v` must be finite, > 0 and at most `max` (a bound on absurd sizes
    /// that would otherwise overflow or take forever further on).
    pub fn positive_at_most(arg: &str, v: f64, max: f64) -> Result<f64> {
        let v = positive(arg, v)?;
        if v > max {
            return Err(Error::InvalidArgument {
                arg: arg.into(),
                expected: "a positive number within its limit",
                value: format!(
                    "{} (the limit is {})",
                    super::format_value(v),
                    super::format_value(max)
                ),
            });
        }
        Ok(v)
    }

    /// `v` must be a positive whole number of at most `max` (GPUs,
    /// sequences, tokens): a fraction of a sequence is not a smaller batch.
    pub fn count_at_most(arg: &str, v: f64, max: f64) -> Result<f64> {
        let v = positive_at_most(arg, v, max)?;
        if v.fract() != 0.0 {
            return Err(Error::invalid(arg, "a positive whole number", v));
        }
        Ok(v)
    }

    /// `v` must be finite and >= 0.
    #[inline]
    pub fn non_negative(arg: &str, v: f64) -> Result<f64> {
        if v.is_finite() && v >= 0.0 {
            Ok(v)
        } else {
            Err(Error::invalid(arg, "a non-negative finite number", v))
        }
    }

    /// Two sequences that pair up element by element must be equally long.
    #[inline]
    pub fn same_length(left: &str, left_len: usize, right: &str, right_len: usize) -> Result<()> {
        if left_len == right_len {
            Ok(())
        } else {
            Err(Error::LengthMismatch {
                left: left.into(),
                right: right.into(),
                left_len,
                right_len,
            })
        }
    }

    /// `v` must be finite.
    #[inline]
    pub fn finite(arg: &str, v: f64) -> Result<f64> {
        if v.is_finite() {
            Ok(v)
        } else {
            Err(Error::invalid(arg, "a finite number", v))
        }
    }

    /// Characters a piece of figure text (a title, a label, an annotation)
    /// may have: far more than any chart shows, and small enough that
    /// drawing it stays fast and its SVG small.
    pub const MAX_TEXT: usize = 1000;

    /// Figure text: at most [`MAX_TEXT`] characters.
    pub fn text<'a>(arg: &str, s: &'a str) -> Result<&'a str> {
        let n = s.chars().count();
        if n > MAX_TEXT {
            return Err(Error::InvalidArgument {
                arg: arg.into(),
                expected: "text of at most 1,000 characters",
                value: format!("{n} characters"),
            });
        }
        Ok(s)
    }

    /// A computed result must be finite; `what` says what overflowed.
    #[inline]
    pub fn finite_result(what: &str, v: f64) -> Result<f64> {
        if v.is_finite() {
            Ok(v)
        } else {
            Err(Error::NotFinite(format!(
                "{what} is not a finite number ({v}); the inputs are outside the range where the law is defined"
            )))
        }
    }
}
