"""A stand-in audio player for tests: records what it was asked to play and sleeps as long
as the WAV lasts, so the worker sees a player that takes real time and can be cut.

Used as GLUTECOACH_PLAYER="python stand_in_player.py {file}"; it appends JSON lines to the
file named by GLUTECOACH_TEST_PLAYER_LOG: start (with the text beside the WAV), then end or
stopped. Times are time.monotonic(), which is system-wide on Linux.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
import wave
from pathlib import Path


def log(event: str, **fields: object) -> None:
    record = {"event": event, "t": time.monotonic(), "pid": os.getpid(), **fields}
    with open(os.environ["GLUTECOACH_TEST_PLAYER_LOG"], "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")


def main() -> int:
    path = Path(sys.argv[1])
    with wave.open(str(path), "rb") as w:
        duration = w.getnframes() / float(w.getframerate())
    sidecar = path.with_suffix(".txt")
    text = sidecar.read_text(encoding="utf-8") if sidecar.exists() else ""

    def stopped(signum: int, frame: object) -> None:
        log("stopped", text=text)
        os._exit(0)

    signal.signal(signal.SIGTERM, stopped)
    log("start", text=text, file=str(path), duration=duration)
    time.sleep(duration)
    log("end", text=text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
