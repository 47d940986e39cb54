"""What a listener hears, at a real sound server's sink: the branch point's code beside this one.

    .venv/bin/python tests/bench/ear_bench.py                 # a 2.5 minute routine, each side
    .venv/bin/python tests/bench/ear_bench.py desk-reset      # the built-in 7 minutes, each side
    .venv/bin/python tests/bench/ear_bench.py --base REF      # another "before"

Both sides run `glutecoach run ROUTINE --plain --voice speech` through paplay into the same
private PulseAudio null sink (tests/ear/ear_support.py), one after the other, in a fresh home
each. "before" is the code at BASELINE, the commit before this work (untrimmed renders, a
line finished when its player exits, the old speech-length model and rep counting),
extracted with `git archive`; "after" is this tree. Every printed cue is found in the recording by
cross-correlation with the file played, and timed against when it was due.

A third measurement is the cold start: a new voice, then its first line, said at once (what
both sides do today) or after ``wait_ready`` (what a run does that waits for the voice).

Needs pulseaudio, pactl, parec and pacat (Debian: pulseaudio, pulseaudio-utils).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "tests" / "ear"))
sys.path.insert(0, str(ROOT))

from ear_support import (  # noqa: E402
    Cue,
    Heard,
    MonitorRecording,
    SoundServer,
    countdown_spacings,
    due_cues,
    match,
    phrase_files,
    plan_json,
    run_plain,
    sound_server,
    why_no_sound_server,
)

# Every kind of step and cue: rep work with rests, set-up after "Next up", a one-sided move
# with form cues, timed holds with "Halfway.".
BENCH = """name = "Ear bench"
lead_in = 10
transition = 10
switch = 5

[[exercise]]
id = "glute-bridge"
sets = 2
reps = 5
rest = 10

[[exercise]]
id = "clamshell"
seconds = 15

[[exercise]]
id = "runners-stretch"
seconds = 20
"""


@dataclass
class Side:
    name: str
    heard: list[Heard]
    plan: dict[str, object]


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:.0f} ms"


def p95(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


# The last commit before trimmed renders, measured lengths and counted reps: "before".
BASELINE = "77a9dce467"


def base_tree(dest: Path, ref: str | None) -> tuple[Path, str]:
    """The baseline's code unpacked: ``ref``, else BASELINE, else the merge base with main."""
    base = ""
    for candidate in (ref, BASELINE):
        if (
            candidate
            and subprocess.run(
                ["git", "cat-file", "-e", f"{candidate}^{{commit}}"], cwd=ROOT, capture_output=True
            ).returncode
            == 0
        ):
            base = candidate
            break
    for branch in () if base else ("main", "origin/main"):
        done = subprocess.run(
            ["git", "merge-base", "HEAD", branch], cwd=ROOT, capture_output=True, text=True
        )
        if done.returncode == 0:
            base = done.stdout.strip()
            break
    if not base:
        raise SystemExit("no main branch to compare with")
    archive = dest / "base.tar"
    subprocess.run(
        ["git", "archive", "--format=tar", "-o", str(archive), base, "glutecoach"],
        cwd=ROOT,
        check=True,
    )
    with tarfile.open(archive) as tar:
        tar.extractall(dest / "base", filter="data")
    return dest / "base", base[:10]


def hear(sink: SoundServer, code: Path, routine_id: str, text: str, work: Path, name: str) -> Side:
    home = work / f"home-{name}"
    (home / "routines").mkdir(parents=True)
    (home / "routines" / f"{routine_id}.toml").write_text(text, encoding="utf-8")
    paplay = shutil.which("paplay") or "paplay"
    env = {
        **os.environ,
        **sink.env,
        "GLUTECOACH_HOME": str(home),
        "GLUTECOACH_PLAYER": f"{paplay} {{file}}",
        "PYTHONPATH": str(code),
    }
    check = subprocess.run(
        [sys.executable, "-c", "import glutecoach; print(glutecoach.__file__)"],
        env=env,
        cwd=code,
        capture_output=True,
        text=True,
        check=True,
    )
    assert check.stdout.strip().startswith(str(code)), (check.stdout, code)
    env.pop("GLUTECOACH_RELAY", None)
    plan = plan_json(routine_id, env, cwd=code)
    recording = MonitorRecording(sink)
    recording.wait_started()
    run = run_plain(routine_id, env, timeout=1200, cwd=code)
    samples, _t0 = recording.stop()
    clock = recording.clock()
    if run.status != 0:
        print(run.stderr)
    cues = due_cues(plan, run)
    return Side(name, match(samples, clock, cues, phrase_files(home / "cache" / "voice")), plan)


def last_reps(side: Side) -> tuple[int, int]:
    """(rep-work steps whose last rep was heard by its number, rep-work steps)."""
    steps = side.plan["steps"]
    assert isinstance(steps, list)
    wanted: dict[int, str] = {}
    for index, step in enumerate(steps):
        if step.get("reps"):
            wanted[index] = str(step["reps"])
    heard = {
        h.cue.step
        for h in side.heard
        if h.heard and h.cue.step in wanted and h.cue.text.split(",")[0] == wanted[h.cue.step]
    }
    return len(heard), len(wanted)


def report(sides: list[Side]) -> None:
    rows: list[tuple[str, list[str]]] = []

    def row(label: str, values: list[str]) -> None:
        rows.append((label, values))

    for side in sides:
        side.heard.sort(key=lambda h: h.cue.due)
    row("cues heard", [f"{sum(h.heard for h in s.heard)}/{len(s.heard)}" for s in sides])
    late = [[h.late for h in s.heard[1:] if h.late is not None] for s in sides]
    row("onset after due, max (after the 1st)", [ms(max(v, default=None)) for v in late])
    row("onset after due, p95 (after the 1st)", [ms(p95(v)) for v in late])
    setup = [
        [h.late for h in s.heard if h.late is not None and h.cue.kind == "setup"] for s in sides
    ]
    row("set-up lines, max", [ms(max(v, default=None)) for v in setup])
    timing = [
        [h.late for h in s.heard if h.late is not None and h.cue.kind in ("count", "rep")]
        for s in sides
    ]
    row("counts and reps, p95", [ms(p95(v)) for v in timing])
    row("counts and reps, max", [ms(max(v, default=None)) for v in timing])
    spacing = [[g for g in countdown_spacings(s.heard) if 0.5 < g < 1.5] for s in sides]
    row(
        "3-2-1 spacing, mean (min-max)",
        [f"{statistics.mean(v):.3f} s ({min(v):.3f}-{max(v):.3f})" if v else "-" for v in spacing],
    )
    row("first cue (run starts at once)", [ms(s.heard[0].late) for s in sides])
    row("last rep counted", ["{}/{} sets".format(*last_reps(s)) for s in sides])
    for side in sides:
        worst = sorted(
            (h for h in side.heard[1:] if h.late is not None), key=lambda h: -(h.late or 0)
        )
        print(
            f"{side.name}, latest: " + "; ".join(f"{h.cue.text!r} {ms(h.late)}" for h in worst[:4])
        )
    missed = [h.cue.text for s in sides for h in s.heard if not h.heard]
    if missed:
        print("not heard:", missed)
    print()
    width = max(len(label) for label, _ in rows)
    print(f"{'':{width}}  " + "  ".join(f"{s.name:>24}" for s in sides))
    for label, values in rows:
        print(f"{label:{width}}  " + "  ".join(f"{v:>24}" for v in values))


COLD = textwrap.dedent(
    """
    import sys, time, json
    from pathlib import Path
    from glutecoach.engine.model import Cue, CueKind
    from glutecoach.store.settings import Settings
    from glutecoach.voice import make_voice
    wait = sys.argv[1] == "wait"
    line = "First up: glute bridges."
    voice = make_voice("speech", Settings(), cache_dir=Path(sys.argv[2]))
    voice.prepare([line, "Lie on your back. Knees bent, feet flat, hip-width apart."])
    ready = voice.wait_ready(10) if wait else None
    due = time.monotonic()
    voice.cue(Cue(0, line, CueKind.ANNOUNCE), due)
    voice.wait_idle(10)
    voice.close(drain=0, wait=True)
    print(json.dumps({"due": due, "ready": ready}))
    """
)


def cold_start(sink: SoundServer, work: Path, wait: bool, n: int) -> list[float]:
    """Onset of a fresh voice's first line after it was due, ``n`` times."""
    import json

    found: list[float] = []
    for i in range(n):
        cache = work / f"cold-{wait}-{i}"
        recording = MonitorRecording(sink)
        recording.wait_started()
        done = subprocess.run(
            [sys.executable, "-c", COLD, "wait" if wait else "now", str(cache)],
            env={**os.environ, **sink.env, "PYTHONPATH": str(ROOT), "GLUTECOACH_HOME": str(work)},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        samples, _t0 = recording.stop()
        clock = recording.clock()
        if done.returncode != 0:
            print(done.stderr)
            continue
        due = json.loads(done.stdout.strip().splitlines()[-1])["due"]
        files = phrase_files(cache)
        first = Cue("First up: glute bridges.", "announce", due, 0)
        [heard] = match(samples, clock, [first], files)
        if heard.late is not None:
            found.append(heard.late)
    return found


def main(argv: list[str]) -> int:
    why = why_no_sound_server()
    if why:
        print(f"skipped: {why}")
        return 0
    ref = None
    if "--base" in argv:
        at = argv.index("--base")
        ref = argv[at + 1]
        del argv[at : at + 2]
    routine_id = argv[0] if argv else "ear-bench"
    with tempfile.TemporaryDirectory(prefix="glutecoach-ear-bench-") as tmp, sound_server() as sink:
        work = Path(tmp)
        base, commit = base_tree(work, ref)
        text = BENCH
        if routine_id != "ear-bench":
            builtin = ROOT / "glutecoach" / "data" / "routines" / f"{routine_id}.toml"
            text = builtin.read_text(encoding="utf-8")
            routine_id = f"{routine_id}-copy"  # the same file for both sides, as the user's
        started = time.monotonic()
        before = hear(sink, base, routine_id, text, work, f"before ({commit})")
        after = hear(sink, ROOT, routine_id, text, work, "after (this tree)")
        print(
            f"\n{routine_id}, line mode, paplay into a PulseAudio null sink "
            f"({time.monotonic() - started:.0f} s)\n"
        )
        report([before, after])
        now = cold_start(sink, work, wait=False, n=3)
        ready = cold_start(sink, work, wait=True, n=3)
        print(
            f"\nfirst line of a new voice: said at once {', '.join(ms(v) for v in now)}; "
            f"after wait_ready {', '.join(ms(v) for v in ready)}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
