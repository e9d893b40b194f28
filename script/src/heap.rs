//! The memory limit: how many bytes the process holds, as the binary's
//! counting allocator reports them (library users, such as notebooks that
//! link this crate, have no probe and no limit).

use std::sync::OnceLock;

static PROBE: OnceLock<fn() -> usize> = OnceLock::new();

/// Install the function that reports live heap bytes (once; the binary does).
pub fn set_probe(probe: fn() -> usize) {
    let _ = PROBE.set(probe);
}

/// Live heap bytes, when a probe is installed.
pub fn live_bytes() -> Option<usize> {
    PROBE.get().map(|p| p())
}

/// True when a probe is installed and the heap holds more than `limit`
/// bytes (0 = no limit).
pub fn over(limit: usize) -> bool {
    limit > 0 && live_bytes().is_some_and(|b| b > limit)
}
