//! Integration tests of this crate, one binary (one link step).

mod cli;
mod repl;
