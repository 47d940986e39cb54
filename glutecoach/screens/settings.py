"""Settings: every change is checked, saved and applied at once (no Save button to forget).

Values go through ``store.settings.update``, the same validation the config file gets, so
the screen cannot store something the file would reject; a rejected value is shown
beside its field and the old one stays.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, Select

from glutecoach.screens import remind_rows
from glutecoach.screens.base import CoachScreen
from glutecoach.store.settings import Settings
from glutecoach.widgets.footer import CoachFooter
from glutecoach.widgets.line import Line
from glutecoach.widgets.toggle import Toggle

LIST_VOICES = (  # every engine's voices: the natural voice's (if installed) and pyttsx3's
    "import json\n"
    "from glutecoach.voice.engines import voice_list\n"
    "print(json.dumps(voice_list()))\n"
)

VOICE_CHOICES = [
    ("Speak if possible (auto)", "auto"),
    ("Speak (this computer)", "speech"),
    ("Speak on your own computer (relay)", "relay"),
    ("Captions only", "captions"),
    ("Off", "off"),
]


def _number(text: str, kind: type[int] | type[float]) -> int | float | None:
    text = text.strip()
    if not text:
        return None
    return kind(text)


class SettingsScreen(CoachScreen):
    AREA = "settings"
    ALLOW_BROWSING = False
    CSS_PATH = "settings.tcss"
    BINDINGS = [  # noqa: RUF012
        Binding("q,escape", "close", "Close", id="back", tooltip="Back; changes are already saved"),
        Binding("down", "move(1)", "Next field", id="down", show=False, priority=True),
        Binding("up", "move(-1)", "Previous field", id="up", show=False, priority=True),
        Binding("j", "letter_move(1)", "Next field", id="down-letter", show=False, priority=True),
        Binding(
            "k", "letter_move(-1)", "Previous field", id="up-letter", show=False, priority=True
        ),
    ]

    def compose(self) -> ComposeResult:
        settings: Settings = self.coach.settings
        themes = getattr(self.app, "theme_names", [settings.theme])
        yield Line("Settings · saved as you change them", id="heading")
        with VerticalScroll(id="body"):
            yield from self._row(
                "Voice",
                Select(
                    VOICE_CHOICES, value=settings.voice, allow_blank=False, id="voice", compact=True
                ),
            )
            voice_ids = [("The engine's default voice", "")]
            if settings.voice_id:
                voice_ids.append((settings.voice_id, settings.voice_id))
            yield from self._row(
                "Which voice",
                Select(
                    voice_ids,
                    value=settings.voice_id,
                    allow_blank=False,
                    id="voice_id",
                    compact=True,
                ),
            )
            yield from self._row(
                "Speech rate (words/min)",
                Input(str(settings.rate), type="integer", compact=True, id="rate"),
            )
            yield from self._row(
                "Volume (0-100 %)",
                Input(str(round(settings.volume * 100)), type="integer", compact=True, id="volume"),
            )
            yield from self._row(
                "Bell on counts and steps", Toggle("", settings.bell, id="bell", compact=True)
            )
            yield from self._row(
                "Desktop notifications", Toggle("", settings.notify, id="notify", compact=True)
            )
            yield from self._row(
                "Get-ready time (s)",
                Input(
                    "" if settings.lead_in is None else str(settings.lead_in),
                    placeholder="as the routine says",
                    type="integer",
                    compact=True,
                    id="lead_in",
                ),
            )
            yield from self._row(
                "Seconds per rep",
                Input(
                    "" if settings.default_tempo is None else f"{settings.default_tempo:g}",
                    placeholder="each exercise's own",
                    type="number",
                    compact=True,
                    id="default_tempo",
                ),
            )
            yield from self._row(
                "I have a band", Toggle("", "band" in settings.equipment, id="band", compact=True)
            )
            yield from self._row(
                "I have a weight",
                Toggle("", "weight" in settings.equipment, id="weight", compact=True),
            )
            theme_choices = [(name, name) for name in themes]
            current = self.app.theme if self.app.theme in themes else themes[0]
            yield from self._row(
                "Theme",
                Select(theme_choices, value=current, allow_blank=False, id="theme", compact=True),
            )
            yield from remind_rows.rows(settings.remind, self._row)
            yield Line(id="problem")
        yield CoachFooter()

    @staticmethod
    def _row(label: str, field: Widget) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label(label, classes="label")
            yield field

    def on_mount(self) -> None:
        self.query_one("#voice", Select).focus()
        self._list_voices()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _list_voices(self) -> None:
        """Ask the speech engine for its voices in a child process: the app itself never
        loads pyttsx3 (speech runs in its own worker), and a slow engine can't stall it."""
        try:
            done = subprocess.run(
                [sys.executable, "-c", LIST_VOICES],
                capture_output=True,
                text=True,
                timeout=15,
                check=True,
            )
            voices = json.loads(done.stdout)
        except (OSError, subprocess.SubprocessError, ValueError):
            return  # no engine here: the default voice stays the only choice
        self.app.call_from_thread(self._fill_voices, voices)

    def _fill_voices(self, voices: list[dict[str, Any]]) -> None:
        select = self.query_one("#voice_id", Select)
        current = self.coach.settings.voice_id
        choices = [("The engine's default voice", "")]
        english = sorted(
            (v for v in voices if any(lang.startswith("en") for lang in v["languages"])),
            key=lambda v: v["name"],
        )
        others = sorted((v for v in voices if v not in english), key=lambda v: v["name"])
        natural = [v for v in voices if v.get("engine") == "piper"]  # first: the best ones
        for voice in natural + [v for v in english + others if v not in natural]:
            languages = ", ".join(voice["languages"])
            choices.append((f"{voice['name']} ({languages})", voice["id"]))
        if current and current not in {value for _, value in choices}:
            choices.append((f"{current} (not found)", current))
        select.set_options(choices)
        select.value = current

    def _save(self, **changes: Any) -> bool:
        store = self.coach.store
        problem = self.query_one("#problem", Line)
        try:
            saved = store.settings.update(**changes)
        except Exception as exc:  # SettingsError names the key and what would fit
            problem.show(str(exc))
            return False
        problem.show("" if saved else "Applied for now, but the settings file could not be saved.")
        self.coach.apply_settings(store.settings.value)
        return True

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        field = event.select.id
        settings: Settings = self.coach.settings
        if field and event.value != getattr(settings, field):
            self._save(**{field: event.value})

    @on(Toggle.Changed)
    def _checkbox_changed(self, event: Toggle.Changed) -> None:
        field = event.checkbox.id
        settings: Settings = self.coach.settings
        if field and remind_rows.owns(field):
            new = remind_rows.changed(settings.remind, field, event.value)
            if new != settings.remind:
                self._save(remind=new)
        elif field in ("band", "weight"):
            have = [item for item in settings.equipment if item != field]
            if event.value:
                have.append(field)
            if sorted(have) != sorted(settings.equipment):
                self._save(equipment=sorted(have))
        elif field and event.value != getattr(settings, field):
            self._save(**{field: event.value})

    @on(Input.Submitted)
    @on(Input.Blurred)
    def _input_done(self, event: Input.Submitted | Input.Blurred) -> None:
        field = event.input.id or ""
        settings: Settings = self.coach.settings
        if remind_rows.owns(field):
            new = remind_rows.changed(settings.remind, field, event.value)
            if new != settings.remind:
                self._save(remind=new)
            return
        try:
            if field == "volume":
                percent = _number(event.value, int)
                value: Any = settings.volume if percent is None else percent / 100
            elif field == "default_tempo":
                value = _number(event.value, float)
            else:
                value = _number(event.value, int)
                if field == "rate" and value is None:
                    value = settings.rate
        except ValueError:
            self.query_one("#problem", Line).show(f"{event.value!r} is not a number.")
            return
        if value != getattr(settings, field):
            self._save(**{field: value})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Arrows move between fields, except inside an open list or while typing."""
        if action in ("move", "letter_move"):
            focused = self.focused
            if type(focused).__name__ == "SelectOverlay":
                return False
            if action == "letter_move" and isinstance(focused, Input):
                return False
        return True

    def action_letter_move(self, delta: int) -> None:
        self.action_move(delta)

    def action_move(self, delta: int) -> None:
        if delta > 0:
            self.focus_next()
        else:
            self.focus_previous()

    def action_close(self) -> None:
        self.close_if_active()
