//! `scaling-lab kernel`: a Jupyter kernel for Rhai, speaking the messaging
//! protocol (5.3) over ZeroMQ.
//!
//! Sockets, signing and verification come from `jupyter-zmq-client`
//! (pure-Rust ZeroMQ via `zeromq`, HMAC-SHA256 via `ring`; no system libzmq)
//! and the message types from `jupyter-protocol`. A message whose signature
//! does not verify is refused by the connection's `read` and logged here,
//! never executed.
//!
//! Laid out as evcxr's kernel is: [`Kernel`] has one handler per message
//! kind on the shell channel, the control channel (interrupt, shutdown) is
//! served by its own task while a cell runs, and the interpreter lives on
//! its own thread (a `Session`, through [`cells`]) whose output is streamed to iopub as it
//! happens. The kernel exits when the process that started it dies (as
//! ipykernel does, watching its parent).

mod cells;
pub mod history;
pub mod spec;
mod wire;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use jupyter_protocol::{
    ClearOutput, CodeMirrorMode, CommInfoReply, CompleteReply, CompleteRequest, ConnectionInfo,
    DisplayData, ExecuteInput, ExecuteReply, ExecuteRequest, ExecuteResult, ExecutionCount,
    HistoryEntry, HistoryReply, HistoryRequest, InspectReply, InspectRequest, InterruptReply,
    IsCompleteReply, IsCompleteReplyStatus, IsCompleteRequest, JupyterMessage,
    JupyterMessageContent, KernelInfoReply, LanguageInfo, Media, MediaType, Payload, ReplyError,
    ReplyStatus, ShutdownReply, Status, StreamContent,
};
use jupyter_zmq_client::{
    create_kernel_control_connection, create_kernel_heartbeat_connection,
    create_kernel_iopub_connection, create_kernel_shell_connection, create_kernel_stdin_connection,
};
use tokio::sync::{mpsc, Mutex};

use cells::{Cells, Event};
use history::History;
use scaling_lab_script::session::complete;
use scaling_lab_script::session::syntax::{self, Completeness};
use scaling_lab_script::session::{self as script_session, Answer};

/// A MIME bundle as Jupyter media.
fn media<M: AsRef<str>>(bundle: impl IntoIterator<Item = (M, String)>) -> Media {
    Media::new(
        bundle
            .into_iter()
            .filter_map(|(mime, content)| match mime.as_ref() {
                "text/plain" => Some(MediaType::Plain(content)),
                "text/html" => Some(MediaType::Html(content)),
                "text/markdown" => Some(MediaType::Markdown(content)),
                "image/png" => Some(MediaType::Png(content)),
                "image/svg+xml" => Some(MediaType::Svg(content)),
                _ => None,
            })
            .collect(),
    )
}

fn kernel_info() -> KernelInfoReply {
    KernelInfoReply {
        status: ReplyStatus::Ok,
        protocol_version: "5.3".to_string(),
        implementation: "scaling-lab".to_string(),
        implementation_version: env!("CARGO_PKG_VERSION").to_string(),
        language_info: LanguageInfo {
            name: "rhai".to_string(),
            version: "1.27".to_string(),
            mimetype: Some("text/x-rhai".to_string()),
            file_extension: Some(".rhai".to_string()),
            pygments_lexer: Some("rust".to_string()),
            // Rhai reads like Rust (fn, let, braces); CodeMirror's rust mode highlights it well.
            codemirror_mode: Some(CodeMirrorMode::Simple("rust".to_string())),
            nbconvert_exporter: None,
        },
        banner: format!(
            "scaling-lab {} — scaling laws in Rhai. ?NAME or :help NAME shows a function's documentation; Shift-Tab inspects.",
            env!("CARGO_PKG_VERSION")
        ),
        help_links: vec![],
        debugger: false,
        error: None,
    }
}

/// Run the kernel on the sockets a connection file describes, until shutdown.
pub fn run(connection_file: &std::path::Path) -> Result<(), String> {
    let text = std::fs::read_to_string(connection_file).map_err(|e| {
        format!(
            "error: cannot read connection file '{}': {e}",
            connection_file.display()
        )
    })?;
    let info: ConnectionInfo = serde_json::from_str(&text).map_err(|e| {
        format!(
            "error: '{}' is not a Jupyter connection file: {e}",
            connection_file.display()
        )
    })?;
    watch_parent();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("error: cannot start the async runtime: {e}"))?;
    runtime.block_on(serve(info))
}

/// Exit when the process that started the kernel is gone: Jupyter passes
/// its PID as `JPY_PARENT_PID`; without it, a change of parent (the
/// kernel re-parented to init) means the same.
fn watch_parent() {
    #[cfg(unix)]
    {
        let start = std::os::unix::process::parent_id();
        let jupyter = std::env::var("JPY_PARENT_PID")
            .ok()
            .and_then(|p| p.parse::<u32>().ok());
        let _ = std::thread::Builder::new()
            .name("parent watch".into())
            .spawn(move || loop {
                std::thread::sleep(std::time::Duration::from_millis(500));
                let reparented = std::os::unix::process::parent_id() != start;
                let gone = jupyter.is_some_and(|pid| {
                    std::path::Path::new("/proc").exists()
                        && !std::path::Path::new(&format!("/proc/{pid}")).exists()
                });
                if reparented || gone {
                    eprintln!(
                        "scaling-lab kernel: the process that started it has exited; stopping"
                    );
                    std::process::exit(0);
                }
            });
    }
}

type Iopub = Arc<Mutex<jupyter_zmq_client::KernelIoPubConnection>>;

/// The kernel's state between shell messages.
struct Kernel {
    iopub: Iopub,
    cells: Cells,
    interrupt: Arc<AtomicBool>,
    count: ExecutionCount,
    history: History,
    syntax: rhai::Engine,
}

impl Kernel {
    async fn publish(&self, msg: JupyterMessage) {
        let _ = self.iopub.lock().await.send(msg).await;
    }

    /// One shell message: busy, the handler for its kind, idle.
    async fn handle_shell(&mut self, parent: &JupyterMessage) -> Option<JupyterMessage> {
        self.publish(Status::busy().as_child_of(parent)).await;
        let reply = match &parent.content {
            JupyterMessageContent::KernelInfoRequest(_) => Some(kernel_info().as_child_of(parent)),
            JupyterMessageContent::ExecuteRequest(req) => Some(self.execute(parent, req).await),
            JupyterMessageContent::CompleteRequest(req) => Some(self.complete(parent, req).await),
            JupyterMessageContent::InspectRequest(req) => Some(self.inspect(parent, req)),
            JupyterMessageContent::IsCompleteRequest(req) => Some(self.is_complete(parent, req)),
            JupyterMessageContent::HistoryRequest(req) => Some(self.history(parent, req)),
            JupyterMessageContent::CommInfoRequest(_) => Some(
                CommInfoReply {
                    status: ReplyStatus::Ok,
                    comms: Default::default(),
                    error: None,
                }
                .as_child_of(parent),
            ),
            _ => None,
        };
        self.publish(Status::idle().as_child_of(parent)).await;
        reply
    }

    /// Run a cell, streaming its output as it comes.
    async fn execute(&mut self, parent: &JupyterMessage, req: &ExecuteRequest) -> JupyterMessage {
        if !req.silent {
            self.count.0 += 1;
        }
        let count = self.count;
        self.publish(
            ExecuteInput {
                code: req.code.clone(),
                execution_count: count,
            }
            .as_child_of(parent),
        )
        .await;
        self.interrupt.store(false, Ordering::SeqCst);
        let name = format!("cell[{}]", count.0);
        // One copy of the source, shared by the interpreter and the history.
        let code: Arc<str> = Arc::from(req.code.as_str());
        let result = if self.cells.execute(code.clone(), name) {
            self.stream_until_done(parent, req.silent).await
        } else {
            Answer::Error(stopped())
        };
        let (payload, reply_error, output_text) = match result {
            Answer::Value(out) => {
                let bundle = out.bundle;
                let text = bundle
                    .iter()
                    .find(|(m, _)| m == "text/plain")
                    .map(|(_, t)| t.clone())
                    .unwrap_or_default();
                if !req.silent && !bundle.is_empty() {
                    self.publish(
                        ExecuteResult {
                            execution_count: count,
                            data: media(bundle),
                            metadata: Default::default(),
                            transient: Some(Default::default()),
                        }
                        .as_child_of(parent),
                    )
                    .await;
                }
                (vec![], None, text)
            }
            Answer::Quit => (
                vec![],
                None,
                "(:quit ends a terminal session; use the notebook's kernel menu to stop this one)"
                    .to_string(),
            ),
            Answer::Page(text) => (
                vec![Payload::Page {
                    data: Media::new(vec![MediaType::Plain(text)]),
                    start: 0,
                }],
                None,
                String::new(),
            ),
            Answer::Error(e) => {
                let error = ReplyError {
                    ename: if e.interrupted {
                        "KeyboardInterrupt"
                    } else {
                        "ScriptError"
                    }
                    .to_string(),
                    evalue: e.message.clone(),
                    traceback: e.rendered.lines().map(str::to_string).collect(),
                };
                self.publish(
                    jupyter_protocol::ErrorOutput {
                        ename: error.ename.clone(),
                        evalue: error.evalue.clone(),
                        traceback: error.traceback.clone(),
                    }
                    .as_child_of(parent),
                )
                .await;
                (vec![], Some(Box::new(error)), String::new())
            }
        };
        if req.store_history && !req.silent {
            self.history.push(count.0, code, &output_text);
        }
        ExecuteReply {
            status: if reply_error.is_some() {
                ReplyStatus::Error
            } else {
                ReplyStatus::Ok
            },
            execution_count: count,
            payload,
            user_expressions: Some(Default::default()),
            error: reply_error,
        }
        .as_child_of(parent)
    }

    /// Forward the running cell's events to iopub until it is done;
    /// consecutive printed lines go out as one stream message.
    async fn stream_until_done(&mut self, parent: &JupyterMessage, silent: bool) -> Answer {
        loop {
            let Some(event) = self.cells.events.recv().await else {
                return Answer::Error(stopped());
            };
            let msg = match event {
                Event::Done(result) => return result,
                _ if silent => continue,
                Event::Output(script_session::Event::Stdout(first)) => {
                    let mut text = first + "\n";
                    let mut done = None;
                    while let Ok(next) = self.cells.events.try_recv() {
                        match next {
                            Event::Output(script_session::Event::Stdout(line)) => {
                                text.push_str(&line);
                                text.push('\n');
                            }
                            other => {
                                done = Some(other);
                                break;
                            }
                        }
                    }
                    self.publish(StreamContent::stdout(&text).as_child_of(parent))
                        .await;
                    match done {
                        None => continue,
                        Some(Event::Done(result)) => return result,
                        Some(other) => self.event_message(other),
                    }
                }
                other => self.event_message(other),
            };
            if let Some(m) = msg {
                self.publish(JupyterMessage::new(m, Some(parent))).await;
            }
        }
    }

    /// The iopub message for an output event (none for `Done`).
    fn event_message(&self, event: Event) -> Option<JupyterMessageContent> {
        use script_session::Event as Out;
        match event {
            Event::Output(Out::Stdout(line)) => Some(StreamContent::stdout(&(line + "\n")).into()),
            Event::Output(Out::Stderr(line)) => Some(StreamContent::stderr(&(line + "\n")).into()),
            Event::Output(Out::Display(bundle)) => Some(DisplayData::new(media(bundle)).into()),
            Event::Output(Out::Clear { wait }) => Some(ClearOutput { wait }.into()),
            Event::Done(_) => None,
        }
    }

    async fn complete(&mut self, parent: &JupyterMessage, req: &CompleteRequest) -> JupyterMessage {
        // Jupyter counts positions in code points; completion works in bytes.
        let pos = complete::byte_offset(&req.code, req.cursor_pos);
        let found = self.cells.complete(req.code.clone(), pos).await;
        CompleteReply {
            matches: found.1,
            cursor_start: complete::char_offset(&req.code, found.0),
            cursor_end: complete::char_offset(&req.code, pos),
            metadata: Default::default(),
            status: ReplyStatus::Ok,
            error: None,
        }
        .as_child_of(parent)
    }

    fn inspect(&self, parent: &JupyterMessage, req: &InspectRequest) -> JupyterMessage {
        let pos = complete::byte_offset(&req.code, req.cursor_pos);
        let name = complete::word_at(&req.code, pos);
        let docs: Vec<_> = complete::catalog()
            .iter()
            .filter(|d| d.name == name)
            .collect();
        let text = docs
            .iter()
            .map(|d| format!("{}\n\n{}", d.signature(), d.full_doc()))
            .collect::<Vec<_>>()
            .join("\n\n");
        InspectReply {
            found: !docs.is_empty(),
            data: if docs.is_empty() {
                Media::default()
            } else {
                Media::new(vec![
                    MediaType::Plain(text.clone()),
                    MediaType::Markdown(text),
                ])
            },
            metadata: Default::default(),
            status: ReplyStatus::Ok,
            error: None,
        }
        .as_child_of(parent)
    }

    fn is_complete(&self, parent: &JupyterMessage, req: &IsCompleteRequest) -> JupyterMessage {
        let status = match syntax::completeness(&self.syntax, &req.code) {
            Completeness::Complete => IsCompleteReplyStatus::Complete,
            Completeness::Incomplete => IsCompleteReplyStatus::Incomplete,
            Completeness::Invalid => IsCompleteReplyStatus::Invalid,
        };
        let indent = if status == IsCompleteReplyStatus::Incomplete {
            "    "
        } else {
            ""
        };
        IsCompleteReply {
            status,
            indent: indent.to_string(),
        }
        .as_child_of(parent)
    }

    fn history(&self, parent: &JupyterMessage, req: &HistoryRequest) -> JupyterMessage {
        let (entries, output) = match req {
            HistoryRequest::Tail { n, output, .. } => {
                (self.history.tail((*n).max(0) as usize), *output)
            }
            HistoryRequest::Range {
                start,
                stop,
                output,
                ..
            } => (
                self.history
                    .range((*start).max(0) as usize, (*stop).max(0) as usize),
                *output,
            ),
            HistoryRequest::Search {
                pattern,
                unique,
                output,
                n,
                ..
            } => (
                self.history.search(pattern, (*n).max(0) as usize, *unique),
                *output,
            ),
        };
        let history = entries
            .into_iter()
            .map(|e| {
                if output {
                    HistoryEntry::InputOutput(
                        history::SESSION,
                        e.line,
                        (e.input.to_string(), e.output.clone()),
                    )
                } else {
                    HistoryEntry::Input(history::SESSION, e.line, e.input.to_string())
                }
            })
            .collect();
        HistoryReply {
            history,
            status: ReplyStatus::Ok,
            error: None,
        }
        .as_child_of(parent)
    }
}

fn stopped() -> scaling_lab_script::ScriptError {
    scaling_lab_script::ScriptError {
        message: "the interpreter stopped".into(),
        position: None,
        rendered: "error: the interpreter stopped; restart the kernel".into(),
        interrupted: false,
    }
}

async fn serve(info: ConnectionInfo) -> Result<(), String> {
    let err = |e: jupyter_zmq_client::RuntimeError| format!("error: kernel socket: {e}");
    let session_id = uuid::Uuid::new_v4().to_string();
    let mut heartbeat = create_kernel_heartbeat_connection(&info)
        .await
        .map_err(err)?;
    let shell = create_kernel_shell_connection(&info, &session_id)
        .await
        .map_err(err)?;
    let (mut shell_tx, mut shell_rx) = shell.split();
    let key = wire::key(&info);
    let control = create_kernel_control_connection(&info, &session_id)
        .await
        .map_err(err)?;
    let _stdin = create_kernel_stdin_connection(&info, &session_id)
        .await
        .map_err(err)?;
    let iopub = Arc::new(Mutex::new(
        create_kernel_iopub_connection(&info, &session_id)
            .await
            .map_err(err)?,
    ));

    let interrupt = Arc::new(AtomicBool::new(false));
    {
        // interrupt_mode "signal": Jupyter sends SIGINT to stop a running cell.
        let flag = interrupt.clone();
        let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
    }
    let mut kernel = Kernel {
        iopub,
        cells: Cells::start(interrupt.clone())?,
        interrupt: interrupt.clone(),
        count: ExecutionCount::new(0),
        history: History::default(),
        syntax: scaling_lab_script::build_engine(&Default::default()),
    };
    let (shutdown_tx, mut shutdown_rx) = mpsc::channel::<()>(1);

    tokio::spawn(async move { while heartbeat.single_heartbeat().await.is_ok() {} });
    tokio::spawn(serve_control(control, interrupt, shutdown_tx.clone()));

    let mut seen = wire::Seen::default();
    loop {
        let message = tokio::select! {
            m = wire::read(&mut shell_rx.socket, &key, &mut seen) => m,
            _ = shutdown_rx.recv() => break,
        };
        let parent = match message {
            Ok(m) => m,
            // Bad or missing signatures, malformed frames: log, never execute.
            Err(wire::Refused::Unread(e)) => {
                eprintln!(
                    "scaling-lab kernel: refused a shell message: {}",
                    wire::describe(&e)
                );
                continue;
            }
            Err(wire::Refused::Replay) => {
                eprintln!("scaling-lab kernel: refused a shell message: it was received before (a replay)");
                continue;
            }
            // Signed but unreadable: an error reply of its kind, never silence.
            Err(wire::Refused::Unreadable { reply, reason }) => {
                eprintln!("scaling-lab kernel: could not read the {reason}");
                if let Some(reply) = reply {
                    let _ = shell_tx.send(*reply).await;
                }
                continue;
            }
        };
        if let JupyterMessageContent::ShutdownRequest(req) = &parent.content {
            let reply = ShutdownReply {
                restart: req.restart,
                status: ReplyStatus::Ok,
                error: None,
            };
            let _ = shell_tx.send(reply.as_child_of(&parent)).await;
            break;
        }
        if let Some(r) = kernel.handle_shell(&parent).await {
            let _ = shell_tx.send(r).await;
        }
    }
    drop(shutdown_tx);
    Ok(())
}

/// The control channel: kernel info, interrupt and shutdown, served while
/// a cell runs on the shell channel.
async fn serve_control(
    mut control: jupyter_zmq_client::KernelControlConnection,
    interrupt: Arc<AtomicBool>,
    shutdown: mpsc::Sender<()>,
) {
    loop {
        let message = match control.read().await {
            Ok(m) => m,
            Err(e) => {
                eprintln!(
                    "scaling-lab kernel: refused a control message: {}",
                    wire::describe(&e)
                );
                continue;
            }
        };
        match &message.content {
            JupyterMessageContent::KernelInfoRequest(_) => {
                let _ = control.send(kernel_info().as_child_of(&message)).await;
            }
            JupyterMessageContent::InterruptRequest(_) => {
                interrupt.store(true, Ordering::SeqCst);
                let reply = InterruptReply {
                    status: ReplyStatus::Ok,
                    error: None,
                };
                let _ = control.send(reply.as_child_of(&message)).await;
            }
            JupyterMessageContent::ShutdownRequest(req) => {
                let reply = ShutdownReply {
                    restart: req.restart,
                    status: ReplyStatus::Ok,
                    error: None,
                };
                let _ = control.send(reply.as_child_of(&message)).await;
                let _ = shutdown.send(()).await;
                return;
            }
            _ => {}
        }
    }
}
