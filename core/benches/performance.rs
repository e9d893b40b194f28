//! Step-time prediction and layout search: one step of Llama 3 405B, and
//! the whole search for it on 16,384 H100s.
use criterion::{criterion_group, criterion_main, Criterion};
use scaling_lab_core::performance::{plan_training, training_step, PlanOptions, StepOptions};
use scaling_lab_core::transformer::Transformer;

fn bench(c: &mut Criterion) {
    let t = Transformer::preset("llama3-405b").unwrap();
    let step: StepOptions = serde_json::from_value(serde_json::json!({
        "hardware": "H100", "gpus": 16384, "tp": 8, "pp": 16, "vpp": 8, "global_batch": 2048, "seq_len": 8192
    }))
    .unwrap();
    c.bench_function("training_step llama3-405b", |b| {
        b.iter(|| training_step(&t, &step).unwrap())
    });
    let plan: PlanOptions = serde_json::from_value(serde_json::json!({
        "hardware": "H100", "gpus": 16384, "global_batch": 2048, "seq_len": 8192
    }))
    .unwrap();
    c.bench_function("plan_training llama3-405b on 16384 H100", |b| {
        b.iter(|| plan_training(&t, &plan, &|_| Ok(())).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
