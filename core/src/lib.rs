//! # scaling-lab-core
//!
//! The math of scaling-lab: scaling laws, compute-optimal allocation,
//! transformer accounting, training memory, serving, hardware, fitting,
//! vectors, tables and plots, as plain Rust with typed results and one
//! [`Error`] type. It depends on no scripting engine, terminal or Jupyter
//! crate: `scaling-lab-script` registers it into Rhai, and the
//! `scaling-lab` binary puts a command line, a REPL and a Jupyter kernel
//! on top. A notebook that needs only the math depends on this crate alone.
//!
//! ```
//! use scaling_lab_core::laws::Law;
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
pub mod atomic;
pub mod budget;
pub mod cost;
pub mod error;
pub mod fit;
pub mod hardware;
pub mod input;
pub mod laws;
pub mod memory;
pub mod numeric;
pub mod performance;
pub mod plot;
pub mod pyformat;
pub mod random;
pub mod serving;
pub mod show;
pub mod table;
pub mod transformer;
pub mod units;
pub mod vector;

pub use allocation::Allocation;
pub use error::{Error, Result};
pub use laws::Law;
pub use plot::{Chart, Figure};
pub use table::Table;
pub use vector::{Mask, Vector};
