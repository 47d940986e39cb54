"""Opening the TUI: ``glutecoach`` alone, or ``glutecoach run ROUTINE`` (without --plain)."""

from __future__ import annotations

import os
import signal
import sys
from typing import TYPE_CHECKING, Any

from glutecoach import startup
from glutecoach.errors import UserError

if TYPE_CHECKING:  # not imported at run time: the bare launch builds no parser (~3 ms)
    import argparse


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
    app = GlutecoachApp(store, routine=routine, voice_mode=getattr(args, "voice", None))
    previous = _exit_on_signals(app)
    startup.hand_over_quickly()  # the app goes back to the usual interval after its first frame
    try:
        app.run()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        store.close()
    return int(app.return_code or 0)  # 128 + the signal's number after one


def _exit_on_signals(app: Any) -> dict[int, Any]:
    """SIGTERM and SIGHUP end the app the way Ctrl+Q does: screens close (a workout is saved
    as partial) and Textual gives the terminal back. Without this Python dies at once and
    leaves the alternate screen and mouse reporting on. Returns the handlers replaced."""

    def on_signal(signum: int, frame: Any) -> None:
        loop = getattr(app, "_ui_loop", None)
        if loop is None:  # not drawn yet: nothing to restore, stop as Python would
            raise SystemExit(128 + signum)
        loop.call_soon_threadsafe(app.exit, None, 128 + signum)

    previous: dict[int, Any] = {}
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)  # Windows has no SIGHUP
        if signum is not None:
            previous[signum] = signal.signal(signum, on_signal)
    return previous
