//! The [`Interpreter`]: one engine, one scope and the functions defined so
//! far, evaluated piece by piece. Front ends reach it through a
//! [`crate::Session`], which runs it on a thread of its own; none of it
//! knows about terminals.
//!
//! ```
//! let mut s = scaling_lab_script::Interpreter::capturing();
//! s.run("let C = 1e24;").unwrap();
//! let out = s.run("find_optimal_allocation(C).N").unwrap();
//! let n = out.value.as_float().unwrap();
//! assert!((n / 1e9 - 41.3).abs() < 0.1, "{n}");
//! ```

use std::fmt;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use rhai::{ASTNode, Dynamic, Engine, EvalAltResult, Expr, Position, Scope, AST};

use crate::state::State;
use crate::value::{self, Cx, MimeBundle};
use crate::{build_with, diagnostic, EngineConfig};

/// A failed evaluation: message, position and a rendered diagnostic.
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptError {
    /// The message alone.
    pub message: String,
    /// (line, column), 1-based, when known.
    pub position: Option<(usize, usize)>,
    /// Message with the source line and a caret, ready to print.
    pub rendered: String,
    /// True when the evaluation was stopped by an interrupt (Ctrl-C).
    pub interrupted: bool,
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rendered)
    }
}

impl std::error::Error for ScriptError {}

fn position_of(p: Position) -> Option<(usize, usize)> {
    Some((p.line()?, p.position().unwrap_or(1)))
}

/// What one evaluation produced.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The value of the last expression (`()` when it was a statement).
    pub value: Dynamic,
    /// Lines printed with `print` (only in a capturing session).
    pub printed: Vec<String>,
}

/// An engine plus the state that persists between evaluations.
pub struct Interpreter {
    engine: Engine,
    state: Arc<State>,
    scope: Scope<'static>,
    functions: AST,
    captured: Option<Arc<Mutex<Vec<String>>>>,
    inputs: Vec<Arc<str>>,
    /// Where each script function was defined (source name, input text), so
    /// an error inside a function from an earlier input shows that input's line.
    fn_sources: std::collections::HashMap<String, (String, Arc<str>)>,
    pub(crate) source_name: String,
}

impl Interpreter {
    /// A session with default limits whose `print` goes to standard output.
    pub fn new() -> Interpreter {
        Interpreter::with_config(EngineConfig::default(), false)
    }

    /// A session whose `print` output is collected into each [`Outcome`].
    pub fn capturing() -> Interpreter {
        Interpreter::with_config(EngineConfig::default(), true)
    }

    /// A session with explicit limits and output folder.
    pub fn with_config(config: EngineConfig, capture: bool) -> Interpreter {
        let captured = capture.then(|| Arc::new(Mutex::new(Vec::new())));
        let printer = match (&captured, &config.print) {
            (Some(buf), _) => {
                let buf = buf.clone();
                crate::Printer::new(move |s| {
                    if let Ok(mut b) = buf.lock() {
                        b.push(s.to_string());
                    }
                })
            }
            (None, Some(p)) => p.clone(),
            (None, None) => crate::Printer::stdout(),
        };
        let (engine, state) = build_with(&config, printer);
        Interpreter {
            engine,
            state,
            scope: Scope::new(),
            functions: AST::empty(),
            captured,
            inputs: Vec::new(),
            fn_sources: Default::default(),
            source_name: "<input>".into(),
        }
    }

    /// Name used for the source in diagnostics (a file name, `<repl>`, `cell [3]`).
    pub fn set_source_name(&mut self, name: impl Into<String>) {
        self.source_name = name.into();
    }

    /// The engine (for metadata, completion and syntax checks).
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The flag that stops the running evaluation when set.
    pub fn interrupt_flag(&self) -> Arc<AtomicBool> {
        self.state.budget.interrupt_flag().clone()
    }

    /// What the engine's native functions share (budget, files, key orders).
    pub fn state(&self) -> &Arc<State> {
        &self.state
    }

    fn cx(&self) -> Cx<'_> {
        Cx::new(&self.state.orders)
    }

    /// A value as text, as the REPL and `eval` show it (`None` for `()`).
    pub fn text(&self, v: &Dynamic) -> Option<String> {
        value::text(v, self.cx())
    }

    /// A value as JSON.
    pub fn json(&self, v: &Dynamic) -> serde_json::Value {
        value::json(v, self.cx())
    }

    /// A value as JSON, or why it cannot be (it nests too deep).
    pub fn json_checked(&self, v: &Dynamic) -> Result<serde_json::Value, String> {
        value::json_checked(v, self.cx())
    }

    /// A value as a notebook shows it.
    pub fn bundle(&self, v: &Dynamic) -> MimeBundle {
        let svg = self
            .state
            .svg_figures
            .load(std::sync::atomic::Ordering::Relaxed);
        value::bundle(v, self.cx(), svg)
    }

    /// Variables in scope: (name, value).
    pub fn variables(&self) -> Vec<(String, Dynamic)> {
        self.scope
            .iter()
            .map(|(n, _, v)| (n.to_string(), v))
            .collect()
    }

    /// Define (or replace) a variable, as if by `let name = value;`.
    pub fn set_variable(&mut self, name: &str, value: Dynamic) {
        self.scope.set_or_push(name.to_string(), value);
    }

    /// Names of functions defined with `fn` so far.
    pub fn script_functions(&self) -> Vec<String> {
        self.functions
            .iter_functions()
            .map(|f| format!("{}({})", f.name, f.params.join(", ")))
            .collect()
    }

    /// Inputs that evaluated without error, in order.
    pub fn history(&self) -> &[Arc<str>] {
        &self.inputs
    }

    /// Forget every variable and function.
    pub fn reset(&mut self) {
        self.scope.clear();
        self.fn_sources.clear();
        self.functions = AST::empty();
        self.inputs.clear();
    }

    /// Evaluate `code` in the session: `let` variables and `fn` definitions persist.
    pub fn run(&mut self, code: &str) -> Result<Outcome, ScriptError> {
        self.run_shared(Arc::from(code))
    }

    /// [`Interpreter::run`] on shared text: the session's history and its
    /// functions' sources keep this one copy (a notebook front end keeps
    /// it too, for its own history), not copies of their own.
    pub fn run_shared(&mut self, text: Arc<str>) -> Result<Outcome, ScriptError> {
        crate::fix_hashing_seed();
        // Editors on some systems start a UTF-8 file with a byte-order mark.
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => Arc::from(rest),
            None => text,
        };
        let code: &str = &text;
        self.state.budget.reset();
        if let Some(mut buf) = self.captured.as_ref().and_then(|b| b.lock().ok()) {
            buf.clear();
        }
        let ast = self
            .engine
            .compile_with_scope(&self.scope, code)
            .map_err(|e| ScriptError {
                message: e.err_type().to_string(),
                position: position_of(e.position()),
                rendered: diagnostic::render_parse(&e, &self.source_name, code),
                interrupted: false,
            })?;
        if let Some((line, col, seq)) = crate::backtick::first_escape(code) {
            let message = format!(
                "{seq} inside a backtick string stays two characters (backtick strings do not process escapes); break the line inside the backticks, or use a double-quoted string (\"a{seq}b\"), or join them: `${{a}}` + \"{seq}\""
            );
            let pos = rhai::Position::new(
                line.min(u16::MAX as usize) as u16,
                col.min(u16::MAX as usize) as u16,
            );
            return Err(ScriptError {
                rendered: diagnostic::render_at(&message, pos, &self.source_name, code),
                message,
                position: Some((line, col)),
                interrupted: false,
            });
        }
        self.record_key_orders(&ast);
        let ast = self
            .engine
            .optimize_ast(&self.scope, ast, rhai::OptimizationLevel::Simple);
        for f in ast.iter_functions() {
            self.fn_sources
                .insert(f.name.to_string(), (self.source_name.clone(), text.clone()));
        }
        // Keep earlier functions, add (or redefine) this input's ones.
        let functions = self
            .functions
            .clone_functions_only()
            .merge(&ast.clone_functions_only());
        let runnable = functions.merge(&ast);
        let result = self
            .engine
            .eval_ast_with_scope::<Dynamic>(&mut self.scope, &runnable);
        self.state.budget.reset();
        let printed = self
            .captured
            .as_ref()
            .and_then(|b| b.lock().ok().map(|mut b| std::mem::take(&mut *b)))
            .unwrap_or_default();
        match result {
            Ok(value) => {
                self.functions = functions;
                self.inputs.push(text.clone());
                Ok(Outcome { value, printed })
            }
            Err(e) => Err(self.error(&e, code)),
        }
    }

    /// Remember the key order of every map literal in `ast` (Rhai's maps
    /// sort their keys; tables, printing and JSON use the written order).
    fn record_key_orders(&self, ast: &AST) {
        ast.walk(&mut |path: &[ASTNode]| {
            if let Some(ASTNode::Expr(Expr::Map(m, _))) = path.last() {
                let keys = m.0.iter().map(|(id, _)| id.name.to_string()).collect();
                self.state.orders.record(keys);
            }
            true
        });
    }

    fn error(&self, e: &EvalAltResult, code: &str) -> ScriptError {
        let interrupted = matches!(
            e,
            EvalAltResult::ErrorTerminated(v, _) if v.to_string() == crate::INTERRUPTED
        );
        // Render against the input that defined the failing function.
        let (name, text) = diagnostic::failing_function(e)
            .and_then(|f| self.fn_sources.get(&f))
            .map_or((self.source_name.as_str(), code), |(n, t)| {
                (n.as_str(), &**t)
            });
        let variables: Vec<String> = self.scope.iter().map(|(n, _, _)| n.to_string()).collect();
        let functions: Vec<String> = self
            .functions
            .iter_functions()
            .map(|f| f.name.to_string())
            .collect();
        let message = diagnostic::message_in(e, &variables, &functions);
        ScriptError {
            rendered: diagnostic::render_message(&message, e, name, text),
            message,
            position: position_of(diagnostic::position(e)),
            interrupted,
        }
    }
}

impl Default for Interpreter {
    fn default() -> Self {
        Interpreter::new()
    }
}
