//! Output beyond `print`: values shown in their richest form, the error
//! stream, clearing a notebook cell. A front end decides what each means
//! (`script::state::OutputSink`): the kernel sends Jupyter messages, a
//! terminal prints text.

use rhai::plugin::*;

#[export_module]
pub mod api {
    use rhai::{Dynamic, NativeCallContext};

    use crate::state::{state, SideOutput};
    use crate::value::{self, Cx};

    /// Show a value now, as a notebook shows a cell's result (a figure as
    /// a picture, a table as HTML), without ending the cell: Jupyter's
    /// `display`. In a terminal it prints the value as text.
    ///
    /// ```rhai
    /// display(law("chinchilla"))
    /// ```
    pub fn display(ctx: NativeCallContext, value: Dynamic) {
        let st = state(&ctx);
        let svg = st.svg_figures.load(std::sync::atomic::Ordering::Relaxed);
        let bundle = value::bundle(&value, Cx::new(&st.orders), svg);
        st.output.send(SideOutput::Display(bundle));
    }

    /// Which image forms a figure shown in a notebook carries: `["png",
    /// "svg"]` (the default: the front end picks, SVG stays sharp when
    /// zoomed) or `["png"]` (smaller notebooks; SVG text is drawn as
    /// paths and a four-panel figure runs to a few hundred kB). PNG is
    /// always kept, for front ends and viewers without SVG.
    ///
    /// ```rhai
    /// figure_formats(["png"]);
    /// figure_formats(["png", "svg"])
    /// ```
    #[rhai_fn(return_raw)]
    pub fn figure_formats(
        ctx: NativeCallContext,
        formats: rhai::Array,
    ) -> Result<(), Box<rhai::EvalAltResult>> {
        let mut svg = false;
        let mut png = false;
        for (i, f) in formats.iter().enumerate() {
            match f.clone().into_string().as_deref() {
                Ok("png") => png = true,
                Ok("svg") => svg = true,
                _ => {
                    return Err(crate::args::fail(
                        &ctx,
                        format!("formats[{i}] must be \"png\" or \"svg\", got {f}"),
                    ))
                }
            }
        }
        if !png {
            return Err(crate::args::fail(
                &ctx,
                "formats must include \"png\" (every front end and viewer shows PNG; SVG is offered beside it)",
            ));
        }
        state(&ctx)
            .svg_figures
            .store(svg, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    /// Print a line on the error stream (standard error; a notebook's
    /// stderr stream).
    ///
    /// ```rhai
    /// eprint("warning: this budget is past the fitted range")
    /// ```
    pub fn eprint(ctx: NativeCallContext, value: Dynamic) {
        let st = state(&ctx);
        let text = if value.is_string() {
            scaling_lab_core::pyformat::printable(&value.to_string()).into_owned()
        } else {
            value::text(&value, Cx::new(&st.orders)).unwrap_or_default()
        };
        st.output.send(SideOutput::Stderr(text));
    }

    /// Clear the notebook cell's output so far (IPython's `clear_output`);
    /// in a terminal it does nothing.
    #[rhai_fn(name = "clear_output")]
    pub fn clear_output(ctx: NativeCallContext) {
        state(&ctx).output.send(SideOutput::Clear { wait: false });
    }

    /// Clear the cell's output, keeping it until new output arrives when
    /// `wait` is true (no flicker in animations).
    #[rhai_fn(name = "clear_output")]
    pub fn clear_output_wait(ctx: NativeCallContext, wait: bool) {
        state(&ctx).output.send(SideOutput::Clear { wait });
    }
}
