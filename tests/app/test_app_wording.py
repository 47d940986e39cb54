"""What a new user reads (issue 15, fault 18): time left, the get-ready lines, 'Next:',
the built-in descriptions and help."""

from __future__ import annotations

import os
import tomllib
from typing import Any

from app_helpers import advance, async_test

from glutecoach.engine.catalog import DATA_DIR
from glutecoach.engine.model import StepKind
from glutecoach.screens.words import step_line
from glutecoach.screens.workout import time_left


def test_time_left_is_the_nearest_minute_not_the_next() -> None:
    assert time_left(130) == "2 min left"  # a 2:10 routine said "3 min left"
    assert time_left(420) == "7 min left"
    assert time_left(160) == "3 min left"
    assert time_left(45) == "45 s left"


def test_get_ready_and_set_up_read_well_after_next() -> None:
    from glutecoach.coach import find_routine, make_plan
    from glutecoach.store import open_store

    store = open_store(history=False)
    plan = make_plan(find_routine("desk-reset"), store)
    lines: dict[StepKind, str] = {}
    for step in plan.steps:
        lines.setdefault(step.kind, step_line(plan, step))
    assert lines[StepKind.LEAD_IN] == "Get ready for Glute bridge"
    assert lines[StepKind.TRANSITION] == "Set up for Monster walk"
    for kind in (StepKind.LEAD_IN, StepKind.TRANSITION):
        assert ":" not in f"Next: {lines[kind]}".removeprefix("Next:")


def test_built_in_descriptions_promise_no_time_a_level_up_changes() -> None:
    for path in sorted((DATA_DIR / "routines").glob("*.toml")):
        description = tomllib.loads(path.read_text())["description"]
        assert "minute" not in description, f"{path.name}: {description}"


@async_test
async def test_get_ready_does_not_say_the_same_sentence_twice(make_app: Any, clock: Any) -> None:
    app = make_app(routine="desk-reset")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.__class__.__name__ == "WorkoutScreen"
        seen = []
        for _ in range(12):  # through the get-ready step, as its cues are said
            said = screen.query_one("#said").text.removeprefix("Coach: ")
            form = screen.query_one("#form").text
            seen.append((said, form))
            assert not said or said not in form, seen
            await advance(pilot, clock, 0.5)
        assert any(said for said, _ in seen), seen


@async_test
async def test_help_lists_the_arrows_and_on_the_list_how_to_control_a_workout(
    make_app: Any,
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        rows = {row[1]: row[0] for row in app.screen.rows}
        assert "↓" in rows["Down"] and "j" in rows["Down"], rows
        assert "↑" in rows["Up"] and "k" in rows["Up"], rows
        from rich.console import Console

        console = Console(width=100, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
        console.print(app.screen._table())
        text = console.export_text()
        assert "During a workout" in text
        for words in ("Pause", "Next", "Back", "Mute", "Leave"):
            assert words in text, text
