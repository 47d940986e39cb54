"""The editor's two pop-ups: pick an exercise to add, and write a move of your own.

A move of your own is checked by the catalog's own parser (``parse_exercise``), the one that
reads ``[exercises.ID]`` in a routine file, so the form cannot hand back a move the file
would reject. Problems are shown beside their fields.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, TextArea
from textual.widgets.option_list import Option

from glutecoach.engine.catalog import ID_PATTERN, TEMPO_RANGE, load_catalog, parse_exercise
from glutecoach.engine.tomlcheck import Checker
from glutecoach.widgets.line import Line
from glutecoach.widgets.toggle import Toggle


class PickScreen(ModalScreen[str | None]):
    """Choose what to add: a catalog exercise, one of this file's own, or a new move."""

    AREA = "editor"
    BINDINGS = [  # noqa: RUF012
        Binding("escape", "cancel", "Cancel", id="back", tooltip="Add nothing"),
    ]
    DEFAULT_CSS = """
    PickScreen { align: center middle; background: $background 60%; }
    PickScreen #pick {
        width: 48; max-width: 100%; height: auto; max-height: 90%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    PickScreen #pick-list { height: auto; max-height: 16; border: none; }
    """

    def __init__(self, own: dict[str, str]) -> None:
        super().__init__()
        self.own = own

    def compose(self) -> ComposeResult:
        from glutecoach.screens.editor import PICK_OWN

        options = [
            Option(Content.assemble(e.name, "  ", (eid, "dim")), id=eid)
            for eid, e in load_catalog().items()
        ]
        options += [
            Option(Content.assemble(name, "  ", (f"{eid} · yours", "dim")), id=eid)
            for eid, name in self.own.items()
        ]
        options.append(Option("+ A move of your own…", id=PICK_OWN))
        with Vertical(id="pick"):
            yield Label("Add which exercise? (Enter adds, Esc cancels)")
            yield OptionList(*options, id="pick-list")

    def on_mount(self) -> None:
        listing = self.query_one(OptionList)
        listing.highlighted = 0
        listing.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


FIELDS = (
    ("name", "Name", "Input"),
    ("id", "Id", "Input"),
    ("setup", "Set-up line (spoken)", "Input"),
    ("why", "What it is for", "Input"),
    ("form", "Form cues, one a line (up to 6)", "TextArea"),
    ("one_sided", "One side at a time", "Toggle"),
    ("equipment", "Equipment (comma between)", "Input"),
    ("tempo", "Seconds per rep 1-10", "Input"),
    ("levels", "Levels, easiest first, one a line: name | what changes | cue", "TextArea"),
)


def exercise_id_from(name: str) -> str:
    """``Wall sit`` -> ``wall-sit``."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40]


def _levels_text(levels: list[dict[str, Any]]) -> str:
    rows = []
    for level in levels:
        parts = [level.get("name", ""), level.get("change", ""), level.get("cue", "")]
        while parts and not parts[-1]:
            parts.pop()
        rows.append(" | ".join(parts))
    return "\n".join(rows)


def _levels_from(text: str, keep: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Lines back into levels; what a line cannot hold (tempo, equipment) stays from ``keep``
    when the level keeps its name."""
    kept = {level.get("name"): level for level in keep}
    levels = []
    for line in text.splitlines():
        if not line.strip():
            continue
        name, change, cue = ([*(p.strip() for p in line.split("|")), "", ""])[:3]
        level = {k: v for k, v in kept.get(name, {}).items() if k not in ("change", "cue")}
        level["name"] = name
        if change:
            level["change"] = change
        if cue:
            level["cue"] = cue
        levels.append(level)
    return levels


class ExerciseFormScreen(ModalScreen[tuple[str, dict[str, Any]] | None]):
    """A move of your own in the catalog's shape; Ctrl+S keeps it, Esc drops the changes."""

    AREA = "editor"
    CSS_PATH = "editor.tcss"
    BINDINGS = [  # noqa: RUF012
        Binding(
            "ctrl+s",
            "keep",
            "Keep",
            id="editor-own-keep",
            priority=True,
            tooltip="Check the move and put it in the routine (saved with the routine)",
        ),
        Binding("escape", "cancel", "Cancel", id="back", tooltip="Leave without this move"),
    ]

    def __init__(self, exercise_id: str | None, body: dict[str, Any] | None, taken: set[str]):
        super().__init__()
        self.exercise_id = exercise_id
        self.body: dict[str, Any] = body or {"tempo": 3, "one_sided": False}
        self.taken = taken
        self.problems: dict[str, list[str]] = {}
        self.local_tempo = ""

    def compose(self) -> ComposeResult:
        body = self.body
        values: dict[str, Any] = {
            "id": self.exercise_id or "",
            "name": body.get("name", ""),
            "setup": body.get("setup", ""),
            "why": body.get("why", ""),
            "form": "\n".join(body.get("form", [])),
            "one_sided": bool(body.get("one_sided", False)),
            "equipment": ", ".join(body.get("equipment", [])),
            "tempo": "" if body.get("tempo") is None else f"{body['tempo']:g}",
            "levels": _levels_text(body.get("levels", [])),
        }
        title = "Your move" if self.exercise_id else "A move of your own"
        with VerticalScroll(id="own"):
            yield Label(f"{title} · Ctrl+S keeps it · Esc cancels", id="own-title")
            for key, label, kind in FIELDS:
                field: Widget
                if kind == "Input":
                    field = Input(
                        values[key],
                        id=f"o-{key}",
                        compact=True,
                        placeholder="made from the name" if key == "id" else "",
                    )
                elif kind == "TextArea":
                    field = TextArea(values[key], id=f"o-{key}", compact=True)
                else:
                    field = Toggle("", values[key], id=f"o-{key}", compact=True)
                with Vertical(classes="field"):
                    with Horizontal(classes="row"):
                        yield Label(label, classes="label")
                        yield field
                    yield Line(id=f"err-o-{key}", classes="error")
            yield Line(id="err-o-other", classes="error")

    def on_mount(self) -> None:
        self.query_one("#o-name").focus()

    def _value(self, key: str) -> Any:
        widget = self.query_one(f"#o-{key}")
        if isinstance(widget, TextArea):
            return widget.text
        return widget.value  # type: ignore[attr-defined]

    def gather(self) -> tuple[str, dict[str, Any]]:
        """The id and ``[exercises.ID]`` table the fields make, without checking them."""
        name = self._value("name").strip()
        exercise_id = self._value("id").strip() or exercise_id_from(name)
        body = {k: v for k, v in self.body.items() if k not in ("levels",)}
        body["name"] = name
        body["setup"] = self._value("setup").strip()
        why = self._value("why").strip()
        if why:
            body["why"] = why
        else:
            body.pop("why", None)
        body["form"] = [line.strip() for line in self._value("form").splitlines() if line.strip()]
        body["one_sided"] = bool(self._value("one_sided"))
        body["equipment"] = [e.strip() for e in self._value("equipment").split(",") if e.strip()]
        tempo = self._value("tempo").strip()
        self.local_tempo = ""
        if tempo:
            try:
                number = float(tempo)
            except ValueError:
                self.local_tempo = f"must be a number from {TEMPO_RANGE[0]} to {TEMPO_RANGE[1]}"
                body.pop("tempo", None)
            else:
                body["tempo"] = int(number) if number.is_integer() else number
        else:
            body.pop("tempo", None)
        levels = _levels_from(self._value("levels"), self.body.get("levels", []))
        if levels:
            body["levels"] = levels
        return exercise_id, body

    def check(self) -> tuple[str, dict[str, Any]] | None:
        """Check the move as a routine file's ``[exercises.ID]`` is checked; show problems."""
        exercise_id, body = self.gather()
        found: dict[str, list[str]] = {}
        check = Checker(Path("routine"))
        keypath = f"exercises.{exercise_id}"
        parse_exercise(check, exercise_id, body, keypath)
        for problem in check.problems:
            key = (problem.key or "").removeprefix(keypath).lstrip(".")
            field = key.split(".")[0].split("[")[0] or "id"
            field = field if field in {k for k, _, _ in FIELDS} else "other"
            message = problem.message
            if key.startswith("levels[") and "." in key:
                number = int(key[len("levels[") :].split("]")[0]) + 1
                message = f"level {number}: {key.split('.', 1)[1]} {message}"
            found.setdefault(field, []).append(message)
        if self.local_tempo:
            found["tempo"] = [self.local_tempo]
        if not exercise_id:
            found["id"] = ["give the move a name (or an id)"]
        elif not ID_PATTERN.match(exercise_id):
            found["id"] = ["lower-case letters, digits and dashes only, like wall-sit"]
        elif exercise_id in load_catalog():
            found["id"] = ["is already a built-in exercise; give yours another id"]
        elif exercise_id in self.taken:
            found["id"] = ["this routine already has a move with this id"]
        self.problems = found
        for key, _, _ in (*FIELDS, ("other", "", "")):
            text = "; ".join(found.get(key, []))
            line = self.query_one(f"#err-o-{key}", Line)
            line.show(text)
            line.set_class(bool(text), "-shown")
        return None if found else (exercise_id, body)

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Toggle.Changed)
    def _changed(self) -> None:
        if self.problems:  # once a problem is shown, show its fix as soon as it is typed
            self.check()

    def action_keep(self) -> None:
        result = self.check()
        if result is None:
            self.notify("Not kept: fix what is shown in red first.", severity="error")
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)
