"""Routine files: the built-ins shipped in the package and the user's own.

A broken user file never hides the others: ``load_routines`` returns the good ones and,
beside them, each broken file with every problem found in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from glutecoach.engine.catalog import (
    DATA_DIR,
    ID_PATTERN,
    TEMPO_RANGE,
    load_catalog,
    parse_exercises,
)
from glutecoach.engine.model import Exercise, Routine, RoutineEntry
from glutecoach.engine.tomlcheck import (
    Checker,
    FileProblems,
    Problem,
    clean_text,
    did_you_mean,
    read_toml,
)
from glutecoach.errors import UserError

ROUTINE_KEYS = ("name", "description", "lead_in", "transition", "switch", "exercise", "exercises")
ENTRY_KEYS = ("id", "sets", "reps", "seconds", "tempo", "rest")


@dataclass(frozen=True, slots=True)
class BrokenRoutine:
    id: str
    path: Path
    problems: tuple[Problem, ...]

    @property
    def message(self) -> str:
        return "\n".join(str(p) for p in self.problems)


@dataclass(frozen=True, slots=True)
class RoutineSet:
    routines: dict[str, Routine]
    broken: dict[str, BrokenRoutine]

    def get(self, routine_id: str) -> Routine:
        """The routine, or a ``UserError`` that says what is wrong or what exists."""
        if routine_id in self.routines:
            return self.routines[routine_id]
        if routine_id in self.broken:
            broken = self.broken[routine_id]
            count = len(broken.problems)
            raise UserError(
                f"routine `{routine_id}` has {count} problem{'s' if count > 1 else ''}; "
                f"fix {broken.path} and try again:\n{broken.message}"
            )
        known = sorted(self.routines) + sorted(self.broken)
        raise UserError(
            f"no routine called `{routine_id}`"
            + did_you_mean(routine_id, known)
            + "\n`glutecoach routines` lists them all."
        )


def parse_routine(
    routine_id: str,
    data: dict[str, Any],
    check: Checker,
    catalog: dict[str, Exercise],
    *,
    path: Path | None = None,
    builtin: bool = False,
) -> Routine | None:
    before = len(check.problems)
    check.known_keys(data, "", ROUTINE_KEYS)
    name = check.string(data, "", "name", required=True)
    description = check.string(data, "", "description") or ""
    lead_in = check.number(data, "", "lead_in", 0, 120)
    transition = check.number(data, "", "transition", 0, 120)
    switch = check.number(data, "", "switch", 0, 60)
    own: dict[str, Exercise] = {}
    defined = check.table(data, "", "exercises")
    if defined is not None:
        own = parse_exercises(check, defined, "exercises")
        for exercise_id in defined:
            if exercise_id in catalog:
                check.add(
                    f"exercises.{exercise_id}",
                    "is already a built-in exercise; give yours another id",
                )
    known = {**catalog, **own}
    unusable = set(defined or ()) - set(own)  # defined but broken: reported already

    entries: list[RoutineEntry] = []
    tables = check.tables(data, "", "exercise")
    if tables is None and "exercise" not in data:
        check.add("", "has no exercises: add at least one [[exercise]] table with an `id`")
    elif tables == []:
        check.add("exercise", "is empty: add at least one [[exercise]] table with an `id`")
    for i, table in enumerate(tables or []):
        entry = _parse_entry(check, table, f"exercise[{i}]", known, unusable)
        if entry:
            entries.append(entry)
    if len(check.problems) > before or name is None:
        return None
    return Routine(
        id=routine_id,
        name=name,
        description=description,
        entries=tuple(entries),
        lead_in=10 if lead_in is None else lead_in,
        transition=10 if transition is None else transition,
        switch=5 if switch is None else switch,
        exercises=own,
        path=path,
        builtin=builtin,
    )


def _parse_entry(
    check: Checker,
    table: dict[str, Any],
    keypath: str,
    known: dict[str, Exercise],
    unusable: set[str],
) -> RoutineEntry | None:
    before = len(check.problems)
    check.known_keys(table, keypath, ENTRY_KEYS)
    exercise_id = check.string(table, keypath, "id", required=True)
    if exercise_id is not None and exercise_id not in known and exercise_id not in unusable:
        check.add(
            f"{keypath}.id",
            f"unknown exercise `{exercise_id}`" + did_you_mean(exercise_id, known),
        )
    sets = check.number(table, keypath, "sets", 1, 20, integer=True)
    reps = check.number(table, keypath, "reps", 1, 100, integer=True)
    seconds = check.number(table, keypath, "seconds", 1, 3600)
    tempo = check.number(table, keypath, "tempo", *TEMPO_RANGE)
    rest = check.number(table, keypath, "rest", 0, 600)
    has_reps, has_seconds = "reps" in table, "seconds" in table
    if has_reps and has_seconds:
        check.add(keypath, "give either `reps` or `seconds`, not both")
    elif not has_reps and not has_seconds:
        check.add(keypath, "needs `reps = N` (rep work) or `seconds = N` (a timed set)")
    if has_seconds and "tempo" in table:
        check.add(f"{keypath}.tempo", "only applies to rep work; remove it or use `reps`")
    if len(check.problems) > before or exercise_id is None:
        return None
    return RoutineEntry(
        exercise=exercise_id,
        sets=int(sets or 1),
        reps=int(reps) if reps is not None else None,
        seconds=seconds,
        tempo=tempo,
        rest=rest or 0,
    )


def load_routine_file(
    path: Path, catalog: dict[str, Exercise] | None = None, *, builtin: bool = False
) -> Routine:
    """Load one routine file; raise ``FileProblems`` listing everything wrong with it."""
    catalog = load_catalog() if catalog is None else catalog
    data, index = read_toml(path)
    check = Checker(path, index)
    routine_id = path.stem
    if not ID_PATTERN.match(routine_id):
        check.add("", "the file name makes the routine id: use lower-case letters, digits, dashes")
    routine = parse_routine(routine_id, data, check, catalog, path=path, builtin=builtin)
    if check.problems or routine is None:
        raise FileProblems(check.problems)
    return routine


def builtin_routine_paths() -> list[Path]:
    # A path, not importlib.resources: the package is always unpacked on disk, and
    # importlib.resources costs ~2 ms of imports before the first frame.
    return sorted((DATA_DIR / "routines").glob("*.toml"))


def load_routines(user_dir: Path | None = None) -> RoutineSet:
    """Built-in routines, then the user's from ``user_dir`` (a user file with a built-in's id
    replaces it). The engine knows no paths: callers pass the folder (``coach.all_routines``
    passes the user's routines folder); None means the built-ins alone."""
    catalog = load_catalog()
    routines: dict[str, Routine] = {}
    broken: dict[str, BrokenRoutine] = {}
    for path in builtin_routine_paths():
        routines[path.stem] = load_routine_file(path, catalog, builtin=True)
    try:
        user_files = sorted(p for p in user_dir.glob("*.toml") if p.is_file()) if user_dir else []
    except OSError:
        user_files = []
    for path in user_files:
        try:
            routines[path.stem] = load_routine_file(path, catalog)
            broken.pop(path.stem, None)
        except FileProblems as exc:
            routines.pop(path.stem, None)
            name = clean_text(path.stem)  # a file name can hold escape sequences too
            broken[name] = BrokenRoutine(name, path, tuple(exc.problems))
    return RoutineSet(routines, broken)
