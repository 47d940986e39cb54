"""Broken routine files, met through the real command line: every problem named, the file
and line given, a suggestion where one exists, status 2, no traceback, the rest still usable."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from cli_support import glutecoach, write_routine

GOOD = 'name = "Mine"\n\n[[exercise]]\nid = "clamshell"\nreps = 8\n'


@dataclass(frozen=True)
class Bad:
    id: str
    text: str | bytes
    expect: tuple[str, ...]  # each must appear in the message
    lines: tuple[int, ...] = ()  # lines the message must point at


BAD = [
    Bad(
        "syntax",
        'name = "S"\n\n[[exercise]\nid = "clamshell"\nreps = 10\n',
        ("is not valid TOML",),
        (3,),
    ),
    Bad(
        "unknown-key",
        'name = "K"\n\n[[exercise]]\nid = "clamshell"\nreps = 10\nrset = 5\n',
        ("exercise[0].rset", "unknown key", "did you mean `sets`?"),
        (6,),
    ),
    Bad(
        "unknown-id",
        'name = "I"\n\n[[exercise]]\nid = "clamshel"\nreps = 10\n',
        ("exercise[0].id", "unknown exercise `clamshel`", "did you mean `clamshell`?"),
        (4,),
    ),
    Bad(
        "wrong-type",
        'name = "T"\n\n[[exercise]]\nid = "clamshell"\nreps = "ten"\n',
        ("exercise[0].reps", "whole number", '"ten"'),
        (5,),
    ),
    Bad(
        "out-of-range",
        'name = "R"\nlead_in = 500\n\n[[exercise]]\nid = "clamshell"\nreps = 10\n',
        ("lead_in", "500 is out of range", "0 to 120"),
        (2,),
    ),
    Bad(
        "both",
        'name = "B"\n\n[[exercise]]\nid = "clamshell"\nreps = 10\nseconds = 30\n',
        ("exercise[0]", "either `reps` or `seconds`"),
        (3,),
    ),
    Bad(
        "neither",
        'name = "N"\n\n[[exercise]]\nid = "clamshell"\nsets = 2\n',
        ("exercise[0]", "`reps = N`", "`seconds = N`"),
        (3,),
    ),
    Bad("empty", 'name = "E"\n', ("has no exercises", "[[exercise]]")),
    Bad("empty-list", 'name = "E"\nexercise = []\n', ("exercise", "is empty"), (2,)),
    Bad("blank", "", ("missing `name`", "has no exercises")),
    Bad(
        "non-utf8",
        b'name = "U"\n# caf\xe9 au lait\n[[exercise]]\nid = "clamshell"\nreps = 1\n',
        ("not UTF-8",),
        (2,),
    ),
    Bad(
        "huge",
        'name = "H"\n' + "#" * 1_050_000 + '\n[[exercise]]\nid = "clamshell"\nreps = 1\n',
        ("1 MB", "bytes"),
    ),
]


def check_message(message: str, path: Path, bad: Bad) -> None:
    assert str(path) in message
    for text in bad.expect:
        assert text in message, f"{text!r} missing from:\n{message}"
    for line in bad.lines:
        assert f"{path}:{line}:" in message, f"line {line} missing from:\n{message}"
    assert "Traceback" not in message


@pytest.mark.parametrize("bad", BAD, ids=[b.id for b in BAD])
def test_plan_of_a_broken_routine_exits_2_and_says_what_to_fix(home: Path, bad: Bad) -> None:
    path = write_routine(home, bad.id, bad.text)
    result = glutecoach("plan", bad.id, home=home)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    check_message(result.stderr, path, bad)
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("bad", BAD, ids=[b.id for b in BAD])
def test_running_a_broken_routine_exits_2_before_starting(home: Path, bad: Bad) -> None:
    path = write_routine(home, bad.id, bad.text)
    result = glutecoach("run", bad.id, "--plain", "--voice", "captions", home=home, timeout=30)
    assert result.returncode == 2, result.stderr
    check_message(result.stderr, path, bad)
    assert "Traceback" not in result.stdout + result.stderr
    assert "Session" not in result.stdout


def test_every_problem_in_a_file_is_reported_together(home: Path) -> None:
    text = (
        'name = "Many"\nlead_in = -1\nswitch = "five"\n\n'
        '[[exercise]]\nid = "glute-brige"\nreps = 0\n\n'
        '[[exercise]]\nid = "clamshell"\n\n'
        '[[exercise]]\nid = "runners-stretch"\nseconds = 30\nrestt = 10\n'
    )
    path = write_routine(home, "many", text)
    result = glutecoach("plan", "many", home=home)
    assert result.returncode == 2
    err = result.stderr
    assert "6 problems" in err
    for line, words in [
        (2, "lead_in: -1 is out of range"),
        (3, "switch: must be a number"),
        (6, "did you mean `glute-bridge`?"),
        (7, "exercise[0].reps: 0 is out of range"),
        (9, "exercise[1]: needs `reps = N`"),
        (15, "did you mean `rest`?"),
    ]:
        assert f"{path}:{line}:" in err and words in err, f"{line} {words!r}\n{err}"


def test_other_routines_still_load_beside_broken_ones(home: Path) -> None:
    for bad in BAD:
        write_routine(home, bad.id, bad.text)
    write_routine(home, "mine", GOOD)
    mine = glutecoach("plan", "mine", "--json", home=home)
    assert mine.returncode == 0, mine.stderr
    assert json.loads(mine.stdout)["name"] == "Mine"
    builtin = glutecoach("plan", "desk-reset", "--json", home=home)
    assert builtin.returncode == 0 and json.loads(builtin.stdout)["routine"] == "desk-reset"


def test_routines_lists_broken_files_with_their_errors(home: Path) -> None:
    paths = {bad.id: write_routine(home, bad.id, bad.text) for bad in BAD}
    write_routine(home, "mine", GOOD)
    result = glutecoach("routines", home=home)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for routine_id in ("desk-reset", "full", "stretch-break", "mine"):
        assert routine_id in out
    for bad in BAD:
        block = out[out.index(bad.id + " ") :]
        assert "BROKEN" in block.splitlines()[0]
        check_message(block, paths[bad.id], bad)
    assert "Traceback" not in out + result.stderr


def test_routines_json_gives_broken_files_their_errors(home: Path) -> None:
    paths = {bad.id: write_routine(home, bad.id, bad.text) for bad in BAD}
    write_routine(home, "mine", GOOD)
    result = glutecoach("routines", "--json", home=home)
    assert result.returncode == 0, result.stderr
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    assert set(rows) == {"desk-reset", "full", "stretch-break", "mine", *paths}
    assert rows["mine"]["errors"] == [] and rows["mine"]["total_seconds"] > 0
    for bad in BAD:
        row = rows[bad.id]
        assert row["errors"], bad.id
        assert row["total_seconds"] is None
        check_message("\n".join(row["errors"]), paths[bad.id], bad)


def test_an_unknown_routine_suggests_the_nearest(home: Path) -> None:
    result = glutecoach("plan", "desk-rest", home=home)
    assert result.returncode == 2
    assert "did you mean `desk-reset`?" in result.stderr
    assert "Traceback" not in result.stderr


OWN = """name = "Own move"

[exercises.wall-sit]
name = "Wall sit"
why = "Builds the thighs and glutes without moving."
setup = "Back flat on a wall, slide down until your knees are bent."
form = ["Knees over ankles.", "Breathe."]
one_sided = true

[[exercises.wall-sit.levels]]
name = "Wall sit"
change = "Thighs level with the floor."
cue = "Sit as if on a chair."

[[exercise]]
id = "wall-sit"
seconds = 30

[[exercise]]
id = "clamshell"
reps = 10
"""


def test_a_routine_can_define_its_own_exercise(home: Path) -> None:
    write_routine(home, "own", OWN)
    result = glutecoach("plan", "own", "--json", home=home)
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    walls = [s for s in plan["steps"] if s["exercise"] == "wall-sit" and s["kind"] == "work"]
    assert [s["side"] for s in walls] == ["left", "right"]
    assert all(s["seconds"] == 30 for s in walls)
    said = [c["text"] for s in plan["steps"] for c in s["cues"]]
    assert "First up: Wall sit." in said
    assert "Back flat on a wall, slide down until your knees are bent." in said
    assert "Sit as if on a chair." in said
    listed = glutecoach("routines", "--json", home=home)
    row = next(r for r in json.loads(listed.stdout) if r["id"] == "own")
    assert row["exercises"] == ["wall-sit", "clamshell"] and row["errors"] == []


def test_a_broken_own_exercise_is_reported_with_lines(home: Path) -> None:
    text = OWN.replace('setup = "Back flat', 'tempoo = 3\nsetupp = "Back flat').replace(
        "one_sided = true", 'one_sided = "yes"'
    )
    path = write_routine(home, "own", text)
    result = glutecoach("plan", "own", home=home)
    assert result.returncode == 2
    err = result.stderr
    assert f"{path}:6: exercises.wall-sit.tempoo: unknown key (did you mean `tempo`?)" in err
    assert "did you mean `setup`?" in err
    assert "missing `setup`" in err
    assert f"{path}:9: exercises.wall-sit.one_sided: must be true or false" in err
    assert "unknown exercise `wall-sit`" not in err  # one cause, not two messages
    assert "Traceback" not in err


def test_an_own_exercise_may_not_take_a_built_in_id(home: Path) -> None:
    text = OWN.replace("wall-sit", "clamshell", 1)
    path = write_routine(home, "own", text)
    result = glutecoach("plan", "own", home=home)
    assert result.returncode == 2
    assert f"{path}:3: exercises.clamshell: is already a built-in exercise" in result.stderr


def test_a_user_routine_with_a_built_in_id_replaces_it(home: Path) -> None:
    write_routine(home, "desk-reset", GOOD.replace('"Mine"', '"My desk reset"'))
    result = glutecoach("plan", "desk-reset", "--json", home=home)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["name"] == "My desk reset"


def test_a_file_name_that_cannot_be_an_id_is_reported(home: Path) -> None:
    path = write_routine(home, "My Routine", GOOD)
    result = glutecoach("routines", "--json", home=home)
    assert result.returncode == 0, result.stderr
    row = next(r for r in json.loads(result.stdout) if r["id"] == "My Routine")
    assert any(str(path) in e and "file name" in e for e in row["errors"])


def test_routines_still_lists_built_ins_when_the_routines_folder_is_a_file(home: Path) -> None:
    (home / "routines").write_text("not a folder", encoding="utf-8")
    result = glutecoach("routines", "--json", home=home)
    assert result.returncode == 0, result.stderr
    ids = {r["id"] for r in json.loads(result.stdout)}
    assert ids == {"desk-reset", "full", "stretch-break"}


def test_files_that_are_not_toml_are_ignored(home: Path) -> None:
    write_routine(home, "mine", GOOD)
    (home / "routines" / "notes.txt").write_text("[[[ not toml", encoding="utf-8")
    (home / "routines" / "mine.toml.bak").write_text("[[[ not toml", encoding="utf-8")
    result = glutecoach("routines", "--json", home=home)
    rows = json.loads(result.stdout)
    assert {r["id"] for r in rows} == {"desk-reset", "full", "stretch-break", "mine"}
    assert all(r["errors"] == [] for r in rows)
