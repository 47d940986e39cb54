"""Line mode's reactions to events and keys, driven by a fake clock (no waiting)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from cli_support import FakeClock
from fakes import RecordingLog

from glutecoach.engine.catalog import load_catalog
from glutecoach.engine.describe import mmss
from glutecoach.engine.plan import build_plan
from glutecoach.engine.routines import load_routines
from glutecoach.plain import PlainRunner
from glutecoach.store.settings import Settings
from glutecoach.voice.recording import RecordingVoice
from glutecoach.workout.run import WorkoutRun


def make_runner(
    interactive: bool = False, routine: str = "stretch-break", settings: Settings | None = None
) -> tuple[PlainRunner, FakeClock, io.StringIO, RecordingVoice, RecordingLog]:
    plan = build_plan(load_routines().get(routine), load_catalog())
    clock, out, log = FakeClock(), io.StringIO(), RecordingLog()
    voices: list[RecordingVoice] = []

    def factory(mode: str, settings: Settings, **_: Any) -> RecordingVoice:
        voices.append(RecordingVoice(mode, settings))
        return voices[-1]

    run = WorkoutRun(
        plan,
        settings or Settings(),
        log=log,
        voice_factory=factory,
        clock=clock,
        interactive=interactive,
    )
    runner = PlainRunner(run, out=out, err=io.StringIO())
    run.start()
    return runner, clock, out, voices[0], log


def run_to_end(runner: PlainRunner, clock: FakeClock, every: float = 0.5) -> None:
    while not runner.run.finished:
        runner.poll()
        clock.advance(every)
    runner.poll()


def test_each_cue_becomes_one_line_with_its_time_and_is_spoken_once() -> None:
    runner, clock, out, voice, record = make_runner()
    run_to_end(runner, clock)
    plan = runner.plan
    lines = out.getvalue().splitlines()
    cue_lines = [line for line in lines if not line.startswith("--")]
    spoken = [c.text for step in plan.steps for c in step.cues]
    assert len(cue_lines) == len(spoken) + 1  # plus the closing line
    assert plan.closing is not None
    assert voice.texts == [*spoken, plan.closing.text]
    for line, text in zip(cue_lines, voice.texts, strict=True):
        assert line.endswith("  " + text)
    assert cue_lines[-1] == f"{mmss(plan.total_seconds):>6}  {plan.closing.text}"
    first = f"-- Get ready: Runner's stretch ({mmss(plan.steps[0].seconds)})"
    assert next(s for s in lines if s.startswith("--")) == first
    assert record.finished == [("completed", pytest.approx(plan.total_seconds))]
    assert len(record.steps) == len(plan.steps)  # one history write per finished step
    assert record.steps[-1][1] == pytest.approx(plan.total_seconds)


def test_space_pauses_and_resumes() -> None:
    runner, clock, out, _, _ = make_runner(interactive=True)
    runner.poll()
    assert runner.key(" ")
    runner.poll()
    assert runner.session.paused
    assert out.getvalue().splitlines()[-1] == "Paused. Press space to go on."
    clock.advance(100)
    assert runner.key(" ")
    runner.poll()
    lines = out.getvalue().splitlines()
    assert not runner.session.paused and lines[-2] == "Going on."
    # The pause cut the first line while it was being said: it is said again, short.
    assert lines[-1] == f"{'0:00':>6}  First up: runner's stretch."
    assert runner.session.state().routine_elapsed == 0


def test_n_skips_p_goes_back_and_q_stops() -> None:
    runner, clock, _out, voice, record = make_runner(interactive=True)
    runner.poll()
    assert runner.key("n")
    runner.poll()
    assert runner.session.state().index == 1
    assert ("flush",) in voice.calls
    clock.advance(1)
    assert runner.key("p")
    runner.poll()
    assert runner.session.state().index == 0
    assert runner.key("q") is False
    runner.run.stop()
    runner.poll()
    assert record.finished == [("partial", pytest.approx(1))]


def test_m_mutes_and_r_repeats_the_last_cue() -> None:
    runner, _, out, voice, _ = make_runner(interactive=True)
    runner.poll()
    assert runner.key("m") and voice.muted
    runner.poll()  # the loop polls right after every key
    assert out.getvalue().splitlines()[-1] == "Muted."
    assert runner.key("r")
    runner.poll()
    assert out.getvalue().splitlines()[-1].strip() == runner.plan.steps[0].cues[0].text
    assert ("repeat",) in voice.calls
    assert runner.key("m") and not voice.muted


def test_without_a_keyboard_a_suspend_is_noted_and_the_routine_goes_on() -> None:
    runner, clock, out, _, _ = make_runner(interactive=False)
    runner.poll()
    clock.advance(2)
    runner.poll()
    clock.advance(3600)
    runner.poll()
    assert "the clock jumped 60 min" in out.getvalue()
    assert not runner.session.paused
    assert runner.session.state().routine_elapsed == pytest.approx(2)
    clock.advance(1)
    runner.poll()
    assert runner.session.state().routine_elapsed == pytest.approx(3)


def test_without_a_keyboard_a_suspend_says_going_on_once_and_never_paused() -> None:
    runner, clock, out, _, _ = make_runner(interactive=False)
    runner.poll()
    clock.advance(3600)
    runner.poll()
    clock.advance(1)
    runner.poll()
    after = out.getvalue().split("the clock jumped", 1)[1].splitlines()[1:]
    assert "Paused." not in after
    assert after.count("Going on.") == 1


def test_with_a_keyboard_a_suspend_waits_for_space() -> None:
    runner, clock, out, _, _ = make_runner(interactive=True)
    runner.poll()
    clock.advance(3600)
    runner.poll()
    assert runner.session.paused
    assert out.getvalue().splitlines()[-1] == "Paused. Press space to go on."
