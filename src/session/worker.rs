//! [`Session`]: an [`Interpreter`] on a thread of its own, answering with
//! plain data (text, MIME bundles, JSON).
//!
//! This is the notebook-facing API. evcxr links every notebook cell as a
//! separate library, each with its own copy of this crate's and Rhai's
//! statics; a Rhai value made in one cell and dropped in another can free
//! memory through the wrong copy (measured: a segfault in `drop(AST)`).
//! Here every Rhai value is created, used and dropped by the thread that
//! `Session::new` started, and only `String`s and JSON cross between cells.
//!
//! ```
//! let mut s = scaling_lab::Session::new();
//! s.run("let C = 1e24;").unwrap();
//! let out = s.run("find_optimal_allocation(C)").unwrap();
//! assert!((out.json["N"].as_f64().unwrap() / 41.3e9 - 1.0).abs() < 1e-2);
//! ```

use std::sync::mpsc::{channel, Receiver, Sender};
use std::thread::JoinHandle;

use super::{Interpreter, ScriptError};

/// What one evaluation produced, as data that can cross cells and threads.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// Lines printed with `print`.
    pub printed: Vec<String>,
    /// The value as text (`None` for `()`).
    pub text: Option<String>,
    /// The value as a MIME bundle (text, HTML, Markdown, PNG as base64).
    pub bundle: Vec<(String, String)>,
    /// The value as JSON (numbers, maps, tables as row objects).
    pub json: serde_json::Value,
}

impl Output {
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

impl std::fmt::Display for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut lines = self.printed.clone();
        lines.extend(self.text.clone());
        f.write_str(&lines.join("\n"))
    }
}

type Reply = Result<Output, ScriptError>;

/// A scripting session whose engine and scope live on their own thread.
pub struct Session {
    requests: Option<Sender<String>>,
    replies: Receiver<Reply>,
    worker: Option<JoinHandle<()>>,
}

impl Session {
    /// Start a session (default limits, `print` captured into each [`Output`]).
    pub fn new() -> Session {
        let (req_tx, req_rx) = channel::<String>();
        let (rep_tx, rep_rx) = channel::<Reply>();
        let worker = std::thread::Builder::new()
            .name("scaling-lab session".into())
            .spawn(move || {
                let mut interp = Interpreter::capturing();
                interp.set_source_name("<cell>");
                for code in req_rx {
                    // A panic (a bug) becomes an error and the session goes on.
                    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        interp.run(&code).map(|out| Output {
                            text: interp.text(&out.value),
                            bundle: interp
                                .bundle(&out.value)
                                .into_iter()
                                .map(|(m, c)| (m.to_string(), c))
                                .collect(),
                            json: interp.json(&out.value),
                            printed: out.printed,
                        })
                    }));
                    let reply = run.unwrap_or_else(|_| {
                        Err(ScriptError {
                            message: "the interpreter failed inside this cell (a bug)".into(),
                            position: None,
                            rendered: "error: the interpreter failed inside this cell (a bug); the session goes on".into(),
                            interrupted: false,
                        })
                    });
                    if rep_tx.send(reply).is_err() {
                        break;
                    }
                }
            })
            .expect("the OS can start a thread");
        Session {
            requests: Some(req_tx),
            replies: rep_rx,
            worker: Some(worker),
        }
    }

    /// Evaluate `code`; `let` variables and `fn` definitions persist.
    pub fn run(&mut self, code: &str) -> Result<Output, ScriptError> {
        let gone = || ScriptError {
            message: "the session's worker thread has stopped".into(),
            position: None,
            rendered: "error: the session's worker thread has stopped; create a new Session".into(),
            interrupted: false,
        };
        let tx = self.requests.as_ref().ok_or_else(gone)?;
        tx.send(code.to_string()).map_err(|_| gone())?;
        self.replies.recv().map_err(|_| gone())?
    }
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // Closing the channel ends the worker's loop; wait so its engine is
        // dropped by the thread (and library copy) that made it.
        self.requests.take();
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }
}
