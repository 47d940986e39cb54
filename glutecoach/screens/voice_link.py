"""Connects the workout screen to the voice: the band's words and closing without waiting.

A voice that cannot start is the voice package's business (``make_voice`` never raises: it
turns into captions with a notice), so nothing here guards against it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from glutecoach.store.settings import Settings
from glutecoach.workout.ports import Speaker, VoiceFactory

STATE_WORDS = {
    "speaking": "voice: speaking",
    "idle": "voice: on",
    "muted": "voice: muted",
    "captions": "captions only",
    "relay": "voice: relay",
    "off": "voice: off",
}


def open_voice(
    mode: str,
    settings: Settings,
    *,
    factory: VoiceFactory | None,
    write_terminal: Callable[[str], None],
    on_state: Callable[[str], None],
    on_notice: Callable[[str], None],
    clock: Callable[[], float],
) -> Speaker:
    if factory is None:
        from glutecoach.voice import make_voice

        factory = make_voice
    return factory(
        mode,
        settings,
        write_terminal=write_terminal,
        on_state=on_state,
        on_notice=on_notice,
        clock=clock,
    )


def close_soon(voice: Speaker) -> None:
    """Close a voice without holding up the screen: ``close()`` may wait up to 2 s for its
    thread. Not a daemon thread, so quitting still waits for the speech worker to stop."""
    threading.Thread(target=voice.close, name="voice-close").start()
