//! What a registered function may need from the engine it runs in: the
//! work budget, where files go, progress reporting, and the order in which
//! a script wrote the keys of its maps. It travels in the engine's tag, so
//! plugin functions (which cannot capture anything) reach it through their
//! call context.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock, RwLock};

use rhai::{Dynamic, NativeCallContext};

use crate::files::FilePolicy;
use scaling_lab_core::budget::{Budget, Progress};

/// Per-engine state shared by every native call.
#[derive(Debug)]
pub struct State {
    /// Work budget and interrupt flag.
    pub budget: Arc<Budget>,
    /// Where scripts may write and read.
    pub files: FilePolicy,
    /// Progress reporting for long native work (a front end draws it).
    pub progress: Option<Progress>,
    /// Key order of the maps the script wrote.
    pub orders: Arc<KeyOrders>,
    /// Where `eprint`, `display` and `clear_output` go.
    pub output: OutputSink,
    /// Bytes the process may hold (0 = no limit), checked before large
    /// results are allocated.
    pub max_memory: usize,
    /// The session's random numbers (`rand`, `randn`, `seed`, sampling).
    pub random: std::sync::Mutex<scaling_lab_core::random::Stream>,
    /// Whether figures shown in a notebook carry SVG beside their PNG
    /// (`figure_formats`; on by default).
    pub svg_figures: std::sync::atomic::AtomicBool,
}

/// What a script asks of whatever shows its output, besides `print`.
#[derive(Debug, Clone, PartialEq)]
pub enum SideOutput {
    /// A line for the error stream (`eprint`).
    Stderr(String),
    /// A value to show now, in every form the front end can take (`display`).
    Display(crate::value::MimeBundle),
    /// Clear the cell's output (`clear_output`); `wait` until new output arrives.
    Clear {
        /// Keep the old output until the next arrives (no flicker).
        wait: bool,
    },
}

/// The receiver of [`SideOutput`] events: a notebook kernel streams them, a
/// terminal prints them.
#[derive(Clone)]
pub struct OutputSink(Arc<dyn Fn(SideOutput) + Send + Sync>);

impl OutputSink {
    /// Wrap a callback.
    pub fn new(f: impl Fn(SideOutput) + Send + Sync + 'static) -> OutputSink {
        OutputSink(Arc::new(f))
    }

    /// Send one event.
    pub fn send(&self, o: SideOutput) {
        (self.0)(o)
    }

    /// A terminal's way: errors to standard error, displayed values as
    /// text through `print`, clearing does nothing.
    pub fn terminal(print: crate::Printer) -> OutputSink {
        OutputSink::new(move |o| match o {
            SideOutput::Stderr(line) => {
                use std::io::Write;
                let _ = writeln!(std::io::stderr(), "{line}");
            }
            SideOutput::Display(bundle) => {
                if let Some((_, text)) = bundle.into_iter().find(|(m, _)| *m == "text/plain") {
                    print.line(&text);
                }
            }
            SideOutput::Clear { .. } => {}
        })
    }
}

impl std::fmt::Debug for OutputSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OutputSink(..)")
    }
}

impl State {
    /// The engine tag carrying this state.
    pub fn into_tag(self: Arc<Self>) -> Dynamic {
        Dynamic::from(self)
    }
}

/// The state of the engine running `ctx` (an unlimited default for engines
/// not built by [`crate::build_engine`]).
pub fn state(ctx: &NativeCallContext) -> Arc<State> {
    ctx.tag()
        .and_then(|t| t.read_lock::<Arc<State>>().map(|s| s.clone()))
        .unwrap_or_else(|| {
            static DEFAULT: OnceLock<Arc<State>> = OnceLock::new();
            DEFAULT
                .get_or_init(|| {
                    Arc::new(State {
                        budget: Arc::new(Budget::unlimited()),
                        files: FilePolicy::default(),
                        progress: None,
                        orders: Arc::default(),
                        output: OutputSink::terminal(crate::Printer::new(|_| {})),
                        max_memory: 0,
                        random: std::sync::Mutex::new(
                            scaling_lab_core::random::Stream::from_entropy(),
                        ),
                        svg_figures: std::sync::atomic::AtomicBool::new(true),
                    })
                })
                .clone()
        })
}

/// The order keys were written in, per set of keys.
///
/// Rhai keeps a map's keys sorted, so a table built from rows written as
/// `#{model: "GPT-3", N: 175e9}` would list `N` first, and an allocation
/// would print `C, D, N, loss`. The interpreter records the key order of
/// every map literal it compiles, conversions of Rust structs record their
/// field order, and tables, printing and JSON ask for it here. The latest
/// order recorded for a set of keys wins.
#[derive(Debug, Default)]
pub struct KeyOrders(
    RwLock<HashMap<Vec<String>, Vec<String>>>,
    RwLock<HashMap<Vec<String>, Units>>,
);

/// What the numbers of one record's fields are, for the fields where the
/// key alone would mislead: byte counts (shown `8e10 (80.0 GB)`, not
/// `(80.0B)`, which reads as billions) and FLOPs (no SI hint).
pub type Units = HashMap<String, scaling_lab_core::table::NumFormat>;

impl KeyOrders {
    /// Remember that these keys were written in this order.
    pub fn record(&self, ordered: Vec<String>) {
        if ordered.len() < 2 {
            return;
        }
        let mut sorted = ordered.clone();
        sorted.sort();
        if let Ok(mut m) = self.0.write() {
            m.insert(sorted, ordered);
        }
    }

    /// Remember the units of a record's fields (a Rust struct's
    /// [`Record::format`](scaling_lab_core::table::Record::format) for
    /// bytes and FLOPs), for maps with exactly these keys.
    pub fn record_units(&self, keys: Vec<String>, units: Units) {
        if units.is_empty() {
            return;
        }
        let mut sorted = keys;
        sorted.sort();
        if let Ok(mut m) = self.1.write() {
            m.insert(sorted, units);
        }
    }

    /// The unit-bearing format of `key` in a map with these keys, if a
    /// record with them said one.
    pub fn unit_of<'a>(
        &self,
        keys: impl IntoIterator<Item = &'a str>,
        key: &str,
    ) -> Option<scaling_lab_core::table::NumFormat> {
        let mut sorted: Vec<String> = keys.into_iter().map(str::to_string).collect();
        sorted.sort();
        self.1
            .read()
            .ok()
            .and_then(|m| m.get(&sorted).and_then(|u| u.get(key).copied()))
    }

    /// Keys (given in any order) in the order they were written, or sorted
    /// when no order is known for this set.
    pub fn order<'a>(&self, keys: impl IntoIterator<Item = &'a str>) -> Vec<String> {
        let mut sorted: Vec<String> = keys.into_iter().map(str::to_string).collect();
        sorted.sort();
        self.0
            .read()
            .ok()
            .and_then(|m| m.get(&sorted).cloned())
            .unwrap_or(sorted)
    }
}

/// Where relative output paths go: the folder in the engine state.
pub fn out_dir(ctx: &NativeCallContext) -> PathBuf {
    state(ctx).files.out_dir().to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latest_order_wins_and_unknown_sets_sort() {
        let k = KeyOrders::default();
        assert_eq!(k.order(["N", "D", "C"]), ["C", "D", "N"]);
        k.record(vec!["C".into(), "N".into(), "D".into()]);
        assert_eq!(k.order(["D", "N", "C"]), ["C", "N", "D"]);
        k.record(vec!["N".into(), "D".into(), "C".into()]);
        assert_eq!(k.order(["C", "D", "N"]), ["N", "D", "C"]);
    }
}
