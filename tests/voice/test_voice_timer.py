"""The caller's timer keeps its cadence while the voice speaks (frame gaps <= 1.1x)."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest
from voice_helpers import PlayerLog

from glutecoach.engine.model import Cue, CueKind
from glutecoach.store.settings import Settings
from glutecoach.voice import make_voice

pytestmark = pytest.mark.voice

INTERVAL = 0.1


def test_a_100ms_timer_keeps_its_cadence_while_cues_are_spoken(
    stand_in: PlayerLog, tmp_path: Path
) -> None:
    v = make_voice("speech", Settings(), cache_dir=tmp_path / "c")
    script = ["Glute bridges", "10", "9", "Keep your hips level", "8", "7", "Switch sides"]
    script += [f"New phrase number {n} never heard before" for n in range(3)]
    try:
        start = time.monotonic()
        frames: list[float] = []
        calls: list[float] = []
        for frame in range(40):
            target = start + frame * INTERVAL
            time.sleep(max(0.0, target - time.monotonic()))
            frames.append(time.monotonic())
            if frame % 4 == 0 and script:
                text = script.pop(0)
                t0 = time.monotonic()
                v.cue(Cue(0, text, CueKind.COUNT if text.isdigit() else CueKind.ANNOUNCE))
                calls.append(time.monotonic() - t0)
        gaps = [b - a for a, b in itertools.pairwise(frames)]
        assert len(stand_in.started()) >= 5  # it really was speaking meanwhile
    finally:
        v.close()
    assert max(gaps) <= INTERVAL * 1.1, f"worst frame gap {max(gaps) * 1000:.1f} ms"
    assert max(calls) < 0.005, f"slowest cue() call {max(calls) * 1000:.2f} ms"
