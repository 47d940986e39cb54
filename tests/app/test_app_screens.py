"""Routines, help, settings, themes and the palette, driven as a user would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from app_helpers import async_test, run_quick_to_the_end, start_quick, widget_text
from textual.widgets import Input, Select

from glutecoach.screens.help import HelpScreen
from glutecoach.screens.routines import RoutinesScreen
from glutecoach.screens.settings import SettingsScreen
from glutecoach.screens.summary import SummaryScreen
from glutecoach.screens.workout import WorkoutScreen


def help_descriptions(screen: HelpScreen) -> set[str]:
    return {row[1] for row in screen.rows}


@async_test
async def test_routine_list_shows_builtin_and_user_routines_with_times(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RoutinesScreen)
        listing = screen.query_one("#routine-list")
        prompts = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
        assert any(p.startswith("Desk reset") for p in prompts)
        assert any(p.startswith("Quick test") and "12 s" in p for p in prompts)


@async_test
async def test_detail_pane_previews_the_plan_and_levels(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        while screen.query_one("#routine-list").highlighted_option.id != "quick":
            await pilot.press("down")
        text = widget_text(screen.query_one("#detail-text"))
        assert "Glute bridge" in text
        assert "level 1: Bridge" in text
        assert "Get ready for Glute bridge" in text


@async_test
async def test_broken_routine_is_listed_with_its_error(make_app: Any, home: Path) -> None:
    (home / "routines" / "oops.toml").write_text('name = "Oops"\n[[exercise]]\nid = "clamshel"\n')
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        listing = screen.query_one("#routine-list")
        ids = [listing.get_option_at_index(i).id for i in range(listing.option_count)]
        assert "broken:oops" in ids
        listing.highlighted = ids.index("broken:oops")
        await pilot.pause()
        text = widget_text(screen.query_one("#detail-text"))
        assert "oops.toml" in text and "clamshel" in text
        await pilot.press("enter")
        assert isinstance(app.screen, RoutinesScreen), "a broken routine must not start"


@async_test
async def test_help_opens_from_every_screen_with_that_screens_keys(
    make_app: Any, clock: Any
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert {"Start", "Quit", "Settings"} <= help_descriptions(app.screen)
        await pilot.press("escape")
        assert isinstance(app.screen, RoutinesScreen)

        await pilot.press("s")
        assert isinstance(app.screen, SettingsScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        assert "Close" in help_descriptions(app.screen)
        await pilot.press("escape")
        await pilot.press("escape")

        await start_quick(pilot)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        assert {"Pause", "Next", "Back", "Mute", "Repeat", "Leave"} <= help_descriptions(app.screen)
        await pilot.press("q")
        assert isinstance(app.screen, WorkoutScreen)

        await run_quick_to_the_end(pilot, clock)
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("question_mark")
        assert {"Easy", "About right", "Hard", "Done"} <= help_descriptions(app.screen)


@async_test
async def test_remapped_key_works_and_shows_in_help(make_app: Any) -> None:
    app = make_app()
    app.store.settings.update(keys={"pause": "x"})
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_quick(pilot)
        await pilot.press("x")
        assert screen.session.state().paused
        await pilot.press("question_mark")
        rows = {row[1]: row[0] for row in app.screen.rows}
        assert rows["Resume"] == "x"


@async_test
async def test_unknown_key_id_in_settings_is_reported(make_app: Any) -> None:
    app = make_app()
    app.store.settings.update(keys={"pasue": "x"})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any(
            "config.toml" in m
            and "keys.pasue: no key binding has this id" in m
            and "(did you mean `pause`?)" in m
            for m in messages
        ), messages


@async_test
async def test_a_key_that_is_not_a_key_is_refused_and_the_default_still_works(
    make_app: Any, home: Path
) -> None:
    (home / "config.toml").write_text('[keys]\nnext = "n"\npause = "not a key at all"\n')
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_quick(pilot)
        messages = [n.message for n in app._notifications]
        assert any(f"{home / 'config.toml'}:3: keys.pause:" in m for m in messages), messages
        await pilot.press("space")
        assert screen.session.state().paused
        footer = " ".join(w.render().plain for w in app.screen.query("CoachFooter"))
        assert "Resume" in footer, footer
        assert "not a key" not in footer


@async_test
async def test_changing_a_setting_applies_and_persists(make_app: Any, home: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s")
        screen = app.screen
        screen.query_one("#theme", Select).value = "glutecoach-light"
        await pilot.pause()
        assert app.theme == "glutecoach-light"
        rate = screen.query_one("#rate", Input)
        rate.focus()
        rate.value = "200"
        await pilot.press("enter")
        assert app.store.settings.value.rate == 200
        rate.value = "5"
        await pilot.press("enter")
        assert app.store.settings.value.rate == 200
        assert "rate" in screen.query_one("#problem").text
    saved = (home / "config.toml").read_text()
    assert 'theme = "glutecoach-light"' in saved
    assert "rate = 200" in saved


@async_test
async def test_settings_change_reaches_the_running_voice(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_quick(pilot)
        await pilot.press("s")
        app.screen.query_one("#bell").value = True  # the Bell checkbox
        await pilot.pause()
        assert any(c[0] == "apply" and c[1].bell for c in screen.voice.calls)


@async_test
async def test_palette_offers_only_this_screens_commands(make_app: Any) -> None:
    from glutecoach.screens.palette import CoachCommands

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        titles = [c[0] for c in CoachCommands(app.screen)._commands()]
        assert "routine: start Desk reset" in titles
        assert "theme: glutecoach-light" in titles
        assert not any(t.startswith("workout:") for t in titles)
        await start_quick(pilot)
        titles = [c[0] for c in CoachCommands(app.screen)._commands()]
        assert "workout: pause" in titles
        assert "workout: resume" not in titles
        assert not any("focus" in t or "copy" in t for t in titles)
        assert not any(t.startswith("routine: start") for t in titles)
        assert "app: history" not in titles


@async_test
async def test_palette_switches_theme(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"theme: glutecoach-contrast")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "glutecoach-contrast"
        assert app.store.settings.value.theme == "glutecoach-contrast"


@async_test
async def test_palette_starts_a_routine_by_name(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"start quick test")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, WorkoutScreen)
        assert app.screen.plan.routine.id == "quick"


@async_test
async def test_history_and_levels_keys_open_their_screens(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        assert app.screen.__class__.__name__ in ("HistoryScreen", "RoutinesScreen")
        if app.screen.__class__.__name__ == "RoutinesScreen":
            assert any("not part of this build" in n.message for n in app._notifications)


@async_test
async def test_run_routine_opens_straight_on_the_workout(make_app: Any) -> None:
    app = make_app(routine="quick")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, WorkoutScreen)
        await pilot.press("q", "y")
        await pilot.pause()
        await pilot.press("enter")
        assert isinstance(app.screen, RoutinesScreen)


@async_test
async def test_arrows_move_between_settings_fields(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert app.focused.id == "voice"
        await pilot.press("down", "down")
        assert app.focused.id == "rate"
        await pilot.press("up")
        assert app.focused.id == "voice_id"
        await pilot.press("up", "enter")
        assert type(app.focused).__name__ == "SelectOverlay", "Enter opens the voice list"
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.store.settings.value.voice == "speech"


@pytest.mark.voice
@async_test
async def test_voice_list_comes_from_the_engine(make_app: Any) -> None:
    import os

    from glutecoach.voice.engine import load

    if not load().ok and not os.environ.get("GLUTECOACH_REQUIRE_VOICE"):
        pytest.skip("no speech engine here, and GLUTECOACH_REQUIRE_VOICE is unset")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        select = app.screen.query_one("#voice_id", Select)
        labels = [str(prompt) for prompt, _ in select._options]
        assert labels[0] == "The engine's default voice"
        assert len(labels) > 1, "the engine's voices should be listed"


@pytest.mark.parametrize("keys", [("j", "k"), ("down", "up"), ("end", "home")])
@async_test
async def test_keys_typed_ahead_are_handled_in_order(make_app: Any, keys: tuple[str, str]) -> None:
    """Over SSH several keys can arrive in one read: a move followed at once by Enter must
    start the routine the move landed on, not the one highlighted before."""
    from textual import events

    from glutecoach.screens.workout import WorkoutScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        listing = app.screen.query_one("#routine-list")
        first = listing.highlighted_option.id
        await pilot.press(keys[0])
        await pilot.pause()
        assert listing.highlighted_option.id != first
        # Both keys queued before either is handled, as when they come in one packet.
        for key, char in ((keys[1], keys[1] if len(keys[1]) == 1 else None), ("enter", "\r")):
            app.post_message(events.Key(key, char))
        await pilot.pause()
        assert isinstance(app.screen, WorkoutScreen)
        assert app.screen.plan.routine.id == first


@async_test
async def test_settings_names_the_relay_mode_for_what_it_does(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        labels = {value: str(label) for label, value in app.screen.query_one("#voice")._options}
        assert "Bell" not in labels["relay"] and "notification" not in labels["relay"]
        assert "your own computer" in labels["relay"] and "relay" in labels["relay"]


@async_test
async def test_escape_sequences_in_a_routine_never_reach_the_list_or_the_title(
    make_app: Any, home: Path
) -> None:
    (home / "routines" / "evil.toml").write_text(
        'name = "\\u001b]0;PWNED\\u0007Evil\\u001b[2J"\n'
        'description = "Red \\u001b[31malert"\n[[exercise]]\nid = "clamshell"\nreps = 8\n'
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        listing = app.screen.query_one("#routine-list")
        prompts = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
        evil = [p for p in prompts if "Evil" in p]
        assert evil and not any("\x1b" in p or "\x07" in p for p in prompts), evil
        listing.highlighted = prompts.index(evil[0])
        await pilot.pause()
        detail = widget_text(app.screen.query_one("#detail-text"))
        assert "Red alert" in detail and "\x1b" not in detail
