"""Speaking: one interface, several backends, and the speech worker.

``make_voice`` is what front ends use; ``RecordingVoice`` stands in for it in tests.
Importing this package loads neither pyttsx3 nor espeak: only the worker process and
one-shot commands do.
"""

from glutecoach.voice.facade import Voice, make_voice
from glutecoach.voice.recording import RecordingVoice

__all__ = ["RecordingVoice", "Voice", "make_voice"]
