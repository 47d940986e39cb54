"""The command line loads only the module a command needs, and `--version` loads nothing."""

from __future__ import annotations

import subprocess
import sys

import pytest

from glutecoach import __version__
from glutecoach.cli import COMMANDS, build_parser


def registered() -> dict[str, str]:
    """Every command the whole parser has, with the module whose ``register`` added it."""
    import importlib

    from glutecoach.cli import COMMAND_MODULES

    out: dict[str, str] = {}
    for module in COMMAND_MODULES:
        import argparse

        sub = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(module).register(sub)
        out.update(dict.fromkeys(sub.choices, module))
    return out


def test_every_command_maps_to_the_module_that_registers_it() -> None:
    assert registered() == COMMANDS
    whole = build_parser()
    actions = [a for a in whole._actions if a.dest == "command"]
    assert set(actions[0].choices) == set(COMMANDS)  # type: ignore[arg-type]


@pytest.mark.parametrize("command", sorted(set(COMMANDS.values())))
def test_a_command_parses_with_only_its_module(command: str) -> None:
    name = next(k for k, v in COMMANDS.items() if v == command)
    parser = build_parser(name)
    actions = [a for a in parser._actions if a.dest == "command"]
    assert name in actions[0].choices  # type: ignore[operator]


def test_version_prints_and_imports_no_command_module() -> None:
    code = (
        "import sys\n"
        "from glutecoach.cli import main\n"
        "status = main(['--version'])\n"
        "loaded = [m for m in sys.modules if m.startswith('glutecoach.cli.') or m in "
        "('argparse', 'typing', 'glutecoach.store', 'glutecoach.engine')]\n"
        "print(status, loaded)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines() == [f"glutecoach {__version__}", "0 []"]
