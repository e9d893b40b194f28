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

use super::{INTERRUPTED, OVER_LIMIT, OVER_MEMORY};

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

/// A Rhai type name as users read it.
fn user_type(t: &str) -> &str {
    match t.trim() {
        "i64" | "i32" | "INT" => "integer",
        "f64" | "f32" | "FLOAT" => "float",
        "&str | ImmutableString | String" | "ImmutableString" | "String" | "&str" => "string",
        "()" => "()",
        "scaling_lab_core::vector::Vector" | "Vector" => "vector",
        "scaling_lab_core::vector::Mask" | "Mask" => "mask",
        "Array" | "array" => "array",
        other => other.rsplit("::").next().unwrap_or(other),
    }
}

/// A type with its article: "a vector", "an integer".
fn a(t: &str) -> String {
    let article = if t.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {t}")
}

/// Names close to `name` among `candidates` (for "did you mean").
pub fn similar<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (strsim::jaro_winkler(name, c), c))
        // Jaro-Winkler favours long shared prefixes; one edit in a short
        // name ("abd" for "abc") scores low on it, so an edit distance of
        // one per four letters counts too.
        .filter(|(score, c)| {
            *score > 0.85 || strsim::levenshtein(name, c) <= (name.chars().count() / 4).max(1)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}

fn did_you_mean(near: &[&str]) -> String {
    match near {
        [] => String::new(),
        [one] => format!("; did you mean {one}?"),
        many => format!("; did you mean one of {}?", many.join(", ")),
    }
}

/// What a pandas or Python name is called here, for the names people
/// reach for first: (their name, the equivalent).
const PYTHON_HABITS: &[(&str, &str)] = &[
    (
        "to_csv",
        "to write a file, t.save_csv(\"x.csv\"); to_csv(t) gives the text",
    ),
    (
        "to_json",
        "to write a file, save_json(value, \"x.json\"); to_json(value) gives the text",
    ),
    ("columns", "t.columns() (a method call, with parentheses)"),
    ("shape", "t.shape() gives [rows, columns]"),
    ("describe", "t.describe() (a method call, with parentheses)"),
    ("head", "t.head(5)"),
    ("tail", "t.tail(5)"),
    ("len", "len(t) or t.len()"),
    (
        "append",
        "x.push(item) for an array; concat([t1, t2]) for tables",
    ),
    (
        "groupby",
        "no group-by yet: t.filter(|r| r.k == \"a\") per group, or t[t[\"k\"] == \"a\"]",
    ),
    (
        "iterrows",
        "for row in t.rows() { ... } (each row a map: row.N, row[\"loss\"])",
    ),
    (
        "itertuples",
        "for row in t.rows() { ... } (each row a map: row.N, row[\"loss\"])",
    ),
    ("to_dict", "t[i] gives row i as a map; t[\"col\"] a column"),
    ("values", "t[\"col\"] gives a column as a vector"),
    (
        "loc",
        "t[i] for a row, t[mask] for rows, t[\"col\"] for a column",
    ),
    ("iloc", "t[i] for a row, t.take([i, j]) for several"),
    (
        "sort_values",
        "t.sort(\"col\") or t.sort(\"col\", #{descending: true})",
    ),
    ("query", "t.filter(|r| r.N > 1e9) or t[t[\"N\"] > 1e9]"),
    ("print_table", "print(t)"),
];

/// The equivalent here of a pandas or Python name, as a hint to append.
pub fn python_habit(name: &str) -> Option<String> {
    PYTHON_HABITS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, hint)| format!("; here: {hint}"))
}

/// Rhai's "no function name (types)" as users read it: the argument
/// types given and the forms the function has, or the closest names.
fn function_not_found(sig: &str, script_fns: &[String]) -> String {
    let (name, args) = match sig.split_once(" (") {
        Some((n, a)) => (n, a.strip_suffix(')').unwrap_or(a)),
        None => (sig, ""),
    };
    // Types never contain commas except inside "a | b" unions, so split on ", ".
    let given: Vec<&str> = if args.is_empty() {
        Vec::new()
    } else {
        args.split(", ").map(user_type).collect()
    };
    match name {
        "index$get$" => {
            return format!(
                "cannot index a {} with a {}",
                given.first().unwrap_or(&"value"),
                given.get(1).unwrap_or(&"value")
            )
        }
        "index$set$" => {
            return format!(
                "cannot set an element of a {} by a {} index to a {}",
                given.first().unwrap_or(&"value"),
                given.get(1).unwrap_or(&"value"),
                given.get(2).unwrap_or(&"value")
            )
        }
        _ => {}
    }
    if let Some(prop) = name
        .strip_prefix("get$")
        .or_else(|| name.strip_prefix("set$"))
    {
        return format!(
            "a {} has no property '{prop}'",
            given.first().unwrap_or(&"value")
        );
    }
    let forms: Vec<String> = super::docs::lookup(name)
        .into_iter()
        .flat_map(|d| d.forms.clone())
        .collect();
    if forms.is_empty() && !script_fns.iter().any(|f| f == name) {
        let names = super::docs::function_names()
            .iter()
            .chain(script_fns)
            .map(String::as_str);
        if let Some(hint) = python_habit(name) {
            return format!("no function '{name}'{hint}");
        }
        return format!(
            "no function '{name}'{}",
            did_you_mean(&similar(name, names))
        );
    }
    let shown: Vec<String> = forms.iter().take(8).map(|f| format!("`{f}`")).collect();
    let more = if forms.len() > 8 {
        format!(" and {} more (`:help {name}`)", forms.len() - 8)
    } else {
        String::new()
    };
    format!(
        "{name}: no form takes ({}){}{}",
        given.join(", "),
        if shown.is_empty() {
            String::new()
        } else {
            format!("; it takes {}{more}", shown.join(", "))
        },
        python_habit(name).unwrap_or_default()
    )
}

/// The message of an error without Rhai's "(line x, position y)" suffix.
pub fn message(err: &EvalAltResult) -> String {
    message_in(err, &[], &[])
}

/// [`message`], suggesting close names among the session's variables and
/// script functions for an unknown name.
pub fn message_in(err: &EvalAltResult, variables: &[String], script_fns: &[String]) -> String {
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
        EvalAltResult::ErrorTerminated(v, _) if v.to_string() == OVER_MEMORY => {
            "the script holds more memory than its limit allows (a collection growing without end?); keep large numbers in vectors and tables".to_string()
        }
        EvalAltResult::ErrorStackOverflow(_) => {
            "too many nested function calls (runaway recursion?)".to_string()
        }
        EvalAltResult::ErrorDataTooLarge(what, _) => {
            format!("{what} exceeds the script's size limit")
        }
        EvalAltResult::ErrorFunctionNotFound(sig, _) => function_not_found(sig, script_fns),
        EvalAltResult::ErrorFor(_) => "a for loop runs over an array, a vector, a range or a string; a Table's rows are `for row in t.rows()` (pandas' iterrows), a column's values `for x in t[\"N\"]`, a map's keys `for k in m.keys()`".to_string(),
        EvalAltResult::ErrorMismatchDataType(expected, actual, _) => match user_type(expected) {
            "integer" => format!(
                "indexing: an index here must be an integer, got {}",
                user_type(actual)
            ),
            "bool" => format!(
                "indexing: a bit of an integer is set with true or false, got {}",
                user_type(actual)
            ),
            "string" => format!(
                "indexing: a map is indexed by a string (its key), got {}",
                user_type(actual)
            ),
            "char" => format!(
                "indexing: a character of a string is set to a character, got {}",
                user_type(actual)
            ),
            e => format!("expected {e}, got {}", user_type(actual)),
        },
        EvalAltResult::ErrorIndexingType(what, _) => match what.split_once(" [") {
            // `vector [f64] = i64`: an assignment through an index.
            Some((ty, rest)) => match rest.split_once("] = ") {
                Some((idx, value)) => format!(
                    "indexing: cannot set an element of {} by {} index to {}",
                    a(user_type(ty)),
                    a(user_type(idx)),
                    a(user_type(value))
                ),
                None => format!(
                    "indexing: cannot index {} with {}",
                    a(user_type(ty)),
                    a(user_type(rest.trim_end_matches(']')))
                ),
            },
            None => format!("cannot index {what}"),
        },
        EvalAltResult::ErrorVariableNotFound(name, _) => {
            let names = variables
                .iter()
                .map(String::as_str)
                .chain(super::docs::function_names().iter().map(String::as_str));
            format!(
                "unknown variable '{name}'{}",
                did_you_mean(&similar(name, names))
            )
        }
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

/// [`render`] of an already composed message.
pub fn render_message(msg: &str, err: &EvalAltResult, name: &str, source: &str) -> String {
    render_at(msg, position(err), name, source)
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
