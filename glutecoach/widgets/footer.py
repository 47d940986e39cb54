"""The key footer, tightened on small terminals so the keys that matter stay visible."""

from __future__ import annotations

from textual import events
from textual.widgets import Footer


class CoachFooter(Footer):
    """Compact under 80 columns; below 60 the palette hint gives its room to real keys
    (Ctrl+P still works, and help lists it)."""

    def on_resize(self, event: events.Resize) -> None:
        width = event.size.width
        self.compact = width < 80
        self.show_command_palette = width >= 60
