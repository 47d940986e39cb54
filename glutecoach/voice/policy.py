"""Which cue is spoken when: pure logic, driven by an injected ``now``.

Someone on the floor needs the timing first: a countdown number is useless a second late
and must never wait behind a form reminder. So:

- timing cues (countdown numbers, rep counts) cut whatever is playing, even an older count;
- a cue cuts the one playing when it matters more (names and "switch sides" cut set-up and
  form cues);
- otherwise it waits its turn, most important first, and is dropped once too late to help;
- a newer timing cue replaces an older one still waiting;
- form cues are spoken only when nothing else is playing or waiting;
- ``flush`` (pause, skip, previous, quit) drops the queue and cuts the current utterance.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from glutecoach.engine.model import Cue, CueKind, Priority

# How late a cue may start and still help. A count past its second misleads.
DEFAULT_MAX_LATE: Mapping[Priority, float] = MappingProxyType(
    {Priority.TIMING: 0.5, Priority.KEY: 4.0, Priority.INFO: 6.0, Priority.FORM: 2.0}
)


@dataclass(frozen=True, slots=True)
class Utterance:
    id: int
    text: str
    kind: CueKind
    due: float
    deadline: float

    @property
    def priority(self) -> Priority:
        return self.kind.priority


@dataclass(frozen=True, slots=True)
class Play:
    utterance: Utterance


@dataclass(frozen=True, slots=True)
class Cut:
    utterance: Utterance


@dataclass(frozen=True, slots=True)
class Drop:
    utterance: Utterance
    reason: str  # "late" | "replaced" | "busy" | "flushed"


Action = Play | Cut | Drop


@dataclass
class CuePolicy:
    """Decides; does no I/O. The caller carries out the returned actions in order.

    ``available`` is False until the speaker is ready (the worker is starting): cues wait
    in the queue meanwhile, under the same rules.
    """

    max_late: Mapping[Priority, float] = field(default_factory=lambda: DEFAULT_MAX_LATE)
    available: bool = True
    speaking: Utterance | None = None
    queue: list[Utterance] = field(default_factory=list)
    _next_id: int = 0

    def offer(self, cue: Cue, due: float, now: float) -> list[Action]:
        self._next_id += 1
        u = Utterance(self._next_id, cue.text, cue.kind, due, due + self.max_late[cue.priority])
        actions: list[Action] = self._expire(now)
        if now > u.deadline:
            return [*actions, Drop(u, "late")]
        if u.priority == Priority.TIMING:
            for old in [q for q in self.queue if q.priority == Priority.TIMING]:
                self.queue.remove(old)
                actions.append(Drop(old, "replaced"))
        if not self.available:
            return [*actions, *self._enqueue(u)]
        current = self.speaking
        if current is None:
            if u.priority == Priority.FORM and self.queue:
                return [*actions, Drop(u, "busy")]
            self._enqueue(u)
            return [*actions, *self._dispatch(now)]
        if u.priority < current.priority or u.priority == Priority.TIMING:
            self.speaking = None
            return [*actions, Cut(current), Play(self._start(u))]
        if u.priority == Priority.FORM:
            return [*actions, Drop(u, "busy")]
        return [*actions, *self._enqueue(u)]

    def finished(self, uid: int, now: float) -> list[Action]:
        """The speaker says utterance ``uid`` ended (or failed); start the next one."""
        if self.speaking is None or self.speaking.id != uid:
            return []
        self.speaking = None
        return self._dispatch(now)

    def tick(self, now: float) -> list[Action]:
        """Drop what has gone stale; start the next cue if the speaker is free."""
        return self._dispatch(now)

    def ready(self, now: float) -> list[Action]:
        self.available = True
        return self._dispatch(now)

    def flush(self) -> list[Action]:
        actions: list[Action] = [Drop(u, "flushed") for u in self.queue]
        self.queue.clear()
        if self.speaking is not None:
            actions.insert(0, Cut(self.speaking))
            self.speaking = None
        return actions

    def reset(self, available: bool = False) -> list[Action]:
        """The speaker went away (worker restart): forget what it was doing."""
        actions: list[Action] = [a for a in self.flush() if isinstance(a, Drop)]
        self.available = available
        return actions

    def _start(self, u: Utterance) -> Utterance:
        self.speaking = u
        return u

    def _enqueue(self, u: Utterance) -> list[Action]:
        at = len(self.queue)
        for i, q in enumerate(self.queue):
            if u.priority < q.priority:
                at = i
                break
        self.queue.insert(at, u)
        return []

    def _expire(self, now: float) -> list[Action]:
        stale = [u for u in self.queue if now > u.deadline]
        for u in stale:
            self.queue.remove(u)
        return [Drop(u, "late") for u in stale]

    def _dispatch(self, now: float) -> list[Action]:
        actions: list[Action] = self._expire(now)
        if self.available and self.speaking is None and self.queue:
            actions.append(Play(self._start(self.queue.pop(0))))
        return actions
