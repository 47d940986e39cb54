"""What the user is doing now: the phase band, the exercise and level, set / side / rep."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from glutecoach.widgets.line import Line


class StepCard(Vertical):
    DEFAULT_CSS = """
    StepCard { height: auto; }
    StepCard #phase-band { height: 1; }
    StepCard #phase-word { width: 1fr; text-style: bold; }
    StepCard #voice-state { width: auto; }
    StepCard #title { text-style: bold; text-overflow: ellipsis; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._phase = Line(id="phase-word")
        self._voice = Line(id="voice-state")
        self._title = Line(id="title")
        self._detail = Line(id="detail")
        self.band = Horizontal(id="phase-band")

    def compose(self) -> ComposeResult:
        with self.band:
            yield self._phase
            yield self._voice
        yield self._title
        yield self._detail

    def show(self, phase: str, title: str, detail: str) -> None:
        self._phase.show(f" {phase}")
        self._title.show(title)
        self._detail.show(detail)

    def show_voice(self, text: str) -> None:
        self._voice.show(f"{text} ")
