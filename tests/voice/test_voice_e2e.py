"""``glutecoach run ROUTINE --plain`` end to end with real processes: the speech worker and
the stand-in player, the fallback with no audio output, and the relay over loopback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from voice_helpers import PlayerLog

ROUTINE = """\
name = "Quick check"
lead_in = 3
transition = 3
switch = 2

[[exercise]]
id = "glute-bridge"
seconds = 6
"""
CUE_LINE = re.compile(r"^\s*\d+:\d\d  (.+)$")


@pytest.fixture
def user_home(home: Path) -> Path:
    (home / "routines").mkdir(parents=True)
    (home / "routines" / "quick.toml").write_text(ROUTINE)
    return home


def run_plain(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "glutecoach", "run", "quick", "--plain", "--no-history", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=90,
        env={**os.environ, **(env or {})},
    )


def cue_lines(stdout: str) -> list[str]:
    return [m.group(1) for line in stdout.splitlines() if (m := CUE_LINE.match(line))]


def is_subsequence(part: list[str], whole: list[str]) -> bool:
    it = iter(whole)
    return all(any(x == y for y in it) for x in part)


@pytest.mark.voice
def test_run_plain_speaks_its_cues_in_order_through_the_worker(
    user_home: Path, stand_in: PlayerLog
) -> None:
    done = run_plain("--voice", "speech")
    assert done.returncode == 0, done.stderr
    printed = cue_lines(done.stdout)
    assert printed[:2] == ["First up: glute bridges.", "1"]
    spoken = stand_in.started()
    assert is_subsequence(spoken, printed), (spoken, printed)
    counts = [t for t in printed if t.isdigit()]
    assert [t for t in spoken if t.isdigit()] == counts  # every countdown number was spoken
    assert "Go." in spoken and printed[-1] in spoken  # the closing line too
    assert "ALSA" not in done.stdout + done.stderr
    assert done.stderr == ""


@pytest.mark.voice
def test_run_plain_with_no_audio_output_falls_back_quietly(user_home: Path) -> None:
    from glutecoach.voice.player import detect_output

    if detect_output().found:
        pytest.skip("this machine has audio output, so auto speaks")
    done = run_plain("--voice", "auto")
    assert done.returncode == 0, done.stderr
    assert "ALSA" not in done.stdout + done.stderr
    assert done.stderr.splitlines() == [
        line for line in done.stderr.splitlines() if line.startswith("glutecoach: Speech is off:")
    ]
    assert len(done.stderr.splitlines()) == 1
    assert "Quick check" in done.stdout and "First up: glute bridges." in done.stdout


def test_relay_prints_the_routines_cues_in_order(user_home: Path, tmp_path: Path) -> None:
    relay = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "glutecoach",
            "relay",
            *("--voice", "captions", "--token", "T"),
            *("--port", "0"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "GLUTECOACH_HOME": str(tmp_path / "relay-side")},
    )
    try:
        assert relay.stdout is not None
        first = relay.stdout.readline()
        port = int(first.split("127.0.0.1:")[1].split(",")[0])
        header = [relay.stdout.readline() for _ in range(4)]
        assert header[0].strip() == "Token: T"
        done = run_plain(
            "--voice",
            "relay",
            env={"GLUTECOACH_RELAY": f"127.0.0.1:{port}", "GLUTECOACH_RELAY_TOKEN": "T"},
        )
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""
    finally:
        relay.terminate()
        out, err = relay.communicate(timeout=10)
    assert out.splitlines() == cue_lines(done.stdout)
    assert "coach connected" in err and "coach said goodbye" in err
