"""How steps and times read on screen: short, in the coach's own words."""

from __future__ import annotations

from typing import Any

from glutecoach.engine.describe import STEP_LABELS
from glutecoach.engine.describe import exercise_name as exercise_name
from glutecoach.engine.describe import mmss as mmss
from glutecoach.engine.model import Plan, Step, StepKind

# The band says the same words as line mode and `glutecoach plan`, in capitals.
PHASE_WORDS = {kind: label.upper() for kind, label in STEP_LABELS.items()}

PHASE_CLASSES = {
    StepKind.LEAD_IN: "-phase-get-ready",
    StepKind.WORK: "-phase-work",
    StepKind.REST: "-phase-rest",
    StepKind.SWITCH: "-phase-switch",
    StepKind.TRANSITION: "-phase-get-ready",
}


def span(seconds: float) -> str:
    """A duration for the ear and eye: '45 s', '2 min', '7 min 30 s'."""
    whole = max(0, round(seconds))
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    return f"{minutes} min" if secs == 0 else f"{minutes} min {secs} s"


def exercise_title(plan: Plan, step: Step) -> str:
    """'Clamshell, level 2: bottom foot lifted'."""
    if step.exercise is None:
        return ""
    planned = plan.exercises.get(step.exercise)
    if planned is None:
        return step.exercise
    title = f"{planned.exercise.name}, level {planned.level}: {planned.rung.name}"
    return f"{title} (no band)" if planned.substituted else title


def set_side(step: Step) -> str:
    parts = []
    if step.set is not None and step.sets is not None:
        parts.append(f"set {step.set} of {step.sets}")
    if step.side is not None:
        parts.append(f"{step.side} side")
    return " · ".join(parts)


def work_amount(step: Step) -> str:
    if step.reps:
        return f"{step.reps} reps"
    return f"{span(step.seconds)} hold"


def step_line(plan: Plan, step: Step) -> str:
    """One line of the plan preview and of 'Next:'."""
    name = exercise_name(plan, step)
    if step.kind == StepKind.WORK:
        bits = [name, set_side(step), work_amount(step)]
        return " · ".join(b for b in bits if b)
    if step.kind == StepKind.REST:
        return "Rest"
    if step.kind == StepKind.SWITCH:
        return f"Switch to the {step.side} side" if step.side else "Switch sides"
    if step.kind == StepKind.LEAD_IN:
        return f"Get ready for {name}" if name else "Get ready"
    return f"Set up for {name}" if name else "Set up"  # reads well after "Next:"


def detail_line(step: Step, rep: Any) -> str:
    """Set x of N, side, rep count: what changes within an exercise."""
    parts = []
    if step.kind == StepKind.WORK:
        if step.set is not None and step.sets is not None:
            parts.append(f"Set {step.set} of {step.sets}")
        if step.side is not None:
            parts.append(f"{str(step.side).capitalize()} side")
        if step.reps:
            parts.append(f"rep {rep} of {step.reps}" if rep else f"{step.reps} reps")
        else:
            parts.append(f"hold {span(step.seconds)}")
    elif step.kind == StepKind.REST:
        if step.set is not None and step.sets is not None:
            parts.append(f"Rest before set {min(step.set + 1, step.sets)} of {step.sets}")
        else:
            parts.append("Rest")
    elif step.kind == StepKind.SWITCH:
        parts.append(f"Change to the {step.side} side" if step.side else "Change sides")
    else:
        parts.append("Get into position")
    return " · ".join(parts)
