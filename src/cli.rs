//! The `scaling-lab` command line: argument parsing, then one call into the
//! script layer, then one error printer. Exit status 1 on any failure.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use clap::{Parser, Subcommand};

use crate::script::{docs, EngineConfig, Limits};
use crate::session::Interpreter;

#[derive(Parser, Debug)]
#[command(
    name = "scaling-lab",
    version,
    about = "Scaling laws, compute-optimal allocation and training cost, scriptable with Rhai",
    after_help = "Examples:\n  scaling-lab run scripts/seed_demo.rhai --out build\n  scaling-lab eval 'find_optimal_allocation(1e24)'\n  scaling-lab eval --json 'chinchilla_loss(70e9, 1.4e12)'\n  scaling-lab doc > docs/functions.md"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(clap::Args, Debug, Clone, Copy)]
struct LimitArgs {
    /// Stop a script after this many Rhai operations (0 = no limit).
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_operations)]
    max_ops: u64,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run a Rhai script.
    Run {
        /// The script (.rhai).
        file: PathBuf,
        /// Folder for files the script saves with a relative path (created if missing).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Evaluate an expression and print its value.
    Eval {
        /// Rhai code, e.g. 'chinchilla_loss(70e9, 1.4e12)'.
        expr: String,
        /// Print the value as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Print the function reference (Markdown) generated from the engine's metadata.
    Doc,
    /// The Jupyter kernel for Rhai notebooks (`kernel install` registers it).
    Kernel {
        /// The connection file Jupyter passes.
        #[arg(long, value_name = "FILE")]
        connection_file: Option<PathBuf>,
        #[command(subcommand)]
        action: Option<KernelAction>,
    },
    /// Interactive session (the default with no command); reads a pipe line by line.
    Repl {
        /// Folder for files saved with a relative path.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        #[command(flatten)]
        limits: LimitArgs,
    },
}

#[derive(Subcommand, Debug)]
enum KernelAction {
    /// Write the kernelspec (name `scaling-lab`, display name `Rhai (scaling-lab)`).
    Install(SpecLocation),
    /// Remove the kernelspec.
    Uninstall(SpecLocation),
}

#[derive(clap::Args, Debug)]
struct SpecLocation {
    /// Into the user's Jupyter data folder (the default).
    #[arg(long, conflicts_with_all = ["prefix", "sys_prefix"])]
    user: bool,
    /// Into PREFIX/share/jupyter/kernels.
    #[arg(long, value_name = "DIR")]
    prefix: Option<PathBuf>,
    /// Into the active Python environment ($VIRTUAL_ENV or $CONDA_PREFIX).
    #[arg(long)]
    sys_prefix: bool,
}

impl SpecLocation {
    fn location(&self) -> crate::kernel::spec::Location {
        use crate::kernel::spec::Location;
        match (&self.prefix, self.sys_prefix) {
            (Some(p), _) => Location::Prefix(p.clone()),
            (None, true) => Location::SysPrefix,
            _ => Location::User,
        }
    }
}

/// Parse the command line, run, and return the process exit status.
pub fn main() -> i32 {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => 0,
        Err(msg) => {
            eprintln!("{msg}");
            1
        }
    }
}

fn config(limits: LimitArgs, out: Option<PathBuf>) -> EngineConfig {
    let interrupt = Arc::new(AtomicBool::new(false));
    let flag = interrupt.clone();
    // First Ctrl-C stops the script through the engine; a second one exits.
    let _ = ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
    });
    EngineConfig {
        limits: Limits {
            max_operations: limits.max_ops,
            ..Limits::default()
        },
        out_dir: out,
        interrupt: Some(interrupt),
    }
}

fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Some(Command::Run { file, out, limits }) => run_file(&file, out, limits),
        Some(Command::Eval { expr, json, limits }) => eval(&expr, json, limits),
        Some(Command::Doc) => {
            print!("{}", docs::markdown());
            Ok(())
        }
        Some(Command::Repl { out, limits }) => repl(out, limits),
        Some(Command::Kernel { connection_file, action }) => match (connection_file, action) {
            (Some(f), None) => crate::kernel::run(&f),
            (None, Some(KernelAction::Install(loc))) => {
                let dir = crate::kernel::spec::install(&loc.location())?;
                println!("installed kernel '{}' in {}", crate::kernel::spec::NAME, dir.display());
                Ok(())
            }
            (None, Some(KernelAction::Uninstall(loc))) => {
                let dir = crate::kernel::spec::uninstall(&loc.location())?;
                println!("removed {}", dir.display());
                Ok(())
            }
            _ => Err("error: use `scaling-lab kernel --connection-file FILE` (as Jupyter does) or `scaling-lab kernel install`".into()),
        },
        None => repl(
            None,
            LimitArgs {
                max_ops: Limits::default().max_operations,
            },
        ),
    }
}

fn repl(out: Option<PathBuf>, limits: LimitArgs) -> Result<(), String> {
    let config = EngineConfig {
        limits: Limits {
            max_operations: limits.max_ops,
            ..Limits::default()
        },
        out_dir: out,
        interrupt: None,
    };
    match crate::repl::run(config) {
        0 => Ok(()),
        // Errors were already shown as they happened.
        code => std::process::exit(code),
    }
}

fn run_file(file: &Path, out: Option<PathBuf>, limits: LimitArgs) -> Result<(), String> {
    let code = std::fs::read_to_string(file)
        .map_err(|e| format!("error: cannot read script '{}': {e}", file.display()))?;
    if let Some(dir) = &out {
        std::fs::create_dir_all(dir).map_err(|e| {
            format!(
                "error: cannot create output folder '{}': {e}",
                dir.display()
            )
        })?;
    }
    let mut session = Interpreter::with_config(config(limits, out), false);
    session.set_source_name(file.display().to_string());
    session.run(&code).map(|_| ()).map_err(|e| e.rendered)
}

fn eval(expr: &str, json: bool, limits: LimitArgs) -> Result<(), String> {
    let mut session = Interpreter::with_config(config(limits, None), false);
    session.set_source_name("<eval>");
    let out = session.run(expr).map_err(|e| e.rendered)?;
    if json {
        let v = crate::script::value::to_json(&out.value);
        println!(
            "{}",
            serde_json::to_string_pretty(&v).expect("JSON values serialise")
        );
    } else if let Some(text) = out.text() {
        println!("{text}");
    }
    Ok(())
}
