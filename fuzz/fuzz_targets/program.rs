//! Random programs from bytes: statements that assign calls of registered
//! functions, operators and method calls over edge values to three
//! variables. Shared by the `cargo fuzz` target and the seeded smoke test
//! (`tests/fuzz_smoke.rs`).

use scaling_lab_script::docs;

/// Values at the edges of every domain, and the variables made so far.
pub const VALUES: &[&str] = &[
    "0",
    "-1",
    "1",
    "2",
    "0.5",
    "1e-300",
    "1e308",
    "1e9",
    "7e10",
    "1e24",
    "1e12",
    "-0.0",
    "[]",
    "[1, 2, 3]",
    "[1e9, 2e9]",
    "[\"a\", 1]",
    "\"x\"",
    "\"chinchilla\"",
    "\"N\"",
    "\"H100\"",
    "\"llama2-7b\"",
    "\"deepseek-v3\"",
    "transformer(\"mixtral-8x7b\")",
    "#{gpus: 64, zero: 3, tp: 8, hardware: \"H100\"}",
    "#{hardware: \"H100\", count: 8, batch: [1, 64]}",
    "\".2f\"",
    "\"out.json\"",
    "()",
    "true",
    "#{}",
    "#{N: 1e9, D: 2e10}",
    "vector([1, 2, 3])",
    "logspace(6, 11, 5)",
    "law(\"chinchilla\")",
    "law(\"kaplan\")",
    "arch_sweep()",
    "simulate_runs(law(\"chinchilla\"), #{per_budget: 3, budgets: [1e19, 1e20]})",
    "plot([1, 2], [3, 4])",
    "figure()",
    "|x| x",
    "0..3",
    "a",
    "b",
    "c",
];

pub const OPERATORS: &[&str] = &["+", "-", "*", "/", "%", "**", "==", "<", ">", "&", "|"];

/// Bytes to a small program: each statement assigns a call, an operator or
/// a method call over edge values to one of three variables.
pub fn program(data: &[u8]) -> String {
    let names = docs::function_names();
    let mut bytes = data.iter().copied();
    let mut next = move || bytes.next();
    let mut code = String::from("let a = 1; let b = vector([1, 2]); let c = \"x\";\n");
    while let Some(kind) = next() {
        let target = ["a", "b", "c"][(kind as usize / 4) % 3];
        let value = |n: Option<u8>| VALUES[n.unwrap_or(0) as usize % VALUES.len()];
        let expr = match kind % 4 {
            0 | 1 => {
                let f = &names[next().unwrap_or(0) as usize * 7 % names.len()];
                let argc = next().unwrap_or(0) % 4;
                let args: Vec<&str> = (0..argc).map(|_| value(next())).collect();
                format!("{f}({})", args.join(", "))
            }
            2 => {
                let op = OPERATORS[next().unwrap_or(0) as usize % OPERATORS.len()];
                format!("({}) {op} ({})", value(next()), value(next()))
            }
            _ => {
                let f = &names[next().unwrap_or(0) as usize * 5 % names.len()];
                format!("({}).{f}({})", value(next()), value(next()))
            }
        };
        code.push_str(&format!("{target} = {expr};\n"));
    }
    code
}
