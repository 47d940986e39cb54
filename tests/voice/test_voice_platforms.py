"""Voices per platform, simulated on Linux: the native voice is a stand-in pyttsx3 driver
that writes real AIFF bytes whatever the file is called (as a Mac's NSSpeechSynthesizer
does), or one that fails; the bundled espeak-ng is the fallback, and the choice when asked."""

from __future__ import annotations

import array
import os
import subprocess
import sys
import time
import wave
from pathlib import Path

import pytest

from glutecoach.platform import LINUX, MACOS, WINDOWS
from glutecoach.voice import engine

pytestmark = pytest.mark.voice

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DRIVER = FIXTURES / "aiff_driver.py"
AIFF = FIXTURES / "glute-bridges.aiff"
AIFF_SECONDS = 2.310  # the whole file, its trailing silence included
AIFF_SPEECH = (0.024, 1.425)  # where its speech starts and ends (|sample| above -40 dBFS)


def glutecoach(*args: str, mode: str = "aiff", **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "glutecoach", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={
            **os.environ,
            engine.DRIVER_ENV: str(DRIVER),
            "GLUTECOACH_STAND_IN_DRIVER": mode,
            **env,
        },
    )


def wav_seconds(path: Path) -> tuple[float, bytes]:
    with wave.open(str(path), "rb") as w:  # a real WAV, or this raises
        assert w.getsampwidth() == 2
        return w.getnframes() / w.getframerate(), w.readframes(w.getnframes())


def test_the_fixture_is_real_aiff_speech() -> None:
    data = AIFF.read_bytes()
    assert data[:4] == b"FORM" and data[8:12] == b"AIFF"
    assert len(data) < 120_000


def test_say_to_a_wav_with_the_engine_writing_aiff_writes_a_valid_wav_of_the_right_length(
    tmp_path: Path,
) -> None:
    target = tmp_path / "x.wav"
    done = glutecoach("say", "Glute bridges", "--to", str(target))
    assert done.returncode == 0, done.stderr
    assert "espeak" not in done.stderr  # the native voice spoke: no fallback
    seconds, frames = wav_seconds(target)
    start, end = AIFF_SPEECH
    # Trimmed to its speech (a small pad kept) or whole: the fixture's length, not a
    # fresh espeak render's (about 1.07 s at the default rate).
    assert end - start - 0.05 <= seconds <= AIFF_SECONDS + 0.05
    samples = array.array("h", frames)
    assert max(abs(s) for s in samples) > 3000  # speech, not silence


def test_a_native_voice_that_renders_nothing_hands_over_to_espeak_and_says_so(
    tmp_path: Path,
) -> None:
    target = tmp_path / "x.wav"
    done = glutecoach("say", "Glute bridges", "--to", str(target), mode="silent")
    assert done.returncode == 0, done.stderr
    assert "using the bundled espeak-ng" in done.stderr and "no audio" in done.stderr
    assert "libespeak-ng" in done.stdout
    seconds, _ = wav_seconds(target)
    assert 0.5 < seconds < 2


def test_a_native_voice_that_cannot_start_hands_over_to_espeak(tmp_path: Path) -> None:
    target = tmp_path / "x.wav"
    done = glutecoach("say", "Rest", "--to", str(target), mode="no-start")
    assert done.returncode == 0, done.stderr
    assert "using the bundled espeak-ng" in done.stderr and "AppKit" in done.stderr
    assert wav_seconds(target)[0] > 0.2


def test_espeak_is_used_when_asked_for_by_voice_id(tmp_path: Path) -> None:
    target = tmp_path / "x.wav"
    done = glutecoach("say", "Rest", "--to", str(target), "--voice", "espeak:gmw/en-us")
    assert done.returncode == 0, done.stderr
    assert "libespeak-ng" in done.stdout and done.stderr == ""
    assert wav_seconds(target)[0] > 0.2


def test_doctor_tells_the_truth_when_the_engine_writes_aiff() -> None:
    done = glutecoach("doctor")
    assert "Speech engine: works:" in done.stdout, done.stdout
    assert "reinstall" not in done.stdout.lower()
    assert f"Voices here:   {engine.DRIVER_ENV}=" in done.stdout
    assert "espeak-ng:" in done.stdout


def test_doctor_says_why_the_system_voice_is_not_used() -> None:
    done = glutecoach("doctor", mode="silent")
    assert "System voice:  not used:" in done.stdout and "no audio" in done.stdout
    assert 'voice_id = "espeak"' in done.stdout
    assert "reinstall" not in done.stdout.lower()


def test_voices_lists_the_native_voices_then_espeaks_with_their_prefix() -> None:
    done = glutecoach("voices", "--lang", "en")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("# the pyttsx3 driver")
    assert lines[1].startswith("* com.apple.voice.compact.en-US.Samantha")
    heading = next(i for i, line in enumerate(lines) if line.startswith("# libespeak-ng"))
    assert heading > 1 and any(" espeak:gmw/en-us " in line for line in lines[heading:])
    assert sum(line.startswith("*") for line in lines) == 1


def test_relay_speaks_with_the_engine_writing_aiff(tmp_path: Path, stand_in) -> None:
    from glutecoach.engine.model import CueKind
    from glutecoach.voice.relay import RelayClient

    proc = subprocess.Popen(
        [sys.executable, "-m", "glutecoach", "relay", "--port", "0", "--token", "T"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, engine.DRIVER_ENV: str(DRIVER)},
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        port = first.split("127.0.0.1:", 1)[1].split(",", 1)[0]
        client = RelayClient(f"127.0.0.1:{port}", "T")
        client.connect()
        cue = {"op": "cue", "text": "Glute bridges", "kind": str(CueKind.ANNOUNCE)}
        # A cue waits for the relay's speech worker to start, and is dropped when that takes
        # longer than the cue stays useful (4 s): on a loaded machine, say it again.
        for _attempt in range(4):
            assert client.send(cue)
            deadline = time.monotonic() + 6
            while not stand_in.started() and time.monotonic() < deadline:
                time.sleep(0.05)
            if stand_in.started():
                break
        assert stand_in.started()[:1] == ["Glute bridges"], proc.stderr
        client.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.parametrize(
    ("on", "driver", "needs"), [(MACOS, "nsss", "AppKit"), (WINDOWS, "sapi5", "comtypes")]
)
def test_the_native_voice_is_chosen_on_macos_and_windows(
    on: str, driver: str, needs: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "native_importable", lambda module: module == needs)
    native = engine.locate("", on=on)
    assert native.ok and native.source == "platform" and native.driver == driver
    asked = engine.locate("espeak", on=on)
    assert asked.driver == engine.ESPEAK and not asked.note
    monkeypatch.setattr(engine, "native_importable", lambda module: False)
    missing = engine.locate("", on=on)
    assert missing.driver == engine.ESPEAK and needs in missing.note


def test_linux_speaks_with_espeak() -> None:
    info = engine.locate("", on=LINUX)
    assert info.ok and info.driver == engine.ESPEAK and info.source in ("system", "bundled")


def test_espeak_voice_ids() -> None:
    assert engine.wants_espeak("espeak") and engine.wants_espeak("eSpeak:gmw/en-us")
    assert not engine.wants_espeak("com.apple.voice.compact.en-US.Samantha")
    assert engine.espeak_voice("espeak:gmw/en-us") == "gmw/en-us"
    assert engine.espeak_voice("espeak") == ""
    assert engine.espeak_voice("gmw/en") == "gmw/en"


@pytest.mark.parametrize(
    ("mode", "speaks", "low", "high"),
    [
        ("aiff", "aiff_driver.py", AIFF_SPEECH[1] - AIFF_SPEECH[0] - 0.05, AIFF_SPEECH[1]),
        ("silent", "espeak", 0.15, 0.5),  # the native voice renders nothing: espeak-ng
    ],
)
def test_measured_lengths_are_those_of_the_voice_that_speaks(
    stand_in: object,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    mode: str,
    speaks: str,
    low: float,
    high: float,
) -> None:
    from glutecoach.store.settings import Settings
    from glutecoach.voice import make_voice

    monkeypatch.setenv(engine.DRIVER_ENV, str(DRIVER))
    monkeypatch.setenv("GLUTECOACH_STAND_IN_DRIVER", mode)
    voice = make_voice("speech", Settings(), cache_dir=tmp_path / "c")
    try:
        voice.prepare(["3"])
        assert voice.wait_ready(30)
        assert voice.mode == "speech"
        assert speaks in str(voice.engine.get("engine")), voice.engine
        # The stand-in says every line as its 1.4 s AIFF; espeak-ng's "3" is short.
        assert low < voice.speech_lengths["3"] < high, voice.speech_lengths
    finally:
        voice.close(drain=0, wait=True)
