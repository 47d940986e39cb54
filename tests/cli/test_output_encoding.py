"""An output that cannot encode a routine's name (issue 15, fault 9): no traceback, the
character replaced, everything else printed as usual."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import write_routine

UBUNG = 'name = "Übung für die Hüfte"\n\n[[exercise]]\nid = "clamshell"\nreps = 8\n'


def _run(home: Path, *args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GLUTECOACH_HOME": str(home), "PYTHONIOENCODING": "ascii"}
    return subprocess.run(
        [sys.executable, "-m", "glutecoach", *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
        check=False,
    )


@pytest.mark.parametrize("args", [("plan", "ubung"), ("routines",)], ids=["plan", "routines"])
def test_an_ascii_output_gets_the_name_with_a_replacement(
    home: Path, args: tuple[str, ...]
) -> None:
    write_routine(home, "ubung", UBUNG)
    result = _run(home, *args)
    assert "Traceback" not in result.stderr, result.stderr[-1500:]
    assert result.returncode == 0
    assert "?bung f?r die H?fte" in result.stdout


def test_a_plain_run_to_an_ascii_output_prints_every_line(home: Path) -> None:
    write_routine(home, "ubung", UBUNG.replace("reps = 8", "reps = 1\ntempo = 1"))
    result = _run(home, "run", "ubung", "--plain", "--voice", "off", "--no-history", timeout=90)
    assert "Traceback" not in result.stderr, result.stderr[-1500:]
    assert result.returncode == 0
    assert "?bung" in result.stdout and "Session completed" in result.stdout
