//! Rendering the seed's four-panel figure (2100 x 1500 px) to PNG and SVG.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use scaling_lab_core::laws::Law;
use scaling_lab_core::plot::{render, studies, Figure};

fn seed_figure() -> Figure {
    let law = Law::chinchilla();
    let mut f = Figure::new(2, 2).unwrap();
    f.set_size((14.0, 10.0), 150.0).unwrap();
    let models = [
        ("GPT-3".to_string(), 175e9, 300e9),
        ("Chinchilla".to_string(), 70e9, 1400e9),
        ("LLaMA-65B".to_string(), 65e9, 1400e9),
    ];
    f.push(studies::loss_vs_params(&law, 200e9, (1e6, 1e11), 100).unwrap())
        .unwrap();
    f.push(studies::loss_vs_tokens(&law, 7e9, (1e9, 1e13), 100).unwrap())
        .unwrap();
    f.push(studies::frontier(&law, (1e21, 1e25), 50, &models).unwrap())
        .unwrap();
    f.push(studies::loss_landscape(&law, (1e9, 1e11), (1e10, 1e13), 30, 15).unwrap())
        .unwrap();
    f
}

fn plots(c: &mut Criterion) {
    let fig = seed_figure();
    c.bench_function("four-panel figure: build (laws, frontier, contours)", |b| {
        b.iter(|| black_box(seed_figure()))
    });
    c.bench_function("four-panel figure: render PNG 2100x1500", |b| {
        b.iter(|| black_box(render::to_png(&fig).unwrap().len()))
    });
    c.bench_function("four-panel figure: rasterize only (RGBA)", |b| {
        b.iter(|| black_box(render::to_rgba(&fig).unwrap().1))
    });
    c.bench_function("four-panel figure: render SVG", |b| {
        b.iter(|| black_box(render::to_svg(&fig).unwrap().len()))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(std::time::Duration::from_secs(5));
    targets = plots
}
criterion_main!(benches);
