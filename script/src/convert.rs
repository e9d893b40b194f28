//! Core values to script values, through one conversion.
//!
//! Every struct a function returns goes through `Serialize` (serde_json,
//! which keeps field order): objects become maps (and their field order is
//! remembered for printing, tables and JSON), arrays of numbers become
//! vectors, other arrays stay arrays. No function builds its maps by hand.

use rhai::{Array, Dynamic, Map, NativeCallContext, FLOAT};
use serde::Serialize;
use serde_json::Value;

use crate::args::{self, fail, lift, Numeric, ScriptResult};
use crate::state::{state, KeyOrders};
use scaling_lab_core::input::Numbers;
use scaling_lab_core::table::{record_shape, Cell, Column, Record, Table};
use scaling_lab_core::vector::Vector;
use scaling_lab_core::Error;

/// A JSON value as a script value, recording the key order of its objects.
pub fn from_json(v: Value, orders: &KeyOrders) -> Dynamic {
    match v {
        Value::Null => Dynamic::UNIT,
        Value::Bool(b) => b.into(),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) if n.is_i64() || n.is_u64() => Dynamic::from_int(i),
            (_, Some(f)) => Dynamic::from_float(f),
            _ => Dynamic::UNIT,
        },
        Value::String(s) => s.into(),
        Value::Array(items) => {
            if !items.is_empty() && items.iter().all(Value::is_f64) {
                Dynamic::from(items.iter().filter_map(Value::as_f64).collect::<Vector>())
            } else {
                items
                    .into_iter()
                    .map(|x| from_json(x, orders))
                    .collect::<Array>()
                    .into()
            }
        }
        Value::Object(fields) => {
            orders.record(fields.keys().cloned().collect());
            fields
                .into_iter()
                .map(|(k, v)| (k.into(), from_json(v, orders)))
                .collect::<Map>()
                .into()
        }
    }
}

/// A Rust value as a script value (structs become maps with their field
/// order known). A field that is NaN or infinite is an error naming it.
pub fn to_script<T: Serialize>(ctx: &NativeCallContext, v: &T) -> ScriptResult<Dynamic> {
    if let Some(field) = scaling_lab_core::table::first_non_finite(v) {
        return Err(fail(
            ctx,
            format!("{field} would not be a finite number; an input is outside the range where it is defined"),
        ));
    }
    let json = serde_json::to_value(v).map_err(|e| fail(ctx, e))?;
    Ok(from_json(json, &state(ctx).orders))
}

/// [`to_script`] for a [`Record`]: its byte and FLOP fields are
/// remembered so that the map shows them with their units.
pub fn to_script_record<T: Record>(ctx: &NativeCallContext, v: &T) -> ScriptResult<Dynamic> {
    let out = to_script(ctx, v)?;
    if let Some(m) = out.read_lock::<Map>() {
        use scaling_lab_core::table::NumFormat;
        let units: crate::state::Units = m
            .keys()
            .filter_map(|k| match T::format(k) {
                f @ (NumFormat::Bytes { .. } | NumFormat::Flops) => Some((k.to_string(), f)),
                _ => None,
            })
            .collect();
        state(ctx)
            .orders
            .record_units(m.keys().map(|k| k.to_string()).collect(), units);
    }
    Ok(out)
}

/// Apply `f` to a number (giving a map) or to each element of a vector
/// (giving a Table with one row per element, built column by column in
/// Rust), charging `ns_each` nanoseconds of work per element as it goes
/// (see [`scaling_lab_core::budget::work`]). The table's cells and bytes
/// are checked against the size and memory limits before it is built.
pub fn record_result<R: Record + Sync>(
    ctx: &NativeCallContext,
    arg: &str,
    x: &Dynamic,
    ns_each: u64,
    f: impl Fn(FLOAT) -> scaling_lab_core::Result<R> + Sync,
) -> ScriptResult<Dynamic> {
    match Numeric::from_dynamic(ctx, arg, x)? {
        Numeric::Scalar(v) => to_script_record(ctx, &lift(ctx, f(v))?),
        Numeric::Vector(v) => Ok(Dynamic::from(record_table(
            ctx,
            v.len(),
            ns_each,
            |i| format!("{arg}[{i}]"),
            |i| f(v[i]),
        )?)),
    }
}

/// A table of `n` records `f(i)`, checked against the limits first; an
/// error names the input it came from (`input(i)`, e.g. `C[3]`).
pub fn record_table<R: Record + Sync>(
    ctx: &NativeCallContext,
    n: usize,
    ns_each: u64,
    input: impl Fn(usize) -> String,
    f: impl Fn(usize) -> scaling_lab_core::Result<R> + Sync,
) -> ScriptResult<Table> {
    if n == 0 {
        return Ok(Table::new());
    }
    let first = f(0).map_err(|e| fail(ctx, format!("{}: {e}", input(0))))?;
    let (cells, bytes) = lift(ctx, record_shape(&first, n))?;
    args::check_size(ctx, "the result table's cells", cells)?;
    args::check_bytes(ctx, "the result table", bytes)?;
    drop(first);
    let st = state(ctx);
    Table::build_records(n, Some(&st.budget), ns_each, f).map_err(|e| match (e.index, e.error) {
        (_, Error::Interrupted) => lift::<()>(ctx, Err(Error::Interrupted)).unwrap_err(),
        (_, e @ Error::OverBudget { .. }) => lift::<()>(ctx, Err(e)).unwrap_err(),
        (Some(i), e) => fail(ctx, format!("{}: {e}", input(i))),
        (None, e) => fail(ctx, e),
    })
}

/// [`record_result`] for a [`Numbers`] already read from an options map:
/// one value gives a map, several a Table.
pub fn record_results<R: Record + Sync>(
    ctx: &NativeCallContext,
    arg: &str,
    x: &Numbers,
    ns_each: u64,
    f: impl Fn(FLOAT) -> scaling_lab_core::Result<R> + Sync,
) -> ScriptResult<Dynamic> {
    record_result(ctx, arg, &numbers_value(x), ns_each, f)
}

/// Numbers read from options as a script value: a number or a vector.
pub fn numbers_value(x: &Numbers) -> Dynamic {
    match x {
        Numbers::One(v) => Dynamic::from_float(*v),
        Numbers::Many(v) => Dynamic::from(Vector::new(v.clone())),
    }
}

/// A table cell as a script value.
pub fn cell_dynamic(c: Cell) -> Dynamic {
    match c {
        Cell::Num(x) => Dynamic::from_float(x),
        Cell::Text(s) => s.into(),
    }
}

/// A table row as a map (the table's column order is remembered for printing).
pub fn row_map(row: Vec<(String, Cell)>, orders: &KeyOrders) -> Map {
    orders.record(row.iter().map(|(k, _)| k.clone()).collect());
    row.into_iter()
        .map(|(k, c)| (k.into(), cell_dynamic(c)))
        .collect()
}

/// A column as a script value: a vector of numbers (shared, not copied)
/// or an array of strings.
pub fn column_value(c: &Column) -> Dynamic {
    match c {
        Column::Num(v) => Dynamic::from(v.clone()),
        Column::Text(v) => v
            .iter()
            .map(|s| Dynamic::from(s.to_string()))
            .collect::<Array>()
            .into(),
    }
}

/// A script value as a column of `len` cells: a vector (shared), an array
/// of numbers or of strings, or one number or string repeated (pandas'
/// `df["x"] = 1`).
pub fn value_column(
    ctx: &NativeCallContext,
    name: &str,
    v: &Dynamic,
    len: Option<usize>,
) -> ScriptResult<Column> {
    if let Some(x) = v.read_lock::<Vector>() {
        return Ok(Column::Num(x.clone()));
    }
    if let (Some(x), Some(n)) = (args::as_number(v), len) {
        let x = lift(ctx, scaling_lab_core::error::check::finite(name, x))?;
        return Ok(Column::Num(Vector::new(vec![x; n])));
    }
    if let (true, Some(n)) = (v.is_string(), len) {
        return Ok(Column::Text(scaling_lab_core::table::TextColumn::repeat(
            &v.to_string(),
            n,
        )));
    }
    let Some(arr) = v.read_lock::<Array>() else {
        return Err(fail(
            ctx,
            format!(
                "column '{name}' must be a vector, an array of numbers or strings, or one value, got {}",
                args::type_name(v)
            ),
        ));
    };
    if !arr.is_empty() && arr.iter().all(|x| x.is_string()) {
        return Ok(Column::text(arr.iter().map(|x| x.to_string())));
    }
    if arr.is_empty() {
        return Ok(Column::Num(Vector::default()));
    }
    let label = format!("column '{name}'");
    Ok(Column::Num(Vector::new(args::array_numbers(
        ctx, &label, &arr,
    )?)))
}
