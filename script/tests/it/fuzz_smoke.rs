//! A short, seeded run of the fuzz target's random programs (the full
//! `cargo fuzz` run is in `fuzz/`): none may panic or run past the limits.

#[path = "../../../fuzz/fuzz_targets/program.rs"]
mod program;

use std::time::{Duration, Instant};

use scaling_lab_script::Interpreter;
use scaling_lab_script::{EngineConfig, Limits};

#[test]
fn random_programs_never_panic_or_hang() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Interpreter::with_config(
        EngineConfig {
            limits: Limits {
                max_operations: 200_000,
                max_array_size: 100_000,
                ..Limits::default()
            },
            out_dir: Some(dir.path().to_path_buf()),
            print: Some(scaling_lab_script::Printer::new(|_| {})),
            output: Some(scaling_lab_script::state::OutputSink::new(|_| {})),
            ..EngineConfig::default()
        },
        false,
    );
    // xorshift: reproducible bytes without a dependency.
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut byte = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 24) as u8
    };
    let (mut ok, mut errors) = (0, 0);
    for _ in 0..1500 {
        let len = byte() % 24;
        let data: Vec<u8> = (0..len).map(|_| byte()).collect();
        let code = program::program(&data);
        s.reset();
        let t = Instant::now();
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| s.run(&code)));
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "took {:?}:\n{code}",
            t.elapsed()
        );
        match r {
            Err(_) => panic!("panicked on:\n{code}"),
            Ok(Ok(_)) => ok += 1,
            Ok(Err(_)) => errors += 1,
        }
    }
    println!("1500 random programs: {ok} ran, {errors} stopped with an error, 0 panics");
}
