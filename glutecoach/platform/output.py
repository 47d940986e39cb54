"""Is there a real audio output here? Found by looking, on every platform.

Linux: the sound server's default sink (PipeWire or PulseAudio, through ``pactl``), then
ALSA's sound cards, then the devices miniaudio can open. macOS (CoreAudio) and Windows
(WASAPI): the playback devices miniaudio lists. A device that throws sound away (a null or
dummy sink) does not count.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from glutecoach.platform.which import MACOS, WINDOWS, system

PLAYER_ENV = "GLUTECOACH_PLAYER"
# Devices that accept sound and throw it away: a list holding only these is no output.
NOT_REAL = ("discard all samples", "dummy output", "null", "auto_null")


@dataclass(frozen=True, slots=True)
class OutputInfo:
    """Whether sound would reach a person, and how we know."""

    found: bool
    how: str


Devices = Callable[[], list[str] | None]  # playback device names; None: cannot look
Command = Callable[[list[str]], str | None]  # stdout of a command that succeeded


def detect_output(
    env: dict[str, str] | None = None,
    *,
    on: str | None = None,
    devices: Devices | None = None,
    command: Command | None = None,
    which: Callable[[str], str | None] = shutil.which,
    cards: Path = Path("/proc/asound/cards"),
) -> OutputInfo:
    """Look for a real audio output. Honest: a sink that discards sound does not count."""
    env = dict(os.environ if env is None else env)
    list_devices = devices or miniaudio_devices
    run = command or _run
    if env.get(PLAYER_ENV, "").strip():
        return OutputInfo(True, f"{PLAYER_ENV} is set, so its player is trusted to be heard")
    kind = system(on)
    if kind in (MACOS, WINDOWS):
        where = "CoreAudio" if kind == MACOS else "Windows audio"
        found = list_devices()
        if found is None:
            return OutputInfo(False, f"could not look at {where}: miniaudio is not installed")
        real = [d for d in found if not _discards(d)]
        if real:
            return OutputInfo(True, f"audio device {real[0]}")
        if found:
            return OutputInfo(False, f"{where} has only a device that throws the sound away")
        return OutputInfo(False, f"{where} lists no playback device")
    reasons: list[str] = []
    if which("pactl"):
        info = run(["pactl", "info"])
        if info is None:
            reasons.append("no PulseAudio or PipeWire server is running")
        else:
            sink = ""
            for line in info.splitlines():
                if line.startswith("Default Sink:"):
                    sink = line.split(":", 1)[1].strip()
            if sink and not _discards(sink):
                return OutputInfo(True, f"sound server running, default output {sink}")
            reasons.append("the sound server has only a dummy output")
    try:
        text = cards.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        text = ""
    if text and "no soundcards" not in text:
        first = text.splitlines()[0].strip()
        return OutputInfo(True, f"ALSA sound card: {first}")
    reasons.append("no sound card")
    found = list_devices()
    if found is None:
        reasons.append("miniaudio is not installed")
    else:
        real = [d for d in found if not _discards(d)]
        if real:
            return OutputInfo(True, f"audio device {real[0]}")
        if found:
            reasons.append("the only audio device throws the sound away")
    return OutputInfo(False, "; ".join(reasons))


def _discards(name: str) -> bool:
    return any(word in name.lower() for word in NOT_REAL)


def _run(argv: list[str], timeout: float = 2.0) -> str | None:
    try:
        done = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None


def miniaudio_importable() -> bool:
    return importlib.util.find_spec("miniaudio") is not None


def miniaudio_devices() -> list[str] | None:
    """The playback devices miniaudio can open, named with its backend; None without it."""
    if not miniaudio_importable():
        return None
    import miniaudio  # type: ignore[import-untyped]

    try:
        with quiet_stderr():
            listed = miniaudio.Devices()
            names = [str(d.get("name", "")) for d in listed.get_playbacks()]
            backend = str(listed.backend)
        return [f"{n} ({backend})" for n in names]
    except Exception:
        return []


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """Point fd 2 at the null device for a moment: audio libraries print straight to it.

    Only for one-shot commands and the worker, never the TUI process (Textual draws there).
    """
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)
