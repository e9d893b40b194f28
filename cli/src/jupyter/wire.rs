//! Reading shell messages. The same signature check as
//! `jupyter-zmq-client`'s `Connection::read`, but lenient where
//! `jupyter-protocol` 2.0.3 is strict: it requires `unique` and `n` in a
//! `history_request` search, which real clients (jupyter_client among
//! them) leave out, so such a request would be refused and never answered.
//! Missing optional fields get their protocol defaults here.

use jupyter_protocol::{Header, JupyterMessage, JupyterMessageContent};
use jupyter_zmq_client::{RawMessage, RuntimeError};
use ring::hmac;
use serde_json::Value;
use zeromq::SocketRecv;

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
) -> Result<JupyterMessage, RuntimeError> {
    let raw = RawMessage::from_multipart(socket.recv().await?, key)?;
    if raw.jparts.len() < 4 {
        return Err(RuntimeError::InsufficientMessageParts(raw.jparts.len()));
    }
    let header: Header = serde_json::from_slice(&raw.jparts[0])?;
    let content: Value = serde_json::from_slice(&raw.jparts[3])?;
    let content = JupyterMessageContent::from_type_and_content(
        &header.msg_type,
        with_defaults(&header.msg_type, content),
    )
    .map_err(|source| RuntimeError::ParseError {
        msg_type: header.msg_type.clone(),
        source,
    })?;
    Ok(JupyterMessage {
        zmq_identities: raw.zmq_identities,
        // Per the spec an empty parent header is `{}`, which is no header.
        parent_header: serde_json::from_slice(&raw.jparts[1]).ok(),
        metadata: serde_json::from_slice(&raw.jparts[2])?,
        content,
        buffers: raw.jparts.get(4..).map(<[_]>::to_vec).unwrap_or_default(),
        header,
        channel: None,
    })
}
