"""Running glutecoach the way a person does: a real process, a real home folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from fakes import FakeClock as FakeClock


def glutecoach(
    *args: str, home: Path, timeout: float = 60, stdin: int | None = subprocess.DEVNULL
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GLUTECOACH_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "glutecoach", *args],
        env=env,
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def write_routine(home: Path, routine_id: str, text: str | bytes) -> Path:
    folder = home / "routines"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{routine_id}.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path
