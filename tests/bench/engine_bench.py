"""Engine and line-mode costs, each beside a baseline measured in the same run.

- building each built-in plan (baseline: loading the routine files alone)
- walking the whole `full` routine with a fake clock polled 10 times a second
  (baseline: the same loop calling a no-op)
- CPU used by `glutecoach run --plain` over a 12-second routine (baseline: the same
  interpreter start-up followed by sleeping, `python -c "import time; time.sleep(12)"`)
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

from glutecoach.engine.catalog import load_catalog
from glutecoach.engine.plan import build_plan
from glutecoach.engine.routines import load_routines
from glutecoach.engine.session import Session

ROUTINE = """
name = "Bench"
lead_in = 2
transition = 2
switch = 1

[[exercise]]
id = "glute-bridge"
reps = 3
tempo = 1

[[exercise]]
id = "clamshell"
seconds = 2
"""


def timed(fn, runs: int = 20) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return median(samples) * 1000


def walk(plan, poll: bool) -> None:
    now = [0.0]
    session = Session(plan, lambda: now[0])
    session.start()
    steps = int(plan.total_seconds * 10) + 20
    for _ in range(steps):
        now[0] += 0.1
        if poll:
            session.poll()
            session.state()
        else:
            (lambda: None)()


def child_cpu(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def main() -> int:
    catalog = load_catalog()
    routines = load_routines().routines
    print(f"load the routine files (baseline)  {timed(load_routines):8.2f} ms")
    for rid in ("desk-reset", "full", "stretch-break"):
        cost = timed(lambda rid=rid: build_plan(routines[rid], catalog))
        print(f"build plan {rid:<15}         {cost:8.2f} ms")
    full = build_plan(routines["full"], catalog)
    polls = int(full.total_seconds * 10)
    base = timed(lambda: walk(full, poll=False), runs=5)
    cost = timed(lambda: walk(full, poll=True), runs=5)
    print(
        f"walk `full` ({polls} polls at 10 Hz, fake clock): {cost:.1f} ms "
        f"({cost / polls * 1000:.1f} us a poll + state); baseline loop {base:.1f} ms"
    )

    with tempfile.TemporaryDirectory() as home:
        Path(home, "routines").mkdir()
        Path(home, "routines", "bench.toml").write_text(ROUTINE)
        env = {**os.environ, "GLUTECOACH_HOME": home}
        plan_seconds = build_plan(load_routines(Path(home, "routines")).routines["bench"], catalog)
        seconds = plan_seconds.total_seconds
        sleeper = [sys.executable, "-c", f"import time; time.sleep({seconds})"]
        plain = [
            sys.executable,
            "-m",
            "glutecoach",
            "run",
            "bench",
            "--plain",
            "--voice",
            "captions",
            "--no-history",
        ]
        base_cpu, base_wall = child_cpu(sleeper, env)
        cpu, wall = child_cpu(plain, env)
        print(
            f"run --plain, {seconds:.0f} s routine: {cpu * 1000:.0f} ms CPU over {wall:.2f} s "
            f"({cpu / wall * 100:.2f} % of a core); baseline python+sleep "
            f"{base_cpu * 1000:.0f} ms over {base_wall:.2f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
