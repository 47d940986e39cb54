"""An on/off box that reads the same with and without colour: "[x] on" or "[ ] off"."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox


class Toggle(Checkbox):
    """Textual's Checkbox shows its X in both states and relies on colour to tell them apart,
    which NO_COLOR and 16-colour terminals lose."""

    @property
    def _button(self) -> Content:
        style = self.get_visual_style("toggle--button")
        return Content.assemble(("[x] on" if self.value else "[ ] off", style))
