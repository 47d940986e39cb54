"""The speech engines behind one seam: what the worker renders phrases with.

- ``espeak``: the pyttsx3 path (``synth.PyttsxSynth``): espeak-ng bundled with the
  ``espeakng-loader`` wheel on Linux (the system's voice on macOS and Windows, espeak-ng
  there when ``voice_id`` says ``espeak``). Always installed.
- ``piper``: the natural voice (``neural.PiperEngine``), from the ``natural`` extra.

Both render a phrase to a trimmed WAV and say how long it is (:class:`SpeechEngine`). The
worker does not pick one itself: ``synth.Synth`` does, from ``voice_id``, and falls back to
``espeak`` when the natural voice is missing or fails. Benchmarks and tests that want one
engine by name use :func:`open_engine`; :func:`available` lists the names that would open
here, without loading anything.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

ESPEAK = "espeak"
PIPER = "piper"
NAMES = (ESPEAK, PIPER)


class SpeechEngine(Protocol):
    """What the worker needs of an engine (one thread uses it)."""

    name: str  # "espeak" or "piper"

    @property
    def rate(self) -> int: ...  # words a minute asked for

    @property
    def voice_id(self) -> str: ...

    @property
    def signature(self) -> str: ...  # part of the phrase cache's key: changes re-render

    def render_speech(self, text: str, path: Path) -> tuple[float, float]:
        """Write ``text`` to ``path`` as a mono 16-bit WAV trimmed to its speech; return
        (the file's seconds, the speech's own seconds)."""
        ...

    def voices(self) -> list[dict[str, Any]]: ...

    def describe(self) -> str: ...  # what it is, in plain words


def available() -> list[str]:
    """The engines that would open here, in order of preference for nothing but their name
    (``espeak`` first: it is always there); found without loading either."""
    from glutecoach.voice import engine, neural

    names = []
    if engine.locate("").ok:
        names.append(ESPEAK)
    if neural.locate("").ok:
        names.append(PIPER)
    return names


def open_engine(name: str, voice_id: str = "", rate: int = 170) -> SpeechEngine:
    """Open the engine ``name`` (see :data:`NAMES`) with ``voice_id`` ("" for its default
    voice; ``piper:<voice>`` or ``<voice>`` for piper) at ``rate`` words a minute.

    Raises :class:`~glutecoach.voice.engine.EngineUnavailable` (``neural.NeuralUnavailable``
    for piper) with the reason when it cannot open; ``ValueError`` for an unknown name.
    No fallback here: that is ``synth.Synth``'s job.
    """
    from glutecoach.voice import neural, synth

    key = name.strip().lower()
    if key == ESPEAK:
        return synth.PyttsxSynth(voice_id, rate, 1.0)
    if key == PIPER:
        if voice_id and not neural.wants_piper(voice_id):
            voice_id = f"{PIPER}:{voice_id}"
        return neural.PiperEngine(voice_id, rate, 1.0)
    raise ValueError(f"unknown speech engine {name!r} (known: {', '.join(NAMES)})")


def engine_of(voice_id: str) -> str:
    """Which engine ``voice_id`` selects here before any fallback (no loading)."""
    from glutecoach.voice import neural

    return PIPER if neural.chosen(voice_id) else ESPEAK


def all_voices(on: str | None = None) -> tuple[list[tuple[str, list[dict[str, Any]]]], list[str]]:
    """Every voice one can put in ``voice_id``, grouped by engine, natural voices first
    (they are the default where installed; last under ``GLUTECOACH_NATURAL=0``), then the
    pyttsx3 path's (``engine.all_voices``;
    espeak-ng's ids carry ``espeak:`` when other engines are listed). Also: why an engine
    is missing. Loads espeak-ng, not the natural voice."""
    from glutecoach.voice import engine, neural

    natural, natural_problems = neural.installed_voices()
    groups, problems = engine.all_voices(on=on, prefix_espeak=bool(natural))
    if natural:
        group = ("the natural voice (Piper, from the natural extra)", natural)
        if neural.engine_installed():  # the default: listed first, marked as the default
            groups.insert(0, group)
            for _label, voices in groups[1:]:
                for v in voices:
                    v["default"] = False
        else:  # GLUTECOACH_NATURAL=0: there to choose, not the default
            natural[0]["default"] = False
            groups.append(group)
    return groups, [*natural_problems, *problems]


def voice_list(on: str | None = None) -> list[dict[str, Any]]:
    """All voices in one list (what Settings offers), each with its ``engine``."""
    out: list[dict[str, Any]] = []
    groups, _problems = all_voices(on=on)
    for _label, voices in groups:
        for v in voices:
            out.append({"engine": ESPEAK, **v})
    return out
