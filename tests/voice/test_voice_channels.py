"""Bell and desktop notifications through the caller's terminal writer, mute, off, and the
RecordingVoice that other parts' tests use."""

from __future__ import annotations

from glutecoach.engine.model import Cue, CueKind, Side, Step, StepKind
from glutecoach.store.settings import Settings
from glutecoach.voice import RecordingVoice, make_voice
from glutecoach.voice.channels import notification

WORK = Step(StepKind.WORK, 30, exercise="clamshell", set=1, sets=2, side=Side.LEFT)


def captions(**settings: object) -> tuple[object, list[str]]:
    written: list[str] = []
    v = make_voice("captions", Settings(**settings), write_terminal=written.append)
    return v, written


def test_the_bell_rings_on_countdown_seconds_and_step_changes_only() -> None:
    v, written = captions(bell=True)
    try:
        v.cue(Cue(0, "Clamshells", CueKind.ANNOUNCE))
        v.cue(Cue(0, "3", CueKind.COUNT))
        v.cue(Cue(0, "7", CueKind.REP))
        v.step_changed(WORK, None, "Clamshell")
        assert written == ["\a", "\a"]
        assert v.mode == "captions" and v.state == "captions"
    finally:
        v.close()


def test_no_bell_unless_asked_for() -> None:
    v, written = captions()
    try:
        v.cue(Cue(0, "3", CueKind.COUNT))
        v.step_changed(WORK, None, "Clamshell")
        assert written == []
    finally:
        v.close()


def test_muting_silences_the_bell_too() -> None:
    v, written = captions(bell=True)
    try:
        v.set_muted(True)
        v.cue(Cue(0, "3", CueKind.COUNT))
        assert written == []
        v.set_muted(False)
        v.cue(Cue(0, "2", CueKind.COUNT))
        assert written == ["\a"]
    finally:
        v.close()


def test_step_changes_raise_a_desktop_notification_in_the_users_terminal() -> None:
    v, written = captions(notify=True)
    try:
        v.step_changed(WORK, None, "Clamshell")
        v.step_changed(Step(StepKind.TRANSITION, 10, exercise="bridge"), WORK, "Glute bridge")
    finally:
        v.close()
    assert written == [
        "\x1b]9;glutecoach: Clamshell, set 1 of 2, left side\x1b\\"
        "\x1b]777;notify;glutecoach;Clamshell, set 1 of 2, left side\x1b\\",
        "\x1b]9;glutecoach: Next up: Glute bridge\x1b\\"
        "\x1b]777;notify;glutecoach;Next up: Glute bridge\x1b\\",
    ]


def test_text_from_a_routine_file_cannot_smuggle_terminal_escapes() -> None:
    sent = notification("glute;coach", "Evil\x1b]52;c;ZWNobyBoaQ==\x07 name\x9b2J")
    assert sent.count("\x1b") == 4  # two OSC openers, two terminators: nothing else
    assert "\x07" not in sent and "\x9b" not in sent
    assert sent.startswith("\x1b]9;glute,coach: Evil ]52;c;ZWNobyBoaQ== name 2J")


def test_settings_applied_later_turn_the_bell_on() -> None:
    v, written = captions()
    try:
        v.apply(Settings(bell=True))
        v.cue(Cue(0, "1", CueKind.COUNT))
        assert written == ["\a"]
    finally:
        v.close()


def test_off_says_nothing_and_never_raises() -> None:
    v = make_voice("off", Settings())
    try:
        v.cue(Cue(0, "Go.", CueKind.ANNOUNCE))
        v.flush()
        v.repeat()
        assert v.wait_idle(2)
        assert v.mode == "off" and v.state == "off" and v.notices == []
    finally:
        v.close()


def test_recording_voice_records_every_call_in_order() -> None:
    r = RecordingVoice()
    go = Cue(0, "Go.", CueKind.ANNOUNCE)
    r.step_changed(WORK, None, "Clamshell")
    r.cue(go, due=12.5)
    r.flush()
    r.set_muted(True)
    r.close()
    assert [c[0] for c in r.calls] == ["step_changed", "cue", "flush", "set_muted", "close"]
    assert r.cues == [go] and r.texts == ["Go."] and r.calls[1][2] == 12.5
    assert r.muted and r.closed
