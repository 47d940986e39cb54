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

    def compose(self) -> ComposeResult:
        with Horizontal(id="phase-band"):
            yield Line(id="phase-word")
            yield Line(id="voice-state")
        yield Line(id="title")
        yield Line(id="detail")

    def show(self, phase: str, title: str, detail: str) -> None:
        self.query_one("#phase-word", Line).show(f" {phase}")
        self.query_one("#title", Line).show(title)
        self.query_one("#detail", Line).show(detail)

    def show_voice(self, text: str) -> None:
        self.query_one("#voice-state", Line).show(f"{text} ")
