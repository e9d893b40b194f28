//! `Table` in scripts: a DataFrame's columns, rows and verbs (filter, sort,
//! rename, drop, concat), with numeric columns as vectors.

use rhai::plugin::*;

use rhai::{Dynamic, Map, NativeCallContext};

use crate::args::{self, fail, lift, ScriptResult};
use crate::convert::value_column;
use crate::state::state;
use scaling_lab_core::table::{Cell, Table};

/// Columns from `(name, value)` pairs, in order, each a vector, an array
/// of numbers or of strings.
fn from_named_columns(
    ctx: &NativeCallContext,
    cols: Vec<(String, Dynamic)>,
) -> ScriptResult<Table> {
    let mut t = Table::new();
    for (name, col) in cols {
        let len = (!t.names().is_empty()).then(|| t.len());
        let c = value_column(ctx, &name, &col, len)?;
        args::check_size(ctx, "the table", (c.len() * (t.names().len() + 1)) as f64)?;
        lift(ctx, t.set_column(name, c))?;
    }
    Ok(t)
}

/// One row of a table from a map, keys in the order the script wrote them.
fn map_row(ctx: &NativeCallContext, i: usize, m: &Map) -> ScriptResult<Vec<(String, Cell)>> {
    let order = state(ctx).orders.order(m.keys().map(|k| k.as_str()));
    order
        .into_iter()
        .map(|k| {
            let v = &m[k.as_str()];
            let cell = if let Some(x) = args::as_number(v) {
                Cell::Num(lift(
                    ctx,
                    scaling_lab_core::error::check::finite(&format!("rows[{i}].{k}"), x),
                )?)
            } else if v.is_string() {
                Cell::Text(v.to_string())
            } else if let Ok(b) = v.as_bool() {
                // Tables hold numbers and text; a flag reads as text.
                Cell::Text(b.to_string())
            } else {
                return Err(fail(
                    ctx,
                    format!(
                        "rows[{i}].{k} must be a number, a string or a bool, got {}",
                        args::type_name(v)
                    ),
                ));
            };
            Ok((k, cell))
        })
        .collect()
}

#[export_module]
pub mod api {
    use rhai::{Array, Dynamic, FnPtr, Map, NativeCallContext, FLOAT, INT};

    use super::{from_named_columns, map_row};
    use crate::args::{self, fail, lift, ScriptResult};
    use crate::convert::{column_value, row_map, value_column};
    use crate::state::state;
    use scaling_lab_core::budget::work;
    use scaling_lab_core::table::{NumFormat, Table};
    use scaling_lab_core::vector::Mask;

    /// An empty table; add columns with `t["name"] = values`.
    ///
    /// ```rhai
    /// let t = table();
    /// t["N"] = vector([1e9, 7e9]);
    /// t["loss"] = chinchilla_loss(t["N"], 200e9);
    /// ```
    #[rhai_fn(name = "table")]
    pub fn table_empty() -> Table {
        Table::new()
    }

    /// A table from rows (an array of maps, pandas `DataFrame(records)`) or
    /// from columns (a map of vectors or arrays, pandas `DataFrame(dict)`);
    /// columns keep the order the keys were written in.
    ///
    /// ```rhai
    /// let t = table([#{model: "GPT-3", N: 175e9}, #{model: "Chinchilla", N: 70e9}]);
    /// t.columns()[0]   // "model"
    /// table(#{N: vector([1e9, 2e9]), D: vector([2e10, 4e10])}).len()   // 2
    /// ```
    #[rhai_fn(name = "table", return_raw)]
    pub fn table_from(ctx: NativeCallContext, data: Dynamic) -> ScriptResult<Table> {
        if let Some(m) = data.read_lock::<Map>() {
            let order = state(&ctx).orders.order(m.keys().map(|k| k.as_str()));
            let cols = order
                .into_iter()
                .map(|k| {
                    let v = m[k.as_str()].clone();
                    (k, v)
                })
                .collect();
            return from_named_columns(&ctx, cols);
        }
        let Some(rows) = data.read_lock::<Array>() else {
            return Err(fail(
                &ctx,
                format!(
                    "data must be an array of row maps or a map of columns, got {}",
                    args::type_name(&data)
                ),
            ));
        };
        args::check_size(&ctx, "the table", rows.len() as f64)?;
        lift(
            &ctx,
            state(&ctx)
                .budget
                .charge_elements(rows.len(), work::SIMPLE * 8),
        )?;
        let rows = rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let m = r.read_lock::<Map>().ok_or_else(|| {
                    fail(
                        &ctx,
                        format!("rows[{i}] must be a map, got {}", args::type_name(r)),
                    )
                })?;
                map_row(&ctx, i, &m)
            })
            .collect::<ScriptResult<Vec<_>>>()?;
        lift(&ctx, Table::from_rows(&rows))
    }

    /// A table from column names and columns, in that order:
    /// `table(["model", "N"], [["GPT-3", "Chinchilla"], [175e9, 70e9]])`.
    #[rhai_fn(name = "table", return_raw)]
    pub fn table_from_columns(
        ctx: NativeCallContext,
        names: Array,
        columns: Array,
    ) -> ScriptResult<Table> {
        if names.len() != columns.len() {
            return Err(fail(
                &ctx,
                format!(
                    "names and columns must have the same length, got {} and {}",
                    names.len(),
                    columns.len()
                ),
            ));
        }
        let cols = names
            .iter()
            .zip(columns)
            .enumerate()
            .map(|(i, (n, c))| Ok((args::text(&ctx, &format!("names[{i}]"), n)?, c)))
            .collect::<ScriptResult<Vec<_>>>()?;
        from_named_columns(&ctx, cols)
    }

    /// The column `name`: a vector for numbers, an array for text: `t["N"]`.
    #[rhai_fn(index_get, return_raw)]
    pub fn get_column(ctx: NativeCallContext, t: &mut Table, name: &str) -> ScriptResult<Dynamic> {
        match t.column(name) {
            Ok(c) => Ok(column_value(c)),
            // `t.columns`, `t.shape`: a pandas attribute read as a column.
            Err(e) => match crate::diagnostic::python_habit(name) {
                Some(hint) => Err(fail(&ctx, format!("{e}{hint}"))),
                None => Err(fail(&ctx, e)),
            },
        }
    }

    /// Row `i` (0-based position; negative counts from the end) as a map: `t[0]`.
    #[rhai_fn(index_get, return_raw)]
    pub fn get_row(ctx: NativeCallContext, t: &mut Table, i: INT) -> ScriptResult<Map> {
        Ok(row_map(lift(&ctx, t.row(i))?, &state(&ctx).orders))
    }

    /// The rows where a mask is true, labels kept (pandas `df[mask]`):
    /// `t[t["N"] > 1e9]`.
    #[rhai_fn(index_get, return_raw)]
    pub fn get_rows(ctx: NativeCallContext, t: &mut Table, mask: Mask) -> ScriptResult<Table> {
        lift(
            &ctx,
            state(&ctx)
                .budget
                .charge_elements(t.len() * t.names().len().max(1), work::SIMPLE),
        )?;
        lift(&ctx, t.filter(&mask))
    }

    /// Add or replace a column: a vector, an array, or one number or string
    /// for every row: `t["loss"] = chinchilla_loss(t["N"], 200e9)`.
    #[rhai_fn(index_set, return_raw)]
    pub fn set_column(
        ctx: NativeCallContext,
        t: &mut Table,
        name: &str,
        values: Dynamic,
    ) -> ScriptResult<()> {
        let len = (!t.names().is_empty()).then(|| t.len());
        let col = value_column(&ctx, name, &values, len)?;
        let cells = col.len() as f64 * (t.names().len() + 1) as f64;
        args::check_size(&ctx, "the table's cells", cells)?;
        lift(&ctx, t.set_column(name, col))
    }

    /// Add or replace a column (same as `t[name] = values`).
    #[rhai_fn(return_raw)]
    pub fn add_column(
        ctx: NativeCallContext,
        t: &mut Table,
        name: &str,
        values: Dynamic,
    ) -> ScriptResult<()> {
        set_column(ctx, t, name, values)
    }

    /// Apply a function to every value of a column: a vector when every
    /// result is a number, else an array. `t.map("N", |n| n / 1e9)` calls
    /// the script once per row; `t["N"] / 1e9` does the same in one step.
    #[rhai_fn(return_raw)]
    pub fn map(
        ctx: NativeCallContext,
        t: &mut Table,
        column: &str,
        f: FnPtr,
    ) -> ScriptResult<Dynamic> {
        let values = column_value(lift(&ctx, t.column(column))?);
        let items: Array = match values.read_lock::<scaling_lab_core::vector::Vector>() {
            Some(v) => v.iter().map(|x| Dynamic::from_float(*x)).collect(),
            None => values.clone_cast::<Array>(),
        };
        let out = items
            .into_iter()
            .map(|v| f.call_within_context::<Dynamic>(&ctx, (v,)))
            .collect::<ScriptResult<Array>>()?;
        let nums: Option<Vec<FLOAT>> = out.iter().map(args::as_number).collect();
        match nums {
            Some(xs) if xs.iter().all(|x| x.is_finite()) => {
                Ok(Dynamic::from(scaling_lab_core::vector::Vector::new(xs)))
            }
            _ => Ok(out.into()),
        }
    }

    /// The rows for which `f(row)` is true, labels kept: `t.filter(|r| r.N > 1e9)`
    /// (each row a map). `t[mask]` does the same from a mask.
    ///
    /// ```rhai
    /// let t = arch_sweep();
    /// t.filter(|r| r.N > 1e13).len()   // 9
    /// ```
    #[rhai_fn(name = "filter", return_raw)]
    pub fn filter(ctx: NativeCallContext, t: &mut Table, f: FnPtr) -> ScriptResult<Table> {
        let st = state(&ctx);
        let orders = &st.orders;
        let mut keep = Vec::with_capacity(t.len());
        for i in 0..t.len() {
            let row = row_map(lift(&ctx, t.row(i as INT))?, orders);
            let v = f.call_within_context::<Dynamic>(&ctx, (Dynamic::from_map(row),))?;
            keep.push(v.as_bool().map_err(|_| {
                fail(
                    &ctx,
                    format!(
                        "the function must return true or false, got {} for row {i}",
                        args::type_name(&v)
                    ),
                )
            })?);
        }
        lift(&ctx, t.filter(&Mask::new(keep)))
    }

    /// The rows where a mask is true (same as `t[mask]`).
    #[rhai_fn(name = "filter", return_raw)]
    pub fn filter_mask(ctx: NativeCallContext, t: &mut Table, mask: Mask) -> ScriptResult<Table> {
        get_rows(ctx, t, mask)
    }

    /// The rows in ascending order of a column (numbers by value, text
    /// alphabetically; ties keep their order), labels kept (pandas `sort_values`).
    ///
    /// ```rhai
    /// let t = table(#{N: vector([3e9, 1e9, 2e9])});
    /// t.sort("N")["N"][0]   // 1e9
    /// ```
    #[rhai_fn(name = "sort", return_raw)]
    pub fn sort(ctx: NativeCallContext, t: &mut Table, column: &str) -> ScriptResult<Table> {
        sort_with(ctx, t, column, Map::new())
    }

    /// Sort with options: `#{descending: true}`.
    ///
    /// ```rhai
    /// let t = table(#{N: vector([3e9, 1e9, 2e9])});
    /// t.sort("N", #{descending: true})["N"][0]   // 3e9
    /// ```
    #[rhai_fn(name = "sort", return_raw)]
    pub fn sort_with(
        ctx: NativeCallContext,
        t: &mut Table,
        column: &str,
        options: Map,
    ) -> ScriptResult<Table> {
        let o: scaling_lab_core::table::SortOptions = crate::options::read(&ctx, &options)?;
        let desc = o.descending;
        lift(
            &ctx,
            state(&ctx)
                .budget
                .charge_elements(t.len() * t.names().len().max(1), work::MATH),
        )?;
        lift(&ctx, t.sort(column, desc))
    }

    /// The table with columns renamed: `t.rename(#{N: "params"})`.
    ///
    /// ```rhai
    /// arch_sweep().rename(#{N: "params"}).columns()[5]   // "params"
    /// ```
    #[rhai_fn(return_raw)]
    pub fn rename(ctx: NativeCallContext, t: &mut Table, names: Map) -> ScriptResult<Table> {
        let pairs = names
            .iter()
            .map(|(k, v)| Ok((k.to_string(), args::text(&ctx, k, v)?)))
            .collect::<ScriptResult<Vec<_>>>()?;
        lift(&ctx, t.rename(&pairs))
    }

    /// The table without a column: `t.drop("N (T)")`.
    #[rhai_fn(name = "drop", return_raw)]
    pub fn drop(ctx: NativeCallContext, t: &mut Table, column: &str) -> ScriptResult<Table> {
        lift(&ctx, t.drop(&[column]))
    }

    /// The table without these columns: `t.drop(["d_attn", "d_ff"])`.
    #[rhai_fn(name = "drop", return_raw)]
    pub fn drop_many(ctx: NativeCallContext, t: &mut Table, columns: Array) -> ScriptResult<Table> {
        let names = columns
            .iter()
            .enumerate()
            .map(|(i, c)| args::text(&ctx, &format!("columns[{i}]"), c))
            .collect::<ScriptResult<Vec<_>>>()?;
        lift(&ctx, t.drop(&names))
    }

    /// Row `i` as a map (same as `t[i]`).
    #[rhai_fn(return_raw)]
    pub fn row(ctx: NativeCallContext, t: &mut Table, i: INT) -> ScriptResult<Map> {
        get_row(ctx, t, i)
    }

    /// All rows as an array of maps, for `for r in t.rows() { ... }`.
    #[rhai_fn(pure, return_raw)]
    pub fn rows(ctx: NativeCallContext, t: &mut Table) -> ScriptResult<Array> {
        args::check_size(&ctx, "the rows", t.len() as f64)?;
        lift(
            &ctx,
            state(&ctx)
                .budget
                .charge_elements(t.len() * t.names().len().max(1), work::SIMPLE * 8),
        )?;
        let st = state(&ctx);
        let orders = &st.orders;
        (0..t.len() as INT)
            .map(|i| Ok(row_map(lift(&ctx, t.row(i))?, orders).into()))
            .collect()
    }

    /// Number of rows.
    #[rhai_fn(name = "len", pure)]
    pub fn len(t: &mut Table) -> INT {
        t.len() as INT
    }

    /// Column names.
    #[rhai_fn(pure)]
    pub fn columns(t: &mut Table) -> Array {
        t.names().iter().map(|n| n.clone().into()).collect()
    }

    /// Row labels (0..len unless the rows were picked from a larger table).
    #[rhai_fn(pure)]
    pub fn index(t: &mut Table) -> Array {
        t.index().iter().map(|&i| Dynamic::from_int(i)).collect()
    }

    /// pandas' `df.describe()`: count, mean, std, min, quartiles and max
    /// of each numeric column, one row per statistic (`stat`), NaN skipped
    /// (the std of one value is NaN, as in pandas).
    ///
    /// ```rhai
    /// table(#{x: [1, 2, 3, 4, 100]}).describe()["x"][2]   // 43.6 (the std, n - 1)
    /// ```
    #[rhai_fn(pure, return_raw)]
    pub fn describe(ctx: NativeCallContext, t: &mut Table) -> ScriptResult<Table> {
        lift(
            &ctx,
            state(&ctx)
                .budget
                .charge_elements(t.len() * t.names().len(), work::SIMPLE * 4),
        )?;
        lift(&ctx, t.describe())
    }

    /// `[rows, columns]`, as pandas' `df.shape`.
    ///
    /// ```rhai
    /// arch_sweep().shape()   // [25, 7]
    /// ```
    #[rhai_fn(pure)]
    pub fn shape(t: &mut Table) -> Array {
        vec![
            Dynamic::from_int(t.len() as INT),
            Dynamic::from_int(t.names().len() as INT),
        ]
    }

    /// The first `n` rows.
    #[rhai_fn(pure, return_raw)]
    pub fn head(ctx: NativeCallContext, t: &mut Table, n: INT) -> ScriptResult<Table> {
        if n < 0 {
            return Err(fail(&ctx, format!("n must be non-negative, got {n}")));
        }
        Ok(t.head(n as usize))
    }

    /// The last `n` rows, labels kept.
    #[rhai_fn(pure, return_raw)]
    pub fn tail(ctx: NativeCallContext, t: &mut Table, n: INT) -> ScriptResult<Table> {
        if n < 0 {
            return Err(fail(&ctx, format!("n must be non-negative, got {n}")));
        }
        let len = t.len() as INT;
        let rows: Vec<INT> = ((len - n).max(0)..len).collect();
        lift(&ctx, t.take(&rows))
    }

    /// Only these columns, in this order: `t.select(["N", "loss"])`.
    #[rhai_fn(pure, return_raw)]
    pub fn select(ctx: NativeCallContext, t: &mut Table, names: Array) -> ScriptResult<Table> {
        let names = names
            .iter()
            .enumerate()
            .map(|(i, c)| args::text(&ctx, &format!("names[{i}]"), c))
            .collect::<ScriptResult<Vec<_>>>()?;
        lift(&ctx, t.select(&names))
    }

    /// The rows at these positions, keeping their index labels: `t.take([8, 16, 24])`.
    #[rhai_fn(pure, return_raw)]
    pub fn take(ctx: NativeCallContext, t: &mut Table, rows: Array) -> ScriptResult<Table> {
        let rows = rows
            .iter()
            .map(|r| args::whole(&ctx, "rows", r))
            .collect::<ScriptResult<Vec<_>>>()?;
        lift(&ctx, t.take(&rows))
    }

    /// Set how a numeric column prints: `"si"` (32.2B), `"sci"`/`"sci:N"`,
    /// `"fixed:N"` or `".Nf"`, `".Ne"`, `"auto"`. Values are unchanged.
    #[rhai_fn(return_raw)]
    pub fn set_format(
        ctx: NativeCallContext,
        t: &mut Table,
        column: &str,
        format: &str,
    ) -> ScriptResult<()> {
        let f = lift(&ctx, NumFormat::parse(format))?;
        lift(&ctx, t.set_format(column, f))
    }

    /// The row whose `column` is nearest `value` (first on ties, as numpy
    /// `argmin(abs(col - value))`), as a map with its label under `"index"`.
    /// With a vector of values, a Table of the nearest rows, labels kept.
    ///
    /// ```rhai
    /// let scales = closest_to(arch_sweep(), "N (T)", [1, 10, 100]);
    /// scales.index()[2]   // 24
    /// ```
    #[rhai_fn(return_raw)]
    pub fn closest_to(
        ctx: NativeCallContext,
        t: Table,
        column: &str,
        value: Dynamic,
    ) -> ScriptResult<Dynamic> {
        if let Some(v) = args::as_number(&value) {
            let r = lift(&ctx, t.closest_row(column, v))?;
            let st = state(&ctx);
            let orders = &st.orders;
            let mut row = lift(&ctx, t.row(r as INT))?;
            row.push((
                "index".into(),
                scaling_lab_core::table::Cell::Num(t.index()[r] as FLOAT),
            ));
            let mut m = row_map(row, orders);
            m.insert("index".into(), Dynamic::from_int(t.index()[r]));
            return Ok(m.into());
        }
        let targets = args::numbers(&ctx, "value", &value)?;
        lift(
            &ctx,
            state(&ctx)
                .budget
                .charge_elements(targets.len() * t.len(), work::SIMPLE),
        )?;
        Ok(Dynamic::from(lift(&ctx, t.closest_rows(column, &targets))?))
    }

    /// Sum of a numeric column.
    #[rhai_fn(name = "sum", return_raw)]
    pub fn column_sum(ctx: NativeCallContext, t: &mut Table, column: &str) -> ScriptResult<FLOAT> {
        lift(
            &ctx,
            scaling_lab_core::numeric::reduce::sum(lift(&ctx, t.num_column(column))?),
        )
    }
}
