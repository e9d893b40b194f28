//! Turning Rhai arguments into core inputs, and core errors into script errors.
//!
//! Every registered function takes its numbers as `Dynamic`, so one
//! registration accepts floats, integers and arrays of either; a wrong type
//! gets an error naming the argument instead of Rhai's "function not found".

use rhai::{Array, Dynamic, EvalAltResult, NativeCallContext, Position, FLOAT, INT};

use crate::state::state;
use scaling_lab_core::budget::work;
use scaling_lab_core::error::Error;
use scaling_lab_core::vector::Vector;

/// What registered functions return.
pub type ScriptResult<T> = Result<T, Box<EvalAltResult>>;

/// A script error at `pos` whose message starts with the function's name.
pub fn error_at(fn_name: &str, pos: Position, msg: impl std::fmt::Display) -> Box<EvalAltResult> {
    Box::new(EvalAltResult::ErrorRuntime(
        Dynamic::from(format!("{fn_name}: {msg}")),
        pos,
    ))
}

/// A script error for the function being called, at its call site.
pub fn fail(ctx: &NativeCallContext, msg: impl std::fmt::Display) -> Box<EvalAltResult> {
    error_at(&display_name(ctx.fn_name()), ctx.call_position(), msg)
}

/// How messages name a function: indexers and property accessors by
/// their syntax rather than Rhai's internal names (`index$get$`).
pub fn display_name(name: &str) -> String {
    match name {
        "index$get$" => "indexing [ ]".into(),
        "index$set$" => "setting [ ]".into(),
        n => match n.strip_prefix("get$").or_else(|| n.strip_prefix("set$")) {
            Some(prop) => format!("property .{prop}"),
            None => n.to_string(),
        },
    }
}

/// Convert a core result into a script result. An interrupt or an
/// exhausted budget stops the script the way Rhai's own limits do.
pub fn lift<T>(ctx: &NativeCallContext, r: scaling_lab_core::Result<T>) -> ScriptResult<T> {
    r.map_err(|e| match e {
        Error::Interrupted => Box::new(EvalAltResult::ErrorTerminated(
            Dynamic::from(crate::INTERRUPTED),
            ctx.call_position(),
        )),
        Error::OverBudget { .. } => {
            Box::new(EvalAltResult::ErrorTooManyOperations(ctx.call_position()))
        }
        other => fail(ctx, other),
    })
}

/// A value's type as users see it in messages ("float", "vector", "Table").
pub fn type_name(v: &Dynamic) -> &'static str {
    crate::value::type_name(v)
}

/// A number given as a float or an integer.
pub fn as_number(v: &Dynamic) -> Option<FLOAT> {
    if let Ok(f) = v.as_float() {
        Some(f)
    } else {
        v.as_int().ok().map(|i| i as FLOAT)
    }
}

/// A scalar number argument.
pub fn number(ctx: &NativeCallContext, arg: &str, v: &Dynamic) -> ScriptResult<FLOAT> {
    as_number(v).ok_or_else(|| {
        fail(
            ctx,
            format!(
                "{arg} must be a number, got {} ({})",
                type_name(v),
                shown(v)
            ),
        )
    })
}

/// A value for a message: short, one line.
pub fn shown(v: &Dynamic) -> String {
    let text = crate::value::inline(v);
    if text.chars().count() > 40 {
        let cut: String = text.chars().take(37).collect();
        format!("{cut}...")
    } else {
        text
    }
}

/// A whole-number argument (an integer, or a float with no fractional part).
pub fn whole(ctx: &NativeCallContext, arg: &str, v: &Dynamic) -> ScriptResult<INT> {
    if let Ok(i) = v.as_int() {
        return Ok(i);
    }
    match v.as_float() {
        Ok(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(f as INT),
        _ => Err(fail(
            ctx,
            format!(
                "{arg} must be a whole number, got {} ({})",
                type_name(v),
                shown(v)
            ),
        )),
    }
}

/// A vector argument: a vector, or an array of numbers (every element a
/// finite number, at least one element).
pub fn vector(ctx: &NativeCallContext, arg: &str, v: &Dynamic) -> ScriptResult<Vector> {
    if let Some(x) = v.read_lock::<Vector>() {
        if x.is_empty() {
            return Err(fail(ctx, Error::Empty { arg: arg.into() }));
        }
        return Ok(x.clone());
    }
    match v.read_lock::<Array>() {
        Some(arr) => array_numbers(ctx, arg, &arr).map(Vector::new),
        None => Err(fail(
            ctx,
            format!(
                "{arg} must be a vector or an array of numbers, got {}",
                type_name(v)
            ),
        )),
    }
}

/// A numeric argument as an owned `Vec` (a copy of a vector's numbers).
pub fn numbers(ctx: &NativeCallContext, arg: &str, v: &Dynamic) -> ScriptResult<Vec<FLOAT>> {
    vector(ctx, arg, v).map(Vector::into_vec)
}

/// Numbers of an array, with the index of the first bad element in the
/// error: every element a finite number, at least one element.
pub fn array_numbers(ctx: &NativeCallContext, arg: &str, arr: &Array) -> ScriptResult<Vec<FLOAT>> {
    if arr.is_empty() {
        return Err(fail(ctx, Error::Empty { arg: arg.into() }));
    }
    arr.iter()
        .enumerate()
        .map(|(i, x)| match as_number(x) {
            Some(f) if f.is_finite() => Ok(f),
            Some(f) => Err(fail(
                ctx,
                Error::invalid(format!("{arg}[{i}]"), "a finite number", f),
            )),
            None => Err(fail(
                ctx,
                format!(
                    "{arg}[{i}] must be a number, got {} ({})",
                    type_name(x),
                    shown(x)
                ),
            )),
        })
        .collect()
}

/// A number, or a vector of numbers: the argument of a vectorised function.
pub enum Numeric {
    /// One number.
    Scalar(FLOAT),
    /// Many numbers (a vector, or an array made into one).
    Vector(Vector),
}

impl Numeric {
    /// Read a number, a vector or an array of numbers.
    pub fn from_dynamic(ctx: &NativeCallContext, arg: &str, v: &Dynamic) -> ScriptResult<Numeric> {
        if let Some(x) = as_number(v) {
            Ok(Numeric::Scalar(x))
        } else if v.is_array() || v.is::<Vector>() {
            Ok(Numeric::Vector(vector(ctx, arg, v)?))
        } else {
            Err(fail(
                ctx,
                format!(
                    "{arg} must be a number or a vector of numbers, got {} ({})",
                    type_name(v),
                    shown(v)
                ),
            ))
        }
    }

    fn len(&self) -> Option<usize> {
        match self {
            Numeric::Scalar(_) => None,
            Numeric::Vector(v) => Some(v.len()),
        }
    }

    #[inline]
    fn at(&self, i: usize) -> FLOAT {
        match self {
            Numeric::Scalar(x) => *x,
            Numeric::Vector(v) => v[i],
        }
    }
}

/// Add the element index to a core error about an array argument.
pub fn at_index(e: Error, i: usize) -> Error {
    match e {
        Error::InvalidArgument {
            arg,
            expected,
            value,
        } => Error::InvalidArgument {
            arg: format!("{arg}[{i}]"),
            expected,
            value,
        },
        other => other,
    }
}

/// Apply `f` to a number, or to each element of a vector (in Rust, not a
/// Rhai loop): a number gives a number, a vector a vector.
pub fn map1(
    ctx: &NativeCallContext,
    arg: &str,
    x: &Dynamic,
    f: impl Fn(FLOAT) -> scaling_lab_core::Result<FLOAT> + Sync,
) -> ScriptResult<Dynamic> {
    let a = Numeric::from_dynamic(ctx, arg, x)?;
    broadcast(ctx, &[(arg, &a)], |i| f(a.at(i)))
}

/// The common length of the vector arguments (None when all are numbers),
/// or an error naming the first two whose lengths differ.
fn broadcast_len(
    ctx: &NativeCallContext,
    args: &[(&str, &Numeric)],
) -> ScriptResult<Option<usize>> {
    let mut first: Option<(&str, usize)> = None;
    for (name, v) in args {
        match (first, v.len()) {
            (_, None) => {}
            (None, Some(n)) => first = Some((name, n)),
            (Some((_, n)), Some(m)) if n == m => {}
            (Some((left, n)), Some(m)) => {
                return Err(fail(
                    ctx,
                    Error::LengthMismatch {
                        left: left.into(),
                        right: (*name).into(),
                        left_len: n,
                        right_len: m,
                    },
                ))
            }
        }
    }
    Ok(first.map(|(_, n)| n))
}

/// Apply `f` to the i-th elements for each i (or once, on numbers),
/// charging the budget for a transcendental function per element.
fn broadcast(
    ctx: &NativeCallContext,
    args: &[(&str, &Numeric)],
    f: impl Fn(usize) -> scaling_lab_core::Result<FLOAT> + Sync,
) -> ScriptResult<Dynamic> {
    // Which inputs gave a non-finite result: `N = 1e9, D = 1e-300`.
    let inputs = |i: usize| {
        args.iter()
            .map(|(name, v)| {
                format!(
                    "{name} = {}",
                    scaling_lab_core::error::format_value(v.at(i))
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let not_finite = |i: usize, y: FLOAT, at: Option<usize>| {
        fail(
            ctx,
            format!(
                "the result{} would be {} for {}; an input is outside the range where it is defined",
                at.map_or(String::new(), |i| format!(" at index {i}")),
                scaling_lab_core::numeric::elementwise::describe(y),
                inputs(i)
            ),
        )
    };
    match broadcast_len(ctx, args)? {
        None => {
            let y = lift(ctx, f(0))?;
            if y.is_finite() {
                Ok(Dynamic::from_float(y))
            } else {
                Err(not_finite(0, y, None))
            }
        }
        Some(n) => {
            lift(ctx, state(ctx).budget.charge_elements(n, work::MATH))?;
            let checked = |i: usize| {
                let y = f(i)?;
                if y.is_finite() {
                    Ok(y)
                } else {
                    Err(Error::NotFiniteAt {
                        index: i,
                        what: scaling_lab_core::numeric::elementwise::describe(y),
                    })
                }
            };
            match scaling_lab_core::numeric::par_map(n, checked) {
                Ok(out) => Ok(Dynamic::from(Vector::new(out))),
                Err((i, Error::NotFiniteAt { .. })) => {
                    Err(not_finite(i, f(i).unwrap_or(FLOAT::NAN), Some(i)))
                }
                Err((i, e)) => Err(fail(ctx, at_index(e, i))),
            }
        }
    }
}

/// A number a function is about to return, checked finite.
pub fn finite_result(ctx: &NativeCallContext, y: FLOAT) -> ScriptResult<FLOAT> {
    if y.is_finite() {
        Ok(y)
    } else {
        Err(fail(
            ctx,
            format!(
                "the result would be {}; the inputs are outside the range where it is defined",
                scaling_lab_core::numeric::elementwise::describe(y)
            ),
        ))
    }
}

/// Apply `f` pairwise, broadcasting a number against a vector as numpy does.
pub fn map2(
    ctx: &NativeCallContext,
    args: (&str, &str),
    x: &Dynamic,
    y: &Dynamic,
    f: impl Fn(FLOAT, FLOAT) -> scaling_lab_core::Result<FLOAT> + Sync,
) -> ScriptResult<Dynamic> {
    let a = Numeric::from_dynamic(ctx, args.0, x)?;
    let b = Numeric::from_dynamic(ctx, args.1, y)?;
    broadcast(ctx, &[(args.0, &a), (args.1, &b)], |i| f(a.at(i), b.at(i)))
}

/// [`map2`] for three arguments.
pub fn map3(
    ctx: &NativeCallContext,
    args: (&str, &str, &str),
    xs: (&Dynamic, &Dynamic, &Dynamic),
    f: impl Fn(FLOAT, FLOAT, FLOAT) -> scaling_lab_core::Result<FLOAT> + Sync,
) -> ScriptResult<Dynamic> {
    let a = Numeric::from_dynamic(ctx, args.0, xs.0)?;
    let b = Numeric::from_dynamic(ctx, args.1, xs.1)?;
    let c = Numeric::from_dynamic(ctx, args.2, xs.2)?;
    broadcast(ctx, &[(args.0, &a), (args.1, &b), (args.2, &c)], |i| {
        f(a.at(i), b.at(i), c.at(i))
    })
}

/// A true/false argument.
pub fn flag(ctx: &NativeCallContext, arg: &str, v: &Dynamic) -> ScriptResult<bool> {
    v.as_bool().map_err(|_| {
        fail(
            ctx,
            format!(
                "{arg} must be true or false, got {} ({})",
                type_name(v),
                shown(v)
            ),
        )
    })
}

/// A text argument.
pub fn text(ctx: &NativeCallContext, arg: &str, v: &Dynamic) -> ScriptResult<String> {
    if v.is_string() {
        Ok(v.to_string())
    } else {
        Err(fail(
            ctx,
            format!(
                "{arg} must be a string, got {} ({})",
                type_name(v),
                shown(v)
            ),
        ))
    }
}

/// Bytes a new value would take: an error, before anything is allocated,
/// when they would carry the process past the memory limit.
pub fn check_bytes(ctx: &NativeCallContext, what: &str, bytes: f64) -> ScriptResult<()> {
    let limit = crate::state::state(ctx).max_memory;
    if limit == 0 {
        return Ok(());
    }
    let live = crate::heap::live_bytes().unwrap_or(0) as f64;
    if !(bytes.is_finite() && live + bytes <= limit as f64) {
        return Err(fail(
            ctx,
            format!(
                "{what} would need {} of memory, more than the limit of {} allows ({} in use)",
                scaling_lab_core::units::fmt_bytes(bytes, false),
                scaling_lab_core::units::fmt_bytes(limit as f64, false),
                scaling_lab_core::units::fmt_bytes(live, false)
            ),
        ));
    }
    Ok(())
}

/// Charge the work budget for `n` elements of `ns_each` nanoseconds (an
/// error when interrupted or over the limit).
pub fn charge(ctx: &NativeCallContext, n: usize, ns_each: u64) -> ScriptResult<()> {
    lift(
        ctx,
        crate::state::state(ctx).budget.charge_elements(n, ns_each),
    )
}

/// `v` as a whole number of at least `min` (0 or 1), named `arg` in errors.
pub fn whole_at_least(
    ctx: &NativeCallContext,
    arg: &str,
    v: &Dynamic,
    min: INT,
) -> ScriptResult<usize> {
    let k = whole(ctx, arg, v)?;
    if k < min {
        let what = if min >= 1 {
            "a positive whole number"
        } else {
            "a whole number of 0 or more"
        };
        return Err(fail(ctx, format!("{arg} must be {what}, got {k}")));
    }
    Ok(k as usize)
}

/// The number of elements a new vector or table may have: an error, before
/// anything is allocated, when `n` passes the engine's size limit.
pub fn check_size(ctx: &NativeCallContext, what: &str, n: f64) -> ScriptResult<usize> {
    let limit = ctx.engine().max_array_size();
    if n.is_nan() || n < 0.0 || (limit > 0 && n > limit as f64) || n > usize::MAX as f64 / 16.0 {
        return Err(fail(
            ctx,
            Error::TooLarge {
                what: what.into(),
                size: n,
                limit,
            },
        ));
    }
    Ok(n as usize)
}
