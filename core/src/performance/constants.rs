//! The measured efficiencies the step-time model multiplies datasheet
//! peaks by, one set per accelerator generation. They are data
//! (`core/data/performance.json`, each set with its sources), apart from
//! the equations in [`super::layer`] and [`super::step`], so a calibration
//! ([`super::calibrate`]) or a user's own measurements replace them
//! without touching code.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::calibrate::fittable;
use crate::error::{Error, Result};
use crate::hardware::Generation;

/// The shipped constants, one set per generation.
const DATA: &str = include_str!("../../data/performance.json");

/// What one generation of accelerators achieves of its peaks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Constants {
    /// Fraction of the dense peak a large matrix multiply reaches
    /// (cuBLAS/hipBLASLt on shapes of a billion FLOPs and more).
    pub matmul_efficiency: f64,
    /// Fixed time per matrix multiply, seconds: launch and tail effects,
    /// why small multiplies run below `matmul_efficiency`. A multiply of
    /// F FLOPs takes F / (peak x matmul_efficiency) + matmul_overhead.
    pub matmul_overhead: f64,
    /// Fraction of peak a fused attention kernel (FlashAttention) reaches
    /// in the forward pass, counting the FLOPs it executes.
    pub attention_forward: f64,
    /// The same in the backward pass (which executes 2.5x the forward's FLOPs).
    pub attention_backward: f64,
    /// Fraction of the memory bandwidth element-wise kernels (norms,
    /// activations, residual adds, softmax, the optimizer) reach.
    pub memory_efficiency: f64,
    /// Fixed time per element-wise kernel, seconds.
    pub kernel_overhead: f64,
    /// Fraction of the in-node link bandwidth collectives reach (NCCL bus bandwidth / link).
    pub intra_link_efficiency: f64,
    /// Fraction of the per-GPU network bandwidth collectives reach between nodes.
    pub inter_link_efficiency: f64,
    /// Time per step of a ring collective, seconds.
    pub latency: f64,
    /// Fitted to published runs (true) or carried over from a similar generation.
    pub calibrated: bool,
    /// Where the numbers come from.
    pub source: String,
}

fittable!(
    Constants,
    "performance constant",
    matmul_efficiency,
    matmul_overhead,
    attention_forward,
    attention_backward,
    memory_efficiency,
    kernel_overhead,
    intra_link_efficiency,
    inter_link_efficiency,
    latency,
);

impl Constants {
    /// The shipped constants of `generation`.
    pub fn of(generation: Generation) -> Constants {
        static TABLE: OnceLock<BTreeMap<String, Constants>> = OnceLock::new();
        let table = TABLE.get_or_init(|| {
            serde_json::from_str(DATA).expect("core/data/performance.json is checked by a test")
        });
        table
            .get(generation.name())
            .cloned()
            .expect("every generation has constants (checked by a test)")
    }

    /// Efficiencies in (0, 1], overheads and latency in [0, 1 s).
    pub fn check(&self) -> Result<()> {
        super::calibrate::check_ranges(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_generation_has_checked_constants_with_a_source() {
        for g in Generation::ALL {
            let c = Constants::of(g);
            c.check().unwrap();
            assert!(c.source.len() > 40, "{}", g.name());
        }
        let table: BTreeMap<String, Constants> = serde_json::from_str(DATA).unwrap();
        assert_eq!(table.len(), Generation::ALL.len());
    }

    #[test]
    fn names_reach_the_fields() {
        let mut c = Constants::of(Generation::Ampere);
        c.set("latency", 2e-6).unwrap();
        assert_eq!(c.get("latency").unwrap(), 2e-6);
        assert!(c.set("speed", 1.0).is_err());
        c.set("matmul_efficiency", 1.5).unwrap();
        assert!(c.check().is_err());
    }
}
