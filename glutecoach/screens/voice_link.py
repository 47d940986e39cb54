"""Connects the workout screen to the voice, and stands in when the voice can't be had.

The voice package may be missing or fail to start (no audio, no engine); the workout must
still run, so anything that goes wrong here becomes captions-only with a notice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from glutecoach.store.settings import Settings

STATE_WORDS = {
    "speaking": "voice: speaking",
    "idle": "voice: on",
    "muted": "voice: muted",
    "captions": "captions only",
    "relay": "voice: relay",
    "off": "voice: off",
}


class CaptionsOnly:
    """A voice that only shows words on screen (the screen draws the captions itself)."""

    mode = "captions"

    def __init__(self, muted: bool = False) -> None:
        self.state = "captions"
        self._muted = muted

    def cue(self, cue: Any, due: float | None = None) -> None:
        pass

    def step_changed(self, step: Any, next_step: Any, exercise_name: str) -> None:
        pass

    def flush(self) -> None:
        pass

    def set_muted(self, muted: bool) -> None:
        self._muted = muted

    def repeat(self) -> None:
        pass

    def apply(self, settings: Settings) -> None:
        pass

    def close(self) -> None:
        pass


def open_voice(
    mode: str,
    settings: Settings,
    *,
    factory: Callable[..., Any] | None,
    write_terminal: Callable[[str], None],
    on_state: Callable[[str], None],
    on_notice: Callable[[str], None],
    clock: Callable[[], float],
) -> Any:
    if factory is None:
        try:
            from glutecoach.voice import make_voice as factory
        except ImportError:
            if mode not in ("captions", "off"):
                on_notice("Speech is not available in this build; showing captions instead.")
            return CaptionsOnly()
    try:
        return factory(
            mode,
            settings,
            write_terminal=write_terminal,
            on_state=on_state,
            on_notice=on_notice,
            clock=clock,
        )
    except Exception as exc:  # the workout goes on in captions rather than not at all
        on_notice(f"The voice could not start ({exc}); showing captions instead.")
        return CaptionsOnly()


def close_soon(voice: Any) -> None:
    """Close a voice without holding up the screen: ``close()`` may wait up to 2 s for its
    thread. Not a daemon thread, so quitting still waits for the speech worker to stop."""
    import threading

    threading.Thread(target=voice.close, name="voice-close").start()
