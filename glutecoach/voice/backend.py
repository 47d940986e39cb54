"""The small interface between the voice's driver (``facade.Voice``) and what makes sound.

The driver owns the thread, the cue policy, mute, the bell, notifications and falling back
to captions. A backend only gets cues heard one way: the speech worker (``speech.py``), a
relay on the user's own computer (``relay_backend.py``), or nothing at all (``Silent``:
captions and off). Every backend method runs on the voice thread and returns at once;
events from the backend's own threads come back through ``Host.post``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from glutecoach.engine.model import Cue
from glutecoach.store.settings import Settings


class Host(Protocol):
    """What a backend may ask of the driver (on the voice thread unless said otherwise)."""

    requested: str
    settings: Settings
    engine: dict[str, Any]

    def post(self, backend: Backend, event: Any) -> None:
        """From any thread: hand ``event`` to ``backend.event`` on the voice thread, unless
        the driver has moved on to another backend by then."""

    def fall_back(self, reason: str) -> None:
        """Captions and the bell from here on, with one notice saying why."""

    def notice(self, text: str) -> None: ...

    def ready(self, now: float) -> None:
        """The backend can play now (paced backends)."""

    def started(self, uid: int) -> None:
        """Utterance ``uid`` is audible."""

    def finished(self, uid: int, now: float) -> None:
        """Utterance ``uid`` ended (played out, cut, or failed to play)."""

    def lost(self) -> None:
        """The backend stopped playing for now; whatever it was doing is gone."""

    def prepared(self, seq: int, lengths: Mapping[str, float]) -> None:
        """Every ``prepare`` up to number ``seq`` is rendered; ``lengths`` are the speech
        lengths (seconds, by normalised text) measured since the last call."""

    def voice_changed(self) -> None:
        """Another voice speaks now (e.g. espeak-ng took over): lengths measured so far
        are not this voice's."""


class Backend(Protocol):
    """One way of making cues heard.

    ``paced`` backends play one utterance at a time as the driver's cue policy decides
    (``play``/``cut``); the others get every cue as it comes (``cue``) and pace it on
    their side, or show nothing (the screen draws the captions).
    """

    mode: str
    paced: bool

    def open(self) -> None: ...
    def event(self, event: Any, now: float) -> None: ...
    def cue(self, cue: Cue, late: float) -> None: ...
    def play(self, uid: int, text: str) -> None: ...
    def cut(self) -> None: ...
    def flush(self) -> None: ...
    def prepare(self, texts: list[str], seq: int = 0) -> None:
        """Render ``texts`` ahead; a backend that measures reports ``seq`` back through
        ``Host.prepared`` once they (and every earlier request) are rendered."""

    def configure(self, settings: Settings) -> None: ...
    def close(self) -> None: ...


class Silent:
    """Captions only, or off: nothing to play, nothing that can fail."""

    paced = False

    def __init__(self, mode: str) -> None:
        self.mode = mode

    def open(self) -> None:
        pass

    def event(self, event: Any, now: float) -> None:
        pass

    def cue(self, cue: Cue, late: float) -> None:
        pass

    def play(self, uid: int, text: str) -> None:
        pass

    def cut(self) -> None:
        pass

    def flush(self) -> None:
        pass

    def prepare(self, texts: list[str], seq: int = 0) -> None:
        pass

    def configure(self, settings: Settings) -> None:
        pass

    def close(self) -> None:
        pass
