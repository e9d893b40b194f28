//! Accelerator memory: what training keeps on each GPU (model states and
//! activations under data, tensor, pipeline, sequence and expert
//! parallelism) and what serving keeps (weights and KV cache).

mod activations;
mod options;
mod training;

pub use activations::{activation_bytes_per_layer, ActivationShape, GatedActivations, Recompute};
pub use options::{report, Fit, TrainingOptions, TrainingReport};
pub use training::{training_memory, Optimizer, Parallelism, Precisions, TrainingMemory};

use crate::transformer::Transformer;

/// A model as the memory functions take it: a shape (every count and
/// activation known) or a bare parameter count (model states only).
#[derive(Debug, Clone, Copy)]
pub enum ModelSpec<'a> {
    /// A transformer's shape.
    Shape(&'a Transformer),
    /// A parameter count.
    Params(f64),
}
