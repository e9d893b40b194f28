//! Refits the shipped constants to the runs marked "fit" and prints them
//! with the errors on both splits: how core/data/performance.json's
//! fitted numbers were obtained.
use scaling_lab_core::hardware::Generation;
use scaling_lab_core::performance::calibrate::{calibrate, errors};
use scaling_lab_core::performance::runs::{published, Split};

fn main() {
    let names: Vec<String> = std::env::args().skip(2).collect();
    let generation =
        Generation::parse(&std::env::args().nth(1).unwrap_or("ampere".into())).unwrap();
    let of = |split| -> Vec<_> {
        published()
            .iter()
            .filter(|r| r.split == split && r.options.hardware.generation == generation)
            .map(|r| r.measurement().unwrap())
            .collect()
    };
    let (fit, held) = (of(Split::Fit), of(Split::HeldOut));
    let base = scaling_lab_core::performance::Constants::of(generation);
    let cal = calibrate(&fit, &base, &names).unwrap();
    for n in &names {
        println!("{n} = {:.4e}", cal.constants.get(n).unwrap());
    }
    println!(
        "fit: mean {:.1}% max {:.1}%",
        100.0 * cal.mean_abs_error,
        100.0 * cal.max_abs_error
    );
    let (e, mean, max) = errors(&held, &cal.constants).unwrap();
    println!(
        "held out: mean {:.1}% max {:.1}%",
        100.0 * mean,
        100.0 * max
    );
    for (r, e) in held.iter().zip(e) {
        println!("  {:<60} {:+.1}%", r.model.name, 100.0 * e);
    }
    for (r, e) in fit.iter().zip(cal.errors) {
        println!("  fit {:<60} {:+.1}%", r.model.name, 100.0 * e);
    }
}
