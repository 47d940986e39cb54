"""A session walks a plan against a clock.

Where the session is comes from one anchor (a clock reading and the plan position at that
reading) plus whether it is paused, never from counting ticks, so it cannot drift however
irregularly it is polled. Cues come out of ``poll()`` once each, in order, by moving a
cursor through the plan's cue list.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable
from dataclasses import dataclass

from glutecoach.engine.model import Cue, Plan, Step, StepKind

Clock = Callable[[], float]
RESTART_WINDOW = 3.0  # "previous" this far into a step restarts it instead of going back


@dataclass(frozen=True, slots=True)
class StepStarted:
    index: int
    step: Step


@dataclass(frozen=True, slots=True)
class StepEnded:
    index: int
    step: Step
    seconds_done: float
    completed: bool  # ran to its end (False when skipped, restarted, or the session stopped)


@dataclass(frozen=True, slots=True)
class CueDue:
    cue: Cue
    index: int  # the step it belongs to; len(plan.steps) for the closing line
    late: float  # seconds between when it was due and this poll


@dataclass(frozen=True, slots=True)
class Paused:
    pass


@dataclass(frozen=True, slots=True)
class Resumed:
    pass


@dataclass(frozen=True, slots=True)
class Suspended:
    """The clock jumped (a laptop slept): the session paused where it was."""

    gap: float


@dataclass(frozen=True, slots=True)
class Finished:
    status: str  # "completed" or "partial"


Event = StepStarted | StepEnded | CueDue | Paused | Resumed | Suspended | Finished


@dataclass(frozen=True, slots=True)
class SessionState:
    index: int
    step: Step | None
    next_step: Step | None
    step_elapsed: float
    step_remaining: float
    exercise_elapsed: float
    exercise_remaining: float
    routine_elapsed: float
    routine_remaining: float
    routine_total: float
    rep: int | None  # the rep being done now, 1-based, in rep work
    started: bool
    paused: bool
    finished: bool


class Session:
    def __init__(
        self, plan: Plan, clock: Clock = time.monotonic, *, suspend_after: float | None = None
    ) -> None:
        if not plan.steps:
            raise ValueError("a plan needs at least one step")
        self.plan = plan
        self._clock = clock
        self._steps = plan.steps
        self._starts = [s.start for s in plan.steps]
        self._total = plan.total_seconds
        longest = max(s.seconds for s in plan.steps)
        self.suspend_after = suspend_after if suspend_after else max(60.0, 2 * longest)
        cues = [(s.start + c.at, i, c) for i, s in enumerate(plan.steps) for c in s.cues]
        cues.sort(key=lambda item: (item[0], item[1]))
        self._cues = cues
        self._cue_times = [t for t, _, _ in cues]
        self._blocks = self._exercise_blocks()
        self._started = False
        self._paused = False
        self._finished = False
        self._anchor_clock = 0.0
        self._anchor_pos = 0.0
        self._index = 0
        self._next_cue = 0
        self._last_seen = 0.0
        self._run_since = 0.0
        self._active = 0.0
        self._skipped_work = False
        self._events: list[Event] = []
        self.status = "partial"

    # -- reading -----------------------------------------------------------------------

    @property
    def started(self) -> bool:
        return self._started

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def finished(self) -> bool:
        return self._finished

    @property
    def index(self) -> int:
        return self._index

    @property
    def active_seconds(self) -> float:
        """Seconds spent running (pauses excluded)."""
        if self._running():
            return self._active + max(0.0, self._seen(self._clock()) - self._run_since)
        return self._active

    def position(self, now: float | None = None) -> float:
        """Seconds into the plan at ``now``."""
        if not self._started:
            return 0.0
        if self._paused or self._finished:
            return self._anchor_pos
        now = self._seen(self._clock() if now is None else now)
        return min(self._total, self._anchor_pos + max(0.0, now - self._anchor_clock))

    def _seen(self, now: float) -> float:
        """``now``, or the last reading before a clock jump the session has not handled yet:
        until then the session stands where it was, it does not run ahead."""
        return self._last_seen if now - self._last_seen > self.suspend_after else now

    def next_due(self) -> float | None:
        """Seconds until the next cue or step change; None when paused, finished or idle."""
        if not self._running():
            return None
        pos = self.position()
        upcoming = self._steps[self._index].end
        if self._next_cue < len(self._cue_times):
            upcoming = min(upcoming, self._cue_times[self._next_cue])
        return max(0.0, upcoming - pos)

    def state(self) -> SessionState:
        pos = self.position()
        if self._finished:
            index = self._index
        else:
            index = min(bisect.bisect_right(self._starts, pos) - 1, len(self._steps) - 1)
            index = max(index, 0)
        step = self._steps[index] if index < len(self._steps) else None
        elapsed = min(step.seconds, max(0.0, pos - step.start)) if step else 0.0
        first, last = self._blocks[index] if step else (pos, pos)
        rep = None
        if step and step.kind is StepKind.WORK and step.reps and step.tempo:
            rep = min(step.reps, int(elapsed // step.tempo) + 1)
        return SessionState(
            index=index,
            step=step,
            next_step=self.plan.next_step(index),
            step_elapsed=elapsed,
            step_remaining=(step.seconds - elapsed) if step else 0.0,
            exercise_elapsed=max(0.0, pos - first),
            exercise_remaining=max(0.0, last - pos),
            routine_elapsed=pos,
            routine_remaining=max(0.0, self._total - pos),
            routine_total=self._total,
            rep=rep,
            started=self._started,
            paused=self._paused,
            finished=self._finished,
        )

    # -- acting --------------------------------------------------------------------------

    def start(self) -> None:
        if self._started:
            return
        now = self._clock()
        self._started = True
        self._anchor_clock = self._last_seen = self._run_since = now
        self._anchor_pos = 0.0
        self._events.append(StepStarted(0, self._steps[0]))

    def pause(self) -> None:
        if not self._running():
            return
        self._catch_up()
        if not self._running():  # finished, or the clock had jumped and it paused itself
            return
        now = self._clock()
        self._freeze(now, self.position(now))
        self._events.append(Paused())

    def resume(self) -> None:
        if not self._started or not self._paused or self._finished:
            return
        now = self._clock()
        self._paused = False
        self._anchor_clock = self._last_seen = self._run_since = now
        self._events.append(Resumed())

    def toggle_pause(self) -> None:
        if self._paused:
            self.resume()
        else:
            self.pause()

    def next_step(self) -> None:
        """Skip the rest of this step (the last step's skip ends the routine)."""
        if not self._started or self._finished:
            return
        self._catch_up()
        if self._finished:
            return
        self._end_current(completed=False)
        self._enter(self._index + 1)

    def previous_step(self) -> None:
        """Restart this step when more than 3 s in, otherwise go to the step before."""
        if not self._started or self._finished:
            return
        self._catch_up()
        if self._finished:
            return
        step = self._steps[self._index]
        into = self.position() - step.start
        target = self._index if into > RESTART_WINDOW or self._index == 0 else self._index - 1
        self._end_current(completed=False)
        self._enter(target)

    def stop(self) -> None:
        """Finish early: what was done is kept, the session is partial."""
        if not self._started or self._finished:
            return
        self._catch_up()
        if self._finished:
            return
        self._end_current(completed=False)
        self._finish("partial")

    def poll(self) -> list[Event]:
        """Everything that happened since the last poll, in order; each cue exactly once."""
        self._catch_up()
        events, self._events = self._events, []
        return events

    # -- inside ----------------------------------------------------------------------------

    def _running(self) -> bool:
        return self._started and not self._paused and not self._finished

    def _catch_up(self) -> None:
        """Bring the session up to the clock; every action and poll goes through here, so a
        clock jump (a laptop that slept) pauses the session instead of firing a burst."""
        if not self._running():
            return
        now = self._clock()
        gap = now - self._last_seen
        if gap > self.suspend_after:
            self._freeze(self._last_seen, self.position(self._last_seen))
            self._events.append(Suspended(gap))
            self._events.append(Paused())
            return
        self._last_seen = now
        self._advance(self.position(now))

    def _freeze(self, at_clock: float, pos: float) -> None:
        if self._running():
            self._active += max(0.0, at_clock - self._run_since)
        self._anchor_pos = pos
        self._anchor_clock = at_clock
        self._paused = True

    def _advance(self, pos: float) -> None:
        """Emit every step change and cue up to plan position ``pos``, in time order."""
        while not self._finished:
            step_end = self._steps[self._index].end
            cue_time = self._cue_times[self._next_cue] if self._next_cue < len(self._cues) else None
            if cue_time is not None and cue_time < step_end and cue_time <= pos:
                at, index, cue = self._cues[self._next_cue]
                self._next_cue += 1
                self._events.append(CueDue(cue, index, max(0.0, pos - at)))
                continue
            if step_end <= pos:
                step = self._steps[self._index]
                self._events.append(StepEnded(self._index, step, step.seconds, True))
                self._index += 1
                if self._index >= len(self._steps):
                    self._index = len(self._steps) - 1
                    self._close(pos)
                    return
                self._events.append(StepStarted(self._index, self._steps[self._index]))
                continue
            return

    def _end_current(self, *, completed: bool) -> None:
        step = self._steps[self._index]
        done = min(step.seconds, max(0.0, self.position() - step.start))
        if step.kind is StepKind.WORK and not completed:
            self._skipped_work = True
        self._events.append(StepEnded(self._index, step, done, completed))

    def _enter(self, index: int) -> None:
        now = self._clock()
        if index >= len(self._steps):
            self._anchor_pos, self._anchor_clock = self._total, now
            self._close(self._total)
            return
        step = self._steps[index]
        self._index = index
        self._anchor_pos, self._anchor_clock = step.start, now
        self._next_cue = bisect.bisect_left(self._cue_times, step.start)
        self._events.append(StepStarted(index, step))
        if self._running():
            self._advance(step.start)

    def _close(self, pos: float) -> None:
        if self.plan.closing:
            self._events.append(
                CueDue(self.plan.closing, len(self._steps), max(0.0, pos - self._total))
            )
        self._finish("partial" if self._skipped_work else "completed")

    def _finish(self, status: str) -> None:
        now = self._clock()
        if self._running():
            # The plan may have ended before this poll noticed: count only up to its end.
            ended = self._anchor_clock + (self._total - self._anchor_pos)
            self._active += max(0.0, min(now, ended) - self._run_since)
        self._anchor_pos = self.position(now) if not self._paused else self._anchor_pos
        self._finished = True
        self.status = status
        self._events.append(Finished(status))

    def _exercise_blocks(self) -> list[tuple[float, float]]:
        """For each step, the start and end of the exercise block (same routine entry)."""
        spans: dict[int, tuple[float, float]] = {}
        for step in self._steps:
            first, last = spans.get(step.entry, (step.start, step.end))
            spans[step.entry] = (min(first, step.start), max(last, step.end))
        return [spans[s.entry] for s in self._steps]
