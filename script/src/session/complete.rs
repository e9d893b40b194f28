//! Completion and signature hints from the engine's metadata and the
//! session's scope.

use std::sync::OnceLock;

use crate::docs::{self, FnDoc};
use crate::interpreter::Interpreter;
use scaling_lab_core::laws::Law;

/// REPL commands, for completion and `:help`.
pub const COMMANDS: &[&str] = &[
    ":help",
    ":functions",
    ":vars",
    ":load",
    ":save",
    ":reset",
    ":quit",
];

/// The documented functions, computed once (metadata generation is not free).
pub fn catalog() -> &'static [FnDoc] {
    docs::cached()
}

fn function_names() -> &'static [String] {
    docs::function_names()
}

/// Names callable as methods or read as properties (`law.loss`, `t.len`).
fn member_names() -> &'static [String] {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut v: Vec<String> = catalog()
            .iter()
            .filter(|d| {
                d.call.contains('.') && d.name.chars().next().is_some_and(char::is_alphabetic)
            })
            .map(|d| d.name.clone())
            .collect();
        v.sort();
        v.dedup();
        v
    })
}

/// The byte offset of the `n`th character (Jupyter counts cursor
/// positions in Unicode code points; Rust slices by bytes).
pub fn byte_offset(text: &str, n: usize) -> usize {
    text.char_indices().nth(n).map_or(text.len(), |(i, _)| i)
}

/// The number of characters before byte offset `b` (inverse of [`byte_offset`]).
pub fn char_offset(text: &str, b: usize) -> usize {
    text.char_indices().take_while(|(i, _)| *i < b).count()
}

/// `pos` moved back to the nearest character boundary of `text`.
pub fn boundary(text: &str, pos: usize) -> usize {
    let mut p = pos.min(text.len());
    while !text.is_char_boundary(p) {
        p -= 1;
    }
    p
}

/// Where the identifier (word characters, plus those in `extra`) ending at
/// `pos` starts.
fn word_start(before: &str, extra: &[char]) -> usize {
    before
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || extra.contains(c)))
        .map_or(0, |(i, c)| i + c.len_utf8())
}

/// The identifier around byte offset `pos` (for inspection).
pub fn word_at(code: &str, pos: usize) -> &str {
    let pos = boundary(code, pos);
    let start = word_start(&code[..pos], &[]);
    let end = code[pos..]
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map_or(code.len(), |(i, _)| pos + i);
    &code[start..end]
}

/// Candidates for the word that ends at byte offset `pos`, and where that
/// word starts.
pub fn complete(session: &Interpreter, line: &str, pos: usize) -> (usize, Vec<String>) {
    let pos = boundary(line, pos);
    let before = &line[..pos];
    let start = word_start(before, &[':']);
    let word = &before[start..];

    // REPL commands, and function names after `:help`.
    if before.trim_start().starts_with(':') {
        if !before.trim_start().contains(' ') {
            let cands = COMMANDS
                .iter()
                .filter(|c| c.starts_with(word))
                .map(|c| c.to_string());
            return (start, cands.collect());
        }
        let word_start = before.rfind(' ').map_or(0, |i| i + 1);
        let word = &before[word_start..];
        let cands = function_names()
            .iter()
            .filter(|n| n.starts_with(word))
            .cloned();
        return (word_start, cands.collect());
    }

    // Law names inside law("...").
    if let Some(open) = before.rfind("law(\"") {
        let inside = &before[open + 5..];
        if !inside.contains('"') {
            let cands = Law::names()
                .into_iter()
                .filter(|n| n.starts_with(inside))
                .map(str::to_string);
            return (open + 5, cands.collect());
        }
    }

    // Column names inside `t["`, keys inside `m["`.
    if let Some((at, cands)) = indexed_names(session, before) {
        return (at, cands);
    }

    // Option keys inside `function(..., #{ key: value, ke`.
    if let Some(keys) = option_keys(before, start) {
        let cands = keys.into_iter().filter(|k| k.starts_with(word)).collect();
        return (start, cands);
    }

    let after_dot = before[..start].ends_with('.');
    if word.is_empty() && !after_dot {
        return (pos, Vec::new());
    }
    let mut cands: Vec<String> = if after_dot {
        let recv_end = start - 1;
        let receiver = &before[word_start(&before[..recv_end], &[])..recv_end];
        members_of(session, receiver)
            .into_iter()
            .filter(|n| n.starts_with(word))
            .collect()
    } else {
        function_names()
            .iter()
            .cloned()
            .chain(session.variables().into_iter().map(|(n, _)| n))
            .chain(
                session
                    .script_functions()
                    .into_iter()
                    .map(|f| f.split('(').next().unwrap_or("").to_string()),
            )
            .filter(|n| n.starts_with(word))
            .collect()
    };
    cands.sort();
    cands.dedup();
    (start, cands)
}

/// After `name["part` (the string not yet closed), the columns of the
/// table or the keys of the map called `name` that begin with `part`, and
/// where `part` starts.
fn indexed_names(session: &Interpreter, before: &str) -> Option<(usize, Vec<String>)> {
    let open = before.rfind("[\"")?;
    let part = &before[open + 2..];
    if part.contains('"') {
        return None;
    }
    let head = &before[..open];
    let name = &head[word_start(head, &[])..];
    if name.is_empty() {
        return None;
    }
    let value = session
        .variables()
        .into_iter()
        .rev()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v)?;
    let names: Vec<String> = if let Some(t) = value.read_lock::<scaling_lab_core::table::Table>() {
        t.names().to_vec()
    } else if let Some(m) = value.read_lock::<rhai::Map>() {
        let mut keys: Vec<String> = m.keys().map(|k| k.to_string()).collect();
        keys.sort();
        keys
    } else {
        return None;
    };
    let cands = names.into_iter().filter(|n| n.starts_with(part)).collect();
    Some((open + 2, cands))
}

/// The option keys a word at `start` could be: it begins a key of an
/// unclosed `#{` that is an argument of a function with options, keys
/// already written left out.
fn option_keys(before: &str, start: usize) -> Option<Vec<String>> {
    let head = before[..start].trim_end();
    if !(head.ends_with('{') || head.ends_with(',')) {
        return None;
    }
    // The innermost unclosed `{` (outside strings) must open a map literal.
    let mut depth = 0i32;
    let mut in_str: Option<char> = None;
    let mut open = None;
    for (i, c) in head.char_indices().rev() {
        if let Some(q) = in_str {
            if c == q {
                in_str = None;
            }
            continue;
        }
        match c {
            '"' | '`' => in_str = Some(c),
            '}' | ']' | ')' => depth += 1,
            '{' if depth == 0 => {
                open = Some(i);
                break;
            }
            '(' | '[' if depth == 0 => return None,
            '{' | '[' | '(' => depth -= 1,
            _ => {}
        }
    }
    let open = open?;
    if !head[..open].ends_with('#') {
        return None;
    }
    let function = enclosing_call(before, open - 1)?;
    let written = &head[open..];
    let mut keys: Vec<String> = crate::options::all_of(function)
        .flat_map(|o| (o.fields)())
        .map(|f| f.name)
        .filter(|k| !written.contains(&format!("{k}:")))
        .collect();
    keys.sort();
    keys.dedup();
    (!keys.is_empty()).then_some(keys)
}

/// What can follow `receiver.`: a map's keys, a model's counts and shape,
/// the methods of a law, table, chart or figure; any method name when the
/// receiver is not a variable of a known kind.
fn members_of(session: &Interpreter, receiver: &str) -> Vec<String> {
    let Some(value) = session
        .variables()
        .into_iter()
        .rev()
        .find(|(n, _)| n == receiver)
        .map(|(_, v)| v)
    else {
        return member_names().to_vec();
    };
    if let Some(m) = value.read_lock::<rhai::Map>() {
        let mut keys: Vec<String> = m.keys().map(|k| k.to_string()).collect();
        keys.sort();
        return keys;
    }
    let kind = crate::value::type_name(&value);
    if kind == "Model" {
        if let serde_json::Value::Object(fields) = session.json(&value) {
            return fields.keys().cloned().collect();
        }
    }
    let prefix = match kind {
        "Law" => "law.",
        "Table" => "t.",
        "Chart" => "chart.",
        "Figure" => "fig.",
        _ => return member_names().to_vec(),
    };
    let mut names: Vec<String> = catalog()
        .iter()
        .filter(|d| d.forms.iter().any(|f| f.starts_with(prefix)))
        .filter(|d| d.name.chars().next().is_some_and(char::is_alphabetic))
        .map(|d| d.name.clone())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The function whose argument list the cursor is in, if any: the name
/// before the innermost unclosed `(` (outside strings).
pub fn enclosing_call(line: &str, pos: usize) -> Option<&str> {
    let before = &line[..boundary(line, pos)];
    let mut depth = 0i32;
    let mut in_str: Option<char> = None;
    let mut open_at = None;
    let chars: Vec<(usize, char)> = before.char_indices().collect();
    for &(i, c) in chars.iter().rev() {
        if let Some(q) = in_str {
            if c == q {
                in_str = None;
            }
            continue;
        }
        match c {
            '"' | '`' => in_str = Some(c),
            ')' => depth += 1,
            '(' if depth == 0 => {
                open_at = Some(i);
                break;
            }
            '(' => depth -= 1,
            _ => {}
        }
    }
    let open = open_at?;
    let head = &before[..open];
    let name = &head[word_start(head, &[])..];
    (!name.is_empty()).then_some(name)
}

/// A signature hint for the call the cursor is in: `chinchilla_loss(N, D)`
/// (with `(+1 overload)` when there are more).
pub fn signature_hint(line: &str, pos: usize) -> Option<String> {
    let name = enclosing_call(line, pos)?;
    let docs: Vec<&FnDoc> = catalog().iter().filter(|d| d.name == name).collect();
    let first = docs.first()?;
    let more = match docs.len() {
        1 => String::new(),
        2 => " (+1 overload)".to_string(),
        n => format!(" (+{} overloads)", n - 1),
    };
    Some(format!("{}{more}", first.signature()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completes_functions_variables_laws_and_commands() {
        let mut s = Interpreter::capturing();
        s.run("let chinchilla_budget = 1e24;").unwrap();
        let (start, c) = complete(&s, "chinch", 6);
        assert_eq!(start, 0);
        assert_eq!(c, ["chinchilla_budget", "chinchilla_loss"]);
        let (start, c) = complete(&s, "let x = law(\"ka", 15);
        assert_eq!((start, c), (13, vec!["kaplan_joint".to_string()]));
        let (_, c) = complete(&s, ":he", 3);
        assert_eq!(c, [":help"]);
        let (start, c) = complete(&s, ":help find_opt", 14);
        assert_eq!((start, c), (6, vec!["find_optimal_allocation".to_string()]));
        let (_, c) = complete(&s, "law(\"chinchilla\").opt", 22);
        assert!(
            c.contains(&"optimal".to_string()) && c.contains(&"optimal_for_params".to_string()),
            "{c:?}"
        );
    }

    #[test]
    fn members_complete_after_a_dot() {
        let mut s = Interpreter::capturing();
        s.run("let l = law(\"chinchilla\"); let m = #{alpha: 1, beta: 2}; let t = arch_sweep(); let g = transformer(\"gpt2\");").unwrap();
        let (start, c) = complete(&s, "l.", 2);
        assert_eq!(start, 2);
        assert!(
            c.contains(&"optimal".to_string()) && c.contains(&"loss".to_string()),
            "{c:?}"
        );
        assert!(!c.contains(&"sort".to_string()), "{c:?}");
        assert_eq!(complete(&s, "m.", 2).1, ["alpha", "beta"]);
        assert_eq!(complete(&s, "m.b", 3).1, ["beta"]);
        assert!(complete(&s, "t.so", 4).1.contains(&"sort".to_string()));
        assert!(complete(&s, "g.tot", 5).1.contains(&"total".to_string()));
    }

    #[test]
    fn columns_complete_inside_brackets() {
        let mut s = Interpreter::capturing();
        s.run("let t = table(#{N: [1.0], D: [2.0], loss: [3.0], lr: [4.0]}); let m = #{alpha: 1, beta: 2};")
            .unwrap();
        let line = "print(t[\"l";
        assert_eq!(
            complete(&s, line, line.len()),
            (9, vec!["loss".to_string(), "lr".to_string()])
        );
        assert_eq!(complete(&s, "t[\"", 3).1, ["N", "D", "loss", "lr"]);
        assert_eq!(complete(&s, "m[\"a", 4).1, ["alpha"]);
        // A closed string or an unknown variable completes as before.
        assert!(complete(&s, "nothing[\"x", 10).1.is_empty());
        let line = "t[\"loss\"] + lo";
        assert_eq!(complete(&s, line, line.len()).0, line.len() - 2);
        // Option keys of a fitted law's optimal.
        let line = "fitted.optimal(1e24, #{le";
        assert_eq!(complete(&s, line, line.len()).1, ["level"]);
    }

    #[test]
    fn option_keys_complete_inside_the_map_of_their_function() {
        let s = Interpreter::capturing();
        let line = "training_memory(\"llama3-8b\", #{gpus: 8, re";
        let (start, c) = complete(&s, line, line.len());
        assert_eq!((start, c), (line.len() - 2, vec!["recompute".to_string()]));
        // Every key at an empty slot, minus those written.
        let line = "training_memory(\"llama3-8b\", #{gpus: 8, ";
        let c = complete(&s, line, line.len()).1;
        assert!(
            c.contains(&"zero".to_string()) && !c.contains(&"gpus".to_string()),
            "{c:?}"
        );
        // Methods and nested maps: the innermost map's function.
        let line = "c.line(xs, ys, #{da";
        assert_eq!(complete(&s, line, line.len()).1, ["dashed"]);
        // Not a key position: values complete as names.
        let line = "training_memory(\"llama3-8b\", #{gpus: chinch";
        assert!(complete(&s, line, line.len())
            .1
            .contains(&"chinchilla_loss".to_string()));
    }

    #[test]
    fn positions_are_safe_on_any_text() {
        let s = Interpreter::capturing();
        for text in ["é", "→x", "a→", "law(\"é", ":help é", "日本語"] {
            for pos in 0..=text.len() + 2 {
                let _ = complete(&s, text, pos);
                let _ = word_at(text, pos);
                let _ = signature_hint(text, pos);
            }
        }
        assert_eq!(word_at("→abc d", byte_offset("→abc d", 2)), "abc");
        assert_eq!((byte_offset("é x", 1), char_offset("é x", 2)), (2, 1));
    }

    #[test]
    fn hints_show_the_signature_of_the_open_call() {
        assert_eq!(
            signature_hint("chinchilla_loss(70e9, ", 22).as_deref(),
            Some("chinchilla_loss(N, D)")
        );
        assert_eq!(enclosing_call("f(g(1), \"(\" ", 12), Some("f"));
        assert_eq!(signature_hint("1 + 2", 5), None);
        assert!(signature_hint("law(", 4).unwrap().contains("overload"));
    }
}
