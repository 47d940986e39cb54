"""What was done of one exercise, from the steps that ended.

Counted in sets: a set of a one-sided exercise is done when both of its sides are. After
"previous" a step can end twice: a step done once stays done, at its best time. History
(what is stored) and the summary screen (what is shown) both count this way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from glutecoach.engine.model import Side, Step

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
