"""`glutecoach history` and `glutecoach levels`, run as a user runs them."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from store_plans import make_plan, run_all

from glutecoach.cli import main
from glutecoach.store import open_store

ISO_UTC = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$"


def record_session(
    levels: dict[str, int] | None = None, when: str | None = None, effort: int = 3
) -> None:
    store = open_store()
    plan = make_plan(levels)
    record = store.history.begin(plan, "Test routine")
    run_all(record, plan)
    record.finish("completed", 240)
    record.rate(effort)
    if when:
        assert store.history.db is not None
        with store.history.db.write() as conn:
            conn.execute("UPDATE sessions SET started_at=? WHERE id=?", (when, record.session_id))
    store.close()


def test_history_json_has_the_documented_fields(capsys: pytest.CaptureFixture[str]) -> None:
    record_session({"glute-bridge": 2})
    assert main(["history", "--json"]) == 0
    [session] = json.loads(capsys.readouterr().out)
    for key in ("routine", "started_at", "ended_at", "status", "active_seconds", "effort"):
        assert key in session
    assert session["routine"] == "test-routine"
    assert session["status"] == "completed" and session["effort"] == 3
    assert session["active_seconds"] == 240
    assert re.match(ISO_UTC, session["started_at"]) and re.match(ISO_UTC, session["ended_at"])
    bridge = session["exercises"][0]
    assert {k: bridge[k] for k in ("exercise", "level", "sets_planned", "sets_done")} == {
        "exercise": "glute-bridge",
        "level": 2,
        "sets_planned": 2,
        "sets_done": 2,
    }


def test_history_since_filters_and_orders_newest_first(capsys: pytest.CaptureFixture[str]) -> None:
    record_session(when="2024-01-05T08:00:00+00:00")
    record_session(when="2024-03-01T08:00:00+00:00")
    record_session(when="2024-02-01T08:00:00+00:00")
    assert main(["history", "--json", "--since", "2024-02-01"]) == 0
    sessions = json.loads(capsys.readouterr().out)
    assert [s["started_at"][:10] for s in sessions] == ["2024-03-01", "2024-02-01"]


def test_history_csv_has_one_row_per_session_exercise(capsys: pytest.CaptureFixture[str]) -> None:
    record_session()
    record_session()
    assert main(["history", "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 6
    assert rows[0]["exercise"] == "glute-bridge" and rows[0]["sets_done"] == "2"


def test_history_table_and_empty_history(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history"]) == 0
    assert "No sessions yet" in capsys.readouterr().out
    record_session()
    assert main(["history"]) == 0
    out = capsys.readouterr().out
    assert "Test routine" in out and "hard" in out and "glute-bridge:1" in out


def test_history_bad_since_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "--since", "yesterday"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_history_with_garbage_database_still_runs(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home.mkdir(parents=True)
    (home / "history.db").write_text("garbage")
    assert main(["history", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == []
    assert "damaged" in captured.err and "history.db.corrupt-" in captured.err


def test_levels_set_changes_what_levels_shows(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["levels", "set", "glute-bridge", "2"]) == 0
    capsys.readouterr()
    assert main(["levels", "--json"]) == 0
    rows = {r["exercise"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["glute-bridge"]["level"] == 2
    assert rows["glute-bridge"]["levels"] >= 2
    assert rows["glute-bridge"]["name"] == "Glute bridge"
    assert all(r["level"] == 1 for k, r in rows.items() if k != "glute-bridge")


def test_levels_set_bad_exercise_lists_choices(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["levels", "set", "glute-brige", "2"]) == 2
    err = capsys.readouterr().err
    assert "glute-bridge" in err and "clamshell" in err


def test_levels_set_bad_level_lists_the_rungs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["levels", "set", "glute-bridge", "99"]) == 2
    err = capsys.readouterr().err
    assert "levels 1 to" in err and "1 " in err


def test_levels_text_lists_every_exercise(capsys: pytest.CaptureFixture[str]) -> None:
    from glutecoach.engine.catalog import load_catalog

    assert main(["levels"]) == 0
    out = capsys.readouterr().out
    for exercise in load_catalog().values():
        assert exercise.id in out and f"1/{len(exercise.levels)}" in out


def test_store_imports_neither_textual_nor_pyttsx3() -> None:
    code = (
        "import sys, glutecoach.store, glutecoach.store.history, glutecoach.store.levels\n"
        "bad = [m for m in ('textual', 'rich', 'pyttsx3') if m in sys.modules]\n"
        "print(bad)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_levels_prints_a_suggestion_with_the_command_to_accept_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for _ in range(3):
        record_session(effort=2)
    assert main(["levels"]) == 0
    out = capsys.readouterr().out
    assert "Suggestion: glute-bridge up to 2" in out
    assert "glutecoach levels set glute-bridge 2" in out
    assert main(["levels", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["level"] == 1  # only suggested


def test_history_from_a_newer_glutecoach_says_why_and_exits_1(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    home.mkdir(parents=True)
    conn = sqlite3.connect(home / "history.db")
    conn.execute("PRAGMA user_version = 42")
    conn.close()
    assert main(["history", "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "History is off" in captured.err and "newer glutecoach" in captured.err


READ_ONLY_COMMANDS = [
    ["routines"],
    ["routines", "--json"],
    ["plan", "desk-reset"],
    ["plan", "desk-reset", "--json"],
    ["levels"],
    ["levels", "--json"],
    ["history"],
    ["history", "--json"],
    ["history", "--csv"],
]


@pytest.mark.parametrize("command", READ_ONLY_COMMANDS, ids=" ".join)
def test_read_only_commands_leave_an_empty_home_empty(tmp_path: Path, command: list[str]) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "GLUTECOACH_HOME": str(home)}
    result = subprocess.run(
        [sys.executable, "-m", "glutecoach", *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert list(home.iterdir()) == []
    if command[-1] == "--json":
        json.loads(result.stdout)  # still the documented output: [] or the levels
    if command == ["levels"]:
        assert "glute-bridge" in result.stdout and "1/" in result.stdout


def test_levels_set_in_an_empty_home_creates_the_history_and_keeps_the_level(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "GLUTECOACH_HOME": str(home)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "glutecoach", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    assert run("levels", "set", "glute-bridge", "2").returncode == 0
    assert (home / "history.db").exists()
    shown = {r["exercise"]: r["level"] for r in json.loads(run("levels", "--json").stdout)}
    assert shown["glute-bridge"] == 2
