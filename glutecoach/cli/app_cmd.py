"""Opening the TUI."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    pass


def open_app(args: argparse.Namespace) -> int:
    print("glutecoach: the terminal app is not built yet; try `glutecoach plan desk-reset`.")
    return 0
