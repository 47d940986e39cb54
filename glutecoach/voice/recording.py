"""A voice that only remembers what it was asked: for other parts' unit tests."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from glutecoach.engine.model import Cue, Step
from glutecoach.store.settings import Settings


class RecordingVoice:
    """A :class:`~glutecoach.workout.ports.Speaker` that only records: ``calls`` lists every
    call in order as ``(method, *args)``, and ``cues`` just the cues."""

    def __init__(self, mode: str = "captions", settings: Settings | None = None) -> None:
        self.mode: str = mode
        self.state: str = mode if mode in ("captions", "off") else "idle"
        self.settings = settings or Settings()
        self.muted = self.settings.muted
        self.speech_lengths: dict[str, float] = {}  # a test may fill in "measured" lengths
        self.calls: list[tuple[Any, ...]] = []
        self.cues: list[Cue] = []
        self.closed = False

    def cue(self, cue: Cue, due: float | None = None) -> None:
        self.calls.append(("cue", cue, due))
        self.cues.append(cue)

    def step_changed(self, step: Step, next_step: Step | None, exercise_name: str) -> None:
        self.calls.append(("step_changed", step, next_step, exercise_name))

    def flush(self) -> None:
        self.calls.append(("flush",))

    def set_muted(self, muted: bool) -> None:
        self.muted = muted
        self.calls.append(("set_muted", muted))

    def repeat(self) -> None:
        self.calls.append(("repeat",))

    def apply(self, settings: Settings) -> None:
        self.settings = settings
        self.calls.append(("apply", settings))

    def prepare(self, texts: Iterable[str]) -> None:
        self.calls.append(("prepare", list(texts)))

    def wait_ready(self, timeout: float = 0.0) -> bool:
        return True

    def wait_idle(self, timeout: float = 10.0) -> bool:
        self.calls.append(("wait_idle", timeout))
        return True

    def close(self, drain: float = 6.0, wait: bool = False) -> None:
        self.closed = True
        self.calls.append(("close",))

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cues]
