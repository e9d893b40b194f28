//! Random numbers in scripts: `seed`, `rand`, `randn`, `t.sample` and
//! `bootstrap`, all drawn from the session's one seeded stream
//! ([`scaling_lab_core::random::Stream`]), so a script that calls
//! `seed(n)` first prints the same numbers on every run and platform.

use rhai::plugin::*;

use crate::args::ScriptResult;
use scaling_lab_core::random::Stream;

/// Run `f` with the session's stream.
fn with_stream<T>(ctx: &NativeCallContext, f: impl FnOnce(&mut Stream) -> T) -> T {
    let st = crate::state::state(ctx);
    let mut guard = st
        .random
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    f(&mut guard)
}

/// Rows `rows` of `t` (drawn by a [`Stream`]), as a table.
fn take_rows(
    ctx: &NativeCallContext,
    t: &scaling_lab_core::table::Table,
    rows: scaling_lab_core::Result<Vec<usize>>,
) -> ScriptResult<scaling_lab_core::table::Table> {
    let rows: Vec<i64> = crate::args::lift(ctx, rows)?
        .into_iter()
        .map(|i| i as i64)
        .collect();
    crate::args::lift(ctx, t.take(&rows))
}

/// `n` draws of `draw` as a vector, checked against the size limit and
/// charged to the work budget first.
fn draws(
    ctx: &NativeCallContext,
    n: &Dynamic,
    draw: fn(&mut Stream) -> f64,
) -> ScriptResult<scaling_lab_core::vector::Vector> {
    let n = crate::args::whole_at_least(ctx, "n", n, 0)?;
    let n = crate::args::check_size(ctx, "the draws", n as f64)?;
    crate::args::charge(ctx, n, scaling_lab_core::budget::work::MATH)?;
    Ok(with_stream(ctx, |s| {
        scaling_lab_core::vector::Vector::new((0..n).map(|_| draw(s)).collect())
    }))
}

#[export_module]
pub mod api {
    use rhai::{Array, Dynamic, FnPtr, Map, NativeCallContext};

    use super::{draws, take_rows, with_stream};
    use crate::args::{self, fail, ScriptResult};
    use scaling_lab_core::budget::work;
    use scaling_lab_core::random::{SampleOptions, Stream};
    use scaling_lab_core::table::Table;
    use scaling_lab_core::vector::Vector;

    /// Restart the session's random numbers from `n` (a whole number):
    /// after `seed(n)` the same calls give the same numbers, on every run
    /// and platform (ChaCha8). Without it the stream starts from the
    /// operating system's entropy, as numpy's does.
    ///
    /// ```rhai
    /// seed(1); let a = rand();
    /// seed(1); let b = rand();
    /// a == b   // true
    /// ```
    #[rhai_fn(return_raw)]
    pub fn seed(ctx: NativeCallContext, n: Dynamic) -> ScriptResult<()> {
        let n = args::whole_at_least(&ctx, "n", &n, 0)?;
        with_stream(&ctx, |s| *s = Stream::seeded(n as u64));
        Ok(())
    }

    /// A uniform random number in [0, 1) (numpy's `random.rand()`).
    ///
    /// ```rhai
    /// seed(1);
    /// rand()   // 0.4025
    /// ```
    #[rhai_fn(name = "rand")]
    pub fn rand(ctx: NativeCallContext) -> rhai::FLOAT {
        with_stream(&ctx, Stream::uniform)
    }

    /// `n` uniform random numbers in [0, 1) as a vector.
    ///
    /// ```rhai
    /// seed(1);
    /// rand(3).len()   // 3
    /// ```
    #[rhai_fn(name = "rand", return_raw)]
    pub fn rand_n(ctx: NativeCallContext, n: Dynamic) -> ScriptResult<Vector> {
        draws(&ctx, &n, Stream::uniform)
    }

    /// A standard normal random number (mean 0, standard deviation 1;
    /// numpy's `random.randn()`): scale and shift it for others,
    /// `mu + sigma * randn()`.
    ///
    /// ```rhai
    /// seed(1);
    /// randn() < 10.0   // true
    /// ```
    #[rhai_fn(name = "randn")]
    pub fn randn(ctx: NativeCallContext) -> rhai::FLOAT {
        with_stream(&ctx, Stream::normal)
    }

    /// `n` standard normal random numbers as a vector.
    ///
    /// ```rhai
    /// seed(2);
    /// abs(mean(randn(10000))) < 0.05   // true
    /// ```
    #[rhai_fn(name = "randn", return_raw)]
    pub fn randn_n(ctx: NativeCallContext, n: Dynamic) -> ScriptResult<Vector> {
        draws(&ctx, &n, Stream::normal)
    }

    /// `n` rows of the table drawn at random, without replacement (pandas'
    /// `DataFrame.sample(n)`).
    ///
    /// ```rhai
    /// let t = table(#{x: [1.0, 2.0, 3.0, 4.0]});
    /// t.sample(2).len()   // 2
    /// ```
    #[rhai_fn(name = "sample", return_raw)]
    pub fn sample(ctx: NativeCallContext, t: &mut Table, n: Dynamic) -> ScriptResult<Table> {
        sample_with(ctx, t, n, Map::new())
    }

    /// `t.sample(n)` with `replace` (a row may come more than once) and a
    /// `seed` for this draw alone.
    ///
    /// ```rhai
    /// let t = table(#{x: [1.0, 2.0, 3.0]});
    /// t.sample(6, #{replace: true, seed: 3}).len()   // 6
    /// ```
    #[rhai_fn(name = "sample", return_raw)]
    pub fn sample_with(
        ctx: NativeCallContext,
        t: &mut Table,
        n: Dynamic,
        options: Map,
    ) -> ScriptResult<Table> {
        let o: SampleOptions = crate::options::read(&ctx, &options)?;
        let k = args::whole_at_least(&ctx, "n", &n, 0)?;
        let k = args::check_size(&ctx, "the sample's rows", k as f64)?;
        let cells = k * t.names().len().max(1);
        args::check_size(&ctx, "the sample's cells", cells as f64)?;
        args::charge(&ctx, cells, work::SIMPLE)?;
        let rows = match o.seed {
            Some(seed) => Stream::seeded(seed.get() as u64).choose(t.len(), k, o.replace),
            None => with_stream(&ctx, |s| s.choose(t.len(), k, o.replace)),
        };
        take_rows(&ctx, t, rows)
    }

    /// Call `f` on `n` bootstrap resamples of the table (as many rows as
    /// it has, drawn with replacement from the session's stream) and
    /// collect what it returns: numbers give a vector, maps a table (one
    /// row each), anything else an array. `seed(k)` first makes it
    /// repeatable.
    ///
    /// ```rhai
    /// seed(7);
    /// let t = table(#{loss: [2.1, 2.0, 2.3, 2.2, 1.9]});
    /// let means = bootstrap(t, 200, |s| mean(s["loss"]));
    /// means.len()   // 200
    /// ```
    #[rhai_fn(return_raw)]
    pub fn bootstrap(
        ctx: NativeCallContext,
        t: Table,
        n: Dynamic,
        f: FnPtr,
    ) -> ScriptResult<Dynamic> {
        let k = args::whole_at_least(&ctx, "n", &n, 1)?;
        if t.is_empty() {
            return Err(fail(&ctx, "the table has no rows to resample"));
        }
        let k = args::check_size(&ctx, "the resamples", k as f64)?;
        let cells = t.len() * t.names().len().max(1);
        args::check_size(&ctx, "one resample's cells", cells as f64)?;
        let mut out = Array::with_capacity(k);
        for _ in 0..k {
            args::charge(&ctx, cells, work::SIMPLE)?;
            let rows = with_stream(&ctx, |s| s.choose(t.len(), t.len(), true));
            let sample = take_rows(&ctx, &t, rows)?;
            out.push(f.call_within_context::<Dynamic>(&ctx, (sample,))?);
        }
        if let Some(xs) = out
            .iter()
            .map(args::as_number)
            .collect::<Option<Vec<f64>>>()
        {
            if let Some(i) = xs.iter().position(|x| !x.is_finite()) {
                return Err(fail(
                    &ctx,
                    format!(
                        "f returned {} for resample {i}; a statistic must be finite",
                        xs[i]
                    ),
                ));
            }
            return Ok(Dynamic::from(Vector::new(xs)));
        }
        if out.iter().all(|v| v.is_map()) {
            return crate::table::api::table_from(ctx, Dynamic::from_array(out)).map(Dynamic::from);
        }
        Ok(Dynamic::from_array(out))
    }
}
