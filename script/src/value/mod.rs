//! How every script value is shown, in one place.
//!
//! The core's types (tables, laws, vectors and masks, models, figures and
//! charts) say how they look in `scaling_lab_core::show`; this module adds
//! the scripting language's own values (numbers, text, arrays, maps,
//! function pointers, ranges), whose maps keep the key order the script
//! wrote ([`Cx`]). Everything that shows a value goes through here:
//! `print` (the `to_string` functions this module registers), the REPL,
//! `eval` and `eval --json`, `to_json` and `save_json`, the notebook kernel
//! and the evcxr `Session`.
//!
//! The custom types are listed once, in [`value_types!`]: the engine
//! registers their names, `print` shows them and [`with_show`] dispatches
//! on them from that list. A new type implements `Show` in the core (or
//! [`Show`] here) and adds one line there.

mod collection;
mod scalar;

use rhai::{Array, Dynamic, FnPtr, ImmutableString, Map};
use serde_json::Value;

use crate::state::KeyOrders;
use scaling_lab_core::show::{self as core_show, Show as CoreShow};

pub use scaling_lab_core::show::{escape_html, format_float, MimeBundle};

/// Calls `$callback!` with every custom value type the engine knows, as
/// `(Rust type, name in scripts and messages, parameter in the docs)`.
#[macro_export]
macro_rules! value_types {
    ($callback:ident) => {
        $callback!(
            (scaling_lab_core::Vector, "vector", "v: &mut Vector"),
            (scaling_lab_core::Mask, "mask", "m: &mut Mask"),
            (scaling_lab_core::Table, "Table", "t: &mut Table"),
            (scaling_lab_core::Law, "Law", "l: &mut Law"),
            (
                scaling_lab_core::transformer::Transformer,
                "Model",
                "m: &mut Model"
            ),
            (scaling_lab_core::Figure, "Figure", "f: &mut Figure"),
            (scaling_lab_core::Chart, "Chart", "c: &mut Chart"),
        )
    };
}

/// Register every custom value type's name with the engine.
pub fn register_types(engine: &mut rhai::Engine) {
    macro_rules! register {
        ($(($t:ty, $name:literal, $param:literal)),* $(,)?) => {
            $( engine.register_type_with_name::<$t>($name); )*
        };
    }
    value_types!(register);
}

/// What showing a value may need from the engine that made it.
#[derive(Clone, Copy)]
pub struct Cx<'a> {
    /// The order the script wrote map keys in.
    pub orders: &'a KeyOrders,
    /// How deep inside arrays and maps the value being shown is.
    pub depth: usize,
}

/// Arrays and maps nested deeper than this are shown as `[…]` and `#{…}`
/// and refused by JSON output (`to_json`, `save_json`, `eval --json`):
/// every walk over a value stops here, so no value, however it was built,
/// can exhaust the stack of what shows it.
pub const MAX_DEPTH: usize = 64;

impl<'a> Cx<'a> {
    /// At the top of a value, with the engine's key orders.
    pub fn new(orders: &'a KeyOrders) -> Cx<'a> {
        Cx { orders, depth: 0 }
    }

    /// For what a value holds.
    pub fn deeper(self) -> Cx<'a> {
        Cx {
            depth: self.depth + 1,
            ..self
        }
    }

    /// Past [`MAX_DEPTH`].
    pub fn too_deep(self) -> bool {
        self.depth >= MAX_DEPTH
    }
}

impl Cx<'_> {
    /// For values shown outside any engine (keys sorted).
    pub fn detached() -> Cx<'static> {
        static EMPTY: std::sync::OnceLock<KeyOrders> = std::sync::OnceLock::new();
        Cx::new(EMPTY.get_or_init(KeyOrders::default))
    }
}

/// Whether `v` nests arrays or maps more than [`MAX_DEPTH`] deep (the walk
/// itself stops there).
pub fn too_deep(v: &Dynamic) -> bool {
    fn walk(v: &Dynamic, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return true;
        }
        if let Some(a) = v.read_lock::<Array>() {
            return a.iter().any(|x| walk(x, depth + 1));
        }
        if let Some(m) = v.read_lock::<Map>() {
            return m.values().any(|x| walk(x, depth + 1));
        }
        false
    }
    walk(v, 0)
}

/// JSON of a value, refused when it nests past [`MAX_DEPTH`].
pub fn json_checked(v: &Dynamic, cx: Cx) -> Result<Value, String> {
    if too_deep(v) {
        return Err(format!(
            "the value nests arrays or maps more than {MAX_DEPTH} levels deep; JSON output refuses it"
        ));
    }
    Ok(json(v, cx))
}

/// How one type of script value is shown (the core's [`CoreShow`] with
/// the engine's key orders, which maps and arrays need).
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
    fn png(&self) -> Option<scaling_lab_core::Result<Vec<u8>>> {
        None
    }
    /// SVG text for notebooks (figures).
    fn svg(&self) -> Option<scaling_lab_core::Result<String>> {
        None
    }
    /// CSV text, for tabular values.
    fn csv(&self) -> Option<scaling_lab_core::Result<String>> {
        None
    }
}

/// A core value seen through the script layer's [`Show`] (it needs no key orders).
struct Core<'a, T: CoreShow + ?Sized>(&'a T);

impl<T: CoreShow + ?Sized> Show for Core<'_, T> {
    fn type_name(&self) -> &'static str {
        self.0.type_name()
    }
    fn text(&self, _: Cx) -> String {
        self.0.text()
    }
    fn inline(&self, _: Cx) -> String {
        self.0.inline()
    }
    fn json(&self, _: Cx) -> Value {
        self.0.json()
    }
    fn html(&self, _: Cx) -> Option<String> {
        self.0.html()
    }
    fn markdown(&self) -> Option<String> {
        self.0.markdown()
    }
    fn png(&self) -> Option<scaling_lab_core::Result<Vec<u8>>> {
        self.0.png()
    }
    fn svg(&self) -> Option<scaling_lab_core::Result<String>> {
        self.0.svg()
    }
    fn csv(&self) -> Option<scaling_lab_core::Result<String>> {
        self.0.csv()
    }
}

/// Run `f` on the [`Show`] of `v`; `None` for `()`.
pub fn with_show<R>(v: &Dynamic, f: impl FnOnce(&dyn Show) -> R) -> Option<R> {
    if v.is_unit() {
        return None;
    }
    macro_rules! core_types {
        ($(($t:ty, $name:literal, $param:literal)),* $(,)?) => {
            $(
                if let Some(x) = v.read_lock::<$t>() {
                    return Some(f(&Core(&*x)));
                }
            )*
        };
    }
    value_types!(core_types);
    macro_rules! script_types {
        ($($t:ty),* $(,)?) => {
            $(
                if let Some(x) = v.read_lock::<$t>() {
                    return Some(f(&*x));
                }
            )*
        };
    }
    script_types!(
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
pub fn csv(v: &Dynamic) -> scaling_lab_core::Result<String> {
    with_show(v, |s| s.csv()).flatten().unwrap_or_else(|| {
        Err(scaling_lab_core::Error::InvalidArgument {
            arg: "value".into(),
            expected: "a Table or a vector",
            value: type_name(v).into(),
        })
    })
}

/// Every form a notebook can show, richest last: plain text always, then
/// HTML, Markdown and PNG where the type has them, and SVG beside the PNG
/// when the session asks for it (`figure_formats`).
pub fn bundle(v: &Dynamic, cx: Cx, svg: bool) -> MimeBundle {
    with_show(v, |s| {
        core_show::bundle_of(
            s.text(cx),
            s.html(cx),
            s.markdown(),
            s.png(),
            if svg { s.svg() } else { None },
        )
    })
    .unwrap_or_default()
}

/// The `to_string` / `to_debug` functions that make `print`, `debug` and
/// string interpolation show values the same way as the REPL.
pub mod printing {
    use rhai::plugin::*;
    use rhai::{Array, FuncRegistration, Map, Module, NativeCallContext};

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
            scaling_lab_core::pyformat::printable(&s).into_owned()
        }
    }

    /// `print`, `debug`, `to_string` and `to_debug` for one value type,
    /// all through its [`super::Show`].
    fn shown_as_text<T: rhai::Variant + Clone>(
        m: &mut Module,
        param: &str,
        text: fn(&T, super::Cx) -> String,
    ) {
        for name in ["print", "debug", "to_string", "to_debug"] {
            FuncRegistration::new(name)
                .in_global_namespace()
                .with_purity(true)
                .with_params_info([param, "String"])
                .with_comments([SHOWN])
                .set_into_module(m, move |ctx: NativeCallContext, v: &mut T| {
                    let st = crate::state::state(&ctx);
                    text(v, super::Cx::new(&st.orders))
                });
        }
    }

    /// The printing functions: strings, maps, arrays, then every custom value type.
    pub fn module() -> Module {
        let mut m = rhai::exported_module!(api);
        shown_as_text::<Map>(&mut m, "m: &mut Map", super::Show::text);
        shown_as_text::<Array>(&mut m, "a: &mut Array", super::Show::text);
        macro_rules! each {
            ($(($t:ty, $name:literal, $param:literal)),* $(,)?) => {
                $( shown_as_text::<$t>(&mut m, $param, |v, _| super::CoreShow::text(v)); )*
            };
        }
        crate::value_types!(each);
        m
    }
}

#[cfg(test)]
mod tests;
