"""`make bench`: run every benchmark under tests/bench/ in turn and print what each reports.

Benchmarks are scripts, not tests: each measures glutecoach beside a baseline taken in
the same run and prints both, because these machines are too noisy for fixed limits.
Pass names to run only some: `make bench ARGS="voice history"`.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    scripts = sorted(HERE.glob("*_bench.py"))
    if argv:
        scripts = [s for s in scripts if any(name in s.stem for name in argv)]
    failed = 0
    for script in scripts:
        print(f"\n=== {script.stem} ===", flush=True)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(script)], cwd=HERE.parent.parent)
        print(f"--- {script.stem}: exit {result.returncode}, {time.perf_counter() - started:.1f} s")
        failed += result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
