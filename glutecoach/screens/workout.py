"""The live workout: renders the session's state at the clock; never counts time itself.

A one-shot timer is set for the moment the display next changes (the next displayed
second, or the next cue), so an idle second costs one poll and a repaint of only the
widgets whose value changed. Events from the engine go to the voice, the captions and the
history record, in the order the engine reports them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center
from textual.timer import Timer

from glutecoach.engine.model import CueKind, Plan, Step, StepKind
from glutecoach.engine.progress import ExerciseProgress
from glutecoach.screens.base import CoachScreen
from glutecoach.screens.voice_link import STATE_WORDS, close_soon, open_voice
from glutecoach.screens.words import (
    PHASE_CLASSES,
    PHASE_WORDS,
    detail_line,
    exercise_name,
    exercise_title,
    span,
    step_line,
)
from glutecoach.widgets.bar import Bar
from glutecoach.widgets.captions import Captions
from glutecoach.widgets.countdown import Countdown
from glutecoach.widgets.footer import CoachFooter
from glutecoach.widgets.line import Line
from glutecoach.widgets.step_card import StepCard

SLACK = 0.01  # wake just after a boundary so the engine has crossed it
QUIET_KINDS = (CueKind.COUNT, CueKind.REP)  # the countdown and rep line already show these


@dataclass
class ExerciseTally(ExerciseProgress):
    """What was done of one exercise, for the summary (counted as history counts it)."""

    name: str = ""


@dataclass
class _Widgets:
    """The live view's parts, looked up once rather than queried on every tick."""

    card: StepCard
    clock: Countdown
    paused_note: Line
    step_bar: Bar
    routine_bar: Bar
    next: Line
    captions: Captions


@dataclass
class WorkoutResult:
    plan: Plan
    status: str
    active_seconds: float
    tallies: list[ExerciseTally] = field(default_factory=list)
    left_early: bool = False


def time_left(seconds: float) -> str:
    """The nearest whole minute until the last one (2:10 is "2 min", not "3"), so the label
    repaints once a minute, not a second."""
    if seconds > 60:
        return f"{math.floor(seconds / 60 + 0.5)} min left"
    return f"{math.ceil(seconds - 1e-9)} s left"


class WorkoutScreen(CoachScreen):
    AREA = "workout"
    ALLOW_BROWSING = False
    CSS_PATH = "workout.tcss"
    BINDINGS = [  # noqa: RUF012 (the footer shows them in this order; it is cut short first)
        Binding("space", "pause", "Pause", id="pause", tooltip="Stop the clock; nothing is lost"),
        Binding("space", "resume", "Resume", id="pause", tooltip="Carry on where you paused"),
        Binding(
            "q,escape",
            "leave",
            "Leave",
            id="back",
            tooltip="Stop the workout (asks first; what you did is kept)",
        ),
        Binding("n,right", "next_step", "Next", id="next", tooltip="Skip to the next step"),
        Binding("p,left", "previous_step", "Back", id="previous", tooltip="Go back a step"),
        Binding("m", "mute", "Mute", id="mute", tooltip="Silence the voice; captions stay"),
        Binding("m", "unmute", "Unmute", id="mute", tooltip="Let the coach speak again"),
        Binding("r", "repeat", "Repeat", id="repeat", show=False, tooltip="Say the last cue again"),
    ]

    def __init__(self, plan: Plan, voice_mode: str | None = None) -> None:
        super().__init__()
        self.plan = plan
        self.voice_mode = voice_mode
        self.session: Any = None
        self.voice: Any = None
        self.record: Any = None
        self.done = False
        self._timer: Timer | None = None
        self._phase_class = ""
        self._paused_shown: bool | None = None
        self._index = -1
        self._last_said = ""
        self._voice_state = ""
        self._paused_for_confirm = False
        self._opened_mode = ""
        self._muted = False
        self.tallies: dict[str, ExerciseTally] = {}
        for step in plan.steps:
            if step.kind == StepKind.WORK and step.exercise is not None:
                tally = self.tallies.setdefault(
                    step.exercise, ExerciseTally(name=exercise_name(plan, step))
                )
                tally.plan(step)

    def compose(self) -> ComposeResult:
        w = self._parts = _Widgets(
            card=StepCard(id="card"),
            clock=Countdown(id="clock"),
            paused_note=Line(id="paused-note"),
            step_bar=Bar("Step ", id="step-bar"),
            routine_bar=Bar("Total", id="routine-bar"),
            next=Line(id="next"),
            captions=Captions(id="captions"),
        )
        yield w.card
        with Center(id="clock-box"):
            yield w.clock
        yield w.paused_note
        yield w.step_bar
        yield w.routine_bar
        yield w.next
        yield w.captions
        yield CoachFooter()

    # -- start and stop -----------------------------------------------------------------------

    def on_mount(self) -> None:
        from glutecoach.engine.session import Session

        app: Any = self.app
        settings = app.settings
        self.session = Session(self.plan, clock=app.clock)
        self.record = app.store.history.begin(self.plan, self.plan.routine.name)
        self.session.start()
        self._open_voice(self.voice_mode or app.voice_mode or settings.voice)
        self.tick()

    def _open_voice(self, mode: str) -> None:
        app: Any = self.app
        settings = app.settings
        self._opened_mode = mode
        self.voice = open_voice(
            mode,
            settings,
            factory=app.voice_factory,
            write_terminal=app.write_terminal,
            on_state=lambda state: app.from_any_thread(self._show_voice_state, state),
            on_notice=lambda text: app.from_any_thread(self._voice_notice, text),
            clock=app.clock,
        )
        self._muted = settings.muted
        if settings.muted:
            self.voice.set_muted(True)
        prepare = getattr(self.voice, "prepare", None)
        if prepare is not None:
            texts = {cue.text for step in self.plan.steps for cue in step.cues}
            if self.plan.closing is not None:
                texts.add(self.plan.closing.text)
            prepare(sorted(texts))
        self._show_voice_state(self.voice.state)

    def _voice_notice(self, text: str) -> None:
        if self.size.width < 60 or self.size.height < 16:
            # A long toast would cover the countdown on a small terminal: say the gist (the
            # band already shows the voice state; `glutecoach doctor` has the details).
            gist = text.split(" (", 1)[0].split(". ", 1)[0].rstrip(".")
            self.notify(f"{gist}.", severity="warning", timeout=5)
        else:
            self.notify(text, severity="warning", timeout=8)

    def on_unmount(self) -> None:
        """Quitting the app mid-workout still records what was done."""
        if self._timer is not None:
            self._timer.stop()
        if not self.done and self.session is not None:
            self.session.stop()
            self._route(self.session.poll(), finishing=True)
            self._record_finish()
            self.voice.flush()  # silent at once: no line playing on after the app has gone
            self.voice.close()

    def _record_finish(self) -> None:
        if not self.done:
            self.done = True
            self.record.finish(self.session.status, self.session.active_seconds)

    # -- the clock ----------------------------------------------------------------------------

    def tick(self) -> None:
        """Poll the engine, route its events, repaint what changed, sleep until the next change."""
        if self.done:
            return
        finished = self._route(self.session.poll())
        if finished:
            self._to_summary()
            return
        state = self.session.state()
        self._paint(state)
        self._schedule(state)

    def _schedule(self, state: Any) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if state.paused or state.finished:
            return
        self._timer = self.set_timer(self.delay_to_next_change(state), self.tick)

    def delay_to_next_change(self, state: Any) -> float:
        """Seconds until the next displayed second (step or total), cue or step change."""
        candidates = [state.step_remaining - math.floor(state.step_remaining) or 1.0]
        if state.routine_remaining <= 61:
            candidates.append(state.routine_remaining - math.floor(state.routine_remaining) or 1.0)
        due = self.session.next_due()
        if due is not None:
            candidates.append(due)
        return min(1.0, max(0.02, min(candidates) + SLACK))

    # -- events -------------------------------------------------------------------------------

    def _route(self, events: list[Any], finishing: bool = False) -> bool:
        from glutecoach.engine import session as ev

        finished = False
        for event in events:
            if isinstance(event, ev.CueDue):
                if not finishing:
                    self.voice.cue(event.cue, due=self.app.clock() - event.late)  # type: ignore[attr-defined]
                if event.cue.kind not in QUIET_KINDS:
                    self._say(event.cue.text)
            elif isinstance(event, ev.StepStarted):
                if not finishing:
                    self._step_started(event.index, event.step)
            elif isinstance(event, ev.StepEnded):
                self.record.step_finished(
                    event.index, event.step, event.seconds_done, event.completed
                )
                self._tally(event.index, event.step, event.seconds_done, event.completed)
            elif isinstance(event, ev.Suspended):
                self.notify(
                    f"The clock stopped for {round(event.gap)} s (the computer slept?). "
                    "Paused; press Space to carry on.",
                    severity="warning",
                )
            elif isinstance(event, ev.Finished):
                self._record_finish()
                finished = True
        return finished

    def _step_started(self, index: int, step: Step) -> None:
        self.voice.step_changed(step, self.plan.next_step(index), exercise_name(self.plan, step))

    def _tally(self, index: int, step: Step, seconds_done: float, completed: bool) -> None:
        if step.kind != StepKind.WORK or step.exercise not in self.tallies:
            return
        self.tallies[step.exercise].ended(index, step, seconds_done, completed)

    def _say(self, text: str) -> None:
        self._last_said = text
        self._parts.captions.said(text)

    # -- rendering ----------------------------------------------------------------------------

    def _paint(self, state: Any) -> None:
        step: Step = state.step
        w = self._parts
        phase_class = PHASE_CLASSES[step.kind]
        if phase_class != self._phase_class:
            if self._phase_class:
                self.remove_class(self._phase_class)
            self.add_class(phase_class)
            self._phase_class = phase_class
        if state.paused != self._paused_shown:
            self.set_class(state.paused, "-paused")
            self._paused_shown = state.paused
            w.paused_note.show("Paused. Press Space to carry on." if state.paused else "")
            self.refresh_bindings()
        phase = PHASE_WORDS[step.kind]
        w.card.show(
            f"PAUSED · {phase}" if state.paused else phase,
            exercise_title(self.plan, step),
            detail_line(step, getattr(state, "rep", None)),
        )
        w.clock.show_seconds(math.ceil(state.step_remaining - 1e-9))
        w.step_bar.set(state.step_elapsed / step.seconds if step.seconds else 1.0)
        total = self.plan.total_seconds
        w.routine_bar.set(
            state.routine_elapsed / total if total else 1.0, time_left(state.routine_remaining)
        )
        w.next.show(self._next_text(state.next_step))
        if state.index != self._index:
            self._index = state.index
            self._show_form(step)

    def _next_text(self, following: Step | None) -> str:
        if following is None:
            return "Next: the finish"
        text = f"Next: {step_line(self.plan, following)}"
        if following.kind != StepKind.WORK:
            text += f" · {span(following.seconds)}"
        return text

    def _show_form(self, step: Step) -> None:
        captions = self._parts.captions
        planned = self.plan.exercises.get(step.exercise) if step.exercise else None
        if planned is None:
            captions.form("", ())
        else:  # the set-up sentence is what the coach says (and the Coach line shows)
            captions.form("Form", planned.exercise.form)

    def _show_voice_state(self, state: str | None = None) -> None:
        if state is not None:
            self._voice_state = state
        words = STATE_WORDS.get(self._voice_state, f"voice: {self._voice_state}")
        if self._muted and self._voice_state != "muted":
            words = f"muted · {words}"
        for card in self.query(StepCard):
            card.show_voice(words)

    # -- actions ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.session is None:
            return True
        paused = self.session.state().paused if not self.done else False
        if action == "pause":
            return not paused
        if action == "resume":
            return paused
        if action == "mute":
            return not self._muted
        if action == "unmute":
            return self._muted
        return True

    def _after_control(self) -> None:
        self.tick()
        self.refresh_bindings()

    def action_pause(self) -> None:
        self.session.pause()
        self.voice.flush()
        self._after_control()

    def action_resume(self) -> None:
        self.session.resume()
        self._after_control()

    def action_next_step(self) -> None:
        self.voice.flush()
        self.session.next_step()
        self._after_control()

    def action_previous_step(self) -> None:
        self.voice.flush()
        self.session.previous_step()
        self._after_control()

    def _set_muted(self, muted: bool) -> None:
        self._muted = muted
        self.voice.set_muted(muted)
        self._show_voice_state()
        self.refresh_bindings()
        try:
            self.app.store.settings.update(muted=muted)  # type: ignore[attr-defined]
        except Exception as exc:  # the mute still holds for this workout
            self.notify(f"Muted for now, but not saved: {exc}", severity="warning")

    def action_mute(self) -> None:
        self._set_muted(True)

    def action_unmute(self) -> None:
        self._set_muted(False)

    def action_repeat(self) -> None:
        self.voice.repeat()
        if self.voice.state in ("captions", "off", "muted") and self._last_said:
            self.notify(self._last_said, title="The coach said")

    def action_leave(self) -> None:
        from glutecoach.screens.confirm import ConfirmScreen

        if not self.session.state().paused:
            self.session.pause()
            self.voice.flush()
            self._paused_for_confirm = True
            self.tick()
        self.app.push_screen(
            ConfirmScreen(
                "Stop this workout?",
                "What you have done so far is kept.",
                yes="Stop",
                no="Keep going",
            ),
            self._leave_answered,
        )

    def _leave_answered(self, stop: bool | None) -> None:
        if stop:
            self.voice.flush()
            self.session.stop()
            if not self._route(self.session.poll()):
                self._record_finish()
            self._to_summary(left_early=True)
            return
        if self._paused_for_confirm:
            self._paused_for_confirm = False
            self.session.resume()
            self._after_control()

    def _to_summary(self, left_early: bool = False) -> None:
        from glutecoach.screens.summary import SummaryScreen

        if self._timer is not None:
            self._timer.stop()
        result = WorkoutResult(
            self.plan,
            self.session.status,
            self.session.active_seconds,
            list(self.tallies.values()),
            left_early,
        )
        voice, self.voice = self.voice, None
        self.app.switch_screen(SummaryScreen(result, self.record, voice))

    def settings_changed(self, settings: Any) -> None:
        """Rate, volume, bell and so on apply to the running voice; a new mode needs a new one."""
        if self.voice is None or self.done:
            return
        app: Any = self.app
        if not (self.voice_mode or app.voice_mode) and settings.voice != self._opened_mode:
            self.voice.flush()  # the old voice must not talk over the new one
            close_soon(self.voice)
            self._open_voice(settings.voice)
        else:
            self.voice.apply(settings)
