//! Numbers in scripts: readable formatting and self-checks. (Grids and
//! statistics are vector functions: `script::vector`.)

use rhai::plugin::*;

#[export_module]
pub mod api {
    use rhai::{Array, Dynamic, NativeCallContext, FLOAT};

    use crate::args::{self, fail, lift, ScriptResult};
    use scaling_lab_core::pyformat;
    use scaling_lab_core::units;

    /// A number with three significant digits and K/M/B/T: `fmt_si(1.4e12)` is `"1.40T"`.
    ///
    /// ```rhai
    /// fmt_si(70e9)   // "70.0B"
    /// ```
    #[rhai_fn(return_raw)]
    pub fn fmt_si(ctx: NativeCallContext, x: Dynamic) -> ScriptResult<String> {
        Ok(units::fmt_si(args::number(&ctx, "x", &x)?))
    }

    /// Bytes in decimal units, three significant digits: `fmt_bytes(3.14e10)`
    /// is `"31.4 GB"` (GB = 1e9 bytes, as datasheets and the ZeRO paper use).
    ///
    /// ```rhai
    /// fmt_bytes(80e9)   // "80.0 GB"
    /// ```
    #[rhai_fn(return_raw)]
    pub fn fmt_bytes(ctx: NativeCallContext, x: Dynamic) -> ScriptResult<String> {
        Ok(units::fmt_bytes(args::number(&ctx, "x", &x)?, false))
    }

    /// Bytes in binary units when `unit` is "GiB" (KiB, MiB, GiB, TiB by
    /// size), decimal when "GB": `fmt_bytes(2147483648, "GiB")` is `"2.00 GiB"`.
    #[rhai_fn(name = "fmt_bytes", return_raw)]
    pub fn fmt_bytes_unit(ctx: NativeCallContext, x: Dynamic, unit: &str) -> ScriptResult<String> {
        let binary = match unit {
            "GiB" | "binary" | "iec" => true,
            "GB" | "decimal" | "si" => false,
            other => {
                return Err(fail(
                    &ctx,
                    format!("unit must be \"GB\" (powers of 1000) or \"GiB\" (powers of 1024), got '{other}'"),
                ))
            }
        };
        Ok(units::fmt_bytes(args::number(&ctx, "x", &x)?, binary))
    }

    /// Parse a number with an optional K/M/B/T (or P/E/Z/Y) suffix: `parse_si("70B")` is 7e10.
    ///
    /// ```rhai
    /// parse_si("1.4T")   // 1.4e12
    /// ```
    #[rhai_fn(return_raw)]
    pub fn parse_si(ctx: NativeCallContext, text: &str) -> ScriptResult<FLOAT> {
        lift(&ctx, units::parse_si(text))
    }

    /// Format a number or text with a Python format spec:
    /// `fmt(3.14e23, ".2e")` is `"3.14e+23"`, `fmt(32.19, ">8.1f")` is `"    32.2"`,
    /// `fmt("GPT-3", "<20")` pads to 20 characters. A vector gives an array
    /// of strings, one per element (pandas `s.map("{:.2f}".format)`).
    ///
    /// ```rhai
    /// fmt(1.93069, ".3f")   // "1.931"
    /// fmt(vector([0.5, 0.25]), ".0%").join(", ")   // "50%, 25%"
    /// ```
    #[rhai_fn(return_raw)]
    pub fn fmt(ctx: NativeCallContext, value: Dynamic, spec: &str) -> ScriptResult<Dynamic> {
        if let Some(x) = args::as_number(&value) {
            let x = lift(&ctx, scaling_lab_core::error::check::finite("value", x))?;
            lift(&ctx, pyformat::format_number(x, spec)).map(Dynamic::from)
        } else if value.is_string() {
            lift(&ctx, pyformat::format_text(&value.to_string(), spec)).map(Dynamic::from)
        } else if value.is::<scaling_lab_core::vector::Vector>() || value.is_array() {
            let v = args::vector(&ctx, "value", &value)?;
            lift(
                &ctx,
                crate::state::state(&ctx)
                    .budget
                    .charge_elements(v.len(), scaling_lab_core::budget::work::MATH * 4),
            )?;
            v.iter()
                .map(|x| lift(&ctx, pyformat::format_number(*x, spec)).map(Dynamic::from))
                .collect::<ScriptResult<Array>>()
                .map(Dynamic::from)
        } else {
            Err(fail(
                &ctx,
                format!(
                    "value must be a number, a vector or a string, got {}",
                    args::type_name(&value)
                ),
            ))
        }
    }

    /// The items of an array (strings, numbers) joined by `sep`, as Python's
    /// `sep.join(items)`.
    ///
    /// ```rhai
    /// ["a", "b", 3].join(" | ")   // "a | b | 3"
    /// ```
    #[rhai_fn(pure)]
    pub fn join(ctx: NativeCallContext, items: &mut Array, sep: &str) -> String {
        let st = crate::state::state(&ctx);
        let cx = crate::value::Cx::new(&st.orders);
        items
            .iter()
            .map(|x| {
                if x.is_string() {
                    x.to_string()
                } else {
                    crate::value::inline_in(x, cx)
                }
            })
            .collect::<Vec<_>>()
            .join(sep)
    }

    /// Fail the script unless `actual` is within relative tolerance `rel_tol`
    /// of `expected` (|a - e| <= rel_tol |e|). For self-checking scripts that
    /// hold published figures.
    ///
    /// ```rhai
    /// assert_close(chinchilla_loss(70e9, 1.4e12), 1.9366, 1e-4)
    /// ```
    #[rhai_fn(return_raw)]
    pub fn assert_close(
        ctx: NativeCallContext,
        actual: Dynamic,
        expected: Dynamic,
        rel_tol: Dynamic,
    ) -> ScriptResult<()> {
        let a = args::number(&ctx, "actual", &actual)?;
        let e = args::number(&ctx, "expected", &expected)?;
        let tol = args::number(&ctx, "rel_tol", &rel_tol)?;
        if !(tol.is_finite() && tol >= 0.0) {
            return Err(fail(
                &ctx,
                format!("rel_tol must be a non-negative finite number, got {tol}"),
            ));
        }
        let ok = a.is_finite() && e.is_finite() && (a - e).abs() <= tol * e.abs();
        if ok {
            Ok(())
        } else {
            let rel = if e != 0.0 {
                (a - e).abs() / e.abs()
            } else {
                FLOAT::INFINITY
            };
            Err(fail(
                &ctx,
                format!("{a} is not within {tol} of {e} (relative difference {rel:.3e})"),
            ))
        }
    }
}
