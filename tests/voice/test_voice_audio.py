"""Rendered audio read by content (WAV, AIFF, AIFF-C), trimmed to its speech, written as WAV."""

from __future__ import annotations

import array
import math
import struct
import sys
import wave
from pathlib import Path

import pytest

from glutecoach.voice import audio
from glutecoach.voice.synth import PhraseCache, Synth

RATE = 22050


def tone(seconds: float, before: float = 0.0, after: float = 0.0) -> array.array[int]:
    """Silence, a 440 Hz tone, silence: a stand-in for one spoken word."""
    out = array.array("h", bytes(2 * round(before * RATE)))
    n = round(seconds * RATE)
    out.extend(int(12000 * math.sin(2 * math.pi * 440 * i / RATE)) or 1 for i in range(n))
    out.extend(array.array("h", bytes(2 * round(after * RATE))))
    return out


def write_plain_wav(path: Path, samples: array.array[int], channels: int = 1) -> None:
    data = array.array("h", [v for v in samples for _ in range(channels)])
    if sys.byteorder == "big":
        data.byteswap()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(data.tobytes())


def extended(value: float) -> bytes:
    """An 80-bit IEEE extended float, as AIFF stores its sample rate."""
    mantissa, exponent = math.frexp(value)
    return struct.pack(">HQ", exponent + 16382, int(mantissa * (1 << 64)))


def write_aiff(path: Path, samples: array.array[int], kind: bytes | None = None) -> None:
    """AIFF (big-endian PCM), or AIFF-C of ``kind`` (``sowt`` is little-endian), by hand."""
    data = array.array("h", samples)
    little = kind == b"sowt"
    if (sys.byteorder == "little") != little:
        data.byteswap()
    comm = struct.pack(">hIh", 1, len(samples), 16) + extended(RATE)
    if kind is not None:
        comm += kind + b"\x04none"
    ssnd = struct.pack(">II", 0, 0) + data.tobytes()
    body = b"AIFC" if kind is not None else b"AIFF"
    for name, chunk in ((b"COMM", comm), (b"SSND", ssnd)):
        body += name + struct.pack(">I", len(chunk)) + chunk + (b"\0" if len(chunk) % 2 else b"")
    path.write_bytes(b"FORM" + struct.pack(">I", len(body)) + body)


@pytest.mark.parametrize("kind", [None, b"NONE", b"sowt"], ids=["aiff", "aifc", "aifc-sowt"])
def test_aiff_under_a_wav_name_reads_the_same_samples_as_the_wav(
    tmp_path: Path, kind: bytes | None
) -> None:
    samples = tone(0.3, before=0.05, after=0.3)
    write_plain_wav(tmp_path / "real.wav", samples)
    write_aiff(tmp_path / "apple.wav", samples, kind)  # what macOS's driver does
    wav, aiff = audio.read_audio(tmp_path / "real.wav"), audio.read_audio(tmp_path / "apple.wav")
    assert (aiff.rate, aiff.samples) == (wav.rate, wav.samples) == (RATE, samples)


def test_stereo_is_read_as_mono(tmp_path: Path) -> None:
    samples = tone(0.2)
    write_plain_wav(tmp_path / "stereo.wav", samples, channels=2)
    assert audio.read_audio(tmp_path / "stereo.wav").samples == samples


def test_trim_keeps_the_speech_and_a_fixed_pad_at_each_end(tmp_path: Path) -> None:
    for before in (0.0, 0.012, 0.05):  # "1", "3" and "2" as espeak-ng renders them
        sound = audio.Audio(tone(0.3, before=before, after=0.314), RATE)
        trimmed = audio.trim(sound)
        lead = round(audio.LEAD * RATE)
        assert trimmed.samples[:lead] == array.array("h", bytes(2 * lead))
        assert trimmed.samples[lead] != 0  # every phrase's speech starts at the same offset
        assert trimmed.lead == pytest.approx(audio.LEAD, abs=1 / RATE)
        assert trimmed.seconds == pytest.approx(0.3 + audio.LEAD + audio.TAIL, abs=2 / RATE)
        assert audio.speech_seconds(trimmed) == pytest.approx(0.3, abs=2 / RATE)


def test_silence_is_no_speech() -> None:
    with pytest.raises(audio.AudioError):
        audio.trim(audio.Audio(array.array("h", bytes(2 * RATE)), RATE))


def test_write_wav_writes_a_real_wav_whatever_was_read(tmp_path: Path) -> None:
    write_aiff(tmp_path / "in.wav", tone(0.25, before=0.1, after=0.3))
    audio.write_wav(tmp_path / "out.wav", audio.trim(audio.read_audio(tmp_path / "in.wav")))
    with wave.open(str(tmp_path / "out.wav"), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, RATE)
        assert w.getnframes() / RATE == pytest.approx(0.25 + audio.LEAD + audio.TAIL, abs=0.001)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.wav", "out.wav"]  # no temp left


def test_what_is_not_audio_says_so(tmp_path: Path) -> None:
    (tmp_path / "notes.wav").write_text("not a sound at all\n" * 20, encoding="utf-8")
    with pytest.raises(audio.AudioError, match=r"notes\.wav"):
        audio.read_audio(tmp_path / "notes.wav")
    (tmp_path / "half.wav").write_bytes(b"FORM\0\0\0\x20AIFFCOMM\0\0\0\x02\0\1")
    with pytest.raises(audio.AudioError, match="COMM or SSND"):
        audio.read_audio(tmp_path / "half.wav")


@pytest.mark.voice
def test_the_cache_keeps_each_phrase_trimmed_with_its_speech_length(tmp_path: Path) -> None:
    cache = PhraseCache(tmp_path / "cache", Synth())
    first = cache.get("Next up: clamshells.")
    assert not first.cached
    sound = audio.read_audio(first.path)
    lead = round(audio.LEAD * sound.rate)
    assert audio.speech_bounds(sound)[0] == lead
    assert first.duration == pytest.approx(first.speech + audio.LEAD + audio.TAIL, abs=0.002)
    assert 1.0 < first.speech < 2.5
    assert first.path.with_suffix(".txt").read_text(encoding="utf-8") == "Next up: clamshells."
    again = cache.get("Next up: clamshells.")
    assert again.cached
    assert again.speech == pytest.approx(first.speech, abs=1e-3)
