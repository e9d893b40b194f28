//! Reading shell messages. The same signature check as
//! `jupyter-zmq-client`'s `Connection::read`, but lenient where
//! `jupyter-protocol` 2.0.3 is strict: it requires `unique` and `n` in a
//! `history_request` search, which real clients (jupyter_client among
//! them) leave out, so such a request would be refused and never answered.
//! Missing optional fields get their protocol defaults here.
//!
//! Every request gets a reply: a signed request whose content cannot be
//! read (a cursor of -1, a history `n` past 2^31) is answered with an
//! error reply of its kind, so the client does not wait for its timeout.
//! A signed message seen before (a replay) is refused, as jupyter_client
//! and ipykernel do, by a bounded history of digests.

use std::collections::{HashSet, VecDeque};

use jupyter_protocol::{
    CompleteReply, ExecuteReply, Header, HistoryReply, InspectReply, IsCompleteReply,
    IsCompleteReplyStatus, JupyterMessage, JupyterMessageContent, KernelInfoRequest, ReplyError,
    ReplyStatus,
};
use jupyter_zmq_client::{RawMessage, RuntimeError};
use ring::{digest, hmac};
use serde_json::Value;
use zeromq::SocketRecv;

/// Why a message was not handled, and the reply it is owed (if any).
pub enum Refused {
    /// Not verified or not a message: logged, never answered.
    Unread(RuntimeError),
    /// A verified message seen before.
    Replay,
    /// A verified message whose content could not be read: a request is
    /// answered with an error reply of its kind.
    Unreadable {
        /// The reply to send (none for a message that takes no reply).
        reply: Option<Box<JupyterMessage>>,
        /// What was wrong.
        reason: String,
    },
}

/// The digests of the last messages read, to refuse a message seen again.
#[derive(Default)]
pub struct Seen {
    order: VecDeque<Vec<u8>>,
    set: HashSet<Vec<u8>>,
}

/// Digests kept (jupyter_client keeps 2^16; a kernel session sees far fewer).
const SEEN: usize = 4096;

impl Seen {
    /// Record a message's digest; false when it was seen before.
    fn first_time(&mut self, parts: &[bytes::Bytes]) -> bool {
        let mut ctx = digest::Context::new(&digest::SHA256);
        for p in parts.iter().take(4) {
            ctx.update(&(p.len() as u64).to_le_bytes());
            ctx.update(p);
        }
        let d = ctx.finish().as_ref().to_vec();
        if !self.set.insert(d.clone()) {
            return false;
        }
        self.order.push_back(d);
        if self.order.len() > SEEN {
            if let Some(old) = self.order.pop_front() {
                self.set.remove(&old);
            }
        }
        true
    }
}

/// The error reply a request of `msg_type` is owed, or `None` for a
/// message that takes no reply.
fn error_reply(msg_type: &str, reason: &str) -> Option<JupyterMessageContent> {
    let error = || {
        Some(Box::new(ReplyError {
            ename: "BadRequest".into(),
            evalue: reason.to_string(),
            traceback: vec![format!(
                "the kernel could not read this {msg_type}: {reason}"
            )],
        }))
    };
    Some(match msg_type {
        "execute_request" => ExecuteReply {
            status: ReplyStatus::Error,
            execution_count: Default::default(),
            payload: vec![],
            user_expressions: None,
            error: error(),
        }
        .into(),
        "complete_request" => CompleteReply {
            matches: vec![],
            cursor_start: 0,
            cursor_end: 0,
            metadata: Default::default(),
            status: ReplyStatus::Error,
            error: error(),
        }
        .into(),
        "inspect_request" => InspectReply {
            found: false,
            data: Default::default(),
            metadata: Default::default(),
            status: ReplyStatus::Error,
            error: error(),
        }
        .into(),
        "history_request" => HistoryReply {
            history: vec![],
            status: ReplyStatus::Error,
            error: error(),
        }
        .into(),
        "is_complete_request" => IsCompleteReply {
            status: IsCompleteReplyStatus::Unknown,
            indent: String::new(),
        }
        .into(),
        _ => return None,
    })
}

/// The key that signs messages (none when the connection file has none).
pub fn key(info: &jupyter_protocol::ConnectionInfo) -> Option<hmac::Key> {
    (!info.key.is_empty()).then(|| hmac::Key::new(hmac::HMAC_SHA256, info.key.as_bytes()))
}

/// Fill the fields a message type's schema marks optional but the crate requires.
fn with_defaults(msg_type: &str, mut content: Value) -> Value {
    if let (Some(obj), "history_request") = (content.as_object_mut(), msg_type) {
        for (k, v) in [
            ("output", Value::Bool(false)),
            ("raw", Value::Bool(true)),
            ("unique", Value::Bool(false)),
            ("n", Value::from(0)),
            ("start", Value::from(0)),
            ("stop", Value::from(0)),
            ("pattern", Value::from("*")),
        ] {
            obj.entry(k).or_insert(v);
        }
    }
    content
}

/// Why a message was refused, in words for the kernel's log (the crate's
/// own text for a bad signature is `ring::error::Unspecified`).
pub fn describe(e: &RuntimeError) -> String {
    match e {
        RuntimeError::VerifyError(_) => "its signature does not match the connection key".into(),
        RuntimeError::MissingHmac => "it carries no signature".into(),
        other => other.to_string(),
    }
}

/// Receive, verify and parse one message.
pub async fn read<S: SocketRecv>(
    socket: &mut S,
    key: &Option<hmac::Key>,
    seen: &mut Seen,
) -> Result<JupyterMessage, Refused> {
    let frames = socket.recv().await.map_err(|e| Refused::Unread(e.into()))?;
    let raw = RawMessage::from_multipart(frames, key).map_err(Refused::Unread)?;
    if raw.jparts.len() < 4 {
        return Err(Refused::Unread(RuntimeError::InsufficientMessageParts(
            raw.jparts.len(),
        )));
    }
    if !seen.first_time(&raw.jparts) {
        return Err(Refused::Replay);
    }
    let header: Header =
        serde_json::from_slice(&raw.jparts[0]).map_err(|e| Refused::Unread(e.into()))?;
    // From here the sender is known (signed, with a header): what cannot be
    // read is answered, not dropped.
    let parent_header = serde_json::from_slice(&raw.jparts[1]).ok();
    let unreadable = |reason: String| {
        let parent = JupyterMessage {
            zmq_identities: raw.zmq_identities.clone(),
            parent_header: None,
            metadata: Default::default(),
            content: KernelInfoRequest {}.into(),
            buffers: vec![],
            header: header.clone(),
            channel: None,
        };
        Refused::Unreadable {
            reply: error_reply(&header.msg_type, &reason)
                .map(|c| Box::new(JupyterMessage::new(c, Some(&parent)))),
            reason: format!("{}: {reason}", header.msg_type),
        }
    };
    let content: Value = serde_json::from_slice(&raw.jparts[3])
        .map_err(|e| unreadable(format!("its content is not JSON: {e}")))?;
    let content = JupyterMessageContent::from_type_and_content(
        &header.msg_type,
        with_defaults(&header.msg_type, content),
    )
    .map_err(|e| unreadable(format!("its content does not fit the protocol: {e}")))?;
    Ok(JupyterMessage {
        zmq_identities: raw.zmq_identities,
        // Per the spec an empty parent header is `{}`, which is no header.
        parent_header,
        metadata: serde_json::from_slice(&raw.jparts[2]).unwrap_or_default(),
        content,
        buffers: raw.jparts.get(4..).map(<[_]>::to_vec).unwrap_or_default(),
        header,
        channel: None,
    })
}
