"""Hearing glutecoach the way a person does: through a real sound server, recorded at the sink.

A private PulseAudio server (its own socket in a temporary folder, so nothing on the machine is
touched) runs one null sink at the bundled voice's rate. A silent stream keeps the sink running
in real time, so sample ``n`` of its monitor is heard at ``t0 + n / rate`` on the monotonic
clock. ``glutecoach run ROUTINE --plain --voice speech`` plays into it through the real worker
and player. Each printed cue is then looked for in the recording by cross-correlating it with
the WAV the worker played (the phrase cache keeps each beside a ``.txt`` of its text).

Used by the ear test (tests/ear/) and the benchmark (tests/bench/ear_bench.py).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

Clock = Callable[[float], float]  # a moment -> when sample 0 of the recording was heard
RATE = 22050  # the bundled espeak-ng renders at this rate: no resampling on the way
MATCH = 0.75  # normalised correlation at or above which a phrase counts as heard
TEMPLATE = 0.35  # seconds of a phrase's speech looked for
SEARCH_BEFORE = 0.05  # a cue is looked for from this long before it was due ...
SEARCH_AFTER = 2.5  # ... to this long after
SILENT = 300  # |sample| below this (about -40 dBFS) is silence


# ----------------------------------------------------------------------------- sound server


@dataclass
class SoundServer:
    """A private PulseAudio server with one null sink; ``env`` points clients at it."""

    folder: Path
    socket: Path
    sink: str = "glutecoach_ear"
    proc: subprocess.Popen[bytes] | None = None
    keeper: subprocess.Popen[bytes] | None = None
    extra_env: dict[str, str] = field(default_factory=dict)  # PipeWire's: its runtime folder

    @property
    def env(self) -> dict[str, str]:
        return {"PULSE_SERVER": f"unix:{self.socket}", "PULSE_SINK": self.sink, **self.extra_env}

    @property
    def monitor(self) -> str:
        return f"{self.sink}.monitor"

    def pactl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["pactl", *args],
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )

    def stop(self) -> None:
        for proc in (self.keeper, self.proc):
            if proc is not None and proc.poll() is None:
                # Each was started in a session of its own: its group is it and its children
                # (PipeWire's three daemons under dbus-run-session).
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=3)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()


def why_no_sound_server() -> str:
    """Empty when a private server can be started here; else what is missing."""
    missing = [c for c in ("pulseaudio", "pactl", "parec", "pacat") if not shutil.which(c)]
    if missing:
        return (
            f"no sound server to record ({', '.join(missing)} not found; Debian: "
            "apt-get install pulseaudio pulseaudio-utils)"
        )
    return ""


def start_sound_server(folder: Path) -> SoundServer:
    """Start PulseAudio in ``folder`` (works as root too: it only warns) and wait for it."""
    folder.mkdir(parents=True, exist_ok=True)
    server = SoundServer(folder, folder / "native")
    script = folder / "ear.pa"
    script.write_text(
        f"load-module module-native-protocol-unix socket={server.socket} auth-anonymous=1\n"
        f"load-module module-null-sink sink_name={server.sink} rate={RATE} channels=1 "
        "sink_properties=device.description=glutecoach-ear\n"
        f"set-default-sink {server.sink}\n",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "HOME": str(folder),
        "XDG_RUNTIME_DIR": str(folder),
        "XDG_CONFIG_HOME": str(folder / "config"),
        "PULSE_RUNTIME_PATH": str(folder / "runtime"),
        "PULSE_STATE_PATH": str(folder / "state"),
    }
    log = open(folder / "pulseaudio.log", "wb")  # noqa: SIM115
    with log:
        server.proc = subprocess.Popen(
            [
                "pulseaudio",
                "-n",  # no default script: only what ours loads
                "-F",
                str(script),
                "--daemonize=no",
                "--exit-idle-time=-1",
                "--use-pid-file=no",
                "--system=false",
                "--disallow-exit",
                "--log-target=stderr",
            ],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            env=env,
            start_new_session=True,
        )
    if not _settles_within(server, 10, 0.05):
        server.stop()
        raise RuntimeError("PulseAudio did not answer within 10 s")
    if server.proc.poll() is not None:
        text = (folder / "pulseaudio.log").read_text(errors="replace")[-2000:]
        raise RuntimeError(f"PulseAudio exited at once:\n{text}")
    _keep_running(server)
    return server


def _settles_within(server: SoundServer, seconds: float, step: float) -> bool:
    """Wait until the server answers on its socket or its process exits (the caller tells
    which); False if neither happened within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            return True
        if server.socket.exists() and server.pactl("info").returncode == 0:
            return True
        time.sleep(step)
    return False


def _keep_running(server: SoundServer) -> None:
    """A null sink with nothing playing stops its clock; silence keeps it running in real time."""
    server.keeper = subprocess.Popen(
        [
            "pacat",
            "--playback",
            "--raw",
            "--format=s16le",
            f"--rate={RATE}",
            "--channels=1",
            "--latency-msec=20",
            "--client-name=ear-keeper",
            "/dev/zero",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **server.env},
        start_new_session=True,
    )


# PipeWire from Debian's packages (pipewire, pipewire-pulse, wireplumber, pipewire-bin for
# pw-play, dbus for WirePlumber's session bus). EAR_PIPEWIRE_ROOT may name a folder those
# packages were unpacked into (`dpkg -x`) instead: nothing is installed on the machine then,
# and no pw-play appears on its PATH for every other program to pick.
PIPEWIRE_COMMANDS = ("pipewire", "wireplumber", "pipewire-pulse", "pw-play", "dbus-run-session")
PIPEWIRE_ROOT_ENV = "EAR_PIPEWIRE_ROOT"


def _pipewire_env() -> dict[str, str]:
    root = os.environ.get(PIPEWIRE_ROOT_ENV, "").strip()
    if not root:
        return {}
    usr = Path(root) / "usr"
    lib = usr / "lib" / "x86_64-linux-gnu"
    return {
        "PATH": os.pathsep.join([str(usr / "bin"), os.environ.get("PATH", "")]),
        "LD_LIBRARY_PATH": str(lib),
        "SPA_PLUGIN_DIR": str(lib / "spa-0.2"),
        "PIPEWIRE_MODULE_DIR": str(lib / "pipewire-0.3"),
        "PIPEWIRE_CONFIG_DIR": str(usr / "share" / "pipewire"),
        "WIREPLUMBER_MODULE_DIR": str(lib / "wireplumber-0.4"),
        "WIREPLUMBER_CONFIG_DIR": str(usr / "share" / "wireplumber"),
        "WIREPLUMBER_DATA_DIR": str(usr / "share" / "wireplumber"),
    }


def why_no_pipewire() -> str:
    """Empty when a private PipeWire server (with its PulseAudio side) can be started here."""
    path = _pipewire_env().get("PATH", os.environ.get("PATH"))
    missing = [
        c for c in (*PIPEWIRE_COMMANDS, "pactl", "parec", "pacat") if not shutil.which(c, path=path)
    ]
    if missing:
        return (
            f"no PipeWire to play pw-play into ({', '.join(missing)} not found; Debian: "
            "apt-get install pipewire pipewire-pulse wireplumber pipewire-bin dbus "
            f"pulseaudio-utils, or unpack them and set {PIPEWIRE_ROOT_ENV})"
        )
    return ""


def start_pipewire_server(folder: Path) -> SoundServer:
    """PipeWire, WirePlumber and pipewire-pulse on a private session bus, with runtime files in
    ``folder``; the same null sink as the PulseAudio server's, made through its PulseAudio side."""
    folder.mkdir(parents=True, exist_ok=True)
    runtime = folder / "runtime"
    runtime.mkdir(mode=0o700)
    extra = {
        **_pipewire_env(),
        "XDG_RUNTIME_DIR": str(runtime),
        "PIPEWIRE_RUNTIME_DIR": str(runtime),
    }
    server = SoundServer(folder, runtime / "pulse" / "native", extra_env=extra)
    script = "pipewire & sleep 0.5; wireplumber & sleep 0.5; pipewire-pulse & wait"
    env = {**os.environ, **extra, "HOME": str(folder), "XDG_CONFIG_HOME": str(folder / "config")}
    log = open(folder / "pipewire.log", "wb")  # noqa: SIM115
    with log:
        server.proc = subprocess.Popen(
            ["dbus-run-session", "--", "sh", "-c", script],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            env=env,
            start_new_session=True,
        )
    _settles_within(server, 15, 0.1)
    if server.proc.poll() is not None or server.pactl("info").returncode != 0:
        server.stop()
        text = (folder / "pipewire.log").read_text(errors="replace")[-2000:]
        raise RuntimeError(f"PipeWire did not answer within 15 s:\n{text}")
    made = server.pactl(
        "load-module", "module-null-sink", f"sink_name={server.sink}", f"rate={RATE}", "channels=1"
    )
    if made.returncode != 0:
        server.stop()
        raise RuntimeError(f"PipeWire made no null sink: {made.stderr}")
    server.pactl("set-default-sink", server.sink)
    _keep_running(server)
    return server


@contextlib.contextmanager
def pipewire_server() -> Iterator[SoundServer]:
    with tempfile.TemporaryDirectory(prefix="glutecoach-ear-pw-") as tmp:
        server = start_pipewire_server(Path(tmp))
        try:
            yield server
        finally:
            server.stop()


@contextlib.contextmanager
def sound_server() -> Iterator[SoundServer]:
    with tempfile.TemporaryDirectory(prefix="glutecoach-ear-") as tmp:
        server = start_sound_server(Path(tmp))
        try:
            yield server
        finally:
            server.stop()


# ----------------------------------------------------------------------------- recording


class MonitorRecording:
    """``parec`` on the sink's monitor; every chunk's arrival pins the recording to the clock."""

    def __init__(self, server: SoundServer) -> None:
        self.proc = subprocess.Popen(
            [
                "parec",
                "-d",
                server.monitor,
                "--raw",
                "--format=s16le",
                f"--rate={RATE}",
                "--channels=1",
                "--latency-msec=10",
                "--client-name=ear-recorder",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, **server.env},
            start_new_session=True,
        )
        self._data = bytearray()
        self._t0 = float("inf")
        self._chunks: list[tuple[float, float]] = []  # (arrival, bound on sample 0's time)
        self._thread = threading.Thread(target=self._read, name="ear-parec", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while True:
            chunk = os.read(fd, 8192)
            now = time.monotonic()
            if not chunk:
                return
            self._data += chunk
            # The last sample of this chunk was heard no later than now: the earliest such
            # bound over the chunks around a moment is the best estimate there of when sample
            # 0 was heard (locally, so a dropped stretch of a long recording shifts nothing).
            bound = now - (len(self._data) // 2) / RATE
            self._t0 = min(self._t0, bound)
            self._chunks.append((now, bound))

    def wait_started(self, timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self._data) >= RATE // 5:
                return True
            time.sleep(0.02)
        return False

    def clock(self, window: float = 10.0) -> Clock:
        """Sample 0's time as seen from around each moment (see ``_read``)."""
        arrivals = np.array([a for a, _ in self._chunks])
        bounds = np.array([b for _, b in self._chunks])

        def t0_at(when: float) -> float:
            if not arrivals.size:
                return self._t0
            near = (arrivals >= when - 1.0) & (arrivals <= when + window)
            return float(bounds[near].min()) if near.any() else self._t0

        return t0_at

    def stop(self) -> tuple[np.ndarray, float]:
        """The samples heard (float, -1..1) and the monotonic time of the first one."""
        self.proc.terminate()
        try:
            self.proc.wait(timeout=3)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._thread.join(timeout=3)
        n = len(self._data) // 2
        samples = np.frombuffer(bytes(self._data[: n * 2]), dtype="<i2").astype(np.float64)
        return samples / 32768.0, self._t0


# ----------------------------------------------------------------------------- phrases


def read_pcm(path: Path) -> np.ndarray:
    """A rendered phrase as float samples at RATE, decoded by content (WAV or AIFF)."""
    import miniaudio  # type: ignore[import-untyped]

    sound = miniaudio.decode_file(
        str(path), output_format=miniaudio.SampleFormat.SIGNED16, nchannels=1, sample_rate=RATE
    )
    return np.frombuffer(sound.samples.tobytes(), dtype="<i2").astype(np.float64) / 32768.0


def speech_onset(samples: np.ndarray) -> int:
    """Index of the first sample of speech (5 ms windows above SILENT)."""
    loud = np.flatnonzero(np.abs(samples) >= SILENT / 32768.0)
    return int(loud[0]) if loud.size else 0


def speech_end(samples: np.ndarray) -> int:
    loud = np.flatnonzero(np.abs(samples) >= SILENT / 32768.0)
    return int(loud[-1]) + 1 if loud.size else 0


def phrase_files(cache: Path) -> dict[str, Path]:
    """Text -> the audio file the worker played for it (the newest, if the voice changed)."""
    found: dict[str, Path] = {}
    for txt in sorted(cache.glob("*.txt"), key=lambda p: p.stat().st_mtime):
        wav = txt.with_suffix(".wav")
        if wav.is_file():
            found[txt.read_text(encoding="utf-8").strip()] = wav
    return found


# ----------------------------------------------------------------------------- matching


@dataclass
class Cue:
    text: str
    kind: str
    due: float  # monotonic time it was due
    step: int  # index of the plan step it belongs to (-1: the closing line)


@dataclass
class Heard:
    cue: Cue
    onset: float | None  # monotonic time its speech was heard to start
    score: float
    lead_silence: float  # seconds of silence before speech in the file played

    @property
    def heard(self) -> bool:
        return self.onset is not None

    @property
    def late(self) -> float | None:
        return None if self.onset is None else self.onset - self.cue.due


def _ncc(signal: np.ndarray, template: np.ndarray) -> np.ndarray:
    """Normalised cross-correlation of ``template`` at every offset inside ``signal``."""
    n, m = len(signal), len(template)
    if n < m or m == 0:
        return np.zeros(0)
    size = 1 << (n + m - 1).bit_length()
    spectrum = np.fft.rfft(signal, size) * np.conj(np.fft.rfft(template, size))
    corr = np.fft.irfft(spectrum, size)[: n - m + 1]
    sums = np.concatenate(([0.0], np.cumsum(signal * signal)))
    energy = sums[m:] - sums[:-m]
    denom = np.sqrt(np.maximum(energy, 1e-12) * float(np.dot(template, template)))
    out: np.ndarray = corr / denom
    out[energy < 1e-9] = 0.0
    return out


def match(
    recording: np.ndarray,
    t0: float | Clock,
    cues: Sequence[Cue],
    files: Mapping[str, Path],
) -> list[Heard]:
    """Find each cue's speech in the recording, in order; a stretch is claimed only once."""
    heard: list[Heard] = []
    claimed: list[tuple[int, int]] = []
    cache: dict[str, np.ndarray] = {}
    ordered = sorted(cues, key=lambda c: c.due)
    for number, cue in enumerate(ordered):
        base = t0(cue.due) if callable(t0) else t0
        path = files.get(cue.text)
        if path is None:
            heard.append(Heard(cue, None, 0.0, 0.0))
            continue
        if cue.text not in cache:
            cache[cue.text] = read_pcm(path)
        pcm = cache[cue.text]
        onset = speech_onset(pcm)
        # A line cut by the next (a skip, a count) is heard only until that one is due.
        seconds = TEMPLATE
        if number + 1 < len(ordered):
            seconds = min(TEMPLATE, max(0.08, ordered[number + 1].due - cue.due - 0.03))
        template = pcm[onset : onset + int(seconds * RATE)]
        start = max(0, int((cue.due - SEARCH_BEFORE - base) * RATE))
        stop = min(len(recording), int((cue.due + SEARCH_AFTER - base) * RATE) + len(template))
        scores = _ncc(recording[start:stop], template)
        best: tuple[float, int] | None = None
        for index in np.flatnonzero(scores >= MATCH):
            at = start + int(index)
            if any(a - RATE // 20 <= at < b for a, b in claimed):
                continue
            # the first stretch above the threshold: take its peak
            window = scores[index : index + RATE // 50]
            peak = int(index) + int(np.argmax(window))
            best = (float(scores[peak]), start + peak)
            break
        if best is None:
            top = float(scores.max()) if scores.size else 0.0
            heard.append(Heard(cue, None, top, onset / RATE))
            continue
        score, at = best
        claimed.append((at, at + len(template)))
        heard.append(Heard(cue, base + at / RATE, score, onset / RATE))
    return heard


def cut_audio(path: Path, offset: float, seconds: float = 0.25) -> np.ndarray:
    """``seconds`` of a phrase, from ``offset`` s after its speech starts."""
    pcm = read_pcm(path)
    start = speech_onset(pcm) + int(offset * RATE)
    return pcm[start : start + int(seconds * RATE)]


def score_near(
    recording: np.ndarray, t0: float, template: np.ndarray, at: float, slack: float = 0.1
) -> float:
    """How well ``template`` matches the recording within ``slack`` s of ``at`` (0..1)."""
    if template.size < RATE // 50:
        return 0.0  # the line had ended anyway
    a = max(0, int((at - slack - t0) * RATE))
    b = int((at + slack - t0) * RATE) + len(template)
    scores = _ncc(recording[a:b], template)
    return float(scores.max()) if scores.size else 0.0


# ----------------------------------------------------------------------------- running


CUE_LINE = re.compile(r"^\s*(\d+):(\d\d)  (\S.*)$")


@dataclass
class Run:
    """One `run --plain --voice speech` and what it printed, each line with its arrival."""

    lines: list[tuple[float, str]] = field(default_factory=list)
    stderr: str = ""
    status: int | None = None
    skipped_at: float | None = None  # when "n" was typed
    spawned: float = 0.0


def plan_json(
    routine_id: str, env: Mapping[str, str], cwd: Path | None = None
) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "glutecoach", "plan", routine_id, "--json"],
        env=dict(env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    data: dict[str, object] = json.loads(done.stdout)
    return data


def run_plain(
    routine_id: str,
    env: Mapping[str, str],
    *,
    skip_in: str | None = None,
    skip_after: float = 1.0,
    timeout: float = 120,
    extra_args: Sequence[str] = (),
    cwd: Path | None = None,
) -> Run:
    """Run the routine with a keyboard (a pty) on stdin; type "n" ``skip_after`` s into the
    first step whose header line starts with ``skip_in``."""
    master, slave = os.openpty()
    run = Run(spawned=time.monotonic())
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "glutecoach",
            "run",
            routine_id,
            "--plain",
            "--voice",
            "speech",
            *extra_args,
        ],
        env=dict(env),
        cwd=cwd,  # `python -m` imports from here first
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.close(slave)
    skip_timer: threading.Timer | None = None

    def skip() -> None:
        run.skipped_at = time.monotonic()
        with contextlib.suppress(OSError):
            os.write(master, b"n")

    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            now = time.monotonic()
            run.lines.append((now, line.rstrip("\n")))
            if skip_in and skip_timer is None and line.startswith(f"-- {skip_in}"):
                skip_timer = threading.Timer(skip_after, skip)
                skip_timer.start()
        run.status = proc.wait(timeout=timeout)
    finally:
        if skip_timer is not None:
            skip_timer.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    assert proc.stderr is not None
    run.stderr = proc.stderr.read()
    return run


def printed_cues(run: Run) -> list[str]:
    """The cue lines line mode printed, in order."""
    return [found[3] for _at, line in run.lines if (found := CUE_LINE.match(line))]


def logged_cues(path: Path) -> tuple[dict[str, object], list[Cue]] | None:
    """What the run's cue log (``GLUTECOACH_CUE_LOG``) says: the plan as the run laid it out
    (with the voice's measured lengths) and every cue handed to the voice with the monotonic
    time it was due. None when there is no log (code from before the log, a run that failed)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    records = [json.loads(line) for line in lines if line.strip()]
    starts = [r for r in records if r["ev"] == "start"]
    if not starts:
        return None
    cues = [
        Cue(r["text"], r["kind"], float(r["due"]), int(r["step"]))
        for r in records
        if r["ev"] == "cue"
    ]
    steps = starts[-1]["plan"]["steps"]
    for cue in cues:
        if cue.step >= len(steps):
            cue.step = -1  # the closing line
    return starts[-1], cues


def run_cues(path: Path, run: Run) -> tuple[dict[str, object], list[Cue]]:
    """A line-mode run's cue log (``logged_cues``), which must be there, and must hold every
    cue the run printed, in the same order."""
    logged = logged_cues(path)
    assert logged is not None, "the run wrote no cue log"
    start, cues = logged
    assert [c.text for c in cues] == printed_cues(run)
    return start, cues


def due_cues(plan: Mapping[str, object], run: Run) -> list[Cue]:
    """The cues the run printed, each with the monotonic time it was due.

    The printed lines are matched in order against the plan's cues (a skip leaves some out).
    Within a stretch without a skip the session clock and the plan differ by a constant: the
    smallest (arrival - plan time) in that stretch, the line that reached us quickest.
    """
    planned: list[tuple[float, str, str, int]] = []
    steps = plan["steps"]
    assert isinstance(steps, list)
    start = 0.0
    for index, step in enumerate(steps):
        for cue in step["cues"]:
            planned.append((start + float(cue["at"]), cue["text"], cue["kind"], index))
        start += float(step["seconds"])
    closing = plan.get("closing")
    if isinstance(closing, dict):
        planned.append((start, closing["text"], closing["kind"], -1))

    printed: list[tuple[float, int]] = []  # (arrival, index into planned)
    cursor = 0
    for arrived, line in run.lines:
        found = CUE_LINE.match(line)
        if not found:
            continue
        text = found[3]
        for k in range(cursor, len(planned)):
            if planned[k][1] == text:
                printed.append((arrived, k))
                cursor = k + 1
                break
    cues: list[Cue] = []
    stretches: list[list[tuple[float, int]]] = [[]]
    for arrived, k in printed:
        if run.skipped_at is not None and arrived > run.skipped_at and len(stretches) == 1:
            stretches.append([])
        stretches[-1].append((arrived, k))
    for stretch in stretches:
        if not stretch:
            continue
        offset = min(arrived - planned[k][0] for arrived, k in stretch)
        for _arrived, k in stretch:
            at, text, kind, step = planned[k]
            cues.append(Cue(text, kind, at + offset, step))
    return cues


# ----------------------------------------------------------------------------- reporting


# Lines a listener must hear; optional lines (set-up, form) may be dropped when late.
MUST = {"count", "rep", "announce", "summary"}
# A line more than this late at the speaker is broken, not slow (targets: tests/bench/ear_bench.py).
BROKEN = 1.0


def check_heard(heard: Sequence[Heard]) -> None:
    """Every line a listener must hear was heard, none over BROKEN late, none early."""
    missed = [h.cue.text for h in heard if not h.heard and h.cue.kind in MUST]
    assert not missed, f"not heard: {missed}"
    # The first line waits for the worker on a cold start until the run waits for the voice
    # to be ready (issue 10); it must be heard, and its lateness is reported, not judged.
    first = min(h.cue.due for h in heard)
    late = [
        (h.cue.text, round(h.late, 3))
        for h in heard
        if h.late is not None and h.late > BROKEN and h.cue.due > first + 0.5
    ]
    assert not late, f"heard over {BROKEN} s late: {late}"
    early = [(h.cue.text, round(h.late, 3)) for h in heard if h.late is not None and h.late < -0.03]
    assert not early, f"heard before it was due: {early}"


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q)) if values else float("nan")


def table(heard: Sequence[Heard], t_start: float) -> str:
    rows = [f"{'due':>7} {'late ms':>8} {'score':>5}  {'kind':<8} text"]
    for h in heard:
        late = "MISSED" if h.late is None else f"{h.late * 1000:+8.0f}"
        rows.append(
            f"{h.cue.due - t_start:7.2f} {late:>8} {h.score:5.2f}  {h.cue.kind:<8} {h.cue.text}"
        )
    return "\n".join(rows)


def countdown_spacings(heard: Sequence[Heard]) -> list[float]:
    """Onset gaps between consecutive heard "3", "2", "1" count cues of one step."""
    return [gap for gap, _ in countdown_gaps(heard)]


def countdown_gaps(heard: Sequence[Heard]) -> list[tuple[float, Heard]]:
    """Each onset gap between consecutive heard count cues of one step, with the later cue."""
    gaps: list[tuple[float, Heard]] = []
    by_step: dict[int, list[Heard]] = {}
    for h in heard:
        if h.cue.kind == "count" and h.onset is not None:
            by_step.setdefault(h.cue.step, []).append(h)
    for items in by_step.values():
        items.sort(key=lambda h: h.cue.due)
        for a, b in itertools.pairwise(items):
            if a.onset is not None and b.onset is not None:
                gaps.append((b.onset - a.onset, b))
    return gaps
