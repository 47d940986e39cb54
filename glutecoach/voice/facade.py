"""The one voice the TUI and ``run --plain`` talk to: ``make_voice(mode, settings, ...)``.

Every method returns at once. Work happens on one background thread that owns the cue
policy and the speaker (the speech worker process or a relay connection), so a slow or
dead speaker can never hold up the caller's timer. Callbacks (``on_state``, ``on_notice``)
may run on that thread.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from glutecoach.engine.model import Cue, CueKind, Step, StepKind
from glutecoach.store.settings import VOICE_MODES, Settings
from glutecoach.voice.channels import BEL, notification
from glutecoach.voice.doctor import in_ssh
from glutecoach.voice.policy import Action, CuePolicy, Cut, Drop, Play

RELAY_ENV = "GLUTECOACH_RELAY"
RELAY_TOKEN_ENV = "GLUTECOACH_RELAY_TOKEN"
TICK = 0.05  # how often stale queued cues are looked at while something is pending
MAX_PLAY_FAILURES = 3

Writer = Callable[[str], Any]
StateCallback = Callable[[str], Any]
NoticeCallback = Callable[[str], Any]


def step_text(step: Step, exercise_name: str) -> str:
    """What a desktop notification says when a step starts: short, for a glance."""
    name = exercise_name or "next exercise"
    if step.kind == StepKind.WORK:
        text = name
        if step.sets and step.sets > 1 and step.set:
            text += f", set {step.set} of {step.sets}"
        if step.side:
            text += f", {step.side} side"
        return text
    if step.kind == StepKind.SWITCH:
        return "Switch sides"
    if step.kind == StepKind.REST:
        return "Rest"
    return f"Next up: {name}"


class Voice:
    """See CONTRACTS.md. Build it with :func:`make_voice`."""

    def __init__(
        self,
        requested: str,
        settings: Settings,
        *,
        write_terminal: Writer | None = None,
        on_state: StateCallback | None = None,
        on_notice: NoticeCallback | None = None,
        clock: Callable[[], float] = time.monotonic,
        cache_dir: Path | None = None,
        relay: str | None = None,
        relay_token: str | None = None,
    ) -> None:
        if requested not in VOICE_MODES:
            raise ValueError(f"unknown voice mode {requested!r}; use one of {VOICE_MODES}")
        self.requested = requested
        self.settings = settings
        self._write = write_terminal
        self._on_state = on_state
        self._on_notice = on_notice
        self._clock = clock
        self._cache_dir = cache_dir
        self._relay_addr = relay if relay is not None else os.environ.get(RELAY_ENV, "")
        self._relay_token = (
            relay_token if relay_token is not None else os.environ.get(RELAY_TOKEN_ENV, "")
        )
        self.mode = requested
        if requested == "auto":
            self.mode = "relay" if self._relay_addr else "speech"
        self.state = {"speech": "idle", "relay": "relay"}.get(self.mode, self.mode)
        self.muted = settings.muted
        self.bell = settings.bell
        self.notify = settings.notify
        self.engine: dict[str, Any] = {}  # what the worker said when ready
        self.notices: list[str] = []
        self.dropped: list[tuple[str, str]] = []  # (text, reason), for tests and the log
        self.fallback_reason = ""
        self._policy = CuePolicy(available=False)
        self._worker: Any = None
        self._generation = 0
        self._restarts = 0
        self._play_failures = 0
        self._relay: Any = None
        self._last: Cue | None = None
        self._pending_prepare: list[str] = []
        # wait_ready: prepare() calls made / rendered by the worker; what it measured.
        self._prepare_asked = 0
        self._prepare_done = 0
        self._pending_seq = 0
        self.speech_lengths: dict[str, float] = {}  # text -> seconds of speech, this voice
        self._inbox: queue.Queue[tuple[Any, ...]] = queue.Queue()
        self._cond = threading.Condition()
        self._unhandled = 0  # caller requests posted but not yet handled
        self._quiet = True  # nothing speaking or waiting in the policy
        self._thread = threading.Thread(target=self._run, name="voice", daemon=True)
        self._closing: threading.Thread | None = None
        if self.muted and self.mode in ("speech", "relay"):
            self.state = "muted"

    # ----------------------------------------------------------------- caller side

    def start(self) -> Voice:
        self._thread.start()
        return self

    def cue(self, cue: Cue, due: float | None = None) -> None:
        if cue.kind == CueKind.COUNT and self.bell and not self.muted:
            self._terminal(BEL)
        self._post("cue", cue, self._clock() if due is None else due)

    def step_changed(self, step: Step, next_step: Step | None, exercise_name: str) -> None:
        # Render this step's and the next one's lines ahead, so each plays the moment it is due.
        texts = [c.text for s in (step, next_step) if s is not None for c in s.cues]
        if texts and self.mode == "speech":
            self._post("prepare", texts)
        if self.bell and not self.muted:
            self._terminal(BEL)
        if self.notify:
            self._terminal(notification("glutecoach", step_text(step, exercise_name)))

    def flush(self) -> None:
        self._post("flush")

    def set_muted(self, muted: bool) -> None:
        self.muted = bool(muted)
        self._post("mute", self.muted)

    def repeat(self) -> None:
        self._post("repeat")

    def apply(self, settings: Settings) -> None:
        self.bell = settings.bell or bool(self.fallback_reason)
        self.notify = settings.notify
        if settings.muted != self.muted:
            self.set_muted(settings.muted)
        self._post("apply", settings)

    def prepare(self, texts: Iterable[str]) -> None:
        """Render these phrases ahead (e.g. every cue of the plan) so they play at once."""
        with self._cond:
            self._prepare_asked += 1
            seq = self._prepare_asked
        self._post("prepare", [t for t in texts if t and t.strip()], seq)

    def wait_ready(self, timeout: float) -> bool:
        """Block until the worker is ready and has rendered every text passed to
        :meth:`prepare` before this call (their lengths are then in ``speech_lengths``).
        True at once when nothing is to be waited for (relay, captions, off, or speech
        that fell back); False when ``timeout`` s passed first."""
        with self._cond:
            wanted = self._prepare_asked
            return self._cond.wait_for(
                lambda: (
                    self.mode != "speech" or (bool(self.engine) and self._prepare_done >= wanted)
                ),
                timeout,
            )

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until nothing is speaking or waiting (for the closing line before exit)."""
        with self._cond:
            return self._cond.wait_for(lambda: self._unhandled == 0 and self._quiet, timeout)

    def close(self, drain: float = 6.0, wait: bool = False) -> None:
        """Stop, after letting what is already playing or waiting finish (``drain`` s at most).

        Returns at once: the draining happens on a non-daemon thread, so a program that
        exits right after (``run --plain``) still says its closing line, and a screen that
        closes the voice is never held up. To go silent at once (quit, Ctrl-C) call
        :meth:`flush` first or pass ``drain=0``. ``wait=True`` blocks until it is done.
        """
        if self._closing is None:
            self._closing = threading.Thread(
                target=self._close_after, args=(drain,), name="voice-close", daemon=False
            )
            self._closing.start()
        if wait and self._closing is not threading.current_thread():
            self._closing.join(timeout=drain + 5.0)

    def _close_after(self, drain: float) -> None:
        if drain > 0 and self._thread.is_alive():
            self.wait_idle(drain)
        self._post("close")
        if self._thread.is_alive():
            self._thread.join(timeout=3.0)

    def _post(self, *item: Any) -> None:
        with self._cond:
            self._unhandled += 1
        self._inbox.put(("call", *item))

    def _terminal(self, text: str) -> None:
        if self._write is None:
            return
        with contextlib.suppress(Exception):
            self._write(text)

    # ----------------------------------------------------------------- voice thread

    def _run(self) -> None:
        self._begin()
        while True:
            waiting = self._policy.queue or self._policy.speaking is not None
            try:
                item = self._inbox.get(timeout=TICK if waiting else None)
            except queue.Empty:
                self._do(self._policy.tick(self._clock()))
                continue
            call = item[0] == "call"
            if call:
                item = item[1:]
            try:
                if self._handle(item) is False:
                    return
            except Exception as exc:  # a voice bug must not end the workout
                self._fall_back(f"the voice hit an internal error ({exc})")
            finally:
                with self._cond:
                    if call:
                        self._unhandled -= 1
                    self._quiet = self._policy.speaking is None and not self._policy.queue
                    self._cond.notify_all()

    def _begin(self) -> None:
        if self.mode == "relay":
            self._connect_relay()
        elif self.mode == "speech":
            from glutecoach.voice import engine

            info = engine.locate()
            if not info.ok:
                self._fall_back(info.detail)
            else:
                self._start_worker()
        self._set_state(self._resting_state())

    def _handle(self, item: tuple[Any, ...]) -> bool:
        kind = item[0]
        now = self._clock()
        if kind == "close":
            self._shutdown()
            return False
        if kind == "cue":
            cue: Cue = item[1]
            if cue.kind != CueKind.COUNT:
                self._last = cue
            if self.muted:
                return True
            if self.mode == "speech":
                self._do(self._policy.offer(cue, item[2], now))
            elif self.mode == "relay":
                self._relay_send(
                    op="cue", text=cue.text, kind=str(cue.kind), late=round(now - item[2], 3)
                )
        elif kind == "repeat":
            if self._last is not None and not self.muted:
                self._handle(("cue", self._last, now))
        elif kind == "flush":
            self._flush()
        elif kind == "mute":
            if item[1]:
                self._flush()
            self._set_state(self._resting_state())
        elif kind == "apply":
            s: Settings = item[1]
            if (s.voice_id, s.rate) != (self.settings.voice_id, self.settings.rate):
                self.speech_lengths.clear()  # measured with the old voice or rate
            self.settings = s
            if self._worker is not None:
                self._worker.send(op="config", voice=s.voice_id, rate=s.rate, volume=s.volume)
        elif kind == "prepare":
            seq = item[2] if len(item) > 2 else 0
            if self._worker is not None:
                self._worker.send(op="prerender", texts=item[1], seq=seq)
            else:
                self._pending_prepare.extend(item[1])
                self._pending_seq = max(self._pending_seq, seq)
        elif kind == "worker":
            if item[1] == self._generation:
                self._worker_event(item[2], now)
        elif kind == "relay-gone" and self.mode == "relay" and item[1] is self._relay:
            self._fall_back(f"the speech relay at {self._relay_addr} went away")
        return True

    def _flush(self) -> None:
        if self.mode == "speech":
            self._do(self._policy.flush())
        elif self.mode == "relay":
            self._relay_send(op="flush")

    def _do(self, actions: list[Action]) -> None:
        for action in actions:
            if isinstance(action, Play):
                u = action.utterance
                if self._worker is not None:
                    self._worker.send(op="say", id=u.id, text=u.text)
            elif isinstance(action, Cut):
                if self._worker is not None:
                    self._worker.send(op="stop")
            elif isinstance(action, Drop):
                self.dropped.append((action.utterance.text, action.reason))
        if self.mode == "speech" and not self.muted and self._policy.speaking is None:
            self._set_state("idle")  # "speaking" waits for the worker's "started"

    # ----------------------------------------------------------------- speech worker

    def _start_worker(self) -> None:
        from glutecoach.voice.client import WorkerClient
        from glutecoach.voice.synth import default_cache_dir

        self._generation += 1
        generation = self._generation
        s = self.settings
        self._worker = WorkerClient(
            lambda ev: self._inbox.put(("worker", generation, ev)),
            cache_dir=self._cache_dir or default_cache_dir(),
            voice_id=s.voice_id,
            rate=s.rate,
            volume=s.volume,
        )
        try:
            self._worker.start()
        except OSError as exc:
            self._worker = None
            self._fall_back(f"the speech worker could not start ({exc})")
            return
        if self._pending_prepare or self._pending_seq:
            self._worker.send(op="prerender", texts=self._pending_prepare, seq=self._pending_seq)
            self._pending_prepare = []

    def _worker_event(self, ev: dict[str, Any], now: float) -> None:
        name = ev.get("ev")
        if name == "ready":
            self.engine = ev
            if not ev.get("output"):
                why = f"no sound output here ({ev.get('output_how', 'unknown')})"
                if self.requested == "auto":
                    self._fall_back(why)
                    return
                self._notice(f"Speaking anyway, as asked, but {why}.")
            if ev.get("voice_known") is False:
                self._notice(
                    f"The voice {self.settings.voice_id!r} is not installed; using the "
                    "default voice. `glutecoach voices` lists the ones you have."
                )
            self._do(self._policy.ready(now))
        elif name == "prepared":
            self.speech_lengths.update(ev.get("lengths") or {})
            self._prepare_done = max(self._prepare_done, int(ev.get("seq") or 0))
        elif name == "started":
            self._play_failures = 0
            if self._policy.speaking is not None and self._policy.speaking.id == ev.get("id"):
                self._set_state("speaking")
        elif name == "finished":
            self._do(self._policy.finished(int(ev.get("id", -1)), now))
        elif name == "failed":
            if ev.get("fatal"):
                self._fall_back(str(ev.get("error", "the speech engine failed")))
                return
            self._play_failures += 1
            if self._play_failures >= MAX_PLAY_FAILURES:
                self._fall_back(f"sound could not be played ({ev.get('error')})")
                return
            self._do(self._policy.finished(int(ev.get("id") or -1), now))
        elif name == "exit" and not ev.get("expected"):
            self._worker = None
            self._do(self._policy.reset(available=False))
            if self._restarts < 1:
                self._restarts += 1
                self._start_worker()
            else:
                self._fall_back("the speech worker stopped twice")

    # ----------------------------------------------------------------- relay

    def _connect_relay(self) -> None:
        from glutecoach.voice.relay import RelayClient, RelayError

        if not self._relay_addr:
            self._fall_back(f"no relay address ({RELAY_ENV} is not set)")
            return
        client = RelayClient(self._relay_addr, self._relay_token)
        try:
            client.connect(on_gone=lambda: self._inbox.put(("relay-gone", client)))
        except RelayError as exc:
            self._fall_back(str(exc))
            return
        self._relay = client

    def _relay_send(self, **msg: Any) -> None:
        if self._relay is None:
            return
        if not self._relay.send(msg):
            self._fall_back(f"the speech relay at {self._relay_addr} went away")

    # ----------------------------------------------------------------- fallback

    def _fall_back(self, reason: str) -> None:
        """Captions + bell from here on; say why, once."""
        if self.mode in ("captions", "off") and self.fallback_reason:
            return
        was = self.mode
        self.fallback_reason = reason
        self.mode = "captions"
        self.bell = True
        self._policy.reset(available=False)
        self._stop_speakers()
        what = {"relay": "The speech relay is off", "speech": "Speech is off"}.get(
            was, "Speech is off"
        )
        hint = " `glutecoach doctor` explains."
        if was != "relay" and in_ssh():
            hint = " Over SSH, `glutecoach relay` on your own computer can speak for you."
        self._notice(f"{what}: {reason}. Showing captions and ringing the bell instead.{hint}")
        self._set_state("captions")

    def _stop_speakers(self) -> None:
        worker, self._worker = self._worker, None
        self._generation += 1
        if worker is not None:
            worker.close()
        relay, self._relay = self._relay, None
        if relay is not None:
            relay.close()

    def _shutdown(self) -> None:
        self._policy.reset(available=False)
        self._stop_speakers()

    def _notice(self, text: str) -> None:
        self.notices.append(text)
        if self._on_notice is not None:
            with contextlib.suppress(Exception):
                self._on_notice(text)

    def _resting_state(self) -> str:
        if self.mode in ("captions", "off"):
            return self.mode
        if self.muted:
            return "muted"
        if self.mode == "relay":
            return "relay"
        return "speaking" if self._policy.speaking else "idle"

    def _set_state(self, state: str) -> None:
        if self.muted and self.mode in ("speech", "relay"):
            state = "muted"
        if state == self.state:
            return
        self.state = state
        if self._on_state is not None:
            with contextlib.suppress(Exception):
                self._on_state(state)


def make_voice(
    mode: str,
    settings: Settings,
    *,
    write_terminal: Writer | None = None,
    on_state: StateCallback | None = None,
    on_notice: NoticeCallback | None = None,
    clock: Callable[[], float] = time.monotonic,
    cache_dir: Path | None = None,
) -> Voice:
    """The voice for ``mode`` (auto|speech|relay|captions|off), already starting.

    Returns at once; a worker or relay that cannot be reached turns into captions + bell
    later, with one notice saying why.
    """
    return Voice(
        mode,
        settings,
        write_terminal=write_terminal,
        on_state=on_state,
        on_notice=on_notice,
        clock=clock,
        cache_dir=cache_dir,
    ).start()
