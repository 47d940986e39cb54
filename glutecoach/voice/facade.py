"""The one voice the TUI and ``run --plain`` talk to: ``make_voice(mode, settings, ...)``.

Every method returns at once. Work happens on one background thread, the driver here, that
owns the cue policy, mute, the bell, notifications and falling back to captions; what makes
sound is a backend behind ``backend.Backend`` (the speech worker, the relay, or nothing), so
a slow or dead speaker can never hold up the caller's timer. Callbacks (``on_state``,
``on_notice``) may run on that thread.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from glutecoach.engine.describe import step_text
from glutecoach.engine.model import Cue, CueKind, Step
from glutecoach.store.settings import VOICE_MODES, Settings
from glutecoach.voice.backend import Backend, Silent
from glutecoach.voice.captions import CaptionsOnly
from glutecoach.voice.channels import BEL, notification
from glutecoach.voice.doctor import in_ssh
from glutecoach.voice.policy import Action, CuePolicy, Cut, Drop, Play
from glutecoach.voice.relay_backend import RELAY_ENV, RELAY_TOKEN_ENV, RelayBackend
from glutecoach.voice.speech import WorkerBackend
from glutecoach.workout.ports import Clock, Speaker

TICK = 0.05  # how often stale queued cues are looked at while something is pending

Writer = Callable[[str], Any]
StateCallback = Callable[[str], Any]
NoticeCallback = Callable[[str], Any]


class Voice:
    """The real :class:`~glutecoach.workout.ports.Speaker`. Build it with :func:`make_voice`."""

    def __init__(
        self,
        requested: str,
        settings: Settings,
        *,
        write_terminal: Writer | None = None,
        on_state: StateCallback | None = None,
        on_notice: NoticeCallback | None = None,
        clock: Clock = time.monotonic,
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
        self.engine: dict[str, Any] = {}  # what the speech worker said when ready
        self.notices: list[str] = []
        self.dropped: list[tuple[str, str]] = []  # (text, reason), for tests and the log
        self.fallback_reason = ""
        self._policy = CuePolicy(available=False)
        self._backend: Backend = Silent(self.mode)  # the real one is opened on the thread
        self._last: Cue | None = None
        # wait_ready: prepare() calls made / rendered by the backend, and what it measured
        # (replaced, never changed in place: a caller may hold the last one).
        self._prepare_asked = 0
        self._prepare_done = 0
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

    def wait_ready(self, timeout: float = 0.0) -> bool:
        """Block until the worker is ready and has rendered every text passed to
        :meth:`prepare` before this call (their lengths are then in ``speech_lengths``).
        True at once when nothing is to be waited for (relay, captions, off, or speech
        that fell back); False when ``timeout`` s passed first (0: just look)."""
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
                self.fall_back(f"the voice hit an internal error ({exc})")
            finally:
                with self._cond:
                    if call:
                        self._unhandled -= 1
                    self._quiet = self._policy.speaking is None and not self._policy.queue
                    self._cond.notify_all()

    def _begin(self) -> None:
        if self.mode == "relay":
            self._backend = RelayBackend(self, self._relay_addr, self._relay_token)
        elif self.mode == "speech":
            self._backend = WorkerBackend(self, self._cache_dir)
        self._backend.open()
        self._set_state(self._resting_state())

    def _handle(self, item: tuple[Any, ...]) -> bool:
        kind = item[0]
        now = self._clock()
        backend = self._backend
        if kind == "close":
            self._shutdown()
            return False
        if kind == "cue":
            cue: Cue = item[1]
            if cue.kind != CueKind.COUNT:
                self._last = cue
            if self.muted:
                return True
            if backend.paced:
                self._do(self._policy.offer(cue, item[2], now))
            else:
                backend.cue(cue, now - item[2])
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
                self.voice_changed()  # what was measured is of the old voice or rate
            self.settings = s
            backend.configure(s)
        elif kind == "prepare":
            backend.prepare(item[1], item[2] if len(item) > 2 else 0)
        elif kind == "backend" and item[1] is backend:  # not one the voice has left
            backend.event(item[2], now)
        return True

    def _flush(self) -> None:
        if self._backend.paced:
            self._do(self._policy.flush())
        else:
            self._backend.flush()

    def _do(self, actions: list[Action]) -> None:
        for action in actions:
            if isinstance(action, Play):
                u = action.utterance
                self._backend.play(u.id, u.text)
            elif isinstance(action, Cut):
                self._backend.cut()
            elif isinstance(action, Drop):
                self.dropped.append((action.utterance.text, action.reason))
        if self.mode == "speech" and not self.muted and self._policy.speaking is None:
            self._set_state("idle")  # "speaking" waits for the backend's "started"

    # ----------------------------------------------------------------- what backends call

    def post(self, backend: Backend, event: Any) -> None:
        self._inbox.put(("backend", backend, event))

    def ready(self, now: float) -> None:
        self._do(self._policy.ready(now))

    def started(self, uid: int) -> None:
        if self._policy.speaking is not None and self._policy.speaking.id == uid:
            self._set_state("speaking")

    def finished(self, uid: int, now: float) -> None:
        self._do(self._policy.finished(uid, now))

    def lost(self) -> None:
        self._do(self._policy.reset(available=False))

    def prepared(self, seq: int, lengths: Mapping[str, float]) -> None:
        if lengths:
            self.speech_lengths = {**self.speech_lengths, **lengths}
        self._prepare_done = max(self._prepare_done, seq)

    def voice_changed(self) -> None:
        self.speech_lengths = {}

    def fall_back(self, reason: str) -> None:
        """Captions + bell from here on; say why, once."""
        if self.mode in ("captions", "off") and self.fallback_reason:
            return
        was = self.mode
        self.fallback_reason = reason
        self.mode = "captions"
        self.bell = True
        self._policy.reset(available=False)
        backend, self._backend = self._backend, Silent("captions")
        backend.close()
        what = {"relay": "The speech relay is off", "speech": "Speech is off"}.get(
            was, "Speech is off"
        )
        hint = " `glutecoach doctor` explains."
        if was != "relay" and in_ssh():
            hint = " Over SSH, `glutecoach relay` on your own computer can speak for you."
        self.notice(f"{what}: {reason}. Showing captions and ringing the bell instead.{hint}")
        self._set_state("captions")

    def _shutdown(self) -> None:
        self._policy.reset(available=False)
        backend, self._backend = self._backend, Silent(self.mode)
        backend.close()

    def notice(self, text: str) -> None:
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
    clock: Clock = time.monotonic,
    cache_dir: Path | None = None,
) -> Speaker:
    """The voice for ``mode`` (auto|speech|relay|captions|off), already starting.

    Returns at once and never raises (a :class:`~glutecoach.workout.ports.VoiceFactory`):
    a worker or relay that cannot be reached turns into captions + bell later, and a voice
    that cannot even be built is captions + bell now; either way one notice says why.
    """
    try:
        return Voice(
            mode,
            settings,
            write_terminal=write_terminal,
            on_state=on_state,
            on_notice=on_notice,
            clock=clock,
            cache_dir=cache_dir,
        ).start()
    except Exception as exc:  # the workout goes on in captions rather than not at all
        reason = str(exc) or type(exc).__name__
        if on_notice is not None:
            with contextlib.suppress(Exception):
                on_notice(
                    f"The voice could not start ({reason}); "
                    "showing captions and ringing the bell instead."
                )
        return CaptionsOnly(settings, write_terminal=write_terminal, reason=reason)
