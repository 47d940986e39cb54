"""The exercise catalog: the built-in five, and the same shape for moves a routine defines."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from glutecoach.engine.model import Exercise, Level
from glutecoach.engine.tomlcheck import Checker, FileProblems, LineIndex

EXERCISE_KEYS = (
    "name",
    "spoken_name",
    "why",
    "setup",
    "side_cue",
    "form",
    "equipment",
    "one_sided",
    "tempo",
    "levels",
    "no_band",
)
LEVEL_KEYS = ("name", "change", "cue", "tempo", "equipment", "setup", "form", "rhythm")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9\-]{0,39}$")
TEMPO_RANGE = (1, 10)
# The package's data folder. Installs are always unpacked on disk (no zip imports).
DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def parse_level(check: Checker, table: dict[str, Any], keypath: str) -> Level | None:
    check.known_keys(table, keypath, LEVEL_KEYS)
    before = len(check.problems)
    name = check.string(table, keypath, "name", required=True)
    change = check.string(table, keypath, "change") or ""
    cue = check.string(table, keypath, "cue") or ""
    tempo = check.number(table, keypath, "tempo", *TEMPO_RANGE)
    equipment = check.strings(table, keypath, "equipment") or []
    setup = check.string(table, keypath, "setup") or ""
    form = check.strings(table, keypath, "form") or []
    rhythm = check.string(table, keypath, "rhythm") or ""
    if name is None or len(check.problems) > before:
        return None
    return Level(name, change, cue, tempo, tuple(equipment), setup, tuple(form), rhythm)


def parse_exercise(
    check: Checker, exercise_id: str, table: dict[str, Any], keypath: str
) -> Exercise | None:
    before = len(check.problems)
    if not ID_PATTERN.match(exercise_id):
        check.add(keypath, "an exercise id uses lower-case letters, digits and dashes only")
    check.known_keys(table, keypath, EXERCISE_KEYS)
    name = check.string(table, keypath, "name", required=True)
    setup = check.string(table, keypath, "setup", required=True)
    why = check.string(table, keypath, "why") or ""
    spoken = check.string(table, keypath, "spoken_name") or ""
    side_cue = check.string(table, keypath, "side_cue") or ""
    form = check.strings(table, keypath, "form") or []
    equipment = check.strings(table, keypath, "equipment") or []
    one_sided = check.boolean(table, keypath, "one_sided") or False
    tempo = check.number(table, keypath, "tempo", *TEMPO_RANGE) or 3
    if len(form) > 6:
        check.add(f"{keypath}.form", f"has {len(form)} cues; keep it to 6 or fewer")
    levels: list[Level] = []
    for i, level_table in enumerate(check.tables(table, keypath, "levels") or []):
        level = parse_level(check, level_table, f"{keypath}.levels[{i}]")
        if level:
            levels.append(level)
    if "levels" not in table and name:
        levels.append(Level(name=name, change="", cue=""))
    elif "levels" in table and not levels and len(check.problems) == before:
        check.add(f"{keypath}.levels", "needs at least one level")
    no_band = None
    no_band_table = check.table(table, keypath, "no_band")
    if no_band_table is not None:
        no_band = parse_level(check, no_band_table, f"{keypath}.no_band")
    if len(check.problems) > before or name is None or setup is None:
        return None
    return Exercise(
        id=exercise_id,
        name=name,
        why=why,
        setup=setup,
        form=tuple(form),
        equipment=tuple(equipment),
        one_sided=one_sided,
        tempo=float(tempo),
        levels=tuple(levels),
        no_band=no_band,
        spoken_name=spoken,
        side_cue=side_cue,
    )


def parse_exercises(check: Checker, table: dict[str, Any], keypath: str) -> dict[str, Exercise]:
    found: dict[str, Exercise] = {}
    for exercise_id, body in table.items():
        path = f"{keypath}.{exercise_id}"
        if not isinstance(body, dict):
            check.add(path, "must be a table: write it as [exercises.<id>]")
            continue
        exercise = parse_exercise(check, exercise_id, body, path)
        if exercise:
            found[exercise_id] = exercise
    return found


@cache
def load_catalog() -> dict[str, Exercise]:
    """The built-in exercises, in the order a routine usually takes them."""
    import tomllib

    text = (DATA_DIR / "exercises.toml").read_text("utf-8")
    path = Path("glutecoach/data/exercises.toml")
    check = Checker(path, LineIndex(text))
    data = tomllib.loads(text)
    check.known_keys(data, "", ["exercises"])
    exercises = parse_exercises(check, data.get("exercises", {}), "exercises")
    if check.problems:  # a bug in the package, not the user's doing
        raise FileProblems(check.problems)
    return exercises
