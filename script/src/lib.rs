//! The Rhai layer: builds an [`Engine`] with every scaling-lab function
//! registered, sandboxed and bounded, plus the diagnostics front ends print.
//!
//! One registration module per domain (`laws`, `allocation`,
//! `architecture`, `memory`, `serving`, `cost`, `vector`, `table`, `numbers`, `fit`, `plot`,
//! `io`), listed once in [`DOMAINS`], which both the engine ([`package`])
//! and the reference ([`docs`]) read. Each registered function's `///`
//! comment is its entry in `docs/functions.md`. How values are shown lives
//! in [`value`]; what native functions share (budget, files, key orders) in
//! [`state`].

pub mod allocation;
pub mod architecture;
pub mod args;
pub mod backtick;
pub mod convert;
pub mod cost;
pub mod diagnostic;
pub mod docs;
pub mod files;
pub mod fit;
pub mod heap;
pub mod interpreter;
pub mod io;
pub mod laws;
pub mod lists;
pub mod memory;
pub mod numbers;
pub mod options;

pub mod output;
pub mod performance;
pub mod plot;
pub mod random;
pub mod serving;
pub mod session;
pub mod state;
pub mod table;
pub mod value;
pub mod vector;

pub use interpreter::{Interpreter, Outcome, ScriptError};
pub use session::Session;

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, OnceLock};

use rhai::{Dynamic, Engine, Module, Shared};

use files::FilePolicy;
use scaling_lab_core::budget::{Budget, Progress, Stop};
use state::State;

/// One domain of the scripting API: its functions and how the reference
/// introduces them. The engine and `docs/functions.md` both read [`DOMAINS`].
pub struct Domain {
    /// Section title in the reference.
    pub title: &'static str,
    /// One line under the title.
    pub blurb: &'static str,
    /// The registered functions.
    pub module: fn() -> Module,
}

/// Every domain, in the order the reference lists them.
pub const DOMAINS: &[Domain] = &[
    Domain {
        title: "Scaling laws",
        blurb: "Chinchilla and Kaplan laws, their inverses, and laws as values.",
        module: || rhai::exported_module!(laws::api),
    },
    Domain {
        title: "Compute-optimal allocation",
        blurb: "How to split a FLOP budget between parameters and tokens.",
        module: || rhai::exported_module!(allocation::api),
    },
    Domain {
        title: "Architecture",
        blurb: "Transformer shapes and parameter counts.",
        module: || rhai::exported_module!(architecture::api),
    },
    Domain {
        title: "Training memory",
        blurb: "GPU memory for training: ZeRO, parallelism, activations.",
        module: || rhai::exported_module!(memory::api),
    },
    Domain {
        title: "Serving",
        blurb: "KV cache, memory and predicted serving times and cost (calibrated to TensorRT-LLM's measurements), with roofline bounds beside them.",
        module: || rhai::exported_module!(serving::api),
    },
    Domain {
        title: "Compute and time",
        blurb: "FLOPs, PF-days, wall-clock time, hardware and cost.",
        module: || rhai::exported_module!(cost::api),
    },
    Domain {
        title: "Training performance",
        blurb: "Step time from the model, the layout and the hardware; the fastest layout that fits; calibration to measured runs.",
        module: || rhai::exported_module!(performance::api),
    },
    Domain {
        title: "Vectors",
        blurb: "numpy-style vectors: arithmetic, comparisons and masks, math, reductions, grids.",
        module: vector::module,
    },
    Domain {
        title: "Tables",
        blurb: "DataFrame-like tables: columns, rows, filter, sort, rename, concat, export.",
        module: || rhai::exported_module!(table::api),
    },
    Domain {
        title: "Random numbers",
        blurb: "Seeded uniform and normal draws, sampling rows and the bootstrap: the same seed gives the same numbers on every platform.",
        module: || rhai::exported_module!(random::api),
    },
    Domain {
        title: "Numbers",
        blurb: "Readable numbers and self-checks.",
        module: || rhai::exported_module!(numbers::api),
    },
    Domain {
        title: "Fitting",
        blurb:
            "Fit laws to your own runs: Approach 3 with bootstrap, power laws, IsoFLOP profiles.",
        module: || rhai::exported_module!(fit::api),
    },
    Domain {
        title: "Plots",
        blurb: "Charts and figures: lines, points, contours, log axes; PNG and SVG.",
        module: || rhai::exported_module!(plot::api),
    },
    Domain {
        title: "Files",
        blurb: "JSON, CSV and the only file access a script has.",
        module: || rhai::exported_module!(io::api),
    },
    Domain {
        title: "Lists",
        blurb: "Rhai's arrays: growing them is charged to the work budget.",
        module: || rhai::exported_module!(lists::api),
    },
    Domain {
        title: "Output",
        blurb: "Showing values: print, display, eprint, clear_output, and how values read as text.",
        module: || {
            let mut m = rhai::exported_module!(output::api);
            m.combine_flatten(value::printing::module());
            m
        },
    },
];

/// Every scaling-lab function in one module, built once per process.
pub fn package() -> Shared<Module> {
    static PACKAGE: OnceLock<Shared<Module>> = OnceLock::new();
    fix_hashing_seed();
    PACKAGE
        .get_or_init(|| {
            let mut m = Module::new();
            for d in DOMAINS {
                m.combine_flatten((d.module)());
            }
            m.build_index();
            m.into()
        })
        .clone()
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
    /// Bytes the whole process may hold while a script runs (0 = none).
    /// Rhai does not check a map's size on every insert, so a loop that
    /// grows one is stopped by this instead.
    pub max_memory: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_operations: 50_000_000,
            max_call_levels: 64,
            max_expr_depth: (64, 32),
            max_string_size: 16 << 20,
            max_array_size: 10_000_000,
            max_map_size: 10_000,
            max_memory: 2 << 30,
        }
    }
}

/// How to build an engine.
#[derive(Debug, Clone, Default)]
pub struct EngineConfig {
    /// Resource limits.
    pub limits: Limits,
    /// The folder scripts write into (default: the current folder).
    pub out_dir: Option<PathBuf>,
    /// Folders scripts may read from (default: none).
    pub read_dirs: Vec<PathBuf>,
    /// When set to true (e.g. by a Ctrl-C handler), the running evaluation stops.
    pub interrupt: Option<Arc<AtomicBool>>,
    /// Where long native work (a bootstrap) reports its progress.
    pub progress: Option<Progress>,
    /// Where `print` and `debug` lines go when the interpreter does not
    /// capture them (default: standard output, errors ignored).
    pub print: Option<Printer>,
    /// Where `eprint`, `display` and `clear_output` go (default: the
    /// terminal's way, [`state::OutputSink::terminal`]).
    pub output: Option<state::OutputSink>,
    /// How refusals of a file say to change the folders (default: the
    /// command line's flags).
    pub file_hints: files::FileHints,
}

/// A destination for the lines a script prints.
#[derive(Clone)]
pub struct Printer(Arc<dyn Fn(&str) + Send + Sync>);

impl Printer {
    /// Wrap a callback that receives each printed line.
    pub fn new(f: impl Fn(&str) + Send + Sync + 'static) -> Printer {
        Printer(Arc::new(f))
    }

    /// Print one line.
    pub fn line(&self, s: &str) {
        (self.0)(s)
    }

    /// Lines to standard output (write errors ignored).
    pub fn stdout() -> Printer {
        Printer::new(|s| {
            use std::io::Write;
            let _ = writeln!(std::io::stdout(), "{s}");
        })
    }
}

impl std::fmt::Debug for Printer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Printer(..)")
    }
}

/// Message carried by the error an interrupted evaluation ends with.
pub const INTERRUPTED: &str = "interrupted";

/// Message carried by the error of an evaluation over its memory limit.
pub const OVER_MEMORY: &str = "memory limit";

/// Message carried by the error of an evaluation over its operation limit
/// (script operations and native work together).
pub const OVER_LIMIT: &str = "operation limit";

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
    build(config).0
}

/// [`build_engine`], and the state its native functions share (budget,
/// file policy, key orders) for the caller that runs it.
pub fn build(config: &EngineConfig) -> (Engine, Arc<State>) {
    build_with(config, config.print.clone().unwrap_or_else(Printer::stdout))
}

/// [`build`] with `print` going to `printer` (the interpreter passes its
/// capture buffer); the engine's `print`, `debug` and default output sink
/// all use it.
pub fn build_with(config: &EngineConfig, printer: Printer) -> (Engine, Arc<State>) {
    fix_hashing_seed();
    let mut engine = Engine::new();
    engine.register_global_module(package());
    value::register_types(&mut engine);
    engine.set_module_resolver(rhai::module_resolvers::DummyModuleResolver::new());
    // Registered operators (true division, vector arithmetic, checked
    // floats) must be able to override Rhai's built-in fast paths.
    engine.set_fast_operators(false);
    // Map literals are optimised into constants that forget their key
    // order; the interpreter optimises after recording it.
    engine.set_optimization_level(rhai::OptimizationLevel::None);

    let l = &config.limits;
    engine.set_max_operations(l.max_operations);
    engine.set_max_call_levels(l.max_call_levels);
    engine.set_max_expr_depths(l.max_expr_depth.0, l.max_expr_depth.1);
    engine.set_max_string_size(l.max_string_size);
    engine.set_max_array_size(l.max_array_size);
    engine.set_max_map_size(l.max_map_size);

    let interrupt = config
        .interrupt
        .clone()
        .unwrap_or_else(|| Arc::new(AtomicBool::new(false)));
    let state = Arc::new(State {
        budget: Arc::new(Budget::new(l.max_operations, interrupt)),
        files: FilePolicy::new(
            config.out_dir.clone().unwrap_or_else(|| PathBuf::from(".")),
            config.read_dirs.clone(),
        )
        .with_hints(config.file_hints.clone()),
        progress: config.progress.clone(),
        orders: Arc::default(),
        output: config
            .output
            .clone()
            .unwrap_or_else(|| state::OutputSink::terminal(printer.clone())),
        max_memory: l.max_memory,
        random: std::sync::Mutex::new(scaling_lab_core::random::Stream::from_entropy()),
        svg_figures: std::sync::atomic::AtomicBool::new(true),
    });
    let debug = printer.clone();
    engine.on_print(move |s| printer.line(s));
    engine.on_debug(move |s, _, _| debug.line(s));
    engine.set_default_tag(state.clone().into_tag());
    let budget = state.budget.clone();
    let max_memory = l.max_memory;
    engine.on_progress(move |ops| match budget.on_script_progress(ops) {
        None if heap::over(max_memory) => Some(Dynamic::from(OVER_MEMORY)),
        None => None,
        Some(Stop::Interrupted) => Some(Dynamic::from(INTERRUPTED)),
        Some(Stop::OverBudget) => Some(Dynamic::from(OVER_LIMIT)),
    });
    (engine, state)
}
