"""The nudge said by the real speech engine, played by the voice tests' stand-in player
(which logs what it was given): the whole path from the reminder to a WAV being played."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STAND_IN = ROOT / "tests" / "voice" / "stand_in_player.py"
EXE = str(Path(sys.executable).parent / "glutecoach")


@pytest.mark.voice
def test_a_nudge_is_spoken_through_the_speech_engine(isolated_home: Path, tmp_path: Path) -> None:
    from glutecoach.voice import engine

    if not engine.locate().ok:
        if os.environ.get("GLUTECOACH_REQUIRE_VOICE"):
            pytest.fail("GLUTECOACH_REQUIRE_VOICE is set but no speech engine was found")
        pytest.skip("no speech engine found (set GLUTECOACH_REQUIRE_VOICE=1 to make this fail)")
    log = tmp_path / "player.jsonl"
    env = {
        **os.environ,
        "GLUTECOACH_TEST_PLAYER_LOG": str(log),
        "GLUTECOACH_PLAYER": f"{shlex.quote(sys.executable)} {shlex.quote(str(STAND_IN))} {{file}}",
    }
    proc = subprocess.Popen(
        [EXE, "remind", "--plain", "--every", "1s", "--snooze", "1h", "--voice", "speech"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    started: list[str] = []
    while time.monotonic() < deadline and not started:
        if log.exists():
            events = [json.loads(line) for line in log.read_text().splitlines() if line]
            started = [e["text"] for e in events if e["event"] == "start"]
        time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert started, f"nothing was played; stderr:\n{err}\nstdout:\n{out}"
    assert started[0].startswith("Time to stand up. You have sat for")
    assert "Press B" not in started[0]  # no keyboard here, so no keys to offer
