//! Functions that return one record per input element, built column by
//! column, against a vectorised law over the same number of inputs
//! (issue target: within 3x in time).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use rhai::{Dynamic, Scope};
use scaling_lab_core::Vector;
use scaling_lab_script::{build_engine, EngineConfig, Limits};

fn records_against_a_vector(c: &mut Criterion) {
    let engine = build_engine(&EngineConfig {
        limits: Limits {
            max_operations: 0,
            ..Limits::default()
        },
        ..EngineConfig::default()
    });
    let mut scope = Scope::new();
    scope.push(
        "C",
        Vector::new(scaling_lab_core::numeric::logspace(20.0, 26.0, 1_000_000).unwrap()),
    );
    scope.push(
        "N",
        Vector::new(scaling_lab_core::numeric::logspace(8.0, 11.0, 1_000_000).unwrap()),
    );
    let mut g = c.benchmark_group("1e6 inputs");
    g.sample_size(20);
    let loss = engine.compile("law(\"chinchilla\").loss(N, 1e12)").unwrap();
    g.bench_function("law.loss (a vector)", |b| {
        b.iter(|| {
            black_box(
                engine
                    .eval_ast_with_scope::<Dynamic>(&mut scope, &loss)
                    .unwrap(),
            )
        })
    });
    let alloc = engine.compile("find_optimal_allocation(C)").unwrap();
    g.bench_function("find_optimal_allocation (a Table of 7 columns)", |b| {
        b.iter(|| {
            black_box(
                engine
                    .eval_ast_with_scope::<Dynamic>(&mut scope, &alloc)
                    .unwrap(),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, records_against_a_vector);
criterion_main!(benches);
