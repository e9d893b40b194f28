//! Rhai's arrays (lists), growth charged to the work budget.
//!
//! After every call that changes an array Rhai checks the array against
//! the size limit by walking all of it, so each `push` costs time in
//! proportion to the array's length and `let a = []; loop { a.push(1); }`
//! slows down quadratically while spending only one operation per
//! iteration: it was not stopped in 60 s. These replacements of the
//! growing functions behave as Rhai's own but charge the budget for that
//! walk (charged at 8 ns per element: Rhai checks some arrays twice per
//! change), so the operation limit and Ctrl-C stop
//! such a loop within a second or two. (Numbers belong in vectors, which
//! are not walked.)

use rhai::plugin::*;

/// An error if `item` is a number that is not finite (a NaN handed in by
/// the host): lists hold what scripts compute, and scripts make none.
fn finite_item(
    ctx: &NativeCallContext,
    item: &rhai::Dynamic,
) -> Result<(), Box<rhai::EvalAltResult>> {
    match item.as_float() {
        Ok(x) if !x.is_finite() => Err(crate::args::fail(
            ctx,
            format!(
                "item must be a finite number, got {}",
                scaling_lab_core::error::format_value(x)
            ),
        )),
        _ => Ok(()),
    }
}

/// Units of work for a walk over `len` elements (about 1 ns each).
fn walk(ctx: &NativeCallContext, len: usize) -> Result<(), Box<rhai::EvalAltResult>> {
    crate::args::lift(
        ctx,
        crate::state::state(ctx)
            .budget
            .charge_elements(len, 4 * scaling_lab_core::budget::work::SIMPLE),
    )
}

#[export_module]
pub mod api {
    use rhai::{Array, Dynamic, NativeCallContext, INT};

    use super::walk;

    /// Add an item at the end of an array (as Rhai's own `push`, with the
    /// size check it triggers charged to the work budget).
    #[rhai_fn(return_raw)]
    pub fn push(
        ctx: NativeCallContext,
        array: &mut Array,
        item: Dynamic,
    ) -> Result<(), Box<rhai::EvalAltResult>> {
        walk(&ctx, array.len())?;
        finite_item(&ctx, &item)?;
        array.push(item);
        Ok(())
    }

    /// `array += item` adds an item at the end; `array += other` adds every
    /// item of another array (as Rhai's own `+=`).
    #[rhai_fn(name = "+=", return_raw)]
    pub fn add_assign(
        ctx: NativeCallContext,
        array: &mut Array,
        item: Dynamic,
    ) -> Result<(), Box<rhai::EvalAltResult>> {
        walk(&ctx, array.len())?;
        if item.is_array() {
            let more = item.cast::<Array>();
            more.iter().try_for_each(|x| finite_item(&ctx, x))?;
            array.extend(more);
        } else {
            finite_item(&ctx, &item)?;
            array.push(item);
        }
        Ok(())
    }

    /// Add every item of another array at the end (as Rhai's own `append`).
    #[rhai_fn(return_raw)]
    pub fn append(
        ctx: NativeCallContext,
        array: &mut Array,
        other: Array,
    ) -> Result<(), Box<rhai::EvalAltResult>> {
        walk(&ctx, array.len() + other.len())?;
        other.iter().try_for_each(|x| finite_item(&ctx, x))?;
        array.extend(other);
        Ok(())
    }

    /// Insert an item at a position (negative counts from the end; past the
    /// end appends), as Rhai's own `insert`.
    #[rhai_fn(return_raw)]
    pub fn insert(
        ctx: NativeCallContext,
        array: &mut Array,
        index: INT,
        item: Dynamic,
    ) -> Result<(), Box<rhai::EvalAltResult>> {
        walk(&ctx, array.len())?;
        finite_item(&ctx, &item)?;
        let n = array.len() as INT;
        let at = if index < 0 {
            (n + index).max(0)
        } else {
            index.min(n)
        };
        array.insert(at as usize, item);
        Ok(())
    }

    /// Two arrays joined into a new one (`[1, 2] + [3]` is `[1, 2, 3]`, as
    /// Rhai's own `+` and Python's lists).
    #[rhai_fn(name = "+", return_raw)]
    pub fn concat(
        ctx: NativeCallContext,
        a: Array,
        b: Array,
    ) -> Result<Array, Box<rhai::EvalAltResult>> {
        walk(&ctx, a.len() + b.len())?;
        a.iter().chain(&b).try_for_each(|x| finite_item(&ctx, x))?;
        let mut a = a;
        a.extend(b);
        Ok(a)
    }
}
