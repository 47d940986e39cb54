"""The Textual App: wiring only. Screens do the work; services hang off the app.

Screens reach the store, the clock and the voice factory through ``self.coach`` (the app,
typed) so tests can inject a fixed clock, an isolated store and a recording voice from one
place. Changes that other screens must follow are published on two signals:
``settings_signal`` (a saved setting) and ``levels_signal`` (an exercise's level changed).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.signal import Signal

from glutecoach.screens.routines import RoutinesScreen
from glutecoach.themes import ANSI_THEME, DEFAULT_THEME, PHASE_DEFAULTS, load_themes

if TYPE_CHECKING:
    from textual.command import Provider
    from textual.driver import Driver

    from glutecoach.screens.levels import LevelsScreen
    from glutecoach.store import Store
    from glutecoach.store.settings import Settings
    from glutecoach.workout.ports import Speaker, VoiceFactory

Clock = Callable[[], float]
ScreenT = TypeVar("ScreenT", bound=Screen[Any])


def _coach_commands() -> type[Provider]:
    """The palette's commands, imported when the palette first opens."""
    from glutecoach.screens.palette import CoachCommands

    return CoachCommands


def _import_later_screens() -> None:
    """Runs on a thread; a failed import is left for the screen's own import to report."""
    import importlib

    for module in LATER_SCREENS:
        with contextlib.suppress(Exception):
            importlib.import_module(module)


# Imported ahead: what `h` opens (its first open paid ~15 ms of imports).
LATER_SCREENS = ("glutecoach.screens.history",)


def _open_voice(mode: str, settings: Settings, **kwargs: Any) -> Speaker:
    """The real voice, imported when a workout first opens one (not before the first frame)."""
    from glutecoach.voice import make_voice

    return make_voice(mode, settings, **kwargs)


def _warm_voice(app: GlutecoachApp) -> None:
    """Render the voice's lines ahead at low priority (``voice.warmup``), imported off the UI
    thread so the first frame and the keys after it never wait on it."""
    from glutecoach.voice.warmup import warm_for_app

    warm_for_app(app)


class GlutecoachApp(App[None]):
    # The routine list is the default screen, and Textual loads no CSS_PATH for that one.
    CSS_PATH = ["app.tcss", "screens/routines.tcss"]  # noqa: RUF012
    TITLE = "glutecoach"
    COMMANDS = {_coach_commands}  # noqa: RUF012 (Textual's own annotation)
    NOTIFICATION_TIMEOUT = 6
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (60, "-wide")]  # noqa: RUF012
    VERTICAL_BREAKPOINTS = [(0, "-short"), (20, "-tall")]  # noqa: RUF012
    BINDINGS = [  # noqa: RUF012
        Binding(
            "question_mark,f1",
            "help",
            "Help",
            id="help",
            tooltip="Every key on this screen, from the real bindings",
        ),
        Binding("s", "settings", "Settings", id="settings", tooltip="Voice, timing and theme"),
        Binding("h", "history", "History", id="history", tooltip="Past workouts"),
        Binding("l", "levels", "Levels", id="levels", tooltip="Your level on each exercise"),
        Binding(
            "ctrl+q",
            "quit",
            "Quit",
            id="quit",
            show=False,
            priority=True,
            tooltip="Quit at once (a workout in progress is saved as partial)",
        ),
    ]

    def __init__(
        self,
        store: Store,
        *,
        routine: str | None = None,
        voice_mode: str | None = None,
        clock: Clock = time.monotonic,
        voice_factory: VoiceFactory | None = None,
        clock_thread: bool | None = None,
        edit_routine: str | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.clock = clock
        # A workout's clock runs on its own thread on the real clock, so drawing a frame
        # never delays a cue; tests that move a fake clock by hand poll on the UI thread.
        self.clock_thread = clock is time.monotonic if clock_thread is None else clock_thread
        self.voice_factory: VoiceFactory = voice_factory or _open_voice
        self.settings_signal: Signal[Settings] = Signal(self, "settings")
        self.levels_signal: Signal[str] = Signal(self, "levels")
        self.voice_mode = voice_mode
        self.start_routine = routine
        self.edit_routine = edit_routine  # opened in the editor once the list is up
        self.terminal_log: list[str] = []  # what write_terminal sent while headless (tests)
        self._ui_loop: asyncio.AbstractEventLoop | None = None
        self._startup_notices: list[tuple[str, str]] = []
        self._load_theme_files()

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver for this terminal, its output rid of redundant codes first (the
        same screen in about half the bytes; ``terminal_output``)."""
        from glutecoach import terminal_output

        driver = super().get_driver_class()
        return terminal_output.compacting(driver) if terminal_output.enabled() else driver

    # -- themes and settings ---------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        return self.store.settings.value

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(PHASE_DEFAULTS)

    def _load_theme_files(self) -> None:
        """Before the first frame, only the theme in use is read (the other files cost
        ~1.5 ms); every file is read, and its problems told, just after the first frame or
        as soon as something lists the themes (``theme_names``)."""
        from glutecoach.store.paths import themes_dir
        from glutecoach.themes import load_one_theme

        wanted = self._for_this_terminal(self.settings.theme)
        theme = load_one_theme(wanted, themes_dir())
        if theme is None:  # not there, or broken: read them all now, and say why
            self._load_every_theme(start=True)
            return
        self.register_theme(theme)
        self._start_with_theme(wanted)

    _theme_names: list[str] | None = None

    def _validate_theme(self, theme_name: str) -> str:
        # Textual's check when ``theme`` is set: a theme not read yet is read first.
        if theme_name not in self._registered_themes:
            self._load_every_theme()
        return super()._validate_theme(theme_name)

    @property
    def theme_names(self) -> list[str]:
        """Every installed theme, built-in first (reads the theme files the first time)."""
        return self._load_every_theme()

    def _load_every_theme(self, *, start: bool = False) -> list[str]:
        if self._theme_names is not None:
            return self._theme_names
        from glutecoach.store.paths import themes_dir

        loaded = load_themes(themes_dir())
        self._theme_names = sorted(loaded.themes, key=lambda n: (n not in loaded.builtin, n))
        registered = self.available_themes
        for theme in loaded.themes.values():
            if theme.name not in registered:  # the one in use was read before the first frame
                self.register_theme(theme)
        notices: list[tuple[str, str]] = []
        if loaded.problems:
            problems = "\n".join(map(str, loaded.problems))
            notices.append((f"Some theme files could not be used:\n{problems}", "error"))
        if start:
            wanted = self.settings.theme
            if wanted not in loaded.themes:
                notices.append(
                    (f'Theme "{wanted}" is not installed; using {DEFAULT_THEME}.', "warning")
                )
                wanted = DEFAULT_THEME
            self._start_with_theme(self._for_this_terminal(wanted))
        if self._ui_loop is None:
            self._startup_notices.extend(notices)  # told once the app is up (on_mount)
        else:
            for message, severity in notices:
                self.notify(message, severity=severity, timeout=12)  # type: ignore[arg-type]
        return self._theme_names

    def _for_this_terminal(self, name: str) -> str:
        if name == DEFAULT_THEME and self._sixteen_colours():
            return ANSI_THEME  # the truecolour palette downsamples badly to 16 colours
        return name

    def _start_with_theme(self, name: str) -> None:
        """What setting ``self.theme`` does, for an app not yet running, without the full
        re-parse of every stylesheet that Textual's theme watcher queues (``refresh_css``,
        ~5 ms of the first frame): nothing is parsed yet, so the variables are set first."""
        if name == self.theme:
            return
        self.set_reactive(App.theme, self._validate_theme(name))
        theme = self.current_theme
        classes = {c: False for c in self.classes if c.startswith("-theme-")}
        classes.update({f"-theme-{name}": True, "-dark-mode": theme.dark})
        classes["-light-mode"] = not theme.dark
        self.update_classes(classes, update=False)
        self._refresh_truecolor_filter(self.ansi_theme)
        self.stylesheet.set_variables(self.get_css_variables())

    def _theme_problem(self, name: str) -> str | None:
        from glutecoach.themes import css_problem

        self._load_every_theme()
        theme = self.get_theme(name)
        if theme is None:
            return "it is not installed"
        variables = {**theme.to_color_system().generate(), **theme.variables}
        return css_problem(self.stylesheet, {**self.get_theme_variable_defaults(), **variables})

    def _sixteen_colours(self) -> bool:
        """A real 16-colour terminal (TERM=xterm, linux console), not merely an unknown one."""
        term = os.environ.get("TERM", "")
        if not term or term == "dumb":
            return False
        return self.console.color_system in ("standard", "windows")

    def apply_settings(self, settings: Settings) -> None:
        """Make a saved change visible at once on every open screen."""
        self._load_every_theme()
        if settings.theme in self.available_themes and settings.theme != self.theme:
            self.theme = settings.theme
        self.settings_signal.publish(settings)

    def set_level(self, exercise: str, level: int, reason: str = "") -> bool:
        """Set an exercise's level and tell every screen that shows plans; False when it holds
        only until glutecoach closes (it could not be saved)."""
        saved = bool(self.store.levels.set(exercise, level, reason))
        self.levels_signal.publish(exercise)
        return saved

    def on_levels_screen_level_changed(self, message: LevelsScreen.LevelChanged) -> None:
        self.levels_signal.publish(message.exercise)  # plans built from levels follow at once

    def binding_ids(self) -> set[str]:
        from glutecoach.screens import all_screen_classes

        ids = {b.id for b in self.BINDINGS if isinstance(b, Binding) and b.id}
        for cls in all_screen_classes():
            ids.update(b.id for b in cls.BINDINGS if isinstance(b, Binding) and b.id)
        return ids

    def _apply_keymap(self) -> None:
        keys = dict(self.settings.keys)
        if not keys:
            return  # checking ids imports every screen; skip that on the common path
        known = self.binding_ids()
        for problem in self.store.settings.unknown_binding_ids(known):
            self.notify(str(problem), severity="warning")
        keys = {k: v for k, v in keys.items() if k in known}
        if keys:
            self.set_keymap(keys)

    # -- lifecycle ----------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        return self._sized(RoutinesScreen())

    def _sized(self, screen: ScreenT) -> ScreenT:
        """``screen`` with the breakpoint classes (-narrow, -tall, ...) of the terminal's
        size already on, as Textual puts them on at its first resize: by then its widgets
        are styled, and the class change restyled every one of them again (~4 ms)."""
        size = self.size
        horizontal = screen.HORIZONTAL_BREAKPOINTS
        vertical = screen.VERTICAL_BREAKPOINTS
        horizontal = (self.HORIZONTAL_BREAKPOINTS if horizontal is None else horizontal) or []
        vertical = (self.VERTICAL_BREAKPOINTS if vertical is None else vertical) or []
        classes = {name: False for _, name in horizontal + vertical}
        for breakpoints, length in ((horizontal, size.width), (vertical, size.height)):
            reached = [(at, name) for at, name in breakpoints if length >= at]
            if reached:
                classes[max(reached)[1]] = True
        screen.update_classes(classes, update=False)
        return screen

    def on_mount(self) -> None:
        self._ui_loop = asyncio.get_running_loop()
        for message, severity in self._startup_notices:
            self.notify(message, severity=severity, timeout=12)  # type: ignore[arg-type]
        for notice in self.store.notices:
            self.notify(str(notice), severity="warning", timeout=12)
        self._apply_keymap()
        self.call_after_refresh(self._first_frame_shown)
        if self.start_routine is not None:
            routines = self.screen
            if isinstance(routines, RoutinesScreen):
                self.call_after_refresh(routines.start_routine, self.start_routine)

    def _first_frame_shown(self) -> None:
        from glutecoach import startup

        startup.release_collection(freeze=True)
        # Not at once: Textual writes the frame from its own thread, and an import on another
        # thread then competes with it for the interpreter (the frame reached the terminal
        # later in app_bench). A quarter second is still long before a person presses `h`.
        self.set_timer(0.2, self._settled)
        self.set_timer(0.25, self._warm_up)

    def _settled(self) -> None:
        """The first frames are out: threads share the interpreter as usual again, and the
        voice's lines are rendered ahead, idle (with the short switch interval, that thread
        would interrupt the UI thread every 0.5 ms)."""
        from glutecoach import startup

        startup.hand_over_as_usual()
        self._load_every_theme()  # the themes not in use, for the settings and the palette
        if self.voice_factory is _open_voice:  # the real voice: its phrase cache warmed, idle
            threading.Thread(target=_warm_voice, args=(self,), daemon=True).start()

    def _warm_up(self) -> None:
        """Import what the screens a person opens next need (History first) on a thread
        while they read the list, so the first ``h`` does not pay for the imports (~15 ms).
        After the first frame: before it, this would only compete with drawing it."""
        thread = threading.Thread(target=_import_later_screens, name="gc-warm", daemon=True)
        thread.start()

    # -- threads and the terminal -------------------------------------------------------------

    def from_any_thread(self, callback: Callable[..., Any], *args: Any) -> None:
        """Run ``callback`` on the UI thread without waiting for it.

        Not ``call_from_thread``: that blocks the caller until the UI runs the callback, and
        the voice worker calling it while the UI thread joins that worker would deadlock.
        """
        if self._ui_loop is None or threading.get_ident() == self._thread_id:
            callback(*args)
        else:
            # A closed loop means the app is gone: there is nothing left to update.
            with contextlib.suppress(RuntimeError):
                self._ui_loop.call_soon_threadsafe(callback, *args)

    def write_terminal(self, text: str) -> None:
        """Send BEL / OSC escapes to the user's terminal through Textual's own output."""
        driver = self._driver
        if driver is None or self.is_headless:
            self.terminal_log.append(text)
            return
        driver.write(text)

    async def on_event(self, event: events.Event) -> None:
        # Keys still queued behind the one that quits (a paste over SSH) would open screens
        # on an app that is closing, which crashed it: once quitting, input does nothing.
        # Not only after exit(): a shutdown by any other path (Textual's own, a test's)
        # empties the screen stack under keys still on their way back from a widget.
        if isinstance(event, events.InputEvent) and (
            self.return_code is not None or not self.is_running
        ):
            return
        await super().on_event(event)

    # -- actions ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # By area name, not isinstance: importing those screens here would slow the first frame.
        screen = self.screen
        area = getattr(screen, "AREA", "")
        if action == "help":
            return area != "help"
        if action == "settings":
            return area not in ("settings", "help")
        if action in ("history", "levels"):
            return getattr(screen, "ALLOW_BROWSING", False)
        return True

    def action_help(self) -> None:
        from glutecoach.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.screen))

    def action_settings(self) -> None:
        from glutecoach.screens.settings import SettingsScreen

        self.push_screen(SettingsScreen())

    def action_history(self) -> None:
        from glutecoach.screens.history import HistoryScreen

        self.push_screen(self._sized(HistoryScreen()))

    def action_levels(self) -> None:
        from glutecoach.screens.levels import LevelsScreen

        self.push_screen(LevelsScreen())

    def action_use_theme(self, name: str) -> None:
        # Apply, then save: a theme Textual cannot parse is refused before either, so a bad
        # choice never stops this run or the next start.
        why = self._theme_problem(name)
        if why is not None:
            self.notify(f'Theme "{name}" cannot be used: {why}.', severity="error")
            return
        try:
            self.store.settings.update(theme=name)
        except Exception as exc:  # a settings file problem must not stop the theme change
            self.notify(f"Theme applied but not saved: {exc}", severity="warning")
            self.theme = name
            return
        self.apply_settings(self.settings)
