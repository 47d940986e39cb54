"""A history that takes 2 s for every write, or fails every write, never makes a cue late.

Real time, real SQLite, the real history writer: only its per-write step is slowed down or
made to fail. Both front ends are driven over a short routine. Line mode must hand every cue
to the voice within 50 ms of when it was due. In the app, no poll of the run (the path from
"a cue is due" to the voice) may take more than 50 ms, and no cue may be a write's length
late: the app's own frame cost is the app benchmark's business, not this test's.
"""

from __future__ import annotations

import asyncio
import io
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from glutecoach.engine.model import Cue
from glutecoach.store import writer as writer_module
from glutecoach.voice.recording import RecordingVoice

ON_TIME = 0.05
SHORT = """name = "Short"
lead_in = 1
transition = 1
switch = 1

[[exercise]]
id = "glute-bridge"
sets = 2
seconds = 1
rest = 1

[[exercise]]
id = "clamshell"
seconds = 1
"""


class TimingVoice(RecordingVoice):
    """Remembers how long after its due time each cue reached the voice."""

    def __init__(self, mode: str, settings: Any) -> None:
        super().__init__(mode, settings)
        self.late: list[tuple[float, str]] = []

    def cue(self, cue: Cue, due: float | None = None) -> None:
        super().cue(cue, due)
        self.late.append(
            (time.monotonic() - (due if due is not None else time.monotonic()), cue.text)
        )


def slow(original: Callable[..., bool]) -> Callable[..., bool]:
    def run(self: Any, job: Any) -> bool:
        time.sleep(WRITE)
        return original(self, job)

    return run


def failing(original: Callable[..., bool]) -> Callable[..., bool]:
    def run(self: Any, job: Any) -> bool:
        def broken(conn: sqlite3.Connection) -> None:
            raise sqlite3.OperationalError("disk I/O error")

        job.action = broken
        return original(self, job)

    return run


@pytest.fixture(params=["slow", "failing", "normal"])
def bad_history(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, isolated_home: Path
) -> Iterator[str]:
    (isolated_home / "routines").mkdir(parents=True, exist_ok=True)
    (isolated_home / "routines" / "short.toml").write_text(SHORT, encoding="utf-8")
    if request.param != "normal":
        wrap = slow if request.param == "slow" else failing
        monkeypatch.setattr(
            writer_module.HistoryWriter, "_run", wrap(writer_module.HistoryWriter._run)
        )
    yield request.param


def _factory(voices: list[TimingVoice]) -> Callable[..., TimingVoice]:
    def factory(mode: str, settings: Any, **_: Any) -> TimingVoice:
        voices.append(TimingVoice(mode, settings))
        return voices[-1]

    return factory


WRITE = 2.0  # what each slowed-down write takes


def _check(voices: list[TimingVoice], limit: float = ON_TIME) -> None:
    assert voices and voices[0].late, "no cue reached the voice"
    late = [(round(d, 3), t) for d, t in voices[0].late]
    assert all(d <= limit for d, _ in late), late


def test_line_mode_keeps_time_with_a_slow_or_failing_history(bad_history: str) -> None:
    from glutecoach.coach import find_routine, make_plan
    from glutecoach.plain import PlainRunner
    from glutecoach.store import open_store
    from glutecoach.workout.run import WorkoutRun

    store = open_store()
    voices: list[TimingVoice] = []
    err = io.StringIO()
    run = WorkoutRun(
        make_plan(find_routine("short"), store),
        store.settings.value,
        log=store.history,
        voice_factory=_factory(voices),
        voice_mode="captions",
        interactive=False,
    )
    runner = PlainRunner(run, out=io.StringIO(), err=err)
    started = time.monotonic()
    runner.loop(None)
    took = time.monotonic() - started
    store.close(drain=0.5)
    _check(voices)
    assert took < run.plan.total_seconds + 0.5, f"the run took {took:.2f} s"
    if bad_history == "failing":
        assert err.getvalue().count("History could not save") == 1, err.getvalue()


def test_the_app_keeps_time_with_a_slow_or_failing_history(
    bad_history: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from glutecoach.app import GlutecoachApp
    from glutecoach.screens.summary import SummaryScreen
    from glutecoach.store import open_store
    from glutecoach.workout.run import WorkoutRun

    polls: list[float] = []
    real_poll = WorkoutRun.poll

    def timed_poll(self: WorkoutRun) -> Any:
        started = time.perf_counter()
        try:
            return real_poll(self)
        finally:
            polls.append(time.perf_counter() - started)

    monkeypatch.setattr(WorkoutRun, "poll", timed_poll)

    store = open_store()
    voices: list[TimingVoice] = []
    app = GlutecoachApp(
        store, routine="short", voice_mode="captions", voice_factory=_factory(voices)
    )

    async def drive() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            deadline = time.monotonic() + 20
            while not isinstance(app.screen, SummaryScreen) and time.monotonic() < deadline:
                await pilot.pause(0.1)
            assert isinstance(app.screen, SummaryScreen), "the workout never finished"
            await pilot.pause(0.3)  # let the summary finish mounting before the app closes

    asyncio.run(drive())
    store.close(drain=0.5)
    assert polls and max(polls) <= ON_TIME, sorted(polls)[-3:]
    _check(voices)
