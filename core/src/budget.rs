//! A work budget shared by a script's own operations and the native work it
//! asks for, and the interrupt flag that stops both.
//!
//! Rhai counts its operations and calls a progress callback on each one;
//! native functions (a vector operation over 1e7 numbers, a 4,500-start fit)
//! do far more work per call than one operation. They charge this budget in
//! proportion to their work and check the interrupt flag as they go, so an
//! operation limit means about the same amount of time whatever a script
//! spends it on, and Ctrl-C stops a long native call within about a second.
//!
//! One unit of work is one script operation, about [`NS_PER_UNIT`]
//! nanoseconds of native work on the machines this was measured on (Rhai
//! runs about 7 million operations a second).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use crate::error::{Error, Result};

/// Native nanoseconds per unit of work (one Rhai operation takes about 140 ns).
pub const NS_PER_UNIT: u64 = 128;

/// Nanoseconds per element of native work, by kind, for [`Budget::charge_elements`].
pub mod work {
    /// An add, a compare, a copy.
    pub const SIMPLE: u64 = 2;
    /// A transcendental function: exp, ln, powf (a law's loss, a grid of logs).
    pub const MATH: u64 = 25;
    /// A one-dimensional search (an allocation under a data-constrained law,
    /// an inference-optimal model): about 300 evaluations.
    pub const SEARCH: u64 = 40_000;
    /// One training layout's step time and memory (`plan_training`'s candidates).
    pub const LAYOUT: u64 = 10_000;
    /// A calibration: about 400 simplex steps over the runs, per run.
    pub const CALIBRATION_PER_RUN: u64 = 4_000_000;
}

/// Work charged against a limit, and an interrupt flag.
///
/// Some work neither the engine nor native code can count: Rhai copies a
/// value read from a variable, and checks the size of a nested value by
/// walking it, inside one operation (`a = [a]` in a loop costs its depth in
/// each turn). So the limit also stands for wall time: an evaluation that
/// has run [`WALL_FACTOR`] times as long as its limit's units take at
/// [`NS_PER_UNIT`] stops as if over the limit.
#[derive(Debug)]
pub struct Budget {
    limit: u64,
    native: AtomicU64,
    script: AtomicU64,
    interrupt: Arc<AtomicBool>,
    started: std::sync::Mutex<std::time::Instant>,
}

/// How many times the nominal time of the operation limit an evaluation
/// may run before it is stopped regardless of what was counted (the
/// default 50M limit: 6.4 s nominal, stopped after 25.6 s).
pub const WALL_FACTOR: u64 = 4;

/// Why a script should stop, as the progress callback reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The interrupt flag was set.
    Interrupted,
    /// Script and native work together passed the limit.
    OverBudget,
}

impl Budget {
    /// A budget of `limit` units (0 for none) stopped by `interrupt`.
    pub fn new(limit: u64, interrupt: Arc<AtomicBool>) -> Budget {
        Budget {
            limit,
            native: AtomicU64::new(0),
            script: AtomicU64::new(0),
            interrupt,
            started: std::sync::Mutex::new(std::time::Instant::now()),
        }
    }

    /// No limit and an interrupt flag nobody sets (library callers).
    pub fn unlimited() -> Budget {
        Budget::new(0, Arc::new(AtomicBool::new(false)))
    }

    /// The limit in units (0 = none).
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// The flag that stops the work when set.
    pub fn interrupt_flag(&self) -> &Arc<AtomicBool> {
        &self.interrupt
    }

    /// Start a new evaluation: nothing spent, no interrupt pending.
    pub fn reset(&self) {
        self.native.store(0, Ordering::Relaxed);
        self.script.store(0, Ordering::Relaxed);
        self.interrupt.store(false, Ordering::SeqCst);
        if let Ok(mut t) = self.started.lock() {
            *t = std::time::Instant::now();
        }
    }

    /// Whether the evaluation has run longer than its limit stands for
    /// ([`WALL_FACTOR`]); never without a limit.
    fn overtime(&self) -> bool {
        if self.limit == 0 {
            return false;
        }
        let allowed = self
            .limit
            .saturating_mul(NS_PER_UNIT)
            .saturating_mul(WALL_FACTOR);
        self.started
            .lock()
            .is_ok_and(|t| t.elapsed().as_nanos() > u128::from(allowed))
    }

    /// Units spent so far (script operations plus native work).
    pub fn spent(&self) -> u64 {
        self.native.load(Ordering::Relaxed) + self.script.load(Ordering::Relaxed)
    }

    fn over(&self) -> bool {
        self.limit > 0 && self.spent() > self.limit
    }

    /// Called by the script engine on each operation with its running count.
    pub fn on_script_progress(&self, ops: u64) -> Option<Stop> {
        self.script.store(ops, Ordering::Relaxed);
        if self.interrupt.load(Ordering::Relaxed) {
            Some(Stop::Interrupted)
        } else if self.over() || (ops.is_multiple_of(256) && self.overtime()) {
            Some(Stop::OverBudget)
        } else {
            None
        }
    }

    /// Charge `units` of native work; an error if interrupted or over the limit.
    pub fn charge(&self, units: u64) -> Result<()> {
        if self.interrupt.load(Ordering::Relaxed) {
            return Err(Error::Interrupted);
        }
        self.native.fetch_add(units, Ordering::Relaxed);
        if self.over() {
            return Err(Error::OverBudget { limit: self.limit });
        }
        Ok(())
    }

    /// Charge the work of `elements` elements at `ns_each` nanoseconds each
    /// (see [`cost`]), rounded up to whole units.
    pub fn charge_elements(&self, elements: usize, ns_each: u64) -> Result<()> {
        let ns = (elements as u64).saturating_mul(ns_each);
        self.charge(ns.div_ceil(NS_PER_UNIT))
    }

    /// Whether the work may go on: an error if interrupted or already over
    /// the limit (nothing is charged).
    pub fn status(&self) -> Result<()> {
        self.check_interrupt()?;
        if self.over() {
            return Err(Error::OverBudget { limit: self.limit });
        }
        Ok(())
    }

    /// Only check the interrupt flag (for loops that charge up front).
    pub fn check_interrupt(&self) -> Result<()> {
        if self.interrupt.load(Ordering::Relaxed) {
            Err(Error::Interrupted)
        } else {
            Ok(())
        }
    }
}

/// A report of progress on a named task, `(task, done, total)`, that a
/// front end turns into a progress bar (the core draws nothing itself).
#[derive(Clone)]
pub struct Progress(Arc<ProgressFn>);

/// The callback behind [`Progress`]: `(task, done, total)`.
type ProgressFn = dyn Fn(&str, u64, u64) + Send + Sync;

impl Progress {
    /// Wrap a callback.
    pub fn new(f: impl Fn(&str, u64, u64) + Send + Sync + 'static) -> Progress {
        Progress(Arc::new(f))
    }

    /// Report `done` of `total` steps of `task`.
    pub fn report(&self, task: &str, done: u64, total: u64) {
        (self.0)(task, done, total)
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress(..)")
    }
}

impl Default for Budget {
    fn default() -> Budget {
        Budget::unlimited()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_and_native_work_share_the_limit() {
        let b = Budget::new(1000, Arc::new(AtomicBool::new(false)));
        assert_eq!(b.on_script_progress(600), None);
        b.charge(300).unwrap();
        assert_eq!(b.spent(), 900);
        assert_eq!(
            b.charge(200).unwrap_err(),
            Error::OverBudget { limit: 1000 }
        );
        assert_eq!(b.on_script_progress(601), Some(Stop::OverBudget));
        b.reset();
        assert_eq!(b.spent(), 0);
        b.charge_elements(128 * 10, work::SIMPLE).unwrap();
        assert_eq!(b.spent(), 20);
    }

    #[test]
    fn an_evaluation_past_its_time_stops_as_over_budget() {
        // 1,000 units stand for 128 us; four times that has passed.
        let b = Budget::new(1000, Arc::new(AtomicBool::new(false)));
        std::thread::sleep(std::time::Duration::from_millis(2));
        assert_eq!(b.on_script_progress(256), Some(Stop::OverBudget));
        b.reset();
        assert_eq!(b.on_script_progress(256), None);
        // No limit, no clock.
        let free = Budget::new(0, Arc::new(AtomicBool::new(false)));
        std::thread::sleep(std::time::Duration::from_millis(2));
        assert_eq!(free.on_script_progress(256), None);
    }

    #[test]
    fn interrupt_stops_both() {
        let flag = Arc::new(AtomicBool::new(false));
        let b = Budget::new(0, flag.clone());
        b.charge(1 << 40).unwrap();
        flag.store(true, Ordering::SeqCst);
        assert_eq!(b.charge(1).unwrap_err(), Error::Interrupted);
        assert_eq!(b.on_script_progress(1), Some(Stop::Interrupted));
        b.reset();
        assert!(b.check_interrupt().is_ok());
    }
}
