"""The key footer, tightened on small terminals so the keys that matter stay visible."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

PALETTE_WIDTH = 13  # "▏^p palette" with its padding, and a column to spare


class CoachFooter(Footer):
    """Compact when the keys would not fit otherwise (always under 80 columns); the palette
    hint gives its room to real keys when they need it, and always below 60 columns
    (Ctrl+P still works, and help lists it)."""

    _composed: object = None  # what the keys were last composed from

    def compose(self) -> ComposeResult:
        # Textual's Footer composes no keys until a bindings signal, then composes again
        # after a refresh: a second layout and draw of the screen. The screen's keys are
        # known now (and the width, near enough: on_resize corrects it), so compose them.
        self._bindings_ready = True
        self._fit(self.app.size.width, recompose=False)
        self._composed = self._shown()
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                # Born with the class it will have: Textual's key starts compact and is
                # then told otherwise, restyling every key twice (~5 ms each in the app).
                # The palette key is not bound to the footer's compact: it stays compact.
                compact = self.compact or widget.has_class("-command-palette")
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            yield widget

    async def recompose(self) -> None:
        # Textual recomposes the footer on every bindings signal, and opening a screen sends
        # three (its resume, the focus, after the focus) for the same keys: ~15 ms each.
        shown = self._shown()
        if shown is not None and shown == self._composed:
            return
        self._composed = shown
        await super().recompose()

    def _shown(self) -> object:
        """Everything ``Footer.compose`` draws from, to compare; None until it has keys."""
        if not self._bindings_ready or not self.is_attached:
            return None
        active = self.screen.active_bindings
        keys = tuple(
            (b.key, self.app.get_key_display(b), b.description, b.action, b.group, on, tip)
            for _, b, on, tip in active.values()
            if b.show
        )
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        hint = self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE
        return keys, hint, palette[1:] if palette and hint else None

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.width)

    def bindings_changed(self, screen: Screen[object]) -> None:
        if screen is not self.screen or not screen.is_active:
            # A screen going under another one signals too, with the keys it has there:
            # fitting then flipped its footer's style twice, unseen (and every key's).
            # Its resume signals again.
            return
        if self.size.width:
            self._fit(self.size.width)
        super().bindings_changed(screen)

    def _fit(self, width: int, recompose: bool = True) -> None:
        roomy, tight = self._needed()
        self.compact = width < 80 or roomy + PALETTE_WIDTH > width
        needed = tight if self.compact else roomy
        palette = width >= 60 and needed + PALETTE_WIDTH <= width
        if palette != self.show_command_palette:
            # Textual applies this only when the footer is next composed: until some key
            # changed, a shrunk terminal kept the hint (and a stray letter of it at the edge).
            self.show_command_palette = palette
            if recompose:
                self.call_after_refresh(self.recompose)

    def _needed(self) -> tuple[int, int]:
        """Columns the shown keys take, roomy and compact (as Textual's FooterKey pads them:
        one space either side of the key and after the description; compact, one space
        between them and one of gutter after)."""
        try:
            active = self.screen.active_bindings
        except Exception:  # not on a screen yet
            return 0, 0
        seen: set[str] = set()
        roomy = tight = 0
        for _, binding, _, _ in active.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            text = len(self.app.get_key_display(binding)) + len(binding.description)
            roomy += text + 3
            tight += text + 2
        return roomy, tight
