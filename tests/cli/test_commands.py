"""The plain command line: version, help everywhere, where files live, JSON shapes."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from cli_support import glutecoach

from glutecoach import __version__
from glutecoach.cli import build_parser, main


def _subcommands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append((*prefix, name))
                found += _subcommands(sub, (*prefix, name))
    return found


SUBCOMMANDS = _subcommands(build_parser())


def test_version_prints_the_package_version(home: Path) -> None:
    result = glutecoach("--version", home=home)
    assert result.returncode == 0
    assert result.stdout.strip() == f"glutecoach {__version__}"


def test_the_parser_offers_the_engine_commands() -> None:
    for command in ("routines", "plan", "run", "locate"):
        assert (command,) in SUBCOMMANDS


@pytest.mark.parametrize("command", [(), *SUBCOMMANDS], ids=lambda c: " ".join(c) or "top")
def test_help_on_every_subcommand_exits_0(
    command: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: glutecoach" + "".join(f" {c}" for c in command))
    assert "-h, --help" in out


def test_help_runs_in_a_real_process_without_touching_home(home: Path) -> None:
    result = glutecoach("run", "--help", home=home)
    assert result.returncode == 0
    assert "--plain" in result.stdout
    assert list(home.iterdir()) == []


@pytest.mark.parametrize(
    ("what", "relative"),
    [
        ("config", ""),
        ("data", ""),
        ("routines", "routines"),
        ("themes", "themes"),
        ("config-file", "config.toml"),
        ("history", "history.db"),
    ],
)
def test_locate_puts_everything_under_glutecoach_home(home: Path, what: str, relative: str) -> None:
    result = glutecoach("locate", what, home=home)
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()) == (home / relative if relative else home)


def test_locate_rejects_an_unknown_kind(home: Path) -> None:
    result = glutecoach("locate", "music", home=home)
    assert result.returncode == 2
    assert "invalid choice" in result.stderr and "Traceback" not in result.stderr


def test_routines_json_lists_each_routine_with_its_facts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["routines", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert isinstance(rows, list)
    by_id = {row["id"]: row for row in rows}
    assert set(by_id) >= {"desk-reset", "full", "stretch-break"}
    for row in rows:
        assert {"id", "name", "total_seconds", "exercises", "equipment", "errors"} <= set(row)
        assert isinstance(row["name"], str) and row["errors"] == []
        assert isinstance(row["total_seconds"], int | float) and row["total_seconds"] > 0
        assert all(isinstance(e, str) for e in row["exercises"] + row["equipment"])
    assert by_id["stretch-break"]["exercises"] == ["runners-stretch", "piriformis-stretch"]
    assert by_id["stretch-break"]["equipment"] == []
    assert "band" in by_id["desk-reset"]["equipment"]
    assert len(by_id["desk-reset"]["exercises"]) == 5
    assert 405 <= by_id["desk-reset"]["total_seconds"] <= 435


def test_routines_without_a_band_does_not_ask_for_one(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (home / "config.toml").write_text("equipment = []\n", encoding="utf-8")
    assert main(["routines", "--json"]) == 0
    captured = capsys.readouterr()
    rows = {row["id"]: row for row in json.loads(captured.out)}
    assert rows["desk-reset"]["equipment"] == [], captured.err


PLAN_KEYS = {"routine", "name", "total_seconds", "steps"}
STEP_KEYS = {"kind", "seconds", "exercise", "set", "sets", "side", "reps", "level", "cues"}
CUE_KEYS = {"at", "text"}


@pytest.mark.parametrize("routine", ["desk-reset", "full", "stretch-break"])
def test_plan_json_keeps_the_documented_contract(home: Path, routine: str) -> None:
    result = glutecoach("plan", routine, "--json", home=home)
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    # The field names are a contract: all present, with these types. (Extra fields
    # are additions, e.g. "closing" and each cue's "kind".)
    assert set(plan) >= PLAN_KEYS
    assert plan["routine"] == routine and isinstance(plan["name"], str)
    assert plan["total_seconds"] == pytest.approx(sum(s["seconds"] for s in plan["steps"]))
    for step in plan["steps"]:
        assert set(step) == STEP_KEYS
        assert step["kind"] in {"lead_in", "work", "switch", "rest", "transition"}
        assert isinstance(step["seconds"], int | float) and step["seconds"] > 0
        assert step["exercise"] is None or isinstance(step["exercise"], str)
        assert step["side"] in {"left", "right", None}
        for key in ("set", "sets", "reps", "level"):
            assert step[key] is None or (isinstance(step[key], int) and step[key] >= 1), key
        for cue in step["cues"]:
            assert set(cue) >= CUE_KEYS
            assert isinstance(cue["text"], str) and cue["text"]
            assert 0 <= cue["at"] < step["seconds"]
    work = [s for s in plan["steps"] if s["kind"] == "work"]
    assert all(s["exercise"] and s["set"] and s["sets"] and s["level"] for s in work)


def test_plan_json_shows_the_desk_reset_promise(home: Path) -> None:
    plan = json.loads(glutecoach("plan", "desk-reset", "--json", home=home).stdout)
    assert 405 <= plan["total_seconds"] <= 435
    work = [(s["exercise"], s["side"]) for s in plan["steps"] if s["kind"] == "work"]
    assert {e for e, _ in work} == {
        "glute-bridge",
        "monster-walk",
        "clamshell",
        "runners-stretch",
        "piriformis-stretch",
    }
    for one_sided in ("clamshell", "runners-stretch", "piriformis-stretch"):
        assert (one_sided, "left") in work and (one_sided, "right") in work


def test_plan_text_shows_every_cue(home: Path) -> None:
    result = glutecoach("plan", "stretch-break", home=home)
    assert result.returncode == 0
    plan = json.loads(glutecoach("plan", "stretch-break", "--json", home=home).stdout)
    for step in plan["steps"]:
        for cue in step["cues"]:
            assert cue["text"] in result.stdout
    assert "All done" in result.stdout.splitlines()[-1]
