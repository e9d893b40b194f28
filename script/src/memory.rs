//! Training memory in scripts.

use rhai::plugin::*;

#[export_module]
pub mod api {
    use rhai::{Dynamic, Map, NativeCallContext};

    use crate::architecture::model_arg;
    use crate::args::{lift, ScriptResult};
    use crate::convert::record_result;
    use crate::options;
    use scaling_lab_core::budget::work;
    use scaling_lab_core::memory::{self, ModelSpec, TrainingOptions};
    use scaling_lab_core::transformer::ModelRef;

    /// Training memory per GPU, in bytes: `weights`, `gradients`,
    /// `optimizer` (with the fp32 master copy), `model_states`,
    /// `activations`, `total`, the `data_parallel` degree and, with
    /// `hardware`, its `capacity`, whether it `fits`, the `headroom`, and
    /// the largest `micro_batch` (`max_micro_batch`) and `seq_len`
    /// (`max_seq_len`) that would fit, the other options as given.
    ///
    /// `model` is a preset name, a `transformer(...)`, or a parameter count
    /// (then activations are not counted; a vector of counts gives a
    /// Table).
    ///
    /// Model states follow ZeRO (Rajbhandari et al. 2020 §3: 2 + 2 + 12
    /// bytes per parameter for mixed-precision Adam, stages partition them
    /// over the data-parallel ranks); activations follow Korthikanti et al.
    /// 2022 (per layer s b h (34 + 5 a s/h) bytes and its variants for
    /// tensor and sequence parallelism and recomputation). Framework
    /// buffers and fragmentation are not counted: docs/memory.md.
    ///
    /// ```rhai
    /// training_memory(7.5e9, #{gpus: 64, zero: 1}).model_states   // 3.14e10 (ZeRO: 31.4 GB)
    /// training_memory("llama3-8b", #{gpus: 8, zero: 3, seq_len: 8192, recompute: "full", hardware: "H100"}).max_micro_batch   // 29
    /// ```
    #[rhai_fn(return_raw)]
    pub fn training_memory(
        ctx: NativeCallContext,
        model: Dynamic,
        options: Map,
    ) -> ScriptResult<Dynamic> {
        let o: TrainingOptions = options::read(&ctx, &options)?;
        if model.is::<scaling_lab_core::vector::Vector>() || model.is_array() {
            return record_result(&ctx, "model", &model, work::SIMPLE, |n| {
                memory::report(ModelSpec::Params(n), &o)
            });
        }
        let report = match model_arg(&ctx, &model)? {
            ModelRef::Params(n) => memory::report(ModelSpec::Params(n), &o),
            ModelRef::Shape(t) => memory::report(ModelSpec::Shape(&t), &o),
        };
        crate::convert::to_script_record(&ctx, &lift(&ctx, report)?)
    }
}
