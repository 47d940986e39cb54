"""Real synthesis: pyttsx3 over libespeak-ng renders cue phrases to real WAV files."""

from __future__ import annotations

import subprocess
import sys
import wave
from pathlib import Path

import pytest

from glutecoach.voice import engine
from glutecoach.voice.synth import PhraseCache, Synth, wav_duration

pytestmark = pytest.mark.voice

PHRASES = {
    "number": "3",
    "name": "Glute bridges",
    "sentence": "Squeeze your glutes at the top and hold for a moment before you lower down.",
}


@pytest.fixture(scope="module")
def synth() -> Synth:
    return Synth(rate=170)


def test_cue_phrases_render_to_valid_wavs_whose_length_grows_with_the_text(
    synth: Synth, tmp_path: Path
) -> None:
    durations = {}
    for label, text in PHRASES.items():
        path = tmp_path / f"{label}.wav"
        durations[label] = synth.render(text, path)
        with wave.open(str(path), "rb") as w:
            assert w.getnchannels() == 1
            assert w.getsampwidth() == 2
            assert w.getframerate() > 8000
            frames = w.readframes(w.getnframes())
        assert any(frames[i] for i in range(0, len(frames), 97)), f"{label} is silent"
        assert wav_duration(path) == pytest.approx(durations[label])
    assert durations["number"] < 1.0
    assert durations["number"] < durations["name"] < durations["sentence"]
    assert durations["sentence"] > 2.5


def test_rendering_never_yields_an_empty_wav_even_when_repeated(
    synth: Synth, tmp_path: Path
) -> None:
    """pyttsx3 2.99 alone leaves ~5 % of these renders empty; Synth renders those again."""
    durations = set()
    for n in range(120):
        if n % 10 == 0:
            synth.configure("", (170, 250)[n // 10 % 2], 1.0)
        durations.add(round(synth.render("3", tmp_path / "three.wav"), 2))
    synth.configure("", 170, 1.0)
    # Trimmed to the speech: "3" is about 0.2 s at 250 words a minute, never nothing.
    assert min(durations) > 0.15


def test_each_rate_change_takes_effect_on_the_next_render(synth: Synth, tmp_path: Path) -> None:
    text = PHRASES["sentence"]
    out = tmp_path / "x.wav"
    normal = synth.render(text, out)
    try:
        synth.configure("", 120, 1.0)
        slow = [synth.render(text, out), synth.render(text, out)]
        synth.configure("", 250, 1.0)
        fast = synth.render(text, out)
    finally:
        synth.configure("", 170, 1.0)
    assert min(slow) > normal * 1.2
    assert fast < normal * 0.8
    assert synth.render(text, out) == pytest.approx(normal, rel=0.02)


def test_the_cache_renders_a_phrase_once_and_keys_on_voice_settings(
    synth: Synth, tmp_path: Path
) -> None:
    cache = PhraseCache(tmp_path / "cache", synth)
    first = cache.get("Switch sides")
    again = cache.get("Switch   sides ")
    assert not first.cached and again.cached and again.path == first.path
    assert first.path.with_suffix(".txt").read_text() == "Switch sides"
    synth.configure("", 140, 1.0)
    try:
        assert cache.path_for("Switch sides") != first.path
    finally:
        synth.configure("", 170, 1.0)


def test_an_unknown_voice_id_falls_back_to_the_default_voice(synth: Synth, tmp_path: Path) -> None:
    synth.configure("no-such-voice-xyz", 170, 1.0)
    try:
        assert synth.voice_known is False
        assert synth.render("Go", tmp_path / "go.wav") > 0
    finally:
        synth.configure("", 170, 1.0)


def test_the_engine_is_found_and_says_where_it_comes_from() -> None:
    info = engine.locate()
    assert info.ok
    assert info.source in ("system", "bundled", "platform", "env")
    assert info.describe()


def test_a_missing_engine_library_is_reported_not_crashed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(engine.LIB_ENV, "/nonexistent/libespeak-ng.so.1")
    info = engine.locate()
    assert not info.ok and engine.LIB_ENV in info.detail


def test_importing_the_voice_package_loads_no_speech_engine() -> None:
    code = (
        "import sys, glutecoach.voice, glutecoach.voice.relay;"
        "bad = [m for m in ('pyttsx3', 'espeakng_loader', 'miniaudio', 'textual') "
        "if m in sys.modules]; print(bad); raise SystemExit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
