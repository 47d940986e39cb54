"""What a workout run tells its front end to render, in the order it happened.

The front ends (the app's workout screen, line mode, a browser) draw these and nothing else:
they never look at the session's own events, so they cannot disagree about what happened.
By the time a front end sees an event, the voice has already been told and the history
write has been queued.
"""

from __future__ import annotations

from dataclasses import dataclass

from glutecoach.engine.model import Cue, CueKind, Plan, Step
from glutecoach.engine.progress import PlanTally

# The countdown and the rep line already show these, so a screen need not caption them.
QUIET_KINDS = (CueKind.COUNT, CueKind.REP)


@dataclass(frozen=True, slots=True)
class StepChanged:
    index: int
    step: Step
    next_step: Step | None


@dataclass(frozen=True, slots=True)
class CueShown:
    cue: Cue
    index: int  # the step it belongs to; len(plan.steps) for the closing line
    at: float  # seconds from the start of the routine, as planned

    @property
    def quiet(self) -> bool:
        """A count or rep number: the countdown shows it already."""
        return self.cue.kind in QUIET_KINDS


@dataclass(frozen=True, slots=True)
class Paused:
    pass


@dataclass(frozen=True, slots=True)
class Resumed:
    pass


@dataclass(frozen=True, slots=True)
class Suspended:
    """The clock jumped (the computer slept): the run paused itself where it was."""

    gap: float


@dataclass(frozen=True, slots=True)
class Preparing:
    """The voice is getting ready; the clock starts when it is (or after a short wait)."""


@dataclass(frozen=True, slots=True)
class GettingVoiceReady:
    """Still preparing after a moment: the voice is rendering the first lines (an empty
    phrase cache: a first session, or another voice or rate). The clock starts when they
    are rendered, or after ``bound`` seconds at most (then a ``VoiceNotice`` says so)."""

    bound: float


@dataclass(frozen=True, slots=True)
class Started:
    """The clock is running from the first step; ``voice_ready`` is False when it started
    without waiting any longer for the voice's first lines (a notice says so)."""

    voice_ready: bool = True


@dataclass(frozen=True, slots=True)
class MuteChanged:
    muted: bool


@dataclass(frozen=True, slots=True)
class Repeated:
    """The last cue was asked for again; ``text`` is it ("" when nothing was said yet)."""

    text: str


@dataclass(frozen=True, slots=True)
class VoiceState:
    state: str  # idle, speaking, muted, captions, relay, off


@dataclass(frozen=True, slots=True)
class VoiceNotice:
    text: str


@dataclass(frozen=True, slots=True)
class HistoryNotice:
    text: str


@dataclass(frozen=True, slots=True)
class ExerciseSummary:
    exercise: str
    name: str
    sets_done: int
    sets_planned: int
    reps_done: int
    seconds_done: float


@dataclass(frozen=True, slots=True)
class WorkoutSummary:
    plan: Plan
    status: str  # completed or partial
    active_seconds: float
    routine_elapsed: float
    exercises: tuple[ExerciseSummary, ...] = ()
    left_early: bool = False


def summary_of(
    plan: Plan,
    tally: PlanTally,
    status: str,
    active_seconds: float,
    routine_elapsed: float,
    left_early: bool,
) -> WorkoutSummary:
    """The summary of a run that ended: each planned exercise with what was done of it."""
    exercises = []
    for row in tally.rows:
        if not row.sets_planned:
            continue
        done = tally.done(row.exercise)
        exercises.append(
            ExerciseSummary(
                row.exercise,
                row.name,
                done.sets_done,
                row.sets_planned,
                done.reps_done,
                done.seconds_done,
            )
        )
    return WorkoutSummary(
        plan, status, active_seconds, routine_elapsed, tuple(exercises), left_early
    )


@dataclass(frozen=True, slots=True)
class Finished:
    summary: WorkoutSummary


ViewEvent = (
    StepChanged
    | CueShown
    | Paused
    | Resumed
    | Suspended
    | Preparing
    | GettingVoiceReady
    | Started
    | MuteChanged
    | Repeated
    | VoiceState
    | VoiceNotice
    | HistoryNotice
    | Finished
)
