//! Random programs built from the registered names and edge values, run
//! under small limits: no input may panic, abort or hang.
//!
//!     cargo +nightly fuzz run eval -- -max_total_time=600
#![no_main]

use std::cell::RefCell;

use libfuzzer_sys::fuzz_target;
use scaling_lab_script::{EngineConfig, Limits};
use scaling_lab_script::Interpreter;

mod program;
use program::program;

thread_local! {
    static SESSION: RefCell<Interpreter> = RefCell::new({
        let dir = std::env::temp_dir().join("scaling-lab-fuzz");
        let _ = std::fs::create_dir_all(&dir);
        Interpreter::with_config(
            EngineConfig {
                limits: Limits {
                    max_operations: 50_000,
                    max_array_size: 20_000,
                    max_memory: 0,
                    ..Limits::default()
                },
                out_dir: Some(dir),
                print: Some(scaling_lab_script::Printer::new(|_| {})),
                output: Some(scaling_lab_script::state::OutputSink::new(|_| {})),
                ..EngineConfig::default()
            },
            false,
        )
    });
}

fuzz_target!(|data: &[u8]| {
    let code = program(data);
    if std::env::var_os("FUZZ_SHOW").is_some() {
        eprintln!("{code}");
    }
    SESSION.with(|s| {
        let mut s = s.borrow_mut();
        s.reset();
        let _ = s.run(&code);
    });
});
