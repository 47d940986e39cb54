"""Playing rendered WAVs with something we can stop at once, and finding real audio output.

Players are tried in order: ``GLUTECOACH_PLAYER`` (a command with a ``{file}`` placeholder),
``pw-play``, ``paplay``, ``aplay``, ``afplay``, then miniaudio inside the worker. Command
players run in their own session with every standard fd pointed at /dev/null: ``aplay``
without a sound card writes ALSA errors to fd 2, which is where Textual draws.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

PLAYER_ENV = "GLUTECOACH_PLAYER"
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
# Devices that accept sound and throw it away: a list holding only these is no output.
_NOT_REAL = ("discard all samples", "dummy output", "null", "auto_null")


class Player(Protocol):
    name: str
    start_lag: float | None  # seconds from play() to sound; None: unknown

    def play(self, path: Path) -> None: ...
    def stop(self) -> None: ...
    def playing(self) -> bool: ...
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
        argv = tuple(shlex.split(custom))
        if not any("{file}" in a for a in argv):
            argv = (*argv, "{file}")
        return PlayerChoice(Path(argv[0]).name, argv, f"{PLAYER_ENV} is set")
    for name, argv in COMMANDS:
        found = shutil.which(name, path=env.get("PATH"))
        if found:
            return PlayerChoice(name, (found, *argv[1:]), f"found {found}")
    if _miniaudio_importable():
        return PlayerChoice("miniaudio", None, "no command-line player; using miniaudio")
    return None


def _miniaudio_importable() -> bool:
    import importlib.util

    return importlib.util.find_spec("miniaudio") is not None


def make_player(choice: PlayerChoice) -> Player:
    if choice.argv is None:
        return MiniaudioPlayer()
    return CommandPlayer(choice.name, choice.argv)


class CommandPlayer:
    """A player process per utterance; stopping kills its whole process group."""

    def __init__(self, name: str, argv: tuple[str, ...]) -> None:
        self.name = name
        self.argv = argv
        self.start_lag = START_LAG.get(name)
        self._proc: subprocess.Popen[bytes] | None = None
        self._draining: list[subprocess.Popen[bytes]] = []  # released: only silence is left
        self._lock = threading.Lock()

    def play(self, path: Path) -> None:
        argv = [a.replace("{file}", str(path)) for a in self.argv]
        with self._lock:
            self._stop_locked()
            self._proc = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                close_fds=True,
                start_new_session=True,
            )

    def stop(self) -> None:
        with self._lock:
            self._stop_locked()
            for proc in self._draining:
                self._kill(proc)
            self._draining = []

    def release(self) -> None:
        with self._lock:
            self._draining = [p for p in self._draining if p.poll() is None]
            if self._proc is not None:
                self._draining.append(self._proc)
                self._proc = None

    def _stop_locked(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            self._kill(proc)

    @staticmethod
    def _kill(proc: subprocess.Popen[bytes]) -> None:
        if proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def playing(self) -> bool:
        with self._lock:
            return self._proc is not None and self._proc.poll() is None

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

    def playing(self) -> bool:
        with self._lock:
            if self._device is None:
                return False
            if self._done.is_set() and time.monotonic() >= self._ends_at:
                self._stop_locked()
                return False
            return True


@dataclass(frozen=True, slots=True)
class OutputInfo:
    """Whether sound would reach a person, and how we know."""

    found: bool
    how: str


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """Point fd 2 at /dev/null for a moment: audio libraries print straight to it.

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


def detect_output(env: dict[str, str] | None = None) -> OutputInfo:
    """Look for a real audio output. Honest: a sink that discards sound does not count."""
    env = dict(os.environ if env is None else env)
    if env.get(PLAYER_ENV, "").strip():
        return OutputInfo(True, f"{PLAYER_ENV} is set, so its player is trusted to be heard")
    if sys.platform == "darwin":
        return OutputInfo(True, "macOS audio (afplay)")
    if sys.platform == "win32":
        return OutputInfo(True, "Windows audio")
    reasons: list[str] = []
    if shutil.which("pactl"):
        info = _run(["pactl", "info"])
        if info is None:
            reasons.append("no PulseAudio or PipeWire server is running")
        else:
            sink = ""
            for line in info.splitlines():
                if line.startswith("Default Sink:"):
                    sink = line.split(":", 1)[1].strip()
            if sink and not any(word in sink.lower() for word in _NOT_REAL):
                return OutputInfo(True, f"sound server running, default output {sink}")
            reasons.append("the sound server has only a dummy output")
    cards = Path("/proc/asound/cards")
    try:
        text = cards.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        text = ""
    if text and "no soundcards" not in text:
        first = text.splitlines()[0].strip()
        return OutputInfo(True, f"ALSA sound card: {first}")
    reasons.append("no sound card")
    devices = _miniaudio_devices()
    if devices is None:
        reasons.append("miniaudio is not installed")
    else:
        real = [d for d in devices if not any(w in d.lower() for w in _NOT_REAL)]
        if real:
            return OutputInfo(True, f"audio device {real[0]}")
        if devices:
            reasons.append("the only audio device throws the sound away")
    return OutputInfo(False, "; ".join(reasons))


def _miniaudio_devices() -> list[str] | None:
    if not _miniaudio_importable():
        return None
    import miniaudio

    try:
        with quiet_stderr():
            devices = miniaudio.Devices()
            names = [str(d.get("name", "")) for d in devices.get_playbacks()]
            backend = str(devices.backend)
        return [f"{n} ({backend})" for n in names]
    except Exception:
        return []
