"""Every voice is a Speaker, and make_voice never raises: a voice that cannot start is
captions and the bell, with one notice saying why."""

from __future__ import annotations

import pytest

from glutecoach.engine.model import Cue, CueKind, Step, StepKind
from glutecoach.store.settings import Settings
from glutecoach.voice import CaptionsOnly, RecordingVoice, Voice, make_voice
from glutecoach.workout.ports import Speaker

WORK = Step(StepKind.WORK, 30, exercise="clamshell", set=1, sets=2)


@pytest.mark.parametrize("mode", ["captions", "off"])
def test_make_voice_returns_a_speaker(mode: str) -> None:
    v = make_voice(mode, Settings())
    try:
        assert isinstance(v, Speaker) and isinstance(v, Voice)
        assert v.mode == mode and v.state == mode
    finally:
        v.close()


def test_the_test_voices_are_speakers_too() -> None:
    assert isinstance(RecordingVoice(), Speaker)
    assert isinstance(CaptionsOnly(), Speaker)


def test_a_voice_that_cannot_be_built_becomes_captions_with_a_notice() -> None:
    notices: list[str] = []
    written: list[str] = []
    v = make_voice("shout", Settings(), on_notice=notices.append, write_terminal=written.append)
    assert isinstance(v, CaptionsOnly)
    assert v.mode == "captions" and v.state == "captions"
    assert len(notices) == 1 and "could not start" in notices[0] and "'shout'" in notices[0]
    assert "captions" in notices[0]
    # Stands in for speech, so it always rings the bell (unless muted).
    v.cue(Cue(0, "3", CueKind.COUNT))
    v.cue(Cue(0, "Go.", CueKind.ANNOUNCE))
    v.step_changed(WORK, None, "Clamshell")
    assert written == ["\a", "\a"]
    v.set_muted(True)
    v.cue(Cue(0, "2", CueKind.COUNT))
    assert written == ["\a", "\a"]
    assert v.wait_idle(0.1)
    v.close()


def test_a_notice_callback_that_raises_does_not_make_make_voice_raise() -> None:
    def broken(_text: str) -> None:
        raise RuntimeError("screen gone")

    v = make_voice("whisper", Settings(), on_notice=broken)
    assert isinstance(v, CaptionsOnly)


def test_captions_only_sends_desktop_notifications_when_asked() -> None:
    written: list[str] = []
    v = CaptionsOnly(Settings(notify=True), write_terminal=written.append)
    v.step_changed(WORK, None, "Clamshell")
    assert written[0] == "\a" and "Clamshell, set 1 of 2" in written[1]
