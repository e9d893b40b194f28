//! Accelerators (memory, bandwidth, interconnect, peak throughput by
//! precision, power, the node they usually come in) and what a training
//! run costs on a cluster of them.
//!
//! An accelerator is a value: the catalog's boards by name
//! ([`Accelerator::by_name`]), or any board described by its figures (a
//! map with at least `name`, `memory`, `bandwidth` and `bf16`). Options
//! that take `hardware` take either ([`Accelerator`]'s `Deserialize`).

mod catalog;
mod cluster;
mod custom;
mod options;
mod precision;

use std::borrow::Cow;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
pub use catalog::CATALOG;
pub use cluster::{Cluster, TrainCost};
pub use custom::AcceleratorSpec;
pub use options::{
    peak_of, BudgetOptions, ClusterOptions, MfuOptions, PredictedMfu, TrainCostOptions,
};
pub use precision::Precision;

/// The architecture generation an accelerator belongs to: which set of
/// calibrated efficiency constants the performance model uses for it
/// (`perf_model(generation)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Generation {
    /// NVIDIA Ampere (A100).
    Ampere,
    /// NVIDIA Ada Lovelace (L40S).
    Ada,
    /// NVIDIA Hopper (H100, H800, H200, H20).
    Hopper,
    /// NVIDIA Blackwell (B200, GB200).
    Blackwell,
    /// AMD CDNA 3 (MI300X, MI325X).
    Cdna3,
    /// AMD CDNA 4 (MI355X).
    Cdna4,
    /// Google TPUs.
    Tpu,
}

impl Generation {
    /// Every generation, in the order `perf_model()` lists them.
    pub const ALL: [Generation; 7] = [
        Generation::Ampere,
        Generation::Ada,
        Generation::Hopper,
        Generation::Blackwell,
        Generation::Cdna3,
        Generation::Cdna4,
        Generation::Tpu,
    ];

    /// The name as options write it.
    pub fn name(self) -> &'static str {
        match self {
            Generation::Ampere => "ampere",
            Generation::Ada => "ada",
            Generation::Hopper => "hopper",
            Generation::Blackwell => "blackwell",
            Generation::Cdna3 => "cdna3",
            Generation::Cdna4 => "cdna4",
            Generation::Tpu => "tpu",
        }
    }

    /// Parse a generation's name.
    pub fn parse(name: &str) -> Result<Generation> {
        Generation::ALL
            .into_iter()
            .find(|g| g.name().eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                Error::unknown(
                    "accelerator generation",
                    name,
                    Generation::ALL.map(Generation::name),
                )
            })
    }
}

/// One accelerator's datasheet numbers (dense throughput, no sparsity)
/// and the node it usually comes in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Accelerator {
    /// Catalog name ("H100 SXM").
    pub name: Cow<'static, str>,
    /// Other names it answers to ("H100").
    #[serde(skip)]
    pub aliases: &'static [&'static str],
    /// Memory, bytes.
    pub memory: f64,
    /// Memory bandwidth, bytes/s.
    pub bandwidth: f64,
    /// Device-to-device bandwidth per device (NVLink, Infinity Fabric, ICI;
    /// bidirectional, as vendors state it), bytes/s, where published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interconnect: Option<f64>,
    /// Peak dense BF16 (or FP16) tensor throughput, FLOP/s.
    pub bf16: f64,
    /// Peak dense FP8 throughput, FLOP/s, where the chip has it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fp8: Option<f64>,
    /// Peak dense INT8 throughput, OP/s, where published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub int8: Option<f64>,
    /// Peak dense FP4 throughput, FLOP/s, where the chip has it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fp4: Option<f64>,
    /// Peak dense TF32 throughput, FLOP/s, where the chip has it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tf32: Option<f64>,
    /// Board power (TDP / TBP, or measured maximum), watts, where published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub watts: Option<f64>,
    /// Which calibrated performance constants apply.
    pub generation: Generation,
    /// Accelerators in the fast domain of its usual system (a DGX/HGX
    /// node's 8; an NVL72 rack's 72; a TPU pod slice).
    pub gpus_per_node: f64,
    /// Bandwidth to the other accelerators of its node, per accelerator
    /// and direction, bytes/s (NVLink through NVSwitch: half the
    /// bidirectional `interconnect`).
    pub intra_node_bandwidth: f64,
    /// Bandwidth out of the node, per accelerator and direction, bytes/s
    /// (one InfiniBand/RoCE NIC per GPU in DGX-style systems).
    pub inter_node_bandwidth: f64,
    /// Where the node figures come from.
    pub system: Cow<'static, str>,
    /// Where the numbers come from.
    pub source: Cow<'static, str>,
}

/// Lower-case letters and digits only, so "TPU v5e", "tpu-v5e" and "tpuv5e" match.
fn key(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

impl Accelerator {
    /// Look up by name or alias, ignoring case and punctuation ("h100",
    /// "TPU v5e", "tpu-v5e"). "H100" is the SXM board.
    pub fn by_name(name: &str) -> Result<Accelerator> {
        let k = key(name);
        CATALOG
            .iter()
            .find(|a| key(&a.name) == k || a.aliases.iter().any(|x| key(x) == k))
            .cloned()
            .ok_or_else(|| Error::UnknownHardware {
                name: name.into(),
                known: CATALOG.iter().map(|a| a.name.to_string()).collect(),
            })
    }

    /// Peak throughput computing in `precision`; an error when the chip
    /// has no such unit. (fp32 means the tensor cores' TF32 mode, the only
    /// fp32 matrix path on these chips; int4 weights are multiplied in
    /// bf16, so their peak is bf16's.)
    pub fn peak(&self, precision: Precision) -> Result<f64> {
        let v = match precision {
            Precision::Bf16 | Precision::Int4 => Some(self.bf16),
            Precision::Fp8 => self.fp8,
            Precision::Int8 => self.int8,
            Precision::Fp4 => self.fp4,
            Precision::Tf32 | Precision::Fp32 => self.tf32,
        };
        v.ok_or_else(|| Error::InvalidArgument {
            arg: "precision".into(),
            expected: "a precision this accelerator computes in",
            value: format!("{} on {}", precision.name(), self.name),
        })
    }

    /// Peak throughput in `precision`, or in bf16 when the chip has no
    /// faster unit for it (weight-only quantised serving on a chip without
    /// fp8 or int8 units multiplies in bf16).
    pub fn peak_or_bf16(&self, precision: Precision) -> f64 {
        self.peak(precision).unwrap_or(self.bf16).max(self.bf16)
    }
}

impl<'de> Deserialize<'de> for Accelerator {
    /// A catalog name, or a map of figures ([`AcceleratorSpec`]).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        use serde::de::{self, Visitor};
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Accelerator;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a hardware name or a hardware(...) value")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Accelerator, E> {
                Accelerator::by_name(v).map_err(E::custom)
            }
            fn visit_map<A: de::MapAccess<'de>>(
                self,
                m: A,
            ) -> std::result::Result<Accelerator, A::Error> {
                let spec = AcceleratorSpec::deserialize(de::value::MapAccessDeserializer::new(m))?;
                spec.build().map_err(de::Error::custom)
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for Accelerator {
    fn schema_name() -> Cow<'static, str> {
        "Hardware".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "a hardware name (hardware() lists them) or a hardware(...) value"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_aliases_and_bad_input() {
        assert_eq!(Accelerator::by_name("TPU v4").unwrap().name, "TPU v4");
        assert_eq!(Accelerator::by_name("tpu-v5e").unwrap().name, "TPU v5e");
        assert_eq!(Accelerator::by_name("h100").unwrap().name, "H100 SXM");
        assert_eq!(Accelerator::by_name("H100 PCIe").unwrap().bf16, 756.5e12);
        let e = Accelerator::by_name("V100").unwrap_err().to_string();
        assert!(
            e.starts_with("unknown hardware 'V100'; known: A100 SXM, H100 SXM, H100 PCIe"),
            "{e}"
        );
        assert!(e.contains("hardware(#{name: \"V100\""), "{e}");
        assert!(Accelerator::by_name("A100")
            .unwrap()
            .peak(Precision::Fp8)
            .is_err());
    }

    #[test]
    fn catalog_is_whole_and_dense_figures_are_half_the_sparse_ones() {
        for a in CATALOG {
            assert!(
                a.memory > 1e10 && a.bandwidth > 5e11 && a.bf16 > 1e14,
                "{}",
                a.name
            );
            if let Some(f) = a.fp8 {
                assert!(f >= a.bf16, "{}", a.name);
            }
            assert!(a.gpus_per_node >= 1.0 && a.intra_node_bandwidth >= a.inter_node_bandwidth);
        }
        // H100 SXM datasheet: BF16 1,979 and FP8 3,958 TFLOPS with sparsity.
        let h = Accelerator::by_name("H100").unwrap();
        assert_eq!(h.bf16 * 2.0, 1979e12);
        assert_eq!(h.fp8.unwrap() * 2.0, 3958e12);
        assert_eq!(h.memory, 80e9);
        assert_eq!(h.bandwidth, 3.35e12);
        // DGX H100: NVLink 900 GB/s bidirectional, 8 x 400 Gb/s NICs.
        assert_eq!(
            (
                h.gpus_per_node,
                h.intra_node_bandwidth,
                h.inter_node_bandwidth
            ),
            (8.0, 450e9, 50e9)
        );
        // H200: H100's compute, more and faster memory.
        let h200 = Accelerator::by_name("H200").unwrap();
        assert_eq!(
            (h200.bf16, h200.memory, h200.bandwidth),
            (h.bf16, 141e9, 4.8e12)
        );
        // H800: H100's compute, NVLink cut to 400 GB/s.
        let h800 = Accelerator::by_name("H800").unwrap();
        assert_eq!((h800.bf16, h800.interconnect), (h.bf16, Some(400e9)));
        assert_eq!(h800.intra_node_bandwidth, 200e9);
        assert_eq!(
            Accelerator::by_name("A100")
                .unwrap()
                .peak_or_bf16(Precision::Fp8),
            312e12
        );
    }
}
