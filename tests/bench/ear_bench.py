"""What a listener hears, at a real sound server's sink: every front end, beside the old code.

    .venv/bin/python tests/bench/ear_bench.py                 # a 2.5 minute routine
    .venv/bin/python tests/bench/ear_bench.py desk-reset      # the built-in 7 minutes
    .venv/bin/python tests/bench/ear_bench.py --base REF      # another "before"
    .venv/bin/python tests/bench/ear_bench.py my.toml --only line,relay

Each side plays through paplay into the same private PulseAudio null sink
(tests/ear/ear_support.py), one after the other, each in a fresh home (an empty phrase cache,
as on a first run):

- "before": `glutecoach run ROUTINE --plain --voice speech` from the code at BASELINE, the
  commit before this work (untrimmed renders, a line finished when its player exits, the old
  speech-length model and rep counting), extracted with `git archive`;
- "line mode": the same command from this tree;
- "app": `glutecoach run ROUTINE --voice speech`, the real Textual app in an 80x24 tmux
  session of its own;
- "relay": `glutecoach relay` on this machine speaking, and `glutecoach run ROUTINE --plain
  --voice relay` connected to it;
- "line mode, 2nd run": line mode again in the first line-mode side's home, its phrase cache
  warm (every line measured before the clock starts).

Every cue is found in the recording by cross-correlation with the file played, and timed
against when it was due: for this tree's sides, the run's own cue log (GLUTECOACH_CUE_LOG:
each cue handed to the voice with its due time); for "before", the printed lines matched
against `glutecoach plan --json`. The load average is printed beside each side.

Then the relay's wire on its own: a flush and a cue sent back to back, the cue's arrival at
the relay timed, with Nagle's algorithm on (as before) and off (TCP_NODELAY, as now). And the
cold start: a new voice, then its first line, said at once or after ``wait_ready``.

Needs pulseaudio, pactl, parec and pacat (Debian: pulseaudio, pulseaudio-utils), and tmux for
the app.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "tests" / "ear"))
sys.path.insert(0, str(ROOT))

from ear_support import (  # noqa: E402
    Cue,
    Heard,
    MonitorRecording,
    SoundServer,
    countdown_gaps,
    countdown_spacings,
    due_cues,
    logged_cues,
    match,
    phrase_files,
    plan_json,
    run_plain,
    sound_server,
    why_no_sound_server,
)

# Every kind of step and cue: rep work with rests, set-up after "Next up", a one-sided move
# with form cues, timed holds with "Halfway.".
BENCH = """name = "Ear bench"
lead_in = 10
transition = 10
switch = 5

[[exercise]]
id = "glute-bridge"
sets = 2
reps = 5
rest = 10

[[exercise]]
id = "clamshell"
seconds = 15

[[exercise]]
id = "runners-stretch"
seconds = 20
"""


@dataclass
class Side:
    name: str
    heard: list[Heard]
    plan: dict[str, object]
    load: float  # the 1-minute load average when it ended
    measured: str = "-"  # lines laid out with a measured length, of the lines said


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:.0f} ms"


def p95(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


# The last commit before trimmed renders, measured lengths and counted reps: "before".
BASELINE = "77a9dce467"


def base_tree(dest: Path, ref: str | None) -> tuple[Path, str]:
    """The baseline's code unpacked: ``ref``, else BASELINE, else the merge base with main."""
    base = ""
    for candidate in (ref, BASELINE):
        if (
            candidate
            and subprocess.run(
                ["git", "cat-file", "-e", f"{candidate}^{{commit}}"], cwd=ROOT, capture_output=True
            ).returncode
            == 0
        ):
            base = candidate
            break
    for branch in () if base else ("main", "origin/main"):
        done = subprocess.run(
            ["git", "merge-base", "HEAD", branch], cwd=ROOT, capture_output=True, text=True
        )
        if done.returncode == 0:
            base = done.stdout.strip()
            break
    if not base:
        raise SystemExit("no main branch to compare with")
    archive = dest / "base.tar"
    subprocess.run(
        ["git", "archive", "--format=tar", "-o", str(archive), base, "glutecoach"],
        cwd=ROOT,
        check=True,
    )
    with tarfile.open(archive) as tar:
        tar.extractall(dest / "base", filter="data")
    return dest / "base", base[:10]


def _env(sink: SoundServer, code: Path, home: Path, **extra: str) -> dict[str, str]:
    paplay = shutil.which("paplay") or "paplay"
    env = {
        **os.environ,
        **sink.env,
        "GLUTECOACH_HOME": str(home),
        "GLUTECOACH_PLAYER": f"{paplay} {{file}}",
        "PYTHONPATH": str(code),
    }
    env.pop("GLUTECOACH_RELAY", None)
    env.update(extra)
    check = subprocess.run(
        [sys.executable, "-c", "import glutecoach; print(glutecoach.__file__)"],
        env=env,
        cwd=code,
        capture_output=True,
        text=True,
        check=True,
    )
    assert check.stdout.strip().startswith(str(code)), (check.stdout, code)
    return env


def _home(work: Path, name: str, routine_id: str, text: str) -> Path:
    home = work / f"home-{name}"
    if home.exists():  # a second run in the same home: its phrase cache is warm
        (home / "cues.jsonl").unlink(missing_ok=True)
        return home
    (home / "routines").mkdir(parents=True)
    (home / "routines" / f"{routine_id}.toml").write_text(text, encoding="utf-8")
    return home


def _side(name: str, heard: list[Heard], plan: dict[str, object], start: object) -> Side:
    measured = "-"
    if isinstance(start, dict):
        measured = f"{start['measured']}/{start['lines']}"
    return Side(name, heard, plan, os.getloadavg()[0], measured)


def hear(
    sink: SoundServer,
    code: Path,
    routine_id: str,
    text: str,
    work: Path,
    name: str,
    home_of: str = "",
) -> Side:
    """Line mode; timed by the cue log where the code writes one, else by what it printed.
    ``home_of``: run in that side's home again (its phrase cache warm)."""
    home = _home(work, home_of or name, routine_id, text)
    log = home / "cues.jsonl"
    env = _env(sink, code, home, GLUTECOACH_CUE_LOG=str(log))
    plan = plan_json(routine_id, env, cwd=code)
    recording = MonitorRecording(sink)
    recording.wait_started()
    run = run_plain(routine_id, env, timeout=1200, cwd=code)
    samples, _t0 = recording.stop()
    clock = recording.clock()
    if run.status != 0:
        print(run.stderr)
    logged = logged_cues(log)
    start: object = None
    if logged is not None:
        start, cues = logged
        plan = start["plan"]  # type: ignore[assignment]
    else:
        cues = due_cues(plan, run)
    files = phrase_files(home / "cache" / "voice")
    return _side(name, match(samples, clock, cues, files), plan, start)


def _wait_for_closing(log: Path, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        logged = logged_cues(log)
        if logged is not None and any(c.kind == "summary" for c in logged[1]):
            return True
        time.sleep(0.25)
    return False


def hear_app(sink: SoundServer, routine_id: str, text: str, work: Path, total: float) -> Side:
    """The real app in a tmux session of its own (its server inherits this environment)."""
    name = "app"
    home = _home(work, name, routine_id, text)
    log = home / "cues.jsonl"
    env = _env(sink, ROOT, home, GLUTECOACH_CUE_LOG=str(log), TERM="xterm-256color")
    tmux = ["tmux", "-L", f"gc-ear-bench-{os.getpid()}"]
    command = shlex.join(
        [sys.executable, "-m", "glutecoach", "run", routine_id, "--voice", "speech"]
    )
    recording = MonitorRecording(sink)
    recording.wait_started()
    subprocess.run(
        [
            *tmux,
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            "80",
            "-y",
            "24",
            f"cd {shlex.quote(str(ROOT))} && {command}",
        ],
        env=env,
        check=True,
    )
    try:
        finished = _wait_for_closing(log, total + 60)
        time.sleep(4.0)  # the closing line plays out
        screen = subprocess.run(
            [*tmux, "capture-pane", "-p", "-t", name], capture_output=True, text=True, check=False
        ).stdout
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True, check=False)
    samples, _t0 = recording.stop()
    clock = recording.clock()
    if not finished:
        print(f"app: the closing line never came; the screen was:\n{screen}")
    logged = logged_cues(log)
    if logged is None:
        raise SystemExit(f"app: no cue log; the screen was:\n{screen}")
    start, cues = logged
    files = phrase_files(home / "cache" / "voice")
    return _side(name, match(samples, clock, cues, files), start["plan"], start)  # type: ignore[arg-type]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def hear_relay(
    sink: SoundServer, code: Path, routine_id: str, text: str, work: Path, name: str
) -> Side:
    """`glutecoach relay` speaking here; the workout in line mode, connected to it."""
    relay_home = work / f"relay-{name}"
    relay_home.mkdir()
    token, port = "ear-bench-token", _free_port()
    relay_env = _env(sink, code, relay_home)
    relay = subprocess.Popen(
        [sys.executable, "-m", "glutecoach", "relay", "--port", str(port), "--token", token],
        env=relay_env,
        cwd=code,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert relay.stdout is not None
        for line in relay.stdout:
            if line.startswith("Relay listening"):
                break
        time.sleep(1.0)  # its speech worker starts
        home = _home(work, name, routine_id, text)
        log = home / "cues.jsonl"
        env = _env(
            sink,
            code,
            home,
            GLUTECOACH_CUE_LOG=str(log),
            GLUTECOACH_RELAY=f"127.0.0.1:{port}",
            GLUTECOACH_RELAY_TOKEN=token,
        )
        recording = MonitorRecording(sink)
        recording.wait_started()
        run = run_plain(routine_id, env, timeout=1200, cwd=code, extra_args=("--voice", "relay"))
        time.sleep(3.0)  # the relay says the closing line after the run has ended
        samples, _t0 = recording.stop()
        clock = recording.clock()
    finally:
        relay.send_signal(signal.SIGINT)
        try:
            relay.wait(timeout=10)
        except subprocess.TimeoutExpired:
            relay.kill()
            relay.wait()
    if run.status != 0 or "relay" in run.stderr.lower():
        print(run.stderr)
    logged = logged_cues(log)
    if logged is None:
        raise SystemExit(f"relay: no cue log\n{run.stderr}")
    start, cues = logged
    files = phrase_files(relay_home / "cache" / "voice")
    return _side(name, match(samples, clock, cues, files), start["plan"], start)  # type: ignore[arg-type]


WIRE = textwrap.dedent(
    """
    import json, socket, statistics, sys, threading, time
    from glutecoach.voice.relay import RelayClient, RelayServer
    nodelay = sys.argv[1] == "on"
    arrived = []
    got = threading.Event()
    class Sink:
        def cue(self, cue, due=None):
            arrived.append(time.monotonic()); got.set()
        def flush(self):
            pass
    server = RelayServer("t", Sink(), port=0).start()
    client = RelayClient(f"127.0.0.1:{server.port}", "t")
    client.connect()
    client._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1 if nodelay else 0)
    waits = []
    for i in range(int(sys.argv[2])):
        got.clear()
        client.send({"op": "cue", "text": "Rest.", "kind": "announce", "late": 0})
        got.wait(2)
        got.clear()
        sent = time.monotonic()
        client.send({"op": "flush"})  # a skip: the flush, then at once the next step's words
        client.send({"op": "cue", "text": "Go.", "kind": "announce", "late": 0})
        got.wait(2)
        waits.append(arrived[-1] - sent)
        time.sleep(0.3)
    client.close(); server.stop()
    print(json.dumps(waits))
    """
)


def relay_wire(code: Path, nodelay: bool, n: int = 40) -> list[float]:
    """Seconds from sending a flush and a cue back to back to the cue reaching the relay."""
    import json

    done = subprocess.run(
        [sys.executable, "-c", WIRE, "on" if nodelay else "off", str(n)],
        env={**os.environ, "PYTHONPATH": str(code)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    waits: list[float] = json.loads(done.stdout.strip().splitlines()[-1])
    return waits


def last_reps(side: Side) -> tuple[int, int]:
    """(rep-work steps whose last rep was heard by its number, rep-work steps)."""
    steps = side.plan["steps"]
    assert isinstance(steps, list)
    wanted: dict[int, str] = {}
    for index, step in enumerate(steps):
        if step.get("reps"):
            wanted[index] = str(step["reps"])
    heard = {
        h.cue.step
        for h in side.heard
        if h.heard and h.cue.step in wanted and h.cue.text.split(",")[0] == wanted[h.cue.step]
    }
    return len(heard), len(wanted)


def report(sides: list[Side]) -> None:
    rows: list[tuple[str, list[str]]] = []

    def row(label: str, values: list[str]) -> None:
        rows.append((label, values))

    for side in sides:
        side.heard.sort(key=lambda h: h.cue.due)
    row("cues heard", [f"{sum(h.heard for h in s.heard)}/{len(s.heard)}" for s in sides])
    late = [[h.late for h in s.heard[1:] if h.late is not None] for s in sides]
    row("onset after due, max (after the 1st)", [ms(max(v, default=None)) for v in late])
    row("onset after due, p95 (after the 1st)", [ms(p95(v)) for v in late])
    setup = [
        [h.late for h in s.heard if h.late is not None and h.cue.kind == "setup"] for s in sides
    ]
    row("set-up lines, max", [ms(max(v, default=None)) for v in setup])
    timing = [
        [h.late for h in s.heard if h.late is not None and h.cue.kind in ("count", "rep")]
        for s in sides
    ]
    row("counts and reps, p95", [ms(p95(v)) for v in timing])
    row("counts and reps, max", [ms(max(v, default=None)) for v in timing])
    spacing = [[g for g in countdown_spacings(s.heard) if 0.5 < g < 1.5] for s in sides]
    row(
        "3-2-1 spacing, mean (min-max)",
        [f"{statistics.mean(v):.3f} s ({min(v):.3f}-{max(v):.3f})" if v else "-" for v in spacing],
    )
    row("first cue", [ms(s.heard[0].late) for s in sides])
    row("last rep counted", ["{}/{} sets".format(*last_reps(s)) for s in sides])
    row("lines laid out measured", [s.measured for s in sides])
    row("load average (1 min)", [f"{s.load:.2f}" for s in sides])
    for side in sides:
        worst = sorted(
            (h for h in side.heard[1:] if h.late is not None), key=lambda h: -(h.late or 0)
        )
        t0 = side.heard[0].cue.due if side.heard else 0.0
        print(
            f"{side.name}, latest (at s after the first cue): "
            + "; ".join(f"{h.cue.text!r} {ms(h.late)} @{h.cue.due - t0:.0f}" for h in worst[:6])
        )
        gaps = [
            (g, h) for g, h in countdown_gaps(side.heard) if 0.5 < g < 1.5 and abs(g - 1) > 0.02
        ]
        if gaps:
            print(
                f"{side.name}, 3-2-1 gaps off by > 20 ms: "
                + "; ".join(
                    f"{g:.3f} s before {h.cue.text!r} @{h.cue.due - t0:.0f}" for g, h in gaps
                )
            )
    missed = [h.cue.text for s in sides for h in s.heard if not h.heard]
    if missed:
        print("not heard:", missed)
    print()
    width = max(len(label) for label, _ in rows)
    print(f"{'':{width}}  " + "  ".join(f"{s.name:>22}" for s in sides))
    for label, values in rows:
        print(f"{label:{width}}  " + "  ".join(f"{v:>22}" for v in values))


COLD = textwrap.dedent(
    """
    import sys, time, json
    from pathlib import Path
    from glutecoach.engine.model import Cue, CueKind
    from glutecoach.store.settings import Settings
    from glutecoach.voice import make_voice
    wait = sys.argv[1] == "wait"
    line = "First up: glute bridges."
    voice = make_voice("speech", Settings(), cache_dir=Path(sys.argv[2]))
    voice.prepare([line, "Lie on your back. Knees bent, feet flat, hip-width apart."])
    ready = voice.wait_ready(10) if wait else None
    due = time.monotonic()
    voice.cue(Cue(0, line, CueKind.ANNOUNCE), due)
    voice.wait_idle(10)
    voice.close(drain=0, wait=True)
    print(json.dumps({"due": due, "ready": ready}))
    """
)


def cold_start(sink: SoundServer, work: Path, wait: bool, n: int) -> list[float]:
    """Onset of a fresh voice's first line after it was due, ``n`` times."""
    import json

    found: list[float] = []
    for i in range(n):
        cache = work / f"cold-{wait}-{i}"
        recording = MonitorRecording(sink)
        recording.wait_started()
        done = subprocess.run(
            [sys.executable, "-c", COLD, "wait" if wait else "now", str(cache)],
            env={**os.environ, **sink.env, "PYTHONPATH": str(ROOT), "GLUTECOACH_HOME": str(work)},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        samples, _t0 = recording.stop()
        clock = recording.clock()
        if done.returncode != 0:
            print(done.stderr)
            continue
        due = json.loads(done.stdout.strip().splitlines()[-1])["due"]
        files = phrase_files(cache)
        first = Cue("First up: glute bridges.", "announce", due, 0)
        [heard] = match(samples, clock, [first], files)
        if heard.late is not None:
            found.append(heard.late)
    return found


FRONT_ENDS = ("before", "line", "app", "relay", "warm")  # also: relay-before (the base's relay)


def main(argv: list[str]) -> int:
    # The code "before" has only espeak-ng: measure both sides with it, so the comparison is
    # fair where the natural voice is installed too (tests/ear/test_ear_natural.py hears that).
    os.environ.setdefault("GLUTECOACH_NATURAL", "0")
    why = why_no_sound_server()
    if why:
        print(f"skipped: {why}")
        return 0
    ref = None
    if "--base" in argv:
        at = argv.index("--base")
        ref = argv[at + 1]
        del argv[at : at + 2]
    only = FRONT_ENDS
    if "--only" in argv:
        at = argv.index("--only")
        only = tuple(argv[at + 1].split(","))
        del argv[at : at + 2]
    if "app" in only and not shutil.which("tmux"):
        print("app: skipped, tmux is not installed")
        only = tuple(f for f in only if f != "app")
    routine_id = argv[0] if argv else "ear-bench"
    with tempfile.TemporaryDirectory(prefix="glutecoach-ear-bench-") as tmp, sound_server() as sink:
        work = Path(tmp)
        base, commit = base_tree(work, ref)
        text = BENCH
        if routine_id.endswith(".toml"):  # a routine file of your own
            text = Path(routine_id).read_text(encoding="utf-8")
            routine_id = Path(routine_id).stem
        elif routine_id != "ear-bench":
            builtin = ROOT / "glutecoach" / "data" / "routines" / f"{routine_id}.toml"
            text = builtin.read_text(encoding="utf-8")
            routine_id = f"{routine_id}-copy"  # the same file for every side, as the user's
        started = time.monotonic()
        sides: list[Side] = []
        for front in only:
            print(f"{front}: running (load {os.getloadavg()[0]:.2f})", flush=True)
            if front == "before":
                sides.append(hear(sink, base, routine_id, text, work, f"before ({commit})"))
            elif front == "line":
                sides.append(hear(sink, ROOT, routine_id, text, work, "line mode"))
            elif front == "warm":  # line mode again, its phrase cache warm
                warm = "line mode, 2nd run"
                sides.append(hear(sink, ROOT, routine_id, text, work, warm, "line mode"))
            elif front == "app":
                total = (
                    float(sides[-1].heard[-1].cue.due - sides[-1].heard[0].cue.due)
                    if sides
                    else 900.0
                )
                sides.append(hear_app(sink, routine_id, text, work, total))
            elif front == "relay":
                sides.append(hear_relay(sink, ROOT, routine_id, text, work, "relay"))
            elif front == "relay-before":  # the base's relay and coach, for before and after
                name = f"relay before ({commit})"
                sides.append(hear_relay(sink, base, routine_id, text, work, name))
        print(
            f"\n{routine_id}, paplay into a PulseAudio null sink, a fresh home (empty phrase "
            f"cache) each ({time.monotonic() - started:.0f} s)\n"
        )
        report(sides)
        for nodelay in (False, True):
            waits = relay_wire(ROOT, nodelay)
            state = "on " if nodelay else "off"
            print(
                f"\nrelay wire, a cue right after a flush, TCP_NODELAY {state}: "
                f"median {ms(statistics.median(waits))}, p95 {ms(p95(waits))}, "
                f"max {ms(max(waits))} "
                f"({len(waits)} pairs, load {os.getloadavg()[0]:.2f})",
                end="",
            )
        print()
        now = cold_start(sink, work, wait=False, n=3)
        ready = cold_start(sink, work, wait=True, n=3)
        print(
            f"\nfirst line of a new voice: said at once {', '.join(ms(v) for v in now)}; "
            f"after wait_ready {', '.join(ms(v) for v in ready)} (load {os.getloadavg()[0]:.2f})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
