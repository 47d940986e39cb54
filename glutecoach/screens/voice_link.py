"""The words the workout band shows for each voice state.

Opening a voice is the app's ``voice_factory`` (``make_voice`` never raises: a voice that
cannot start turns into captions with a notice), so nothing here guards against it.
"""

from __future__ import annotations

STATE_WORDS = {
    "speaking": "voice: speaking",
    "idle": "voice: on",
    "muted": "voice: muted",
    "captions": "captions only",
    "relay": "voice: relay",
    "off": "voice: off",
}
