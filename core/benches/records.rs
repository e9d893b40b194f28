//! Where the time of a table of records goes: the records alone, then
//! written into columns.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use scaling_lab_core::laws::compare::Answer;
use scaling_lab_core::laws::Law;
use scaling_lab_core::Table;

fn records(c: &mut Criterion) {
    let law = Law::chinchilla();
    let cs = scaling_lab_core::numeric::logspace(20.0, 26.0, 1_000_000).unwrap();
    let mut g = c.benchmark_group("1e6 allocations");
    g.sample_size(20);
    g.bench_function("Answer::of_law alone (one thread)", |b| {
        b.iter(|| {
            let mut s = 0.0;
            for c in &cs {
                s += Answer::of_law(&law, *c).unwrap().n;
            }
            black_box(s)
        })
    });
    g.bench_function(
        "Answer::of_law alone (parallel, as the table is built)",
        |b| {
            use rayon::prelude::*;
            let f = Answer::of_law_fn(&law);
            b.iter(|| black_box(cs.par_iter().map(|c| f(*c).unwrap().n).sum::<f64>()))
        },
    );
    g.bench_function("into a Table (parallel)", |b| {
        b.iter(|| {
            let f = Answer::of_law_fn(&law);
            black_box(Table::build_records(cs.len(), None, 0, |i| f(cs[i])).unwrap())
        })
    });
    g.finish();
}

criterion_group!(benches, records);
criterion_main!(benches);
