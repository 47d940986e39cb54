"""Start-up: garbage collection waits for the first frame, and comes back on every way out."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from glutecoach import startup
from glutecoach.cli import main


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    was_enabled = gc.isenabled()
    yield
    startup.release_collection()
    gc.unfreeze()
    if was_enabled:
        gc.enable()


def test_hold_pauses_and_release_resumes_once() -> None:
    startup.hold_collection()
    assert not gc.isenabled()
    assert startup.is_held()
    startup.release_collection()
    assert gc.isenabled()
    assert not startup.is_held()
    startup.release_collection()  # a second release is harmless
    assert gc.isenabled()


def test_release_leaves_a_collector_someone_else_turned_off() -> None:
    gc.disable()
    startup.hold_collection()  # nothing to hold: it was already off
    startup.release_collection(freeze=True)
    assert not gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_release_with_freeze_moves_startup_objects_out_of_sight() -> None:
    gc.unfreeze()
    startup.hold_collection()
    startup.release_collection(freeze=True)
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0


def test_plain_command_runs_with_collection_on(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from glutecoach.cli import engine_cmd

    seen: list[bool] = []
    real = engine_cmd.cmd_plan

    def plan_and_look(args: object) -> int:
        seen.append(gc.isenabled())
        return real(args)

    monkeypatch.setattr(engine_cmd, "cmd_plan", plan_and_look)
    assert main(["plan", "desk-reset"]) == 0
    assert seen == [True]
    assert gc.isenabled()
    assert "Desk reset" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        [],  # the app, refused: the tests' stdin is not a terminal
        ["plan", "no-such-routine"],  # a user error
        ["run", "no-such-routine"],  # the app's path, refused before it opens
    ],
)
def test_every_way_out_turns_collection_back_on(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert gc.isenabled()
    assert main(argv) == 2
    assert gc.isenabled()
    assert not startup.is_held()
    assert "glutecoach:" in capsys.readouterr().err


def test_the_short_switch_interval_is_undone_once_and_on_every_way_out(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import sys

    usual = sys.getswitchinterval()
    startup.hand_over_quickly()
    startup.hand_over_quickly()  # twice: still the usual interval to go back to
    assert sys.getswitchinterval() == startup.FIRST_FRAME_SWITCH_INTERVAL
    startup.hand_over_as_usual()
    startup.hand_over_as_usual()
    assert sys.getswitchinterval() == usual
    startup.hand_over_quickly()
    assert main(["--version"]) == 0  # the command line's way out puts it back too
    assert sys.getswitchinterval() == usual
    assert "glutecoach" in capsys.readouterr().out
