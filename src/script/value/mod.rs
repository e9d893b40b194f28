//! How every script value is shown, in one place.
//!
//! Each value type implements [`Show`] in a file of its own (numbers and
//! text, arrays and maps, vectors and masks, tables, laws, models, figures) and is
//! listed once in [`with_show`]. Everything that shows a value goes through
//! here: `print` (the `to_string` functions this module registers), the
//! REPL, `eval` and `eval --json`, `to_json` and `save_json`, the notebook
//! kernel and the evcxr `Session`. A new type is one new file and one line
//! in that list.

mod collection;
mod figure;
mod law;
mod model;
mod scalar;
mod table;
mod vector;

use base64::Engine as _;
use rhai::{Array, Dynamic, FnPtr, ImmutableString, Map};
use serde_json::Value;

use crate::laws::Law;
use crate::plot::{Chart, Figure};
use crate::script::state::KeyOrders;
use crate::table::Table;
use crate::vector::{Mask, Vector};

pub use scalar::format_float;

/// (MIME type, content) pairs; binary content is base64.
pub type MimeBundle = Vec<(&'static str, String)>;

/// What showing a value may need from the engine that made it.
#[derive(Clone, Copy)]
pub struct Cx<'a> {
    /// The order the script wrote map keys in.
    pub orders: &'a KeyOrders,
}

impl Cx<'_> {
    /// For values shown outside any engine (keys sorted).
    pub fn detached() -> Cx<'static> {
        static EMPTY: std::sync::OnceLock<KeyOrders> = std::sync::OnceLock::new();
        Cx {
            orders: EMPTY.get_or_init(KeyOrders::default),
        }
    }
}

/// How one type of value is shown.
pub trait Show {
    /// The type's name in messages and `:vars` ("vector", "Table").
    fn type_name(&self) -> &'static str;
    /// Text for a terminal: what `print`, the REPL and `eval` show.
    fn text(&self, cx: Cx) -> String;
    /// Text on one line, for a value inside a map, an array or a message.
    fn inline(&self, cx: Cx) -> String {
        self.text(cx)
    }
    /// The value as JSON (for `eval --json`, `to_json`, `save_json`).
    fn json(&self, cx: Cx) -> Value;
    /// HTML for notebooks, where richer than text.
    fn html(&self, _cx: Cx) -> Option<String> {
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
    /// CSV text, for tabular values.
    fn csv(&self) -> Option<crate::Result<String>> {
        None
    }
}

/// Run `f` on the [`Show`] of `v`; `None` for `()`.
pub fn with_show<R>(v: &Dynamic, f: impl FnOnce(&dyn Show) -> R) -> Option<R> {
    if v.is_unit() {
        return None;
    }
    macro_rules! each_type {
        ($($t:ty),* $(,)?) => {
            $(
                if let Some(x) = v.read_lock::<$t>() {
                    return Some(f(&*x));
                }
            )*
        };
    }
    each_type!(
        Vector,
        Mask,
        Table,
        Law,
        crate::transformer::Transformer,
        Figure,
        Chart,
        Map,
        Array,
        ImmutableString,
        FnPtr,
        std::ops::Range<rhai::INT>,
        std::ops::RangeInclusive<rhai::INT>,
    );
    if let Ok(x) = v.as_float() {
        return Some(f(&x));
    }
    if let Ok(x) = v.as_int() {
        return Some(f(&x));
    }
    if let Ok(x) = v.as_bool() {
        return Some(f(&x));
    }
    if let Ok(x) = v.as_char() {
        return Some(f(&x.to_string()));
    }
    Some(f(&scalar::Opaque(v.type_name())))
}

/// The type's name as users see it.
pub fn type_name(v: &Dynamic) -> &'static str {
    with_show(v, |s| s.type_name()).unwrap_or("()")
}

/// Text for a terminal; `None` for `()`.
pub fn text(v: &Dynamic, cx: Cx) -> Option<String> {
    with_show(v, |s| s.text(cx))
}

/// One-line text (for messages and nested values).
pub fn inline(v: &Dynamic) -> String {
    with_show(v, |s| s.inline(Cx::detached())).unwrap_or_else(|| "()".into())
}

/// One-line text with the engine's key orders.
pub fn inline_in(v: &Dynamic, cx: Cx) -> String {
    with_show(v, |s| s.inline(cx)).unwrap_or_else(|| "()".into())
}

/// JSON (`null` for `()`).
pub fn json(v: &Dynamic, cx: Cx) -> Value {
    with_show(v, |s| s.json(cx)).unwrap_or(Value::Null)
}

/// Pretty-printed JSON text.
pub fn json_text(v: &Dynamic, cx: Cx) -> String {
    serde_json::to_string_pretty(&json(v, cx)).unwrap_or_else(|e| format!("\"{e}\""))
}

/// CSV text of a tabular value, or an error naming what it got.
pub fn csv(v: &Dynamic) -> crate::Result<String> {
    with_show(v, |s| s.csv()).flatten().unwrap_or_else(|| {
        Err(crate::Error::InvalidArgument {
            arg: "value".into(),
            expected: "a Table or a vector",
            value: type_name(v).into(),
        })
    })
}

/// Every form a notebook can show, richest last: plain text always, then
/// HTML, Markdown and PNG where the type has them.
pub fn bundle(v: &Dynamic, cx: Cx) -> MimeBundle {
    with_show(v, |s| {
        let mut b = vec![("text/plain", s.text(cx))];
        if let Some(h) = s.html(cx) {
            b.push(("text/html", h));
        }
        if let Some(m) = s.markdown() {
            b.push(("text/markdown", m));
        }
        match s.png() {
            Some(Ok(png)) => b.push((
                "image/png",
                base64::engine::general_purpose::STANDARD.encode(png),
            )),
            Some(Err(e)) => b[0].1 = format!("{}\n(cannot draw it: {e})", b[0].1),
            None => {}
        }
        b
    })
    .unwrap_or_default()
}

/// HTML-escape text.
pub fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The `to_string` / `to_debug` functions that make `print`, `debug` and
/// string interpolation show values the same way as the REPL.
pub mod printing {
    use rhai::plugin::*;
    use rhai::{Array, FuncRegistration, Map, Module, NativeCallContext};

    use crate::laws::Law;
    use crate::plot::{Chart, Figure};
    use crate::table::Table;
    use crate::transformer::Transformer;
    use crate::vector::{Mask, Vector};

    /// The doc comment of every value type's `print`.
    const SHOWN: &str =
        "/// How `print(x)`, `debug(x)`, `x.to_string()` and `${x}` in a string show a
/// value: as the REPL does (maps aligned, vectors like numpy, tables like
/// a DataFrame).";

    #[export_module]
    pub mod api {
        /// Text as `print` shows it: control characters (an ANSI escape read
        /// from a file) escaped, so printed data cannot drive the terminal.
        #[rhai_fn(name = "print")]
        pub fn string_text(s: rhai::ImmutableString) -> String {
            crate::pyformat::printable(&s).into_owned()
        }
    }

    /// `print`, `debug`, `to_string` and `to_debug` for one value type,
    /// all through its [`super::Show`].
    fn shown_as_text<T: super::Show + rhai::Variant + Clone>(m: &mut Module, param: &str) {
        for name in ["print", "debug", "to_string", "to_debug"] {
            FuncRegistration::new(name)
                .in_global_namespace()
                .with_purity(true)
                .with_params_info([param, "String"])
                .with_comments([SHOWN])
                .set_into_module(m, |ctx: NativeCallContext, v: &mut T| {
                    let st = crate::script::state::state(&ctx);
                    v.text(super::Cx { orders: &st.orders })
                });
        }
    }

    /// The printing functions: strings, then every value type that has a `Show`.
    pub fn module() -> Module {
        let mut m = rhai::exported_module!(api);
        shown_as_text::<Map>(&mut m, "m: &mut Map");
        shown_as_text::<Array>(&mut m, "a: &mut Array");
        shown_as_text::<Vector>(&mut m, "v: &mut Vector");
        shown_as_text::<Mask>(&mut m, "m: &mut Mask");
        shown_as_text::<Table>(&mut m, "t: &mut Table");
        shown_as_text::<Law>(&mut m, "l: &mut Law");
        shown_as_text::<Chart>(&mut m, "c: &mut Chart");
        shown_as_text::<Transformer>(&mut m, "m: &mut Model");
        shown_as_text::<Figure>(&mut m, "f: &mut Figure");
        m
    }
}

#[cfg(test)]
mod tests;
