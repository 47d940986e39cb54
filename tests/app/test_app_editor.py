"""The routine editor, driven with the keys a person presses: new, copy, edit, reorder,
remove, delete, a move of one's own, every validation message, and a saved file that
`glutecoach plan --json` plans exactly as the preview did."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from app_helpers import QUICK_ROUTINE, async_test, widget_text
from textual.widgets import Input, OptionList, TextArea

from glutecoach.screens.confirm import ConfirmScreen
from glutecoach.screens.editor import EditorScreen, opening_words
from glutecoach.screens.editor_forms import ExerciseFormScreen, PickScreen
from glutecoach.screens.help import HelpScreen
from glutecoach.screens.routines import RoutinesScreen

SIZE = (100, 40)  # room for every field; the snapshots cover 80x24 and 40x12


async def highlight(pilot: Any, routine_id: str) -> None:
    """Move down the routine list with the keys until ``routine_id`` is highlighted."""
    listing = pilot.app.screen.query_one("#routine-list", OptionList)
    for _ in range(listing.option_count + 1):
        option = listing.highlighted_option
        if option is not None and option.id == routine_id:
            return
        await pilot.press("down")
    raise AssertionError(f"{routine_id} is not in the list")


async def open_editor(pilot: Any, key: str, routine_id: str | None = None) -> EditorScreen:
    await pilot.pause()
    if routine_id:
        await highlight(pilot, routine_id)
    await pilot.press(key)
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, EditorScreen)
    return screen


async def type_into(pilot: Any, selector: str, text: str) -> None:
    """Focus a field, clear it and type ``text`` key by key."""
    field = pilot.app.screen.query_one(selector)
    field.focus()
    await pilot.pause()
    if isinstance(field, TextArea):
        field.clear()
    else:
        field.value = ""
    await pilot.pause()
    for char in text:
        await pilot.press("enter" if char == "\n" else char)
    await pilot.pause()


def error_text(screen: Any, field: str) -> str:
    line = screen.query_one(f"#err-{field}")
    return line.text if line.has_class("-shown") else ""


async def to_entries(pilot: Any, index: int) -> None:
    listing = pilot.app.screen.query_one("#entries", OptionList)
    listing.focus()
    await pilot.pause()
    while listing.highlighted != index:
        await pilot.press("down" if (listing.highlighted or 0) < index else "up")
    await pilot.pause()


def saved(home: Path, routine_id: str) -> dict[str, Any]:
    return tomllib.loads((home / "routines" / f"{routine_id}.toml").read_text("utf-8"))


def list_ids(app: Any) -> list[str]:
    listing = app.screen.query_one("#routine-list", OptionList)
    return [listing.get_option_at_index(i).id for i in range(listing.option_count)]


# -- new, copy, edit ----------------------------------------------------------------------------


@async_test
async def test_new_routine_is_saved_and_highlighted_in_the_list(make_app: Any, home: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_editor(pilot, "n")
        assert screen.routine_id == "my-routine"
        await type_into(pilot, "#f-id", "hips")
        await type_into(pilot, "#f-name", "Hips at lunch")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, RoutinesScreen)
        assert app.screen.query_one("#routine-list", OptionList).highlighted_option.id == "hips"
    data = saved(home, "hips")
    assert data["name"] == "Hips at lunch"
    assert [e["id"] for e in data["exercise"]] == ["glute-bridge", "runners-stretch"]


@async_test
async def test_copy_of_a_builtin_leaves_the_builtin_alone(make_app: Any, home: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_editor(pilot, "c", "desk-reset")
        assert (screen.edit.kind, screen.routine_id) == ("copy", "desk-reset-copy")
        assert "Copy of desk-reset" in screen.query_one("#heading").text
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "desk-reset-copy" in list_ids(app)
        assert app.screen.routines["desk-reset"].builtin
    assert saved(home, "desk-reset-copy")["name"] == "Desk reset (copy)"
    assert not (home / "routines" / "desk-reset.toml").exists()


@async_test
async def test_edit_on_a_builtin_opens_a_copy_never_the_builtin(make_app: Any, home: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_editor(pilot, "e", "stretch-break")
        assert screen.edit.kind == "copy" and screen.routine_id == "stretch-break-copy"
        assert screen.query_one("#f-id", Input).disabled is False


@async_test
async def test_edit_a_hand_written_file_keeps_a_bak(make_app: Any, home: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_editor(pilot, "e", "quick")
        assert screen.edit.kind == "edit" and screen.query_one("#f-id", Input).disabled
        assert ".bak" in screen.query_one("#heading").text
        await to_entries(pilot, 0)
        await type_into(pilot, "#e-sets", "3")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, RoutinesScreen)
    assert saved(home, "quick")["exercise"][0]["sets"] == 3
    assert (home / "routines" / "quick.toml.bak").read_text("utf-8") == QUICK_ROUTINE


@async_test
async def test_reorder_and_remove_are_saved_in_that_order(make_app: Any, home: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_editor(pilot, "c", "desk-reset")
        await to_entries(pilot, 0)
        await pilot.press("shift+down")  # the bridge goes second
        await pilot.pause()
        await to_entries(pilot, 4)
        await pilot.press("shift+up")  # piriformis before runner's stretch
        await pilot.press("J")  # and back down, with the letter
        await pilot.press("K")
        await pilot.pause()
        await to_entries(pilot, 2)
        await pilot.press("x")  # drop the clamshell
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
    order = [e["id"] for e in saved(home, "desk-reset-copy")["exercise"]]
    assert order == ["monster-walk", "glute-bridge", "piriformis-stretch", "runners-stretch"]


@async_test
async def test_add_from_the_catalog_after_the_highlighted_one(make_app: Any, home: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_editor(pilot, "n")
        await to_entries(pilot, 0)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, PickScreen)
        picker = app.screen.query_one(OptionList)
        while picker.highlighted_option.id != "clamshell":
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        assert [e["id"] for e in screen.data["exercise"]] == [
            "glute-bridge",
            "clamshell",
            "runners-stretch",
        ]
        assert screen.data["exercise"][1] == {"id": "clamshell", "sets": 1, "reps": 10}
        await pilot.press("a")
        await pilot.press("escape")  # the picker adds nothing
        await pilot.pause()
        assert len(screen.data["exercise"]) == 3


# -- delete --------------------------------------------------------------------------------------


@async_test
async def test_delete_asks_first_and_moves_the_file_aside(make_app: Any, home: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await highlight(pilot, "quick")
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert (home / "routines" / "quick.toml").exists()
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert "quick" not in list_ids(app)
    aside = list((home / "routines").glob("quick.toml.deleted-*"))
    assert len(aside) == 1 and aside[0].read_text("utf-8") == QUICK_ROUTINE


@async_test
async def test_a_builtin_cannot_be_deleted(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await highlight(pilot, "desk-reset")
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, RoutinesScreen)
        assert "desk-reset" in list_ids(app)


# -- a move of your own ------------------------------------------------------------------------


@async_test
async def test_own_exercise_is_saved_in_the_routine_file(make_app: Any, home: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_editor(pilot, "n")
        await to_entries(pilot, 1)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, ExerciseFormScreen)
        await type_into(pilot, "#o-name", "Wall sit")
        await type_into(pilot, "#o-setup", "Back flat on a wall.")
        await type_into(pilot, "#o-form", "Knees over ankles.\nBreathe.")
        await type_into(pilot, "#o-equipment", "mat")
        await type_into(pilot, "#o-tempo", "4")
        await type_into(pilot, "#o-levels", "Wall sit | Hold still | Breathe and hold.\nLow sit")
        app.screen.query_one("#o-one_sided").focus()
        await pilot.press("space")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert screen.data["exercise"][2]["id"] == "wall-sit"
        await to_entries(pilot, 2)
        await type_into(pilot, "#e-reps", "")
        await type_into(pilot, "#e-seconds", "20")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, RoutinesScreen)
        assert "my-routine" in app.screen.plans
    data = saved(home, "my-routine")
    own = data["exercises"]["wall-sit"]
    assert own["name"] == "Wall sit" and own["setup"] == "Back flat on a wall."
    assert own["form"] == ["Knees over ankles.", "Breathe."]
    assert own["one_sided"] is True and own["equipment"] == ["mat"] and own["tempo"] == 4
    assert own["levels"] == [
        {"name": "Wall sit", "change": "Hold still", "cue": "Breathe and hold."},
        {"name": "Low sit"},
    ]
    assert data["exercise"][2] == {"id": "wall-sit", "sets": 2, "seconds": 20, "rest": 15}


@async_test
async def test_own_exercise_can_be_changed_and_picked_again(make_app: Any, home: Path) -> None:
    (home / "routines" / "walls.toml").write_text(
        'name = "Walls"\n\n[[exercise]]\nid = "wall-sit"\nseconds = 30\n\n'
        '[exercises.wall-sit]\nname = "Wall sit"\nsetup = "Back to the wall."\n',
        encoding="utf-8",
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_editor(pilot, "e", "walls")
        await to_entries(pilot, 0)
        await pilot.press("o")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ExerciseFormScreen)
        assert form.query_one("#o-setup", Input).value == "Back to the wall."
        await type_into(pilot, "#o-setup", "Back flat on the wall.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await to_entries(pilot, 0)
        await pilot.press("a")
        await pilot.pause()
        picker = app.screen.query_one(OptionList)
        while picker.highlighted_option.id != "wall-sit":
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        assert [e["id"] for e in screen.data["exercise"]] == ["wall-sit", "wall-sit"]
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert saved(home, "walls")["exercises"]["wall-sit"]["setup"] == "Back flat on the wall."


@pytest.mark.parametrize(
    ("field", "text", "expect"),
    [
        ("name", "", "must not be empty"),
        ("setup", "", "must not be empty"),
        ("tempo", "11", "11 is out of range; use 1 to 10"),
        ("form", "1\n2\n3\n4\n5\n6\n7", "has 7 cues; keep it to 6 or fewer"),
        ("id", "clamshell", "already a built-in exercise"),
        ("id", "Wall Sit", "lower-case letters, digits and dashes"),
    ],
)
@async_test
async def test_own_exercise_problems_are_shown_beside_their_field(
    make_app: Any, field: str, text: str, expect: str
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_editor(pilot, "n")
        await to_entries(pilot, 0)
        await pilot.press("o")
        await pilot.pause()
        await type_into(pilot, "#o-name", "Wall sit")
        await type_into(pilot, "#o-setup", "Back flat on a wall.")
        await type_into(pilot, f"#o-{field}", text)
        await pilot.press("ctrl+s")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ExerciseFormScreen), "a move with a problem is not kept"
        assert expect in error_text(form, f"o-{field}")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and "exercises" not in screen.data


# -- every validation message ------------------------------------------------------------------


ROUTINE_PROBLEMS = [
    ("f-name", "", "f-name", "must not be empty"),
    ("f-lead_in", "500", "f-lead_in", "500 is out of range; use 0 to 120"),
    ("f-transition", "121", "f-transition", "121 is out of range; use 0 to 120"),
    ("f-switch", "61", "f-switch", "61 is out of range; use 0 to 60"),
    ("f-lead_in", "-", "f-lead_in", "must be a number from 0 to 120"),
    ("f-id", "My Routine", "f-id", "lower-case letters, digits and dashes"),
    ("f-id", "desk-reset", "f-id", "a routine with this id exists"),
    ("f-id", "quick", "f-id", "a routine with this id exists"),
    ("e-sets", "0", "e-sets", "0 is out of range; use 1 to 20"),
    ("e-sets", "21", "e-sets", "21 is out of range; use 1 to 20"),
    ("e-reps", "101", "e-reps", "101 is out of range; use 1 to 100"),
    ("e-tempo", "11", "e-tempo", "11 is out of range; use 1 to 10"),
    ("e-rest", "601", "e-rest", "601 is out of range; use 0 to 600"),
    ("e-seconds", "30", "e-reps", "give either `reps` or `seconds`, not both"),
    ("e-reps", "", "e-reps", "needs `reps = N` (rep work) or `seconds = N`"),
]


@pytest.mark.parametrize(("field", "text", "shown_at", "expect"), ROUTINE_PROBLEMS)
@async_test
async def test_a_bad_value_is_shown_beside_its_field_and_not_saved(
    make_app: Any, home: Path, field: str, text: str, shown_at: str, expect: str
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_editor(pilot, "n")
        if field.startswith("e-"):
            await to_entries(pilot, 0)
        await type_into(pilot, f"#{field}", text)
        assert expect in error_text(screen, shown_at)
        assert "Not saved until fixed" in screen.query_one("#total").text or (
            "fix" in screen.query_one("#total").text
        )
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen, "a routine with a problem is not saved"
    files = sorted(p.name for p in (home / "routines").iterdir())
    assert files == ["quick.toml"]


@async_test
async def test_tempo_on_a_timed_set_and_no_exercises_at_all(make_app: Any, home: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_editor(pilot, "n")
        await to_entries(pilot, 1)  # the stretch: a timed set
        await type_into(pilot, "#e-tempo", "3")
        assert "only applies to rep work" in error_text(screen, "e-tempo")
        await type_into(pilot, "#e-tempo", "")
        assert error_text(screen, "e-tempo") == ""
        await to_entries(pilot, 0)
        await pilot.press("x")
        await pilot.press("x")
        await pilot.pause()
        assert "has no exercises" in error_text(screen, "exercise")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
    assert not (home / "routines" / "my-routine.toml").exists()


@async_test
async def test_a_problem_in_another_entry_is_marked_in_the_list(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_editor(pilot, "n")
        await to_entries(pilot, 1)
        await type_into(pilot, "#e-seconds", "0")
        await to_entries(pilot, 0)
        assert error_text(screen, "e-seconds") == ""
        listing = screen.query_one("#entries", OptionList)
        assert str(listing.get_option_at_index(1).prompt).startswith("! ")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert listing.highlighted == 1, "saving goes to the entry with the problem"
        assert "0 is out of range" in error_text(screen, "e-seconds")


# -- the preview and the saved file -----------------------------------------------------------


@async_test
async def test_preview_follows_typing_and_matches_plan_json(make_app: Any, home: Path) -> None:
    from glutecoach.coach import make_plan

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_editor(pilot, "c", "desk-reset")
        assert screen.plan is not None and screen.plan.total_seconds == 420
        await to_entries(pilot, 0)
        await type_into(pilot, "#e-reps", "12")
        assert screen.routine is not None
        expected = make_plan(screen.routine, app.store).total_seconds
        assert screen.plan.total_seconds == expected == 420 + 2 * 2 * 3
        assert "7 min 12 s" in screen.query_one("#total").text
        assert "12 reps" in widget_text(screen.query_one("#plan-text"))
        preview = screen.plan.to_json()
        await pilot.press("ctrl+s")
        await pilot.pause()
    done = subprocess.run(
        [sys.executable, "-m", "glutecoach", "plan", "desk-reset-copy", "--json"],
        env={**os.environ, "GLUTECOACH_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == json.loads(json.dumps(preview))
    assert tomllib.loads((home / "routines" / "desk-reset-copy.toml").read_text("utf-8"))


@async_test
async def test_level_shown_is_the_users_own(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.store.levels.set("glute-bridge", 2)
        screen = await open_editor(pilot, "c", "desk-reset")
        await to_entries(pilot, 0)
        text = screen.query_one("#level").text
        assert "level 2 of 4: Bridge with three squeezes" in text


# -- speech preview, leaving, help, the command line ----------------------------------------


@async_test
async def test_hear_start_says_the_opening_through_the_apps_voice(
    make_app: Any, voices: list[Any]
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_editor(pilot, "c", "desk-reset")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert voices, "the voice comes from the app's voice factory"
        said = voices[-1].cues[-1].text
        assert said.startswith("First up: glute bridges.")
        assert said == opening_words(screen.plan)
        assert "Lie on your back" in said
        assert screen.query_one("#said").text == f"Says: {said}"
    assert voices[-1].closed


@async_test
async def test_leaving_with_changes_asks_first(make_app: Any, home: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_editor(pilot, "e", "quick")
        await pilot.press("escape")  # nothing changed: straight back
        await pilot.pause()
        assert isinstance(app.screen, RoutinesScreen)
        screen = await open_editor(pilot, "e", "quick")
        await type_into(pilot, "#f-name", "Quicker")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("escape")
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, RoutinesScreen)
    assert (home / "routines" / "quick.toml").read_text("utf-8") == QUICK_ROUTINE


@async_test
async def test_an_untouched_new_routine_or_copy_leaves_without_asking(
    make_app: Any, home: Path
) -> None:
    before = sorted(p.name for p in (home / "routines").glob("*"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        for key, routine in (("n", None), ("c", "desk-reset")):
            await open_editor(pilot, key, routine)
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, RoutinesScreen), key
        await open_editor(pilot, "n")
        await type_into(pilot, "#f-name", "Hips")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
    assert sorted(p.name for p in (home / "routines").glob("*")) == before


@async_test
async def test_help_lists_the_editor_keys(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        assert {"New", "Copy", "Edit", "Delete"} <= {row[1] for row in app.screen.rows}
        await pilot.press("escape")
        await open_editor(pilot, "n")
        app.screen.query_one("#entries").focus()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        described = {row[1] for row in app.screen.rows}
        assert {"Save", "Add", "Remove", "Move up", "Move down", "Own move", "Hear start"} <= (
            described
        )


@async_test
async def test_routines_edit_from_the_command_line_opens_the_editor(make_app: Any) -> None:
    app = make_app()
    app.edit_routine = "quick"  # what `glutecoach routines edit quick` sets
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, EditorScreen)
        assert app.screen.routine_id == "quick" and app.screen.edit.kind == "edit"


@async_test
async def test_levels_screen_from_the_editor_changes_the_preview(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_editor(pilot, "c", "desk-reset")
        await to_entries(pilot, 0)
        before = screen.plan.total_seconds
        await pilot.press("l")
        await pilot.pause()
        assert app.screen is not screen, "l opens the Levels screen from the exercise list"
        app.store.levels.set("glute-bridge", 2)  # what + does there, for the bridge
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert "level 2 of 4" in screen.query_one("#level").text
        assert screen.plan.total_seconds == before + 2 * 10 * (5 - 3)  # 5 s reps at level 2
