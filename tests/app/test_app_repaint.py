"""The live view repaints only what changed (cells, not whole widgets); the terminal must still
end up showing exactly what a full redraw would.

Every frame Textual would send is rendered to terminal bytes and played onto a character grid,
as a terminal would; after each frame the grid must equal a full render of the screen. A
partial repaint that stops short of a changed cell leaves a stale character here.
"""

from __future__ import annotations

import re
from typing import Any

from app_helpers import advance, async_test, start_quick
from rich.cells import cell_len
from textual._compositor import Compositor

from glutecoach.screens.workout import WorkoutScreen

ESCAPE = re.compile(r"\x1b\[(\d+);(\d+)H|\x1b\[[0-9;?]*[A-Za-z]|\n|[^\x1b\n]")


class Terminal:
    """Characters only: enough to see a cell that was never repainted."""

    def __init__(self, width: int, height: int) -> None:
        self.rows = [[" "] * width for _ in range(height)]
        self.x = self.y = 0

    def play(self, data: str) -> None:
        for match in ESCAPE.finditer(data):
            token = match.group(0)
            if match.group(1):
                self.y, self.x = int(match.group(1)) - 1, int(match.group(2)) - 1
            elif token == "\n":
                self.y, self.x = self.y + 1, 0
            elif not token.startswith("\x1b"):
                if 0 <= self.y < len(self.rows) and 0 <= self.x < len(self.rows[0]):
                    self.rows[self.y][self.x] = token
                self.x += cell_len(token)

    def text(self) -> list[str]:
        return ["".join(row).rstrip() for row in self.rows]


@async_test
async def test_partial_repaints_leave_the_terminal_as_a_full_redraw_would(
    make_app: Any, clock: Any, monkeypatch: Any
) -> None:
    app = make_app()
    terminal = Terminal(80, 24)
    checked: list[int] = []
    original = Compositor.render_update

    def render_update(self: Compositor, *args: Any, **kwargs: Any) -> Any:
        update = original(self, *args, **kwargs)
        if update is not None and isinstance(app.screen, WorkoutScreen):
            terminal.play(update.render_segments(app.console))
            full = [strip.text.rstrip() for strip in self.render_strips()]
            assert terminal.text() == full, f"frame {len(checked)}"
            checked.append(len(checked))
        return update

    monkeypatch.setattr(Compositor, "render_update", render_update)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_quick(pilot)
        # The first frame of the screen is a full one: start the grid from it.
        terminal.play("".join(f"\x1b[{y + 1};1H{row}" for y, row in enumerate(_full(screen))))
        for _ in range(56):  # quarter seconds through steps, reps, rests and the sides
            await advance(pilot, clock, 0.25)
            if screen.done:
                break
    assert len(checked) > 20, "too few frames were compared"


def _full(screen: WorkoutScreen) -> list[str]:
    return [strip.text.ljust(80) for strip in screen._compositor.render_strips()]
