"""`glutecoach` and `glutecoach run ROUTINE` without a terminal, or with a wrong name."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXE = Path(sys.executable).parent / "glutecoach"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(EXE), *args], stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False
    )


def test_app_without_a_terminal_points_to_plain_mode() -> None:
    done = run()
    assert done.returncode == 2
    assert "needs a terminal" in done.stderr and "--plain" in done.stderr


def test_run_with_an_unknown_routine_says_so_before_opening() -> None:
    done = run("run", "desk-resett")
    assert done.returncode == 2
    assert "no routine called `desk-resett`" in done.stderr
    assert "`desk-reset`" in done.stderr
