//! What a training run costs on a cluster: wall-clock time,
//! accelerator-hours, dollars and energy.

use serde::Serialize;

use crate::error::{check, Error, Result};

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
    use crate::hardware::{Accelerator, Precision};

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
    fn bad_clusters() {
        assert!(Cluster::new(1e15, 8.0, 1.5, None, None)
            .unwrap_err()
            .to_string()
            .contains("mfu must be in (0, 1]"));
        assert!(Cluster::new(1e15, 8.0, 0.0, None, None).is_err());
        assert!(Accelerator::by_name("A100")
            .unwrap()
            .peak(Precision::Fp8)
            .is_err());
    }
}
