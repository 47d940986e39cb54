"""Rendering phrases to WAV files, and the on-disk cache of rendered phrases.

``save_to_file`` + ``runAndWait`` is the one pyttsx3 path that is reliable (a short phrase
renders in about 10 ms); ``say`` is not (it blocks, drops queued phrases and deadlocks on
``stop``). So we render to files and play them with a player we can stop.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from glutecoach.voice import engine as _engine

CACHE_LIMIT = 400  # rendered phrases kept on disk; the oldest go first
RENDER_ATTEMPTS = 4


def default_cache_dir() -> Path:
    """Where rendered phrases are kept between sessions (under GLUTECOACH_HOME in tests)."""
    from glutecoach.store import paths

    return paths.cache_dir() / "voice"


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def wav_duration(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / float(w.getframerate())


def sniff(path: Path) -> str:
    """What kind of audio file this is, by its first bytes: wav, aiff, empty or unknown."""
    try:
        with open(path, "rb") as f:
            head = f.read(12)
    except OSError:
        return "unknown"
    if not head:
        return "empty"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return "aiff"
    return "unknown"


class UnreadableAudio(RuntimeError):
    """The engine wrote a sound file of a kind this build cannot read (``kind``)."""

    def __init__(self, kind: str) -> None:
        super().__init__(
            f"the speech engine wrote {kind.upper()} audio, which this build cannot read"
        )
        self.kind = kind


class Synth:
    """One pyttsx3 engine, used from one thread only.

    ``fallback`` says why espeak-ng speaks instead of the native voice ("" when it does
    not): the native voice could not start, or could not render.
    """

    def __init__(
        self, voice_id: str = "", rate: int = 170, volume: float = 1.0, *, on: str | None = None
    ) -> None:
        self.info, self._engine = _engine.open_best(voice_id, rate, volume, on=on)
        self._on = on
        self.fallback = self.info.note
        self.voice_known = True
        self.configure(voice_id, rate, volume)

    def configure(self, voice_id: str, rate: int, volume: float) -> None:
        target = _engine.locate(voice_id, on=self._on)
        native_failed = bool(self.fallback) and target.driver != _engine.ESPEAK
        if target.ok and target.driver != self.info.driver and not native_failed:
            # Asked for espeak-ng, or back from it: a different engine (pyttsx3 keeps one
            # per driver, so this is cheap the second time).
            with contextlib.suppress(_engine.EngineUnavailable):
                self.info, self._engine = _engine.open_best(voice_id, rate, volume, on=self._on)
                self.fallback = self.info.note
        self.voice_known = _engine.configure(
            self._engine, _engine.engine_voice(self.info, voice_id), rate, volume
        )
        self.voice_id = voice_id if self.voice_known else ""
        self.rate = int(rate)
        self.volume = round(float(volume), 2)

    def _fall_back_to_espeak(self, why: str) -> bool:
        """The native voice failed to render: espeak-ng from now on, if it can be had."""
        if self.info.driver == _engine.ESPEAK:
            return False
        espeak = _engine.load_espeak()
        if not espeak.ok:
            return False
        try:
            engine = _engine.init_driver(espeak)
        except _engine.EngineUnavailable:
            return False
        self.fallback = f"{self.info.describe()} failed: {why}"
        self.info, self._engine = espeak.with_note(self.fallback), engine
        self.voice_known = _engine.configure(
            engine, _engine.engine_voice(espeak, self.voice_id), self.rate, self.volume
        )
        return True

    @property
    def signature(self) -> str:
        return f"{self.info.source}|{self.info.driver}|{self.voice_id}|{self.rate}|{self.volume}"

    def voices(self) -> list[dict[str, Any]]:
        return _engine.list_voices(self._engine)

    def render(self, text: str, path: Path) -> float:
        """Write ``text`` as a WAV at ``path`` (atomically); return its duration in seconds.

        pyttsx3 2.99 now and then writes a WAV with no audio at all (2-5 % of renders here,
        more right after a rate change), so an empty result is rendered again.
        """
        try:
            return self._render(text, path)
        except Exception as exc:
            if not self._fall_back_to_espeak(str(exc)):
                raise
            return self._render(text, path)

    def _render(self, text: str, path: Path) -> float:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(suffix=".wav", dir=path.parent)
        os.close(fd)
        try:
            for _attempt in range(RENDER_ATTEMPTS):
                duration = self._render_once(text, tmp)
                if duration > 0:
                    os.replace(tmp, path)
                    return duration
            raise RuntimeError(f"the engine produced no audio for {text!r}")
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)

    def _render_once(self, text: str, tmp: str) -> float:
        with contextlib.redirect_stdout(io.StringIO()):  # pyttsx3 prints "Audio saved"
            # Set on every render: pyttsx3 2.99 + espeak-ng sometimes keep the old rate
            # when it was changed between two renders (measured here).
            self._engine.setProperty("rate", self.rate)
            self._engine.setProperty("volume", self.volume)
            self._engine.save_to_file(text, tmp)
            self._engine.runAndWait()
        try:
            return wav_duration(Path(tmp))
        except (wave.Error, EOFError):
            kind = sniff(Path(tmp))
            if kind not in ("wav", "empty"):
                raise UnreadableAudio(kind) from None  # rendering again would not help
            return 0.0


@dataclass(frozen=True, slots=True)
class Rendered:
    path: Path
    duration: float
    cached: bool
    render_seconds: float = 0.0


class PhraseCache:
    """Rendered phrases keyed by text and voice settings, so a known cue plays at once."""

    def __init__(self, root: Path, synth: Synth) -> None:
        self.root = root
        self.synth = synth
        root.mkdir(parents=True, exist_ok=True)

    def path_for(self, text: str) -> Path:
        key = hashlib.sha1(f"{self.synth.signature}\0{normalise(text)}".encode()).hexdigest()
        return self.root / f"{key[:20]}.wav"

    def has(self, text: str) -> bool:
        return self.path_for(text).is_file()

    def get(self, text: str) -> Rendered:
        import time

        path = self.path_for(text)
        if path.is_file():
            try:
                return Rendered(path, wav_duration(path), True)
            except (wave.Error, EOFError, OSError):
                path.unlink(missing_ok=True)
        started = time.monotonic()
        duration = self.synth.render(normalise(text), path)
        # The text beside the sound: for people looking in the cache, and the test player.
        path.with_suffix(".txt").write_text(normalise(text), encoding="utf-8")
        return Rendered(path, duration, False, time.monotonic() - started)

    def prune(self, keep: int = CACHE_LIMIT) -> int:
        wavs = sorted(self.root.glob("*.wav"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in wavs[keep:]:
            old.unlink(missing_ok=True)
            old.with_suffix(".txt").unlink(missing_ok=True)
        return max(0, len(wavs) - keep)
