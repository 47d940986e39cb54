"""The seams a workout run talks through: the voice, the session log and its recorder.

Each is a ``typing.Protocol`` so the real parts (``glutecoach.voice``, ``glutecoach.store``)
and the test fakes are checked by mypy against one contract. Nothing here imports Textual,
pyttsx3 or SQLite.

Rules every implementation keeps:

- Every method returns at once. The voice renders and plays on its own thread and process;
  the recorder hands writes to the history writer's queue. A slow, locked or broken disk or
  speaker never delays the caller (the caller is the clock's thread).
- Nothing raises for a problem the user did not cause in code: failures are reported once
  through the ``on_notice`` callback given at creation, which may run on any thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from glutecoach.engine.model import Cue, Plan, Step
from glutecoach.engine.progress import ExerciseDone

if TYPE_CHECKING:
    from glutecoach.store.settings import Settings

Clock = Callable[[], float]
Notice = Callable[[str], None]
Writer = Callable[[str], object]


@runtime_checkable
class Speaker(Protocol):
    """The voice: real speech, the relay, captions only, or a test's recording voice.

    ``state`` is one of idle, speaking, muted, captions, relay, off (the band shows it);
    ``mode`` is the mode in use after any fallback (speech, relay, captions, off).
    """

    state: str
    mode: str

    def cue(self, cue: Cue, due: float | None = None) -> None:
        """Say ``cue``; ``due`` is the clock reading it was due at (late lines may drop)."""

    def step_changed(self, step: Step, next_step: Step | None, exercise_name: str) -> None:
        """A step began: bell, desktop notification, render its and the next step's lines."""

    def prepare(self, texts: Iterable[str]) -> None:
        """Render these phrases ahead so each plays the moment it is due."""

    @property
    def speech_lengths(self) -> Mapping[str, float]:
        """Seconds of speech of each line rendered so far, keyed by its text (runs of
        whitespace as one space), at the voice and rate in use; empty when the voice measures
        nothing (relay, captions) or has not yet. The run lays its plan out with these."""

    def flush(self) -> None:
        """Silence now: cut what is playing, drop what waits (pause, skip, back, quit)."""

    def set_muted(self, muted: bool) -> None: ...

    def repeat(self) -> None:
        """Say the last non-count cue again."""

    def apply(self, settings: Settings) -> None:
        """Rate, volume, voice id, bell and notify from new settings (not the mode)."""

    def wait_ready(self, timeout: float = 0.0) -> bool:
        """True once the voice can speak the prepared lines at once (0: just look).

        A voice that needs no getting ready (captions, off, a relay) is ready from the start;
        the run waits for this, briefly, before it starts the clock.
        """

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until nothing speaks or waits (only at exit, never on the clock's path)."""

    def close(self, drain: float = 6.0, wait: bool = False) -> None:
        """Stop after at most ``drain`` s of what is queued; returns at once unless ``wait``."""


class VoiceFactory(Protocol):
    """How a run opens its voice: ``glutecoach.voice.make_voice`` or a test's stand-in."""

    def __call__(
        self,
        mode: str,
        settings: Settings,
        *,
        write_terminal: Writer | None = None,
        on_state: Callable[[str], object] | None = None,
        on_notice: Callable[[str], object] | None = None,
        clock: Clock = ...,
    ) -> Speaker: ...


class Recorder(Protocol):
    """One running session's history row. Every call only queues a write."""

    def progress(self, done: ExerciseDone | None, active_seconds: float) -> None:
        """After every step end: the touched exercise's totals (None for a rest, switch,
        lead-in or transition) and the active seconds so far (finished steps' sum)."""

    def finish(self, status: str, active_seconds: float) -> None:
        """The session ended: ``completed`` or ``partial``, and its exact active time."""

    def rate(self, effort: int) -> None:
        """The user's effort rating, 1 easy, 2 about right, 3 hard."""


class SessionLog(Protocol):
    """Where sessions are recorded: the real history, or one that records nothing."""

    @property
    def enabled(self) -> bool: ...

    @property
    def why_disabled(self) -> str: ...

    def begin(self, plan: Plan, routine_name: str, on_notice: Notice | None = None) -> Recorder:
        """Queue the new session's row (with its planned exercises) and return its recorder.

        ``on_notice`` hears, once each, that a write is waiting on a lock held elsewhere, and
        that a write finally failed (the session then may be incomplete in history).
        """
