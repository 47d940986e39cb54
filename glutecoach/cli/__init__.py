"""The command line: the TUI by default, plus plain subcommands.

Each command group lives in its own module with a ``register(subparsers)`` function, so
the voice, store and app sides add commands without touching one shared file.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from glutecoach import __version__
from glutecoach.errors import UserError

COMMAND_MODULES = (
    "glutecoach.cli.app_cmd",
    "glutecoach.cli.engine_cmd",
    "glutecoach.cli.voice_cmd",
    "glutecoach.cli.store_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parser = argparse.ArgumentParser(
        prog="glutecoach",
        description="A voice-guided coach for glute activation and hip stretches. "
        "With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"glutecoach {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        from glutecoach.cli.app_cmd import open_app

        func = open_app
    try:
        return int(func(args) or 0)
    except UserError as exc:
        print(f"glutecoach: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
