"""The last thing the coach said, and the form cues for the current exercise.

With the voice off (or no speech engine) this is how the coach talks, so it keeps the
words whole: it wraps rather than cuts.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Vertical

from glutecoach.widgets.line import Line


class Captions(Vertical):
    DEFAULT_CSS = """
    Captions { height: auto; }
    Captions #said { text-style: italic; }
    Captions #form { color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._said = Line(id="said")
        self._form = Line(id="form")

    def compose(self) -> ComposeResult:
        yield self._said
        yield self._form

    @property
    def last_said(self) -> str:
        return self._said.text

    def said(self, text: str) -> None:
        self._said.show(f"Coach: {text}" if text else "")

    def form(self, heading: str, cues: Sequence[str]) -> None:
        body = " · ".join(cues)
        self._form.show(f"{heading}: {body}" if body else "")
