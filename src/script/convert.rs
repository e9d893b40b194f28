//! Core values to Rhai values: records become maps, many records a `Table`.

use rhai::{Array, Dynamic, Map, NativeCallContext, FLOAT};

use crate::allocation::Allocation;
use crate::script::args::{fail, lift, Numeric, ScriptResult};
use crate::table::{Cell, Column, Record};

/// A record as a map.
pub fn record_map<R: Record>(r: &R) -> Map {
    r.fields()
        .into_iter()
        .map(|(k, v)| (k.into(), Dynamic::from_float(v)))
        .collect()
}

/// Apply `f` to a number (giving a map) or to each element of an array
/// (giving a Table with one row per element).
pub fn record_result<R: Record>(
    ctx: &NativeCallContext,
    arg: &str,
    x: &Dynamic,
    f: impl Fn(FLOAT) -> crate::Result<R>,
) -> ScriptResult<Dynamic> {
    match Numeric::from_dynamic(ctx, arg, x)? {
        Numeric::Scalar(v) => Ok(record_map(&lift(ctx, f(v))?).into()),
        Numeric::Vector(v) => {
            let rows = v
                .iter()
                .enumerate()
                .map(|(i, x)| f(*x).map_err(|e| fail(ctx, format!("{arg}[{i}]: {e}"))))
                .collect::<ScriptResult<Vec<R>>>()?;
            Ok(Dynamic::from(crate::table::Table::from_records(&rows)))
        }
    }
}

/// [`record_result`] for allocations.
pub fn allocation_result(
    ctx: &NativeCallContext,
    arg: &str,
    x: &Dynamic,
    f: impl Fn(FLOAT) -> crate::Result<Allocation>,
) -> ScriptResult<Dynamic> {
    record_result(ctx, arg, x, f)
}

/// A table cell as a Rhai value.
pub fn cell_dynamic(c: Cell) -> Dynamic {
    match c {
        Cell::Num(x) => Dynamic::from_float(x),
        Cell::Text(s) => s.into(),
    }
}

/// A table row as a map.
pub fn row_map(row: Vec<(String, Cell)>) -> Map {
    row.into_iter()
        .map(|(k, c)| (k.into(), cell_dynamic(c)))
        .collect()
}

/// A column as a Rhai array.
pub fn column_array(c: &Column) -> Array {
    match c {
        Column::Num(v) => v.iter().map(|x| Dynamic::from_float(*x)).collect(),
        Column::Text(v) => v.iter().map(|s| s.clone().into()).collect(),
    }
}

/// A Rhai array as a column: all numbers, or all strings.
pub fn array_column(ctx: &NativeCallContext, name: &str, arr: &Array) -> ScriptResult<Column> {
    if arr.iter().all(|x| x.is_string()) && !arr.is_empty() {
        return Ok(Column::Text(arr.iter().map(|x| x.to_string()).collect()));
    }
    if arr.is_empty() {
        return Ok(Column::Num(Vec::new()));
    }
    let mut v = Vec::with_capacity(arr.len());
    for (i, x) in arr.iter().enumerate() {
        match crate::script::args::as_number(x) {
            Some(f) => v.push(f),
            None => {
                return Err(fail(
                    ctx,
                    format!(
                        "column '{name}'[{i}] must be a number (or every cell a string), got {}",
                        crate::script::args::type_name(x)
                    ),
                ))
            }
        }
    }
    Ok(Column::Num(v))
}
