"""Check executed notebooks: every code cell ran, no cell errored or wrote
to stderr, and each key number listed in notebooks/checks.json appears in
its cell, after its label, within its tolerance of a value computed here,
independently of the binary under test: from the papers' formulas and
constants (below) or from a published number.

A check is {"cell": text of the cell's source, "label": text just before
the number in that cell's output, "value": a formula below or a number,
"rel": relative tolerance}. The number after the label may carry an SI
suffix ("32.2B", "2.98T"), a unit ("28.4 GB") or a dollar sign.

A check may name a table cell instead of a label: {"row": index label,
"col": the number's position in that row}.

usage: check_notebooks.py DIR [DIR ...]
"""
import json
import math
import pathlib
import re
import sys

# Hoffmann et al. 2022 eq. 10 (rounded), and eq. 4's allocation.
E, A, B, ALPHA, BETA = 1.69, 406.4, 410.7, 0.34, 0.28
# Kaplan et al. 2020 eqs. 1.1-1.3 and Table 2 (eq. 1.5).
NC, ALPHA_N, DC, ALPHA_D, CC_PF_DAYS, ALPHA_C = 8.8e13, 0.076, 5.4e13, 0.095, 3.1e8, 0.050
K_NC, K_DC, K_AN, K_AD = 6.4e13, 1.8e13, 0.076, 0.103


def chinchilla(n, d, e=E, a=A, b=B, alpha=ALPHA, beta=BETA):
    return e + a / n**alpha + b / d**beta


def chinchilla_opt(c, e=E, a=A, b=B, alpha=ALPHA, beta=BETA):
    g = (alpha * a / (beta * b)) ** (1 / (alpha + beta))
    n = g * (c / 6) ** (beta / (alpha + beta))
    d = (c / 6) ** (alpha / (alpha + beta)) / g
    return n, d, chinchilla(n, d, e, a, b, alpha, beta)


def kaplan_joint(n, d):
    return ((K_NC / n) ** (K_AN / K_AD) + K_DC / d) ** K_AD


def kaplan_joint_opt(c):
    """Minimise eq. 1.5 on C = 6ND by a golden-section search in ln N."""
    lo, hi = math.log(1e3), math.log(c / 6 / 1e3)
    f = lambda x: kaplan_joint(math.exp(x), c / (6 * math.exp(x)))
    phi = (math.sqrt(5) - 1) / 2
    for _ in range(200):
        a, b = hi - phi * (hi - lo), lo + phi * (hi - lo)
        if f(a) < f(b):
            hi = b
        else:
            lo = a
    return math.exp((lo + hi) / 2)


def loss_from_size(n):
    return (NC / n) ** ALPHA_N


def data_from_loss(loss):
    return DC / loss ** (1 / ALPHA_D)


def cost_from_loss(loss):
    return CC_PF_DAYS / loss ** (1 / ALPHA_C)


def sweep_n(row):
    """The second seed's sweep, row `row`: N = 2 d n_layer (2 d_attn + d_ff)."""
    d = 8192 * 1.1**row
    layers, d_attn = math.floor(d / 100), math.floor(d / 75)
    return 2 * d * layers * (2 * d_attn + 10 * d)


def llama3_70b_zero3_full():
    """ZeRO-3 model states (16 bytes a parameter over 64 GPUs) and full
    recomputation's 2 s b h bytes a layer (Korthikanti et al. 2022)."""
    params = 70_553_706_496  # Llama 3 70B: every matrix, embedding and norm
    return 16 * params / 64 + 80 * 2 * 8192 * 1 * 8192


def llama3_8b_decode_bound_ms():
    """Pope et al. 2022's memory bound on one decode step of Llama 3 8B at
    batch 1 and context 1,024 on an H100 (3.35 TB/s): every weight in bf16
    but the input embedding table (128,256 x 4,096), of which one row, and
    the KV cache (32 layers x 8 KV heads x 128 x 2 x 2 bytes a token)."""
    params, table, row = 8_030_261_248, 128_256 * 4096, 4096
    kv = 1024 * 32 * 8 * 128 * 2 * 2
    return ((params - table + row) * 2 + kv) / 3.35e12 * 1e3


def max_batch(memory, weights, kv_bytes_per_token, context):
    """Sequences of `context` tokens whose KV cache (replicas included)
    fits beside the weights."""
    return math.floor((memory - weights) / (kv_bytes_per_token * context))


# The number after the label: digits with an optional exponent, then an
# optional SI suffix.
NUMBER = re.compile(
    r"(-?[0-9][0-9,]*(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)(?![0-9.])"
    r"(?:\s?(KB|MB|GB|TB|PB|KiB|MiB|GiB|TiB)\b|([KMBTPEZY])(?![A-Za-z]))?"
)
SI = {"K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12, "P": 1e15, "E": 1e18, "Z": 1e21, "Y": 1e24,
      "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12, "PB": 1e15,
      "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40}


def value_of(m):
    return float(m.group(1).replace(",", "")) * SI.get(m.group(2) or m.group(3) or "", 1.0)


def number_after(text, label):
    at = text.find(label)
    if at < 0:
        return None
    m = NUMBER.search(text, at + len(label))
    return value_of(m) if m else None


def table_cell(text, row, col):
    """The `col`-th number of the table row labelled `row` (a DataFrame's
    index, as the text rendering prints it)."""
    for line in text.splitlines():
        parts = line.split()
        if parts and parts[0] == row:
            nums = [m for m in NUMBER.finditer(line, line.find(row) + len(row))]
            if col < len(nums):
                return value_of(nums[col])
    return None


def cell_output(cell):
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append("".join(out.get("text", "")))
        for mime in ("text/plain",):
            data = out.get("data", {}).get(mime)
            if data:
                parts.append("".join(data) if isinstance(data, list) else data)
    return "\n".join(parts)


def expected(value):
    if isinstance(value, (int, float)):
        return float(value)
    return float(eval(value, {"math": math}, globals()))  # formulas above, by name


def main():
    dirs = sys.argv[1:]
    checks = json.loads(pathlib.Path("notebooks/checks.json").read_text())
    failures = 0
    for d in dirs:
        for path in sorted(pathlib.Path(d).glob("*.ipynb")):
            nb = json.loads(path.read_text())
            problems = []
            code = [c for c in nb["cells"] if c["cell_type"] == "code"]
            for i, cell in enumerate(code):
                if cell.get("execution_count") is None:
                    problems.append(f"code cell {i} was not executed")
                for out in cell.get("outputs", []):
                    if out.get("output_type") == "error":
                        problems.append(f"code cell {i} raised {out.get('ename')}: {out.get('evalue')}")
                    if out.get("name") == "stderr":
                        problems.append(f"code cell {i} wrote to stderr: {''.join(out.get('text', ''))[:200]}")
            mine = checks.get(path.name, [])
            if not mine and not path.name.startswith("_"):
                problems.append("no key numbers listed in notebooks/checks.json")
            for c in mine:
                src = lambda x: "".join(x["source"])
                cells = [
                    x for x in code
                    if (src(x).strip() == c["cell"] if c.get("exact") else c["cell"] in src(x))
                ]
                if len(cells) != 1:
                    problems.append(f"{len(cells)} cells contain {c['cell']!r} (want exactly one)")
                    continue
                text = cell_output(cells[0])
                where = c.get("label") or f"row {c.get('row')} column {c.get('col')}"
                got = number_after(text, c["label"]) if "label" in c else table_cell(text, c["row"], c["col"])
                want = expected(c["value"])
                if got is None:
                    problems.append(f"no number at {where!r} in the cell with {c['cell']!r}")
                elif abs(got - want) > c["rel"] * abs(want):
                    problems.append(
                        f"{where!r}: shows {got:.6g}, expected {want:.6g} (from {c['value']}) within {c['rel']:.1%}"
                    )
            status = "ok" if not problems else "FAILED"
            print(f"{path}: {status} ({len(mine)} key numbers)")
            for p in problems:
                print(f"  - {p}")
            failures += bool(problems)
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
