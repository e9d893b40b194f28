//! Training step time, layout search and calibration as scripts call
//! them: published runs first, then custom hardware and bad input.

use crate::common::{assert_rel, eval, eval_err, eval_f64};

#[test]
fn llama3_table4_from_a_script() {
    // Dubey et al. 2024 Table 4: 400 TFLOP/s per GPU on 16,384 H100s (held out).
    let tflops = eval_f64(
        r#"training_step("llama3-405b", #{hardware: "H100", gpus: 16384, tp: 8, pp: 16, vpp: 8, global_batch: 2048, seq_len: 8192}).tflops_per_gpu_causal"#,
    );
    assert!((tflops / 400.0 - 1.0).abs() < 0.03, "{tflops}");
}

#[test]
fn korthikanti_table5_from_a_script() {
    // Korthikanti et al. 2022 Table 5: GPT-3 175B on 64 A100s, selective
    // recomputation and sequence parallelism, 13.75 s per step (fitted).
    let s = eval_f64(
        r#"training_step("gpt3-175b", #{hardware: "A100", gpus: 64, tp: 8, pp: 8, vpp: 3, global_batch: 64,
            attention: "unfused", dropout: true, overlap_dp: false, zero: 0,
            recompute: "selective", sequence_parallel: true}).step_seconds"#,
    );
    assert!((s / 13.75 - 1.0).abs() < 0.05, "{s}");
}

#[test]
fn the_parts_add_up_and_tokens_give_days_and_dollars() {
    let script = r#"
        let s = training_step("llama3-8b", #{hardware: "H100", gpus: 64, global_batch: 512, seq_len: 8192,
                                             tokens: 1e12, usd_per_hour: 2.5});
        let parts = s.matmul + s.attention + s.elementwise + s.tp_comm + s.cp_comm + s.ep_comm
                  + s.recompute + s.pp_bubble + s.pp_comm + s.dp_comm + s.optimizer;
        [parts / s.step_seconds, s.days * 86400 * s.tokens_per_second / 1e12, s.usd / (s.gpu_hours * 2.5)]
    "#;
    let v = eval(script).into_typed_array::<f64>().unwrap();
    assert_rel(v[0], 1.0, 1e-12);
    assert_rel(v[1], 1.0, 1e-12);
    assert_rel(v[2], 1.0, 1e-12);
}

#[test]
fn the_planner_returns_the_fastest_fitting_layouts() {
    let script = r#"
        let p = plan_training("llama3-70b", #{hardware: "H100", gpus: 256, global_batch: 256, seq_len: 8192, top: 5});
        [p.len(), p.step_seconds[0] <= p.step_seconds[4], p.memory_gb.max() <= 80]
    "#;
    let v = eval(script).into_array().unwrap();
    assert_eq!(v[0].as_int().unwrap(), 5);
    assert!(v[1].as_bool().unwrap());
    assert!(v[2].as_bool().unwrap());
    let e =
        eval_err(r#"plan_training("llama3-405b", #{hardware: "H100", gpus: 8, global_batch: 8})"#)
            .message;
    assert!(e.contains("none of") && e.contains("fits"), "{e}");
}

#[test]
fn custom_hardware_and_changed_links_change_the_step() {
    let slow = eval_f64(
        r#"training_step("llama3-70b", #{hardware: hardware("H100", #{inter_node_bandwidth: 3e9}), gpus: 256, tp: 8, global_batch: 256, seq_len: 8192, overlap_dp: false}).dp_comm"#,
    );
    let fast = eval_f64(
        r#"training_step("llama3-70b", #{hardware: "H100", gpus: 256, tp: 8, global_batch: 256, seq_len: 8192, overlap_dp: false}).dp_comm"#,
    );
    assert!(slow > 10.0 * fast, "{slow} vs {fast}");
    let x = eval_f64(
        r#"training_step("llama3-8b", #{hardware: hardware(#{name: "X", memory: 96e9, bandwidth: 4e12, bf16: 1.2e15, generation: "hopper"}), gpus: 8, global_batch: 8, seq_len: 4096}).step_seconds"#,
    );
    assert!(x > 0.0);
}

#[test]
fn calibration_fits_what_it_is_given() {
    // Runs measured with a known efficiency are fitted back to it.
    let script = r#"
        let c = perf_model("H100");
        c.matmul_efficiency = 0.5;
        let runs = [];
        for gpus in [8, 16, 32] {
            let o = #{hardware: "H100", gpus: gpus, tp: 8, global_batch: gpus * 2, seq_len: 8192};
            let s = training_step("llama3-70b", o + #{constants: c}).step_seconds;
            runs.push(o + #{model: "llama3-70b", step_seconds: s});
        }
        calibrate(runs, #{fit: ["matmul_efficiency"]}).constants.matmul_efficiency
    "#;
    assert_rel(eval_f64(script), 0.5, 1e-3);
}

#[test]
fn bad_layouts_and_runs_say_what_is_wrong() {
    for (script, want) in [
        (
            r#"training_step("llama3-8b", #{hardware: "H100", gpus: 64, tp: 16, global_batch: 64})"#,
            "tp",
        ),
        (
            r#"training_step("llama3-8b", #{hardware: "H100", gpus: 64, global_batch: 100})"#,
            "batch",
        ),
        (
            r#"training_step("llama3-8b", #{hardware: "H100", gpus: 64})"#,
            "batch",
        ),
        (
            r#"training_step("llama3-8b", #{gpus: 64, global_batch: 64})"#,
            "hardware",
        ),
        (
            r#"training_step("llama3-8b", #{hardware: "H100", gpus: 64, global_batch: 64, vpp: 2})"#,
            "vpp",
        ),
        (
            r#"training_step(8e9, #{hardware: "H100", gpus: 64, global_batch: 64})"#,
            "shape",
        ),
        (r#"calibrate([], #{fit: ["latency"]})"#, "runs"),
        (
            r#"calibrate([#{model: "llama3-8b", hardware: "H100", gpus: 8, global_batch: 8}], #{fit: ["latency"]})"#,
            "measurement",
        ),
        (
            r#"calibrate([#{model: "llama3-8b", hardware: "H100", gpus: 8, global_batch: 8, step_seconds: 1}], #{fit: ["speed"]})"#,
            "speed",
        ),
        (r#"perf_model("Z80")"#, "Z80"),
    ] {
        let e = eval_err(script).message;
        assert!(e.contains(want), "{script}: {e}");
    }
}

#[test]
fn train_cost_and_budgets_take_a_layout_instead_of_an_mfu() {
    let script = r#"
        let layout = #{tp: 8, pp: 4, vpp: 5, global_batch: 512, seq_len: 8192};
        let c = train_cost(#{model: "llama3-70b", tokens: 15e12, hardware: "H100", count: 512, layout: layout});
        let s = training_step("llama3-70b", layout + #{hardware: "H100", gpus: 512});
        [c.mfu_predicted, c.days * 86400 * s.tokens_per_second / 15e12, c.step_seconds / s.step_seconds]
    "#;
    let v = eval(script).into_array().unwrap();
    assert!(v[0].as_bool().unwrap());
    assert_rel(v[1].as_float().unwrap(), 1.0, 1e-9);
    assert_rel(v[2].as_float().unwrap(), 1.0, 1e-12);
    let e = eval_err(r#"train_cost(#{model: "llama3-8b", tokens: 1e12, hardware: "H100", count: 8, mfu: 0.4, layout: #{global_batch: 8}})"#).message;
    assert!(e.contains("layout") && e.contains("mfu"), "{e}");
    let e = eval_err(
        r#"train_cost(#{flops: 1e24, hardware: "H100", count: 8, layout: #{global_batch: 8}})"#,
    )
    .message;
    assert!(e.contains("model"), "{e}");
}
