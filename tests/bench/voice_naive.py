"""The naive baseline for voice_bench.py: pyttsx3 ``say()`` + ``runAndWait()`` in the
caller's own process, as most examples show it. Run by voice_bench.py in a child process
(espeak can be initialised once per process); prints one JSON object.

pyttsx3 2.99 plays by running ``aplay FILE -q`` inside ``runAndWait``; voice_bench.py puts
a stand-in ``aplay`` first on PATH that logs when it starts and lasts as long as the WAV.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import statistics
import sys
import time

LONG = "Lie on your back, knees bent, feet flat, and press your lower back into the floor."


def main() -> int:
    spawned_at = float(sys.argv[1])
    log_path = sys.argv[2]
    from glutecoach.voice import engine

    engine.load()  # the bundled libespeak-ng when the system has none, as in the worker
    import pyttsx3

    tts = pyttsx3.init()
    tts.setProperty("rate", 170)
    ready = time.monotonic() - spawned_at

    def player_starts() -> list[float]:
        with open(log_path, encoding="utf-8") as f:
            return [json.loads(x)["t"] for x in f if '"start"' in x]

    def say(text: str) -> tuple[float, float]:
        """(caller blocked for, cue -> player started)."""
        before = len(player_starts())
        t0 = time.monotonic()
        with contextlib.redirect_stdout(io.StringIO()):
            tts.say(text)
            tts.runAndWait()
        blocked = time.monotonic() - t0
        starts = player_starts()
        started = starts[before] - t0 if len(starts) > before else float("nan")
        return blocked, started

    say("Warm up")  # pyttsx3's first runAndWait returns at once without speaking
    repeat = [say("7") for _ in range(5)]
    new = [say(f"Phrase number {n} for the naive run") for n in range(5)]

    # Flush: there is no working way to cut (stop() deadlocks this process), so a skip
    # 0.2 s into an utterance waits for the rest of it.
    flush = []
    for _ in range(3):
        blocked, started = say(LONG)
        flush.append(blocked - started - 0.2)

    # A 100 ms timer that speaks a cue every 4th frame, inline.
    interval = 0.1
    frames = []
    start = time.monotonic()
    for frame in range(30):
        target = start + frame * interval
        time.sleep(max(0.0, target - time.monotonic()))
        frames.append(time.monotonic())
        if frame % 4 == 0:
            say(
                ["Glute bridges", "10", "9", "Keep your hips level", "8", "7", "Rest", "6"][
                    frame // 4
                ]
            )
    gaps = [b - a for a, b in itertools.pairwise(frames)]

    print(
        json.dumps(
            {
                "ready": ready,
                "repeat_started": [s for _, s in repeat],
                "new_started": [s for _, s in new],
                "blocked": [b for b, _ in repeat + new],
                "flush": flush,
                "gap_max": max(gaps),
                "gap_p95": statistics.quantiles(gaps, n=20)[-1],
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
