"""Rendering phrases to WAV files, and the on-disk cache of rendered phrases.

``save_to_file`` + ``runAndWait`` is the one pyttsx3 path that is reliable (a short phrase
renders in about 10 ms); ``say`` is not (it blocks, drops queued phrases and deadlocks on
``stop``). So we render to files and play them with a player we can stop.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from glutecoach.voice import audio
from glutecoach.voice import engine as _engine

CACHE_FORMAT = "trimmed-1"  # bumped when what is stored changes: older files are re-rendered
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


class Synth:
    """One pyttsx3 engine, used from one thread only."""

    def __init__(self, voice_id: str = "", rate: int = 170, volume: float = 1.0) -> None:
        self.info = _engine.load()
        self._engine: Any = _engine.open_engine(voice_id, rate, volume)
        self.voice_known = True
        self.configure(voice_id, rate, volume)

    def configure(self, voice_id: str, rate: int, volume: float) -> None:
        self.voice_known = _engine.configure(self._engine, voice_id, rate, volume)
        self.voice_id = voice_id if self.voice_known else ""
        self.rate = int(rate)
        self.volume = round(float(volume), 2)

    @property
    def signature(self) -> str:
        return f"{self.info.source}|{self.voice_id}|{self.rate}|{self.volume}"

    def voices(self) -> list[dict[str, Any]]:
        return _engine.list_voices(self._engine)

    def render(self, text: str, path: Path) -> float:
        """Write ``text`` as a WAV at ``path`` (atomically); return its duration in seconds."""
        return self.render_speech(text, path)[0]

    def render_speech(self, text: str, path: Path) -> tuple[float, float]:
        """Write ``text`` at ``path`` as a real WAV trimmed to its speech (``audio.trim``);
        return (the file's duration, the speech's own length) in seconds.

        Whatever the engine wrote (WAV, or AIFF from macOS whatever the name) is read by
        content. pyttsx3 2.99 now and then writes a file with no audio at all (2-5 % of
        renders here, more right after a rate change), so an empty result is rendered again.
        """
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(suffix=".wav", dir=path.parent)
        os.close(fd)
        try:
            for _attempt in range(RENDER_ATTEMPTS):
                sound = self._render_once(text, tmp)
                if sound is not None:
                    trimmed = audio.trim(sound)
                    audio.write_wav(path, trimmed)
                    return trimmed.seconds, audio.speech_seconds(trimmed)
            raise RuntimeError(f"the engine produced no audio for {text!r}")
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)

    def _render_once(self, text: str, tmp: str) -> audio.Audio | None:
        with contextlib.redirect_stdout(io.StringIO()):  # pyttsx3 prints "Audio saved"
            # Set on every render: pyttsx3 2.99 + espeak-ng sometimes keep the old rate
            # when it was changed between two renders (measured here).
            self._engine.setProperty("rate", self.rate)
            self._engine.setProperty("volume", self.volume)
            self._engine.save_to_file(text, tmp)
            self._engine.runAndWait()
        try:
            sound = audio.read_audio(tmp)
        except (audio.AudioError, OSError):
            return None
        start, end = audio.speech_bounds(sound)
        return sound if end > start else None


@dataclass(frozen=True, slots=True)
class Rendered:
    path: Path
    duration: float
    cached: bool
    render_seconds: float = 0.0
    speech: float = 0.0  # the speech's own length (the file adds audio.LEAD and audio.TAIL)


class PhraseCache:
    """Rendered phrases keyed by text and voice settings, so a known cue plays at once."""

    def __init__(self, root: Path, synth: Synth) -> None:
        self.root = root
        self.synth = synth
        root.mkdir(parents=True, exist_ok=True)

    def path_for(self, text: str) -> Path:
        key = f"{CACHE_FORMAT}\0{self.synth.signature}\0{normalise(text)}"
        return self.root / f"{hashlib.sha1(key.encode()).hexdigest()[:20]}.wav"

    def has(self, text: str) -> bool:
        return self.path_for(text).is_file()

    def get(self, text: str) -> Rendered:
        import time

        path = self.path_for(text)
        if path.is_file():
            try:
                return Rendered(path, wav_duration(path), True, 0.0, self._speech(path))
            except (wave.Error, EOFError, OSError, ValueError):
                path.unlink(missing_ok=True)
        started = time.monotonic()
        duration, speech = self.synth.render_speech(normalise(text), path)
        # Beside the sound: its text (for people looking in the cache, and the test player)
        # and its speech length (what the plan lays lines out with).
        path.with_suffix(".txt").write_text(normalise(text), encoding="utf-8")
        path.with_suffix(".json").write_text(
            json.dumps({"speech": round(speech, 4), "lead": audio.LEAD}), encoding="utf-8"
        )
        return Rendered(path, duration, False, time.monotonic() - started, speech)

    @staticmethod
    def _speech(path: Path) -> float:
        try:
            info = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
            return float(info["speech"])
        except (OSError, ValueError, KeyError, TypeError):  # written by hand, or half-written
            return audio.speech_seconds(audio.read_audio(path))

    def prune(self, keep: int = CACHE_LIMIT) -> int:
        wavs = sorted(self.root.glob("*.wav"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in wavs[keep:]:
            old.unlink(missing_ok=True)
            old.with_suffix(".txt").unlink(missing_ok=True)
            old.with_suffix(".json").unlink(missing_ok=True)
        return max(0, len(wavs) - keep)
