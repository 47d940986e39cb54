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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from glutecoach.voice import audio
from glutecoach.voice import engine as _engine
from glutecoach.voice import neural as _neural

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


class UnreadableAudio(RuntimeError):
    """The engine wrote sound of a kind this build cannot read: rendering again would not help."""


class PyttsxSynth:
    """One pyttsx3 engine (the system's voice, or espeak-ng), used from one thread only.

    ``fallback`` says why espeak-ng speaks instead of the native voice ("" when it does
    not): the native voice could not start, or could not render.
    """

    name = "espeak"  # the engines seam's name for this path (espeak-ng, or the native voice)

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

    def describe(self) -> str:
        return self.info.describe()

    def render(self, text: str, path: Path) -> float:
        """Write ``text`` as a WAV at ``path`` (atomically); return its duration in seconds."""
        return self.render_speech(text, path)[0]

    def render_speech(self, text: str, path: Path) -> tuple[float, float]:
        """Write ``text`` at ``path`` as a real WAV trimmed to its speech (``audio.trim``);
        return (the file's duration, the speech's own length) in seconds.

        Whatever the engine wrote (WAV, or AIFF from macOS whatever the name) is read by
        content. pyttsx3 2.99 now and then writes a file with no audio at all (2-5 % of
        renders here, more right after a rate change), so an empty result is rendered again.
        A native voice that still fails hands over to espeak-ng (once) and the line is
        rendered again with it.
        """
        try:
            return self._render(text, path)
        except Exception as exc:
            if not self._fall_back_to_espeak(str(exc)):
                raise
            return self._render(text, path)

    def _render(self, text: str, path: Path) -> tuple[float, float]:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(suffix=".wav", dir=path.parent)
        os.close(fd)
        unreadable: audio.AudioError | None = None
        try:
            for _attempt in range(RENDER_ATTEMPTS):
                try:
                    sound = self._render_once(text, tmp)
                except audio.AudioError as exc:  # bytes, but not audio we can read
                    unreadable, sound = exc, None
                if sound is not None:
                    trimmed = audio.trim(sound)
                    audio.write_wav(path, trimmed)
                    return trimmed.seconds, audio.speech_seconds(trimmed)
            if unreadable is not None:
                raise UnreadableAudio(
                    f"the speech engine wrote audio this build cannot read ({unreadable})"
                )
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
            data = Path(tmp).read_bytes()
        except OSError:
            return None
        if not data:
            return None  # pyttsx3 wrote nothing: render again
        sound = audio.decode(data, tmp)  # AudioError: the engine wrote something unreadable
        start, end = audio.speech_bounds(sound)
        return sound if end > start else None


def _default_why() -> str:
    """Why an empty ``voice_id`` does not get the natural voice here."""
    if _neural.turned_off():
        return f"the default ({_neural.DISABLE_ENV}=0 keeps the natural voice from it)"
    found = _neural.locate("")
    if found.ok:
        return "the default"
    return f"the default (the natural voice is not installed: {found.detail})"


class Synth:
    """The worker's speech engine, used from one thread only: the natural voice
    (:class:`~glutecoach.voice.neural.PiperEngine`) when ``voice_id`` asks for it or is empty
    where it is installed, else :class:`PyttsxSynth` (the system's voice or espeak-ng).

    The natural voice missing, failing to load or failing to render hands over to the
    pyttsx3 path's default voice (espeak-ng on Linux), once: ``fallback`` then says why
    ("" while the voice asked for speaks), and that voice is not tried again in this process.
    ``why`` says in plain words why the engine in use was chosen.

    ``lazy=True`` (the speech worker) does not load the natural voice's model here: the first
    render, :meth:`load` or :meth:`load_in_background` does, and a model that will not load
    then hands over to espeak-ng as above (``natural`` is True until then).
    """

    def __init__(
        self,
        voice_id: str = "",
        rate: int = 170,
        volume: float = 1.0,
        *,
        on: str | None = None,
        lazy: bool = False,
    ) -> None:
        self._on = on
        self._lazy = lazy
        self._failed: dict[str, str] = {}  # natural voice -> why it could not speak
        self._note = ""  # why the natural voice asked for is not the one speaking
        self._impl: PyttsxSynth | _neural.PiperEngine
        self._open(voice_id, rate, volume)

    def _open(self, voice_id: str, rate: int, volume: float) -> None:
        if not _neural.chosen(voice_id):
            self._impl = PyttsxSynth(voice_id, rate, volume, on=self._on)
            self._note = ""
            self.why = f"voice_id = {voice_id!r}" if voice_id.strip() else _default_why()
            return
        name = _neural.voice_name(voice_id)
        failed = self._failed.get(name)
        if failed is None:
            try:
                self._impl = _neural.PiperEngine(voice_id, rate, volume, lazy=self._lazy)
            except _neural.NeuralUnavailable as exc:
                failed = self._failed[name] = str(exc)
            else:
                self._note = ""
                self.why = (
                    f"voice_id = {voice_id!r}"
                    if voice_id.strip()
                    else "the default where the natural voice is installed"
                )
                return
        self._stand_in(name, failed, rate, volume)

    def _stand_in(self, name: str, failed: str, rate: int, volume: float) -> None:
        self._failed[name] = failed
        self._impl = PyttsxSynth("", rate, volume, on=self._on)
        self._note = f"the natural voice cannot speak: {failed}"
        self.why = f"standing in for the natural voice, which cannot speak ({failed})"

    @property
    def loaded(self) -> bool:
        """The engine speaking is ready to render (only a lazy natural voice is not)."""
        return not isinstance(self._impl, _neural.PiperEngine) or self._impl.loaded

    @property
    def settled(self) -> bool:
        """:meth:`load` would not wait: nothing to load, or a load that is over."""
        return not isinstance(self._impl, _neural.PiperEngine) or self._impl.settled

    def load(self) -> None:
        """Load a lazy natural voice now (or wait for its load under way); one that will not
        load hands over to espeak-ng here, so ``fallback`` says why."""
        impl = self._impl
        if not isinstance(impl, _neural.PiperEngine) or impl.loaded:
            return
        try:
            impl.load()
        except _neural.NeuralUnavailable as exc:
            self._stand_in(impl.info.voice, str(exc), impl.rate, impl.volume)

    def load_in_background(self, then: Callable[[], None]) -> bool:
        """Start loading a lazy natural voice on its own thread; ``then`` runs on that thread
        when it is over (call :meth:`load` on this one next, to learn how it went). False
        when there is nothing to load."""
        impl = self._impl
        if not isinstance(impl, _neural.PiperEngine) or impl.loaded:
            return False
        impl.load_in_background(then)
        return True

    @property
    def natural(self) -> bool:
        """The natural voice is what speaks."""
        return isinstance(self._impl, _neural.PiperEngine)

    @property
    def natural_note(self) -> str:
        """Why the natural voice asked for is not speaking ("" when it is, or not asked)."""
        return self._note

    @property
    def native_note(self) -> str:
        """Why espeak-ng speaks instead of the system's voice ("" when it does not)."""
        return self._impl.fallback if isinstance(self._impl, PyttsxSynth) else ""

    @property
    def fallback(self) -> str:
        """Why the voice speaking is not the one asked for ("" when it is)."""
        inner = self._impl.fallback if isinstance(self._impl, PyttsxSynth) else ""
        return "; ".join(part for part in (self._note, inner) if part)

    @property
    def info(self) -> _engine.EngineInfo:
        if isinstance(self._impl, _neural.PiperEngine):
            return _engine.EngineInfo(True, "neural", self._impl.describe(), driver=_neural.PIPER)
        return self._impl.info

    @property
    def voice_known(self) -> bool:
        return self._impl.voice_known if isinstance(self._impl, PyttsxSynth) else True

    @property
    def voice_id(self) -> str:
        return self._impl.voice_id

    @property
    def rate(self) -> int:
        return self._impl.rate

    @property
    def volume(self) -> float:
        return self._impl.volume

    @property
    def label(self) -> str:
        """A short name for the voice speaking, for notices."""
        if self.natural:
            return "the natural voice"
        if self.info.driver != _engine.ESPEAK:
            return "the system's voice"
        return "the bundled espeak-ng voice" if self.info.source == "bundled" else "espeak-ng"

    def configure(self, voice_id: str, rate: int, volume: float) -> None:
        impl = self._impl
        if _neural.chosen(voice_id):
            name = _neural.voice_name(voice_id)
            if isinstance(impl, _neural.PiperEngine) and impl.info.voice == name:
                impl.configure(rate, volume)
                return
            if name in self._failed and isinstance(impl, PyttsxSynth) and self._note:
                impl.configure("", rate, volume)  # still standing in: not loaded again
                return
            self._open(voice_id, rate, volume)
            return
        if isinstance(impl, PyttsxSynth):
            impl.configure(voice_id, rate, volume)
            self._note = ""
            self.why = f"voice_id = {voice_id!r}" if voice_id.strip() else self.why
            return
        self._open(voice_id, rate, volume)

    @property
    def signature(self) -> str:
        return self._impl.signature

    def voices(self) -> list[dict[str, Any]]:
        return self._impl.voices()

    def describe(self) -> str:
        return self._impl.describe()

    def render(self, text: str, path: Path) -> float:
        """Write ``text`` as a WAV at ``path`` (atomically); return its duration in seconds."""
        return self.render_speech(text, path)[0]

    def render_speech(self, text: str, path: Path) -> tuple[float, float]:
        """Write ``text`` at ``path`` as a real WAV trimmed to its speech; return (the
        file's duration, the speech's own length) in seconds. A natural voice that fails
        here hands over to the pyttsx3 path, which renders the line instead (a line with
        nothing to say, such as "...", raises ``neural.NoSpeech`` and changes nothing)."""
        self.load()  # a lazy natural voice: loaded (or handed over to espeak-ng) first
        impl = self._impl
        try:
            return impl.render_speech(text, path)
        except _neural.NoSpeech:
            raise  # this line is silent, the voice is fine: it goes on speaking
        except Exception as exc:
            if not isinstance(impl, _neural.PiperEngine):
                raise
            why = f"the natural voice {impl.info.voice} failed to render ({_neural.short(exc)})"
            try:
                stand_in = PyttsxSynth("", impl.rate, impl.volume, on=self._on)
            except _engine.EngineUnavailable:
                raise exc from None
            self._failed[impl.info.voice] = why
            self._impl, self._note = stand_in, why
            self.why = f"standing in for the natural voice, which cannot speak ({why})"
            return stand_in.render_speech(text, path)


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

    def cached(self, text: str) -> Rendered | None:
        """The phrase as rendered before, without rendering (None when it is not, or its
        file will not read: that file is removed)."""
        path = self.path_for(text)
        if path.is_file():
            try:
                return Rendered(path, wav_duration(path), True, 0.0, self._speech(path))
            except (wave.Error, EOFError, OSError, ValueError):
                path.unlink(missing_ok=True)
        return None

    def get(self, text: str) -> Rendered:
        import time

        found = self.cached(text)
        if found is not None:
            return found
        path = self.path_for(text)
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
        """Keep the ``keep`` newest phrases. A file gone while we look (a render's temporary
        file renamed, another worker pruning too) is passed over, not an error."""
        dated: list[tuple[float, Path]] = []
        for path in self.root.glob("*.wav"):
            with contextlib.suppress(OSError):
                dated.append((path.stat().st_mtime, path))
        wavs = [path for _, path in sorted(dated, key=lambda d: d[0], reverse=True)]
        for old in wavs[keep:]:
            old.unlink(missing_ok=True)
            old.with_suffix(".txt").unlink(missing_ok=True)
            old.with_suffix(".json").unlink(missing_ok=True)
        return max(0, len(wavs) - keep)
