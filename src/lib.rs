//! # scaling-lab
//!
//! Scaling laws, compute-optimal allocation, transformer shape sweeps and
//! training cost, as a Rust library and as functions of an embedded Rhai
//! scripting engine.
//!
//! The core modules ([`laws`], [`allocation`], [`architecture`], [`cost`],
//! [`units`], [`table`]) are plain `f64` math with typed results and one
//! [`Error`] type. [`script`] registers them into Rhai; front ends (the
//! `scaling-lab` binary, notebooks) use the script layer or the core.
//!
//! ```
//! use scaling_lab::laws::Law;
//!
//! let chinchilla = Law::chinchilla();
//! // Hoffmann et al. 2022 eq. 10 at Chinchilla's own size: 70B params, 1.4T tokens.
//! let loss = chinchilla.loss(70e9, 1.4e12).unwrap();
//! assert!((loss - 1.9366).abs() < 5e-4);
//!
//! // Compute-optimal allocation of Gopher's budget (eq. 4).
//! let best = chinchilla.optimal(5.76e23).unwrap();
//! assert!((best.n / 3.219e10 - 1.0).abs() < 1e-3);
//! ```

pub mod allocation;
pub mod architecture;
pub mod budget;
#[cfg(feature = "cli")]
pub mod cli;
#[cfg(feature = "cli")]
pub mod console;
pub mod cost;
pub mod error;
pub mod fit;
pub mod hardware;
#[cfg(feature = "kernel")]
pub mod kernel;
pub mod laws;
pub mod memory;
pub mod notebook;
pub mod numeric;
pub mod output;
pub mod plot;
pub mod pyformat;
#[cfg(feature = "cli")]
pub mod repl;
pub mod script;
pub mod serving;
pub mod session;
pub mod table;
pub mod transformer;
pub mod units;
pub mod vector;

pub use allocation::Allocation;
pub use error::{Error, Result};
pub use laws::Law;
pub use plot::{Chart, Figure};
pub use session::worker::Session;
pub use session::{Interpreter, Outcome, ScriptError};
pub use table::Table;
pub use vector::{Mask, Vector};
