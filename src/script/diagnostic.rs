//! Script errors as people read them: the message, then where it happened
//! with the source line and a caret.
//!
//! ```text
//! error: chinchilla_loss: N must be a positive finite number, got -1
//!   --> study.rhai:3:9
//!    |
//!  3 | let l = chinchilla_loss(-1, 1e12);
//!    |         ^
//! ```

use rhai::{EvalAltResult, ParseError, Position};

use super::{INTERRUPTED, OVER_LIMIT};

const OVER_LIMIT_MESSAGE: &str = "the script exceeded its operation limit (a runaway loop, or native work on very large inputs); raise it with --max-ops N, 0 for none";

/// The innermost error, with the chain of script functions it passed through.
fn innermost(err: &EvalAltResult) -> (&EvalAltResult, Vec<(String, Position)>) {
    let mut calls = Vec::new();
    let mut e = err;
    while let EvalAltResult::ErrorInFunctionCall(name, _, inner, pos) = e {
        calls.push((name.clone(), *pos));
        e = inner;
    }
    (e, calls)
}

/// The message of an error without Rhai's "(line x, position y)" suffix.
pub fn message(err: &EvalAltResult) -> String {
    let (e, calls) = innermost(err);
    let base = match e {
        EvalAltResult::ErrorRuntime(v, _) => v.to_string(),
        EvalAltResult::ErrorTerminated(v, _) if v.to_string() == INTERRUPTED => {
            "interrupted by Ctrl-C".to_string()
        }
        EvalAltResult::ErrorTooManyOperations(_) => OVER_LIMIT_MESSAGE.to_string(),
        EvalAltResult::ErrorTerminated(v, _) if v.to_string() == OVER_LIMIT => {
            OVER_LIMIT_MESSAGE.to_string()
        }
        EvalAltResult::ErrorStackOverflow(_) => {
            "too many nested function calls (runaway recursion?)".to_string()
        }
        EvalAltResult::ErrorDataTooLarge(what, _) => {
            format!("{what} exceeds the script's size limit")
        }
        EvalAltResult::ErrorFunctionNotFound(sig, _) => format!(
            "no function {sig}; check the name and the argument types (`scaling-lab doc` lists every function)"
        ),
        other => {
            let text = other.to_string();
            let suffix = format!(" ({})", other.position());
            text.strip_suffix(&suffix).unwrap_or(&text).to_string()
        }
    };
    match calls.first() {
        Some((name, _)) => format!("{base}\n  (in function '{name}')"),
        None => base,
    }
}

/// The name of the innermost script function the error happened in.
pub fn failing_function(err: &EvalAltResult) -> Option<String> {
    innermost(err).1.last().map(|(name, _)| name.clone())
}

/// Position of the innermost error.
pub fn position(err: &EvalAltResult) -> Position {
    innermost(err).0.position()
}

/// A full diagnostic for an evaluation error in `source` named `name`.
pub fn render(err: &EvalAltResult, name: &str, source: &str) -> String {
    render_at(&message(err), position(err), name, source)
}

/// A full diagnostic for a parse error.
pub fn render_parse(err: &ParseError, name: &str, source: &str) -> String {
    let msg = err.err_type().to_string();
    render_at(&msg, err.position(), name, source)
}

/// The message, then the source line and a caret under `pos`.
pub fn render_at(msg: &str, pos: Position, name: &str, source: &str) -> String {
    let mut out = format!("error: {msg}");
    if let (Some(line), Some(col)) = (pos.line(), pos.position()) {
        out.push_str(&format!("\n  --> {name}:{line}:{col}"));
        if let Some(text) = source.lines().nth(line - 1) {
            let gutter = line.to_string().len();
            let pad = " ".repeat(gutter);
            // Tabs keep their width so the caret lines up.
            let lead: String = text
                .chars()
                .take(col.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            out.push_str(&format!("\n {pad} |\n {line} | {text}\n {pad} | {lead}^"));
        }
    }
    out
}
