"""The key footer, tightened on small terminals so the keys that matter stay visible."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

PALETTE_WIDTH = 13  # "▏^p palette" with its padding, and a column to spare


class CoachFooter(Footer):
    """Compact when the keys would not fit otherwise (always under 80 columns); the palette
    hint gives its room to real keys when they need it, and always below 60 columns
    (Ctrl+P still works, and help lists it)."""

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.width)
        self._drop_what_does_not_fit()

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
        self._drop_what_does_not_fit()

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

    def _drop_what_does_not_fit(self) -> None:
        """Keys that would be cut at the right edge are not shown at all, last first (the
        screens list the keys that matter first): at 40 columns a paused workout showed
        `m Mut`, Resume being a letter longer than Pause. Help still lists every key."""
        keys = list(self.query_children(FooterKey))
        # Before its first layout the footer has no size, yet the keys shown then are the
        # first frame's: with a width of 0 every key was hidden from it and came a frame
        # later. The footer spans the screen, and the palette key is "▏^p palette".
        width = self.size.width or self.app.size.width
        room = width - sum(_palette_width(k, self.compact) for k in keys if _is_palette(k))
        used = 0
        for key in keys:
            if _is_palette(key):
                continue
            # as Textual pads them: compact, "k Desc" and a gap; roomy, " k Desc " (see _needed)
            text = len(key.key_display) + len(key.description)
            own, gap = (text + 1, 1) if self.compact else (text + 3, 0)
            fits = used + own <= room
            if key.display != fits:
                key.display = fits
            used = used + own + gap if fits else room

    def bindings_changed(self, screen: Screen[object]) -> None:
        if screen is not self.screen or not screen.is_active:
            # A screen going under another one signals too, with the keys it has there:
            # fitting then flipped its footer's style twice, unseen (and every key's).
            # Its resume signals again.
            return
        if self.size.width:
            self._fit(self.size.width)
        if self._relabel():
            self._composed = self._shown()  # relabelled in place: nothing to recompose
            return
        super().bindings_changed(screen)

    def _relabel(self) -> bool:
        """The same keys with other words (space: Pause to Resume) are changed in place, at
        once: Textual's footer rebuilds itself only after the next frame, so the label
        lagged a frame behind the screen that changed it. False: the keys themselves
        changed (or the palette hint comes or goes), and the footer is rebuilt."""
        if not self._bindings_ready:
            return False
        try:
            active = self.screen.active_bindings
        except Exception:  # not on a screen yet
            return False
        wanted: dict[str, tuple[Binding, bool, str]] = {}
        for _, binding, enabled, tooltip in active.values():
            if binding.show:
                if binding.group is not None:
                    return False
                wanted.setdefault(binding.action, (binding, enabled, tooltip))
        shown = list(self.children)
        keys = [k for k in shown if isinstance(k, FooterKey) and not _is_palette(k)]
        palette = [k for k in shown if _is_palette(k)]
        if len(keys) != len(shown) - len(palette) or len(keys) != len(wanted):
            return False
        if bool(palette) != (self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE):
            return False
        pairs = list(zip(keys, wanted.values(), strict=True))
        for shown_key, (binding, enabled, _) in pairs:
            if shown_key.key != binding.key or shown_key.has_class("-disabled") == enabled:
                return False
        for shown_key, (binding, _, tooltip) in pairs:
            if (shown_key.description, shown_key.action) != (binding.description, binding.action):
                resized = len(shown_key.description) != len(binding.description)
                shown_key.description = binding.description
                shown_key.action = binding.action
                shown_key.tooltip = tooltip or None
                shown_key.refresh(layout=resized)
        self._drop_what_does_not_fit()
        return True

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


def _palette_width(key: FooterKey, compact: bool) -> int:
    """Columns the palette key takes: as laid out, or before that, as Textual will lay it
    out (its left border, the key, a space, the description, and in a roomy footer a
    space after)."""
    text = len(key.key_display) + len(key.description)
    return key.outer_size.width or text + (2 if compact else 3)


def _is_palette(widget: object) -> bool:
    return isinstance(widget, FooterKey) and widget.has_class("-command-palette")
