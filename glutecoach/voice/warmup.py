"""Warming the phrase cache ahead, where nobody waits on it.

On an empty phrase cache (the first session ever, or after the voice or the rate changed)
the natural voice takes 2-6 s on a 2-core machine to render a routine's first lines, and the
run waits for them before it starts the clock. The app avoids that wait: once the routine
list is on the screen it renders, on a speech worker of its own at the lowest priority, the
lines the user is likely to hear next at the voice and rate in the settings:

1. the first steps' lines of every routine, the one used last first, then in the order of
   the routine list (what a run waits for);
2. then every other line of each, in the same order (what the run lays its plan out with);
3. then the phrases said in almost every session (counts, "Rest.", ...).

A line already rendered costs a file read. It starts again when the voice, rate or volume is
changed in Settings. It never competes with a workout: while any speech worker of this
process is open for speaking (``speaking_opened``/``speaking_closed``, from the worker
backend) the warm-up's worker is told to quit (it ends after the line it is rendering) and
the warm-up waits; it then goes on from where the cache is.

Nothing here runs on the UI thread except :meth:`Warmup.settings_changed` (which only
records the change): the routines are read, planned and rendered on the warm-up's thread.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from glutecoach.engine.model import Plan
    from glutecoach.store.settings import Settings

WARM_DELAY = 0.5  # after the first frame, before anything starts (the app settles first)
WARM_NICE = 19  # the worker's niceness: it takes only what nothing else wants
WORKER_TIMEOUT = 600.0  # a warm-up that has not finished by then is given up

_lock = threading.Condition()  # one for the counts and every warm-up's state


class Speakers:
    """How many speech workers are open for speaking (workouts, ``say``...): while any is,
    a warm-up stands aside."""

    def __init__(self) -> None:
        self.open = 0

    def opened(self) -> None:
        with _lock:
            self.open += 1
            _lock.notify_all()

    def closed(self) -> None:
        with _lock:
            self.open = max(0, self.open - 1)
            _lock.notify_all()


SPEAKERS = Speakers()  # this process's (the worker backend counts itself in and out)


def speaking_opened() -> None:
    """A speech worker for speaking opened in this process: the warm-up stands aside."""
    SPEAKERS.opened()


def speaking_closed() -> None:
    SPEAKERS.closed()


def speaking() -> bool:
    with _lock:
        return SPEAKERS.open > 0


# At most this many lines are warmed: half the phrase cache (synth.CACHE_LIMIT, 400). The
# cache keeps its newest files and the most needed lines are warmed first, so a longer list
# would push them out of the cache at the next worker's start, to be warmed again each time.
WARM_LIMIT = 200


def lines_to_warm(
    plans: Sequence[Plan], common: Iterable[str] = (), limit: int = WARM_LIMIT
) -> list[str]:
    """Every line the runs of ``plans`` would ask the voice for, most needed first: each
    plan's first steps' lines, then each plan's other lines, then ``common``; no more than
    ``limit`` of them."""
    from glutecoach.workout.replan import FIRST_STEPS, every_line, texts

    firsts = [line for plan in plans for line in texts(plan, 0, FIRST_STEPS)]
    rest = [line for plan in plans for line in every_line(plan)]
    return list(dict.fromkeys(t for t in [*firsts, *rest, *common] if t.strip()))[:limit]


@dataclass(frozen=True, slots=True)
class Job:
    """What to warm: the worker's voice settings and the lines, most needed first."""

    voice_id: str
    rate: int
    volume: float
    lines: tuple[str, ...]

    @property
    def key(self) -> tuple[str, int, float]:
        """What the phrase cache is keyed by (beside the text)."""
        return (self.voice_id, self.rate, self.volume)

    @property
    def ident(self) -> tuple[tuple[str, int, float], int]:
        """This job: another level or piece of equipment may bring other lines."""
        return (self.key, hash(self.lines))


class Host(Protocol):
    """What the warm-up needs of the app."""

    @property
    def settings(self) -> Settings: ...

    voice_mode: str | None
    store: Any


class Warmup:
    """One background warm-up: ``start`` it, tell it ``settings_changed``, ``close`` it.

    ``job`` (called on the warm-up's thread) says what to warm now, or None when there is
    nothing (the voice is not speech, the engine is missing). ``worker`` makes the speech
    worker's client (a test may count what it is asked).
    """

    def __init__(
        self,
        job: Callable[[], Job | None],
        *,
        cache_dir: Path | None = None,
        delay: float = WARM_DELAY,
        nice: int = WARM_NICE,
        worker: Callable[..., Any] | None = None,
        speakers: Speakers = SPEAKERS,
    ) -> None:
        self._job = job
        self._speakers = speakers
        self._cache_dir = cache_dir
        self._delay = delay
        self._nice = nice
        self._worker = worker
        self._changed = True  # settings to look at (the first time: the ones in use)
        self._latest: tuple[str, int, float] | None = None  # the newest settings' key
        self._closed = False
        self._over: set[tuple[tuple[str, int, float], int]] = set()  # jobs done or failed
        self.warmed: list[Job] = []  # jobs finished, in order (for tests and the log)
        self.failed: list[Job] = []
        self.cut = 0  # warm-ups cut short (a workout began, the settings changed)
        self._thread = threading.Thread(target=self._run, name="voice-warmup", daemon=True)

    def start(self) -> Warmup:
        self._thread.start()
        return self

    def settings_changed(self, settings: Settings | None = None) -> None:
        """The voice, rate or volume may have changed: look again (returns at once; on the
        UI thread it only records the change)."""
        with _lock:
            if settings is not None:
                self._latest = (settings.voice_id, int(settings.rate), float(settings.volume))
            self._changed = True
            _lock.notify_all()

    def close(self, timeout: float = 0.3) -> None:
        """Stop: the worker quits after the line it is rendering (it need not be waited for)."""
        with _lock:
            self._closed = True
            _lock.notify_all()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def join(self, timeout: float | None = None) -> None:
        """Wait for the thread (tests): it ends once closed."""
        self._thread.join(timeout)

    def wait_idle(self, timeout: float) -> bool:
        """Block until nothing is to be done until the settings change (tests, benches)."""
        with _lock:
            return _lock.wait_for(lambda: not self._changed and not self._busy, timeout)

    _busy = False

    # ------------------------------------------------------------------ the thread

    def _run(self) -> None:
        with _lock:
            if _lock.wait_for(lambda: self._closed, self._delay):
                return
        while True:
            with _lock:
                self._busy = False
                _lock.notify_all()
                _lock.wait_for(lambda: self._closed or (self._changed and not self._speakers.open))
                if self._closed:
                    return
                self._changed = False
                self._busy = True
            try:
                job = self._job()
            except Exception:  # a broken routine file or store: nothing to warm, quietly
                job = None
            if job is None or job.ident in self._over or not job.lines:
                continue
            outcome = self._warm(job)
            if outcome == "done":
                self._over.add(job.ident)
                self.warmed.append(job)
            elif outcome == "failed":  # no worker, or one that cannot render: not again
                self._over.add(job.ident)
                self.failed.append(job)
            else:
                self.cut += 1
                with _lock:
                    self._changed = True  # a workout, a change: look again when it is over

    def _warm(self, job: Job) -> str:
        """Render ``job``'s lines on a worker of our own: "done" when every one is rendered,
        "cut" when stopped first (closed, a workout began, other settings), else "failed"."""
        events: list[dict[str, Any]] = []

        def on_event(event: dict[str, Any]) -> None:
            with _lock:
                events.append(event)
                _lock.notify_all()

        def finished() -> bool:
            return any(e.get("ev") == "prepared" for e in events)

        def failed() -> bool:
            return any(
                e.get("ev") == "exit" or (e.get("ev") == "failed" and e.get("fatal"))
                for e in events
            )

        def cut() -> bool:
            moved = self._changed and self._latest is not None and self._latest != job.key
            return self._closed or self._speakers.open > 0 or moved

        with _lock:
            if cut():  # a workout opened (or the settings moved) while the job was planned
                return "cut"
        client = self._make_client(on_event, job)
        try:
            client.start()
        except OSError:
            return "failed"
        try:
            client.send(op="prerender", texts=list(job.lines), seq=1)
            with _lock:
                _lock.wait_for(lambda: finished() or failed() or cut(), WORKER_TIMEOUT)
                if finished():
                    return "done"
                return "cut" if cut() else "failed"
        finally:
            # It quits after the line it is rendering (a render is never cut half-written),
            # and nobody waits for that: a workout's own worker is starting, or we exit.
            client.release()

    def _make_client(self, on_event: Callable[[dict[str, Any]], None], job: Job) -> Any:
        from glutecoach.voice.client import WorkerClient
        from glutecoach.voice.synth import default_cache_dir

        make = self._worker or WorkerClient
        return make(
            on_event,
            cache_dir=self._cache_dir or default_cache_dir(),
            voice_id=job.voice_id,
            rate=job.rate,
            volume=job.volume,
            prerender=False,  # the common phrases come in our own list, last
            nice=self._nice,
        )


# ---------------------------------------------------------------------- the app's warm-up


def speaks(mode: str) -> bool:
    """A voice opened in ``mode`` would use the speech worker (not the relay, not captions)."""
    from glutecoach.voice.relay_backend import RELAY_ENV

    return mode == "speech" or (mode == "auto" and not os.environ.get(RELAY_ENV))


def app_job(host: Host) -> Job | None:
    """What the app should warm: its routines' lines at the voice and rate in the settings,
    the routine used last first; None when the voice would not speak through the worker."""
    from glutecoach.coach import all_routines, make_plan
    from glutecoach.voice import engine
    from glutecoach.voice.worker import COMMON_PHRASES

    settings = host.settings
    if not speaks(host.voice_mode or settings.voice):
        return None
    if not engine.locate(settings.voice_id).ok:
        return None
    found = all_routines()
    # As the routine list shows them (its cursor starts on the first), the one used last first.
    listed = sorted(found.routines.items(), key=lambda i: (not i[1].builtin, i[1].name.lower()))
    order = [routine_id for routine_id, _routine in listed]
    last = last_routine(host.store)
    if last in found.routines:
        order.remove(last)
        order.insert(0, last)
    plans = []
    for routine_id in order:
        with contextlib.suppress(Exception):  # one unplannable routine must not stop the rest
            plans.append(make_plan(found.routines[routine_id], host.store))
    lines = lines_to_warm(plans, COMMON_PHRASES)
    return Job(settings.voice_id, settings.rate, settings.volume, tuple(lines))


def last_routine(store: Any) -> str:
    """The id of the routine of the newest session in history ("" when none, or no history)."""
    try:
        rows = store.history.sessions(limit=1, exercises=False)
    except Exception:  # no history, or a locked or broken file: no favourite
        return ""
    return str(rows[0].routine) if rows else ""


def warm_for_app(host: Host) -> Warmup:
    """Start the app's warm-up (call after the first frame, off the UI thread); it follows
    the settings through ``host.settings_signal`` and is closed when the program exits."""
    import atexit

    warmup = Warmup(lambda: app_job(host)).start()
    atexit.register(warmup.close)
    signal = getattr(host, "settings_signal", None)
    subscribe = getattr(host, "from_any_thread", None)
    if signal is not None and subscribe is not None:
        subscribe(signal.subscribe, host, warmup.settings_changed)
    levels = getattr(host, "levels_signal", None)  # another level says other lines
    if levels is not None and subscribe is not None:
        subscribe(levels.subscribe, host, lambda _exercise: warmup.settings_changed())
    return warmup
