"""Small hand-built plans for the store tests (importable from a child process too)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from glutecoach.engine.model import (
    Exercise,
    Level,
    Plan,
    PlannedExercise,
    Routine,
    RoutineEntry,
    Side,
    Step,
    StepKind,
)
from glutecoach.engine.progress import PlanTally

if TYPE_CHECKING:
    from glutecoach.workout.ports import Recorder


def _levels(name: str, n: int) -> tuple[Level, ...]:
    return tuple(Level(f"{name} {i}", f"harder than {i - 1}", f"cue {i}") for i in range(1, n + 1))


BRIDGE = Exercise(
    id="glute-bridge",
    name="Glute bridge",
    why="wakes the glutes",
    setup="lie on your back",
    form=("squeeze",),
    equipment=(),
    one_sided=False,
    tempo=3,
    levels=_levels("Bridge", 4),
)
CLAM = Exercise(
    id="clamshell",
    name="Clamshell",
    why="side glutes",
    setup="lie on your side",
    form=("keep hips stacked",),
    equipment=(),
    one_sided=True,
    tempo=2,
    levels=_levels("Clam", 3),
)
STRETCH = Exercise(
    id="hip-flexor-stretch",
    name="Hip flexor stretch",
    why="opens the hip",
    setup="half kneel",
    form=("tuck the pelvis",),
    equipment=(),
    one_sided=True,
    tempo=3,
    levels=_levels("Stretch", 3),
)
CATALOG = {e.id: e for e in (BRIDGE, CLAM, STRETCH)}


def make_plan(levels: dict[str, int] | None = None, routine_id: str = "test-routine") -> Plan:
    """Bridge 2x10 reps (two-sided), clamshell 2x8 per side, a 30 s stretch per side."""
    levels = levels or {}
    steps: list[Step] = []
    t = 0.0

    def add(kind: StepKind, seconds: float, **kw: object) -> None:
        nonlocal t
        steps.append(Step(kind, seconds, start=t, **kw))  # type: ignore[arg-type]
        t += seconds

    add(StepKind.LEAD_IN, 5, exercise="glute-bridge")
    for s in (1, 2):
        add(
            StepKind.WORK,
            30,
            exercise="glute-bridge",
            set=s,
            sets=2,
            reps=10,
            tempo=3,
            entry=0,
            level=levels.get("glute-bridge", 1),
        )
        if s == 1:
            add(StepKind.REST, 20, exercise="glute-bridge", entry=0)
    add(StepKind.TRANSITION, 10, exercise="clamshell", entry=1)
    for s in (1, 2):
        for side in (Side.LEFT, Side.RIGHT):
            add(
                StepKind.WORK,
                16,
                exercise="clamshell",
                set=s,
                sets=2,
                reps=8,
                tempo=2,
                side=side,
                entry=1,
                level=levels.get("clamshell", 1),
            )
            if side is Side.LEFT:
                add(StepKind.SWITCH, 5, exercise="clamshell", entry=1)
    add(StepKind.TRANSITION, 10, exercise="hip-flexor-stretch", entry=2)
    for side in (Side.LEFT, Side.RIGHT):
        add(
            StepKind.WORK,
            30,
            exercise="hip-flexor-stretch",
            set=1,
            sets=1,
            side=side,
            entry=2,
            level=levels.get("hip-flexor-stretch", 1),
        )
    routine = Routine(
        id=routine_id,
        name="Test routine",
        entries=(
            RoutineEntry("glute-bridge", sets=2, reps=10),
            RoutineEntry("clamshell", sets=2, reps=8),
            RoutineEntry("hip-flexor-stretch", sets=1, seconds=30),
        ),
    )
    planned = {
        ex.id: PlannedExercise(ex, levels.get(ex.id, 1), ex.level(levels.get(ex.id, 1)))
        for ex in (BRIDGE, CLAM, STRETCH)
    }
    return Plan(routine, tuple(steps), planned)


def run_all(record: Recorder, plan: Plan, upto: int | None = None) -> PlanTally:
    """Finish every step (or the first ``upto``) as completed, counting as a run does."""
    tally = PlanTally(plan)
    for i, step in enumerate(plan.steps[:upto]):
        record.progress(tally.ended(i, step, step.seconds, True), tally.active_seconds)
    return tally


def end_step(
    record: Recorder, tally: PlanTally, plan: Plan, index: int, seconds: float, completed: bool
) -> None:
    """One step end, as a run reports it."""
    step = plan.steps[index]
    record.progress(tally.ended(index, step, seconds, completed), tally.active_seconds)
