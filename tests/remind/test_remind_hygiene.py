"""The reminder's core stays free of the UI and type-checks strictly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_reminder_loads_neither_textual_nor_speech_engines(tmp_path: Path) -> None:
    code = (
        "import sys, glutecoach.remind.schedule, glutecoach.remind.duration, "
        "glutecoach.cli.remind_cmd\n"
        "bad = [m for m in ('textual', 'rich', 'pyttsx3') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_the_reminder_is_mypy_strict_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "glutecoach/remind"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
