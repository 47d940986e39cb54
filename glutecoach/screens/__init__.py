"""One module per screen. Screens reach services (store, clock, voice) through ``self.app``."""

from __future__ import annotations

import importlib
from typing import Any

_SCREENS = (
    ("glutecoach.screens.routines", "RoutinesScreen"),
    ("glutecoach.screens.workout", "WorkoutScreen"),
    ("glutecoach.screens.summary", "SummaryScreen"),
    ("glutecoach.screens.help", "HelpScreen"),
    ("glutecoach.screens.settings", "SettingsScreen"),
    ("glutecoach.screens.confirm", "ConfirmScreen"),
    ("glutecoach.screens.history", "HistoryScreen"),
    ("glutecoach.screens.levels", "LevelsScreen"),
    ("glutecoach.screens.editor", "EditorScreen"),
    ("glutecoach.screens.editor_forms", "ExerciseFormScreen"),
)


def all_screen_classes() -> list[type[Any]]:
    """Every screen class this build has, so key remaps can be checked against real ids."""
    found = []
    for module, name in _SCREENS:
        try:
            found.append(getattr(importlib.import_module(module), name))
        except (ImportError, AttributeError):
            continue
    return found
