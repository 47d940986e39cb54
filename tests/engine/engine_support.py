"""Helpers the engine tests share: a clock the test moves, and ways to build plans."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable
from pathlib import Path

from fakes import FakeClock as FakeClock

from glutecoach.engine.catalog import load_catalog
from glutecoach.engine.model import Plan, Routine, RoutineEntry
from glutecoach.engine.plan import PlanOptions, build_plan, speech_seconds
from glutecoach.engine.routines import load_routines

ALL_EQUIPMENT = frozenset({"band", "weight"})
# Seconds of speech of every line the built-in plans can say, as the bundled voice says them
# at 170 words a minute (trimmed); remade by tests/ear/measure_lengths.py.
MEASURED: dict[str, float] = json.loads(
    (Path(__file__).with_name("bundled_voice_lengths.json")).read_text(encoding="utf-8")
)


def builtin_plan(
    routine_id: str,
    levels: dict[str, int] | None = None,
    equipment: Iterable[str] = ALL_EQUIPMENT,
) -> Plan:
    routine = load_routines().get(routine_id)
    options = PlanOptions(levels=dict(levels or {}), equipment=frozenset(equipment))
    return build_plan(routine, load_catalog(), options)


def routine_of(
    *entries: RoutineEntry,
    lead_in: float = 10,
    transition: float = 10,
    switch: float = 5,
    name: str = "Test",
) -> Routine:
    return Routine(
        id="test",
        name=name,
        entries=tuple(entries),
        lead_in=lead_in,
        transition=transition,
        switch=switch,
    )


def plan_of(routine: Routine, **options: object) -> Plan:
    return build_plan(routine, load_catalog(), PlanOptions(**options))  # type: ignore[arg-type]


def all_cues(plan: Plan) -> list[tuple[float, str]]:
    """Every cue of the plan on the routine's timeline, in time order, closing line last."""
    found = [(step.start + cue.at, cue.text) for step in plan.steps for cue in step.cues]
    found.sort(key=lambda item: item[0])
    if plan.closing:
        found.append((plan.total_seconds, plan.closing.text))
    return found


def cue_overlaps(plan: Plan, lengths: Callable[[str], float] = speech_seconds) -> list[str]:
    """Pairs of consecutive cues (on the whole timeline) where one starts before the other
    has been said, plus any cue that does not fit inside its own step. ``lengths``: how long
    each line lasts (the model, or the measured table the plan was laid out with)."""
    problems: list[str] = []
    timeline: list[tuple[float, float, str]] = []
    for i, step in enumerate(plan.steps):
        for cue in step.cues:
            length = lengths(cue.text)
            if cue.at < -1e-9 or cue.at + length > step.seconds + 0.006:
                problems.append(
                    f"step {i} ({step.kind}, {step.seconds}s): {cue.text!r} at {cue.at} "
                    f"lasts {length}s and does not fit"
                )
            timeline.append((step.start + cue.at, step.start + cue.at + length, cue.text))
    timeline.sort()
    # Cue times are rounded to 0.01 s when placed (up to 0.005 s off), so allow
    # that rounding and nothing more.
    for (s1, e1, t1), (s2, _e2, t2) in itertools.pairwise(timeline):
        if s2 < e1 - 0.006:
            problems.append(f"{t1!r} ({s1:.2f}-{e1:.2f}) overlaps {t2!r} at {s2:.2f}")
    return problems
