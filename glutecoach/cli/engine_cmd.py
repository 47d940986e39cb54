"""routines, plan, run, locate: the commands that need only the engine (and the store)."""

from __future__ import annotations

import argparse
from typing import Any

from glutecoach.cli.output import print_json
from glutecoach.cli.shared import open_store_for
from glutecoach.engine.describe import describe_step, mmss
from glutecoach.engine.tomlcheck import clean_text
from glutecoach.store import paths

VOICE_CHOICES = ("auto", "speech", "relay", "captions", "off")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "routines",
        help="list the routines (built-in and your own)",
        description="List every routine with its length, exercises and equipment. Your own "
        "routines live in the folder `glutecoach locate routines` prints; broken files are "
        "listed with what is wrong. `new`, `edit` and `rm` make, change and remove yours.",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=cmd_routines)
    from glutecoach.cli.routines_cmd import add_subcommands

    add_subcommands(p)  # routines new|edit|rm

    p = sub.add_parser(
        "plan",
        help="show a routine's whole timed script",
        description="Print every step of ROUTINE with its timing and everything the coach "
        "will say, using your current levels and settings.",
    )
    p.add_argument("routine", metavar="ROUTINE", help="a routine id (see `glutecoach routines`)")
    p.add_argument("--json", action="store_true", help="print one JSON object (a stable format)")
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser(
        "run",
        help="do a routine now (the app, or --plain for line mode)",
        description="Run ROUTINE in real time. Opens the app on the workout, or with --plain "
        "prints each cue as a line when it is due (for scripts, screen readers and Braille "
        "displays). In --plain mode with a keyboard: space pauses and resumes, n skips ahead, "
        "p goes back, m mutes, r repeats the last cue, q stops.",
    )
    p.add_argument("routine", metavar="ROUTINE", help="a routine id (see `glutecoach routines`)")
    p.add_argument("--plain", action="store_true", help="line mode, no full-screen app")
    p.add_argument(
        "--voice",
        choices=VOICE_CHOICES,
        default=None,
        help="how cues reach you: auto (speech when it works, else captions and bell), "
        "speech, relay (GLUTECOACH_RELAY), captions, off; default from settings",
    )
    p.add_argument(
        "--no-history", action="store_true", help="do not record this session in the history"
    )
    p.set_defaults(func=cmd_run)

    p = sub.add_parser(
        "locate",
        help="print where glutecoach keeps a kind of file",
        description="Print the folder or file glutecoach uses. GLUTECOACH_HOME, when set, "
        "puts everything directly under it.",
    )
    kinds = [*paths.LOCATIONS, "config-file", "history"]
    p.add_argument("what", metavar="WHAT", choices=kinds, help=f"one of: {', '.join(kinds)}")
    p.add_argument("--json", action="store_true", help="print every place as one JSON object")
    p.set_defaults(func=cmd_locate)


def cmd_routines(args: argparse.Namespace) -> int:
    from glutecoach.coach import all_routines, make_plan

    store = open_store_for(create=False)
    found = all_routines()
    rows: list[dict[str, Any]] = []
    for routine in found.routines.values():
        plan = make_plan(routine, store)
        rows.append(
            {
                "id": routine.id,
                "name": routine.name,
                "description": routine.description,
                "total_seconds": plan.total_seconds,
                "exercises": [e.exercise for e in routine.entries],
                "levels": {k: v.level for k, v in plan.exercises.items()},
                "equipment": plan.equipment,
                "source": "built-in" if routine.builtin else str(routine.path),
                "errors": [],
            }
        )
    for broken in found.broken.values():
        rows.append(
            {
                "id": broken.id,
                "name": None,
                "description": "",
                "total_seconds": None,
                "exercises": [],
                "levels": {},
                "equipment": [],
                "source": clean_text(str(broken.path)),
                "errors": [str(p) for p in broken.problems],
            }
        )
    if args.json:
        print_json(rows)
        return 0
    for row in rows:
        if row["errors"]:
            print(f"{row['id']:<16} BROKEN  {row['source']}")
            for error in row["errors"]:
                print(f"    {error}")
            continue
        print(f"{row['id']:<16} {mmss(row['total_seconds']):>6}  {row['name']}")
        print(f"    {', '.join(row['exercises'])}")
        extra = [f"needs: {', '.join(row['equipment'])}"] if row["equipment"] else []
        if row["source"] != "built-in":
            extra.append(f"from {row['source']}")
        if extra:
            print(f"    {'; '.join(extra)}")
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    from glutecoach.coach import find_routine, make_plan

    routine = find_routine(args.routine)
    plan = make_plan(routine, open_store_for(create=False))
    if args.json:
        print_json(plan.to_json())
        return 0
    print(f"{routine.name} ({routine.id}): {mmss(plan.total_seconds)}")
    for name, planned in plan.exercises.items():
        ladder = len(planned.exercise.levels)
        note = " (no-band substitute)" if planned.substituted else ""
        print(f"  {name}: level {planned.level} of {ladder}, {planned.rung.name}{note}")
    print()
    for step in plan.steps:
        print(f"{mmss(step.start):>6}  {describe_step(plan, step)}  [{mmss(step.seconds)}]")
        for cue in step.cues:
            print(f"{'':>6}    +{cue.at:5.1f}s  {cue.text}")
    if plan.closing:
        print(f"{mmss(plan.total_seconds):>6}  {plan.closing.text}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    if not args.plain:
        from glutecoach.cli.app_cmd import open_app

        return int(open_app(args) or 0)
    from glutecoach.plain import run_plain

    return run_plain(args.routine, voice=args.voice, record=not args.no_history)


def cmd_locate(args: argparse.Namespace) -> int:
    if getattr(args, "json", False):
        places = {name: str(where()) for name, where in paths.LOCATIONS.items()}
        places |= {"config-file": str(paths.config_file()), "history": str(paths.history_file())}
        print_json(places)
        return 0
    if args.what == "config-file":
        print(paths.config_file())
    elif args.what == "history":
        print(paths.history_file())
    else:
        print(paths.LOCATIONS[args.what]())
    return 0
