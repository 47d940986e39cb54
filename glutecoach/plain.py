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
from typing import IO

from glutecoach.engine.describe import describe_step, mmss
from glutecoach.engine.session import Session
from glutecoach.platform import KeyReader, keys
from glutecoach.workout import events as view
from glutecoach.workout.run import WorkoutRun

KEYS_HELP = "Keys: space pause/resume, n next, p back, m mute, r repeat, q stop."
MAX_SLEEP = 1.0


class PlainRunner:
    """Renders a :class:`WorkoutRun` as lines and maps single keys to its commands."""

    def __init__(
        self,
        run: WorkoutRun,
        *,
        out: IO[str],
        err: IO[str] | None = None,
    ) -> None:
        self.run = run
        self.plan = run.plan
        self.out = out
        self.err = err if err is not None else sys.stderr
        self._getting_ready = False  # "Getting the voice ready" printed, "ready" not yet

    @property
    def session(self) -> Session:
        return self.run.session

    def say(self, line: str) -> None:
        with contextlib.suppress(BrokenPipeError):
            self.out.write(line + "\n")
            self.out.flush()

    def warn(self, text: str) -> None:
        with contextlib.suppress(Exception):
            print(f"glutecoach: {text}", file=self.err, flush=True)

    def render(self, events: list[view.ViewEvent]) -> None:
        for event in events:
            if isinstance(event, view.StepChanged):
                step = event.step
                self.say(f"-- {describe_step(self.plan, step)} ({mmss(step.seconds)})")
            elif isinstance(event, view.CueShown):
                self.say(f"{mmss(event.at):>6}  {event.cue.text}")
            elif isinstance(event, view.GettingVoiceReady):
                self._getting_ready = True
                self.say(
                    "Getting the voice ready: rendering this routine's lines "
                    f"(the first time with this voice or rate; up to {event.bound:.0f} s)..."
                )
            elif isinstance(event, view.Started) and self._getting_ready:
                self._getting_ready = False
                if event.voice_ready:  # else the notice says it started without them
                    self.say("Voice ready.")
            elif isinstance(event, view.Suspended):
                minutes = event.gap / 60
                self.say(f"Paused: the clock jumped {minutes:.0f} min (was the computer asleep?).")
            elif isinstance(event, view.Paused):
                self.say("Paused. Press space to go on.")
            elif isinstance(event, view.Resumed):
                self.say("Going on.")
            elif isinstance(event, view.MuteChanged):
                self.say("Muted." if event.muted else "Sound on.")
            elif isinstance(event, view.Repeated):
                if event.text:
                    self.say(f"{'':>6}  {event.text}")
            elif isinstance(event, view.VoiceNotice | view.HistoryNotice):
                self.warn(event.text)

    def poll(self) -> None:
        self.render(self.run.poll())

    def key(self, key: str) -> bool:
        """Act on one key; False when the user asked to stop."""
        run = self.run
        if key in (" ", "\n", "\r"):
            run.toggle_pause()
        elif key in ("n", "N"):
            run.next_step()
        elif key in ("p", "P"):
            run.previous_step()
        elif key in ("m", "M"):
            run.toggle_mute()
        elif key in ("r", "R"):
            run.repeat()
        elif key in ("q", "Q", "\x1b", "\x04"):
            return False
        return True

    def loop(self, keyboard: KeyReader | None) -> str:
        run = self.run
        summary = f"{self.plan.routine.name}: {mmss(self.plan.total_seconds)}"
        self.say(summary + (f". {KEYS_HELP}" if keyboard else ""))
        run.open()
        try:
            while not run.finished:
                self.poll()
                if run.finished:
                    break
                wait = run.next_due()
                timeout = MAX_SLEEP if wait is None else min(wait + 0.002, MAX_SLEEP)
                if keyboard:
                    key = keyboard.read(timeout)
                    if key is not None and not self.key(key):
                        run.stop()
                else:
                    time.sleep(timeout)
        except KeyboardInterrupt:
            run.stop()
        self.poll()
        return self.session.status


def _writer(out: IO[str]) -> Callable[[str], None]:
    def write(text: str) -> None:
        with contextlib.suppress(Exception):
            out.write(text)
            out.flush()

    return write


def run_plain(routine_id: str, *, voice: str | None = None, record: bool = True) -> int:
    from glutecoach.coach import find_routine, make_plan
    from glutecoach.store import NoHistory, open_store
    from glutecoach.voice import make_voice

    store = open_store(history=record)
    for notice in store.notices:
        print(f"glutecoach: {notice}", file=sys.stderr)
    routine = find_routine(routine_id)
    plan = make_plan(routine, store)
    settings = store.settings.value
    out = sys.stdout
    interactive = sys.stdin is not None and sys.stdin.isatty()
    run = WorkoutRun(
        plan,
        settings,
        log=store.history if record else NoHistory(),
        voice_factory=make_voice,
        voice_mode=voice,
        # BEL and notification escapes are for a terminal, not for a log file or a pipe.
        write_terminal=_writer(out) if out.isatty() else None,
        interactive=interactive,
        save_mute=lambda muted: store.settings.update(muted=muted),
    )
    runner = PlainRunner(run, out=out)

    def on_term(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    keyboard = keys(sys.stdin) if interactive else None
    try:
        status = runner.loop(keyboard)
    finally:
        if keyboard:
            keyboard.close()
        signal.signal(signal.SIGTERM, previous)
        run.close()  # stops and saves a run still going; the closing line may still play
        lost = store.close()  # waits (briefly) for history writes still queued
    state = run.state()
    line = (
        f"Session {status}: {mmss(run.session.active_seconds)} active, "
        f"{mmss(state.routine_elapsed)} of {mmss(plan.total_seconds)} of the routine."
    )
    if lost:
        line += f" History could not save {len(lost)} of its updates ({lost[-1]})."
    print(line)
    return 0
