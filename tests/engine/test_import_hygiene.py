"""The engine and the store stay usable without the UI or audio, and importing costs no files.

Each check runs in a fresh interpreter: in this one, other tests have long since imported
Textual.
"""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import glutecoach.engine
import glutecoach.store
import glutecoach.workout

FORBIDDEN = ("textual", "rich", "pyttsx3")
# The engine and a workout run walk the plan against the clock: no database on that path.
NO_STORAGE = ("sqlite3", "glutecoach.store")


def _modules(package: object) -> list[str]:
    name = package.__name__  # type: ignore[attr-defined]
    found = [name]
    for info in pkgutil.iter_modules(package.__path__):  # type: ignore[attr-defined]
        found.append(f"{name}.{info.name}")
    return found


CORE_MODULES = (
    _modules(glutecoach.engine) + _modules(glutecoach.store) + _modules(glutecoach.workout)
)
TIMING_MODULES = _modules(glutecoach.engine) + _modules(glutecoach.workout)


def _python(code: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GLUTECOACH_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )


def test_core_module_list_covers_the_engine() -> None:
    for expected in ("plan", "session", "routines", "catalog", "model"):
        assert f"glutecoach.engine.{expected}" in CORE_MODULES
    assert "glutecoach.store.paths" in CORE_MODULES


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_imports_neither_ui_nor_audio(module: str, tmp_path: Path) -> None:
    code = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        f"print(','.join(m for m in {FORBIDDEN!r} if m in sys.modules))"
    )
    result = _python(code, tmp_path / "home")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"{module} pulled in {result.stdout.strip()}"


@pytest.mark.parametrize("module", TIMING_MODULES)
def test_engine_and_workout_modules_import_no_storage(module: str, tmp_path: Path) -> None:
    code = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        f"print(','.join(m for m in {NO_STORAGE!r} if m in sys.modules))"
    )
    result = _python(code, tmp_path / "home")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"{module} pulled in {result.stdout.strip()}"


def test_building_and_walking_a_plan_imports_neither_ui_nor_audio(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from glutecoach.engine.routines import load_routines\n"
        "from glutecoach.engine.catalog import load_catalog\n"
        "from glutecoach.engine.plan import build_plan\n"
        "from glutecoach.engine.session import Session\n"
        "plan = build_plan(load_routines().get('desk-reset'), load_catalog())\n"
        "t = [0.0]\n"
        "s = Session(plan, lambda: t[0], suspend_after=1e9); s.start(); t[0] = 500; s.poll()\n"
        "assert s.finished\n"
        f"print(','.join(m for m in {FORBIDDEN!r} if m in sys.modules))\n"
    )
    result = _python(code, tmp_path / "home")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


@pytest.mark.parametrize("module", ["glutecoach", "glutecoach.cli", "glutecoach.coach"])
def test_importing_creates_no_files(module: str, tmp_path: Path) -> None:
    home = tmp_path / "home"
    code = f"import importlib; importlib.import_module({module!r})"
    if module == "glutecoach.cli":
        code += "; importlib.import_module('glutecoach.cli').build_parser()"
    result = _python(code, home)
    assert result.returncode == 0, result.stderr
    assert not home.exists(), f"importing {module} created {sorted(home.rglob('*'))}"


def test_importing_creates_nothing_in_an_existing_home(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    result = _python(
        "import glutecoach, glutecoach.cli, glutecoach.engine.routines, glutecoach.store", home
    )
    assert result.returncode == 0, result.stderr
    assert list(home.iterdir()) == []


def test_the_store_imports_its_history_side_on_first_use(tmp_path: Path) -> None:
    """Opening the store (the app's first frame) loads no queries, export or json; the names
    they give ``glutecoach.store`` and ``glutecoach.store.history`` still import."""
    later = ("glutecoach.store.queries", "glutecoach.store.export", "json", "tomli_w")
    code = (
        "import sys\n"
        "from glutecoach.store import open_store\n"
        "open_store().close()\n"
        f"print(','.join(m for m in {later!r} if m in sys.modules))\n"
        "from glutecoach.store import SessionRecord, SessionRow\n"
        "from glutecoach.store.history import CSV_HEADER, EFFORTS, Summary, TableRow\n"
        "from glutecoach.store import queries, recording\n"
        "assert SessionRow is queries.SessionRow and Summary is queries.Summary\n"
        "assert SessionRecord is recording.SessionRecord and EFFORTS is queries.EFFORTS\n"
        "import glutecoach.store.history as h\n"
        "assert h.ExerciseRow is queries.ExerciseRow and h.export_rows\n"
        "try:\n"
        "    from glutecoach.store import NoSuchName\n"
        "except ImportError:\n"
        "    print('refused')\n"
    )
    result = _python(code, tmp_path / "home")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["refused"], result.stdout
