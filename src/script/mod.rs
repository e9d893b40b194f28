//! The Rhai layer: builds an [`Engine`] with every scaling-lab function
//! registered, sandboxed and bounded, plus the diagnostics front ends print.
//!
//! One registration module per domain (`laws`, `allocation`, `architecture`,
//! `cost`, `table`, `numbers`, `io`), combined into [`ScalingLabPackage`].
//! Each registered function's `///` comment is its entry in
//! `docs/functions.md` (see [`docs`]).

pub mod allocation;
pub mod architecture;
pub mod args;
pub mod convert;
pub mod cost;
pub mod diagnostic;
pub mod docs;
pub mod fit;
pub mod io;
pub mod laws;
pub mod numbers;
pub mod plot;
pub mod table;
pub mod value;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rhai::packages::Package;
use rhai::{def_package, Dynamic, Engine, Map};

use crate::laws::Law;
use crate::table::Table;

def_package! {
    /// Every scaling-lab function, one exported module per domain.
    pub ScalingLabPackage(module) {
        rhai::combine_with_exported_module!(module, "laws", laws::api);
        rhai::combine_with_exported_module!(module, "allocation", allocation::api);
        rhai::combine_with_exported_module!(module, "architecture", architecture::api);
        rhai::combine_with_exported_module!(module, "cost", cost::api);
        rhai::combine_with_exported_module!(module, "table", table::api);
        rhai::combine_with_exported_module!(module, "numbers", numbers::api);
        rhai::combine_with_exported_module!(module, "plot", plot::api);
        rhai::combine_with_exported_module!(module, "fit", fit::api);
        rhai::combine_with_exported_module!(module, "io", io::api);
    }
}

/// Bounds on what one evaluation may use. A script that crosses one stops
/// with an error that names the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Operations per evaluation (0 = unlimited). Rhai runs about 7M
    /// operations a second here, so the default stops a runaway loop in
    /// seconds while leaving ordinary studies far below it.
    pub max_operations: u64,
    /// Depth of nested function calls.
    pub max_call_levels: usize,
    /// Depth of nested expressions (global, inside functions).
    pub max_expr_depth: (usize, usize),
    /// Bytes in one string.
    pub max_string_size: usize,
    /// Elements in one array (large enough for a 10M-point grid).
    pub max_array_size: usize,
    /// Entries in one map.
    pub max_map_size: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_operations: 50_000_000,
            max_call_levels: 64,
            max_expr_depth: (64, 32),
            max_string_size: 16 << 20,
            max_array_size: 10_000_000,
            max_map_size: 100_000,
        }
    }
}

/// How to build an engine.
#[derive(Debug, Clone, Default)]
pub struct EngineConfig {
    /// Resource limits.
    pub limits: Limits,
    /// Folder that relative paths in `save_*` functions resolve against
    /// (default: the current folder).
    pub out_dir: Option<PathBuf>,
    /// When set to true (e.g. by a Ctrl-C handler), the running evaluation stops.
    pub interrupt: Option<Arc<AtomicBool>>,
}

/// Message carried by the error an interrupted evaluation ends with.
pub const INTERRUPTED: &str = "interrupted";

/// A fixed seed for Rhai's function-lookup hashes.
///
/// By default the seed lives in a static that is initialised on first use.
/// Where a program holds several copies of this crate's statics (evcxr links
/// each notebook cell separately), an engine built in one cell and called
/// from another would hash names with different seeds and find no function.
/// Every entry point sets this seed first; the value is arbitrary.
pub const HASHING_SEED: [u64; 4] = [0x5ca1_1ab5, 0x001a_77e5, 0x0c41_c0b5, 0x2022_0329];

/// Make this copy of Rhai hash with [`HASHING_SEED`] (a no-op once set).
pub fn fix_hashing_seed() {
    let _ = rhai::config::hashing::set_hashing_seed(Some(HASHING_SEED));
}

/// An engine with every scaling-lab function, the custom types, the limits,
/// and no module loading (scripts cannot read files through `import`).
pub fn build_engine(config: &EngineConfig) -> Engine {
    fix_hashing_seed();
    let mut engine = Engine::new();
    engine.register_global_module(ScalingLabPackage::new().as_shared_module());
    engine.register_type_with_name::<Law>("Law");
    engine.register_type_with_name::<Table>("Table");
    engine.register_type_with_name::<crate::plot::Chart>("Chart");
    engine.register_type_with_name::<crate::plot::Figure>("Figure");
    engine.set_module_resolver(rhai::module_resolvers::DummyModuleResolver::new());

    let l = &config.limits;
    engine.set_max_operations(l.max_operations);
    engine.set_max_call_levels(l.max_call_levels);
    engine.set_max_expr_depths(l.max_expr_depth.0, l.max_expr_depth.1);
    engine.set_max_string_size(l.max_string_size);
    engine.set_max_array_size(l.max_array_size);
    engine.set_max_map_size(l.max_map_size);

    let mut tag = Map::new();
    let out = config.out_dir.clone().unwrap_or_else(|| PathBuf::from("."));
    tag.insert("out_dir".into(), out.display().to_string().into());
    engine.set_default_tag(Dynamic::from(tag));

    if let Some(flag) = config.interrupt.clone() {
        engine.on_progress(move |_| {
            if flag.swap(false, Ordering::SeqCst) {
                Some(Dynamic::from(INTERRUPTED))
            } else {
                None
            }
        });
    }
    engine
}
