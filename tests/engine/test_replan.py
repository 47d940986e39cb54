"""The run lays its plan out again with the lengths the voice measured, before the clock starts."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from engine_support import MEASURED, all_cues, cue_overlaps
from fakes import FakeClock, RecordingLog
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glutecoach.engine.catalog import load_catalog
from glutecoach.engine.model import Plan
from glutecoach.engine.plan import PlanOptions, build_plan, lengths_for, normalise, speech_seconds
from glutecoach.engine.routines import load_routines
from glutecoach.store.settings import Settings
from glutecoach.voice.recording import RecordingVoice
from glutecoach.workout.replan import lay_out, texts
from glutecoach.workout.run import READY_WAIT, WorkoutRun
from glutecoach.workout.trace import CUE_LOG_ENV


def model_plan(routine: str = "desk-reset", **options: Any) -> Plan:
    return build_plan(load_routines().get(routine), load_catalog(), PlanOptions(**options))


def run_with(
    voice: RecordingVoice, plan: Plan, settings: Settings | None = None
) -> tuple[WorkoutRun, FakeClock]:
    clock = FakeClock()
    run = WorkoutRun(
        plan,
        settings or Settings(),
        log=RecordingLog(),
        voice_factory=lambda mode, settings, **_: voice,
        clock=clock,
    )
    return run, clock


def said(run: WorkoutRun, clock: FakeClock, voice: RecordingVoice) -> list[tuple[float, str]]:
    """Walk the whole run; every cue the voice got, at its due time from the clock's start."""
    start = clock()
    while not run.finished:
        clock.advance(0.25)
        run.poll()
    return [(round(c[2] - start, 2), c[1].text) for c in voice.calls if c[0] == "cue"]


def test_the_plan_is_laid_out_with_the_lengths_the_voice_measured() -> None:
    slower = {text: seconds * 1.3 for text, seconds in MEASURED.items()}
    voice = RecordingVoice("speech")
    voice.speech_lengths = slower
    model = model_plan()
    run, clock = run_with(voice, model)
    run.open()
    run.poll()
    assert run.started
    assert model.options is not None
    expected = build_plan(
        model.routine, load_catalog(), replace(model.options, speech_seconds=slower)
    )
    assert run.plan.steps == expected.steps
    assert run.plan.steps != model.steps  # a slower voice: some lines moved or left out
    assert [s.seconds for s in run.plan.steps] == [s.seconds for s in model.steps]
    assert cue_overlaps(run.plan, lengths_for(replace(model.options, speech_seconds=slower))) == []
    # The session walks the new plan: each cue reaches the voice when the new plan says.
    heard = said(run, clock, voice)
    assert [(round(at, 2), text) for at, text in all_cues(run.plan)] == [
        (pytest.approx(at, abs=0.26), text) for at, text in heard
    ]


class FirstStepsOnly(RecordingVoice):
    """A voice on an empty cache: the first steps' lines come back measured, the rest not
    before the run stops waiting."""

    def __init__(self, plan: Plan) -> None:
        super().__init__("speech")
        self.first = texts(plan, 0, 2)
        self.speech_lengths = {
            normalise(t): MEASURED.get(normalise(t), 1.0) * 1.2 for t in self.first
        }
        self.rounds = 0

    def prepare(self, texts: Any) -> None:
        super().prepare(texts)
        self.rounds += 1

    def wait_ready(self, timeout: float = 0.0) -> bool:
        return self.rounds < 2  # the first round is done, the second never is


def test_on_the_deadline_lines_not_yet_measured_keep_the_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "cues.jsonl"
    monkeypatch.setenv(CUE_LOG_ENV, str(log))
    model = model_plan()
    voice = FirstStepsOnly(model)
    run, clock = run_with(voice, model)
    run.open()
    run.poll()
    assert voice.rounds == 2 and not run.started  # every line asked for, not yet measured
    clock.advance(READY_WAIT - 0.1)
    run.poll()
    assert not run.started
    clock.advance(0.2)
    run.poll()
    assert run.started, "the run waits no longer than READY_WAIT for the voice"
    assert model.options is not None
    partial = replace(model.options, speech_seconds=voice.speech_lengths)
    assert run.plan.steps == build_plan(model.routine, load_catalog(), partial).steps
    assert run.plan.steps[:2] != model.steps[:2]  # the measured lines moved
    unmeasured = [t for t in texts(run.plan, 0, None) if t not in voice.speech_lengths]
    assert unmeasured  # ... and the rest keep the model's length, at the rate in use
    options = run.plan.options
    assert options is not None
    assert all(lengths_for(options)(t) == speech_seconds(t, 170) for t in unmeasured)
    run.close(silent=True)
    start = json.loads(log.read_text(encoding="utf-8").splitlines()[0])
    assert start["ev"] == "start"
    assert 0 < start["measured"] < start["lines"]
    assert start["plan"] == run.plan.to_json()


def test_a_voice_that_measures_nothing_gets_the_model_at_the_rate_in_use() -> None:
    voice = RecordingVoice("captions")
    model = model_plan()
    run, _clock = run_with(voice, model, Settings(rate=120))
    run.start()
    assert model.options is not None
    slow = build_plan(model.routine, load_catalog(), replace(model.options, speech_rate=120))
    assert run.plan.steps == slow.steps != model.steps


def test_a_plan_made_by_hand_is_left_as_it_is() -> None:
    model = model_plan()
    by_hand = Plan(model.routine, model.steps, model.exercises, model.closing)
    layout = lay_out(by_hand, {"Rest.": 3.0}, 100)
    assert layout.plan is by_hand
    assert layout.measured == 0 < layout.lines


def test_the_cue_log_has_every_cue_the_voice_got_with_its_due_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "cues.jsonl"
    monkeypatch.setenv(CUE_LOG_ENV, str(log))
    voice = RecordingVoice("speech")
    voice.speech_lengths = dict(MEASURED)
    run, clock = run_with(voice, model_plan("desk-reset"))
    run.open()
    run.poll()
    said(run, clock, voice)
    run.close()
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    start, cues = records[0], records[1:]
    assert start["measured"] == start["lines"]  # every line the plan says was measured
    got = [(c[2], c[1].text) for c in voice.calls if c[0] == "cue"]
    assert [(r["due"], r["text"]) for r in cues] == got
    assert all(r["ev"] == "cue" for r in cues)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    routine=st.sampled_from(["desk-reset", "full", "stretch-break"]),
    pace=st.floats(0.6, 1.8),
    kept=st.sets(st.sampled_from(sorted(MEASURED)), max_size=len(MEASURED)),
    rate=st.integers(90, 300),
)
def test_laid_out_with_measured_lengths_no_cue_overlaps_another(
    routine: str, pace: float, kept: set[str], rate: int
) -> None:
    """Real measured lengths at another pace, some lines not measured (the model at ``rate``
    for those): the plan the run walks never talks over itself."""
    voice = RecordingVoice("speech")
    voice.speech_lengths = {text: MEASURED[text] * pace for text in kept}
    run, _clock = run_with(voice, model_plan(routine), Settings(rate=rate))
    run.start()
    options = run.plan.options
    assert options is not None and options.speech_rate == rate
    assert cue_overlaps(run.plan, lengths_for(options)) == []
