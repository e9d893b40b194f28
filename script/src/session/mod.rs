//! [`Session`]: an [`Interpreter`] on a thread of its own, the one way
//! every front end runs scripts: `scaling-lab run` and `eval`, the REPL,
//! the Jupyter kernel and evcxr notebooks.
//!
//! The thread holds the engine, so a Rhai value never crosses threads or
//! cells: evcxr links every notebook cell as a separate library, each with
//! its own copy of this crate's and Rhai's statics, and a Rhai value made
//! in one cell and dropped in another can free memory through the wrong
//! copy (measured: a segfault in `drop(AST)`). Only text, MIME bundles and
//! JSON come back. The thread has a large stack, and a panic inside a job
//! (a bug, never the intended way to fail) becomes an error and the
//! session goes on: a last-resort net.
//!
//! What a script prints, and what it shows besides (`eprint`, `display`,
//! `clear_output`), reaches the front end as [`Event`]s while the cell
//! runs, through the sink given to [`Session::start`].
//!
//! ```
//! let mut s = scaling_lab_script::Session::new();
//! s.run("let C = 1e24;").unwrap();
//! let out = s.run("find_optimal_allocation(C)").unwrap();
//! assert!((out.json["N"].as_f64().unwrap() / 41.3e9 - 1.0).abs() < 1e-2);
//! ```

pub mod commands;
pub mod complete;
pub mod syntax;

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crate::interpreter::{Interpreter, ScriptError};
use crate::state::{OutputSink, SideOutput};
use crate::value::MimeBundle;
use crate::{EngineConfig, Printer};
use commands::Reply;

/// Stack of the interpreter thread. Rhai walks nested expressions and
/// values recursively; the engine's depth limits stop a script long before
/// this is used up.
const STACK: usize = 256 << 20;

/// Output of a running cell, in the order the script made it.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A line printed with `print` or `debug`.
    Stdout(String),
    /// A line for the error stream (`eprint`).
    Stderr(String),
    /// A value shown mid-cell (`display`).
    Display(MimeBundle),
    /// `clear_output`; `wait` keeps the old output until new output arrives.
    Clear {
        /// Keep the old output until the next arrives.
        wait: bool,
    },
}

/// Where a session's [`Event`]s go.
pub type EventSink = Arc<dyn Fn(Event) + Send + Sync>;

/// Which forms of a cell's value the front end wants: drawing a figure as
/// PNG for a bundle costs far more than its one-line text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Forms {
    /// Text, as the REPL and `eval` show it.
    pub text: bool,
    /// The MIME bundle a notebook shows.
    pub bundle: bool,
    /// JSON.
    pub json: bool,
}

impl Forms {
    /// Text only (terminals).
    pub const TEXT: Forms = Forms {
        text: true,
        bundle: false,
        json: false,
    };
    /// The MIME bundle only (the Jupyter kernel).
    pub const BUNDLE: Forms = Forms {
        text: false,
        bundle: true,
        json: false,
    };
    /// JSON only (`eval --json`).
    pub const JSON: Forms = Forms {
        text: false,
        bundle: false,
        json: true,
    };
    /// Everything (evcxr's `Session::run`).
    pub const ALL: Forms = Forms {
        text: true,
        bundle: true,
        json: true,
    };
}

/// What one evaluation produced, as data that can cross cells and threads.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CellOutput {
    /// Lines printed with `print`, when the session collects them
    /// ([`Session::new`]); a streaming session sends them as events instead.
    pub printed: Vec<String>,
    /// The value as text (`None` for `()` or when not asked for).
    pub text: Option<String>,
    /// The value as a MIME bundle (text, HTML, Markdown, PNG as base64).
    pub bundle: Vec<(String, String)>,
    /// The value as JSON (numbers, maps, tables as row objects).
    pub json: serde_json::Value,
}

impl CellOutput {
    /// The value as a number, if it is one.
    pub fn as_f64(&self) -> Option<f64> {
        self.json.as_f64()
    }

    /// evcxr display: printed lines, then the richest form of the value.
    pub fn evcxr_display(&self) {
        for line in &self.printed {
            println!("{line}");
        }
        for (mime, content) in &self.bundle {
            println!("EVCXR_BEGIN_CONTENT {mime}\n{content}\nEVCXR_END_CONTENT");
        }
    }
}

impl std::fmt::Display for CellOutput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut lines = self.printed.clone();
        lines.extend(self.text.clone());
        f.write_str(&lines.join("\n"))
    }
}

/// How a cell ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// The cell's value in the forms asked for.
    Value(CellOutput),
    /// Text for a pager (`:help NAME`, `?NAME` in a notebook).
    Page(String),
    /// The cell failed.
    Error(ScriptError),
    /// `:quit`.
    Quit,
}

type Job = Box<dyn FnOnce(&mut Interpreter) + Send>;

/// A scripting session whose engine and scope live on their own thread.
pub struct Session {
    jobs: Option<Sender<Job>>,
    thread: Option<JoinHandle<()>>,
    interrupt: Arc<AtomicBool>,
    /// Lines printed by the running cell, for sessions that collect them.
    printed: Option<Arc<Mutex<Vec<String>>>>,
}

fn stopped() -> ScriptError {
    internal_error("the session's interpreter thread has stopped; start a new session")
}

fn internal_error(msg: &str) -> ScriptError {
    ScriptError {
        message: msg.into(),
        position: None,
        rendered: format!("error: {msg}"),
        interrupted: false,
    }
}

const PANICKED: &str =
    "the interpreter failed inside this cell (a bug); the session goes on, but check its variables";

impl Session {
    /// Start a session with `config`; what scripts print and show goes to
    /// `sink` as it happens. `source` names the input in diagnostics.
    pub fn start(config: EngineConfig, source: &str, sink: EventSink) -> Result<Session, String> {
        let interrupt = config.interrupt.clone().unwrap_or_default();
        let print = {
            let sink = sink.clone();
            Printer::new(move |s| sink(Event::Stdout(s.to_string())))
        };
        let output = OutputSink::new(move |o| {
            sink(match o {
                SideOutput::Stderr(s) => Event::Stderr(s),
                SideOutput::Display(b) => Event::Display(b),
                SideOutput::Clear { wait } => Event::Clear { wait },
            })
        });
        let config = EngineConfig {
            interrupt: Some(interrupt.clone()),
            print: Some(print),
            output: Some(output),
            ..config
        };
        let (tx, rx) = channel::<Job>();
        let source = source.to_string();
        let thread = std::thread::Builder::new()
            .name("scaling-lab interpreter".into())
            .stack_size(STACK)
            .spawn(move || {
                let mut interp = Interpreter::with_config(config, false);
                interp.set_source_name(source);
                for job in rx {
                    // A job reports its own result; a panic inside it is a
                    // bug, and the session survives it.
                    let _ = std::panic::catch_unwind(AssertUnwindSafe(|| job(&mut interp)));
                }
            })
            .map_err(|e| format!("cannot start the interpreter thread: {e}"))?;
        Ok(Session {
            jobs: Some(tx),
            thread: Some(thread),
            interrupt,
            printed: None,
        })
    }

    /// A session with default limits whose printed lines are collected
    /// into each [`CellOutput`] (for Rust notebooks and tests).
    pub fn new() -> Session {
        let printed = Arc::new(Mutex::new(Vec::new()));
        let buffer = printed.clone();
        let sink: EventSink = Arc::new(move |e| {
            if let Event::Stdout(line) = e {
                if let Ok(mut b) = buffer.lock() {
                    b.push(line);
                }
            }
        });
        let mut s = Session::start(EngineConfig::default(), "<cell>", sink)
            .expect("the OS can start a thread");
        s.printed = Some(printed);
        s
    }

    /// The flag that stops the running evaluation when set (Ctrl-C, a
    /// kernel's interrupt request).
    pub fn interrupt_flag(&self) -> Arc<AtomicBool> {
        self.interrupt.clone()
    }

    /// Stop the running evaluation.
    pub fn interrupt(&self) {
        self.interrupt.store(true, Ordering::SeqCst);
    }

    /// Queue `job` for the interpreter thread; false when it has stopped.
    pub fn submit(&self, job: impl FnOnce(&mut Interpreter) + Send + 'static) -> bool {
        self.jobs
            .as_ref()
            .is_some_and(|tx| tx.send(Box::new(job)).is_ok())
    }

    /// Run `f` on the interpreter and wait for its result. `None` when
    /// the thread has stopped or `f` panicked. Rhai values must not be
    /// returned: they belong to the thread.
    pub fn with<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Interpreter) -> R + Send + 'static,
    ) -> Option<R> {
        let (tx, rx) = channel();
        if !self.submit(move |i| {
            let _ = tx.send(f(i));
        }) {
            return None;
        }
        rx.recv().ok()
    }

    /// Queue a cell: REPL commands (`:vars`, `:help NAME`, `?NAME`) when
    /// `commands` is true, else Rhai. `done` receives how it ended, after
    /// every event it made.
    pub fn submit_cell(
        &self,
        code: Arc<str>,
        name: String,
        forms: Forms,
        commands: bool,
        done: impl FnOnce(Answer) + Send + 'static,
    ) -> bool {
        self.submit(move |interp| {
            let answer = std::panic::catch_unwind(AssertUnwindSafe(|| {
                run_cell(interp, &code, &name, forms, commands)
            }))
            .unwrap_or_else(|_| Answer::Error(internal_error(PANICKED)));
            done(answer)
        })
    }

    /// Run a cell and wait for how it ended (see [`Session::submit_cell`]).
    pub fn cell(&self, code: &str, name: &str, forms: Forms, commands: bool) -> Answer {
        let (tx, rx) = channel();
        let sent = self.submit_cell(Arc::from(code), name.into(), forms, commands, move |a| {
            let _ = tx.send(a);
        });
        if !sent {
            return Answer::Error(stopped());
        }
        let mut answer = rx.recv().unwrap_or_else(|_| Answer::Error(stopped()));
        if let (Answer::Value(out), Some(buf)) = (&mut answer, &self.printed) {
            if let Ok(mut b) = buf.lock() {
                out.printed = std::mem::take(&mut *b);
            }
        }
        answer
    }

    /// Evaluate `code` (Rhai only); `let` variables and `fn` definitions
    /// persist. Gives the value in every form.
    pub fn run(&mut self, code: &str) -> Result<CellOutput, ScriptError> {
        if let Some(Ok(mut b)) = self.printed.as_ref().map(|b| b.lock()) {
            b.clear();
        }
        match self.cell(code, "<cell>", Forms::ALL, false) {
            Answer::Value(out) => Ok(out),
            Answer::Error(e) => Err(e),
            Answer::Page(t) => Ok(CellOutput {
                text: Some(t),
                ..CellOutput::default()
            }),
            Answer::Quit => Ok(CellOutput::default()),
        }
    }
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // Closing the channel ends the thread's loop; wait so its engine
        // is dropped by the thread (and library copy) that made it.
        self.jobs.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A cell: REPL commands or Rhai.
fn run_cell(
    interp: &mut Interpreter,
    code: &Arc<str>,
    name: &str,
    forms: Forms,
    commands: bool,
) -> Answer {
    let trimmed = code.trim();
    if commands {
        if let Some(topic) = trimmed.strip_prefix('?') {
            return help(topic.trim());
        }
        if trimmed.starts_with(':') && !trimmed.contains('\n') {
            if let Some(topic) = trimmed
                .strip_prefix(":help ")
                .or_else(|| trimmed.strip_prefix(":h "))
            {
                return help(topic.trim());
            }
            return match commands::run(interp, trimmed) {
                Reply::Text(t) => Answer::Value(CellOutput {
                    text: (!t.is_empty()).then(|| t.clone()),
                    bundle: vec![("text/plain".into(), t)],
                    ..CellOutput::default()
                }),
                Reply::Error(e) => Answer::Error(internal_error(&e)),
                Reply::Quit => Answer::Quit,
            };
        }
    }
    interp.set_source_name(name);
    match interp.run_shared(code.clone()) {
        Ok(o) => Answer::Value(CellOutput {
            json: if forms.json {
                match interp.json_checked(&o.value) {
                    Ok(j) => j,
                    Err(e) => return Answer::Error(internal_error(&e)),
                }
            } else {
                serde_json::Value::Null
            },
            printed: o.printed.clone(),
            text: if forms.text {
                interp.text(&o.value)
            } else {
                None
            },
            bundle: if forms.bundle {
                interp
                    .bundle(&o.value)
                    .into_iter()
                    .map(|(m, c)| (m.to_string(), c))
                    .collect()
            } else {
                Vec::new()
            },
        }),
        Err(e) => Answer::Error(e),
    }
}

fn help(topic: &str) -> Answer {
    match commands::help(topic) {
        Reply::Text(t) => Answer::Page(t),
        Reply::Error(e) => Answer::Error(internal_error(&e)),
        Reply::Quit => Answer::Value(CellOutput::default()),
    }
}
