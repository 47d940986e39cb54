"""The speech worker behind make_voice, with the stand-in player: order, cutting, staleness,
a worker that dies, an engine that is missing, and no noise on the terminal."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from voice_helpers import PlayerLog, wait_until

from glutecoach.engine.model import Cue, CueKind
from glutecoach.store.settings import Settings
from glutecoach.voice import Voice, make_voice
from glutecoach.voice.player import detect_output

pytestmark = pytest.mark.voice

LONG = "Lie on your back, knees bent, feet flat, and press your lower back into the floor."


@pytest.fixture
def voice(stand_in: PlayerLog, tmp_path: Path):
    notices: list[str] = []
    v = make_voice("speech", Settings(), on_notice=notices.append, cache_dir=tmp_path / "c")
    v.test_notices = notices  # type: ignore[attr-defined]
    wait_until(lambda: bool(v.engine), what="worker ready")
    yield v
    v.close()


def test_cues_are_played_in_order_through_the_player(voice: Voice, stand_in: PlayerLog) -> None:
    voice.cue(Cue(0, "Glute bridges", CueKind.ANNOUNCE))
    voice.cue(Cue(0, "Next up: clamshells", CueKind.NEXT))
    voice.cue(Cue(0, "Rest", CueKind.ANNOUNCE))
    assert voice.wait_idle(15)
    assert stand_in.started() == ["Glute bridges", "Rest", "Next up: clamshells"]
    ends = [e for e in stand_in.events() if e["event"] == "end"]
    assert len(ends) == 3  # each played to the end, none overlapping
    starts = [e["t"] for e in stand_in.events() if e["event"] == "start"]
    assert all(s >= e["t"] - 0.001 for s, e in zip(starts[1:], ends, strict=False))


def test_flush_cuts_playback_within_50_ms(voice: Voice, stand_in: PlayerLog) -> None:
    voice.cue(Cue(0, LONG, CueKind.SETUP))
    stand_in.wait_for(lambda ev: any(e["event"] == "start" for e in ev))
    time.sleep(0.2)
    flushed_at = time.monotonic()
    voice.flush()
    events = stand_in.wait_for(lambda ev: any(e["event"] == "stopped" for e in ev), timeout=3)
    stopped = next(e for e in events if e["event"] == "stopped")
    assert stopped["t"] - flushed_at < 0.05
    assert not any(e["event"] == "end" for e in events)


def test_a_countdown_cuts_a_long_setup_cue(voice: Voice, stand_in: PlayerLog) -> None:
    voice.cue(Cue(0, LONG, CueKind.SETUP))
    stand_in.wait_for(lambda ev: any(e["event"] == "start" for e in ev))
    voice.cue(Cue(0, "3", CueKind.COUNT))
    events = stand_in.wait_for(lambda ev: [e["text"] for e in ev if e["event"] == "end"] == ["3"])
    assert [e["event"] for e in events if e["text"] == LONG] == ["start", "stopped"]


def test_stale_cues_are_dropped_not_spoken(voice: Voice, stand_in: PlayerLog) -> None:
    voice.cue(Cue(0, "4", CueKind.COUNT), due=time.monotonic() - 5)
    voice.cue(Cue(0, "Go", CueKind.ANNOUNCE))
    assert voice.wait_idle(10)
    assert stand_in.started() == ["Go"]
    assert ("4", "late") in voice.dropped


def test_a_killed_worker_is_restarted_once_then_captions_take_over(
    voice: Voice, stand_in: PlayerLog
) -> None:
    first = voice.engine["pid"]
    os.kill(first, signal.SIGKILL)
    wait_until(lambda: voice.engine.get("pid") not in (None, first), what="restarted worker")
    voice.cue(Cue(0, "Switch sides", CueKind.ANNOUNCE))
    assert voice.wait_idle(10)
    assert stand_in.started() == ["Switch sides"]
    assert voice.mode == "speech"

    os.kill(voice.engine["pid"], signal.SIGKILL)
    wait_until(lambda: bool(voice.test_notices), what="fallback to captions")
    assert voice.state == "captions" and voice.bell
    assert len(voice.test_notices) == 1 and "stopped twice" in voice.test_notices[0]
    voice.cue(Cue(0, "Rest", CueKind.ANNOUNCE))  # still accepted, never raises
    assert voice.wait_idle(5)


def test_a_missing_engine_falls_back_to_captions_and_bell(
    stand_in: PlayerLog, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GLUTECOACH_ESPEAK_LIB", str(tmp_path / "nothing.so"))
    rang: list[str] = []
    notices: list[str] = []
    v = make_voice("auto", Settings(), write_terminal=rang.append, on_notice=notices.append)
    try:
        wait_until(lambda: bool(notices), what="fallback notice")
        v.cue(Cue(0, "3", CueKind.COUNT))
        assert rang == ["\a"]
        assert len(notices) == 1 and "GLUTECOACH_ESPEAK_LIB" in notices[0]
    finally:
        v.close()
    assert stand_in.started() == []


def test_an_engine_that_fails_inside_the_worker_falls_back(
    stand_in: PlayerLog, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    broken = tmp_path / "libespeak-ng.so.1"
    broken.write_text("not a library")
    monkeypatch.setenv("GLUTECOACH_ESPEAK_LIB", str(broken))
    notices: list[str] = []
    v = make_voice("speech", Settings(), on_notice=notices.append, cache_dir=tmp_path / "c")
    try:
        wait_until(lambda: bool(notices), what="fallback notice")
        assert v.mode == "captions"
        assert "cannot load" in notices[0]
    finally:
        v.close()


def test_auto_speaks_only_where_audio_output_really_exists(tmp_path: Path) -> None:
    notices: list[str] = []
    v = make_voice("auto", Settings(), on_notice=notices.append, cache_dir=tmp_path / "c")
    try:
        output = detect_output()
        if output.found:
            wait_until(lambda: bool(v.engine), what="worker ready")
            assert v.mode == "speech" and notices == []
        else:
            wait_until(lambda: bool(notices), what="fallback notice")
            assert v.mode == "captions" and v.bell
            assert notices == [
                f"Speech is off: no sound output here ({output.how}). "
                "Showing captions and ringing the bell instead. `glutecoach doctor` explains."
            ]
    finally:
        v.close()


def test_muting_cuts_speech_and_unmuting_resumes(voice: Voice, stand_in: PlayerLog) -> None:
    voice.cue(Cue(0, LONG, CueKind.SETUP))
    stand_in.wait_for(lambda ev: any(e["event"] == "start" for e in ev))
    voice.set_muted(True)
    stand_in.wait_for(lambda ev: any(e["event"] == "stopped" for e in ev), timeout=3)
    voice.cue(Cue(0, "Rest", CueKind.ANNOUNCE))
    assert voice.wait_idle(5) and voice.state == "muted"
    voice.set_muted(False)
    voice.cue(Cue(0, "Go", CueKind.ANNOUNCE))
    assert voice.wait_idle(10)
    assert stand_in.started() == [LONG, "Go"]
    voice.repeat()
    assert voice.wait_idle(10)
    assert stand_in.started()[-1] == "Go"


def test_speaking_makes_no_noise_on_the_terminal(tmp_path: Path) -> None:
    """Without the stand-in, the real player path runs (ALSA errors here, with no sound
    card): none of it may reach the app's stdout or stderr."""
    script = textwrap.dedent(
        """
        import time
        from glutecoach.engine.model import Cue, CueKind
        from glutecoach.store.settings import Settings
        from glutecoach.voice import make_voice
        v = make_voice("speech", Settings())
        for text in ("Glute bridges", "3", "2", "1"):
            v.cue(Cue(0, text, CueKind.COUNT))
            time.sleep(0.3)
        v.wait_idle(5)
        v.close()
        """
    )
    env = {**os.environ, "GLUTECOACH_HOME": str(tmp_path)}
    env.pop("GLUTECOACH_PLAYER", None)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert done.stderr == ""


def test_new_settings_change_the_rate_of_what_is_said_next(
    voice: Voice, stand_in: PlayerLog
) -> None:
    voice.cue(Cue(0, "Keep your knees over your toes", CueKind.SETUP))
    assert voice.wait_idle(10)
    voice.apply(Settings(rate=110))
    voice.cue(Cue(0, "Keep your knees over your toes", CueKind.SETUP))
    assert voice.wait_idle(15)
    events = stand_in.events()
    durations = [e["duration"] for e in events if e["event"] == "start"]
    assert len(durations) == 2, (events, voice.dropped)
    assert durations[1] > durations[0] * 1.3, events


def test_step_changes_render_the_coming_lines_ahead(voice: Voice, stand_in: PlayerLog) -> None:
    from glutecoach.engine.model import Step, StepKind

    line = "Press through your heels and lift your hips slowly"
    step = Step(StepKind.WORK, 30, cues=(Cue(5, line, CueKind.FORM),), exercise="glute-bridge")
    voice.step_changed(step, None, "Glute bridge")
    cache = Path(voice._cache_dir)  # type: ignore[arg-type]
    wait_until(lambda: any(p.read_text() == line for p in cache.glob("*.txt")), what="pre-rendered")


def test_close_returns_at_once_and_lets_the_last_line_finish(
    stand_in: PlayerLog, tmp_path: Path
) -> None:
    v = make_voice("speech", Settings(), cache_dir=tmp_path / "c")
    wait_until(lambda: bool(v.engine), what="worker ready")
    v.cue(Cue(0, "All done: desk reset, seven minutes. Nice work.", CueKind.SUMMARY))
    stand_in.wait_for(lambda ev: any(e["event"] == "start" for e in ev))
    started = time.monotonic()
    v.close()
    assert time.monotonic() - started < 0.01
    events = stand_in.wait_for(lambda ev: any(e["event"] in ("end", "stopped") for e in ev))
    assert events[-1]["event"] == "end"
    wait_until(lambda: not v._thread.is_alive(), what="voice thread ends")


def test_flush_then_close_goes_silent_at_once(stand_in: PlayerLog, tmp_path: Path) -> None:
    v = make_voice("speech", Settings(), cache_dir=tmp_path / "c")
    wait_until(lambda: bool(v.engine), what="worker ready")
    v.cue(Cue(0, LONG, CueKind.SETUP))
    stand_in.wait_for(lambda ev: any(e["event"] == "start" for e in ev))
    v.flush()
    v.close(wait=True)
    assert [e["event"] for e in stand_in.events()] == ["start", "stopped"]
    assert not v._thread.is_alive()


FAILING_PLAYER = f"{sys.executable} -c 'import sys; sys.exit(3)' {{file}}"


def test_a_player_that_fails_is_reported_and_captions_take_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GLUTECOACH_PLAYER", FAILING_PLAYER)
    notices: list[str] = []
    v = make_voice("speech", Settings(), on_notice=notices.append, cache_dir=tmp_path / "c")
    try:
        wait_until(lambda: bool(v.engine), what="worker ready")
        for text in ("Glute bridges", "Rest", "Switch sides"):
            v.cue(Cue(0, text, CueKind.ANNOUNCE))
        wait_until(lambda: v.state == "captions", timeout=15, what="captions after failures")
    finally:
        v.close()
    assert v.mode == "captions" and v.bell
    assert len(notices) == 1
    assert "sound could not be played" in notices[0] and "exited with status 3" in notices[0]


def test_say_reports_a_player_that_fails(tmp_path: Path) -> None:
    env = {**os.environ, "GLUTECOACH_PLAYER": FAILING_PLAYER, "GLUTECOACH_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "glutecoach", "say", "Rest"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 1
    assert "could not play sound" in done.stderr and "exited with status 3" in done.stderr


def test_wait_ready_outlives_a_worker_that_dies_before_it_has_prepared(
    voice: Voice, stand_in: PlayerLog
) -> None:
    texts = [f"Set {n} of twelve, slowly now." for n in range(1, 13)]  # none cached yet
    voice.prepare(texts)
    os.kill(voice.engine["pid"], signal.SIGKILL)  # long before twelve renders are done
    assert voice.wait_ready(30)  # the restarted worker is asked for them again
    assert voice.mode == "speech"
    assert [t for t in texts if t not in voice.speech_lengths] == []
