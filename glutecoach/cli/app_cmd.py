"""Opening the TUI: ``glutecoach`` alone, or ``glutecoach run ROUTINE`` (without --plain)."""

from __future__ import annotations

import argparse
import sys

from glutecoach.errors import UserError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "app",
        help="open the full-screen app (the same as no command)",
        description="Open the app: pick a routine with the arrow keys and Enter; ? shows keys.",
    )
    p.set_defaults(func=open_app)


def open_app(args: argparse.Namespace) -> int:
    routine = getattr(args, "routine", None)
    if routine is not None:
        from glutecoach.coach import find_routine

        routine = find_routine(routine).id  # a clear message and exit 2 before the screen opens
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        hint = f"glutecoach run {routine} --plain" if routine else "glutecoach run ROUTINE --plain"
        raise UserError(f"the app needs a terminal; for pipes and scripts use `{hint}`.")
    from glutecoach.app import GlutecoachApp
    from glutecoach.store import NoHistory, open_store

    store = open_store()
    if getattr(args, "no_history", False):
        store.history = NoHistory()
    try:
        GlutecoachApp(store, routine=routine, voice_mode=getattr(args, "voice", None)).run()
    finally:
        store.close()
    return 0
