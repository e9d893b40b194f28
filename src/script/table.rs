//! `Table` in scripts: DataFrame-like columns, rows, selection and export.

use rhai::plugin::*;

#[export_module]
pub mod api {
    use rhai::{Array, Dynamic, FnPtr, Map, NativeCallContext, FLOAT, INT};

    use crate::script::args::{self, fail, lift, ScriptResult};
    use crate::script::convert::{array_column, column_array, row_map};
    use crate::table::{render, Cell, NumFormat, Table};

    /// An empty table; add columns with `t["name"] = [...]` or `t.add_column(name, values)`.
    ///
    /// ```rhai
    /// let t = table();
    /// t["N"] = [1e9, 7e9];
    /// t["loss"] = chinchilla_loss(t["N"], 200e9);
    /// ```
    #[rhai_fn(name = "table")]
    pub fn table_empty() -> Table {
        Table::new()
    }

    /// A table from an array of maps (rows), e.g. `table([#{N: 1e9, D: 2e10}, #{N: 2e9, D: 4e10}])`.
    ///
    /// Columns follow the first row's keys (Rhai maps order keys alphabetically).
    #[rhai_fn(name = "table", return_raw)]
    pub fn table_from_rows(ctx: NativeCallContext, rows: Array) -> ScriptResult<Table> {
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
                m.iter()
                    .map(|(k, v)| {
                        let cell = if let Some(x) = args::as_number(v) {
                            Cell::Num(x)
                        } else if v.is_string() {
                            Cell::Text(v.to_string())
                        } else {
                            return Err(fail(
                                &ctx,
                                format!(
                                    "rows[{i}].{k} must be a number or a string, got {}",
                                    args::type_name(v)
                                ),
                            ));
                        };
                        Ok((k.to_string(), cell))
                    })
                    .collect::<ScriptResult<Vec<_>>>()
            })
            .collect::<ScriptResult<Vec<_>>>()?;
        lift(&ctx, Table::from_rows(&rows))
    }

    /// A table from column names and column arrays, in that order:
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
        let mut t = Table::new();
        for (name, col) in names.iter().zip(&columns) {
            let name = name.to_string();
            let arr = col.read_lock::<Array>().ok_or_else(|| {
                fail(
                    &ctx,
                    format!(
                        "column '{name}' must be an array, got {}",
                        args::type_name(col)
                    ),
                )
            })?;
            let col = array_column(&ctx, &name, &arr)?;
            lift(&ctx, t.set_column(name, col))?;
        }
        Ok(t)
    }

    /// The column `name` as an array: `t["N"]`.
    #[rhai_fn(index_get, return_raw)]
    pub fn get_column(ctx: NativeCallContext, t: &mut Table, name: &str) -> ScriptResult<Array> {
        Ok(column_array(lift(&ctx, t.column(name))?))
    }

    /// Row `i` (0-based position; negative counts from the end) as a map: `t[0]`.
    #[rhai_fn(index_get, return_raw)]
    pub fn get_row(ctx: NativeCallContext, t: &mut Table, i: INT) -> ScriptResult<Map> {
        Ok(row_map(lift(&ctx, t.row(i))?))
    }

    /// Add or replace a column: `t["loss"] = chinchilla_loss(t["N"], 200e9)`.
    #[rhai_fn(index_set, return_raw)]
    pub fn set_column(
        ctx: NativeCallContext,
        t: &mut Table,
        name: &str,
        values: Array,
    ) -> ScriptResult<()> {
        let col = array_column(&ctx, name, &values)?;
        lift(&ctx, t.set_column(name, col))
    }

    /// Add or replace a column (same as `t[name] = values`); returns nothing.
    #[rhai_fn(return_raw)]
    pub fn add_column(
        ctx: NativeCallContext,
        t: &mut Table,
        name: &str,
        values: Array,
    ) -> ScriptResult<()> {
        set_column(ctx, t, name, values)
    }

    /// Apply a function to every value of a column and return the results as
    /// an array: `t.map("N", |n| n / 1e9)` or `t.map("N", loss_from_size)`.
    ///
    /// Calls back into the script once per row; for the registered laws,
    /// passing the column directly (`loss_from_size(t["N"])`) is faster.
    #[rhai_fn(return_raw)]
    pub fn map(
        ctx: NativeCallContext,
        t: &mut Table,
        column: &str,
        f: FnPtr,
    ) -> ScriptResult<Array> {
        let values = column_array(lift(&ctx, t.column(column))?);
        values
            .into_iter()
            .map(|v| f.call_within_context::<Dynamic>(&ctx, (v,)))
            .collect()
    }

    /// Row `i` as a map (same as `t[i]`).
    #[rhai_fn(return_raw)]
    pub fn row(ctx: NativeCallContext, t: &mut Table, i: INT) -> ScriptResult<Map> {
        get_row(ctx, t, i)
    }

    /// All rows as an array of maps, for `for r in t.rows() { ... }`.
    #[rhai_fn(pure)]
    pub fn rows(t: &mut Table) -> Array {
        (0..t.len() as INT)
            .map(|i| row_map(t.row(i).expect("row in range")).into())
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

    /// The first `n` rows.
    #[rhai_fn(pure, return_raw)]
    pub fn head(ctx: NativeCallContext, t: &mut Table, n: INT) -> ScriptResult<Table> {
        if n < 0 {
            return Err(fail(&ctx, format!("n must be non-negative, got {n}")));
        }
        Ok(t.head(n as usize))
    }

    /// Only these columns, in this order: `t.select(["N", "loss"])`.
    #[rhai_fn(pure, return_raw)]
    pub fn select(ctx: NativeCallContext, t: &mut Table, names: Array) -> ScriptResult<Table> {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
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
    /// With an array of values, a Table of the nearest rows, labels kept.
    ///
    /// ```rhai
    /// let scales = closest_to(arch_sweep(), "N (T)", [1, 10, 100]);
    /// scales.index()   // [8, 16, 24]
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
            let mut m = row_map(lift(&ctx, t.row(r as INT))?);
            m.insert("index".into(), Dynamic::from_int(t.index()[r]));
            return Ok(m.into());
        }
        let targets = args::numbers(&ctx, "value", &value)?;
        Ok(Dynamic::from(lift(&ctx, t.closest_rows(column, &targets))?))
    }

    /// Sum of a numeric column.
    #[rhai_fn(name = "sum", return_raw)]
    pub fn column_sum(ctx: NativeCallContext, t: &mut Table, column: &str) -> ScriptResult<FLOAT> {
        Ok(lift(&ctx, t.num_column(column))?.iter().sum())
    }

    /// The table as aligned text, as printed.
    #[rhai_fn(name = "to_string", pure)]
    pub fn to_string(t: &mut Table) -> String {
        render::to_text(t)
    }

    /// The table as aligned text, as printed.
    #[rhai_fn(name = "to_debug", pure)]
    pub fn to_debug(t: &mut Table) -> String {
        render::to_text(t)
    }

    /// The table as CSV text with a header row.
    #[rhai_fn(return_raw)]
    pub fn to_csv(ctx: NativeCallContext, t: Table) -> ScriptResult<String> {
        lift(&ctx, render::to_csv(&t))
    }

    /// The table as an HTML table (like a pandas DataFrame in a notebook).
    pub fn to_html(t: Table) -> String {
        render::to_html(&t)
    }
}
