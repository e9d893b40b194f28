//! Accelerators described by their figures: `hardware(#{name, memory,
//! bandwidth, bf16, ...})` in scripts, or a catalog board with some
//! figures changed (`hardware("H100", #{name: "H800", interconnect:
//! 400e9})`). Every figure is checked by its meaning: positive, finite
//! and within a bound no accelerator comes near.

use std::borrow::Cow;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Accelerator, Generation};
use crate::error::{check, Result};
use crate::input::{Count, Positive};

/// An accelerator's figures, for a board the catalog does not have.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceleratorSpec {
    /// Its name.
    pub name: String,
    /// Memory, bytes.
    pub memory: Positive,
    /// Memory bandwidth, bytes/s.
    pub bandwidth: Positive,
    /// Peak dense BF16 throughput, FLOP/s.
    pub bf16: Positive,
    /// Device-to-device bandwidth, bidirectional, bytes/s.
    #[serde(default)]
    pub interconnect: Option<Positive>,
    /// Peak dense FP8 throughput, FLOP/s.
    #[serde(default)]
    pub fp8: Option<Positive>,
    /// Peak dense INT8 throughput, OP/s.
    #[serde(default)]
    pub int8: Option<Positive>,
    /// Peak dense FP4 throughput, FLOP/s.
    #[serde(default)]
    pub fp4: Option<Positive>,
    /// Peak dense TF32 throughput, FLOP/s.
    #[serde(default)]
    pub tf32: Option<Positive>,
    /// Board power, watts.
    #[serde(default)]
    pub watts: Option<Positive>,
    /// Whose calibrated performance constants apply (`perf_model()` lists
    /// them); "hopper" when absent.
    #[serde(default)]
    pub generation: Option<Generation>,
    /// Accelerators per node (8 when absent).
    #[serde(default)]
    pub gpus_per_node: Option<Count>,
    /// Bandwidth inside the node per accelerator and direction, bytes/s;
    /// half of `interconnect` when absent (32 GB/s, PCIe 4.0 x16, without one).
    #[serde(default)]
    pub intra_node_bandwidth: Option<Positive>,
    /// Bandwidth out of the node per accelerator and direction, bytes/s;
    /// 50 GB/s (one 400 Gb/s NIC per accelerator) when absent.
    #[serde(default)]
    pub inter_node_bandwidth: Option<Positive>,
    /// Where the node figures come from.
    #[serde(default)]
    pub system: Option<String>,
    /// Where the figures come from.
    #[serde(default)]
    pub source: Option<String>,
}

/// PCIe 4.0 x16, per direction: what a board without a device link has.
const PCIE4_X16: f64 = 32e9;
/// One 400 Gb/s NIC per accelerator (DGX H100's ConnectX-7s).
const NIC_400G: f64 = 50e9;

impl AcceleratorSpec {
    /// The accelerator, every figure checked.
    pub fn build(self) -> Result<Accelerator> {
        let flops = |arg: &str, v: Option<Positive>| -> Result<Option<f64>> {
            v.map(|v| check::positive_at_most(arg, v.get(), 1e18))
                .transpose()
        };
        let rate = |arg: &str, v: Option<Positive>| -> Result<Option<f64>> {
            v.map(|v| check::positive_at_most(arg, v.get(), 1e15))
                .transpose()
        };
        let memory = check::positive_at_most("memory", self.memory.get(), 1e14)?;
        if memory < 1e6 {
            return Err(crate::Error::invalid(
                "memory",
                "bytes (at least 1e6: 80 GB is 80e9)",
                memory,
            ));
        }
        let interconnect = rate("interconnect", self.interconnect)?;
        let intra = rate("intra_node_bandwidth", self.intra_node_bandwidth)?
            .unwrap_or(interconnect.map_or(PCIE4_X16, |i| i / 2.0));
        let inter = rate("inter_node_bandwidth", self.inter_node_bandwidth)?.unwrap_or(NIC_400G);
        let gpus_per_node = self.gpus_per_node.map_or(8.0, Count::get);
        check::positive_at_most("gpus_per_node", gpus_per_node, 1e5)?;
        if self.name.trim().is_empty() || self.name.chars().count() > 100 {
            return Err(crate::Error::InvalidArgument {
                arg: "name".into(),
                expected: "a name of 1 to 100 characters",
                value: format!("{:?}", self.name),
            });
        }
        Ok(Accelerator {
            name: Cow::Owned(self.name),
            aliases: &[],
            memory,
            bandwidth: check::positive_at_most("bandwidth", self.bandwidth.get(), 1e15)?,
            interconnect,
            bf16: check::positive_at_most("bf16", self.bf16.get(), 1e18)?,
            fp8: flops("fp8", self.fp8)?,
            int8: flops("int8", self.int8)?,
            fp4: flops("fp4", self.fp4)?,
            tf32: flops("tf32", self.tf32)?,
            watts: self
                .watts
                .map(|w| check::positive_at_most("watts", w.get(), 1e5))
                .transpose()?,
            generation: self.generation.unwrap_or(Generation::Hopper),
            gpus_per_node,
            intra_node_bandwidth: intra,
            inter_node_bandwidth: inter,
            system: Cow::Owned(self.system.unwrap_or_else(|| {
                "user-described; node figures defaulted where not given".into()
            })),
            source: Cow::Owned(self.source.unwrap_or_else(|| "user-described".into())),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(json: serde_json::Value) -> Result<Accelerator> {
        let s: AcceleratorSpec = serde_json::from_value(json).map_err(|e| crate::Error::Parse {
            what: "hardware",
            text: String::new(),
            reason: e.to_string(),
        })?;
        s.build()
    }

    #[test]
    fn a_described_board_gets_defaults_and_checks() {
        let a = spec(serde_json::json!({
            "name": "X1", "memory": 96e9, "bandwidth": 4e12, "bf16": 148e12, "interconnect": 900e9
        }))
        .unwrap();
        assert_eq!(a.intra_node_bandwidth, 450e9);
        assert_eq!(a.inter_node_bandwidth, 50e9);
        assert_eq!(a.generation, Generation::Hopper);
        let e = spec(serde_json::json!({
            "name": "X1", "memory": 96e9, "bandwidth": 4e12, "bf16": 1e300
        }))
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("bf16 must be a positive number within its limit"),
            "{e}"
        );
        assert!(spec(
            serde_json::json!({"name": "X1", "memory": 96, "bandwidth": 4e12, "bf16": 1e14})
        )
        .unwrap_err()
        .to_string()
        .contains("memory must be bytes"));
    }
}
