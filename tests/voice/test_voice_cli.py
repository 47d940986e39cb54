"""say, voices, doctor and relay as a person runs them: real processes, real files."""

from __future__ import annotations

import os
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from glutecoach.voice.player import detect_output


def glutecoach(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "glutecoach", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.voice
def test_say_to_a_file_writes_real_speech(tmp_path: Path) -> None:
    target = tmp_path / "x.wav"
    done = glutecoach("say", "Glute bridges", "--to", str(target))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Wrote {target} (")
    with wave.open(str(target), "rb") as w:
        seconds = w.getnframes() / w.getframerate()
    assert 0.5 < seconds < 3
    assert "Audio saved" not in done.stdout  # pyttsx3's own print is kept away


@pytest.mark.voice
def test_say_plays_through_the_player(tmp_path: Path, stand_in) -> None:
    done = glutecoach("say", "Clamshells")
    assert done.returncode == 0, done.stderr
    assert stand_in.started() == ["Clamshells"]
    assert [e["event"] for e in stand_in.events()] == ["start", "end"]


@pytest.mark.voice
def test_say_with_nothing_to_hear_explains_and_fails(tmp_path: Path) -> None:
    if detect_output().found:
        pytest.skip("this machine has audio output")  # the branch below is this machine's
    done = glutecoach("say", "Rest")
    assert done.returncode == 1
    assert "nothing can be heard here" in done.stderr and "--to FILE.wav" in done.stderr


def test_say_rejects_a_rate_out_of_range(tmp_path: Path) -> None:
    done = glutecoach("say", "Go", "--rate", "5000", "--to", str(tmp_path / "x.wav"))
    assert done.returncode == 2
    assert "--rate 5000 is out of range" in done.stderr
    assert not (tmp_path / "x.wav").exists()


@pytest.mark.voice
def test_voices_lists_english_voices_and_marks_the_one_in_use() -> None:
    done = glutecoach("voices", "--lang", "en")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert any("en-us" in line for line in lines)
    assert sum(line.startswith("*") for line in lines) == 1


@pytest.mark.voice
def test_doctor_tells_the_truth_about_this_machine() -> None:
    done = glutecoach("doctor", env={"SSH_CONNECTION": "10.0.0.2 5000 10.0.0.1 22"})
    output = detect_output()
    assert "Speech engine: works:" in done.stdout
    assert ("Audio output:  found" if output.found else "Audio output:  none") in done.stdout
    assert "SSH session:   yes" in done.stdout
    assert "Config folder:" in done.stdout and "writable" in done.stdout
    if output.found:
        assert done.returncode == 0 and "Speech works here." in done.stdout
    else:
        assert done.returncode == 1
        assert "glutecoach relay" in done.stdout and "ssh -R 4712:127.0.0.1:4712" in done.stdout


def test_doctor_without_an_engine_says_how_to_get_one(tmp_path: Path) -> None:
    done = glutecoach("doctor", env={"GLUTECOACH_ESPEAK_LIB": str(tmp_path / "none.so")})
    assert done.returncode == 1
    assert "Speech engine: none:" in done.stdout
    assert "pip install espeakng-loader" in done.stdout


@pytest.mark.parametrize("command", ["say", "voices", "doctor", "relay"])
def test_every_voice_command_has_help(command: str) -> None:
    done = glutecoach(command, "--help")
    assert done.returncode == 0
    assert f"usage: glutecoach {command}" in done.stdout
    assert "examples:" in done.stdout or "example:" in done.stdout or "environment" in done.stdout
    assert max(len(line) for line in done.stdout.splitlines()) <= 100


def test_relay_refuses_a_port_already_in_use() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        done = glutecoach("relay", "--voice", "captions", "--port", str(port))
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr and "--port" in done.stderr
