//! Memory, serving, models, FLOP conventions and the newer laws, as
//! scripts call them: published figures first, then bad input.

use crate::common::{assert_prints_as, assert_rel, eval, eval_err, eval_f64};

#[test]
fn zero_paper_figures_from_a_script() {
    // Rajbhandari et al. 2020 Figure 1: 7.5B on 64 GPUs, K = 12.
    for (stage, gb) in [(0, "120.0"), (1, "31.4"), (2, "16.6"), (3, "1.9")] {
        let v = eval_f64(&format!(
            "training_memory(7.5e9, #{{gpus: 64, zero: {stage}}}).model_states"
        ));
        assert_prints_as(v / 1e9, gb);
    }
    // A bare parameter count has no activations.
    assert_eq!(
        eval_f64("training_memory(7.5e9, #{gpus: 64}).activations"),
        0.0
    );
}

#[test]
fn korthikanti_sequence_parallel_selective_from_a_script() {
    // Table 2: tensor + sequence parallel + selective recomputation keeps
    // s b h 34 / t per layer: GPT-3 175B, s 2048, b 1, t 8, 96 layers.
    let v = eval_f64(
        r#"training_memory("gpt3-175b", #{gpus: 8, tp: 8, sequence_parallel: true, recompute: "selective", dropout: true}).activations"#,
    );
    assert_rel(v, 34.0 * 2048.0 * 12288.0 * 96.0 / 8.0, 1e-12);
    // Full recomputation: 2 s b h per layer.
    let v = eval_f64(r#"training_memory("gpt3-175b", #{recompute: "full"}).activations"#);
    assert_rel(v, 2.0 * 2048.0 * 12288.0 * 96.0, 1e-12);
}

#[test]
fn the_issue_question_70b_zero3_and_one_node() {
    let fits = eval(
        r#"training_memory("llama3-70b", #{gpus: 64, zero: 3, recompute: "full", hardware: "H100"}).fits"#,
    );
    assert!(fits.as_bool().unwrap());
    let no = eval(r#"training_memory("llama3-70b", #{gpus: 64, zero: 3, hardware: "H100"}).fits"#);
    assert!(!no.as_bool().unwrap());
    // ZeRO-3 model states: 16 bytes x 70.55B / 64 = 17.6 GB.
    let states = eval_f64(r#"training_memory("llama3-70b", #{gpus: 64, zero: 3}).model_states"#);
    assert_rel(states, 16.0 * 70_553_706_496.0 / 64.0, 1e-12);
    // Serving: max_batch fits and one more does not.
    let b = eval_f64(r#"serving("llama3-70b", #{hardware: "H100", count: 8}).max_batch"#);
    let at = |batch: f64| {
        eval(&format!(
            r#"serving("llama3-70b", #{{hardware: "H100", count: 8, batch: {batch}}}).fits"#
        ))
        .as_bool()
        .unwrap()
    };
    assert!(at(b) && !at(b + 1.0), "max_batch {b}");
}

#[test]
fn kv_cache_and_sweeps_give_tables() {
    // Llama 2 7B, fp16, 4096 tokens: 2 GiB.
    assert_eq!(
        eval_f64(r#"kv_cache("llama2-7b", #{tokens: 4096}).bytes"#),
        2.0 * 1024f64.powi(3)
    );
    let t = eval(r#"kv_cache("llama3-8b", #{tokens: [1024, 2048]})"#);
    assert_eq!(t.type_name(), "scaling_lab_core::table::Table");
    assert_eq!(
        eval(r#"serving("llama3-8b", #{hardware: "H100", batch: [1, 2, 4]}).len()"#)
            .as_int()
            .unwrap(),
        3
    );
    assert_eq!(
        eval("training_memory([7.5e9, 70e9], #{gpus: 64, zero: 3}).len()")
            .as_int()
            .unwrap(),
        2
    );
}

#[test]
fn flop_conventions_and_mfu() {
    // nanoGPT's estimate_mfu for GPT-2 124M: 855,166,464 FLOPs per token.
    assert_eq!(
        eval_f64(r#"flops_per_token("gpt2", "palm")"#),
        855_166_464.0
    );
    assert_eq!(
        eval_f64(r#"flops_per_token("gpt2", "kaplan")"#),
        566_959_104.0
    );
    assert_eq!(eval_f64(r#"flops_per_token(1e9, "kaplan")"#), 6e9);
    // MFU = tokens/s x FLOPs/token / peak.
    let u =
        eval_f64(r#"mfu("gpt2", #{tokens_per_second: 1e5, hardware: "A100", convention: "palm"})"#);
    assert_rel(u, 1e5 * 855_166_464.0 / 312e12, 1e-12);
    // PaLM's count is the default (the one published MFUs use); Kaplan's on request.
    let default = eval_f64(r#"mfu("gpt2", #{tokens_per_second: 1e5, hardware: "A100"})"#);
    assert_eq!(default, u);
    let kaplan = eval_f64(
        r#"mfu("gpt2", #{tokens_per_second: 1e5, hardware: "A100", convention: "kaplan"})"#,
    );
    assert_rel(kaplan, 1e5 * 566_959_104.0 / 312e12, 1e-12);
    let e = eval_err(r#"mfu("gpt2", #{tokens_per_second: 1e7, hardware: "A100"})"#);
    assert!(e.message.contains("MFU <= 1"), "{}", e.message);
    let e = eval_err(r#"flops_per_token(1e9, "palm")"#);
    assert!(
        e.message.contains("needs the model's shape"),
        "{}",
        e.message
    );
}

#[test]
fn models_read_like_maps_and_name_what_they_lack() {
    assert_eq!(
        eval_f64(r#"transformer("mixtral-8x7b").active"#),
        12_879_925_248.0
    );
    assert_eq!(
        eval_f64(r#"transformer("llama3-8b")["total"]"#),
        8_030_261_248.0
    );
    assert_eq!(eval("models().len()").as_int().unwrap(), 15);
    let e = eval_err(r#"transformer("gpt2").totl"#);
    assert!(e.message.contains("did you mean total?"), "{}", e.message);
    // DeepSeek-V3's latent attention through options.
    let v = eval_f64(
        r#"transformer(#{d_model: 1024, n_layer: 4, n_heads: 8, kv_lora_rank: 256, rope_head_dim: 32}).total"#,
    );
    assert!(v > 0.0);
}

#[test]
fn hardware_catalog_says_which_h100() {
    assert_eq!(eval(r#"hardware("H100").name"#).to_string(), "H100 SXM");
    assert_eq!(eval_f64(r#"hardware("H100 PCIe").bandwidth"#), 2e12);
    assert_eq!(eval_f64(r#"hardware("MI325X").memory"#), 256e9);
    assert_eq!(eval_f64(r#"hardware("TPU v6e").bf16"#), 918e12);
    assert_eq!(
        eval("hardware().len()").as_int().unwrap() as usize,
        scaling_lab_core::hardware::CATALOG.len()
    );
    assert_eq!(
        eval(r#"hardware("H800").intra_node_bandwidth"#)
            .as_float()
            .unwrap(),
        200e9
    );
}

#[test]
fn allocations_name_their_law() {
    assert_eq!(
        eval("find_optimal_allocation(1e24).law").to_string(),
        "chinchilla"
    );
    let n = eval_f64(r#"find_optimal_allocation(1e24, "epoch2024").N"#);
    assert_prints_as(n / 1e9, "95.9");
    let d = eval_f64(r#"find_optimal_allocation(3.8e25, "llama3_anchored").D"#);
    assert_prints_as(d / 1e12, "16.55");
    assert_eq!(eval("compare_laws(1e24).len()").as_int().unwrap(), 13);
    assert_eq!(
        eval("compare_laws([1e22, 1e24, 1e26]).len()")
            .as_int()
            .unwrap(),
        39
    );
    // Kaplan Table 6 at 1 PF-day.
    assert_eq!(eval_f64("kaplan_frontier(PF_DAY()).N"), 1.3e9);
    assert_eq!(eval("law(\"kaplan\").name").to_string(), "kaplan_joint");
    let e = eval_err(r#"find_optimal_allocation(1e24, "gpt4")"#);
    assert!(
        e.message.contains("unknown law or allocation rule 'gpt4'"),
        "{}",
        e.message
    );
}

#[test]
fn bad_memory_and_serving_input_is_named() {
    for (code, says) in [
        (
            r#"training_memory("llama3-8b", #{gpus: 6, tp: 4})"#,
            "multiple of tp x pp",
        ),
        (
            r#"training_memory("llama3-8b", #{zero: 4})"#,
            "ZeRO stage from 0 to 3",
        ),
        (
            r#"training_memory("llama3-8b", #{precision: "fp7"})"#,
            "option precision must be one of \"fp32\", \"tf32\", \"bf16\", \"fp8\", \"int8\", \"int4\", \"fp4\", got \"fp7\"",
        ),
        (
            r#"training_memory("llama3-8b", #{recompute: "some"})"#,
            "option recompute must be one of \"none\", \"selective\", \"full\", got \"some\"",
        ),
        (
            r#"training_memory("llama3-8b", #{gpus: 2, ep: 2})"#,
            "at most n_experts",
        ),
        (
            r#"training_memory(true, #{})"#,
            "model must be a preset name",
        ),
        (
            r#"training_memory(-1, #{})"#,
            "model must be a positive finite number",
        ),
        (
            r#"serving("llama3-8b", #{count: 8})"#,
            "hardware is required",
        ),
        (
            r#"serving("llama3-8b", #{hardware: "V100"})"#,
            "unknown hardware 'V100'",
        ),
        (
            r#"serving(7e9, #{hardware: "H100"})"#,
            "needs the model's shape",
        ),
        (
            r#"serving("llama3-8b", #{hardware: "H100", batch: [1, 2], context: [1, 2]})"#,
            "not both",
        ),
        (
            r#"kv_cache("llama3-8b", #{tokens: 0})"#,
            "tokens must be a positive",
        ),
        (r#"law("chinchilla", #{G: 2})"#, "takes no options"),
        (r#"law("krajewski2024", #{G: 0})"#, "G must be a positive"),
    ] {
        let e = eval_err(code);
        assert!(e.message.contains(says), "{code}: {}", e.message);
    }
}

#[test]
fn swiglu_keeps_what_megatrons_fused_kernel_keeps() {
    // Llama 3 70B (h 8192, d_ff 28672 = 3.5 h, GQA 8 of 64 heads), s 8192,
    // b 1, selective: norms 8 + attention 4.5 + SwiGLU 6 x 3.5 = 33.5 s b h
    // per layer with the fused kernel (6 s b d_ff), 40.5 unfused (8 s b d_ff).
    let sbh_l = 8192.0 * 8192.0 * 80.0;
    for (kind, per_layer) in [("fused", 33.5), ("unfused", 40.5)] {
        let v = eval_f64(&format!(
            r#"training_memory("llama3-70b", #{{seq_len: 8192, recompute: "selective", gated_activations: "{kind}"}}).activations"#
        ));
        assert_rel(v, per_layer * sbh_l, 1e-12);
    }
    // GPT blocks are not gated: the option changes nothing.
    let a = eval_f64(r#"training_memory("gpt3-175b", #{gated_activations: "fused"}).activations"#);
    let b =
        eval_f64(r#"training_memory("gpt3-175b", #{gated_activations: "unfused"}).activations"#);
    assert_eq!(a, b);
}
