//! REPL commands (`:help`, `:vars`, `:load`, ...), as text in and text out,
//! so they are the same in a terminal, a test and a notebook kernel.

use super::complete::{catalog, COMMANDS};
use crate::interpreter::Interpreter;

/// What a command asks the front end to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// Show this text.
    Text(String),
    /// Show this error.
    Error(String),
    /// End the session.
    Quit,
}

const OVERVIEW: &str = "\
scaling-lab: scaling laws, compute-optimal allocation and cost, in Rhai.

Type an expression to see its value; `let` variables and `fn` definitions stay
defined. An unfinished line (open bracket, brace or string) continues on the next.

  chinchilla_loss(70e9, 1.4e12)         loss of a 70B model on 1.4T tokens
  let C = 1e24;
  find_optimal_allocation(C)            compute-optimal N and D for a budget
  law(\"kaplan\").optimal(C)              the same under another law
  closest_to(arch_sweep(), \"N (T)\", 1)  shapes from the seed notebook's sweep

Commands:
  :help              this overview
  :help NAME         a function's documentation and signature
  :functions [TEXT]  functions, optionally only those whose name contains TEXT
  :vars              variables in scope
  :load FILE         run a script into this session
  :save FILE         write the inputs of this session as a script
  :reset             forget all variables and functions
  :quit              leave (or Ctrl-D)

Tab completes names, Ctrl-C stops a running evaluation, Up/Down recall history.";

/// Run one command line (starting with `:`).
pub fn run(session: &mut Interpreter, line: &str) -> Reply {
    let line = line.trim();
    let (cmd, arg) = match line.split_once(char::is_whitespace) {
        Some((c, a)) => (c, a.trim()),
        None => (line, ""),
    };
    match cmd {
        ":help" | ":h" | ":?" if arg.is_empty() => Reply::Text(OVERVIEW.to_string()),
        ":help" | ":h" | ":?" => help(arg),
        ":functions" | ":fns" => functions(arg),
        ":vars" => vars(session),
        ":load" => load(session, arg),
        ":save" => save(session, arg),
        ":reset" => {
            session.reset();
            Reply::Text("session reset: no variables, no functions".into())
        }
        ":quit" | ":q" | ":exit" => Reply::Quit,
        other => Reply::Error(format!(
            "unknown command {other}; commands are {}",
            COMMANDS.join(", ")
        )),
    }
}

/// `:help NAME`: every overload's signature and doc comment.
pub fn help(name: &str) -> Reply {
    let docs: Vec<_> = catalog().iter().filter(|d| d.name == name).collect();
    if docs.is_empty() {
        let similar: Vec<&str> = catalog()
            .iter()
            .filter(|d| d.name.contains(name) || name.contains(d.name.as_str()))
            .map(|d| d.name.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        return Reply::Error(if similar.is_empty() {
            format!("no function '{name}'; :functions lists them all")
        } else {
            format!("no function '{name}'; did you mean {}?", similar.join(", "))
        });
    }
    let text = docs
        .iter()
        .map(|d| format!("{}\n\n{}", d.signature(), indent(&d.full_doc())))
        .collect::<Vec<_>>()
        .join("\n\n");
    Reply::Text(text)
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("    {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn functions(filter: &str) -> Reply {
    let mut rows: Vec<(String, String, &str)> = catalog()
        .iter()
        .filter(|d| filter.is_empty() || d.name.contains(filter))
        .map(|d| (d.call.clone(), d.summary(), d.section))
        .collect();
    rows.dedup_by(|a, b| a.0 == b.0);
    if rows.is_empty() {
        return Reply::Error(format!("no function name contains '{filter}'"));
    }
    let width = rows
        .iter()
        .map(|r| r.0.chars().count())
        .max()
        .unwrap_or(0)
        .min(40);
    let mut out = String::new();
    let mut section = "";
    for (call, summary, sec) in rows {
        if sec != section {
            out.push_str(&format!(
                "{}{sec}\n",
                if section.is_empty() { "" } else { "\n" }
            ));
            section = sec;
        }
        let summary: String = summary.chars().take(70).collect();
        out.push_str(&format!("  {call:<width$}  {summary}\n"));
    }
    Reply::Text(out.trim_end().to_string())
}

fn vars(session: &Interpreter) -> Reply {
    // A name declared again shadows the earlier one: list each name once,
    // with its current value, in the order names first appeared.
    let mut vars: Vec<(String, rhai::Dynamic)> = Vec::new();
    for (n, v) in session.variables() {
        match vars.iter_mut().find(|(m, _)| *m == n) {
            Some(slot) => slot.1 = v,
            None => vars.push((n, v)),
        }
    }
    if vars.is_empty() {
        return Reply::Text("no variables yet (define one with `let x = ...;`)".into());
    }
    let width = vars.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    let lines: Vec<String> = vars
        .iter()
        .map(|(n, v)| {
            let text = session.text(v).unwrap_or_else(|| "()".into());
            let first = text.lines().next().unwrap_or("");
            let more = if text.lines().count() > 1 { " ..." } else { "" };
            format!(
                "{n:<width$}  {:<8} {first}{more}",
                crate::value::type_name(v)
            )
        })
        .collect();
    Reply::Text(lines.join("\n"))
}

fn load(session: &mut Interpreter, path: &str) -> Reply {
    if path.is_empty() {
        return Reply::Error(":load needs a file, e.g. :load scripts/what_if_budget.rhai".into());
    }
    // The same policy as a script's reads: only allowed folders, only
    // regular files, bounded size.
    let code = match session.state().files.read_to_string(path) {
        Ok(c) => c,
        Err(e) => return Reply::Error(format!(":load: {e}")),
    };
    let name = std::mem::replace(&mut session.source_name, path.to_string());
    let result = session.run(&code);
    session.source_name = name;
    match result {
        Ok(out) => {
            let mut text = out.printed.join("\n");
            if let Some(v) = session.text(&out.value) {
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(&v);
            }
            Reply::Text(text)
        }
        Err(e) => Reply::Error(e.rendered),
    }
}

fn save(session: &Interpreter, path: &str) -> Reply {
    if path.is_empty() {
        return Reply::Error(":save needs a file, e.g. :save study.rhai".into());
    }
    // Each input as a statement, so that `:load` of the file runs it: the
    // REPL accepts a final expression without `;`, a script line does not.
    let mut script = String::new();
    for input in session.history() {
        let t = input.trim_end();
        script.push_str(t);
        if !(t.ends_with(';') || t.ends_with('}')) {
            script.push(';');
        }
        script.push('\n');
    }
    // Written where scripts write: inside the output folder.
    match session
        .state()
        .files
        .write(path, &["rhai"], script.as_bytes())
    {
        Ok(file) => Reply::Text(format!(
            "saved {} inputs to {}",
            session.history().len(),
            file.display()
        )),
        Err(e) => Reply::Error(format!(":save: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(r: Reply) -> String {
        match r {
            Reply::Text(t) => t,
            other => panic!("expected text, got {other:?}"),
        }
    }

    #[test]
    fn help_shows_docs_and_suggestions() {
        let mut s = Interpreter::capturing();
        let t = text(run(&mut s, ":help chinchilla_loss"));
        assert!(t.starts_with("chinchilla_loss(N, D)\n"), "{t}");
        assert!(t.contains("Hoffmann et al. 2022 eq. 10"), "{t}");
        match run(&mut s, ":help chinchila") {
            Reply::Error(e) => assert!(e.contains("no function 'chinchila'"), "{e}"),
            other => panic!("{other:?}"),
        }
        assert!(text(run(&mut s, ":help")).contains(":functions"));
    }

    #[test]
    fn vars_save_load_reset() {
        let dir = tempfile::tempdir().unwrap();
        let config = crate::EngineConfig {
            out_dir: Some(dir.path().to_path_buf()),
            read_dirs: vec![dir.path().to_path_buf()],
            ..Default::default()
        };
        let mut s = Interpreter::with_config(config, true);
        s.run("let C = 1e23").unwrap();
        s.run("let C = 1e24").unwrap();
        s.run("fn double(x) { 2 * x }").unwrap();
        s.run("find_optimal_allocation(C).N").unwrap();
        let vars = text(run(&mut s, ":vars"));
        // A re-declared name is listed once, with its current value.
        assert_eq!(vars, "C  float    1e24");
        let file = dir.path().canonicalize().unwrap().join("s.rhai");
        let f = file.display().to_string();
        assert_eq!(
            text(run(&mut s, ":save s.rhai")),
            format!("saved 4 inputs to {f}")
        );
        // Lines the REPL took without `;` are statements in the file.
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            "let C = 1e23;\nlet C = 1e24;\nfn double(x) { 2 * x }\nfind_optimal_allocation(C).N;\n"
        );
        match run(&mut s, ":save /tmp/elsewhere.rhai") {
            Reply::Error(e) => assert!(e.contains("absolute paths are not allowed"), "{e}"),
            other => panic!("{other:?}"),
        }
        match run(&mut s, ":load /etc/passwd") {
            Reply::Error(e) => assert!(e.contains("outside the folders scripts may read"), "{e}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            run(&mut s, ":reset"),
            Reply::Text("session reset: no variables, no functions".into())
        );
        assert!(s.run("C").is_err());
        text(run(&mut s, &format!(":load {f}")));
        assert_eq!(s.run("double(C)").unwrap().value.as_float().unwrap(), 2e24);
        assert_eq!(run(&mut s, ":quit"), Reply::Quit);
        assert!(matches!(run(&mut s, ":frobnicate"), Reply::Error(_)));
        assert!(text(run(&mut s, ":functions optimal")).contains("find_optimal_allocation(C)"));
    }
}
