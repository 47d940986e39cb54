"""The speech worker: its own process (started by exec, never fork), owning the engine.

It reads JSON lines on stdin and writes JSON lines on a private copy of its stdout; fds 1
and 2 themselves point at /dev/null and a log file, so nothing pyttsx3, espeak, ALSA or a
player prints can ever reach the user's terminal.

Requests:  {"op": "say", "id": N, "text": T}   play T now, cutting whatever is playing
           {"op": "stop"}                      cut the current utterance (handled at once)
           {"op": "prerender", "texts": [...], "seq": N}  render these when idle, so they
                                               play at once
           {"op": "config", "voice": V, "rate": R, "volume": X}
           {"op": "quit"}
Events:    {"ev": "ready", ...engine, player and audio output..., "loaded": bool}
                                               sent once it can play: the natural voice's
                                               model is loaded after it, on a thread (cached
                                               lines play meanwhile; a render waits for it)
           {"ev": "loaded", "engine": E, "natural": bool, "seconds": s}
                                               that load is over (an "engine" event before
                                               it when the model would not load)
           {"ev": "engine", "engine": E, "fallback": why, "label": L, "natural": bool}
                                               espeak-ng (the pyttsx3 path) took over from the
                                               native or the natural voice, which could not
                                               render
           {"ev": "started", "id": N, "duration": s, "speech": s, "cached": bool,
            "render_ms": ms}
           {"ev": "finished", "id": N, "completed": bool}   sent when the speech ends
           {"ev": "prepared", "seq": N, "lengths": {text: s}}  all asked is rendered (up to
                                               request N); speech lengths since the last one
                                               (or since an "engine" event: lengths measured
                                               before it are of the other voice)
           {"ev": "failed", "id": N | None, "error": T, "fatal": bool}
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import queue
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

# Said in almost every session: rendered before the first cue so it plays at once.
COMMON_PHRASES = (
    *[str(n) for n in range(1, 21)],
    "Switch sides.",
    "Rest.",
    "Go.",
    "Halfway.",
)


class Channel:
    """The private event stream back to the app; thread-safe."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    def send(self, **event: Any) -> None:
        line = json.dumps(event, separators=(",", ":")) + "\n"
        with self._lock:
            try:
                self._stream.write(line)
                self._stream.flush()
            except (BrokenPipeError, OSError, ValueError):
                pass


def claim_stdout() -> TextIO:
    """Keep stdout for the protocol only; anything else printed goes to /dev/null."""
    private = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.close(null)
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115
    return os.fdopen(private, "w", buffering=1, encoding="utf-8")


# Engines that may render on a thread other than the one that made them: espeak-ng (a C
# library through ctypes) and the natural voice (onnxruntime). pyttsx3's macOS and Windows
# drivers may not: NSSpeechSynthesizer reports a finished file through the run loop of the
# thread that made it, and SAPI5's COM objects belong to the thread that created them.
def renders_on_a_thread(driver: str) -> bool:
    """Whether lines ahead may render on a thread of their own with this engine's driver."""
    from glutecoach.voice.engine import ESPEAK
    from glutecoach.voice.neural import PIPER

    return driver in (ESPEAK, PIPER)


class Ahead:
    """One line rendered ahead, on a thread of its own where the engine allows it
    (``threaded``), so a "say" of a line already in the cache plays at once instead of
    waiting for it (a natural voice's render takes 0.05-0.3 s); else here and now, as one
    step of the main loop. The main loop starts no other use of the engine while one runs
    (``wait`` first); ``{"op": "rendered", "job": number}`` is posted when it is over."""

    count = 0

    def __init__(
        self, cache: Any, text: str, was_asked: bool, done: queue.Queue[Any], threaded: bool
    ) -> None:
        Ahead.count += 1
        self.number = Ahead.count
        self.text = text
        self.was_asked = was_asked
        self.rendered: Any = None
        self.error: Exception | None = None
        self.thread_name = ""  # the thread it rendered on (the tests look)
        self._thread: threading.Thread | None = None
        if not threaded:
            self._render(cache, done)
            return
        self._thread = threading.Thread(
            target=self._render, args=(cache, done), name="ahead", daemon=True
        )
        self._thread.start()

    def _render(self, cache: Any, done: queue.Queue[Any]) -> None:
        self.thread_name = threading.current_thread().name
        try:
            self.rendered = cache.get(self.text)
        except Exception as exc:  # reported by the main loop
            self.error = exc
        done.put({"op": "rendered", "job": self.number})

    def wait(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)


@dataclass
class Current:
    id: int
    text: str
    ends_at: float  # when its speech is over: the file's trailing pad is left to play out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="glutecoach.voice.worker")
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--voice", default="")
    parser.add_argument("--rate", type=int, default=170)
    parser.add_argument("--volume", type=float, default=1.0)
    parser.add_argument("--no-prerender", action="store_true")
    parser.add_argument("--nice", type=int, default=0, help="lower priority (background warm-up)")
    args = parser.parse_args(argv)
    if args.nice and hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(args.nice)  # before the engine's imports: all of its work is low priority

    out = Channel(claim_stdout())
    started = time.monotonic()
    from glutecoach.voice.audio import TAIL
    from glutecoach.voice.player import detect_output, find_player, make_player
    from glutecoach.voice.synth import PhraseCache, Synth, normalise

    try:  # the natural voice's model loads on a thread: "ready" does not wait for it
        synth = Synth(args.voice, args.rate, args.volume, lazy=True)
    except Exception as exc:
        out.send(ev="failed", id=None, error=str(exc), fatal=True)
        return 3
    commands: queue.Queue[dict[str, Any]] = queue.Queue()

    def load_engine() -> None:
        """Load the natural voice's model on its own thread while cached lines play; the
        first render waits for it. Its end comes back as a "loaded" request."""
        synth.load_in_background(lambda: commands.put({"op": "loaded"}))

    load_engine()  # now: the player and sound output are found while it loads
    choice = find_player()
    if choice is None:
        out.send(ev="failed", id=None, error="no audio player found", fatal=True)
        return 3
    player = make_player(choice)
    output = detect_output()
    cache = PhraseCache(args.cache, synth)
    with contextlib.suppress(OSError):
        cache.prune()
    out.send(
        ev="ready",
        engine=synth.info.describe(),
        source=synth.info.source,
        driver=synth.info.driver,
        fallback=synth.fallback,
        label=synth.label,
        natural=synth.natural,
        why=synth.why,
        voice_known=synth.voice_known,
        player=choice.name,
        player_origin=choice.origin,
        output=output.found,
        output_how=output.how,
        pid=os.getpid(),
        seconds=round(time.monotonic() - started, 4),
        loaded=synth.loaded,
    )

    def read_requests() -> None:
        for line in sys.stdin:
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            if not isinstance(msg, dict):
                continue
            if msg.get("op") == "stop":
                player.stop()  # at once, not behind a render
            commands.put(msg)
        commands.put({"op": "quit"})

    threading.Thread(target=read_requests, name="requests", daemon=True).start()

    pending: list[str] = [] if args.no_prerender else list(COMMON_PHRASES)
    requested = 0  # how many of pending's first texts the app asked for (the rest: common)
    current: Current | None = None
    told = synth.fallback
    asked_seq = 0  # the newest prerender request's number (the app counts them)
    measured: dict[str, float] = {}  # speech lengths rendered since the last "prepared"
    job: Ahead | None = None  # the line being rendered ahead, on its own thread

    def tell_fallback() -> None:
        """The native or natural voice failed mid-way and espeak-ng took over: say so, once.
        What was measured with that voice and not yet reported is rendered again with espeak-ng
        (the driver forgets the lengths it had on this event)."""
        nonlocal told
        if synth.fallback and synth.fallback != told:
            told = synth.fallback
            out.send(
                ev="engine",
                engine=synth.info.describe(),
                fallback=synth.fallback,
                label=synth.label,
                natural=synth.natural,
            )
            measure_again()

    def measure_again() -> None:
        """Lengths not yet reported were measured with another voice or rate: render (and
        measure) those lines again before the next "prepared"."""
        nonlocal requested
        again = [t for t in measured if t not in pending]
        pending[:0] = again
        requested += len(again)
        measured.clear()

    def prepared() -> None:
        """Everything asked so far is rendered: say so, with the speech lengths."""
        out.send(ev="prepared", seq=asked_seq, lengths=dict(measured))
        measured.clear()

    def next_ahead() -> int | None:
        """Which pending line to render now: the first, or while the model loads the first
        already in the cache (None: nothing to do until a request, or the load, comes)."""
        if not pending:
            return None
        if synth.settled:
            return 0
        return next((i for i, text in enumerate(pending) if cache.has(text)), None)

    def ahead_done() -> None:
        """The line rendered ahead is over: measured (or failed), and "prepared" when it was
        the last the app asked for."""
        nonlocal job
        if job is None:
            return
        done, job = job, None
        done.wait()
        if done.error is not None:  # the cue renders again when it is due
            print(f"prerender failed for {done.text!r}: {done.error}", file=sys.stderr, flush=True)
        else:
            measured[normalise(done.text)] = round(done.rendered.speech, 3)
            if done.rendered.cached:  # asked for again: kept as recent when the cache is pruned
                with contextlib.suppress(OSError):
                    os.utime(done.rendered.path)
        tell_fallback()
        if not pending or (done.was_asked and not requested):
            prepared()  # all the app asked is rendered: the common phrases may follow

    def finish(completed: bool) -> None:
        """The current line ends: played out, or cut (``completed=False``). A player that
        already exited with an error is reported as failed instead, cut or not."""
        nonlocal current
        if current is None:
            return
        problem = None if player.playing() else player.problem()
        if problem is not None:  # the driver counts these and falls back to captions
            out.send(ev="failed", id=current.id, error=problem, fatal=False)
        else:
            out.send(ev="finished", id=current.id, completed=completed)
        current = None

    while True:
        # While the natural voice's model loads, only cached lines can be had at once: a
        # render would hold every "say" of a line not in the cache until the load is over.
        ahead = next_ahead() if job is None else None
        if ahead is not None:
            timeout: float | None = 0.0
        elif current is not None:
            timeout = 0.01
        else:
            timeout = None  # a job running posts "rendered" when it is over
        try:
            msg: dict[str, Any] | None = (
                commands.get_nowait() if timeout == 0.0 else commands.get(timeout=timeout)
            )
        except queue.Empty:
            msg = None

        if msg is None and ahead is not None:
            text = pending.pop(ahead)
            was_asked = ahead < requested
            requested -= 1 if was_asked else 0
            job = Ahead(cache, text, was_asked, commands, renders_on_a_thread(synth.info.driver))
        elif msg is not None:
            op = msg.get("op")
            if op == "rendered":
                if job is not None and msg.get("job") == job.number:  # not one already done
                    ahead_done()
            elif op == "quit":
                if current is not None:
                    player.stop()  # cut what still speaks; a released pad plays out
                finish(False)
                if job is not None:
                    job.wait(5.0)  # a render is never left half-written
                return 0
            elif op == "stop":
                player.stop()
                finish(False)
            elif op == "say":
                uid = int(msg.get("id", 0))
                text = str(msg.get("text", ""))
                if current is not None:
                    player.stop()
                    finish(False)
                try:
                    # While a line renders ahead only a line in the cache plays at once; any
                    # other renders after it (the engine does one render at a time).
                    rendered = cache.cached(text) if job is not None else None
                    if rendered is None:
                        ahead_done()
                        rendered = cache.get(text)
                    player.play(rendered.path)
                except Exception as exc:
                    tell_fallback()
                    out.send(ev="failed", id=uid, error=str(exc), fatal=False)
                    continue
                tell_fallback()
                # Renders are trimmed to audio.LEAD + speech + audio.TAIL: the speech is over
                # the player's start lag after the file's end less its tail. A player whose
                # lag is unknown is done when it exits.
                lag = player.start_lag
                ends = rendered.duration - TAIL + lag if lag is not None else float("inf")
                current = Current(uid, text, time.monotonic() + ends)
                out.send(
                    ev="started",
                    id=uid,
                    duration=round(rendered.duration, 3),
                    speech=round(rendered.speech, 3),
                    cached=rendered.cached,
                    render_ms=round(rendered.render_seconds * 1000, 2),
                )
            elif op == "prerender":
                texts = [str(t) for t in msg.get("texts", []) if str(t).strip()]
                # What the app asks for goes before the common phrases not yet rendered:
                # the first cues' lines are what the run waits for (the natural voice
                # renders a line in 0.05-0.3 s, so 24 common phrases first would not fit).
                asked = [t for t in dict.fromkeys(texts) if t not in pending[:requested]]
                rest = [t for t in pending[requested:] if t not in asked]
                pending[requested:] = [*asked, *rest]
                requested += len(asked)
                asked_seq = max(asked_seq, int(msg.get("seq") or 0))
                if not pending and job is None:
                    prepared()
            elif op == "config":
                ahead_done()  # not while a line renders with the old settings
                before = (synth.voice_id, synth.rate)
                synth.configure(
                    str(msg.get("voice", synth.voice_id)),
                    int(msg.get("rate", synth.rate)),
                    float(msg.get("volume", synth.volume)),
                )
                if (synth.voice_id, synth.rate) != before:
                    measure_again()
                load_engine()  # another natural voice: its model, in the background
            elif op == "loaded" and synth.settled:  # (not a load a config has replaced)
                ahead_done()
                synth.load()  # at once: a model that would not load hands over to espeak-ng
                tell_fallback()
                out.send(
                    ev="loaded",
                    engine=synth.info.describe(),
                    natural=synth.natural,
                    seconds=round(time.monotonic() - started, 4),
                )
        if current is not None and (time.monotonic() >= current.ends_at or not player.playing()):
            player.release()  # what is left is the pad: let it play out under the next line
            finish(True)


if __name__ == "__main__":
    raise SystemExit(main())
