use super::*;

fn counts(name: &str) -> Counts {
    Transformer::preset(name).unwrap().counts().unwrap()
}

#[test]
fn llama2_counts_are_exact() {
    // The released checkpoints: 6,738,415,616 and 68,976,648,192 parameters.
    assert_eq!(counts("llama2-7b").total, 6_738_415_616.0);
    assert_eq!(counts("llama2-70b").total, 68_976_648_192.0);
}

#[test]
fn gpt2_family_counts_are_the_released_checkpoints() {
    // Hugging Face's gpt2, gpt2-medium, gpt2-large, gpt2-xl (num_parameters()).
    for (name, n) in [
        ("gpt2", 124_439_808.0),
        ("gpt2-medium", 354_823_168.0),
        ("gpt2-large", 774_030_080.0),
        ("gpt2-xl", 1_557_611_200.0),
    ] {
        assert_eq!(counts(name).total, n, "{name}");
    }
}

#[test]
fn llama3_and_mistral_counts_are_the_released_checkpoints() {
    // Meta's Llama 3.1 8B and 70B and Mistral 7B v0.1 checkpoints; 405B
    // from the released config ("405B" in Dubey et al. 2024).
    assert_eq!(counts("llama3-8b").total, 8_030_261_248.0);
    assert_eq!(counts("llama3.1-70b").total, 70_553_706_496.0);
    assert_eq!(counts("mistral-7b").total, 7_241_732_096.0);
    let c405 = counts("llama3-405b").total;
    assert_eq!(c405, 405_853_388_800.0);
    assert!((c405 / 405e9 - 1.0).abs() < 0.003);
}

#[test]
fn mixtral_total_and_active() {
    // Jiang et al. 2024: 46.7B parameters, 12.9B active per token; the
    // checkpoint has 46,702,792,704.
    let c = counts("mixtral-8x7b");
    assert_eq!(c.total, 46_702_792_704.0);
    assert_eq!(c.active, 12_879_925_248.0);
    assert_eq!(format!("{:.1}", c.active / 1e9), "12.9");
}

#[test]
fn deepseek_v3_total_and_active() {
    // DeepSeek-V3 report: 671B total, 37B activated per token (main model,
    // without the 14B multi-token-prediction module).
    let c = counts("deepseek-v3");
    assert_eq!(c.total, 671_026_404_352.0);
    assert_eq!(format!("{:.0}", c.total / 1e9), "671");
    // "37B activated" is the parameters a token's matmuls use: the
    // non-embedding active ones plus the output head (36.6B); with the
    // input embedding as well, 37.6B.
    let head = 129_280.0 * 7168.0;
    assert_eq!(
        format!("{:.1}", (c.active_non_embedding + head) / 1e9),
        "36.6"
    );
    assert_eq!(format!("{:.1}", c.active / 1e9), "37.6");
    // MLA caches the 512-channel latent and a 64-wide rotary key per layer.
    let t = Transformer::preset("deepseek-v3").unwrap();
    assert_eq!(t.kv_values_per_token_layer(), 576.0);
}

#[test]
fn gopher_is_280b() {
    // Rae et al. 2021 Table 1: 280B.
    let n = counts("gopher-280b").total;
    assert!((n / 280e9 - 1.0).abs() < 0.002, "{n}");
}

#[test]
fn gpt3_is_175b() {
    // Brown et al. 2020: "175 billion parameters"; this count is 174.6B.
    let c = counts("gpt3-175b");
    assert_eq!(c.total, 174_604_259_328.0);
    assert!((c.total / 175e9 - 1.0).abs() < 0.003);
    // Non-embedding N is close to 12 n_layer d^2 (Kaplan eq. 2.1).
    assert!((c.non_embedding / (12.0 * 96.0 * 12288f64.powi(2)) - 1.0).abs() < 1e-3);
}

#[test]
fn hoffmann_table_a4_flop_ratios() {
    // Hoffmann et al. 2022 Table A4: parameters, layers, d_model, d_ff,
    // heads, k/q size, FLOP ratio (theirs / 6ND), printed to 2 decimals.
    let rows = [
        (73e6_f64, 10.0, 640.0, 2560.0, 10.0, 64.0, 1.03),
        (305e6, 20.0, 1024.0, 4096.0, 16.0, 64.0, 1.10),
        (552e6, 24.0, 1280.0, 5120.0, 10.0, 128.0, 1.08),
        (1.1e9, 26.0, 1792.0, 7168.0, 14.0, 128.0, 1.04),
        (1.6e9, 28.0, 2048.0, 8192.0, 16.0, 128.0, 1.03),
        (6.8e9, 40.0, 3584.0, 14336.0, 28.0, 128.0, 0.99),
    ];
    for (n, l, d, ff, h, hd, printed) in rows {
        let t = Transformer::chinchilla_style(d, l, h, hd, ff);
        let total = t.counts().unwrap().total;
        // The printed sizes are rounded to 2-3 digits. These counts (our
        // reconstruction of the blocks) round to them within 1.2%: the
        // paper's blocks hold a little less than ours.
        let unit = 10f64.powf(n.log10().floor() - if n < 1e9 { 2.0 } else { 1.0 });
        assert!(
            (total - n).abs() <= 0.5 * unit + 0.012 * n,
            "{total} vs {n}"
        );
        let ratio = t.hoffmann_flops_per_token().unwrap() / (6.0 * total);
        assert!(
            (ratio - printed).abs() < 0.005,
            "{n:e}: {ratio} vs {printed}"
        );
    }
    let c70 = counts("chinchilla-70b");
    assert!((c70.total / 70e9 - 1.0).abs() < 0.002, "{}", c70.total);
}

#[test]
fn flop_conventions_for_gpt2() {
    // nanoGPT's estimate_mfu: 6 N + 12 L H Q T with N = 123,653,376 (the
    // parameters without position embeddings): 855,166,464 FLOPs/token.
    // Kaplan's count (non-embedding N and one attention term): 566,959,104.
    let t = Transformer::preset("gpt2").unwrap();
    assert_eq!(
        t.flops_per_token(FlopConvention::Palm).unwrap(),
        6.0 * 123_653_376.0 + 12.0 * 12.0 * 12.0 * 64.0 * 1024.0
    );
    assert_eq!(
        t.flops_per_token(FlopConvention::Palm).unwrap(),
        855_166_464.0
    );
    assert_eq!(
        t.flops_per_token(FlopConvention::Kaplan).unwrap(),
        566_959_104.0
    );
    assert_eq!(
        FlopConvention::parse("nanoGPT").unwrap(),
        FlopConvention::Palm
    );
    assert!(FlopConvention::parse("megatron").is_err());
}

#[test]
fn moe_counts_total_and_active() {
    let mut t = Transformer::preset("llama2-7b").unwrap();
    t.n_experts = 8.0;
    t.top_k = 2.0;
    let c = t.counts().unwrap();
    let dense = counts("llama2-7b");
    let expert = 3.0 * 4096.0 * 11008.0;
    assert_eq!(c.ffn, 32.0 * (8.0 * expert + 4096.0 * 8.0));
    assert_eq!(
        c.active_non_embedding,
        dense.non_embedding + 32.0 * (expert + 4096.0 * 8.0)
    );
    // MoE FLOPs follow the active parameters.
    let f = t.flops_per_token(FlopConvention::Kaplan).unwrap();
    assert_eq!(
        f,
        6.0 * c.active_non_embedding + 6.0 * 32.0 * 4096.0 * 4096.0
    );
    t.top_k = 9.0;
    assert!(t.counts().is_err());
    t.top_k = 1.0;
    t.n_experts = 1.0;
    t.n_shared_experts = 1.0;
    assert!(t.counts().is_err());
}

#[test]
fn flops_per_token_is_about_6n() {
    let t = Transformer::preset("llama2-70b").unwrap();
    let c = t.counts().unwrap();
    let f = t.train_flops_per_token(false).unwrap();
    // 6N plus the attention term 6 n_layer n_ctx d_attn: 3.9% more at a 4k context for 70B.
    assert_eq!(f, 6.0 * c.non_embedding + 6.0 * 80.0 * 4096.0 * 8192.0);
    assert!(
        (f / (6.0 * c.non_embedding) - 1.039).abs() < 1e-3,
        "{}",
        f / c.non_embedding
    );
}

#[test]
fn unknown_presets_list_the_known_ones() {
    let e = Transformer::preset("gpt-5").unwrap_err().to_string();
    assert!(
        e.starts_with("unknown model preset 'gpt-5'; known: gpt2, gpt2-medium"),
        "{e}"
    );
    assert_eq!(
        Transformer::preset("Llama-3.1-8B").unwrap().name,
        "llama3-8b"
    );
}
