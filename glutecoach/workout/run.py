"""``WorkoutRun``: one workout, walked against a clock, told to the voice, the screen and history.

Every front end builds one, sends it commands (pause, next, mute, ...) and renders the view
events that ``poll()`` returns. Each session event is handled in one order: the voice is told
first, then the view event is produced, then the history write is queued. Nothing here waits
on a disk, a lock or a speaker: the voice and the recorder only queue work for their own
threads, and what they report back (voice state, notices) arrives through a thread-safe inbox
that the next ``poll()`` empties. ``wake`` (if given) is called from those threads so a front
end that sleeps until the next cue can poll early.

With ``clock_thread=True`` (the app) the run walks the session on a thread of its own: that
thread polls the session when the next cue is due and tells the voice at once, so a cue is
never late because the front end was busy drawing the last frame. ``poll()`` then only hands
over what that thread produced. Commands and reads take the run's lock, which the clock
thread holds only while it polls (microseconds).

Before the clock starts the voice renders and measures the plan's lines and the plan is laid
out again with those lengths (``glutecoach.workout.replan``); ``run.plan`` is that plan once
the run has started.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from glutecoach.engine import session as ev
from glutecoach.engine.describe import exercise_name
from glutecoach.engine.model import Cue, CueKind, Plan
from glutecoach.engine.plan import lengths_for, speech_seconds
from glutecoach.engine.progress import PlanTally
from glutecoach.engine.session import Session, SessionState
from glutecoach.workout import events as view
from glutecoach.workout.ports import Clock, Recorder, SessionLog, Speaker, VoiceFactory, Writer
from glutecoach.workout.replan import (
    FIRST_STEPS,
    FIRST_WAIT,
    READY_WAIT,
    Preparing,
    texts,
)
from glutecoach.workout.trace import CueTrace

if TYPE_CHECKING:
    from glutecoach.store.settings import Settings

MAX_WAIT = 1.0  # the clock thread looks at least this often (a paused run, a clock jump)
PREPARING_POLL = 0.05  # how often a front end looks again while the voice gets ready
MuteSaver = Callable[[bool], bool]  # True when saved


class WorkoutRun:
    def __init__(
        self,
        plan: Plan,
        settings: Settings,
        *,
        log: SessionLog,
        voice_factory: VoiceFactory,
        voice_mode: str | None = None,
        clock: Clock = time.monotonic,
        write_terminal: Writer | None = None,
        wake: Callable[[], object] | None = None,
        interactive: bool = True,
        save_mute: MuteSaver | None = None,
        ready_wait: float = READY_WAIT,
        first_wait: float = FIRST_WAIT,
        clock_thread: bool = False,
    ) -> None:
        self.plan = plan
        self.settings = settings
        self.clock = clock
        self.session = Session(plan, clock)
        self.tally = PlanTally(plan)
        self.interactive = interactive
        self.muted = settings.muted
        self.last_said = ""
        self.voice_state = ""
        self.left_early = False
        self._log = log
        self._voice_factory = voice_factory
        self._pinned_mode = voice_mode  # a mode given for this run is kept whatever settings say
        self._write_terminal = write_terminal
        self._wake = wake
        self._save_mute = save_mute
        self._ready_wait = ready_wait
        self._first_wait = first_wait
        self._told_slow = False  # GettingVoiceReady sent for this voice
        self._inbox: queue.SimpleQueue[view.ViewEvent] = queue.SimpleQueue()
        self._voice: Speaker | None = None
        self._opened_mode = ""
        self._record: Recorder | None = None
        self._preparing: Preparing | None = None
        self._trace = CueTrace.from_env()
        self._finished: view.Finished | None = None
        self._closed = False
        self._instruction: tuple[Cue, float, int] | None = None  # last words, due, step
        self._paused_at: float | None = None
        self._lock = threading.RLock()
        self._kick = threading.Condition(self._lock)
        self._clock_thread: threading.Thread | None = None
        self._threaded = clock_thread

    # -- reading --------------------------------------------------------------------------

    @property
    def voice(self) -> Speaker:
        assert self._voice is not None, "open() the run first"
        return self._voice

    @property
    def started(self) -> bool:
        return self.session.started

    @property
    def finished(self) -> bool:
        return self._finished is not None

    @property
    def summary(self) -> view.WorkoutSummary | None:
        return self._finished.summary if self._finished else None

    @property
    def history_enabled(self) -> bool:
        return self._log.enabled

    @property
    def history_why_disabled(self) -> str:
        return self._log.why_disabled

    def state(self) -> SessionState:
        with self._lock:
            return self.session.state()

    def next_due(self) -> float | None:
        """Seconds until the run next has something to report; None when idle (paused)."""
        with self._lock:
            if self._voice is not None and not self.session.started and not self._closed:
                return PREPARING_POLL
            return self.session.next_due()

    # -- starting -------------------------------------------------------------------------

    def open(self) -> None:
        """Open the voice and the history row; the clock starts once the voice is ready."""
        if self._voice is not None:
            return
        self._open_voice(self._pinned_mode or self.settings.voice)
        self._record = self._log.begin(self.plan, self.plan.routine.name, self._history_notice)
        self._inbox.put(view.Preparing())
        if self._threaded:
            self._clock_thread = threading.Thread(
                target=self._walk, name="workout-clock", daemon=True
            )
            self._clock_thread.start()

    def start(self) -> None:
        """Open if needed and start the clock now, without waiting for the voice."""
        self.open()
        with self._lock:
            self._start_clock()
            self._kick.notify_all()

    def _start_clock(self) -> None:
        if self.session.started or self._closed:
            return
        preparing, self._preparing = self._preparing, None
        voice_ready = preparing is None or not preparing.gave_up
        measured = lines = 0
        if preparing is not None:
            # The clock has not run: the session and tally of the plan laid out with what
            # the voice measured replace the ones of the model's plan.
            layout = preparing.lay_out(self.settings.rate)
            self.plan, measured, lines = layout.plan, layout.measured, layout.lines
            self.session = Session(self.plan, self.clock)
            self.tally = PlanTally(self.plan)
        if self._trace is not None:
            self._trace.started(self.clock(), self.plan.to_json(), measured, lines)
        self.session.start()
        self._inbox.put(view.Started(voice_ready))
        if self._voice is not None:
            self._voice.prepare(texts(self.plan, FIRST_STEPS, None))  # the rest, in plan order

    def _open_voice(self, mode: str) -> None:
        self._opened_mode = mode
        voice = self._voice_factory(
            mode,
            self.settings,
            write_terminal=self._write_terminal,
            on_state=self._voice_state_changed,
            on_notice=self._voice_notice,
            clock=self.clock,
        )
        self._voice = voice
        if self.muted:
            voice.set_muted(True)
        if not self.session.started:  # every line rendered and measured, the first steps' first
            self._told_slow = False
            self._preparing = Preparing(
                self.plan,
                voice,
                self.clock(),
                ready_wait=self._ready_wait,
                first_wait=self._first_wait,
            )
        self._voice_state_changed(voice.state)

    # -- what other threads report ----------------------------------------------------------

    def _post(self, event: view.ViewEvent) -> None:
        self._inbox.put(event)
        if self._wake is not None:
            self._wake()

    def _voice_state_changed(self, state: str) -> None:
        self._post(view.VoiceState(state))

    def _voice_notice(self, text: str) -> None:
        self._post(view.VoiceNotice(text))

    def _history_notice(self, text: str) -> None:
        self._post(view.HistoryNotice(text))

    # -- the clock ------------------------------------------------------------------------

    def poll(self) -> list[view.ViewEvent]:
        """Everything to render since the last poll, in order."""
        if self._threaded:
            return self._drain([])  # the clock thread has polled the session already
        with self._lock:
            return self._drain(self._advance())

    def _advance(self) -> list[view.ViewEvent]:
        """Walk the session up to the clock (lock held): voice first, view events out."""
        out: list[view.ViewEvent] = []
        preparing = self._preparing
        if preparing is not None and not self._closed:
            now = self.clock()
            if preparing.ready(now):
                if preparing.gave_up:
                    out.append(view.VoiceNotice(slow_voice_notice(now - preparing.began)))
                self._start_clock()
            elif not self._told_slow and preparing.slow(now):
                self._told_slow = True
                out.append(view.GettingVoiceReady(preparing.first_wait))
        for event in self.session.poll():
            self._route(event, out)
        return out

    def _walk(self) -> None:
        """The clock thread: sleep until the next cue or step change, then poll."""
        with self._lock:
            while not self._closed:
                out = self._advance()
                for event in out:
                    self._inbox.put(event)
                if out and self._wake is not None:
                    self._wake()
                if self._finished is not None:
                    return
                wait = self.next_due()
                # Just past the due time, so the session has crossed it when it looks again.
                self._kick.wait(MAX_WAIT if wait is None else min(wait + 0.002, MAX_WAIT))

    def _commanded(self) -> None:
        """After a command (lock held): the clock thread looks again at once."""
        self._kick.notify_all()

    def _drain(self, out: list[view.ViewEvent]) -> list[view.ViewEvent]:
        reported: list[view.ViewEvent] = []
        while True:
            try:
                event = self._inbox.get_nowait()
            except queue.Empty:
                break
            if isinstance(event, view.VoiceState):
                self.voice_state = event.state
            reported.append(event)
        # What other threads reported came before this poll's session events.
        return reported + out

    def _route(self, event: ev.Event, out: list[view.ViewEvent]) -> None:
        """Voice first, then what the screen shows, then persistence."""
        silent = self._closed
        if isinstance(event, ev.CueDue):
            due = self.clock() - event.late
            if not silent:
                self.voice.cue(event.cue, due=due)
                if self._trace is not None:
                    self._trace.cue(event.cue, due, event.index)
            if event.cue.kind is not CueKind.COUNT:
                self.last_said = event.cue.text
            if event.cue.kind not in view.QUIET_KINDS:
                self._instruction = (event.cue, due, event.index)
            out.append(view.CueShown(event.cue, event.index, self._cue_time(event)))
        elif isinstance(event, ev.StepStarted):
            following = self.plan.next_step(event.index)
            if not silent:
                self.voice.step_changed(event.step, following, exercise_name(self.plan, event.step))
            out.append(view.StepChanged(event.index, event.step, following))
        elif isinstance(event, ev.StepEnded):
            done = self.tally.ended(event.index, event.step, event.seconds_done, event.completed)
            if self._record is not None:
                self._record.progress(done, self.tally.active_seconds)
        elif isinstance(event, ev.Suspended):
            out.append(view.Suspended(event.gap))
        elif isinstance(event, ev.Paused):
            if not self.interactive:
                self.session.resume()  # nobody can press a key to go on; its Resumed follows
                return
            self.voice.flush()
            self._paused_at = self.clock()
            out.append(view.Paused())
        elif isinstance(event, ev.Resumed):
            out.append(view.Resumed())
            self._say_again_if_cut(out, silent)
        elif isinstance(event, ev.Finished):
            finished = view.Finished(self._summary(event.status))
            self._finished = finished
            if self._record is not None:
                self._record.finish(event.status, self.session.active_seconds)
            out.append(finished)

    def _say_again_if_cut(self, out: list[view.ViewEvent], silent: bool) -> None:
        """A pause cut the instruction being said: say it again, short, on resuming."""
        paused_at, self._paused_at = self._paused_at, None
        said = self._instruction
        if said is None or paused_at is None or silent:
            return
        cue, due, index = said
        options = self.plan.options
        length = lengths_for(options)(cue.text) if options else speech_seconds(cue.text)
        if index != self.session.index or paused_at - due >= length:
            return  # another step by now, or it had been said to the end
        again = Cue(at=cue.at, text=short_form(cue.text), kind=cue.kind)
        self._instruction = None
        self.voice.cue(again, due=self.clock())
        if self._trace is not None:
            self._trace.cue(again, self.clock(), index)
        out.append(view.CueShown(again, index, self.session.position()))

    def _cue_time(self, event: ev.CueDue) -> float:
        steps = self.plan.steps
        if event.index >= len(steps):
            return self.plan.total_seconds
        return steps[event.index].start + event.cue.at

    def _summary(self, status: str) -> view.WorkoutSummary:
        elapsed = self.session.state().routine_elapsed
        active = self.session.active_seconds
        return view.summary_of(self.plan, self.tally, status, active, elapsed, self.left_early)

    # -- commands ---------------------------------------------------------------------------

    def pause(self) -> None:
        with self._lock:
            self.session.pause()  # its Paused silences the voice
            self._commanded()

    def resume(self) -> None:
        with self._lock:
            self.session.resume()
            self._commanded()

    def toggle_pause(self) -> None:
        with self._lock:
            if self.session.paused:
                self.resume()
            else:
                self.pause()

    def next_step(self) -> None:
        with self._lock:
            if self.session.started and not self.session.finished:
                self.voice.flush()
            self.session.next_step()
            self._commanded()

    def previous_step(self) -> None:
        with self._lock:
            if self.session.started and not self.session.finished:
                self.voice.flush()
            self.session.previous_step()
            self._commanded()

    def stop(self) -> None:
        """Finish early: what was done is kept, the session is partial."""
        with self._lock:
            if self.session.finished:
                return
            self.left_early = True
            if self._voice is not None:
                self.voice.flush()
            if not self.session.started:
                self._start_clock()
            self.session.stop()
            self._commanded()

    def set_muted(self, muted: bool) -> None:
        if muted == self.muted:
            return
        self.muted = muted
        self.voice.set_muted(muted)
        self._inbox.put(view.MuteChanged(muted))
        if self._save_mute is not None:
            saver = self._save_mute
            threading.Thread(
                target=self._save_mute_quietly, args=(saver, muted), name="save-mute", daemon=True
            ).start()

    def _save_mute_quietly(self, saver: MuteSaver, muted: bool) -> None:
        what = "Muted" if muted else "Sound on"
        try:
            saved = saver(muted)
        except Exception as exc:  # the mute still holds for this workout
            self._post(view.VoiceNotice(f"{what} for now, but not saved: {exc}"))
            return
        if not saved:
            self._post(
                view.VoiceNotice(f"{what} for now, but the settings file could not be saved.")
            )

    def toggle_mute(self) -> None:
        self.set_muted(not self.muted)

    def repeat(self) -> None:
        self.voice.repeat()
        self._inbox.put(view.Repeated(self.last_said))

    def apply_settings(self, settings: Settings) -> None:
        """New rate, volume, bell...; a new voice mode opens a new voice (unless pinned)."""
        with self._lock:  # the clock thread must not talk to a voice being replaced
            self.settings = settings
            if self._voice is None or self._closed:
                return
            if self._pinned_mode is None and settings.voice != self._opened_mode:
                old = self.voice
                old.flush()  # the old voice must not talk over the new one
                old.close(drain=0)
                self._open_voice(settings.voice)
            else:
                self.voice.apply(settings)
            if settings.muted != self.muted:
                self.set_muted(settings.muted)

    def rate(self, effort: int) -> None:
        if self._record is not None:
            self._record.rate(effort)

    def close(self, *, silent: bool = False, drain: float = 6.0) -> None:
        """End the run: a run still going is stopped and saved as partial, silently.

        ``silent`` cuts the voice at once (quit); otherwise what is queued, the closing line
        included, may play for up to ``drain`` seconds on the voice's own thread.
        """
        with self._lock:
            if self._closed:
                return
            if not self.session.finished and self.session.started:
                self.left_early = True
                self._closed = True  # from here nothing more is said
                self.session.stop()
                for event in self.session.poll():
                    self._route(event, [])
            self._closed = True
            self._commanded()  # the clock thread, if any, sees closed and ends
        if self._voice is not None:
            if silent:
                self.voice.flush()
            self.voice.close(drain=0 if silent else drain)
        if self._trace is not None:
            self._trace.close()


def slow_voice_notice(waited: float) -> str:
    return (
        f"The voice was still rendering its first lines after {waited:.0f} s: starting "
        "anyway. Lines not rendered yet may come late; the captions show every cue."
    )


def short_form(text: str) -> str:
    """An instruction said again after a pause: all of a short one, else its first sentence."""
    if len(text.split()) <= 6:
        return text
    first, dot, _rest = text.partition(". ")
    return first + "." if dot else text
