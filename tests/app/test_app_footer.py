"""Footers show every key whole at 80x24 and 40x12 (issue 15, fault 16): the summary's and
the levels screen's were cut (`h Histor▏`, `s Set▏`) under the palette hint."""

from __future__ import annotations

from typing import Any

from app_helpers import advance, async_test, run_quick_to_the_end, start_quick
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


def _keys_fit(app: Any) -> list[str]:
    """The footer keys that are cut or hidden behind the palette hint."""
    footer = app.screen.query_one(Footer)
    keys = [k for k in footer.query(FooterKey) if "-command-palette" not in k.classes]
    palette = [k for k in footer.query(FooterKey) if "-command-palette" in k.classes]
    right = palette[0].region.x if palette and palette[0].display else footer.region.right
    assert keys, "no keys in the footer"
    return [
        f"{k.key_display} {k.description}"
        for k in keys
        if k.region.right > right or k.region.width < len(k.key_display + k.description) + 1
    ]


@async_test
async def test_every_footer_key_is_whole_at_80x24(make_app: Any, clock: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        cut: dict[str, list[str]] = {}
        cut["routines"] = _keys_fit(app)
        await pilot.press("l")
        await pilot.pause()
        cut["levels"] = _keys_fit(app)
        await pilot.press("escape")
        await pilot.pause()
        await start_quick(pilot)
        cut["workout"] = _keys_fit(app)
        await run_quick_to_the_end(pilot, clock)
        await pilot.pause()
        cut["summary"] = _keys_fit(app)
        assert not any(cut.values()), cut


@async_test
async def test_the_palette_hint_goes_at_once_when_the_terminal_shrinks(make_app: Any) -> None:
    """Resized from 80 to 40 columns, the hint stayed (with a stray `e` after it in tmux)
    until some key changed the footer's bindings."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start_quick(pilot)
        footer = app.screen.query_one(Footer)
        assert [k for k in footer.query(FooterKey) if "-command-palette" in k.classes]
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        await pilot.pause()
        palette = [k for k in footer.query(FooterKey) if "-command-palette" in k.classes]
        assert palette == [], "the palette hint is still shown at 40 columns"
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        assert [k for k in footer.query(FooterKey) if "-command-palette" in k.classes]


def _shown(app: Any) -> list[str]:
    footer = app.screen.query_one(Footer)
    return [f"{k.key_display} {k.description}" for k in footer.query(FooterKey) if k.display]


@async_test
async def test_at_40_columns_a_key_that_would_be_cut_is_left_out_whole(make_app: Any) -> None:
    """Resume is a letter longer than Pause: a paused workout at 40x12 showed `m Mut`."""
    app = make_app()
    async with app.run_test(size=(40, 12)) as pilot:
        await start_quick(pilot)
        assert "m Mute" in _shown(app)
        await pilot.press("space")
        await pilot.pause()
        assert "space Resume" in _shown(app)
        assert "m Mute" not in _shown(app)
        shown = [k for k in app.screen.query_one(Footer).query(FooterKey) if k.display]
        assert all(k.region.right <= 40 for k in shown), [k.region for k in shown]
        assert all(k.region.width >= len(k.key_display + k.description) + 1 for k in shown)
        await pilot.press("space")
        await pilot.pause()
        assert "m Mute" in _shown(app)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.press("space")
        await pilot.pause()
        assert {"space Resume", "m Mute"} <= set(_shown(app))


@async_test
async def test_the_live_view_never_scrolls_on_a_small_terminal(make_app: Any, clock: Any) -> None:
    """Desk reset's first cue wraps at 40 columns: paused, the view overflowed, and its
    scrollbar took the footer's last two columns (`m M▇▇`)."""
    from glutecoach.screens.workout import WorkoutScreen

    app = make_app(routine="desk-reset")
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WorkoutScreen)
        await advance(pilot, clock, 2.0)
        assert app.screen.query_one("#said").region.height == 2, "the cue does not wrap"
        await pilot.press("space")
        await pilot.pause()
        assert app.screen.query_one("#paused-note").display
        assert not app.screen.show_vertical_scrollbar
        footer = app.screen.query_one(Footer)
        assert footer.region.width == 40
