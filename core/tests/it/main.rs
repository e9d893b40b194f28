//! Integration tests of this crate, one binary (one link step).

mod common;
mod coverage;
mod fit;
mod golden;
mod layers;
