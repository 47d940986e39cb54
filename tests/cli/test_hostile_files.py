"""Files that try to crash, hang or hijack glutecoach (issue 15, faults 1-6), met through the
real command line: each gives a clear message naming the file, nothing else is lost, and no
traceback, control character or hang reaches the user."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import glutecoach, write_routine

GOOD = 'name = "Mine"\n\n[[exercise]]\nid = "clamshell"\nreps = 8\n'
DEEP = (
    'name = "Deep"\nx = ' + "[" * 500 + "]" * 500 + '\n[[exercise]]\nid = "clamshell"\nreps = 8\n'
)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stdout + result.stderr, result.stderr[-2000:]


# -- 1: nesting ------------------------------------------------------------------------------


def test_a_routine_nested_500_deep_is_reported_and_the_others_still_work(home: Path) -> None:
    path = write_routine(home, "deep", DEEP)
    write_routine(home, "mine", GOOD)
    result = glutecoach("plan", "deep", home=home)
    no_traceback(result)
    assert result.returncode == 2
    assert f"{path}:2:" in result.stderr and "nested" in result.stderr
    listed = glutecoach("routines", "--json", home=home)
    no_traceback(listed)
    rows = {r["id"]: r for r in json.loads(listed.stdout)}
    assert rows["deep"]["errors"] and rows["mine"]["errors"] == []
    assert glutecoach("plan", "desk-reset", home=home).returncode == 0


def test_a_routine_with_deeply_nested_tables_is_reported(home: Path) -> None:
    deep_tables = 'name = "T"\nx = ' + "{a = " * 200 + "1" + "}" * 200 + "\n"
    path = write_routine(home, "tables", deep_tables + GOOD.split("\n", 1)[1])
    result = glutecoach("plan", "tables", home=home)
    no_traceback(result)
    assert result.returncode == 2
    assert str(path) in result.stderr and "nested" in result.stderr


# -- 2: byte order mark -----------------------------------------------------------------------


def test_a_routine_saved_with_a_byte_order_mark_loads(home: Path) -> None:
    write_routine(home, "bom", b"\xef\xbb\xbf" + GOOD.encode())
    result = glutecoach("plan", "bom", "--json", home=home)
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["name"] == "Mine"


# -- 3: control characters --------------------------------------------------------------------

HOSTILE = (
    'name = "\\u001b]0;PWNED\\u0007Evil\\u001b[2J"\n'
    'description = "Red \\u001b[31malert\\u009b1m and a bell\\u0007"\n\n'
    '[[exercise]]\nid = "clamshell"\nreps = 8\n'
)


@pytest.mark.parametrize(
    "args",
    [("plan", "evil"), ("plan", "evil", "--json"), ("routines",), ("routines", "--json")],
    ids=["plan", "plan-json", "routines", "routines-json"],
)
def test_escape_sequences_in_a_routine_never_reach_the_terminal(
    home: Path, args: tuple[str, ...]
) -> None:
    write_routine(home, "evil", HOSTILE)
    result = glutecoach(*args, home=home)
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert not CONTROL.search(result.stdout.replace("\n", "")), repr(result.stdout[:400])
    assert "\\u001b" not in result.stdout  # not smuggled through JSON either
    assert "Evil" in result.stdout


def test_escape_sequences_do_not_reach_a_plain_run(home: Path) -> None:
    write_routine(home, "evil", HOSTILE)
    # A whole run takes minutes; the first lines (the routine's name) are enough.
    env = {**os.environ, "GLUTECOACH_HOME": str(home)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "glutecoach", "run", "evil", "--plain", "--voice", "off"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = proc.stdout.readline() if proc.stdout else ""
    finally:
        proc.kill()
        out, err = proc.communicate()
    text = first + out
    assert "Evil" in text, text + err
    assert not CONTROL.search(text.replace("\n", "")), repr(text[:400])


def test_problem_messages_quote_file_text_without_control_characters(home: Path) -> None:
    path = write_routine(
        home, "quote", 'name = "Q"\n[[exercise]]\nid = "clam\\u001b[2Jshel"\nreps = 8\n'
    )
    result = glutecoach("plan", "quote", home=home)
    assert result.returncode == 2
    assert str(path) in result.stderr
    assert not CONTROL.search(result.stderr.replace("\n", "")), repr(result.stderr)


# -- 5: files that are not regular files ------------------------------------------------------


def test_a_fifo_as_config_toml_does_not_hang(home: Path) -> None:
    os.mkfifo(home / "config.toml")
    result = glutecoach("plan", "desk-reset", home=home, timeout=30)
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert "config.toml" in result.stderr and "not a regular file" in result.stderr


def test_a_link_to_dev_zero_as_config_toml_does_not_grow_without_bound(home: Path) -> None:
    (home / "config.toml").symlink_to("/dev/zero")
    result = glutecoach("plan", "desk-reset", home=home, timeout=30)
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert "config.toml" in result.stderr and "not a regular file" in result.stderr


def test_a_fifo_as_history_db_does_not_hang(home: Path) -> None:
    os.mkfifo(home / "history.db")
    result = glutecoach("plan", "desk-reset", home=home, timeout=30)
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert "history.db" in result.stderr and "not a regular file" in result.stderr


def test_a_link_to_dev_zero_as_history_db_is_refused(home: Path) -> None:
    (home / "history.db").symlink_to("/dev/zero")
    result = glutecoach("plan", "desk-reset", home=home, timeout=30)
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert "history.db" in result.stderr and "not a regular file" in result.stderr


# -- 6: a home whose path is too long ---------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("routines",),
        ("plan", "desk-reset"),
        ("history",),
        ("levels",),
        ("locate", "config"),
    ],
    ids=lambda a: "-".join(a),
)
def test_a_home_longer_than_the_path_limit_gives_a_message_not_a_traceback(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    home = tmp_path / ("x" * 200) / ("y" * 200) / ("z" * 200) / ("w" * 200) / ("v" * 4000)
    result = glutecoach(*args, home=home, timeout=60)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr[-2000:]
    if result.returncode != 0:  # e.g. `history` with history off: say why, in a line
        assert "too long" in result.stderr, result.stderr[-500:]


@pytest.mark.parametrize("json_flag", [(), ("--json",)], ids=["table", "json"])
def test_a_file_name_with_escape_sequences_is_listed_clean(
    home: Path, json_flag: tuple[str, ...]
) -> None:
    write_routine(home, "e\x1b]0;PWNED\x07vil", GOOD)
    result = glutecoach("routines", *json_flag, home=home)
    no_traceback(result)
    assert result.returncode == 0
    assert not CONTROL.search(result.stdout.replace("\n", "")), repr(result.stdout[-600:])
    assert "\\u001b" not in result.stdout
    assert "file name" in result.stdout  # still reported as broken
