//! One test per value type for each rendering: text, HTML, JSON, MIME bundle.

use base64::Engine as _;
use rhai::Dynamic;

use super::*;
use crate::interpreter::Interpreter;

fn eval(s: &mut Interpreter, code: &str) -> Dynamic {
    s.run(code).unwrap_or_else(|e| panic!("{code}: {e}")).value
}

fn mimes(b: &MimeBundle) -> Vec<&str> {
    b.iter().map(|(m, _)| *m).collect()
}

#[test]
fn numbers_text_and_strings() {
    let mut s = Interpreter::capturing();
    let cx = Cx::detached();
    let v = eval(&mut s, "find_optimal_allocation(5.76e23).N");
    assert_eq!(text(&v, cx).unwrap(), "3.2189859151368095e10 (32.2B)");
    assert_eq!(json(&v, cx), serde_json::json!(3.2189859151368095e10));
    assert_eq!(mimes(&bundle(&v, cx, true)), ["text/plain"]);
    assert_eq!(text(&Dynamic::from_int(3), cx).unwrap(), "3");
    assert_eq!(type_name(&Dynamic::from_int(3)), "integer");
    let st = eval(&mut s, "\"a\\x1b[31mred\"");
    assert_eq!(
        text(&st, cx).unwrap(),
        "a\\u{1b}[31mred",
        "control characters are escaped"
    );
    assert_eq!(inline(&st), "\"a\\u{1b}[31mred\"");
    assert!(text(&Dynamic::UNIT, cx).is_none());
    assert_eq!(json(&Dynamic::UNIT, cx), serde_json::Value::Null);
}

#[test]
fn vectors_print_like_numpy() {
    let mut s = Interpreter::capturing();
    let cx = Cx::detached();
    let short = eval(&mut s, "linspace(0, 1, 5)");
    assert_eq!(text(&short, cx).unwrap(), "[0.00, 0.25, 0.50, 0.75, 1.00]");
    assert_eq!(
        json(&short, cx),
        serde_json::json!([0.0, 0.25, 0.5, 0.75, 1.0])
    );
    let long = eval(&mut s, "logspace(6, 11, 50)");
    assert_eq!(
        text(&long, cx).unwrap(),
        "[1.000000e+06, 1.264855e+06, 1.599859e+06, ..., 6.250552e+10, 7.906043e+10, 1.000000e+11] (50 values)"
    );
    let b = bundle(&long, cx, true);
    assert_eq!(mimes(&b), ["text/plain", "text/html"]);
    assert!(
        b[1].1.contains("<th>49</th>") && b[1].1.contains("vector of 50 values"),
        "{}",
        b[1].1
    );
    assert_eq!(csv(&short).unwrap(), "value\n0\n0.25\n0.5\n0.75\n1\n");
    assert_eq!(type_name(&short), "vector");
    let mask = eval(&mut s, "linspace(0, 1, 5) > 0.5");
    assert_eq!(
        text(&mask, cx).unwrap(),
        "[false, false, false, true, true]"
    );
    assert_eq!(
        json(&mask, cx),
        serde_json::json!([false, false, false, true, true])
    );
    assert!(bundle(&mask, cx, true)[1]
        .1
        .contains("mask of 5 values, 2 true"));
    let big_mask = eval(&mut s, "arange(20) > 15");
    assert_eq!(
        text(&big_mask, cx).unwrap(),
        "[false, false, false, ..., true, true, true] (20 values, 4 true)"
    );
}

#[test]
fn maps_keep_written_key_order_and_align() {
    let mut s = Interpreter::capturing();
    let m = eval(&mut s, "#{zeta: 1, alpha: 2}");
    assert_eq!(s.text(&m).unwrap(), "#{zeta: 1, alpha: 2}");
    assert_eq!(s.json(&m).to_string(), "{\"zeta\":1,\"alpha\":2}");
    let a = eval(&mut s, "law(\"chinchilla\").optimal(1e24)");
    assert_eq!(
        s.text(&a).unwrap(),
        "#{\n  C     1e24\n  N     4.129670241941513e10 (41.3B)\n  D     4.035834749563674e12 (4.04T)\n  loss  1.9111954199142622\n}"
    );
    let b = s.bundle(&a);
    assert_eq!(mimes(&b), ["text/plain", "text/html"]);
    assert!(
        b[1].1.contains("<th>C</th>\n      <th>N</th>"),
        "{}",
        b[1].1
    );
    s.run("print(#{zeta: 1, alpha: 2})").unwrap();
    let out = s.run("print(find_optimal_allocation(1e24))").unwrap();
    assert!(
        out.printed[0].starts_with("#{\n  law               \"chinchilla\"\n  C "),
        "print aligns like the REPL: {:?}",
        out.printed
    );
}

#[test]
fn arrays_break_long_lines() {
    let mut s = Interpreter::capturing();
    let short = eval(&mut s, "[1, \"a\", true]");
    assert_eq!(s.text(&short).unwrap(), "[1, \"a\", true]");
    let long = eval(&mut s, "laws().map(|l| l.name)");
    let t = s.text(&long).unwrap();
    assert!(t.starts_with("[\n  \"chinchilla\",\n"), "{t}");
    assert_eq!(s.json(&short), serde_json::json!([1, "a", true]));
}

#[test]
fn tables_laws_and_figures() {
    let mut s = Interpreter::capturing();
    let t = eval(&mut s, "arch_sweep().head(2)");
    let b = s.bundle(&t);
    assert_eq!(mimes(&b), ["text/plain", "text/html"]);
    assert!(b[0].1.starts_with("   d_model"), "{}", b[0].1);
    assert!(b[1].1.contains("<table class=\"dataframe\""));
    assert_eq!(s.json(&t)[0]["d_model"], 8192.0);
    assert!(csv(&t).unwrap().starts_with("d_model,n_layer,"));

    let l = eval(&mut s, "law(\"chinchilla\")");
    let b = s.bundle(&l);
    assert_eq!(mimes(&b), ["text/plain", "text/markdown"]);
    assert!(b[1].1.contains("\\frac{A}{N^{\\alpha}}") && b[1].1.contains("Hoffmann"));
    assert_eq!(s.json(&l)["E"], 1.69);

    let c = eval(&mut s, "plot([1, 2], [3, 4])");
    let b = s.bundle(&c);
    assert_eq!(mimes(&b), ["text/plain", "image/png", "image/svg+xml"]);
    assert!(b[2].1.starts_with("<svg") || b[2].1.starts_with("<?xml"));
    let png = base64::engine::general_purpose::STANDARD
        .decode(&b[1].1)
        .unwrap();
    assert_eq!(&png[1..4], b"PNG");
    assert_eq!(s.json(&c)["series"][0]["xs"], serde_json::json!([1.0, 2.0]));
    assert_eq!(type_name(&c), "Chart");
    let f = eval(&mut s, "let f = figure(); f.add(plot([1, 2], [3, 4])); f");
    assert_eq!(
        mimes(&s.bundle(&f)),
        ["text/plain", "image/png", "image/svg+xml"]
    );
    assert!(s.text(&f).unwrap().starts_with("Figure 1x1 with 1 charts"));
    // The session's switch: PNG alone, then both again.
    let _ = eval(&mut s, "figure_formats([\"png\"])");
    assert_eq!(mimes(&s.bundle(&f)), ["text/plain", "image/png"]);
    let _ = eval(&mut s, "figure_formats([\"png\", \"svg\"])");
    assert_eq!(mimes(&s.bundle(&f)).len(), 3);
}
