//! Vectors, masks and table verbs from scripts, table-driven: every
//! operator and function over every operand kind, checked against the same
//! arithmetic done here in Rust with Python's rules.

use crate::common::{eval, eval_err, eval_f64};
use rhai::Dynamic;
use scaling_lab_core::{Mask, Table, Vector};
use scaling_lab_script::Interpreter;
use scaling_lab_script::{EngineConfig, Limits};

/// The operand kinds, as script text, and their elements.
const VEC: (&str, [f64; 3]) = ("vector([1, 2, 4])", [1.0, 2.0, 4.0]);
const ARR: (&str, [f64; 3]) = ("[1, 2, 4]", [1.0, 2.0, 4.0]);
const VEC2: (&str, [f64; 3]) = ("vector([3, 0.5, 2])", [3.0, 0.5, 2.0]);
const ARR2: (&str, [f64; 3]) = ("[3, 0.5, 2]", [3.0, 0.5, 2.0]);

enum Operand {
    Many(&'static str, [f64; 3]),
    One(&'static str, f64),
}

impl Operand {
    fn code(&self) -> &str {
        match self {
            Operand::Many(c, _) | Operand::One(c, _) => c,
        }
    }
    fn at(&self, i: usize) -> f64 {
        match self {
            Operand::Many(_, v) => v[i],
            Operand::One(_, x) => *x,
        }
    }
}

/// Every pair of kinds an elementwise operator accepts: a vector with
/// anything, an array with a number.
fn pairs() -> Vec<(Operand, Operand)> {
    use Operand::*;
    vec![
        (Many(VEC.0, VEC.1), Many(VEC2.0, VEC2.1)),
        (Many(VEC.0, VEC.1), Many(ARR2.0, ARR2.1)),
        (Many(ARR.0, ARR.1), Many(VEC2.0, VEC2.1)),
        (Many(VEC.0, VEC.1), One("2.5", 2.5)),
        (Many(VEC.0, VEC.1), One("3", 3.0)),
        (One("2.5", 2.5), Many(VEC.0, VEC.1)),
        (One("3", 3.0), Many(VEC.0, VEC.1)),
        (Many(ARR.0, ARR.1), One("2.5", 2.5)),
        (Many(ARR.0, ARR.1), One("3", 3.0)),
        (One("2.5", 2.5), Many(ARR.0, ARR.1)),
        (One("3", 3.0), Many(ARR.0, ARR.1)),
    ]
}

type Arith = fn(f64, f64) -> f64;
type Cmp = fn(f64, f64) -> bool;
type Math = fn(f64) -> f64;

/// Python's `%`.
fn py_rem(a: f64, b: f64) -> f64 {
    a - b * (a / b).floor()
}

fn as_vector(v: &Dynamic, code: &str) -> Vector {
    v.read_lock::<Vector>()
        .unwrap_or_else(|| panic!("`{code}` gave a {}, not a vector", v.type_name()))
        .clone()
}

#[test]
fn arithmetic_over_every_operand_kind() {
    let ops: [(&str, Arith); 6] = [
        ("+", |a, b| a + b),
        ("-", |a, b| a - b),
        ("*", |a, b| a * b),
        ("/", |a, b| a / b),
        ("%", py_rem),
        ("**", f64::powf),
    ];
    let mut checked = 0;
    for (op, f) in ops {
        for (a, b) in pairs() {
            let code = format!("{} {op} {}", a.code(), b.code());
            let got = as_vector(&eval(&code), &code);
            let want: Vec<f64> = (0..3).map(|i| f(a.at(i), b.at(i))).collect();
            for (g, w) in got.iter().zip(&want) {
                assert!(
                    (g - w).abs() <= 1e-12 * w.abs(),
                    "`{code}`: {got:?} vs {want:?}"
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 66);
}

#[test]
fn comparisons_give_masks_over_every_operand_kind() {
    let ops: [(&str, Cmp); 6] = [
        ("==", |a, b| a == b),
        ("!=", |a, b| a != b),
        ("<", |a, b| a < b),
        ("<=", |a, b| a <= b),
        (">", |a, b| a > b),
        (">=", |a, b| a >= b),
    ];
    for (op, f) in ops {
        for (a, b) in pairs() {
            let code = format!("{} {op} {}", a.code(), b.code());
            let got = eval(&code).cast::<Mask>();
            let want: Vec<bool> = (0..3).map(|i| f(a.at(i), b.at(i))).collect();
            assert_eq!(got.as_slice(), want, "`{code}`");
        }
    }
}

#[test]
fn numbers_follow_python_3() {
    let cases: [(&str, f64); 12] = [
        ("40 / 100", 0.4),
        ("7 / 2", 3.5),
        ("-7 % 3", 2.0),
        ("7 % -3", -2.0),
        ("-7.5 % 2", 0.5),
        ("2 ** -1", 0.5),
        ("10 ** 24", 1e24),
        ("2.0 ** 0.5", std::f64::consts::SQRT_2),
        ("1 / 4 + 1", 1.25),
        ("3 * 0.5", 1.5),
        ("1.5 - 2", -0.5),
        ("2 + 0.25", 2.25),
    ];
    for (code, want) in cases {
        let v = eval(code);
        let got = v
            .as_float()
            .or_else(|_| v.as_int().map(|i| i as f64))
            .unwrap();
        assert_eq!(got, want, "`{code}`");
    }
    assert_eq!(eval("2 ** 10").as_int().unwrap(), 1024);
    assert_eq!(eval("7 % 3").as_int().unwrap(), 1);
    assert_eq!(eval("2 + 3").as_int().unwrap(), 5);
}

#[test]
fn no_silent_nan_or_infinity() {
    let cases = [
        ("0.0 / 0.0", "`/`: division by zero (0 / 0)"),
        ("1 / 0", "`/`: division by zero (1 / 0)"),
        ("5 % 0", "`%`: division by zero (5 % 0)"),
        ("1e308 * 10.0", "`*`: 1e308 * 10 is inf"),
        ("(-8.0) ** 0.5", "`**`: -8 ** 0.5 is NaN"),
        (
            "ln(-1.0)",
            "ln: ln(-1) is undefined: a logarithm needs a positive number",
        ),
        (
            "sqrt(-4)",
            "sqrt: sqrt(-4) is undefined: a square root needs a number of 0 or more",
        ),
        ("exp(1000)", "exp: exp(1000) is inf"),
        (
            "vector([1, 0, 2]) / vector([1, 0, 0])",
            "`/` (vector / vector): element 1 of the result would be NaN",
        ),
        (
            "vector([1, 2]) / 0",
            "`/` (vector / number): element 0 of the result would be inf",
        ),
        ("vector([4, -1]) ** 0.5", "`**` (vector / number)"),
        (
            "ln(vector([1, 2, 0]))",
            "ln: element 2: ln(0) is undefined: a logarithm needs a positive number",
        ),
        ("exp([1, 800])", "exp: element 1 of the result would be inf"),
        (
            "vector([1e308]) * 10",
            "element 0 of the result would be inf",
        ),
        (
            "sum(vector([1e308, 1e308]))",
            "sum: the sum overflows (inf)",
        ),
        (
            "cumsum([1e308, 1e308])",
            "cumsum: the running sum overflows",
        ),
        (
            "prod(vector([1e200, 1e200]))",
            "prod: the product overflows",
        ),
        (
            "vector([1, NAN])",
            "vector: values[1] must be a finite number, got NaN",
        ),
        (
            "chinchilla_loss([1e9, INF], 1e12)",
            "N[1] must be a finite number, got inf",
        ),
    ];
    for (code, msg) in cases {
        let e = eval_err(code);
        let msg = msg.replace(
            "(vector / number)",
            if code.contains("**") {
                "(vector ** number)"
            } else {
                "(vector / number)"
            },
        );
        assert!(
            e.message.contains(&msg),
            "`{code}` failed with\n  {}\nexpected\n  {msg}",
            e.message
        );
    }
}

#[test]
fn lengths_must_match_and_the_error_names_the_operator() {
    let e = eval_err("vector([1, 2]) + vector([1, 2, 3])");
    assert_eq!(
        e.message,
        "`+` (vector + vector): the operands must have the same length, got 2 and 3"
    );
    let e = eval_err("[1, 2] * vector([1, 2, 3])");
    assert!(
        e.message.contains("`*` (array * vector)") && e.message.contains("got 2 and 3"),
        "{}",
        e.message
    );
    let e = eval_err("vector([1, 2]) < [1, 2, 3]");
    assert!(
        e.message.contains("must have the same length, got 2 and 3"),
        "{}",
        e.message
    );
    let e = eval_err("chinchilla_loss(vector([1e9, 2e9]), vector([1e12, 2e12, 3e12]))");
    assert!(
        e.message
            .contains("N and D must have the same length, got 2 and 3"),
        "{}",
        e.message
    );
}

#[test]
fn arrays_stay_lists_with_each_other() {
    let v = eval("[1, 2] + [3]").into_array().unwrap();
    assert_eq!(v.len(), 3, "two arrays join, as Rhai and Python lists do");
    let e = eval_err("[1, 2] - [1, 1]");
    assert!(
        e.message.contains("-: no form takes (array, array)"),
        "{}",
        e.message
    );
}

#[test]
fn math_functions_over_every_operand_kind() {
    let fns: [(&str, Math); 9] = [
        ("exp", f64::exp),
        ("ln", f64::ln),
        ("log10", f64::log10),
        ("log2", f64::log2),
        ("sqrt", f64::sqrt),
        ("abs", f64::abs),
        ("floor", f64::floor),
        ("ceil", f64::ceil),
        ("round", f64::round_ties_even),
    ];
    for (name, f) in fns {
        for (code, xs) in [
            ("vector([0.5, 2.5, 9])", [0.5, 2.5, 9.0]),
            ("[0.5, 2.5, 9]", [0.5, 2.5, 9.0]),
        ] {
            let c = format!("{name}({code})");
            let got = as_vector(&eval(&c), &c);
            let want: Vec<f64> = xs.iter().map(|x| f(*x)).collect();
            assert_eq!(got.as_slice(), want, "`{c}`");
        }
        let c = format!("{name}(2.5)");
        assert_eq!(eval_f64(&c), f(2.5), "`{c}`");
        let c = format!("{name}(4)");
        let v = eval(&c);
        let got = v
            .as_float()
            .or_else(|_| v.as_int().map(|i| i as f64))
            .unwrap();
        assert_eq!(got, f(4.0), "`{c}`");
    }
    assert_eq!(
        eval("-vector([1, -2])").cast::<Vector>().as_slice(),
        [-1.0, 2.0]
    );
    assert_eq!(
        eval("minimum(vector([1, 5]), 3)")
            .cast::<Vector>()
            .as_slice(),
        [1.0, 3.0]
    );
    assert_eq!(
        eval("maximum([1, 5], vector([2, 2]))")
            .cast::<Vector>()
            .as_slice(),
        [2.0, 5.0]
    );
    assert_eq!(
        eval("clip(vector([0, 5, 10]), 1, 9)")
            .cast::<Vector>()
            .as_slice(),
        [1.0, 5.0, 9.0]
    );
    // numpy's round (2.68; Python's own round gives 2.67 from the exact decimal).
    assert_eq!(eval_f64("round(2.675, 2)"), 2.68);
    assert_eq!(
        eval("round(vector([0.125, 1.5]), 1)")
            .cast::<Vector>()
            .as_slice(),
        [0.1, 1.5]
    );
}

#[test]
fn reductions_like_numpy_and_empty_is_an_error() {
    // numpy: np.sum, np.mean, ... of [3, 1, 4, 1, 5]
    let cases: [(&str, f64); 10] = [
        ("sum", 14.0),
        ("mean", 2.8),
        ("prod", 60.0),
        ("min", 1.0),
        ("max", 5.0),
        ("argmin", 1.0),
        ("argmax", 4.0),
        ("std", 1.6),
        ("median", 3.0),
        ("quantile", 1.0),
    ];
    for (name, want) in cases {
        for data in ["vector([3, 1, 4, 1, 5])", "[3, 1, 4, 1, 5]"] {
            let code = if name == "quantile" {
                format!("quantile({data}, 0.25)")
            } else {
                format!("{name}({data})")
            };
            let v = eval(&code);
            let got = v
                .as_float()
                .or_else(|_| v.as_int().map(|i| i as f64))
                .unwrap();
            assert!(
                (got - want).abs() < 1e-12,
                "`{code}` = {got}, numpy says {want}"
            );
            let empty = code.replace(data, "vector([])");
            let e = eval_err(&empty);
            assert!(
                e.message.contains("must not be empty"),
                "`{empty}`: {}",
                e.message
            );
        }
    }
    assert_eq!(
        eval("cumsum([1, 2, 3])").cast::<Vector>().as_slice(),
        [1.0, 3.0, 6.0]
    );
    assert_eq!(
        eval("diff(vector([1, 4, 9]))").cast::<Vector>().as_slice(),
        [3.0, 5.0]
    );
    assert!((eval_f64("std(vector([3, 1, 4, 1, 5]), 1)") - 1.7888543819998317).abs() < 1e-15);
    assert_eq!(
        eval("quantile([1, 2, 3, 4], vector([0, 0.5, 1]))")
            .cast::<Vector>()
            .as_slice(),
        [1.0, 2.5, 4.0]
    );
    assert!(eval_err("diff(vector([1]))")
        .message
        .contains("at least 2 values"));
    assert!(eval_err("quantile([1, 2], 2)")
        .message
        .contains("q must be in [0, 1]"));
}

#[test]
fn masks_pick_combine_and_count() {
    let v = "let v = vector([1, 5, 3, 8]);";
    let got = |code: &str| eval(&format!("{v} {code}"));
    assert_eq!(got("v[v > 2]").cast::<Vector>().as_slice(), [5.0, 3.0, 8.0]);
    assert_eq!(
        got("v[(v > 2) & (v < 8)]").cast::<Vector>().as_slice(),
        [5.0, 3.0]
    );
    assert_eq!(
        got("v[(v < 2) | (v > 7)]").cast::<Vector>().as_slice(),
        [1.0, 8.0]
    );
    assert_eq!(
        got("v[(v > 2) ^ (v > 4)]").cast::<Vector>().as_slice(),
        [3.0]
    );
    assert_eq!(got("v[!(v > 2)]").cast::<Vector>().as_slice(), [1.0]);
    assert_eq!(got("sum(v > 2)").as_int().unwrap(), 3);
    assert!(got("any(v > 7)").as_bool().unwrap());
    assert!(!got("all(v > 1)").as_bool().unwrap());
    assert_eq!(
        got("where(v > 2, v, 0)").cast::<Vector>().as_slice(),
        [0.0, 5.0, 3.0, 8.0]
    );
    assert_eq!(
        got("where(v > 2, 1, [9, 9, 9, 9])")
            .cast::<Vector>()
            .as_slice(),
        [9.0, 1.0, 1.0, 1.0]
    );
    assert_eq!(
        got("v[v > 2] = 0; v").cast::<Vector>().as_slice(),
        [1.0, 0.0, 0.0, 0.0]
    );
    assert!(got("(v > 2)[1]").as_bool().unwrap());
    let e = eval_err("let v = vector([1, 2]); v[vector([1, 2, 3]) > 1]");
    assert!(
        e.message
            .contains("the vector and the mask must have the same length, got 2 and 3"),
        "{}",
        e.message
    );
}

#[test]
fn indexing_ranges_iteration_and_copy_on_write() {
    let v = "let v = vector([10, 20, 30, 40, 50]);";
    let got = |code: &str| eval(&format!("{v} {code}"));
    assert_eq!(got("v[-1]").as_float().unwrap(), 50.0);
    assert_eq!(got("v[1..3]").cast::<Vector>().as_slice(), [20.0, 30.0]);
    assert_eq!(
        got("v[1..=3]").cast::<Vector>().as_slice(),
        [20.0, 30.0, 40.0]
    );
    assert_eq!(got("v[-2..5]").cast::<Vector>().as_slice(), [40.0, 50.0]);
    assert_eq!(
        got("v[[0, -1, 2]]").cast::<Vector>().as_slice(),
        [10.0, 50.0, 30.0]
    );
    assert_eq!(
        got("let t = 0.0; for x in v { t += x; } t")
            .as_float()
            .unwrap(),
        150.0
    );
    assert_eq!(got("v.len()").as_int().unwrap(), 5);
    assert_eq!(
        got("v.map(|x| x / 10)").cast::<Vector>().as_slice(),
        [1.0, 2.0, 3.0, 4.0, 5.0]
    );
    assert_eq!(got("v.to_array()").into_array().unwrap().len(), 5);
    // Assignment copies on write: `w` keeps its value.
    assert_eq!(
        got("let w = v; v[0] = 1; w[0] + v[0]").as_float().unwrap(),
        11.0
    );
    assert_eq!(got("v *= 2; v[4]").as_float().unwrap(), 100.0);
    assert_eq!(
        got("v += vector([1, 1, 1, 1, 1]); v[0]")
            .as_float()
            .unwrap(),
        11.0
    );
    assert_eq!(got("v -= 10; v /= 2; v[1]").as_float().unwrap(), 5.0);
    assert!(eval_err(&format!("{v} v[5]"))
        .message
        .contains("index 5 is out of range for a vector of 5 elements"));
    assert!(eval_err(&format!("{v} v[0] = \"x\""))
        .message
        .contains("value must be a number"));
}

#[test]
fn constructors_and_grids() {
    assert_eq!(
        eval("arange(4)").cast::<Vector>().as_slice(),
        [0.0, 1.0, 2.0, 3.0]
    );
    assert_eq!(
        eval("arange(1, 2, 0.25)").cast::<Vector>().as_slice(),
        [1.0, 1.25, 1.5, 1.75]
    );
    assert_eq!(
        eval("arange(3, 0, -1)").cast::<Vector>().as_slice(),
        [3.0, 2.0, 1.0]
    );
    assert_eq!(eval("zeros(2)").cast::<Vector>().as_slice(), [0.0, 0.0]);
    assert_eq!(eval("ones(2) * 3").cast::<Vector>().as_slice(), [3.0, 3.0]);
    assert_eq!(eval("full(2, 1e9)").cast::<Vector>().as_slice(), [1e9, 1e9]);
    assert_eq!(
        eval("vector(0..3)").cast::<Vector>().as_slice(),
        [0.0, 1.0, 2.0]
    );
    assert_eq!(
        eval("linspace(-1e308, 1e308, 3)")
            .cast::<Vector>()
            .as_slice(),
        [-1e308, 0.0, 1e308]
    );
    assert_eq!(
        eval("concat([vector([1]), [2, 3]])")
            .cast::<Vector>()
            .as_slice(),
        [1.0, 2.0, 3.0]
    );
    assert_eq!(
        eval("sort(vector([3, 1, 2]))").cast::<Vector>().as_slice(),
        [1.0, 2.0, 3.0]
    );
    let e = eval_err("vector([1, \"a\"])");
    assert!(
        e.message.contains("values[1] must be a number, got string"),
        "{}",
        e.message
    );
}

#[test]
fn sizes_are_checked_before_anything_is_allocated() {
    for code in [
        "zeros(2e7)",
        "logspace(0, 1, 5e7)",
        "linspace(0, 1, 1e12)",
        "arange(0, 1, 1e-12)",
    ] {
        let e = eval_err(code);
        assert!(
            e.message
                .contains("elements, more than the size limit of 10000000"),
            "`{code}`: {}",
            e.message
        );
    }
}

#[test]
fn vector_work_counts_against_the_operation_limit() {
    let config = EngineConfig {
        limits: Limits {
            max_operations: 200_000,
            ..Limits::default()
        },
        ..EngineConfig::default()
    };
    let mut s = Interpreter::with_config(config, true);
    // Each pass over a million elements costs about 16,000 operations: the
    // loop stops after a dozen, not after 200,000 script operations.
    let e = s
        .run("let v = zeros(1e6); let n = 0; loop { v = v + 1; n += 1; }")
        .unwrap_err();
    assert!(e.message.contains("operation limit"), "{}", e.message);
    let n = s
        .run("n")
        .map(|o| o.value.as_int().unwrap_or(-1))
        .unwrap_or(-1);
    assert!((1..40).contains(&n), "{n} passes");
}

#[test]
fn tables_behave_like_dataframes() {
    // Columns keep the order they were written in.
    let t = eval("table([#{model: \"GPT-3\", N: 175e9, D: 300e9}, #{model: \"Chinchilla\", N: 70e9, D: 1.4e12}])")
        .cast::<Table>();
    assert_eq!(t.names(), ["model", "N", "D"]);
    let t = eval("table(#{zeta: vector([1, 2]), alpha: [3, 4]})").cast::<Table>();
    assert_eq!(t.names(), ["zeta", "alpha"]);

    let setup = "let t = table([#{m: \"a\", N: 3e9, D: 60e9}, #{m: \"b\", N: 1e9, D: 20e9}, #{m: \"c\", N: 2e9, D: 80e9}]);";
    let got = |code: &str| eval(&format!("{setup} {code}"));
    let col = |code: &str, c: &str| got(code).cast::<Table>().num_column(c).unwrap().clone();
    assert_eq!(
        col("t[\"D/N\"] = t[\"D\"] / t[\"N\"]; t", "D/N").as_slice(),
        [20.0, 20.0, 40.0]
    );
    assert_eq!(col("t[\"one\"] = 1; t", "one").as_slice(), [1.0, 1.0, 1.0]);
    assert_eq!(col("t.filter(|r| r.N > 1.5e9)", "N").as_slice(), [3e9, 2e9]);
    assert_eq!(col("t[t[\"N\"] > 1.5e9]", "N").as_slice(), [3e9, 2e9]);
    assert_eq!(
        got("t[t[\"N\"] > 1.5e9]").cast::<Table>().index(),
        [0, 2],
        "labels kept"
    );
    assert_eq!(col("t.sort(\"N\")", "N").as_slice(), [1e9, 2e9, 3e9]);
    assert_eq!(
        col("t.sort(\"N\", #{descending: true})", "N").as_slice(),
        [3e9, 2e9, 1e9]
    );
    assert_eq!(
        got("t.sort(\"m\", #{descending: true})")
            .cast::<Table>()
            .index(),
        [2, 1, 0]
    );
    assert_eq!(
        got("t.rename(#{N: \"params\"})").cast::<Table>().names(),
        ["m", "params", "D"]
    );
    assert_eq!(got("t.drop(\"D\")").cast::<Table>().names(), ["m", "N"]);
    assert_eq!(got("t.drop([\"D\", \"m\"])").cast::<Table>().names(), ["N"]);
    let c = got("concat([t, t.head(1)])").cast::<Table>();
    assert_eq!((c.len(), c.index().to_vec()), (4, vec![0, 1, 2, 0]));
    assert_eq!(got("t[\"N\"]").cast::<Vector>().as_slice(), [3e9, 1e9, 2e9]);
    assert_eq!(got("t.tail(1)").cast::<Table>().index(), [2]);
    let json = {
        let mut s = crate::common::session();
        s.run(setup).unwrap();
        let v = s.run("t[0]").unwrap().value;
        s.json(&v).to_string()
    };
    assert_eq!(json, "{\"m\":\"a\",\"N\":3000000000.0,\"D\":60000000000.0}");

    for (code, msg) in [
        ("t.rename(#{N: \"D\"})", "'D' twice"),
        ("t.sort(\"x\")", "unknown column 'x'"),
        ("t.drop(\"x\")", "unknown column 'x'"),
        (
            "t.filter(|r| 1)",
            "must return true or false, got integer for row 0",
        ),
        (
            "concat([t, t.drop(\"D\")])",
            "tables[1] must be the same columns as tables[0]",
        ),
        ("t[\"bad\"] = vector([1, 2])", "must have the same length"),
        (
            "t[vector([1, 2]) > 0]",
            "the table and the mask must have the same length, got 3 and 2",
        ),
    ] {
        let e = eval_err(&format!("{setup} {code}"));
        assert!(e.message.contains(msg), "`{code}`: {}", e.message);
    }
}
