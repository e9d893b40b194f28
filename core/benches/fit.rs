//! The full Approach 3 fit (4,500 L-BFGS starts) on 252 runs, its
//! bootstrap, and the intervals of the optimum drawn from it.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use scaling_lab_core::fit::simulate::isoflop_runs;
use scaling_lab_core::fit::{fit_law, FitOptions, Grid};
use scaling_lab_core::laws::Law;
use scaling_lab_core::numeric::logspace;

fn fit(c: &mut Criterion) {
    // 14 budgets x 18 sizes = 252 runs, 1% log-normal noise.
    let budgets = logspace(18.0, 24.5, 14).unwrap();
    let runs = isoflop_runs(&Law::chinchilla(), &budgets, 18, 1.0, 0.01, 7).unwrap();
    assert_eq!(runs.len(), 252);
    c.bench_function("fit_law: 4,500 starts, 252 runs", |b| {
        b.iter(|| {
            black_box(
                fit_law(&runs, &FitOptions::default())
                    .unwrap()
                    .report
                    .objective,
            )
        })
    });
    let one_start = Grid {
        a: vec![5.0],
        b: vec![5.0],
        e: vec![0.5],
        alpha: vec![0.5],
        beta: vec![0.5],
    };
    let boot = FitOptions {
        grid: one_start,
        bootstrap: 4000,
        ..FitOptions::default()
    };
    c.bench_function("bootstrap: 4,000 refits, 252 runs", |b| {
        b.iter(|| black_box(fit_law(&runs, &boot).unwrap().report.intervals))
    });
    // Intervals of the optimum from 4,000 refits: 4,000 closed-form optima
    // and four sorts per budget.
    let fitted = fit_law(&runs, &boot).unwrap().into_law();
    c.bench_function("optimal_interval: 4,000 refits, one budget", |b| {
        b.iter(|| {
            black_box(
                fitted
                    .optimal_interval(black_box(1e25), 0.95)
                    .unwrap()
                    .n_low,
            )
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(std::time::Duration::from_secs(15));
    targets = fit
}
criterion_main!(benches);
