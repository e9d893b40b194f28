//! Accelerators and what a training run costs on them: wall-clock time,
//! accelerator-hours, dollars and energy.

use serde::Serialize;

use crate::error::{check, Error, Result};

/// One accelerator's datasheet numbers (dense, without structured sparsity).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Accelerator {
    /// Catalog name.
    pub name: &'static str,
    /// Peak dense BF16 (or FP16) tensor throughput, FLOP/s.
    pub bf16: f64,
    /// Peak dense FP8 throughput, FLOP/s, where the chip has it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fp8: Option<f64>,
    /// Peak dense TF32 throughput, FLOP/s, where the chip has it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tf32: Option<f64>,
    /// Board power (TDP / TBP), watts, where published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub watts: Option<f64>,
    /// Where the numbers come from.
    pub source: &'static str,
}

/// The catalog. Sparse ("with sparsity") datasheet figures are halved to dense.
pub const CATALOG: &[Accelerator] = &[
    Accelerator {
        name: "A100",
        bf16: 312e12,
        fp8: None,
        tf32: Some(156e12),
        watts: Some(400.0),
        source: "NVIDIA A100 Tensor Core GPU datasheet (SXM4): BF16 312 TFLOPS, TF32 156 TFLOPS, 400 W",
    },
    Accelerator {
        name: "H100",
        bf16: 989e12,
        fp8: Some(1979e12),
        tf32: Some(494.5e12),
        watts: Some(700.0),
        source: "NVIDIA H100 Tensor Core GPU datasheet (SXM5): BF16 1,979 / FP8 3,958 TFLOPS with sparsity (half dense), up to 700 W",
    },
    Accelerator {
        name: "H200",
        bf16: 989e12,
        fp8: Some(1979e12),
        tf32: Some(494.5e12),
        watts: Some(700.0),
        source: "NVIDIA H200 Tensor Core GPU datasheet (SXM): same tensor throughput as H100 SXM, up to 700 W",
    },
    Accelerator {
        name: "B200",
        bf16: 2.25e15,
        fp8: Some(4.5e15),
        tf32: Some(1.1e15),
        watts: Some(1000.0),
        source: "NVIDIA HGX B200 datasheet: per GPU FP8 9 / BF16 4.5 PFLOPS with sparsity (half dense), 1,000 W",
    },
    Accelerator {
        name: "MI300X",
        bf16: 1307.4e12,
        fp8: Some(2614.9e12),
        tf32: Some(653.7e12),
        watts: Some(750.0),
        source: "AMD Instinct MI300X data sheet: FP16/BF16 1,307.4 TFLOPS, FP8 2,614.9 TFLOPS dense, 750 W TBP",
    },
    Accelerator {
        name: "TPUv4",
        bf16: 275e12,
        fp8: None,
        tf32: None,
        watts: Some(192.0),
        source: "Jouppi et al. 2023, TPU v4 (ISCA): 275 TFLOPS BF16 peak per chip, 192 W max",
    },
    Accelerator {
        name: "TPUv5p",
        bf16: 459e12,
        fp8: None,
        tf32: None,
        watts: None,
        source: "Google Cloud TPU v5p documentation: 459 TFLOPS BF16 per chip (power not published)",
    },
];

impl Accelerator {
    /// Look up by name, ignoring case and the punctuation people add ("h100", "TPU v4").
    pub fn by_name(name: &str) -> Result<Accelerator> {
        let key: String = name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        CATALOG
            .iter()
            .find(|a| a.name.to_ascii_lowercase() == key)
            .copied()
            .ok_or_else(|| Error::unknown("hardware", name, CATALOG.iter().map(|a| a.name)))
    }

    /// Peak throughput at a precision: "bf16" (or "fp16"), "fp8", "tf32".
    pub fn peak(&self, precision: &str) -> Result<f64> {
        let v = match precision.to_ascii_lowercase().as_str() {
            "bf16" | "fp16" => Some(self.bf16),
            "fp8" => self.fp8,
            "tf32" => self.tf32,
            _ => {
                return Err(Error::unknown(
                    "precision",
                    precision,
                    ["bf16", "fp16", "fp8", "tf32"],
                ));
            }
        };
        v.ok_or_else(|| Error::InvalidArgument {
            arg: "precision".into(),
            expected: "a precision this accelerator supports",
            value: format!("{precision} on {}", self.name),
        })
    }
}

/// A cluster: how many accelerators of which peak, at what utilisation and price.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Cluster {
    /// Peak FLOP/s of one accelerator.
    pub peak: f64,
    /// Accelerators.
    pub count: f64,
    /// Model FLOPs utilisation, in (0, 1].
    pub mfu: f64,
    /// Price per accelerator-hour, if known.
    pub usd_per_hour: Option<f64>,
    /// Power per accelerator, if known.
    pub watts: Option<f64>,
}

/// Time, accelerator-hours, money and energy of a run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrainCost {
    /// Training FLOPs.
    pub flops: f64,
    /// Sustained cluster throughput, FLOP/s (peak x count x MFU).
    #[serde(rename = "sustained_flops")]
    pub sustained: f64,
    /// Wall-clock hours.
    pub hours: f64,
    /// Wall-clock days.
    pub days: f64,
    /// Accelerator-hours.
    pub accelerator_hours: f64,
    /// Dollars, when a price was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usd: Option<f64>,
    /// kWh drawn by the accelerators alone (board power x hours), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub energy_kwh: Option<f64>,
}

impl Cluster {
    /// Check every field.
    pub fn new(
        peak: f64,
        count: f64,
        mfu: f64,
        usd_per_hour: Option<f64>,
        watts: Option<f64>,
    ) -> Result<Cluster> {
        // A bound on each input keeps every product below f64's range, so
        // a typo (count 1e308) is an error, not a run of 0 days for $0.
        check::positive_at_most("peak_flops", peak, 1e22)?;
        check::positive_at_most("count", count, 1e8)?;
        if !(mfu.is_finite() && mfu > 0.0 && mfu <= 1.0) {
            return Err(Error::invalid(
                "mfu",
                "in (0, 1] (model FLOPs utilisation)",
                mfu,
            ));
        }
        if let Some(p) = usd_per_hour {
            check::non_negative("usd_per_hour", p)?;
            if p > 1e6 {
                check::positive_at_most("usd_per_hour", p, 1e6)?;
            }
        }
        if let Some(w) = watts {
            check::positive_at_most("watts", w, 1e7)?;
        }
        Ok(Cluster {
            peak,
            count,
            mfu,
            usd_per_hour,
            watts,
        })
    }

    /// Sustained FLOP/s.
    pub fn sustained(&self) -> f64 {
        self.peak * self.count * self.mfu
    }

    /// What `flops` of training costs on this cluster.
    pub fn cost(&self, flops: f64) -> Result<TrainCost> {
        let flops = check::positive("flops", flops)?;
        if flops / self.sustained() / 3600.0 < 1e-12 {
            return Err(Error::invalid(
                "flops",
                "large enough to take a measurable time on this cluster",
                flops,
            ));
        }
        let seconds = flops / self.sustained();
        let hours = seconds / 3600.0;
        let acc_hours = hours * self.count;
        Ok(TrainCost {
            flops,
            sustained: self.sustained(),
            hours,
            days: hours / 24.0,
            accelerator_hours: acc_hours,
            usd: self.usd_per_hour.map(|p| p * acc_hours),
            energy_kwh: self.watts.map(|w| w * acc_hours / 1000.0),
        })
    }

    /// The training FLOPs a budget buys: dollars (needs a price) or days.
    pub fn flops_for(&self, usd: Option<f64>, days: Option<f64>) -> Result<f64> {
        let seconds = match (usd, days) {
            (Some(u), None) => {
                let price = self.usd_per_hour.ok_or(Error::InvalidArgument {
                    arg: "usd_per_hour".into(),
                    expected: "given when the budget is in dollars",
                    value: "missing".into(),
                })?;
                check::positive("usd_per_hour", price)?;
                check::positive_at_most("usd", u, 1e15)? / (price * self.count) * 3600.0
            }
            (None, Some(d)) => check::positive_at_most("days", d, 1e6)? * 86_400.0,
            _ => {
                return Err(Error::InvalidArgument {
                    arg: "budget".into(),
                    expected: "exactly one of usd or days",
                    value: format!("usd {usd:?}, days {days:?}"),
                })
            }
        };
        Ok(seconds * self.sustained())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gpt2_small_on_8_a100() {
        // 124,337,664 params x 300B tokens on 8 A100 (312 TFLOP/s) at 30% MFU: 3.46 days.
        let a100 = Accelerator::by_name("a100").unwrap();
        let c = Cluster::new(a100.bf16, 8.0, 0.3, Some(2.0), a100.watts).unwrap();
        let cost = c.cost(6.0 * 124_337_664.0 * 300e9).unwrap();
        assert_eq!(format!("{:.2}", cost.days), "3.46");
        assert!((cost.accelerator_hours - cost.hours * 8.0).abs() < 1e-9);
        assert!((cost.usd.unwrap() - 2.0 * cost.accelerator_hours).abs() < 1e-6);
        assert!((cost.energy_kwh.unwrap() - 0.4 * cost.accelerator_hours).abs() < 1e-6);
    }

    #[test]
    fn names_and_bad_input() {
        assert_eq!(Accelerator::by_name("TPU v4").unwrap().name, "TPUv4");
        let e = Accelerator::by_name("V100").unwrap_err().to_string();
        assert_eq!(
            e,
            "unknown hardware 'V100'; known: A100, H100, H200, B200, MI300X, TPUv4, TPUv5p"
        );
        assert!(Cluster::new(1e15, 8.0, 1.5, None, None)
            .unwrap_err()
            .to_string()
            .contains("mfu must be in (0, 1]"));
        assert!(Cluster::new(1e15, 8.0, 0.0, None, None).is_err());
        assert!(Accelerator::by_name("A100").unwrap().peak("fp8").is_err());
    }
}
