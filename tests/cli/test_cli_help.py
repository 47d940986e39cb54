"""What `--help` and `--json` tell a new user (issue 15, fault 19): examples on every
command, readable usage lines, one JSON indentation, one volume convention."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import glutecoach

from glutecoach.cli import build_parser

COMMANDS = sorted(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]


def test_every_command_is_covered() -> None:
    assert {"app", "routines", "plan", "run", "locate", "history", "levels", "say"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_shows_examples(command: str) -> None:
    parser = build_parser()._subparsers._group_actions[0].choices[command]  # type: ignore[union-attr]
    text = parser.format_help()
    assert "example" in text.lower(), text
    examples = text.lower().split("example", 1)[1]
    assert f"glutecoach {command}" in examples or command == "app", text


def test_locate_usage_names_its_argument_not_every_choice() -> None:
    parser = build_parser()._subparsers._group_actions[0].choices["locate"]  # type: ignore[union-attr]
    usage = parser.format_usage()
    assert "{" not in usage and "WHAT" in usage, usage
    assert "config-file" in parser.format_help()  # the choices are still listed, below


def test_levels_usage_shows_the_action_as_optional() -> None:
    parser = build_parser()._subparsers._group_actions[0].choices["levels"]  # type: ignore[union-attr]
    usage = " ".join(parser.format_usage().split())
    assert "[ACTION ...]" in usage or "[set ...]" in usage, usage


@pytest.mark.parametrize(
    "args",
    [
        ("routines", "--json"),
        ("plan", "desk-reset", "--json"),
        ("history", "--json"),
        ("levels", "--json"),
        ("locate", "config", "--json"),
    ],
    ids=lambda a: a[0],
)
def test_json_follows_one_rule_everywhere(home: Path, args: tuple[str, ...]) -> None:
    """One compact line in a pipe; indented by two at a terminal."""
    result = glutecoach(*args, home=home)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert result.stdout == json.dumps(data) + "\n", result.stdout[:300]
    main, side = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "glutecoach", *args],
        env={**os.environ, "GLUTECOACH_HOME": str(home)},
        stdin=subprocess.DEVNULL,
        stdout=side,
        stderr=subprocess.DEVNULL,
    )
    os.close(side)
    chunks = []
    try:
        while True:  # read as it comes: a pty's buffer is small
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the other end closed
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(main)
    assert proc.wait(timeout=60) == 0
    text = b"".join(chunks).decode().replace("\r\n", "\n")
    assert text == json.dumps(json.loads(text), indent=2) + "\n", text[:300]


def test_locate_json_gives_every_place(home: Path) -> None:
    result = glutecoach("locate", "config", "--json", home=home)
    data = json.loads(result.stdout)
    assert data["config"] == str(home)
    assert data["history"] == str(home / "history.db")


def test_volume_is_a_percentage_in_the_config_and_the_old_fraction_still_works(
    home: Path,
) -> None:
    from glutecoach.store.settings import SettingsStore

    (home / "config.toml").write_text("volume = 80\n")
    assert SettingsStore().value.volume == pytest.approx(0.8)
    (home / "config.toml").write_text("volume = 0.5\n")  # the old form
    store = SettingsStore()
    assert store.value.volume == pytest.approx(0.5) and store.notices == []
    store.update(volume=0.3)
    assert "volume = 30\n" in (home / "config.toml").read_text()
    (home / "config.toml").write_text("volume = 140\n")
    [notice] = SettingsStore().notices
    assert "from 0 (silent) to 100 (full)" in notice
    (home / "config.toml").write_text("volume = 1\n")  # an old file's full volume stays full
    assert SettingsStore().value.volume == 1.0


def test_say_takes_the_same_volume_and_rate_ranges_as_the_settings(home: Path) -> None:
    parser = build_parser()._subparsers._group_actions[0].choices["say"]  # type: ignore[union-attr]
    text = " ".join(parser.format_help().split())
    assert "0-100" in text and "80-400" in text, text
    result = glutecoach("say", "hi", "--rate", "450", "--to", str(home / "x.wav"), home=home)
    assert result.returncode == 2 and "80 to 400" in result.stderr, result.stderr


def test_doctor_and_voices_have_json(home: Path) -> None:
    doctor = glutecoach("doctor", "--json", home=home, timeout=120)
    report = json.loads(doctor.stdout)
    assert doctor.returncode == (0 if report["speech_works"] else 1)
    assert report["checks"] and isinstance(report["fixes"], list)
    assert doctor.stdout == json.dumps(report) + "\n"
    voices = glutecoach("voices", "--json", home=home, timeout=120)
    if report["engine_works"]:
        assert voices.returncode == 0, voices.stderr
        listed = json.loads(voices.stdout)
        assert listed and {"id", "name", "languages", "chosen"} <= set(listed[0])
    else:
        assert voices.returncode == 1 and "no speech engine" in voices.stderr
