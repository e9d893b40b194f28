//! Every script under `scripts/` is a test: its printed output is
//! snapshotted (accept changes with `cargo insta review`), and the
//! self-checking scripts under `scripts/checks/` must finish without error.

use scaling_lab_script::EngineConfig;
use scaling_lab_script::Interpreter;

fn run_script(path: &std::path::Path) -> Result<String, String> {
    let code = std::fs::read_to_string(path).unwrap();
    let out = tempfile::tempdir().unwrap();
    let config = EngineConfig {
        out_dir: Some(out.path().to_path_buf()),
        ..EngineConfig::default()
    };
    let mut s = Interpreter::with_config(config, true);
    let name = path
        .strip_prefix(concat!(env!("CARGO_MANIFEST_DIR"), "/../"))
        .unwrap_or(path);
    s.set_source_name(name.display().to_string());
    match s.run(&code) {
        Ok(o) => Ok(o.printed.join("\n")),
        Err(e) => Err(e.rendered),
    }
}

#[test]
fn example_scripts_print_what_they_printed() {
    insta::glob!("../../../scripts", "*.rhai", |path| {
        let out = run_script(path).unwrap_or_else(|e| panic!("{}:\n{e}", path.display()));
        insta::assert_snapshot!(out);
    });
}

#[test]
fn self_checking_scripts_pass() {
    insta::glob!("../../../scripts/checks", "*.rhai", |path| {
        if let Err(e) = run_script(path) {
            panic!("{}:\n{e}", path.display());
        }
    });
}

#[test]
fn a_failing_check_fails() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.rhai");
    std::fs::write(
        &p,
        "assert_close(chinchilla_loss(70e9, 1.4e12), 1.95, 1e-4);",
    )
    .unwrap();
    let e = run_script(&p).unwrap_err();
    assert!(e.contains("is not within 0.0001 of 1.95"), "{e}");
}
