"""A nudge from a running `glutecoach remind` is offered in place on the routine list."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from app_helpers import async_test

from glutecoach.remind.status import FILE_NAME
from glutecoach.screens.workout import WorkoutScreen


def _publish(home: Path, phase: str, pid: int | None = None) -> None:
    state = {"pid": pid or os.getpid(), "phase": phase, "next_due": None}
    (home / FILE_NAME).write_text(json.dumps(state), encoding="utf-8")


def _offered(app: Any) -> bool:
    return any(
        b.binding.action == "take_break" and b.enabled for b in app.screen.active_bindings.values()
    )


@async_test
async def test_a_nudge_is_offered_in_the_list_and_b_starts_the_break(
    make_app: Any, home: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        routines = app.screen
        assert not _offered(app)
        await pilot.press("b")  # no reminder runs: b does nothing
        await pilot.pause()
        assert app.screen is routines
        _publish(home, "nudging")
        routines.show_next_break()
        await pilot.pause()
        assert "time for a break" in str(routines.query_one("#heading").render())
        assert any("press b to start Stretch break" in n.message for n in app._notifications)
        assert _offered(app)
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, WorkoutScreen)
        assert app.screen.plan.routine.id == "stretch-break"


@async_test
async def test_a_reminder_that_died_offers_nothing(make_app: Any, home: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        _publish(home, "nudging", pid=2**22 + 12345)  # no such process
        app.screen.show_next_break()
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        assert not isinstance(app.screen, WorkoutScreen)
