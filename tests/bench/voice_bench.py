"""How fast the voice answers, and what it costs the timer, beside the naive approach.

    .venv/bin/python tests/bench/voice_bench.py

Both sides play through the same stand-in player (tests/voice/stand_in_player.py: a real
process that logs when it starts and lasts as long as the WAV), because this machine has
no sound card. The baseline is pyttsx3's own ``say()`` + ``runAndWait()`` in the caller's
process (voice_naive.py), measured in the same run. Also reports how long rendered phrases
last at 170 words per minute, for the cue script's timing.
"""

from __future__ import annotations

import array
import itertools
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
# espeak-ng's numbers, as before the natural voice (tests/bench/natural_bench.py has those):
# the worker and the render subprocess below inherit this.
os.environ["GLUTECOACH_NATURAL"] = "0"
STAND_IN = ROOT / "tests" / "voice" / "stand_in_player.py"
LONG = "Lie on your back, knees bent, feet flat, and press your lower back into the floor."
RUNS = 5


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def summary(values: list[float]) -> str:
    return f"{ms(statistics.median(values))} (worst {ms(max(values)).strip()})"


class Log:
    def __init__(self, path: Path) -> None:
        self.path = path

    def events(self) -> list[dict]:
        if not self.path.exists():
            return []
        return [json.loads(x) for x in self.path.read_text().splitlines() if x]

    def wait(self, event: str, count: int, timeout: float = 10.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [e for e in self.events() if e["event"] == event]
            if len(found) >= count:
                return found[count - 1]
            time.sleep(0.001)
        raise SystemExit(f"stand-in player never logged {event} #{count}")


def naive(tmp: Path) -> dict:
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    aplay = bin_dir / "aplay"
    aplay.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} {STAND_IN} "$1"\n')
    aplay.chmod(0o755)
    log = tmp / "naive.jsonl"
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "GLUTECOACH_TEST_PLAYER_LOG": str(log),
    }
    env.pop("GLUTECOACH_PLAYER", None)
    log.touch()
    spawned = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(HERE / "voice_naive.py"), str(spawned), str(log)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    if done.returncode != 0:
        raise SystemExit(f"naive baseline failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def ours(tmp: Path) -> dict:
    from glutecoach.engine.model import Cue, CueKind
    from glutecoach.store.settings import Settings
    from glutecoach.voice import make_voice

    log = Log(tmp / "ours.jsonl")
    os.environ["GLUTECOACH_TEST_PLAYER_LOG"] = str(log.path)
    os.environ["GLUTECOACH_PLAYER"] = f"{shlex.quote(sys.executable)} {STAND_IN} {{file}}"
    speaking: list[float] = []

    def on_state(state: str) -> None:
        if state == "speaking":
            speaking.append(time.monotonic())

    t0 = time.monotonic()
    v = make_voice("speech", Settings(), on_state=on_state, cache_dir=tmp / "cache")
    made = time.monotonic() - t0
    while not v.engine:
        time.sleep(0.0005)
    ready = time.monotonic() - t0
    time.sleep(1.0)  # let it render the common phrases ahead, as in a real session
    played = 0

    def cue(text: str, kind: CueKind = CueKind.ANNOUNCE) -> tuple[float, float, float]:
        """(caller blocked, cue -> worker says started, cue -> player process logged)."""
        nonlocal played
        before = len(speaking)
        t = time.monotonic()
        v.cue(Cue(0, text, kind))
        blocked = time.monotonic() - t
        played += 1
        v.wait_idle(10)  # a condition wait: no polling in this process while it works
        start = log.wait("start", played)
        return blocked, speaking[before] - t, start["t"] - t

    cached = [cue(str(n), CueKind.COUNT) for n in (7, 6, 5, 4, 3)]
    new = [cue(f"Phrase number {n} for the worker run") for n in range(RUNS)]

    flush = []
    for n in range(3):
        v.cue(Cue(0, LONG, CueKind.SETUP))
        played += 1
        time.sleep(0.3)
        log.wait("start", played)
        t = time.monotonic()
        v.flush()
        flush.append(log.wait("stopped", n + 1)["t"] - t)
        v.wait_idle(5)

    interval = 0.1
    frames, calls = [], []
    script = ["Glute bridges", "10", "9", "Keep your hips level", "8", "7", "Rest", "6"]
    start = time.monotonic()
    for frame in range(30):
        target = start + frame * interval
        time.sleep(max(0.0, target - time.monotonic()))
        frames.append(time.monotonic())
        if frame % 4 == 0:
            text = script[frame // 4]
            t = time.monotonic()
            v.cue(Cue(0, text, CueKind.COUNT if text.isdigit() else CueKind.ANNOUNCE))
            calls.append(time.monotonic() - t)
    gaps = [b - a for a, b in itertools.pairwise(frames)]
    v.close()
    return {
        "make_voice": made,
        "ready": ready,
        "engine": v.engine.get("engine", ""),
        "cached_started": [c[1] for c in cached],
        "cached_player": [c[2] for c in cached],
        "new_started": [c[1] for c in new],
        "new_player": [c[2] for c in new],
        "blocked": [c[0] for c in cached + new] + calls,
        "flush": flush,
        "gap_max": max(gaps),
        "gap_p95": statistics.quantiles(gaps, n=20)[-1],
    }


PHRASES = [
    "3",
    "Go.",
    "Rest.",
    "Switch sides.",
    "Glute bridges",
    "Squeeze at the top.",
    "First up: glute bridges.",
    "Next up: clamshells. Lie on your side with your knees bent.",
    "Lie on your back, knees bent, feet flat, and press your lower back into the floor.",
    "All done: Desk reset, seven minutes. Nice work.",
]


def voiced_seconds(path: Path) -> float:
    """Duration without the silence espeak leaves before and after the words."""
    with wave.open(str(path), "rb") as w:
        rate = w.getframerate()
        samples = array.array("h", w.readframes(w.getnframes()))
    loud = [i for i, s in enumerate(samples) if abs(s) > 500]
    return (loud[-1] - loud[0]) / rate if loud else 0.0


def durations(tmp: Path) -> str:
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from glutecoach.voice.synth import Synth\n"
        "s = Synth(rate=170)\n"
        "out = []\n"
        "for i, text in enumerate(json.loads(sys.argv[1])):\n"
        "    p = Path(sys.argv[2]) / f'{i}.wav'\n"
        "    out.append([text, s.render(text, p), str(p)])\n"
        "print(json.dumps(out))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(PHRASES), str(tmp)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    rows = json.loads(done.stdout.strip().splitlines()[-1])
    lines = [f"  {'phrase':<60} {'words':>5} {'wav s':>6} {'spoken s':>8} {'words/s':>7}"]
    total_words = total_wav = total_voiced = 0.0
    for text, seconds, path in rows:
        words = len(text.split())
        voiced = voiced_seconds(Path(path))
        total_words += words
        total_wav += seconds
        total_voiced += voiced
        shown = text if len(text) <= 58 else text[:55] + "..."
        lines.append(
            f"  {shown:<60} {words:>5} {seconds:>6.2f} {voiced:>8.2f} {words / seconds:>7.2f}"
        )
    lines.append(
        f"  {'all phrases together':<60} {int(total_words):>5} {total_wav:>6.2f} "
        f"{total_voiced:>8.2f} {total_words / total_wav:>7.2f}"
    )
    multi = [(t, s) for t, s, _ in rows if len(t.split()) >= 5]
    wps = sum(len(t.split()) for t, _ in multi) / sum(s for _, s in multi)
    lines.append(f"  sentences of 5+ words: {wps:.2f} words per second of WAV at 170 wpm")
    return "\n".join(lines)


def main() -> int:
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        os.environ["GLUTECOACH_HOME"] = str(tmp / "home")
        base = naive(tmp)
        mine = ours(tmp)
        table = durations(tmp)
    print(f"voice benchmark: {os.cpu_count()} cores, stand-in player, engine: {mine['engine']}")
    print(f"{'':<40} {'glutecoach (worker)':<28} {'naive pyttsx3 in-process':<28}")
    rows = [
        ("process start -> ready to speak", ms(mine["ready"]), ms(base["ready"])),
        ("make_voice() returns after", ms(mine["make_voice"]), "-"),
        (
            "cue -> player started, cached text",
            summary(mine["cached_player"]),
            summary(base["repeat_started"]) + " (no cache)",
        ),
        (
            "cue -> player started, new text",
            summary(mine["new_player"]),
            summary(base["new_started"]),
        ),
        ("cue -> worker reports started, cached", summary(mine["cached_started"]), "-"),
        ("cue -> worker reports started, new", summary(mine["new_started"]), "-"),
        ("caller blocked per cue", summary(mine["blocked"]), summary(base["blocked"])),
        (
            "flush during a cue -> sound cut",
            summary(mine["flush"]),
            summary(base["flush"]) + " (cannot cut)",
        ),
        ("100 ms timer, worst frame gap", ms(mine["gap_max"]), ms(base["gap_max"])),
        ("100 ms timer, 95th percentile gap", ms(mine["gap_p95"]), ms(base["gap_p95"])),
    ]
    for label, a, b in rows:
        print(f"{label:<40} {a:<28} {b}")
    print("\nrendered phrase lengths at 170 wpm (WAV includes espeak's pause after the words):")
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
