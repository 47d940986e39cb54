"""The key footer: one widget that draws every key itself, tightened on small terminals so
the keys that matter stay visible.

It looks and behaves like Textual's ``Footer`` (a key in the accent colour and its words,
the palette hint docked right behind a thin bar; click a key to press it; a key's tooltip
on hover), but it is one widget, not a container of one widget per key: the routine list's
first frame spent ~25 ms mounting, styling and laying out Textual's nine key widgets, and a
workout repainted them whenever its keys changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events
from textual.widget import Widget

if TYPE_CHECKING:
    from rich.style import Style
    from textual.binding import Binding
    from textual.screen import Screen

PALETTE_WIDTH = 13  # "▏^p palette" with its padding, and a column to spare
PALETTE_BAR = "▏"


class FooterEntry:
    """One key as the footer shows it: what is drawn, and what a click on it presses."""

    __slots__ = ("action", "description", "enabled", "key", "key_display", "palette", "tooltip")

    def __init__(
        self,
        binding: Binding,
        key_display: str,
        enabled: bool,
        tooltip: str,
        *,
        palette: bool = False,
    ) -> None:
        self.key = binding.key
        self.key_display = key_display
        self.description = binding.description
        self.action = binding.action
        self.enabled = enabled
        self.tooltip = tooltip
        self.palette = palette

    def same(self) -> tuple[str, str, str, str, bool, str, bool]:
        return (
            self.key,
            self.key_display,
            self.description,
            self.action,
            self.enabled,
            self.tooltip,
            self.palette,
        )

    @property
    def text_width(self) -> int:
        return len(self.key_display) + len(self.description)


class Placed:
    """A shown key and the columns it takes (``start`` to ``end``, end excluded)."""

    __slots__ = ("end", "entry", "start")

    def __init__(self, entry: FooterEntry, start: int, end: int) -> None:
        self.entry = entry
        self.start = start
        self.end = end

    def __repr__(self) -> str:
        entry = self.entry
        return f"Placed({entry.key_display!r} {entry.description!r} {self.start}-{self.end})"


class CoachFooter(Widget):
    """The keys of the screen it is on, from that screen's real bindings.

    Compact (``k Desc`` and a gap) under 80 columns or when the roomy keys (`` k Desc ``)
    would not fit; the palette hint gives its room to real keys when they need it, and is
    never shown below 60 columns (Ctrl+P still works, and help lists it). A key that would
    be cut at the right edge is left out whole, last key first: the screens list the keys
    that matter first, and help lists every key.
    """

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {  # noqa: RUF012 (Textual's own annotation)
        "coach-footer--key",
        "coach-footer--description",
        "coach-footer--hover",
        "coach-footer--bar",
    }
    DEFAULT_CSS = """
    CoachFooter {
        dock: bottom;
        width: 1fr;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        & > .coach-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .coach-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .coach-footer--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
        & > .coach-footer--bar {
            color: $foreground 20%;
        }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.compact = False
        self.show_command_palette = False
        self._placed: list[Placed] = []
        self._drawn: object = None  # what the last render was made from
        self._hover: str | None = None  # the action of the key under the pointer

    # -- what is shown ------------------------------------------------------------------

    def entries(self) -> tuple[list[FooterEntry], FooterEntry | None]:
        """The screen's shown keys, one per action in binding order, and the palette key."""
        try:
            active = self.screen.active_bindings
        except Exception:  # not on a screen yet
            return [], None
        app = self.app
        keys: list[FooterEntry] = []
        seen: set[str] = set()
        for _, binding, enabled, tooltip in active.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            keys.append(FooterEntry(binding, app.get_key_display(binding), enabled, tooltip))
        palette = None
        found = active.get(app.COMMAND_PALETTE_BINDING) if app.ENABLE_COMMAND_PALETTE else None
        if found is not None:
            _, binding, enabled, _tooltip = found
            tip = binding.tooltip or binding.description
            palette = FooterEntry(binding, app.get_key_display(binding), enabled, tip, palette=True)
        return keys, palette

    def layout_keys(self, width: int) -> list[Placed]:
        """Where each shown key goes at ``width`` columns; sets ``compact`` and whether the
        palette hint is shown. Keys that would be cut are not in the list."""
        keys, palette = self.entries()
        roomy = sum(_key_width(k, compact=False) for k in keys)
        tight = sum(_key_width(k, compact=True) + 1 for k in keys)  # and the gap after each
        self.compact = width < 80 or roomy + PALETTE_WIDTH > width
        needed = tight if self.compact else roomy
        show_palette = palette is not None and width >= 60 and needed + PALETTE_WIDTH <= width
        self.show_command_palette = show_palette
        placed: list[Placed] = []
        room = width
        if palette is not None and show_palette:
            # the bar, "^p palette" as a compact key, and a column of padding (roomy) or of
            # margin (compact) at the right edge
            own = 1 + palette.text_width + 1 + 1
            room = width - own
            placed.append(Placed(palette, room, width))
        used = 0
        shown: list[Placed] = []
        gap = 1 if self.compact else 0
        for key in keys:
            own = _key_width(key, compact=self.compact)
            if used + own > room:
                break  # this one would be cut; the rest come after it
            shown.append(Placed(key, used, used + own))
            used += own + gap
        return shown + placed

    def shown(self) -> list[Placed]:
        """The keys as last drawn (tests and the mouse use this)."""
        return list(self._placed)

    def shown_text(self) -> list[str]:
        """``"key Description"`` for each key drawn, the palette hint included."""
        return [f"{p.entry.key_display} {p.entry.description}" for p in self._placed]

    # -- drawing ------------------------------------------------------------------------

    def render(self) -> Text:
        width = self.size.width or self.app.size.width
        placed = self.layout_keys(width)
        self._placed = placed
        self._drawn = self._state(placed, width)
        key_style = self.get_component_rich_style("coach-footer--key")
        description_style = self.get_component_rich_style("coach-footer--description")
        text = Text(no_wrap=True, end="")
        column = 0
        for place in placed:
            if place.start > column:
                text.append(" " * (place.start - column))
            entry = place.entry
            hovered = entry.action == self._hover
            if hovered:
                key = self.get_component_rich_style("coach-footer--key", partial=True)
                words = self.get_component_rich_style("coach-footer--description", partial=True)
            else:
                key, words = key_style, description_style
            part = self._entry_text(entry, key, words)
            if hovered:
                part.stylize_before(self.get_component_rich_style("coach-footer--hover"))
            if not entry.enabled:
                part.stylize("dim")
            text.append_text(part)
            column = place.start + part.cell_len
            if entry.palette and not self.compact:
                text.append(" ")  # its padding, in its own colours
                column += 1
        if column < width:
            text.append(" " * (width - column))
        text.stylize_before(self.rich_style)
        return text

    def _entry_text(self, entry: FooterEntry, key_style: Style, words_style: Style) -> Text:
        if entry.palette:
            bar = self.get_component_rich_style("coach-footer--bar")
            return Text.assemble(
                (PALETTE_BAR, bar),
                (entry.key_display, key_style),
                (" " + entry.description, words_style),
            )
        if not entry.description:
            return Text(entry.key_display, key_style)
        if self.compact:
            return Text.assemble(
                (entry.key_display, key_style), (" " + entry.description, words_style)
            )
        return Text.assemble(
            (f" {entry.key_display} ", key_style), (entry.description + " ", words_style)
        )

    def _state(self, placed: list[Placed], width: int) -> object:
        return (width, self._hover, tuple((p.entry.same(), p.start) for p in placed))

    def _update(self) -> None:
        """Draw again, but only when what would be drawn changed: a workout's screen
        signals its bindings often, with the same keys."""
        width = self.size.width or self.app.size.width
        if self._state(self.layout_keys(width), width) != self._drawn:
            self.refresh()

    # -- events -------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if screen is not self.screen or not screen.is_active:
            # A screen going under another one signals too, with the keys it has there.
            return
        self._update()  # at once: the same frame shows the new words (Pause, Resume)

    def on_resize(self, event: events.Resize) -> None:
        self.refresh()

    def _at(self, x: int) -> FooterEntry | None:
        for place in self._placed:
            if place.start <= x < place.end:
                return place.entry
        return None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        entry = self._at(event.x)
        hover = entry.action if entry is not None else None
        if hover != self._hover:
            self._hover = hover
            self.tooltip = (entry.tooltip or None) if entry is not None else None
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.tooltip = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        entry = self._at(event.x)
        if entry is None:
            return
        if entry.enabled:
            self.app.simulate_key(entry.key)
        else:
            self.app.bell()


def _key_width(key: FooterEntry, *, compact: bool) -> int:
    """Columns a key takes: compact ``k Desc``, roomy `` k Desc `` (a key with no words,
    only its key)."""
    if not key.description:
        return len(key.key_display)
    return key.text_width + (1 if compact else 3)
