"""What the app costs in a real terminal, beside baselines measured in the same run.

    .venv/bin/python tests/bench/app_bench.py [--runs 30] [--seconds 20]

Everything runs in tmux at 80x24 under ``script``, which records every byte written to the
terminal with timings.

* First frame: from launch to the routine list on screen, against a bare Textual app with
  one Static (written by ``bare_app`` below). Both pay for starting Python. ``--runs``
  rounds, each launching both once in alternating order; the verdict is the median of the
  per-round ratio, printed with its quartiles and a bootstrap 95 % interval (launch times
  on a shared machine vary by a third from one launch to the next; a ratio of two medians
  of 5 launches moved between 1.05 and 1.53 for the same code). ``--baseline-src DIR``
  launches that checkout's app in the same rounds: before and after, in one run.
* During a work step of the live view: CPU (share of one core) and bytes per second written
  to the terminal, against ``termdown`` counting down, both measured over the same window
  (with an idle bare Textual app beside them: the floor Textual's input thread costs).
  termdown is installed on first use into bench-results/termdown-venv (not the project's
  .venv).
* Over a whole routine (``--part routine``): the real built-in ``desk-reset`` run from start
  to end (rep counts, step changes, rests and all), beside ``termdown 7m`` started the moment
  the routine's clock starts, with the idle bare app as the floor; ``--routine-runs`` times.
  ``--routine quick`` runs a ~75 s user routine (rep work, a one-sided move, rests) for fast
  iterations. ``--baseline-src DIR`` runs the app a second time from another checkout
  (e.g. ``git archive COMMIT | tar -x -C DIR``) in the same window: before and after, measured
  together.

The live view runs in captions mode, so what is measured is the app itself, not speech.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import json
import os
import random
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench-results"
TICKS = os.sysconf("SC_CLK_TCK")

# One long hold so the whole measuring window is a single work step.
BENCH_ROUTINE = """\
name = "Bench hold"
description = "One long hold, for the benchmark."
lead_in = 3

[[exercise]]
id = "piriformis-stretch"
seconds = {hold}
"""

# A short routine with what a whole routine has: rep counts, rests, a one-sided move with a
# side switch, transitions and a hold; for quick iterations of ``--part routine``.
QUICK_ROUTINE = """\
name = "Bench quick"
description = "Rep work, a one-sided move and rests in about a minute, for the benchmark."
lead_in = 5
transition = 5
switch = 3

[[exercise]]
id = "glute-bridge"
sets = 2
reps = 3
rest = 5

[[exercise]]
id = "clamshell"
sets = 1
reps = 3

[[exercise]]
id = "piriformis-stretch"
seconds = 6
"""


class Pane:
    """A tmux session whose output ``script`` records, with timings, to files."""

    count = 0

    def __init__(self, command: str, env: dict[str, str], workdir: Path) -> None:
        Pane.count += 1
        self.socket = f"gc-bench-{os.getpid()}-{Pane.count}"
        self.out = workdir / f"typescript-{Pane.count}"
        self.timing = workdir / f"timing-{Pane.count}"
        for path in (self.out, self.timing):
            path.unlink(missing_ok=True)
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        recorded = (
            f"script -q -f --log-timing {shlex.quote(str(self.timing))} "
            f"-c {shlex.quote(command)} {shlex.quote(str(self.out))}"
        )
        self.started = time.monotonic()
        size = ["-x", "80", "-y", "24"]
        subprocess.run(
            [
                "tmux",
                "-L",
                self.socket,
                "new-session",
                "-d",
                "-s",
                "b",
                *size,
                f"env {exports} {recorded}",
            ],
            check=True,
        )

    def tmux(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=False
        ).stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "b")

    def wait_for(self, text: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.screen():
                return
            time.sleep(0.05)
        raise SystemExit(f"benchmark: {text!r} never appeared:\n{self.screen()}")

    def output_bytes(self) -> int:
        return self.out.stat().st_size if self.out.exists() else 0

    def first_time_of(self, marker: bytes) -> float:
        """Seconds after ``script`` started when the output first contained ``marker``."""
        data = self.out.read_bytes()
        end = data.find(marker)
        if end < 0:
            raise SystemExit(f"benchmark: {marker!r} is not in the recorded output")
        end += len(marker)
        elapsed = 0.0
        offset = 0
        for line in self.timing.read_text().splitlines():
            fields = line.split()
            if len(fields) == 3 and fields[0] == "O":  # advanced format: type delay bytes
                delay, size = float(fields[1]), int(fields[2])
            elif len(fields) == 2:  # classic format: delay bytes
                delay, size = float(fields[0]), int(fields[1])
            else:
                continue
            elapsed += delay
            offset += size
            if offset >= end:
                return elapsed
        raise SystemExit("benchmark: the timing file ends before the marker")

    def descendants(self) -> list[int]:
        """The pane's process and everything below it, parents first."""
        root = int(self.tmux("display", "-p", "-t", "b", "#{pane_pid}").strip() or 0)
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                children.setdefault(ppid, []).append(int(entry.name))
        found: list[int] = []
        todo = [root] if root else []
        while todo:
            pid = todo.pop(0)
            found.append(pid)
            todo.extend(children.get(pid, []))
        return found

    def process(self, name_part: str) -> int:
        """The pid of the pane's descendant whose command line contains ``name_part``."""
        for pid in self.descendants():
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            if name_part.encode() in cmdline and b"script" not in cmdline.split(b" ")[0]:
                return pid
        raise SystemExit(f"benchmark: no process matching {name_part!r}")

    def close(self) -> None:
        """Stop the app and ``script`` too: killing tmux alone leaves ``script`` holding the
        app's terminal open, so both would live on, idle, skewing every later measurement."""
        pids = self.descendants()
        for pid in reversed(pids):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and any(_alive(pid) for pid in pids):
            time.sleep(0.05)
        for pid in pids:
            if _alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        self.tmux("kill-server")


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for its parent."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def measure_together(
    watched: dict[str, tuple[Pane, int]], seconds: float
) -> dict[str, tuple[float, float]]:
    """(CPU share of one core, bytes per second) of each process over the same window, so
    the machine's noise falls on all of them alike."""

    def sample() -> dict[str, tuple[float, int]]:
        return {
            name: (cpu_seconds(pid), pane.output_bytes()) for name, (pane, pid) in watched.items()
        }

    before, t0 = sample(), time.monotonic()
    time.sleep(seconds)
    after, t1 = sample(), time.monotonic()
    wall = t1 - t0
    return {
        name: ((after[name][0] - before[name][0]) / wall, (after[name][1] - before[name][1]) / wall)
        for name in watched
    }


def bare_app(workdir: Path) -> Path:
    path = workdir / "bare_app.py"
    path.write_text(
        "from textual.app import App\n"
        "from textual.widgets import Static\n\n\n"
        "class Bare(App):\n"
        "    def compose(self):\n"
        "        yield Static('Bare app ready')\n\n\n"
        "Bare().run()\n"
    )
    return path


def termdown_command() -> str:
    found = shutil.which("termdown")
    if found:
        return found
    venv = RESULTS / "termdown-venv"
    exe = venv / "bin" / "termdown"
    if not exe.exists():
        print("installing termdown into bench-results/termdown-venv ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "termdown"], check=True)
    return str(exe)


def launch_time(command: str, marker: str, env: dict[str, str], workdir: Path) -> float:
    """Seconds from launch to ``marker`` first written, for one fresh process in tmux."""
    pane = Pane(command, env, workdir)
    try:
        pane.wait_for(marker)
        time.sleep(0.3)
        return pane.first_time_of(marker.encode())
    finally:
        pane.close()
        time.sleep(0.3)


def first_frames(
    runs: int, env: dict[str, str], workdir: Path, baseline: Path | None = None
) -> dict[str, list[float]]:
    """Launch times of the bare app, glutecoach (and the ``baseline`` checkout), a round
    at a time: each round launches every one once, in an order that alternates from round
    to round (ABBA), so a drift in the machine's load falls on all of them alike, and each
    round gives one ratio. One round first warms the file cache and is not counted."""
    bare = bare_app(workdir)
    apps = [
        ("bare", f"{sys.executable} {bare}", "Bare app ready"),
        ("glutecoach", str(BIN / "glutecoach"), "Desk reset"),
    ]
    if baseline is not None:
        apps.append(("baseline", source_command(baseline), "Desk reset"))
    times: dict[str, list[float]] = {name: [] for name, _, _ in apps}
    for number in range(runs + 1):
        order = apps if number % 2 else apps[::-1]
        for name, command, marker in order:
            took = launch_time(command, marker, env, workdir)
            if number:
                times[name].append(took)
    return times


def ratio_summary(ours: list[float], base: list[float], seed: int = 16) -> dict[str, float]:
    """The per-round ratio ``ours / base``: its median, quartiles and a bootstrap 95 %
    interval of the median (rounds resampled 2,000 times), so one number says how sure
    it is. Ratios of the same round, not of two medians: the noise both share cancels."""
    ratios = sorted(o / b for o, b in zip(ours, base, strict=True))
    rng = random.Random(seed)
    medians = sorted(statistics.median(rng.choices(ratios, k=len(ratios))) for _ in range(2000))
    if len(ratios) >= 2:
        q1, _, q3 = statistics.quantiles(ratios, n=4, method="inclusive")
    else:
        q1 = q3 = ratios[0]
    return {
        "median": statistics.median(ratios),
        "q1": q1,
        "q3": q3,
        "low": medians[int(0.025 * len(medians))],
        "high": medians[int(0.975 * len(medians)) - 1],
    }


def report_first_frames(times: dict[str, list[float]], target: float = 1.2) -> bool:
    base = times["bare"]
    runs = len(base)
    print(f"First frame (launch to the routine list), {runs} interleaved rounds")
    print(
        f"  bare Textual app, one Static  {statistics.median(base) * 1000:7.0f} ms median"
        f"  (quartiles {_quartiles_ms(base)})"
    )
    ok = True
    for name, label in (("glutecoach", "glutecoach routine list"), ("baseline", "baseline")):
        if name not in times:
            continue
        ours = times[name]
        summary = ratio_summary(ours, base)
        print(
            f"  {label:<29} {statistics.median(ours) * 1000:7.0f} ms median"
            f"  (quartiles {_quartiles_ms(ours)})"
        )
        print(
            f"    ratio per round: median {summary['median']:.2f}, quartiles "
            f"{summary['q1']:.2f}-{summary['q3']:.2f}, 95 % interval of the median "
            f"{summary['low']:.2f}-{summary['high']:.2f} (target <= {target:.2f}, issue 16)"
        )
        print(
            f"    fastest quarter of launches: {_low_quartile(ours) / _low_quartile(base):.2f}"
            " x the bare app's (machine noise only adds time: a steadier view of the cost)"
        )
        if name == "glutecoach":
            ok = summary["median"] <= target
    if "baseline" in times:
        summary = ratio_summary(times["glutecoach"], times["baseline"])
        print(
            f"  glutecoach / baseline per round: median {summary['median']:.2f}, quartiles "
            f"{summary['q1']:.2f}-{summary['q3']:.2f}, 95 % interval {summary['low']:.2f}-"
            f"{summary['high']:.2f} (below 1: this checkout's list is up sooner)"
        )
    return ok


def _low_quartile(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=4, method="inclusive")[0]


def _quartiles_ms(values: list[float]) -> str:
    if len(values) < 2:
        return f"{values[0] * 1000:.0f} ms"
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return f"{q1 * 1000:.0f}-{q3 * 1000:.0f} ms"


def plan_seconds(routine: str, env: dict[str, str]) -> float:
    """The routine's planned length, from ``glutecoach plan --json`` with the bench's home."""
    out = subprocess.run(
        [str(BIN / "glutecoach"), "plan", routine, "--json"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(json.loads(out)["total_seconds"])


def source_command(src: Path) -> str:
    """Run glutecoach from another source tree (a baseline) with this venv's Python."""
    compileall.compile_dir(src / "glutecoach", quiet=1)
    # ``-m`` puts the working directory first on sys.path, ahead of this tree's install.
    where = shlex.quote(str(src))
    return f"cd {where} && exec env PYTHONPATH={where} {sys.executable} -m glutecoach"


def write_sizes(pane: Pane, start: int, end: int) -> tuple[int, float]:
    """How many chunks ``script`` recorded between two output offsets, and their mean size:
    roughly how many frames the terminal got in a window and how big each was."""
    offset = 0
    sizes: list[int] = []
    for line in pane.timing.read_text().splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[0] == "O":
            size = int(fields[2])
        elif len(fields) == 2:
            size = int(fields[1])
        else:
            continue
        if start <= offset < end:
            sizes.append(size)
        offset += size
    return len(sizes), (statistics.fmean(sizes) if sizes else 0.0)


def whole_routine(
    routine: str, env: dict[str, str], workdir: Path, baseline: Path | None, keep: Path | None
) -> dict[str, tuple[float, float, int, float]]:
    """One run of ``routine`` from its first second to its last, with termdown started when
    the routine's clock starts and measured over the same window, and the idle bare app.
    Returns (CPU share, bytes/s, chunks written, mean chunk bytes) per process."""
    total = plan_seconds(routine, env)
    app_cmd = f"run {routine} --voice captions"
    panes = {"app": Pane(f"{BIN / 'glutecoach'} {app_cmd}", env, workdir)}
    if baseline is not None:
        panes["baseline"] = Pane(f"{source_command(baseline)} {app_cmd}", env, workdir)
    panes["idle"] = Pane(f"{sys.executable} {bare_app(workdir)}", env, workdir)
    try:
        panes["idle"].wait_for("Bare app ready")
        # The clock starts once the (captions) voice is ready: the lead-in's first second.
        for name in ("app", "baseline"):
            if name in panes:
                panes[name].wait_for("GET READY")
        started = time.monotonic()
        minutes, secs = divmod(round(total), 60)
        span_arg = f"{minutes}m{secs}s" if secs else f"{minutes}m"
        panes["termdown"] = Pane(f"{termdown_command()} {span_arg}", env, workdir)
        found = {name: (pane, pane.process(_match(name))) for name, pane in panes.items()}
        deadline = time.monotonic() + 10
        while not panes["termdown"].screen().strip() and time.monotonic() < deadline:
            time.sleep(0.05)
        # Everything from here to just before the closing line: the whole routine, less
        # the moments it took termdown to start.
        window = total - (time.monotonic() - started) - 0.7
        marks = {name: pane.output_bytes() for name, pane in panes.items()}
        measured = measure_together(found, window)
        for name in ("app", "baseline"):
            if name in panes:
                screen = panes[name].screen()
                assert "GET READY" not in screen and "Summary" not in screen, screen
        ends = {name: pane.output_bytes() for name, pane in panes.items()}
    finally:
        for pane in panes.values():
            pane.close()
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            for name, pane in panes.items():
                for path in (pane.out, pane.timing):
                    if path.exists():
                        shutil.copy(path, keep / f"{name}-{path.name.split('-')[0]}")
    result: dict[str, tuple[float, float, int, float]] = {}
    for name, (cpu, bps) in measured.items():
        chunks, mean = write_sizes(panes[name], marks[name], ends[name])
        result[name] = (cpu, bps, chunks, mean)
    result["window"] = (window, os.getloadavg()[0], 0, 0.0)
    return result


def _match(name: str) -> str:
    return {"app": "glutecoach", "baseline": "glutecoach", "termdown": "termdown"}.get(
        name, "bare_app"
    )


def report_routine(routine: str, runs: list[dict[str, tuple[float, float, int, float]]]) -> bool:
    labels = {
        "termdown": "termdown",
        "app": "glutecoach live view",
        "baseline": "baseline (--baseline-src)",
        "idle": "idle bare Textual app",
    }
    ok = True
    print(f"Whole routine {routine!r}, {len(runs)} run(s), each process measured at once")
    for number, run in enumerate(runs, 1):
        td_cpu, td_bps = run["termdown"][0], run["termdown"][1]
        window, load = run["window"][0], run["window"][1]
        print(f"  run {number}: {window:.1f} s window, load average {load:.2f} at its end")
        for name in ("termdown", "app", "baseline", "idle"):
            if name not in run:
                continue
            cpu, bps, chunks, mean = run[name]
            ratio = ""
            if name in ("app", "baseline") and td_cpu and td_bps:
                ratio = f"   x termdown: CPU {cpu / td_cpu:.2f}  B/s {bps / td_bps:.2f}"
            print(
                f"    {labels[name]:<26} CPU {cpu * 100:5.2f} %  {bps:7.0f} B/s"
                f"  {chunks:5d} writes of {mean:5.0f} B{ratio}"
            )
        ok = ok and run["app"][0] <= td_cpu and run["app"][1] <= td_bps
    return ok


def _load(label: str) -> str:
    return "{} (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(label, *os.getloadavg())


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs", type=int, default=30, help="first-frame rounds (each launches every app once)"
    )
    parser.add_argument("--seconds", type=float, default=20, help="steady window length")
    parser.add_argument("--part", choices=("all", "first-frame", "live", "routine"), default="all")
    parser.add_argument(
        "--routine", default="desk-reset", help="routine for --part routine ('quick': ~75 s)"
    )
    parser.add_argument("--routine-runs", type=int, default=2, help="whole-routine runs")
    parser.add_argument(
        "--baseline-src",
        type=Path,
        help="also run the app from this source tree: in the same rounds (first frame) or "
        "the same window (routine)",
    )
    parser.add_argument(
        "--keep", type=Path, help="copy the routine runs' terminal recordings into this folder"
    )
    args = parser.parse_args(argv)
    for tool in ("tmux", "script"):
        if not shutil.which(tool):
            print(f"benchmark needs {tool}", file=sys.stderr)
            return 2
    RESULTS.mkdir(exist_ok=True)
    # Measure the app as installed, with its bytecode written, not recompiled on every launch
    # (which is what happens to changed modules where PYTHONDONTWRITEBYTECODE is set).
    compileall.compile_dir(ROOT / "glutecoach", quiet=1)
    with tempfile.TemporaryDirectory(prefix="gc-app-bench-") as tmp:
        workdir = Path(tmp)
        home = workdir / "home"
        (home / "routines").mkdir(parents=True)
        hold = round(args.seconds) + 30  # the whole window inside one work step
        (home / "routines" / "bench.toml").write_text(BENCH_ROUTINE.format(hold=hold))
        (home / "routines" / "quick.toml").write_text(QUICK_ROUTINE)
        (home / "config.toml").write_text('voice = "captions"\n')
        env = {
            "GLUTECOACH_HOME": str(home),
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",
        }

        ok = True
        if args.part == "routine":
            runs = []
            for number in range(args.routine_runs):
                keep = args.keep / f"run-{number + 1}" if args.keep else None
                runs.append(whole_routine(args.routine, env, workdir, args.baseline_src, keep))
                time.sleep(1.0)
            ok = report_routine(args.routine, runs)
            print("within budget" if ok else "OVER BUDGET")
            return 0
        if args.part in ("all", "first-frame"):
            print(_load("load average before"))
            times = first_frames(args.runs, env, workdir, args.baseline_src)
            ok = report_first_frames(times)
            print(_load("load average after"))
        if args.part == "first-frame":
            print("within budget" if ok else "OVER BUDGET")
            return 0

        # All three run at once and are measured over the same window.
        panes = {
            "app": Pane(f"{BIN / 'glutecoach'} run bench --voice captions", env, workdir),
            "termdown": Pane(f"{termdown_command()} {round(args.seconds) + 60}s", env, workdir),
            "idle": Pane(f"{sys.executable} {bare_app(workdir)}", env, workdir),
        }
        try:
            panes["app"].wait_for("WORK")
            panes["idle"].wait_for("Bare app ready")
            time.sleep(2.0)
            found = {
                "app": (panes["app"], panes["app"].process("glutecoach")),
                "termdown": (panes["termdown"], panes["termdown"].process("termdown")),
                "idle": (panes["idle"], panes["idle"].process("bare_app")),
            }
            measured = measure_together(found, args.seconds)
            assert "WORK" in panes["app"].screen(), "the window left the work step"
        finally:
            for pane in panes.values():
                pane.close()

        (app_cpu, app_bps), (td_cpu, td_bps) = measured["app"], measured["termdown"]
        idle_cpu = measured["idle"][0]
        print(f"During a work step ({args.seconds:.0f} s window, all measured at once)")
        print(f"  termdown                      CPU {td_cpu * 100:5.2f} %   {td_bps:7.0f} B/s")
        print(f"  glutecoach live view          CPU {app_cpu * 100:5.2f} %   {app_bps:7.0f} B/s")
        print(f"  (idle bare Textual app        CPU {idle_cpu * 100:5.2f} %: Textual's own floor)")
        ok = ok and app_cpu <= td_cpu and app_bps <= td_bps
        print("within budget" if ok else "OVER BUDGET")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
