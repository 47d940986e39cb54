"""Exports: streamed JSON is the same document as the whole list dumped at once, and
reading in chunks keeps every session once, newest first."""

from __future__ import annotations

import io
import json

import pytest
from store_plans import make_plan, run_all

from glutecoach.store import Store
from glutecoach.store.export import write_json
from glutecoach.store.queries import iter_sessions


def fill(store: Store, n: int) -> None:
    for i in range(n):
        plan = make_plan({"glute-bridge": 1 + i % 3})
        record = store.history.begin(plan, "Test routine")
        run_all(record, plan, upto=i % len(plan.steps))
        record.finish("completed" if i % 2 else "partial", 10 + i)
    assert store.history.db is not None
    with store.history.db.write() as conn:  # two sessions share a start time: ties by id
        conn.execute("UPDATE sessions SET started_at = '2025-01-01T08:00:00+00:00' WHERE id <= 2")


@pytest.mark.parametrize("indent", [None, 1])
def test_streamed_json_matches_the_whole_list(store: Store, indent: int | None) -> None:
    fill(store, 7)
    out = io.StringIO()
    assert write_json(store.history.iter_sessions(), out, indent=indent) == 7
    whole = [s.to_json() for s in store.history.sessions()]
    assert out.getvalue() == json.dumps(whole, indent=indent)
    empty = io.StringIO()
    assert write_json(iter(()), empty, indent=indent) == 0
    assert empty.getvalue() == json.dumps([], indent=indent)


@pytest.mark.parametrize("chunk", [1, 2, 3, 100])
def test_chunked_reading_keeps_every_session_once_in_order(store: Store, chunk: int) -> None:
    fill(store, 7)
    assert store.history.db is not None
    all_rows = store.history.sessions()
    assert list(iter_sessions(store.history.db, chunk=chunk)) == all_rows
    since = all_rows[3].started_at[:10]
    expected = store.history.sessions(since=since)
    assert list(iter_sessions(store.history.db, since=since, chunk=chunk)) == expected
