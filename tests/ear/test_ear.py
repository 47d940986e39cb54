"""The ear test: a short routine through the real worker and a real player into a real sound
server, recorded at the sink and matched cue by cue against what the run said was due.

Each run prints its per-cue table (``-s`` shows it): heard or not, and how late its speech
started after the cue was due.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from ear_support import (
    MATCH,
    Heard,
    MonitorRecording,
    SoundServer,
    check_heard,
    countdown_spacings,
    cut_audio,
    match,
    phrase_files,
    run_cues,
    run_plain,
    score_near,
    table,
)

from glutecoach.workout.trace import CUE_LOG_ENV

pytestmark = pytest.mark.voice

# Rep work with a rest between two sets, a one-sided move with its switch, a transition.
EAR = """name = "Ear"
lead_in = 4
transition = 3
switch = 2

[[exercise]]
id = "glute-bridge"
sets = 2
reps = 3
tempo = 2
rest = 6

[[exercise]]
id = "clamshell"
seconds = 5
"""

# The short one for the second player: a one-sided move only.
SIDES = """name = "Sides"
lead_in = 3
switch = 2

[[exercise]]
id = "clamshell"
seconds = 2
"""

CUT_WITHIN = 0.1  # a skip silences what plays within this (a frame plus the player's stop)


def _home(tmp_path: Path, routine_id: str, text: str) -> Path:
    home = tmp_path / "home"
    (home / "routines").mkdir(parents=True)
    (home / "routines" / f"{routine_id}.toml").write_text(text, encoding="utf-8")
    return home


def _hear(
    sink: SoundServer,
    home: Path,
    routine_id: str,
    env_extra: dict[str, str],
    skip_in: str | None = None,
) -> tuple[list[Heard], object, object]:
    log = home / "cues.jsonl"
    env = {
        **os.environ,
        "GLUTECOACH_HOME": str(home),
        CUE_LOG_ENV: str(log),
        **sink.env,
        **env_extra,
    }
    env.pop("GLUTECOACH_RELAY", None)
    recording = MonitorRecording(sink)
    assert recording.wait_started(), "the sink's monitor gave no sound at all"
    run = run_plain(routine_id, env, skip_in=skip_in, skip_after=1.0)
    samples, _t0 = recording.stop()
    clock = recording.clock()
    assert run.status == 0, run.stderr
    assert "Traceback" not in run.stderr, run.stderr
    # Every cue the run printed is one it handed to the voice, in the same order.
    start, cues = run_cues(log, run)
    files = phrase_files(home / "cache" / "voice")
    heard = match(samples, clock, cues, files)
    first = min(c.due for c in cues)
    print(
        f"\n{routine_id} ({env_extra or 'default player'}), laid out with "
        f"{start['measured']}/{start['lines']} lines measured:\n{table(heard, first)}"
    )
    return heard, run, (samples, clock, files, start["plan"])


def test_a_routine_is_heard_cue_by_cue_through_paplay(sink: SoundServer, tmp_path: Path) -> None:
    paplay = shutil.which("paplay")
    assert paplay
    home = _home(tmp_path, "ear", EAR)
    heard, run, (samples, clock, files, _plan) = _hear(
        sink, home, "ear", {"GLUTECOACH_PLAYER": f"{paplay} {{file}}"}, skip_in="Rest"
    )
    check_heard(heard)
    # The skip, typed while the rest's "Next: ..." line plays: that line is cut at once, and
    # the next step's first line follows.
    skipped = run.skipped_at  # type: ignore[attr-defined]
    assert skipped is not None
    playing = [h for h in heard if h.onset is not None and h.onset < skipped]
    cut = playing[-1]
    assert cut.cue.kind == "next", cut.cue
    assert cut.onset is not None
    rest_of_line = cut_audio(files[cut.cue.text], skipped + CUT_WITHIN - cut.onset)
    still = score_near(samples, clock(skipped), rest_of_line, skipped + CUT_WITHIN)
    print(f"skip: {cut.cue.text!r} after {CUT_WITHIN * 1000:.0f} ms matches {still:.2f}")
    assert still < MATCH, f"{cut.cue.text!r} went on playing after the skip"
    assert playing[-1].cue.step < next(h for h in heard if h.cue.due > skipped).cue.step
    # Every rep is counted to the end, and the last is said as such.
    last = [h for h in heard if h.cue.kind == "rep" and h.cue.text.endswith("last one.")]
    assert len(last) == 2 and all(h.heard for h in last), last
    assert not any(h.cue.kind == "count" and h.cue.step in (1, 3) for h in heard)
    spacings = countdown_spacings(heard)
    print("3-2-1 spacing:", [round(s, 3) for s in spacings])
    assert all(0.85 < s < 1.15 for s in spacings), spacings


def test_a_one_sided_move_is_heard_through_miniaudio(sink: SoundServer, tmp_path: Path) -> None:
    # No command-line player on PATH: the worker plays through miniaudio (PulseAudio backend).
    empty = tmp_path / "bin"
    empty.mkdir()
    home = _home(tmp_path, "sides", SIDES)
    heard, _run, _ = _hear(sink, home, "sides", {"PATH": str(empty), "GLUTECOACH_PLAYER": ""})
    check_heard(heard)
    assert any(h.cue.text == "Switch sides." and h.heard for h in heard)


def test_a_one_sided_move_is_heard_through_pw_play(pw_sink: SoundServer, tmp_path: Path) -> None:
    # The same sink and recording, on a PipeWire server; pw-play plays into it natively.
    pw_play = shutil.which("pw-play", path=pw_sink.env.get("PATH"))
    assert pw_play
    home = _home(tmp_path, "sides", SIDES)
    heard, _run, _ = _hear(pw_sink, home, "sides", {"GLUTECOACH_PLAYER": f"{pw_play} {{file}}"})
    check_heard(heard)
    assert any(h.cue.text == "Switch sides." and h.heard for h in heard)
