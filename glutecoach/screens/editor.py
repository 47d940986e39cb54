"""The routine editor: change a routine with the keyboard and see its plan as you type.

The screen edits the same plain data a routine file holds (``engine.routine_file``), and
every change is checked by the reader's own checker (``check_data``) and planned with the
user's levels and settings (``coach.make_plan``): the length and steps shown are the ones
``glutecoach plan`` prints, and a problem is shown beside its field with the allowed range.
Ctrl+S saves only what the reader would load; the routine list then reloads on it.

Levels stay the user's own, one per exercise (the Levels screen and the history's
suggestions keep that ladder); the editor shows the level each exercise will run at.
"""

from __future__ import annotations

import contextlib
import copy
import re
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from glutecoach.engine.catalog import ID_PATTERN, load_catalog
from glutecoach.engine.model import CueKind, Plan, Routine, StepKind
from glutecoach.engine.routine_file import RANGES, check_data
from glutecoach.engine.tomlcheck import FileProblems, Problem
from glutecoach.screens.base import CoachScreen
from glutecoach.screens.words import mmss, span, step_line
from glutecoach.widgets.footer import CoachFooter
from glutecoach.widgets.line import Line

ROUTINE_FIELDS = (
    ("name", "Name", "text"),
    ("description", "Description", "text"),
    ("lead_in", "Get ready (s)", "number"),
    ("transition", "Between moves (s)", "number"),
    ("switch", "Switch sides (s)", "number"),
)
ENTRY_FIELDS = (
    ("sets", "Sets", "integer"),
    ("reps", "Reps", "integer"),
    ("tempo", "Seconds per rep", "number"),
    ("seconds", "Or timed (s)", "number"),
    ("rest", "Rest between (s)", "number"),
)
WHOLE = {"sets", "reps"}
_ENTRY_KEY = re.compile(r"^exercise\[(\d+)\](?:\.(\w+))?")


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _range_text(key: str) -> str:
    low, high = RANGES[key]
    return f"{low:g} to {high:g}"


@dataclass
class Edit:
    """What the editor was opened on: the id to save as, the data, and how it came."""

    routine_id: str
    data: dict[str, Any]
    kind: str = "new"  # new | copy | edit
    source: str = ""  # what a copy was made from
    hand_written: bool = False  # saving an existing hand-written file keeps a .bak


class EditorScreen(CoachScreen[str | None]):
    AREA = "editor"
    ALLOW_BROWSING = True  # h and l (from the exercise list): the Levels screen changes a level
    CSS_PATH = "editor.tcss"
    BINDINGS = [  # noqa: RUF012
        Binding(
            "ctrl+s",
            "save",
            "Save",
            id="editor-save",
            priority=True,
            tooltip="Check the routine and save its file (only a routine that loads is saved)",
        ),
        Binding(
            "escape",
            "close",
            "Back",
            id="back",
            tooltip="Back to the routines (asks first when there are unsaved changes)",
        ),
        Binding(
            "a,insert",
            "add",
            "Add",
            id="editor-add",
            tooltip="Add an exercise (the catalog's or this file's own) after the highlighted one",
        ),
        Binding(
            "x,delete",
            "remove",
            "Remove",
            id="editor-remove",
            tooltip="Remove the highlighted exercise from the routine",
        ),
        Binding(
            "shift+up,K",
            "move_entry(-1)",
            "Move up",
            id="editor-move-up",
            show=False,
            tooltip="Move the highlighted exercise earlier",
        ),
        Binding(
            "shift+down,J",
            "move_entry(1)",
            "Move down",
            id="editor-move-down",
            show=False,
            tooltip="Move the highlighted exercise later",
        ),
        Binding(
            "o",
            "own",
            "Own move",
            id="editor-own",
            tooltip="Write a move of your own (or change the highlighted one, if it is yours)",
        ),
        Binding(
            "ctrl+t",
            "hear",
            "Hear start",
            id="editor-hear",
            tooltip="Say how the routine opens (shown instead in captions mode)",
        ),
        Binding("down", "field(1)", "Next field", id="down", show=False, priority=True),
        Binding("up", "field(-1)", "Previous field", id="up", show=False, priority=True),
    ]

    def __init__(self, edit: Edit) -> None:
        super().__init__()
        self.edit = edit
        self.routine_id = edit.routine_id
        self.data: dict[str, Any] = copy.deepcopy(edit.data)
        self.data.setdefault("exercise", [])
        # What leaving would lose is measured against what was opened: an untouched new
        # routine or copy loses nothing, so leaving it does not ask.
        self._saved_data = copy.deepcopy(self.data)
        self.local: dict[str, str] = {}  # field -> what is wrong with the text typed there
        self.problems: list[Problem] = []
        self.routine: Routine | None = None
        self.plan: Plan | None = None
        self.voice: Any = None
        self.said = ""
        self._current = 0  # the highlighted entry

    # -- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Line(self._heading(), id="heading")
        with Horizontal(id="body"):
            with VerticalScroll(id="form"):
                yield from self._row("id", "Id (file name)", "text", self.routine_id)
                for key, label, kind in ROUTINE_FIELDS:
                    yield from self._row(key, label, kind, _fmt(self.data.get(key)))
                yield Label(
                    "Exercises  a add · x drop · ⇧↑↓ move",
                    id="entries-label",
                )
                yield OptionList(*self._entry_options(), id="entries")
                yield Line(id="err-exercise", classes="error")
                yield Line(id="entry-title")
                for key, label, kind in ENTRY_FIELDS:
                    yield from self._row(key, label, kind, "", entry=True)
                yield Line(id="level")
            with VerticalScroll(id="preview"):
                yield Line(id="total")
                yield Static(id="problems", markup=False)
                yield Line(id="said")
                yield Static(id="plan-text")
        yield CoachFooter()

    def _row(
        self, key: str, label: str, kind: str, value: str, *, entry: bool = False
    ) -> ComposeResult:
        field = f"e-{key}" if entry else f"f-{key}"
        if key in RANGES:
            label = f"{label} {_range_text(key).replace(' to ', '-')}"
        with Vertical(classes="field"):
            with Horizontal(classes="row"):
                yield Label(label, classes="label")
                yield Input(
                    value,
                    id=field,
                    type="text" if kind == "text" else kind,  # type: ignore[arg-type]
                    compact=True,
                    disabled=key == "id" and self.edit.kind == "edit",
                    placeholder="default" if key in ("tempo",) else "",
                )
            yield Line(id=f"err-{field}", classes="error")

    def _heading(self) -> str:
        what = {"new": "New routine", "copy": f"Copy of {self.edit.source}", "edit": "Edit"}
        heading = f"{what[self.edit.kind]} · {self.routine_id}.toml"
        if self.edit.hand_written:
            heading += " · your text is kept as .bak (comments are not kept)"
        return heading

    def on_mount(self) -> None:
        listing = self.query_one("#entries", OptionList)
        if listing.option_count:
            listing.highlighted = 0
        self._fill_entry()
        self.recheck()
        self.query_one("#f-name" if self.edit.kind == "edit" else "#f-id", Input).focus()

    # -- the entries list -------------------------------------------------------------------------

    def _known(self) -> dict[str, Any]:
        own = self.data.get("exercises") or {}
        names = {k: v.name for k, v in load_catalog().items()}
        names.update({k: (v.get("name") or k) for k, v in own.items() if isinstance(v, dict)})
        return names

    def _entry_options(self) -> list[Option]:
        names = self._known()
        bad = {m.group(1) for p in self.problems if (m := _ENTRY_KEY.match(p.key or ""))}
        bad |= {k.split(":")[0] for k in self.local if ":" in k}
        options = []
        for i, entry in enumerate(self.data["exercise"]):
            name = names.get(entry.get("id", ""), entry.get("id", "?"))
            sets = entry.get("sets", 1)
            if "reps" in entry:
                dose = f"{_fmt(sets)}×{_fmt(entry['reps'])}"
            elif "seconds" in entry:
                dose = f"{_fmt(sets)}×{_fmt(entry['seconds'])} s"
            else:
                dose = "?"
            mark = ("! ", "bold $error") if str(i) in bad else "  "
            options.append(Option(Content.assemble(mark, f"{i + 1}. {name}  ", (dose, "dim"))))
        return options

    def _refresh_entries(self) -> None:
        listing = self.query_one("#entries", OptionList)
        listing.clear_options()
        listing.add_options(self._entry_options())
        if listing.option_count:
            self._current = max(0, min(self._current, listing.option_count - 1))
            listing.highlighted = self._current

    def _entry(self) -> dict[str, Any] | None:
        entries = self.data["exercise"]
        return entries[self._current] if 0 <= self._current < len(entries) else None

    def _fill_entry(self) -> None:
        entry = self._entry()
        for key, _, _ in ENTRY_FIELDS:
            field = self.query_one(f"#e-{key}", Input)
            field.disabled = entry is None
            value = _fmt(entry.get(key)) if entry else ""
            local = self.local.get(f"{self._current}:{key}")
            if local is None and field.value != value:
                field.value = value
        title = ""
        if entry is not None:
            title = f"{self._current + 1}. {self._known().get(entry.get('id', ''), '?')}"
        self.query_one("#entry-title", Line).show(title)

    @on(OptionList.OptionHighlighted, "#entries")
    def _entry_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index != self._current:
            self._current = event.option_index
            self._fill_entry()
            self._show()

    # -- typing ------------------------------------------------------------------------------------

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        field = event.input.id or ""
        if event.value != event.input.value:
            return  # a stale event from before the fields were filled for another entry
        if field == "f-id":
            self.routine_id = event.value.strip()
            self.query_one("#heading", Line).show(self._heading())
            self.recheck()
            return
        entry_field = field.startswith("e-")
        key = field[2:]
        target = self._entry() if entry_field else self.data
        if target is None:
            return
        local_key = f"{self._current}:{key}" if entry_field else key
        self.local.pop(local_key, None)
        text = event.value.strip()
        if key in RANGES:
            if not text:
                target.pop(key, None)
            else:
                try:
                    number = int(text) if key in WHOLE else float(text)
                except ValueError:
                    what = "a whole number" if key in WHOLE else "a number"
                    self.local[local_key] = f"must be {what} from {_range_text(key)}"
                    target.pop(key, None)
                else:
                    target[key] = int(number) if float(number).is_integer() else number
        elif key == "description" and not text:
            target.pop(key, None)
        else:
            target[key] = event.value
        self.recheck()

    # -- checking and the preview -----------------------------------------------------------------

    def id_problem(self) -> str:
        routine_id = self.routine_id
        if not ID_PATTERN.match(routine_id):
            return "lower-case letters, digits and dashes (the file name), like my-stretch"
        if self.edit.kind != "edit" and routine_id in self._taken():
            return "a routine with this id exists; pick another"
        return ""

    def _taken(self) -> set[str]:
        return taken_ids()

    def recheck(self) -> None:
        """Check the data as the reader would and plan it: every keystroke ends here."""
        from glutecoach.coach import make_plan

        try:
            checked_id = self.routine_id if ID_PATTERN.match(self.routine_id) else "x"
            routine, _ = check_data(checked_id, self.data)
        except FileProblems as exc:
            self.problems = list(exc.problems)
            self.routine = None
            self.plan = None
        else:
            self.problems = []
            self.routine = routine
            try:
                self.plan = make_plan(routine, self.coach.store)
            except Exception as exc:  # an unplannable routine is a problem to show, not a crash
                self.plan = None
                self.problems = [Problem(routine.path or routine.id, f"cannot plan: {exc}")]  # type: ignore[arg-type]
        self._refresh_entries()
        self._show()

    def problem_for(self, field: str) -> str:
        """The message shown beside ``field`` (``f-lead_in``, ``e-reps``, ``f-id``)."""
        if field == "f-id":
            return self.id_problem()
        key = field[2:]
        if field.startswith("e-"):
            local = self.local.get(f"{self._current}:{key}")
            if local:
                return local
            messages = []
            for problem in self.problems:
                found = _ENTRY_KEY.match(problem.key or "")
                if not found or int(found.group(1)) != self._current:
                    continue
                sub = found.group(2)
                if sub == key or (sub is None and key == "reps"):
                    messages.append(problem.message)
            return "; ".join(messages)
        if key in self.local:
            return self.local[key]
        return "; ".join(p.message for p in self.problems if p.key == key)

    def _placed(self, problem: Problem) -> bool:
        key = problem.key or ""
        if key in {k for k, _, _ in ROUTINE_FIELDS}:
            return True
        found = _ENTRY_KEY.match(key)
        return bool(found and found.group(2) in {k for k, _, _ in ENTRY_FIELDS} | {None, "id"})

    def _show(self) -> None:
        for field in ["f-id"] + [f"f-{k}" for k, _, _ in ROUTINE_FIELDS]:
            self._error(field, self.problem_for(field))
        for key, _, _ in ENTRY_FIELDS:
            self._error(f"e-{key}", self.problem_for(f"e-{key}"))
        whole_list = [p.message for p in self.problems if (p.key or "") in ("", "exercise")]
        self.query_one("#err-exercise", Line).show("; ".join(whole_list))
        self.query_one("#err-exercise").set_class(bool(whole_list), "-shown")
        others = [p for p in self.problems if not self._placed(p) and p.message not in whole_list]
        lines = []
        for problem in others:
            lines.append(f"• {problem.key}: {problem.message}" if problem.key else problem.message)
        count = len(self.problems) + len(self.local) + (1 if self.id_problem() else 0)
        problems = self.query_one("#problems", Static)
        problems.update("\n".join(lines))
        problems.set_class(bool(lines), "-shown")
        total = self.query_one("#total", Line)
        if self.plan is not None and count == 0:
            total.show(f"{span(self.plan.total_seconds)} · {len(self.plan.exercises)} exercises")
        elif self.plan is not None:
            total.show(f"{span(self.plan.total_seconds)} · fix {count} before saving")
        else:
            total.show(f"Not saved until fixed: {count} problem{'s' if count != 1 else ''}")
        total.set_class(count > 0, "-problem")
        self.query_one("#plan-text", Static).update(self._plan_text())
        self._show_level()

    def _error(self, field: str, text: str) -> None:
        line = self.query_one(f"#err-{field}", Line)
        line.show(text)
        line.set_class(bool(text), "-shown")

    def _show_level(self) -> None:
        entry = self._entry()
        text = ""
        if entry is not None and self.plan is not None:
            planned = self.plan.exercises.get(entry.get("id", ""))
            if planned is not None:
                ladder = len(planned.exercise.levels)
                text = f"Runs at your level {planned.level} of {ladder}: {planned.rung.name}"
                if ladder > 1:
                    text += " (l changes your level)"
        self.query_one("#level", Line).show(text)

    def _plan_text(self) -> Content:
        plan = self.plan
        if plan is None:
            return Content.styled("The plan shows here once the routine is fixed.", "dim")
        lines = [Content.styled("Plan", "bold")]
        for step in plan.steps:
            lines.append(
                Content.assemble(
                    (f"{mmss(step.start):>5} ", "dim"),
                    step_line(plan, step),
                    (f"  {span(step.seconds)}", "dim"),
                )
            )
        return Content("\n").join(lines)

    @property
    def savable(self) -> bool:
        return self.routine is not None and not self.local and not self.id_problem()

    @property
    def changed(self) -> bool:
        return self.data != self._saved_data

    # -- actions ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        focused = self.focused
        if action == "field":
            return not isinstance(focused, OptionList)
        if action in ("remove", "move_entry") and not self.data["exercise"]:
            return None  # shown, dimmed: nothing to remove or move
        return True

    def action_field(self, delta: int) -> None:
        if delta > 0:
            self.focus_next()
        else:
            self.focus_previous()

    def action_add(self) -> None:
        from glutecoach.screens.editor_forms import PickScreen

        own = {k: v.get("name", k) for k, v in (self.data.get("exercises") or {}).items()}
        self.app.push_screen(PickScreen(own), self._picked)

    def _picked(self, picked: str | None) -> None:
        if picked is None:
            return
        if picked == PICK_OWN:
            self.action_own(new=True)
            return
        self._insert(picked)

    def _insert(self, exercise_id: str) -> None:
        entries = self.data["exercise"]
        at = self._current + 1 if entries else 0
        entries.insert(at, starting_dose(exercise_id))
        self._shift_local(at, 1)
        self._current = at
        self.recheck()
        self._fill_entry()
        self.query_one("#entries", OptionList).focus()

    def _shift_local(self, start: int, delta: int) -> None:
        count = len(self.data["exercise"]) + abs(delta)
        self._remap_local({i: i + delta for i in range(start, count)})

    def action_remove(self) -> None:
        entries = self.data["exercise"]
        if not entries:
            return
        removed = entries.pop(self._current)
        self.local = {k: v for k, v in self.local.items() if not k.startswith(f"{self._current}:")}
        self._shift_local(self._current + 1, -1)
        self._current = max(0, min(self._current, len(entries) - 1))
        self.recheck()
        self._fill_entry()
        self.notify(f"Removed {self._known().get(removed.get('id', ''), 'the exercise')}.")

    def action_move_entry(self, delta: int) -> None:
        entries = self.data["exercise"]
        i, j = self._current, self._current + delta
        if not (0 <= i < len(entries) and 0 <= j < len(entries)):
            return
        entries[i], entries[j] = entries[j], entries[i]
        self._remap_local({i: j, j: i})
        self._current = j
        self.recheck()
        self._fill_entry()

    def _remap_local(self, moves: dict[int, int]) -> None:
        """Keep a typed-but-wrong value with its entry when entries move."""
        remapped: dict[str, str] = {}
        for key, message in self.local.items():
            if ":" in key:
                index, field = key.split(":", 1)
                key = f"{moves.get(int(index), int(index))}:{field}"
            remapped[key] = message
        self.local = remapped

    def action_own(self, new: bool = False) -> None:
        from glutecoach.screens.editor_forms import ExerciseFormScreen

        own: dict[str, Any] = self.data.get("exercises") or {}
        entry = self._entry()
        editing = None if new or entry is None else entry.get("id")
        if editing not in own:
            editing = None
        body = copy.deepcopy(own[editing]) if editing else None
        taken = set(own) - {editing} if editing else set(own)
        self.app.push_screen(
            ExerciseFormScreen(editing, body, taken), lambda result: self._own_done(editing, result)
        )

    def _own_done(self, editing: str | None, result: tuple[str, dict[str, Any]] | None) -> None:
        if result is None:
            return
        exercise_id, body = result
        own = self.data.setdefault("exercises", {})
        if editing and editing != exercise_id:
            own.pop(editing, None)
            for entry in self.data["exercise"]:
                if entry.get("id") == editing:
                    entry["id"] = exercise_id
        own[exercise_id] = body
        if editing:
            self.recheck()
            self._fill_entry()
        else:
            self._insert(exercise_id)
        self.notify(f"{body.get('name', exercise_id)} is saved with the routine.")

    def action_hear(self) -> None:
        plan = self.plan
        if plan is None:
            self.notify("Fix the routine first: there is nothing to hear yet.", severity="warning")
            return
        text = opening_words(plan)
        self.said = text
        self.query_one("#said", Line).show(f"Says: {text}")
        from glutecoach.engine.model import Cue

        voice = self._voice()
        voice.flush()
        voice.cue(Cue(0.0, text, CueKind.ANNOUNCE))
        if voice.state in ("captions", "off") or voice.mode in ("captions", "off"):
            self.notify(text, title="The coach opens with", timeout=8)

    def _voice(self) -> Any:
        if self.voice is None:
            app = self.coach
            settings = app.settings
            self.voice = app.voice_factory(
                app.voice_mode or settings.voice,
                settings,
                write_terminal=app.write_terminal,
                on_state=lambda state: None,
                on_notice=lambda text: app.from_any_thread(self._voice_notice, text),
                clock=app.clock,
            )
        return self.voice

    def _voice_notice(self, text: str) -> None:
        self.notify(text, severity="warning", timeout=6)

    def on_unmount(self) -> None:
        if self.voice is not None:
            self.voice.close()

    def action_save(self) -> None:
        from glutecoach.engine.routine_file import save_routine

        if not self.savable:
            first = self._first_problem_field()
            self.notify("Not saved: fix what is shown in red first.", severity="error")
            if first is not None:
                first.focus()
            return
        try:
            saved = save_routine(self.routine_id, self.data)
        except FileProblems as exc:  # the checker ran on every change; this is a safety net
            self.problems = list(exc.problems)
            self._show()
            self.notify("Not saved: fix what is shown in red first.", severity="error")
            return
        except OSError as exc:
            self.notify(f"Could not save: {exc.strerror or exc}", severity="error")
            return
        message = f"Saved {saved.path}."
        if saved.backup is not None:
            message += f" Your previous text is in {saved.backup.name}."
        self._saved_data = copy.deepcopy(self.data)
        self.dismiss(self.routine_id)
        self.app.notify(message, timeout=8)

    def _first_problem_field(self) -> Any:
        for field in ["f-id"] + [f"f-{k}" for k, _, _ in ROUTINE_FIELDS]:
            if self.problem_for(field):
                return self.query_one(f"#{field}")
        for key, _, _ in ENTRY_FIELDS:
            if self.problem_for(f"e-{key}"):
                return self.query_one(f"#e-{key}")
        bad = [int(m.group(1)) for p in self.problems if (m := _ENTRY_KEY.match(p.key or ""))]
        bad += [int(k.split(":")[0]) for k in self.local if ":" in k]
        if bad:
            self._current = min(bad)
            self._refresh_entries()
            self._fill_entry()
            self._show()
            return self.query_one("#entries")
        return None

    def action_close(self) -> None:
        if not self.changed:
            self.dismiss(None)
            return
        from glutecoach.screens.confirm import ConfirmScreen

        def answered(leave: bool | None) -> None:
            if leave:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen(
                "Leave without saving?",
                "Your changes to this routine are lost. Ctrl+S saves them instead.",
                yes="Leave",
                no="Stay",
            ),
            answered,
        )

    def on_screen_resume(self) -> None:
        """Back from the Levels (or settings) screen: a level may have changed the plan."""
        if self.is_mounted:
            self.recheck()

    def settings_changed(self, settings: Any) -> None:
        """Lead-in, tempo and equipment change the plan, so plan again."""
        self.recheck()


PICK_OWN = "\x00own"  # the picker's "a move of your own" choice (no exercise id can be this)


def starting_dose(exercise_id: str) -> dict[str, Any]:
    """A new entry: the dose a built-in routine gives this exercise, or 2 sets of 10."""
    from glutecoach.engine.routines import builtin_routine_paths, load_routine_file

    for path in builtin_routine_paths():
        try:
            routine = load_routine_file(path, builtin=True)
        except FileProblems:
            continue
        for entry in routine.entries:
            if entry.exercise == exercise_id:
                from glutecoach.engine.routine_file import entry_to_data

                return entry_to_data(entry)
    return {"id": exercise_id, "sets": 2, "reps": 10, "rest": 15}


def opening_words(plan: Plan) -> str:
    """What the coach says first: the lead-in's lines and the first set's opening (its
    "go" and the level's cue; not the counts, nor the form cues that come later)."""
    said: list[str] = []
    for step in plan.steps:
        work = step.kind is StepKind.WORK
        wanted = (
            (CueKind.ANNOUNCE, CueKind.SETUP)
            if work
            else (CueKind.ANNOUNCE, CueKind.SETUP, CueKind.NEXT)
        )
        said += [cue.text for cue in step.cues if cue.kind in wanted]
        if work:
            break
    return " ".join(said)


def taken_ids() -> set[str]:
    """Ids a new routine cannot have: the built-ins' and every file in the routines folder."""
    from glutecoach.engine.routines import builtin_routine_paths
    from glutecoach.store.paths import routines_dir

    taken = {p.stem for p in builtin_routine_paths()}
    with contextlib.suppress(OSError):
        taken |= {p.stem for p in routines_dir().glob("*.toml")}
    return taken


def _free_id(stem: str) -> str:
    """``stem``, or ``stem-2``, ``stem-3``... whichever no routine has yet."""
    taken = taken_ids()
    stem = stem[:34].rstrip("-")
    if stem not in taken:
        return stem
    n = 2
    while f"{stem}-{n}" in taken:
        n += 1
    return f"{stem}-{n}"


def new_edit() -> Edit:
    from glutecoach.engine.routine_file import starter_data

    return Edit(_free_id("my-routine"), starter_data(), kind="new")


def copy_edit(routine: Routine) -> Edit:
    from glutecoach.cli.routines_cmd import copy_data

    return Edit(_free_id(f"{routine.id}-copy"), copy_data(routine), kind="copy", source=routine.id)


def file_edit(routine: Routine) -> Edit:
    """Edit the user's own file in place (its id stays: the file name)."""
    from glutecoach.engine.routine_file import routine_to_data, written_by_us

    hand = False
    if routine.path is not None:
        try:
            hand = not written_by_us(routine.path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError):
            hand = True
    return Edit(routine.id, routine_to_data(routine), kind="edit", hand_written=hand)
