"""Where the engine meets what the user has set: levels, equipment, lead-in, tempo."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from glutecoach.engine.catalog import load_catalog
from glutecoach.engine.model import Plan, Routine
from glutecoach.engine.plan import PlanOptions, build_plan
from glutecoach.engine.routines import RoutineSet, load_routines

if TYPE_CHECKING:
    from glutecoach.store.settings import Settings


def plan_options(settings: Settings | None, levels: Mapping[str, int] | None) -> PlanOptions:
    if settings is None:
        return PlanOptions(levels=dict(levels or {}))
    return PlanOptions(
        levels=dict(levels or {}),
        equipment=frozenset(settings.equipment),
        lead_in=settings.lead_in,
        default_tempo=settings.default_tempo,
    )


def store_levels(store: Any) -> dict[str, int]:
    if store is None:
        return {}
    return dict(store.levels.current())


def make_plan(routine: Routine, store: Any = None) -> Plan:
    """The plan for ``routine`` with the user's levels and settings (defaults when no store)."""
    settings = store.settings.value if store is not None else None
    options = plan_options(settings, store_levels(store))
    return build_plan(routine, load_catalog(), options)


def all_routines() -> RoutineSet:
    """The built-in routines and the user's, from the user's routines folder."""
    from glutecoach.store.paths import routines_dir

    return load_routines(routines_dir())


def find_routine(routine_id: str, routines: RoutineSet | None = None) -> Routine:
    """The routine called ``routine_id``; a ``UserError`` with the file's problems if broken."""
    return (routines or all_routines()).get(routine_id)
