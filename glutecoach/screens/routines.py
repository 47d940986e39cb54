"""Routines: pick what to do. Built-in and user routines, with broken files shown, not hidden."""

from __future__ import annotations

import functools
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from glutecoach.screens.base import CoachScreen, PaletteCommand
from glutecoach.screens.words import mmss, span, step_line
from glutecoach.widgets.footer import CoachFooter
from glutecoach.widgets.line import Line


class RoutinesScreen(CoachScreen):
    AREA = "routine"
    CSS_PATH = "routines.tcss"
    BINDINGS = [  # noqa: RUF012
        Binding(
            "enter",
            "start",
            "Start",
            id="start",
            priority=True,
            tooltip="Start the highlighted routine",
        ),
        Binding("down,j", "move(1)", "Down", id="down", show=False, tooltip="Next routine"),
        Binding("up,k", "move(-1)", "Up", id="up", show=False, tooltip="Previous routine"),
        Binding(
            "ctrl+r",
            "reload",
            "Reload",
            id="reload",
            show=False,
            tooltip="Read the routine files again after editing them",
        ),
        Binding(
            "b",
            "take_break",
            "Take the break",
            id="take-break",
            tooltip="Start the desk break that `glutecoach remind` is offering now",
        ),
        Binding("n", "new", "New", id="routine-new", tooltip="Make a new routine in the editor"),
        Binding(
            "c",
            "copy",
            "Copy",
            id="routine-copy",
            show=False,
            tooltip="Make your own copy of the highlighted routine and edit it",
        ),
        Binding(
            "e",
            "edit",
            "Edit",
            id="routine-edit",
            tooltip="Edit the highlighted routine (a built-in one is copied, never changed)",
        ),
        Binding(
            "d",
            "delete",
            "Delete",
            id="routine-delete",
            show=False,
            tooltip="Remove your highlighted routine (asks first; the file is moved aside)",
        ),
        Binding("q,escape", "quit_app", "Quit", id="back", tooltip="Leave glutecoach"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.routines: dict[str, Any] = {}
        self.broken: dict[str, Any] = {}
        self.plans: dict[str, Any] = {}
        self.plan_errors: dict[str, str] = {}
        self._shown: str | None = None
        self._nudged = False  # a running `glutecoach remind` is offering a break now

    def compose(self) -> ComposeResult:
        # Everything is built before mounting: one layout pass for the first frame, not a
        # second one when the list and details are filled in afterwards.
        options = self._read()
        yield Line("Routines", id="heading")
        with Horizontal(id="body"):
            yield OptionList(*options, id="routine-list")
            with VerticalScroll(id="detail"):
                self._shown = options[0].id if options else None
                yield Static(self._first_screenful(self._shown), id="detail-text")
        yield CoachFooter()

    _resumed = False

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Runs before Textual's own handler. The first resume comes just after the screen
        # was composed, every widget styled as it mounted: restyling them all again then
        # changed nothing and cost a few ms of the screen's first frame.
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    def on_mount(self) -> None:
        # Lead-in, tempo, equipment and levels change the plans: build them again when any
        # screen saves one, so the preview and lengths never show a stale plan.
        self.coach.settings_signal.subscribe(self, lambda _settings: self.load())
        self.coach.levels_signal.subscribe(self, lambda _exercise: self.load())
        listing = self.query_one("#routine-list", OptionList)
        if listing.option_count:
            listing.highlighted = 0
        listing.focus()
        # A running `glutecoach remind`, if any: after the first frame, then every 10 s (it
        # reads one small file), so a nudge is offered here within seconds of its coming.
        self.call_after_refresh(self.show_next_break)
        self.set_interval(10, self.show_next_break)
        wanted = self.coach.edit_routine  # `glutecoach routines edit ID`
        if wanted:
            self.coach.edit_routine = None
            self.call_after_refresh(self.open_editor, wanted)

    def show_next_break(self) -> None:
        from glutecoach.remind.status import current, describe

        line = describe()
        self.query_one("#heading", Line).show(f"Routines · {line}" if line else "Routines")
        found = current()
        nudged = found is not None and found[0] == "nudging"
        if nudged and not self._nudged:
            name = self._break_routine_name()
            self.notify(
                f"Time to stand up: press b to start {name} here "
                "(snooze or skip it in the reminder's window).",
                title="Desk break",
                timeout=20,
            )
            self.coach.bell()
        if nudged != self._nudged:
            self._nudged = nudged
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "take_break":
            return self._nudged  # shown only while a reminder offers a break
        return True

    def _break_routine_name(self) -> str:
        wanted = self.coach.settings.remind.routine
        routine = self.routines.get(wanted)
        return routine.name if routine is not None else wanted

    def action_take_break(self) -> None:
        """The break a reminder offers, started here; finishing it counts as the break."""
        self.start_routine(self.coach.settings.remind.routine)

    # -- data -----------------------------------------------------------------------------------

    def _read(self) -> list[Option]:
        """Read the routine files and plan each one; the options for the list."""
        from glutecoach.coach import make_plan
        from glutecoach.engine.routines import load_routines
        from glutecoach.store.paths import routines_dir

        found = load_routines(routines_dir())
        self.routines = dict(found.routines)
        self.broken = dict(found.broken)
        self.plans.clear()
        self.plan_errors.clear()
        for routine_id, routine in self.routines.items():
            try:
                self.plans[routine_id] = make_plan(routine, self.coach.store)
            except Exception as exc:  # one unplannable routine must not hide the others
                self.plan_errors[routine_id] = str(exc)
        options = []
        ordered = sorted(
            self.routines.items(), key=lambda item: (not item[1].builtin, item[1].name.lower())
        )
        width = min(22, max((len(r.name) for _, r in ordered), default=0))
        for routine_id, routine in ordered:
            plan = self.plans.get(routine_id)
            length = span(plan.total_seconds) if plan else "cannot plan"
            name = routine.name if len(routine.name) <= width else routine.name[: width - 1] + "…"
            options.append(
                Option(Content.assemble(name.ljust(width), "  ", (length, "dim")), id=routine_id)
            )
        for broken_id in sorted(self.broken):
            options.append(
                Option(
                    Content.assemble(("! ", "bold"), broken_id, "  ", ("broken", "dim")),
                    id=f"broken:{broken_id}",
                )
            )
        return options

    def load(self, select: str | None = None) -> None:
        """Read the files again (Ctrl+R, or settings that change the plans); ``select``
        highlights that routine (the one just saved)."""
        listing = self.query_one("#routine-list", OptionList)
        previous = listing.highlighted_option.id if listing.highlighted_option else None
        previous = select or previous
        options = self._read()
        listing.clear_options()
        listing.add_options(options)
        if options:
            ids = [o.id for o in options]
            listing.highlighted = ids.index(previous) if previous in ids else 0
        listing.focus()
        self._show_detail(force=True)

    # -- detail pane ----------------------------------------------------------------------------

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_detail()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_start()

    def _selected_id(self) -> str | None:
        option = self.query_one("#routine-list", OptionList).highlighted_option
        return option.id if option else None

    def _show_detail(self, force: bool = False) -> None:
        selected = self._selected_id()
        if selected == self._shown and not force:
            return
        self._shown = selected
        self.query_one("#detail-text", Static).update(self._detail_for(selected))
        self.query_one("#detail", VerticalScroll).scroll_home(animate=False)

    def _first_screenful(self, selected: str | None) -> Content:
        """The details' first lines, as many as the terminal has rows, for the first frame;
        the rest follows once it is drawn (``on_mount``). Wrapping and drawing the whole
        plan, mostly below the fold, was part of the first frame's cost; the frame shows the
        same (its scrollbar came a frame later anyway, once Textual had measured)."""
        detail = self._detail_for(selected)
        lines = detail.split("\n")
        rows = max(self.app.size.height, 1)
        if len(lines) <= rows:
            return detail
        self.call_after_refresh(self._show_detail, True)
        return Content("\n").join(lines[:rows])

    def _detail_for(self, selected: str | None) -> Content:
        if selected is None:
            return Content("No routines found. Put routine files (.toml) in the routines folder.")
        if selected.startswith("broken:"):
            return self._broken_detail(self.broken[selected.removeprefix("broken:")])
        return self._routine_detail(selected)

    @staticmethod
    def _broken_detail(broken: Any) -> Content:
        lines: list[Content | str] = [
            Content.styled("This routine file has problems", "bold"),
            Content.styled(str(broken.path), "dim"),
            "",
        ]
        lines += [f"• {problem}" for problem in broken.problems]
        lines += ["", "Fix the file, then press Ctrl+R to read it again."]
        return Content("\n").join(Content(x) if isinstance(x, str) else x for x in lines)

    def _routine_detail(self, routine_id: str) -> Content:
        """Built from Textual Content, not rich Tables: this is on the first frame's path."""
        routine = self.routines[routine_id]
        plan = self.plans.get(routine_id)
        lines: list[Content] = [Content.styled(routine.name, "bold")]
        if routine.description:
            lines.append(Content(routine.description))
        if plan is None:
            lines += [Content(""), Content(f"Cannot build a plan: {self.plan_errors[routine_id]}")]
            return Content("\n").join(lines)
        equipment = plan.equipment
        lines += [
            Content(""),
            Content.assemble(
                (span(plan.total_seconds), "bold"),
                f" · {len(plan.exercises)} exercises · needs ",
                ", ".join(equipment) if equipment else "nothing but a mat",
            ),
            Content(""),
            Content.styled("Exercises", "bold"),
        ]
        for planned in plan.exercises.values():
            swap = " (no-band version)" if planned.substituted else ""
            lines.append(
                Content.assemble(
                    f"{planned.exercise.name}  ",
                    (f"level {planned.level}: {planned.rung.name}{swap}", "dim"),
                )
            )
        lines += [Content(""), Content.styled("Plan", "bold")]
        for step in plan.steps:
            lines.append(
                Content.assemble(
                    (f"{mmss(step.start):>5}  ", "dim"),
                    step_line(plan, step),
                    (f"  {span(step.seconds)}", "dim"),
                )
            )
        return Content("\n").join(lines)

    # -- actions --------------------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        listing = self.query_one("#routine-list", OptionList)
        if delta > 0:
            listing.action_cursor_down()
        else:
            listing.action_cursor_up()

    def action_reload(self) -> None:
        self.load()
        self.notify("Routines read again.")

    def action_quit_app(self) -> None:
        self.app.exit()

    def action_start(self) -> None:
        # Enter is a priority binding (so the footer shows it over the list's own Enter), and
        # priority keys are handled as they arrive, ahead of keys still queued for the list
        # and its parents. Typed ahead ("k" then Enter in one read, as over SSH), Enter
        # would start the routine highlighted before the move. So wait for those first.
        self._after_keys_in_flight(self._start_highlighted)

    def _after_keys_in_flight(self, callback: Any) -> None:
        """Run ``callback`` once every key already sent to the focused widget has been
        handled. A key the widget does not use bubbles up, queue by queue, to the app, which
        runs the screen's binding for it; so hop the same way, behind it."""
        chain: list[Any] = []
        node: Any = self.focused or self
        while node is not None:
            chain.append(node)
            node = node.parent

        def hop(index: int) -> None:
            if index == len(chain):
                callback()
            else:
                chain[index].call_later(hop, index + 1)

        hop(0)

    def _start_highlighted(self) -> None:
        selected = self._selected_id()
        if selected is None:
            return
        if selected.startswith("broken:"):
            self.notify(
                "This routine file has problems (listed on the right). Fix it and press Ctrl+R.",
                severity="warning",
            )
            return
        self.start_routine(selected)

    def find(self, wanted: str) -> str | None:
        """A routine id from an id or a name, as typed on the command line."""
        if wanted in self.routines:
            return wanted
        folded = wanted.casefold()
        for routine_id, routine in self.routines.items():
            if routine.name.casefold() == folded or routine_id.casefold() == folded:
                return routine_id
        return None

    def start_routine(self, wanted: str) -> None:
        from glutecoach.screens.workout import WorkoutScreen

        routine_id = self.find(wanted)
        if routine_id is None:
            self.notify(f'There is no routine called "{wanted}".', severity="error")
            return
        from glutecoach.coach import make_plan

        try:  # from the levels and settings of now, whatever the preview was built from
            plan = make_plan(self.routines[routine_id], self.coach.store)
        except Exception as exc:
            self.notify(
                self.plan_errors.get(routine_id, f"Cannot plan it: {exc}"), severity="error"
            )
            return
        self.app.push_screen(WorkoutScreen(plan))

    # -- making and changing routines (the editor) ----------------------------------------

    def action_new(self) -> None:
        from glutecoach.screens.editor import new_edit

        self._edit(new_edit())

    def action_copy(self) -> None:
        from glutecoach.screens.editor import copy_edit

        selected = self._selected_id()
        if selected is None or selected.startswith("broken:"):
            self.notify("Only a routine that loads can be copied.", severity="warning")
            return
        self._edit(copy_edit(self.routines[selected]))

    def action_edit(self) -> None:
        selected = self._selected_id()
        if selected is None:
            return
        self.open_editor(selected.removeprefix("broken:"))

    def open_editor(self, routine_id: str) -> None:
        from glutecoach.screens.editor import copy_edit, file_edit

        if routine_id in self.broken:
            self.notify(
                f"{self.broken[routine_id].path.name} has problems the editor cannot show; "
                "fix it by hand (listed on the right) and press Ctrl+R.",
                severity="warning",
            )
            return
        routine = self.routines.get(routine_id)
        if routine is None:
            self.notify(f'There is no routine called "{routine_id}".', severity="error")
            return
        if routine.builtin:
            self.notify("Built-in routines are not changed: you are editing your own copy.")
            self._edit(copy_edit(routine))
            return
        self._edit(file_edit(routine))

    def _edit(self, edit: Any) -> None:
        from glutecoach.screens.editor import EditorScreen

        def saved(routine_id: str | None) -> None:
            if routine_id:
                self.load(select=routine_id)

        self.app.push_screen(EditorScreen(edit), saved)

    def action_delete(self) -> None:
        from glutecoach.screens.confirm import ConfirmScreen

        selected = self._selected_id()
        if selected is None:
            return
        routine_id = selected.removeprefix("broken:")
        routine = self.routines.get(routine_id)
        if routine is not None and routine.builtin:
            self.notify("Built-in routines cannot be deleted.", severity="warning")
            return
        name = routine.name if routine is not None else routine_id

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(routine_id)

        self.app.push_screen(
            ConfirmScreen(
                f'Delete "{name}"?',
                f"{routine_id}.toml is renamed to {routine_id}.toml.deleted-<time> in the "
                "routines folder; rename it back to restore it.",
                yes="Delete",
                no="Keep",
            ),
            answered,
        )

    def _delete(self, routine_id: str) -> None:
        from glutecoach.engine.routine_file import move_aside
        from glutecoach.errors import UserError

        try:
            moved = move_aside(routine_id)
        except (OSError, UserError) as exc:
            self.notify(f"Could not delete it: {exc}", severity="error")
            return
        self.load()
        self.notify(f"Deleted. The file is kept as {moved.name}.")

    def palette_commands(self) -> list[PaletteCommand]:
        return [
            (
                f"routine: start {routine.name}",
                f"{span(self.plans[rid].total_seconds)}",
                functools.partial(self.start_routine, rid),
            )
            for rid, routine in self.routines.items()
            if rid in self.plans
        ]
