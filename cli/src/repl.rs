//! The interactive front end: rustyline over a [`Session`]. Everything it
//! shows comes from `session::{commands, complete, syntax}` on the
//! session's interpreter thread; this file only wires keys, colours,
//! history and Ctrl-C.

use std::borrow::Cow;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::Hinter;
use rustyline::history::{DefaultHistory, History};
use rustyline::validate::Validator;
use rustyline::{Config, Context, Editor, Helper};

use scaling_lab_script::session::syntax::{self, Completeness, TokenKind};
use scaling_lab_script::session::{complete, Answer, Forms};
use scaling_lab_script::{EngineConfig, Session};

const PROMPT: &str = ">> ";
/// The prompt of the lines an unfinished input continues on.
const CONTINUATION: &str = ".. ";
const HISTORY_SIZE: usize = 1000;

/// Where history lives: `$SCALING_LAB_HISTORY`, else the platform data folder
/// (`~/.local/share/scaling-lab/history.txt` on Linux).
pub fn history_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SCALING_LAB_HISTORY") {
        return Some(PathBuf::from(p));
    }
    dirs::data_dir().map(|d| d.join("scaling-lab").join("history.txt"))
}

struct ReplHelper {
    session: Arc<Session>,
    colour: bool,
}

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let code = line.to_string();
        let (start, cands) = self
            .session
            .with(move |i| complete::complete(i, &code, pos))
            .unwrap_or((pos, Vec::new()));
        Ok((
            start,
            cands
                .into_iter()
                .map(|c| Pair {
                    display: c.clone(),
                    replacement: c,
                })
                .collect(),
        ))
    }
}

impl Hinter for ReplHelper {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, _: &Context<'_>) -> Option<String> {
        if pos < line.len() {
            return None;
        }
        complete::signature_hint(line, pos).map(|s| format!("   ← {s}"))
    }
}

fn paint(code: &str, text: &str) -> String {
    format!("\x1b[{code}m{text}\x1b[0m")
}

impl Highlighter for ReplHelper {
    fn highlight<'l>(&self, line: &'l str, pos: usize) -> Cow<'l, str> {
        if !self.colour {
            return Cow::Borrowed(line);
        }
        let brackets = syntax::matching_bracket(line, pos);
        let mut spans: Vec<(usize, usize, &str)> = syntax::tokens(line)
            .into_iter()
            .filter_map(|(r, k)| {
                let code = match k {
                    TokenKind::Number => "36",
                    TokenKind::Str => "32",
                    TokenKind::Keyword => "35;1",
                    TokenKind::Comment => "90",
                    TokenKind::Command => "34;1",
                    TokenKind::Ident => return None,
                };
                Some((r.start, r.end, code))
            })
            .collect();
        if let Some((a, b)) = brackets {
            spans.push((a, a + 1, "1;4;33"));
            spans.push((b, b + 1, "1;4;33"));
        }
        spans.sort_by_key(|s| s.0);
        let mut out = String::with_capacity(line.len() + 16 * spans.len());
        let mut at = 0;
        for (a, b, code) in spans {
            if a < at {
                continue;
            }
            out.push_str(&line[at..a]);
            out.push_str(&paint(code, &line[a..b]));
            at = b;
        }
        out.push_str(&line[at..]);
        Cow::Owned(out)
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.colour {
            Cow::Owned(paint("90", hint))
        } else {
            Cow::Borrowed(hint)
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        self.colour
    }
}

// Unfinished input is collected by the read loop (one line per readline,
// with a continuation prompt), so every line typed ahead or pasted arrives
// as its own line.
impl Validator for ReplHelper {}

impl Helper for ReplHelper {}

/// Show what one input produced; returns false when it failed, an error
/// on `:quit`.
fn evaluate(session: &Session, input: &str, colour: bool) -> Result<bool, ()> {
    match session.cell(input, "<repl>", Forms::TEXT, true) {
        Answer::Value(out) => {
            if let Some(text) = out.text {
                crate::console::out(&text);
            }
            Ok(true)
        }
        Answer::Page(text) => {
            crate::console::out(&text);
            Ok(true)
        }
        Answer::Error(e) => {
            print_error(&e.rendered, colour);
            Ok(false)
        }
        Answer::Quit => Err(()),
    }
}

/// Whether `input` is a whole input yet (a command always is).
fn ready(session: &Session, input: &str) -> bool {
    if input.trim_start().starts_with(':') {
        return true;
    }
    let code = input.to_string();
    session
        .with(move |i| syntax::completeness(i.engine(), &code) != Completeness::Incomplete)
        .unwrap_or(true)
}

fn print_error(text: &str, colour: bool) {
    let _ = std::io::stdout().flush();
    if colour {
        eprintln!("{}", paint("31", text));
    } else {
        eprintln!("{text}");
    }
}

/// Run the REPL: interactive on a terminal, line by line from a pipe.
/// Returns the process exit status (1 if any piped input failed).
pub fn run(config: EngineConfig) -> i32 {
    let session = match Session::start(config, "<repl>", crate::console::sink()) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    install_interrupt(session.interrupt_flag());
    if std::io::stdin().is_terminal() {
        interactive(session)
    } else {
        piped(session)
    }
}

fn install_interrupt(flag: Arc<AtomicBool>) {
    // While rustyline reads a line the terminal is raw and Ctrl-C arrives as
    // a key; while a line evaluates it is a signal, which stops the engine.
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
}

fn interactive(session: Arc<Session>) -> i32 {
    let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let config = Config::builder()
        .max_history_size(HISTORY_SIZE)
        .expect("history size is positive")
        .auto_add_history(false)
        .history_ignore_dups(true)
        .expect("valid setting")
        .completion_type(rustyline::CompletionType::List)
        .build();
    let mut editor: Editor<ReplHelper, DefaultHistory> = match Editor::with_config(config) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: cannot start the line editor: {e}");
            return 1;
        }
    };
    editor.set_helper(Some(ReplHelper {
        session: session.clone(),
        colour,
    }));
    let history = history_path();
    if let Some(p) = &history {
        let _ = editor.load_history(p);
    }
    crate::console::out(&format!(
        "scaling-lab {} (Rhai). :help for help, Tab to complete, Ctrl-D to quit.",
        env!("CARGO_PKG_VERSION")
    ));
    let mut pending = String::new();
    loop {
        let prompt = if pending.is_empty() {
            PROMPT
        } else {
            CONTINUATION
        };
        match editor.readline(prompt) {
            Ok(line) => {
                if pending.is_empty() && line.trim().is_empty() {
                    continue;
                }
                if !pending.is_empty() {
                    pending.push('\n');
                }
                pending.push_str(&line);
                if !ready(&session, &pending) {
                    continue;
                }
                let input = std::mem::take(&mut pending);
                let _ = editor.add_history_entry(input.as_str());
                if evaluate(&session, &input, colour).is_err() {
                    break;
                }
            }
            // Ctrl-C drops an unfinished input, or clears the line.
            Err(ReadlineError::Interrupted) => pending.clear(),
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("error: {e}");
                break;
            }
        }
    }
    if let Some(p) = &history {
        if let Some(dir) = p.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        if editor.history().len() > 0 {
            let _ = editor.save_history(p);
        }
    }
    0
}

fn piped(session: Arc<Session>) -> i32 {
    let stdin = std::io::stdin();
    let mut buffer = String::new();
    let mut failed = false;
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        if buffer.is_empty() && line.trim().is_empty() {
            continue;
        }
        if !buffer.is_empty() {
            buffer.push('\n');
        }
        buffer.push_str(&line);
        if ready(&session, &buffer) {
            match evaluate(&session, &buffer, false) {
                Ok(ok) => failed |= !ok,
                Err(()) => return i32::from(failed),
            }
            buffer.clear();
        }
    }
    if !buffer.trim().is_empty() {
        failed |= !evaluate(&session, &buffer, false).unwrap_or(true);
    }
    i32::from(failed)
}
