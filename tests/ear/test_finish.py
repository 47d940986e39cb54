"""A line is finished when its speech ends, not when the player process gets round to exiting."""

from __future__ import annotations

import queue
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from glutecoach.voice.client import WorkerClient

pytestmark = pytest.mark.voice

# A player named like paplay (so its start-up lag is known) that lingers a second after the
# sound, as a player draining a long buffer or a slow exit would.
LINGERING = """#!{python}
import sys, time, wave
with wave.open(sys.argv[1], "rb") as w:
    time.sleep(w.getnframes() / w.getframerate() + 1.0)
"""


def test_finished_comes_when_the_speech_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    player = tmp_path / "bin" / "paplay"
    player.parent.mkdir()
    player.write_text(LINGERING.format(python=sys.executable), encoding="utf-8")
    player.chmod(0o755)
    monkeypatch.setenv("GLUTECOACH_PLAYER", f"{player} {{file}}")
    events: queue.Queue[tuple[float, dict[str, Any]]] = queue.Queue()
    worker = WorkerClient(
        lambda ev: events.put((time.monotonic(), ev)), cache_dir=tmp_path / "c", prerender=False
    )
    worker.start()

    def wait_for(name: str) -> tuple[float, dict[str, Any]]:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            at, ev = events.get(timeout=30)
            if ev.get("ev") == name:
                return at, ev
        raise AssertionError(f"no {name!r} event")

    try:
        wait_for("ready")
        worker.send(op="say", id=1, text="Next up: clamshells.")
        started_at, started = wait_for("started")
        finished_at, finished = wait_for("finished")
        assert finished["completed"] is True
        took = finished_at - started_at
        assert 0 < started["speech"] < started["duration"]
        assert took < started["duration"] + 0.5, (took, started)  # not the player's extra 1 s
        assert took > started["speech"] - 0.05
    finally:
        worker.close()
