//! The kernel's side of its [`Session`]: cells queued on the interpreter
//! thread, their output and their end arriving in order on one async
//! channel the kernel streams to iopub.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use scaling_lab_script::session::{self, complete, Answer, Forms};
use scaling_lab_script::{EngineConfig, Limits, Session};

/// What the running cell made, in order; `Done` ends it.
#[derive(Debug)]
pub enum Event {
    /// Printed lines, `eprint`, `display`, `clear_output`.
    Output(session::Event),
    /// The cell is over.
    Done(Answer),
}

/// The interpreter thread and the events of the cell it runs.
pub struct Cells {
    session: Session,
    sender: mpsc::UnboundedSender<Event>,
    /// Events of the current cell.
    pub events: mpsc::UnboundedReceiver<Event>,
}

impl Cells {
    /// Start the session; `interrupt` stops the running cell.
    pub fn start(interrupt: Arc<AtomicBool>) -> Result<Cells, String> {
        let (sender, events) = mpsc::unbounded_channel::<Event>();
        let out = sender.clone();
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
            file_hints: scaling_lab_script::files::FileHints {
                out: "the notebook's folder, where Jupyter started the kernel".into(),
                read: "a notebook reads files in its own folder and below".into(),
            },
            ..EngineConfig::default()
        };
        let session = Session::start(
            config,
            "<cell>",
            Arc::new(move |e| {
                let _ = out.send(Event::Output(e));
            }),
        )?;
        Ok(Cells {
            session,
            sender,
            events,
        })
    }

    /// Queue a cell named `name`; false when the thread has stopped.
    pub fn execute(&self, code: Arc<str>, name: String) -> bool {
        let done = self.sender.clone();
        self.session
            .submit_cell(code, name, Forms::BUNDLE, true, move |answer| {
                let _ = done.send(Event::Done(answer));
            })
    }

    /// Completions at a byte offset: (start, candidates), after any
    /// queued cell.
    pub async fn complete(&self, code: String, pos: usize) -> (usize, Vec<String>) {
        let (tx, rx) = oneshot::channel();
        let sent = self.session.submit(move |interp| {
            let _ = tx.send(complete::complete(interp, &code, pos));
        });
        if sent {
            rx.await.unwrap_or((pos, Vec::new()))
        } else {
            (pos, Vec::new())
        }
    }
}
