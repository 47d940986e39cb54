"""`glutecoach routines new|edit|rm` through the real command line, in a real home folder."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from cli_support import glutecoach, write_routine

HAND = '# mine, by hand\nname = "Mine"\n\n[[exercise]]\nid = "clamshell"\nreps = 8\n'


def listed(home: Path) -> dict[str, dict[str, object]]:
    done = glutecoach("routines", "--json", home=home)
    assert done.returncode == 0, done.stderr
    return {row["id"]: row for row in json.loads(done.stdout)}


def test_new_writes_a_valid_starter_and_prints_its_path(home: Path) -> None:
    done = glutecoach("routines", "new", "hip-break", home=home)
    assert done.returncode == 0, done.stderr
    path = Path(done.stdout.strip())
    assert path == home / "routines" / "hip-break.toml"
    assert tomllib.loads(path.read_text("utf-8"))["name"] == "Hip break"
    row = listed(home)["hip-break"]
    assert row["errors"] == [] and row["total_seconds"]
    assert glutecoach("plan", "hip-break", home=home).returncode == 0


def test_new_from_a_builtin_copies_it_and_plans_the_same(home: Path) -> None:
    done = glutecoach("routines", "new", "my-desk", "--from", "desk-reset", home=home)
    assert done.returncode == 0, done.stderr
    mine = json.loads(glutecoach("plan", "my-desk", "--json", home=home).stdout)
    builtin = json.loads(glutecoach("plan", "desk-reset", "--json", home=home).stdout)
    assert mine["steps"] == builtin["steps"]
    assert mine["name"] == "Desk reset (copy)"
    assert listed(home)["desk-reset"]["source"] == "built-in", "the built-in is untouched"


def test_new_from_a_user_routine_with_its_own_exercise(home: Path) -> None:
    own = (
        'name = "Walls"\n\n[[exercise]]\nid = "wall-sit"\nseconds = 30\n\n'
        '[exercises.wall-sit]\nname = "Wall sit"\nsetup = "Back to the wall."\n'
    )
    write_routine(home, "walls", own)
    done = glutecoach("routines", "new", "walls-2", "--from", "walls", home=home)
    assert done.returncode == 0, done.stderr
    data = tomllib.loads(Path(done.stdout.strip()).read_text("utf-8"))
    assert data["exercises"]["wall-sit"]["setup"] == "Back to the wall."


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (("new", "Hip_Break"), "lower-case letters, digits and dashes"),
        (("new", "desk-reset"), "would hide the built-in"),
        (("new", "x", "--from", "desk-rest"), "did you mean `desk-reset`?"),
        (("edit", "desk-reset"), "--from desk-reset"),
        (("edit", "nope"), "no routine called `nope`"),
        (("edit", "mine"), "needs a terminal"),
        (("rm", "desk-reset"), "built in and cannot be removed"),
        (("rm", "nope"), "no routine called `nope`"),
        (("rm", "../mine"), "cannot be a routine id"),
    ],
)
def test_refusals_say_what_to_do_and_exit_2(home: Path, args: tuple[str, ...], expect: str) -> None:
    write_routine(home, "mine", HAND)
    done = glutecoach("routines", *args, home=home)
    assert done.returncode == 2, done
    assert expect in done.stderr
    assert "Traceback" not in done.stderr
    assert (home / "routines" / "mine.toml").read_text("utf-8") == HAND, "nothing lost"


def test_new_refuses_an_id_that_exists_and_keeps_the_file(home: Path) -> None:
    write_routine(home, "mine", HAND)
    done = glutecoach("routines", "new", "mine", home=home)
    assert done.returncode == 2
    assert "already exists" in done.stderr and "routines edit mine" in done.stderr
    assert (home / "routines" / "mine.toml").read_text("utf-8") == HAND


def test_edit_refuses_a_broken_file_with_its_problems(home: Path) -> None:
    write_routine(home, "oops", 'name = "Oops"\n[[exercise]]\nid = "clamshel"\nreps = 3\n')
    done = glutecoach("routines", "edit", "oops", home=home)
    assert done.returncode == 2
    assert "oops.toml" in done.stderr and "did you mean `clamshell`?" in done.stderr


def test_rm_moves_the_file_aside_and_it_can_come_back(home: Path) -> None:
    path = write_routine(home, "mine", HAND)
    done = glutecoach("routines", "rm", "mine", home=home)
    assert done.returncode == 0, done.stderr
    assert not path.exists()
    aside = [p for p in (home / "routines").iterdir() if p.name.startswith("mine.toml.deleted-")]
    assert len(aside) == 1 and aside[0].read_text("utf-8") == HAND
    assert aside[0].name in done.stdout
    assert "mine" not in listed(home)
    aside[0].rename(path)
    assert "mine" in listed(home)


def test_rm_of_a_file_that_replaces_a_builtin_brings_the_builtin_back(home: Path) -> None:
    write_routine(home, "desk-reset", HAND)
    assert listed(home)["desk-reset"]["name"] == "Mine"
    done = glutecoach("routines", "rm", "desk-reset", home=home)
    assert done.returncode == 0, done.stderr
    assert "built-in `desk-reset` is back" in done.stdout
    assert listed(home)["desk-reset"]["source"] == "built-in"


def test_rm_removes_a_broken_file_too(home: Path) -> None:
    write_routine(home, "oops", "not toml at all [")
    assert glutecoach("routines", "rm", "oops", home=home).returncode == 0
    assert "oops" not in listed(home)


def test_routines_alone_still_lists(home: Path) -> None:
    done = glutecoach("routines", home=home)
    assert done.returncode == 0 and "desk-reset" in done.stdout
