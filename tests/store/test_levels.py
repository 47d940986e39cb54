"""Levels: stored with a change log, and the documented suggestion rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from store_plans import CATALOG, make_plan, run_all

from glutecoach.store import Store, open_store
from glutecoach.store.levels import LevelStore


def add_session(
    store: Store,
    days_ago: float,
    level: int = 1,
    effort: int | None = None,
    status: str = "completed",
    full: bool = True,
) -> None:
    plan = make_plan({"glute-bridge": level})
    record = store.history.begin(plan, "Test routine")
    run_all(record, plan, upto=None if full else 2)
    record.finish(status, 300)
    if effort:
        record.rate(effort)
    when = (datetime.now(UTC) - timedelta(days=days_ago)).replace(microsecond=0).isoformat()
    assert store.history.db is not None
    with store.history.db.write() as conn:
        conn.execute("UPDATE sessions SET started_at=? WHERE id=?", (when, record.session_id))


def bridge_suggestion(store: Store) -> tuple[int, int] | None:
    found = [s for s in store.levels.suggestions(CATALOG) if s.exercise == "glute-bridge"]
    return (found[0].current, found[0].proposed) if found else None


def test_default_level_is_one_and_set_persists_with_a_log(store: Store) -> None:
    assert store.levels.get("glute-bridge") == 1
    assert store.levels.current() == {}
    assert store.levels.set("glute-bridge", 3) is True
    assert store.history.flush()  # the save is queued; another store reads the file
    again = open_store()
    assert again.levels.get("glute-bridge") == 3
    assert again.levels.current() == {"glute-bridge": 3}
    [change] = again.levels.changes("glute-bridge")
    assert (change.old, change.new) == (1, 3)
    again.close()


def test_set_rejects_non_levels(store: Store) -> None:
    with pytest.raises(ValueError):
        store.levels.set("glute-bridge", 0)


def test_levels_without_history_apply_for_the_run_only() -> None:
    levels = LevelStore(None, "history.db is read-only")
    assert levels.set("clamshell", 2) is False
    assert levels.get("clamshell") == 2
    assert levels.suggestions(CATALOG) == []


def test_three_full_sessions_in_21_days_suggest_up(store: Store) -> None:
    for days in (1, 5, 9):
        add_session(store, days, effort=2)
    assert bridge_suggestion(store) == (1, 2)


def test_two_sessions_are_not_enough(store: Store) -> None:
    add_session(store, 1)
    add_session(store, 2)
    assert bridge_suggestion(store) is None


def test_sessions_older_than_21_days_do_not_count(store: Store) -> None:
    add_session(store, 1)
    add_session(store, 2)
    add_session(store, 25)
    assert bridge_suggestion(store) is None


def test_a_hard_rating_in_the_window_blocks_moving_up(store: Store) -> None:
    for days in (1, 5, 9):
        add_session(store, days)
    add_session(store, 12, effort=3)
    assert bridge_suggestion(store) is None


def test_partial_or_unfinished_sessions_do_not_count_up(store: Store) -> None:
    add_session(store, 1)
    add_session(store, 2)
    add_session(store, 3, status="partial")
    add_session(store, 4, full=False)
    assert bridge_suggestion(store) is None


def test_two_hard_ratings_in_a_row_suggest_down(store: Store) -> None:
    store.levels.set("glute-bridge", 3)
    add_session(store, -0.01, level=3, effort=3)
    add_session(store, -0.02, level=3, effort=3)
    assert bridge_suggestion(store) == (3, 2)


def test_hard_then_easy_is_not_in_a_row(store: Store) -> None:
    store.levels.set("glute-bridge", 3)
    add_session(store, -0.01, level=3, effort=3)
    add_session(store, -0.02, level=3, effort=3)
    add_session(store, -0.03, level=3, effort=1)  # the newest: easy breaks the run
    assert bridge_suggestion(store) is None


def test_no_suggestion_down_from_level_one_or_above_the_top(store: Store) -> None:
    add_session(store, 1, effort=3)
    add_session(store, 2, effort=3)
    assert bridge_suggestion(store) is None
    store.levels.set("glute-bridge", 4)  # the top rung
    for days in (-0.01, -0.02, -0.03):
        add_session(store, days, level=4)
    assert bridge_suggestion(store) is None


def test_sessions_before_a_level_change_do_not_count(store: Store) -> None:
    for days in (1, 2, 3):
        add_session(store, days, level=2)
    store.levels.set("glute-bridge", 2)
    assert bridge_suggestion(store) is None


def test_suggestions_change_nothing(store: Store) -> None:
    for days in (1, 5, 9):
        add_session(store, days)
    assert bridge_suggestion(store) == (1, 2)
    assert store.levels.get("glute-bridge") == 1
