"""Check executed notebooks: every code cell ran, no cell errored, and the key
numbers listed in notebooks/checks.json (Rhai expressions evaluated by the
scaling-lab binary) appear in the outputs.

usage: check_notebooks.py BINARY DIR [DIR ...]
"""
import json
import pathlib
import subprocess
import sys


def output_text(nb):
    parts = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                parts.append("".join(out.get("text", "")))
            for mime in ("text/plain", "text/html", "text/markdown"):
                data = out.get("data", {}).get(mime)
                if data:
                    parts.append("".join(data) if isinstance(data, list) else data)
    return "\n".join(parts)


def main():
    binary, dirs = sys.argv[1], sys.argv[2:]
    checks = json.loads(pathlib.Path("notebooks/checks.json").read_text())
    failures = 0
    for d in dirs:
        for path in sorted(pathlib.Path(d).glob("*.ipynb")):
            nb = json.loads(path.read_text())
            problems = []
            for i, cell in enumerate(nb["cells"]):
                if cell["cell_type"] != "code":
                    continue
                if cell.get("execution_count") is None:
                    problems.append(f"cell {i} was not executed")
                for out in cell.get("outputs", []):
                    if out.get("output_type") == "error":
                        problems.append(f"cell {i} raised {out.get('ename')}: {out.get('evalue')}")
                    if out.get("name") == "stderr":
                        problems.append(f"cell {i} wrote to stderr: {''.join(out.get('text', ''))[:200]}")
            text = output_text(nb)
            for expr in checks.get(path.name, []):
                want = subprocess.run([binary, "eval", expr], check=True, capture_output=True, text=True).stdout.strip()
                if want not in text:
                    problems.append(f"outputs lack {want!r} (from {expr})")
            if path.name not in checks and not path.name.startswith("_"):
                problems.append("no key numbers listed in notebooks/checks.json")
            status = "ok" if not problems else "FAILED"
            print(f"{path}: {status} ({len(checks.get(path.name, []))} key numbers)")
            for p in problems:
                print(f"  - {p}")
            failures += bool(problems)
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
