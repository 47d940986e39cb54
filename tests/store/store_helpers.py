"""Helpers the store tests import by name (a conftest is not importable reliably: every
test folder has one, and which `conftest` Python finds depends on what was collected)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

STORE_TESTS = Path(__file__).resolve().parent


def run_python(
    code: str, home: Path, *, unprivileged: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter with ``GLUTECOACH_HOME=home`` (as nobody if asked
    and we are root), from the repository root so ``tests.store`` helpers import."""
    cmd = [sys.executable, "-c", code]
    if unprivileged and os.geteuid() == 0:
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
    env = {**os.environ, "GLUTECOACH_HOME": str(home), "PYTHONPATH": str(STORE_TESTS)}
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60, check=False)
