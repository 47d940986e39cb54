"""Short human words for times and steps, shared by every front end."""

from __future__ import annotations

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


def describe_step(plan: Plan, step: Step) -> str:
    """One line for a step, e.g. "Work: Clamshell, set 1 of 3, left, 10 reps"."""
    name = exercise_label(plan, step)
    label = STEP_LABELS[step.kind]
    parts = [f"{label}: {name}" if name else label]
    if step.kind is StepKind.WORK:
        if step.sets and step.sets > 1:
            parts.append(f"set {step.set} of {step.sets}")
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
        if step.sets and step.sets > 1 and step.set:
            text += f", set {step.set} of {step.sets}"
        if step.side:
            text += f", {step.side} side"
        return text
    if step.kind is StepKind.SWITCH:
        return "Switch sides"
    if step.kind is StepKind.REST:
        return "Rest"
    return f"Next up: {name}"
