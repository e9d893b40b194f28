//! Integration tests of this crate, one binary (one link step).

mod bad_input;
mod catalog;
mod common;
mod docs;
mod errors;
mod fit_errors;
mod fuzz_smoke;
mod hardening;
mod memory;
mod performance;
mod plots;
mod scripts;
mod uncertainty;
mod vectors;
