"""The live workout: renders a :class:`WorkoutRun`; never counts time or decides anything.

A one-shot timer is set for the moment the display next changes (the next displayed
second, or the next cue), so an idle second costs one poll and a repaint of only the
widgets whose value changed. The run has already told the voice and queued the history
write by the time this screen sees an event; the screen only draws it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center
from textual.timer import Timer

from glutecoach.engine.model import Plan, Step, StepKind
from glutecoach.engine.session import Session, SessionState
from glutecoach.screens.base import CoachScreen
from glutecoach.screens.voice_link import STATE_WORDS
from glutecoach.screens.words import (
    PHASE_CLASSES,
    PHASE_WORDS,
    detail_line,
    exercise_title,
    span,
    step_line,
)
from glutecoach.store.settings import Settings
from glutecoach.widgets.bar import Bar
from glutecoach.widgets.captions import Captions
from glutecoach.widgets.countdown import Countdown
from glutecoach.widgets.footer import CoachFooter
from glutecoach.widgets.line import Line
from glutecoach.widgets.step_card import StepCard
from glutecoach.workout import events as view
from glutecoach.workout.ports import Speaker
from glutecoach.workout.run import PREPARING_POLL, WorkoutRun

SLACK = 0.01  # wake just after a boundary so the engine has crossed it


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
        self.run: WorkoutRun | None = None
        self.done = False
        self._timer: Timer | None = None
        self._phase_class = ""
        self._paused_shown: bool | None = None
        self._index = -1
        self._voice_state = ""
        self._paused_for_confirm = False
        self._wake_pending = False

    @property
    def workout(self) -> WorkoutRun:
        assert self.run is not None, "the screen is not mounted"
        return self.run

    @property
    def session(self) -> Session:
        return self.workout.session

    @property
    def voice(self) -> Speaker:
        return self.workout.voice

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
        app = self.coach
        self.run = WorkoutRun(
            self.plan,
            app.settings,
            log=app.store.history,
            voice_factory=app.voice_factory,
            voice_mode=self.voice_mode or app.voice_mode,
            clock=app.clock,
            write_terminal=app.write_terminal,
            wake=lambda: app.from_any_thread(self._wake),
            save_mute=lambda muted: app.store.settings.update(muted=muted),
            clock_thread=app.clock_thread,
        )
        app.settings_signal.subscribe(self, self._settings_changed)
        self.run.open()
        self.tick()  # with the real clock the run keeps time on its own thread, not on frames

    def _wake(self) -> None:
        """Another thread reported something (voice state, a notice): show it now."""
        if not self._wake_pending and not self.done:
            self._wake_pending = True
            self.call_later(self._woken)

    def _woken(self) -> None:
        self._wake_pending = False
        if not self.done:
            self.tick()

    def _voice_notice(self, text: str) -> None:
        if self.size.width < 60 or self.size.height < 16:
            # A long toast would cover the countdown on a small terminal: say the gist (the
            # band already shows the voice state; `glutecoach doctor` has the details).
            gist = text.split(" (", 1)[0].split(". ", 1)[0].rstrip(".")
            self.notify(f"{gist}.", severity="warning", timeout=5)
        else:
            self.notify(text, severity="warning", timeout=8)

    def on_unmount(self) -> None:
        """Quitting the app mid-workout still records what was done, and silences the voice."""
        if self._timer is not None:
            self._timer.stop()
        if not self.done and self.run is not None:
            self.done = True
            self.run.close(silent=True)

    # -- the clock ----------------------------------------------------------------------------

    def tick(self) -> None:
        """Poll the run, render its events, repaint what changed, sleep until the next change."""
        if self.done:
            return
        if self._show_events(self.workout.poll()):
            self._to_summary()
            return
        state = self.workout.state()  # under the run's lock: its clock thread may be polling
        if state.started:
            self._paint(state)
        self._schedule(state)

    def _schedule(self, state: SessionState) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if not state.started:
            self._timer = self.set_timer(PREPARING_POLL, self.tick)
            return
        if state.paused or state.finished:
            return
        self._timer = self.set_timer(self.delay_to_next_change(state), self.tick)

    def delay_to_next_change(self, state: SessionState) -> float:
        """Seconds until the next displayed second (step or total), cue or step change."""
        candidates = [state.step_remaining - math.floor(state.step_remaining) or 1.0]
        if state.routine_remaining <= 61:
            candidates.append(state.routine_remaining - math.floor(state.routine_remaining) or 1.0)
        due = self.workout.next_due()
        if due is not None:
            candidates.append(due)
        return min(1.0, max(0.02, min(candidates) + SLACK))

    # -- events -------------------------------------------------------------------------------

    def _show_events(self, events: list[view.ViewEvent]) -> bool:
        """Show what the run reported; True when the workout finished."""
        finished = False
        for event in events:
            if isinstance(event, view.CueShown):
                if not event.quiet:
                    self._parts.captions.said(event.cue.text)
            elif isinstance(event, view.Preparing):
                first = self.plan.steps[0]
                self._parts.card.show("GETTING READY", exercise_title(self.plan, first), "")
            elif isinstance(event, view.GettingVoiceReady):
                first = self.plan.steps[0]
                self._parts.card.show(
                    "GETTING THE VOICE READY",
                    exercise_title(self.plan, first),
                    f"Rendering its lines, up to {event.bound:.0f} s",
                )
            elif isinstance(event, view.VoiceState):
                self._show_voice_state(event.state)
            elif isinstance(event, view.MuteChanged):
                self._show_voice_state()
                self.refresh_bindings()
            elif isinstance(event, view.Repeated):
                if self.voice.state in ("captions", "off", "muted") and event.text:
                    self.notify(event.text, title="The coach said")
            elif isinstance(event, view.VoiceNotice):
                self._voice_notice(event.text)
            elif isinstance(event, view.HistoryNotice):
                self.notify(event.text, severity="warning", timeout=8)
            elif isinstance(event, view.Suspended):
                self.notify(
                    f"The clock stopped for {round(event.gap)} s (the computer slept?). "
                    "Paused; press Space to carry on.",
                    severity="warning",
                )
            elif isinstance(event, view.Finished):
                finished = True
        return finished

    # -- rendering ----------------------------------------------------------------------------

    def _paint(self, state: SessionState) -> None:
        step = state.step
        if step is None:
            return
        w = self._parts
        phase_class = PHASE_CLASSES[step.kind]
        if phase_class != self._phase_class:
            self._show_phase_class(phase_class)
        if state.paused != self._paused_shown:
            self.set_class(state.paused, "-paused")
            self._paused_shown = state.paused
            w.paused_note.show("Paused. Press Space to carry on." if state.paused else "")
            self.refresh_bindings()
        phase = PHASE_WORDS[step.kind]
        w.card.show(
            f"PAUSED · {phase}" if state.paused else phase,
            exercise_title(self.plan, step),
            detail_line(step, state.rep),
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

    def _show_phase_class(self, phase_class: str) -> None:
        """Colour the band, the digits and the step bar for the phase.

        The class goes on the band and the clock, each restyled once (9 nodes), not on the
        screen, where a change restyled every node on it twice (remove, then add): that was
        most of what a step change cost. The step bar takes the phase as a tone (a component
        style of its segments), with no restyle at all. The screen carries the class too,
        without a restyle (no rule reads it there), so the phase can still be asked of it.
        """
        old = self._phase_class
        for widget in (self._parts.card.band, self._parts.clock):
            if old:
                widget.remove_class(old, update=False)
            widget.add_class(phase_class)
        self._parts.step_bar.show_tone(phase_class.removeprefix("-phase-"))
        if old:
            self.remove_class(old, update=False)
        self.add_class(phase_class, update=False)
        self._phase_class = phase_class

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
        if self.workout.muted and self._voice_state != "muted":
            words = f"muted · {words}"
        for card in self.query(StepCard):
            card.show_voice(words)

    # -- actions ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.run is None:
            return False  # keys typed before the workout is mounted have nothing to act on
        paused = self.session.paused if not self.done else False
        if action == "pause":
            return not paused
        if action == "resume":
            return paused
        if action == "mute":
            return not self.workout.muted
        if action == "unmute":
            return self.workout.muted
        return True

    def _after_control(self) -> None:
        self.tick()
        self.refresh_bindings()

    def action_pause(self) -> None:
        self.workout.pause()
        self._after_control()

    def action_resume(self) -> None:
        self.workout.resume()
        self._after_control()

    def action_next_step(self) -> None:
        self.workout.next_step()
        self._after_control()

    def action_previous_step(self) -> None:
        self.workout.previous_step()
        self._after_control()

    def action_mute(self) -> None:
        self.workout.set_muted(True)
        self._after_control()

    def action_unmute(self) -> None:
        self.workout.set_muted(False)
        self._after_control()

    def action_repeat(self) -> None:
        self.workout.repeat()
        self.tick()

    def action_leave(self) -> None:
        from glutecoach.screens.confirm import ConfirmScreen

        if not self.session.paused:
            self.workout.pause()
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
            self.workout.stop()
            self._show_events(self.workout.poll())
            self._to_summary()
            return
        if self._paused_for_confirm:
            self._paused_for_confirm = False
            self.workout.resume()
            self._after_control()

    def _to_summary(self) -> None:
        from glutecoach.screens.summary import SummaryScreen

        if self._timer is not None:
            self._timer.stop()
        self.done = True
        self.app.switch_screen(SummaryScreen(self.workout))

    def _settings_changed(self, settings: Settings) -> None:
        """Rate, volume, bell and so on apply to the running voice; a new mode, a new voice."""
        if self.run is not None and not self.done:
            self.run.apply_settings(settings)
            self.tick()
