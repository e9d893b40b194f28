//! The function reference, generated from the engine's own metadata (the
//! `///` comments of the registration modules). `scaling-lab doc` prints it,
//! `docs/functions.md` stores it, the REPL's `:help NAME` shows one entry.

use rhai::{Engine, Module, Shared};
use scaling_lab_core::input::Field;
use serde_json::Value;

use super::DOMAINS;

/// One registered function (or overload) as users call it.
#[derive(Debug, Clone, PartialEq)]
pub struct FnDoc {
    /// The name typed to call it (`chinchilla_loss`, `loss`, `name`).
    pub name: String,
    /// How a call looks: `chinchilla_loss(N, D)`, `law.loss(N, D)`, `t[name]`.
    pub call: String,
    /// Every form of the call that shares this documentation (operators
    /// registered for many operand kinds); the first is `call`.
    pub forms: Vec<String>,
    /// Return type, when more specific than "any value".
    pub returns: Option<String>,
    /// The doc comment as Markdown.
    pub doc: String,
    /// Section of the reference it belongs to.
    pub section: &'static str,
    /// The options of its options map, from the struct it reads.
    pub options: Vec<Field>,
    /// The names a string argument takes, from the catalog it looks in.
    pub names: Option<(&'static str, Vec<String>)>,
}

/// The catalog a function's string argument names an entry of: the
/// accelerators, the model presets, the laws, the laws and rules.
fn catalog_names(
    function: &str,
    params: &[(String, String)],
) -> Option<(&'static str, Vec<String>)> {
    let takes_name = params.iter().any(|(n, t)| {
        matches!(n.as_str(), "name" | "law" | "rule") && clean_type(t).as_deref() == Some("string")
    });
    if !takes_name {
        return None;
    }
    let quoted = |s: &str| format!("`\"{s}\"`");
    match function {
        "hardware" => Some((
            "Accelerators",
            scaling_lab_core::hardware::CATALOG
                .iter()
                .map(|a| {
                    let aliases: Vec<String> = a.aliases.iter().map(|x| quoted(x)).collect();
                    if aliases.is_empty() {
                        quoted(&a.name)
                    } else {
                        format!("{} (or {})", quoted(&a.name), aliases.join(", "))
                    }
                })
                .collect(),
        )),
        "transformer" => Some((
            "Presets",
            scaling_lab_core::transformer::PRESETS
                .iter()
                .map(|p| quoted(p))
                .collect(),
        )),
        "law" => Some((
            "Laws",
            scaling_lab_core::laws::Law::names()
                .into_iter()
                .map(quoted)
                .collect(),
        )),
        "find_optimal_allocation" => Some((
            "Laws and rules",
            scaling_lab_core::laws::compare::compared()
                .into_iter()
                .map(quoted)
                .collect(),
        )),
        _ => None,
    }
}

impl FnDoc {
    /// The first paragraph of the doc comment, on one line.
    pub fn summary(&self) -> String {
        self.doc
            .split("\n\n")
            .next()
            .unwrap_or("")
            .replace('\n', " ")
    }

    /// The heading of an entry with several forms: `a + b` (elementwise),
    /// `exp(x)`.
    pub fn title(&self) -> String {
        let operator = !self
            .name
            .starts_with(|c: char| c.is_alphanumeric() || c == '_');
        if operator && self.name.len() <= 2 && self.name != "[]" && self.name != "[]=" {
            let kinds = if self
                .forms
                .iter()
                .all(|f| f.contains("vector") || f.contains("array") || f.contains("mask"))
            {
                "elementwise"
            } else if self
                .forms
                .iter()
                .any(|f| f.contains("vector") || f.contains("mask"))
            {
                "vectors and numbers"
            } else {
                "numbers"
            };
            return match self.forms.first().map(|f| f.split(' ').count()) {
                Some(3) => format!("`a {} b` ({kinds})", self.name),
                _ => format!("`{}x` ({kinds})", self.name),
            };
        }
        format!("`{}`", self.call)
    }

    /// The doc comment, the names its catalog holds, then the table of
    /// options (Markdown).
    pub fn full_doc(&self) -> String {
        let mut doc = self.doc.trim().to_string();
        if let Some((what, names)) = &self.names {
            doc = format!("{doc}\n\n{what}: {}.", names.join(", "));
        }
        let doc = doc.as_str();
        if self.options.is_empty() {
            return doc.to_string();
        }
        let mut s = format!("{doc}\n\n| option | takes | default | |\n| --- | --- | --- | --- |\n");
        for f in &self.options {
            let default = match (&f.default, f.required) {
                (_, true) => "required".to_string(),
                (Some(d), _) => format!("`{d}`"),
                (None, _) => String::new(),
            };
            s.push_str(&format!(
                "| `{}` | {} | {default} | {} |\n",
                f.name,
                f.takes.replace('|', "\\|"),
                f.doc.replace('\n', " ").replace('|', "\\|")
            ));
        }
        s.trim_end().to_string()
    }

    /// `call -> returns`.
    pub fn signature(&self) -> String {
        match &self.returns {
            Some(r) => format!("{} -> {r}", self.call),
            None => self.call.clone(),
        }
    }
}

/// (section title, one-line description, module) for each domain.
fn sections() -> Vec<(&'static str, &'static str, Shared<Module>)> {
    DOMAINS
        .iter()
        .map(|d| (d.title, d.blurb, (d.module)().into()))
        .collect()
}

fn display_param(name: &str, ty: &str) -> String {
    let name = match name {
        "n" => "N",
        "d" => "D",
        "c" => "C",
        other => other,
    };
    match clean_type(ty).as_deref() {
        None | Some("Dynamic") => name.to_string(),
        Some(t) => format!("{name}: {t}"),
    }
}

fn clean_type(ty: &str) -> Option<String> {
    let t = ty.trim();
    let t = t
        .strip_prefix("ScriptResult<")
        .and_then(|s| s.strip_suffix('>'))
        .unwrap_or(t);
    let t = t.trim_start_matches("&mut ").trim_start_matches('&');
    let t = t.rsplit("::").next().unwrap_or(t);
    let t = match t {
        "" | "()" => return None,
        "str" | "String" | "ImmutableString" => "string",
        "i64" | "INT" => "int",
        "f64" | "FLOAT" => "float",
        "bool" => "bool",
        "Array" => "array",
        "Map" => "map",
        "FnPtr" => "Fn",
        "Vector" => "vector",
        "Mask" => "mask",
        "Transformer" => "Model",
        other => other,
    };
    Some(t.to_string())
}

/// How a method's receiver is written (`law.loss(..)`): values whose
/// functions read as methods. Vectors are arguments (`sum(xs)`), as in numpy.
fn receiver(ty: &str) -> Option<&'static str> {
    match clean_type(ty).as_deref() {
        Some("Law") => Some("law"),
        Some("Table") => Some("t"),
        Some("Chart") => Some("chart"),
        Some("Figure") => Some("fig"),
        _ => None,
    }
}

/// How an indexed value is written (`v[i]`).
fn indexed(ty: &str) -> &'static str {
    match clean_type(ty).as_deref() {
        Some("vector") => "v",
        Some("mask") => "m",
        _ => receiver(ty).unwrap_or("x"),
    }
}

fn entry(f: &Value, section: &'static str) -> Option<FnDoc> {
    let raw_name = f["name"].as_str()?;
    let params: Vec<(String, String)> = f["params"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .map(|p| {
                    (
                        p["name"].as_str().unwrap_or("_").to_string(),
                        p["type"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let doc = f["docComments"]
        .as_array()
        .map(|c| {
            c.iter()
                .filter_map(|l| l.as_str())
                .flat_map(|block| block.lines().map(str::to_string).collect::<Vec<_>>())
                .map(|l| {
                    let l = l.trim_start();
                    let l = l.strip_prefix("///").unwrap_or(l);
                    l.strip_prefix(' ').unwrap_or(l).to_string()
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default();
    let returns = f["returnType"]
        .as_str()
        .and_then(clean_type)
        .filter(|t| t != "Dynamic");
    let shown: Vec<String> = params.iter().map(|(n, t)| display_param(n, t)).collect();
    // Methods take their receiver by reference (`law.loss(..)`, `t.sort(..)`);
    // a function taking a Law or a Table by value reads as a call
    // (`fit_law(runs)`, `plot_frontier(law, options)`).
    let first_receiver = params
        .first()
        .filter(|(_, t)| t.trim_start().starts_with("&mut"))
        .and_then(|(_, t)| receiver(t));
    let is_operator =
        !raw_name.starts_with(|c: char| c.is_alphabetic() || c == '_') && !raw_name.contains('$');
    let kind = |(_, t): &(String, String)| clean_type(t).unwrap_or_else(|| "value".into());
    let (name, call) = if is_operator && params.len() == 2 {
        let (a, b) = (kind(&params[0]), kind(&params[1]));
        (raw_name.to_string(), format!("{a} {raw_name} {b}"))
    } else if is_operator && params.len() == 1 {
        (
            raw_name.to_string(),
            format!("{raw_name}{}", kind(&params[0])),
        )
    } else if let Some(prop) = raw_name.strip_prefix("get$") {
        let r = first_receiver.unwrap_or("x");
        (prop.to_string(), format!("{r}.{prop}"))
    } else if raw_name == "index$get$" {
        let r = indexed(&params[0].1);
        ("[]".to_string(), format!("{r}[{}]", shown[1..].join(", ")))
    } else if raw_name == "index$set$" {
        let r = indexed(&params[0].1);
        (
            "[]=".to_string(),
            format!("{r}[{}] = {}", shown[1], shown[2..].join(", ")),
        )
    } else if let Some(r) = first_receiver {
        let rest = shown[1..].join(", ");
        (raw_name.to_string(), format!("{r}.{raw_name}({rest})"))
    } else {
        (
            raw_name.to_string(),
            format!("{raw_name}({})", shown.join(", ")),
        )
    };
    let options = params
        .iter()
        .enumerate()
        .filter(|(_, (_, t))| clean_type(t).as_deref() == Some("map"))
        .find_map(|(i, _)| crate::options::of(raw_name, i))
        .map(|o| (o.fields)())
        .unwrap_or_default();
    Some(FnDoc {
        names: catalog_names(raw_name, &params),
        name,
        forms: vec![call.clone()],
        call,
        returns,
        doc,
        section,
        options,
    })
}

/// Every documented function, section by section, alphabetical within a section.
pub fn catalog() -> Vec<FnDoc> {
    let mut out = Vec::new();
    for (title, _, module) in sections() {
        let mut engine = Engine::new_raw();
        engine.register_global_module(module);
        let json = engine
            .gen_fn_metadata_to_json(false)
            .expect("metadata serialises");
        let v: Value = serde_json::from_str(&json).expect("metadata is JSON");
        let mut fns: Vec<FnDoc> = v["functions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| entry(f, title))
            .filter(|d| !matches!(d.name.as_str(), "to_string" | "to_debug" | "debug"))
            .collect();
        fns.sort_by(|a, b| a.name.cmp(&b.name).then(a.call.cmp(&b.call)));
        // Overloads that share one doc comment (an operator or a math
        // function over every operand kind) are one entry listing its forms.
        let mut merged: Vec<FnDoc> = Vec::new();
        for f in fns {
            match merged
                .iter_mut()
                .find(|m| m.name == f.name && m.doc == f.doc)
            {
                Some(m) => m.forms.push(f.call),
                None => merged.push(f),
            }
        }
        for m in &mut merged {
            // Plain calls (`print(v)`) before method forms (`t.print()`).
            m.forms
                .sort_by_key(|f| f.split('(').next().unwrap_or("").contains('.'));
            m.call = m.forms[0].clone();
        }
        out.extend(merged);
    }
    out
}

/// The catalog, computed once per process (generating metadata is not free).
pub fn cached() -> &'static [FnDoc] {
    static CATALOG: std::sync::OnceLock<Vec<FnDoc>> = std::sync::OnceLock::new();
    CATALOG.get_or_init(catalog)
}

/// Entries whose name is `name` (every overload).
pub fn lookup(name: &str) -> Vec<&'static FnDoc> {
    cached().iter().filter(|d| d.name == name).collect()
}

/// Names a user can call, deduplicated and sorted (for completion).
pub fn function_names() -> &'static [String] {
    static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names: Vec<String> = cached()
            .iter()
            .map(|d| d.name.clone())
            .filter(|n| n.chars().next().is_some_and(|c| c.is_alphabetic()))
            .collect();
        names.sort();
        names.dedup();
        names
    })
}

/// The whole reference as Markdown.
pub fn markdown() -> String {
    let docs = catalog();
    let mut s = String::from(
        "# scaling-lab function reference\n\n\
         Generated by `scaling-lab doc` from the engine's metadata (the doc comments in\n\
         `script/src/`; each options table from the struct the function reads). Do not\n\
         edit by hand: `cargo test` fails when this file is stale; regenerate it with\n\
         `cargo run -q -- doc > docs/functions.md`.\n\n\
         Every numeric argument accepts a float or an integer (`70e9`, `70000000000`);\n\
         arguments named like `N`, `D`, `C` or `loss` also accept a vector (or an array of\n\
         numbers) and then return a vector (or a `Table`, for functions that return a\n\
         record), computed in Rust.\n\n",
    );
    for (title, blurb, _) in sections() {
        s.push_str(&format!("- [{title}](#{}) — {blurb}\n", anchor(title)));
    }
    for (title, blurb, _) in sections() {
        s.push_str(&format!("\n## {title}\n\n{blurb}\n"));
        for d in docs.iter().filter(|d| d.section == title) {
            if d.forms.len() > 1 {
                let forms: Vec<String> = d.forms.iter().map(|f| format!("`{f}`")).collect();
                s.push_str(&format!(
                    "\n### {}\n\nForms: {}.\n\n{}\n",
                    d.title(),
                    forms.join(", "),
                    d.full_doc()
                ));
            } else {
                s.push_str(&format!("\n### `{}`\n\n{}\n", d.signature(), d.full_doc()));
            }
        }
    }
    s
}

fn anchor(title: &str) -> String {
    title
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' => Some(c),
            _ => None,
        })
        .collect()
}

/// The package's module, for callers that build their own engine.
pub fn package_module() -> Shared<Module> {
    super::package()
}
