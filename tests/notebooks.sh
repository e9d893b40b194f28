#!/usr/bin/env bash
# Execute every notebook headlessly and check it (tests/check_notebooks.py).
# Installs what it needs on a fresh machine: Jupyter from PyPI into
# build/venv, and evcxr_jupyter with `cargo install --locked` (about 11 minutes
# on 2 cores; skipped when the right version is already installed).
#   bash tests/notebooks.sh            execute into build/notebooks and check
#   bash tests/notebooks.sh --update   re-execute notebooks/ in place (commit the result)
set -euo pipefail
cd "$(dirname "$0")/.."

EVCXR_VERSION=0.22.0
VENV=build/venv
BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$BIN:$PATH"

if [ ! -x "$VENV/bin/jupyter-nbconvert" ]; then
    echo "installing Jupyter into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check jupyter nbconvert nbclient
fi
if ! "$VENV/bin/python" -c "import jupyter_kernel_test" 2>/dev/null; then
    "$VENV/bin/pip" install --quiet --disable-pip-version-check jupyter_kernel_test
fi
if ! cargo install --list | grep -q "^evcxr_jupyter v$EVCXR_VERSION:"; then
    echo "building evcxr_jupyter $EVCXR_VERSION (about 11 minutes on 2 cores)"
    cargo install --locked --quiet evcxr_jupyter --version "$EVCXR_VERSION"
fi
evcxr_jupyter --install > /dev/null
# evcxr's config folder is the test's own, so a user's is left alone.
# Its `:cache` (a compiler wrapper) is off: with the dependency versions
# evcxr resolves today, the wrapper turns proc-macro2's nightly probe into
# a cell error ("`#![feature]` may not be used on the stable release
# channel"); without it each Rust notebook compiles its dependencies
# (about 3.5 minutes on 2 cores).
export EVCXR_CONFIG_DIR="$PWD/build/evcxr-config"
mkdir -p "$EVCXR_CONFIG_DIR"
: > "$EVCXR_CONFIG_DIR/init.evcxr"

cargo build --quiet --locked -p scaling-lab
# The native Rhai kernel, registered inside the venv so only this Jupyter sees it.
target/debug/scaling-lab kernel install --prefix "$VENV" > /dev/null

out=build/notebooks
mkdir -p "$out"
for nb in notebooks/*.ipynb; do
    start=$(date +%s)
    if [ "${1:-}" = "--update" ]; then
        timeout 1500 "$VENV/bin/jupyter" nbconvert --to notebook --execute --inplace \
            --ExecutePreprocessor.timeout=1200 "$nb"
    else
        timeout 1500 "$VENV/bin/jupyter" nbconvert --to notebook --execute \
            --ExecutePreprocessor.timeout=1200 "$nb" --output-dir "$out"
    fi
    echo "executed $nb in $(( $(date +%s) - start )) s"
done

echo "kernel conformance (jupyter_kernel_test) and protocol tests"
JUPYTER_PATH="$PWD/$VENV/share/jupyter" timeout 600 "$VENV/bin/python" -m unittest -v \
    tests/kernel/test_conformance.py tests/kernel/test_protocol.py

dirs=("$out")
[ "${1:-}" = "--update" ] && dirs=()
"$VENV/bin/python" tests/check_notebooks.py notebooks "${dirs[@]}"
