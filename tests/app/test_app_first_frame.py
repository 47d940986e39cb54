"""What the first frame of the routine list holds, and what start-up leaves out of its way.

The real app starts in tmux at 80x24 and 40x12 with every write recorded
(``recording_driver``): the first write that shows the list must already show the footer's
keys. Before, the footer hid every key in it (it measured its room before it had a size)
and drew them a frame later. The Pilot tests check what start-up no longer does before the
first frame: re-parse every stylesheet for the theme, restyle the screen for its size
classes, import the History screen (that happens on a thread after the frame).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from app_helpers import async_test
from test_app_tmux import Tmux

from glutecoach.terminal_output import RAW_ENV

HERE = Path(__file__).resolve().parent
ESCAPE = re.compile(r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[=>78])")


def first_list_frame(home: Path, width: int, height: int, log: Path) -> tuple[str, str]:
    """(the text of the first write that shows the list, the settled screen's last row)."""
    exe = Path(sys.executable).parent / "glutecoach"
    (home / "config.toml").write_text('voice = "captions"\n', encoding="utf-8")
    env = {
        "GLUTECOACH_HOME": str(home),
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        RAW_ENV: "1",
        "TEXTUAL_DRIVER": "recording_driver:RecordingDriver",
        "PYTHONPATH": str(HERE),
        "GLUTECOACH_RECORD_WRITES": str(log),
    }
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    tmux = Tmux(f"gc-first-frame-{os.getpid()}-{width}", "ff")
    tmux.run(
        "new-session",
        *("-d", "-s", "ff", "-x", str(width), "-y", str(height)),
        # The pause: tmux can size a new pane a moment after starting its command, and an
        # app that reads 80x24 first never sees the resize (a Textual start-up race).
        f"sleep 0.3; env {exports} {shlex.quote(str(exe))}; sleep 30",
        check=True,
    )
    try:
        tmux.wait_for("Desk reset")
        time.sleep(1.0)  # settled: the reminder status, the footer's own refits
        last_row = tmux.screen().rstrip("\n").splitlines()[-1]
    finally:
        tmux.run("kill-server")
    writes = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    texts = [ESCAPE.sub(" ", write) for write in writes]
    first = next(text for text in texts if "Desk reset" in text)
    return first, last_row


@pytest.mark.terminal
@pytest.mark.parametrize("size", [(80, 24), (40, 12)])
def test_the_first_frame_of_the_list_has_the_footer_keys(
    isolated_home: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    first, last_row = first_list_frame(isolated_home, *size, tmp_path / "writes.jsonl")
    words = last_row.replace("▏", " ").split()
    assert {"Quit", "Help"} <= set(words), last_row  # the settled footer, as a person sees it
    missing = [word for word in words if word not in first]
    assert not missing, f"the first frame lacks {missing} of the footer {last_row!r}"


@async_test
async def test_the_theme_is_applied_without_reparsing_every_stylesheet(
    make_app: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.css.stylesheet import Stylesheet

    reparsed: list[int] = []
    real = Stylesheet.reparse

    def counting(self: Stylesheet) -> None:
        reparsed.append(1)
        real(self)

    monkeypatch.setattr(Stylesheet, "reparse", counting)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not reparsed, "starting the app re-parsed every stylesheet for its theme"
        theme = app.current_theme
        assert app.theme == "glutecoach-dark" == theme.name
        assert "-theme-glutecoach-dark" in app.classes and "-dark-mode" in app.classes
        assert app.stylesheet._variables["primary"].lower() == theme.primary.lower()
        assert app.stylesheet._variables["phase-work"] == theme.variables["phase-work"]
        heading = app.screen.query_one("#heading")
        assert heading.styles.background == app.stylesheet.parse_style("on $panel").background
        app.theme = "glutecoach-light"  # a change later still goes through Textual's watcher
        await pilot.pause()
        assert reparsed and "-theme-glutecoach-light" in app.classes
        assert "-theme-glutecoach-dark" not in app.classes


@pytest.mark.parametrize(
    ("size", "wanted"),
    [
        ((80, 24), {"-wide", "-tall"}),
        ((40, 12), {"-narrow", "-short"}),
        ((60, 20), {"-wide", "-tall"}),
    ],
)
@async_test
async def test_the_list_is_composed_with_its_size_classes_already_on(
    make_app: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
    size: tuple[int, int],
    wanted: set[str],
) -> None:
    from glutecoach.screens.routines import RoutinesScreen

    seen: list[set[str]] = []
    real = RoutinesScreen.compose

    def compose(self: RoutinesScreen) -> Any:
        seen.append(set(self.classes))
        return real(self)

    monkeypatch.setattr(RoutinesScreen, "compose", compose)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert seen and seen[0] == wanted  # no restyle of every widget at the first resize
        assert set(app.screen.classes) >= wanted  # and Textual agrees once it has resized


# What the first frame does not need, so start-up must not import it: the History side of
# the store (queries, the recorder, the export and json), writing settings (tomli_w), reading
# a [remind] table, the workout's clock. Each was imported before the first frame once.
NOT_BEFORE_THE_FIRST_FRAME = (
    "glutecoach.store.queries",
    "glutecoach.store.recording",
    "glutecoach.store.export",
    "json",
    "tomli_w",
    "glutecoach.remind.duration",
    "glutecoach.widgets.countdown",
    "glutecoach.screens.history",
)

# Prints the modules loaded when the first frame was shown, then whether the History
# screen's module was imported (on the warm-up thread) within two seconds after it.
LOADED = """
import asyncio, sys
from glutecoach.app import GlutecoachApp
from glutecoach.store import open_store

async def main():
    app = GlutecoachApp(open_store())
    loaded = []
    real = app._first_frame_shown
    def shown():
        loaded.extend(sys.modules)
        real()
    app._first_frame_shown = shown
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(40):
            await pilot.pause(0.05)
            if "glutecoach.screens.history" in sys.modules:
                break
        later = "glutecoach.screens.history" in sys.modules
    app.store.close()
    print(" ".join(sorted(loaded)))
    print(later)

asyncio.run(main())
"""


def loaded_at_the_first_frame(home: Path) -> tuple[set[str], bool]:
    """(the modules loaded when the first frame was shown, History imported soon after)."""
    # A history file from an earlier run, as almost every start has (the first run creates it).
    first = [sys.executable, "-c", "from glutecoach.store import open_store; open_store().close()"]
    env = {**os.environ, "GLUTECOACH_HOME": str(home)}
    subprocess.run(first, env=env, timeout=60, check=True)
    done = subprocess.run(
        [sys.executable, "-c", LOADED],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    modules, later = done.stdout.strip().splitlines()
    loaded = set(modules.split())
    assert "glutecoach.screens.routines" in loaded, done.stdout + done.stderr
    return loaded, later == "True"


def test_the_history_screen_is_imported_after_the_first_frame(isolated_home: Path) -> None:
    loaded, later = loaded_at_the_first_frame(isolated_home)
    assert "glutecoach.screens.history" not in loaded
    assert later, "the warm-up did not import the History screen"


def test_start_up_imports_nothing_the_first_frame_does_not_need(isolated_home: Path) -> None:
    loaded, _ = loaded_at_the_first_frame(isolated_home)
    early = [name for name in NOT_BEFORE_THE_FIRST_FRAME if name in loaded]
    assert not early, f"imported before the first frame: {early}"


@async_test
async def test_a_screen_is_not_restyled_whole_when_it_first_shows(
    make_app: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual import events
    from textual.dom import DOMNode
    from textual.screen import Screen

    restyled: list[str] = []
    real = DOMNode.update_node_styles

    def recording(self: DOMNode, animate: bool = True) -> None:
        if isinstance(self, Screen):
            restyled.append(type(self).__name__)
        real(self, animate=animate)

    monkeypatch.setattr(DOMNode, "update_node_styles", recording)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "RoutinesScreen" not in restyled  # styled as it mounted, once
        await pilot.press("h")
        await pilot.pause()
        assert app.screen.AREA == "history" and "HistoryScreen" not in restyled
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.AREA == "routine"
        # Any later resume that asks for it is restyled whole, as Textual does.
        app.screen.post_message(events.ScreenResume(refresh_styles=True))
        await pilot.pause()
        assert restyled.count("RoutinesScreen") == 1


@async_test
async def test_the_details_start_with_a_screenful_and_then_hold_the_whole_plan(
    make_app: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.widgets import Static

    from glutecoach.screens.routines import RoutinesScreen

    first: list[int] = []
    real = RoutinesScreen._first_screenful

    def recording(self: RoutinesScreen, selected: str | None) -> Any:
        shown = real(self, selected)
        first.append(len(str(shown).splitlines()))
        return shown

    monkeypatch.setattr(RoutinesScreen, "_first_screenful", recording)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        whole = str(screen._detail_for(screen._shown))
        assert first == [24] and len(whole.splitlines()) > 24  # the plan runs below the fold
        assert str(screen.query_one("#detail-text", Static).content) == whole


@async_test
async def test_the_details_wrap_the_same_with_or_without_their_scrollbar(
    make_app: Callable[..., Any],
) -> None:
    """The details pane keeps its scrollbar's room: its first frame (one screenful, no
    scrollbar yet) and the next one (the whole plan, scrollbar shown) wrap the text alike.
    Before, the second frame re-wrapped the text two columns narrower."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        detail = app.screen.query_one("#detail")
        text = app.screen.query_one("#detail-text")
        assert detail.show_vertical_scrollbar  # Desk reset's plan is longer than the pane
        with_bar = text.region.width
        detail.styles.overflow_y = "hidden"
        await pilot.pause()
        assert not detail.show_vertical_scrollbar
        assert text.region.width == with_bar
