//! JSON and CSV text, and the only file writes scripts have (under the
//! output folder, by the policy in `script::files`).

use rhai::plugin::*;

/// Numbers (or cells) a value holds, for charging its conversion to text.
fn cells(v: &rhai::Dynamic) -> usize {
    if let Some(t) = v.read_lock::<scaling_lab_core::table::Table>() {
        return t.len() * t.names().len().max(1);
    }
    if let Some(x) = v.read_lock::<scaling_lab_core::vector::Vector>() {
        return x.len();
    }
    if let Some(a) = v.read_lock::<rhai::Array>() {
        return a.len();
    }
    1
}

/// Pretty JSON of a value, or an error when it nests too deep for JSON output.
fn json_text(
    ctx: &rhai::NativeCallContext,
    v: &rhai::Dynamic,
    cx: crate::value::Cx,
) -> crate::args::ScriptResult<String> {
    let json = crate::value::json_checked(v, cx).map_err(|e| crate::args::fail(ctx, e))?;
    Ok(serde_json::to_string_pretty(&json).unwrap_or_else(|e| format!("\"{e}\"")))
}

#[export_module]
pub mod api {
    use rhai::{Dynamic, NativeCallContext};

    use super::cells;
    use crate::args::{lift, ScriptResult};
    use crate::state::state;
    use crate::value::{self, Cx};

    /// Any value as pretty-printed JSON text (tables as an array of row
    /// objects, vectors as lists, maps with their keys in written order).
    ///
    /// ```rhai
    /// to_json(find_optimal_allocation(1e24))
    /// ```
    #[rhai_fn(return_raw)]
    pub fn to_json(ctx: NativeCallContext, value: Dynamic) -> ScriptResult<String> {
        let st = state(&ctx);
        lift(&ctx, st.budget.charge_elements(cells(&value), 40))?;
        json_text(&ctx, &value, Cx::new(&st.orders))
    }

    /// Maps as JSON through the same depth-checked path: Rhai's own
    /// `Map::to_json` is more specific than `Dynamic` and would otherwise win,
    /// writing any depth and dropping key order.
    #[rhai_fn(name = "to_json", return_raw)]
    pub fn map_to_json(ctx: NativeCallContext, value: rhai::Map) -> ScriptResult<String> {
        to_json(ctx, value.into())
    }

    /// A table (or a vector, as one column) as CSV text with a header row.
    ///
    /// ```rhai
    /// to_csv(vector([1, 2]))
    /// ```
    #[rhai_fn(name = "to_csv", return_raw)]
    pub fn to_csv(ctx: NativeCallContext, value: Dynamic) -> ScriptResult<String> {
        lift(&ctx, state(&ctx).budget.charge_elements(cells(&value), 40))?;
        lift(&ctx, value::csv(&value))
    }

    /// A value as HTML, as a notebook shows it (tables like a pandas DataFrame).
    pub fn to_html(ctx: NativeCallContext, value: Dynamic) -> String {
        let st = state(&ctx);
        let cx = Cx::new(&st.orders);
        value::with_show(&value, |s| {
            s.html(cx)
                .unwrap_or_else(|| format!("<pre>{}</pre>", value::escape_html(&s.text(cx))))
        })
        .unwrap_or_default()
    }

    /// Write a table (or a vector) as CSV to `path` inside the output folder
    /// (`--out`; no absolute paths or `..`). Written atomically; returns the path.
    ///
    /// ```rhai
    /// save_csv(arch_sweep(), "sweep.csv")
    /// ```
    #[rhai_fn(return_raw)]
    pub fn save_csv(ctx: NativeCallContext, value: Dynamic, path: &str) -> ScriptResult<String> {
        lift(&ctx, state(&ctx).budget.charge_elements(cells(&value), 40))?;
        let text = lift(&ctx, value::csv(&value))?;
        let p = lift(
            &ctx,
            state(&ctx).files.write(path, &["csv"], text.as_bytes()),
        )?;
        Ok(p.display().to_string())
    }

    /// Write any value as JSON to `path` inside the output folder (`--out`;
    /// no absolute paths or `..`). Written atomically; returns the path.
    ///
    /// ```rhai
    /// save_json(find_optimal_allocation(1e24), "plan.json")
    /// ```
    #[rhai_fn(return_raw)]
    pub fn save_json(ctx: NativeCallContext, value: Dynamic, path: &str) -> ScriptResult<String> {
        let st = state(&ctx);
        lift(&ctx, st.budget.charge_elements(cells(&value), 40))?;
        let text = json_text(&ctx, &value, Cx::new(&st.orders))?;
        let p = lift(&ctx, st.files.write(path, &["json"], text.as_bytes()))?;
        Ok(p.display().to_string())
    }
}
