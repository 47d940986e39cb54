"""``history`` and ``levels``: what glutecoach remembers, from the command line."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from glutecoach.cli.output import json_indent, print_json
from glutecoach.cli.shared import open_store_for, parse_since
from glutecoach.errors import UserError

LEVEL_SAVE_WAIT = 10.0  # seconds `levels set` waits for another program's lock on history.db

if TYPE_CHECKING:
    from glutecoach.engine.model import Exercise


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    history = sub.add_parser(
        "history",
        help="list past sessions (table, JSON or CSV)",
        description="List past sessions, newest first. Times are UTC, ISO 8601.",
        epilog="JSON: a list of sessions with routine, started_at, ended_at, status "
        "(completed|partial), active_seconds, effort (1 easy, 2 about right, 3 hard, or null) "
        "and exercises (exercise, level, sets_planned, sets_done, reps_done, seconds_done). "
        "CSV: one row per session and exercise, with a header row.",
    )
    fmt = history.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print JSON (for scripts)")
    fmt.add_argument("--csv", action="store_true", help="print CSV, one row per session-exercise")
    history.add_argument(
        "--since",
        metavar="YYYY-MM-DD",
        help="only sessions started on or after this date (UTC)",
    )
    history.set_defaults(func=cmd_history)

    levels = sub.add_parser(
        "levels",
        help="show or set each exercise's progression level",
        description="Show where each exercise sits on its ladder, or set one. "
        "Routines use these levels for their cues and tempo.",
        epilog="Suggestions: up after 3 full sessions at a level within 21 days with none "
        "rated hard; down after your last 2 rated sessions at a level were hard. "
        "The app asks before changing anything.",
    )
    levels.add_argument("--json", action="store_true", help="print JSON (for scripts)")
    levels_sub = levels.add_subparsers(dest="levels_command", metavar="[ACTION ...]")
    set_parser = levels_sub.add_parser(
        "set",
        help="set one exercise's level",
        description="Set one exercise's level, for example: glutecoach levels set glute-bridge 2",
    )
    set_parser.add_argument("exercise", metavar="EXERCISE", help="exercise id (see `levels`)")
    set_parser.add_argument("level", metavar="N", help="level number, from 1")
    set_parser.set_defaults(func=cmd_levels_set)
    levels.set_defaults(func=cmd_levels)


def cmd_history(args: argparse.Namespace) -> int:
    since = parse_since(args.since)
    store = open_store_for(create=False)
    try:
        if store.history.why_disabled:  # off for a reason (said above); no file is just empty
            return 1
        out = sys.stdout
        if args.json:
            from glutecoach.store.export import write_json_texts

            # Streamed, one session at a time, as SQLite writes each one's JSON: the first
            # are out before the last are read. The one --json rule (cli/output.py):
            # indented by two at a terminal, one compact line for pipes.
            write_json_texts(store.history.iter_session_json(since), out, indent=json_indent(out))
            out.write("\n")
        elif args.csv:
            import csv

            from glutecoach.store.export import CSV_HEADER, export_rows

            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(CSV_HEADER)
            writer.writerows(export_rows(store.history.iter_sessions(since)))
        else:
            _print_history_table(store.history.sessions(since=since))
    finally:
        store.close()
    return 0


def _print_history_table(sessions: list[object]) -> None:
    from glutecoach.store.queries import EFFORTS, SessionRow, minutes_text

    if not sessions:
        print("No sessions yet. Run a routine and it will show up here.")
        return
    print(f"{'started (UTC)':<17} {'routine':<20} {'min':>5} {'status':<9} {'effort':<11} levels")
    for s in sessions:
        assert isinstance(s, SessionRow)
        levels = " ".join(f"{e.exercise}:{e.level}" for e in s.exercises)
        effort = EFFORTS.get(s.effort or 0, "")
        when = s.started_at[:16].replace("T", " ")
        print(
            f"{when:<17} {s.routine_name[:20]:<20} {minutes_text(s.active_seconds):>5} "
            f"{s.status:<9} {effort:<11} {levels}"
        )


def _catalog() -> dict[str, Exercise]:
    from glutecoach.engine.catalog import load_catalog

    return load_catalog()


def cmd_levels(args: argparse.Namespace) -> int:
    catalog = _catalog()
    store = open_store_for(create=False)
    try:
        rows = [
            {
                "exercise": ex.id,
                "name": ex.name,
                "level": min(store.levels.get(ex.id), len(ex.levels)),
                "levels": len(ex.levels),
                "rung": ex.level(store.levels.get(ex.id)).name,
            }
            for ex in catalog.values()
        ]
        suggestions = store.levels.suggestions(catalog)
    finally:
        store.close()
    if args.json:
        print_json(rows)
        return 0
    width = max((len(str(r["exercise"])) for r in rows), default=8)
    for r in rows:
        print(f"{r['exercise']!s:<{width}}  {r['level']}/{r['levels']}  {r['name']}: {r['rung']}")
    for s in suggestions:
        verb = "up" if s.proposed > s.current else "down"
        print(f"\nSuggestion: {s.exercise} {verb} to {s.proposed}. {s.reason}")
        print(f"  Accept with: glutecoach levels set {s.exercise} {s.proposed}")
    return 0


def cmd_levels_set(args: argparse.Namespace) -> int:
    from glutecoach.engine.tomlcheck import did_you_mean

    catalog = _catalog()
    exercise = catalog.get(args.exercise)
    if exercise is None:
        hint = did_you_mean(args.exercise, catalog)
        raise UserError(f"no exercise called {args.exercise!r}{hint}. Valid: {', '.join(catalog)}")
    top = len(exercise.levels)
    try:
        level = int(args.level)
    except ValueError:
        level = 0
    if not 1 <= level <= top:
        choices = ", ".join(f"{i} {exercise.level(i).name}" for i in range(1, top + 1))
        raise UserError(f"{exercise.name} has levels 1 to {top}, not {args.level!r}: {choices}")
    store = open_store_for()
    try:
        old = store.levels.get(exercise.id)
        saved = store.levels.set(exercise.id, level)
    finally:
        # The save is queued; wait for it as long as a lock held elsewhere may last.
        lost = store.close(drain=LEVEL_SAVE_WAIT)
    why = store.levels.why_not_saved
    if not saved or lost:
        print(f"glutecoach: the level could not be saved: {why}", file=sys.stderr)
        return 1
    print(f"{exercise.name}: level {old} -> {level} ({exercise.level(level).name})")
    return 0
