"""Line mode's reactions to events and keys, driven by a fake clock (no waiting)."""

from __future__ import annotations

import io

import pytest
from cli_support import FakeClock

from glutecoach.engine.catalog import load_catalog
from glutecoach.engine.describe import mmss
from glutecoach.engine.plan import build_plan
from glutecoach.engine.progress import ExerciseDone
from glutecoach.engine.routines import load_routines
from glutecoach.plain import PlainRunner
from glutecoach.voice.recording import RecordingVoice


class Record:
    """Stands in for the history record: remembers what it was told."""

    def __init__(self) -> None:
        self.steps: list[tuple[ExerciseDone | None, float]] = []
        self.finished: list[tuple[str, float]] = []

    def progress(self, done: ExerciseDone | None, active_seconds: float) -> None:
        self.steps.append((done, active_seconds))

    def finish(self, status: str, active_seconds: float) -> None:
        self.finished.append((status, active_seconds))


def make_runner(
    interactive: bool = False, routine: str = "stretch-break"
) -> tuple[PlainRunner, FakeClock, io.StringIO, RecordingVoice, Record]:
    plan = build_plan(load_routines().get(routine), load_catalog())
    clock, out, voice, record = FakeClock(), io.StringIO(), RecordingVoice(), Record()
    runner = PlainRunner(
        plan, out=out, voice=voice, record=record, clock=clock, interactive=interactive
    )
    runner.session.start()
    return runner, clock, out, voice, record


def run_to_end(runner: PlainRunner, clock: FakeClock, every: float = 0.5) -> None:
    while not runner.session.finished:
        runner.handle(runner.session.poll())
        clock.advance(every)
    runner.handle(runner.session.poll())


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
    assert len(record.steps) == len(plan.steps)  # one progress call per step end
    assert record.steps[-1][1] == pytest.approx(plan.total_seconds)
    worked = {done.exercise: done for done, _ in record.steps if done is not None}
    assert set(worked) == set(plan.exercises)


def test_space_pauses_and_resumes() -> None:
    runner, clock, out, _, _ = make_runner(interactive=True)
    runner.handle(runner.session.poll())
    assert runner.key(" ")
    runner.handle(runner.session.poll())
    assert runner.session.paused
    assert out.getvalue().splitlines()[-1] == "Paused. Press space to go on."
    clock.advance(100)
    assert runner.key(" ")
    runner.handle(runner.session.poll())
    assert not runner.session.paused and out.getvalue().splitlines()[-1] == "Going on."
    assert runner.session.state().routine_elapsed == 0


def test_n_skips_p_goes_back_and_q_stops() -> None:
    runner, clock, _out, voice, record = make_runner(interactive=True)
    runner.handle(runner.session.poll())
    assert runner.key("n")
    runner.handle(runner.session.poll())
    assert runner.session.state().index == 1
    assert ("flush",) in voice.calls
    clock.advance(1)
    assert runner.key("p")
    runner.handle(runner.session.poll())
    assert runner.session.state().index == 0
    assert runner.key("q") is False
    runner.session.stop()
    runner.handle(runner.session.poll())
    assert record.finished == [("partial", pytest.approx(1))]


def test_m_mutes_and_r_repeats_the_last_cue() -> None:
    runner, _, out, voice, _ = make_runner(interactive=True)
    runner.handle(runner.session.poll())
    assert runner.key("m") and voice.muted
    assert out.getvalue().splitlines()[-1] == "Muted."
    assert runner.key("r")
    assert out.getvalue().splitlines()[-1].strip() == runner.plan.steps[0].cues[0].text
    assert ("repeat",) in voice.calls
    assert runner.key("m") and not voice.muted


def test_without_a_keyboard_a_suspend_is_noted_and_the_routine_goes_on() -> None:
    runner, clock, out, _, _ = make_runner(interactive=False)
    runner.handle(runner.session.poll())
    clock.advance(2)
    runner.handle(runner.session.poll())
    clock.advance(3600)
    runner.handle(runner.session.poll())
    assert "the clock jumped 60 min" in out.getvalue()
    assert not runner.session.paused
    assert runner.session.state().routine_elapsed == pytest.approx(2)
    clock.advance(1)
    runner.handle(runner.session.poll())
    assert runner.session.state().routine_elapsed == pytest.approx(3)


def test_without_a_keyboard_a_suspend_says_going_on_once_and_never_paused() -> None:
    runner, clock, out, _, _ = make_runner(interactive=False)
    runner.handle(runner.session.poll())
    clock.advance(3600)
    runner.handle(runner.session.poll())
    clock.advance(1)
    runner.handle(runner.session.poll())
    after = out.getvalue().split("the clock jumped", 1)[1].splitlines()[1:]
    assert "Paused." not in after
    assert after.count("Going on.") == 1


def test_with_a_keyboard_a_suspend_waits_for_space() -> None:
    runner, clock, out, _, _ = make_runner(interactive=True)
    runner.handle(runner.session.poll())
    clock.advance(3600)
    runner.handle(runner.session.poll())
    assert runner.session.paused
    assert out.getvalue().splitlines()[-1] == "Paused. Press space to go on."
