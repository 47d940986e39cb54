"""The voice of last resort: captions on screen, the bell and notifications in the terminal.

``make_voice`` returns this when the real voice cannot even be built, so a workout always
has a :class:`~glutecoach.workout.ports.Speaker`. The screen draws the captions itself;
this only rings the bell (always on here: it stands in for speech) and raises desktop
notifications when asked to.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from glutecoach.engine.describe import step_text
from glutecoach.engine.model import Cue, CueKind, Step
from glutecoach.store.settings import Settings
from glutecoach.voice.channels import BEL, notification
from glutecoach.workout.ports import Writer


class CaptionsOnly:
    """A :class:`~glutecoach.workout.ports.Speaker` that never speaks and never fails."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        write_terminal: Writer | None = None,
        reason: str = "",
    ) -> None:
        self.settings = settings or Settings()
        self.mode = "captions"
        self.state = "captions"
        self.muted = self.settings.muted
        self.notify = self.settings.notify
        self.fallback_reason = reason
        self.speech_lengths: dict[str, float] = {}  # nothing is rendered, so nothing measured
        self._write = write_terminal

    def cue(self, cue: Cue, due: float | None = None) -> None:
        if cue.kind == CueKind.COUNT and not self.muted:
            self._terminal(BEL)

    def step_changed(self, step: Step, next_step: Step | None, exercise_name: str) -> None:
        if not self.muted:
            self._terminal(BEL)
        if self.notify:
            self._terminal(notification("glutecoach", step_text(step, exercise_name)))

    def prepare(self, texts: Iterable[str]) -> None:
        pass

    def flush(self) -> None:
        pass

    def set_muted(self, muted: bool) -> None:
        self.muted = bool(muted)

    def repeat(self) -> None:
        pass

    def apply(self, settings: Settings) -> None:
        self.settings = settings
        self.notify = settings.notify
        self.muted = settings.muted

    def wait_ready(self, timeout: float = 0.0) -> bool:
        return True  # nothing to get ready: captions show the moment a cue is due

    def wait_idle(self, timeout: float = 10.0) -> bool:
        return True

    def close(self, drain: float = 6.0, wait: bool = False) -> None:
        pass

    def _terminal(self, text: str) -> None:
        if self._write is not None:
            with contextlib.suppress(Exception):
                self._write(text)
