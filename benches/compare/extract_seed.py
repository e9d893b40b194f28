"""Write the first seed's demo as a runnable file for whole-process timing.

The seed document prefixes each line with its number; this strips them,
selects the non-interactive Agg backend and saves the figure (PNG at 150 dpi,
as the seed, plus an SVG as the demo script writes) into build/ instead of
the author's home folder.

    python3 benches/compare/extract_seed.py ../shared/seeds/000_87dbbe989b6e97be.txt
    hyperfine 'python3 build/seed_demo.py' 'target/release/scaling-lab run scripts/seed_demo.rhai --out build'
"""
import re
import sys

src = open(sys.argv[1], encoding="utf-8").read().splitlines()
body = []
for line in src:
    m = re.match(r"^\s*(\d+)(.*)$", line)
    if m and (body or m.group(1) == "1"):
        body.append(m.group(2))
code = "\n".join(body)
code = code.replace("import matplotlib.pyplot as plt", "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt")
code = re.sub(r"plt\.savefig\([^)]*\)", "plt.savefig('build/seed_scaling_laws.png', dpi=150); plt.savefig('build/seed_scaling_laws.svg')", code)
code = code.replace("plt.show()", "")
open("build/seed_demo.py", "w", encoding="utf-8").write(code + "\n")
print("wrote build/seed_demo.py")
