"""What several command modules need the same way: the store with its notices said, and
``--since`` dates."""

from __future__ import annotations

import sys
from datetime import date
from typing import TYPE_CHECKING

from glutecoach.errors import UserError

if TYPE_CHECKING:
    from glutecoach.store import Store


def open_store_for(*, create: bool = True) -> Store:
    """The store, its notices said on stderr. ``create=False`` for commands that only read:
    nothing is created in a fresh home."""
    from glutecoach.store import open_store

    store = open_store(create=create)
    for notice in store.notices:
        print(f"glutecoach: {notice}", file=sys.stderr)
    return store


def parse_since(text: str | None) -> str | None:
    """``--since YYYY-MM-DD`` as an ISO date, or a clear error."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise UserError(
            f"--since {text!r} is not a date; use YYYY-MM-DD, for example 2025-01-31"
        ) from None
