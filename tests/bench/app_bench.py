"""What the app costs in a real terminal, beside baselines measured in the same run.

    .venv/bin/python tests/bench/app_bench.py [--runs 5] [--seconds 20]

Everything runs in tmux at 80x24 under ``script``, which records every byte written to the
terminal with timings.

* First frame: from launch to the routine list on screen, against a bare Textual app with
  one Static (written by ``bare_app`` below). Both pay for starting Python.
* During a work step of the live view: CPU (share of one core) and bytes per second written
  to the terminal, against ``termdown`` counting down, both measured over the same window
  (with an idle bare Textual app beside them: the floor Textual's input thread costs).
  termdown is installed on first use into bench-results/termdown-venv (not the project's
  .venv).

The live view runs in captions mode, so what is measured is the app itself, not speech.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import os
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


def first_frames(runs: int, env: dict[str, str], workdir: Path) -> tuple[list[float], list[float]]:
    bare = bare_app(workdir)
    ours: list[float] = []
    base: list[float] = []
    for _ in range(runs):
        for label, command, marker, into in (
            ("bare", f"{sys.executable} {bare}", "Bare app ready", base),
            ("glutecoach", str(BIN / "glutecoach"), "Desk reset", ours),
        ):
            pane = Pane(command, env, workdir)
            try:
                pane.wait_for(marker)
                time.sleep(0.3)
                into.append(pane.first_time_of(marker.encode()))
            finally:
                pane.close()
            time.sleep(0.3)
            del label
    return ours, base


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="first-frame launches of each app")
    parser.add_argument("--seconds", type=float, default=20, help="steady window length")
    parser.add_argument("--part", choices=("all", "first-frame", "live"), default="all")
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
        (home / "config.toml").write_text('voice = "captions"\n')
        env = {
            "GLUTECOACH_HOME": str(home),
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",
        }

        ok = True
        if args.part in ("all", "first-frame"):
            ours, base = first_frames(args.runs, env, workdir)
            med_ours, med_base = statistics.median(ours), statistics.median(base)
            print("First frame (launch to the routine list), median of", args.runs)
            print(f"  bare Textual app, one Static  {med_base * 1000:7.0f} ms")
            print(
                f"  glutecoach routine list       {med_ours * 1000:7.0f} ms"
                f"   ratio {med_ours / med_base:.2f} (target <= 1.30)"
            )
            ok = med_ours <= 1.3 * med_base
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
