"""A first session on an empty phrase cache, with the real worker and the real natural voice
(Piper) rendering into a fresh cache folder: the clock starts only once the first cue is
rendered and measured; and the background warm-up fills the cache so the next run is ready
at once."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from fakes import RecordingLog
from test_voice_natural import _natural_gate, natural_default  # noqa: F401 (fixtures)
from voice_helpers import PlayerLog

from glutecoach.engine.catalog import load_catalog
from glutecoach.engine.plan import build_plan, normalise
from glutecoach.engine.routines import load_routines
from glutecoach.store.settings import Settings
from glutecoach.voice import make_voice, warmup
from glutecoach.voice.synth import PhraseCache, Synth
from glutecoach.workout import events as view
from glutecoach.workout.replan import FIRST_STEPS, texts
from glutecoach.workout.run import WorkoutRun
from glutecoach.workout.trace import CUE_LOG_ENV

pytestmark = pytest.mark.voice


def factory(cache: Path) -> Any:
    def make(mode: str, settings: Settings, **kwargs: Any) -> Any:
        return make_voice(mode, settings, cache_dir=cache, **kwargs)

    return make


def test_on_a_cold_cache_the_clock_starts_only_once_the_first_cue_is_rendered(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    natural_default: None,  # noqa: F811
    stand_in: PlayerLog,
) -> None:
    cache = tmp_path / "cache"
    log = tmp_path / "cues.jsonl"
    monkeypatch.setenv(CUE_LOG_ENV, str(log))
    plan = build_plan(load_routines().get("desk-reset"), load_catalog())
    first_lines = texts(plan, 0, FIRST_STEPS)
    # No time for the other lines once the first steps' are in: the clock starts then.
    run = WorkoutRun(
        plan,
        Settings(),
        log=RecordingLog(),
        voice_factory=factory(cache),
        voice_mode="speech",
        ready_wait=0.05,
    )
    began = time.monotonic()
    run.open()
    seen: list[Any] = []
    try:
        while not run.started and time.monotonic() - began < 30:
            seen += run.poll()
            time.sleep(0.02)
        seen += run.poll()
        assert run.started
        assert run.voice.engine.get("natural"), run.voice.engine  # Piper rendered them
        # When the clock started, every line of the first steps was in the cache, measured.
        synth = Synth("", 170, 1.0, lazy=True)
        on_disk = PhraseCache(cache, synth)
        assert all(on_disk.has(t) for t in first_lines), "started before they were rendered"
        start = json.loads(log.read_text(encoding="utf-8").splitlines()[0])
        assert start["ev"] == "start"
        measured = set(run.plan.options.speech_seconds or {}) if run.plan.options else set()
        assert {normalise(t) for t in first_lines} <= measured
        assert not [e for e in seen if isinstance(e, view.VoiceNotice)], seen
        # The first cue is played from the cache: the player gets it at once.
        first = plan.steps[0].cues[0].text
        events = stand_in.wait_for(lambda ev: any(e["event"] == "start" for e in ev), 10)
        assert events[0]["text"] == first
    finally:
        run.close(silent=True)
        run.voice.close(drain=0, wait=True)


def test_the_warm_up_fills_the_cache_so_the_next_run_is_ready_at_once(
    tmp_path: Path,
    natural_default: None,  # noqa: F811
    stand_in: PlayerLog,
) -> None:
    cache = tmp_path / "cache"
    plan = build_plan(load_routines().get("stretch-break"), load_catalog())
    lines = warmup.lines_to_warm([plan])
    job = warmup.Job("", 170, 1.0, tuple(lines))
    w = warmup.Warmup(lambda: job, cache_dir=cache, delay=0.0, speakers=warmup.Speakers()).start()
    try:
        assert w.wait_idle(120), "the warm-up did not finish"
        assert w.warmed == [job], (w.warmed, w.failed)
    finally:
        w.close()
    synth = Synth("", 170, 1.0, lazy=True)
    assert synth.natural
    on_disk = PhraseCache(cache, synth)
    assert [t for t in lines if not on_disk.has(t)] == []
    # A run on that cache: the worker is up and the first steps are there at once.
    voice = make_voice("speech", Settings(), cache_dir=cache)
    try:
        began = time.monotonic()
        voice.prepare(texts(plan, 0, FIRST_STEPS))
        assert voice.wait_ready(10)
        took = time.monotonic() - began
        assert voice.engine.get("natural")
        assert took < 3.0, f"warm cache still took {took:.2f} s"
    finally:
        voice.close(drain=0, wait=True)


def test_a_cached_line_plays_at_once_while_lines_render_ahead(
    tmp_path: Path,
    natural_default: None,  # noqa: F811
    stand_in: PlayerLog,
) -> None:
    """The run asks for the rest of the routine as the clock starts: a line in the cache
    must not wait behind a line being rendered ahead (0.05-0.6 s each with this voice)."""
    from glutecoach.voice.client import WorkerClient

    events: list[tuple[float, dict[str, Any]]] = []
    client = WorkerClient(
        lambda ev: events.append((time.monotonic(), ev)),
        cache_dir=tmp_path / "cache",
        prerender=False,
    )
    client.start()
    try:
        client.send(op="prerender", texts=["Go."], seq=1)
        deadline = time.monotonic() + 30
        while not any(e.get("ev") == "prepared" for _t, e in events):
            assert time.monotonic() < deadline, events
            time.sleep(0.01)
        long = [  # long lines, each a render of a few tenths of a second
            f"Sentence {n}: lie on your side with your knees bent, heels together, and lift "
            "the top knee slowly without rolling your hips back, then lower it all the way."
            for n in range(8)
        ]
        client.send(op="prerender", texts=long, seq=2)
        lates = []
        for uid in range(1, 4):
            time.sleep(0.25)  # in the middle of a render
            asked = time.monotonic()
            client.send(op="say", id=uid, text="Go.")
            while not any(e.get("ev") == "started" and e.get("id") == uid for _t, e in events):
                assert time.monotonic() - asked < 5, events
                time.sleep(0.002)
            began = next(t for t, e in events if e.get("ev") == "started" and e.get("id") == uid)
            lates.append(began - asked)
        assert max(lates) < 0.08, f"a cached line waited for a render ahead: {lates}"
        # ... and the lines ahead were all rendered all the same.
        while not any(e.get("ev") == "prepared" and e.get("seq") == 2 for _t, e in events):
            assert time.monotonic() < deadline + 60, events
            time.sleep(0.02)
    finally:
        client.close()
