//! How each value of the core is shown, in one place: text for a terminal,
//! one line for messages, JSON, HTML and Markdown for notebooks, PNG for
//! figures, CSV for tables.
//!
//! One file per kind of value (tables, laws, vectors and masks, models,
//! figures and charts, numbers). The script layer's value model
//! (`scaling_lab_script::value`) asks these for the core's types and adds
//! the scripting language's own (maps, arrays, strings); a Rust notebook
//! (evcxr) shows a core value through [`Show::evcxr_display`] with the
//! same MIME bundle the native kernel sends.

mod figure;
mod law;
mod model;
mod number;
mod table;
mod vector;

use base64::Engine as _;
use serde_json::Value;

pub use law::markdown as law_markdown;
pub use model::{summary as model_summary, Summary as ModelSummary};
pub use number::{float_json, format_float, format_float_plain};

/// (MIME type, content) pairs; binary content is base64.
pub type MimeBundle = Vec<(&'static str, String)>;

/// How one type of value is shown.
pub trait Show {
    /// The type's name in messages and `:vars` ("vector", "Table").
    fn type_name(&self) -> &'static str;
    /// Text for a terminal: what `print`, the REPL and `eval` show.
    fn text(&self) -> String;
    /// Text on one line, for a value inside a map, an array or a message.
    fn inline(&self) -> String {
        self.text()
    }
    /// The value as JSON (for `eval --json`, `to_json`, `save_json`).
    fn json(&self) -> Value;
    /// HTML for notebooks, where richer than text.
    fn html(&self) -> Option<String> {
        None
    }
    /// Markdown (with LaTeX) for notebooks.
    fn markdown(&self) -> Option<String> {
        None
    }
    /// PNG bytes for notebooks (figures).
    fn png(&self) -> Option<crate::Result<Vec<u8>>> {
        None
    }
    /// SVG text for notebooks (figures), beside the PNG: front ends that
    /// take vector images choose it, and it stays sharp when zoomed.
    fn svg(&self) -> Option<crate::Result<String>> {
        None
    }
    /// CSV text, for tabular values.
    fn csv(&self) -> Option<crate::Result<String>> {
        None
    }
    /// Every form a notebook can show, richest last: plain text always,
    /// then HTML, Markdown, PNG and SVG where the type has them.
    fn bundle(&self) -> MimeBundle {
        bundle_of(
            self.text(),
            self.html(),
            self.markdown(),
            self.png(),
            self.svg(),
        )
    }
    /// evcxr display: one `EVCXR_BEGIN_CONTENT` block per MIME type, which
    /// evcxr turns into one output the front end picks the richest form of.
    fn evcxr_display(&self) {
        for (mime, content) in self.bundle() {
            println!("EVCXR_BEGIN_CONTENT {mime}\n{content}\nEVCXR_END_CONTENT");
        }
    }
}

/// A MIME bundle from a value's forms (text first, images last, an image
/// that cannot be drawn said in the text).
pub fn bundle_of(
    text: String,
    html: Option<String>,
    markdown: Option<String>,
    png: Option<crate::Result<Vec<u8>>>,
    svg: Option<crate::Result<String>>,
) -> MimeBundle {
    let mut b = vec![("text/plain", text)];
    if let Some(h) = html {
        b.push(("text/html", h));
    }
    if let Some(m) = markdown {
        b.push(("text/markdown", m));
    }
    match png {
        Some(Ok(png)) => b.push((
            "image/png",
            base64::engine::general_purpose::STANDARD.encode(png),
        )),
        Some(Err(e)) => b[0].1 = format!("{}\n(cannot draw it: {e})", b[0].1),
        None => {}
    }
    match svg {
        Some(Ok(svg)) => b.push(("image/svg+xml", svg)),
        Some(Err(e)) if !b[0].1.contains("(cannot draw it") => {
            b[0].1 = format!("{}\n(cannot draw it: {e})", b[0].1)
        }
        _ => {}
    }
    b
}

/// HTML-escape text.
pub fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl Show for crate::Allocation {
    fn type_name(&self) -> &'static str {
        "Allocation"
    }
    fn text(&self) -> String {
        self.to_string()
    }
    fn json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
    /// An allocation is shown as a one-row table.
    fn html(&self) -> Option<String> {
        crate::Table::from_records(&[*self])
            .ok()
            .map(|t| crate::table::render::to_html(&t))
    }
}

/// Inherent `evcxr_display` methods, so a Rust notebook shows a value a
/// cell ends with without importing [`Show`].
macro_rules! evcxr_display {
    ($($t:ty),* $(,)?) => {$(
        impl $t {
            /// evcxr display: the value's MIME bundle ([`Show::bundle`]).
            pub fn evcxr_display(&self) {
                Show::evcxr_display(self)
            }
        }
    )*};
}

evcxr_display!(
    crate::Table,
    crate::Law,
    crate::Vector,
    crate::Mask,
    crate::Figure,
    crate::Chart,
    crate::transformer::Transformer,
    crate::Allocation,
);
