"""The ear test with the natural voice (Piper, the ``natural`` extra): a short routine through
the real worker and paplay into the private sound server, recorded at the sink and matched
cue by cue, as ``test_ear.py`` does with espeak-ng.

The natural voice is what an empty ``voice_id`` gets where the extra is installed (the suite
keeps espeak-ng the default with ``GLUTECOACH_NATURAL=0``; this test clears it), so this is
the voice a user hears after the README's two commands.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from ear_support import (
    MonitorRecording,
    SoundServer,
    check_heard,
    match,
    phrase_files,
    run_cues,
    run_plain,
    table,
)

from glutecoach.voice import neural
from glutecoach.voice.synth import PhraseCache, Synth
from glutecoach.workout.trace import CUE_LOG_ENV

pytestmark = pytest.mark.voice

EAR = """name = "Ear, natural"
lead_in = 4
transition = 3
switch = 2

[[exercise]]
id = "glute-bridge"
sets = 1
reps = 3
tempo = 2

[[exercise]]
id = "clamshell"
seconds = 4
"""


@pytest.fixture(autouse=True)
def _natural_gate() -> None:
    if not neural.locate("").ok:
        if os.environ.get("GLUTECOACH_REQUIRE_VOICE"):
            pytest.fail(f"GLUTECOACH_REQUIRE_VOICE is set but {neural.locate('').detail}")
        pytest.skip(f"no natural voice here: {neural.locate('').detail}")


def test_a_routine_is_heard_cue_by_cue_in_the_natural_voice(
    sink: SoundServer, tmp_path: Path
) -> None:
    paplay = shutil.which("paplay")
    assert paplay
    home = tmp_path / "home"
    (home / "routines").mkdir(parents=True)
    (home / "routines" / "ear.toml").write_text(EAR, encoding="utf-8")
    log = home / "cues.jsonl"
    env = {
        **os.environ,
        "GLUTECOACH_HOME": str(home),
        CUE_LOG_ENV: str(log),
        **sink.env,
        "GLUTECOACH_PLAYER": f"{paplay} {{file}}",
    }
    env.pop("GLUTECOACH_RELAY", None)
    env.pop(neural.DISABLE_ENV, None)  # the default voice, as on a user's machine

    recording = MonitorRecording(sink)
    assert recording.wait_started(), "the sink's monitor gave no sound at all"
    run = run_plain("ear", env)
    samples, _t0 = recording.stop()
    clock = recording.clock()
    assert run.status == 0, run.stderr
    assert "Traceback" not in run.stderr and "Speaking with" not in run.stderr, run.stderr
    # Timed by the run's own cue log: the plan it lays out with the natural voice's measured
    # lengths is not the model's plan that `glutecoach plan` prints.
    start, cues = run_cues(log, run)
    cache = home / "cache" / "voice"
    files = phrase_files(cache)
    heard = match(samples, clock, cues, files)
    print(
        f"\near, natural voice, laid out with {start['measured']}/{start['lines']} lines "
        f"measured:\n{table(heard, min(c.due for c in cues))}"
    )

    # What played is the natural voice's: each file is where the natural voice's cache key
    # puts that line (espeak-ng's key differs).
    natural = PhraseCache(cache, Synth("piper"))
    assert all(files[t] == natural.path_for(t) for t in {c.text for c in cues}), files
    check_heard(heard)
