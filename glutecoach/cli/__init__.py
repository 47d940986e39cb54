"""The command line: the TUI by default, plus plain subcommands.

Each command group lives in its own module with a ``register(subparsers)`` function, so
the voice, store and app sides add commands without touching one shared file.
"""

from __future__ import annotations

import contextlib
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
    for command, command_parser in sub.choices.items():
        _add_examples(command_parser, EXAMPLES.get(command, ()))
    return parser


# Examples for every command's --help, kept here so the help reads one way everywhere.
EXAMPLES: dict[str, tuple[str, ...]] = {
    "app": ("glutecoach", "glutecoach app"),
    "routines": (
        "glutecoach routines",
        "glutecoach routines --json",
        "glutecoach routines new my-stretch --from stretch-break",
    ),
    "plan": ("glutecoach plan desk-reset", "glutecoach plan stretch-break --json"),
    "run": (
        "glutecoach run desk-reset",
        "glutecoach run desk-reset --plain --voice captions",
        "glutecoach run stretch-break --plain --no-history",
    ),
    "locate": ("glutecoach locate routines", "glutecoach locate config --json"),
    "history": (
        "glutecoach history",
        "glutecoach history --since 2026-01-01 --csv > history.csv",
    ),
    "levels": ("glutecoach levels", "glutecoach levels set glute-bridge 2"),
    "doctor": ("glutecoach doctor",),
    "relay": ("glutecoach relay", "glutecoach relay --port 4712 --voice captions"),
    "serve": ("glutecoach serve", "glutecoach serve --host 0.0.0.0 --port 8000"),
    "remind": ("glutecoach remind", "glutecoach remind --plain --every 30m --snooze 5m"),
    "breaks": ("glutecoach breaks", "glutecoach breaks --since 2026-01-01 --json"),
}


def _add_examples(parser: argparse.ArgumentParser, examples: tuple[str, ...]) -> None:
    import argparse

    if not examples or "example" in (parser.epilog or "").lower():
        return  # the command's module wrote its own
    block = "examples:\n" + "\n".join(f"  {line}" for line in examples)
    parser.epilog = f"{parser.epilog}\n\n{block}" if parser.epilog else block
    if parser.formatter_class is argparse.HelpFormatter:
        parser.formatter_class = _keep_examples_formatter()


def _keep_examples_formatter() -> type[argparse.HelpFormatter]:
    import argparse

    class KeepExamples(argparse.HelpFormatter):
        """Wraps descriptions as usual but keeps an examples block one per line."""

        def _fill_text(self, text: str, width: int, indent: str) -> str:
            head, found, examples = text.partition("examples:\n")
            filled = super()._fill_text(head, width, indent) if head.strip() else ""
            if not found:
                return filled
            return (filled + "\n\n" if filled else "") + indent + found + examples

    return KeepExamples


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the app when there is none. Returns the exit status."""
    # The app releases this once its first frame is drawn; every other way out, below.
    startup.hold_collection()
    _replace_what_cannot_be_encoded()
    try:
        return _dispatch(sys.argv[1:] if argv is None else list(argv))
    finally:
        startup.release_collection()
        startup.hand_over_as_usual()


def _replace_what_cannot_be_encoded() -> None:
    """An output that cannot encode a character (``PYTHONIOENCODING=ascii``, a Latin-1
    console) gets ``?`` for it instead of a ``UnicodeEncodeError`` halfway through a run."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        reconfigure = getattr(stream, "reconfigure", None)
        if encoding != "utf8" and reconfigure is not None:
            with contextlib.suppress(OSError, ValueError):
                reconfigure(errors="replace")


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
