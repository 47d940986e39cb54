"""The footer widget on its own, in a small app: keys from the real bindings, a key shown
disabled (dim, a click rings the bell), and no repaint when the keys did not change."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from app_helpers import async_test
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from glutecoach.widgets.footer import CoachFooter


class Keys(App[None]):
    BINDINGS = [  # noqa: RUF012
        Binding("a", "add", "Add", tooltip="Add one"),
        Binding("r", "remove", "Remove"),
        Binding("x", "hidden", "Hidden", show=False),
    ]
    ENABLE_COMMAND_PALETTE = False

    def __init__(self) -> None:
        super().__init__()
        self.added = 0
        self.bells = 0
        self.can_remove = False

    def compose(self) -> ComposeResult:
        yield Static("body")
        yield CoachFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "remove":
            return True if self.can_remove else None  # None: shown, but disabled
        return True

    def action_add(self) -> None:
        self.added += 1

    def action_remove(self) -> None:
        raise AssertionError("a disabled key ran")

    def bell(self) -> None:
        self.bells += 1


@contextlib.asynccontextmanager
async def running(size: tuple[int, int]) -> AsyncIterator[tuple[Keys, Any, CoachFooter]]:
    """The small app running at ``size``, its first frame drawn: (app, pilot, footer)."""
    app = Keys()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        yield app, pilot, app.query_one(CoachFooter)


@async_test
async def test_keys_come_from_the_bindings_and_a_disabled_one_is_dim() -> None:
    async with running((60, 5)) as (app, pilot, footer):
        assert footer.shown_text() == ["a Add", "r Remove"]
        assert footer.compact  # under 80 columns
        text = footer.render()
        assert text.plain.startswith("a Add r Remove ")
        assert len(text.plain) == 60
        remove = footer.shown()[1]
        assert text.get_style_at_offset(app.console, remove.start).dim
        assert not text.get_style_at_offset(app.console, 0).dim
        await pilot.click(CoachFooter, offset=(remove.start, 0))
        await pilot.click(CoachFooter, offset=(0, 0))
        await pilot.pause()
        assert (app.added, app.bells) == (1, 1)


@async_test
async def test_roomy_at_80_columns_and_a_key_too_long_is_left_out_whole() -> None:
    async with running((80, 5)) as (_app, pilot, footer):
        assert not footer.compact
        assert footer.render().plain.startswith(" a Add  r Remove ")
        await pilot.resize_terminal(12, 5)
        await pilot.pause()
        assert footer.shown_text() == ["a Add"], "'r Remove' would be cut at 12 columns"


@async_test
async def test_the_same_keys_signalled_again_do_not_repaint_it() -> None:
    async with running((60, 5)) as (app, pilot, footer):
        refreshed: list[Any] = []
        original = footer.refresh

        def counting(*args: Any, **kwargs: Any) -> Any:
            refreshed.append(args)
            return original(*args, **kwargs)

        footer.refresh = counting  # type: ignore[method-assign]
        footer.bindings_changed(app.screen)
        assert refreshed == []
        app.can_remove = True
        footer.bindings_changed(app.screen)
        assert len(refreshed) == 1
        await pilot.pause()
        assert not footer.render().get_style_at_offset(app.console, footer.shown()[1].start).dim
