//! Accelerators (memory, bandwidth, interconnect, peak throughput by
//! precision, power) and what a training run costs on a cluster of them.

mod catalog;
mod cluster;
mod options;
mod precision;

use serde::Serialize;

use crate::error::{Error, Result};
pub use catalog::CATALOG;
pub use cluster::{Cluster, TrainCost};
pub use options::{peak_of, BudgetOptions, ClusterOptions, MfuOptions, TrainCostOptions};
pub use precision::Precision;

/// One accelerator's datasheet numbers (dense throughput, no sparsity).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Accelerator {
    /// Catalog name ("H100 SXM").
    pub name: &'static str,
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
    /// Where the numbers come from.
    pub source: &'static str,
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
            .find(|a| key(a.name) == k || a.aliases.iter().any(|x| key(x) == k))
            .copied()
            .ok_or_else(|| Error::unknown("hardware", name, CATALOG.iter().map(|a| a.name)))
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
        assert!(e.starts_with("unknown hardware 'V100'; known: A100 SXM, H100 SXM, H100 PCIe"));
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
        }
        // H100 SXM datasheet: BF16 1,979 and FP8 3,958 TFLOPS with sparsity.
        let h = Accelerator::by_name("H100").unwrap();
        assert_eq!(h.bf16 * 2.0, 1979e12);
        assert_eq!(h.fp8.unwrap() * 2.0, 3958e12);
        assert_eq!(h.memory, 80e9);
        assert_eq!(h.bandwidth, 3.35e12);
        // H200: H100's compute, more and faster memory.
        let h200 = Accelerator::by_name("H200").unwrap();
        assert_eq!(
            (h200.bf16, h200.memory, h200.bandwidth),
            (h.bf16, 141e9, 4.8e12)
        );
        assert_eq!(
            Accelerator::by_name("A100")
                .unwrap()
                .peak_or_bf16(Precision::Fp8),
            312e12
        );
    }
}
