"""The command palette: only what makes sense on the current screen, named by area.

Commands come from the screen's live bindings (so a disabled action is not offered and a
remapped key needs no second list), the screen's own extras, and the installed themes.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from glutecoach.screens.base import PaletteCommand


class CoachCommands(Provider):
    def _commands(self) -> list[PaletteCommand]:
        screen = self.screen
        app: Any = self.app
        area = getattr(screen, "AREA", "app")
        commands: list[PaletteCommand] = []
        ours = app.binding_ids() if hasattr(app, "binding_ids") else None
        seen: set[tuple[int, str]] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not active.enabled or not binding.description or binding.action == "command_palette":
                continue
            if active.node is not screen and active.node is not app:
                continue
            if ours is not None and binding.id not in ours:
                continue  # Textual's own (focus next, copy): not what anyone opens this for
            mark = (id(active.node), binding.action)
            if mark in seen:
                continue
            seen.add(mark)
            prefix = area if active.node is screen else "app"
            commands.append(
                (
                    f"{prefix}: {binding.description.lower()}",
                    binding.tooltip,
                    partial(active.node.run_action, binding.action),
                )
            )
        extra = getattr(screen, "palette_commands", None)
        if extra is not None:
            commands.extend(extra())
        for name in getattr(app, "theme_names", ()):
            if name != app.theme:
                commands.append(
                    (
                        f"theme: {name}",
                        "Switch to this theme and keep it",
                        partial(app.action_use_theme, name),
                    )
                )
        return commands

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text or None)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text or None)
