"""``glutecoach run ROUTINE --plain``: the routine in line mode.

Each cue is printed as one plain line when it is due (and spoken by the voice), so it
works piped, under cron, and with screen readers and Braille displays. With a keyboard on
stdin, single keys control it; without one it runs to the end. The loop sleeps until the
next cue or step change, so it costs nothing between cues and never drifts: the session
computes where it is from the clock.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import time
from collections.abc import Callable
from typing import IO, Any

from glutecoach.engine.describe import describe_step, exercise_name, mmss
from glutecoach.engine.model import Plan
from glutecoach.engine.session import (
    CueDue,
    Event,
    Finished,
    Paused,
    Resumed,
    Session,
    StepEnded,
    StepStarted,
    Suspended,
)
from glutecoach.platform import KeyReader, keys

KEYS_HELP = "Keys: space pause/resume, n next, p back, m mute, r repeat, q stop."
MAX_SLEEP = 1.0


class PlainRunner:
    def __init__(
        self,
        plan: Plan,
        *,
        out: IO[str],
        voice: Any,
        record: Any,
        clock: Callable[[], float] = time.monotonic,
        interactive: bool = False,
    ) -> None:
        self.plan = plan
        self.out = out
        self.voice = voice
        self.record = record
        self.clock = clock
        self.interactive = interactive
        self.session = Session(plan, clock)
        self.muted = False
        self.last_cue: Any = None
        self.recorded = False

    def say(self, line: str) -> None:
        with contextlib.suppress(BrokenPipeError):
            self.out.write(line + "\n")
            self.out.flush()

    def handle(self, events: list[Event]) -> None:
        for event in events:
            if isinstance(event, StepStarted):
                step = event.step
                self.say(f"-- {describe_step(self.plan, step)} ({mmss(step.seconds)})")
                self.voice.step_changed(
                    step, self.plan.next_step(event.index), exercise_name(self.plan, step)
                )
            elif isinstance(event, CueDue):
                start = (
                    self.plan.total_seconds
                    if event.index >= len(self.plan.steps)
                    else self.plan.steps[event.index].start
                )
                self.say(f"{mmss(start + event.cue.at):>6}  {event.cue.text}")
                self.last_cue = event.cue
                self.voice.cue(event.cue, self.clock() - event.late)
            elif isinstance(event, StepEnded):
                self.record.step_finished(
                    event.index, event.step, event.seconds_done, event.completed
                )
            elif isinstance(event, Suspended):
                minutes = event.gap / 60
                self.say(f"Paused: the clock jumped {minutes:.0f} min (was the computer asleep?).")
            elif isinstance(event, Paused):
                if not self.interactive:
                    self.session.resume()  # nobody can press space; its Resumed says so
                    continue
                self.voice.flush()
                self.say("Paused. Press space to go on.")
            elif isinstance(event, Resumed):
                self.say("Going on.")
            elif isinstance(event, Finished):
                self.finish()

    def finish(self) -> None:
        if self.recorded:
            return
        self.recorded = True
        self.record.finish(self.session.status, self.session.active_seconds)

    def key(self, key: str) -> bool:
        """Act on one key; False when the user asked to stop."""
        session = self.session
        if key in (" ", "\n", "\r"):
            session.toggle_pause()
        elif key in ("n", "N"):
            self.voice.flush()
            session.next_step()
        elif key in ("p", "P"):
            self.voice.flush()
            session.previous_step()
        elif key in ("m", "M"):
            self.muted = not self.muted
            self.voice.set_muted(self.muted)
            self.say("Muted." if self.muted else "Sound on.")
        elif key in ("r", "R"):
            if self.last_cue is not None:
                self.say(f"{'':>6}  {self.last_cue.text}")
                self.voice.repeat()
        elif key in ("q", "Q", "\x1b", "\x04"):
            return False
        return True

    def run(self, keyboard: KeyReader | None) -> str:
        session = self.session
        summary = f"{self.plan.routine.name}: {mmss(self.plan.total_seconds)}"
        self.say(summary + (f". {KEYS_HELP}" if keyboard else ""))
        session.start()
        try:
            while not session.finished:
                self.handle(session.poll())
                if session.finished:
                    break
                wait = session.next_due()
                timeout = MAX_SLEEP if wait is None else min(wait + 0.002, MAX_SLEEP)
                if keyboard:
                    key = keyboard.read(timeout)
                    if key is not None and not self.key(key):
                        self.voice.flush()
                        session.stop()
                else:
                    time.sleep(timeout)
        except KeyboardInterrupt:
            self.voice.flush()
            session.stop()
        self.handle(session.poll())
        self.finish()
        return session.status


def _writer(out: IO[str]) -> Callable[[str], None]:
    def write(text: str) -> None:
        with contextlib.suppress(Exception):
            out.write(text)
            out.flush()

    return write


def run_plain(routine_id: str, *, voice: str | None = None, record: bool = True) -> int:
    from glutecoach.coach import find_routine, make_plan
    from glutecoach.store import open_store

    store = open_store(history=record)
    for notice in store.notices:
        print(f"glutecoach: {notice}", file=sys.stderr)
    routine = find_routine(routine_id)
    plan = make_plan(routine, store)
    settings = store.settings.value
    out = sys.stdout
    from glutecoach.voice import make_voice

    speaker = make_voice(
        voice or settings.voice,
        settings,
        # BEL and notification escapes are for a terminal, not for a log file or a pipe.
        write_terminal=_writer(out) if out.isatty() else None,
        on_notice=lambda text: print(f"glutecoach: {text}", file=sys.stderr, flush=True),
    )
    # Render every line of the routine ahead, so even the first cues start on time.
    speaker.prepare([c.text for step in plan.steps for c in step.cues])
    recording = store.history.begin(plan, routine.name)
    interactive = sys.stdin is not None and sys.stdin.isatty()
    runner = PlainRunner(plan, out=out, voice=speaker, record=recording, interactive=interactive)

    def on_term(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    keyboard = keys(sys.stdin) if interactive else None
    try:
        status = runner.run(keyboard)
    finally:
        if keyboard:
            keyboard.close()
        signal.signal(signal.SIGTERM, previous)
        runner.finish()  # a no-op when the session already recorded its end
        speaker.close()
        store.close()
    state = runner.session.state()
    print(
        f"Session {status}: {mmss(runner.session.active_seconds)} active, "
        f"{mmss(state.routine_elapsed)} of {mmss(plan.total_seconds)} of the routine."
    )
    return 0
