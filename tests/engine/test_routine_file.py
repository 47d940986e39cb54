"""The routine writer: what it accepts, the reader loads without a problem and plans; what it
refuses, it does not write; a hand-written file keeps a .bak; removing renames aside."""

from __future__ import annotations

import tempfile
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, find, given, settings
from hypothesis import strategies as st

from glutecoach.engine.catalog import load_catalog
from glutecoach.engine.plan import build_plan
from glutecoach.engine.routine_file import (
    HEADER,
    RANGES,
    check_data,
    move_aside,
    routine_to_data,
    save_routine,
    starter_data,
    written_by_us,
)
from glutecoach.engine.routines import load_routine_file, load_routines
from glutecoach.engine.tomlcheck import FileProblems
from glutecoach.errors import UserError

CATALOG = load_catalog()
NOW = datetime(2026, 12, 1, 17, 0, 0, tzinfo=UTC)

WALL_SIT: dict[str, Any] = {
    "name": "Wall sit",
    "setup": "Back flat on a wall, slide down until your knees are bent.",
    "form": ["Knees over ankles.", "Push your back into the wall."],
    "equipment": [],
    "one_sided": False,
    "tempo": 3,
    "levels": [
        {"name": "Wall sit", "change": "Hold still.", "cue": "Breathe and hold."},
        {"name": "Low wall sit", "change": "Thighs level with the floor.", "tempo": 4},
    ],
}


def test_every_builtin_routine_round_trips_through_the_writer(tmp_path: Path) -> None:
    for routine in load_routines(tmp_path / "none").routines.values():
        saved = save_routine(routine.id, routine_to_data(routine), tmp_path)
        again = load_routine_file(saved.path)
        assert again.entries == routine.entries
        assert (again.name, again.lead_in, again.transition, again.switch) == (
            routine.name,
            routine.lead_in,
            routine.transition,
            routine.switch,
        )
        text = saved.path.read_text("utf-8")
        assert text.startswith(HEADER) and "[[exercise]]" in text
        assert written_by_us(text)


def test_own_exercise_is_written_in_the_catalog_shape(tmp_path: Path) -> None:
    data = starter_data("Walls")
    data["exercises"] = {"wall-sit": WALL_SIT}
    data["exercise"].append({"id": "wall-sit", "sets": 1, "seconds": 30})
    saved = save_routine("walls", data, tmp_path)
    read = tomllib.loads(saved.path.read_text("utf-8"))
    assert read["exercises"]["wall-sit"]["levels"][1]["tempo"] == 4
    routine = load_routine_file(saved.path)
    assert routine.exercises["wall-sit"].levels[1].name == "Low wall sit"
    assert routine_to_data(routine)["exercises"]["wall-sit"] == WALL_SIT
    assert "[exercises.wall-sit]" in saved.path.read_text("utf-8")


@pytest.mark.parametrize(
    ("change", "expect"),
    [
        (lambda d: d.update(lead_in=500), "lead_in: 500 is out of range; use 0 to 120"),
        (lambda d: d["exercise"][0].update(seconds=30), "give either `reps` or `seconds`"),
        (lambda d: d["exercise"][1].update(id="clamshel"), "did you mean `clamshell`?"),
        (lambda d: d.update(name=" "), "must not be empty"),
        (lambda d: d.update(exercise=[]), "has no exercises"),
        (lambda d: d["exercise"][0].update(sets=0), "0 is out of range; use 1 to 20"),
        (lambda d: d["exercise"][1].update(tempo=3), "only applies to rep work"),
        (lambda d: d.update(exercises={"clamshell": WALL_SIT}), "already a built-in exercise"),
        (lambda d: d.update(exercises={"wall-sit": {"name": "W"}}), "missing `setup`"),
    ],
)
def test_what_the_reader_would_call_broken_is_not_written(
    tmp_path: Path, change: Any, expect: str
) -> None:
    data = starter_data()
    change(data)
    with pytest.raises(FileProblems) as raised:
        save_routine("mine", data, tmp_path)
    assert expect in str(raised.value)
    assert not (tmp_path / "mine.toml").exists()


def test_a_bad_id_is_refused_with_the_rule(tmp_path: Path) -> None:
    with pytest.raises(FileProblems, match="lower-case letters, digits, dashes"):
        check_data("My Routine", starter_data())


def test_hand_written_file_keeps_a_bak_before_the_first_rewrite_only(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    hand = '# my notes\nname = "Mine"\n\n[[exercise]]\nid = "clamshell"\nreps = 8\n'
    path.write_text(hand, encoding="utf-8")
    routine = load_routine_file(path)
    data = routine_to_data(routine)
    data["name"] = "Mine, edited"
    saved = save_routine("mine", data, tmp_path, now=NOW)
    assert saved.backup == tmp_path / "mine.toml.bak"
    assert saved.backup.read_text("utf-8") == hand
    data["name"] = "Mine, again"
    second = save_routine("mine", data, tmp_path, now=NOW)
    assert second.backup is None, "our own file has nothing to lose"
    assert (tmp_path / "mine.toml.bak").read_text("utf-8") == hand
    # Edited by hand again: that text is kept too, without losing the first .bak.
    edited = path.read_text("utf-8") + "# another note\n"
    path.write_text(edited, encoding="utf-8")
    third = save_routine("mine", data, tmp_path, now=NOW)
    assert third.backup is not None and third.backup.name == "mine.toml.bak-20261201T170000Z"
    assert third.backup.read_text("utf-8") == edited
    assert (tmp_path / "mine.toml.bak").read_text("utf-8") == hand
    assert sorted(p.name for p in tmp_path.glob("*.toml")) == ["mine.toml"]


def test_no_temp_file_is_left_behind(tmp_path: Path) -> None:
    save_routine("mine", starter_data(), tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.toml"]


def test_move_aside_renames_and_never_destroys(tmp_path: Path) -> None:
    saved = save_routine("mine", starter_data(), tmp_path)
    text = saved.path.read_text("utf-8")
    first = move_aside("mine", tmp_path, now=NOW)
    assert first.name == "mine.toml.deleted-20261201T170000Z"
    assert first.read_text("utf-8") == text and not saved.path.exists()
    save_routine("mine", starter_data(), tmp_path)
    second = move_aside("mine", tmp_path, now=NOW)
    assert second.name == "mine.toml.deleted-20261201T170000Z-2" and first.exists()
    assert "mine" not in load_routines(tmp_path).routines
    with pytest.raises(UserError, match="no routine file"):
        move_aside("mine", tmp_path)


# -- the property ------------------------------------------------------------------------------

OWN_IDS = ["wall-sit", "side-plank"]


def _mostly(good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``good`` about 12 times in 13 (``one_of`` would pick each branch evenly)."""
    return st.integers(0, 12).flatmap(lambda n: good if n else bad)


def _around(low: float, high: float, *, whole: bool = False) -> st.SearchStrategy[Any]:
    """Values inside the range mostly; now and then just outside it, or the wrong type."""
    inside: st.SearchStrategy[Any] = st.integers(int(low), int(high))
    if not whole:
        inside = inside | st.floats(low, high, allow_nan=False)
    return _mostly(inside, st.sampled_from([low - 1, high + 1, -5, "ten", True, 2.5]))


texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
names = _mostly(texts.map(lambda t: t if t.strip() else f"Move{t}"), st.sampled_from(["", " "]))


@st.composite
def entry_data(draw: st.DrawFn, own: list[str]) -> dict[str, Any]:
    ids = st.sampled_from(sorted(CATALOG) + own * 3)
    entry: dict[str, Any] = {"id": draw(_mostly(ids, st.sampled_from(["nope", *OWN_IDS])))}
    if draw(st.booleans()):
        entry["sets"] = draw(_around(1, 20, whole=True))
    kind = draw(_mostly(st.sampled_from(["reps", "seconds"]), st.sampled_from(["both", "none"])))
    if kind in ("reps", "both"):
        entry["reps"] = draw(_around(1, 100, whole=True))
        if draw(st.booleans()):
            entry["tempo"] = draw(_around(1, 10))
    if kind in ("seconds", "both"):
        entry["seconds"] = draw(_around(1, 3600))
    if draw(st.booleans()):
        entry["rest"] = draw(_around(0, 600))
    return entry


@st.composite
def exercise_data(draw: st.DrawFn) -> dict[str, Any]:
    body: dict[str, Any] = {"name": draw(names), "setup": draw(names)}
    body["form"] = draw(st.lists(texts, max_size=draw(_mostly(st.just(6), st.just(8)))))
    body["equipment"] = draw(st.lists(st.sampled_from(["band", "weight", "mat"]), max_size=2))
    body["one_sided"] = draw(st.booleans())
    body["tempo"] = draw(_around(1, 10))
    if draw(st.booleans()):
        count = draw(_mostly(st.integers(1, 3), st.just(0)))
        body["levels"] = [
            {"name": draw(names), "change": draw(texts), "cue": draw(texts)} for _ in range(count)
        ]
    return body


@st.composite
def routine_data(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = {"name": draw(names)}
    if draw(st.booleans()):
        data["description"] = draw(texts)
    for key, high in (("lead_in", 120), ("transition", 120), ("switch", 60)):
        if draw(st.booleans()):
            data[key] = draw(_around(0, high))
    own = draw(st.dictionaries(st.sampled_from(OWN_IDS), exercise_data(), max_size=2))
    if own:
        data["exercises"] = own
    data["exercise"] = draw(
        _mostly(st.lists(entry_data(sorted(own)), min_size=1, max_size=5), st.just([]))
    )
    return data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=routine_data())
def test_whatever_the_writer_accepts_loads_without_problems_and_plans(
    data: dict[str, Any],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        try:
            saved = save_routine("prop", data, Path(folder), catalog=CATALOG)
        except FileProblems as refused:
            event("refused")
            assert refused.problems, "a refusal says why"
            assert not (Path(folder) / "prop.toml").exists()
            return
        event("accepted")
        found = load_routines(Path(folder))
        assert "prop" not in found.broken, found.broken.get("prop")
        loaded = found.routines["prop"]
        assert loaded.entries == saved.routine.entries
        assert loaded.exercises == saved.routine.exercises
        plan = build_plan(loaded, CATALOG)
        assert plan.total_seconds > 0
        assert len({s.entry for s in plan.steps}) == len(loaded.entries)
        again = save_routine("prop", routine_to_data(loaded), Path(folder), catalog=CATALOG)
        assert again.backup is None, "a file we wrote is ours: no .bak"


def _accepted(data: dict[str, Any]) -> bool:
    try:
        check_data("prop", data, CATALOG)
    except FileProblems:
        return False
    return True


def test_the_property_strategy_reaches_files_the_writer_accepts() -> None:
    """The property would say nothing if no drawn routine were ever accepted: find ones that
    are, with several entries and with a move of their own."""
    many = find(routine_data(), lambda d: len(d["exercise"]) >= 3 and _accepted(d))
    assert len(check_data("prop", many, CATALOG)[0].entries) >= 3
    own = find(
        routine_data(),
        lambda d: any(e["id"] in OWN_IDS for e in d["exercise"]) and _accepted(d),
        settings=settings(max_examples=5000, deadline=None),
    )
    assert check_data("prop", own, CATALOG)[0].exercises


@pytest.mark.parametrize("key", sorted(RANGES))
def test_the_ranges_the_editor_shows_are_the_readers(key: str) -> None:
    """The editor's labels say RANGES; the reader's checker is the judge. They must agree."""
    low, high = RANGES[key]

    def data_with(value: float) -> dict[str, Any]:
        data = starter_data()
        entry = data["exercise"][0]  # rep work: every entry key applies to it
        if key == "seconds":
            entry.pop("reps")
        target = entry if key in ("sets", "reps", "seconds", "tempo", "rest") else data
        target[key] = value
        return data

    for value in (low, high):
        check_data("r", data_with(int(value)), CATALOG)
    for value in (low - 1, high + 1):
        with pytest.raises(FileProblems, match=f"use {low:g} to {high:g}"):
            check_data("r", data_with(int(value)), CATALOG)
