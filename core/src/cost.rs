//! Compute units and wall-clock time.

use serde::Serialize;

use crate::error::{check, Result};
use crate::table::Record;

/// FLOPs in one petaflop/s-day: 1e15 FLOP/s for 86,400 s (Kaplan et al. 2020
/// §1.3 defines PF-days this way: 1 PF-day = 8.64e19 FLOPs).
pub const FLOPS_PER_PF_DAY: f64 = 1e15 * 86_400.0;

/// Days in a week.
pub const DAYS_PER_WEEK: f64 = 7.0;
/// Days in a Julian year (365.25), the year of astronomy and of most compute estimates.
pub const DAYS_PER_YEAR: f64 = 365.25;
/// Days in a month: a twelfth of a Julian year (30.4375).
pub const DAYS_PER_MONTH: f64 = DAYS_PER_YEAR / 12.0;

/// PF-days to FLOPs.
pub fn pf_days_to_flops(pf_days: f64) -> Result<f64> {
    Ok(check::positive("pf_days", pf_days)? * FLOPS_PER_PF_DAY)
}

/// FLOPs to PF-days.
pub fn flops_to_pf_days(flops: f64) -> Result<f64> {
    Ok(check::positive("flops", flops)? / FLOPS_PER_PF_DAY)
}

/// A duration in several units.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Duration {
    /// Days.
    pub days: f64,
    /// Weeks of 7 days.
    pub weeks: f64,
    /// Months of 30.4375 days (a twelfth of a Julian year).
    pub months: f64,
    /// Julian years of 365.25 days.
    pub years: f64,
}

impl Record for Duration {}

impl Duration {
    /// A duration of `days` days.
    pub fn from_days(days: f64) -> Duration {
        Duration {
            days,
            weeks: days / DAYS_PER_WEEK,
            months: days / DAYS_PER_MONTH,
            years: days / DAYS_PER_YEAR,
        }
    }
}

/// Wall-clock time to spend `pf_days` of compute on a machine sustaining
/// `machine_pflops` PFLOP/s (20 EF = 20,000 PFLOP/s).
///
/// days = pf_days / machine_pflops. The seed's notebook then divides by 7,
/// 4 and 52; months of 4 weeks are 8% short and "years = months / 52" makes
/// a year 1456 days, 3.99 times too long, so its years are 3.99x too small
/// (see `docs/errata.md`). Here weeks are 7 days,
/// months 30.4375 days and years 365.25 days.
pub fn pf_days_to_time(pf_days: f64, machine_pflops: f64) -> Result<Duration> {
    let pf_days = check::positive("pf_days", pf_days)?;
    let machine = check::positive("machine_pflops", machine_pflops)?;
    days(pf_days / machine, "machine_pflops", machine_pflops)
}

/// A duration of `days`, or an error blaming the rate when it is not a
/// usable number of days (a rate so small the time overflows, or so large
/// it underflows to nothing).
fn days(days: f64, rate_arg: &str, rate: f64) -> Result<Duration> {
    if !(days.is_finite() && days > 0.0) {
        return Err(crate::error::Error::invalid(
            rate_arg,
            "a rate that gives a finite, non-zero time",
            rate,
        ));
    }
    Ok(Duration::from_days(days))
}

/// Wall-clock time to spend `flops` at `flops_per_second` sustained.
pub fn flops_to_time(flops: f64, flops_per_second: f64) -> Result<Duration> {
    let flops = check::positive("flops", flops)?;
    let rate = check::positive("flops_per_second", flops_per_second)?;
    days(flops / rate / 86_400.0, "flops_per_second", rate)
}
