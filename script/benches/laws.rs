//! Throughput of the hot paths: vectorized laws through the engine, the
//! core loop they wrap, and engine start-up plus one evaluation.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use rhai::{Dynamic, Scope};
use scaling_lab_core::laws::Parametric;
use scaling_lab_script::{build_engine, EngineConfig};

fn vectorized_loss(c: &mut Criterion) {
    let engine = build_engine(&EngineConfig::default());
    let mut scope = Scope::new();
    let xs: rhai::Array = scaling_lab_core::numeric::logspace(6.0, 11.0, 1_000_000)
        .unwrap()
        .into_iter()
        .map(Dynamic::from_float)
        .collect();
    scope.push("xs", xs);
    let ast = engine.compile("chinchilla_loss(xs, 200e9)").unwrap();
    c.bench_function("script: chinchilla_loss over 1e6 points", |b| {
        b.iter(|| {
            let v: rhai::Array = engine.eval_ast_with_scope(&mut scope, &ast).unwrap();
            black_box(v.len())
        })
    });

    let ns = scaling_lab_core::numeric::logspace(6.0, 11.0, 1_000_000).unwrap();
    let p = Parametric::CHINCHILLA;
    c.bench_function("core: chinchilla loss over 1e6 points", |b| {
        b.iter(|| {
            let v: Vec<f64> = ns.iter().map(|&n| p.loss(n, 200e9).unwrap()).collect();
            black_box(v.len())
        })
    });

    let ast = engine
        .compile("let t = 0.0; for n in xs { t += n; } t")
        .unwrap();
    let mut small = Scope::new();
    small.push(
        "xs",
        (0..100_000)
            .map(|i| Dynamic::from_float(i as f64))
            .collect::<rhai::Array>(),
    );
    c.bench_function("script: a Rhai loop over 1e5 points (for scale)", |b| {
        b.iter(|| black_box(engine.eval_ast_with_scope::<f64>(&mut small, &ast).unwrap()))
    });
}

fn startup(c: &mut Criterion) {
    c.bench_function("engine start-up + one eval", |b| {
        b.iter(|| {
            let engine = build_engine(&EngineConfig::default());
            black_box(engine.eval::<f64>("chinchilla_loss(70e9, 1.4e12)").unwrap())
        })
    });
    c.bench_function("arch_sweep + closest_to + Kaplan chain (seed notebook)", |b| {
        let engine = build_engine(&EngineConfig::default());
        let ast = engine
            .compile(r#"let s = closest_to(arch_sweep(), "N (T)", [1, 10, 100]); cost_from_loss(loss_from_size(s["N"]))"#)
            .unwrap();
        b.iter(|| black_box(engine.eval_ast::<rhai::Array>(&ast).unwrap()))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3));
    targets = vectorized_loss, startup
}
criterion_main!(benches);
