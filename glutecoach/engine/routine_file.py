"""Writing routine files: Routine <-> TOML data, checked by the reader before it is written.

The editor and ``glutecoach routines new`` build the same plain data a routine file holds
(``routine_to_data``), and ``save_routine`` renders it with tomli-w, reads the text back
through the very checker ``glutecoach routines`` uses (``parse_routine``), and only then
writes it: atomically, into the routines folder. So nothing written here can be a file the
reader calls broken.

A file someone wrote by hand (anything that is not exactly what this module would write)
keeps its previous text as ``ID.toml.bak`` before the first rewrite: comments and layout are
not kept. Removing a routine renames the file aside (``ID.toml.deleted-<stamp>``).
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tomli_w

from glutecoach.engine.catalog import ID_PATTERN, load_catalog
from glutecoach.engine.model import Exercise, Level, Routine, RoutineEntry
from glutecoach.engine.routines import parse_routine
from glutecoach.engine.tomlcheck import (
    MAX_BYTES,
    Checker,
    FileProblems,
    LineIndex,
    Problem,
    loads_toml,
)
from glutecoach.errors import UserError

HEADER = (
    "# Written by glutecoach (`glutecoach routines edit ID` or the app's editor).\n"
    "# You may edit it by hand; the editor keeps your text as a .bak before rewriting it.\n\n"
)
# The values the reader accepts (engine/routines.py and catalog.py), for the editor's
# labels and messages. The checker itself stays the only judge.
RANGES: dict[str, tuple[float, float]] = {
    "lead_in": (0, 120),
    "transition": (0, 120),
    "switch": (0, 60),
    "sets": (1, 20),
    "reps": (1, 100),
    "seconds": (1, 3600),
    "tempo": (1, 10),
    "rest": (0, 600),
}


def check_id(routine_id: str, what: str = "routine") -> None:
    """Raise a ``UserError`` unless ``routine_id`` can be a file name the reader accepts."""
    if not ID_PATTERN.match(routine_id):
        raise UserError(
            f"`{routine_id}` cannot be a {what} id: use lower-case letters, digits and dashes, "
            "starting with a letter or digit, at most 40 characters (like `my-stretch-2`)"
        )


def _num(value: float) -> int | float:
    """Whole numbers as TOML integers (``sets = 2``, not ``sets = 2.0``)."""
    return int(value) if float(value).is_integer() else float(value)


def _level_data(level: Level) -> dict[str, Any]:
    data: dict[str, Any] = {"name": level.name}
    if level.change:
        data["change"] = level.change
    if level.cue:
        data["cue"] = level.cue
    if level.tempo:
        data["tempo"] = _num(level.tempo)
    if level.equipment:
        data["equipment"] = list(level.equipment)
    if level.setup:
        data["setup"] = level.setup
    if level.form:
        data["form"] = list(level.form)
    return data


def exercise_to_data(exercise: Exercise) -> dict[str, Any]:
    """An exercise in the catalog's shape, as ``[exercises.ID]`` in a routine file."""
    data: dict[str, Any] = {"name": exercise.name}
    if exercise.spoken_name:
        data["spoken_name"] = exercise.spoken_name
    if exercise.why:
        data["why"] = exercise.why
    data["setup"] = exercise.setup
    if exercise.side_cue:
        data["side_cue"] = exercise.side_cue
    data["form"] = list(exercise.form)
    data["equipment"] = list(exercise.equipment)
    data["one_sided"] = exercise.one_sided
    data["tempo"] = _num(exercise.tempo)
    implicit = (Level(name=exercise.name, change="", cue=""),)
    if exercise.levels != implicit:  # the reader makes that one itself when none is given
        data["levels"] = [_level_data(level) for level in exercise.levels]
    if exercise.no_band is not None:
        data["no_band"] = _level_data(exercise.no_band)
    return data


def entry_to_data(entry: RoutineEntry) -> dict[str, Any]:
    data: dict[str, Any] = {"id": entry.exercise, "sets": entry.sets}
    if entry.reps is not None:
        data["reps"] = entry.reps
        if entry.tempo:
            data["tempo"] = _num(entry.tempo)
    else:
        data["seconds"] = _num(entry.seconds or 1)
    if entry.rest:
        data["rest"] = _num(entry.rest)
    return data


def routine_to_data(routine: Routine) -> dict[str, Any]:
    """What a routine file holds for ``routine``: the inverse of ``parse_routine``."""
    data: dict[str, Any] = {"name": routine.name}
    if routine.description:
        data["description"] = routine.description
    data["lead_in"] = _num(routine.lead_in)
    data["transition"] = _num(routine.transition)
    data["switch"] = _num(routine.switch)
    data["exercise"] = [entry_to_data(e) for e in routine.entries]
    if routine.exercises:
        data["exercises"] = {k: exercise_to_data(v) for k, v in routine.exercises.items()}
    return data


def starter_data(name: str = "My routine") -> dict[str, Any]:
    """A small valid routine to start from: a bridge set and a stretch."""
    return {
        "name": name,
        "description": "",
        "lead_in": 10,
        "transition": 10,
        "switch": 5,
        "exercise": [
            {"id": "glute-bridge", "sets": 2, "reps": 10, "rest": 15},
            {"id": "runners-stretch", "sets": 1, "seconds": 30},
        ],
    }


_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key)  # a JSON string is a TOML one


def _is_tables(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, dict) for v in value)


def _flat(table: Mapping[str, Any]) -> bool:
    return not any(isinstance(v, dict) or (_is_tables(v) and v) for v in table.values())


def render(data: Mapping[str, Any]) -> str:
    """The file's text for ``data`` (no check: ``check_data`` is what may be written).

    Laid out as a person writes one (``[[exercise]]`` blocks, ``[exercises.ID]`` tables),
    not with tomli-w's inline arrays, so the file stays easy to edit by hand.
    """
    top = {k: v for k, v in data.items() if k not in ("exercise", "exercises")}
    entries = data.get("exercise", [])
    own = data.get("exercises", {})
    shaped = (
        _flat(top)
        and _is_tables(entries)
        and all(_flat(e) for e in entries)
        and isinstance(own, dict)
        and all(isinstance(body, dict) for body in own.values())
    )
    if not shaped:  # not the editor's shape: plain tomli-w, and the checker will judge it
        return HEADER + tomli_w.dumps(dict(data))
    parts = [tomli_w.dumps(top)]
    for entry in entries:
        parts.append("[[exercise]]\n" + tomli_w.dumps(entry))
    for exercise_id, body in own.items():
        prefix = f"exercises.{_key(exercise_id)}"
        levels = body.get("levels", [])
        no_band = body.get("no_band")
        rest = {k: v for k, v in body.items() if k not in ("levels", "no_band")}
        if not (_flat(rest) and _is_tables(levels) and all(_flat(lv) for lv in levels)):
            parts.append(tomli_w.dumps({"exercises": {exercise_id: body}}))
            continue
        parts.append(f"[{prefix}]\n" + tomli_w.dumps(rest))
        for level in levels:
            parts.append(f"[[{prefix}.levels]]\n" + tomli_w.dumps(level))
        if isinstance(no_band, dict) and _flat(no_band):
            parts.append(f"[{prefix}.no_band]\n" + tomli_w.dumps(no_band))
        elif no_band is not None:
            parts.append(tomli_w.dumps({"exercises": {exercise_id: {"no_band": no_band}}}))
    return HEADER + "\n".join(p for p in parts if p)


def check_data(
    routine_id: str,
    data: Mapping[str, Any],
    catalog: dict[str, Exercise] | None = None,
    *,
    path: Path | None = None,
) -> tuple[Routine, str]:
    """The routine ``data`` makes and the text to write, read back exactly as the reader
    reads a file; ``FileProblems`` with every problem (keyed like the file) otherwise."""
    path = path or Path(f"{routine_id}.toml")
    catalog = load_catalog() if catalog is None else catalog
    try:
        text = render(data)
    except (TypeError, ValueError) as exc:  # a value TOML has no way to write
        raise FileProblems([Problem(path, f"cannot be written as TOML: {exc}")]) from exc
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise FileProblems(
            [Problem(path, f"would be {size:,} bytes; the limit is {MAX_BYTES:,} (1 MB)")]
        )
    check = Checker(path, LineIndex(text))
    if not ID_PATTERN.match(routine_id):
        check.add("", "the file name makes the routine id: use lower-case letters, digits, dashes")
    # Read back as the reader reads a file: control characters go, nesting too deep is refused.
    parsed, _ = loads_toml(text, path)
    routine = parse_routine(routine_id, parsed, check, catalog, path=path)
    if check.problems or routine is None:
        raise FileProblems(check.problems or [Problem(path, "is not a routine")])
    return routine, text


def written_by_us(text: str) -> bool:
    """True when ``text`` is exactly what this module writes for its own data, so that
    rewriting it loses nothing a person typed (comments, layout, spacing)."""
    if not text.startswith(HEADER):
        return False
    try:
        return render(tomllib.loads(text)) == text
    except (tomllib.TOMLDecodeError, TypeError, ValueError):
        return False


def _stamp(now: datetime | None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")


def _free(path: Path) -> Path:
    """``path``, or ``path-2``, ``path-3``... whichever does not exist yet."""
    if not path.exists():
        return path
    n = 2
    while path.with_name(f"{path.name}-{n}").exists():
        n += 1
    return path.with_name(f"{path.name}-{n}")


@dataclass(frozen=True, slots=True)
class Saved:
    path: Path
    routine: Routine
    backup: Path | None = None  # where a hand-written file's previous text went


def save_routine(
    routine_id: str,
    data: Mapping[str, Any],
    folder: Path | None = None,
    *,
    catalog: dict[str, Exercise] | None = None,
    now: datetime | None = None,
) -> Saved:
    """Check ``data`` as the reader would, then write ``folder/ROUTINE_ID.toml`` atomically.

    Raises ``FileProblems`` (nothing written) when the reader would call it broken.
    """
    from glutecoach.store import paths
    from glutecoach.store.settings import atomic_write

    folder = paths.routines_dir() if folder is None else folder
    path = folder / f"{routine_id}.toml"
    routine, text = check_data(routine_id, data, catalog, path=path)
    backup: Path | None = None
    try:
        old: str | None = path.read_text("utf-8")
    except FileNotFoundError:
        old = None
    except (OSError, UnicodeDecodeError):
        old = None
        backup = _keep_bytes(path, now)
    if old is not None and old != text and not written_by_us(old):
        backup = path.with_name(path.name + ".bak")
        if backup.exists() and backup.read_bytes() != old.encode("utf-8"):
            backup = _free(path.with_name(f"{path.name}.bak-{_stamp(now)}"))
        if not backup.exists():
            atomic_write(backup, old)
    paths.ensure(folder)
    atomic_write(path, text)
    return Saved(path, routine, backup)


def _keep_bytes(path: Path, now: datetime | None) -> Path:
    """A file that is not text (or cannot be read as such) is renamed aside, not lost."""
    backup = _free(path.with_name(f"{path.name}.bak-{_stamp(now)}"))
    path.rename(backup)
    return backup


def move_aside(routine_id: str, folder: Path | None = None, *, now: datetime | None = None) -> Path:
    """Rename the user's ``ROUTINE_ID.toml`` to ``ROUTINE_ID.toml.deleted-<stamp>`` (the
    reader only reads ``*.toml``, so it is gone from the list, and renaming it back restores
    it). Raises ``UserError`` when there is no such file."""
    from glutecoach.store import paths

    check_id(routine_id)
    folder = paths.routines_dir() if folder is None else folder
    path = folder / f"{routine_id}.toml"
    if not path.is_file():
        raise UserError(f"there is no routine file {path}")
    target = _free(path.with_name(f"{path.name}.deleted-{_stamp(now)}"))
    path.rename(target)
    return target
