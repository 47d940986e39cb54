"""One workout run behind both front ends: no stale plans, and the same run whichever renders it."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from app_helpers import advance, async_test, start_quick
from fakes import FakeClock

from glutecoach.screens.workout import WorkoutScreen
from glutecoach.workout import events as view


async def _start_desk_reset(pilot: Any) -> WorkoutScreen:
    app = pilot.app
    listing = app.screen.query_one("#routine-list")
    for _ in range(listing.option_count):
        if listing.highlighted_option is not None and listing.highlighted_option.id == "desk-reset":
            break
        await pilot.press("j")
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, WorkoutScreen)
    return app.screen


@async_test
async def test_a_level_raised_on_the_levels_screen_is_used_by_the_next_workout(
    make_app: Any,
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("l")  # the Levels screen opens on the first exercise, glute bridge
        await pilot.pause()
        await pilot.press("plus")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        detail = str(app.screen.query_one("#detail-text").render())
        screen = await _start_desk_reset(pilot)
        assert screen.plan.exercises["glute-bridge"].level == 2
        assert "level 2" in detail, "the preview should show the new level at once"


@async_test
async def test_a_level_taken_on_the_summary_reaches_the_routine_list(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        routines = app.screen
        before = routines.plans["desk-reset"].exercises["glute-bridge"].level
        app.set_level("glute-bridge", before + 1, "test")
        await pilot.pause()
        assert routines.plans["desk-reset"].exercises["glute-bridge"].level == before + 1


@async_test
async def test_a_settings_change_replans_the_routine_list(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        routines = app.screen
        before = routines.plans["desk-reset"].total_seconds
        app.store.settings.update(lead_in=before and 60)
        app.apply_settings(app.store.settings.value)
        await pilot.pause()
        assert routines.plans["desk-reset"].steps[0].seconds == 60
        assert routines.plans["desk-reset"].total_seconds != before


# -- both front ends, one key script ------------------------------------------------------------

# (seconds to let pass, then the key to press; None presses nothing)
SCRIPT: list[tuple[float, str | None]] = [
    (1.0, None),
    (1.5, "n"),  # skip the lead-in
    (0.5, None),
    (1.2, "p"),  # back to the start of the work step
    (2.5, " "),  # pause
    (30.0, " "),  # resume after a long pause
    (1.0, "n"),
    (0.4, None),
]
APP_KEYS = {"n": "n", "p": "p", " ": "space"}


def _history_rows(store: Any) -> list[tuple[Any, ...]]:
    sessions = store.history.sessions()
    return [
        (
            s.routine,
            s.status,
            round(s.active_seconds, 3),
            *tuple(
                (
                    e.exercise,
                    e.level,
                    e.sets_planned,
                    e.sets_done,
                    e.reps_done,
                    round(e.seconds_done, 3),
                )
                for e in s.exercises
            ),
        )
        for s in sessions
    ]


def _drive_plain(home: Path) -> tuple[list[str], list[tuple[Any, ...]]]:
    from glutecoach.coach import find_routine, make_plan
    from glutecoach.plain import PlainRunner
    from glutecoach.store import open_store
    from glutecoach.voice.recording import RecordingVoice
    from glutecoach.workout.run import WorkoutRun

    store = open_store()
    clock = FakeClock()
    voices: list[RecordingVoice] = []

    def factory(mode: str, settings: Any, **_: Any) -> RecordingVoice:
        voices.append(RecordingVoice(mode, settings))
        return voices[-1]

    plan = make_plan(find_routine("quick"), store)
    run = WorkoutRun(
        plan,
        store.settings.value,
        log=store.history,
        voice_factory=factory,
        voice_mode="captions",
        clock=clock,
    )
    runner = PlainRunner(run, out=io.StringIO(), err=io.StringIO())
    run.open()
    runner.poll()
    for seconds, key in SCRIPT:
        clock.advance(seconds)
        runner.poll()
        if key is not None:
            runner.key(key)
            runner.poll()
    while not run.finished:
        clock.advance(0.25)
        runner.poll()
    run.close()
    store.close()
    store = open_store()
    rows = _history_rows(store)
    store.close()
    return voices[0].texts, rows


async def _drive_app(
    make_app: Any, clock: FakeClock, voices: list[Any]
) -> tuple[list[str], list[tuple[Any, ...]]]:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start_quick(pilot)
        for seconds, key in SCRIPT:
            await advance(pilot, clock, seconds)
            if key is not None:
                await pilot.press(APP_KEYS[key])
                await pilot.pause()
        for _ in range(200):
            if not isinstance(app.screen, WorkoutScreen):
                break
            await advance(pilot, clock, 0.25)
        await pilot.press("enter")
        await pilot.pause()
    return voices[0].texts, _history_rows(app.store)


@async_test
async def test_both_front_ends_say_and_record_the_same_for_the_same_keys(
    make_app: Any,
    clock: FakeClock,
    voices: list[Any],
    home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app_said, app_rows = await _drive_app(make_app, clock, voices)
    plain_home = tmp_path / "plain-home"
    (plain_home / "routines").mkdir(parents=True)
    (plain_home / "routines" / "quick.toml").write_text(
        (home / "routines" / "quick.toml").read_text()
    )
    monkeypatch.setenv("GLUTECOACH_HOME", str(plain_home))
    plain_said, plain_rows = _drive_plain(plain_home)
    assert app_said, "the app's voice heard nothing"
    assert plain_said == app_said
    assert len(app_rows) == 1 and app_rows[0][1] == "partial"  # skipped work: partial
    assert plain_rows == app_rows


def test_a_run_reports_each_step_end_once_and_the_summary_agrees_with_history() -> None:
    from fakes import RecordingLog

    from glutecoach.engine.catalog import load_catalog
    from glutecoach.engine.plan import build_plan
    from glutecoach.engine.routines import load_routines
    from glutecoach.store.settings import Settings
    from glutecoach.voice.recording import RecordingVoice
    from glutecoach.workout.run import WorkoutRun

    plan = build_plan(load_routines().get("stretch-break"), load_catalog())
    clock, log = FakeClock(), RecordingLog()
    run = WorkoutRun(
        plan,
        Settings(),
        log=log,
        voice_factory=lambda mode, settings, **_: RecordingVoice(mode, settings),
        clock=clock,
    )
    run.start()
    seen: list[view.ViewEvent] = []
    while not run.finished:
        seen += run.poll()
        clock.advance(0.5)
    assert len(log.steps) == len(plan.steps)
    last_done = {d.exercise: d for d, _ in log.steps if d is not None}
    summary = run.summary
    assert summary is not None and summary.status == "completed"
    for done in summary.exercises:
        assert (done.sets_done, done.reps_done) == (
            last_done[done.exercise].sets_done,
            last_done[done.exercise].reps_done,
        )
    assert log.finished == [("completed", pytest.approx(plan.total_seconds))]
    assert isinstance(seen[-1], view.Finished)
