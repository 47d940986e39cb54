"""What `glutecoach remind --plain` costs while it waits, beside `sleep` over the same window.

    python tests/bench/remind_bench.py [--seconds 600] [--every 45m]

The issue asks for ten minutes idle (the default). Both processes run side by side in the
same window on the same machine, in a fresh GLUTECOACH_HOME. Printed for each:

* CPU seconds after start-up (from +SETTLE s to the end, /proc/PID/stat) and in total
  (``wait4`` rusage, start-up included);
* resident memory at +SETTLE s and at the end (VmRSS), and the peak (VmHWM): a loop that
  grows shows it between the first two;
* voluntary context switches after start-up: roughly how often it woke.

`--every` shorter than the window adds nudges (printed, unanswered) to the measurement.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SETTLE = 15.0
TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Sample:
    cpu: float  # utime + stime, seconds
    rss_kb: int
    peak_kb: int  # VmHWM: the high-water mark since exec (not the forked parent's pages)
    switches: int


def sample(pid: int) -> Sample:
    stat = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    utime, stime = int(stat[11]), int(stat[12])
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.split()
    return Sample(
        (utime + stime) / TICK,
        int(fields["VmRSS"][0]),
        int(fields["VmHWM"][0]),
        int(fields["voluntary_ctxt_switches"][0]),
    )


@dataclass
class Result:
    name: str
    settled: Sample
    end: Sample
    total_cpu: float

    def row(self) -> str:
        idle_cpu = self.end.cpu - self.settled.cpu
        return (
            f"{self.name:<26}{idle_cpu:>9.2f} s{self.total_cpu:>9.2f} s"
            f"{self.settled.rss_kb / 1024:>9.1f} MB{self.end.rss_kb / 1024:>9.1f} MB"
            f"{self.end.peak_kb / 1024:>9.1f} MB{self.end.switches - self.settled.switches:>9}"
        )


def _child_of(pid: int) -> int:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    assert children, "script started no child"
    return int(children[0])


class Watched:
    """A measured process: our own child (CPU from ``wait4``), or the glutecoach that
    ``script`` started in a pty (not our child: CPU read from /proc just before the end)."""

    def __init__(self, proc: subprocess.Popen[str], pid: int | None = None) -> None:
        self.proc = proc
        self.pid = pid if pid is not None else proc.pid
        self.adopted = pid is not None
        self._cpu = 0.0

    def stop(self) -> float:
        """SIGTERM, wait; total CPU seconds (start-up included)."""
        if self.adopted:
            self._cpu = sample(self.pid).cpu
            os.kill(self.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)
            return self._cpu
        self.proc.send_signal(signal.SIGTERM)
        _pid, _status, usage = os.wait4(self.proc.pid, 0)
        self.proc.returncode = 0
        return usage.ru_utime + usage.ru_stime


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=600.0, help="the window (600 = 10 min)")
    parser.add_argument("--every", default=None, help="pass --every to remind (e.g. 1m)")
    parser.add_argument(
        "--full", action="store_true", help="the full-screen view, in a pty from `script`"
    )
    args = parser.parse_args(argv)
    if args.seconds <= SETTLE + 5:
        parser.error(f"--seconds must be more than {SETTLE + 5:g}")
    exe = str(Path(sys.executable).parent / "glutecoach")
    home = tempfile.mkdtemp(prefix="remind-bench-")
    env = {**os.environ, "GLUTECOACH_HOME": home}
    command = [exe, "remind", "--voice", "off"] + ([] if args.full else ["--plain"])
    if args.every:
        command += ["--every", args.every]
    name = "glutecoach remind" + ("" if args.full else " --plain")
    if args.full:
        # stdin a pipe nobody writes to, so the pty stays open and the reminder keeps running.
        script = subprocess.Popen(
            ["script", "-q", "-c", " ".join(command), "/dev/null"],
            env={**env, "TERM": "xterm-256color"},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        time.sleep(2.0)
        remind = Watched(script, _child_of(script.pid))
    else:
        remind = Watched(
            subprocess.Popen(
                command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True
            )
        )
    watched = {
        name: remind,
        f"sleep {args.seconds:g}": Watched(
            subprocess.Popen(["sleep", str(args.seconds + 30)], text=True)
        ),
    }
    print(
        f"window {args.seconds:g} s; numbers after start-up are from +{SETTLE:g} s;"
        " CPU resolution 0.01 s",
        flush=True,
    )
    time.sleep(SETTLE)
    settled = {key: sample(w.pid) for key, w in watched.items()}
    time.sleep(args.seconds - SETTLE)
    end = {key: sample(w.pid) for key, w in watched.items()}
    results = [Result(key, settled[key], end[key], w.stop()) for key, w in watched.items()]
    assert remind.proc.stdout is not None
    text = remind.proc.stdout.read()
    print(
        f"{'':<26}{'idle CPU':>11}{'all CPU':>11}{'RSS +15s':>12}{'RSS end':>12}"
        f"{'peak RSS':>12}{'wakes':>9}"
    )
    for result in results:
        print(result.row())
    shown = text.count("Time to stand up") + text.count("TIME TO STAND UP")
    print(f"nudge lines in its output: {shown}")
    glutecoach = results[0]
    growth = glutecoach.end.rss_kb - glutecoach.settled.rss_kb
    print(f"glutecoach RSS growth over the window: {growth} kB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
