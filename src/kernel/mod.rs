//! `scaling-lab kernel`: a Jupyter kernel for Rhai, speaking the messaging
//! protocol (5.3) over ZeroMQ.
//!
//! Sockets, signing and verification come from `jupyter-zmq-client`
//! (pure-Rust ZeroMQ via `zeromq`, HMAC-SHA256 via `ring`; no system libzmq)
//! and the message types from `jupyter-protocol`. A message whose signature
//! does not verify is refused by the connection's `read` and logged here,
//! never executed. The interpreter lives on its own thread, so the control
//! channel (interrupt, shutdown) is served while a cell runs.

pub mod spec;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use jupyter_protocol::{
    CodeMirrorMode, CommInfoReply, CompleteReply, ConnectionInfo, ExecuteInput, ExecuteReply,
    ExecuteResult, ExecutionCount, HistoryReply, InspectReply, InterruptReply, IsCompleteReply,
    IsCompleteReplyStatus, JupyterMessage, JupyterMessageContent, KernelInfoReply, LanguageInfo,
    Media, MediaType, ReplyError, ReplyStatus, ShutdownReply, Status, StreamContent,
};
use jupyter_zmq_client::{
    create_kernel_control_connection, create_kernel_heartbeat_connection,
    create_kernel_iopub_connection, create_kernel_shell_connection, create_kernel_stdin_connection,
};
use tokio::sync::{mpsc, oneshot, Mutex};

use crate::session::complete;
use crate::session::syntax::{self, Completeness};
use crate::session::Interpreter;

type Bundle = Vec<(&'static str, String)>;

/// Work for the interpreter thread.
enum Job {
    Execute(
        String,
        oneshot::Sender<Result<(Vec<String>, Bundle), crate::ScriptError>>,
    ),
    Complete(String, usize, oneshot::Sender<(usize, Vec<String>)>),
}

fn media(bundle: Bundle) -> Media {
    Media::new(
        bundle
            .into_iter()
            .filter_map(|(mime, content)| match mime {
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
            "scaling-lab {} — scaling laws in Rhai. :help is not a Rhai command here; ?NAME shows a function's documentation via inspect (Shift-Tab).",
            env!("CARGO_PKG_VERSION")
        ),
        help_links: vec![],
        debugger: false,
        error: None,
    }
}

/// The identifier around `pos` (for inspect).
fn word_at(code: &str, pos: usize) -> &str {
    let pos = pos.min(code.len());
    let is_id = |c: char| c.is_alphanumeric() || c == '_';
    let start = code[..pos].rfind(|c: char| !is_id(c)).map_or(0, |i| i + 1);
    let end = code[pos..]
        .find(|c: char| !is_id(c))
        .map_or(code.len(), |i| pos + i);
    &code[start..end]
}

/// Start the interpreter thread; it serves jobs until the channel closes.
fn interpreter_thread(interrupt: Arc<AtomicBool>) -> std::sync::mpsc::Sender<Job> {
    let (tx, rx) = std::sync::mpsc::channel::<Job>();
    std::thread::Builder::new()
        .name("rhai interpreter".into())
        .spawn(move || {
            let config = crate::script::EngineConfig {
                interrupt: Some(interrupt),
                // Cells may run long studies; Ctrl-C / interrupt stops them.
                limits: crate::script::Limits {
                    max_operations: 0,
                    ..Default::default()
                },
                // Jupyter starts a kernel in the notebook's folder: cells
                // read and write there.
                read_dirs: vec![".".into()],
                ..Default::default()
            };
            let mut interp = Interpreter::with_config(config, true);
            let mut cell = 0;
            for job in rx {
                match job {
                    Job::Execute(code, reply) => {
                        cell += 1;
                        interp.set_source_name(format!("cell[{cell}]"));
                        let out = interp.run(&code).map(|o| {
                            let b = interp.bundle(&o.value);
                            (o.printed, b)
                        });
                        let _ = reply.send(out);
                    }
                    Job::Complete(code, pos, reply) => {
                        let _ = reply.send(complete::complete(&interp, &code, pos));
                    }
                }
            }
        })
        .expect("the OS can start a thread");
    tx
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
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("error: cannot start the async runtime: {e}"))?;
    runtime.block_on(serve(info))
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
    let mut control = create_kernel_control_connection(&info, &session_id)
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
    let jobs = interpreter_thread(interrupt.clone());
    let (shutdown_tx, mut shutdown_rx) = mpsc::channel::<()>(1);

    tokio::spawn(async move { while heartbeat.single_heartbeat().await.is_ok() {} });

    let control_shutdown = shutdown_tx.clone();
    let control_interrupt = interrupt.clone();
    tokio::spawn(async move {
        loop {
            let message = match control.read().await {
                Ok(m) => m,
                Err(e) => {
                    eprintln!("scaling-lab kernel: refused a control message: {e}");
                    continue;
                }
            };
            match &message.content {
                JupyterMessageContent::KernelInfoRequest(_) => {
                    let _ = control.send(kernel_info().as_child_of(&message)).await;
                }
                JupyterMessageContent::InterruptRequest(_) => {
                    control_interrupt.store(true, Ordering::SeqCst);
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
                    let _ = control_shutdown.send(()).await;
                    return;
                }
                _ => {}
            }
        }
    });

    let syntax_engine = crate::script::build_engine(&Default::default());
    let mut count = ExecutionCount::new(0);
    loop {
        let message = tokio::select! {
            m = shell_rx.read() => m,
            _ = shutdown_rx.recv() => break,
        };
        let parent = match message {
            Ok(m) => m,
            Err(e) => {
                // Bad or missing signatures, malformed frames: log, never execute.
                eprintln!("scaling-lab kernel: refused a shell message: {e}");
                continue;
            }
        };
        let publish = |msg: JupyterMessage| {
            let iopub = iopub.clone();
            async move {
                let _ = iopub.lock().await.send(msg).await;
            }
        };
        publish(Status::busy().as_child_of(&parent)).await;
        let reply: Option<JupyterMessage> = match &parent.content {
            JupyterMessageContent::KernelInfoRequest(_) => Some(kernel_info().as_child_of(&parent)),
            JupyterMessageContent::ExecuteRequest(req) => {
                if !req.silent {
                    count.0 += 1;
                }
                publish(
                    ExecuteInput {
                        code: req.code.clone(),
                        execution_count: count,
                    }
                    .as_child_of(&parent),
                )
                .await;
                let (tx, rx) = oneshot::channel();
                interrupt.store(false, Ordering::SeqCst);
                let _ = jobs.send(Job::Execute(req.code.clone(), tx));
                let outcome = rx.await.unwrap_or_else(|_| {
                    Err(crate::ScriptError {
                        message: "the interpreter stopped".into(),
                        position: None,
                        rendered: "error: the interpreter stopped; restart the kernel".into(),
                        interrupted: false,
                    })
                });
                let (printed, result) = match outcome {
                    Ok((printed, bundle)) => (printed, Ok(bundle)),
                    Err(e) => (Vec::new(), Err(e)),
                };
                if !req.silent && !printed.is_empty() {
                    let mut text = printed.join("\n");
                    text.push('\n');
                    publish(StreamContent::stdout(&text).as_child_of(&parent)).await;
                }
                match result {
                    Ok(bundle) => {
                        if !req.silent && !bundle.is_empty() {
                            let r = ExecuteResult {
                                execution_count: count,
                                data: media(bundle),
                                metadata: Default::default(),
                                transient: Some(Default::default()),
                            };
                            publish(r.as_child_of(&parent)).await;
                        }
                        Some(
                            ExecuteReply {
                                status: ReplyStatus::Ok,
                                execution_count: count,
                                payload: vec![],
                                user_expressions: Some(Default::default()),
                                error: None,
                            }
                            .as_child_of(&parent),
                        )
                    }
                    Err(e) => {
                        let ename = if e.interrupted {
                            "KeyboardInterrupt"
                        } else {
                            "ScriptError"
                        };
                        let error = ReplyError {
                            ename: ename.to_string(),
                            evalue: e.message.clone(),
                            traceback: e.rendered.lines().map(str::to_string).collect(),
                        };
                        publish(
                            jupyter_protocol::ErrorOutput {
                                ename: error.ename.clone(),
                                evalue: error.evalue.clone(),
                                traceback: error.traceback.clone(),
                            }
                            .as_child_of(&parent),
                        )
                        .await;
                        Some(
                            ExecuteReply {
                                status: ReplyStatus::Error,
                                execution_count: count,
                                payload: vec![],
                                user_expressions: Some(Default::default()),
                                error: Some(Box::new(error)),
                            }
                            .as_child_of(&parent),
                        )
                    }
                }
            }
            JupyterMessageContent::CompleteRequest(req) => {
                let (tx, rx) = oneshot::channel();
                let _ = jobs.send(Job::Complete(req.code.clone(), req.cursor_pos, tx));
                let (start, matches) = rx.await.unwrap_or((req.cursor_pos, Vec::new()));
                Some(
                    CompleteReply {
                        matches,
                        cursor_start: start,
                        cursor_end: req.cursor_pos,
                        metadata: Default::default(),
                        status: ReplyStatus::Ok,
                        error: None,
                    }
                    .as_child_of(&parent),
                )
            }
            JupyterMessageContent::InspectRequest(req) => {
                let name = word_at(&req.code, req.cursor_pos);
                let docs: Vec<_> = complete::catalog()
                    .iter()
                    .filter(|d| d.name == name)
                    .collect();
                let found = !docs.is_empty();
                let text = docs
                    .iter()
                    .map(|d| format!("{}\n\n{}", d.signature(), d.doc.trim()))
                    .collect::<Vec<_>>()
                    .join("\n\n");
                let data = if found {
                    Media::new(vec![
                        MediaType::Plain(text.clone()),
                        MediaType::Markdown(text),
                    ])
                } else {
                    Media::default()
                };
                Some(
                    InspectReply {
                        found,
                        data,
                        metadata: Default::default(),
                        status: ReplyStatus::Ok,
                        error: None,
                    }
                    .as_child_of(&parent),
                )
            }
            JupyterMessageContent::IsCompleteRequest(req) => {
                let status = match syntax::completeness(&syntax_engine, &req.code) {
                    Completeness::Complete => IsCompleteReplyStatus::Complete,
                    Completeness::Incomplete => IsCompleteReplyStatus::Incomplete,
                    Completeness::Invalid => IsCompleteReplyStatus::Invalid,
                };
                let indent = if status == IsCompleteReplyStatus::Incomplete {
                    "    "
                } else {
                    ""
                };
                Some(
                    IsCompleteReply {
                        status,
                        indent: indent.to_string(),
                    }
                    .as_child_of(&parent),
                )
            }
            JupyterMessageContent::HistoryRequest(_) => Some(
                HistoryReply {
                    history: vec![],
                    status: ReplyStatus::Ok,
                    error: None,
                }
                .as_child_of(&parent),
            ),
            JupyterMessageContent::CommInfoRequest(_) => Some(
                CommInfoReply {
                    status: ReplyStatus::Ok,
                    comms: Default::default(),
                    error: None,
                }
                .as_child_of(&parent),
            ),
            JupyterMessageContent::ShutdownRequest(req) => {
                let reply = ShutdownReply {
                    restart: req.restart,
                    status: ReplyStatus::Ok,
                    error: None,
                };
                let _ = shell_tx.send(reply.as_child_of(&parent)).await;
                publish(Status::idle().as_child_of(&parent)).await;
                break;
            }
            _ => None,
        };
        if let Some(r) = reply {
            let _ = shell_tx.send(r).await;
        }
        publish(Status::idle().as_child_of(&parent)).await;
    }
    drop(shutdown_tx);
    Ok(())
}
