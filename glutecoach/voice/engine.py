"""Finding and opening the speech synthesiser (pyttsx3 over libespeak-ng on Linux).

pyttsx3 loads libespeak-ng by its soname. When the system has no espeak we load the copy
that the ``espeakng-loader`` wheel ships first, with ``RTLD_GLOBAL`` so pyttsx3's own
``dlopen`` finds it by soname, and point ``ESPEAK_DATA_PATH`` at its data. That is what lets
speech work from pip alone.

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
SYSTEM_SONAME = "libespeak-ng.so.1"


class EngineUnavailable(RuntimeError):
    """No speech synthesiser could be opened; ``str()`` says why in plain words."""


@dataclass(frozen=True, slots=True)
class EngineInfo:
    """Where the synthesiser comes from. ``source``: system | bundled | env | platform | none."""

    ok: bool
    source: str
    library: str = ""
    detail: str = ""

    def describe(self) -> str:
        if not self.ok:
            return f"no speech engine: {self.detail}"
        where = {
            "system": "the system's libespeak-ng",
            "bundled": "libespeak-ng bundled with the espeakng-loader package",
            "env": f"libespeak-ng from {LIB_ENV}",
            "platform": "the operating system's own speech service",
        }[self.source]
        return f"{where} ({self.library})" if self.library else where


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


def locate() -> EngineInfo:
    """Find a synthesiser without loading it (safe in the app process)."""
    if importlib.util.find_spec("pyttsx3") is None:
        return EngineInfo(False, "none", detail="the pyttsx3 package is not installed")
    if not sys.platform.startswith("linux"):
        return EngineInfo(True, "platform")
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


def load() -> EngineInfo:
    """Load libespeak-ng into this process so pyttsx3 finds it; prefer the system's copy."""
    global _loaded
    if _loaded is not None:
        return _loaded
    info = locate()
    if not info.ok or info.source == "platform":
        _loaded = info
        return info
    mode = getattr(os, "RTLD_GLOBAL", ctypes.RTLD_GLOBAL)
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


def open_engine(voice_id: str = "", rate: int = 170, volume: float = 1.0) -> Any:
    """A pyttsx3 engine set up with the user's voice, rate and volume.

    A voice id the engine does not know is ignored (the default voice speaks) rather than
    failing: the user can fix it in settings, but the workout must still talk.
    """
    info = load()
    if not info.ok:
        raise EngineUnavailable(info.detail)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            import pyttsx3  # type: ignore[import-untyped]

            engine = pyttsx3.init()
    except Exception as exc:  # pyttsx3 raises bare RuntimeError/OSError/ImportError
        raise EngineUnavailable(f"pyttsx3 could not start ({info.describe()}): {exc}") from exc
    configure(engine, voice_id, rate, volume)
    return engine


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
    voices = []
    for v in engine.getProperty("voices"):
        voices.append(
            {
                "id": str(v.id),
                "name": str(v.name),
                "languages": [str(x) for x in (v.languages or [])],
                "gender": v.gender,
            }
        )
    return voices
