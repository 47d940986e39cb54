"""Keys that reach the workout screen before it is mounted (a paste) do nothing, not crash."""

from __future__ import annotations

from glutecoach.engine.catalog import load_catalog
from glutecoach.engine.plan import build_plan
from glutecoach.engine.routines import load_routines
from glutecoach.screens.workout import WorkoutScreen


def test_workout_actions_are_refused_until_the_run_exists() -> None:
    screen = WorkoutScreen(build_plan(load_routines().get("stretch-break"), load_catalog()))
    for action in ("pause", "resume", "next_step", "previous_step", "mute", "repeat", "leave"):
        assert screen.check_action(action, ()) is False, action
