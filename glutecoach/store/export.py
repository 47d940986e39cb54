"""History out of glutecoach: CSV rows and JSON, written as the rows are read."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

from glutecoach.store.queries import SessionRow


def export_rows(sessions: Iterable[SessionRow]) -> list[list[object]]:
    """CSV rows, one per session-exercise (a session with none still gets one row)."""
    out: list[list[object]] = []
    for s in sessions:
        base: list[object] = [
            s.started_at,
            s.ended_at or "",
            s.routine,
            s.status,
            round(s.active_seconds, 1),
            "" if s.effort is None else s.effort,
        ]
        if not s.exercises:
            out.append([*base, "", "", "", "", "", ""])
        for e in s.exercises:
            out.append(
                [
                    *base,
                    e.exercise,
                    e.level,
                    e.sets_planned,
                    e.sets_done,
                    e.reps_done,
                    round(e.seconds_done, 1),
                ]
            )
    return out


CSV_HEADER = [
    "started_at",
    "ended_at",
    "routine",
    "status",
    "active_seconds",
    "effort",
    "exercise",
    "level",
    "sets_planned",
    "sets_done",
    "reps_done",
    "seconds_done",
]


def write_json(sessions: Iterable[SessionRow], out: TextIO, indent: int | None = None) -> int:
    """Write a JSON list of sessions to ``out`` one session at a time (the same document
    ``json.dumps`` of the whole list gives); return how many were written."""
    encode = json.JSONEncoder(indent=indent).encode
    pad = "\n" + " " * indent if indent is not None else ""
    sep = "," + pad if indent is not None else ", "
    n = 0
    out.write("[")
    for n, session in enumerate(sessions, start=1):
        text = encode(session.to_json())
        out.write((sep if n > 1 else pad) + (text.replace("\n", pad) if pad else text))
    out.write("\n]" if n and indent is not None else "]")
    return n


def write_json_texts(texts: Iterable[str], out: TextIO, indent: int | None = None) -> int:
    """Write JSON object texts as one JSON list, as they come: compact for pipes, or
    re-indented for a person (``indent``). Returns how many were written."""
    n = 0
    out.write("[")
    for n, text in enumerate(texts, start=1):
        if indent is not None:
            text = (
                "\n"
                + " " * indent
                + json.dumps(json.loads(text), indent=indent).replace("\n", "\n" + " " * indent)
            )
        out.write(("," if n > 1 else "") + text)
    out.write("\n]" if n and indent is not None else "]")
    return n
