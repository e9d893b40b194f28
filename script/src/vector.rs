//! Vectors in scripts: numpy's 1-D arrays.
//!
//! - Operators `+ - * / % **` and comparisons on vector-vector (same
//!   length), vector-number and number-vector, integers included; an array
//!   of numbers counts as a vector next to a vector or a number (but two
//!   arrays keep Rhai's list meaning: `+` joins them).
//! - True division and Python's `%` on plain numbers too (`40 / 100` is
//!   0.4), and no silent NaN or infinity: a result that is not finite is an
//!   error naming the operation and the first bad index.
//! - Masks from comparisons pick elements (`v[v > 2]`), combine with
//!   `& | ^ !`, and feed `where`, `any`, `all`.
//! - Elementwise math, reductions, constructors, indexing, iteration.
//!
//! The families are generated over operand kinds by [`register_binary`],
//! [`register_compare`] and friends (as Rhai's own `arithmetic.rs` does with
//! macros); every operation charges the work budget per element and checks
//! the size limit before it allocates.

use std::ops::{Range, RangeInclusive};

use rhai::plugin::*;
use rhai::{Array, Dynamic, FuncRegistration, Module, NativeCallContext, FLOAT, INT};

use crate::args::{self, error_at, fail, lift, ScriptResult};
use scaling_lab_core::budget::work;
use scaling_lab_core::error::Error;
use scaling_lab_core::numeric::elementwise::{self, Binary, Compare, Side, Unary};
use scaling_lab_core::vector::{Mask, Vector};

/// One operand of an elementwise operation, as the script passed it.
#[derive(Debug, Clone)]
pub enum Operand {
    /// A vector (or an array made into one).
    Vec(Vector),
    /// A number broadcast against the other side.
    Num(FLOAT),
}

impl Operand {
    fn len(&self) -> Option<usize> {
        match self {
            Operand::Vec(v) => Some(v.len()),
            Operand::Num(_) => None,
        }
    }

    fn side(&self) -> Side<'_> {
        match self {
            Operand::Vec(v) => Side::Slice(v),
            Operand::Num(x) => Side::Scalar(*x),
        }
    }
}

/// A script type that can stand on either side of an elementwise operation.
pub trait Kind: Clone + Send + Sync + 'static {
    /// How documentation and messages name it.
    const NAME: &'static str;
    /// The operand, checked (arrays must hold finite numbers).
    fn operand(self, ctx: &NativeCallContext, arg: &str) -> ScriptResult<Operand>;
}

impl Kind for Vector {
    const NAME: &'static str = "vector";
    fn operand(self, _: &NativeCallContext, _: &str) -> ScriptResult<Operand> {
        Ok(Operand::Vec(self))
    }
}

impl Kind for Array {
    const NAME: &'static str = "array";
    fn operand(self, ctx: &NativeCallContext, arg: &str) -> ScriptResult<Operand> {
        if self.is_empty() {
            return Ok(Operand::Vec(Vector::default()));
        }
        Ok(Operand::Vec(Vector::new(args::array_numbers(
            ctx, arg, &self,
        )?)))
    }
}

impl Kind for FLOAT {
    const NAME: &'static str = "float";
    fn operand(self, ctx: &NativeCallContext, arg: &str) -> ScriptResult<Operand> {
        Ok(Operand::Num(lift(
            ctx,
            scaling_lab_core::error::check::finite(arg, self),
        )?))
    }
}

impl Kind for INT {
    const NAME: &'static str = "int";
    fn operand(self, _: &NativeCallContext, _: &str) -> ScriptResult<Operand> {
        Ok(Operand::Num(self as FLOAT))
    }
}

/// An error about operator `op` applied to these kinds of operands.
fn op_error(
    ctx: &NativeCallContext,
    kinds: (&str, &str),
    e: impl std::fmt::Display,
) -> Box<rhai::EvalAltResult> {
    error_at(
        &format!(
            "`{}` ({} {} {})",
            ctx.fn_name(),
            kinds.0,
            ctx.fn_name(),
            kinds.1
        ),
        ctx.call_position(),
        e,
    )
}

/// Charge the budget for `n` elements of `ns_each` and check the size limit.
fn charge(ctx: &NativeCallContext, n: usize, ns_each: u64) -> ScriptResult<()> {
    args::check_size(ctx, "the result", n as f64)?;
    args::charge(ctx, n, ns_each)
}

fn kind_name(o: &Operand, declared: &'static str) -> &'static str {
    match (o, declared) {
        (Operand::Num(_), "float" | "int") => "number",
        _ => declared,
    }
}

/// `a op b` elementwise. A vector nobody else holds (a temporary) receives
/// the result in place; otherwise a new buffer is made.
pub fn apply_binary(
    ctx: &NativeCallContext,
    op: Binary,
    a: Operand,
    b: Operand,
    kinds: (&'static str, &'static str),
) -> ScriptResult<Vector> {
    let kinds = (kind_name(&a, kinds.0), kind_name(&b, kinds.1));
    let n = a.len().or(b.len()).unwrap_or(1);
    charge(
        ctx,
        n,
        if op == Binary::Pow {
            work::MATH
        } else {
            work::SIMPLE
        },
    )?;
    if let (Some(x), Some(y)) = (a.len(), b.len()) {
        if x != y {
            return Err(op_error(
                ctx,
                kinds,
                format!("the operands must have the same length, got {x} and {y}"),
            ));
        }
    }
    let err = |e: Error| op_error(ctx, kinds, e);
    match (a, b) {
        (Operand::Vec(mut x), b) if x.is_unique() => {
            let buf = x.unique_mut().expect("checked unique");
            elementwise::binary_into_left(op, buf, b.side()).map_err(err)?;
            Ok(x)
        }
        (a, Operand::Vec(mut y)) if y.is_unique() => {
            let buf = y.unique_mut().expect("checked unique");
            elementwise::binary_into_right(op, a.side(), buf).map_err(err)?;
            Ok(y)
        }
        (a, b) => elementwise::binary(op, a.side(), b.side())
            .map(Vector::new)
            .map_err(err),
    }
}

fn binary_doc(op: Binary) -> Vec<String> {
    let (what, example, result) = match op {
        Binary::Add => ("sum", "v + 1", "[2, 3, 4]"),
        Binary::Sub => ("difference", "10 - v", "[9, 8, 7]"),
        Binary::Mul => ("product", "v * v", "[1, 4, 9]"),
        Binary::Div => ("quotient (true division)", "v / 4", "[0.25, 0.5, 0.75]"),
        Binary::Rem => (
            "remainder, with the sign of the divisor as in Python",
            "v % 2",
            "[1, 0, 1]",
        ),
        Binary::Pow => ("power", "2 ** v", "[2, 4, 8]"),
        Binary::Min => (
            "smaller of each pair (numpy `minimum`)",
            "minimum(v, 2)",
            "[1, 2, 2]",
        ),
        Binary::Max => (
            "larger of each pair (numpy `maximum`)",
            "maximum(v, 2)",
            "[2, 2, 3]",
        ),
    };
    vec![
        format!("/// Elementwise {what}: two vectors pair up element by element (same"),
        "/// length), a number applies to every element (numpy broadcasting); an".into(),
        "/// array of numbers counts as a vector. A result that is NaN or infinite".into(),
        "/// is an error naming the first bad index.".into(),
        "///".into(),
        "/// ```rhai".into(),
        "/// let v = vector([1, 2, 3]);".into(),
        format!("/// {example}   // {result}"),
        "/// ```".into(),
    ]
}

/// Register `op` for operand kinds `A` and `B`.
fn register_binary<A: Kind, B: Kind>(m: &mut Module, op: Binary, name: &str, doc: &[String]) {
    FuncRegistration::new(name)
        .in_global_namespace()
        .with_params_info([
            format!("a: {}", A::NAME),
            format!("b: {}", B::NAME),
            "vector".into(),
        ])
        .with_comments(doc)
        .set_into_module(m, move |ctx: NativeCallContext, a: A, b: B| {
            let (x, y) = (a.operand(&ctx, "a")?, b.operand(&ctx, "b")?);
            apply_binary(&ctx, op, x, y, (A::NAME, B::NAME))
        });
}

/// Register a binary family over every operand pair that involves a
/// vector or an array (but not two arrays, which keep Rhai's list meaning).
macro_rules! each_pair {
    ($register:ident, $m:expr, $($arg:expr),*) => {{
        $register::<Vector, Vector>($m, $($arg),*);
        $register::<Vector, Array>($m, $($arg),*);
        $register::<Array, Vector>($m, $($arg),*);
        $register::<Vector, FLOAT>($m, $($arg),*);
        $register::<Vector, INT>($m, $($arg),*);
        $register::<FLOAT, Vector>($m, $($arg),*);
        $register::<INT, Vector>($m, $($arg),*);
        $register::<Array, FLOAT>($m, $($arg),*);
        $register::<Array, INT>($m, $($arg),*);
        $register::<FLOAT, Array>($m, $($arg),*);
        $register::<INT, Array>($m, $($arg),*);
    }};
}

fn register_compare<A: Kind, B: Kind>(m: &mut Module, op: Compare, doc: &[String]) {
    FuncRegistration::new(op.symbol())
        .in_global_namespace()
        .with_params_info([
            format!("a: {}", A::NAME),
            format!("b: {}", B::NAME),
            "mask".into(),
        ])
        .with_comments(doc)
        .set_into_module(m, move |ctx: NativeCallContext, a: A, b: B| {
            let (x, y) = (a.operand(&ctx, "a")?, b.operand(&ctx, "b")?);
            charge(&ctx, x.len().or(y.len()).unwrap_or(1), work::SIMPLE)?;
            elementwise::compare(op, x.side(), y.side())
                .map(Mask::new)
                .map_err(|e| op_error(&ctx, (A::NAME, B::NAME), e))
        });
}

fn compare_doc(op: Compare) -> Vec<String> {
    vec![
        format!(
            "/// Elementwise `{}`: a mask with one true or false per element, for",
            op.symbol()
        ),
        "/// picking elements (`v[v > 2]`), rows (`t[t[\"N\"] > 1e9]`) or `where`.".into(),
        "///".into(),
        "/// ```rhai".into(),
        "/// let v = vector([1, 2, 3]);".into(),
        format!("/// v[v {} 2]", op.symbol()),
        "/// ```".into(),
    ]
}

/// Python 3 arithmetic on plain numbers: true division, floor remainder,
/// checked results.
fn register_scalars(m: &mut Module) {
    let doc = |line: &str| {
        vec![
            format!("/// {line}"),
            "/// As in Python 3: `40 / 100` is 0.4 (true division), `-7 % 3` is 2; a".into(),
            "/// result that is NaN or infinite (`0.0 / 0.0`, an overflow) is an error.".into(),
        ]
    };
    // No call context: building one for every scalar operation measured
    // 15% of a scalar loop. Rhai fills in the position of a native error.
    fn num(op: Binary, a: FLOAT, b: FLOAT) -> ScriptResult<FLOAT> {
        let fail = |msg: String| error_at(&format!("`{}`", op.symbol()), rhai::Position::NONE, msg);
        if matches!(op, Binary::Div | Binary::Rem) && b == 0.0 {
            return Err(fail(format!(
                "division by zero ({} {} 0)",
                scaling_lab_core::error::format_value(a),
                op.symbol()
            )));
        }
        op.checked(a, b).map_err(|e| fail(e.to_string()))
    }
    for op in Binary::OPERATORS {
        let d = doc(&format!("`a {} b` on two numbers.", op.symbol()));
        let pairs: &[(&str, &str)] = match op {
            // Integer + - * keep Rhai's own checked integer arithmetic.
            Binary::Add | Binary::Sub | Binary::Mul => {
                &[("float", "float"), ("float", "int"), ("int", "float")]
            }
            _ => &[("float", "float"), ("float", "int"), ("int", "float")],
        };
        for (ka, kb) in pairs {
            let reg = FuncRegistration::new(op.symbol())
                .in_global_namespace()
                .with_params_info([format!("a: {ka}"), format!("b: {kb}"), "float".into()])
                .with_comments(&d);
            match (*ka, *kb) {
                ("float", "float") => {
                    reg.set_into_module(m, move |a: FLOAT, b: FLOAT| num(op, a, b));
                }
                ("float", "int") => {
                    reg.set_into_module(m, move |a: FLOAT, b: INT| num(op, a, b as FLOAT));
                }
                _ => {
                    reg.set_into_module(m, move |a: INT, b: FLOAT| num(op, a as FLOAT, b));
                }
            }
        }
    }
    FuncRegistration::new("/")
        .in_global_namespace()
        .with_params_info(["a: int", "b: int", "float"])
        .with_comments(doc(
            "`a / b` on two integers is a float: `40 / 100` is 0.4, as in Python 3.",
        ))
        .set_into_module(m, |a: INT, b: INT| num(Binary::Div, a as FLOAT, b as FLOAT));
    FuncRegistration::new("%")
        .in_global_namespace()
        .with_params_info(["a: int", "b: int", "int"])
        .with_comments(doc(
            "`a % b` on two integers, with the sign of the divisor: `-7 % 3` is 2.",
        ))
        .set_into_module(m, |a: INT, b: INT| {
            if b == 0 {
                return Err(error_at(
                    "`%`",
                    rhai::Position::NONE,
                    format!("division by zero ({a} % 0)"),
                ));
            }
            Ok(a.rem_euclid(b) + if b < 0 && a.rem_euclid(b) != 0 { b } else { 0 })
        });
    FuncRegistration::new("**")
        .in_global_namespace()
        .with_params_info(["a: int", "b: int", "number"])
        .with_comments(doc(
            "`a ** b` on two integers: an integer when it fits (`2 ** 10` is 1024), else a float (`10 ** 24` is 1e24, `2 ** -1` is 0.5).",
        ))
        .set_into_module(m, |a: INT, b: INT| -> ScriptResult<Dynamic> {
            if let Some(r) = u32::try_from(b).ok().and_then(|e| a.checked_pow(e)) {
                return Ok(Dynamic::from_int(r));
            }
            num(Binary::Pow, a as FLOAT, b as FLOAT).map(Dynamic::from_float)
        });
}

fn register_unary<T: Kind>(m: &mut Module, f: Unary, returns: &str) {
    let doc = vec![
        format!(
            "/// Elementwise {} of a vector, an array or a number.",
            f.summary()
        ),
        "/// A result that is NaN or infinite is an error naming the first bad index.".into(),
        "///".into(),
        "/// ```rhai".into(),
        format!("/// {}(vector([1, 4, 9]))", f.name()),
        "/// ```".into(),
    ];
    FuncRegistration::new(f.name())
        .in_global_namespace()
        .with_params_info([format!("x: {}", T::NAME), returns.to_string()])
        .with_comments(doc)
        .set_into_module(
            m,
            move |ctx: NativeCallContext, x: T| -> ScriptResult<Dynamic> {
                let name = f.name();
                let fail_here = |e: Error| error_at(name, ctx.call_position(), e);
                match x.operand(&ctx, "x")? {
                    Operand::Num(v) => f.checked(v).map(Dynamic::from_float).map_err(fail_here),
                    Operand::Vec(mut v) => {
                        charge(&ctx, v.len(), work::MATH)?;
                        match v.unique_mut() {
                            Some(buf) => elementwise::unary_in_place(f, buf).map_err(fail_here)?,
                            None => v = Vector::new(elementwise::unary(f, &v).map_err(fail_here)?),
                        }
                        Ok(Dynamic::from(v))
                    }
                }
            },
        );
}

fn register_negation(m: &mut Module) {
    FuncRegistration::new("-")
        .in_global_namespace()
        .with_params_info(["x: vector", "vector"])
        .with_comments(["/// `-v`: every element negated."])
        .set_into_module(m, |ctx: NativeCallContext, x: Vector| {
            let mut x = x;
            charge(&ctx, x.len(), work::SIMPLE)?;
            for v in x.make_mut().iter_mut() {
                *v = -*v;
            }
            Ok::<_, Box<rhai::EvalAltResult>>(x)
        });
    FuncRegistration::new("-")
        .in_global_namespace()
        .with_params_info(["x: float", "float"])
        .with_comments([
            "/// `-x` of a number (an error for NaN or an infinity, as every result here).",
        ])
        .set_into_module(m, |x: FLOAT| {
            if x.is_finite() {
                Ok(-x)
            } else {
                Err(error_at(
                    "`-`",
                    rhai::Position::NONE,
                    format!(
                        "x must be a finite number, got {}",
                        scaling_lab_core::error::format_value(x)
                    ),
                ))
            }
        });
}

/// `a op b` on two plain numbers by Python 3's rules (what `/`, `%`, `**`
/// registered on numbers do, and `+ - *` with overflow checked).
fn numbers_op(op: Binary, a: &Dynamic, b: &Dynamic) -> Option<ScriptResult<Dynamic>> {
    let fail = |msg: String| error_at(&format!("`{}`", op.symbol()), rhai::Position::NONE, msg);
    if let (Ok(x), Ok(y)) = (a.as_int(), b.as_int()) {
        let int = |r: Option<INT>| {
            r.map(Dynamic::from_int)
                .ok_or_else(|| fail(format!("integer overflow ({x} {} {y})", op.symbol())))
        };
        return Some(match op {
            Binary::Add => int(x.checked_add(y)),
            Binary::Sub => int(x.checked_sub(y)),
            Binary::Mul => int(x.checked_mul(y)),
            Binary::Rem if y == 0 => Err(fail(format!("division by zero ({x} % 0)"))),
            Binary::Rem => Ok(Dynamic::from_int(
                x.rem_euclid(y) + if y < 0 && x.rem_euclid(y) != 0 { y } else { 0 },
            )),
            Binary::Pow => match u32::try_from(y).ok().and_then(|e| x.checked_pow(e)) {
                Some(r) => Ok(Dynamic::from_int(r)),
                None => float_op(op, x as FLOAT, y as FLOAT).map(Dynamic::from_float),
            },
            _ => float_op(op, x as FLOAT, y as FLOAT).map(Dynamic::from_float),
        });
    }
    let x = args::as_number(a)?;
    let y = args::as_number(b)?;
    Some(float_op(op, x, y).map(Dynamic::from_float))
}

/// `a op b` on two floats, checked: division by zero and non-finite results
/// are errors.
fn float_op(op: Binary, a: FLOAT, b: FLOAT) -> ScriptResult<FLOAT> {
    let fail = |msg: String| error_at(&format!("`{}`", op.symbol()), rhai::Position::NONE, msg);
    if matches!(op, Binary::Div | Binary::Rem) && b == 0.0 {
        return Err(fail(format!(
            "division by zero ({} {} 0)",
            scaling_lab_core::error::format_value(a),
            op.symbol()
        )));
    }
    op.checked(a, b).map_err(|e| fail(e.to_string()))
}

/// Compound assignment (`x += 1`, `x /= 2`, `v *= 3`) with the same rules
/// as the operator: Rhai's built-in versions would keep an integer an
/// integer (`x /= 2` of 7 giving 3) and let a float overflow silently.
fn register_op_assign(m: &mut Module) {
    for op in Binary::OPERATORS {
        let name = format!("{}=", op.symbol());
        let doc = [format!(
            "/// `x {name} y` is `x = x {} y`, with the operator's rules (true division, Python's `%`, checked results).",
            op.symbol()
        )];
        let label = format!("`{name}`");
        let assign = std::sync::Arc::new(
            move |ctx: NativeCallContext, x: &mut Dynamic, y: Dynamic| -> ScriptResult<()> {
                let result = match numbers_op(op, x, &y) {
                    Some(r) => r.map_err(|e| relabel(e, &label))?,
                    None => {
                        let a = x.clone();
                        let kinds = (args::type_name(&a), args::type_name(&y));
                        let (av, bv) = (operand_of(&ctx, &a, "x")?, operand_of(&ctx, &y, "y")?);
                        match (av, bv) {
                            (Some(av), Some(bv)) => {
                                Dynamic::from(apply_binary(&ctx, op, av, bv, kinds)?)
                            }
                            _ => {
                                return Err(error_at(
                                    &label,
                                    ctx.call_position(),
                                    format!("no form takes ({}, {})", kinds.0, kinds.1),
                                ))
                            }
                        }
                    }
                };
                *x = result;
                Ok(())
            },
        );
        for ty in ["int", "float"] {
            let assign = assign.clone();
            let reg = FuncRegistration::new(name.as_str())
                .in_global_namespace()
                .with_purity(false)
                .with_params_info(["x: &mut value".to_string(), format!("y: {ty}")])
                .with_comments(&doc);
            if ty == "int" {
                reg.set_into_module(m, move |ctx: NativeCallContext, x: &mut Dynamic, y: INT| {
                    assign(ctx, x, Dynamic::from_int(y))
                });
            } else {
                reg.set_into_module(
                    m,
                    move |ctx: NativeCallContext, x: &mut Dynamic, y: FLOAT| {
                        assign(ctx, x, Dynamic::from_float(y))
                    },
                );
            }
        }
    }
}

/// An operator's error reported under the compound assignment's name.
fn relabel(e: Box<rhai::EvalAltResult>, label: &str) -> Box<rhai::EvalAltResult> {
    match e.as_ref() {
        rhai::EvalAltResult::ErrorRuntime(msg, pos) => {
            let text = msg.to_string();
            let rest = text.split_once(": ").map_or(text.as_str(), |(_, r)| r);
            error_at(label, *pos, rest)
        }
        _ => e,
    }
}

/// A vector, array or number as an operand (None for other types).
fn operand_of(ctx: &NativeCallContext, v: &Dynamic, arg: &str) -> ScriptResult<Option<Operand>> {
    if let Some(x) = v.read_lock::<Vector>() {
        return Ok(Some(Operand::Vec(x.clone())));
    }
    if let Some(a) = v.read_lock::<Array>() {
        return a.clone().operand(ctx, arg).map(Some);
    }
    match args::as_number(v) {
        Some(x) => x.operand(ctx, arg).map(Some),
        None => Ok(None),
    }
}

/// Every generated family: arithmetic, comparisons, scalar Python
/// arithmetic, math functions, minimum/maximum.
fn operators() -> Module {
    let mut m = Module::new();
    for op in Binary::OPERATORS {
        let doc = binary_doc(op);
        each_pair!(register_binary, &mut m, op, op.symbol(), &doc);
    }
    for op in [Binary::Min, Binary::Max] {
        let doc = binary_doc(op);
        each_pair!(register_binary, &mut m, op, op.symbol(), &doc);
        register_binary::<FLOAT, FLOAT>(&mut m, op, op.symbol(), &doc);
    }
    for op in Compare::ALL {
        let doc = compare_doc(op);
        each_pair!(register_compare, &mut m, op, &doc);
    }
    register_scalars(&mut m);
    for f in Unary::FUNCTIONS {
        register_unary::<Vector>(&mut m, f, "vector");
        register_unary::<Array>(&mut m, f, "vector");
        register_unary::<FLOAT>(&mut m, f, "float");
        match f {
            // Rhai's own abs keeps an integer an integer.
            Unary::Abs => {}
            // A whole number is already floor, ceil and round of itself.
            Unary::Floor | Unary::Ceil | Unary::Round => {
                FuncRegistration::new(f.name())
                    .in_global_namespace()
                    .with_params_info(["x: int", "int"])
                    .with_comments([format!(
                        "/// {} of an integer: the integer itself.",
                        f.name()
                    )])
                    .set_into_module(&mut m, |x: INT| x);
            }
            _ => register_unary::<INT>(&mut m, f, "float"),
        }
    }
    register_negation(&mut m);
    register_op_assign(&mut m);
    m.set_iterable::<Vector>();
    m.set_iterable::<Mask>();
    m
}

/// The vector part of the scripting API: generated operator families plus
/// the functions in [`api`].
pub fn module() -> Module {
    let mut m = operators();
    m.combine_flatten(rhai::exported_module!(api));
    m
}

fn positions(ctx: &NativeCallContext, len: usize, i: INT) -> ScriptResult<usize> {
    let n = len as INT;
    let r = if i < 0 { n + i } else { i };
    if r < 0 || r >= n {
        return Err(fail(
            ctx,
            format!("index {i} is out of range for a vector of {len} elements"),
        ));
    }
    Ok(r as usize)
}

fn range_of(
    ctx: &NativeCallContext,
    len: usize,
    start: INT,
    end: INT,
) -> ScriptResult<Range<usize>> {
    let n = len as INT;
    let clamp = |i: INT| (if i < 0 { n + i } else { i }).clamp(0, n) as usize;
    let (a, b) = (clamp(start), clamp(end));
    let _ = ctx;
    Ok(a..b.max(a))
}

/// A reduction's argument read, its work charged, `f` applied and its
/// error named after the calling function.
fn reduction<T>(
    ctx: &NativeCallContext,
    xs: &Dynamic,
    ns_each: u64,
    f: impl FnOnce(&[f64]) -> scaling_lab_core::Result<T>,
) -> ScriptResult<T> {
    let v = values(ctx, "xs", xs)?;
    charge(ctx, v.len(), ns_each)?;
    f(&v).map_err(|e| fail(ctx, e))
}

/// A vector argument of a reduction (a vector or an array of numbers, may be empty).
fn values(ctx: &NativeCallContext, arg: &str, x: &Dynamic) -> ScriptResult<Vector> {
    if let Some(v) = x.read_lock::<Vector>() {
        return Ok(v.clone());
    }
    match x.read_lock::<Array>() {
        Some(a) if a.is_empty() => Ok(Vector::default()),
        Some(a) => Ok(Vector::new(args::array_numbers(ctx, arg, &a)?)),
        None => Err(fail(
            ctx,
            format!(
                "{arg} must be a vector or an array of numbers, got {}",
                args::type_name(x)
            ),
        )),
    }
}

#[export_module]
pub mod api {
    use super::*;
    use scaling_lab_core::numeric::reduce;

    /// A vector from an array of numbers (or a copy of a vector): numpy's `np.array`.
    ///
    /// ```rhai
    /// vector([1, 2, 3]) * 2   // [2, 4, 6]
    /// ```
    #[rhai_fn(return_raw)]
    pub fn vector(ctx: NativeCallContext, values: Dynamic) -> ScriptResult<Vector> {
        if let Some(r) = values.read_lock::<Range<INT>>() {
            let n = (r.end - r.start).max(0);
            super::charge(&ctx, n as usize, work::SIMPLE)?;
            return Ok(r.clone().map(|i| i as FLOAT).collect());
        }
        super::values(&ctx, "values", &values)
    }

    /// `count` zeros (numpy `zeros`).
    #[rhai_fn(return_raw)]
    pub fn zeros(ctx: NativeCallContext, count: Dynamic) -> ScriptResult<Vector> {
        full(ctx, count, Dynamic::from_float(0.0))
    }

    /// `count` ones (numpy `ones`).
    #[rhai_fn(return_raw)]
    pub fn ones(ctx: NativeCallContext, count: Dynamic) -> ScriptResult<Vector> {
        full(ctx, count, Dynamic::from_float(1.0))
    }

    /// `count` copies of `value` (numpy `full`).
    ///
    /// ```rhai
    /// full(3, 1e9)   // [1e9, 1e9, 1e9]
    /// ```
    #[rhai_fn(return_raw)]
    pub fn full(ctx: NativeCallContext, count: Dynamic, value: Dynamic) -> ScriptResult<Vector> {
        let n = args::whole(&ctx, "count", &count)?;
        let x = lift(
            &ctx,
            scaling_lab_core::error::check::finite("value", args::number(&ctx, "value", &value)?),
        )?;
        let n = args::check_size(&ctx, "the vector", n as f64)?;
        super::charge(&ctx, n, work::SIMPLE)?;
        Ok(Vector::new(vec![x; n]))
    }

    /// Numbers from 0 up to (not including) `stop`, in steps of 1 (numpy `arange`).
    ///
    /// ```rhai
    /// arange(4)   // [0, 1, 2, 3]
    /// ```
    #[rhai_fn(name = "arange", return_raw)]
    pub fn arange1(ctx: NativeCallContext, stop: Dynamic) -> ScriptResult<Vector> {
        arange3(
            ctx,
            Dynamic::from_float(0.0),
            stop,
            Dynamic::from_float(1.0),
        )
    }

    /// Numbers from `start` up to (not including) `stop`, in steps of 1.
    #[rhai_fn(name = "arange", return_raw)]
    pub fn arange2(ctx: NativeCallContext, start: Dynamic, stop: Dynamic) -> ScriptResult<Vector> {
        arange3(ctx, start, stop, Dynamic::from_float(1.0))
    }

    /// Numbers from `start` up to (not including) `stop` in steps of `step`
    /// (a negative step counts down).
    ///
    /// ```rhai
    /// arange(0, 1, 0.25)   // [0, 0.25, 0.5, 0.75]
    /// ```
    #[rhai_fn(name = "arange", return_raw)]
    pub fn arange3(
        ctx: NativeCallContext,
        start: Dynamic,
        stop: Dynamic,
        step: Dynamic,
    ) -> ScriptResult<Vector> {
        let (a, b, s) = (
            args::number(&ctx, "start", &start)?,
            args::number(&ctx, "stop", &stop)?,
            args::number(&ctx, "step", &step)?,
        );
        let n = scaling_lab_core::numeric::arange_len(a, b, s);
        args::check_size(&ctx, "the vector", n)?;
        super::charge(&ctx, n as usize, work::SIMPLE)?;
        lift(&ctx, scaling_lab_core::numeric::arange(a, b, s)).map(Vector::new)
    }

    /// `num` numbers evenly spaced from a to b inclusive (numpy `linspace`).
    ///
    /// ```rhai
    /// linspace(0, 1, 5)   // [0, 0.25, 0.5, 0.75, 1]
    /// ```
    #[rhai_fn(return_raw)]
    pub fn linspace(
        ctx: NativeCallContext,
        a: Dynamic,
        b: Dynamic,
        num: Dynamic,
    ) -> ScriptResult<Vector> {
        let (a, b) = (args::number(&ctx, "a", &a)?, args::number(&ctx, "b", &b)?);
        let n = args::whole(&ctx, "num", &num)?;
        args::check_size(&ctx, "the grid", n as f64)?;
        super::charge(&ctx, n.max(0) as usize, work::SIMPLE)?;
        lift(&ctx, scaling_lab_core::numeric::linspace(a, b, n)).map(Vector::new)
    }

    /// `num` numbers from 10^a to 10^b, evenly spaced in log (numpy `logspace`).
    ///
    /// ```rhai
    /// logspace(6, 11, 50)[0]   // 1e6
    /// ```
    #[rhai_fn(return_raw)]
    pub fn logspace(
        ctx: NativeCallContext,
        a: Dynamic,
        b: Dynamic,
        num: Dynamic,
    ) -> ScriptResult<Vector> {
        let (a, b) = (args::number(&ctx, "a", &a)?, args::number(&ctx, "b", &b)?);
        let n = args::whole(&ctx, "num", &num)?;
        args::check_size(&ctx, "the grid", n as f64)?;
        super::charge(&ctx, n.max(0) as usize, work::MATH)?;
        lift(&ctx, scaling_lab_core::numeric::logspace(a, b, n)).map(Vector::new)
    }

    /// The vector as a Rhai array (a list of numbers).
    #[rhai_fn(pure, return_raw)]
    pub fn to_array(ctx: NativeCallContext, v: &mut Vector) -> ScriptResult<Array> {
        super::charge(&ctx, v.len(), work::SIMPLE)?;
        Ok(v.iter().map(|x| Dynamic::from_float(*x)).collect())
    }

    /// Number of elements.
    #[rhai_fn(name = "len", pure)]
    pub fn len(v: &mut Vector) -> INT {
        v.len() as INT
    }

    /// True when the vector has no elements.
    #[rhai_fn(name = "is_empty", pure)]
    pub fn is_empty(v: &mut Vector) -> bool {
        v.is_empty()
    }

    /// Number of elements of a mask.
    #[rhai_fn(name = "len", pure)]
    pub fn mask_len(m: &mut Mask) -> INT {
        m.len() as INT
    }

    /// Apply a function to every element: a vector when every result is a
    /// number, else an array. Calls back into the script once per element;
    /// arithmetic on the whole vector (`v / 1e9`) is much faster.
    ///
    /// ```rhai
    /// vector([1, 2, 3]).map(|x| if x > 1 { x } else { 0 })   // [0, 2, 3]
    /// ```
    #[rhai_fn(return_raw)]
    pub fn map(ctx: NativeCallContext, v: &mut Vector, f: rhai::FnPtr) -> ScriptResult<Dynamic> {
        let out = v
            .iter()
            .map(|x| f.call_within_context::<Dynamic>(&ctx, (Dynamic::from_float(*x),)))
            .collect::<ScriptResult<Array>>()?;
        let nums: Option<Vec<FLOAT>> = out.iter().map(args::as_number).collect();
        match nums {
            Some(xs) if xs.iter().all(|x| x.is_finite()) => Ok(Dynamic::from(Vector::new(xs))),
            _ => Ok(out.into()),
        }
    }

    /// Element `i` (negative counts from the end: `v[-1]` is the last).
    #[rhai_fn(index_get, return_raw)]
    pub fn get(ctx: NativeCallContext, v: &mut Vector, i: INT) -> ScriptResult<FLOAT> {
        Ok(v[super::positions(&ctx, v.len(), i)?])
    }

    /// Set element `i` (negative counts from the end).
    #[rhai_fn(index_set, return_raw)]
    pub fn set(ctx: NativeCallContext, v: &mut Vector, i: INT, x: Dynamic) -> ScriptResult<()> {
        let at = super::positions(&ctx, v.len(), i)?;
        let x = lift(
            &ctx,
            scaling_lab_core::error::check::finite("value", args::number(&ctx, "value", &x)?),
        )?;
        v.make_mut()[at] = x;
        Ok(())
    }

    /// The elements where the mask is true: `v[v > 2]`.
    #[rhai_fn(index_get, return_raw)]
    pub fn get_masked(ctx: NativeCallContext, v: &mut Vector, mask: Mask) -> ScriptResult<Vector> {
        lift(
            &ctx,
            scaling_lab_core::error::check::same_length(
                "the vector",
                v.len(),
                "the mask",
                mask.len(),
            ),
        )?;
        super::charge(&ctx, v.len(), work::SIMPLE)?;
        Ok(v.iter()
            .zip(mask.iter())
            .filter(|(_, m)| **m)
            .map(|(x, _)| *x)
            .collect())
    }

    /// Set the elements where the mask is true to a number: `v[v < 0] = 0`.
    #[rhai_fn(index_set, return_raw)]
    pub fn set_masked(
        ctx: NativeCallContext,
        v: &mut Vector,
        mask: Mask,
        x: Dynamic,
    ) -> ScriptResult<()> {
        lift(
            &ctx,
            scaling_lab_core::error::check::same_length(
                "the vector",
                v.len(),
                "the mask",
                mask.len(),
            ),
        )?;
        let x = lift(
            &ctx,
            scaling_lab_core::error::check::finite("value", args::number(&ctx, "value", &x)?),
        )?;
        super::charge(&ctx, v.len(), work::SIMPLE)?;
        for (e, m) in v.make_mut().iter_mut().zip(mask.iter()) {
            if *m {
                *e = x;
            }
        }
        Ok(())
    }

    /// The elements in a range of positions: `v[1..5]` (negative ends count from the end).
    #[rhai_fn(index_get, return_raw)]
    pub fn get_range(
        ctx: NativeCallContext,
        v: &mut Vector,
        r: Range<INT>,
    ) -> ScriptResult<Vector> {
        let r = super::range_of(&ctx, v.len(), r.start, r.end)?;
        super::charge(&ctx, r.len(), work::SIMPLE)?;
        Ok(Vector::new(v[r].to_vec()))
    }

    /// The elements in an inclusive range of positions: `v[1..=4]`.
    #[rhai_fn(index_get, return_raw)]
    pub fn get_range_inclusive(
        ctx: NativeCallContext,
        v: &mut Vector,
        r: RangeInclusive<INT>,
    ) -> ScriptResult<Vector> {
        let end = if *r.end() == -1 {
            v.len() as INT
        } else {
            *r.end() + 1
        };
        get_range(ctx, v, *r.start()..end)
    }

    /// The elements at these positions, in this order: `v[[0, 2, -1]]`.
    #[rhai_fn(index_get, return_raw)]
    pub fn get_many(ctx: NativeCallContext, v: &mut Vector, at: Array) -> ScriptResult<Vector> {
        super::charge(&ctx, at.len(), work::SIMPLE)?;
        at.iter()
            .map(|i| Ok(v[super::positions(&ctx, v.len(), args::whole(&ctx, "index", i)?)?]))
            .collect::<ScriptResult<Vec<_>>>()
            .map(Vector::new)
    }

    /// Element `i` of a mask.
    #[rhai_fn(index_get, return_raw)]
    pub fn mask_get(ctx: NativeCallContext, m: &mut Mask, i: INT) -> ScriptResult<bool> {
        Ok(m[super::positions(&ctx, m.len(), i)?])
    }

    /// Elementwise `and` of two masks.
    #[rhai_fn(name = "&", return_raw)]
    pub fn mask_and(ctx: NativeCallContext, a: Mask, b: Mask) -> ScriptResult<Mask> {
        lift(
            &ctx,
            scaling_lab_core::error::check::same_length("a", a.len(), "b", b.len()),
        )?;
        Ok(a.iter()
            .zip(b.iter())
            .map(|(x, y)| *x && *y)
            .collect::<Vec<_>>()
            .into())
    }

    /// Elementwise `or` of two masks.
    #[rhai_fn(name = "|", return_raw)]
    pub fn mask_or(ctx: NativeCallContext, a: Mask, b: Mask) -> ScriptResult<Mask> {
        lift(
            &ctx,
            scaling_lab_core::error::check::same_length("a", a.len(), "b", b.len()),
        )?;
        Ok(a.iter()
            .zip(b.iter())
            .map(|(x, y)| *x || *y)
            .collect::<Vec<_>>()
            .into())
    }

    /// Elementwise exclusive `or` of two masks.
    #[rhai_fn(name = "^", return_raw)]
    pub fn mask_xor(ctx: NativeCallContext, a: Mask, b: Mask) -> ScriptResult<Mask> {
        lift(
            &ctx,
            scaling_lab_core::error::check::same_length("a", a.len(), "b", b.len()),
        )?;
        Ok(a.iter()
            .zip(b.iter())
            .map(|(x, y)| *x != *y)
            .collect::<Vec<_>>()
            .into())
    }

    /// Elementwise `not` of a mask.
    #[rhai_fn(name = "!")]
    pub fn mask_not(a: Mask) -> Mask {
        a.iter().map(|x| !*x).collect::<Vec<_>>().into()
    }

    /// True when any element of the mask is true.
    #[rhai_fn(name = "any", pure)]
    pub fn any(m: &mut Mask) -> bool {
        m.iter().any(|x| *x)
    }

    /// True when every element of the mask is true (and for an empty mask).
    #[rhai_fn(name = "all", pure)]
    pub fn all(m: &mut Mask) -> bool {
        m.iter().all(|x| *x)
    }

    /// How many elements of the mask are true.
    #[rhai_fn(name = "sum", pure)]
    pub fn count(m: &mut Mask) -> INT {
        m.count() as INT
    }

    /// `a` where the mask is true, else `b` (numpy `where`); each may be a
    /// vector, an array or a number.
    ///
    /// ```rhai
    /// let v = vector([1, 5, 3]);
    /// where(v > 2, v, 0)   // [0, 5, 3]
    /// ```
    #[rhai_fn(name = "where", return_raw)]
    pub fn where_(
        ctx: NativeCallContext,
        mask: Mask,
        a: Dynamic,
        b: Dynamic,
    ) -> ScriptResult<Vector> {
        let pick = |arg: &str, v: &Dynamic| -> ScriptResult<Operand> {
            match args::as_number(v) {
                Some(x) => Ok(Operand::Num(lift(
                    &ctx,
                    scaling_lab_core::error::check::finite(arg, x),
                )?)),
                None => Ok(Operand::Vec(args::vector(&ctx, arg, v)?)),
            }
        };
        let (a, b) = (pick("a", &a)?, pick("b", &b)?);
        for (name, o) in [("a", &a), ("b", &b)] {
            if let Some(n) = o.len() {
                lift(
                    &ctx,
                    scaling_lab_core::error::check::same_length("the mask", mask.len(), name, n),
                )?;
            }
        }
        super::charge(&ctx, mask.len(), work::SIMPLE)?;
        let at = |o: &Operand, i: usize| match o {
            Operand::Vec(v) => v[i],
            Operand::Num(x) => *x,
        };
        Ok(mask
            .iter()
            .enumerate()
            .map(|(i, m)| if *m { at(&a, i) } else { at(&b, i) })
            .collect())
    }

    /// Values limited to `[lo, hi]` (numpy `clip`).
    ///
    /// ```rhai
    /// clip(vector([0, 5, 10]), 1, 9)   // [1, 5, 9]
    /// ```
    #[rhai_fn(return_raw)]
    pub fn clip(
        ctx: NativeCallContext,
        x: Dynamic,
        lo: Dynamic,
        hi: Dynamic,
    ) -> ScriptResult<Vector> {
        let v = super::values(&ctx, "x", &x)?;
        super::charge(&ctx, v.len(), work::SIMPLE)?;
        let (lo, hi) = (
            args::number(&ctx, "lo", &lo)?,
            args::number(&ctx, "hi", &hi)?,
        );
        lift(&ctx, elementwise::clip(&v, lo, hi)).map(Vector::new)
    }

    /// `round(x, decimals)`: halves to even at that decimal (numpy `round`).
    ///
    /// ```rhai
    /// round(1.23456, 2)   // 1.23
    /// ```
    #[rhai_fn(name = "round", return_raw)]
    pub fn round_to(ctx: NativeCallContext, x: Dynamic, decimals: INT) -> ScriptResult<Dynamic> {
        if let Some(v) = args::as_number(&x) {
            let v = lift(&ctx, scaling_lab_core::error::check::finite("x", v))?;
            return Ok(Dynamic::from_float(elementwise::round_to(v, decimals)));
        }
        let v = super::values(&ctx, "x", &x)?;
        super::charge(&ctx, v.len(), work::SIMPLE)?;
        Ok(Dynamic::from(
            v.iter()
                .map(|x| elementwise::round_to(*x, decimals))
                .collect::<Vector>(),
        ))
    }

    /// Sum of a vector or an array of numbers (an error if empty or if it overflows).
    ///
    /// ```rhai
    /// sum(vector([1, 2, 3]))   // 6
    /// ```
    #[rhai_fn(name = "sum", return_raw)]
    pub fn sum(ctx: NativeCallContext, xs: Dynamic) -> ScriptResult<FLOAT> {
        super::reduction(&ctx, &xs, work::SIMPLE, reduce::sum)
    }

    /// Arithmetic mean.
    #[rhai_fn(name = "mean", return_raw)]
    pub fn mean(ctx: NativeCallContext, xs: Dynamic) -> ScriptResult<FLOAT> {
        super::reduction(&ctx, &xs, work::SIMPLE, reduce::mean)
    }

    /// Product of the elements.
    #[rhai_fn(name = "prod", return_raw)]
    pub fn prod(ctx: NativeCallContext, xs: Dynamic) -> ScriptResult<FLOAT> {
        super::reduction(&ctx, &xs, work::SIMPLE, reduce::prod)
    }

    /// Smallest element.
    ///
    /// ```rhai
    /// min(vector([3, 1, 2]))   // 1
    /// ```
    #[rhai_fn(name = "min", return_raw)]
    pub fn min(ctx: NativeCallContext, xs: Dynamic) -> ScriptResult<FLOAT> {
        super::reduction(&ctx, &xs, work::SIMPLE, reduce::min)
    }

    /// Largest element.
    #[rhai_fn(name = "max", return_raw)]
    pub fn max(ctx: NativeCallContext, xs: Dynamic) -> ScriptResult<FLOAT> {
        super::reduction(&ctx, &xs, work::SIMPLE, reduce::max)
    }

    /// Position of the smallest element (the first on ties).
    ///
    /// ```rhai
    /// argmin(vector([3, 1, 2]))   // 1
    /// ```
    #[rhai_fn(name = "argmin", return_raw)]
    pub fn argmin(ctx: NativeCallContext, xs: Dynamic) -> ScriptResult<INT> {
        super::reduction(&ctx, &xs, work::SIMPLE, |v| {
            reduce::argmin(v).map(|i| i as INT)
        })
    }

    /// Position of the largest element (the first on ties).
    #[rhai_fn(name = "argmax", return_raw)]
    pub fn argmax(ctx: NativeCallContext, xs: Dynamic) -> ScriptResult<INT> {
        super::reduction(&ctx, &xs, work::SIMPLE, |v| {
            reduce::argmax(v).map(|i| i as INT)
        })
    }

    /// Running sums (numpy `cumsum`).
    ///
    /// ```rhai
    /// cumsum(vector([1, 2, 3]))[-1]   // 6
    /// ```
    #[rhai_fn(name = "cumsum", return_raw)]
    pub fn cumsum(ctx: NativeCallContext, xs: Dynamic) -> ScriptResult<Vector> {
        super::reduction(&ctx, &xs, work::SIMPLE, |v| {
            reduce::cumsum(v).map(Vector::new)
        })
    }

    /// Differences of neighbours, one element fewer (numpy `diff`).
    ///
    /// ```rhai
    /// diff(vector([1, 4, 9]))[1]   // 5
    /// ```
    #[rhai_fn(name = "diff", return_raw)]
    pub fn diff(ctx: NativeCallContext, xs: Dynamic) -> ScriptResult<Vector> {
        super::reduction(&ctx, &xs, work::SIMPLE, |v| {
            reduce::diff(v).map(Vector::new)
        })
    }

    /// Standard deviation as numpy computes it (`ddof` 0: divide by n).
    ///
    /// ```rhai
    /// std(vector([1, 2, 3, 4]))   // 1.118034
    /// ```
    #[rhai_fn(name = "std", return_raw)]
    pub fn std(ctx: NativeCallContext, xs: Dynamic) -> ScriptResult<FLOAT> {
        std_ddof(ctx, xs, 0)
    }

    /// Standard deviation dividing by n - ddof (`std(v, 1)` is pandas' default).
    ///
    /// ```rhai
    /// std(vector([1, 2, 3, 4]), 1)   // 1.290994
    /// ```
    #[rhai_fn(name = "std", return_raw)]
    pub fn std_ddof(ctx: NativeCallContext, xs: Dynamic, ddof: INT) -> ScriptResult<FLOAT> {
        if ddof < 0 {
            return Err(fail(&ctx, format!("ddof must not be negative, got {ddof}")));
        }
        super::reduction(&ctx, &xs, work::SIMPLE, |v| reduce::std(v, ddof as usize))
    }

    /// Median.
    ///
    /// ```rhai
    /// median(vector([3, 1, 4, 1]))   // 2
    /// ```
    #[rhai_fn(name = "median", return_raw)]
    pub fn median(ctx: NativeCallContext, xs: Dynamic) -> ScriptResult<FLOAT> {
        super::reduction(&ctx, &xs, work::MATH, reduce::median)
    }

    /// The `q` quantile (q in [0, 1], a number or a vector of them), by
    /// linear interpolation as numpy's default.
    ///
    /// ```rhai
    /// quantile(vector([1, 2, 3, 4]), 0.25)   // 1.75
    /// ```
    #[rhai_fn(name = "quantile", return_raw)]
    pub fn quantile(ctx: NativeCallContext, xs: Dynamic, q: Dynamic) -> ScriptResult<Dynamic> {
        let v = super::values(&ctx, "xs", &xs)?;
        super::charge(&ctx, v.len(), work::MATH)?;
        if v.is_empty() {
            return Err(fail(&ctx, Error::Empty { arg: "xs".into() }));
        }
        let mut sorted = v.into_vec();
        sorted.sort_by(FLOAT::total_cmp);
        match args::as_number(&q) {
            Some(q) => lift(&ctx, reduce::quantile_sorted(&sorted, q)).map(Dynamic::from_float),
            None => {
                let qs = args::vector(&ctx, "q", &q)?;
                qs.iter()
                    .map(|q| lift(&ctx, reduce::quantile_sorted(&sorted, *q)))
                    .collect::<ScriptResult<Vector>>()
                    .map(Dynamic::from)
            }
        }
    }

    /// The elements in ascending order (numpy `sort`).
    ///
    /// ```rhai
    /// sort(vector([3, 1, 2]))[0]   // 1
    /// ```
    #[rhai_fn(name = "sort", return_raw)]
    pub fn sort(ctx: NativeCallContext, v: Vector) -> ScriptResult<Vector> {
        super::charge(&ctx, v.len(), work::MATH)?;
        let mut v = v;
        v.make_mut().sort_by(FLOAT::total_cmp);
        Ok(v)
    }

    /// Vectors (or arrays of numbers) joined end to end, or tables stacked
    /// row-wise (pandas `concat`, keeping index labels): `concat([a, b])`.
    ///
    /// ```rhai
    /// concat([vector([1, 2]), [3]]).len()   // 3
    /// ```
    #[rhai_fn(return_raw)]
    pub fn concat(ctx: NativeCallContext, parts: Array) -> ScriptResult<Dynamic> {
        if parts.is_empty() {
            return Err(fail(
                &ctx,
                Error::Empty {
                    arg: "parts".into(),
                },
            ));
        }
        if parts
            .iter()
            .all(|p| p.is::<scaling_lab_core::table::Table>())
        {
            let tables: Vec<scaling_lab_core::table::Table> =
                parts.iter().map(|p| p.clone_cast()).collect();
            let rows: usize = tables
                .iter()
                .map(|t| t.len() * t.names().len().max(1))
                .sum();
            args::check_size(&ctx, "the table", rows as f64)?;
            super::charge(&ctx, rows, work::SIMPLE)?;
            return lift(&ctx, scaling_lab_core::table::Table::concat(&tables)).map(Dynamic::from);
        }
        let vs = parts
            .iter()
            .enumerate()
            .map(|(i, p)| super::values(&ctx, &format!("parts[{i}]"), p).map_err(|_| {
                fail(&ctx, format!("parts[{i}] must be a vector or an array of numbers (or every part a Table), got {}", args::type_name(p)))
            }))
            .collect::<ScriptResult<Vec<Vector>>>()?;
        let n: usize = vs.iter().map(|v| v.len()).sum();
        super::charge(&ctx, n, work::SIMPLE)?;
        Ok(Dynamic::from(
            vs.iter()
                .flat_map(|v| v.iter().copied())
                .collect::<Vector>(),
        ))
    }
}
