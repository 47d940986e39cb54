"""What was done of one exercise, from the steps that ended.

Counted in sets: a set of a one-sided exercise is done when both of its sides are. After
"previous" a step can end twice: a step done once stays done, at its best time. History
(what is stored) and the summary screen (what is shown) both count this way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from glutecoach.engine.model import Plan, Side, Step, StepKind

SetKey = tuple[int, int]  # (routine entry, set number)


@dataclass
class ExerciseProgress:
    sides_needed: dict[SetKey, set[Side | None]] = field(default_factory=dict)
    steps: dict[int, tuple[Step, float, bool]] = field(default_factory=dict)

    def plan(self, step: Step) -> None:
        """Count a planned work step of this exercise."""
        self.sides_needed.setdefault((step.entry, step.set or 1), set()).add(step.side)

    def ended(self, index: int, step: Step, seconds_done: float, completed: bool) -> None:
        earlier = self.steps.get(index)
        if earlier is not None:
            seconds_done = max(seconds_done, earlier[1])
            completed = completed or earlier[2]
        self.steps[index] = (step, seconds_done, completed)

    @property
    def sets_planned(self) -> int:
        return len(self.sides_needed)

    def totals(self) -> tuple[int, int, float]:
        """Sets done, reps done (partial rep work counted to the tempo), seconds done."""
        done_sides: dict[SetKey, set[Side | None]] = {}
        reps = 0
        seconds = 0.0
        for step, seconds_done, completed in self.steps.values():
            seconds += seconds_done
            if completed:
                done_sides.setdefault((step.entry, step.set or 1), set()).add(step.side)
                reps += step.reps or 0
            elif step.reps and step.tempo:
                reps += min(step.reps, int(seconds_done // step.tempo))
        sets_done = sum(
            1 for key, needed in self.sides_needed.items() if needed <= done_sides.get(key, set())
        )
        return sets_done, reps, seconds


@dataclass(frozen=True, slots=True)
class ExerciseDone:
    """What has been done of one exercise so far in a session (the one count of it)."""

    exercise: str
    sets_done: int
    reps_done: int
    seconds_done: float


@dataclass(frozen=True, slots=True)
class PlannedRow:
    """One exercise as a session starts: where it comes, its level, the sets planned."""

    position: int
    exercise: str
    name: str
    level: int
    sets_planned: int


class PlanTally:
    """What was done of a whole plan, counted once: the summary and history both read it.

    ``ended`` takes every step end the session reports and returns the touched exercise's
    new totals; ``active_seconds`` is the finished steps' sum (a repeated step counts once,
    latest wins) until the session gives the exact figure.
    """

    def __init__(self, plan: Plan) -> None:
        self.exercises: dict[str, ExerciseProgress] = {}
        self.rows: list[PlannedRow] = []
        levels: dict[str, int] = {}
        names: dict[str, str] = {}
        for exercise_id, planned in plan.exercises.items():
            self.exercises[exercise_id] = ExerciseProgress()
            levels[exercise_id] = planned.level
            names[exercise_id] = planned.exercise.name
        for step in plan.steps:
            if step.kind is not StepKind.WORK or step.exercise is None:
                continue
            progress = self.exercises.setdefault(step.exercise, ExerciseProgress())
            levels.setdefault(step.exercise, step.level or 1)
            names.setdefault(step.exercise, step.exercise)
            progress.plan(step)
        self.rows = [
            PlannedRow(i, ex, names[ex], levels[ex], progress.sets_planned)
            for i, (ex, progress) in enumerate(self.exercises.items())
        ]
        self._step_seconds: dict[int, float] = {}

    def ended(
        self, index: int, step: Step, seconds_done: float, completed: bool
    ) -> ExerciseDone | None:
        seconds_done = max(0.0, float(seconds_done))
        self._step_seconds[index] = seconds_done
        if step.kind is not StepKind.WORK or step.exercise not in self.exercises:
            return None
        progress = self.exercises[step.exercise]
        progress.ended(index, step, seconds_done, completed)
        return self.done(step.exercise)

    def done(self, exercise: str) -> ExerciseDone:
        sets, reps, seconds = self.exercises[exercise].totals()
        return ExerciseDone(exercise, sets, reps, seconds)

    @property
    def active_seconds(self) -> float:
        return sum(self._step_seconds.values())
