//! The `scaling-lab` command line: argument parsing, then one call into the
//! script layer, then one error printer. Exit status 1 on any failure.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use clap::{Parser, Subcommand};

use crate::console::out;
use scaling_lab_core::budget::Progress;
use scaling_lab_script::session::{Answer, Forms};
use scaling_lab_script::Session;
use scaling_lab_script::{docs, EngineConfig, Limits};

#[derive(Parser, Debug)]
#[command(
    name = "scaling-lab",
    version,
    about = "Scaling laws, compute-optimal allocation and training cost, scriptable with Rhai",
    after_help = "Examples:\n  scaling-lab run scripts/seed_demo.rhai --out build\n  scaling-lab run study.rhai --set C=1e24 --set name=run1\n  scaling-lab eval 'find_optimal_allocation(1e24)'\n  scaling-lab eval --json 'chinchilla_loss(70e9, 1.4e12)'\n  scaling-lab doc > docs/functions.md"
)]
#[command(args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// With no command, the REPL's options (`scaling-lab --out DIR` is
    /// `scaling-lab repl --out DIR`).
    #[command(flatten)]
    session: SessionArgs,
}

/// What every command that runs Rhai accepts.
#[derive(clap::Args, Debug, Clone, Default)]
struct SessionArgs {
    /// Folder the script writes into (created if missing; default: the current folder).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Also let scripts read files under DIR (repeatable). They may always
    /// read the current folder, and `run` the script's own folder.
    #[arg(long = "allow-read", value_name = "DIR")]
    allow_read: Vec<PathBuf>,
    /// Stop a script after this much work, in Rhai operations (0 = no limit).
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_operations)]
    max_ops: u64,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run a Rhai script.
    Run {
        /// The script (.rhai), or `-` to read it from standard input.
        file: PathBuf,
        /// Define a variable before the script runs (repeatable): numbers
        /// become numbers, `true`/`false` booleans, anything else a string.
        #[arg(long = "set", value_name = "NAME=VALUE")]
        set: Vec<String>,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Evaluate an expression and print its value.
    Eval {
        /// Rhai code, e.g. 'chinchilla_loss(70e9, 1.4e12)'.
        expr: String,
        /// Print the value as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        session: SessionArgs,
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
        #[command(flatten)]
        session: SessionArgs,
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
    fn location(&self) -> crate::jupyter::spec::Location {
        use crate::jupyter::spec::Location;
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

/// A progress bar on standard error for long native work (a bootstrap),
/// drawn only when standard error is a terminal.
fn progress_bar() -> Option<Progress> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar: Arc<Mutex<Option<indicatif::ProgressBar>>> = Arc::default();
    Some(Progress::new(move |task, done, total| {
        let Ok(mut slot) = bar.lock() else { return };
        let b = slot.get_or_insert_with(|| {
            indicatif::ProgressBar::new(total).with_message(task.to_string())
        });
        b.set_position(done);
        if done >= total {
            b.finish_and_clear();
            *slot = None;
        }
    }))
}

impl SessionArgs {
    /// The engine configuration: limits, folders, Ctrl-C, progress.
    /// `script_dir` is also readable (`run`'s script folder).
    fn config(&self, script_dir: Option<&Path>, ctrl_c: bool) -> Result<EngineConfig, String> {
        if let Some(dir) = &self.out {
            std::fs::create_dir_all(dir).map_err(|e| {
                format!(
                    "error: cannot create output folder '{}': {e}",
                    dir.display()
                )
            })?;
        }
        let mut read_dirs = vec![PathBuf::from(".")];
        read_dirs.extend(script_dir.map(Path::to_path_buf));
        for d in &self.allow_read {
            if !d.is_dir() {
                return Err(format!("error: --allow-read {}: not a folder", d.display()));
            }
            read_dirs.push(d.clone());
        }
        let interrupt = Arc::new(AtomicBool::new(false));
        if ctrl_c {
            let flag = interrupt.clone();
            // First Ctrl-C stops the script through the engine; a second one exits.
            let _ = ctrlc::set_handler(move || {
                if flag.swap(true, Ordering::SeqCst) {
                    std::process::exit(130);
                }
            });
        }
        Ok(EngineConfig {
            limits: Limits {
                max_operations: self.max_ops,
                ..Limits::default()
            },
            out_dir: self.out.clone(),
            read_dirs,
            interrupt: Some(interrupt),
            progress: progress_bar(),
            print: None,
            output: None,
            file_hints: Default::default(),
        })
    }
}

fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Some(Command::Run { file, set, session }) => run_file(&file, &set, &session),
        Some(Command::Eval {
            expr,
            json,
            session,
        }) => eval(&expr, json, &session),
        Some(Command::Doc) => {
            out(docs::markdown().trim_end());
            Ok(())
        }
        Some(Command::Repl { session }) => repl(&session),
        Some(Command::Kernel { connection_file, action }) => match (connection_file, action) {
            (Some(f), None) => crate::jupyter::run(&f),
            (None, Some(KernelAction::Install(loc))) => {
                let dir = crate::jupyter::spec::install(&loc.location())?;
                out(&format!("installed kernel '{}' in {}", crate::jupyter::spec::NAME, dir.display()));
                Ok(())
            }
            (None, Some(KernelAction::Uninstall(loc))) => {
                let dir = crate::jupyter::spec::uninstall(&loc.location())?;
                out(&format!("removed {}", dir.display()));
                Ok(())
            }
            _ => Err("error: use `scaling-lab kernel --connection-file FILE` (as Jupyter does) or `scaling-lab kernel install`".into()),
        },
        None => repl(&cli.session),
    }
}

fn repl(args: &SessionArgs) -> Result<(), String> {
    // The REPL handles Ctrl-C itself (at the prompt and while evaluating).
    let config = args.config(None, false)?;
    match crate::repl::run(config) {
        0 => Ok(()),
        // Errors were already shown as they happened.
        code => std::process::exit(code),
    }
}

/// `NAME=VALUE` as a script variable. The name must be an identifier
/// that is not a keyword; the value is read as Rhai reads a literal (an
/// integer with `_` or `0x`, a float, `true`/`false`, a quoted string),
/// else taken as text. A number that is out of range or not finite is an
/// error, not a silent 0 or a string.
fn assignment(text: &str) -> Result<(String, rhai::Dynamic), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("error: --set {text}: expected NAME=VALUE"))?;
    let name = name.trim();
    let identifier = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let engine = rhai::Engine::new_raw();
    if !identifier || engine.compile(format!("let {name} = 0;")).is_err() {
        return Err(format!(
            "error: --set {text}: '{name}' is not a variable name (letters, digits and _, not a keyword)"
        ));
    }
    let v = value.trim();
    let bad = |why: &str| Err(format!("error: --set {text}: {why}"));
    if v.starts_with('"') || v.starts_with('`') {
        return match engine.eval_expression::<rhai::ImmutableString>(v) {
            Ok(s) => Ok((name.to_string(), s.into())),
            Err(_) => bad("an unfinished or malformed quoted string"),
        };
    }
    let lower = v.to_ascii_lowercase();
    let lower = lower.trim_start_matches(['+', '-']);
    if matches!(lower, "nan" | "inf" | "infinity") {
        return bad("not a finite number (NaN and infinities are not values a script can use)");
    }
    let numeric = !v.is_empty()
        && v.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+' || c == '.')
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.+-".contains(c));
    if numeric {
        return match engine.eval_expression::<rhai::Dynamic>(v) {
            Ok(d) if d.is_int() => Ok((name.to_string(), d)),
            Ok(d) => match d.as_float() {
                Ok(f) if !f.is_finite() => bad("out of range (not a finite number)"),
                Ok(f) if f == 0.0 && nonzero_mantissa(v) => {
                    bad("out of range (too small to be told from 0)")
                }
                Ok(_) => Ok((name.to_string(), d)),
                Err(_) => bad("not a number"),
            },
            Err(_) => bad("not a number as scripts write one (e.g. 1e24, 1_000, 0x10)"),
        };
    }
    let v = match v {
        "true" => rhai::Dynamic::from_bool(true),
        "false" => rhai::Dynamic::from_bool(false),
        other => rhai::Dynamic::from(other.to_string()),
    };
    Ok((name.to_string(), v))
}

/// A float literal whose digits before the exponent are not all zero.
fn nonzero_mantissa(v: &str) -> bool {
    v.split(['e', 'E'])
        .next()
        .is_some_and(|m| m.chars().any(|c| ('1'..='9').contains(&c)))
}

fn run_file(file: &Path, set: &[String], args: &SessionArgs) -> Result<(), String> {
    let from_stdin = file.as_os_str() == "-";
    let code = if from_stdin {
        let mut code = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut code)
            .map_err(|e| format!("error: cannot read the script from standard input: {e}"))?;
        code
    } else {
        std::fs::read_to_string(file)
            .map_err(|e| format!("error: cannot read script '{}': {e}", file.display()))?
    };
    let vars = set
        .iter()
        .map(|a| assignment(a))
        .collect::<Result<Vec<_>, _>>()?;
    let dir = file
        .parent()
        .filter(|d| !from_stdin && !d.as_os_str().is_empty());
    let session = Session::start(
        args.config(Some(dir.unwrap_or(Path::new("."))), true)?,
        if from_stdin {
            "<stdin>"
        } else {
            file.to_str().unwrap_or("<script>")
        },
        crate::console::sink(),
    )?;
    session.with(move |i| {
        for (name, value) in vars {
            i.set_variable(&name, value);
        }
    });
    let source = if from_stdin {
        "<stdin>".to_string()
    } else {
        file.display().to_string()
    };
    match session.cell(&code, &source, Forms::default(), false) {
        Answer::Error(e) => Err(e.rendered),
        _ => Ok(()),
    }
}

fn eval(expr: &str, json: bool, args: &SessionArgs) -> Result<(), String> {
    let session = Session::start(args.config(None, true)?, "<eval>", crate::console::sink())?;
    let forms = if json { Forms::JSON } else { Forms::TEXT };
    match session.cell(expr, "<eval>", forms, false) {
        Answer::Value(v) if json => {
            out(&serde_json::to_string_pretty(&v.json).unwrap_or_else(|e| format!("\"{e}\"")));
            Ok(())
        }
        Answer::Value(v) => {
            if let Some(text) = v.text {
                out(&text);
            }
            Ok(())
        }
        Answer::Error(e) => Err(e.rendered),
        Answer::Page(_) | Answer::Quit => Ok(()),
    }
}
