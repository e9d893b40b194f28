//! What a serving engine achieves of the hardware's peaks, one set per
//! accelerator generation: data (`core/data/serving.json`, each set with
//! its sources and how it was fitted), apart from the equations in
//! [`super::predict`], so `calibrate` or a user's own
//! measurements replace them without touching code. Links are priced
//! with the training model's link efficiencies
//! ([`crate::performance::Constants`]): the wires are the same.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::hardware::Generation;
use crate::performance::calibrate::fittable;

/// The shipped constants, one set per generation.
const DATA: &str = include_str!("../../data/serving.json");

/// What one generation of accelerators achieves when serving.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServingConstants {
    /// Fraction of the dense peak (of the weights' precision: fp8 weights
    /// multiply in fp8) a large matrix multiply reaches.
    pub matmul_efficiency: f64,
    /// Fraction of the memory bandwidth reached streaming weights and
    /// reading the KV cache.
    pub memory_efficiency: f64,
    /// Fraction of the bf16 peak a fused attention kernel reaches in
    /// prefill, counting the causal half of the score FLOPs.
    pub attention_efficiency: f64,
    /// Fixed time per matrix multiply (launch and tail), seconds.
    pub gemm_overhead: f64,
    /// Fixed time per other kernel (norms, activations, attention), seconds.
    pub kernel_overhead: f64,
    /// Fixed time of one tensor-parallel all-reduce inside a node
    /// (one-shot or two-shot custom all-reduce on small messages), seconds.
    pub allreduce_latency: f64,
    /// Fixed time per decode step (scheduling, sampling, host
    /// synchronisation), seconds.
    pub step_overhead: f64,
    /// Fixed time per prefill pass (the request's set-up, the first
    /// step's host work), seconds.
    pub prefill_overhead: f64,
    /// Share of a KV head's repeated reads that go to memory, where the
    /// decode kernel reads the head once per query head of its group
    /// (`grouped_kv_reads: false`); the rest hit the L2 cache.
    pub kv_reread_miss: f64,
    /// How much slower attention over a paged KV cache runs than over a
    /// contiguous one.
    pub paged_slowdown: f64,
    /// Fitted to published measurements (true) or carried over.
    pub calibrated: bool,
    /// Where the numbers come from.
    pub source: String,
}

fittable!(
    ServingConstants,
    "serving constant",
    matmul_efficiency,
    memory_efficiency,
    attention_efficiency,
    gemm_overhead,
    kernel_overhead,
    allreduce_latency,
    step_overhead,
    prefill_overhead,
    kv_reread_miss,
    paged_slowdown,
);

impl ServingConstants {
    /// The shipped constants of `generation`.
    pub fn of(generation: Generation) -> ServingConstants {
        static TABLE: OnceLock<BTreeMap<String, ServingConstants>> = OnceLock::new();
        let table = TABLE.get_or_init(|| {
            serde_json::from_str(DATA).expect("core/data/serving.json is checked by a test")
        });
        table
            .get(generation.name())
            .cloned()
            .expect("every generation has serving constants (checked by a test)")
    }

    /// Efficiencies in (0, 1], overheads and latency in [0, 1 s), the
    /// paged slowdown from 1 to 10.
    pub fn check(&self) -> Result<()> {
        crate::performance::calibrate::check_ranges(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_generation_has_checked_serving_constants_with_a_source() {
        for g in Generation::ALL {
            let c = ServingConstants::of(g);
            c.check().unwrap();
            assert!(c.source.len() > 40, "{}", g.name());
        }
        let table: BTreeMap<String, ServingConstants> = serde_json::from_str(DATA).unwrap();
        assert_eq!(table.len(), Generation::ALL.len());
        let mut c = ServingConstants::of(Generation::Hopper);
        c.set("paged_slowdown", 0.5).unwrap();
        assert!(c.check().is_err());
        assert!(c.set("speed", 1.0).is_err());
    }
}
