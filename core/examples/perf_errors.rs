//! Prints each published run's prediction and error with the shipped
//! constants: the accuracy table of docs/performance.md.
use scaling_lab_core::performance::runs::{published, Split};

fn main() {
    for split in [Split::Fit, Split::HeldOut, Split::Goodput] {
        println!("{split:?}");
        let mut sum = 0.0;
        let mut n = 0.0;
        for r in published().iter().filter(|r| r.split == split) {
            let c = r.default_constants();
            let run = r.measurement().unwrap();
            let p = run.predict(&c).unwrap();
            let e = run.error_of(p);
            sum += e.abs();
            n += 1.0;
            println!(
                "  {:<70} measured {:>8.3} predicted {:>8.3} error {:+6.1}%",
                r.name,
                r.measured.value,
                p,
                100.0 * e
            );
        }
        println!("  mean |error| {:.1}%", 100.0 * sum / n);
    }
}
