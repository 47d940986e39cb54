"""Every user-facing word about steps and times, in one module: line mode, `plan`, the
app's screens and desktop notifications all say a step the same way.

"Set 2 of 3" is spelled once (:func:`set_of`) and only said when there is more than one set.
The spoken script itself is the plan's (``engine/plan.py``): it is written for the ear.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from glutecoach.engine.model import Plan, Step, StepKind

STEP_LABELS = {
    StepKind.LEAD_IN: "Get ready",
    StepKind.TRANSITION: "Next up",
    StepKind.WORK: "Work",
    StepKind.REST: "Rest",
    StepKind.SWITCH: "Switch sides",
}


def mmss(seconds: float) -> str:
    """``75.4`` -> ``"1:15"``."""
    whole = max(0, round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def exercise_name(plan: Plan, step: Step | None) -> str:
    """The display name of the step's exercise ("" for none)."""
    if step is None or step.exercise is None:
        return ""
    planned = plan.exercises.get(step.exercise)
    return planned.exercise.name if planned else step.exercise


def exercise_label(plan: Plan, step: Step) -> str:
    """The exercise's name, with the rung when it is not the first ("Clamshell (Bottom foot
    lifted)") or when a substitute replaced it."""
    planned = plan.exercises.get(step.exercise) if step.exercise else None
    if planned is None:
        return ""
    name = planned.exercise.name
    if planned.level > 1 or planned.substituted:
        name += f" ({planned.rung.name})"
    return name


def set_of(step: Step) -> str:
    """ "set 2 of 3"; "" for a step that is not one of several sets."""
    if step.set is None or not step.sets or step.sets < 2:
        return ""
    return f"set {step.set} of {step.sets}"


def describe_step(plan: Plan, step: Step) -> str:
    """One line for a step, e.g. "Work: Clamshell, set 1 of 3, left, 10 reps"."""
    name = exercise_label(plan, step)
    label = STEP_LABELS[step.kind]
    parts = [f"{label}: {name}" if name else label]
    if step.kind is StepKind.WORK:
        if set_of(step):
            parts.append(set_of(step))
        if step.side:
            parts.append(str(step.side))
        if step.reps:
            parts.append(f"{step.reps} reps")
    return ", ".join(parts)


def step_text(step: Step, exercise_name: str) -> str:
    """What a desktop notification says when a step starts: short, for a glance
    ("Clamshell, set 1 of 2, left side", "Switch sides", "Next up: Glute bridge")."""
    name = exercise_name or "next exercise"
    if step.kind is StepKind.WORK:
        text = name
        if set_of(step):
            text += f", {set_of(step)}"
        if step.side:
            text += f", {step.side} side"
        return text
    if step.kind is StepKind.SWITCH:
        return "Switch sides"
    if step.kind is StepKind.REST:
        return "Rest"
    return f"Next up: {name}"


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
    parts = [set_of(step)] if set_of(step) else []
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
        if set_of(step):
            parts.append(set_of(step).capitalize())
        if step.side is not None:
            parts.append(f"{str(step.side).capitalize()} side")
        if step.reps:
            parts.append(f"rep {rep} of {step.reps}" if rep else f"{step.reps} reps")
        else:
            parts.append(f"hold {span(step.seconds)}")
    elif step.kind == StepKind.REST:
        following = (
            replace(step, set=min(step.set + 1, step.sets)) if step.set and step.sets else step
        )
        if set_of(following):
            parts.append(f"Rest before {set_of(following)}")
        else:
            parts.append("Rest")
    elif step.kind == StepKind.SWITCH:
        parts.append(f"Change to the {step.side} side" if step.side else "Change sides")
    else:
        parts.append("Get into position")
    return " · ".join(parts)
