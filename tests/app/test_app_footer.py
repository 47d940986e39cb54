"""Footers show every key whole at 80x24 and 40x12 (issue 15, fault 16): the summary's and
the levels screen's were cut (`h Histor▏`, `s Set▏`) under the palette hint."""

from __future__ import annotations

from typing import Any

from app_helpers import advance, async_test, run_quick_to_the_end, start_quick

from glutecoach.widgets.footer import CoachFooter


def _footer(app: Any) -> CoachFooter:
    return app.screen.query_one(CoachFooter)  # type: ignore[no-any-return]


def _palette(app: Any) -> list[Any]:
    return [p for p in _footer(app).shown() if p.entry.palette]


def _keys_fit(app: Any) -> list[str]:
    """The footer keys that are cut or hidden behind the palette hint."""
    footer = _footer(app)
    keys = [p for p in footer.shown() if not p.entry.palette]
    palette = _palette(app)
    right = palette[0].start if palette else footer.region.width
    assert keys, "no keys in the footer"
    return [
        f"{p.entry.key_display} {p.entry.description}"
        for p in keys
        if p.end > right or p.end - p.start < len(p.entry.key_display + p.entry.description) + 1
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
        assert _palette(app)
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        await pilot.pause()
        assert _palette(app) == [], "the palette hint is still shown at 40 columns"
        assert "▏" not in _footer(app).render().plain
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        assert _palette(app)


def _shown(app: Any) -> list[str]:
    return _footer(app).shown_text()


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
        shown = _footer(app).shown()
        assert all(p.end <= 40 for p in shown), shown
        assert all(p.end - p.start > p.entry.text_width for p in shown), shown
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
        assert _footer(app).region.width == 40


def _column_of(app: Any, description: str) -> int:
    for place in _footer(app).shown():
        if place.entry.description == description:
            return place.start + 1
    raise AssertionError(f"{description!r} is not in the footer: {_shown(app)}")


@async_test
async def test_clicking_a_footer_key_or_the_palette_hint_presses_it(make_app: Any) -> None:
    """One widget draws every key: a click still presses the key under the pointer."""
    from textual.command import CommandPalette

    from glutecoach.screens.history import HistoryScreen

    app = make_app()
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        await pilot.click(CoachFooter, offset=(_column_of(app, "History"), 0))
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("escape")
        await pilot.pause()
        (palette,) = _palette(app)
        await pilot.click(CoachFooter, offset=(palette.start + 2, 0))
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)


@async_test
async def test_hovering_a_key_highlights_it_and_gives_its_tooltip(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        footer = _footer(app)
        plain = footer.render()
        at = _column_of(app, "History")
        await pilot.hover(CoachFooter, offset=(at, 0))
        await pilot.pause()
        assert footer.tooltip == "Past workouts"
        hovered = footer.render()
        assert hovered.plain == plain.plain
        hover = footer.get_component_rich_style("coach-footer--hover").bgcolor
        assert hovered.get_style_at_offset(app.console, at).bgcolor == hover
        assert plain.get_style_at_offset(app.console, at).bgcolor != hover
        await pilot.hover("#heading")
        await pilot.pause()
        assert footer.tooltip is None
