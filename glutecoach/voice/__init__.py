"""Speaking: one interface, several backends, and the speech worker.

``make_voice`` is what front ends use (a :class:`~glutecoach.workout.ports.VoiceFactory`:
it never raises); ``RecordingVoice`` stands in for it in tests; ``CaptionsOnly`` is what
a voice that cannot start becomes. Importing this package loads neither pyttsx3 nor
espeak: only the worker process and one-shot commands do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from glutecoach.voice.captions import CaptionsOnly
from glutecoach.voice.facade import Voice, make_voice
from glutecoach.voice.recording import RecordingVoice

if TYPE_CHECKING:  # mypy checks every voice against the contract a run talks through
    from glutecoach.store.settings import Settings
    from glutecoach.workout.ports import Speaker, VoiceFactory

    _factory: VoiceFactory = make_voice

    def _every_voice_is_a_speaker(settings: Settings) -> list[Speaker]:
        return [Voice("off", settings), CaptionsOnly(settings), RecordingVoice()]


__all__ = ["CaptionsOnly", "RecordingVoice", "Voice", "make_voice"]
