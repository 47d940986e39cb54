"""Playing rendered WAVs with something we can stop at once.

Players are tried in order: ``GLUTECOACH_PLAYER`` (a command with a ``{file}`` placeholder),
``pw-play``, ``paplay``, ``aplay``, ``afplay``, then miniaudio inside the worker (what
Windows uses). Command players run in a process group of their own with every standard fd
pointed at the null device: ``aplay`` without a sound card writes ALSA errors to fd 2,
which is where Textual draws. Stopping one stops its children too (``glutecoach.platform``).
Finding a real audio output is ``glutecoach.platform.detect_output``, re-exported here.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from glutecoach.platform import new_process_group, split_command, stop_tree
from glutecoach.platform.output import (
    PLAYER_ENV,
    OutputInfo,
    detect_output,
    miniaudio_importable,
    quiet_stderr,
)

__all__ = [
    "COMMANDS",
    "PLAYER_ENV",
    "CommandPlayer",
    "MiniaudioPlayer",
    "OutputInfo",
    "Player",
    "PlayerChoice",
    "detect_output",
    "find_player",
    "make_player",
    "quiet_stderr",
]
COMMANDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("pw-play", ("pw-play", "{file}")),
    ("paplay", ("paplay", "{file}")),
    ("aplay", ("aplay", "-q", "{file}")),
    ("afplay", ("afplay", "{file}")),
)
# How long after ``play`` each known player starts sounding (measured at a PulseAudio sink:
# paplay 10-20 ms). The worker calls a line finished that long after its speech would end
# from the start of the file. A player not listed (a GLUTECOACH_PLAYER command of unknown
# habits) is finished when its process exits.
START_LAG = {"pw-play": 0.02, "paplay": 0.02, "aplay": 0.02, "afplay": 0.05, "miniaudio": 0.06}


class Player(Protocol):
    name: str
    start_lag: float | None  # seconds from play() to sound; None: unknown

    def play(self, path: Path) -> None: ...
    def stop(self) -> None: ...
    def playing(self) -> bool: ...
    def problem(self) -> str | None:
        """Why the last sound, now ended, was not heard (None: it played out or was cut)."""

    def release(self) -> None:
        """The speech is over: let the rest (silence) play out; ``play`` will not cut it."""


@dataclass(frozen=True, slots=True)
class PlayerChoice:
    name: str
    argv: tuple[str, ...] | None  # None: miniaudio in-process
    origin: str  # why this one, in plain words


def find_player(env: dict[str, str] | None = None) -> PlayerChoice | None:
    env = dict(os.environ if env is None else env)
    custom = env.get(PLAYER_ENV, "").strip()
    if custom:
        argv = tuple(split_command(custom))
        if not any("{file}" in a for a in argv):
            argv = (*argv, "{file}")
        return PlayerChoice(Path(argv[0]).name, argv, f"{PLAYER_ENV} is set")
    for name, argv in COMMANDS:
        found = shutil.which(name, path=env.get("PATH"))
        if found:
            return PlayerChoice(name, (found, *argv[1:]), f"found {found}")
    if miniaudio_importable():
        return PlayerChoice("miniaudio", None, "no command-line player; using miniaudio")
    return None


def make_player(choice: PlayerChoice) -> Player:
    if choice.argv is None:
        return MiniaudioPlayer()
    return CommandPlayer(choice.name, choice.argv)


class CommandPlayer:
    """A player process per utterance; stopping stops it and every child it started."""

    def __init__(self, name: str, argv: tuple[str, ...]) -> None:
        self.name = name
        self.argv = argv
        self.start_lag = START_LAG.get(name)
        self._proc: subprocess.Popen[bytes] | None = None
        self._problem: str | None = None
        self._draining: list[subprocess.Popen[bytes]] = []  # released: only silence is left
        self._lock = threading.Lock()

    def play(self, path: Path) -> None:
        argv = [a.replace("{file}", str(path)) for a in self.argv]
        with self._lock:
            self._stop_locked()
            self._problem = None
            self._proc = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                close_fds=True,
                **new_process_group(),
            )

    def stop(self) -> None:
        with self._lock:
            self._stop_locked()
            for proc in self._draining:
                stop_tree(proc)
            self._draining = []

    def release(self) -> None:
        with self._lock:
            self._draining = [p for p in self._draining if p.poll() is None]
            proc, self._proc = self._proc, None
            if proc is not None:
                self._problem = self._failed(proc)
                self._draining.append(proc)

    def _stop_locked(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        self._problem = self._failed(proc)  # ended on its own, with an error: remember
        stop_tree(proc)

    def _failed(self, proc: subprocess.Popen[bytes]) -> str | None:
        code = proc.poll()
        if code is None or code == 0:
            return None
        return f"{self.name} exited with status {code}"

    def playing(self) -> bool:
        with self._lock:
            return self._proc is not None and self._proc.poll() is None

    def problem(self) -> str | None:
        """A player that exits with an error status played nothing we can count on."""
        with self._lock:
            if self._proc is not None:
                return self._failed(self._proc)
            return self._problem

    def wait(self, timeout: float | None = None) -> None:
        proc = self._proc
        if proc is not None:
            proc.wait(timeout=timeout)


class MiniaudioPlayer:
    """Plays through the OS audio stack in-process (the worker's), for machines without a
    command-line player. Only ever used inside the worker, whose fds 1 and 2 go nowhere."""

    name = "miniaudio"
    start_lag: float | None = START_LAG["miniaudio"]

    def __init__(self) -> None:
        self._device: Any = None
        self._done = threading.Event()
        self._done.set()
        self._cancel = threading.Event()
        self._ends_at = 0.0
        self._draining: list[tuple[Any, float]] = []  # released devices and when they end
        self._lock = threading.Lock()

    def play(self, path: Path) -> None:
        import miniaudio  # type: ignore[import-untyped]

        sound = miniaudio.wav_read_file_s16(str(path))
        with self._lock:
            draining, self._draining = self._draining, []
            self._stop_locked()
            self._draining = draining
            self._close_drained(time.monotonic())
            try:
                device = miniaudio.PlaybackDevice(
                    output_format=miniaudio.SampleFormat.SIGNED16,
                    nchannels=sound.nchannels,
                    sample_rate=sound.sample_rate,
                    buffersize_msec=60,
                )
            except miniaudio.MiniaudioError as exc:
                why = exc.args[0] if exc.args else exc
                raise RuntimeError(f"no audio device could be opened ({why})") from exc
            self._done = threading.Event()
            self._cancel = threading.Event()
            gen = self._frames(sound.samples, sound.nchannels, self._done, self._cancel)
            next(gen)
            device.start(gen)
            self._device = device
            self._ends_at = time.monotonic() + sound.duration + 0.08

    @staticmethod
    def _frames(
        samples: Any, channels: int, done: threading.Event, cancel: threading.Event
    ) -> Generator[Any, int, None]:
        required = yield b""
        pos = 0
        while pos < len(samples) and not cancel.is_set():
            n = required * channels
            chunk = samples[pos : pos + n]
            pos += n
            required = yield chunk
        done.set()
        while True:  # silence until the device is closed
            yield b""

    def stop(self) -> None:
        with self._lock:
            self._stop_locked()

    def release(self) -> None:
        """Only silence is left: the device plays it out and is closed once it has."""
        with self._lock:
            if self._device is not None:
                self._draining.append((self._device, self._ends_at))
                self._device = None
            self._close_drained(time.monotonic())

    def _close_drained(self, now: float) -> None:
        keep = []
        for device, ends_at in self._draining:
            if now >= ends_at:
                with contextlib.suppress(Exception):
                    device.close()
            else:
                keep.append((device, ends_at))
        self._draining = keep

    def _stop_locked(self) -> None:
        self._close_drained(float("inf"))
        self._cancel.set()
        device, self._device = self._device, None
        if device is not None:
            with contextlib.suppress(Exception):
                device.close()
        self._done.set()

    def problem(self) -> str | None:
        return None  # miniaudio's failures raise from play()

    def playing(self) -> bool:
        with self._lock:
            if self._device is None:
                return False
            if self._done.is_set() and time.monotonic() >= self._ends_at:
                self._stop_locked()
                return False
            return True
