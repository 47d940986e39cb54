"""On a cold phrase cache the clock waits (bounded) for the first steps' lines, and says so.

The voice here is a recording voice whose renders take the time a test gives them on a fake
clock: each ``prepare`` round is done that many seconds after it was asked.
"""

from __future__ import annotations

import io
from typing import Any

from fakes import FakeClock, RecordingLog

from glutecoach.engine.catalog import load_catalog
from glutecoach.engine.model import Plan
from glutecoach.engine.plan import build_plan
from glutecoach.engine.routines import load_routines
from glutecoach.plain import PlainRunner
from glutecoach.store.settings import Settings
from glutecoach.voice.recording import RecordingVoice
from glutecoach.workout import events as view
from glutecoach.workout.replan import FIRST_WAIT, READY_WAIT, SLOW_AFTER, texts
from glutecoach.workout.run import WorkoutRun

NEVER = float("inf")


class RenderingVoice(RecordingVoice):
    """Round k of ``prepare`` is rendered ``takes[k]`` s after it was asked (NEVER: not
    before the test ends); ``wait_ready`` is True once every round asked is."""

    def __init__(self, clock: FakeClock, *takes: float) -> None:
        super().__init__("speech")
        self.clock = clock
        self.takes = list(takes)
        self.done_at: list[float] = []
        self.asked_at: list[float] = []

    def prepare(self, texts: Any) -> None:
        super().prepare(texts)
        take = self.takes[len(self.done_at)] if len(self.done_at) < len(self.takes) else 0.0
        self.asked_at.append(self.clock())
        self.done_at.append(self.clock() + take)

    def wait_ready(self, timeout: float = 0.0) -> bool:
        return not self.done_at or self.clock() >= self.done_at[-1]


def plan_of(routine: str = "desk-reset") -> Plan:
    return build_plan(load_routines().get(routine), load_catalog())


def make(voice_takes: tuple[float, ...]) -> tuple[WorkoutRun, FakeClock, RenderingVoice]:
    clock = FakeClock()
    voice = RenderingVoice(clock, *voice_takes)
    run = WorkoutRun(
        plan_of(),
        Settings(),
        log=RecordingLog(),
        voice_factory=lambda mode, settings, **_: voice,
        clock=clock,
    )
    return run, clock, voice


def walk(run: WorkoutRun, clock: FakeClock, seconds: float, step: float = 0.05) -> list[Any]:
    """Poll every ``step`` s for ``seconds``; every event, with the clock reading it came at."""
    seen: list[Any] = []
    end = clock() + seconds
    while clock() < end - 1e-9:
        seen.extend((clock(), e) for e in run.poll())
        clock.advance(step)
    seen.extend((clock(), e) for e in run.poll())
    return seen


def first(seen: list[Any], kind: type) -> float | None:
    return next((at for at, e in seen if isinstance(e, kind)), None)


def test_a_cold_voice_is_waited_for_past_ready_wait_until_the_first_lines_are_rendered() -> None:
    took = READY_WAIT + 2.5  # the first steps' lines on an empty cache, natural voice
    rest = 0.3  # the rest of the routine, after them
    run, clock, voice = make((took, rest))
    began = clock()
    run.open()
    seen = walk(run, clock, took + rest + 1.0)
    started = first(seen, view.Started)
    assert started is not None, "the clock never started"
    assert started - began >= took - 1e-9, "the clock started before the first lines were ready"
    assert started - began < took + rest + 0.11  # ... and at once when all were
    # The first cue reached the voice only after its line was rendered.
    first_cue = next(c for c in voice.calls if c[0] == "cue")
    assert first_cue[2] >= voice.done_at[0] - 1e-9
    # The user was told, once, after a moment, and not that it gave up.
    told = [(at, e) for at, e in seen if isinstance(e, view.GettingVoiceReady)]
    assert len(told) == 1
    assert SLOW_AFTER - 1e-9 <= told[0][0] - began < SLOW_AFTER + 0.11
    assert told[0][1].bound == FIRST_WAIT
    assert not [e for _at, e in seen if isinstance(e, view.VoiceNotice)]
    # The first steps' lines were asked for, then the rest once they were rendered.
    asked = [c[1] for c in voice.calls if c[0] == "prepare"]
    assert asked[0] == texts(plan_of(), 0, 2)
    assert voice.asked_at[1] >= voice.done_at[0] - 1e-9
    run.close(silent=True)


def test_a_voice_that_never_gets_ready_starts_the_clock_at_first_wait_with_a_notice() -> None:
    run, clock, _voice = make((NEVER,))
    began = clock()
    run.open()
    seen = walk(run, clock, FIRST_WAIT - 0.2)
    assert first(seen, view.Started) is None, "started before the bound"
    assert first(seen, view.GettingVoiceReady) is not None
    seen = walk(run, clock, 0.5)
    started = first(seen, view.Started)
    assert started is not None
    assert FIRST_WAIT - 1e-9 <= started - began < FIRST_WAIT + 0.11
    notices = [e.text for _at, e in seen if isinstance(e, view.VoiceNotice)]
    assert len(notices) == 1 and "starting anyway" in notices[0]
    run.close(silent=True)


def test_a_warm_voice_starts_at_once_and_says_nothing_about_getting_ready() -> None:
    run, clock, _voice = make((0.4, 0.1))  # a warm cache: the worker up, lines cached
    began = clock()
    run.open()
    seen = walk(run, clock, 2.0)
    started = first(seen, view.Started)
    assert started is not None and started - began < 0.6
    assert first(seen, view.GettingVoiceReady) is None
    assert not [e for _at, e in seen if isinstance(e, view.VoiceNotice)]
    run.close(silent=True)


def test_first_lines_ready_but_not_the_rest_starts_ready_wait_after_the_first() -> None:
    run, clock, _voice = make((0.5, NEVER))
    began = clock()
    run.open()
    seen = walk(run, clock, 0.5 + READY_WAIT + 0.5)
    started = first(seen, view.Started)
    assert started is not None
    assert 0.5 + READY_WAIT - 1e-9 <= started - began < 0.5 + READY_WAIT + 0.11
    assert not [e for _at, e in seen if isinstance(e, view.VoiceNotice)]
    run.close(silent=True)


def test_line_mode_prints_getting_the_voice_ready_then_voice_ready() -> None:
    run, clock, _voice = make((3.0, 0.2))
    out = io.StringIO()
    runner = PlainRunner(run, out=out, err=io.StringIO())
    run.open()
    end = clock() + 4.0
    while clock() < end:
        runner.poll()
        clock.advance(0.05)
    lines = out.getvalue().splitlines()
    ready = [i for i, line in enumerate(lines) if line.startswith("Getting the voice ready")]
    assert len(ready) == 1
    assert f"up to {FIRST_WAIT:.0f} s" in lines[ready[0]]
    assert lines[ready[0] + 1] == "Voice ready."
    assert lines[ready[0] + 2].startswith("-- ")  # then the first step, on time
    run.close(silent=True)


def test_a_cold_espeak_ng_starts_with_every_line_measured_and_no_getting_ready() -> None:
    # espeak-ng on an empty cache: the first steps' lines in 0.5 s, the rest 0.3 s later.
    run, clock, _voice = make((0.5, 0.3))
    began = clock()
    run.open()
    seen = walk(run, clock, READY_WAIT + 0.5)
    started = first(seen, view.Started)
    assert started is not None and 0.8 - 1e-9 <= started - began < 0.8 + 0.11
    assert first(seen, view.GettingVoiceReady) is None
    run.close(silent=True)


def test_line_mode_does_not_say_voice_ready_when_it_started_without_the_voice() -> None:
    run, clock, _voice = make((NEVER,))
    out, err = io.StringIO(), io.StringIO()
    runner = PlainRunner(run, out=out, err=err)
    run.open()
    end = clock() + FIRST_WAIT + 0.5
    while clock() < end:
        runner.poll()
        clock.advance(0.05)
    lines = out.getvalue().splitlines()
    assert any(line.startswith("Getting the voice ready") for line in lines)
    assert "Voice ready." not in lines
    assert "starting anyway" in err.getvalue() + out.getvalue()
    run.close(silent=True)
