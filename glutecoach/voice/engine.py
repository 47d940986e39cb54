"""Finding and opening the speech synthesiser, per platform.

- Linux: pyttsx3 over libespeak-ng.
- macOS: the system's voice (NSSpeechSynthesizer, pyttsx3's ``nsss`` driver, which renders
  to a file; ``avspeech`` cannot), Windows: SAPI5 (``sapi5``).
- Everywhere: the bundled espeak-ng as the fallback when the native voice cannot start or
  render, and as the choice when ``voice_id`` is ``espeak`` or ``espeak:<espeak voice>``.
- ``GLUTECOACH_TTS_DRIVER``: a pyttsx3 driver name, or the path of a driver file, to use
  instead (how the tests stand in for a Mac's driver on Linux).

pyttsx3 loads libespeak-ng by its soname on Linux and from a few fixed paths elsewhere.
When the system has no espeak we load the copy that the ``espeakng-loader`` wheel ships
first, so pyttsx3's own ``dlopen`` finds it by soname (glibc matches a loaded library's
soname; on macOS and Windows pyttsx3 is pointed at that file while its espeak module loads),
and point ``ESPEAK_DATA_PATH`` at its data. That is what lets speech work from pip alone.
It is loaded ``RTLD_LOCAL``: with ``RTLD_GLOBAL`` its ``espeak_*`` symbols would take the
place of those inside Piper's own espeak-ng (``piper/espeakbridge``, the natural voice's
phonemizer) loaded after it, and the worker crashed (measured: a segfault on the first
natural render after an espeak-ng one).

Only the speech worker and one-shot commands (``say``, ``voices``, ``doctor``) load the
engine. The app process never does: a forked child of a process that initialised espeak
hangs, and espeak cannot be initialised twice in one process.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import importlib.util
import io
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LIB_ENV = "GLUTECOACH_ESPEAK_LIB"  # a libespeak-ng to use instead of searching
DRIVER_ENV = "GLUTECOACH_TTS_DRIVER"  # a pyttsx3 driver name or driver file to use instead
SYSTEM_SONAME = "libespeak-ng.so.1"
ESPEAK = "espeak"
# The native voice per platform: pyttsx3 driver, what it needs importable, its name.
NATIVE = {
    "macos": ("nsss", "AppKit", "NSSpeechSynthesizer (macOS)"),
    "windows": ("sapi5", "comtypes", "SAPI5 (Windows)"),
}
STAND_IN_MODULE = "pyttsx3.drivers.glutecoach_stand_in"


def wants_espeak(voice_id: str) -> bool:
    """``espeak`` or ``espeak:<id>`` asks for the bundled espeak-ng on every platform."""
    v = voice_id.strip().lower()
    return v == ESPEAK or v.startswith(ESPEAK + ":")


def espeak_voice(voice_id: str) -> str:
    """The espeak voice in ``voice_id``: ``espeak:en-us`` is ``en-us``, ``espeak`` is ""
    (espeak's default), and any other id is itself."""
    if not wants_espeak(voice_id):
        return voice_id
    return voice_id.partition(":")[2].strip()


class EngineUnavailable(RuntimeError):
    """No speech synthesiser could be opened; ``str()`` says why in plain words."""


@dataclass(frozen=True, slots=True)
class EngineInfo:
    """Where the synthesiser comes from.

    ``source``: system | bundled | env (espeak-ng from those places) | platform (the
    native voice) | driver (``GLUTECOACH_TTS_DRIVER``) | neural (the natural voice, see
    ``neural.py``; ``library`` then describes it) | none. ``driver`` is the pyttsx3
    driver; ``note`` says why a native voice was passed over for espeak-ng.
    """

    ok: bool
    source: str
    library: str = ""
    detail: str = ""
    driver: str = ESPEAK
    note: str = ""

    def describe(self) -> str:
        if not self.ok:
            return f"no speech engine: {self.detail}"
        if self.source == "platform":
            return f"the system's own voice, {self.library}"
        if self.source == "driver":
            return f"the pyttsx3 driver {self.library} (from {DRIVER_ENV})"
        if self.source == "neural":
            return self.library
        where = {
            "system": "the system's libespeak-ng",
            "bundled": "libespeak-ng bundled with the espeakng-loader package",
            "env": f"libespeak-ng from {LIB_ENV}",
        }[self.source]
        return f"{where} ({self.library})" if self.library else where

    def with_note(self, note: str) -> EngineInfo:
        return EngineInfo(self.ok, self.source, self.library, self.detail, self.driver, note)


def _bundled() -> tuple[str, str] | None:
    if importlib.util.find_spec("espeakng_loader") is None:
        return None
    import espeakng_loader  # type: ignore[import-untyped]

    lib = espeakng_loader.get_library_path()
    try:
        data = espeakng_loader.get_data_path()
    except RuntimeError:
        return None
    return (lib, data) if Path(lib).is_file() else None


def native_importable(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def locate(voice_id: str = "", *, on: str | None = None) -> EngineInfo:
    """Find the synthesiser ``voice_id`` would use here, without loading it (safe in the
    app process): the native voice on macOS and Windows, else espeak-ng."""
    from glutecoach.platform import system

    if importlib.util.find_spec("pyttsx3") is None:
        return EngineInfo(False, "none", detail="the pyttsx3 package is not installed")
    if wants_espeak(voice_id):
        return locate_espeak()
    driver = os.environ.get(DRIVER_ENV, "").strip()
    if driver:
        return EngineInfo(True, "driver", driver, driver=driver)
    native = NATIVE.get(system(on))
    if native is None:
        return locate_espeak()
    name, needs, label = native
    if native_importable(needs):
        return EngineInfo(True, "platform", label, driver=name)
    espeak = locate_espeak()
    why = f"{label} needs the {needs} package, which is missing"
    if not espeak.ok:
        return EngineInfo(False, "none", detail=f"{why}, and {espeak.detail}")
    return espeak.with_note(why)


def native_engine(on: str | None = None) -> tuple[str, str] | None:
    """The native voice's (driver, name) on this platform, None on Linux."""
    from glutecoach.platform import system

    native = NATIVE.get(system(on))
    return (native[0], native[2]) if native else None


def locate_espeak() -> EngineInfo:
    """Find libespeak-ng (the system's, then the bundled one) without loading it."""
    if importlib.util.find_spec("pyttsx3") is None:
        return EngineInfo(False, "none", detail="the pyttsx3 package is not installed")
    override = os.environ.get(LIB_ENV)
    if override:
        if Path(override).is_file():
            return EngineInfo(True, "env", override)
        return EngineInfo(False, "none", override, f"{LIB_ENV}={override} is not a file")
    system = ctypes.util.find_library("espeak-ng")
    if system:
        return EngineInfo(True, "system", system)
    bundled = _bundled()
    if bundled:
        return EngineInfo(True, "bundled", bundled[0])
    return EngineInfo(
        False,
        "none",
        detail="no libespeak-ng on this system and the espeakng-loader package is missing "
        "(pip install espeakng-loader, or apt install libespeak-ng1)",
    )


_loaded: EngineInfo | None = None


def load(voice_id: str = "", *, on: str | None = None) -> EngineInfo:
    """Find the synthesiser for ``voice_id`` and, when it is espeak-ng, load it."""
    info = locate(voice_id, on=on)
    if info.ok and info.driver == ESPEAK:
        return load_espeak().with_note(info.note)
    return info


def load_espeak() -> EngineInfo:
    """Load libespeak-ng into this process so pyttsx3 finds it; prefer the system's copy."""
    global _loaded
    if _loaded is not None:
        return _loaded
    info = locate_espeak()
    if not info.ok:
        _loaded = info
        return info
    mode = getattr(os, "RTLD_LOCAL", ctypes.RTLD_LOCAL)
    if info.source == "env":
        try:
            ctypes.CDLL(info.library, mode=mode)
        except OSError as exc:
            info = EngineInfo(False, "none", info.library, f"cannot load {info.library}: {exc}")
    else:
        try:
            ctypes.CDLL(SYSTEM_SONAME, mode=mode)
            info = EngineInfo(True, "system", SYSTEM_SONAME)
        except OSError:
            bundled = _bundled()
            if bundled is None:
                info = EngineInfo(False, "none", detail="libespeak-ng could not be loaded")
            else:
                try:
                    ctypes.CDLL(bundled[0], mode=mode)
                    os.environ["ESPEAK_DATA_PATH"] = bundled[1]
                    info = EngineInfo(True, "bundled", bundled[0])
                except OSError as exc:
                    info = EngineInfo(False, "none", bundled[0], f"cannot load it: {exc}")
    _loaded = info
    return info


def open_engine(
    voice_id: str = "", rate: int = 170, volume: float = 1.0, *, on: str | None = None
) -> Any:
    """A pyttsx3 engine set up with the user's voice, rate and volume (see :func:`open_best`
    for which one, and why)."""
    return open_best(voice_id, rate, volume, on=on)[1]


def open_best(
    voice_id: str = "", rate: int = 170, volume: float = 1.0, *, on: str | None = None
) -> tuple[EngineInfo, Any]:
    """The engine ``voice_id`` asks for, or espeak-ng when the native voice cannot start
    (the returned info's ``note`` then says why).

    A voice id the engine does not know is ignored (the default voice speaks) rather than
    failing: the user can fix it in settings, but the workout must still talk.
    """
    info = load(voice_id, on=on)
    if not info.ok:
        raise EngineUnavailable(info.detail)
    try:
        engine = init_driver(info)
    except EngineUnavailable as exc:
        if info.driver == ESPEAK:
            raise
        espeak = load_espeak()
        if not espeak.ok:
            raise EngineUnavailable(f"{exc}; and espeak-ng: {espeak.detail}") from exc
        info = espeak.with_note(str(exc))
        engine = init_driver(info)
    configure(engine, engine_voice(info, voice_id), rate, volume)
    return info, engine


def engine_voice(info: EngineInfo, voice_id: str) -> str:
    """The id to give the engine: ``espeak:en-us`` is ``en-us`` to espeak-ng, and an espeak
    request means the native engine's default voice if espeak is not what opened."""
    if info.driver == ESPEAK:
        return espeak_voice(voice_id)
    return "" if wants_espeak(voice_id) else voice_id


def init_driver(info: EngineInfo) -> Any:
    """A pyttsx3 engine on ``info``'s driver (loaded as ``load`` found it)."""
    driver = info.driver
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            import pyttsx3  # type: ignore[import-untyped]

            if info.source == "driver" and driver.endswith(".py"):
                driver = _stand_in_driver(Path(driver))
            elif driver == ESPEAK and not sys.platform.startswith("linux"):
                _point_pyttsx3_at(info.library)
            return pyttsx3.init(driver)
    except Exception as exc:  # pyttsx3 raises bare RuntimeError/OSError/ImportError
        raise EngineUnavailable(f"pyttsx3 could not start ({info.describe()}): {exc}") from exc


def _stand_in_driver(path: Path) -> str:
    """Register a driver file as a pyttsx3 driver module; return its driver name."""
    import importlib.util as util

    if STAND_IN_MODULE not in sys.modules:
        spec = util.spec_from_file_location(STAND_IN_MODULE, path)
        if spec is None or spec.loader is None:
            raise EngineUnavailable(f"{DRIVER_ENV}={path} is not a Python file")
        module = util.module_from_spec(spec)
        sys.modules[STAND_IN_MODULE] = module
        spec.loader.exec_module(module)
    return STAND_IN_MODULE.rpartition(".")[2]


def _point_pyttsx3_at(library: str) -> None:
    """pyttsx3's espeak module tries fixed paths on macOS and Windows (Homebrew, Program
    Files); while it loads, every path it tries gets the espeak-ng we found instead, so the
    library and ``ESPEAK_DATA_PATH`` always belong together."""
    if "pyttsx3.drivers._espeak" in sys.modules or not library:
        return
    loader = ctypes.cdll
    real = loader.LoadLibrary

    def load(name: str) -> Any:
        return real(library)

    loader.LoadLibrary = load  # type: ignore[method-assign]
    try:
        importlib.import_module("pyttsx3.drivers._espeak")
    finally:
        del loader.LoadLibrary


def configure(engine: Any, voice_id: str, rate: int, volume: float) -> bool:
    """Apply settings; False when the voice id was unknown and the default was kept."""
    engine.setProperty("rate", int(rate))
    engine.setProperty("volume", max(0.0, min(1.0, float(volume))))
    if not voice_id:
        return True
    # pyttsx3 queues setProperty and swallows the engine's error, so check the id first.
    known = {v.id.lower(): v.id for v in engine.getProperty("voices")}
    real = known.get(voice_id.lower())
    if real is None:
        return False
    try:
        engine.setProperty("voice", real)
    except (ValueError, KeyError):
        return False
    return True


def list_voices(engine: Any) -> list[dict[str, Any]]:
    """The engine's voices; ``default`` marks the one it speaks with when none is set."""
    current = str(engine.getProperty("voice") or "")
    voices = []
    for v in engine.getProperty("voices"):
        voices.append(
            {
                "id": str(v.id),
                "name": str(v.name),
                "languages": [str(x) for x in (v.languages or [])],
                "gender": v.gender,
                "default": str(v.id) == current,
            }
        )
    return voices


def all_voices(
    on: str | None = None, *, prefix_espeak: bool = False
) -> tuple[list[tuple[str, list[dict[str, Any]]]], list[str]]:
    """Every pyttsx3 voice one can put in ``voice_id``, grouped by engine: the native one
    first (macOS, Windows, or a ``GLUTECOACH_TTS_DRIVER``), then espeak-ng, whose ids carry
    an ``espeak:`` prefix when it is not the only engine (``prefix_espeak``: other engines
    are listed too). Also: why an engine is missing. ``engines.all_voices`` adds the
    natural voices."""
    groups: list[tuple[str, list[dict[str, Any]]]] = []
    problems: list[str] = []
    first = locate("", on=on)
    if first.ok and first.driver != ESPEAK:
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                native = list_voices(init_driver(first))
            groups.append((first.describe(), native))
        except EngineUnavailable as exc:
            problems.append(str(exc))
    elif first.note:
        problems.append(first.note)
    espeak = load_espeak()
    if not espeak.ok:
        problems.append(f"espeak-ng: {espeak.detail}")
        return groups, problems
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            voices = list_voices(init_driver(espeak))
    except EngineUnavailable as exc:
        problems.append(str(exc))
        return groups, problems
    if groups or first.note or prefix_espeak:
        native_first = bool(
            groups or first.note
        )  # then the native voice is the default, not espeak
        voices = [
            {**v, "id": f"{ESPEAK}:{v['id']}", "default": v["default"] and not native_first}
            for v in voices
        ]
    groups.append((espeak.describe(), voices))
    return groups, problems
