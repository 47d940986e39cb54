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


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=600.0, help="the window (600 = 10 min)")
    parser.add_argument("--every", default=None, help="pass --every to remind (e.g. 1m)")
    args = parser.parse_args(argv)
    if args.seconds <= SETTLE + 5:
        parser.error(f"--seconds must be more than {SETTLE + 5:g}")
    exe = str(Path(sys.executable).parent / "glutecoach")
    home = tempfile.mkdtemp(prefix="remind-bench-")
    env = {**os.environ, "GLUTECOACH_HOME": home}
    command = [exe, "remind", "--plain", "--voice", "off"]
    if args.every:
        command += ["--every", args.every]
    procs = {
        "glutecoach remind --plain": subprocess.Popen(
            command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True
        ),
        f"sleep {args.seconds:g}": subprocess.Popen(["sleep", str(args.seconds + 30)]),
    }
    print(f"window {args.seconds:g} s; numbers after start-up are from +{SETTLE:g} s", flush=True)
    time.sleep(SETTLE)
    settled = {name: sample(p.pid) for name, p in procs.items()}
    time.sleep(args.seconds - SETTLE)
    end = {name: sample(p.pid) for name, p in procs.items()}
    results = []
    for name, proc in procs.items():
        proc.send_signal(signal.SIGTERM)
        _pid, _status, usage = os.wait4(proc.pid, 0)
        proc.returncode = 0
        results.append(Result(name, settled[name], end[name], usage.ru_utime + usage.ru_stime))
    remind = procs["glutecoach remind --plain"]
    assert remind.stdout is not None
    lines = remind.stdout.read().splitlines()
    print(
        f"{'':<26}{'idle CPU':>11}{'all CPU':>11}{'RSS +15s':>12}{'RSS end':>12}"
        f"{'peak RSS':>12}{'wakes':>9}"
    )
    for result in results:
        print(result.row())
    nudges = sum("Time to stand up" in line for line in lines)
    print(f"nudges printed: {nudges}")
    glutecoach = results[0]
    growth = glutecoach.end.rss_kb - glutecoach.settled.rss_kb
    print(f"glutecoach RSS growth over the window: {growth} kB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
