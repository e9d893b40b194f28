//! Serving: one prediction (bounds beside it) of Llama 3 70B on 8 H100s,
//! a 64-point batch sweep, and refitting two Hopper constants to the
//! published H100 measurements (what `calibrate` does with serving runs).
use criterion::{criterion_group, criterion_main, Criterion};
use scaling_lab_core::hardware::Generation;
use scaling_lab_core::performance::calibrate::calibrate;
use scaling_lab_core::serving::measured::{published, ServingSplit};
use scaling_lab_core::serving::{serving, ServingConstants, ServingOptions};
use scaling_lab_core::transformer::Transformer;

fn bench(c: &mut Criterion) {
    let t = Transformer::preset("llama3-70b").unwrap();
    let o: ServingOptions = serde_json::from_value(serde_json::json!({
        "hardware": "H100", "tp": 8, "input_tokens": 1024, "output_tokens": 512, "dtype": "fp8"
    }))
    .unwrap();
    let one = o.setup(&t, 64.0, None).unwrap();
    c.bench_function("serving llama3-70b tp 8", |b| {
        b.iter(|| serving(&t, &one).unwrap())
    });
    let setups: Vec<_> = (1..=64)
        .map(|i| o.setup(&t, (8 * i) as f64, None).unwrap())
        .collect();
    c.bench_function("serving llama3-70b batch sweep of 64", |b| {
        b.iter(|| {
            setups
                .iter()
                .map(|s| serving(&t, s).unwrap().output_tokens_per_second_per_gpu)
                .sum::<f64>()
        })
    });
    let runs: Vec<_> = published()
        .iter()
        .filter(|r| {
            r.options.hardware.generation == Generation::Hopper && r.split == ServingSplit::Fit
        })
        .map(|r| r.measurement().unwrap())
        .collect();
    let base = ServingConstants::of(Generation::Hopper);
    let names = [
        "matmul_efficiency".to_string(),
        "memory_efficiency".to_string(),
    ];
    c.bench_function("calibrate 2 serving constants to 10 H100 runs", |b| {
        b.iter(|| calibrate(&runs, &base, &names).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
