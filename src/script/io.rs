//! The only file access scripts have: writing results under the output folder.

use rhai::plugin::*;

use std::path::PathBuf;

/// The folder relative paths resolve against, kept in the engine's tag.
pub(crate) fn out_dir(ctx: &NativeCallContext) -> PathBuf {
    ctx.tag()
        .and_then(|t| {
            t.read_lock::<rhai::Map>()
                .and_then(|m| m.get("out_dir").map(|d| d.to_string()))
        })
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."))
}

pub(crate) fn resolve(
    ctx: &NativeCallContext,
    path: &str,
    ext: &str,
) -> crate::script::args::ScriptResult<PathBuf> {
    if path.trim().is_empty() {
        return Err(crate::script::args::fail(ctx, "path must not be empty"));
    }
    let p = std::path::Path::new(path);
    if p.extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        != Some(ext.into())
    {
        return Err(crate::script::args::fail(
            ctx,
            format!("path '{path}' must end in .{ext}"),
        ));
    }
    Ok(if p.is_absolute() {
        p.to_path_buf()
    } else {
        out_dir(ctx).join(p)
    })
}

#[export_module]
pub mod api {
    use rhai::{Dynamic, NativeCallContext};

    use crate::output::write_atomic;
    use crate::script::args::{lift, ScriptResult};
    use crate::script::value;
    use crate::table::{render, Table};

    /// Any value as pretty-printed JSON text (tables as an array of row objects).
    ///
    /// ```rhai
    /// to_json(find_optimal_allocation(1e24))
    /// ```
    pub fn to_json(value: Dynamic) -> String {
        serde_json::to_string_pretty(&value::to_json(&value)).expect("JSON values serialise")
    }

    /// Write a table as CSV to `path` (relative paths go under the runner's
    /// `--out` folder). Written atomically; returns the path written.
    ///
    /// ```rhai
    /// save_csv(arch_sweep(), "sweep.csv")
    /// ```
    #[rhai_fn(return_raw)]
    pub fn save_csv(ctx: NativeCallContext, t: Table, path: &str) -> ScriptResult<String> {
        let p = super::resolve(&ctx, path, "csv")?;
        let text = lift(&ctx, render::to_csv(&t))?;
        lift(&ctx, write_atomic(&p, text.as_bytes()))?;
        Ok(p.display().to_string())
    }

    /// Write any value as JSON to `path` (relative paths go under the runner's
    /// `--out` folder). Written atomically; returns the path written.
    ///
    /// ```rhai
    /// save_json(find_optimal_allocation(1e24), "plan.json")
    /// ```
    #[rhai_fn(return_raw)]
    pub fn save_json(ctx: NativeCallContext, value: Dynamic, path: &str) -> ScriptResult<String> {
        let p = super::resolve(&ctx, path, "json")?;
        let text = to_json(value);
        lift(&ctx, write_atomic(&p, text.as_bytes()))?;
        Ok(p.display().to_string())
    }
}
