"""The voice says when it is ready to be on time: the worker is up and has rendered (and
measured) what the run asked for, so a plan can be laid out with the voice's own lengths."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from glutecoach.engine.catalog import load_catalog
from glutecoach.engine.plan import PlanOptions, build_plan, lengths_for, plan_phrases
from glutecoach.engine.routines import load_routines
from glutecoach.store.settings import Settings
from glutecoach.voice import make_voice

pytestmark = pytest.mark.voice


def test_wait_ready_waits_for_the_worker_and_the_prepared_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GLUTECOACH_PLAYER", "true {file}")  # nothing to hear here
    routine = load_routines().get("desk-reset")
    catalog = load_catalog()
    phrases = plan_phrases(routine, catalog)
    voice = make_voice("speech", Settings(), cache_dir=tmp_path / "cache")
    try:
        voice.prepare(phrases)
        assert not voice.wait_ready(0)  # a routine's lines take more than no time
        assert voice.wait_ready(60)
        assert voice.engine  # the worker said ready
        lengths = voice.speech_lengths
        missing = [p for p in phrases if p not in lengths]
        assert not missing
        assert 1.2 < lengths["Next up: clamshells."] < 2.0
        assert 0.15 < lengths["3"] < 0.5
        # The plan laid out with what the voice measured keeps every line apart.
        options = PlanOptions(speech_seconds=lengths)
        plan = build_plan(routine, catalog, options)
        length = lengths_for(options)
        for step in plan.steps:
            ends = [(c.at, c.at + length(c.text)) for c in step.cues]
            for (_a, end), (start, _b) in itertools.pairwise(ends):
                assert start >= end - 0.006, step  # times are rounded to 0.01 s
        # Asking again for lines already rendered is ready at once (from the cache).
        voice.prepare(phrases[:5])
        assert voice.wait_ready(10)
    finally:
        voice.close(drain=0, wait=True)


def test_wait_ready_is_true_at_once_when_nothing_speaks(tmp_path: Path) -> None:
    voice = make_voice("captions", Settings(), cache_dir=tmp_path / "cache")
    try:
        voice.prepare(["Next up: clamshells."])
        assert voice.wait_ready(0)
    finally:
        voice.close(drain=0, wait=True)
