"""The engine's value types. Everything here is immutable and cheap to compare."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from glutecoach.engine.plan import PlanOptions


class Priority(IntEnum):
    """How much a cue matters to someone who cannot see the screen (lower wins).

    The voice policy uses this: timing preempts everything, names and "switch sides"
    preempt form cues, form cues are spoken only when the voice is idle.
    """

    TIMING = 0
    KEY = 1
    INFO = 2
    FORM = 3


class CueKind(StrEnum):
    COUNT = "count"  # countdown numbers in the last seconds of a step
    REP = "rep"  # rep counts, to the tempo
    ANNOUNCE = "announce"  # exercise names, set starts, "rest", "switch sides", "go"
    NEXT = "next"  # what comes next, said during rests
    HALFWAY = "halfway"
    SETUP = "setup"  # how to get into position
    FORM = "form"  # technique reminders during the work
    SUMMARY = "summary"  # the closing line

    @property
    def priority(self) -> Priority:
        return _PRIORITY[self]


_PRIORITY = {
    CueKind.COUNT: Priority.TIMING,
    CueKind.REP: Priority.TIMING,
    CueKind.ANNOUNCE: Priority.KEY,
    CueKind.HALFWAY: Priority.KEY,
    CueKind.SUMMARY: Priority.KEY,
    CueKind.NEXT: Priority.INFO,
    CueKind.SETUP: Priority.INFO,
    CueKind.FORM: Priority.FORM,
}


class StepKind(StrEnum):
    LEAD_IN = "lead_in"
    WORK = "work"
    SWITCH = "switch"
    REST = "rest"
    TRANSITION = "transition"


class Side(StrEnum):
    LEFT = "left"
    RIGHT = "right"


@dataclass(frozen=True, slots=True)
class Level:
    """One rung of an exercise's progression ladder."""

    name: str
    change: str  # what is different from the rung below, for the screen
    cue: str  # spoken once at the start of each set at this level
    tempo: float | None = None  # seconds per rep, when this rung changes it
    equipment: tuple[str, ...] = ()  # what this rung needs beyond the exercise's own
    setup: str = ""  # replaces the exercise's set-up cue when this rung is set up differently
    form: tuple[str, ...] = ()  # replaces the exercise's form cues when this rung needs others
    rhythm: str = ""  # said in every rep, RHYTHM_AT s in, when a rep is long ("squeeze, ...")


@dataclass(frozen=True, slots=True)
class Exercise:
    id: str
    name: str
    why: str
    setup: str  # spoken: how to get into position
    form: tuple[str, ...]  # spoken during the work
    equipment: tuple[str, ...]  # needed at every level (e.g. "band")
    one_sided: bool
    tempo: float  # default seconds per rep
    levels: tuple[Level, ...]
    no_band: Level | None = None  # what to do instead when the user has no band
    spoken_name: str = ""  # how the coach says it, if not the display name
    side_cue: str = ""  # spoken when a side starts; "{side}" becomes "Left" or "Right"

    @property
    def say_name(self) -> str:
        return self.spoken_name or self.name

    def level(self, number: int) -> Level:
        """Level ``number`` (1-based), clamped to the ladder."""
        return self.levels[max(1, min(number, len(self.levels))) - 1]


@dataclass(frozen=True, slots=True)
class RoutineEntry:
    exercise: str
    sets: int = 1
    reps: int | None = None
    seconds: float | None = None
    tempo: float | None = None
    rest: float = 0


@dataclass(frozen=True, slots=True)
class Routine:
    id: str
    name: str
    entries: tuple[RoutineEntry, ...]
    description: str = ""
    lead_in: float = 10
    transition: float = 10
    switch: float = 5
    exercises: dict[str, Exercise] = field(default_factory=dict)  # defined by the file itself
    path: Path | None = None
    builtin: bool = False


@dataclass(frozen=True, slots=True)
class Cue:
    """Something the coach says, ``at`` seconds after its step starts."""

    at: float
    text: str
    kind: CueKind

    @property
    def priority(self) -> Priority:
        return self.kind.priority

    def to_json(self) -> dict[str, Any]:
        return {"at": self.at, "text": self.text, "kind": str(self.kind)}


@dataclass(frozen=True, slots=True)
class Step:
    kind: StepKind
    seconds: float
    cues: tuple[Cue, ...] = ()
    exercise: str | None = None  # the exercise this step belongs to (the upcoming one for
    # lead-in and transition steps)
    set: int | None = None
    sets: int | None = None
    side: Side | None = None
    reps: int | None = None
    tempo: float | None = None  # seconds per rep, for rep work
    level: int | None = None
    entry: int = 0  # index of the routine entry this step belongs to
    start: float = 0  # seconds from the start of the routine

    @property
    def end(self) -> float:
        return self.start + self.seconds

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": str(self.kind),
            "seconds": self.seconds,
            "exercise": self.exercise,
            "set": self.set,
            "sets": self.sets,
            "side": str(self.side) if self.side else None,
            "reps": self.reps,
            "level": self.level,
            "cues": [c.to_json() for c in self.cues],
        }


@dataclass(frozen=True, slots=True)
class PlannedExercise:
    """An exercise as this plan uses it: the rung chosen and why."""

    exercise: Exercise
    level: int  # 1-based rung on the ladder
    rung: Level  # the rung actually used (the no-band substitute when there is no band)
    substituted: bool = False  # True when the no-band substitute replaced the rung

    @property
    def equipment(self) -> frozenset[str]:
        """What this exercise needs as planned (a substitute needs none of the exercise's)."""
        own = () if self.substituted else self.exercise.equipment
        return frozenset((*own, *self.rung.equipment))


@dataclass(frozen=True, slots=True)
class Plan:
    routine: Routine
    steps: tuple[Step, ...]
    exercises: dict[str, PlannedExercise]
    closing: Cue | None = None  # said when the last step ends
    # How it was laid out (levels, equipment, speech lengths), so it can be laid out again
    # with what the voice measured (glutecoach.workout.replan); None for a plan made by hand.
    options: PlanOptions | None = field(default=None, compare=False, repr=False)

    @property
    def total_seconds(self) -> float:
        return self.steps[-1].end if self.steps else 0.0

    def next_step(self, index: int) -> Step | None:
        """The step after step ``index``, or None after the last one."""
        return self.steps[index + 1] if index + 1 < len(self.steps) else None

    @property
    def equipment(self) -> list[str]:
        """Everything the routine needs as planned, sorted."""
        return sorted(set().union(*(p.equipment for p in self.exercises.values())))

    def to_json(self) -> dict[str, Any]:
        return {
            "routine": self.routine.id,
            "name": self.routine.name,
            "total_seconds": self.total_seconds,
            "steps": [s.to_json() for s in self.steps],
            "closing": self.closing.to_json() if self.closing else None,
        }
