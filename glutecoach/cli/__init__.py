"""The command line: the TUI by default, plus plain subcommands.

Each command group lives in its own module with a ``register(subparsers)`` function, so
the voice, store and app sides add commands without touching one shared file.
"""

from __future__ import annotations

import sys

from glutecoach import __version__, startup
from glutecoach.errors import UserError

TYPE_CHECKING = False  # typing itself is not imported: `--version` needs nothing else
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from typing import Any

COMMAND_MODULES = (
    "glutecoach.cli.app_cmd",
    "glutecoach.cli.engine_cmd",
    "glutecoach.cli.voice_cmd",
    "glutecoach.cli.store_cmd",
    "glutecoach.cli.serve_cmd",
    "glutecoach.cli.remind_cmd",
)


# The module that registers each command, so running one command builds its parser with
# only that module loaded (the others import the engine, the voice, ...). A command missing
# here still works: every module is loaded for it, as for `--help`.
COMMANDS = {
    "app": "glutecoach.cli.app_cmd",
    "routines": "glutecoach.cli.engine_cmd",
    "plan": "glutecoach.cli.engine_cmd",
    "run": "glutecoach.cli.engine_cmd",
    "locate": "glutecoach.cli.engine_cmd",
    "say": "glutecoach.cli.voice_cmd",
    "voices": "glutecoach.cli.voice_cmd",
    "doctor": "glutecoach.cli.voice_cmd",
    "relay": "glutecoach.cli.voice_cmd",
    "history": "glutecoach.cli.store_cmd",
    "levels": "glutecoach.cli.store_cmd",
    "serve": "glutecoach.cli.serve_cmd",
    "remind": "glutecoach.cli.remind_cmd",
    "breaks": "glutecoach.cli.remind_cmd",
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser, or for ``command`` (a known one) only its module's commands."""
    import argparse
    import importlib

    parser = argparse.ArgumentParser(
        prog="glutecoach",
        description="A voice-guided coach for glute activation and hip stretches. "
        "With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"glutecoach {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = (COMMANDS[command],) if command in COMMANDS else COMMAND_MODULES
    for name in modules:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the app when there is none. Returns the exit status."""
    # The app releases this once its first frame is drawn; every other way out, below.
    startup.hold_collection()
    try:
        return _dispatch(sys.argv[1:] if argv is None else list(argv))
    finally:
        startup.release_collection()


def _dispatch(argv: list[str]) -> int:
    if argv == ["--version"]:
        print(f"glutecoach {__version__}")  # what argparse prints, without importing it
        return 0
    from glutecoach.cli.app_cmd import open_app

    if not argv:
        # The common launch goes straight to the app, without building every command's
        # parser (that imports argparse and each command module before the first frame).
        import types

        args: Any = types.SimpleNamespace(command=None)
        func = open_app
    else:
        args = build_parser(argv[0]).parse_args(argv)
        func = getattr(args, "func", None) or open_app
        if func is not open_app:
            startup.release_collection()  # plain commands may run for minutes: collect as usual
    try:
        return int(func(args) or 0)
    except UserError as exc:
        print(f"glutecoach: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
