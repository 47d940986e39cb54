"""The big mm:ss countdown. Driven from the engine's state; it never counts time itself."""

from __future__ import annotations

from textual.widgets import Digits


def clock_text(seconds: float) -> str:
    whole = max(0, int(seconds))
    minutes, secs = divmod(whole, 60)
    return f"{minutes}:{secs:02d}"


class Countdown(Digits):
    DEFAULT_CSS = """
    Countdown { width: auto; text-style: bold; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("0:00", id=id, classes=classes)

    def show_seconds(self, seconds: int) -> None:
        """Repaint only when the displayed value changes (once per displayed second)."""
        text = clock_text(seconds)
        if text != self.value:
            self.update(text)
