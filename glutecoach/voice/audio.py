"""Rendered speech as samples: read by content, trimmed to the speech, written as a real WAV.

Engines write what they like whatever the file is called (pyttsx3's macOS driver writes AIFF
into ``x.wav``), and every espeak-ng render ends in about 0.3 s of silence. So every render
goes through here: :func:`read_audio` decodes WAV or AIFF/AIFF-C by its first bytes (anything
else miniaudio can decode as a fallback), :func:`trim` cuts the silence at both ends to a
small fixed pad, and :func:`write_wav` writes 16-bit PCM WAV. The speech's own length is what
the plan and the worker time lines with; every phrase starts its speech ``LEAD`` seconds in,
so "3", "2" and "1" start alike.

Entry points: ``read_audio(path) -> Audio``, ``decode(data, name) -> Audio``,
``trim(audio) -> Audio``, ``write_wav(path, audio)``, ``speech_seconds(audio)``.
"""

from __future__ import annotations

import array
import contextlib
import io
import math
import os
import struct
import sys
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

LEAD = 0.005  # seconds of silence kept before the speech
TAIL = 0.03  # ... and after it (a player's start-up is about as long: the line ends on time)
QUIET_FLOOR = 32  # |sample| at or below this is silence, whatever the level ...
QUIET_CEILING = 328  # ... and above this (-40 dBFS) always sound
FALLBACK_RATE = 22050


class AudioError(ValueError):
    """The bytes are not audio we can read (or hold no samples at all)."""


@dataclass(frozen=True, slots=True)
class Audio:
    """Mono 16-bit samples at ``rate``; ``lead`` s of the start are silence before speech."""

    samples: array.array[int]
    rate: int
    lead: float = 0.0

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate if self.rate else 0.0


def read_audio(path: Path | str) -> Audio:
    """Decode the file by what it holds, not what it is called."""
    data = Path(path).read_bytes()
    return decode(data, str(path))


def decode(data: bytes, name: str = "audio") -> Audio:
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return _decode_wav(data, name)
    if len(data) >= 12 and data[:4] == b"FORM" and data[8:12] in (b"AIFF", b"AIFC"):
        return _decode_aiff(data, name)
    return _decode_other(data, name)


def _mono16(
    raw: bytes, width: int, channels: int, big_endian: bool, signed: bool
) -> array.array[int]:
    """Interleaved PCM of any common width -> mono signed 16-bit (channels averaged)."""
    if width not in (1, 2, 3, 4):
        raise AudioError(f"{width * 8}-bit samples are not supported")
    frames = len(raw) // (width * channels)
    raw = raw[: frames * width * channels]
    if width == 2:
        values = array.array("h", raw)
        if big_endian != (sys.byteorder == "big"):
            values.byteswap()
    elif width == 1:
        values = array.array("h", ((b - 128 if not signed else (b ^ 0x80) - 128) << 8 for b in raw))
    else:
        order: Literal["big", "little"] = "big" if big_endian else "little"
        values = array.array(
            "h",
            (
                int.from_bytes(raw[i : i + width], order, signed=True) >> (8 * (width - 2))
                for i in range(0, len(raw), width)
            ),
        )
    if channels == 1:
        return values
    mono = array.array("h", bytes(2 * frames))
    for frame in range(frames):
        base = frame * channels
        mono[frame] = sum(values[base : base + channels]) // channels
    return mono


def _decode_wav(data: bytes, name: str) -> Audio:
    try:
        with wave.open(io.BytesIO(data), "rb") as w:
            raw = w.readframes(w.getnframes())
            width, channels, rate = w.getsampwidth(), w.getnchannels(), w.getframerate()
    except (wave.Error, EOFError, struct.error) as exc:
        if "unknown format" in str(exc):  # float or extensible WAV: let miniaudio read it
            return _decode_other(data, name)
        raise AudioError(f"{name}: not a readable WAV ({exc})") from exc
    return Audio(_mono16(raw, width, channels, big_endian=False, signed=width > 1), rate)


def _extended(raw: bytes) -> float:
    """An IEEE 754 80-bit extended float (AIFF's sample rate)."""
    exponent = int.from_bytes(raw[:2], "big")
    mantissa = int.from_bytes(raw[2:10], "big")
    sign = -1 if exponent & 0x8000 else 1
    exponent &= 0x7FFF
    if exponent == 0 and mantissa == 0:
        return 0.0
    return sign * math.ldexp(mantissa, exponent - 16383 - 63)


def _decode_aiff(data: bytes, name: str) -> Audio:
    """AIFF and AIFF-C holding PCM (big-endian ``NONE``/``twos``, little-endian ``sowt``)."""
    compressed = data[8:12] == b"AIFC"
    pos, comm, sound = 12, None, None
    while pos + 8 <= len(data):
        chunk, size = data[pos : pos + 4], int.from_bytes(data[pos + 4 : pos + 8], "big")
        body = data[pos + 8 : pos + 8 + size]
        if chunk == b"COMM":
            comm = body
        elif chunk == b"SSND" and len(body) >= 8:
            offset = int.from_bytes(body[:4], "big")
            sound = body[8 + offset :]
        pos += 8 + size + (size & 1)
    if comm is None or sound is None or len(comm) < 18:
        raise AudioError(f"{name}: an AIFF file without its COMM or SSND chunk")
    channels, _frames, bits = struct.unpack(">hIh", comm[:8])
    rate = round(_extended(comm[8:18]))
    kind = comm[18:22] if compressed and len(comm) >= 22 else b"NONE"
    if kind not in (b"NONE", b"twos", b"sowt") or channels < 1 or rate <= 0:
        raise AudioError(f"{name}: AIFF-C {kind.decode('latin-1')!r} audio is not supported")
    width = (bits + 7) // 8
    samples = _mono16(sound, width, channels, big_endian=kind != b"sowt", signed=True)
    return Audio(samples, rate)


def _decode_other(data: bytes, name: str) -> Audio:
    """Anything else miniaudio decodes (float WAV, FLAC, MP3, Vorbis), resampled to
    FALLBACK_RATE: pyminiaudio reads no native rate from memory, and speech needs no more."""
    try:
        import miniaudio  # type: ignore[import-untyped]
    except ImportError as exc:
        raise AudioError(f"{name}: not WAV or AIFF, and miniaudio is not installed") from exc
    try:
        sound = miniaudio.decode(
            data,
            output_format=miniaudio.SampleFormat.SIGNED16,
            nchannels=1,
            sample_rate=FALLBACK_RATE,
        )
    except Exception as exc:  # miniaudio raises its own DecodeError and others
        raise AudioError(f"{name}: not audio we can read ({exc})") from exc
    return Audio(array.array("h", sound.samples.tobytes()), FALLBACK_RATE)


def _quiet_level(samples: array.array[int]) -> int:
    loudest = max((abs(v) for v in samples), default=0)
    return max(QUIET_FLOOR, min(QUIET_CEILING, loudest // 200))


def speech_bounds(audio: Audio) -> tuple[int, int]:
    """First and one-past-last sample of speech; (0, 0) when it is all silence."""
    level = _quiet_level(audio.samples)
    samples = audio.samples
    start = next((i for i, v in enumerate(samples) if abs(v) > level), None)
    if start is None:
        return 0, 0
    end = next(i for i in range(len(samples) - 1, -1, -1) if abs(samples[i]) > level) + 1
    return start, end


def trim(audio: Audio, lead: float = LEAD, tail: float = TAIL) -> Audio:
    """The speech with exactly ``lead`` s of silence before it and ``tail`` s after."""
    start, end = speech_bounds(audio)
    if end <= start:
        raise AudioError("the audio holds no speech")
    before = round(lead * audio.rate)
    after = round(tail * audio.rate)
    speech = audio.samples[start:end]
    out = array.array("h", bytes(2 * before))
    out.extend(speech)
    out.extend(array.array("h", bytes(2 * after)))
    return Audio(out, audio.rate, before / audio.rate)


def speech_seconds(audio: Audio) -> float:
    """How long the speech itself lasts, silence at either end left out."""
    start, end = speech_bounds(audio)
    return (end - start) / audio.rate if audio.rate else 0.0


def write_wav(path: Path | str, audio: Audio) -> None:
    """Write a mono 16-bit PCM WAV atomically (a reader never sees half a file)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    samples = audio.samples
    if sys.byteorder == "big":
        samples = array.array("h", samples)
        samples.byteswap()
    fd, tmp = tempfile.mkstemp(suffix=".wav", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as raw, wave.open(raw, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(audio.rate)
            w.writeframes(samples.tobytes())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
