"""``say --to`` writes only a regular file or a new file in a folder that exists.

Through the real CLI in a subprocess with its own GLUTECOACH_HOME. Before this, a FIFO, a
link or a device given as the target was replaced by a regular file (as root, /dev/full
was), and a missing folder was made without a word.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import wave
from pathlib import Path

import pytest


def say_to(target: Path, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "glutecoach", "say", "Glute bridges", "--to", str(target)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "GLUTECOACH_HOME": str(home)},
    )


def refused(done: subprocess.CompletedProcess[str], why: str) -> None:
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("glutecoach: say: ") and why in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and not done.stdout


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_refused_and_stays_a_fifo(tmp_path: Path, home: Path) -> None:
    fifo = tmp_path / "pipe.wav"
    os.mkfifo(fifo)
    refused(say_to(fifo, home), "not a regular file")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir() if p.name != "home"] == ["pipe.wav"]  # no temp


def test_a_link_is_refused_and_its_target_is_unchanged(tmp_path: Path, home: Path) -> None:
    real = tmp_path / "keep.wav"
    real.write_bytes(b"the user's own file")
    link = tmp_path / "link.wav"
    link.symlink_to(real)
    refused(say_to(link, home), "is a link")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() == b"the user's own file"


def test_a_device_is_refused_and_stays_a_device(tmp_path: Path, home: Path) -> None:
    # A null device of its own in tmp_path: never a real /dev node (the old code, run as
    # root, replaced the target with a regular file).
    node = tmp_path / "null.wav"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (AttributeError, PermissionError, OSError):
        pytest.skip("cannot make a device node here (needs root on Linux)")
    refused(say_to(node, home), "not a regular file")
    assert stat.S_ISCHR(os.lstat(node).st_mode)


def test_a_missing_folder_is_refused_not_made(tmp_path: Path, home: Path) -> None:
    target = tmp_path / "no" / "such" / "x.wav"
    refused(say_to(target, home), "does not exist")
    assert not (tmp_path / "no").exists()


@pytest.mark.voice
def test_a_regular_file_is_overwritten_with_speech(tmp_path: Path, home: Path) -> None:
    target = tmp_path / "old.wav"
    target.write_bytes(b"old")
    done = say_to(target, home)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Wrote {target} (")
    with wave.open(str(target), "rb") as w:
        assert w.getnframes() > 0
