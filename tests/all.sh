#!/usr/bin/env bash
# Every test of scaling-lab, as CI runs it (.ci/run calls exactly this).
# Works on a fresh machine with the Rust toolchain and Python 3: cargo fetches
# the crates; the notebook stage installs Jupyter (PyPI) and evcxr_jupyter.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "format"
cargo fmt --all -- --check

step "lint"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "tests (unit, golden, scripts, CLI, docs)"
cargo test --workspace --locked

step "seed demo end to end"
mkdir -p build && cargo run --locked --quiet -- run scripts/seed_demo.rhai --out build/seed_demo > build/seed_demo.log 2>&1 || {
    cat build/seed_demo.log; exit 1; }
echo "seed demo ok"

step "notebooks (Jupyter + evcxr; installs both on a fresh machine)"
bash tests/notebooks.sh
