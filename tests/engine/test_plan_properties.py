"""Property: whatever valid routine a user writes, the coach never talks over itself."""

from __future__ import annotations

from dataclasses import replace

from engine_support import MEASURED, cue_overlaps
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glutecoach.engine.catalog import load_catalog
from glutecoach.engine.model import Cue, CueKind, Plan, Routine, RoutineEntry, Step, StepKind
from glutecoach.engine.plan import PlanOptions, build_plan, lengths_for

CATALOG = load_catalog()
IDS = sorted(CATALOG)


def seconds(low: float, high: float) -> st.SearchStrategy[float]:
    """Whole seconds mostly (what people write), odd fractions sometimes."""
    return st.one_of(
        st.integers(int(low), int(high)).map(float),
        st.floats(low, high, allow_nan=False, allow_infinity=False),
    )


@st.composite
def entries(draw: st.DrawFn) -> RoutineEntry:
    exercise = draw(st.sampled_from(IDS))
    if draw(st.booleans()):
        reps = draw(st.integers(1, 100))
        tempo = draw(st.none() | seconds(1, 10))
        return RoutineEntry(
            exercise,
            sets=draw(st.integers(1, 20)),
            reps=reps,
            tempo=tempo,
            rest=draw(seconds(0, 600)),
        )
    return RoutineEntry(
        exercise,
        sets=draw(st.integers(1, 20)),
        seconds=draw(seconds(1, 3600)),
        rest=draw(seconds(0, 600)),
    )


@st.composite
def routines(draw: st.DrawFn) -> Routine:
    return Routine(
        id="random",
        name=draw(st.sampled_from(["R", "A much longer routine name for the summary"])),
        entries=tuple(draw(st.lists(entries(), min_size=1, max_size=4))),
        lead_in=draw(seconds(0, 120)),
        transition=draw(seconds(0, 120)),
        switch=draw(seconds(0, 60)),
    )


options = st.builds(
    PlanOptions,
    levels=st.dictionaries(st.sampled_from(IDS), st.integers(1, 5)),
    equipment=st.frozensets(st.sampled_from(["band", "weight"])),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(routine=routines(), opts=options)
def test_no_cue_overlaps_another_or_spills_out_of_its_step(
    routine: Routine, opts: PlanOptions
) -> None:
    plan = build_plan(routine, CATALOG, opts)
    assert cue_overlaps(plan) == []


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    routine=routines(),
    opts=options,
    pace=st.floats(0.5, 2.0),
    kept=st.sets(st.sampled_from(sorted(MEASURED)), max_size=len(MEASURED)),
)
def test_with_measured_lengths_no_cue_overlaps_another_or_spills_out_of_its_step(
    routine: Routine, opts: PlanOptions, pace: float, kept: set[str]
) -> None:
    """As the voice lays plans out: the lengths it measured (at any speaking rate, some lines
    not measured yet), the model for the rest."""
    measured = {text: MEASURED[text] * pace for text in kept}
    opts = replace(opts, speech_seconds=measured, speech_rate=round(170 / pace))
    plan = build_plan(routine, CATALOG, opts)
    assert cue_overlaps(plan, lengths_for(opts)) == []


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(routine=routines(), opts=options)
def test_steps_tile_the_routine_and_every_side_gets_equal_work(
    routine: Routine, opts: PlanOptions
) -> None:
    plan = build_plan(routine, CATALOG, opts)
    clock = 0.0
    for step in plan.steps:
        assert step.seconds > 0
        assert abs(step.start - clock) < 1e-6
        clock = step.end
    assert abs(plan.total_seconds - clock) < 1e-6
    for index, entry in enumerate(routine.entries):
        work = [s for s in plan.steps if s.kind is StepKind.WORK and s.entry == index]
        sides = 2 if CATALOG[entry.exercise].one_sided else 1
        assert len(work) == entry.sets * sides
        assert len({s.seconds for s in work}) == 1


def test_the_overlap_check_catches_overlaps_and_spills() -> None:
    """The property above is only as good as its checker: show that it can fail."""
    step = Step(
        StepKind.WORK,
        5,
        (Cue(0, "One two three four five", CueKind.ANNOUNCE), Cue(1.0, "3", CueKind.COUNT)),
    )
    spill = Step(StepKind.REST, 5, (Cue(4.0, "far too many words here", CueKind.NEXT),), start=5)
    routine = Routine("x", "X", (RoutineEntry("clamshell", seconds=5),))
    problems = cue_overlaps(Plan(routine, (step, spill), {}))
    assert any("overlaps" in p for p in problems)
    assert any("does not fit" in p for p in problems)
    fine = Step(StepKind.WORK, 5, (Cue(0, "Go.", CueKind.ANNOUNCE), Cue(2, "3", CueKind.COUNT)))
    assert cue_overlaps(Plan(routine, (fine,), {})) == []
