//! The REPL in a real pseudo-terminal (rexpect), and through a pipe.

use std::process::Command;
use std::time::{Duration, Instant};

use assert_cmd::cargo::cargo_bin;
use rexpect::session::{spawn_command, PtySession};

struct Repl {
    p: PtySession,
    _home: tempfile::TempDir,
}

fn start() -> Repl {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(cargo_bin("scaling-lab"));
    cmd.args(["repl", "--max-ops", "0"])
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env("SCALING_LAB_HISTORY", home.path().join("history.txt"));
    let mut p = spawn_command(cmd, Some(20_000)).unwrap();
    p.exp_string(READY).unwrap();
    Repl { p, _home: home }
}

/// rustyline turns bracketed paste on each time it starts reading a line,
/// so this marks "the next prompt is ready". Input sent before it can be
/// lost: rustyline drops bytes that arrive in the same read as an Enter.
const READY: &str = "\x1b[?2004h";

impl Repl {
    /// Send a line, expect `expect` in its output, wait for the next prompt.
    #[track_caller]
    fn line(&mut self, input: &str, expect: &str) {
        self.p.send_line(input).unwrap();
        if !expect.is_empty() {
            if let Err(e) = self.p.exp_string(expect) {
                panic!("after `{input}` expected `{expect}`: {e}");
            }
        }
        self.p.exp_string(READY).unwrap();
    }

    fn keys(&mut self, keys: &str) {
        self.p.send(keys).unwrap();
        self.p.flush().unwrap();
    }
}

#[test]
fn values_state_and_multiline_functions() {
    let mut r = start();
    r.line("chinchilla_loss(70e9, 1.4e12)", "1.9366454705587173");
    r.line("let C = 1e24;", "");
    r.line(
        "find_optimal_allocation(C).N",
        "4.129670241941513e10 (41.3B)",
    );
    // An open brace continues on the next line, after a continuation prompt.
    r.p.send_line("fn twice(x) {").unwrap();
    r.p.exp_string(".. ").unwrap();
    r.p.send_line("  2 * x").unwrap();
    r.p.exp_string(".. ").unwrap();
    r.line("}", "");
    r.line("twice(21)", "42");
    r.p.send_control('d').unwrap();
    r.p.exp_eof().unwrap();
}

#[test]
fn tab_completes_and_help_shows_docs() {
    let mut r = start();
    r.keys("chinch");
    r.p.exp_string("chinch").unwrap();
    r.keys("\t");
    r.p.exp_string("chinchilla_loss").unwrap();
    r.line("(70e9, 1.4e12)", "1.9366454705587173");
    r.line(":help chinchilla_loss", "Hoffmann et al. 2022 eq. 10");
    r.line(":vars", "no variables yet");
}

#[test]
fn tab_completes_columns_inside_brackets() {
    let mut r = start();
    r.line(
        "let runs = table(#{N: [1e9, 2e9], tokens: [2e10, 4e10], loss: [2.5, 2.4]});",
        "",
    );
    r.keys("runs[\"to");
    r.p.exp_string("runs[\"to").unwrap();
    r.keys("\t");
    r.p.exp_string("tokens").unwrap();
    r.line("\"]", "[2e+10, 4e+10]");
}

#[test]
fn an_error_keeps_the_session() {
    let mut r = start();
    r.line("let x = 7;", "");
    r.line(
        "chinchilla_loss(-1, 1e12)",
        "chinchilla_loss: N must be a positive finite number, got -1\r\n  --> <repl>:1:1",
    );
    r.line("x * 6", "42");
}

#[test]
fn ctrl_c_stops_an_infinite_loop_and_keeps_the_scope() {
    let mut r = start();
    r.line("let x = 42;", "");
    r.p.send_line("loop { }").unwrap();
    std::thread::sleep(Duration::from_millis(500));
    r.p.send_control('c').unwrap();
    r.p.exp_string("interrupted by Ctrl-C").unwrap();
    r.p.exp_string(READY).unwrap();
    r.line("x + 1", "43");
    // Ctrl-C at the prompt clears the line instead of quitting.
    r.keys("garbage");
    r.p.exp_string("garbage").unwrap();
    r.p.send_control('c').unwrap();
    r.p.exp_string(READY).unwrap();
    r.line("x", "42");
}

#[test]
fn history_is_saved_across_sessions() {
    let home = tempfile::tempdir().unwrap();
    let hist = home.path().join("h.txt");
    let spawn = || {
        let mut cmd = Command::new(cargo_bin("scaling-lab"));
        cmd.arg("repl")
            .env("NO_COLOR", "1")
            .env("SCALING_LAB_HISTORY", &hist);
        let mut p = spawn_command(cmd, Some(20_000)).unwrap();
        p.exp_string(READY).unwrap();
        p
    };
    let mut p = spawn();
    p.send_line("let remembered = 99;").unwrap();
    p.exp_string(READY).unwrap();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
    let saved = std::fs::read_to_string(&hist).unwrap();
    assert!(saved.contains("let remembered = 99;"), "{saved}");
    // Up arrow in a new session recalls it.
    let mut p = spawn();
    p.send("\x1b[A").unwrap();
    p.flush().unwrap();
    p.exp_string("let remembered = 99;").unwrap();
}

#[test]
fn first_prompt_is_fast() {
    // Reported, not asserted: timing belongs in benchmarks, and CI machines vary.
    let t = Instant::now();
    let _r = start();
    eprintln!("first prompt after {:?}", t.elapsed());
}

#[test]
fn the_bare_command_takes_the_repl_options() {
    // `scaling-lab --out DIR` starts the REPL as `scaling-lab repl --out DIR` does.
    let dir = tempfile::tempdir().unwrap();
    let out = assert_cmd::Command::cargo_bin("scaling-lab")
        .unwrap()
        .arg("--out")
        .arg(dir.path())
        .args(["--max-ops", "0"])
        .write_stdin("save_json(#{a: 1}, \"a.json\")\n")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("a.json").exists());
}

#[test]
fn piped_stdin_runs_line_by_line() {
    let out = assert_cmd::Command::cargo_bin("scaling-lab")
        .unwrap()
        .arg("repl")
        .write_stdin("let x = 21;\nfn f(a) {\n  a * 2\n}\nf(x)\nchinchilla_loss(70e9,1.4e12)\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "42\n1.9366454705587173\n"
    );

    let out = assert_cmd::Command::cargo_bin("scaling-lab")
        .unwrap()
        .arg("repl")
        .write_stdin("nope(1)\n1 + 1\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "2\n");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("no function 'nope'") && !err.contains('\x1b'),
        "{err}"
    );
}

#[test]
fn no_arguments_opens_the_repl() {
    let out = assert_cmd::Command::cargo_bin("scaling-lab")
        .unwrap()
        .write_stdin("chinchilla_loss(70e9, 1.4e12)\n")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "1.9366454705587173\n"
    );
}

#[test]
fn lines_typed_ahead_are_all_run() {
    // Three lines in one write, as `tmux send-keys` or a fast typist sends
    // them while the REPL is busy: all three arrive (rustyline's
    // buffer-redux keeps what a readline call read past its own line).
    let mut r = start();
    r.keys("1+1\r2+2\r3+3\r");
    for want in ["2", "4", "6"] {
        r.p.exp_regex(&format!("(?m)^{want}\\r?$")).unwrap();
    }
    // Typed while a long evaluation runs: kept until it ends.
    r.keys("let t = 0; for i in 0..3000000 { t += 1; } t\r");
    r.keys("100 + 1\r202 + 1\r");
    r.p.exp_string("3000000").unwrap();
    r.p.exp_string("101").unwrap();
    r.p.exp_string("203").unwrap();
}

#[test]
fn a_paste_without_bracketed_paste_runs_every_line() {
    let mut r = start();
    // A multi-line function and a call, pasted as plain keystrokes.
    r.keys("fn cube(x) {\r  x * x * x\r}\rcube(3)\rcube(4)\r");
    r.p.exp_string("27").unwrap();
    r.p.exp_string("64").unwrap();
}

#[test]
fn save_then_load_gives_the_same_session() {
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let spawn = || {
        let mut cmd = Command::new(cargo_bin("scaling-lab"));
        cmd.args(["repl", "--out"])
            .arg(dir.path())
            .args(["--allow-read"])
            .arg(dir.path())
            .env("NO_COLOR", "1")
            .env("TERM", "xterm")
            .env("SCALING_LAB_HISTORY", home.path().join("h.txt"));
        let mut p = spawn_command(cmd, Some(20_000)).unwrap();
        p.exp_string(READY).unwrap();
        Repl {
            p,
            _home: tempfile::tempdir().unwrap(),
        }
    };
    let mut r = spawn();
    r.line("let C = 1e24", "");
    r.line("let a = find_optimal_allocation(C)", "");
    r.line("a.N", "41.3B");
    r.line(":save s.rhai", "saved 3 inputs");
    r.p.send_control('d').unwrap();
    r.p.exp_eof().unwrap();
    let mut r = spawn();
    r.line(
        &format!(":load {}", dir.path().join("s.rhai").display()),
        "",
    );
    r.line("a.D / C * 1e12", "4.03");
    r.p.send_control('d').unwrap();
    r.p.exp_eof().unwrap();
}
