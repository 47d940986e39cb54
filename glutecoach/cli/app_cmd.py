"""Opening the TUI: ``glutecoach`` alone, or ``glutecoach run ROUTINE`` (without --plain)."""

from __future__ import annotations

import argparse
import os
import sys

from glutecoach.errors import UserError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from glutecoach.cli.engine_cmd import VOICE_CHOICES

    p = sub.add_parser(
        "app",
        help="open the full-screen app (the same as no command)",
        description="Open the app: pick a routine with the arrow keys and Enter; ? shows keys.",
    )
    p.add_argument(
        "--voice",
        choices=VOICE_CHOICES,
        default=None,
        help="how cues reach you (see `glutecoach run --help`); default from settings",
    )
    p.set_defaults(func=open_app)


# textual-serve runs the app with its pipes as the "terminal" and names its driver here.
WEB_DRIVER = "textual.drivers.web_driver:WebDriver"


def _has_screen() -> bool:
    """A real terminal, or a browser page through textual-serve (``glutecoach serve``)."""
    if os.environ.get("TEXTUAL_DRIVER") == WEB_DRIVER:
        return True
    return sys.stdin.isatty() and sys.stdout.isatty()


def open_app(args: argparse.Namespace) -> int:
    routine = getattr(args, "routine", None)
    if routine is not None:
        from glutecoach.coach import find_routine

        routine = find_routine(routine).id  # a clear message and exit 2 before the screen opens
    if not _has_screen():
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
