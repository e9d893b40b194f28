//! Vectors through the engine against the same work as plain Rust loops
//! over slices, and what turning Rhai's fast operators off costs.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use rhai::{Dynamic, Engine, Scope};
use scaling_lab_core::laws::Parametric;
use scaling_lab_core::Vector;
use scaling_lab_script::{build_engine, EngineConfig, Limits};

fn config() -> EngineConfig {
    EngineConfig {
        limits: Limits {
            max_operations: 0,
            ..Limits::default()
        },
        ..EngineConfig::default()
    }
}

fn law_over_a_grid(c: &mut Criterion) {
    let engine = build_engine(&config());
    let ast = engine
        .compile("sum(chinchilla_loss(logspace(6, 11, 1e6), 1e12))")
        .unwrap();
    c.bench_function(
        "script: sum(chinchilla_loss(logspace(6, 11, 1e6), 1e12))",
        |b| b.iter(|| black_box(engine.eval_ast::<f64>(&ast).unwrap())),
    );
    let p = Parametric::CHINCHILLA;
    c.bench_function("rust loop: the same over slices (one thread)", |b| {
        b.iter(|| {
            let n = scaling_lab_core::numeric::linspace(6.0, 11.0, 1_000_000).unwrap();
            let n: Vec<f64> = n.iter().map(|x| 10f64.powf(*x)).collect();
            let l: Vec<f64> = n.iter().map(|&x| p.loss(x, 1e12).unwrap()).collect();
            black_box(l.iter().sum::<f64>())
        })
    });
}

fn arithmetic(c: &mut Criterion) {
    let engine = build_engine(&config());
    let n = scaling_lab_core::numeric::logspace(6.0, 11.0, 1_000_000).unwrap();
    let l: Vec<f64> = n
        .iter()
        .map(|&x| Parametric::CHINCHILLA.loss(x, 1e12).unwrap())
        .collect();
    let mut scope = Scope::new();
    scope.push("N", Vector::new(n.clone()));
    scope.push("l", Vector::new(l.clone()));
    let ast = engine.compile("(N / 1e9) * l + 1.0").unwrap();
    c.bench_function("script: (N / 1e9) * l + 1.0 over 1e6", |b| {
        b.iter(|| {
            let v: Dynamic = engine.eval_ast_with_scope(&mut scope, &ast).unwrap();
            black_box(v)
        })
    });
    c.bench_function("rust loop: (n / 1e9) * l + 1.0 over 1e6", |b| {
        b.iter(|| {
            let out: Vec<f64> = n.iter().zip(&l).map(|(n, l)| (n / 1e9) * l + 1.0).collect();
            black_box(out)
        })
    });
}

/// A scalar Rhai loop with the fast built-in operators (Rhai's default)
/// and without them (what true division and checked floats need).
fn fast_operators(c: &mut Criterion) {
    let code = "let t = 0.0; for i in 0..100000 { t += i * 0.5 + 1.0; } t";
    let ours = build_engine(&config());
    let ast = ours.compile(code).unwrap();
    c.bench_function("scalar loop 1e5, fast operators off (scaling-lab)", |b| {
        b.iter(|| black_box(ours.eval_ast::<f64>(&ast).unwrap()))
    });
    let mut plain = Engine::new();
    plain.set_max_operations(0);
    let ast = plain.compile(code).unwrap();
    c.bench_function("scalar loop 1e5, fast operators on (plain Rhai)", |b| {
        b.iter(|| black_box(plain.eval_ast::<f64>(&ast).unwrap()))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3));
    targets = law_over_a_grid, arithmetic, fast_operators
}
criterion_main!(benches);
