"""Pictures of the editor's problem state and the own-move form, from a fixed clock.

The editor itself is in test_app_snapshots.py with every other screen (80x24 and 40x12, dark
and light). Update with ``--snapshot-update`` after a deliberate change.
"""

from __future__ import annotations

from typing import Any

import pytest

SIZES = {"80x24": (80, 24), "40x12": (40, 12)}


async def steady(pilot: Any) -> None:
    """A blinking cursor would make each picture a coin toss: hold it on."""
    for field in pilot.app.screen.query("Input, TextArea"):
        field.cursor_blink = False
    await pilot.pause()


async def with_a_problem(pilot: Any) -> None:
    await pilot.pause()
    await pilot.press("c")
    await pilot.pause()
    field = pilot.app.screen.query_one("#f-lead_in")
    field.focus()
    field.value = ""
    await pilot.press("5", "0", "0")
    await steady(pilot)


async def own_move_form(pilot: Any) -> None:
    await pilot.pause()
    await pilot.press("n")
    await pilot.pause()
    pilot.app.screen.query_one("#entries").focus()
    await pilot.press("o")
    await pilot.pause()
    await pilot.press(*"Wall sit")
    await pilot.press("ctrl+s")  # no set-up line yet: the problem shows beside the field
    await steady(pilot)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("state", ["problem", "own-move"])
def test_editor_state_snapshot(snap_compare: Any, make_app: Any, state: str, size: str) -> None:
    steps = {"problem": with_a_problem, "own-move": own_move_form}[state]
    assert snap_compare(make_app(), terminal_size=SIZES[size], run_before=steps)
