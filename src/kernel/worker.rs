//! The interpreter thread of the kernel: one [`Interpreter`] for the
//! whole session, fed jobs one at a time, its output streamed back as
//! events while a cell runs (so `print` reaches the notebook at once, not
//! when the cell ends).
//!
//! A panic inside a job (a bug, never the intended way to fail) becomes an
//! error reply and the session keeps working: a last-resort net.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use crate::script::state::{Output, OutputSink};
use crate::script::value::MimeBundle;
use crate::script::{EngineConfig, Limits, Printer};
use crate::session::commands::{self, Reply};
use crate::session::{complete, Interpreter, ScriptError};

/// What a cell produced, besides its streamed output.
#[derive(Debug)]
pub enum CellResult {
    /// The cell's value as a MIME bundle (empty for `()`).
    Value(MimeBundle),
    /// Text for the pager (`:help NAME`, `?NAME`).
    Page(String),
    /// The cell failed.
    Error(ScriptError),
}

/// Events of the running cell, in order; `Done` ends it.
#[derive(Debug)]
pub enum Event {
    /// A printed line.
    Stdout(String),
    /// A line for the error stream.
    Stderr(String),
    /// A value shown mid-cell (`display`).
    Display(MimeBundle),
    /// `clear_output`.
    Clear { wait: bool },
    /// The cell is over.
    Done(CellResult),
}

/// Work for the interpreter thread.
pub enum Job {
    /// Run a cell named `name`.
    Execute { code: String, name: String },
    /// Complete at a byte offset: (start, candidates).
    Complete(String, usize, oneshot::Sender<(usize, Vec<String>)>),
}

/// The interpreter thread's inbox and the events of the cell it runs.
pub struct Worker {
    jobs: std::sync::mpsc::Sender<Job>,
    /// Events of the current cell.
    pub events: mpsc::UnboundedReceiver<Event>,
}

impl Worker {
    /// Start the thread; `interrupt` stops the running cell.
    pub fn start(interrupt: Arc<AtomicBool>) -> Result<Worker, String> {
        let (tx, rx) = std::sync::mpsc::channel::<Job>();
        let (ev_tx, events) = mpsc::unbounded_channel::<Event>();
        std::thread::Builder::new()
            .name("rhai interpreter".into())
            .spawn(move || serve(rx, ev_tx, interrupt))
            .map_err(|e| format!("error: cannot start the interpreter thread: {e}"))?;
        Ok(Worker { jobs: tx, events })
    }

    /// Queue a job; false when the thread has stopped.
    pub fn send(&self, job: Job) -> bool {
        self.jobs.send(job).is_ok()
    }
}

fn serve(
    jobs: std::sync::mpsc::Receiver<Job>,
    events: mpsc::UnboundedSender<Event>,
    interrupt: Arc<AtomicBool>,
) {
    let out = events.clone();
    let print = Printer::new(move |s| {
        let _ = out.send(Event::Stdout(s.to_string()));
    });
    let out = events.clone();
    let output = OutputSink::new(move |o| {
        let _ = out.send(match o {
            Output::Stderr(s) => Event::Stderr(s),
            Output::Display(b) => Event::Display(b),
            Output::Clear { wait } => Event::Clear { wait },
        });
    });
    let config = EngineConfig {
        interrupt: Some(interrupt),
        // Cells may run long studies; an interrupt stops them.
        limits: Limits {
            max_operations: 0,
            ..Limits::default()
        },
        // Jupyter starts a kernel in the notebook's folder: cells read
        // and write there.
        read_dirs: vec![".".into()],
        print: Some(print),
        output: Some(output),
        ..EngineConfig::default()
    };
    let mut interp = Interpreter::with_config(config, false);
    for job in jobs {
        match job {
            Job::Execute { code, name } => {
                let result = std::panic::catch_unwind(AssertUnwindSafe(|| run_cell(&mut interp, &code, &name)))
                    .unwrap_or_else(|_| {
                        CellResult::Error(internal_error("the interpreter failed inside this cell (a bug); the session goes on, but check its variables"))
                    });
                let _ = events.send(Event::Done(result));
            }
            Job::Complete(code, pos, reply) => {
                let found = std::panic::catch_unwind(AssertUnwindSafe(|| {
                    complete::complete(&interp, &code, pos)
                }))
                .unwrap_or((pos, Vec::new()));
                let _ = reply.send(found);
            }
        }
    }
}

fn internal_error(msg: &str) -> ScriptError {
    ScriptError {
        message: msg.into(),
        position: None,
        rendered: format!("error: {msg}"),
        interrupted: false,
    }
}

/// A cell: REPL commands (`:help NAME`, `?NAME`, `:vars`, ...) or Rhai.
fn run_cell(interp: &mut Interpreter, code: &str, name: &str) -> CellResult {
    let trimmed = code.trim();
    if let Some(topic) = trimmed.strip_prefix('?') {
        return help(interp, topic.trim());
    }
    if trimmed.starts_with(':') && !trimmed.contains('\n') {
        if let Some(topic) = trimmed
            .strip_prefix(":help ")
            .or_else(|| trimmed.strip_prefix(":h "))
        {
            return help(interp, topic.trim());
        }
        return match commands::run(interp, trimmed) {
            Reply::Text(t) => CellResult::Value(vec![("text/plain", t)]),
            Reply::Error(e) => CellResult::Error(internal_error(&e)),
            Reply::Quit => CellResult::Value(vec![(
                "text/plain",
                "(:quit ends a terminal session; use the notebook's kernel menu to stop this one)"
                    .into(),
            )]),
        };
    }
    interp.set_source_name(name);
    match interp.run(code) {
        Ok(o) => CellResult::Value(interp.bundle(&o.value)),
        Err(e) => CellResult::Error(e),
    }
}

fn help(interp: &mut Interpreter, topic: &str) -> CellResult {
    match commands::run(interp, &format!(":help {topic}")) {
        Reply::Text(t) => CellResult::Page(t),
        Reply::Error(e) => CellResult::Error(internal_error(&e)),
        Reply::Quit => CellResult::Value(Vec::new()),
    }
}
