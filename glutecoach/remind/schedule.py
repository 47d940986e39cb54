"""When to nudge: a pure state machine told the time and what happened, answering with events.

Two clocks come in with every call, as an :class:`Instant`. Durations (time sat, time to
the next nudge, snooze) are measured on the monotonic clock, which never jumps; working
hours are read from the wall clock. On Linux and macOS the monotonic clock stands still
while the computer is suspended and the wall clock does not, so the wall running ahead of
the monotonic clock is how a sleep shows; waking much later than planned is how a stopped
process or a frozen machine shows. A gap longer than the interval starts the count over
instead of firing the nudges that fell due while nobody was there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# The wall clock may run ahead of the monotonic one by this much without it being a sleep
# (NTP slews, a loaded machine waking late).
SLEEP_SLACK = 30.0
OUTCOMES = ("taken", "snoozed", "skipped", "missed")
# Waking exactly at a due time must count as due, whatever the float rounding of ``a + b - a``.
EPSILON = 1e-6


@dataclass(frozen=True, slots=True)
class Instant:
    """One moment on both clocks: ``mono`` (seconds, never jumps), ``wall`` (Unix time)."""

    mono: float
    wall: float


@dataclass(frozen=True, slots=True)
class Hours:
    """Working hours: ``start``/``end`` in minutes after midnight, on ``days`` (0 = Monday).

    ``end`` before ``start`` is a window across midnight, owned by the day it starts on
    (Friday 22:00-06:00 includes Saturday 03:00, and not Sunday 23:00 unless Sunday is a day).
    ``start == end`` means the whole day.
    """

    start: int = 0
    end: int = 0
    days: frozenset[int] = frozenset(range(7))

    def _local(self, wall: float, tz: tzinfo | None) -> datetime:
        return datetime.fromtimestamp(wall, tz)

    def is_open(self, wall: float, tz: tzinfo | None = None) -> bool:
        moment = self._local(wall, tz)
        minute = moment.hour * 60 + moment.minute
        today = moment.weekday()
        yesterday = (today - 1) % 7
        if self.start == self.end:
            return today in self.days
        if self.start < self.end:
            return today in self.days and self.start <= minute < self.end
        return (today in self.days and minute >= self.start) or (
            yesterday in self.days and minute < self.end
        )

    def next_open(self, wall: float, tz: tzinfo | None = None) -> float | None:
        """The wall time the window is next open (``wall`` itself when it is open now)."""
        if self.is_open(wall, tz):
            return wall
        day: date = self._local(wall, tz).date()
        start = time(self.start // 60, self.start % 60)
        for offset in range(8):
            candidate = day + timedelta(days=offset)
            if candidate.weekday() not in self.days:
                continue
            opens = datetime.combine(candidate, start, tzinfo=tz).timestamp()
            if opens > wall:
                return opens
        return None


@dataclass(frozen=True, slots=True)
class Rules:
    interval: float = 45 * 60  # seconds sat before a nudge
    snooze: float = 10 * 60  # seconds a snooze puts the nudge off
    hours: Hours = field(default_factory=Hours)

    @property
    def expire(self) -> float:
        """An unanswered nudge counts as missed after a whole interval."""
        return self.interval


class Phase(StrEnum):
    WAITING = "waiting"  # counting towards the next nudge
    NUDGING = "nudging"  # a nudge is up, waiting for an answer
    BREAK = "break"  # the user is doing the offered routine
    OFF = "off"  # outside working hours


@dataclass(frozen=True, slots=True)
class Nudge:
    at: Instant
    sat: float  # seconds sat when it fired


@dataclass(frozen=True, slots=True)
class Fired:
    nudge: Nudge


@dataclass(frozen=True, slots=True)
class Resolved:
    """What came of a nudge; ``nudge`` None is a break the user started before any nudge."""

    nudge: Nudge | None
    outcome: str  # one of OUTCOMES
    at: Instant


@dataclass(frozen=True, slots=True)
class StartedOver:
    reason: str  # "sleep", "late", "hours"
    gap: float = 0.0


@dataclass(frozen=True, slots=True)
class BreakCounted:
    """A routine finished (here or in any glutecoach on this machine)."""

    at: Instant


Event = Fired | Resolved | StartedOver | BreakCounted


class Schedule:
    """The reminder's state. Every method takes ``now`` and returns the events it caused."""

    def __init__(self, rules: Rules, now: Instant, tz: tzinfo | None = None) -> None:
        self.rules = rules
        self.tz = tz
        self.phase = Phase.WAITING
        self.sitting_since = now.mono  # we know of no break before we started
        self.next_due = now.mono + rules.interval
        self.nudge: Nudge | None = None
        self.last_fired: float | None = None
        self.break_wall = float("-inf")  # wall time of the last break counted
        self._seen = now
        self._expected: float | None = None  # when the caller said it would wake us
        if not rules.hours.is_open(now.wall, tz):
            self.phase = Phase.OFF

    # ---------------------------------------------------------------- questions

    def sat(self, now: Instant) -> float:
        """Seconds since the last break (or since the count last started over)."""
        return max(0.0, now.mono - self.sitting_since)

    def due_in(self, now: Instant) -> float | None:
        """Seconds to the next nudge; None when none is coming (a nudge is up, off hours)."""
        if self.phase is not Phase.WAITING:
            return None
        return max(0.0, self.next_due - now.mono)

    def next_wake(self, now: Instant, cap: float | None = None) -> float | None:
        """Seconds until something can change without the caller telling us; None = never.

        ``cap`` is the longest the caller will sleep anyway (to look at the history, to
        repaint a minute counter): waking much later than that is a gap in time.
        """
        wait: float | None
        if self.phase is Phase.WAITING:
            wait = self.next_due - now.mono
        elif self.phase is Phase.NUDGING and self.nudge is not None:
            wait = self.nudge.at.mono + self.rules.expire - now.mono
        elif self.phase is Phase.OFF:
            opens = self.rules.hours.next_open(now.wall, self.tz)
            wait = None if opens is None else opens - now.wall
        else:
            wait = None
        if wait is not None:
            wait = max(0.0, wait)
        if cap is not None:
            wait = cap if wait is None else min(wait, cap)
        self._expected = None if wait is None else now.mono + wait
        return wait

    # ---------------------------------------------------------------- the clock moves

    def advance(
        self, now: Instant, *, finished: float | None = None, workout: bool = False
    ) -> list[Event]:
        """Catch up to ``now``. ``finished``: wall time of the latest routine that ended
        (from history); ``workout``: a routine is running somewhere right now."""
        events: list[Event] = []
        if self.phase is Phase.BREAK:
            self._seen = now
            return events
        gap, why = self._gap(now)
        self._seen = now
        self._expected = None
        if gap >= self.rules.interval:
            events += self._start_over(now, why, gap)
        if finished is not None and finished > self.break_wall:
            events += self._count_break(now, finished)
        opened = self.rules.hours.is_open(now.wall, self.tz)
        if not opened:
            if self.phase is Phase.WAITING:
                self.phase = Phase.OFF
        elif self.phase is Phase.OFF:
            events += self._start_over(now, "hours")
        nudge = self.nudge
        if nudge is not None and now.mono - nudge.at.mono >= self.rules.expire - EPSILON:
            events += self._resolve(now, "missed", self.rules.interval)
        due = now.mono >= self.next_due - EPSILON
        if self.phase is Phase.WAITING and opened and due and not workout:
            self.nudge = Nudge(now, self.sat(now))
            self.last_fired = now.mono
            self.phase = Phase.NUDGING
            events.append(Fired(self.nudge))
        return events

    def _gap(self, now: Instant) -> tuple[float, str]:
        slept = (now.wall - self._seen.wall) - (now.mono - self._seen.mono)
        late = now.mono - self._expected if self._expected is not None else 0.0
        if slept > SLEEP_SLACK and slept >= late:
            return slept, "sleep"
        return late, "late"

    def _start_over(self, now: Instant, reason: str, gap: float = 0.0) -> list[Event]:
        events: list[Event] = []
        if self.phase is Phase.NUDGING:
            events.append(self._resolved_event(now, "missed"))
        self.nudge = None
        self.sitting_since = now.mono
        self.next_due = self._not_before(now.mono + self.rules.interval)
        self.phase = Phase.WAITING
        events.append(StartedOver(reason, gap))
        return events

    def _count_break(self, now: Instant, finished_wall: float) -> list[Event]:
        self.break_wall = finished_wall
        at = Instant(now.mono - max(0.0, now.wall - finished_wall), min(finished_wall, now.wall))
        if at.mono <= self.sitting_since:
            return []  # older than what we already count from (e.g. before a start-over)
        events: list[Event] = []
        if self.phase is Phase.NUDGING:
            events.append(self._resolved_event(now, "taken"))
            self.nudge = None
            if self.rules.hours.is_open(now.wall, self.tz):
                self.phase = Phase.WAITING
        self.sitting_since = at.mono
        self.next_due = self._not_before(at.mono + self.rules.interval)
        events.append(BreakCounted(at))
        return events

    def _not_before(self, due: float) -> float:
        """Never two nudges closer than the snooze length, whatever asked for the next one."""
        if self.last_fired is None:
            return due
        return max(due, self.last_fired + self.rules.snooze)

    def _resolved_event(self, now: Instant, outcome: str) -> Resolved:
        return Resolved(self.nudge, outcome, now)

    def _resolve(self, now: Instant, outcome: str, wait: float) -> list[Event]:
        event = self._resolved_event(now, outcome)
        self.nudge = None
        self.phase = Phase.WAITING
        self.next_due = self._not_before(now.mono + wait)
        return [event]

    # ---------------------------------------------------------------- the user's keys

    def snooze(self, now: Instant) -> list[Event]:
        if self.phase is not Phase.NUDGING:
            return []
        return self._resolve(now, "snoozed", self.rules.snooze)

    def skip(self, now: Instant) -> list[Event]:
        """Not this one: the next nudge comes a whole interval from now."""
        if self.phase is not Phase.NUDGING:
            return []
        return self._resolve(now, "skipped", self.rules.interval)

    def start_break(self, now: Instant) -> list[Event]:
        """The user goes to do the routine: at a nudge, or early ("start now")."""
        if self.phase is Phase.BREAK:
            return []
        self.phase = Phase.BREAK
        self._expected = None
        return []

    def break_ended(self, now: Instant, *, done: bool = True) -> list[Event]:
        """The routine the user started is over. ``done`` False: it never ran (it could not
        be found, say), so the nudge is offered again."""
        if self.phase is not Phase.BREAK:
            return []
        self._seen = now
        self._expected = None
        if not done:
            self.phase = Phase.NUDGING if self.nudge is not None else Phase.WAITING
            if self.nudge is not None:
                # The offer stands, but it must not expire for time spent trying.
                self.nudge = Nudge(now, self.nudge.sat)
            return []
        events: list[Event] = [Resolved(self.nudge, "taken", now)]
        self.nudge = None
        self.phase = Phase.WAITING
        self.break_wall = now.wall
        self.sitting_since = now.mono
        self.next_due = self._not_before(now.mono + self.rules.interval)
        events.append(BreakCounted(now))
        if not self.rules.hours.is_open(now.wall, self.tz):
            self.phase = Phase.OFF
        return events

    def close(self, now: Instant) -> list[Event]:
        """The reminder is quitting: a nudge still up was missed."""
        if self.phase in (Phase.NUDGING, Phase.BREAK) and self.nudge is not None:
            event = self._resolved_event(now, "missed")
            self.nudge = None
            self.phase = Phase.WAITING
            return [event]
        return []
