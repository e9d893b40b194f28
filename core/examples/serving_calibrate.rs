//! Refits the shipped serving constants of one generation to the
//! measurements marked "fit" and prints the errors of the bound and the
//! prediction on every measurement of that generation: how
//! core/data/serving.json's fitted numbers were obtained.
//!
//! `cargo run --release -p scaling-lab-core --example serving_calibrate -- hopper matmul_efficiency ...`
use scaling_lab_core::hardware::Generation;
use scaling_lab_core::performance::calibrate::{calibrate, errors};
use scaling_lab_core::serving::measured::{published, ServingSplit};
use scaling_lab_core::serving::ServingConstants;

fn main() {
    let generation =
        Generation::parse(&std::env::args().nth(1).unwrap_or("hopper".into())).unwrap();
    let names: Vec<String> = std::env::args().skip(2).collect();
    let runs: Vec<_> = published()
        .iter()
        .filter(|r| r.options.hardware.generation == generation)
        .collect();
    let of = |split| -> Vec<_> {
        runs.iter()
            .filter(|r| r.split == split)
            .map(|r| r.measurement().unwrap())
            .collect()
    };
    let (fit, held) = (of(ServingSplit::Fit), of(ServingSplit::HeldOut));
    let mut c = ServingConstants::of(generation);
    if !names.is_empty() {
        let cal = calibrate(&fit, &c, &names).unwrap();
        c = cal.constants;
        for n in &names {
            println!("{n} = {:.4e}", c.get(n).unwrap());
        }
    }
    let (_, fm, fx) = errors(&fit, &c).unwrap();
    let (_, hm, hx) = errors(&held, &c).unwrap();
    println!(
        "fit: mean {:.1}% max {:.1}%   held out: mean {:.1}% max {:.1}%",
        100.0 * fm,
        100.0 * fx,
        100.0 * hm,
        100.0 * hx
    );
    for r in runs {
        let m = r.measurement().unwrap();
        let s = m.serve(&c).unwrap();
        let p = r.measured.metric.of(&s);
        let b = r.measured.metric.bound(&s);
        println!(
            "{:<9} {:<70} measured {:>10.4} bound {:>+7.1}% predicted {:>+7.1}%",
            format!("{:?}", r.split),
            r.name,
            r.measured.value,
            100.0 * m.error_of(b),
            100.0 * m.error_of(p)
        );
    }
}
